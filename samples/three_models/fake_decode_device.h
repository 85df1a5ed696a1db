// The fake device as a DecodeDevice: kernels modeled by FakeDevice::
// LaunchKernel on a compute stream of its own, time on the fake's modeled
// clock, the fake's counters.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_FAKE_DECODE_DEVICE_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_FAKE_DECODE_DEVICE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "spillway/hal/device.h"
#include "three_models/decode_device.h"

namespace spillway::samples::three_models {

// INVALID_ARGUMENT when `device` is not a fake device (this needs the fake's
// modeled clock); the device's stream errors as they are. The result refers
// to `device`, which must outlive it.
absl::StatusOr<std::unique_ptr<DecodeDevice>> CreateFakeDecodeDevice(hal::Device& device);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_FAKE_DECODE_DEVICE_H_
