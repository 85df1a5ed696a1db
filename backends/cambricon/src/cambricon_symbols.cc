#include "cambricon_symbols.h"

#include "spillway/hal/status.h"

namespace spillway::cambricon {

absl::StatusOr<CambriconSymbols> LoadCambriconSymbols(const hal::DynamicLibrary& library) {
  CambriconSymbols s;
#define SPILLWAY_REQUIRE_(name) SPILLWAY_RETURN_IF_ERROR(library.Resolve(#name, s.name))
  SPILLWAY_REQUIRE_(cnrtGetDeviceCount);
  SPILLWAY_REQUIRE_(cnrtSetDevice);
  SPILLWAY_REQUIRE_(cnrtGetDevice);
  SPILLWAY_REQUIRE_(cnrtSyncDevice);
  SPILLWAY_REQUIRE_(cnrtDeviceGetAttribute);
  SPILLWAY_REQUIRE_(cnrtGetErrorStr);
  SPILLWAY_REQUIRE_(cnrtMemGetInfo);
  SPILLWAY_REQUIRE_(cnrtMalloc);
  SPILLWAY_REQUIRE_(cnrtFree);
  SPILLWAY_REQUIRE_(cnrtHostMalloc);
  SPILLWAY_REQUIRE_(cnrtFreeHost);
  SPILLWAY_REQUIRE_(cnrtMemcpy);
  SPILLWAY_REQUIRE_(cnrtMemset);
  SPILLWAY_REQUIRE_(cnrtMemsetAsync);
  SPILLWAY_REQUIRE_(cnrtQueueCreate);
  SPILLWAY_REQUIRE_(cnrtQueueDestroy);
  SPILLWAY_REQUIRE_(cnrtQueueSync);
  SPILLWAY_REQUIRE_(cnrtQueueQuery);
  SPILLWAY_REQUIRE_(cnrtNotifierCreate);
  SPILLWAY_REQUIRE_(cnrtNotifierDestroy);
  SPILLWAY_REQUIRE_(cnrtPlaceNotifier);
  SPILLWAY_REQUIRE_(cnrtWaitNotifier);
  SPILLWAY_REQUIRE_(cnrtNotifierElapsedTime);
#undef SPILLWAY_REQUIRE_
  // 6.14 adds _V2 and _V3 with the same arguments; the newest one present wins.
  for (const char* name : {"cnrtMemcpyAsync_V3", "cnrtMemcpyAsync_V2"}) {
    library.ResolveOptional(name, s.cnrtMemcpyAsync);
    if (s.cnrtMemcpyAsync != nullptr) {
      s.cnrtMemcpyAsync_name = name;
      break;
    }
  }
  if (s.cnrtMemcpyAsync == nullptr) {
    SPILLWAY_RETURN_IF_ERROR(library.Resolve("cnrtMemcpyAsync", s.cnrtMemcpyAsync));
    s.cnrtMemcpyAsync_name = "cnrtMemcpyAsync";
  }
  library.ResolveOptional("cnrtGetDeviceProperties_V3", s.cnrtGetDeviceProperties_V3);
  library.ResolveOptional("cnrtGetDeviceProperties", s.cnrtGetDeviceProperties);
  return s;
}

}  // namespace spillway::cambricon
