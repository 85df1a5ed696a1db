// The core API of the fake Level Zero driver and the DDI tables the loader
// reads it through (ze_ddi.h). Only what the Level Zero backend uses is
// filled in; every other entry stays null, which the loader reports as
// ZE_RESULT_ERROR_UNSUPPORTED_FEATURE. Like a careful driver, it checks
// structure types, handles, enumerations and flags, and refuses what a real
// GPU could not do: a fill of memory that is no USM allocation, an allocation
// beyond maxMemAllocSize without the relaxed-limits descriptor, a wait on an
// event nobody will signal (a real driver would wait until the timeout).
#include <level_zero/ze_ddi.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include "fake_ze_driver.h"
#include "spillway/backends/fake/fake_device.h"
#include "spillway/hal/types.h"

namespace spillway::fake_ze {
namespace {

#define FAKE_ZE_DRIVER_OR_RETURN(var)      \
  FakeZeDriver* var = FakeZeDriver::Get(); \
  if (var == nullptr || !var->initialized()) return ZE_RESULT_ERROR_UNINITIALIZED

bool IsPowerOfTwoOrZero(size_t value) { return (value & (value - 1)) == 0; }

// Whether a pNext chain carries the relaxed allocation limits for size.
bool RelaxesMaxSize(const void* next) {
  for (int depth = 0; next != nullptr && depth < 16; ++depth) {
    const auto* base = static_cast<const ze_base_desc_t*>(next);
    if (base->stype == ZE_STRUCTURE_TYPE_RELAXED_ALLOCATION_LIMITS_EXP_DESC) {
      const auto* relaxed = static_cast<const ze_relaxed_allocation_limits_exp_desc_t*>(next);
      if (relaxed->flags & ZE_RELAXED_ALLOCATION_LIMITS_EXP_FLAG_MAX_SIZE) return true;
    }
    next = base->pNext;
  }
  return false;
}

// ---- Global and driver -------------------------------------------------------

ze_result_t Init(ze_init_flags_t flags) {
  if ((flags & ~(ZE_INIT_FLAG_GPU_ONLY | ZE_INIT_FLAG_VPU_ONLY)) != 0) {
    return ZE_RESULT_ERROR_INVALID_ENUMERATION;
  }
  if (flags == ZE_INIT_FLAG_VPU_ONLY) return ZE_RESULT_ERROR_UNINITIALIZED;  // a GPU driver
  FakeZeDriver* driver = FakeZeDriver::Get();
  return driver == nullptr ? ZE_RESULT_ERROR_UNINITIALIZED : driver->Initialize();
}

ze_result_t DriverGet(uint32_t* pCount, ze_driver_handle_t* phDrivers) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (pCount == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (*pCount == 0 || phDrivers == nullptr) {
    *pCount = 1;
    return ZE_RESULT_SUCCESS;
  }
  phDrivers[0] = driver->driver();
  *pCount = 1;
  return ZE_RESULT_SUCCESS;
}

ze_result_t DriverGetApiVersion(ze_driver_handle_t hDriver, ze_api_version_t* version) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (hDriver != driver->driver()) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (version == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  *version = ZE_API_VERSION_1_4;
  return ZE_RESULT_SUCCESS;
}

ze_result_t DriverGetProperties(ze_driver_handle_t hDriver, ze_driver_properties_t* properties) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (hDriver != driver->driver()) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (properties == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  std::memset(properties->uuid.id, 0x5b, sizeof(properties->uuid.id));
  properties->driverVersion = 1;
  return ZE_RESULT_SUCCESS;
}

// ---- Devices -----------------------------------------------------------------

ze_result_t DeviceGet(ze_driver_handle_t hDriver, uint32_t* pCount, ze_device_handle_t* phDevices) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (hDriver != driver->driver()) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (pCount == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  const auto total = static_cast<uint32_t>(driver->device_count());
  if (*pCount == 0 || phDevices == nullptr) {
    *pCount = total;
    return ZE_RESULT_SUCCESS;
  }
  const uint32_t n = std::min(*pCount, total);
  for (uint32_t i = 0; i < n; ++i) phDevices[i] = driver->device(static_cast<int>(i));
  *pCount = n;
  return ZE_RESULT_SUCCESS;
}

ze_result_t DeviceGetSubDevices(ze_device_handle_t hDevice, uint32_t* pCount, ze_device_handle_t*) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsDevice(hDevice)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (pCount == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  *pCount = 0;
  return ZE_RESULT_SUCCESS;
}

ze_result_t DeviceGetProperties(ze_device_handle_t hDevice, ze_device_properties_t* p) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsDevice(hDevice)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (p == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (p->stype != ZE_STRUCTURE_TYPE_DEVICE_PROPERTIES &&
      p->stype != ZE_STRUCTURE_TYPE_DEVICE_PROPERTIES_1_2) {
    return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  }
  const hal::DeviceProperties& props = hDevice->device->properties();
  p->type = ZE_DEVICE_TYPE_GPU;
  p->vendorId = kVendorId;
  p->deviceId = 0x0001;
  p->flags = 0;
  p->subdeviceId = 0;
  p->coreClockRate = 1000;
  p->maxMemAllocSize = driver->max_alloc_size(hDevice->ordinal);
  p->maxHardwareContexts = 64;
  p->maxCommandQueuePriority = 0;
  p->numThreadsPerEU = 8;
  p->physicalEUSimdWidth = 8;
  p->numEUsPerSubslice = 8;
  p->numSubslicesPerSlice = 4;
  p->numSlices = 1;
  // The modeled clock counts nanoseconds: 1 ns per tick, or 1e9 ticks per
  // second for the 1.2 form of the structure.
  p->timerResolution = p->stype == ZE_STRUCTURE_TYPE_DEVICE_PROPERTIES ? 1 : 1000000000;
  p->timestampValidBits = kTimestampValidBits;
  p->kernelTimestampValidBits = kTimestampValidBits;
  std::memcpy(p->uuid.id, props.uuid.data(), sizeof(p->uuid.id));
  std::snprintf(p->name, sizeof(p->name), "%s", props.name.c_str());
  return ZE_RESULT_SUCCESS;
}

ze_result_t DeviceGetMemoryProperties(ze_device_handle_t hDevice, uint32_t* pCount,
                                      ze_device_memory_properties_t* pMemProperties) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsDevice(hDevice)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (pCount == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (*pCount == 0 || pMemProperties == nullptr) {
    *pCount = 1;
    return ZE_RESULT_SUCCESS;
  }
  if (pMemProperties->stype != ZE_STRUCTURE_TYPE_DEVICE_MEMORY_PROPERTIES) {
    return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  }
  pMemProperties->flags = 0;
  pMemProperties->maxClockRate = 1000;
  pMemProperties->maxBusWidth = 256;
  pMemProperties->totalSize = hDevice->device->properties().total_memory;
  std::snprintf(pMemProperties->name, sizeof(pMemProperties->name), "HBM");
  *pCount = 1;
  return ZE_RESULT_SUCCESS;
}

ze_result_t DeviceGetMemoryAccessProperties(ze_device_handle_t hDevice,
                                            ze_device_memory_access_properties_t* p) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsDevice(hDevice)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (p == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (p->stype != ZE_STRUCTURE_TYPE_DEVICE_MEMORY_ACCESS_PROPERTIES) {
    return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  }
  const hal::DeviceProperties& props = hDevice->device->properties();
  const ze_memory_access_cap_flags_t all =
      ZE_MEMORY_ACCESS_CAP_FLAG_RW | ZE_MEMORY_ACCESS_CAP_FLAG_ATOMIC |
      ZE_MEMORY_ACCESS_CAP_FLAG_CONCURRENT | ZE_MEMORY_ACCESS_CAP_FLAG_CONCURRENT_ATOMIC;
  p->hostAllocCapabilities = props.Has(hal::kCapHostMappedMemory) ? all : 0;
  p->deviceAllocCapabilities = ZE_MEMORY_ACCESS_CAP_FLAG_RW | ZE_MEMORY_ACCESS_CAP_FLAG_ATOMIC;
  p->sharedSingleDeviceAllocCapabilities = props.Has(hal::kCapManagedMemory) ? all : 0;
  p->sharedCrossDeviceAllocCapabilities = 0;
  p->sharedSystemAllocCapabilities = 0;  // no system USM: malloc'ed memory is not the device's
  return ZE_RESULT_SUCCESS;
}

ze_result_t DevicePciGetPropertiesExt(ze_device_handle_t hDevice, ze_pci_ext_properties_t* p) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsDevice(hDevice)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (p == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (p->stype != ZE_STRUCTURE_TYPE_PCI_EXT_PROPERTIES) return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  unsigned domain = 0, bus = 0, dev = 0, function = 0;
  if (std::sscanf(hDevice->device->properties().pci_bus_id.c_str(), "%x:%x:%x.%x", &domain, &bus,
                  &dev, &function) != 4) {
    return ZE_RESULT_ERROR_UNSUPPORTED_FEATURE;
  }
  p->address = {domain, bus, dev, function};
  p->maxSpeed = {4, 16, 25000000000};
  return ZE_RESULT_SUCCESS;
}

// ---- Contexts and memory -----------------------------------------------------

ze_result_t ContextCreate(ze_driver_handle_t hDriver, const ze_context_desc_t* desc,
                          ze_context_handle_t* phContext) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (hDriver != driver->driver()) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (desc == nullptr || phContext == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (desc->stype != ZE_STRUCTURE_TYPE_CONTEXT_DESC) return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  *phContext = driver->Add(std::make_unique<_ze_context_handle_t>());
  return ZE_RESULT_SUCCESS;
}

ze_result_t ContextDestroy(ze_context_handle_t hContext) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  return driver->Remove(hContext) ? ZE_RESULT_SUCCESS : ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
}

// The shared checks of the three allocation calls.
ze_result_t CheckAllocation(FakeZeDriver* driver, ze_context_handle_t hContext, size_t size,
                            size_t alignment, void** pptr) {
  if (!driver->IsContext(hContext)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (pptr == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (!IsPowerOfTwoOrZero(alignment)) return ZE_RESULT_ERROR_UNSUPPORTED_ALIGNMENT;
  if (size == 0) return ZE_RESULT_ERROR_UNSUPPORTED_SIZE;
  return ZE_RESULT_SUCCESS;
}

ze_result_t CheckDeviceDesc(FakeZeDriver* driver, const ze_device_mem_alloc_desc_t* desc,
                            size_t size, int ordinal) {
  if (desc == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (desc->stype != ZE_STRUCTURE_TYPE_DEVICE_MEM_ALLOC_DESC)
    return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  if (desc->ordinal != 0) return ZE_RESULT_ERROR_INVALID_ARGUMENT;  // one memory per device
  if (size > driver->max_alloc_size(ordinal) && !RelaxesMaxSize(desc->pNext)) {
    return ZE_RESULT_ERROR_UNSUPPORTED_SIZE;
  }
  return ZE_RESULT_SUCCESS;
}

ze_result_t Allocate(ze_device_handle_t device, hal::MemoryKind kind, size_t size, void** pptr) {
  absl::StatusOr<void*> ptr = device->device->Allocate(kind, size);
  if (!ptr.ok()) return ToZeResult(ptr.status(), kind != hal::MemoryKind::kHost);
  *pptr = *ptr;
  return ZE_RESULT_SUCCESS;
}

ze_result_t MemAllocDevice(ze_context_handle_t hContext, const ze_device_mem_alloc_desc_t* desc,
                           size_t size, size_t alignment, ze_device_handle_t hDevice, void** pptr) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (ze_result_t r = CheckAllocation(driver, hContext, size, alignment, pptr); r != 0) return r;
  if (!driver->IsDevice(hDevice)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (ze_result_t r = CheckDeviceDesc(driver, desc, size, hDevice->ordinal); r != 0) return r;
  return Allocate(hDevice, hal::MemoryKind::kDevice, size, pptr);
}

ze_result_t MemAllocHost(ze_context_handle_t hContext, const ze_host_mem_alloc_desc_t* desc,
                         size_t size, size_t alignment, void** pptr) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (ze_result_t r = CheckAllocation(driver, hContext, size, alignment, pptr); r != 0) return r;
  if (desc == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (desc->stype != ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC) return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  // Host allocations belong to the context, not to a device: the simulator
  // keeps them on device 0.
  return Allocate(driver->device(0), hal::MemoryKind::kHost, size, pptr);
}

ze_result_t MemAllocShared(ze_context_handle_t hContext,
                           const ze_device_mem_alloc_desc_t* device_desc,
                           const ze_host_mem_alloc_desc_t* host_desc, size_t size, size_t alignment,
                           ze_device_handle_t hDevice, void** pptr) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (ze_result_t r = CheckAllocation(driver, hContext, size, alignment, pptr); r != 0) return r;
  if (hDevice == nullptr) hDevice = driver->device(0);  // optional: cross-device
  if (!driver->IsDevice(hDevice)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (ze_result_t r = CheckDeviceDesc(driver, device_desc, size, hDevice->ordinal); r != 0)
    return r;
  if (host_desc == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (host_desc->stype != ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC)
    return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  if (!hDevice->device->properties().Has(hal::kCapManagedMemory)) {
    return ZE_RESULT_ERROR_UNSUPPORTED_FEATURE;
  }
  return Allocate(hDevice, hal::MemoryKind::kManaged, size, pptr);
}

ze_result_t MemFree(ze_context_handle_t hContext, void* ptr) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsContext(hContext)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (ptr == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  FakeZeDriver::Owner owner = driver->FindOwner(ptr);
  if (owner.device == nullptr) return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  return ToZeResult(owner.device->device->Free(ptr));
}

// ---- Command lists -----------------------------------------------------------

ze_result_t CommandListCreateImmediate(ze_context_handle_t hContext, ze_device_handle_t hDevice,
                                       const ze_command_queue_desc_t* desc,
                                       ze_command_list_handle_t* phCommandList) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsContext(hContext) || !driver->IsDevice(hDevice)) {
    return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  }
  if (desc == nullptr || phCommandList == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (desc->stype != ZE_STRUCTURE_TYPE_COMMAND_QUEUE_DESC) return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  if (desc->ordinal != 0 || desc->index != 0) return ZE_RESULT_ERROR_INVALID_ARGUMENT;  // one queue
  if (desc->mode > ZE_COMMAND_QUEUE_MODE_ASYNCHRONOUS ||
      desc->priority > ZE_COMMAND_QUEUE_PRIORITY_PRIORITY_HIGH) {
    return ZE_RESULT_ERROR_INVALID_ENUMERATION;
  }
  absl::StatusOr<std::unique_ptr<hal::Stream>> stream = hDevice->device->CreateStream();
  if (!stream.ok()) return ToZeResult(stream.status());
  auto list = std::make_unique<_ze_command_list_handle_t>();
  list->ordinal = hDevice->ordinal;
  list->stream = std::move(*stream);
  *phCommandList = driver->Add(std::move(list));
  return ZE_RESULT_SUCCESS;
}

ze_result_t CommandListDestroy(ze_command_list_handle_t hCommandList) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  return driver->Remove(hCommandList) ? ZE_RESULT_SUCCESS : ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
}

// Signals `event` at the list's modeled time (the fake's work is done at append).
ze_result_t Signal(ze_command_list_handle_t list, ze_event_handle_t event) {
  fake::FakeDevice* device = fake::AsFakeDevice(&list->stream->device());
  const double now = device != nullptr ? device->StreamTimeNs(*list->stream) : 0;
  const uint64_t mask = (uint64_t{1} << kTimestampValidBits) - 1;
  event->timestamp.store(static_cast<uint64_t>(now) & mask);
  event->signaled.store(true);
  return ZE_RESULT_SUCCESS;
}

// The checks every append shares: a live list, a live signal event (or
// none), and wait events that are already signaled (the fake runs work at
// append, so it cannot wait for a signal still to come).
ze_result_t CheckAppend(FakeZeDriver* driver, ze_command_list_handle_t list,
                        ze_event_handle_t signal, uint32_t num_waits, ze_event_handle_t* waits) {
  if (!driver->IsList(list)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (signal != nullptr && !driver->IsEvent(signal)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (num_waits > 0 && waits == nullptr) return ZE_RESULT_ERROR_INVALID_SIZE;
  for (uint32_t i = 0; i < num_waits; ++i) {
    if (!driver->IsEvent(waits[i])) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
    if (!waits[i]->signaled.load()) return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  }
  return ZE_RESULT_SUCCESS;
}

hal::Device& ListDevice(ze_command_list_handle_t list) { return list->stream->device(); }

ze_result_t AppendMemoryCopy(ze_command_list_handle_t hCommandList, void* dstptr,
                             const void* srcptr, size_t size, ze_event_handle_t hSignalEvent,
                             uint32_t numWaitEvents, ze_event_handle_t* phWaitEvents) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (ze_result_t r = CheckAppend(driver, hCommandList, hSignalEvent, numWaitEvents, phWaitEvents);
      r != 0) {
    return r;
  }
  if (dstptr == nullptr || srcptr == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (size > 0) {
    const auto d = reinterpret_cast<uintptr_t>(dstptr);
    const auto s = reinterpret_cast<uintptr_t>(srcptr);
    if (d < s + size && s < d + size) return ZE_RESULT_ERROR_OVERLAPPING_REGIONS;
    const ze_result_t r =
        ToZeResult(ListDevice(hCommandList).CopyAsync(dstptr, srcptr, size, *hCommandList->stream));
    if (r != ZE_RESULT_SUCCESS) return r;
  }
  return hSignalEvent != nullptr ? Signal(hCommandList, hSignalEvent) : ZE_RESULT_SUCCESS;
}

ze_result_t AppendMemoryFill(ze_command_list_handle_t hCommandList, void* ptr, const void* pattern,
                             size_t pattern_size, size_t size, ze_event_handle_t hSignalEvent,
                             uint32_t numWaitEvents, ze_event_handle_t* phWaitEvents) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (ze_result_t r = CheckAppend(driver, hCommandList, hSignalEvent, numWaitEvents, phWaitEvents);
      r != 0) {
    return r;
  }
  if (ptr == nullptr || pattern == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (pattern_size != 1) return ZE_RESULT_ERROR_UNSUPPORTED_SIZE;  // the only size modeled
  // No system USM: the device fills only allocations made through Level Zero.
  if (driver->FindOwner(ptr).device == nullptr) return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  if (size > 0) {
    const ze_result_t r = ToZeResult(
        ListDevice(hCommandList)
            .FillAsync(ptr, *static_cast<const uint8_t*>(pattern), size, *hCommandList->stream));
    if (r != ZE_RESULT_SUCCESS) return r;
  }
  return hSignalEvent != nullptr ? Signal(hCommandList, hSignalEvent) : ZE_RESULT_SUCCESS;
}

ze_result_t AppendMemoryPrefetch(ze_command_list_handle_t hCommandList, const void* ptr,
                                 size_t size) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsList(hCommandList)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (ptr == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  FakeZeDriver::Owner owner = driver->FindOwner(ptr);
  if (owner.device == nullptr || owner.kind != hal::MemoryKind::kManaged) {
    return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  }
  // To the list's device: that is the only destination Level Zero has.
  return ToZeResult(ListDevice(hCommandList)
                        .Prefetch(const_cast<void*>(ptr), size,
                                  hal::Location::Device(hCommandList->ordinal),
                                  *hCommandList->stream));
}

ze_result_t AppendMemAdvise(ze_command_list_handle_t hCommandList, ze_device_handle_t hDevice,
                            const void* ptr, size_t size, ze_memory_advice_t advice) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsList(hCommandList) || !driver->IsDevice(hDevice)) {
    return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  }
  if (ptr == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  FakeZeDriver::Owner owner = driver->FindOwner(ptr);
  if (owner.device == nullptr || owner.kind != hal::MemoryKind::kManaged) {
    return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  }
  hal::Advice hal_advice;
  hal::Location location = hal::Location::Device(hDevice->ordinal);
  switch (static_cast<uint32_t>(advice)) {
    case ZE_MEMORY_ADVICE_SET_READ_MOSTLY:
      hal_advice = hal::Advice::kSetReadMostly;
      break;
    case ZE_MEMORY_ADVICE_CLEAR_READ_MOSTLY:
      hal_advice = hal::Advice::kUnsetReadMostly;
      break;
    case ZE_MEMORY_ADVICE_SET_PREFERRED_LOCATION:
      hal_advice = hal::Advice::kSetPreferredLocation;
      break;
    case ZE_MEMORY_ADVICE_CLEAR_PREFERRED_LOCATION:
      hal_advice = hal::Advice::kUnsetPreferredLocation;
      break;
    case 8:  // ZE_MEMORY_ADVICE_SET_SYSTEM_MEMORY_PREFERRED_LOCATION (spec 1.6)
      hal_advice = hal::Advice::kSetPreferredLocation;
      location = hal::Location::Host();
      break;
    case 9:  // ZE_MEMORY_ADVICE_CLEAR_SYSTEM_MEMORY_PREFERRED_LOCATION (spec 1.6)
      hal_advice = hal::Advice::kUnsetPreferredLocation;
      location = hal::Location::Host();
      break;
    case ZE_MEMORY_ADVICE_SET_NON_ATOMIC_MOSTLY:
    case ZE_MEMORY_ADVICE_CLEAR_NON_ATOMIC_MOSTLY:
    case ZE_MEMORY_ADVICE_BIAS_CACHED:
    case ZE_MEMORY_ADVICE_BIAS_UNCACHED:
      return ZE_RESULT_SUCCESS;  // hints the simulator does not model
    default:
      return ZE_RESULT_ERROR_INVALID_ENUMERATION;
  }
  return ToZeResult(
      owner.device->device->Advise(const_cast<void*>(ptr), size, hal_advice, location));
}

ze_result_t AppendSignalEvent(ze_command_list_handle_t hCommandList, ze_event_handle_t hEvent) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsList(hCommandList) || !driver->IsEvent(hEvent)) {
    return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  }
  return Signal(hCommandList, hEvent);
}

// ---- Events ------------------------------------------------------------------

ze_result_t EventPoolCreate(ze_context_handle_t hContext, const ze_event_pool_desc_t* desc,
                            uint32_t numDevices, ze_device_handle_t* phDevices,
                            ze_event_pool_handle_t* phEventPool) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsContext(hContext)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (desc == nullptr || phEventPool == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (desc->stype != ZE_STRUCTURE_TYPE_EVENT_POOL_DESC) return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  if (desc->count == 0) return ZE_RESULT_ERROR_INVALID_SIZE;
  if ((desc->flags & ~uint32_t{0xf}) != 0) return ZE_RESULT_ERROR_INVALID_ENUMERATION;
  if (numDevices > 0 && phDevices == nullptr) return ZE_RESULT_ERROR_INVALID_SIZE;
  for (uint32_t i = 0; i < numDevices; ++i) {
    if (!driver->IsDevice(phDevices[i])) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  }
  auto pool = std::make_unique<_ze_event_pool_handle_t>();
  pool->flags = desc->flags;
  pool->count = desc->count;
  pool->used.assign(desc->count, false);
  *phEventPool = driver->Add(std::move(pool));
  return ZE_RESULT_SUCCESS;
}

ze_result_t EventPoolDestroy(ze_event_pool_handle_t hEventPool) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  return driver->Remove(hEventPool);
}

ze_result_t EventCreate(ze_event_pool_handle_t hEventPool, const ze_event_desc_t* desc,
                        ze_event_handle_t* phEvent) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsPool(hEventPool)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (desc == nullptr || phEvent == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (desc->stype != ZE_STRUCTURE_TYPE_EVENT_DESC) return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  if (!driver->ClaimEventSlot(hEventPool, desc->index)) return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  auto event = std::make_unique<_ze_event_handle_t>();
  event->pool = hEventPool;
  event->index = desc->index;
  *phEvent = driver->Add(std::move(event));
  return ZE_RESULT_SUCCESS;
}

ze_result_t EventDestroy(ze_event_handle_t hEvent) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  return driver->Remove(hEvent) ? ZE_RESULT_SUCCESS : ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
}

ze_result_t EventHostSynchronize(ze_event_handle_t hEvent, uint64_t) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsEvent(hEvent)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  // Appended work has already run, so a signal that has not come never will:
  // report the timeout instead of waiting forever.
  return hEvent->signaled.load() ? ZE_RESULT_SUCCESS : ZE_RESULT_NOT_READY;
}

ze_result_t EventQueryStatus(ze_event_handle_t hEvent) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsEvent(hEvent)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  return hEvent->signaled.load() ? ZE_RESULT_SUCCESS : ZE_RESULT_NOT_READY;
}

ze_result_t EventHostReset(ze_event_handle_t hEvent) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsEvent(hEvent)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  hEvent->signaled.store(false);
  return ZE_RESULT_SUCCESS;
}

ze_result_t EventQueryKernelTimestamp(ze_event_handle_t hEvent, ze_kernel_timestamp_result_t* dst) {
  FAKE_ZE_DRIVER_OR_RETURN(driver);
  if (!driver->IsEvent(hEvent)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (dst == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (!(hEvent->pool->flags & ZE_EVENT_POOL_FLAG_KERNEL_TIMESTAMP)) {
    return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  }
  if (!hEvent->signaled.load()) return ZE_RESULT_NOT_READY;
  const uint64_t t = hEvent->timestamp.load();
  dst->global = {t, t};
  dst->context = {t, t};
  return ZE_RESULT_SUCCESS;
}

// ---- DDI tables ----------------------------------------------------------------

// The loader passes the API version it was built for; a driver serves any 1.x.
bool SupportedVersion(ze_api_version_t version) {
  return ZE_MAJOR_VERSION(version) == ZE_MAJOR_VERSION(ZE_API_VERSION_CURRENT);
}

}  // namespace
}  // namespace spillway::fake_ze

using namespace ::spillway::fake_ze;  // NOLINT: the tables below name every entry

// The tables read as one entry per line; keep them so.
// clang-format off
#define FAKE_ZE_EXPORT extern "C" __attribute__((visibility("default")))
#define FAKE_ZE_TABLE(name, table_type)                                      \
  FAKE_ZE_EXPORT ze_result_t name(ze_api_version_t version, table_type* t) { \
    if (t == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;           \
    if (!SupportedVersion(version)) return ZE_RESULT_ERROR_UNSUPPORTED_VERSION;
#define FAKE_ZE_END_TABLE \
  return ZE_RESULT_SUCCESS; \
  }

FAKE_ZE_TABLE(zeGetGlobalProcAddrTable, ze_global_dditable_t)
  t->pfnInit = Init;
FAKE_ZE_END_TABLE

FAKE_ZE_TABLE(zeGetDriverProcAddrTable, ze_driver_dditable_t)
  t->pfnGet = DriverGet;
  t->pfnGetApiVersion = DriverGetApiVersion;
  t->pfnGetProperties = DriverGetProperties;
FAKE_ZE_END_TABLE

FAKE_ZE_TABLE(zeGetDeviceProcAddrTable, ze_device_dditable_t)
  t->pfnGet = DeviceGet;
  t->pfnGetSubDevices = DeviceGetSubDevices;
  t->pfnGetProperties = DeviceGetProperties;
  t->pfnGetMemoryProperties = DeviceGetMemoryProperties;
  t->pfnGetMemoryAccessProperties = DeviceGetMemoryAccessProperties;
  t->pfnPciGetPropertiesExt = DevicePciGetPropertiesExt;
FAKE_ZE_END_TABLE

FAKE_ZE_TABLE(zeGetContextProcAddrTable, ze_context_dditable_t)
  t->pfnCreate = ContextCreate;
  t->pfnDestroy = ContextDestroy;
FAKE_ZE_END_TABLE

FAKE_ZE_TABLE(zeGetMemProcAddrTable, ze_mem_dditable_t)
  t->pfnAllocShared = MemAllocShared;
  t->pfnAllocDevice = MemAllocDevice;
  t->pfnAllocHost = MemAllocHost;
  t->pfnFree = MemFree;
FAKE_ZE_END_TABLE

FAKE_ZE_TABLE(zeGetCommandListProcAddrTable, ze_command_list_dditable_t)
  t->pfnCreateImmediate = CommandListCreateImmediate;
  t->pfnDestroy = CommandListDestroy;
  t->pfnAppendMemoryCopy = AppendMemoryCopy;
  t->pfnAppendMemoryFill = AppendMemoryFill;
  t->pfnAppendMemoryPrefetch = AppendMemoryPrefetch;
  t->pfnAppendMemAdvise = AppendMemAdvise;
  t->pfnAppendSignalEvent = AppendSignalEvent;
FAKE_ZE_END_TABLE

FAKE_ZE_TABLE(zeGetEventPoolProcAddrTable, ze_event_pool_dditable_t)
  t->pfnCreate = EventPoolCreate;
  t->pfnDestroy = EventPoolDestroy;
FAKE_ZE_END_TABLE

FAKE_ZE_TABLE(zeGetEventProcAddrTable, ze_event_dditable_t)
  t->pfnCreate = EventCreate;
  t->pfnDestroy = EventDestroy;
  t->pfnHostSynchronize = EventHostSynchronize;
  t->pfnQueryStatus = EventQueryStatus;
  t->pfnHostReset = EventHostReset;
  t->pfnQueryKernelTimestamp = EventQueryKernelTimestamp;
FAKE_ZE_END_TABLE

// Tables the loader requires a driver to provide, with nothing filled in.
#define FAKE_ZE_EMPTY_TABLE(name, table_type) \
  FAKE_ZE_TABLE(name, table_type)             \
  FAKE_ZE_END_TABLE
FAKE_ZE_EMPTY_TABLE(zeGetDeviceExpProcAddrTable, ze_device_exp_dditable_t)
FAKE_ZE_EMPTY_TABLE(zeGetCommandQueueProcAddrTable, ze_command_queue_dditable_t)
FAKE_ZE_EMPTY_TABLE(zeGetImageProcAddrTable, ze_image_dditable_t)
FAKE_ZE_EMPTY_TABLE(zeGetImageExpProcAddrTable, ze_image_exp_dditable_t)
FAKE_ZE_EMPTY_TABLE(zeGetFenceProcAddrTable, ze_fence_dditable_t)
FAKE_ZE_EMPTY_TABLE(zeGetEventExpProcAddrTable, ze_event_exp_dditable_t)
FAKE_ZE_EMPTY_TABLE(zeGetModuleProcAddrTable, ze_module_dditable_t)
FAKE_ZE_EMPTY_TABLE(zeGetModuleBuildLogProcAddrTable, ze_module_build_log_dditable_t)
FAKE_ZE_EMPTY_TABLE(zeGetKernelProcAddrTable, ze_kernel_dditable_t)
FAKE_ZE_EMPTY_TABLE(zeGetKernelExpProcAddrTable, ze_kernel_exp_dditable_t)
FAKE_ZE_EMPTY_TABLE(zeGetSamplerProcAddrTable, ze_sampler_dditable_t)
FAKE_ZE_EMPTY_TABLE(zeGetPhysicalMemProcAddrTable, ze_physical_mem_dditable_t)
FAKE_ZE_EMPTY_TABLE(zeGetVirtualMemProcAddrTable, ze_virtual_mem_dditable_t)
FAKE_ZE_EMPTY_TABLE(zeGetFabricVertexExpProcAddrTable, ze_fabric_vertex_exp_dditable_t)
FAKE_ZE_EMPTY_TABLE(zeGetFabricEdgeExpProcAddrTable, ze_fabric_edge_exp_dditable_t)
// clang-format on
