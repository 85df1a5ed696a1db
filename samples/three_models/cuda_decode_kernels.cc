#include "three_models/cuda_decode_kernels.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "spillway/hal/status.h"
#include "spillway/hal/types.h"
#include "three_models/cuda/read_layer_kernel.h"

namespace spillway::samples::three_models {
namespace {

// No GPU is "not here" (the caller may skip); a driver older than the
// toolkit is a setup the user must fix; anything else is a real failure,
// never to be mistaken for a skip.
absl::Status CudaError(int error, const char* call) {
  if (error == 0) return absl::OkStatus();
  const std::string what = absl::StrCat(call, ": ", cuda::ReadLayerErrorName(error), " (",
                                        cuda::ReadLayerErrorString(error), ")");
  switch (cuda::ReadLayerErrorKind(error)) {
    case cuda::kReadLayerNoDevice: return absl::UnavailableError(what);
    case cuda::kReadLayerDriverTooOld:
      return absl::FailedPreconditionError(absl::StrCat(
          what, ": the driver is older than the CUDA toolkit these kernels were built with"));
    default: return absl::InternalError(what);
  }
}

class CudaDecodeKernels final : public DecodeKernels {
 public:
  CudaDecodeKernels(void* stream, int blocks) : stream_(stream), blocks_(blocks) {}
  ~CudaDecodeKernels() override {
    (void)cuda::SynchronizeReadLayerStream(stream_);
    (void)cuda::CloseReadLayerStream(stream_);
  }
  CudaDecodeKernels(const CudaDecodeKernels&) = delete;
  CudaDecodeKernels& operator=(const CudaDecodeKernels&) = delete;

  const char* name() const override { return "cuda"; }
  absl::Status LaunchLayer(const void* weights, uint64_t weight_bytes, const void* kv,
                           uint64_t kv_bytes, void* row, uint64_t row_bytes) override {
    SPILLWAY_RETURN_IF_ERROR(CheckLayerSizes(weight_bytes, kv_bytes, row_bytes));
    return CudaError(cuda::LaunchReadLayer(stream_, blocks_, weights, weight_bytes, kv, kv_bytes,
                                           row, row_bytes),
                     "launching the layer kernel");
  }
  absl::Status Synchronize() override {
    return CudaError(cuda::SynchronizeReadLayerStream(stream_), "cudaStreamSynchronize");
  }

 private:
  void* stream_;
  int blocks_;
};

// The kernels read the runtime's pointers only if the CUDA runtime and the
// HAL's backend loaded the same driver (SPILLWAY_CUDA_LIBRARY could name
// another) and number devices alike: ask the runtime about a HAL allocation.
absl::Status CheckSameDriverAndContext(hal::Device& device) {
  SPILLWAY_ASSIGN_OR_RETURN(void* probe, device.Allocate(hal::MemoryKind::kManaged, 2ull << 20));
  int same = 0;
  const int error = cuda::CheckManagedPointer(probe, device.properties().ordinal, &same);
  (void)device.Free(probe);
  SPILLWAY_RETURN_IF_ERROR(CudaError(error, "cudaPointerGetAttributes"));
  if (same == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the CUDA runtime does not see ", device.uri(),
        "'s managed memory as its own: it loaded another driver than spillway's CUDA backend "
        "(check SPILLWAY_CUDA_LIBRARY) or numbers the devices differently"));
  }
  return absl::OkStatus();
}

}  // namespace

bool CudaDecodeKernelsBuilt() { return true; }

absl::StatusOr<std::unique_ptr<DecodeKernels>> CreateCudaDecodeKernels(hal::Device& device) {
  void* stream = nullptr;
  int blocks = 0;
  SPILLWAY_RETURN_IF_ERROR(CudaError(
      cuda::OpenReadLayerStream(device.properties().ordinal, &stream, &blocks),
      "opening a CUDA stream"));
  auto kernels = std::make_unique<CudaDecodeKernels>(stream, blocks);
  SPILLWAY_RETURN_IF_ERROR(CheckSameDriverAndContext(device));
  return std::unique_ptr<DecodeKernels>(std::move(kernels));
}

}  // namespace spillway::samples::three_models
