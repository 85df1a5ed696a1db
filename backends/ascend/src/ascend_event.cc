#include "ascend_event.h"

#include "ascend_status.h"
#include "ascend_stream.h"
#include "spillway/hal/status.h"

namespace spillway::ascend {

AscendEvent::~AscendEvent() {
  if (device_.Activate().ok()) (void)device_.symbols().aclrtDestroyEvent(handle_);
}

absl::Status AscendEvent::RecordOn(hal::Stream& stream) {
  // Same device (checked by the base), so the stream is an AscendStream.
  auto& own = static_cast<AscendStream&>(stream);
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  return AclStatus(&device_.symbols(), device_.symbols().aclrtRecordEvent(handle_, own.handle()),
                   "aclrtRecordEvent");
}

absl::Status AscendEvent::WaitFor() {
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  return AclStatus(&device_.symbols(), device_.symbols().aclrtSynchronizeEvent(handle_),
                   "aclrtSynchronizeEvent");
}

absl::StatusOr<float> AscendEvent::MeasureSince(hal::RecordTrackingEvent& start) {
  auto& begin = static_cast<AscendEvent&>(start);
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  float ms = 0;
  SPILLWAY_RETURN_IF_ERROR(AclStatus(&device_.symbols(),
                                     device_.symbols().aclrtEventElapsedTime(&ms, begin.handle_,
                                                                             handle_),
                                     "aclrtEventElapsedTime"));
  return ms;
}

}  // namespace spillway::ascend
