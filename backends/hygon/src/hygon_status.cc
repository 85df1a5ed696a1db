#include "hygon_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "spillway/hal/status.h"

namespace spillway::hygon {

absl::StatusCode HipErrorCode(abi::hipError_t error) {
  switch (error) {
    case abi::kSuccess:
      return absl::StatusCode::kOk;
    case abi::kErrorOutOfMemory:
      return absl::StatusCode::kResourceExhausted;
    case abi::kErrorInvalidValue:
    case abi::kErrorInvalidDevice:
    case abi::kErrorInvalidHandle:
    case abi::kErrorInvalidDevicePointer:
    case abi::kErrorInvalidMemcpyDirection:
      return absl::StatusCode::kInvalidArgument;
    case abi::kErrorNoDevice:
    case abi::kErrorNotInitialized:
    case abi::kErrorDeinitialized:
    case abi::kErrorInsufficientDriver:
      return absl::StatusCode::kUnavailable;
    case abi::kErrorNotSupported:
      return absl::StatusCode::kUnimplemented;
    case abi::kErrorNotReady:
      return absl::StatusCode::kFailedPrecondition;
    default:
      return absl::StatusCode::kInternal;
  }
}

std::string HipErrorName(const HygonSymbols* symbols, abi::hipError_t error) {
  switch (error) {
    case abi::kSuccess:
      return "hipSuccess";
    case abi::kErrorInvalidValue:
      return "hipErrorInvalidValue";
    case abi::kErrorOutOfMemory:
      return "hipErrorOutOfMemory";
    case abi::kErrorNotInitialized:
      return "hipErrorNotInitialized";
    case abi::kErrorDeinitialized:
      return "hipErrorDeinitialized";
    case abi::kErrorInvalidDevicePointer:
      return "hipErrorInvalidDevicePointer";
    case abi::kErrorInvalidMemcpyDirection:
      return "hipErrorInvalidMemcpyDirection";
    case abi::kErrorInsufficientDriver:
      return "hipErrorInsufficientDriver";
    case abi::kErrorNoDevice:
      return "hipErrorNoDevice";
    case abi::kErrorInvalidDevice:
      return "hipErrorInvalidDevice";
    case abi::kErrorInvalidContext:
      return "hipErrorInvalidContext";
    case abi::kErrorInvalidHandle:
      return "hipErrorInvalidHandle";
    case abi::kErrorNotFound:
      return "hipErrorNotFound";
    case abi::kErrorNotReady:
      return "hipErrorNotReady";
    case abi::kErrorIllegalAddress:
      return "hipErrorIllegalAddress";
    case abi::kErrorNotSupported:
      return "hipErrorNotSupported";
    case abi::kErrorUnknown:
      return "hipErrorUnknown";
    default:
      break;
  }
  if (symbols != nullptr && symbols->hipGetErrorName != nullptr) {
    const char* name = symbols->hipGetErrorName(error);
    if (name != nullptr && name[0] != '\0') return name;
  }
  return absl::StrCat("hipError", error);
}

absl::Status HipStatus(const HygonSymbols* symbols, abi::hipError_t error, absl::string_view call,
                       absl::string_view detail) {
  if (error == abi::kSuccess) return absl::OkStatus();
  return hal::VendorError(HipErrorCode(error), "hygon", call, error, HipErrorName(symbols, error),
                          detail);
}

}  // namespace spillway::hygon
