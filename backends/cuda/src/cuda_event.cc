#include "cuda_event.h"

#include "absl/strings/str_cat.h"
#include "cuda_status.h"
#include "cuda_stream.h"
#include "spillway/hal/status.h"

namespace spillway::cuda {

CudaEvent::~CudaEvent() { (void)device_.symbols().cuEventDestroy_v2(handle_); }

absl::Status CudaEvent::Record(hal::Stream& stream) {
  if (&stream.device() != &device()) {
    return absl::InvalidArgumentError(
        absl::StrCat(device_.uri(), ": event record: the stream belongs to another device (",
                     stream.device().uri(), ")"));
  }
  const abi::CUstream handle = static_cast<CudaStream&>(stream).handle();
  SPILLWAY_RETURN_IF_ERROR(CudaStatus(&device_.symbols(),
                                      device_.symbols().cuEventRecord(handle_, handle),
                                      "cuEventRecord"));
  recorded_.store(true, std::memory_order_release);
  return absl::OkStatus();
}

absl::Status CudaEvent::Synchronize() {
  if (!recorded_.load(std::memory_order_acquire)) {
    return absl::FailedPreconditionError(
        absl::StrCat(device_.uri(), ": the event was never recorded"));
  }
  return CudaStatus(&device_.symbols(), device_.symbols().cuEventSynchronize(handle_),
                    "cuEventSynchronize");
}

absl::StatusOr<float> CudaEvent::ElapsedMillisecondsSince(hal::Event& start) {
  auto* other = dynamic_cast<CudaEvent*>(&start);
  if (other == nullptr || &other->device() != &device()) {
    return absl::InvalidArgumentError(
        absl::StrCat(device_.uri(), ": elapsed time: the start event belongs to another device (",
                     start.device().uri(), ")"));
  }
  if (!other->recorded_.load(std::memory_order_acquire)) {
    return absl::FailedPreconditionError(
        absl::StrCat(device_.uri(), ": elapsed time: the start event was never recorded"));
  }
  if (!recorded_.load(std::memory_order_acquire)) {
    return absl::FailedPreconditionError(
        absl::StrCat(device_.uri(), ": elapsed time: the end event was never recorded"));
  }
  float ms = 0;
  SPILLWAY_RETURN_IF_ERROR(CudaStatus(&device_.symbols(),
                                      device_.symbols().cuEventElapsedTime(&ms, other->handle_,
                                                                           handle_),
                                      "cuEventElapsedTime"));
  return ms;
}

}  // namespace spillway::cuda
