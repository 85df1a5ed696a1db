// The Level Zero loader entry points the backend calls, resolved once.
#ifndef SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_SYMBOLS_H_
#define SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_SYMBOLS_H_

#include "absl/status/statusor.h"
#include "spillway/backends/levelzero/ze_abi.h"
#include "spillway/hal/dynamic_library.h"

namespace spillway::levelzero {

// Immutable after LoadLevelZeroSymbols, so thread-safe. The pointers are valid
// as long as the DynamicLibrary they came from is loaded.
struct LevelZeroSymbols {
  // Required: the mandatory core of the HAL.
  abi::Fn_zeInit* zeInit = nullptr;
  abi::Fn_zeDriverGet* zeDriverGet = nullptr;
  abi::Fn_zeDeviceGet* zeDeviceGet = nullptr;
  abi::Fn_zeDeviceGetProperties* zeDeviceGetProperties = nullptr;
  abi::Fn_zeDeviceGetMemoryProperties* zeDeviceGetMemoryProperties = nullptr;
  abi::Fn_zeDeviceGetMemoryAccessProperties* zeDeviceGetMemoryAccessProperties = nullptr;
  abi::Fn_zeContextCreate* zeContextCreate = nullptr;
  abi::Fn_zeContextDestroy* zeContextDestroy = nullptr;
  abi::Fn_zeMemAllocDevice* zeMemAllocDevice = nullptr;
  abi::Fn_zeMemAllocHost* zeMemAllocHost = nullptr;
  abi::Fn_zeMemFree* zeMemFree = nullptr;
  abi::Fn_zeCommandListCreateImmediate* zeCommandListCreateImmediate = nullptr;
  abi::Fn_zeCommandListDestroy* zeCommandListDestroy = nullptr;
  abi::Fn_zeCommandListAppendMemoryCopy* zeCommandListAppendMemoryCopy = nullptr;
  abi::Fn_zeCommandListAppendMemoryFill* zeCommandListAppendMemoryFill = nullptr;
  abi::Fn_zeCommandListAppendSignalEvent* zeCommandListAppendSignalEvent = nullptr;
  abi::Fn_zeEventPoolCreate* zeEventPoolCreate = nullptr;
  abi::Fn_zeEventPoolDestroy* zeEventPoolDestroy = nullptr;
  abi::Fn_zeEventCreate* zeEventCreate = nullptr;
  abi::Fn_zeEventDestroy* zeEventDestroy = nullptr;
  abi::Fn_zeEventHostSynchronize* zeEventHostSynchronize = nullptr;
  abi::Fn_zeEventQueryStatus* zeEventQueryStatus = nullptr;
  abi::Fn_zeEventHostReset* zeEventHostReset = nullptr;
  abi::Fn_zeEventQueryKernelTimestamp* zeEventQueryKernelTimestamp = nullptr;

  // Optional: each missing one removes a capability or a property.
  abi::Fn_zeMemAllocShared* zeMemAllocShared = nullptr;
  abi::Fn_zeCommandListAppendMemoryPrefetch* zeCommandListAppendMemoryPrefetch = nullptr;
  abi::Fn_zeCommandListAppendMemAdvise* zeCommandListAppendMemAdvise = nullptr;
  abi::Fn_zeDevicePciGetPropertiesExt* zeDevicePciGetPropertiesExt = nullptr;
  abi::Fn_zesDeviceEnumMemoryModules* zesDeviceEnumMemoryModules = nullptr;
  abi::Fn_zesMemoryGetState* zesMemoryGetState = nullptr;
};

// Resolves every symbol from `library`. UNAVAILABLE naming the first missing
// required symbol and the library. Thread-safe.
absl::StatusOr<LevelZeroSymbols> LoadLevelZeroSymbols(const hal::DynamicLibrary& library);

}  // namespace spillway::levelzero

#endif  // SPILLWAY_BACKENDS_LEVELZERO_SRC_LEVELZERO_SYMBOLS_H_
