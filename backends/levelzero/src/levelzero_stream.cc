#include "levelzero_stream.h"

#include <array>
#include <cstdint>
#include <limits>

#include "levelzero_status.h"
#include "spillway/hal/status.h"

namespace spillway::levelzero {
namespace {

constexpr uint64_t kForever = std::numeric_limits<uint64_t>::max();

// Fill patterns are read by the driver, possibly after the append returns:
// each byte value has a home that lives as long as the process.
constexpr std::array<uint8_t, 256> MakeBytes() {
  std::array<uint8_t, 256> bytes{};
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i);
  return bytes;
}
constexpr std::array<uint8_t, 256> kFillPatterns = MakeBytes();

}  // namespace

absl::StatusOr<std::unique_ptr<LevelZeroStream>> LevelZeroStream::Create(LevelZeroDevice& device,
                                                                         bool tracked) {
  const LevelZeroSymbols& s = device.symbols();
  std::unique_ptr<LevelZeroStream> stream(new LevelZeroStream(device, tracked));
  // Ordinal 0 is the compute group, which also copies, on every Intel GPU.
  const abi::ze_command_queue_desc_t queue = {
      abi::kStructureTypeCommandQueueDesc, nullptr, 0, 0, 0, abi::kCommandQueueModeAsynchronous,
      abi::kCommandQueuePriorityNormal};
  SPILLWAY_RETURN_IF_ERROR(ZeStatus(
      s.zeCommandListCreateImmediate(device.context(), device.handle(), &queue, &stream->list_),
      "zeCommandListCreateImmediate"));
  const abi::ze_event_pool_desc_t pool = {abi::kStructureTypeEventPoolDesc, nullptr,
                                          abi::kEventPoolFlagHostVisible, 1};
  abi::ze_device_handle_t handle = device.handle();
  SPILLWAY_RETURN_IF_ERROR(
      ZeStatus(s.zeEventPoolCreate(device.context(), &pool, 1, &handle, &stream->pool_),
               "zeEventPoolCreate"));
  const abi::ze_event_desc_t fence = {abi::kStructureTypeEventDesc, nullptr, 0,
                                      abi::kEventScopeFlagHost, abi::kEventScopeFlagHost};
  SPILLWAY_RETURN_IF_ERROR(
      ZeStatus(s.zeEventCreate(stream->pool_, &fence, &stream->fence_), "zeEventCreate"));
  if (tracked) device.AddStream(stream.get());
  return stream;
}

LevelZeroStream::~LevelZeroStream() {
  if (tracked_) device_.RemoveStream(this);
  const LevelZeroSymbols& s = device_.symbols();
  absl::MutexLock lock(&mu_);
  // Enqueued work still runs (stream.h): wait for it before the list goes.
  // Nothing can be reported from a destructor.
  if (list_ != nullptr && fence_ != nullptr) (void)SynchronizeLocked();
  if (fence_ != nullptr) (void)s.zeEventDestroy(fence_);
  if (pool_ != nullptr) (void)s.zeEventPoolDestroy(pool_);
  if (list_ != nullptr) (void)s.zeCommandListDestroy(list_);
}

absl::Status LevelZeroStream::RetireFenceLocked(uint64_t timeout) {
  const LevelZeroSymbols& s = device_.symbols();
  const abi::ze_result_t waited = s.zeEventHostSynchronize(fence_, timeout);
  if (waited != abi::kSuccess) return ZeStatus(waited, "zeEventHostSynchronize");
  SPILLWAY_RETURN_IF_ERROR(ZeStatus(s.zeEventHostReset(fence_), "zeEventHostReset"));
  fence_pending_ = false;
  return absl::OkStatus();
}

absl::Status LevelZeroStream::SynchronizeLocked() {
  const LevelZeroSymbols& s = device_.symbols();
  // A fence left pending by Query must be signaled before it can be reused.
  if (fence_pending_) SPILLWAY_RETURN_IF_ERROR(RetireFenceLocked(kForever));
  SPILLWAY_RETURN_IF_ERROR(
      ZeStatus(s.zeCommandListAppendSignalEvent(list_, fence_), "zeCommandListAppendSignalEvent"));
  fence_pending_ = true;
  return RetireFenceLocked(kForever);
}

absl::Status LevelZeroStream::Synchronize() {
  absl::MutexLock lock(&mu_);
  return SynchronizeLocked();
}

absl::StatusOr<bool> LevelZeroStream::Query() {
  const LevelZeroSymbols& s = device_.symbols();
  absl::MutexLock lock(&mu_);
  if (fence_pending_) {
    const abi::ze_result_t status = s.zeEventQueryStatus(fence_);
    if (status == abi::kNotReady) return false;
    if (status != abi::kSuccess) return ZeStatus(status, "zeEventQueryStatus");
    SPILLWAY_RETURN_IF_ERROR(ZeStatus(s.zeEventHostReset(fence_), "zeEventHostReset"));
    fence_pending_ = false;
  }
  // Work may have been appended after the last fence: place a new one.
  SPILLWAY_RETURN_IF_ERROR(
      ZeStatus(s.zeCommandListAppendSignalEvent(list_, fence_), "zeCommandListAppendSignalEvent"));
  fence_pending_ = true;
  const abi::ze_result_t status = s.zeEventQueryStatus(fence_);
  if (status == abi::kNotReady) return false;
  if (status != abi::kSuccess) return ZeStatus(status, "zeEventQueryStatus");
  SPILLWAY_RETURN_IF_ERROR(ZeStatus(s.zeEventHostReset(fence_), "zeEventHostReset"));
  fence_pending_ = false;
  return true;
}

absl::Status LevelZeroStream::AppendCopy(void* dst, const void* src, size_t size) {
  const LevelZeroSymbols& s = device_.symbols();
  absl::MutexLock lock(&mu_);
  return ZeStatus(s.zeCommandListAppendMemoryCopy(list_, dst, src, size, nullptr, 0, nullptr),
                  "zeCommandListAppendMemoryCopy");
}

absl::Status LevelZeroStream::AppendFill(void* dst, uint8_t value, size_t size) {
  const LevelZeroSymbols& s = device_.symbols();
  absl::MutexLock lock(&mu_);
  return ZeStatus(s.zeCommandListAppendMemoryFill(list_, dst, &kFillPatterns[value], 1, size,
                                                  nullptr, 0, nullptr),
                  "zeCommandListAppendMemoryFill");
}

absl::Status LevelZeroStream::AppendPrefetch(const void* ptr, size_t size) {
  const LevelZeroSymbols& s = device_.symbols();
  absl::MutexLock lock(&mu_);
  return ZeStatus(s.zeCommandListAppendMemoryPrefetch(list_, ptr, size),
                  "zeCommandListAppendMemoryPrefetch");
}

absl::Status LevelZeroStream::AppendAdvise(const void* ptr, size_t size,
                                           abi::ze_memory_advice_t advice) {
  const LevelZeroSymbols& s = device_.symbols();
  absl::MutexLock lock(&mu_);
  return ZeStatus(s.zeCommandListAppendMemAdvise(list_, device_.handle(), ptr, size, advice),
                  "zeCommandListAppendMemAdvise");
}

absl::Status LevelZeroStream::AppendSignal(abi::ze_event_handle_t event) {
  const LevelZeroSymbols& s = device_.symbols();
  absl::MutexLock lock(&mu_);
  return ZeStatus(s.zeCommandListAppendSignalEvent(list_, event), "zeCommandListAppendSignalEvent");
}

}  // namespace spillway::levelzero
