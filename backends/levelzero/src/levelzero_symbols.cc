#include "levelzero_symbols.h"

#include "spillway/hal/status.h"

namespace spillway::levelzero {

absl::StatusOr<LevelZeroSymbols> LoadLevelZeroSymbols(const hal::DynamicLibrary& library) {
  LevelZeroSymbols s;
#define SPILLWAY_REQUIRE(name) SPILLWAY_RETURN_IF_ERROR(library.Resolve(#name, s.name))
  SPILLWAY_REQUIRE(zeInit);
  SPILLWAY_REQUIRE(zeDriverGet);
  SPILLWAY_REQUIRE(zeDeviceGet);
  SPILLWAY_REQUIRE(zeDeviceGetProperties);
  SPILLWAY_REQUIRE(zeDeviceGetMemoryProperties);
  SPILLWAY_REQUIRE(zeDeviceGetMemoryAccessProperties);
  SPILLWAY_REQUIRE(zeContextCreate);
  SPILLWAY_REQUIRE(zeContextDestroy);
  SPILLWAY_REQUIRE(zeMemAllocDevice);
  SPILLWAY_REQUIRE(zeMemAllocHost);
  SPILLWAY_REQUIRE(zeMemFree);
  SPILLWAY_REQUIRE(zeCommandListCreateImmediate);
  SPILLWAY_REQUIRE(zeCommandListDestroy);
  SPILLWAY_REQUIRE(zeCommandListAppendMemoryCopy);
  SPILLWAY_REQUIRE(zeCommandListAppendMemoryFill);
  SPILLWAY_REQUIRE(zeCommandListAppendSignalEvent);
  SPILLWAY_REQUIRE(zeEventPoolCreate);
  SPILLWAY_REQUIRE(zeEventPoolDestroy);
  SPILLWAY_REQUIRE(zeEventCreate);
  SPILLWAY_REQUIRE(zeEventDestroy);
  SPILLWAY_REQUIRE(zeEventHostSynchronize);
  SPILLWAY_REQUIRE(zeEventQueryStatus);
  SPILLWAY_REQUIRE(zeEventHostReset);
  SPILLWAY_REQUIRE(zeEventQueryKernelTimestamp);
#undef SPILLWAY_REQUIRE
#define SPILLWAY_OPTIONAL(name) library.ResolveOptional(#name, s.name)
  SPILLWAY_OPTIONAL(zeMemAllocShared);
  SPILLWAY_OPTIONAL(zeCommandListAppendMemoryPrefetch);
  SPILLWAY_OPTIONAL(zeCommandListAppendMemAdvise);
  SPILLWAY_OPTIONAL(zeDevicePciGetPropertiesExt);
  SPILLWAY_OPTIONAL(zesDeviceEnumMemoryModules);
  SPILLWAY_OPTIONAL(zesMemoryGetState);
#undef SPILLWAY_OPTIONAL
  return s;
}

}  // namespace spillway::levelzero
