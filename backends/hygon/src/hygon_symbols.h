// The HIP runtime entry points the backend calls, resolved once at load time.
#ifndef SPILLWAY_BACKENDS_HYGON_SRC_HYGON_SYMBOLS_H_
#define SPILLWAY_BACKENDS_HYGON_SRC_HYGON_SYMBOLS_H_

#include "absl/status/statusor.h"
#include "spillway/backends/hygon/hip_abi.h"
#include "spillway/hal/dynamic_library.h"

namespace spillway::hygon {

// Immutable after LoadHygonSymbols, so thread-safe. The pointers are valid as
// long as the DynamicLibrary they came from is loaded.
struct HygonSymbols {
  // Required: the mandatory core of the HAL.
  abi::Fn_hipInit* hipInit = nullptr;
  abi::Fn_hipGetDeviceCount* hipGetDeviceCount = nullptr;
  abi::Fn_hipSetDevice* hipSetDevice = nullptr;
  abi::Fn_hipGetDevice* hipGetDevice = nullptr;
  abi::Fn_hipDeviceGetName* hipDeviceGetName = nullptr;
  abi::Fn_hipDeviceTotalMem* hipDeviceTotalMem = nullptr;
  abi::Fn_hipDeviceGetAttribute* hipDeviceGetAttribute = nullptr;
  abi::Fn_hipDeviceSynchronize* hipDeviceSynchronize = nullptr;
  abi::Fn_hipMemGetInfo* hipMemGetInfo = nullptr;
  abi::Fn_hipMalloc* hipMalloc = nullptr;
  abi::Fn_hipFree* hipFree = nullptr;
  abi::Fn_hipHostMalloc* hipHostMalloc = nullptr;
  abi::Fn_hipHostFree* hipHostFree = nullptr;
  abi::Fn_hipMemcpy* hipMemcpy = nullptr;
  abi::Fn_hipMemcpyAsync* hipMemcpyAsync = nullptr;
  abi::Fn_hipMemset* hipMemset = nullptr;
  abi::Fn_hipMemsetAsync* hipMemsetAsync = nullptr;
  abi::Fn_hipStreamCreate* hipStreamCreate = nullptr;
  abi::Fn_hipStreamDestroy* hipStreamDestroy = nullptr;
  abi::Fn_hipStreamSynchronize* hipStreamSynchronize = nullptr;
  abi::Fn_hipStreamQuery* hipStreamQuery = nullptr;
  abi::Fn_hipEventCreate* hipEventCreate = nullptr;
  abi::Fn_hipEventRecord* hipEventRecord = nullptr;
  abi::Fn_hipEventSynchronize* hipEventSynchronize = nullptr;
  abi::Fn_hipEventElapsedTime* hipEventElapsedTime = nullptr;
  abi::Fn_hipEventDestroy* hipEventDestroy = nullptr;

  // Optional: each missing one removes a capability (or a property).
  abi::Fn_hipGetErrorName* hipGetErrorName = nullptr;
  abi::Fn_hipDeviceGetPCIBusId* hipDeviceGetPCIBusId = nullptr;
  abi::Fn_hipDeviceGetUuid* hipDeviceGetUuid = nullptr;
  abi::Fn_hipMallocManaged* hipMallocManaged = nullptr;
  abi::Fn_hipMemAdvise* hipMemAdvise = nullptr;
  abi::Fn_hipMemPrefetchAsync* hipMemPrefetchAsync = nullptr;
};

// Resolves every symbol from `library`. UNAVAILABLE naming the first missing
// required symbol and the library. Thread-safe.
absl::StatusOr<HygonSymbols> LoadHygonSymbols(const hal::DynamicLibrary& library);

}  // namespace spillway::hygon

#endif  // SPILLWAY_BACKENDS_HYGON_SRC_HYGON_SYMBOLS_H_
