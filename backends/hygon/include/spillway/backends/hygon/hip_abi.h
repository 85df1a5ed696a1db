// The subset of the HIP runtime ABI (Hygon DTK's libgalaxyhip, AMD's
// libamdhip64) that spillway uses, declared from the facts in vendor-abi.md
// section 4 and ROCm's hip_runtime_api.h (HIP 5 and later), so that nothing in
// spillway needs DTK or ROCm to build. Used by the Hygon backend and by the
// CPU fake of libgalaxyhip.so (tests/fakes/hygon), which checks at compile
// time that every function it exports has exactly these types.
//
// Naming: function types are Fn_<exported symbol> (a function type, so a
// pointer is Fn_x*); constants are k-prefixed so that they never collide with
// the macros of a real HIP header. Opaque handle tags are HIP's own
// (struct ihipStream_t, ...), so the handle types are the very same types as
// hip_runtime_api.h's.
//
// Thread-safety, ownership, errors: declarations only; the runtime's rules
// apply (HIP's current device is per host thread).
#ifndef SPILLWAY_BACKENDS_HYGON_HIP_ABI_H_
#define SPILLWAY_BACKENDS_HYGON_HIP_ABI_H_

#include <cstddef>

struct ihipStream_t;
struct ihipEvent_t;

namespace spillway::hygon::abi {

// Enumerations are int-sized in the ABI; they are plain ints here.
using hipError_t = int;
using hipDevice_t = int;
using hipDeviceAttribute_t = int;
using hipMemcpyKind = int;
using hipMemoryAdvise = int;
using hipStream_t = ihipStream_t*;
using hipEvent_t = ihipEvent_t*;

struct hipUUID {
  char bytes[16];
};

// hipError_t.
inline constexpr hipError_t kSuccess = 0;
inline constexpr hipError_t kErrorInvalidValue = 1;
inline constexpr hipError_t kErrorOutOfMemory = 2;
inline constexpr hipError_t kErrorNotInitialized = 3;
inline constexpr hipError_t kErrorDeinitialized = 4;
inline constexpr hipError_t kErrorInvalidDevicePointer = 17;
inline constexpr hipError_t kErrorInvalidMemcpyDirection = 21;
inline constexpr hipError_t kErrorInsufficientDriver = 35;
inline constexpr hipError_t kErrorNoDevice = 100;
inline constexpr hipError_t kErrorInvalidDevice = 101;
inline constexpr hipError_t kErrorInvalidContext = 201;
inline constexpr hipError_t kErrorInvalidHandle = 400;
inline constexpr hipError_t kErrorNotFound = 500;
inline constexpr hipError_t kErrorNotReady = 600;
inline constexpr hipError_t kErrorIllegalAddress = 700;
inline constexpr hipError_t kErrorNotSupported = 801;
inline constexpr hipError_t kErrorUnknown = 999;

// hipMemcpyKind.
inline constexpr hipMemcpyKind kMemcpyHostToHost = 0;
inline constexpr hipMemcpyKind kMemcpyHostToDevice = 1;
inline constexpr hipMemcpyKind kMemcpyDeviceToHost = 2;
inline constexpr hipMemcpyKind kMemcpyDeviceToDevice = 3;
inline constexpr hipMemcpyKind kMemcpyDefault = 4;  // direction from the pointers (UVA)

// hipMemoryAdvise: the same numbering as CUDA's.
inline constexpr hipMemoryAdvise kMemAdviseSetReadMostly = 1;
inline constexpr hipMemoryAdvise kMemAdviseUnsetReadMostly = 2;
inline constexpr hipMemoryAdvise kMemAdviseSetPreferredLocation = 3;
inline constexpr hipMemoryAdvise kMemAdviseUnsetPreferredLocation = 4;
inline constexpr hipMemoryAdvise kMemAdviseSetAccessedBy = 5;
inline constexpr hipMemoryAdvise kMemAdviseUnsetAccessedBy = 6;

// The "device" of advice and prefetch that means host memory.
inline constexpr int kCpuDeviceId = -1;

// hipDeviceAttribute_t (the HIP 5 numbering, which later releases keep).
inline constexpr hipDeviceAttribute_t kDeviceAttributeCanMapHostMemory = 3;
inline constexpr hipDeviceAttribute_t kDeviceAttributeConcurrentManagedAccess = 9;
inline constexpr hipDeviceAttribute_t kDeviceAttributeManagedMemory = 24;

// Flags.
inline constexpr unsigned kMemAttachGlobal = 0x1;  // hipMallocManaged
inline constexpr unsigned kMemAttachHost = 0x2;
inline constexpr unsigned kHostMallocPortable = 0x1;  // hipHostMalloc
inline constexpr unsigned kHostMallocMapped = 0x2;
inline constexpr unsigned kHostMallocWriteCombined = 0x4;

// Initialization and devices.
using Fn_hipInit = hipError_t(unsigned flags);
using Fn_hipGetDeviceCount = hipError_t(int* count);
using Fn_hipSetDevice = hipError_t(int device);
using Fn_hipGetDevice = hipError_t(int* device);
using Fn_hipDeviceGetName = hipError_t(char* name, int len, hipDevice_t device);
using Fn_hipDeviceTotalMem = hipError_t(size_t* bytes, hipDevice_t device);
using Fn_hipDeviceGetAttribute = hipError_t(int* value, hipDeviceAttribute_t attr, int device);
using Fn_hipDeviceGetPCIBusId = hipError_t(char* pci_bus_id, int len, int device);
using Fn_hipDeviceGetUuid = hipError_t(hipUUID* uuid, hipDevice_t device);
using Fn_hipDeviceSynchronize = hipError_t();
using Fn_hipGetErrorName = const char*(hipError_t error);

// Memory (on the current device).
using Fn_hipMemGetInfo = hipError_t(size_t* free, size_t* total);
using Fn_hipMalloc = hipError_t(void** ptr, size_t size);
using Fn_hipFree = hipError_t(void* ptr);
using Fn_hipMallocManaged = hipError_t(void** ptr, size_t size, unsigned flags);
using Fn_hipHostMalloc = hipError_t(void** ptr, size_t size, unsigned flags);
using Fn_hipHostFree = hipError_t(void* ptr);
using Fn_hipMemcpy = hipError_t(void* dst, const void* src, size_t size, hipMemcpyKind kind);
using Fn_hipMemcpyAsync = hipError_t(void* dst, const void* src, size_t size, hipMemcpyKind kind,
                                     hipStream_t stream);
using Fn_hipMemset = hipError_t(void* dst, int value, size_t size);
using Fn_hipMemsetAsync = hipError_t(void* dst, int value, size_t size, hipStream_t stream);
using Fn_hipMemAdvise = hipError_t(const void* ptr, size_t count, hipMemoryAdvise advice,
                                   int device);
using Fn_hipMemPrefetchAsync = hipError_t(const void* ptr, size_t count, int device,
                                          hipStream_t stream);

// Streams and events.
using Fn_hipStreamCreate = hipError_t(hipStream_t* stream);
using Fn_hipStreamDestroy = hipError_t(hipStream_t stream);
using Fn_hipStreamSynchronize = hipError_t(hipStream_t stream);
using Fn_hipStreamQuery = hipError_t(hipStream_t stream);
using Fn_hipEventCreate = hipError_t(hipEvent_t* event);
using Fn_hipEventRecord = hipError_t(hipEvent_t event, hipStream_t stream);
using Fn_hipEventSynchronize = hipError_t(hipEvent_t event);
using Fn_hipEventElapsedTime = hipError_t(float* ms, hipEvent_t start, hipEvent_t stop);
using Fn_hipEventDestroy = hipError_t(hipEvent_t event);

}  // namespace spillway::hygon::abi

#endif  // SPILLWAY_BACKENDS_HYGON_HIP_ABI_H_
