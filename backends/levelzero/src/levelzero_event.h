// An event of one Level Zero device, with kernel timestamps for timing.
#ifndef SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_EVENT_H_
#define SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_EVENT_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "levelzero_device.h"
#include "spillway/hal/event.h"

namespace spillway::levelzero {

// A host-visible kernel-timestamp event in a pool of its own. Waiting on an
// event nobody signals never returns in Level Zero, so the event tracks
// "recorded" itself (FAILED_PRECONDITION, event.h).
// Thread-safe. Ownership: owns its pool and event; must not outlive its device.
class LevelZeroEvent : public hal::Event {
 public:
  static absl::StatusOr<std::unique_ptr<LevelZeroEvent>> Create(LevelZeroDevice& device);
  ~LevelZeroEvent() override;

  absl::Status Record(hal::Stream& stream) override;
  absl::Status Synchronize() override;
  // From the two events' kernel timestamps (global clock), in device ticks
  // times the timer resolution.
  absl::StatusOr<float> ElapsedMillisecondsSince(hal::Event& start) override;

 private:
  LevelZeroEvent(LevelZeroDevice& device, abi::ze_event_pool_handle_t pool,
                 abi::ze_event_handle_t event)
      : hal::Event(device), device_(device), pool_(pool), event_(event) {}
  // The timestamp of a recorded, complete event; FAILED_PRECONDITION otherwise.
  absl::StatusOr<uint64_t> CompletedTimestamp(const char* which);

  LevelZeroDevice& device_;
  const abi::ze_event_pool_handle_t pool_;
  const abi::ze_event_handle_t event_;
  absl::Mutex mu_;
  bool recorded_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace spillway::levelzero

#endif  // SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_EVENT_H_
