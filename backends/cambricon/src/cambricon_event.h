// A CNRT notifier of one CambriconDevice, with timing.
#ifndef SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_EVENT_H_
#define SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_EVENT_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cambricon_device.h"
#include "spillway/hal/record_tracking_event.h"

namespace spillway::cambricon {

// Thread-safe. Ownership: owns the cnrtNotifier_t, which it destroys; must be
// destroyed before its device. cnrtWaitNotifier succeeds for a notifier never
// placed (cnrt.h 6.0.2), but the HAL wants FAILED_PRECONDITION, so the base
// class remembers whether it was recorded.
class CambriconEvent : public hal::RecordTrackingEvent {
 public:
  CambriconEvent(CambriconDevice& device, abi::cnrtNotifier_t notifier)
      : hal::RecordTrackingEvent(device), device_(device), notifier_(notifier) {}
  ~CambriconEvent() override;

 private:
  absl::Status RecordOn(hal::Stream& stream) override;
  absl::Status WaitFor() override;
  absl::StatusOr<float> MeasureSince(hal::RecordTrackingEvent& start) override;

  CambriconDevice& device_;
  const abi::cnrtNotifier_t notifier_;
};

}  // namespace spillway::cambricon

#endif  // SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_EVENT_H_
