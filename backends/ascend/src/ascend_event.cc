#include "ascend_event.h"

#include "absl/strings/str_cat.h"
#include "ascend_status.h"
#include "ascend_stream.h"
#include "spillway/hal/status.h"

namespace spillway::ascend {

AscendEvent::~AscendEvent() {
  if (device_.Activate().ok()) (void)device_.symbols().aclrtDestroyEvent(handle_);
}

absl::Status AscendEvent::Record(hal::Stream& stream) {
  auto* own = dynamic_cast<AscendStream*>(&stream);
  if (own == nullptr || &own->ascend_device() != &device_) {
    return absl::InvalidArgumentError(
        absl::StrCat(device_.uri(), ": event record on a stream of another device"));
  }
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  SPILLWAY_RETURN_IF_ERROR(AclStatus(&device_.symbols(),
                                     device_.symbols().aclrtRecordEvent(handle_, own->handle()),
                                     "aclrtRecordEvent"));
  recorded_.store(true);
  return absl::OkStatus();
}

absl::Status AscendEvent::Synchronize() {
  if (!recorded_.load()) {
    return absl::FailedPreconditionError(
        absl::StrCat(device_.uri(), ": synchronize on an event that was never recorded"));
  }
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  return AclStatus(&device_.symbols(), device_.symbols().aclrtSynchronizeEvent(handle_),
                   "aclrtSynchronizeEvent");
}

absl::StatusOr<float> AscendEvent::ElapsedMillisecondsSince(hal::Event& start) {
  auto* begin = dynamic_cast<AscendEvent*>(&start);
  if (begin == nullptr || &begin->device_ != &device_) {
    return absl::FailedPreconditionError(
        absl::StrCat(device_.uri(), ": elapsed time between events of different devices"));
  }
  if (!recorded_.load() || !begin->recorded_.load()) {
    return absl::FailedPreconditionError(
        absl::StrCat(device_.uri(), ": elapsed time needs both events recorded"));
  }
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  float ms = 0;
  const abi::aclError error = device_.symbols().aclrtEventElapsedTime(&ms, begin->handle_, handle_);
  if (error != abi::kSuccess) {
    // An incomplete event is the usual cause; event.h promises this code.
    absl::Status status = AclStatus(&device_.symbols(), error, "aclrtEventElapsedTime");
    return absl::FailedPreconditionError(status.message());
  }
  return ms;
}

}  // namespace spillway::ascend
