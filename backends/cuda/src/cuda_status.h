// CUresult -> absl::Status, keeping the driver's code, name and text.
#ifndef SPILLWAY_BACKENDS_CUDA_SRC_CUDA_STATUS_H_
#define SPILLWAY_BACKENDS_CUDA_SRC_CUDA_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "cuda_symbols.h"
#include "spillway/backends/cuda/cuda_driver_abi.h"

namespace spillway::cuda {

// The status code for a CUresult (DESIGN.md): out of memory ->
// RESOURCE_EXHAUSTED; invalid value/device/handle -> INVALID_ARGUMENT;
// not initialized, deinitialized, no device, device unavailable ->
// UNAVAILABLE; not supported -> UNIMPLEMENTED; not ready -> FAILED_PRECONDITION;
// not found -> NOT_FOUND; success -> OK; anything else -> INTERNAL.
absl::StatusCode CudaResultCode(abi::CUresult result);

// OK for CUDA_SUCCESS; otherwise hal::VendorError with the mapped code, the
// call's name, the driver's name for the code (cuGetErrorName) and its text
// (cuGetErrorString) plus `detail`. `symbols` may be null (names then read
// "CUDA_ERROR_<n>"). Thread-safe.
absl::Status CudaStatus(const CudaSymbols* symbols, abi::CUresult result, absl::string_view call,
                        absl::string_view detail = {});

}  // namespace spillway::cuda

#endif  // SPILLWAY_BACKENDS_CUDA_SRC_CUDA_STATUS_H_
