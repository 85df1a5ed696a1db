#include "cuda_stream.h"

#include "cuda_status.h"

namespace spillway::cuda {

CudaStream::~CudaStream() {
  // Pending work still completes; the driver releases the stream afterwards.
  (void)device_.symbols().cuStreamDestroy_v2(handle_);
}

absl::Status CudaStream::Synchronize() {
  return CudaStatus(&device_.symbols(), device_.symbols().cuStreamSynchronize(handle_),
                    "cuStreamSynchronize");
}

absl::StatusOr<bool> CudaStream::Query() {
  const abi::CUresult result = device_.symbols().cuStreamQuery(handle_);
  if (result == abi::kSuccess) return true;
  if (result == abi::kErrorNotReady) return false;
  return CudaStatus(&device_.symbols(), result, "cuStreamQuery");
}

}  // namespace spillway::cuda
