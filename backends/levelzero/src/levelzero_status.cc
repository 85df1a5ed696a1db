#include "levelzero_status.h"

#include "absl/strings/str_format.h"
#include "spillway/hal/status.h"

namespace spillway::levelzero {

absl::StatusCode ZeResultCode(abi::ze_result_t result) {
  switch (result) {
    case abi::kSuccess:
      return absl::StatusCode::kOk;
    case abi::kErrorOutOfDeviceMemory:
    case abi::kErrorOutOfHostMemory:
    // An allocation beyond what the device can map is, to the caller, memory
    // it cannot have.
    case abi::kErrorUnsupportedSize:
      return absl::StatusCode::kResourceExhausted;
    case abi::kErrorInvalidArgument:
    case abi::kErrorInvalidNullHandle:
    case abi::kErrorInvalidNullPointer:
    case abi::kErrorInvalidSize:
    case abi::kErrorInvalidEnumeration:
    case abi::kErrorOverlappingRegions:
    case abi::kErrorUnsupportedAlignment:
      return absl::StatusCode::kInvalidArgument;
    case abi::kErrorUninitialized:
    case abi::kErrorUnsupportedVersion:
    case abi::kErrorNotAvailable:
      return absl::StatusCode::kUnavailable;
    case abi::kErrorUnsupportedFeature:
    case abi::kErrorUnsupportedEnumeration:
      return absl::StatusCode::kUnimplemented;
    case abi::kNotReady:
      return absl::StatusCode::kFailedPrecondition;
    default:
      return absl::StatusCode::kInternal;
  }
}

std::string ZeResultName(abi::ze_result_t result) {
  switch (result) {
    case abi::kSuccess:
      return "ZE_RESULT_SUCCESS";
    case abi::kNotReady:
      return "ZE_RESULT_NOT_READY";
    case abi::kErrorDeviceLost:
      return "ZE_RESULT_ERROR_DEVICE_LOST";
    case abi::kErrorOutOfHostMemory:
      return "ZE_RESULT_ERROR_OUT_OF_HOST_MEMORY";
    case abi::kErrorOutOfDeviceMemory:
      return "ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY";
    case abi::kErrorNotAvailable:
      return "ZE_RESULT_ERROR_NOT_AVAILABLE";
    case abi::kErrorUninitialized:
      return "ZE_RESULT_ERROR_UNINITIALIZED";
    case abi::kErrorUnsupportedVersion:
      return "ZE_RESULT_ERROR_UNSUPPORTED_VERSION";
    case abi::kErrorUnsupportedFeature:
      return "ZE_RESULT_ERROR_UNSUPPORTED_FEATURE";
    case abi::kErrorInvalidArgument:
      return "ZE_RESULT_ERROR_INVALID_ARGUMENT";
    case abi::kErrorInvalidNullHandle:
      return "ZE_RESULT_ERROR_INVALID_NULL_HANDLE";
    case abi::kErrorInvalidNullPointer:
      return "ZE_RESULT_ERROR_INVALID_NULL_POINTER";
    case abi::kErrorInvalidSize:
      return "ZE_RESULT_ERROR_INVALID_SIZE";
    case abi::kErrorUnsupportedSize:
      return "ZE_RESULT_ERROR_UNSUPPORTED_SIZE";
    case abi::kErrorUnsupportedAlignment:
      return "ZE_RESULT_ERROR_UNSUPPORTED_ALIGNMENT";
    case abi::kErrorInvalidEnumeration:
      return "ZE_RESULT_ERROR_INVALID_ENUMERATION";
    case abi::kErrorUnsupportedEnumeration:
      return "ZE_RESULT_ERROR_UNSUPPORTED_ENUMERATION";
    case abi::kErrorOverlappingRegions:
      return "ZE_RESULT_ERROR_OVERLAPPING_REGIONS";
    case abi::kErrorUnknown:
      return "ZE_RESULT_ERROR_UNKNOWN";
    default:
      return absl::StrFormat("ZE_RESULT_0x%08x", result);
  }
}

absl::Status ZeStatus(abi::ze_result_t result, absl::string_view call, absl::string_view detail) {
  if (result == abi::kSuccess) return absl::OkStatus();
  return hal::VendorError(ZeResultCode(result), "levelzero", call, result, ZeResultName(result),
                          detail);
}

}  // namespace spillway::levelzero
