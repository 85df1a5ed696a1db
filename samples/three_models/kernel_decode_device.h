// A real device as a DecodeDevice: real kernels (DecodeKernels) on the
// buffers, wall-clock time, no counters (a driver does not count its page
// faults and migrations for us).
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_KERNEL_DECODE_DEVICE_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_KERNEL_DECODE_DEVICE_H_

#include <memory>

#include "spillway/hal/device.h"
#include "three_models/decode_device.h"
#include "three_models/decode_kernels.h"

namespace spillway::samples::three_models {

// Loading writes every model's bytes from the host (managed and host memory)
// or fills them on the device (device memory). `device` must outlive the
// result; the result owns `kernels`. Thread-compatible.
std::unique_ptr<DecodeDevice> CreateKernelDecodeDevice(hal::Device& device,
                                                       std::unique_ptr<DecodeKernels> kernels);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_KERNEL_DECODE_DEVICE_H_
