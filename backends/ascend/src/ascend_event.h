// An ACL event of one AscendDevice, with timing.
#ifndef SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_EVENT_H_
#define SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_EVENT_H_

#include <atomic>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ascend_device.h"
#include "spillway/hal/event.h"

namespace spillway::ascend {

// Thread-safe. Ownership: owns the aclrtEvent, which it destroys; must be
// destroyed before its device. The HAL wants FAILED_PRECONDITION for a
// never-recorded event, which ACL does not promise, so the event remembers
// whether it was recorded.
class AscendEvent : public hal::Event {
 public:
  AscendEvent(AscendDevice& device, abi::aclrtEvent handle)
      : hal::Event(device), device_(device), handle_(handle) {}
  ~AscendEvent() override;

  absl::Status Record(hal::Stream& stream) override;
  absl::Status Synchronize() override;
  absl::StatusOr<float> ElapsedMillisecondsSince(hal::Event& start) override;

 private:
  AscendDevice& device_;
  const abi::aclrtEvent handle_;
  std::atomic<bool> recorded_{false};
};

}  // namespace spillway::ascend

#endif  // SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_EVENT_H_
