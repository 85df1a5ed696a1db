// An ACL event of one AscendDevice, with timing.
#ifndef SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_EVENT_H_
#define SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_EVENT_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ascend_device.h"
#include "spillway/hal/record_tracking_event.h"

namespace spillway::ascend {

// Thread-safe. Ownership: owns the aclrtEvent, which it destroys; must be
// destroyed before its device. The HAL wants FAILED_PRECONDITION for a
// never-recorded event, which ACL does not promise, so the base class
// remembers whether it was recorded.
class AscendEvent : public hal::RecordTrackingEvent {
 public:
  AscendEvent(AscendDevice& device, abi::aclrtEvent handle)
      : hal::RecordTrackingEvent(device), device_(device), handle_(handle) {}
  ~AscendEvent() override;

 private:
  absl::Status RecordOn(hal::Stream& stream) override;
  absl::Status WaitFor() override;
  absl::StatusOr<float> MeasureSince(hal::RecordTrackingEvent& start) override;

  AscendDevice& device_;
  const abi::aclrtEvent handle_;
};

}  // namespace spillway::ascend

#endif  // SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_EVENT_H_
