#include "cuda_device.h"

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cuda_event.h"
#include "cuda_status.h"
#include "cuda_stream.h"
#include "scoped_context.h"
#include "spillway/hal/status.h"

namespace spillway::cuda {
namespace {

abi::CUdeviceptr DevPtr(const void* p) {
  return static_cast<abi::CUdeviceptr>(reinterpret_cast<uintptr_t>(p));
}

void* HostPtr(abi::CUdeviceptr p) { return reinterpret_cast<void*>(static_cast<uintptr_t>(p)); }

// Whether the driver takes the pointer as a device address (device memory)
// rather than a host one. Pinned and managed memory are host-accessible
// unified addresses: cuMemcpy handles those.
bool IsDeviceMemory(hal::Endpoint endpoint) { return endpoint == hal::Endpoint::kDevice; }

abi::CUmem_advise AdviceValue(hal::Advice advice) {
  switch (advice) {
    case hal::Advice::kSetReadMostly: return abi::kAdviseSetReadMostly;
    case hal::Advice::kUnsetReadMostly: return abi::kAdviseUnsetReadMostly;
    case hal::Advice::kSetPreferredLocation: return abi::kAdviseSetPreferredLocation;
    case hal::Advice::kUnsetPreferredLocation: return abi::kAdviseUnsetPreferredLocation;
    case hal::Advice::kSetAccessedBy: return abi::kAdviseSetAccessedBy;
    case hal::Advice::kUnsetAccessedBy: return abi::kAdviseUnsetAccessedBy;
  }
  return abi::kAdviseSetReadMostly;
}

struct Attribute {
  int value = 0;
  bool known = false;
};

Attribute GetAttribute(const CudaSymbols& s, abi::CUdevice dev, abi::CUdevice_attribute attr) {
  Attribute a;
  a.known = s.cuDeviceGetAttribute(&a.value, attr, dev) == abi::kSuccess;
  if (!a.known) a.value = 0;
  return a;
}

}  // namespace

CudaDevice::CudaDevice(hal::DeviceProperties properties, const CudaSymbols& symbols,
                       abi::CUdevice cu_device, abi::CUcontext context)
    : hal::Device(properties, absl::StrCat("cuda://", properties.ordinal)),
      symbols_(symbols),
      cu_device_(cu_device),
      context_(context) {}

absl::StatusOr<std::unique_ptr<CudaDevice>> CudaDevice::Open(
    const CudaSymbols& s, int ordinal, std::vector<hal::Limitation>* limitations) {
  abi::CUdevice dev = 0;
  SPILLWAY_RETURN_IF_ERROR(CudaStatus(&s, s.cuDeviceGet(&dev, ordinal), "cuDeviceGet",
                                      absl::StrCat("ordinal ", ordinal)));
  hal::DeviceProperties p;
  p.ordinal = ordinal;
  char name[256] = {};
  SPILLWAY_RETURN_IF_ERROR(
      CudaStatus(&s, s.cuDeviceGetName(name, sizeof(name) - 1, dev), "cuDeviceGetName"));
  p.name = name;
  size_t total = 0;
  SPILLWAY_RETURN_IF_ERROR(
      CudaStatus(&s, s.cuDeviceTotalMem_v2(&total, dev), "cuDeviceTotalMem_v2"));
  p.total_memory = total;
  if (s.cuDeviceGetUuid_v2 != nullptr) {
    abi::CUuuid uuid{};
    if (s.cuDeviceGetUuid_v2(&uuid, dev) == abi::kSuccess) {
      std::memcpy(p.uuid.data(), uuid.bytes, p.uuid.size());
    }
  }
  // Built from the attributes rather than cuDeviceGetPCIBusId, whose case and
  // domain width have varied between drivers; the HAL wants "dddd:bb:dd.f".
  const Attribute domain = GetAttribute(s, dev, abi::kAttrPciDomainId);
  const Attribute bus = GetAttribute(s, dev, abi::kAttrPciBusId);
  const Attribute slot = GetAttribute(s, dev, abi::kAttrPciDeviceId);
  if (domain.known && bus.known && slot.known) {
    p.pci_bus_id = absl::StrFormat("%04x:%02x:%02x.0", domain.value & 0xffff, bus.value & 0xff,
                                   slot.value & 0xff);
  }

  auto lack = [limitations](hal::Capability cap, std::string why) {
    if (limitations != nullptr) limitations->push_back({hal::CapabilityName(cap), std::move(why)});
  };
  const Attribute managed_attr = GetAttribute(s, dev, abi::kAttrManagedMemory);
  const Attribute concurrent = GetAttribute(s, dev, abi::kAttrConcurrentManagedAccess);
  const Attribute numa = GetAttribute(s, dev, abi::kAttrHostNumaId);
  const Attribute host_map = GetAttribute(s, dev, abi::kAttrCanMapHostMemory);
  const std::string who = absl::StrCat("cuda://", ordinal, " (", p.name, ")");

  bool managed = false;
  if (s.cuMemAllocManaged == nullptr) {
    lack(hal::kCapManagedMemory, "the driver library has no cuMemAllocManaged");
  } else if (managed_attr.value == 0) {
    lack(hal::kCapManagedMemory,
         absl::StrCat(who, ": CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY (83) is 0"));
  } else {
    managed = true;
    p.capabilities |= hal::kCapManagedMemory;
  }
  const std::string no_managed = "needs managed memory, which this device lacks";
  if (!managed) {
    for (hal::Capability cap : {hal::kCapAdviseReadMostly, hal::kCapAdvisePreferredLocation,
                                hal::kCapAdviseAccessedBy, hal::kCapPrefetch,
                                hal::kCapHostNumaLocation, hal::kCapOversubscription}) {
      lack(cap, no_managed);
    }
  } else {
    if (s.HasAnyAdvise()) {
      p.capabilities |= hal::kCapAdviseReadMostly | hal::kCapAdvisePreferredLocation |
                        hal::kCapAdviseAccessedBy;
    } else {
      for (hal::Capability cap : {hal::kCapAdviseReadMostly, hal::kCapAdvisePreferredLocation,
                                  hal::kCapAdviseAccessedBy}) {
        lack(cap, "the driver library has neither cuMemAdvise_v2 nor cuMemAdvise");
      }
    }
    // Prefetch and demand paging beyond the device's size need a device that
    // accesses managed memory concurrently with the CPU (Pascal+ on Linux).
    if (concurrent.value == 0) {
      const std::string why =
          absl::StrCat(who, ": CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS (89) is 0");
      lack(hal::kCapPrefetch, why);
      lack(hal::kCapOversubscription, why);
    } else {
      p.capabilities |= hal::kCapOversubscription;
      if (s.HasAnyPrefetch()) {
        p.capabilities |= hal::kCapPrefetch;
      } else {
        lack(hal::kCapPrefetch,
             "the driver library has neither cuMemPrefetchAsync_v2 nor cuMemPrefetchAsync");
      }
    }
    if (!s.HasLocationAdvise() || !s.HasLocationPrefetch()) {
      lack(hal::kCapHostNumaLocation,
           "the driver predates CUDA 12.2: no cuMemAdvise_v2/cuMemPrefetchAsync_v2 (location "
           "form), so only the legacy device-number form is available");
    } else if (!numa.known || numa.value < 0) {
      lack(hal::kCapHostNumaLocation,
           absl::StrCat(who, ": CU_DEVICE_ATTRIBUTE_HOST_NUMA_ID (134) is ",
                        numa.known ? absl::StrCat(numa.value) : "not supported by the driver"));
    } else if ((p.capabilities & hal::kCapPrefetch) != 0) {
      p.capabilities |= hal::kCapHostNumaLocation;
    } else {
      lack(hal::kCapHostNumaLocation, "needs prefetch, which this device lacks");
    }
  }
  if (host_map.value != 0) {
    p.capabilities |= hal::kCapHostMappedMemory;
  } else {
    lack(hal::kCapHostMappedMemory,
         absl::StrCat(who, ": CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY (19) is 0"));
  }

  abi::CUcontext context = nullptr;
  SPILLWAY_RETURN_IF_ERROR(CudaStatus(&s, s.cuDevicePrimaryCtxRetain(&context, dev),
                                      "cuDevicePrimaryCtxRetain", who));
  return std::unique_ptr<CudaDevice>(new CudaDevice(std::move(p), s, dev, context));
}

CudaDevice::~CudaDevice() {
  // Work the caller left running must finish before its memory goes.
  {
    ScopedContext scope(symbols_, context_);
    if (scope.status().ok()) (void)symbols_.cuCtxSynchronize();
  }
  (void)symbols_.cuDevicePrimaryCtxRelease_v2(cu_device_);
}

absl::StatusOr<hal::MemoryInfo> CudaDevice::DoGetMemoryInfo() {
  ScopedContext scope(symbols_, context_);
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  size_t free = 0;
  size_t total = 0;
  SPILLWAY_RETURN_IF_ERROR(
      CudaStatus(&symbols_, symbols_.cuMemGetInfo_v2(&free, &total), "cuMemGetInfo_v2"));
  hal::MemoryInfo info{free, total};
  // The HAL promises free <= total <= the device's size.
  if (info.total > properties().total_memory) info.total = properties().total_memory;
  if (info.free > info.total) info.free = info.total;
  return info;
}

absl::StatusOr<void*> CudaDevice::DoAllocate(hal::MemoryKind kind, size_t size) {
  ScopedContext scope(symbols_, context_);
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  abi::CUresult result = abi::kSuccess;
  const char* call = nullptr;
  void* ptr = nullptr;
  switch (kind) {
    case hal::MemoryKind::kDevice: {
      abi::CUdeviceptr p = 0;
      result = symbols_.cuMemAlloc_v2(&p, size);
      call = "cuMemAlloc_v2";
      ptr = HostPtr(p);
      break;
    }
    case hal::MemoryKind::kHost:
      result = symbols_.cuMemHostAlloc(&ptr, size,
                                       abi::kMemHostAllocPortable | abi::kMemHostAllocDeviceMap);
      call = "cuMemHostAlloc";
      break;
    case hal::MemoryKind::kManaged: {
      abi::CUdeviceptr p = 0;
      result = symbols_.cuMemAllocManaged(&p, size, abi::kMemAttachGlobal);
      call = "cuMemAllocManaged";
      ptr = HostPtr(p);
      break;
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat(uri(), ": unknown memory kind"));
  }
  // The detail is formatted only for a failure: allocation is a hot path.
  if (result != abi::kSuccess) {
    return CudaStatus(&symbols_, result, call, absl::StrCat(size, " bytes on ", uri()));
  }
  return ptr;
}

absl::Status CudaDevice::DoFree(const hal::Allocation& allocation) {
  ScopedContext scope(symbols_, context_);
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  if (allocation.kind == hal::MemoryKind::kHost) {
    return CudaStatus(&symbols_, symbols_.cuMemFreeHost(allocation.base), "cuMemFreeHost");
  }
  return CudaStatus(&symbols_, symbols_.cuMemFree_v2(DevPtr(allocation.base)), "cuMemFree_v2");
}

absl::Status CudaDevice::DoCopy(void* dst, hal::Endpoint dst_kind, const void* src,
                                hal::Endpoint src_kind, size_t size) {
  ScopedContext scope(symbols_, context_);
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  const bool dst_dev = IsDeviceMemory(dst_kind);
  const bool src_dev = IsDeviceMemory(src_kind);
  if (src_dev && !dst_dev) {
    // The one direction the driver always completes before returning.
    return CudaStatus(&symbols_, symbols_.cuMemcpyDtoH_v2(dst, DevPtr(src), size),
                      "cuMemcpyDtoH_v2");
  }
  if (dst_dev && src_dev) {
    SPILLWAY_RETURN_IF_ERROR(CudaStatus(
        &symbols_, symbols_.cuMemcpyDtoD_v2(DevPtr(dst), DevPtr(src), size), "cuMemcpyDtoD_v2"));
  } else if (dst_dev) {
    SPILLWAY_RETURN_IF_ERROR(CudaStatus(
        &symbols_, symbols_.cuMemcpyHtoD_v2(DevPtr(dst), src, size), "cuMemcpyHtoD_v2"));
  } else {
    // Host, pinned and managed memory: unified addressing tells the driver.
    SPILLWAY_RETURN_IF_ERROR(CudaStatus(
        &symbols_, symbols_.cuMemcpy(DevPtr(dst), DevPtr(src), size), "cuMemcpy"));
  }
  // Device-to-device and staged host-to-device copies may still be in
  // flight when the call returns; the HAL's Copy is complete on return.
  return CudaStatus(&symbols_, symbols_.cuStreamSynchronize(nullptr), "cuStreamSynchronize");
}

absl::Status CudaDevice::DoFill(void* dst, hal::Endpoint dst_kind, uint8_t value, size_t size) {
  if (dst_kind == hal::Endpoint::kPageableHost) {
    // The driver cannot fill pageable memory it does not know; the CPU can.
    std::memset(dst, value, size);
    return absl::OkStatus();
  }
  ScopedContext scope(symbols_, context_);
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  SPILLWAY_RETURN_IF_ERROR(CudaStatus(&symbols_, symbols_.cuMemsetD8_v2(DevPtr(dst), value, size),
                                      "cuMemsetD8_v2"));
  // cuMemsetD8 is asynchronous for most kinds of memory; Fill is not.
  return CudaStatus(&symbols_, symbols_.cuStreamSynchronize(nullptr), "cuStreamSynchronize");
}

absl::StatusOr<std::unique_ptr<hal::Stream>> CudaDevice::DoCreateStream() {
  ScopedContext scope(symbols_, context_);
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  abi::CUstream stream = nullptr;
  SPILLWAY_RETURN_IF_ERROR(CudaStatus(
      &symbols_, symbols_.cuStreamCreate(&stream, abi::kStreamNonBlocking), "cuStreamCreate"));
  return std::unique_ptr<hal::Stream>(std::make_unique<CudaStream>(*this, stream));
}

absl::StatusOr<std::unique_ptr<hal::Event>> CudaDevice::DoCreateEvent() {
  ScopedContext scope(symbols_, context_);
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  abi::CUevent event = nullptr;
  SPILLWAY_RETURN_IF_ERROR(CudaStatus(
      &symbols_, symbols_.cuEventCreate(&event, abi::kEventDefault), "cuEventCreate"));
  return std::unique_ptr<hal::Event>(std::make_unique<CudaEvent>(*this, event));
}

absl::Status CudaDevice::DoCopyAsync(void* dst, hal::Endpoint dst_kind, const void* src,
                                     hal::Endpoint src_kind, size_t size, hal::Stream& stream) {
  abi::CUstream s = static_cast<CudaStream&>(stream).handle();
  ScopedContext scope(symbols_, context_);
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  const bool dst_dev = IsDeviceMemory(dst_kind);
  const bool src_dev = IsDeviceMemory(src_kind);
  if (dst_dev && !src_dev) {
    return CudaStatus(&symbols_, symbols_.cuMemcpyHtoDAsync_v2(DevPtr(dst), src, size, s),
                      "cuMemcpyHtoDAsync_v2");
  }
  if (src_dev && !dst_dev) {
    return CudaStatus(&symbols_, symbols_.cuMemcpyDtoHAsync_v2(dst, DevPtr(src), size, s),
                      "cuMemcpyDtoHAsync_v2");
  }
  return CudaStatus(&symbols_, symbols_.cuMemcpyAsync(DevPtr(dst), DevPtr(src), size, s),
                    "cuMemcpyAsync");
}

absl::Status CudaDevice::DoFillAsync(void* dst, hal::Endpoint dst_kind, uint8_t value,
                                     size_t size, hal::Stream& stream) {
  if (dst_kind == hal::Endpoint::kPageableHost) {
    // Stream order for a CPU fill: wait for the work before it.
    SPILLWAY_RETURN_IF_ERROR(stream.Synchronize());
    std::memset(dst, value, size);
    return absl::OkStatus();
  }
  abi::CUstream s = static_cast<CudaStream&>(stream).handle();
  ScopedContext scope(symbols_, context_);
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  return CudaStatus(&symbols_, symbols_.cuMemsetD8Async(DevPtr(dst), value, size, s),
                    "cuMemsetD8Async");
}

absl::Status CudaDevice::DoAdvise(void* ptr, size_t size, hal::Advice advice,
                                  hal::Location location) {
  ScopedContext scope(symbols_, context_);
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  const abi::CUmem_advise value = AdviceValue(advice);
  if (symbols_.cuMemAdvise_v2 != nullptr) {
    abi::CUmemLocation where{abi::kMemLocationTypeDevice, cu_device_};
    if (location.type == hal::Location::Type::kHost) {
      where = {abi::kMemLocationTypeHost, 0};
    } else if (location.type == hal::Location::Type::kHostNuma) {
      where = {abi::kMemLocationTypeHostNuma, location.id};
    }
    return CudaStatus(&symbols_, symbols_.cuMemAdvise_v2(DevPtr(ptr), size, value, where),
                      "cuMemAdvise_v2", hal::LocationToString(location));
  }
  if (location.type == hal::Location::Type::kHostNuma) {
    return absl::UnimplementedError(
        absl::StrCat(uri(), ": advice to a host NUMA node needs cuMemAdvise_v2 (CUDA 12.2+)"));
  }
  const abi::CUdevice where =
      location.type == hal::Location::Type::kHost ? abi::kDeviceCpu : cu_device_;
  return CudaStatus(&symbols_, symbols_.cuMemAdvise(DevPtr(ptr), size, value, where),
                    "cuMemAdvise", hal::LocationToString(location));
}

absl::Status CudaDevice::DoPrefetch(void* ptr, size_t size, hal::Location location,
                                    hal::Stream& stream) {
  abi::CUstream s = static_cast<CudaStream&>(stream).handle();
  ScopedContext scope(symbols_, context_);
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  if (symbols_.cuMemPrefetchAsync_v2 != nullptr) {
    abi::CUmemLocation where{abi::kMemLocationTypeDevice, cu_device_};
    if (location.type == hal::Location::Type::kHost) {
      where = {abi::kMemLocationTypeHost, 0};
    } else if (location.type == hal::Location::Type::kHostNuma) {
      where = {abi::kMemLocationTypeHostNuma, location.id};
    }
    return CudaStatus(&symbols_, symbols_.cuMemPrefetchAsync_v2(DevPtr(ptr), size, where, 0, s),
                      "cuMemPrefetchAsync_v2", hal::LocationToString(location));
  }
  if (location.type == hal::Location::Type::kHostNuma) {
    return absl::UnimplementedError(absl::StrCat(
        uri(), ": prefetch to a host NUMA node needs cuMemPrefetchAsync_v2 (CUDA 12.2+)"));
  }
  const abi::CUdevice where =
      location.type == hal::Location::Type::kHost ? abi::kDeviceCpu : cu_device_;
  return CudaStatus(&symbols_, symbols_.cuMemPrefetchAsync(DevPtr(ptr), size, where, s),
                    "cuMemPrefetchAsync", hal::LocationToString(location));
}

absl::Status CudaDevice::DoSynchronize() {
  ScopedContext scope(symbols_, context_);
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  return CudaStatus(&symbols_, symbols_.cuCtxSynchronize(), "cuCtxSynchronize");
}

}  // namespace spillway::cuda
