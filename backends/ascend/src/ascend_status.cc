#include "ascend_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "spillway/hal/status.h"

namespace spillway::ascend {

absl::StatusCode AclErrorCode(abi::aclError error) {
  switch (error) {
    case abi::kSuccess:
      return absl::StatusCode::kOk;
    case abi::kErrorRtMemoryAllocation:
    case abi::kErrorRtDeviceOom:
      return absl::StatusCode::kResourceExhausted;
    case abi::kErrorInvalidParam:
    case abi::kErrorRtParamInvalid:
    case abi::kErrorRtInvalidDeviceId:
      return absl::StatusCode::kInvalidArgument;
    case abi::kErrorRtNoDevice:
    case abi::kErrorUninitialize:
      return absl::StatusCode::kUnavailable;
    case abi::kErrorRtFeatureNotSupport:
      return absl::StatusCode::kUnimplemented;
    default:
      return absl::StatusCode::kInternal;
  }
}

const char* AclErrorName(abi::aclError error) {
  switch (error) {
    case abi::kSuccess:
      return "ACL_SUCCESS";
    case abi::kErrorInvalidParam:
      return "ACL_ERROR_INVALID_PARAM";
    case abi::kErrorUninitialize:
      return "ACL_ERROR_UNINITIALIZE";
    case abi::kErrorRepeatInitialize:
      return "ACL_ERROR_REPEAT_INITIALIZE";
    case abi::kErrorRtParamInvalid:
      return "ACL_ERROR_RT_PARAM_INVALID";
    case abi::kErrorRtInvalidDeviceId:
      return "ACL_ERROR_RT_INVALID_DEVICEID";
    case abi::kErrorRtContextNull:
      return "ACL_ERROR_RT_CONTEXT_NULL";
    case abi::kErrorRtFeatureNotSupport:
      return "ACL_ERROR_RT_FEATURE_NOT_SUPPORT";
    case abi::kErrorRtMemoryAllocation:
      return "ACL_ERROR_RT_MEMORY_ALLOCATION";
    case abi::kErrorRtNoDevice:
      return "ACL_ERROR_RT_NO_DEVICE";
    case abi::kErrorRtDeviceOom:
      return "ACL_ERROR_RT_DEVICE_OOM";
    case abi::kErrorRtInternalError:
      return "ACL_ERROR_RT_INTERNAL_ERROR";
    default:
      return "aclError";
  }
}

absl::Status AclStatus(const AscendSymbols* symbols, abi::aclError error, absl::string_view call,
                       absl::string_view detail) {
  if (error == abi::kSuccess) return absl::OkStatus();
  std::string text(detail);
  // ACL keeps the last error's explanation per thread; it names the cause
  // (for example which parameter) far better than the code alone.
  if (symbols != nullptr && symbols->aclGetRecentErrMsg != nullptr) {
    const char* recent = symbols->aclGetRecentErrMsg();
    if (recent != nullptr && recent[0] != '\0') {
      text = text.empty() ? std::string(recent) : absl::StrCat(text, "; ", recent);
    }
  }
  return hal::VendorError(AclErrorCode(error), "ascend", call, error, AclErrorName(error), text);
}

}  // namespace spillway::ascend
