// The CNRT entry points the Cambricon backend calls, resolved once from
// libcnrt.so.
#ifndef SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_SYMBOLS_H_
#define SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_SYMBOLS_H_

#include "absl/status/statusor.h"
#include "spillway/backends/cambricon/cnrt_abi.h"
#include "spillway/hal/dynamic_library.h"

namespace spillway::cambricon {

// Immutable after LoadCambriconSymbols, so thread-safe. The pointers are valid
// as long as the DynamicLibrary they came from is loaded.
struct CambriconSymbols {
  // Required.
  abi::Fn_cnrtGetDeviceCount* cnrtGetDeviceCount = nullptr;
  abi::Fn_cnrtSetDevice* cnrtSetDevice = nullptr;
  abi::Fn_cnrtGetDevice* cnrtGetDevice = nullptr;
  abi::Fn_cnrtSyncDevice* cnrtSyncDevice = nullptr;
  abi::Fn_cnrtDeviceGetAttribute* cnrtDeviceGetAttribute = nullptr;
  abi::Fn_cnrtGetErrorStr* cnrtGetErrorStr = nullptr;
  abi::Fn_cnrtMemGetInfo* cnrtMemGetInfo = nullptr;
  abi::Fn_cnrtMalloc* cnrtMalloc = nullptr;
  abi::Fn_cnrtFree* cnrtFree = nullptr;
  abi::Fn_cnrtHostMalloc* cnrtHostMalloc = nullptr;
  abi::Fn_cnrtFreeHost* cnrtFreeHost = nullptr;
  abi::Fn_cnrtMemcpy* cnrtMemcpy = nullptr;
  // cnrtMemcpyAsync_V3, else _V2, else the plain name (same arguments).
  abi::Fn_cnrtMemcpyAsync* cnrtMemcpyAsync = nullptr;
  const char* cnrtMemcpyAsync_name = nullptr;
  abi::Fn_cnrtMemset* cnrtMemset = nullptr;
  abi::Fn_cnrtMemsetAsync* cnrtMemsetAsync = nullptr;
  abi::Fn_cnrtQueueCreate* cnrtQueueCreate = nullptr;
  abi::Fn_cnrtQueueDestroy* cnrtQueueDestroy = nullptr;
  abi::Fn_cnrtQueueSync* cnrtQueueSync = nullptr;
  abi::Fn_cnrtQueueQuery* cnrtQueueQuery = nullptr;
  abi::Fn_cnrtNotifierCreate* cnrtNotifierCreate = nullptr;
  abi::Fn_cnrtNotifierDestroy* cnrtNotifierDestroy = nullptr;
  abi::Fn_cnrtPlaceNotifier* cnrtPlaceNotifier = nullptr;
  abi::Fn_cnrtWaitNotifier* cnrtWaitNotifier = nullptr;
  abi::Fn_cnrtNotifierElapsedTime* cnrtNotifierElapsedTime = nullptr;

  // Optional: the device's name and UUID (V3 in 6.14, plain in 6.0).
  abi::Fn_cnrtGetDeviceProperties_V3* cnrtGetDeviceProperties_V3 = nullptr;
  abi::Fn_cnrtGetDeviceProperties* cnrtGetDeviceProperties = nullptr;
};

// Resolves every symbol from `library`. UNAVAILABLE naming the first missing
// required symbol and the library. Thread-safe.
absl::StatusOr<CambriconSymbols> LoadCambriconSymbols(const hal::DynamicLibrary& library);

}  // namespace spillway::cambricon

#endif  // SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_SYMBOLS_H_
