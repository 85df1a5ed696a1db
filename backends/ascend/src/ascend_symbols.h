// The ACL entry points the Ascend backend calls, resolved once from
// libascendcl.so.
#ifndef SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_SYMBOLS_H_
#define SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_SYMBOLS_H_

#include "absl/status/statusor.h"
#include "spillway/backends/ascend/acl_abi.h"
#include "spillway/hal/dynamic_library.h"

namespace spillway::ascend {

// Immutable after LoadAscendSymbols, so thread-safe. The pointers are valid as
// long as the DynamicLibrary they came from is loaded.
struct AscendSymbols {
  // Required.
  abi::Fn_aclInit* aclInit = nullptr;
  abi::Fn_aclFinalize* aclFinalize = nullptr;
  abi::Fn_aclrtSetDevice* aclrtSetDevice = nullptr;
  abi::Fn_aclrtResetDevice* aclrtResetDevice = nullptr;
  abi::Fn_aclrtGetDevice* aclrtGetDevice = nullptr;
  abi::Fn_aclrtGetDeviceCount* aclrtGetDeviceCount = nullptr;
  abi::Fn_aclrtSynchronizeDevice* aclrtSynchronizeDevice = nullptr;
  abi::Fn_aclrtGetSocName* aclrtGetSocName = nullptr;
  abi::Fn_aclrtGetMemInfo* aclrtGetMemInfo = nullptr;
  abi::Fn_aclrtMalloc* aclrtMalloc = nullptr;
  abi::Fn_aclrtFree* aclrtFree = nullptr;
  abi::Fn_aclrtMallocHost* aclrtMallocHost = nullptr;
  abi::Fn_aclrtFreeHost* aclrtFreeHost = nullptr;
  abi::Fn_aclrtMemcpy* aclrtMemcpy = nullptr;
  abi::Fn_aclrtMemcpyAsync* aclrtMemcpyAsync = nullptr;
  abi::Fn_aclrtMemset* aclrtMemset = nullptr;
  abi::Fn_aclrtMemsetAsync* aclrtMemsetAsync = nullptr;
  abi::Fn_aclrtCreateStream* aclrtCreateStream = nullptr;
  abi::Fn_aclrtDestroyStream* aclrtDestroyStream = nullptr;
  abi::Fn_aclrtSynchronizeStream* aclrtSynchronizeStream = nullptr;
  abi::Fn_aclrtStreamQuery* aclrtStreamQuery = nullptr;
  abi::Fn_aclrtCreateEvent* aclrtCreateEvent = nullptr;
  abi::Fn_aclrtDestroyEvent* aclrtDestroyEvent = nullptr;
  abi::Fn_aclrtRecordEvent* aclrtRecordEvent = nullptr;
  abi::Fn_aclrtSynchronizeEvent* aclrtSynchronizeEvent = nullptr;
  abi::Fn_aclrtEventElapsedTime* aclrtEventElapsedTime = nullptr;

  // Optional: each missing one removes a capability (or a property).
  abi::Fn_aclGetRecentErrMsg* aclGetRecentErrMsg = nullptr;
  abi::Fn_aclrtDeviceGetUuid* aclrtDeviceGetUuid = nullptr;
  abi::Fn_aclrtMemAllocManaged* aclrtMemAllocManaged = nullptr;                  // CANN >= 9.0
  abi::Fn_aclrtMemManagedAdvise* aclrtMemManagedAdvise = nullptr;                // CANN >= 9.1
  abi::Fn_aclrtMemManagedPrefetchAsync* aclrtMemManagedPrefetchAsync = nullptr;  // CANN >= 9.1
  abi::Fn_aclrtMallocHostWithCfg* aclrtMallocHostWithCfg = nullptr;
  abi::Fn_aclrtHostRegister* aclrtHostRegister = nullptr;
  abi::Fn_aclrtHostUnregister* aclrtHostUnregister = nullptr;

  // Host memory mapped at the CPU's address needs all three calls.
  bool HasHostMapping() const {
    return aclrtMallocHostWithCfg != nullptr && aclrtHostRegister != nullptr &&
           aclrtHostUnregister != nullptr;
  }
};

// Resolves every symbol from `library`. UNAVAILABLE naming the first missing
// required symbol and the library. Thread-safe.
absl::StatusOr<AscendSymbols> LoadAscendSymbols(const hal::DynamicLibrary& library);

}  // namespace spillway::ascend

#endif  // SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_SYMBOLS_H_
