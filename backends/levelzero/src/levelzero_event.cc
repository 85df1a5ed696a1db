#include "levelzero_event.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "levelzero_status.h"
#include "levelzero_stream.h"
#include "spillway/hal/status.h"

namespace spillway::levelzero {

absl::StatusOr<std::unique_ptr<LevelZeroEvent>> LevelZeroEvent::Create(LevelZeroDevice& device) {
  const LevelZeroSymbols& s = device.symbols();
  const abi::ze_event_pool_desc_t pool_desc = {
      abi::kStructureTypeEventPoolDesc, nullptr,
      abi::kEventPoolFlagHostVisible | abi::kEventPoolFlagKernelTimestamp, 1};
  abi::ze_device_handle_t handle = device.handle();
  abi::ze_event_pool_handle_t pool = nullptr;
  SPILLWAY_RETURN_IF_ERROR(ZeStatus(
      s.zeEventPoolCreate(device.context(), &pool_desc, 1, &handle, &pool), "zeEventPoolCreate"));
  const abi::ze_event_desc_t event_desc = {abi::kStructureTypeEventDesc, nullptr, 0,
                                           abi::kEventScopeFlagHost, abi::kEventScopeFlagHost};
  abi::ze_event_handle_t event = nullptr;
  absl::Status created = ZeStatus(s.zeEventCreate(pool, &event_desc, &event), "zeEventCreate");
  if (!created.ok()) {
    (void)s.zeEventPoolDestroy(pool);
    return created;
  }
  return std::unique_ptr<LevelZeroEvent>(new LevelZeroEvent(device, pool, event));
}

LevelZeroEvent::~LevelZeroEvent() {
  const LevelZeroSymbols& s = device_.symbols();
  absl::MutexLock lock(&mu_);
  // The device may still be about to signal it.
  if (recorded_) (void)s.zeEventHostSynchronize(event_, std::numeric_limits<uint64_t>::max());
  (void)s.zeEventDestroy(event_);
  (void)s.zeEventPoolDestroy(pool_);
}

absl::Status LevelZeroEvent::Record(hal::Stream& stream) {
  if (&stream.device() != &device()) {
    return absl::InvalidArgumentError(
        absl::StrCat(device_.uri(), ": event recorded on a stream of ", stream.device().uri()));
  }
  const LevelZeroSymbols& s = device_.symbols();
  // Same device, so the stream is a LevelZeroStream.
  auto& ze_stream = static_cast<LevelZeroStream&>(stream);
  absl::MutexLock lock(&mu_);
  if (recorded_) {
    // An event is signaled once: wait out the previous signal, then reset.
    SPILLWAY_RETURN_IF_ERROR(
        ZeStatus(s.zeEventHostSynchronize(event_, std::numeric_limits<uint64_t>::max()),
                 "zeEventHostSynchronize"));
    SPILLWAY_RETURN_IF_ERROR(ZeStatus(s.zeEventHostReset(event_), "zeEventHostReset"));
    recorded_ = false;
  }
  SPILLWAY_RETURN_IF_ERROR(ze_stream.AppendSignal(event_));
  recorded_ = true;
  return absl::OkStatus();
}

absl::Status LevelZeroEvent::Synchronize() {
  const LevelZeroSymbols& s = device_.symbols();
  absl::MutexLock lock(&mu_);
  if (!recorded_) {
    return absl::FailedPreconditionError(
        absl::StrCat(device_.uri(), ": synchronize on an event that was never recorded"));
  }
  return ZeStatus(s.zeEventHostSynchronize(event_, std::numeric_limits<uint64_t>::max()),
                  "zeEventHostSynchronize");
}

absl::StatusOr<uint64_t> LevelZeroEvent::CompletedTimestamp(const char* which) {
  const LevelZeroSymbols& s = device_.symbols();
  absl::MutexLock lock(&mu_);
  if (!recorded_) {
    return absl::FailedPreconditionError(
        absl::StrCat(device_.uri(), ": elapsed time: the ", which, " event was never recorded"));
  }
  const abi::ze_result_t status = s.zeEventQueryStatus(event_);
  if (status == abi::kNotReady) {
    return absl::FailedPreconditionError(
        absl::StrCat(device_.uri(), ": elapsed time: the ", which, " event is not complete"));
  }
  SPILLWAY_RETURN_IF_ERROR(ZeStatus(status, "zeEventQueryStatus"));
  abi::ze_kernel_timestamp_result_t timestamp{};
  SPILLWAY_RETURN_IF_ERROR(
      ZeStatus(s.zeEventQueryKernelTimestamp(event_, &timestamp), "zeEventQueryKernelTimestamp"));
  // The global clock is the one shared by every command of the device.
  return timestamp.global.kernelEnd;
}

absl::StatusOr<float> LevelZeroEvent::ElapsedMillisecondsSince(hal::Event& start) {
  if (&start.device() != &device()) {
    return absl::FailedPreconditionError(
        absl::StrCat(device_.uri(), ": elapsed time between events of two devices (",
                     start.device().uri(), ")"));
  }
  auto& ze_start = static_cast<LevelZeroEvent&>(start);
  SPILLWAY_ASSIGN_OR_RETURN(uint64_t begin, ze_start.CompletedTimestamp("start"));
  SPILLWAY_ASSIGN_OR_RETURN(uint64_t end, CompletedTimestamp("end"));
  return static_cast<float>(TicksToMilliseconds(begin, end, device_.kernel_timestamp_bits(),
                                                device_.timer_resolution_ns()));
}

}  // namespace spillway::levelzero
