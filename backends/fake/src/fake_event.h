// An event of a FakeDevice: records a stream's modeled time.
#ifndef SPILLWAY_BACKENDS_FAKE_SRC_FAKE_EVENT_H_
#define SPILLWAY_BACKENDS_FAKE_SRC_FAKE_EVENT_H_

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "spillway/backends/fake/fake_device.h"
#include "spillway/hal/event.h"

namespace spillway::fake {

// Thread-safe. Ownership: the caller owns it; destroyed before its device.
class FakeEvent : public hal::Event {
 public:
  explicit FakeEvent(FakeDevice& device) : hal::Event(device), device_(device) {}

  absl::Status Record(hal::Stream& stream) override;
  // Advances the host's modeled clock to the recorded time.
  absl::Status Synchronize() override;
  // Modeled milliseconds from `start` to this event (negative when `start`
  // was recorded later).
  absl::StatusOr<float> ElapsedMillisecondsSince(hal::Event& start) override;

 private:
  // The recorded modeled time; FAILED_PRECONDITION naming `which` if never recorded.
  absl::StatusOr<double> RecordedTime(const char* which) const;

  FakeDevice& device_;
  mutable absl::Mutex mu_;
  bool recorded_ ABSL_GUARDED_BY(mu_) = false;
  double time_ns_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace spillway::fake

#endif  // SPILLWAY_BACKENDS_FAKE_SRC_FAKE_EVENT_H_
