#include "cambricon_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "spillway/hal/status.h"

namespace spillway::cambricon {

absl::StatusCode CnrtErrorCode(abi::cnrtRet_t error) {
  switch (error) {
    case abi::kSuccess:
      return absl::StatusCode::kOk;
    case abi::kErrorNoMem:
    case abi::kErrorSysNoMem:
      return absl::StatusCode::kResourceExhausted;
    case abi::kErrorArgsInvalid:
    case abi::kErrorDeviceInvalid:
    case abi::kErrorInvalidResourceHandle:
    case abi::kErrorMemcpyDirectionInvalid:
      return absl::StatusCode::kInvalidArgument;
    case abi::kErrorNoDevice:
      return absl::StatusCode::kUnavailable;
    case abi::kErrorNotSupport:
      return absl::StatusCode::kUnimplemented;
    default:
      return absl::StatusCode::kInternal;
  }
}

const char* CnrtErrorName(abi::cnrtRet_t error) {
  switch (error) {
    case abi::kSuccess:
      return "cnrtSuccess";
    case abi::kErrorNotReady:
      return "cnrtErrorNotReady";
    case abi::kErrorInit:
      return "cnrtErrorInit";
    case abi::kErrorNoDevice:
      return "cnrtErrorNoDevice";
    case abi::kErrorDeviceInvalid:
      return "cnrtErrorDeviceInvalid";
    case abi::kErrorArgsInvalid:
      return "cnrtErrorArgsInvalid";
    case abi::kErrorSysNoMem:
      return "cnrtErrorSysNoMem";
    case abi::kErrorInvalidResourceHandle:
      return "cnrtErrorInvalidResourceHandle";
    case abi::kErrorNotSupport:
      return "cnrtErrorNotSupport";
    case abi::kErrorNoMem:
      return "cnrtErrorNoMem";
    case abi::kErrorDevice:
      return "cnrtErrorDevice";
    case abi::kErrorNoAttribute:
      return "cnrtErrorNoAttribute";
    case abi::kErrorMemcpyDirectionInvalid:
      return "cnrtErrorMemcpyDirectionInvalid";
    case abi::kErrorUnknown:
      return "cnrtErrorUnknown";
    default:
      return "cnrtRet_t";
  }
}

absl::Status CnrtStatus(const CambriconSymbols* symbols, abi::cnrtRet_t error,
                        absl::string_view call, absl::string_view detail) {
  if (error == abi::kSuccess) return absl::OkStatus();
  std::string text(detail);
  if (symbols != nullptr && symbols->cnrtGetErrorStr != nullptr) {
    const char* description = symbols->cnrtGetErrorStr(error);
    if (description != nullptr && description[0] != '\0') {
      text = text.empty() ? std::string(description) : absl::StrCat(text, "; ", description);
    }
  }
  return hal::VendorError(CnrtErrorCode(error), "cambricon", call, error, CnrtErrorName(error),
                          text);
}

}  // namespace spillway::cambricon
