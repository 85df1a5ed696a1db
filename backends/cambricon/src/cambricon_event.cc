#include "cambricon_event.h"

#include "cambricon_status.h"
#include "cambricon_stream.h"
#include "spillway/hal/status.h"

namespace spillway::cambricon {

CambriconEvent::~CambriconEvent() {
  if (device_.Activate().ok()) (void)device_.symbols().cnrtNotifierDestroy(notifier_);
}

absl::Status CambriconEvent::RecordOn(hal::Stream& stream) {
  // Same device (checked by the base), so the stream is a CambriconStream.
  auto& own = static_cast<CambriconStream&>(stream);
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  return CnrtStatus(&device_.symbols(), device_.symbols().cnrtPlaceNotifier(notifier_, own.queue()),
                    "cnrtPlaceNotifier");
}

absl::Status CambriconEvent::WaitFor() {
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  return CnrtStatus(&device_.symbols(), device_.symbols().cnrtWaitNotifier(notifier_),
                    "cnrtWaitNotifier");
}

absl::StatusOr<float> CambriconEvent::MeasureSince(hal::RecordTrackingEvent& start) {
  auto& begin = static_cast<CambriconEvent&>(start);
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  float ms = 0;
  // The milliseconds come last in CNRT (first in CUDA and ACL).
  SPILLWAY_RETURN_IF_ERROR(CnrtStatus(&device_.symbols(),
                                      device_.symbols().cnrtNotifierElapsedTime(
                                          begin.notifier_, notifier_, &ms),
                                      "cnrtNotifierElapsedTime"));
  return ms;
}

}  // namespace spillway::cambricon
