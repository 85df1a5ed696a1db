#include "ascend_stream.h"

#include "ascend_status.h"
#include "spillway/hal/status.h"

namespace spillway::ascend {

AscendStream::~AscendStream() {
  // Destruction cannot report an error; a failing destroy leaks one handle.
  if (device_.Activate().ok()) (void)device_.symbols().aclrtDestroyStream(handle_);
}

absl::Status AscendStream::Synchronize() {
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  return AclStatus(&device_.symbols(), device_.symbols().aclrtSynchronizeStream(handle_),
                   "aclrtSynchronizeStream");
}

absl::StatusOr<bool> AscendStream::Query() {
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  abi::aclrtStreamStatus status = abi::kStreamStatusNotReady;
  SPILLWAY_RETURN_IF_ERROR(AclStatus(&device_.symbols(),
                                     device_.symbols().aclrtStreamQuery(handle_, &status),
                                     "aclrtStreamQuery"));
  return status == abi::kStreamStatusComplete;
}

}  // namespace spillway::ascend
