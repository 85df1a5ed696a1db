// The kernels of a decode step on a real device: one per layer, reading the
// layer's weights and KV slice and writing the new token's row. What the fake
// device models with LaunchKernel, a real device runs (cuda_decode_kernels.h);
// host_decode_kernels.h runs them on the CPU, for CPU fakes of vendor
// libraries.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_DECODE_KERNELS_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_DECODE_KERNELS_H_

#include <cstdint>

#include "absl/status/status.h"

namespace spillway::samples::three_models {

// Thread-compatible: one thread launches at a time.
class DecodeKernels {
 public:
  virtual ~DecodeKernels() = default;

  // "cuda", "host": what runs the kernels, for reports.
  virtual const char* name() const = 0;
  // Enqueues one layer's kernel, in order after every earlier one: it reads
  // all `weight_bytes` at `weights` and `kv_bytes` at `kv`, then writes
  // `row_bytes` at `row` (a row inside the KV slice) with a value computed
  // from what it read, so that no read can be optimised away. Every size is
  // a multiple of 16 bytes (INVALID_ARGUMENT otherwise); the pointers are
  // device-accessible addresses (managed, device, or host-mapped memory).
  virtual absl::Status LaunchLayer(const void* weights, uint64_t weight_bytes, const void* kv,
                                   uint64_t kv_bytes, void* row, uint64_t row_bytes) = 0;
  // Waits until every kernel launched so far has finished; the first kernel
  // error since the last call, as UNAVAILABLE or INTERNAL with the vendor's
  // words.
  virtual absl::Status Synchronize() = 0;
};

// INVALID_ARGUMENT unless every size is a multiple of 16 bytes and the row
// is not empty: what LaunchLayer checks before launching.
absl::Status CheckLayerSizes(uint64_t weight_bytes, uint64_t kv_bytes, uint64_t row_bytes);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_DECODE_KERNELS_H_
