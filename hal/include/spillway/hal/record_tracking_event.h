// An Event that remembers whether it was recorded, for vendors whose own
// event does not say (e.g. waiting on a never-recorded ACL event or CNRT
// notifier succeeds), written once for the backends that need it.
#ifndef SPILLWAY_HAL_RECORD_TRACKING_EVENT_H_
#define SPILLWAY_HAL_RECORD_TRACKING_EVENT_H_

#include <atomic>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "spillway/hal/event.h"

namespace spillway::hal {

// Implements the checks event.h promises and leaves the vendor calls to the
// subclass:
//   - Record: INVALID_ARGUMENT, without calling RecordOn, for a stream of
//     another device; marks the event recorded only when RecordOn succeeds.
//   - Synchronize: FAILED_PRECONDITION, without calling WaitFor, if the event
//     was never recorded.
//   - ElapsedMillisecondsSince: FAILED_PRECONDITION, without calling
//     MeasureSince, when `start` is not a RecordTrackingEvent of the same
//     device or either event was never recorded; any error of MeasureSince
//     becomes FAILED_PRECONDITION with the same message (an incomplete event
//     is the usual cause, and event.h promises that code).
// Each message this class writes starts with the device's URI; one passed
// through from MeasureSince is the subclass's, as it is. Thread-safe as long
// as the subclass's calls are.
class RecordTrackingEvent : public Event {
 public:
  absl::Status Record(Stream& stream) final;
  absl::Status Synchronize() final;
  absl::StatusOr<float> ElapsedMillisecondsSince(Event& start) final;

 protected:
  explicit RecordTrackingEvent(Device& device) : Event(device) {}

  // The vendor's record on `stream`, which belongs to this event's device.
  virtual absl::Status RecordOn(Stream& stream) = 0;
  // The vendor's wait; called only once the event was recorded.
  virtual absl::Status WaitFor() = 0;
  // The vendor's milliseconds from `start`, an event of the same device and
  // the same subclass; called only once both were recorded.
  virtual absl::StatusOr<float> MeasureSince(RecordTrackingEvent& start) = 0;

 private:
  std::atomic<bool> recorded_{false};
};

}  // namespace spillway::hal

#endif  // SPILLWAY_HAL_RECORD_TRACKING_EVENT_H_
