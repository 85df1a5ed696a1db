#include "cambricon_event.h"

#include "absl/strings/str_cat.h"
#include "cambricon_status.h"
#include "cambricon_stream.h"
#include "spillway/hal/status.h"

namespace spillway::cambricon {

CambriconEvent::~CambriconEvent() {
  if (device_.Activate().ok()) (void)device_.symbols().cnrtNotifierDestroy(notifier_);
}

absl::Status CambriconEvent::Record(hal::Stream& stream) {
  auto* own = dynamic_cast<CambriconStream*>(&stream);
  if (own == nullptr || &own->cambricon_device() != &device_) {
    return absl::InvalidArgumentError(
        absl::StrCat(device_.uri(), ": event record on a stream of another device"));
  }
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  SPILLWAY_RETURN_IF_ERROR(CnrtStatus(&device_.symbols(),
                                      device_.symbols().cnrtPlaceNotifier(notifier_, own->queue()),
                                      "cnrtPlaceNotifier"));
  recorded_.store(true);
  return absl::OkStatus();
}

absl::Status CambriconEvent::Synchronize() {
  if (!recorded_.load()) {
    return absl::FailedPreconditionError(
        absl::StrCat(device_.uri(), ": synchronize on an event that was never recorded"));
  }
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  return CnrtStatus(&device_.symbols(), device_.symbols().cnrtWaitNotifier(notifier_),
                    "cnrtWaitNotifier");
}

absl::StatusOr<float> CambriconEvent::ElapsedMillisecondsSince(hal::Event& start) {
  auto* begin = dynamic_cast<CambriconEvent*>(&start);
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
  // The milliseconds come last in CNRT (first in CUDA and ACL).
  const abi::cnrtRet_t error =
      device_.symbols().cnrtNotifierElapsedTime(begin->notifier_, notifier_, &ms);
  if (error != abi::kSuccess) {
    // An incomplete notifier is the usual cause; event.h promises this code.
    return absl::FailedPreconditionError(
        CnrtStatus(&device_.symbols(), error, "cnrtNotifierElapsedTime").message());
  }
  return ms;
}

}  // namespace spillway::cambricon
