#include "cambricon_device.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cambricon_event.h"
#include "cambricon_status.h"
#include "cambricon_stream.h"
#include "spillway/hal/status.h"

namespace spillway::cambricon {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

bool IsHost(hal::Endpoint endpoint) {
  return endpoint == hal::Endpoint::kPinnedHost || endpoint == hal::Endpoint::kPageableHost;
}

void Lacks(std::vector<hal::Limitation>* out, hal::Capability cap, std::string why) {
  if (out != nullptr) out->push_back({hal::CapabilityName(cap), std::move(why)});
}

// Name and UUID: the V3 properties of 6.14 carry both; 6.0 only the name.
void ReadNameAndUuid(const CambriconSymbols& s, int ordinal, hal::DeviceProperties* p) {
  // Zeroed and as large as the V3 struct, whichever call fills it.
  abi::cnrtDeviceProp_V3 prop{};
  if (s.cnrtGetDeviceProperties_V3 != nullptr &&
      s.cnrtGetDeviceProperties_V3(&prop, ordinal) == abi::kSuccess) {
    std::memcpy(p->uuid.data(), prop.uuid, p->uuid.size());
    p->total_memory = std::max<uint64_t>(p->total_memory, prop.totalGlobalMemSize);
  } else if (s.cnrtGetDeviceProperties == nullptr ||
             s.cnrtGetDeviceProperties(reinterpret_cast<abi::cnrtDeviceProp_t*>(&prop), ordinal) !=
                 abi::kSuccess) {
    prop.name[0] = '\0';
  }
  prop.name[sizeof(prop.name) - 1] = '\0';
  p->name = prop.name[0] != '\0' ? prop.name : "Cambricon MLU";
}

}  // namespace

abi::cnrtMemTransDir_t CnrtDirection(hal::Endpoint dst, hal::Endpoint src) {
  const bool to_device = dst == hal::Endpoint::kDevice;
  const bool from_device = src == hal::Endpoint::kDevice;
  if (to_device && from_device) return abi::kMemcpyDevToDev;
  if (from_device) return abi::kMemcpyDevToHost;
  if (to_device) return abi::kMemcpyHostToDev;
  return abi::kMemcpyHostToHost;
}

absl::StatusOr<std::unique_ptr<CambriconDevice>> CambriconDevice::Open(
    const CambriconSymbols& s, int ordinal, std::vector<hal::Limitation>* limitations) {
  SPILLWAY_RETURN_IF_ERROR(CnrtStatus(&s, s.cnrtSetDevice(ordinal), "cnrtSetDevice"));
  hal::DeviceProperties p;
  p.ordinal = ordinal;

  int total_mb = 0;
  SPILLWAY_RETURN_IF_ERROR(
      CnrtStatus(&s, s.cnrtDeviceGetAttribute(&total_mb, abi::kAttrTotalMemSize, ordinal),
                 "cnrtDeviceGetAttribute", "cnrtAttrTotalMemSize"));
  p.total_memory = static_cast<uint64_t>(std::max(total_mb, 0)) * kMiB;
  // The attribute is whole megabytes; what cnrtMemGetInfo reports as total
  // must never exceed the property.
  size_t free = 0;
  size_t total = 0;
  SPILLWAY_RETURN_IF_ERROR(CnrtStatus(&s, s.cnrtMemGetInfo(&free, &total), "cnrtMemGetInfo"));
  p.total_memory = std::max<uint64_t>(p.total_memory, total);
  ReadNameAndUuid(s, ordinal, &p);

  int domain = 0;
  int bus = 0;
  int slot = 0;
  if (s.cnrtDeviceGetAttribute(&domain, abi::kAttrPciDomainId, ordinal) == abi::kSuccess &&
      s.cnrtDeviceGetAttribute(&bus, abi::kAttrPciBusId, ordinal) == abi::kSuccess &&
      s.cnrtDeviceGetAttribute(&slot, abi::kAttrPciDeviceId, ordinal) == abi::kSuccess &&
      domain >= 0 && domain <= 0xffff && bus >= 0 && bus <= 0xff && slot >= 0 && slot <= 0x1f) {
    // CNRT reports no PCI function; an MLU is function 0.
    p.pci_bus_id = absl::StrFormat("%04x:%02x:%02x.0", domain, bus, slot);
  }

  const char* no_managed =
      "CNRT 6 has no managed (unified) memory: cnrt.h 6.14.1 lists cnrtAttrSupportManagedMem "
      "as not supported yet; the runtime oversubscribes by spilling to pinned host memory "
      "instead, where the device uses host pointers (host_mapped_memory)";
  for (hal::Capability cap :
       {hal::kCapManagedMemory, hal::kCapOversubscription, hal::kCapAdviseReadMostly,
        hal::kCapAdvisePreferredLocation, hal::kCapAdviseAccessedBy, hal::kCapPrefetch,
        hal::kCapHostNumaLocation}) {
    Lacks(limitations, cap, no_managed);
  }

  int same_address = 0;
  const abi::cnrtRet_t asked =
      s.cnrtDeviceGetAttribute(&same_address, abi::kAttrCanUseHostPointer, ordinal);
  if (asked == abi::kSuccess && same_address == 1) {
    p.capabilities |= hal::kCapHostMappedMemory;
  } else {
    Lacks(limitations, hal::kCapHostMappedMemory,
          asked == abi::kSuccess
              ? std::string("cnrtAttrCanUseHostPointer is 0: the device cannot use host memory "
                            "at the CPU's address, so the runtime cannot spill to host memory")
              : absl::StrCat("cnrtAttrCanUseHostPointer is not answered (",
                             CnrtStatus(&s, asked, "cnrtDeviceGetAttribute").message(),
                             "): the device cannot be shown to use host memory at the CPU's "
                             "address, so the runtime cannot spill to host memory"));
  }
  return std::unique_ptr<CambriconDevice>(new CambriconDevice(std::move(p), s));
}

CambriconDevice::CambriconDevice(hal::DeviceProperties properties, const CambriconSymbols& symbols)
    : hal::Device(properties, absl::StrCat("cambricon://", properties.ordinal)),
      symbols_(symbols),
      cnrt_device_(properties.ordinal) {}

absl::Status CambriconDevice::Activate() const {
  int current = -1;
  if (symbols_.cnrtGetDevice(&current) == abi::kSuccess && current == cnrt_device_) {
    return absl::OkStatus();
  }
  return CnrtStatus(&symbols_, symbols_.cnrtSetDevice(cnrt_device_), "cnrtSetDevice");
}

absl::StatusOr<hal::MemoryInfo> CambriconDevice::DoGetMemoryInfo() {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  size_t free = 0;
  size_t total = 0;
  SPILLWAY_RETURN_IF_ERROR(
      CnrtStatus(&symbols_, symbols_.cnrtMemGetInfo(&free, &total), "cnrtMemGetInfo"));
  return hal::MemoryInfo{free, total};
}

absl::StatusOr<void*> CambriconDevice::DoAllocate(hal::MemoryKind kind, size_t size) {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  void* ptr = nullptr;
  switch (kind) {
    case hal::MemoryKind::kDevice:
      SPILLWAY_RETURN_IF_ERROR(
          CnrtStatus(&symbols_, symbols_.cnrtMalloc(&ptr, size), "cnrtMalloc"));
      return ptr;
    case hal::MemoryKind::kHost:
      SPILLWAY_RETURN_IF_ERROR(
          CnrtStatus(&symbols_, symbols_.cnrtHostMalloc(&ptr, size), "cnrtHostMalloc"));
      return ptr;
    case hal::MemoryKind::kManaged:
      break;
  }
  return absl::UnimplementedError("cambricon: CNRT 6 has no managed memory");
}

absl::Status CambriconDevice::DoFree(const hal::Allocation& allocation) {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  if (allocation.kind == hal::MemoryKind::kHost) {
    return CnrtStatus(&symbols_, symbols_.cnrtFreeHost(allocation.base), "cnrtFreeHost");
  }
  return CnrtStatus(&symbols_, symbols_.cnrtFree(allocation.base), "cnrtFree");
}

absl::Status CambriconDevice::DoCopy(void* dst, hal::Endpoint dst_kind, const void* src,
                                     hal::Endpoint src_kind, size_t size) {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  // CNRT takes the source as void*; it never writes through it.
  return CnrtStatus(
      &symbols_,
      symbols_.cnrtMemcpy(dst, const_cast<void*>(src), size, CnrtDirection(dst_kind, src_kind)),
      "cnrtMemcpy");
}

absl::Status CambriconDevice::DoFill(void* dst, hal::Endpoint dst_kind, uint8_t value,
                                     size_t size) {
  if (IsHost(dst_kind)) {
    // cnrtMemset fills device memory; the CPU fills host memory directly.
    std::memset(dst, value, size);
    return absl::OkStatus();
  }
  SPILLWAY_RETURN_IF_ERROR(Activate());
  return CnrtStatus(&symbols_, symbols_.cnrtMemset(dst, value, size), "cnrtMemset");
}

absl::StatusOr<std::unique_ptr<hal::Stream>> CambriconDevice::DoCreateStream() {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  abi::cnrtQueue_t queue = nullptr;
  SPILLWAY_RETURN_IF_ERROR(
      CnrtStatus(&symbols_, symbols_.cnrtQueueCreate(&queue), "cnrtQueueCreate"));
  return std::unique_ptr<hal::Stream>(std::make_unique<CambriconStream>(*this, queue));
}

absl::StatusOr<std::unique_ptr<hal::Event>> CambriconDevice::DoCreateEvent() {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  abi::cnrtNotifier_t notifier = nullptr;
  SPILLWAY_RETURN_IF_ERROR(
      CnrtStatus(&symbols_, symbols_.cnrtNotifierCreate(&notifier), "cnrtNotifierCreate"));
  return std::unique_ptr<hal::Event>(std::make_unique<CambriconEvent>(*this, notifier));
}

absl::Status CambriconDevice::DoCopyAsync(void* dst, hal::Endpoint dst_kind, const void* src,
                                          hal::Endpoint src_kind, size_t size,
                                          hal::Stream& stream) {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  auto& own = static_cast<CambriconStream&>(stream);  // the HAL checked the device
  const abi::cnrtMemTransDir_t dir = CnrtDirection(dst_kind, src_kind);
  if (dir == abi::kMemcpyHostToHost) {
    // No device is involved: wait for the queue's earlier work (which may
    // touch these bytes), then copy on the CPU.
    SPILLWAY_RETURN_IF_ERROR(
        CnrtStatus(&symbols_, symbols_.cnrtQueueSync(own.queue()), "cnrtQueueSync"));
    std::memmove(dst, src, size);
    return absl::OkStatus();
  }
  // The queue comes before the direction.
  return CnrtStatus(&symbols_,
                    symbols_.cnrtMemcpyAsync(dst, const_cast<void*>(src), size, own.queue(), dir),
                    symbols_.cnrtMemcpyAsync_name);
}

absl::Status CambriconDevice::DoFillAsync(void* dst, hal::Endpoint dst_kind, uint8_t value,
                                          size_t size, hal::Stream& stream) {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  auto& own = static_cast<CambriconStream&>(stream);
  if (IsHost(dst_kind)) {
    SPILLWAY_RETURN_IF_ERROR(
        CnrtStatus(&symbols_, symbols_.cnrtQueueSync(own.queue()), "cnrtQueueSync"));
    std::memset(dst, value, size);
    return absl::OkStatus();
  }
  return CnrtStatus(&symbols_, symbols_.cnrtMemsetAsync(dst, value, size, own.queue()),
                    "cnrtMemsetAsync");
}

absl::Status CambriconDevice::DoAdvise(void*, size_t, hal::Advice, hal::Location) {
  return absl::UnimplementedError("cambricon: CNRT 6 has no managed-memory advice");
}

absl::Status CambriconDevice::DoPrefetch(void*, size_t, hal::Location, hal::Stream&) {
  return absl::UnimplementedError("cambricon: CNRT 6 has no managed-memory prefetch");
}

absl::Status CambriconDevice::DoSynchronize() {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  return CnrtStatus(&symbols_, symbols_.cnrtSyncDevice(), "cnrtSyncDevice");
}

}  // namespace spillway::cambricon
