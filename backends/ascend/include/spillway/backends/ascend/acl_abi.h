// The subset of the Huawei Ascend ACL runtime ABI (libascendcl.so) that
// spillway uses, declared from vendor-abi.md section 2 and the public
// acl_rt.h (hicann/runtime, ACL 1.15-1.17) so that nothing in spillway needs
// the CANN toolkit to build. Used by the Ascend backend and by the CPU fake of
// libascendcl.so (tests/fakes/ascend), which static_asserts that each of its
// exported functions has exactly the type declared here.
//
// Naming: function types are Fn_<exported symbol> (a function type, so a
// pointer is Fn_x*); constants are k-prefixed so that they cannot collide
// with the vendor's macros and enumerators. Enumerations are int-sized in the
// C ABI, so they are plain ints here.
//
// Thread-safety, ownership, errors: declarations only; ACL's rules apply.
#ifndef SPILLWAY_BACKENDS_ASCEND_ACL_ABI_H_
#define SPILLWAY_BACKENDS_ASCEND_ACL_ABI_H_

#include <cstddef>
#include <cstdint>

namespace spillway::ascend::abi {

using aclError = int;
using aclrtStream = void*;
using aclrtEvent = void*;
using aclrtMemMallocPolicy = int;
using aclrtMemcpyKind = int;
using aclrtMemAttr = int;
using aclrtStreamStatus = int;
using aclrtMemManagedAdviseType = int;
using aclrtHostRegisterType = int;
using aclrtMallocAttrType = int;

// aclError values (acl_base.h, rt_error_codes.h).
inline constexpr aclError kSuccess = 0;
inline constexpr aclError kErrorInvalidParam = 100000;         // ACL_ERROR_INVALID_PARAM
inline constexpr aclError kErrorUninitialize = 100001;         // ACL_ERROR_UNINITIALIZE
inline constexpr aclError kErrorRepeatInitialize = 100002;     // ACL_ERROR_REPEAT_INITIALIZE
inline constexpr aclError kErrorRtParamInvalid = 107000;       // ACL_ERROR_RT_PARAM_INVALID
inline constexpr aclError kErrorRtInvalidDeviceId = 107001;    // ACL_ERROR_RT_INVALID_DEVICEID
inline constexpr aclError kErrorRtContextNull = 107002;        // ACL_ERROR_RT_CONTEXT_NULL
inline constexpr aclError kErrorRtFeatureNotSupport = 207000;  // ACL_ERROR_RT_FEATURE_NOT_SUPPORT
inline constexpr aclError kErrorRtMemoryAllocation = 207001;   // ACL_ERROR_RT_MEMORY_ALLOCATION
inline constexpr aclError kErrorRtNoDevice = 207004;           // ACL_ERROR_RT_NO_DEVICE
inline constexpr aclError kErrorRtDeviceOom = 207018;          // ACL_ERROR_RT_DEVICE_OOM
inline constexpr aclError kErrorRtInternalError = 507899;      // ACL_ERROR_RT_INTERNAL_ERROR

// aclrtMemMallocPolicy.
inline constexpr aclrtMemMallocPolicy kMallocHugeFirst = 0;
inline constexpr aclrtMemMallocPolicy kMallocHugeOnly = 1;
inline constexpr aclrtMemMallocPolicy kMallocNormalOnly = 2;

// aclrtMemcpyKind. ACL_MEMCPY_DEFAULT lets the runtime find the direction
// (acl_rt.h); the backend uses it when one end is managed memory.
inline constexpr aclrtMemcpyKind kMemcpyHostToHost = 0;
inline constexpr aclrtMemcpyKind kMemcpyHostToDevice = 1;
inline constexpr aclrtMemcpyKind kMemcpyDeviceToHost = 2;
inline constexpr aclrtMemcpyKind kMemcpyDeviceToDevice = 3;
inline constexpr aclrtMemcpyKind kMemcpyDefault = 4;

// aclrtMemAttr for aclrtGetMemInfo.
inline constexpr aclrtMemAttr kDdrMem = 0;
inline constexpr aclrtMemAttr kHbmMem = 1;

// aclrtStreamStatus from aclrtStreamQuery.
inline constexpr aclrtStreamStatus kStreamStatusComplete = 0;
inline constexpr aclrtStreamStatus kStreamStatusNotReady = 1;

// Managed (UVM) memory, CANN >= 9.0. Advice values start at 0, unlike CUDA's.
inline constexpr uint32_t kMemAttachGlobal = 0x1;  // ACL_RT_MEM_ATTACH_GLOBAL
inline constexpr aclrtMemManagedAdviseType kAdviseSetReadMostly = 0;
inline constexpr aclrtMemManagedAdviseType kAdviseUnsetReadMostly = 1;
inline constexpr aclrtMemManagedAdviseType kAdviseSetPreferredLocation = 2;
inline constexpr aclrtMemManagedAdviseType kAdviseUnsetPreferredLocation = 3;
inline constexpr aclrtMemManagedAdviseType kAdviseSetAccessedBy = 4;
inline constexpr aclrtMemManagedAdviseType kAdviseUnsetAccessedBy = 5;
// aclrtMemManagedLocationType.
inline constexpr int kLocationTypeDevice = 1;
inline constexpr int kLocationTypeHost = 2;
inline constexpr int kLocationTypeHostNuma = 3;
// aclrtMemManagedPrefetchAsync wants 2 MiB-aligned sizes (CANN API docs).
inline constexpr size_t kManagedGranularity = size_t{2} << 20;

// Host memory the device reaches at the CPU's address: allocated with
// aclrtMallocHostWithCfg and ACL_RT_MEM_ATTR_VA_FLAG = 1, then registered with
// aclrtHostRegister(ACL_HOST_REGISTER_MAPPED) (CANN API docs).
inline constexpr aclrtHostRegisterType kHostRegisterMapped = 0;
inline constexpr aclrtMallocAttrType kMallocAttrVaFlag = 3;  // ACL_RT_MEM_ATTR_VA_FLAG

// Passed by value (8 bytes).
struct aclrtMemManagedLocation {
  int type;
  int32_t id;
};

struct aclrtUuid {
  char bytes[16];
};

union aclrtMallocAttrValue {
  uint16_t moduleId;
  uint32_t deviceId;
  uint32_t vaFlag;
  uint8_t rsv[8];
};

struct aclrtMallocAttribute {
  aclrtMallocAttrType attr;
  aclrtMallocAttrValue value;
};

struct aclrtMallocConfig {
  aclrtMallocAttribute* attrs;
  size_t numAttrs;
};

static_assert(sizeof(aclrtMemManagedLocation) == 8);
static_assert(sizeof(aclrtUuid) == 16);
static_assert(sizeof(aclrtMallocAttribute) == 12);
static_assert(sizeof(aclrtMallocConfig) == 16);

extern "C" {
// Init, devices.
using Fn_aclInit = aclError(const char* config_path);
using Fn_aclFinalize = aclError();
using Fn_aclrtSetDevice = aclError(int32_t device_id);
using Fn_aclrtResetDevice = aclError(int32_t device_id);
using Fn_aclrtGetDevice = aclError(int32_t* device_id);
using Fn_aclrtGetDeviceCount = aclError(uint32_t* count);
using Fn_aclrtSynchronizeDevice = aclError();
using Fn_aclrtGetSocName = const char*();
using Fn_aclGetRecentErrMsg = const char*();
using Fn_aclrtDeviceGetUuid = aclError(int32_t device_id, aclrtUuid* uuid);
using Fn_aclrtGetMemInfo = aclError(aclrtMemAttr attr, size_t* free, size_t* total);

// Memory.
using Fn_aclrtMalloc = aclError(void** ptr, size_t size, aclrtMemMallocPolicy policy);
using Fn_aclrtFree = aclError(void* ptr);
using Fn_aclrtMallocHost = aclError(void** ptr, size_t size);
using Fn_aclrtMallocHostWithCfg = aclError(void** ptr, uint64_t size, aclrtMallocConfig* cfg);
using Fn_aclrtFreeHost = aclError(void* ptr);
using Fn_aclrtHostRegister = aclError(void* ptr, uint64_t size, aclrtHostRegisterType type,
                                      void** dev_ptr);
using Fn_aclrtHostUnregister = aclError(void* ptr);
using Fn_aclrtMemcpy = aclError(void* dst, size_t dest_max, const void* src, size_t count,
                                aclrtMemcpyKind kind);
using Fn_aclrtMemcpyAsync = aclError(void* dst, size_t dest_max, const void* src, size_t count,
                                     aclrtMemcpyKind kind, aclrtStream stream);
using Fn_aclrtMemset = aclError(void* dev_ptr, size_t max_count, int32_t value, size_t count);
using Fn_aclrtMemsetAsync = aclError(void* dev_ptr, size_t max_count, int32_t value, size_t count,
                                     aclrtStream stream);

// Managed memory (optional: CANN >= 9.0 allocates, >= 9.1 advises and prefetches).
using Fn_aclrtMemAllocManaged = aclError(void** ptr, uint64_t size, uint32_t flag);
using Fn_aclrtMemManagedAdvise = aclError(const void* ptr, uint64_t size,
                                          aclrtMemManagedAdviseType advise,
                                          aclrtMemManagedLocation location);
using Fn_aclrtMemManagedPrefetchAsync = aclError(const void* ptr, size_t size,
                                                 aclrtMemManagedLocation location, uint32_t flags,
                                                 aclrtStream stream);

// Streams and events.
using Fn_aclrtCreateStream = aclError(aclrtStream* stream);
using Fn_aclrtDestroyStream = aclError(aclrtStream stream);
using Fn_aclrtSynchronizeStream = aclError(aclrtStream stream);
using Fn_aclrtStreamQuery = aclError(aclrtStream stream, aclrtStreamStatus* status);
using Fn_aclrtCreateEvent = aclError(aclrtEvent* event);
using Fn_aclrtDestroyEvent = aclError(aclrtEvent event);
using Fn_aclrtRecordEvent = aclError(aclrtEvent event, aclrtStream stream);
using Fn_aclrtSynchronizeEvent = aclError(aclrtEvent event);
using Fn_aclrtEventElapsedTime = aclError(float* ms, aclrtEvent start, aclrtEvent end);
}  // extern "C"

}  // namespace spillway::ascend::abi

#endif  // SPILLWAY_BACKENDS_ASCEND_ACL_ABI_H_
