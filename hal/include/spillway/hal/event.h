// A marker in a stream, for ordering and timing.
#ifndef SPILLWAY_HAL_EVENT_H_
#define SPILLWAY_HAL_EVENT_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace spillway::hal {

class Device;
class Stream;

// Thread-safe. Ownership: created by Device::CreateEvent; destroyed before
// the backend that owns its device.
class Event {
 public:
  virtual ~Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  // Captures the point after all work enqueued so far on `stream`, which
  // must belong to the same device (INVALID_ARGUMENT otherwise).
  virtual absl::Status Record(Stream& stream) = 0;
  // Blocks until the recorded point has been reached.
  // FAILED_PRECONDITION if the event was never recorded.
  virtual absl::Status Synchronize() = 0;
  // Milliseconds from `start` to this event. Both must be recorded on the
  // same device and complete (FAILED_PRECONDITION otherwise).
  virtual absl::StatusOr<float> ElapsedMillisecondsSince(Event& start) = 0;

  Device& device() const { return device_; }

 protected:
  explicit Event(Device& device) : device_(device) {}

 private:
  Device& device_;
};

}  // namespace spillway::hal

#endif  // SPILLWAY_HAL_EVENT_H_
