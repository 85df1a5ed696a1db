// aclError -> absl::Status, keeping ACL's code, name and recent message.
#ifndef SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_STATUS_H_
#define SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ascend_symbols.h"
#include "spillway/backends/ascend/acl_abi.h"

namespace spillway::ascend {

// The status code for an aclError (docs/hal.md section 3): 207001 and 207018
// (out of memory) -> RESOURCE_EXHAUSTED; 100000, 107000, 107001 (invalid
// parameter or device id) -> INVALID_ARGUMENT; 207004 (no device) and 100001
// (not initialized) -> UNAVAILABLE; 207000 (feature not supported) ->
// UNIMPLEMENTED; 0 -> OK; anything else -> INTERNAL.
absl::StatusCode AclErrorCode(abi::aclError error);

// ACL's name for `error` ("ACL_ERROR_RT_MEMORY_ALLOCATION"), or "aclError"
// for a code this backend does not know by name.
const char* AclErrorName(abi::aclError error);

// OK for ACL_SUCCESS; otherwise hal::VendorError with the mapped code, the
// call's name, AclErrorName and, when `symbols` resolves it, the text of
// aclGetRecentErrMsg() after `detail`. `symbols` may be null. Thread-safe.
absl::Status AclStatus(const AscendSymbols* symbols, abi::aclError error, absl::string_view call,
                       absl::string_view detail = {});

}  // namespace spillway::ascend

#endif  // SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_STATUS_H_
