#include "three_models/cuda_decode_kernels.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "spillway/hal/status.h"
#include "three_models/cuda/read_layer_kernel.h"

namespace spillway::samples::three_models {
namespace {

absl::Status CudaError(int error, const char* call) {
  if (error == 0) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(call, ": ", cuda::ReadLayerErrorName(error), " (",
                                             cuda::ReadLayerErrorString(error), ")"));
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

}  // namespace

bool CudaDecodeKernelsBuilt() { return true; }

absl::StatusOr<std::unique_ptr<DecodeKernels>> CreateCudaDecodeKernels(int ordinal) {
  void* stream = nullptr;
  int multiprocessors = 0;
  SPILLWAY_RETURN_IF_ERROR(CudaError(cuda::OpenReadLayerStream(ordinal, &stream, &multiprocessors),
                                     "opening a CUDA stream"));
  // Enough resident blocks per multiprocessor to keep memory busy.
  return std::unique_ptr<DecodeKernels>(new CudaDecodeKernels(stream, multiprocessors * 8));
}

}  // namespace spillway::samples::three_models
