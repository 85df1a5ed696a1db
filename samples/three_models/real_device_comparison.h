// The comparison on a real device (cuda://0 and the like): the same trace,
// layout, policies and bound as on the fake, with real kernels reading the
// weights, wall-clock time, and the card's capacity emulated by the runtime.
//
// - The card never sees more managed memory than it has free: the default
//   sizes (23 GiB of device memory, 46 GiB virtual, three 13 GiB models) are
//   scaled down together when 46 GiB is more than 90% of its free memory.
// - Spillway's runtime gets a memory limit of the virtual size (the quota)
//   and a headroom of free minus the capacity, so that its device budget is
//   the emulated card. The naive policy has no runtime: the driver lets it use
//   the whole card, so on a card larger than the emulated one it does not
//   thrash as it would on a 23 GiB card; the report says so.
// - The bound uses bandwidths measured on the card first: managed memory
//   prefetched host-to-device (the link), and the layer kernel over device
//   memory (the device).
// - A driver counts neither faults nor bytes moved, so those figures are
//   reported as unavailable.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_REAL_DEVICE_COMPARISON_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_REAL_DEVICE_COMPARISON_H_

#include "absl/status/statusor.h"
#include "three_models/comparison.h"

namespace spillway::samples::three_models {

// Runs the comparison on options.device_uri (any backend built into the
// runtime; its vendor library is found as the backend documents).
// Errors: UNAVAILABLE when the device cannot be opened or the kernels cannot
// run there (no GPU, no CUDA toolkit at build time: the reason is given);
// INVALID_ARGUMENT for CUDA kernels on a non-CUDA device and for bad sizes;
// FAILED_PRECONDITION when the card lacks managed memory or is too small even
// for scaled-down models; the device's and runtime's errors, as they are.
// Thread-compatible: one run per device at a time.
absl::StatusOr<Comparison> RunRealDeviceComparison(const ComparisonOptions& options,
                                                   const ProgressFn& progress);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_REAL_DEVICE_COMPARISON_H_
