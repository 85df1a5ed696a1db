#include "spillway/hal/record_tracking_event.h"

#include "absl/strings/str_cat.h"
#include "spillway/hal/device.h"
#include "spillway/hal/stream.h"

namespace spillway::hal {

absl::Status RecordTrackingEvent::Record(Stream& stream) {
  if (&stream.device() != &device()) {
    return absl::InvalidArgumentError(
        absl::StrCat(device().uri(), ": event record on a stream of another device"));
  }
  absl::Status recorded = RecordOn(stream);
  if (recorded.ok()) recorded_.store(true);
  return recorded;
}

absl::Status RecordTrackingEvent::Synchronize() {
  if (!recorded_.load()) {
    return absl::FailedPreconditionError(
        absl::StrCat(device().uri(), ": synchronize on an event that was never recorded"));
  }
  return WaitFor();
}

absl::StatusOr<float> RecordTrackingEvent::ElapsedMillisecondsSince(Event& start) {
  auto* begin = dynamic_cast<RecordTrackingEvent*>(&start);
  if (begin == nullptr || &begin->device() != &device()) {
    return absl::FailedPreconditionError(
        absl::StrCat(device().uri(), ": elapsed time between events of different devices"));
  }
  if (!recorded_.load() || !begin->recorded_.load()) {
    return absl::FailedPreconditionError(
        absl::StrCat(device().uri(), ": elapsed time needs both events recorded"));
  }
  absl::StatusOr<float> ms = MeasureSince(*begin);
  if (!ms.ok()) return absl::FailedPreconditionError(ms.status().message());
  return ms;
}

}  // namespace spillway::hal
