#include "cambricon_stream.h"

#include "cambricon_status.h"
#include "spillway/hal/status.h"

namespace spillway::cambricon {

CambriconStream::~CambriconStream() {
  // Destruction cannot report an error; a failing destroy leaks one queue.
  if (device_.Activate().ok()) (void)device_.symbols().cnrtQueueDestroy(queue_);
}

absl::Status CambriconStream::Synchronize() {
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  return CnrtStatus(&device_.symbols(), device_.symbols().cnrtQueueSync(queue_), "cnrtQueueSync");
}

absl::StatusOr<bool> CambriconStream::Query() {
  SPILLWAY_RETURN_IF_ERROR(device_.Activate());
  const abi::cnrtRet_t result = device_.symbols().cnrtQueueQuery(queue_);
  if (result == abi::kErrorNotReady) return false;  // work pending: not an error
  SPILLWAY_RETURN_IF_ERROR(CnrtStatus(&device_.symbols(), result, "cnrtQueueQuery"));
  return true;
}

}  // namespace spillway::cambricon
