// A HIP event of one Hygon device.
#ifndef SPILLWAY_BACKENDS_HYGON_SRC_HYGON_EVENT_H_
#define SPILLWAY_BACKENDS_HYGON_SRC_HYGON_EVENT_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "hygon_device.h"
#include "spillway/hal/event.h"

namespace spillway::hygon {

// Thread-safe. Ownership: owns its hipEvent_t; must not outlive its device.
// HIP reports success when waiting on an event that was never recorded, so
// the event tracks "recorded" itself to give FAILED_PRECONDITION (event.h).
class HygonEvent : public hal::Event {
 public:
  // hipEventCreate on `device`.
  static absl::StatusOr<std::unique_ptr<HygonEvent>> Create(HygonDevice& device);
  ~HygonEvent() override;

  absl::Status Record(hal::Stream& stream) override;
  absl::Status Synchronize() override;
  absl::StatusOr<float> ElapsedMillisecondsSince(hal::Event& start) override;

 private:
  HygonEvent(HygonDevice& device, abi::hipEvent_t handle)
      : hal::Event(device), device_(device), handle_(handle) {}
  bool recorded() const;

  HygonDevice& device_;
  const abi::hipEvent_t handle_;
  mutable absl::Mutex mu_;
  bool recorded_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace spillway::hygon

#endif  // SPILLWAY_BACKENDS_HYGON_SRC_HYGON_EVENT_H_
