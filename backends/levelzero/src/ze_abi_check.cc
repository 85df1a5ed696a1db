// Compile-time proof that spillway's own Level Zero declarations (ze_abi.h)
// agree with the ze_api.h and zes_api.h of the installed loader (Debian's
// libze-dev): every prototype, every value, every struct layout. Compiled
// only when the headers are present; a mismatch fails the build. Nothing here
// runs.
//
// Prototypes are compared after normalizing both sides: ze_api.h declares
// enumerations and its own struct types where spillway uses uint32_t and its
// own structs of the same layout (checked below), so each parameter type is
// mapped to spillway's before std::is_same compares the function types.
// Handle types need no mapping: both sides use the same struct tags.
#include <level_zero/ze_api.h>
#include <level_zero/zes_api.h>

#include <cstddef>
#include <type_traits>

#include "spillway/backends/levelzero/ze_abi.h"

namespace spillway::levelzero::abi_check {
namespace abi = ::spillway::levelzero::abi;

template <typename T>
struct Norm {
  using type = T;
};
template <typename T>
requires std::is_enum_v<T>
struct Norm<T> {
  static_assert(sizeof(T) == sizeof(uint32_t), "a Level Zero enumeration is not 32-bit");
  using type = uint32_t;
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
#define SPILLWAY_NORM_STRUCT(name) \
  template <>                      \
  struct Norm<::name> {            \
    using type = abi::name;        \
  }
SPILLWAY_NORM_STRUCT(ze_device_properties_t);
SPILLWAY_NORM_STRUCT(ze_device_memory_properties_t);
SPILLWAY_NORM_STRUCT(ze_device_memory_access_properties_t);
SPILLWAY_NORM_STRUCT(ze_context_desc_t);
SPILLWAY_NORM_STRUCT(ze_device_mem_alloc_desc_t);
SPILLWAY_NORM_STRUCT(ze_host_mem_alloc_desc_t);
SPILLWAY_NORM_STRUCT(ze_command_queue_desc_t);
SPILLWAY_NORM_STRUCT(ze_event_pool_desc_t);
SPILLWAY_NORM_STRUCT(ze_event_desc_t);
SPILLWAY_NORM_STRUCT(ze_kernel_timestamp_result_t);
SPILLWAY_NORM_STRUCT(ze_pci_ext_properties_t);
SPILLWAY_NORM_STRUCT(zes_mem_state_t);
#undef SPILLWAY_NORM_STRUCT

template <typename Theirs, typename Ours>
inline constexpr bool kSame =
    std::is_same_v<typename Norm<std::remove_pointer_t<Theirs>>::type, typename Norm<Ours>::type>;

#define SPILLWAY_CHECK_PROTOTYPE(name) \
  static_assert(kSame<decltype(&::name), abi::Fn_##name>, #name " disagrees with ze_api.h")
SPILLWAY_CHECK_PROTOTYPE(zeInit);
SPILLWAY_CHECK_PROTOTYPE(zeDriverGet);
SPILLWAY_CHECK_PROTOTYPE(zeDeviceGet);
SPILLWAY_CHECK_PROTOTYPE(zeDeviceGetProperties);
SPILLWAY_CHECK_PROTOTYPE(zeDeviceGetMemoryProperties);
SPILLWAY_CHECK_PROTOTYPE(zeDeviceGetMemoryAccessProperties);
SPILLWAY_CHECK_PROTOTYPE(zeDevicePciGetPropertiesExt);
SPILLWAY_CHECK_PROTOTYPE(zeContextCreate);
SPILLWAY_CHECK_PROTOTYPE(zeContextDestroy);
SPILLWAY_CHECK_PROTOTYPE(zeMemAllocDevice);
SPILLWAY_CHECK_PROTOTYPE(zeMemAllocHost);
SPILLWAY_CHECK_PROTOTYPE(zeMemAllocShared);
SPILLWAY_CHECK_PROTOTYPE(zeMemFree);
SPILLWAY_CHECK_PROTOTYPE(zeCommandListCreateImmediate);
SPILLWAY_CHECK_PROTOTYPE(zeCommandListDestroy);
SPILLWAY_CHECK_PROTOTYPE(zeCommandListAppendMemoryCopy);
SPILLWAY_CHECK_PROTOTYPE(zeCommandListAppendMemoryFill);
SPILLWAY_CHECK_PROTOTYPE(zeCommandListAppendMemoryPrefetch);
SPILLWAY_CHECK_PROTOTYPE(zeCommandListAppendMemAdvise);
SPILLWAY_CHECK_PROTOTYPE(zeCommandListAppendSignalEvent);
SPILLWAY_CHECK_PROTOTYPE(zeEventPoolCreate);
SPILLWAY_CHECK_PROTOTYPE(zeEventPoolDestroy);
SPILLWAY_CHECK_PROTOTYPE(zeEventCreate);
SPILLWAY_CHECK_PROTOTYPE(zeEventDestroy);
SPILLWAY_CHECK_PROTOTYPE(zeEventHostSynchronize);
SPILLWAY_CHECK_PROTOTYPE(zeEventQueryStatus);
SPILLWAY_CHECK_PROTOTYPE(zeEventHostReset);
SPILLWAY_CHECK_PROTOTYPE(zeEventQueryKernelTimestamp);
SPILLWAY_CHECK_PROTOTYPE(zesDeviceEnumMemoryModules);
SPILLWAY_CHECK_PROTOTYPE(zesMemoryGetState);
#undef SPILLWAY_CHECK_PROTOTYPE

// Handles are the same types.
static_assert(std::is_same_v<::ze_driver_handle_t, abi::ze_driver_handle_t>);
static_assert(std::is_same_v<::ze_device_handle_t, abi::ze_device_handle_t>);
static_assert(std::is_same_v<::ze_context_handle_t, abi::ze_context_handle_t>);
static_assert(std::is_same_v<::ze_command_list_handle_t, abi::ze_command_list_handle_t>);
static_assert(std::is_same_v<::ze_event_pool_handle_t, abi::ze_event_pool_handle_t>);
static_assert(std::is_same_v<::ze_event_handle_t, abi::ze_event_handle_t>);
static_assert(std::is_same_v<::zes_device_handle_t, abi::zes_device_handle_t>);
static_assert(std::is_same_v<::zes_mem_handle_t, abi::zes_mem_handle_t>);

// Struct layouts: size, and the offset and size of every field.
#define SPILLWAY_CHECK_SIZE(type) \
  static_assert(sizeof(::type) == sizeof(abi::type), #type " size differs")
#define SPILLWAY_CHECK_FIELD(type, field)                                \
  static_assert(offsetof(::type, field) == offsetof(abi::type, field) && \
                    sizeof(::type::field) == sizeof(abi::type::field),   \
                #type "." #field " differs")
SPILLWAY_CHECK_SIZE(ze_device_uuid_t);
SPILLWAY_CHECK_SIZE(ze_device_properties_t);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, stype);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, pNext);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, type);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, vendorId);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, deviceId);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, flags);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, subdeviceId);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, coreClockRate);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, maxMemAllocSize);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, maxHardwareContexts);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, maxCommandQueuePriority);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, numThreadsPerEU);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, physicalEUSimdWidth);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, numEUsPerSubslice);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, numSubslicesPerSlice);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, numSlices);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, timerResolution);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, timestampValidBits);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, kernelTimestampValidBits);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, uuid);
SPILLWAY_CHECK_FIELD(ze_device_properties_t, name);
SPILLWAY_CHECK_SIZE(ze_device_memory_properties_t);
SPILLWAY_CHECK_FIELD(ze_device_memory_properties_t, stype);
SPILLWAY_CHECK_FIELD(ze_device_memory_properties_t, pNext);
SPILLWAY_CHECK_FIELD(ze_device_memory_properties_t, flags);
SPILLWAY_CHECK_FIELD(ze_device_memory_properties_t, maxClockRate);
SPILLWAY_CHECK_FIELD(ze_device_memory_properties_t, maxBusWidth);
SPILLWAY_CHECK_FIELD(ze_device_memory_properties_t, totalSize);
SPILLWAY_CHECK_FIELD(ze_device_memory_properties_t, name);
SPILLWAY_CHECK_SIZE(ze_device_memory_access_properties_t);
SPILLWAY_CHECK_FIELD(ze_device_memory_access_properties_t, stype);
SPILLWAY_CHECK_FIELD(ze_device_memory_access_properties_t, pNext);
SPILLWAY_CHECK_FIELD(ze_device_memory_access_properties_t, hostAllocCapabilities);
SPILLWAY_CHECK_FIELD(ze_device_memory_access_properties_t, deviceAllocCapabilities);
SPILLWAY_CHECK_FIELD(ze_device_memory_access_properties_t, sharedSingleDeviceAllocCapabilities);
SPILLWAY_CHECK_FIELD(ze_device_memory_access_properties_t, sharedCrossDeviceAllocCapabilities);
SPILLWAY_CHECK_FIELD(ze_device_memory_access_properties_t, sharedSystemAllocCapabilities);
SPILLWAY_CHECK_SIZE(ze_context_desc_t);
SPILLWAY_CHECK_FIELD(ze_context_desc_t, stype);
SPILLWAY_CHECK_FIELD(ze_context_desc_t, pNext);
SPILLWAY_CHECK_FIELD(ze_context_desc_t, flags);
SPILLWAY_CHECK_SIZE(ze_device_mem_alloc_desc_t);
SPILLWAY_CHECK_FIELD(ze_device_mem_alloc_desc_t, stype);
SPILLWAY_CHECK_FIELD(ze_device_mem_alloc_desc_t, pNext);
SPILLWAY_CHECK_FIELD(ze_device_mem_alloc_desc_t, flags);
SPILLWAY_CHECK_FIELD(ze_device_mem_alloc_desc_t, ordinal);
SPILLWAY_CHECK_SIZE(ze_host_mem_alloc_desc_t);
SPILLWAY_CHECK_FIELD(ze_host_mem_alloc_desc_t, stype);
SPILLWAY_CHECK_FIELD(ze_host_mem_alloc_desc_t, pNext);
SPILLWAY_CHECK_FIELD(ze_host_mem_alloc_desc_t, flags);
SPILLWAY_CHECK_SIZE(ze_relaxed_allocation_limits_exp_desc_t);
SPILLWAY_CHECK_FIELD(ze_relaxed_allocation_limits_exp_desc_t, stype);
SPILLWAY_CHECK_FIELD(ze_relaxed_allocation_limits_exp_desc_t, pNext);
SPILLWAY_CHECK_FIELD(ze_relaxed_allocation_limits_exp_desc_t, flags);
SPILLWAY_CHECK_SIZE(ze_command_queue_desc_t);
SPILLWAY_CHECK_FIELD(ze_command_queue_desc_t, stype);
SPILLWAY_CHECK_FIELD(ze_command_queue_desc_t, pNext);
SPILLWAY_CHECK_FIELD(ze_command_queue_desc_t, ordinal);
SPILLWAY_CHECK_FIELD(ze_command_queue_desc_t, index);
SPILLWAY_CHECK_FIELD(ze_command_queue_desc_t, flags);
SPILLWAY_CHECK_FIELD(ze_command_queue_desc_t, mode);
SPILLWAY_CHECK_FIELD(ze_command_queue_desc_t, priority);
SPILLWAY_CHECK_SIZE(ze_event_pool_desc_t);
SPILLWAY_CHECK_FIELD(ze_event_pool_desc_t, stype);
SPILLWAY_CHECK_FIELD(ze_event_pool_desc_t, pNext);
SPILLWAY_CHECK_FIELD(ze_event_pool_desc_t, flags);
SPILLWAY_CHECK_FIELD(ze_event_pool_desc_t, count);
SPILLWAY_CHECK_SIZE(ze_event_desc_t);
SPILLWAY_CHECK_FIELD(ze_event_desc_t, stype);
SPILLWAY_CHECK_FIELD(ze_event_desc_t, pNext);
SPILLWAY_CHECK_FIELD(ze_event_desc_t, index);
SPILLWAY_CHECK_FIELD(ze_event_desc_t, signal);
SPILLWAY_CHECK_FIELD(ze_event_desc_t, wait);
SPILLWAY_CHECK_SIZE(ze_kernel_timestamp_data_t);
SPILLWAY_CHECK_FIELD(ze_kernel_timestamp_data_t, kernelStart);
SPILLWAY_CHECK_FIELD(ze_kernel_timestamp_data_t, kernelEnd);
SPILLWAY_CHECK_SIZE(ze_kernel_timestamp_result_t);
SPILLWAY_CHECK_FIELD(ze_kernel_timestamp_result_t, global);
SPILLWAY_CHECK_FIELD(ze_kernel_timestamp_result_t, context);
SPILLWAY_CHECK_SIZE(ze_pci_address_ext_t);
SPILLWAY_CHECK_FIELD(ze_pci_address_ext_t, domain);
SPILLWAY_CHECK_FIELD(ze_pci_address_ext_t, bus);
SPILLWAY_CHECK_FIELD(ze_pci_address_ext_t, device);
SPILLWAY_CHECK_FIELD(ze_pci_address_ext_t, function);
SPILLWAY_CHECK_SIZE(ze_pci_speed_ext_t);
SPILLWAY_CHECK_SIZE(ze_pci_ext_properties_t);
SPILLWAY_CHECK_FIELD(ze_pci_ext_properties_t, stype);
SPILLWAY_CHECK_FIELD(ze_pci_ext_properties_t, pNext);
SPILLWAY_CHECK_FIELD(ze_pci_ext_properties_t, address);
SPILLWAY_CHECK_FIELD(ze_pci_ext_properties_t, maxSpeed);
SPILLWAY_CHECK_SIZE(zes_mem_state_t);
SPILLWAY_CHECK_FIELD(zes_mem_state_t, stype);
SPILLWAY_CHECK_FIELD(zes_mem_state_t, pNext);
SPILLWAY_CHECK_FIELD(zes_mem_state_t, health);
SPILLWAY_CHECK_FIELD(zes_mem_state_t, free);
SPILLWAY_CHECK_FIELD(zes_mem_state_t, size);
#undef SPILLWAY_CHECK_FIELD
#undef SPILLWAY_CHECK_SIZE

// Values.
#define SPILLWAY_CHECK_VALUE(ours, theirs) \
  static_assert(abi::ours == static_cast<uint64_t>(theirs), #ours " != " #theirs)
SPILLWAY_CHECK_VALUE(kMaxDeviceNameSize, ZE_MAX_DEVICE_NAME);
SPILLWAY_CHECK_VALUE(kMaxDeviceUuidSize, ZE_MAX_DEVICE_UUID_SIZE);
SPILLWAY_CHECK_VALUE(kSuccess, ZE_RESULT_SUCCESS);
SPILLWAY_CHECK_VALUE(kNotReady, ZE_RESULT_NOT_READY);
SPILLWAY_CHECK_VALUE(kErrorDeviceLost, ZE_RESULT_ERROR_DEVICE_LOST);
SPILLWAY_CHECK_VALUE(kErrorOutOfHostMemory, ZE_RESULT_ERROR_OUT_OF_HOST_MEMORY);
SPILLWAY_CHECK_VALUE(kErrorOutOfDeviceMemory, ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY);
SPILLWAY_CHECK_VALUE(kErrorNotAvailable, ZE_RESULT_ERROR_NOT_AVAILABLE);
SPILLWAY_CHECK_VALUE(kErrorUninitialized, ZE_RESULT_ERROR_UNINITIALIZED);
SPILLWAY_CHECK_VALUE(kErrorUnsupportedVersion, ZE_RESULT_ERROR_UNSUPPORTED_VERSION);
SPILLWAY_CHECK_VALUE(kErrorUnsupportedFeature, ZE_RESULT_ERROR_UNSUPPORTED_FEATURE);
SPILLWAY_CHECK_VALUE(kErrorInvalidArgument, ZE_RESULT_ERROR_INVALID_ARGUMENT);
SPILLWAY_CHECK_VALUE(kErrorInvalidNullHandle, ZE_RESULT_ERROR_INVALID_NULL_HANDLE);
SPILLWAY_CHECK_VALUE(kErrorInvalidNullPointer, ZE_RESULT_ERROR_INVALID_NULL_POINTER);
SPILLWAY_CHECK_VALUE(kErrorInvalidSize, ZE_RESULT_ERROR_INVALID_SIZE);
SPILLWAY_CHECK_VALUE(kErrorUnsupportedSize, ZE_RESULT_ERROR_UNSUPPORTED_SIZE);
SPILLWAY_CHECK_VALUE(kErrorUnsupportedAlignment, ZE_RESULT_ERROR_UNSUPPORTED_ALIGNMENT);
SPILLWAY_CHECK_VALUE(kErrorInvalidEnumeration, ZE_RESULT_ERROR_INVALID_ENUMERATION);
SPILLWAY_CHECK_VALUE(kErrorUnsupportedEnumeration, ZE_RESULT_ERROR_UNSUPPORTED_ENUMERATION);
SPILLWAY_CHECK_VALUE(kErrorOverlappingRegions, ZE_RESULT_ERROR_OVERLAPPING_REGIONS);
SPILLWAY_CHECK_VALUE(kErrorUnknown, ZE_RESULT_ERROR_UNKNOWN);
SPILLWAY_CHECK_VALUE(kStructureTypeDeviceProperties, ZE_STRUCTURE_TYPE_DEVICE_PROPERTIES);
SPILLWAY_CHECK_VALUE(kStructureTypeDeviceMemoryProperties,
                     ZE_STRUCTURE_TYPE_DEVICE_MEMORY_PROPERTIES);
SPILLWAY_CHECK_VALUE(kStructureTypeDeviceMemoryAccessProperties,
                     ZE_STRUCTURE_TYPE_DEVICE_MEMORY_ACCESS_PROPERTIES);
SPILLWAY_CHECK_VALUE(kStructureTypeContextDesc, ZE_STRUCTURE_TYPE_CONTEXT_DESC);
SPILLWAY_CHECK_VALUE(kStructureTypeCommandQueueDesc, ZE_STRUCTURE_TYPE_COMMAND_QUEUE_DESC);
SPILLWAY_CHECK_VALUE(kStructureTypeEventPoolDesc, ZE_STRUCTURE_TYPE_EVENT_POOL_DESC);
SPILLWAY_CHECK_VALUE(kStructureTypeEventDesc, ZE_STRUCTURE_TYPE_EVENT_DESC);
SPILLWAY_CHECK_VALUE(kStructureTypeDeviceMemAllocDesc, ZE_STRUCTURE_TYPE_DEVICE_MEM_ALLOC_DESC);
SPILLWAY_CHECK_VALUE(kStructureTypeHostMemAllocDesc, ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC);
SPILLWAY_CHECK_VALUE(kStructureTypePciExtProperties, ZE_STRUCTURE_TYPE_PCI_EXT_PROPERTIES);
SPILLWAY_CHECK_VALUE(kStructureTypeRelaxedAllocationLimitsExpDesc,
                     ZE_STRUCTURE_TYPE_RELAXED_ALLOCATION_LIMITS_EXP_DESC);
SPILLWAY_CHECK_VALUE(kStructureTypeMemState, ZES_STRUCTURE_TYPE_MEM_STATE);
SPILLWAY_CHECK_VALUE(kDeviceTypeGpu, ZE_DEVICE_TYPE_GPU);
SPILLWAY_CHECK_VALUE(kMemoryAccessCapRw, ZE_MEMORY_ACCESS_CAP_FLAG_RW);
SPILLWAY_CHECK_VALUE(kMemoryAccessCapAtomic, ZE_MEMORY_ACCESS_CAP_FLAG_ATOMIC);
SPILLWAY_CHECK_VALUE(kMemoryAccessCapConcurrent, ZE_MEMORY_ACCESS_CAP_FLAG_CONCURRENT);
SPILLWAY_CHECK_VALUE(kMemoryAccessCapConcurrentAtomic, ZE_MEMORY_ACCESS_CAP_FLAG_CONCURRENT_ATOMIC);
SPILLWAY_CHECK_VALUE(kRelaxedAllocationLimitsMaxSize,
                     ZE_RELAXED_ALLOCATION_LIMITS_EXP_FLAG_MAX_SIZE);
SPILLWAY_CHECK_VALUE(kCommandQueueModeAsynchronous, ZE_COMMAND_QUEUE_MODE_ASYNCHRONOUS);
SPILLWAY_CHECK_VALUE(kCommandQueuePriorityNormal, ZE_COMMAND_QUEUE_PRIORITY_NORMAL);
SPILLWAY_CHECK_VALUE(kEventPoolFlagHostVisible, ZE_EVENT_POOL_FLAG_HOST_VISIBLE);
SPILLWAY_CHECK_VALUE(kEventPoolFlagKernelTimestamp, ZE_EVENT_POOL_FLAG_KERNEL_TIMESTAMP);
SPILLWAY_CHECK_VALUE(kEventScopeFlagHost, ZE_EVENT_SCOPE_FLAG_HOST);
SPILLWAY_CHECK_VALUE(kMemoryAdviceSetReadMostly, ZE_MEMORY_ADVICE_SET_READ_MOSTLY);
SPILLWAY_CHECK_VALUE(kMemoryAdviceClearReadMostly, ZE_MEMORY_ADVICE_CLEAR_READ_MOSTLY);
SPILLWAY_CHECK_VALUE(kMemoryAdviceSetPreferredLocation, ZE_MEMORY_ADVICE_SET_PREFERRED_LOCATION);
SPILLWAY_CHECK_VALUE(kMemoryAdviceClearPreferredLocation,
                     ZE_MEMORY_ADVICE_CLEAR_PREFERRED_LOCATION);
#undef SPILLWAY_CHECK_VALUE

}  // namespace spillway::levelzero::abi_check
