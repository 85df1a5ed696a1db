// Every symbol the preload library exports in place of the driver's (and
// NVML's), declared once from the ABI headers' function types: a hook whose
// definition disagrees with the driver's prototype does not compile.
#ifndef SPILLWAY_INTERPOSE_CUDA_SRC_SHIM_EXPORTS_H_
#define SPILLWAY_INTERPOSE_CUDA_SRC_SHIM_EXPORTS_H_

#include "spillway/backends/cuda/cuda_driver_abi.h"
#include "spillway/backends/cuda/nvml_abi.h"

#define SPILLWAY_SHIM_EXPORT(name) \
  extern "C" __attribute__((visibility("default"))) ::spillway::cuda::abi::Fn_##name name;
#define SPILLWAY_SHIM_NVML_EXPORT(name) \
  extern "C" __attribute__((visibility("default"))) ::spillway::cuda::nvml::Fn_##name name;

SPILLWAY_SHIM_EXPORT(cuInit)
SPILLWAY_SHIM_EXPORT(cuGetProcAddress)
SPILLWAY_SHIM_EXPORT(cuGetProcAddress_v2)
SPILLWAY_SHIM_EXPORT(cuMemAlloc_v2)
SPILLWAY_SHIM_EXPORT(cuMemAllocPitch_v2)
SPILLWAY_SHIM_EXPORT(cuMemFree_v2)
SPILLWAY_SHIM_EXPORT(cuMemAllocManaged)
SPILLWAY_SHIM_EXPORT(cuMemAllocAsync)
SPILLWAY_SHIM_EXPORT(cuMemAllocAsync_ptsz)
SPILLWAY_SHIM_EXPORT(cuMemFreeAsync)
SPILLWAY_SHIM_EXPORT(cuMemFreeAsync_ptsz)
SPILLWAY_SHIM_EXPORT(cuMemAllocFromPoolAsync)
SPILLWAY_SHIM_EXPORT(cuMemAllocFromPoolAsync_ptsz)
SPILLWAY_SHIM_EXPORT(cuMemPoolCreate)
SPILLWAY_SHIM_EXPORT(cuDeviceGetDefaultMemPool)
SPILLWAY_SHIM_EXPORT(cuDeviceGetMemPool)
SPILLWAY_SHIM_EXPORT(cuMemCreate)
SPILLWAY_SHIM_EXPORT(cuMemRelease)
SPILLWAY_SHIM_EXPORT(cuDevicePrimaryCtxRetain)
SPILLWAY_SHIM_EXPORT(cuDevicePrimaryCtxRelease_v2)
SPILLWAY_SHIM_EXPORT(cuDevicePrimaryCtxReset_v2)
SPILLWAY_SHIM_EXPORT(cuCtxCreate_v2)
SPILLWAY_SHIM_EXPORT(cuCtxCreate_v3)
SPILLWAY_SHIM_EXPORT(cuCtxCreate_v4)
SPILLWAY_SHIM_EXPORT(cuCtxDestroy_v2)
SPILLWAY_SHIM_EXPORT(cuMemGetInfo_v2)
SPILLWAY_SHIM_EXPORT(cuDeviceTotalMem_v2)
SPILLWAY_SHIM_NVML_EXPORT(nvmlDeviceGetMemoryInfo)
SPILLWAY_SHIM_NVML_EXPORT(nvmlDeviceGetMemoryInfo_v2)

#endif  // SPILLWAY_INTERPOSE_CUDA_SRC_SHIM_EXPORTS_H_
