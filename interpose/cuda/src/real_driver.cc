#include "real_driver.h"

#include <dlfcn.h>

#include "real_dlsym.h"

namespace spillway::interpose {
namespace {

template <typename Fn>
void Resolve(void* handle, const char* name, Fn*& out) {
  out = reinterpret_cast<Fn*>(RealDlsym(handle, name));
}

void* Open(const std::string& library, std::string* error) {
  // RTLD_LOCAL: the driver's symbols stay out of the global scope, where the
  // shim's exports of the same names must be the ones found.
  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    *error = library + ": " + (why != nullptr ? why : "dlopen failed");
  }
  return handle;
}

}  // namespace

bool RealDriver::Load(const std::string& name) {
  library = name;
  handle = Open(name, &error);
  if (handle == nullptr) return false;
#define SPILLWAY_RESOLVE_(name) Resolve(handle, #name, name)
  SPILLWAY_RESOLVE_(cuInit);
  SPILLWAY_RESOLVE_(cuGetProcAddress);
  SPILLWAY_RESOLVE_(cuGetProcAddress_v2);
  SPILLWAY_RESOLVE_(cuDeviceGetCount);
  SPILLWAY_RESOLVE_(cuDeviceGetAttribute);
  SPILLWAY_RESOLVE_(cuDeviceTotalMem_v2);
  SPILLWAY_RESOLVE_(cuCtxGetDevice);
  SPILLWAY_RESOLVE_(cuCtxPushCurrent_v2);
  SPILLWAY_RESOLVE_(cuCtxPopCurrent_v2);
  SPILLWAY_RESOLVE_(cuDevicePrimaryCtxRetain);
  SPILLWAY_RESOLVE_(cuDevicePrimaryCtxRelease_v2);
  SPILLWAY_RESOLVE_(cuDevicePrimaryCtxReset_v2);
  SPILLWAY_RESOLVE_(cuCtxCreate_v2);
  SPILLWAY_RESOLVE_(cuCtxCreate_v3);
  SPILLWAY_RESOLVE_(cuCtxCreate_v4);
  SPILLWAY_RESOLVE_(cuCtxDestroy_v2);
  SPILLWAY_RESOLVE_(cuMemGetInfo_v2);
  SPILLWAY_RESOLVE_(cuMemAlloc_v2);
  SPILLWAY_RESOLVE_(cuMemAllocPitch_v2);
  SPILLWAY_RESOLVE_(cuMemFree_v2);
  SPILLWAY_RESOLVE_(cuMemAllocManaged);
  SPILLWAY_RESOLVE_(cuMemAllocAsync);
  SPILLWAY_RESOLVE_(cuMemAllocAsync_ptsz);
  SPILLWAY_RESOLVE_(cuMemFreeAsync);
  SPILLWAY_RESOLVE_(cuMemFreeAsync_ptsz);
  SPILLWAY_RESOLVE_(cuMemAllocFromPoolAsync);
  SPILLWAY_RESOLVE_(cuMemAllocFromPoolAsync_ptsz);
  SPILLWAY_RESOLVE_(cuMemPoolCreate);
  SPILLWAY_RESOLVE_(cuDeviceGetDefaultMemPool);
  SPILLWAY_RESOLVE_(cuDeviceGetMemPool);
  SPILLWAY_RESOLVE_(cuMemCreate);
  SPILLWAY_RESOLVE_(cuMemRelease);
  SPILLWAY_RESOLVE_(cuStreamSynchronize);
  SPILLWAY_RESOLVE_(cuMemAdvise_v2);
  SPILLWAY_RESOLVE_(cuMemAdvise);
#undef SPILLWAY_RESOLVE_
  return true;
}

bool RealNvml::Load(const std::string& library) {
  handle = Open(library, &error);
  if (handle == nullptr) return false;
  Resolve(handle, "nvmlDeviceGetMemoryInfo", nvmlDeviceGetMemoryInfo);
  Resolve(handle, "nvmlDeviceGetMemoryInfo_v2", nvmlDeviceGetMemoryInfo_v2);
  Resolve(handle, "nvmlDeviceGetPciInfo_v3", nvmlDeviceGetPciInfo_v3);
  return true;
}

}  // namespace spillway::interpose
