// The subset of the oneAPI Level Zero ABI (core and Sysman) that spillway
// uses, declared from vendor-abi.md section 5 and the public ze_api.h and
// zes_api.h, so that the backend builds without them. When Debian's
// libze-dev headers are present, src/ze_abi_check.cc asserts at compile time
// that every declaration here agrees with them (prototypes, values, struct
// layouts).
//
// Naming: function types are Fn_<exported symbol> (a function type, so a
// pointer is Fn_x*); constants are k-prefixed. Opaque handle tags are Level
// Zero's own (struct _ze_driver_handle_t, ...), so the handle types are the
// very same types as ze_api.h's. Enumerations are uint32_t here.
//
// Thread-safety, ownership, errors: declarations only; the driver's rules
// apply (a command list must not be used by two threads at once).
#ifndef SPILLWAY_BACKENDS_LEVELZERO_ZE_ABI_H_
#define SPILLWAY_BACKENDS_LEVELZERO_ZE_ABI_H_

#include <cstddef>
#include <cstdint>

struct _ze_driver_handle_t;
struct _ze_device_handle_t;
struct _ze_context_handle_t;
struct _ze_command_list_handle_t;
struct _ze_event_pool_handle_t;
struct _ze_event_handle_t;
struct _zes_mem_handle_t;

namespace spillway::levelzero::abi {

using ze_result_t = uint32_t;
using ze_structure_type_t = uint32_t;
using zes_structure_type_t = uint32_t;
using ze_init_flags_t = uint32_t;
using ze_device_type_t = uint32_t;
using ze_device_property_flags_t = uint32_t;
using ze_device_memory_property_flags_t = uint32_t;
using ze_memory_access_cap_flags_t = uint32_t;
using ze_context_flags_t = uint32_t;
using ze_device_mem_alloc_flags_t = uint32_t;
using ze_host_mem_alloc_flags_t = uint32_t;
using ze_relaxed_allocation_limits_exp_flags_t = uint32_t;
using ze_command_queue_flags_t = uint32_t;
using ze_command_queue_mode_t = uint32_t;
using ze_command_queue_priority_t = uint32_t;
using ze_event_pool_flags_t = uint32_t;
using ze_event_scope_flags_t = uint32_t;
using ze_memory_advice_t = uint32_t;
using zes_mem_health_t = uint32_t;

using ze_driver_handle_t = _ze_driver_handle_t*;
using ze_device_handle_t = _ze_device_handle_t*;
using ze_context_handle_t = _ze_context_handle_t*;
using ze_command_list_handle_t = _ze_command_list_handle_t*;
using ze_event_pool_handle_t = _ze_event_pool_handle_t*;
using ze_event_handle_t = _ze_event_handle_t*;
using zes_device_handle_t = ze_device_handle_t;  // Sysman accepts core device handles
using zes_mem_handle_t = _zes_mem_handle_t*;

inline constexpr size_t kMaxDeviceNameSize = 256;  // ZE_MAX_DEVICE_NAME
inline constexpr size_t kMaxDeviceUuidSize = 16;   // ZE_MAX_DEVICE_UUID_SIZE

// ze_result_t.
inline constexpr ze_result_t kSuccess = 0;
inline constexpr ze_result_t kNotReady = 1;
inline constexpr ze_result_t kErrorDeviceLost = 0x70000001;
inline constexpr ze_result_t kErrorOutOfHostMemory = 0x70000002;
inline constexpr ze_result_t kErrorOutOfDeviceMemory = 0x70000003;
inline constexpr ze_result_t kErrorNotAvailable = 0x70010001;
inline constexpr ze_result_t kErrorUninitialized = 0x78000001;
inline constexpr ze_result_t kErrorUnsupportedVersion = 0x78000002;
inline constexpr ze_result_t kErrorUnsupportedFeature = 0x78000003;
inline constexpr ze_result_t kErrorInvalidArgument = 0x78000004;
inline constexpr ze_result_t kErrorInvalidNullHandle = 0x78000005;
inline constexpr ze_result_t kErrorInvalidNullPointer = 0x78000007;
inline constexpr ze_result_t kErrorInvalidSize = 0x78000008;
inline constexpr ze_result_t kErrorUnsupportedSize = 0x78000009;
inline constexpr ze_result_t kErrorUnsupportedAlignment = 0x7800000a;
inline constexpr ze_result_t kErrorInvalidEnumeration = 0x7800000c;
inline constexpr ze_result_t kErrorUnsupportedEnumeration = 0x7800000d;
inline constexpr ze_result_t kErrorOverlappingRegions = 0x7800001a;
inline constexpr ze_result_t kErrorUnknown = 0x7ffffffe;

// ze_structure_type_t / zes_structure_type_t.
inline constexpr ze_structure_type_t kStructureTypeDeviceProperties = 0x3;
inline constexpr ze_structure_type_t kStructureTypeDeviceMemoryProperties = 0x7;
inline constexpr ze_structure_type_t kStructureTypeDeviceMemoryAccessProperties = 0x8;
inline constexpr ze_structure_type_t kStructureTypeContextDesc = 0xd;
inline constexpr ze_structure_type_t kStructureTypeCommandQueueDesc = 0xe;
inline constexpr ze_structure_type_t kStructureTypeEventPoolDesc = 0x10;
inline constexpr ze_structure_type_t kStructureTypeEventDesc = 0x11;
inline constexpr ze_structure_type_t kStructureTypeDeviceMemAllocDesc = 0x15;
inline constexpr ze_structure_type_t kStructureTypeHostMemAllocDesc = 0x16;
inline constexpr ze_structure_type_t kStructureTypePciExtProperties = 0x10008;
inline constexpr ze_structure_type_t kStructureTypeRelaxedAllocationLimitsExpDesc = 0x20001;
inline constexpr zes_structure_type_t kStructureTypeMemState = 0x1e;

inline constexpr ze_device_type_t kDeviceTypeGpu = 1;
inline constexpr ze_memory_access_cap_flags_t kMemoryAccessCapRw = 1u << 0;
inline constexpr ze_memory_access_cap_flags_t kMemoryAccessCapAtomic = 1u << 1;
inline constexpr ze_memory_access_cap_flags_t kMemoryAccessCapConcurrent = 1u << 2;
inline constexpr ze_memory_access_cap_flags_t kMemoryAccessCapConcurrentAtomic = 1u << 3;
inline constexpr ze_relaxed_allocation_limits_exp_flags_t kRelaxedAllocationLimitsMaxSize = 1u << 0;
inline constexpr ze_command_queue_mode_t kCommandQueueModeAsynchronous = 2;
inline constexpr ze_command_queue_priority_t kCommandQueuePriorityNormal = 0;
inline constexpr ze_event_pool_flags_t kEventPoolFlagHostVisible = 1u << 0;
inline constexpr ze_event_pool_flags_t kEventPoolFlagKernelTimestamp = 1u << 2;
inline constexpr ze_event_scope_flags_t kEventScopeFlagHost = 1u << 2;

// ze_memory_advice_t: Level Zero's own numbering (0-based, no accessed-by).
inline constexpr ze_memory_advice_t kMemoryAdviceSetReadMostly = 0;
inline constexpr ze_memory_advice_t kMemoryAdviceClearReadMostly = 1;
inline constexpr ze_memory_advice_t kMemoryAdviceSetPreferredLocation = 2;
inline constexpr ze_memory_advice_t kMemoryAdviceClearPreferredLocation = 3;
// Newer than Debian's v1.4 ze_api.h (which stops at 7), so not checked
// against it: from the Level Zero specification 1.6 and later.
inline constexpr ze_memory_advice_t kMemoryAdviceSetSystemMemoryPreferredLocation = 8;
inline constexpr ze_memory_advice_t kMemoryAdviceClearSystemMemoryPreferredLocation = 9;

struct ze_device_uuid_t {
  uint8_t id[kMaxDeviceUuidSize];
};

struct ze_device_properties_t {
  ze_structure_type_t stype;
  void* pNext;
  ze_device_type_t type;
  uint32_t vendorId;
  uint32_t deviceId;
  ze_device_property_flags_t flags;
  uint32_t subdeviceId;
  uint32_t coreClockRate;
  uint64_t maxMemAllocSize;
  uint32_t maxHardwareContexts;
  uint32_t maxCommandQueuePriority;
  uint32_t numThreadsPerEU;
  uint32_t physicalEUSimdWidth;
  uint32_t numEUsPerSubslice;
  uint32_t numSubslicesPerSlice;
  uint32_t numSlices;
  uint64_t timerResolution;  // nanoseconds for kStructureTypeDeviceProperties
  uint32_t timestampValidBits;
  uint32_t kernelTimestampValidBits;
  ze_device_uuid_t uuid;
  char name[kMaxDeviceNameSize];
};

struct ze_device_memory_properties_t {
  ze_structure_type_t stype;
  void* pNext;
  ze_device_memory_property_flags_t flags;
  uint32_t maxClockRate;
  uint32_t maxBusWidth;
  uint64_t totalSize;
  char name[kMaxDeviceNameSize];
};

struct ze_device_memory_access_properties_t {
  ze_structure_type_t stype;
  void* pNext;
  ze_memory_access_cap_flags_t hostAllocCapabilities;
  ze_memory_access_cap_flags_t deviceAllocCapabilities;
  ze_memory_access_cap_flags_t sharedSingleDeviceAllocCapabilities;
  ze_memory_access_cap_flags_t sharedCrossDeviceAllocCapabilities;
  ze_memory_access_cap_flags_t sharedSystemAllocCapabilities;
};

struct ze_context_desc_t {
  ze_structure_type_t stype;
  const void* pNext;
  ze_context_flags_t flags;
};

struct ze_device_mem_alloc_desc_t {
  ze_structure_type_t stype;
  const void* pNext;
  ze_device_mem_alloc_flags_t flags;
  uint32_t ordinal;
};

struct ze_host_mem_alloc_desc_t {
  ze_structure_type_t stype;
  const void* pNext;
  ze_host_mem_alloc_flags_t flags;
};

// Chained to a device or shared allocation larger than maxMemAllocSize.
struct ze_relaxed_allocation_limits_exp_desc_t {
  ze_structure_type_t stype;
  const void* pNext;
  ze_relaxed_allocation_limits_exp_flags_t flags;
};

struct ze_command_queue_desc_t {
  ze_structure_type_t stype;
  const void* pNext;
  uint32_t ordinal;
  uint32_t index;
  ze_command_queue_flags_t flags;
  ze_command_queue_mode_t mode;
  ze_command_queue_priority_t priority;
};

struct ze_event_pool_desc_t {
  ze_structure_type_t stype;
  const void* pNext;
  ze_event_pool_flags_t flags;
  uint32_t count;
};

struct ze_event_desc_t {
  ze_structure_type_t stype;
  const void* pNext;
  uint32_t index;
  ze_event_scope_flags_t signal;
  ze_event_scope_flags_t wait;
};

struct ze_kernel_timestamp_data_t {
  uint64_t kernelStart;
  uint64_t kernelEnd;
};

struct ze_kernel_timestamp_result_t {
  ze_kernel_timestamp_data_t global;
  ze_kernel_timestamp_data_t context;
};

struct ze_pci_address_ext_t {
  uint32_t domain;
  uint32_t bus;
  uint32_t device;
  uint32_t function;
};

struct ze_pci_speed_ext_t {
  int32_t genVersion;
  int32_t width;
  int64_t maxBandwidth;
};

struct ze_pci_ext_properties_t {
  ze_structure_type_t stype;
  void* pNext;
  ze_pci_address_ext_t address;
  ze_pci_speed_ext_t maxSpeed;
};

struct zes_mem_state_t {
  zes_structure_type_t stype;
  const void* pNext;
  zes_mem_health_t health;
  uint64_t free;
  uint64_t size;
};

// Core API.
using Fn_zeInit = ze_result_t(ze_init_flags_t flags);
using Fn_zeDriverGet = ze_result_t(uint32_t* pCount, ze_driver_handle_t* phDrivers);
using Fn_zeDeviceGet = ze_result_t(ze_driver_handle_t hDriver, uint32_t* pCount,
                                   ze_device_handle_t* phDevices);
using Fn_zeDeviceGetProperties = ze_result_t(ze_device_handle_t hDevice,
                                             ze_device_properties_t* pDeviceProperties);
using Fn_zeDeviceGetMemoryProperties = ze_result_t(ze_device_handle_t hDevice, uint32_t* pCount,
                                                   ze_device_memory_properties_t* pMemProperties);
using Fn_zeDeviceGetMemoryAccessProperties = ze_result_t(
    ze_device_handle_t hDevice, ze_device_memory_access_properties_t* pMemAccessProperties);
using Fn_zeDevicePciGetPropertiesExt = ze_result_t(ze_device_handle_t hDevice,
                                                   ze_pci_ext_properties_t* pPciProperties);
using Fn_zeContextCreate = ze_result_t(ze_driver_handle_t hDriver, const ze_context_desc_t* desc,
                                       ze_context_handle_t* phContext);
using Fn_zeContextDestroy = ze_result_t(ze_context_handle_t hContext);
using Fn_zeMemAllocDevice = ze_result_t(ze_context_handle_t hContext,
                                        const ze_device_mem_alloc_desc_t* device_desc, size_t size,
                                        size_t alignment, ze_device_handle_t hDevice, void** pptr);
using Fn_zeMemAllocHost = ze_result_t(ze_context_handle_t hContext,
                                      const ze_host_mem_alloc_desc_t* host_desc, size_t size,
                                      size_t alignment, void** pptr);
using Fn_zeMemAllocShared = ze_result_t(ze_context_handle_t hContext,
                                        const ze_device_mem_alloc_desc_t* device_desc,
                                        const ze_host_mem_alloc_desc_t* host_desc, size_t size,
                                        size_t alignment, ze_device_handle_t hDevice, void** pptr);
using Fn_zeMemFree = ze_result_t(ze_context_handle_t hContext, void* ptr);
using Fn_zeCommandListCreateImmediate = ze_result_t(ze_context_handle_t hContext,
                                                    ze_device_handle_t hDevice,
                                                    const ze_command_queue_desc_t* altdesc,
                                                    ze_command_list_handle_t* phCommandList);
using Fn_zeCommandListDestroy = ze_result_t(ze_command_list_handle_t hCommandList);
using Fn_zeCommandListAppendMemoryCopy = ze_result_t(ze_command_list_handle_t hCommandList,
                                                     void* dstptr, const void* srcptr, size_t size,
                                                     ze_event_handle_t hSignalEvent,
                                                     uint32_t numWaitEvents,
                                                     ze_event_handle_t* phWaitEvents);
using Fn_zeCommandListAppendMemoryFill = ze_result_t(ze_command_list_handle_t hCommandList,
                                                     void* ptr, const void* pattern,
                                                     size_t pattern_size, size_t size,
                                                     ze_event_handle_t hSignalEvent,
                                                     uint32_t numWaitEvents,
                                                     ze_event_handle_t* phWaitEvents);
using Fn_zeCommandListAppendMemoryPrefetch = ze_result_t(ze_command_list_handle_t hCommandList,
                                                         const void* ptr, size_t size);
using Fn_zeCommandListAppendMemAdvise = ze_result_t(ze_command_list_handle_t hCommandList,
                                                    ze_device_handle_t hDevice, const void* ptr,
                                                    size_t size, ze_memory_advice_t advice);
using Fn_zeCommandListAppendSignalEvent = ze_result_t(ze_command_list_handle_t hCommandList,
                                                      ze_event_handle_t hEvent);
using Fn_zeEventPoolCreate = ze_result_t(ze_context_handle_t hContext,
                                         const ze_event_pool_desc_t* desc, uint32_t numDevices,
                                         ze_device_handle_t* phDevices,
                                         ze_event_pool_handle_t* phEventPool);
using Fn_zeEventPoolDestroy = ze_result_t(ze_event_pool_handle_t hEventPool);
using Fn_zeEventCreate = ze_result_t(ze_event_pool_handle_t hEventPool, const ze_event_desc_t* desc,
                                     ze_event_handle_t* phEvent);
using Fn_zeEventDestroy = ze_result_t(ze_event_handle_t hEvent);
using Fn_zeEventHostSynchronize = ze_result_t(ze_event_handle_t hEvent, uint64_t timeout);
using Fn_zeEventQueryStatus = ze_result_t(ze_event_handle_t hEvent);
using Fn_zeEventHostReset = ze_result_t(ze_event_handle_t hEvent);
using Fn_zeEventQueryKernelTimestamp = ze_result_t(ze_event_handle_t hEvent,
                                                   ze_kernel_timestamp_result_t* dstptr);

// Sysman (free device memory; needs ZES_ENABLE_SYSMAN=1 before zeInit).
using Fn_zesDeviceEnumMemoryModules = ze_result_t(zes_device_handle_t hDevice, uint32_t* pCount,
                                                  zes_mem_handle_t* phMemory);
using Fn_zesMemoryGetState = ze_result_t(zes_mem_handle_t hMemory, zes_mem_state_t* pState);

}  // namespace spillway::levelzero::abi

#endif  // SPILLWAY_BACKENDS_LEVELZERO_ZE_ABI_H_
