// Decode kernels on an NVIDIA GPU (cuda/read_layer_kernel.cu), on their own
// stream in the device's primary context, the one the HAL's CUDA backend
// retains, so that they read the runtime's allocations directly.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_CUDA_DECODE_KERNELS_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_CUDA_DECODE_KERNELS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "spillway/hal/device.h"
#include "three_models/decode_kernels.h"

namespace spillway::samples::three_models {

// True when this build has the kernels (the CUDA toolkit was found).
bool CudaDecodeKernelsBuilt();

// For `device`, a device of the HAL's CUDA backend. UNAVAILABLE when the
// sample was built without the CUDA toolkit or the CUDA runtime finds no
// GPU; FAILED_PRECONDITION when the driver is older than the toolkit, or when
// the CUDA runtime does not share the backend's driver and context (it could
// not read the runtime's allocations); INTERNAL for any other CUDA error.
// Each with the CUDA runtime's words. Thread-compatible result.
absl::StatusOr<std::unique_ptr<DecodeKernels>> CreateCudaDecodeKernels(hal::Device& device);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_CUDA_DECODE_KERNELS_H_
