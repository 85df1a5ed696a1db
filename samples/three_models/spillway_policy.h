// spillway's way: the runtime places every buffer and tiers it, driven by
// the hints an inference server can give without knowing the device:
// - one group per model; weights have role kWeights (read-mostly), the KV
//   cache role kKvCache;
// - Activate(model, copy stream) when the next request is for another model;
// - Prefetch(next model's buffers, copy stream) when the queue shows that the
//   request after the current one is for another model.
// Kernels run on a compute stream; the runtime's transfers go on a separate
// copy stream so that they overlap with them (a kernel waits only for the
// pages it reads).
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_SPILLWAY_POLICY_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_SPILLWAY_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "spillway/hal/registry.h"
#include "three_models/decode_device.h"
#include "three_models/model_layout.h"
#include "three_models/policy_result.h"
#include "three_models/request_trace.h"

namespace spillway::samples::three_models {

struct SpillwayOptions {
  // The device URI in `registry`.
  std::string device_uri = "fake://0";
  // Where tokens run; empty: the fake's DecodeDevice (the device must then be
  // a fake one, for its modeled time).
  DecodeDeviceFactory decode_device;
  // The process's quota (RuntimeConfig::SetMemoryLimit); none when unset.
  std::optional<uint64_t> memory_limit;
  // Bytes the runtime keeps free on the device (SetDeviceHeadroom): how a
  // smaller card is emulated on a real one.
  uint64_t device_headroom = 0;
  // Virtual device memory the runtime presents (RuntimeConfig::SetVirtualSize).
  uint64_t virtual_size = 46ull << 30;
  // RuntimeOptions::idle_floor_fraction.
  double idle_floor_fraction = 0.5;
  // Where the runtime keeps its ledger; empty: a fresh temporary directory,
  // removed afterwards, so runs never share quota with anything else.
  std::string ledger_path;
};

// Opens a runtime over `registry`'s device, allocates the models through it,
// loads them, serves `requests` and frees everything, also on error.
// Errors: the runtime's (e.g. RESOURCE_EXHAUSTED when the models exceed the
// virtual size), INVALID_ARGUMENT when the device is not a fake one and no
// DecodeDevice factory is given, and the factory's.
// Thread-compatible: one run per device at a time.
absl::StatusOr<PolicyResult> ServeWithSpillway(hal::Registry& registry, const ModelLayout& layout,
                                               const std::vector<Request>& requests,
                                               const SpillwayOptions& options,
                                               const ProgressFn& progress);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_SPILLWAY_POLICY_H_
