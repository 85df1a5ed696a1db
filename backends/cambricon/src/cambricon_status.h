// cnrtRet_t -> absl::Status, keeping CNRT's code, name and text.
#ifndef SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_STATUS_H_
#define SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "cambricon_symbols.h"
#include "spillway/backends/cambricon/cnrt_abi.h"

namespace spillway::cambricon {

// The status code for a cnrtRet_t (docs/hal.md section 3): 100100 (device
// out of memory) and 100010 (host out of memory) -> RESOURCE_EXHAUSTED;
// 100006 (invalid arguments), 100005 (invalid device), 100014 (invalid
// handle), 632013 (invalid copy direction) -> INVALID_ARGUMENT; 100004 (no
// device) -> UNAVAILABLE; 100050 (not supported) -> UNIMPLEMENTED; 0 -> OK;
// anything else -> INTERNAL.
absl::StatusCode CnrtErrorCode(abi::cnrtRet_t error);

// CNRT's enumerator name for `error` ("cnrtErrorNoMem"), or "cnrtRet_t" for a
// code this backend does not know by name.
const char* CnrtErrorName(abi::cnrtRet_t error);

// OK for cnrtSuccess; otherwise hal::VendorError with the mapped code, the
// call's name, CnrtErrorName and `detail` followed by cnrtGetErrorStr's text
// when `symbols` is not null. Thread-safe.
absl::Status CnrtStatus(const CambriconSymbols* symbols, abi::cnrtRet_t error,
                        absl::string_view call, absl::string_view detail = {});

}  // namespace spillway::cambricon

#endif  // SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_STATUS_H_
