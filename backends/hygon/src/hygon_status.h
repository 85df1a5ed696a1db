// hipError_t -> absl::Status, keeping the runtime's code and name.
#ifndef SPILLWAY_BACKENDS_HYGON_SRC_HYGON_STATUS_H_
#define SPILLWAY_BACKENDS_HYGON_SRC_HYGON_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hygon_symbols.h"
#include "spillway/backends/hygon/hip_abi.h"

namespace spillway::hygon {

// The status code for a hipError_t (docs/hal.md section 3): out of memory ->
// RESOURCE_EXHAUSTED; invalid value/device/handle/pointer/direction ->
// INVALID_ARGUMENT; no device, not initialized, deinitialized, insufficient
// driver -> UNAVAILABLE; not supported -> UNIMPLEMENTED; not ready ->
// FAILED_PRECONDITION; success -> OK; anything else -> INTERNAL.
absl::StatusCode HipErrorCode(abi::hipError_t error);

// HIP's name for `error` ("hipErrorOutOfMemory"): from a table of the codes
// above, else from the runtime's hipGetErrorName when `symbols` has it, else
// "hipError<n>". Thread-safe.
std::string HipErrorName(const HygonSymbols* symbols, abi::hipError_t error);

// OK for hipSuccess; otherwise hal::VendorError with the mapped code, "hygon",
// the call's name, HIP's code and name, and `detail`. `symbols` may be null.
// Thread-safe.
absl::Status HipStatus(const HygonSymbols* symbols, abi::hipError_t error, absl::string_view call,
                       absl::string_view detail = {});

}  // namespace spillway::hygon

#endif  // SPILLWAY_BACKENDS_HYGON_SRC_HYGON_STATUS_H_
