// The comparison on a real device (cuda://0 and the like): the same trace,
// layout, policies and bound as on the fake, with real kernels reading the
// weights, wall-clock time, and the card's capacity emulated by the runtime.
//
// - The card never sees more managed memory than 90% of its free memory: the
//   default sizes (23 GiB of device memory, 46 GiB virtual, three 13 GiB
//   models) are scaled down together when needed.
// - Spillway's runtime gets a memory limit of the virtual size (the quota)
//   and a headroom of free minus the capacity, so that its device budget is
//   the emulated card. The naive policy has no runtime: the driver lets it use
//   the whole card, so on a card larger than the emulated one it does not
//   thrash as it would on a 23 GiB card; the report says so.
// - The bound uses bandwidths measured on the card first: the faster of a
//   managed prefetch and a pinned copy host-to-device (the link), and the
//   layer kernel over device memory (the device).
// - A driver counts neither faults nor bytes moved, so those figures are
//   reported as unavailable.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_REAL_DEVICE_COMPARISON_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_REAL_DEVICE_COMPARISON_H_

#include "absl/status/statusor.h"
#include "three_models/comparison.h"

namespace spillway::samples::three_models {

// Runs the comparison on options.device_uri (any backend built into the
// runtime; its vendor library is found as the backend documents).
// Errors: the registry's when the device cannot be opened (UNAVAILABLE when
// its driver is missing); UNAVAILABLE when the sample has no CUDA kernels or
// the CUDA runtime finds no GPU; INVALID_ARGUMENT for CUDA kernels on a
// non-CUDA device, for host kernels where the CPU cannot read device memory,
// and for bad sizes; FAILED_PRECONDITION when the card lacks managed memory,
// is too small even for scaled-down models, has a driver older than the
// toolkit or a CUDA runtime that does not share the backend's driver;
// INTERNAL for other CUDA errors; the device's and runtime's errors, as they
// are. Only UNAVAILABLE means "nothing to run on here".
// Thread-compatible: one run per device at a time.
absl::StatusOr<Comparison> RunRealDeviceComparison(const ComparisonOptions& options,
                                                   const ProgressFn& progress);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_REAL_DEVICE_COMPARISON_H_
