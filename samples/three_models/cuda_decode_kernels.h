// Decode kernels on an NVIDIA GPU (cuda/read_layer_kernel.cu), on their own
// stream in the device's primary context, the one the HAL's CUDA backend
// retains, so that they read the runtime's allocations directly.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_CUDA_DECODE_KERNELS_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_CUDA_DECODE_KERNELS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "three_models/decode_kernels.h"

namespace spillway::samples::three_models {

// True when this build has the kernels (the CUDA toolkit was found).
bool CudaDecodeKernelsBuilt();

// For device `ordinal` (the N of cuda://N). UNAVAILABLE when the sample was
// built without the CUDA toolkit, or when the CUDA runtime cannot use the
// device (no GPU, a driver older than the toolkit: the runtime's words).
// Thread-compatible result.
absl::StatusOr<std::unique_ptr<DecodeKernels>> CreateCudaDecodeKernels(int ordinal);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_CUDA_DECODE_KERNELS_H_
