// The subset of the NVIDIA CUDA driver ABI that spillway uses, declared from
// the facts in vendor-abi.md section 1 so that nothing in spillway needs the
// CUDA toolkit to build. Used by the CUDA backend, the CPU fake of
// libcuda.so.1 (tests/fakes/cuda) and the preload shim (interpose/cuda).
//
// When the toolkit's cuda.h is present, backends/cuda/src/cuda_abi_check.cc
// asserts at compile time that every declaration here agrees with it
// (prototypes, values, struct layouts).
//
// Naming: the function types are Fn_<exported symbol> (a function type, so a
// pointer is Fn_x*), constants are k-prefixed. Neither spelling can collide
// with the toolkit's macros (cuda.h #defines cuMemAlloc, CU_DEVICE_CPU, ...).
// Opaque handle tags are the toolkit's own (struct CUctx_st, ...), so the
// handle types here are the very same types as cuda.h's.
//
// Thread-safety, ownership, errors: declarations only; the driver's rules apply.
#ifndef SPILLWAY_BACKENDS_CUDA_CUDA_DRIVER_ABI_H_
#define SPILLWAY_BACKENDS_CUDA_CUDA_DRIVER_ABI_H_

#include <cstddef>
#include <cstdint>

struct CUctx_st;
struct CUstream_st;
struct CUevent_st;
struct CUfunc_st;
struct CUmod_st;
struct CUmemPoolHandle_st;
struct CUexecAffinityParam_st;
struct CUctxCreateParams_st;

namespace spillway::cuda::abi {

// Enumerations are int-sized in the ABI; they are plain ints here.
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = CUctx_st*;
using CUstream = CUstream_st*;
using CUevent = CUevent_st*;
using CUfunction = CUfunc_st*;
using CUmodule = CUmod_st*;
using CUmemoryPool = CUmemPoolHandle_st*;
using CUmemGenericAllocationHandle = unsigned long long;
using cuuint64_t = uint64_t;
using CUdevice_attribute = int;
using CUmem_advise = int;
using CUpointer_attribute = int;
using CUmemPool_attribute = int;
using CUmemAllocationGranularity_flags = int;
using CUdriverProcAddressQueryResult = int;
using CUexecAffinityParam = CUexecAffinityParam_st;
using CUctxCreateParams = CUctxCreateParams_st;

struct CUuuid {
  char bytes[16];
};

// Passed by value to the location forms of advise and prefetch (8 bytes).
struct CUmemLocation {
  int type;
  int id;
};

struct CUmemAllocationProp {
  int type;                  // kMemAllocationTypePinned
  int requestedHandleTypes;  // 0 = none
  CUmemLocation location;
  void* win32HandleMetaData;
  struct {
    unsigned char compressionType;
    unsigned char gpuDirectRDMACapable;
    unsigned short usage;
    unsigned char reserved[4];
  } allocFlags;
};

struct CUmemAccessDesc {
  CUmemLocation location;
  int flags;  // kMemAccessFlagsProt*
};

struct CUmemPoolProps {
  int allocType;
  int handleTypes;
  CUmemLocation location;
  void* win32SecurityAttributes;
  size_t maxSize;
  unsigned short usage;
  unsigned char reserved[54];
};

// CUresult values.
inline constexpr CUresult kSuccess = 0;
inline constexpr CUresult kErrorInvalidValue = 1;
inline constexpr CUresult kErrorOutOfMemory = 2;
inline constexpr CUresult kErrorNotInitialized = 3;
inline constexpr CUresult kErrorDeinitialized = 4;
inline constexpr CUresult kErrorNoDevice = 100;
inline constexpr CUresult kErrorInvalidDevice = 101;
inline constexpr CUresult kErrorInvalidContext = 201;
inline constexpr CUresult kErrorOperatingSystem = 304;
inline constexpr CUresult kErrorInvalidHandle = 400;
inline constexpr CUresult kErrorNotFound = 500;
inline constexpr CUresult kErrorNotReady = 600;
inline constexpr CUresult kErrorIllegalAddress = 700;
inline constexpr CUresult kErrorPrimaryContextActive = 708;
inline constexpr CUresult kErrorNotPermitted = 800;
inline constexpr CUresult kErrorNotSupported = 801;
inline constexpr CUresult kErrorUnknown = 999;

// Device attributes.
inline constexpr CUdevice_attribute kAttrMaxThreadsPerBlock = 1;
inline constexpr CUdevice_attribute kAttrWarpSize = 10;
inline constexpr CUdevice_attribute kAttrMultiprocessorCount = 16;
inline constexpr CUdevice_attribute kAttrCanMapHostMemory = 19;
inline constexpr CUdevice_attribute kAttrPciBusId = 33;
inline constexpr CUdevice_attribute kAttrPciDeviceId = 34;
inline constexpr CUdevice_attribute kAttrUnifiedAddressing = 41;
inline constexpr CUdevice_attribute kAttrPciDomainId = 50;
inline constexpr CUdevice_attribute kAttrTexturePitchAlignment = 51;
inline constexpr CUdevice_attribute kAttrComputeCapabilityMajor = 75;
inline constexpr CUdevice_attribute kAttrComputeCapabilityMinor = 76;
inline constexpr CUdevice_attribute kAttrManagedMemory = 83;
inline constexpr CUdevice_attribute kAttrConcurrentManagedAccess = 89;
inline constexpr CUdevice_attribute kAttrVirtualMemoryManagementSupported = 102;
inline constexpr CUdevice_attribute kAttrMemoryPoolsSupported = 115;
inline constexpr CUdevice_attribute kAttrHostNumaId = 134;

// Managed-memory advice (cuMemAdvise).
inline constexpr CUmem_advise kAdviseSetReadMostly = 1;
inline constexpr CUmem_advise kAdviseUnsetReadMostly = 2;
inline constexpr CUmem_advise kAdviseSetPreferredLocation = 3;
inline constexpr CUmem_advise kAdviseUnsetPreferredLocation = 4;
inline constexpr CUmem_advise kAdviseSetAccessedBy = 5;
inline constexpr CUmem_advise kAdviseUnsetAccessedBy = 6;

// CUmemLocation types.
inline constexpr int kMemLocationTypeDevice = 1;
inline constexpr int kMemLocationTypeHost = 2;
inline constexpr int kMemLocationTypeHostNuma = 3;
inline constexpr int kMemLocationTypeHostNumaCurrent = 4;

// The legacy advise/prefetch forms name the host as this device.
inline constexpr CUdevice kDeviceCpu = -1;

// Pointer attributes (cuPointerGetAttribute) and memory types.
inline constexpr CUpointer_attribute kPointerAttributeMemoryType = 2;
inline constexpr CUpointer_attribute kPointerAttributeIsManaged = 8;
inline constexpr CUpointer_attribute kPointerAttributeDeviceOrdinal = 9;
inline constexpr unsigned int kMemoryTypeHost = 1;
inline constexpr unsigned int kMemoryTypeDevice = 2;
inline constexpr unsigned int kMemoryTypeUnified = 4;

// Flags.
inline constexpr unsigned int kMemAttachGlobal = 0x1;
inline constexpr unsigned int kMemHostAllocPortable = 0x1;
inline constexpr unsigned int kMemHostAllocDeviceMap = 0x2;
inline constexpr unsigned int kStreamDefault = 0x0;
inline constexpr unsigned int kStreamNonBlocking = 0x1;
inline constexpr unsigned int kEventDefault = 0x0;
inline constexpr unsigned int kEventDisableTiming = 0x2;
// Special stream handles (cuda.h CU_STREAM_LEGACY / CU_STREAM_PER_THREAD).
inline constexpr uintptr_t kStreamLegacyHandle = 0x1;
inline constexpr uintptr_t kStreamPerThreadHandle = 0x2;

// Virtual memory management and pools.
inline constexpr int kMemAllocationTypePinned = 0x1;
inline constexpr int kMemHandleTypeNone = 0x0;
inline constexpr int kMemAccessFlagsProtNone = 0x0;
inline constexpr int kMemAccessFlagsProtRead = 0x1;
inline constexpr int kMemAccessFlagsProtReadWrite = 0x3;
inline constexpr CUmemAllocationGranularity_flags kMemAllocGranularityMinimum = 0x0;
inline constexpr CUmemAllocationGranularity_flags kMemAllocGranularityRecommended = 0x1;
inline constexpr CUmemPool_attribute kMemPoolAttrReleaseThreshold = 4;
inline constexpr CUmemPool_attribute kMemPoolAttrReservedMemCurrent = 5;
inline constexpr CUmemPool_attribute kMemPoolAttrReservedMemHigh = 6;
inline constexpr CUmemPool_attribute kMemPoolAttrUsedMemCurrent = 7;
inline constexpr CUmemPool_attribute kMemPoolAttrUsedMemHigh = 8;

// cuGetProcAddress flags and results.
inline constexpr cuuint64_t kGetProcAddressDefault = 0;
inline constexpr cuuint64_t kGetProcAddressLegacyStream = 1;
inline constexpr cuuint64_t kGetProcAddressPerThreadDefaultStream = 2;
inline constexpr CUdriverProcAddressQueryResult kGetProcAddressSuccess = 0;
inline constexpr CUdriverProcAddressQueryResult kGetProcAddressSymbolNotFound = 1;
inline constexpr CUdriverProcAddressQueryResult kGetProcAddressVersionNotSufficient = 2;

// Function types, one per exported symbol.
// Initialization and version.
using Fn_cuInit = CUresult(unsigned int flags);
using Fn_cuDriverGetVersion = CUresult(int* version);
using Fn_cuGetErrorString = CUresult(CUresult error, const char** str);
using Fn_cuGetErrorName = CUresult(CUresult error, const char** str);
using Fn_cuGetProcAddress = CUresult(const char* symbol, void** pfn, int cudaVersion,
                                     cuuint64_t flags);
using Fn_cuGetProcAddress_v2 = CUresult(const char* symbol, void** pfn, int cudaVersion,
                                        cuuint64_t flags,
                                        CUdriverProcAddressQueryResult* symbolStatus);
// Devices.
using Fn_cuDeviceGet = CUresult(CUdevice* device, int ordinal);
using Fn_cuDeviceGetCount = CUresult(int* count);
using Fn_cuDeviceGetName = CUresult(char* name, int len, CUdevice dev);
using Fn_cuDeviceGetUuid = CUresult(CUuuid* uuid, CUdevice dev);
using Fn_cuDeviceGetUuid_v2 = CUresult(CUuuid* uuid, CUdevice dev);
using Fn_cuDeviceTotalMem_v2 = CUresult(size_t* bytes, CUdevice dev);
using Fn_cuDeviceGetAttribute = CUresult(int* pi, CUdevice_attribute attrib, CUdevice dev);
using Fn_cuDeviceGetPCIBusId = CUresult(char* pciBusId, int len, CUdevice dev);
// Contexts.
using Fn_cuDevicePrimaryCtxRetain = CUresult(CUcontext* pctx, CUdevice dev);
using Fn_cuDevicePrimaryCtxRelease_v2 = CUresult(CUdevice dev);
using Fn_cuDevicePrimaryCtxReset_v2 = CUresult(CUdevice dev);
using Fn_cuDevicePrimaryCtxGetState = CUresult(CUdevice dev, unsigned int* flags, int* active);
using Fn_cuCtxCreate_v2 = CUresult(CUcontext* pctx, unsigned int flags, CUdevice dev);
using Fn_cuCtxCreate_v3 = CUresult(CUcontext* pctx, CUexecAffinityParam* paramsArray,
                                   int numParams, unsigned int flags, CUdevice dev);
using Fn_cuCtxCreate_v4 = CUresult(CUcontext* pctx, CUctxCreateParams* ctxCreateParams,
                                   unsigned int flags, CUdevice dev);
using Fn_cuCtxDestroy_v2 = CUresult(CUcontext ctx);
using Fn_cuCtxSetCurrent = CUresult(CUcontext ctx);
using Fn_cuCtxGetCurrent = CUresult(CUcontext* pctx);
using Fn_cuCtxPushCurrent_v2 = CUresult(CUcontext ctx);
using Fn_cuCtxPopCurrent_v2 = CUresult(CUcontext* pctx);
using Fn_cuCtxGetDevice = CUresult(CUdevice* device);
using Fn_cuCtxSynchronize = CUresult();
// Memory.
using Fn_cuMemGetInfo_v2 = CUresult(size_t* free, size_t* total);
using Fn_cuMemAlloc_v2 = CUresult(CUdeviceptr* dptr, size_t bytesize);
using Fn_cuMemAllocPitch_v2 = CUresult(CUdeviceptr* dptr, size_t* pPitch, size_t WidthInBytes,
                                       size_t Height, unsigned int ElementSizeBytes);
using Fn_cuMemFree_v2 = CUresult(CUdeviceptr dptr);
using Fn_cuMemAllocHost_v2 = CUresult(void** pp, size_t bytesize);
using Fn_cuMemHostAlloc = CUresult(void** pp, size_t bytesize, unsigned int flags);
using Fn_cuMemFreeHost = CUresult(void* p);
using Fn_cuMemAllocManaged = CUresult(CUdeviceptr* dptr, size_t bytesize, unsigned int flags);
using Fn_cuMemGetAddressRange_v2 = CUresult(CUdeviceptr* pbase, size_t* psize, CUdeviceptr dptr);
using Fn_cuPointerGetAttribute = CUresult(void* data, CUpointer_attribute attribute,
                                          CUdeviceptr ptr);
// Stream-ordered allocation and memory pools.
using Fn_cuMemAllocAsync = CUresult(CUdeviceptr* dptr, size_t bytesize, CUstream hStream);
using Fn_cuMemFreeAsync = CUresult(CUdeviceptr dptr, CUstream hStream);
using Fn_cuMemAllocFromPoolAsync = CUresult(CUdeviceptr* dptr, size_t bytesize, CUmemoryPool pool,
                                            CUstream hStream);
// The per-thread-default-stream forms (what cuGetProcAddress returns with
// CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, and what programs built with
// CUDA_API_PER_THREAD_DEFAULT_STREAM call): same prototypes.
using Fn_cuMemAllocAsync_ptsz = Fn_cuMemAllocAsync;
using Fn_cuMemFreeAsync_ptsz = Fn_cuMemFreeAsync;
using Fn_cuMemAllocFromPoolAsync_ptsz = Fn_cuMemAllocFromPoolAsync;
using Fn_cuDeviceGetDefaultMemPool = CUresult(CUmemoryPool* pool_out, CUdevice dev);
using Fn_cuDeviceGetMemPool = CUresult(CUmemoryPool* pool, CUdevice dev);
using Fn_cuMemPoolCreate = CUresult(CUmemoryPool* pool, const CUmemPoolProps* poolProps);
using Fn_cuMemPoolDestroy = CUresult(CUmemoryPool pool);
using Fn_cuMemPoolTrimTo = CUresult(CUmemoryPool pool, size_t minBytesToKeep);
using Fn_cuMemPoolSetAttribute = CUresult(CUmemoryPool pool, CUmemPool_attribute attr,
                                          void* value);
using Fn_cuMemPoolGetAttribute = CUresult(CUmemoryPool pool, CUmemPool_attribute attr,
                                          void* value);
// Virtual memory management.
using Fn_cuMemCreate = CUresult(CUmemGenericAllocationHandle* handle, size_t size,
                                const CUmemAllocationProp* prop, unsigned long long flags);
using Fn_cuMemRelease = CUresult(CUmemGenericAllocationHandle handle);
using Fn_cuMemAddressReserve = CUresult(CUdeviceptr* ptr, size_t size, size_t alignment,
                                        CUdeviceptr addr, unsigned long long flags);
using Fn_cuMemAddressFree = CUresult(CUdeviceptr ptr, size_t size);
using Fn_cuMemMap = CUresult(CUdeviceptr ptr, size_t size, size_t offset,
                             CUmemGenericAllocationHandle handle, unsigned long long flags);
using Fn_cuMemUnmap = CUresult(CUdeviceptr ptr, size_t size);
using Fn_cuMemSetAccess = CUresult(CUdeviceptr ptr, size_t size, const CUmemAccessDesc* desc,
                                   size_t count);
using Fn_cuMemGetAllocationGranularity = CUresult(size_t* granularity,
                                                  const CUmemAllocationProp* prop,
                                                  CUmemAllocationGranularity_flags option);
// Copies and fills.
using Fn_cuMemcpy = CUresult(CUdeviceptr dst, CUdeviceptr src, size_t ByteCount);
using Fn_cuMemcpyAsync = CUresult(CUdeviceptr dst, CUdeviceptr src, size_t ByteCount,
                                  CUstream hStream);
using Fn_cuMemcpyHtoD_v2 = CUresult(CUdeviceptr dstDevice, const void* srcHost, size_t ByteCount);
using Fn_cuMemcpyDtoH_v2 = CUresult(void* dstHost, CUdeviceptr srcDevice, size_t ByteCount);
using Fn_cuMemcpyDtoD_v2 = CUresult(CUdeviceptr dstDevice, CUdeviceptr srcDevice,
                                    size_t ByteCount);
using Fn_cuMemcpyHtoDAsync_v2 = CUresult(CUdeviceptr dstDevice, const void* srcHost,
                                         size_t ByteCount, CUstream hStream);
using Fn_cuMemcpyDtoHAsync_v2 = CUresult(void* dstHost, CUdeviceptr srcDevice, size_t ByteCount,
                                         CUstream hStream);
using Fn_cuMemcpyDtoDAsync_v2 = CUresult(CUdeviceptr dstDevice, CUdeviceptr srcDevice,
                                         size_t ByteCount, CUstream hStream);
using Fn_cuMemsetD8_v2 = CUresult(CUdeviceptr dstDevice, unsigned char uc, size_t N);
using Fn_cuMemsetD8Async = CUresult(CUdeviceptr dstDevice, unsigned char uc, size_t N,
                                    CUstream hStream);
// Streams and events.
using Fn_cuStreamCreate = CUresult(CUstream* phStream, unsigned int Flags);
using Fn_cuStreamDestroy_v2 = CUresult(CUstream hStream);
using Fn_cuStreamSynchronize = CUresult(CUstream hStream);
using Fn_cuStreamQuery = CUresult(CUstream hStream);
using Fn_cuEventCreate = CUresult(CUevent* phEvent, unsigned int Flags);
using Fn_cuEventRecord = CUresult(CUevent hEvent, CUstream hStream);
using Fn_cuEventSynchronize = CUresult(CUevent hEvent);
using Fn_cuEventQuery = CUresult(CUevent hEvent);
using Fn_cuEventElapsedTime = CUresult(float* pMilliseconds, CUevent hStart, CUevent hEnd);
using Fn_cuEventElapsedTime_v2 = CUresult(float* pMilliseconds, CUevent hStart, CUevent hEnd);
using Fn_cuEventDestroy_v2 = CUresult(CUevent hEvent);
// Managed-memory advice and prefetch: the legacy device-number forms and the
// location forms of CUDA 12.2+ (the default names in CUDA 13).
using Fn_cuMemAdvise = CUresult(CUdeviceptr devPtr, size_t count, CUmem_advise advice,
                                CUdevice device);
using Fn_cuMemAdvise_v2 = CUresult(CUdeviceptr devPtr, size_t count, CUmem_advise advice,
                                   CUmemLocation location);
using Fn_cuMemPrefetchAsync = CUresult(CUdeviceptr devPtr, size_t count, CUdevice dstDevice,
                                       CUstream hStream);
using Fn_cuMemPrefetchAsync_v2 = CUresult(CUdeviceptr devPtr, size_t count, CUmemLocation location,
                                          unsigned int flags, CUstream hStream);
// Kernels.
using Fn_cuModuleGetFunction = CUresult(CUfunction* hfunc, CUmodule hmod, const char* name);
using Fn_cuLaunchKernel = CUresult(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
                                   unsigned int gridDimZ, unsigned int blockDimX,
                                   unsigned int blockDimY, unsigned int blockDimZ,
                                   unsigned int sharedMemBytes, CUstream hStream,
                                   void** kernelParams, void** extra);

}  // namespace spillway::cuda::abi

#endif  // SPILLWAY_BACKENDS_CUDA_CUDA_DRIVER_ABI_H_
