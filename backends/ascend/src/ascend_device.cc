#include "ascend_device.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ascend_event.h"
#include "ascend_status.h"
#include "ascend_stream.h"
#include "spillway/hal/status.h"

namespace spillway::ascend {
namespace {

constexpr size_t kHostMappingProbeSize = size_t{64} << 10;

bool IsHost(hal::Endpoint endpoint) {
  return endpoint == hal::Endpoint::kPinnedHost || endpoint == hal::Endpoint::kPageableHost;
}

// Pinned host memory that the device reaches at the CPU's own address: the
// VA flag makes aclrtHostRegister map it at the same address (CANN API docs
// of aclrtHostRegister). Anything else is an error, so that a pointer the
// device cannot use at that address is never handed out.
absl::StatusOr<void*> MapHostAtSameAddress(const AscendSymbols& s, size_t size) {
  abi::aclrtMallocAttribute attribute{};
  attribute.attr = abi::kMallocAttrVaFlag;
  attribute.value.vaFlag = 1;
  abi::aclrtMallocConfig config{&attribute, 1};
  void* ptr = nullptr;
  SPILLWAY_RETURN_IF_ERROR(
      AclStatus(&s, s.aclrtMallocHostWithCfg(&ptr, size, &config), "aclrtMallocHostWithCfg"));
  void* device_ptr = nullptr;
  const abi::aclError registered =
      s.aclrtHostRegister(ptr, size, abi::kHostRegisterMapped, &device_ptr);
  if (registered != abi::kSuccess) {
    absl::Status status = AclStatus(&s, registered, "aclrtHostRegister");
    (void)s.aclrtFreeHost(ptr);
    return status;
  }
  if (device_ptr != ptr) {
    (void)s.aclrtHostUnregister(ptr);
    (void)s.aclrtFreeHost(ptr);
    return absl::UnimplementedError(absl::StrFormat(
        "ascend aclrtHostRegister mapped host memory %p at device address %p, not at the "
        "CPU's address",
        ptr, device_ptr));
  }
  return ptr;
}

void Lacks(std::vector<hal::Limitation>* out, hal::Capability cap, std::string why) {
  if (out != nullptr) out->push_back({hal::CapabilityName(cap), std::move(why)});
}

}  // namespace

abi::aclrtMemcpyKind AclCopyKind(hal::Endpoint dst, hal::Endpoint src) {
  if (dst == hal::Endpoint::kManaged || src == hal::Endpoint::kManaged) {
    return abi::kMemcpyDefault;  // UVM pages may be on either side
  }
  const bool to_device = dst == hal::Endpoint::kDevice;
  const bool from_device = src == hal::Endpoint::kDevice;
  if (to_device && from_device) return abi::kMemcpyDeviceToDevice;
  if (from_device) return abi::kMemcpyDeviceToHost;
  if (to_device) return abi::kMemcpyHostToDevice;
  return abi::kMemcpyHostToHost;
}

abi::aclrtMemManagedAdviseType AclAdvice(hal::Advice advice) {
  switch (advice) {
    case hal::Advice::kSetReadMostly:
      return abi::kAdviseSetReadMostly;
    case hal::Advice::kUnsetReadMostly:
      return abi::kAdviseUnsetReadMostly;
    case hal::Advice::kSetPreferredLocation:
      return abi::kAdviseSetPreferredLocation;
    case hal::Advice::kUnsetPreferredLocation:
      return abi::kAdviseUnsetPreferredLocation;
    case hal::Advice::kSetAccessedBy:
      return abi::kAdviseSetAccessedBy;
    case hal::Advice::kUnsetAccessedBy:
      return abi::kAdviseUnsetAccessedBy;
  }
  return abi::kAdviseSetReadMostly;
}

abi::aclrtMemManagedLocation AclLocation(const hal::Location& location) {
  switch (location.type) {
    case hal::Location::Type::kDevice:
      return {abi::kLocationTypeDevice, location.id};
    case hal::Location::Type::kHost:
      return {abi::kLocationTypeHost, 0};
    case hal::Location::Type::kHostNuma:
      return {abi::kLocationTypeHostNuma, location.id};
  }
  return {abi::kLocationTypeHost, 0};
}

absl::StatusOr<std::unique_ptr<AscendDevice>> AscendDevice::Open(
    const AscendSymbols& s, int ordinal, std::vector<hal::Limitation>* limitations) {
  const int32_t id = ordinal;
  SPILLWAY_RETURN_IF_ERROR(AclStatus(&s, s.aclrtSetDevice(id), "aclrtSetDevice"));
  absl::Cleanup reset = [&s, id] { (void)s.aclrtResetDevice(id); };

  hal::DeviceProperties p;
  p.ordinal = ordinal;
  // The SoC name is per process (all cards of a host are the same model).
  const char* soc = s.aclrtGetSocName();
  p.name = soc != nullptr && soc[0] != '\0' ? soc : "Ascend NPU";
  if (s.aclrtDeviceGetUuid != nullptr) {
    abi::aclrtUuid uuid{};
    // Atlas A2/A3 only; elsewhere the UUID stays all zero, which the HAL allows.
    if (s.aclrtDeviceGetUuid(id, &uuid) == abi::kSuccess) {
      std::memcpy(p.uuid.data(), uuid.bytes, p.uuid.size());
    }
  }
  abi::aclrtMemAttr memory_attr = abi::kHbmMem;
  size_t free = 0;
  size_t total = 0;
  SPILLWAY_RETURN_IF_ERROR(
      AclStatus(&s, s.aclrtGetMemInfo(abi::kHbmMem, &free, &total), "aclrtGetMemInfo"));
  if (total == 0) {
    memory_attr = abi::kDdrMem;
    SPILLWAY_RETURN_IF_ERROR(
        AclStatus(&s, s.aclrtGetMemInfo(abi::kDdrMem, &free, &total), "aclrtGetMemInfo"));
  }
  p.total_memory = total;

  // Managed (UVM) memory: the export says CANN >= 9.0; a trial allocation says
  // whether this device has it (ACL answers 207000 elsewhere).
  bool managed = false;
  std::string no_managed;
  if (s.aclrtMemAllocManaged == nullptr) {
    no_managed =
        "aclrtMemAllocManaged is not exported: managed (UVM) memory needs CANN 9.0 or "
        "later; the runtime oversubscribes by spilling to pinned host memory instead, "
        "where the device can map it (host_mapped_memory)";
  } else {
    void* probe = nullptr;
    const abi::aclError error =
        s.aclrtMemAllocManaged(&probe, abi::kManagedGranularity, abi::kMemAttachGlobal);
    if (error == abi::kSuccess) {
      (void)s.aclrtFree(probe);
      managed = true;
    } else {
      no_managed = absl::StrCat(AclStatus(&s, error, "aclrtMemAllocManaged").message(),
                                " (UVM needs an Atlas A2/A3 device); the runtime "
                                "oversubscribes by spilling to pinned host memory instead, "
                                "where the device can map it (host_mapped_memory)");
    }
  }
  if (managed) {
    // UVM pages migrate on demand, so allocations may exceed HBM.
    p.capabilities |= hal::kCapManagedMemory | hal::kCapOversubscription;
    if (s.aclrtMemManagedAdvise != nullptr) {
      p.capabilities |= hal::kCapAdviseReadMostly | hal::kCapAdvisePreferredLocation |
                        hal::kCapAdviseAccessedBy | hal::kCapHostNumaLocation;
    } else {
      for (hal::Capability cap : {hal::kCapAdviseReadMostly, hal::kCapAdvisePreferredLocation,
                                  hal::kCapAdviseAccessedBy}) {
        Lacks(limitations, cap, "aclrtMemManagedAdvise is not exported (needs CANN 9.1 or later)");
      }
    }
    if (s.aclrtMemManagedPrefetchAsync != nullptr) {
      p.capabilities |= hal::kCapPrefetch | hal::kCapHostNumaLocation;
    } else {
      Lacks(limitations, hal::kCapPrefetch,
            "aclrtMemManagedPrefetchAsync is not exported (needs CANN 9.1 or later)");
    }
    if (!p.Has(hal::kCapHostNumaLocation)) {
      Lacks(limitations, hal::kCapHostNumaLocation,
            "host NUMA locations are arguments of aclrtMemManagedAdvise and "
            "aclrtMemManagedPrefetchAsync, which are not exported (CANN 9.1 or later)");
    }
  } else {
    for (hal::Capability cap :
         {hal::kCapManagedMemory, hal::kCapOversubscription, hal::kCapAdviseReadMostly,
          hal::kCapAdvisePreferredLocation, hal::kCapAdviseAccessedBy, hal::kCapPrefetch,
          hal::kCapHostNumaLocation}) {
      Lacks(limitations, cap, no_managed);
    }
  }

  // Host memory at the CPU's address: only through the VA-flag allocation.
  if (!s.HasHostMapping()) {
    Lacks(limitations, hal::kCapHostMappedMemory,
          "aclrtMallocHostWithCfg, aclrtHostRegister and aclrtHostUnregister are not all "
          "exported, so pinned host memory cannot be mapped at the CPU's address");
  } else {
    absl::StatusOr<void*> probe = MapHostAtSameAddress(s, kHostMappingProbeSize);
    if (probe.ok()) {
      (void)s.aclrtHostUnregister(*probe);
      (void)s.aclrtFreeHost(*probe);
      p.capabilities |= hal::kCapHostMappedMemory;
    } else {
      Lacks(limitations, hal::kCapHostMappedMemory,
            absl::StrCat("pinned host memory cannot be mapped at the CPU's address: ",
                         probe.status().message()));
    }
  }

  std::move(reset).Cancel();
  return std::unique_ptr<AscendDevice>(new AscendDevice(std::move(p), s, memory_attr));
}

AscendDevice::AscendDevice(hal::DeviceProperties properties, const AscendSymbols& symbols,
                           abi::aclrtMemAttr memory_attr)
    : hal::Device(properties, absl::StrCat("ascend://", properties.ordinal)),
      symbols_(symbols),
      acl_device_(properties.ordinal),
      memory_attr_(memory_attr) {}

AscendDevice::~AscendDevice() { (void)symbols_.aclrtResetDevice(acl_device_); }

absl::Status AscendDevice::Activate() const {
  int32_t current = -1;
  if (symbols_.aclrtGetDevice(&current) == abi::kSuccess && current == acl_device_) {
    return absl::OkStatus();
  }
  return AclStatus(&symbols_, symbols_.aclrtSetDevice(acl_device_), "aclrtSetDevice");
}

absl::StatusOr<hal::MemoryInfo> AscendDevice::DoGetMemoryInfo() {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  size_t free = 0;
  size_t total = 0;
  SPILLWAY_RETURN_IF_ERROR(AclStatus(
      &symbols_, symbols_.aclrtGetMemInfo(memory_attr_, &free, &total), "aclrtGetMemInfo"));
  return hal::MemoryInfo{free, total};
}

absl::StatusOr<void*> AscendDevice::AllocateMappedHost(size_t size) {
  return MapHostAtSameAddress(symbols_, size);
}

absl::StatusOr<void*> AscendDevice::DoAllocate(hal::MemoryKind kind, size_t size) {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  void* ptr = nullptr;
  switch (kind) {
    case hal::MemoryKind::kDevice:
      // Huge pages first, normal pages when no huge page is left.
      SPILLWAY_RETURN_IF_ERROR(AclStatus(
          &symbols_, symbols_.aclrtMalloc(&ptr, size, abi::kMallocHugeFirst), "aclrtMalloc"));
      return ptr;
    case hal::MemoryKind::kHost:
      if (properties().Has(hal::kCapHostMappedMemory)) return AllocateMappedHost(size);
      SPILLWAY_RETURN_IF_ERROR(
          AclStatus(&symbols_, symbols_.aclrtMallocHost(&ptr, size), "aclrtMallocHost"));
      return ptr;
    case hal::MemoryKind::kManaged:
      SPILLWAY_RETURN_IF_ERROR(
          AclStatus(&symbols_, symbols_.aclrtMemAllocManaged(&ptr, size, abi::kMemAttachGlobal),
                    "aclrtMemAllocManaged"));
      return ptr;
  }
  return absl::InvalidArgumentError("ascend: unknown memory kind");
}

absl::Status AscendDevice::DoFree(const hal::Allocation& allocation) {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  if (allocation.kind != hal::MemoryKind::kHost) {
    // Device and managed memory are both released with aclrtFree.
    return AclStatus(&symbols_, symbols_.aclrtFree(allocation.base), "aclrtFree");
  }
  absl::Status unregistered;
  if (properties().Has(hal::kCapHostMappedMemory)) {
    unregistered =
        AclStatus(&symbols_, symbols_.aclrtHostUnregister(allocation.base), "aclrtHostUnregister");
  }
  // Freed even when unregistering failed: the HAL has forgotten the pointer.
  absl::Status freed =
      AclStatus(&symbols_, symbols_.aclrtFreeHost(allocation.base), "aclrtFreeHost");
  return unregistered.ok() ? freed : unregistered;
}

absl::Status AscendDevice::DoCopy(void* dst, hal::Endpoint dst_kind, const void* src,
                                  hal::Endpoint src_kind, size_t size) {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  // destMax is the room at dst; the HAL checked that all of `size` fits.
  return AclStatus(&symbols_,
                   symbols_.aclrtMemcpy(dst, size, src, size, AclCopyKind(dst_kind, src_kind)),
                   "aclrtMemcpy");
}

absl::Status AscendDevice::DoFill(void* dst, hal::Endpoint dst_kind, uint8_t value, size_t size) {
  if (IsHost(dst_kind)) {
    // aclrtMemset on host memory not from aclrtMallocHost is undefined (CANN
    // docs); the CPU fills host memory directly.
    std::memset(dst, value, size);
    return absl::OkStatus();
  }
  SPILLWAY_RETURN_IF_ERROR(Activate());
  return AclStatus(&symbols_, symbols_.aclrtMemset(dst, size, value, size), "aclrtMemset");
}

absl::StatusOr<std::unique_ptr<hal::Stream>> AscendDevice::DoCreateStream() {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  abi::aclrtStream handle = nullptr;
  SPILLWAY_RETURN_IF_ERROR(
      AclStatus(&symbols_, symbols_.aclrtCreateStream(&handle), "aclrtCreateStream"));
  return std::unique_ptr<hal::Stream>(std::make_unique<AscendStream>(*this, handle));
}

absl::StatusOr<std::unique_ptr<hal::Event>> AscendDevice::DoCreateEvent() {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  abi::aclrtEvent handle = nullptr;
  SPILLWAY_RETURN_IF_ERROR(
      AclStatus(&symbols_, symbols_.aclrtCreateEvent(&handle), "aclrtCreateEvent"));
  return std::unique_ptr<hal::Event>(std::make_unique<AscendEvent>(*this, handle));
}

absl::Status AscendDevice::DoCopyAsync(void* dst, hal::Endpoint dst_kind, const void* src,
                                       hal::Endpoint src_kind, size_t size, hal::Stream& stream) {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  auto& own = static_cast<AscendStream&>(stream);  // the HAL checked the device
  const abi::aclrtMemcpyKind kind = AclCopyKind(dst_kind, src_kind);
  if (kind == abi::kMemcpyHostToHost) {
    // aclrtMemcpyAsync refuses host-to-host copies on Atlas A2/A3 and training
    // cards (207000, CANN docs): wait for the stream's earlier work, then copy.
    SPILLWAY_RETURN_IF_ERROR(AclStatus(&symbols_, symbols_.aclrtSynchronizeStream(own.handle()),
                                       "aclrtSynchronizeStream"));
    std::memmove(dst, src, size);
    return absl::OkStatus();
  }
  return AclStatus(&symbols_, symbols_.aclrtMemcpyAsync(dst, size, src, size, kind, own.handle()),
                   "aclrtMemcpyAsync");
}

absl::Status AscendDevice::DoFillAsync(void* dst, hal::Endpoint dst_kind, uint8_t value,
                                       size_t size, hal::Stream& stream) {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  auto& own = static_cast<AscendStream&>(stream);
  if (IsHost(dst_kind)) {
    // As DoFill, after the stream's earlier work (which may write there).
    SPILLWAY_RETURN_IF_ERROR(AclStatus(&symbols_, symbols_.aclrtSynchronizeStream(own.handle()),
                                       "aclrtSynchronizeStream"));
    std::memset(dst, value, size);
    return absl::OkStatus();
  }
  return AclStatus(&symbols_, symbols_.aclrtMemsetAsync(dst, size, value, size, own.handle()),
                   "aclrtMemsetAsync");
}

namespace {

// [ptr, ptr+size) widened to the 2 MiB blocks UVM calls work on, kept inside
// the allocation's blocks (managed allocations are whole blocks).
std::pair<void*, size_t> ManagedBlocks(const hal::Allocation& allocation, const void* ptr,
                                       size_t size) {
  constexpr uintptr_t kBlock = abi::kManagedGranularity;
  const uintptr_t base = reinterpret_cast<uintptr_t>(allocation.base);
  const uintptr_t limit = base + (allocation.size + kBlock - 1) / kBlock * kBlock;
  const uintptr_t begin = std::max(reinterpret_cast<uintptr_t>(ptr) / kBlock * kBlock, base);
  const uintptr_t end =
      std::min((reinterpret_cast<uintptr_t>(ptr) + size + kBlock - 1) / kBlock * kBlock, limit);
  return {reinterpret_cast<void*>(begin), end - begin};
}

}  // namespace

absl::Status AscendDevice::DoAdvise(void* ptr, size_t size, hal::Advice advice,
                                    hal::Location location) {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  absl::StatusOr<hal::Allocation> allocation = FindAllocation(ptr);
  if (!allocation.ok()) return allocation.status();
  const auto [begin, length] = ManagedBlocks(*allocation, ptr, size);
  // Read-mostly ignores the location; ACL still takes one.
  return AclStatus(
      &symbols_,
      symbols_.aclrtMemManagedAdvise(begin, length, AclAdvice(advice), AclLocation(location)),
      "aclrtMemManagedAdvise");
}

absl::Status AscendDevice::DoPrefetch(void* ptr, size_t size, hal::Location location,
                                      hal::Stream& stream) {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  absl::StatusOr<hal::Allocation> allocation = FindAllocation(ptr);
  if (!allocation.ok()) return allocation.status();
  const auto [begin, length] = ManagedBlocks(*allocation, ptr, size);
  auto& own = static_cast<AscendStream&>(stream);
  return AclStatus(&symbols_,
                   symbols_.aclrtMemManagedPrefetchAsync(begin, length, AclLocation(location),
                                                         /*flags=*/0, own.handle()),
                   "aclrtMemManagedPrefetchAsync");
}

absl::Status AscendDevice::DoSynchronize() {
  SPILLWAY_RETURN_IF_ERROR(Activate());
  return AclStatus(&symbols_, symbols_.aclrtSynchronizeDevice(), "aclrtSynchronizeDevice");
}

}  // namespace spillway::ascend
