// cuda_decode_kernels.h in a build without the CUDA toolkit.
#include "three_models/cuda_decode_kernels.h"

namespace spillway::samples::three_models {

bool CudaDecodeKernelsBuilt() { return false; }

absl::StatusOr<std::unique_ptr<DecodeKernels>> CreateCudaDecodeKernels(hal::Device& /*device*/) {
  return absl::UnavailableError(
      "this spillway-three-models was built without the CUDA toolkit (nvcc), so it has no GPU "
      "kernels: rebuild where nvcc is found, or pass --kernels host with a CPU fake");
}

}  // namespace spillway::samples::three_models
