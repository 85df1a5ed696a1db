/* A program linked against libcuda.so.1 (and libnvidia-ml.so.1), as most
 * driver-API programs are: under LD_PRELOAD, the dynamic linker binds its
 * calls to the shim's exports. */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include <dlfcn.h>
#include <stdint.h>

#include "cuda_client_api.h"

int main(int argc, char** argv) {
  CudaApi api = {
      .how = "direct",
      .cuInit = cuInit,
      .cuDeviceGet = cuDeviceGet,
      .cuDeviceTotalMem = cuDeviceTotalMem_v2,
      .cuDevicePrimaryCtxRetain = cuDevicePrimaryCtxRetain,
      .cuCtxSetCurrent = cuCtxSetCurrent,
      .cuCtxGetCurrent = cuCtxGetCurrent,
      .cuCtxCreate = cuCtxCreate_v2,
      .cuCtxDestroy = cuCtxDestroy_v2,
      .cuMemGetInfo = cuMemGetInfo_v2,
      .cuMemAlloc = cuMemAlloc_v2,
      .cuMemFree = cuMemFree_v2,
      .cuMemAllocManaged = cuMemAllocManaged,
      .cuMemAllocAsync = cuMemAllocAsync,
      .cuMemFreeAsync = cuMemFreeAsync,
      .cuMemAllocFromPoolAsync = cuMemAllocFromPoolAsync,
      .cuDeviceGetDefaultMemPool = cuDeviceGetDefaultMemPool,
      .cuPointerGetAttribute = cuPointerGetAttribute,
      .cuMemcpyHtoD = cuMemcpyHtoD_v2,
      .cuMemcpyDtoH = cuMemcpyDtoH_v2,
      .cuMemcpy = cuMemcpy,
      .cuMemsetD8 = cuMemsetD8_v2,
      .cuStreamCreate = cuStreamCreate,
      .cuStreamDestroy = cuStreamDestroy_v2,
      .cuStreamSynchronize = cuStreamSynchronize,
      .cuEventCreate = cuEventCreate,
      .cuEventRecord = cuEventRecord,
      .cuEventSynchronize = cuEventSynchronize,
      .cuEventElapsedTime = cuEventElapsedTime,
      .cuEventDestroy = cuEventDestroy_v2,
      .cuModuleGetFunction = cuModuleGetFunction,
      .cuLaunchKernel = cuLaunchKernel,
      .cuMemGetAllocationGranularity = cuMemGetAllocationGranularity,
      .cuMemCreate = cuMemCreate,
      .cuMemRelease = cuMemRelease,
      .cuMemAddressReserve = cuMemAddressReserve,
      .cuMemAddressFree = cuMemAddressFree,
      .cuMemMap = cuMemMap,
      .cuMemUnmap = cuMemUnmap,
      .cuMemSetAccess = cuMemSetAccess,
      .nvmlInit = nvmlInit_v2,
      .nvmlDeviceGetHandleByIndex = nvmlDeviceGetHandleByIndex_v2,
      .nvmlDeviceGetMemoryInfo = nvmlDeviceGetMemoryInfo,
  };
  /* Fake-only: a real driver has no such entry point. */
  api.registerKernel =
      (int (*)(const char*, void (*)(void**)))(uintptr_t)dlsym(RTLD_DEFAULT,
                                                               "spillwayFakeCudaRegisterKernel");
  return RunScenario(&api, argc, argv);
}
