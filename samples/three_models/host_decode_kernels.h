// Decode kernels run by the CPU, through host pointers. Only for CPU fakes of
// vendor libraries (tests, and trying the real-device path on a machine
// without an accelerator), whose "device" memory is host memory: on a real
// accelerator's device memory the CPU cannot read, and the figures would say
// nothing about the accelerator anyway.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_HOST_DECODE_KERNELS_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_HOST_DECODE_KERNELS_H_

#include <memory>

#include "three_models/decode_kernels.h"

namespace spillway::samples::three_models {

// Runs each kernel synchronously in LaunchLayer. Never fails but for bad
// sizes. Thread-compatible.
std::unique_ptr<DecodeKernels> CreateHostDecodeKernels();

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_HOST_DECODE_KERNELS_H_
