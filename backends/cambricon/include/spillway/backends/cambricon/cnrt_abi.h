// The subset of the Cambricon CNRT ABI (libcnrt.so) that spillway uses,
// declared from vendor-abi.md section 3 and the public cnrt.h (6.0.2 and
// 6.14.1) so that nothing in spillway needs the Neuware SDK to build. Used by
// the Cambricon backend and by the CPU fake of libcnrt.so
// (tests/fakes/cambricon), which static_asserts that each of its exported
// functions has exactly the type declared here.
//
// Naming: function types are Fn_<exported symbol>; constants are k-prefixed
// so that they cannot collide with the vendor's enumerators. Enumerations are
// int-sized in the C ABI, so they are plain ints here.
//
// Thread-safety, ownership, errors: declarations only; CNRT's rules apply.
#ifndef SPILLWAY_BACKENDS_CAMBRICON_CNRT_ABI_H_
#define SPILLWAY_BACKENDS_CAMBRICON_CNRT_ABI_H_

#include <cstddef>
#include <cstdint>

// Opaque handle tags are CNRT's own, so the handle types here are cnrt.h's.
struct CNqueue_st;
struct CNnotifier_st;

namespace spillway::cambricon::abi {

using cnrtRet_t = int;
using cnrtQueue_t = CNqueue_st*;
using cnrtNotifier_t = CNnotifier_st*;
using cnrtMemTransDir_t = int;
using cnrtDeviceAttr_t = int;

// cnrtRet_t values.
inline constexpr cnrtRet_t kSuccess = 0;
inline constexpr cnrtRet_t kErrorNotReady = 1;            // cnrtErrorNotReady
inline constexpr cnrtRet_t kErrorInit = 100002;           // cnrtErrorInit
inline constexpr cnrtRet_t kErrorNoDevice = 100004;       // cnrtErrorNoDevice
inline constexpr cnrtRet_t kErrorDeviceInvalid = 100005;  // cnrtErrorDeviceInvalid
inline constexpr cnrtRet_t kErrorArgsInvalid = 100006;    // cnrtErrorArgsInvalid
inline constexpr cnrtRet_t kErrorSysNoMem = 100010;       // cnrtErrorSysNoMem (host)
inline constexpr cnrtRet_t kErrorInvalidResourceHandle = 100014;
inline constexpr cnrtRet_t kErrorNotSupport = 100050;  // cnrtErrorNotSupport
inline constexpr cnrtRet_t kErrorNoMem = 100100;       // cnrtErrorNoMem (device)
inline constexpr cnrtRet_t kErrorDevice = 632006;      // cnrtErrorDevice (not the current device's)
inline constexpr cnrtRet_t kErrorNoAttribute = 632009;  // cnrtErrorNoAttribute
inline constexpr cnrtRet_t kErrorMemcpyDirectionInvalid = 632013;
inline constexpr cnrtRet_t kErrorUnknown = 999991;  // cnrtErrorUnknown

// cnrtMemTransDir_t. Not CUDA's order: device-to-device is 1.
inline constexpr cnrtMemTransDir_t kMemcpyHostToDev = 0;
inline constexpr cnrtMemTransDir_t kMemcpyDevToDev = 1;
inline constexpr cnrtMemTransDir_t kMemcpyDevToHost = 2;
inline constexpr cnrtMemTransDir_t kMemcpyHostToHost = 3;
inline constexpr cnrtMemTransDir_t kMemcpyPeerToPeer = 4;
inline constexpr cnrtMemTransDir_t kMemcpyNoDirection = 5;

// cnrtDeviceAttr_t.
inline constexpr cnrtDeviceAttr_t kAttrTotalMemSize = 0x405;  // MB
inline constexpr cnrtDeviceAttr_t kAttrPciBusId = 0x406;
inline constexpr cnrtDeviceAttr_t kAttrPciDeviceId = 0x407;
inline constexpr cnrtDeviceAttr_t kAttrPciDomainId = 0x408;
// "The device can access host registered memory at the same virtual address
// as the CPU". cnrt.h 6.14.1 numbers the not-yet-supported attributes from
// 0x1000000 (6.0.2 numbered them after 0x408, where 6.14.1 now has other
// attributes); this value is 6.14.1's, which no supported attribute of either
// version uses, so a CNRT without the feature answers with an error.
inline constexpr cnrtDeviceAttr_t kAttrCanUseHostPointer = 0x1000008;

// cnrtGetDeviceProperties (6.0.2): the name only.
struct cnrtDeviceProp_t {
  char name[256];
};

// cnrtGetDeviceProperties_V3 (6.14.1; cnrt.h #defines the plain name to it).
struct cnrtDeviceProp_V3 {
  char name[256];
  int totalMem;  // MB
  int maxDim[3];
  int ipuClockRate;
  int memClockRate;
  int totalConstMem;
  int major;
  int minor;
  int ECCEnabled;
  int pciBusID;
  int pciDeviceID;
  int pciDomainID;
  int other[32];                  // maxL2CacheSize .. MDRMemorySize: unused here
  int availableGlobalMemorySize;  // MB
  char uuid[16];
  uint64_t totalGlobalMemSize;  // bytes
  int reserved[30];
};
static_assert(offsetof(cnrtDeviceProp_V3, pciDomainID) == 256 + 12 * 4);
static_assert(offsetof(cnrtDeviceProp_V3, uuid) == 440);
static_assert(offsetof(cnrtDeviceProp_V3, totalGlobalMemSize) == 456);
static_assert(sizeof(cnrtDeviceProp_V3) == 584);

extern "C" {
// Devices.
using Fn_cnrtGetDeviceCount = cnrtRet_t(unsigned* count);
using Fn_cnrtSetDevice = cnrtRet_t(int device);
using Fn_cnrtGetDevice = cnrtRet_t(int* device);
using Fn_cnrtSyncDevice = cnrtRet_t();
using Fn_cnrtDeviceReset = cnrtRet_t();
using Fn_cnrtDeviceGetAttribute = cnrtRet_t(int* value, cnrtDeviceAttr_t attr, int device);
using Fn_cnrtGetDeviceProperties = cnrtRet_t(cnrtDeviceProp_t* prop, int device);
using Fn_cnrtGetDeviceProperties_V3 = cnrtRet_t(cnrtDeviceProp_V3* prop, int device);
using Fn_cnrtGetErrorStr = const char*(cnrtRet_t error);
using Fn_cnrtMemGetInfo = cnrtRet_t(size_t* free, size_t* total);

// Memory. Note the non-const source of the copies.
using Fn_cnrtMalloc = cnrtRet_t(void** ptr, size_t bytes);
using Fn_cnrtFree = cnrtRet_t(void* ptr);
using Fn_cnrtHostMalloc = cnrtRet_t(void** ptr, size_t bytes);
using Fn_cnrtFreeHost = cnrtRet_t(void* ptr);
using Fn_cnrtMemcpy = cnrtRet_t(void* dst, void* src, size_t bytes, cnrtMemTransDir_t dir);
// The queue comes before the direction.
using Fn_cnrtMemcpyAsync = cnrtRet_t(void* dst, void* src, size_t bytes, cnrtQueue_t queue,
                                     cnrtMemTransDir_t dir);
using Fn_cnrtMemcpyAsync_V2 = Fn_cnrtMemcpyAsync;
using Fn_cnrtMemcpyAsync_V3 = Fn_cnrtMemcpyAsync;
using Fn_cnrtMemset = cnrtRet_t(void* ptr, int value, size_t bytes);
using Fn_cnrtMemsetAsync = cnrtRet_t(void* ptr, int value, size_t bytes, cnrtQueue_t queue);

// Queues (streams) and notifiers (events).
using Fn_cnrtQueueCreate = cnrtRet_t(cnrtQueue_t* queue);
using Fn_cnrtQueueDestroy = cnrtRet_t(cnrtQueue_t queue);
using Fn_cnrtQueueSync = cnrtRet_t(cnrtQueue_t queue);
using Fn_cnrtQueueQuery = cnrtRet_t(cnrtQueue_t queue);
using Fn_cnrtNotifierCreate = cnrtRet_t(cnrtNotifier_t* notifier);
using Fn_cnrtNotifierDestroy = cnrtRet_t(cnrtNotifier_t notifier);
using Fn_cnrtPlaceNotifier = cnrtRet_t(cnrtNotifier_t notifier, cnrtQueue_t queue);
using Fn_cnrtWaitNotifier = cnrtRet_t(cnrtNotifier_t notifier);
// The milliseconds come last.
using Fn_cnrtNotifierElapsedTime = cnrtRet_t(cnrtNotifier_t start, cnrtNotifier_t end, float* ms);
}  // extern "C"

}  // namespace spillway::cambricon::abi

#endif  // SPILLWAY_BACKENDS_CAMBRICON_CNRT_ABI_H_
