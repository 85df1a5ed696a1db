// Where the serving loop runs its tokens: a clock, one decode step run to
// completion, loading the models, and the device's counters where it keeps
// any. The fake device (modeled clock, exact counters) and real kernels on a
// real device (wall clock, no counters) both stand behind it, so that every
// policy runs the same loop on either.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_DECODE_DEVICE_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_DECODE_DEVICE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "spillway/backends/fake/fake_counters.h"
#include "spillway/hal/device.h"
#include "three_models/model_buffers.h"
#include "three_models/model_layout.h"

namespace spillway::samples::three_models {

// Thread-compatible: one serving loop drives it at a time.
class DecodeDevice {
 public:
  virtual ~DecodeDevice() = default;

  // Puts the models' bytes in `buffers` (allocations of the HAL device this
  // was made for), as a server reading them from disk does: afterwards every
  // managed page's valid copy is in host memory. Waits for it to finish.
  virtual absl::Status LoadModels(const ModelLayout& layout,
                                  const std::vector<ModelBuffers>& buffers) = 0;
  // Waits for every earlier piece of work on the device.
  virtual absl::Status Synchronize() = 0;
  // One decode step of the model in `buffers`: for each layer in order, reads
  // its weights and its whole KV slice, then writes the token's K and V row at
  // `position` (modulo the slice's positions). Returns when it has finished,
  // as a server waits to sample the next token.
  virtual absl::Status RunDecodeStep(const ModelLayout& layout, const ModelBuffers& buffers,
                                     uint64_t position) = 0;
  // Nanoseconds on the clock the device is judged by; never decreases.
  virtual double NowNs() = 0;
  // What the device has counted so far; nullopt where it counts nothing
  // (real hardware: the figures are then reported as unavailable).
  virtual std::optional<fake::FakeCounters> Counters() const = 0;
};

// Makes the DecodeDevice for a HAL device that a policy has opened.
using DecodeDeviceFactory =
    std::function<absl::StatusOr<std::unique_ptr<DecodeDevice>>(hal::Device& device)>;

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_DECODE_DEVICE_H_
