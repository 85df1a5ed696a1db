#include "hygon_event.h"

#include "absl/strings/str_cat.h"
#include "hygon_status.h"
#include "hygon_stream.h"
#include "scoped_device.h"
#include "spillway/hal/status.h"

namespace spillway::hygon {

absl::StatusOr<std::unique_ptr<HygonEvent>> HygonEvent::Create(HygonDevice& device) {
  const HygonSymbols& s = device.symbols();
  ScopedDevice scope(s, device.ordinal());
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  abi::hipEvent_t handle = nullptr;
  SPILLWAY_RETURN_IF_ERROR(HipStatus(&s, s.hipEventCreate(&handle), "hipEventCreate"));
  return std::unique_ptr<HygonEvent>(new HygonEvent(device, handle));
}

HygonEvent::~HygonEvent() {
  const HygonSymbols& s = device_.symbols();
  ScopedDevice scope(s, device_.ordinal());
  (void)s.hipEventDestroy(handle_);
}

bool HygonEvent::recorded() const {
  absl::MutexLock lock(&mu_);
  return recorded_;
}

absl::Status HygonEvent::Record(hal::Stream& stream) {
  if (&stream.device() != &device()) {
    return absl::InvalidArgumentError(
        absl::StrCat(device_.uri(), ": event recorded on a stream of ", stream.device().uri()));
  }
  const HygonSymbols& s = device_.symbols();
  ScopedDevice scope(s, device_.ordinal());
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  // Same device, so the stream is a HygonStream.
  auto& hip_stream = static_cast<HygonStream&>(stream);
  absl::MutexLock lock(&mu_);
  SPILLWAY_RETURN_IF_ERROR(
      HipStatus(&s, s.hipEventRecord(handle_, hip_stream.handle()), "hipEventRecord"));
  recorded_ = true;
  return absl::OkStatus();
}

absl::Status HygonEvent::Synchronize() {
  if (!recorded()) {
    return absl::FailedPreconditionError(
        absl::StrCat(device_.uri(), ": synchronize on an event that was never recorded"));
  }
  const HygonSymbols& s = device_.symbols();
  return HipStatus(&s, s.hipEventSynchronize(handle_), "hipEventSynchronize");
}

absl::StatusOr<float> HygonEvent::ElapsedMillisecondsSince(hal::Event& start) {
  if (&start.device() != &device()) {
    return absl::FailedPreconditionError(
        absl::StrCat(device_.uri(), ": elapsed time between events of two devices (",
                     start.device().uri(), ")"));
  }
  auto& hip_start = static_cast<HygonEvent&>(start);
  if (!hip_start.recorded() || !recorded()) {
    return absl::FailedPreconditionError(absl::StrCat(
        device_.uri(), ": elapsed time needs both events recorded (start ",
        hip_start.recorded() ? "is" : "is not", ", end ", recorded() ? "is" : "is not", ")"));
  }
  const HygonSymbols& s = device_.symbols();
  float ms = 0;
  const abi::hipError_t error = s.hipEventElapsedTime(&ms, hip_start.handle_, handle_);
  if (error == abi::kErrorNotReady || error == abi::kErrorInvalidHandle) {
    // Not complete, or not recorded as far as the runtime knows (event.h).
    return absl::FailedPreconditionError(HipStatus(&s, error, "hipEventElapsedTime").message());
  }
  SPILLWAY_RETURN_IF_ERROR(HipStatus(&s, error, "hipEventElapsedTime"));
  return ms;
}

}  // namespace spillway::hygon
