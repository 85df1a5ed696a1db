// The real CUDA driver (and NVML) behind the preload shim: loaded with
// dlopen(RTLD_LOCAL) and resolved with glibc's dlsym on that handle, so the
// shim's own exports of the same names are never found and never recurse.
#ifndef SPILLWAY_INTERPOSE_CUDA_SRC_REAL_DRIVER_H_
#define SPILLWAY_INTERPOSE_CUDA_SRC_REAL_DRIVER_H_

#include <string>

#include "spillway/backends/cuda/cuda_driver_abi.h"
#include "spillway/backends/cuda/nvml_abi.h"

namespace spillway::interpose {

namespace abi = ::spillway::cuda::abi;
namespace nvml = ::spillway::cuda::nvml;

// Read once, when the shim starts.
inline constexpr char kCudaLibraryEnvVar[] = "SPILLWAY_CUDA_LIBRARY";  // default libcuda.so.1
inline constexpr char kNvmlLibraryEnvVar[] = "SPILLWAY_NVML_LIBRARY";  // default libnvidia-ml.so.1

// Immutable after Load; thread-safe. A symbol the driver lacks stays null;
// its hook then answers CUDA_ERROR_NOT_SUPPORTED, and cuGetProcAddress never
// hands that hook out (it only substitutes what the driver has).
struct RealDriver {
  // False (with `error`) when the library cannot be opened.
  bool Load(const std::string& library);

  void* handle = nullptr;
  std::string library;
  std::string error;

  abi::Fn_cuInit* cuInit = nullptr;
  abi::Fn_cuGetProcAddress* cuGetProcAddress = nullptr;
  abi::Fn_cuGetProcAddress_v2* cuGetProcAddress_v2 = nullptr;
  abi::Fn_cuDeviceGetCount* cuDeviceGetCount = nullptr;
  abi::Fn_cuDeviceGetAttribute* cuDeviceGetAttribute = nullptr;
  abi::Fn_cuDeviceTotalMem_v2* cuDeviceTotalMem_v2 = nullptr;
  abi::Fn_cuCtxGetDevice* cuCtxGetDevice = nullptr;
  abi::Fn_cuCtxPushCurrent_v2* cuCtxPushCurrent_v2 = nullptr;
  abi::Fn_cuCtxPopCurrent_v2* cuCtxPopCurrent_v2 = nullptr;
  abi::Fn_cuDevicePrimaryCtxRetain* cuDevicePrimaryCtxRetain = nullptr;
  abi::Fn_cuDevicePrimaryCtxRelease_v2* cuDevicePrimaryCtxRelease_v2 = nullptr;
  abi::Fn_cuDevicePrimaryCtxReset_v2* cuDevicePrimaryCtxReset_v2 = nullptr;
  abi::Fn_cuCtxCreate_v2* cuCtxCreate_v2 = nullptr;
  abi::Fn_cuCtxCreate_v3* cuCtxCreate_v3 = nullptr;
  abi::Fn_cuCtxCreate_v4* cuCtxCreate_v4 = nullptr;
  abi::Fn_cuCtxDestroy_v2* cuCtxDestroy_v2 = nullptr;
  abi::Fn_cuMemGetInfo_v2* cuMemGetInfo_v2 = nullptr;
  abi::Fn_cuMemAlloc_v2* cuMemAlloc_v2 = nullptr;
  abi::Fn_cuMemAllocPitch_v2* cuMemAllocPitch_v2 = nullptr;
  abi::Fn_cuMemFree_v2* cuMemFree_v2 = nullptr;
  abi::Fn_cuMemAllocManaged* cuMemAllocManaged = nullptr;
  abi::Fn_cuMemAllocAsync* cuMemAllocAsync = nullptr;
  abi::Fn_cuMemAllocAsync* cuMemAllocAsync_ptsz = nullptr;
  abi::Fn_cuMemFreeAsync* cuMemFreeAsync = nullptr;
  abi::Fn_cuMemFreeAsync* cuMemFreeAsync_ptsz = nullptr;
  abi::Fn_cuMemAllocFromPoolAsync* cuMemAllocFromPoolAsync = nullptr;
  abi::Fn_cuMemAllocFromPoolAsync* cuMemAllocFromPoolAsync_ptsz = nullptr;
  abi::Fn_cuMemPoolCreate* cuMemPoolCreate = nullptr;
  abi::Fn_cuDeviceGetDefaultMemPool* cuDeviceGetDefaultMemPool = nullptr;
  abi::Fn_cuDeviceGetMemPool* cuDeviceGetMemPool = nullptr;
  abi::Fn_cuMemCreate* cuMemCreate = nullptr;
  abi::Fn_cuMemRelease* cuMemRelease = nullptr;
  abi::Fn_cuStreamSynchronize* cuStreamSynchronize = nullptr;
  abi::Fn_cuMemAdvise_v2* cuMemAdvise_v2 = nullptr;
  abi::Fn_cuMemAdvise* cuMemAdvise = nullptr;
};

// NVML, loaded on first use by an NVML hook.
struct RealNvml {
  bool Load(const std::string& library);

  void* handle = nullptr;
  std::string error;
  nvml::Fn_nvmlDeviceGetMemoryInfo* nvmlDeviceGetMemoryInfo = nullptr;
  nvml::Fn_nvmlDeviceGetMemoryInfo_v2* nvmlDeviceGetMemoryInfo_v2 = nullptr;
  nvml::Fn_nvmlDeviceGetPciInfo_v3* nvmlDeviceGetPciInfo_v3 = nullptr;
};

}  // namespace spillway::interpose

#endif  // SPILLWAY_INTERPOSE_CUDA_SRC_REAL_DRIVER_H_
