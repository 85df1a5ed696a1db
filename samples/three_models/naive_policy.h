// The baseline: every buffer in managed memory with no hints, the way
// llama.cpp's unified-memory option works. The driver migrates pages on
// fault and evicts the least recently used when the device is full.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_NAIVE_POLICY_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_NAIVE_POLICY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "spillway/hal/device.h"
#include "three_models/decode_device.h"
#include "three_models/model_layout.h"
#include "three_models/policy_result.h"
#include "three_models/request_trace.h"

namespace spillway::samples::three_models {

// Allocates the models on `device` (HAL kManaged, straight on the device,
// no runtime), loads them, serves `requests` on the DecodeDevice that
// `decode_device` makes for it (the fake's when empty) and frees everything,
// also on error. Errors: the device's and the factory's, as they are
// (RESOURCE_EXHAUSTED when even the address space runs out). Thread-
// compatible: one run per device at a time.
absl::StatusOr<PolicyResult> ServeNaive(hal::Device& device, const ModelLayout& layout,
                                        const std::vector<Request>& requests,
                                        const ProgressFn& progress,
                                        const DecodeDeviceFactory& decode_device = nullptr);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_NAIVE_POLICY_H_
