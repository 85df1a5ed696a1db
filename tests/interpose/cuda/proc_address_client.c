/* A program that finds the driver as the CUDA runtime does: dlopen of
 * libcuda.so.1, dlsym of cuGetProcAddress on that handle, and every other
 * entry point by base name and CUDA version through it. Nothing here is
 * linked against the driver, so LD_PRELOAD alone cannot interpose it: the
 * shim must catch the dlsym and the cuGetProcAddress lookups.
 *
 *   proc_address_client [--v1] <scenario> [args]
 * --v1 uses the CUDA 11.3 cuGetProcAddress (four arguments) and asks for
 * CUDA 11.8 entry points; the default is cuGetProcAddress_v2 at 12.8. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cuda_client_api.h"

typedef CUresult (*GetProcAddressV2)(const char*, void**, int, uint64_t, int*);
typedef CUresult (*GetProcAddressV1)(const char*, void**, int, uint64_t);

static GetProcAddressV2 get_v2;
static GetProcAddressV1 get_v1;
static int version;
static int missing;

static void* LookupAt(const char* name, int at) {
  void* fn = NULL;
  int status = -1;
  CUresult r = get_v2 != NULL ? get_v2(name, &fn, at, 0, &status) : get_v1(name, &fn, at, 0);
  if (r != CLIENT_CUDA_SUCCESS || fn == NULL) {
    fprintf(stderr, "cuGetProcAddress(%s, %d) failed: %d\n", name, at, r);
    ++missing;
  }
  return fn;
}

static void* Lookup(const char* name) { return LookupAt(name, version); }

#define RESOLVE(field, name) *(void**)(&api.field) = Lookup(name)

int main(int argc, char** argv) {
  int v1 = argc > 1 && strcmp(argv[1], "--v1") == 0;
  if (v1) {
    ++argv;
    --argc;
  }
  void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (driver == NULL) {
    printf("dlopen=%s\n", dlerror());
    return 2;
  }
  if (v1) {
    get_v1 = (GetProcAddressV1)(uintptr_t)dlsym(driver, "cuGetProcAddress");
    version = 11080;
  } else {
    get_v2 = (GetProcAddressV2)(uintptr_t)dlsym(driver, "cuGetProcAddress_v2");
    version = 12080;
  }
  if (get_v1 == NULL && get_v2 == NULL) {
    printf("dlsym=missing\n");
    return 2;
  }
  CudaApi api;
  memset(&api, 0, sizeof api);
  api.how = v1 ? "proc_address_v1" : "proc_address";
  RESOLVE(cuInit, "cuInit");
  RESOLVE(cuDeviceGet, "cuDeviceGet");
  RESOLVE(cuDeviceTotalMem, "cuDeviceTotalMem");
  RESOLVE(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  RESOLVE(cuCtxSetCurrent, "cuCtxSetCurrent");
  RESOLVE(cuCtxGetCurrent, "cuCtxGetCurrent");
  /* The version picks the prototype: cuCtxCreate is _v3 from 11.4 and _v4
   * from 12.5; the table's pointer has the 3.2 (_v2) one. */
  *(void**)(&api.cuCtxCreate) = LookupAt("cuCtxCreate", 3020);
  RESOLVE(cuCtxDestroy, "cuCtxDestroy");
  RESOLVE(cuMemGetInfo, "cuMemGetInfo");
  RESOLVE(cuMemAlloc, "cuMemAlloc");
  RESOLVE(cuMemFree, "cuMemFree");
  RESOLVE(cuMemAllocManaged, "cuMemAllocManaged");
  RESOLVE(cuMemAllocAsync, "cuMemAllocAsync");
  RESOLVE(cuMemFreeAsync, "cuMemFreeAsync");
  RESOLVE(cuMemAllocFromPoolAsync, "cuMemAllocFromPoolAsync");
  RESOLVE(cuDeviceGetDefaultMemPool, "cuDeviceGetDefaultMemPool");
  RESOLVE(cuPointerGetAttribute, "cuPointerGetAttribute");
  RESOLVE(cuMemcpyHtoD, "cuMemcpyHtoD");
  RESOLVE(cuMemcpyDtoH, "cuMemcpyDtoH");
  RESOLVE(cuMemcpy, "cuMemcpy");
  RESOLVE(cuMemsetD8, "cuMemsetD8");
  RESOLVE(cuStreamCreate, "cuStreamCreate");
  RESOLVE(cuStreamDestroy, "cuStreamDestroy");
  RESOLVE(cuStreamSynchronize, "cuStreamSynchronize");
  RESOLVE(cuEventCreate, "cuEventCreate");
  RESOLVE(cuEventRecord, "cuEventRecord");
  RESOLVE(cuEventSynchronize, "cuEventSynchronize");
  RESOLVE(cuEventElapsedTime, "cuEventElapsedTime");
  RESOLVE(cuEventDestroy, "cuEventDestroy");
  RESOLVE(cuModuleGetFunction, "cuModuleGetFunction");
  RESOLVE(cuLaunchKernel, "cuLaunchKernel");
  RESOLVE(cuMemGetAllocationGranularity, "cuMemGetAllocationGranularity");
  RESOLVE(cuMemCreate, "cuMemCreate");
  RESOLVE(cuMemRelease, "cuMemRelease");
  RESOLVE(cuMemAddressReserve, "cuMemAddressReserve");
  RESOLVE(cuMemAddressFree, "cuMemAddressFree");
  RESOLVE(cuMemMap, "cuMemMap");
  RESOLVE(cuMemUnmap, "cuMemUnmap");
  RESOLVE(cuMemSetAccess, "cuMemSetAccess");
  if (missing > 0) {
    printf("resolved=0\n");
    return 2;
  }
  /* Unhandled entry points must be the driver's own: compare with what the
   * driver's handle itself holds. */
  void* launch_direct = dlsym(driver, "cuLaunchKernel");
  printf("launch_is_driver=%d\n", launch_direct == *(void**)(&api.cuLaunchKernel));
  api.registerKernel =
      (int (*)(const char*, void (*)(void**)))(uintptr_t)dlsym(driver,
                                                               "spillwayFakeCudaRegisterKernel");
  return RunScenario(&api, argc, argv);
}
