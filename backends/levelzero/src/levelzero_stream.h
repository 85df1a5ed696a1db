// A stream of one Level Zero device: an immediate command list.
#ifndef SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_STREAM_H_
#define SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_STREAM_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "levelzero_device.h"
#include "spillway/hal/stream.h"

namespace spillway::levelzero {

// An asynchronous immediate command list and a host-visible "fence" event.
// Debian's loader (spec 1.4) has no zeCommandListHostSynchronize, so waiting
// for the list means appending a signal of the fence and waiting for that.
//
// Thread-safe: a command list must not be used by two threads at once, so
// every append and wait holds the stream's lock. Ownership: owns its list,
// pool and event; waits for its work before destroying them; must not outlive
// its device.
class LevelZeroStream : public hal::Stream {
 public:
  // `tracked`: reported to the device, so that Device::Synchronize waits for it.
  static absl::StatusOr<std::unique_ptr<LevelZeroStream>> Create(LevelZeroDevice& device,
                                                                 bool tracked);
  ~LevelZeroStream() override;

  absl::Status Synchronize() override;
  absl::StatusOr<bool> Query() override;

  absl::Status AppendCopy(void* dst, const void* src, size_t size);
  absl::Status AppendFill(void* dst, uint8_t value, size_t size);
  absl::Status AppendPrefetch(const void* ptr, size_t size);
  absl::Status AppendAdvise(const void* ptr, size_t size, abi::ze_memory_advice_t advice);
  absl::Status AppendSignal(abi::ze_event_handle_t event);

 private:
  LevelZeroStream(LevelZeroDevice& device, bool tracked)
      : hal::Stream(device), device_(device), tracked_(tracked) {}
  absl::Status SynchronizeLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Resets the fence once the device has signaled it.
  absl::Status RetireFenceLocked(uint64_t timeout) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  LevelZeroDevice& device_;
  const bool tracked_;
  absl::Mutex mu_;
  // Set once by Create, before the stream is shared.
  abi::ze_command_list_handle_t list_ = nullptr;
  abi::ze_event_pool_handle_t pool_ = nullptr;
  abi::ze_event_handle_t fence_ = nullptr;
  bool fence_pending_ ABSL_GUARDED_BY(mu_) = false;  // signal appended, not yet reset
};

}  // namespace spillway::levelzero

#endif  // SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_STREAM_H_
