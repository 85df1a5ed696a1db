#include "cuda_symbols.h"

#include "spillway/hal/status.h"

namespace spillway::cuda {

absl::StatusOr<CudaSymbols> LoadCudaSymbols(const hal::DynamicLibrary& library) {
  CudaSymbols s;
  // The _v2 names are the 64-bit-size versions; the plain exports of these
  // calls are the legacy 32-bit ones and must never be resolved.
#define SPILLWAY_REQUIRE_(name) SPILLWAY_RETURN_IF_ERROR(library.Resolve(#name, s.name))
  SPILLWAY_REQUIRE_(cuInit);
  SPILLWAY_REQUIRE_(cuDriverGetVersion);
  SPILLWAY_REQUIRE_(cuGetErrorName);
  SPILLWAY_REQUIRE_(cuGetErrorString);
  SPILLWAY_REQUIRE_(cuDeviceGet);
  SPILLWAY_REQUIRE_(cuDeviceGetCount);
  SPILLWAY_REQUIRE_(cuDeviceGetName);
  SPILLWAY_REQUIRE_(cuDeviceTotalMem_v2);
  SPILLWAY_REQUIRE_(cuDeviceGetAttribute);
  SPILLWAY_REQUIRE_(cuDevicePrimaryCtxRetain);
  SPILLWAY_REQUIRE_(cuDevicePrimaryCtxRelease_v2);
  SPILLWAY_REQUIRE_(cuCtxSetCurrent);
  SPILLWAY_REQUIRE_(cuCtxGetCurrent);
  SPILLWAY_REQUIRE_(cuCtxSynchronize);
  SPILLWAY_REQUIRE_(cuMemGetInfo_v2);
  SPILLWAY_REQUIRE_(cuMemAlloc_v2);
  SPILLWAY_REQUIRE_(cuMemFree_v2);
  SPILLWAY_REQUIRE_(cuMemHostAlloc);
  SPILLWAY_REQUIRE_(cuMemFreeHost);
  SPILLWAY_REQUIRE_(cuMemcpy);
  SPILLWAY_REQUIRE_(cuMemcpyAsync);
  SPILLWAY_REQUIRE_(cuMemcpyHtoD_v2);
  SPILLWAY_REQUIRE_(cuMemcpyDtoH_v2);
  SPILLWAY_REQUIRE_(cuMemcpyDtoD_v2);
  SPILLWAY_REQUIRE_(cuMemcpyHtoDAsync_v2);
  SPILLWAY_REQUIRE_(cuMemcpyDtoHAsync_v2);
  SPILLWAY_REQUIRE_(cuMemsetD8_v2);
  SPILLWAY_REQUIRE_(cuMemsetD8Async);
  SPILLWAY_REQUIRE_(cuStreamCreate);
  SPILLWAY_REQUIRE_(cuStreamDestroy_v2);
  SPILLWAY_REQUIRE_(cuStreamSynchronize);
  SPILLWAY_REQUIRE_(cuStreamQuery);
  SPILLWAY_REQUIRE_(cuEventCreate);
  SPILLWAY_REQUIRE_(cuEventRecord);
  SPILLWAY_REQUIRE_(cuEventSynchronize);
  SPILLWAY_REQUIRE_(cuEventDestroy_v2);
#undef SPILLWAY_REQUIRE_
  library.ResolveOptional("cuEventElapsedTime_v2", s.cuEventElapsedTime);
  if (s.cuEventElapsedTime == nullptr) {
    SPILLWAY_RETURN_IF_ERROR(library.Resolve("cuEventElapsedTime", s.cuEventElapsedTime));
  }
  library.ResolveOptional("cuDeviceGetUuid_v2", s.cuDeviceGetUuid_v2);
  library.ResolveOptional("cuMemAllocManaged", s.cuMemAllocManaged);
  library.ResolveOptional("cuMemAdvise_v2", s.cuMemAdvise_v2);
  library.ResolveOptional("cuMemAdvise", s.cuMemAdvise);
  library.ResolveOptional("cuMemPrefetchAsync_v2", s.cuMemPrefetchAsync_v2);
  library.ResolveOptional("cuMemPrefetchAsync", s.cuMemPrefetchAsync);
  return s;
}

}  // namespace spillway::cuda
