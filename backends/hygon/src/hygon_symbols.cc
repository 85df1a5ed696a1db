#include "hygon_symbols.h"

#include "spillway/hal/status.h"

namespace spillway::hygon {

absl::StatusOr<HygonSymbols> LoadHygonSymbols(const hal::DynamicLibrary& library) {
  HygonSymbols s;
#define SPILLWAY_REQUIRE(name) SPILLWAY_RETURN_IF_ERROR(library.Resolve(#name, s.name))
  SPILLWAY_REQUIRE(hipInit);
  SPILLWAY_REQUIRE(hipGetDeviceCount);
  SPILLWAY_REQUIRE(hipSetDevice);
  SPILLWAY_REQUIRE(hipGetDevice);
  SPILLWAY_REQUIRE(hipDeviceGetName);
  SPILLWAY_REQUIRE(hipDeviceTotalMem);
  SPILLWAY_REQUIRE(hipDeviceGetAttribute);
  SPILLWAY_REQUIRE(hipDeviceSynchronize);
  SPILLWAY_REQUIRE(hipMemGetInfo);
  SPILLWAY_REQUIRE(hipMalloc);
  SPILLWAY_REQUIRE(hipFree);
  SPILLWAY_REQUIRE(hipHostMalloc);
  SPILLWAY_REQUIRE(hipHostFree);
  SPILLWAY_REQUIRE(hipMemcpy);
  SPILLWAY_REQUIRE(hipMemcpyAsync);
  SPILLWAY_REQUIRE(hipMemset);
  SPILLWAY_REQUIRE(hipMemsetAsync);
  SPILLWAY_REQUIRE(hipStreamCreate);
  SPILLWAY_REQUIRE(hipStreamDestroy);
  SPILLWAY_REQUIRE(hipStreamSynchronize);
  SPILLWAY_REQUIRE(hipStreamQuery);
  SPILLWAY_REQUIRE(hipEventCreate);
  SPILLWAY_REQUIRE(hipEventRecord);
  SPILLWAY_REQUIRE(hipEventSynchronize);
  SPILLWAY_REQUIRE(hipEventElapsedTime);
  SPILLWAY_REQUIRE(hipEventDestroy);
#undef SPILLWAY_REQUIRE
#define SPILLWAY_OPTIONAL(name) library.ResolveOptional(#name, s.name)
  SPILLWAY_OPTIONAL(hipGetErrorName);
  SPILLWAY_OPTIONAL(hipDeviceGetPCIBusId);
  SPILLWAY_OPTIONAL(hipDeviceGetUuid);
  SPILLWAY_OPTIONAL(hipMallocManaged);
  SPILLWAY_OPTIONAL(hipMemAdvise);
  SPILLWAY_OPTIONAL(hipMemPrefetchAsync);
#undef SPILLWAY_OPTIONAL
  return s;
}

}  // namespace spillway::hygon
