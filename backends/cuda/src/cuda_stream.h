// A CUDA stream of one CudaDevice.
#ifndef SPILLWAY_BACKENDS_CUDA_SRC_CUDA_STREAM_H_
#define SPILLWAY_BACKENDS_CUDA_SRC_CUDA_STREAM_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cuda_device.h"
#include "spillway/hal/stream.h"

namespace spillway::cuda {

// A non-blocking stream (it does not synchronize with the legacy default
// stream). Thread-safe (the driver is). Ownership: owns the CUstream, which
// it destroys; must be destroyed before its device.
class CudaStream : public hal::Stream {
 public:
  CudaStream(CudaDevice& device, abi::CUstream handle)
      : hal::Stream(device), device_(device), handle_(handle) {}
  ~CudaStream() override;

  absl::Status Synchronize() override;
  absl::StatusOr<bool> Query() override;

  abi::CUstream handle() const { return handle_; }
  CudaDevice& cuda_device() const { return device_; }

 private:
  CudaDevice& device_;
  const abi::CUstream handle_;
};

}  // namespace spillway::cuda

#endif  // SPILLWAY_BACKENDS_CUDA_SRC_CUDA_STREAM_H_
