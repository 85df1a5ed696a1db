// One Intel GPU behind the HAL, through the Level Zero loader.
#ifndef SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_DEVICE_H_
#define SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_DEVICE_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "levelzero_symbols.h"
#include "spillway/hal/device.h"
#include "spillway/hal/types.h"

namespace spillway::levelzero {

class LevelZeroStream;

// Thread-safe: synchronous calls go through one internal immediate command
// list (with its own lock); each stream has its own list and lock.
// Ownership: owned by the Level Zero backend, which also owns the context
// (one per driver) and must destroy the device before it. The symbols (and
// the library behind them) must outlive it.
class LevelZeroDevice : public hal::Device {
 public:
  // Reads the properties of `device` and creates the internal command list.
  // `ordinal` is the HAL's index. Errors: the driver's, as Status
  // (levelzero_status.h). `limitations` receives what this device lacks and why.
  static absl::StatusOr<std::unique_ptr<LevelZeroDevice>> Open(
      const LevelZeroSymbols& symbols, abi::ze_context_handle_t context,
      abi::ze_device_handle_t device, int ordinal, std::vector<hal::Limitation>* limitations);
  ~LevelZeroDevice() override;

  const LevelZeroSymbols& symbols() const { return symbols_; }
  abi::ze_context_handle_t context() const { return context_; }
  abi::ze_device_handle_t handle() const { return device_; }
  // Nanoseconds per tick of kernel timestamps, and their valid bits.
  uint64_t timer_resolution_ns() const { return timer_resolution_ns_; }
  uint32_t kernel_timestamp_bits() const { return kernel_timestamp_bits_; }

  // Streams report themselves so that Synchronize can wait for all of them.
  void AddStream(LevelZeroStream* stream);
  void RemoveStream(LevelZeroStream* stream);

 protected:
  absl::StatusOr<hal::MemoryInfo> DoGetMemoryInfo() override;
  absl::StatusOr<void*> DoAllocate(hal::MemoryKind kind, size_t size) override;
  absl::Status DoFree(const hal::Allocation& allocation) override;
  absl::Status DoCopy(void* dst, hal::Endpoint dst_kind, const void* src, hal::Endpoint src_kind,
                      size_t size) override;
  absl::Status DoFill(void* dst, hal::Endpoint dst_kind, uint8_t value, size_t size) override;
  absl::StatusOr<std::unique_ptr<hal::Stream>> DoCreateStream() override;
  absl::StatusOr<std::unique_ptr<hal::Event>> DoCreateEvent() override;
  absl::Status DoCopyAsync(void* dst, hal::Endpoint dst_kind, const void* src,
                           hal::Endpoint src_kind, size_t size, hal::Stream& stream) override;
  absl::Status DoFillAsync(void* dst, hal::Endpoint dst_kind, uint8_t value, size_t size,
                           hal::Stream& stream) override;
  absl::Status DoAdvise(void* ptr, size_t size, hal::Advice advice,
                        hal::Location location) override;
  absl::Status DoPrefetch(void* ptr, size_t size, hal::Location location,
                          hal::Stream& stream) override;
  absl::Status DoSynchronize() override;

 private:
  LevelZeroDevice(hal::DeviceProperties properties, std::string uri,
                  const LevelZeroSymbols& symbols, abi::ze_context_handle_t context,
                  abi::ze_device_handle_t device, uint64_t max_alloc_size,
                  uint64_t timer_resolution_ns, uint32_t kernel_timestamp_bits);
  // Free and total memory from Sysman, when the driver has it enabled.
  absl::StatusOr<hal::MemoryInfo> SysmanMemoryInfo();

  const LevelZeroSymbols& symbols_;
  const abi::ze_context_handle_t context_;
  const abi::ze_device_handle_t device_;
  const uint64_t max_alloc_size_;
  const uint64_t timer_resolution_ns_;
  const uint32_t kernel_timestamp_bits_;
  // Device memory this process allocated through the device: the free-memory
  // estimate when Sysman is off.
  std::atomic<uint64_t> device_bytes_{0};
  // For Copy, Fill and Advise, which return when done.
  std::unique_ptr<LevelZeroStream> sync_stream_;
  absl::Mutex streams_mu_;
  absl::flat_hash_set<LevelZeroStream*> streams_ ABSL_GUARDED_BY(streams_mu_);
};

// zeCommandListAppendMemAdvise's value for `advice` at `location`
// (docs/hal.md 2.5): read-mostly 0/1 (location ignored), preferred location
// 2/3 for the device and 8/9 for host memory. Accessed-by has no Level Zero
// value: UNIMPLEMENTED (the capability is never advertised).
absl::StatusOr<abi::ze_memory_advice_t> ZeAdviceFor(hal::Advice advice,
                                                    const hal::Location& location);

// Kernel-timestamp ticks from `start` to `end`, counted modulo the timer's
// `valid_bits` (the counter wraps), in milliseconds.
double TicksToMilliseconds(uint64_t start, uint64_t end, uint32_t valid_bits,
                           uint64_t resolution_ns);

}  // namespace spillway::levelzero

#endif  // SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_DEVICE_H_
