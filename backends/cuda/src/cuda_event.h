// A CUDA event of one CudaDevice, with timing.
#ifndef SPILLWAY_BACKENDS_CUDA_SRC_CUDA_EVENT_H_
#define SPILLWAY_BACKENDS_CUDA_SRC_CUDA_EVENT_H_

#include <atomic>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cuda_device.h"
#include "spillway/hal/event.h"

namespace spillway::cuda {

// Thread-safe. Ownership: owns the CUevent, which it destroys; must be
// destroyed before its device. The driver treats a never-recorded event as
// complete; the HAL wants FAILED_PRECONDITION, so the event remembers
// whether it was recorded.
class CudaEvent : public hal::Event {
 public:
  CudaEvent(CudaDevice& device, abi::CUevent handle)
      : hal::Event(device), device_(device), handle_(handle) {}
  ~CudaEvent() override;

  absl::Status Record(hal::Stream& stream) override;
  absl::Status Synchronize() override;
  absl::StatusOr<float> ElapsedMillisecondsSince(hal::Event& start) override;

 private:
  CudaDevice& device_;
  const abi::CUevent handle_;
  std::atomic<bool> recorded_{false};
};

}  // namespace spillway::cuda

#endif  // SPILLWAY_BACKENDS_CUDA_SRC_CUDA_EVENT_H_
