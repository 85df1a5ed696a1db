// Compile-time proof that spillway's own CUDA driver declarations
// (cuda_driver_abi.h) agree with the toolkit's cuda.h: every prototype, every
// value, every struct layout. Compiled only when the toolkit is installed; a
// mismatch fails the build. Nothing here runs.
//
// Prototypes are compared after normalizing both sides: cuda.h declares
// enumerations and its own struct types where spillway uses ints and its own
// structs of the same layout (checked below), so each parameter type is mapped
// to spillway's before std::is_same compares the function types. Handle types
// need no mapping: both sides use the same struct tags.
#include <cuda.h>
#include <cudaTypedefs.h>

#include <cstddef>
#include <type_traits>

#include "spillway/backends/cuda/cuda_driver_abi.h"

namespace spillway::cuda::abi_check {
namespace abi = ::spillway::cuda::abi;

template <typename T>
struct Norm {
  using type = T;
};
template <typename T>
  requires std::is_enum_v<T>
struct Norm<T> {
  static_assert(sizeof(T) == sizeof(int), "a CUDA enumeration is not int-sized");
  using type = int;
};
template <typename T>
struct Norm<T*> {
  using type = typename Norm<T>::type*;
};
template <typename T>
struct Norm<const T> {
  using type = const typename Norm<T>::type;
};
template <typename R, typename... A>
struct Norm<R(A...)> {
  using type = typename Norm<R>::type(typename Norm<A>::type...);
};
template <>
struct Norm<::CUuuid> {
  using type = abi::CUuuid;
};
template <>
struct Norm<::CUmemLocation> {
  using type = abi::CUmemLocation;
};
template <>
struct Norm<::CUmemAllocationProp> {
  using type = abi::CUmemAllocationProp;
};
template <>
struct Norm<::CUmemAccessDesc> {
  using type = abi::CUmemAccessDesc;
};
template <>
struct Norm<::CUmemPoolProps> {
  using type = abi::CUmemPoolProps;
};

template <typename Theirs, typename Ours>
inline constexpr bool kSame =
    std::is_same_v<typename Norm<std::remove_pointer_t<Theirs>>::type,
                   typename Norm<Ours>::type>;

// `real` names the function in cuda.h (after its macros: cuMemAlloc is
// cuMemAlloc_v2 there); `ours` is the Fn_ type for the exported symbol.
#define SPILLWAY_CHECK_PROTOTYPE(real, ours) \
  static_assert(kSame<decltype(&::real), abi::ours>, #ours " disagrees with cuda.h")
// The same against cudaTypedefs.h's PFN types, for the legacy forms cuda.h no
// longer declares under their exported names.
#define SPILLWAY_CHECK_PFN(pfn, ours) \
  static_assert(kSame<::pfn, abi::ours>, #ours " disagrees with cudaTypedefs.h " #pfn)

SPILLWAY_CHECK_PROTOTYPE(cuInit, Fn_cuInit);
SPILLWAY_CHECK_PROTOTYPE(cuDriverGetVersion, Fn_cuDriverGetVersion);
SPILLWAY_CHECK_PROTOTYPE(cuGetErrorString, Fn_cuGetErrorString);
SPILLWAY_CHECK_PROTOTYPE(cuGetErrorName, Fn_cuGetErrorName);
SPILLWAY_CHECK_PFN(PFN_cuGetProcAddress_v11030, Fn_cuGetProcAddress);
SPILLWAY_CHECK_PFN(PFN_cuGetProcAddress_v12000, Fn_cuGetProcAddress_v2);
SPILLWAY_CHECK_PROTOTYPE(cuDeviceGet, Fn_cuDeviceGet);
SPILLWAY_CHECK_PROTOTYPE(cuDeviceGetCount, Fn_cuDeviceGetCount);
SPILLWAY_CHECK_PROTOTYPE(cuDeviceGetName, Fn_cuDeviceGetName);
SPILLWAY_CHECK_PFN(PFN_cuDeviceGetUuid_v9020, Fn_cuDeviceGetUuid);
SPILLWAY_CHECK_PROTOTYPE(cuDeviceGetUuid_v2, Fn_cuDeviceGetUuid_v2);
SPILLWAY_CHECK_PROTOTYPE(cuDeviceTotalMem_v2, Fn_cuDeviceTotalMem_v2);
SPILLWAY_CHECK_PROTOTYPE(cuDeviceGetAttribute, Fn_cuDeviceGetAttribute);
SPILLWAY_CHECK_PROTOTYPE(cuDeviceGetPCIBusId, Fn_cuDeviceGetPCIBusId);
SPILLWAY_CHECK_PROTOTYPE(cuDevicePrimaryCtxRetain, Fn_cuDevicePrimaryCtxRetain);
SPILLWAY_CHECK_PROTOTYPE(cuDevicePrimaryCtxRelease_v2, Fn_cuDevicePrimaryCtxRelease_v2);
SPILLWAY_CHECK_PROTOTYPE(cuDevicePrimaryCtxReset_v2, Fn_cuDevicePrimaryCtxReset_v2);
SPILLWAY_CHECK_PROTOTYPE(cuDevicePrimaryCtxGetState, Fn_cuDevicePrimaryCtxGetState);
SPILLWAY_CHECK_PFN(PFN_cuCtxCreate_v3020, Fn_cuCtxCreate_v2);
SPILLWAY_CHECK_PFN(PFN_cuCtxCreate_v11040, Fn_cuCtxCreate_v3);
SPILLWAY_CHECK_PFN(PFN_cuCtxCreate_v12050, Fn_cuCtxCreate_v4);
SPILLWAY_CHECK_PROTOTYPE(cuCtxCreate_v4, Fn_cuCtxCreate_v4);
SPILLWAY_CHECK_PROTOTYPE(cuCtxDestroy_v2, Fn_cuCtxDestroy_v2);
SPILLWAY_CHECK_PROTOTYPE(cuCtxSetCurrent, Fn_cuCtxSetCurrent);
SPILLWAY_CHECK_PROTOTYPE(cuCtxGetCurrent, Fn_cuCtxGetCurrent);
SPILLWAY_CHECK_PROTOTYPE(cuCtxPushCurrent_v2, Fn_cuCtxPushCurrent_v2);
SPILLWAY_CHECK_PROTOTYPE(cuCtxPopCurrent_v2, Fn_cuCtxPopCurrent_v2);
SPILLWAY_CHECK_PROTOTYPE(cuCtxGetDevice, Fn_cuCtxGetDevice);
SPILLWAY_CHECK_PROTOTYPE(cuCtxSynchronize, Fn_cuCtxSynchronize);
SPILLWAY_CHECK_PROTOTYPE(cuMemGetInfo_v2, Fn_cuMemGetInfo_v2);
SPILLWAY_CHECK_PROTOTYPE(cuMemAlloc_v2, Fn_cuMemAlloc_v2);
SPILLWAY_CHECK_PROTOTYPE(cuMemAllocPitch_v2, Fn_cuMemAllocPitch_v2);
SPILLWAY_CHECK_PROTOTYPE(cuMemFree_v2, Fn_cuMemFree_v2);
SPILLWAY_CHECK_PROTOTYPE(cuMemAllocHost_v2, Fn_cuMemAllocHost_v2);
SPILLWAY_CHECK_PROTOTYPE(cuMemHostAlloc, Fn_cuMemHostAlloc);
SPILLWAY_CHECK_PROTOTYPE(cuMemFreeHost, Fn_cuMemFreeHost);
SPILLWAY_CHECK_PROTOTYPE(cuMemAllocManaged, Fn_cuMemAllocManaged);
SPILLWAY_CHECK_PROTOTYPE(cuMemGetAddressRange_v2, Fn_cuMemGetAddressRange_v2);
SPILLWAY_CHECK_PROTOTYPE(cuPointerGetAttribute, Fn_cuPointerGetAttribute);
SPILLWAY_CHECK_PROTOTYPE(cuMemAllocAsync, Fn_cuMemAllocAsync);
SPILLWAY_CHECK_PROTOTYPE(cuMemFreeAsync, Fn_cuMemFreeAsync);
SPILLWAY_CHECK_PROTOTYPE(cuMemAllocFromPoolAsync, Fn_cuMemAllocFromPoolAsync);
SPILLWAY_CHECK_PFN(PFN_cuMemAllocAsync_v11020_ptsz, Fn_cuMemAllocAsync_ptsz);
SPILLWAY_CHECK_PFN(PFN_cuMemFreeAsync_v11020_ptsz, Fn_cuMemFreeAsync_ptsz);
SPILLWAY_CHECK_PFN(PFN_cuMemAllocFromPoolAsync_v11020_ptsz, Fn_cuMemAllocFromPoolAsync_ptsz);
SPILLWAY_CHECK_PROTOTYPE(cuDeviceGetDefaultMemPool, Fn_cuDeviceGetDefaultMemPool);
SPILLWAY_CHECK_PROTOTYPE(cuDeviceGetMemPool, Fn_cuDeviceGetMemPool);
SPILLWAY_CHECK_PROTOTYPE(cuMemPoolCreate, Fn_cuMemPoolCreate);
SPILLWAY_CHECK_PROTOTYPE(cuMemPoolDestroy, Fn_cuMemPoolDestroy);
SPILLWAY_CHECK_PROTOTYPE(cuMemPoolTrimTo, Fn_cuMemPoolTrimTo);
SPILLWAY_CHECK_PROTOTYPE(cuMemPoolSetAttribute, Fn_cuMemPoolSetAttribute);
SPILLWAY_CHECK_PROTOTYPE(cuMemPoolGetAttribute, Fn_cuMemPoolGetAttribute);
SPILLWAY_CHECK_PROTOTYPE(cuMemCreate, Fn_cuMemCreate);
SPILLWAY_CHECK_PROTOTYPE(cuMemRelease, Fn_cuMemRelease);
SPILLWAY_CHECK_PROTOTYPE(cuMemAddressReserve, Fn_cuMemAddressReserve);
SPILLWAY_CHECK_PROTOTYPE(cuMemAddressFree, Fn_cuMemAddressFree);
SPILLWAY_CHECK_PROTOTYPE(cuMemMap, Fn_cuMemMap);
SPILLWAY_CHECK_PROTOTYPE(cuMemUnmap, Fn_cuMemUnmap);
SPILLWAY_CHECK_PROTOTYPE(cuMemSetAccess, Fn_cuMemSetAccess);
SPILLWAY_CHECK_PROTOTYPE(cuMemGetAllocationGranularity, Fn_cuMemGetAllocationGranularity);
SPILLWAY_CHECK_PROTOTYPE(cuMemcpy, Fn_cuMemcpy);
SPILLWAY_CHECK_PROTOTYPE(cuMemcpyAsync, Fn_cuMemcpyAsync);
SPILLWAY_CHECK_PROTOTYPE(cuMemcpyHtoD_v2, Fn_cuMemcpyHtoD_v2);
SPILLWAY_CHECK_PROTOTYPE(cuMemcpyDtoH_v2, Fn_cuMemcpyDtoH_v2);
SPILLWAY_CHECK_PROTOTYPE(cuMemcpyDtoD_v2, Fn_cuMemcpyDtoD_v2);
SPILLWAY_CHECK_PROTOTYPE(cuMemcpyHtoDAsync_v2, Fn_cuMemcpyHtoDAsync_v2);
SPILLWAY_CHECK_PROTOTYPE(cuMemcpyDtoHAsync_v2, Fn_cuMemcpyDtoHAsync_v2);
SPILLWAY_CHECK_PROTOTYPE(cuMemcpyDtoDAsync_v2, Fn_cuMemcpyDtoDAsync_v2);
SPILLWAY_CHECK_PROTOTYPE(cuMemsetD8_v2, Fn_cuMemsetD8_v2);
SPILLWAY_CHECK_PROTOTYPE(cuMemsetD8Async, Fn_cuMemsetD8Async);
SPILLWAY_CHECK_PROTOTYPE(cuStreamCreate, Fn_cuStreamCreate);
SPILLWAY_CHECK_PROTOTYPE(cuStreamDestroy_v2, Fn_cuStreamDestroy_v2);
SPILLWAY_CHECK_PROTOTYPE(cuStreamSynchronize, Fn_cuStreamSynchronize);
SPILLWAY_CHECK_PROTOTYPE(cuStreamQuery, Fn_cuStreamQuery);
SPILLWAY_CHECK_PROTOTYPE(cuEventCreate, Fn_cuEventCreate);
SPILLWAY_CHECK_PROTOTYPE(cuEventRecord, Fn_cuEventRecord);
SPILLWAY_CHECK_PROTOTYPE(cuEventSynchronize, Fn_cuEventSynchronize);
SPILLWAY_CHECK_PROTOTYPE(cuEventQuery, Fn_cuEventQuery);
SPILLWAY_CHECK_PFN(PFN_cuEventElapsedTime_v2000, Fn_cuEventElapsedTime);
SPILLWAY_CHECK_PROTOTYPE(cuEventElapsedTime_v2, Fn_cuEventElapsedTime_v2);
SPILLWAY_CHECK_PROTOTYPE(cuEventDestroy_v2, Fn_cuEventDestroy_v2);
SPILLWAY_CHECK_PFN(PFN_cuMemAdvise_v8000, Fn_cuMemAdvise);
SPILLWAY_CHECK_PFN(PFN_cuMemAdvise_v12020, Fn_cuMemAdvise_v2);
SPILLWAY_CHECK_PROTOTYPE(cuMemAdvise_v2, Fn_cuMemAdvise_v2);
SPILLWAY_CHECK_PFN(PFN_cuMemPrefetchAsync_v8000, Fn_cuMemPrefetchAsync);
SPILLWAY_CHECK_PFN(PFN_cuMemPrefetchAsync_v12020, Fn_cuMemPrefetchAsync_v2);
SPILLWAY_CHECK_PROTOTYPE(cuMemPrefetchAsync_v2, Fn_cuMemPrefetchAsync_v2);
SPILLWAY_CHECK_PROTOTYPE(cuModuleGetFunction, Fn_cuModuleGetFunction);
SPILLWAY_CHECK_PROTOTYPE(cuLaunchKernel, Fn_cuLaunchKernel);

// Handle and scalar types.
static_assert(std::is_same_v<::CUcontext, abi::CUcontext>);
static_assert(std::is_same_v<::CUstream, abi::CUstream>);
static_assert(std::is_same_v<::CUevent, abi::CUevent>);
static_assert(std::is_same_v<::CUfunction, abi::CUfunction>);
static_assert(std::is_same_v<::CUmodule, abi::CUmodule>);
static_assert(std::is_same_v<::CUmemoryPool, abi::CUmemoryPool>);
static_assert(std::is_same_v<::CUdeviceptr, abi::CUdeviceptr>);
static_assert(std::is_same_v<::CUdevice, abi::CUdevice>);
static_assert(std::is_same_v<::CUmemGenericAllocationHandle, abi::CUmemGenericAllocationHandle>);
static_assert(std::is_same_v<::cuuint64_t, abi::cuuint64_t>);
static_assert(sizeof(::CUresult) == sizeof(abi::CUresult));

// Struct layouts.
#define SPILLWAY_CHECK_FIELD(theirs, ours, field)                       \
  static_assert(offsetof(::theirs, field) == offsetof(abi::ours, field) && \
                sizeof(::theirs::field) == sizeof(abi::ours::field),    \
                #ours "::" #field " disagrees with cuda.h")
static_assert(sizeof(::CUmemLocation) == 8 && sizeof(abi::CUmemLocation) == 8);
SPILLWAY_CHECK_FIELD(CUmemLocation, CUmemLocation, type);
SPILLWAY_CHECK_FIELD(CUmemLocation, CUmemLocation, id);
static_assert(sizeof(::CUuuid) == sizeof(abi::CUuuid));
static_assert(sizeof(::CUmemAllocationProp) == sizeof(abi::CUmemAllocationProp));
SPILLWAY_CHECK_FIELD(CUmemAllocationProp, CUmemAllocationProp, type);
SPILLWAY_CHECK_FIELD(CUmemAllocationProp, CUmemAllocationProp, requestedHandleTypes);
SPILLWAY_CHECK_FIELD(CUmemAllocationProp, CUmemAllocationProp, location);
SPILLWAY_CHECK_FIELD(CUmemAllocationProp, CUmemAllocationProp, win32HandleMetaData);
SPILLWAY_CHECK_FIELD(CUmemAllocationProp, CUmemAllocationProp, allocFlags);
static_assert(sizeof(::CUmemAccessDesc) == sizeof(abi::CUmemAccessDesc));
SPILLWAY_CHECK_FIELD(CUmemAccessDesc, CUmemAccessDesc, location);
SPILLWAY_CHECK_FIELD(CUmemAccessDesc, CUmemAccessDesc, flags);
static_assert(sizeof(::CUmemPoolProps) == sizeof(abi::CUmemPoolProps));
SPILLWAY_CHECK_FIELD(CUmemPoolProps, CUmemPoolProps, allocType);
SPILLWAY_CHECK_FIELD(CUmemPoolProps, CUmemPoolProps, handleTypes);
SPILLWAY_CHECK_FIELD(CUmemPoolProps, CUmemPoolProps, location);
SPILLWAY_CHECK_FIELD(CUmemPoolProps, CUmemPoolProps, maxSize);
SPILLWAY_CHECK_FIELD(CUmemPoolProps, CUmemPoolProps, usage);

// Values.
static_assert(abi::kSuccess == CUDA_SUCCESS);
static_assert(abi::kErrorInvalidValue == CUDA_ERROR_INVALID_VALUE);
static_assert(abi::kErrorOutOfMemory == CUDA_ERROR_OUT_OF_MEMORY);
static_assert(abi::kErrorNotInitialized == CUDA_ERROR_NOT_INITIALIZED);
static_assert(abi::kErrorDeinitialized == CUDA_ERROR_DEINITIALIZED);
static_assert(abi::kErrorNoDevice == CUDA_ERROR_NO_DEVICE);
static_assert(abi::kErrorInvalidDevice == CUDA_ERROR_INVALID_DEVICE);
static_assert(abi::kErrorInvalidContext == CUDA_ERROR_INVALID_CONTEXT);
static_assert(abi::kErrorOperatingSystem == CUDA_ERROR_OPERATING_SYSTEM);
static_assert(abi::kErrorInvalidHandle == CUDA_ERROR_INVALID_HANDLE);
static_assert(abi::kErrorNotFound == CUDA_ERROR_NOT_FOUND);
static_assert(abi::kErrorNotReady == CUDA_ERROR_NOT_READY);
static_assert(abi::kErrorIllegalAddress == CUDA_ERROR_ILLEGAL_ADDRESS);
static_assert(abi::kErrorPrimaryContextActive == CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE);
static_assert(abi::kErrorNotPermitted == CUDA_ERROR_NOT_PERMITTED);
static_assert(abi::kErrorNotSupported == CUDA_ERROR_NOT_SUPPORTED);
static_assert(abi::kErrorUnknown == CUDA_ERROR_UNKNOWN);
static_assert(34 == CUDA_ERROR_STUB_LIBRARY && 46 == CUDA_ERROR_DEVICE_UNAVAILABLE);

static_assert(abi::kAttrMaxThreadsPerBlock == CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
static_assert(abi::kAttrWarpSize == CU_DEVICE_ATTRIBUTE_WARP_SIZE);
static_assert(abi::kAttrMultiprocessorCount == CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
static_assert(abi::kAttrCanMapHostMemory == CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY);
static_assert(abi::kAttrPciBusId == CU_DEVICE_ATTRIBUTE_PCI_BUS_ID);
static_assert(abi::kAttrPciDeviceId == CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID);
static_assert(abi::kAttrUnifiedAddressing == CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING);
static_assert(abi::kAttrPciDomainId == CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID);
static_assert(abi::kAttrTexturePitchAlignment == CU_DEVICE_ATTRIBUTE_TEXTURE_PITCH_ALIGNMENT);
static_assert(abi::kAttrComputeCapabilityMajor == CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
static_assert(abi::kAttrComputeCapabilityMinor == CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
static_assert(abi::kAttrManagedMemory == CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY);
static_assert(abi::kAttrConcurrentManagedAccess == CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS);
static_assert(abi::kAttrVirtualMemoryManagementSupported ==
              CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED);
static_assert(abi::kAttrMemoryPoolsSupported == CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED);
static_assert(abi::kAttrHostNumaId == CU_DEVICE_ATTRIBUTE_HOST_NUMA_ID);

static_assert(abi::kAdviseSetReadMostly == CU_MEM_ADVISE_SET_READ_MOSTLY);
static_assert(abi::kAdviseUnsetReadMostly == CU_MEM_ADVISE_UNSET_READ_MOSTLY);
static_assert(abi::kAdviseSetPreferredLocation == CU_MEM_ADVISE_SET_PREFERRED_LOCATION);
static_assert(abi::kAdviseUnsetPreferredLocation == CU_MEM_ADVISE_UNSET_PREFERRED_LOCATION);
static_assert(abi::kAdviseSetAccessedBy == CU_MEM_ADVISE_SET_ACCESSED_BY);
static_assert(abi::kAdviseUnsetAccessedBy == CU_MEM_ADVISE_UNSET_ACCESSED_BY);
static_assert(abi::kMemLocationTypeDevice == CU_MEM_LOCATION_TYPE_DEVICE);
static_assert(abi::kMemLocationTypeHost == CU_MEM_LOCATION_TYPE_HOST);
static_assert(abi::kMemLocationTypeHostNuma == CU_MEM_LOCATION_TYPE_HOST_NUMA);
static_assert(abi::kMemLocationTypeHostNumaCurrent == CU_MEM_LOCATION_TYPE_HOST_NUMA_CURRENT);
static_assert(abi::kDeviceCpu == CU_DEVICE_CPU);

static_assert(abi::kPointerAttributeMemoryType == CU_POINTER_ATTRIBUTE_MEMORY_TYPE);
static_assert(abi::kPointerAttributeIsManaged == CU_POINTER_ATTRIBUTE_IS_MANAGED);
static_assert(abi::kPointerAttributeDeviceOrdinal == CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL);
static_assert(abi::kMemoryTypeHost == CU_MEMORYTYPE_HOST);
static_assert(abi::kMemoryTypeDevice == CU_MEMORYTYPE_DEVICE);
static_assert(abi::kMemoryTypeUnified == CU_MEMORYTYPE_UNIFIED);

static_assert(abi::kMemAttachGlobal == CU_MEM_ATTACH_GLOBAL);
static_assert(abi::kMemHostAllocPortable == CU_MEMHOSTALLOC_PORTABLE);
static_assert(abi::kMemHostAllocDeviceMap == CU_MEMHOSTALLOC_DEVICEMAP);
static_assert(abi::kStreamDefault == CU_STREAM_DEFAULT);
static_assert(abi::kStreamNonBlocking == CU_STREAM_NON_BLOCKING);
static_assert(abi::kEventDefault == CU_EVENT_DEFAULT);
static_assert(abi::kEventDisableTiming == CU_EVENT_DISABLE_TIMING);

static_assert(abi::kMemAllocationTypePinned == CU_MEM_ALLOCATION_TYPE_PINNED);
static_assert(abi::kMemHandleTypeNone == CU_MEM_HANDLE_TYPE_NONE);
static_assert(abi::kMemAccessFlagsProtNone == CU_MEM_ACCESS_FLAGS_PROT_NONE);
static_assert(abi::kMemAccessFlagsProtRead == CU_MEM_ACCESS_FLAGS_PROT_READ);
static_assert(abi::kMemAccessFlagsProtReadWrite == CU_MEM_ACCESS_FLAGS_PROT_READWRITE);
static_assert(abi::kMemAllocGranularityMinimum == CU_MEM_ALLOC_GRANULARITY_MINIMUM);
static_assert(abi::kMemAllocGranularityRecommended == CU_MEM_ALLOC_GRANULARITY_RECOMMENDED);
static_assert(abi::kMemPoolAttrReleaseThreshold == CU_MEMPOOL_ATTR_RELEASE_THRESHOLD);
static_assert(abi::kMemPoolAttrReservedMemCurrent == CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT);
static_assert(abi::kMemPoolAttrReservedMemHigh == CU_MEMPOOL_ATTR_RESERVED_MEM_HIGH);
static_assert(abi::kMemPoolAttrUsedMemCurrent == CU_MEMPOOL_ATTR_USED_MEM_CURRENT);
static_assert(abi::kMemPoolAttrUsedMemHigh == CU_MEMPOOL_ATTR_USED_MEM_HIGH);

static_assert(abi::kGetProcAddressDefault == CU_GET_PROC_ADDRESS_DEFAULT);
static_assert(abi::kGetProcAddressLegacyStream == CU_GET_PROC_ADDRESS_LEGACY_STREAM);
static_assert(abi::kGetProcAddressPerThreadDefaultStream ==
              CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM);
static_assert(abi::kGetProcAddressSuccess == CU_GET_PROC_ADDRESS_SUCCESS);
static_assert(abi::kGetProcAddressSymbolNotFound == CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND);
static_assert(abi::kGetProcAddressVersionNotSufficient ==
              CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT);

}  // namespace spillway::cuda::abi_check
