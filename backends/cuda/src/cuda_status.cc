#include "cuda_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "spillway/hal/status.h"

namespace spillway::cuda {

absl::StatusCode CudaResultCode(abi::CUresult result) {
  switch (result) {
    case abi::kSuccess:
      return absl::StatusCode::kOk;
    case abi::kErrorOutOfMemory:
      return absl::StatusCode::kResourceExhausted;
    case abi::kErrorInvalidValue:
    case abi::kErrorInvalidDevice:
    case abi::kErrorInvalidHandle:
      return absl::StatusCode::kInvalidArgument;
    case abi::kErrorNotInitialized:
    case abi::kErrorDeinitialized:
    case abi::kErrorNoDevice:
    case 34:  // CUDA_ERROR_STUB_LIBRARY: the toolkit's stub, not a driver
    case 46:  // CUDA_ERROR_DEVICE_UNAVAILABLE: exclusive-process mode, busy
      return absl::StatusCode::kUnavailable;
    case abi::kErrorNotSupported:
      return absl::StatusCode::kUnimplemented;
    case abi::kErrorNotReady:
    case abi::kErrorInvalidContext:
      return absl::StatusCode::kFailedPrecondition;
    case abi::kErrorNotFound:
      return absl::StatusCode::kNotFound;
    default:
      return absl::StatusCode::kInternal;
  }
}

absl::Status CudaStatus(const CudaSymbols* symbols, abi::CUresult result, absl::string_view call,
                        absl::string_view detail) {
  if (result == abi::kSuccess) return absl::OkStatus();
  const char* name = nullptr;
  const char* text = nullptr;
  if (symbols != nullptr && symbols->cuGetErrorName != nullptr &&
      symbols->cuGetErrorName(result, &name) != abi::kSuccess) {
    name = nullptr;
  }
  if (symbols != nullptr && symbols->cuGetErrorString != nullptr &&
      symbols->cuGetErrorString(result, &text) != abi::kSuccess) {
    text = nullptr;
  }
  const std::string fallback_name = absl::StrCat("CUDA_ERROR_", result);
  std::string full_detail = text != nullptr ? std::string(text) : std::string();
  if (!detail.empty()) {
    absl::StrAppend(&full_detail, full_detail.empty() ? "" : "; ", detail);
  }
  return hal::VendorError(CudaResultCode(result), "cuda", call, result,
                          name != nullptr ? name : fallback_name, full_detail);
}

}  // namespace spillway::cuda
