// The driver entry points the backend calls, resolved once from libcuda.so.1.
#ifndef SPILLWAY_BACKENDS_CUDA_SRC_CUDA_SYMBOLS_H_
#define SPILLWAY_BACKENDS_CUDA_SRC_CUDA_SYMBOLS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "spillway/backends/cuda/cuda_driver_abi.h"
#include "spillway/hal/dynamic_library.h"

namespace spillway::cuda {

// Immutable after LoadCudaSymbols, so thread-safe. The pointers are valid as
// long as the DynamicLibrary they came from is loaded.
struct CudaSymbols {
  // Required.
  abi::Fn_cuInit* cuInit = nullptr;
  abi::Fn_cuDriverGetVersion* cuDriverGetVersion = nullptr;
  abi::Fn_cuGetErrorName* cuGetErrorName = nullptr;
  abi::Fn_cuGetErrorString* cuGetErrorString = nullptr;
  abi::Fn_cuDeviceGet* cuDeviceGet = nullptr;
  abi::Fn_cuDeviceGetCount* cuDeviceGetCount = nullptr;
  abi::Fn_cuDeviceGetName* cuDeviceGetName = nullptr;
  abi::Fn_cuDeviceTotalMem_v2* cuDeviceTotalMem_v2 = nullptr;
  abi::Fn_cuDeviceGetAttribute* cuDeviceGetAttribute = nullptr;
  abi::Fn_cuDevicePrimaryCtxRetain* cuDevicePrimaryCtxRetain = nullptr;
  abi::Fn_cuDevicePrimaryCtxRelease_v2* cuDevicePrimaryCtxRelease_v2 = nullptr;
  abi::Fn_cuCtxSetCurrent* cuCtxSetCurrent = nullptr;
  abi::Fn_cuCtxGetCurrent* cuCtxGetCurrent = nullptr;
  abi::Fn_cuCtxSynchronize* cuCtxSynchronize = nullptr;
  abi::Fn_cuMemGetInfo_v2* cuMemGetInfo_v2 = nullptr;
  abi::Fn_cuMemAlloc_v2* cuMemAlloc_v2 = nullptr;
  abi::Fn_cuMemFree_v2* cuMemFree_v2 = nullptr;
  abi::Fn_cuMemHostAlloc* cuMemHostAlloc = nullptr;
  abi::Fn_cuMemFreeHost* cuMemFreeHost = nullptr;
  abi::Fn_cuMemcpy* cuMemcpy = nullptr;
  abi::Fn_cuMemcpyAsync* cuMemcpyAsync = nullptr;
  abi::Fn_cuMemcpyHtoD_v2* cuMemcpyHtoD_v2 = nullptr;
  abi::Fn_cuMemcpyDtoH_v2* cuMemcpyDtoH_v2 = nullptr;
  abi::Fn_cuMemcpyDtoD_v2* cuMemcpyDtoD_v2 = nullptr;
  abi::Fn_cuMemcpyHtoDAsync_v2* cuMemcpyHtoDAsync_v2 = nullptr;
  abi::Fn_cuMemcpyDtoHAsync_v2* cuMemcpyDtoHAsync_v2 = nullptr;
  abi::Fn_cuMemsetD8_v2* cuMemsetD8_v2 = nullptr;
  abi::Fn_cuMemsetD8Async* cuMemsetD8Async = nullptr;
  abi::Fn_cuStreamCreate* cuStreamCreate = nullptr;
  abi::Fn_cuStreamDestroy_v2* cuStreamDestroy_v2 = nullptr;
  abi::Fn_cuStreamSynchronize* cuStreamSynchronize = nullptr;
  abi::Fn_cuStreamQuery* cuStreamQuery = nullptr;
  abi::Fn_cuEventCreate* cuEventCreate = nullptr;
  abi::Fn_cuEventRecord* cuEventRecord = nullptr;
  abi::Fn_cuEventSynchronize* cuEventSynchronize = nullptr;
  abi::Fn_cuEventDestroy_v2* cuEventDestroy_v2 = nullptr;
  // cuEventElapsedTime_v2 (CUDA 12.8+) when present, else cuEventElapsedTime.
  abi::Fn_cuEventElapsedTime* cuEventElapsedTime = nullptr;

  // Optional: each missing one removes a capability (or a property).
  abi::Fn_cuDeviceGetUuid_v2* cuDeviceGetUuid_v2 = nullptr;
  abi::Fn_cuMemAllocManaged* cuMemAllocManaged = nullptr;
  abi::Fn_cuMemAdvise_v2* cuMemAdvise_v2 = nullptr;              // location form
  abi::Fn_cuMemAdvise* cuMemAdvise = nullptr;                    // device-number form
  abi::Fn_cuMemPrefetchAsync_v2* cuMemPrefetchAsync_v2 = nullptr;  // location form
  abi::Fn_cuMemPrefetchAsync* cuMemPrefetchAsync = nullptr;      // device-number form

  bool HasLocationAdvise() const { return cuMemAdvise_v2 != nullptr; }
  bool HasAnyAdvise() const { return cuMemAdvise_v2 != nullptr || cuMemAdvise != nullptr; }
  bool HasLocationPrefetch() const { return cuMemPrefetchAsync_v2 != nullptr; }
  bool HasAnyPrefetch() const {
    return cuMemPrefetchAsync_v2 != nullptr || cuMemPrefetchAsync != nullptr;
  }
};

// Resolves every symbol from `library`. UNAVAILABLE naming the first missing
// required symbol and the library. Thread-safe.
absl::StatusOr<CudaSymbols> LoadCudaSymbols(const hal::DynamicLibrary& library);

}  // namespace spillway::cuda

#endif  // SPILLWAY_BACKENDS_CUDA_SRC_CUDA_SYMBOLS_H_
