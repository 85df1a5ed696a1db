#include "fake_event.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "fake_stream.h"
#include "spillway/hal/status.h"

namespace spillway::fake {

absl::Status FakeEvent::Record(hal::Stream& stream) {
  FakeStream* own = device_.OwnStream(stream);
  if (own == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        device_.uri(), ": event record: the stream belongs to another device (",
        stream.device().uri(), ")"));
  }
  // A marker is work of no duration: it completes at the stream's end or at
  // the host's present, whichever is later (C2 in docs/fake-device.md), so
  // one recorded on an idle stream says "now", as on a real device.
  const double time = std::max(device_.StreamTime(*own), device_.HostTimeNs());
  absl::MutexLock lock(&mu_);
  time_ns_ = time;
  recorded_ = true;
  return absl::OkStatus();
}

absl::StatusOr<double> FakeEvent::RecordedTime(const char* which) const {
  absl::MutexLock lock(&mu_);
  if (!recorded_) {
    return absl::FailedPreconditionError(
        absl::StrCat(device_.uri(), ": ", which, " event was never recorded"));
  }
  return time_ns_;
}

absl::Status FakeEvent::Synchronize() {
  SPILLWAY_ASSIGN_OR_RETURN(const double time, RecordedTime("the"));
  device_.WaitUntil(time);
  return absl::OkStatus();
}

absl::StatusOr<float> FakeEvent::ElapsedMillisecondsSince(hal::Event& start) {
  auto* other = dynamic_cast<FakeEvent*>(&start);
  if (other == nullptr || &other->device() != &device()) {
    return absl::InvalidArgumentError(absl::StrCat(
        device_.uri(), ": elapsed time: the start event belongs to another device (",
        start.device().uri(), ")"));
  }
  SPILLWAY_ASSIGN_OR_RETURN(const double begin, other->RecordedTime("start"));
  SPILLWAY_ASSIGN_OR_RETURN(const double end, RecordedTime("end"));
  // A real driver times only completed events (cudaErrorNotReady otherwise):
  // so does the fake, or code that works here would fail on hardware.
  const double present = device_.HostTimeNs();
  if (begin > present || end > present) {
    return absl::FailedPreconditionError(absl::StrCat(
        device_.uri(), ": elapsed time: the ", begin > present ? "start" : "end",
        " event has not completed (it ends at ", std::max(begin, end) / 1e6,
        " ms of modeled time, the host is at ", present / 1e6, " ms)"));
  }
  return static_cast<float>((end - begin) / 1e6);
}

}  // namespace spillway::fake
