// One NVIDIA GPU behind the HAL, through its primary context.
#ifndef SPILLWAY_BACKENDS_CUDA_SRC_CUDA_DEVICE_H_
#define SPILLWAY_BACKENDS_CUDA_SRC_CUDA_DEVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cuda_symbols.h"
#include "spillway/hal/device.h"
#include "spillway/hal/types.h"

namespace spillway::cuda {

// Thread-safe (the driver is; every call makes the primary context current on
// the calling thread for its duration, see ScopedContext).
// Ownership: owned by the CUDA backend; holds a reference on the device's
// primary context from Open until destruction. The CudaSymbols (and the
// library behind them) must outlive it.
class CudaDevice : public hal::Device {
 public:
  // Retains the primary context of device `ordinal` and reads its
  // properties. Errors: the driver's, as Status (cuda_status.h).
  // `limitations` receives what this device lacks and why.
  static absl::StatusOr<std::unique_ptr<CudaDevice>> Open(const CudaSymbols& symbols, int ordinal,
                                                          std::vector<hal::Limitation>* limitations);
  ~CudaDevice() override;

  const CudaSymbols& symbols() const { return symbols_; }
  abi::CUcontext context() const { return context_; }
  abi::CUdevice cu_device() const { return cu_device_; }

 protected:
  absl::StatusOr<hal::MemoryInfo> DoGetMemoryInfo() override;
  absl::StatusOr<void*> DoAllocate(hal::MemoryKind kind, size_t size) override;
  absl::Status DoFree(const hal::Allocation& allocation) override;
  absl::Status DoCopy(void* dst, hal::Endpoint dst_kind, const void* src,
                      hal::Endpoint src_kind, size_t size) override;
  absl::Status DoFill(void* dst, hal::Endpoint dst_kind, uint8_t value, size_t size) override;
  absl::StatusOr<std::unique_ptr<hal::Stream>> DoCreateStream() override;
  absl::StatusOr<std::unique_ptr<hal::Event>> DoCreateEvent() override;
  absl::Status DoCopyAsync(void* dst, hal::Endpoint dst_kind, const void* src,
                           hal::Endpoint src_kind, size_t size, hal::Stream& stream) override;
  absl::Status DoFillAsync(void* dst, hal::Endpoint dst_kind, uint8_t value, size_t size,
                           hal::Stream& stream) override;
  absl::Status DoAdvise(void* ptr, size_t size, hal::Advice advice,
                        hal::Location location) override;
  absl::Status DoPrefetch(void* ptr, size_t size, hal::Location location,
                          hal::Stream& stream) override;
  absl::Status DoSynchronize() override;

 private:
  CudaDevice(hal::DeviceProperties properties, const CudaSymbols& symbols,
             abi::CUdevice cu_device, abi::CUcontext context);

  const CudaSymbols& symbols_;
  const abi::CUdevice cu_device_;
  const abi::CUcontext context_;
};

}  // namespace spillway::cuda

#endif  // SPILLWAY_BACKENDS_CUDA_SRC_CUDA_DEVICE_H_
