#include "ascend_symbols.h"

#include "spillway/hal/status.h"

namespace spillway::ascend {

absl::StatusOr<AscendSymbols> LoadAscendSymbols(const hal::DynamicLibrary& library) {
  AscendSymbols s;
  // The C names: the C++ inline overloads in the acl headers are not exports.
#define SPILLWAY_REQUIRE_(name) SPILLWAY_RETURN_IF_ERROR(library.Resolve(#name, s.name))
  SPILLWAY_REQUIRE_(aclInit);
  SPILLWAY_REQUIRE_(aclFinalize);
  SPILLWAY_REQUIRE_(aclrtSetDevice);
  SPILLWAY_REQUIRE_(aclrtResetDevice);
  SPILLWAY_REQUIRE_(aclrtGetDevice);
  SPILLWAY_REQUIRE_(aclrtGetDeviceCount);
  SPILLWAY_REQUIRE_(aclrtSynchronizeDevice);
  SPILLWAY_REQUIRE_(aclrtGetSocName);
  SPILLWAY_REQUIRE_(aclrtGetMemInfo);
  SPILLWAY_REQUIRE_(aclrtMalloc);
  SPILLWAY_REQUIRE_(aclrtFree);
  SPILLWAY_REQUIRE_(aclrtMallocHost);
  SPILLWAY_REQUIRE_(aclrtFreeHost);
  SPILLWAY_REQUIRE_(aclrtMemcpy);
  SPILLWAY_REQUIRE_(aclrtMemcpyAsync);
  SPILLWAY_REQUIRE_(aclrtMemset);
  SPILLWAY_REQUIRE_(aclrtMemsetAsync);
  SPILLWAY_REQUIRE_(aclrtCreateStream);
  SPILLWAY_REQUIRE_(aclrtDestroyStream);
  SPILLWAY_REQUIRE_(aclrtSynchronizeStream);
  SPILLWAY_REQUIRE_(aclrtStreamQuery);
  SPILLWAY_REQUIRE_(aclrtCreateEvent);
  SPILLWAY_REQUIRE_(aclrtDestroyEvent);
  SPILLWAY_REQUIRE_(aclrtRecordEvent);
  SPILLWAY_REQUIRE_(aclrtSynchronizeEvent);
  SPILLWAY_REQUIRE_(aclrtEventElapsedTime);
#undef SPILLWAY_REQUIRE_
#define SPILLWAY_OPTIONAL_(name) library.ResolveOptional(#name, s.name)
  SPILLWAY_OPTIONAL_(aclGetRecentErrMsg);
  SPILLWAY_OPTIONAL_(aclrtDeviceGetUuid);
  SPILLWAY_OPTIONAL_(aclrtMemAllocManaged);
  SPILLWAY_OPTIONAL_(aclrtMemManagedAdvise);
  SPILLWAY_OPTIONAL_(aclrtMemManagedPrefetchAsync);
  SPILLWAY_OPTIONAL_(aclrtMallocHostWithCfg);
  SPILLWAY_OPTIONAL_(aclrtHostRegister);
  SPILLWAY_OPTIONAL_(aclrtHostUnregister);
#undef SPILLWAY_OPTIONAL_
  return s;
}

}  // namespace spillway::ascend
