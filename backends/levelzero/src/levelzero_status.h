// ze_result_t -> absl::Status, keeping the driver's code and name.
#ifndef SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_STATUS_H_
#define SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "spillway/backends/levelzero/ze_abi.h"

namespace spillway::levelzero {

// The status code for a ze_result_t (docs/hal.md section 3): out of device or
// host memory, and an allocation size the device does not support ->
// RESOURCE_EXHAUSTED; invalid argument, null handle or pointer, invalid size
// or enumeration, overlapping regions, unsupported alignment ->
// INVALID_ARGUMENT; uninitialized, unsupported version, not available ->
// UNAVAILABLE; unsupported feature or enumeration -> UNIMPLEMENTED; not ready
// -> FAILED_PRECONDITION; success -> OK; anything else (device lost, unknown)
// -> INTERNAL.
absl::StatusCode ZeResultCode(abi::ze_result_t result);

// Level Zero's name for `result` ("ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY"), or
// "ZE_RESULT_0x<hex>" for a code it does not know. Thread-safe.
std::string ZeResultName(abi::ze_result_t result);

// OK for ZE_RESULT_SUCCESS; otherwise hal::VendorError with the mapped code,
// "levelzero", the call's name, the driver's code and name, and `detail`.
// Thread-safe.
absl::Status ZeStatus(abi::ze_result_t result, absl::string_view call,
                      absl::string_view detail = {});

}  // namespace spillway::levelzero

#endif  // SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_STATUS_H_
