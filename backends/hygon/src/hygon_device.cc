#include "hygon_device.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "hygon_event.h"
#include "hygon_status.h"
#include "hygon_stream.h"
#include "scoped_device.h"
#include "spillway/hal/status.h"

namespace spillway::hygon {
namespace {

// "dddd:bb:dd.f" in lower case, or "" when `text` is not a PCI address.
std::string NormalizePciBusId(const char* text) {
  unsigned domain = 0, bus = 0, device = 0, function = 0;
  int consumed = 0;
  if (std::sscanf(text, "%x:%x:%x.%x%n", &domain, &bus, &device, &function, &consumed) != 4 ||
      text[consumed] != '\0' || domain > 0xffff || bus > 0xff || device > 0x1f || function > 7) {
    return "";
  }
  return absl::StrFormat("%04x:%02x:%02x.%x", domain, bus, device, function);
}

// An integer device attribute; 0 when the runtime does not know it (an older
// runtime answers hipErrorInvalidValue for attributes it lacks).
int AttributeOrZero(const HygonSymbols& s, abi::hipDeviceAttribute_t attribute, int ordinal) {
  int value = 0;
  if (s.hipDeviceGetAttribute(&value, attribute, ordinal) != abi::kSuccess) return 0;
  return value;
}

}  // namespace

abi::hipMemcpyKind HipMemcpyKindFor(hal::Endpoint dst, hal::Endpoint src) {
  if (dst == hal::Endpoint::kManaged || src == hal::Endpoint::kManaged) {
    return abi::kMemcpyDefault;
  }
  const bool dst_device = dst == hal::Endpoint::kDevice;
  const bool src_device = src == hal::Endpoint::kDevice;
  if (dst_device && src_device) return abi::kMemcpyDeviceToDevice;
  if (dst_device) return abi::kMemcpyHostToDevice;
  if (src_device) return abi::kMemcpyDeviceToHost;
  return abi::kMemcpyHostToHost;
}

abi::hipMemoryAdvise HipAdviceFor(hal::Advice advice) {
  switch (advice) {
    case hal::Advice::kSetReadMostly:
      return abi::kMemAdviseSetReadMostly;
    case hal::Advice::kUnsetReadMostly:
      return abi::kMemAdviseUnsetReadMostly;
    case hal::Advice::kSetPreferredLocation:
      return abi::kMemAdviseSetPreferredLocation;
    case hal::Advice::kUnsetPreferredLocation:
      return abi::kMemAdviseUnsetPreferredLocation;
    case hal::Advice::kSetAccessedBy:
      return abi::kMemAdviseSetAccessedBy;
    case hal::Advice::kUnsetAccessedBy:
      return abi::kMemAdviseUnsetAccessedBy;
  }
  return abi::kMemAdviseSetReadMostly;  // unreachable: the HAL checked the value
}

int HipDeviceFor(const hal::Location& location) {
  return location.type == hal::Location::Type::kDevice ? location.id : abi::kCpuDeviceId;
}

HygonDevice::HygonDevice(hal::DeviceProperties properties, std::string uri,
                         const HygonSymbols& symbols)
    : hal::Device(std::move(properties), std::move(uri)), symbols_(symbols) {}

absl::StatusOr<std::unique_ptr<HygonDevice>> HygonDevice::Open(
    const HygonSymbols& s, int ordinal, std::vector<hal::Limitation>* limitations) {
  hal::DeviceProperties p;
  p.ordinal = ordinal;
  char name[256] = {};
  SPILLWAY_RETURN_IF_ERROR(
      HipStatus(&s, s.hipDeviceGetName(name, sizeof(name) - 1, ordinal), "hipDeviceGetName"));
  p.name = name[0] != '\0' ? name : absl::StrCat("HIP device ", ordinal);
  size_t total = 0;
  SPILLWAY_RETURN_IF_ERROR(
      HipStatus(&s, s.hipDeviceTotalMem(&total, ordinal), "hipDeviceTotalMem"));
  p.total_memory = total;
  if (s.hipDeviceGetUuid != nullptr) {
    abi::hipUUID uuid{};
    // Properties are best effort: a runtime without UUIDs reports all zero.
    if (s.hipDeviceGetUuid(&uuid, ordinal) == abi::kSuccess) {
      std::memcpy(p.uuid.data(), uuid.bytes, p.uuid.size());
    }
  }
  if (s.hipDeviceGetPCIBusId != nullptr) {
    char bus_id[64] = {};
    if (s.hipDeviceGetPCIBusId(bus_id, sizeof(bus_id) - 1, ordinal) == abi::kSuccess) {
      p.pci_bus_id = NormalizePciBusId(bus_id);
    }
  }

  auto lacks = [limitations](hal::Capability cap, std::string why) {
    limitations->push_back({hal::CapabilityName(cap), std::move(why)});
  };
  const bool managed_attribute =
      AttributeOrZero(s, abi::kDeviceAttributeManagedMemory, ordinal) != 0;
  const bool concurrent =
      AttributeOrZero(s, abi::kDeviceAttributeConcurrentManagedAccess, ordinal) != 0;
  const bool managed = managed_attribute && s.hipMallocManaged != nullptr;
  if (managed) {
    p.capabilities |= hal::kCapManagedMemory;
  } else if (s.hipMallocManaged == nullptr) {
    lacks(hal::kCapManagedMemory, "the HIP runtime does not export hipMallocManaged");
  } else {
    lacks(hal::kCapManagedMemory,
          "the device reports no managed memory (hipDeviceAttributeManagedMemory = 0); "
          "the runtime spills to pinned host memory instead");
  }
  // Migration hints and oversubscription need the device to fault on managed
  // pages while the CPU uses them (HMM with XNACK on AMD-derived parts).
  const std::string no_concurrent =
      managed ? "the device cannot access managed memory concurrently with the CPU "
                "(hipDeviceAttributeConcurrentManagedAccess = 0)"
              : "no managed memory on this device";
  if (managed && concurrent && s.hipMemAdvise != nullptr) {
    p.capabilities |=
        hal::kCapAdviseReadMostly | hal::kCapAdvisePreferredLocation | hal::kCapAdviseAccessedBy;
  } else {
    const std::string why =
        !(managed && concurrent) ? no_concurrent : "the HIP runtime does not export hipMemAdvise";
    lacks(hal::kCapAdviseReadMostly, why);
    lacks(hal::kCapAdvisePreferredLocation, why);
    lacks(hal::kCapAdviseAccessedBy, why);
  }
  if (managed && concurrent && s.hipMemPrefetchAsync != nullptr) {
    p.capabilities |= hal::kCapPrefetch;
  } else {
    lacks(hal::kCapPrefetch, !(managed && concurrent)
                                 ? no_concurrent
                                 : "the HIP runtime does not export hipMemPrefetchAsync");
  }
  if (managed && concurrent) {
    p.capabilities |= hal::kCapOversubscription;
  } else {
    lacks(hal::kCapOversubscription, no_concurrent);
  }
  lacks(hal::kCapHostNumaLocation,
        "hipMemAdvise and hipMemPrefetchAsync take a device number (or hipCpuDeviceId), "
        "not a host NUMA node");
  if (AttributeOrZero(s, abi::kDeviceAttributeCanMapHostMemory, ordinal) != 0) {
    p.capabilities |= hal::kCapHostMappedMemory;
  } else {
    lacks(hal::kCapHostMappedMemory,
          "the device cannot map pinned host memory (hipDeviceAttributeCanMapHostMemory = 0)");
  }
  std::string uri = absl::StrCat("hygon://", ordinal);
  return std::unique_ptr<HygonDevice>(new HygonDevice(std::move(p), std::move(uri), s));
}

absl::StatusOr<hal::MemoryInfo> HygonDevice::DoGetMemoryInfo() {
  ScopedDevice scope(symbols_, ordinal());
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  size_t free = 0, total = 0;
  SPILLWAY_RETURN_IF_ERROR(
      HipStatus(&symbols_, symbols_.hipMemGetInfo(&free, &total), "hipMemGetInfo"));
  return hal::MemoryInfo{free, total};
}

absl::StatusOr<void*> HygonDevice::DoAllocate(hal::MemoryKind kind, size_t size) {
  ScopedDevice scope(symbols_, ordinal());
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  void* ptr = nullptr;
  absl::Status status;
  switch (kind) {
    case hal::MemoryKind::kDevice:
      status = HipStatus(&symbols_, symbols_.hipMalloc(&ptr, size), "hipMalloc");
      break;
    case hal::MemoryKind::kHost:
      // Portable: usable from every device; mapped: kernels may read it in place.
      status = HipStatus(
          &symbols_,
          symbols_.hipHostMalloc(&ptr, size, abi::kHostMallocPortable | abi::kHostMallocMapped),
          "hipHostMalloc");
      break;
    case hal::MemoryKind::kManaged:
      status = HipStatus(&symbols_, symbols_.hipMallocManaged(&ptr, size, abi::kMemAttachGlobal),
                         "hipMallocManaged");
      break;
  }
  SPILLWAY_RETURN_IF_ERROR(status);
  if (ptr == nullptr) {
    return absl::InternalError(absl::StrFormat(
        "%s: the HIP runtime reported success but returned no pointer for %u bytes of %s memory",
        uri(), size, hal::MemoryKindName(kind)));
  }
  return ptr;
}

absl::Status HygonDevice::DoFree(const hal::Allocation& allocation) {
  ScopedDevice scope(symbols_, ordinal());
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  if (allocation.kind == hal::MemoryKind::kHost) {
    return HipStatus(&symbols_, symbols_.hipHostFree(allocation.base), "hipHostFree");
  }
  // Device and managed memory are both released with hipFree.
  return HipStatus(&symbols_, symbols_.hipFree(allocation.base), "hipFree");
}

absl::Status HygonDevice::DoCopy(void* dst, hal::Endpoint dst_kind, const void* src,
                                 hal::Endpoint src_kind, size_t size) {
  ScopedDevice scope(symbols_, ordinal());
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  return HipStatus(&symbols_,
                   symbols_.hipMemcpy(dst, src, size, HipMemcpyKindFor(dst_kind, src_kind)),
                   "hipMemcpy");
}

absl::Status HygonDevice::DoFill(void* dst, hal::Endpoint dst_kind, uint8_t value, size_t size) {
  if (dst_kind == hal::Endpoint::kPageableHost) {
    // hipMemset needs memory the device can address; the caller's own host
    // memory is filled by the CPU, which is what a device fill of it would cost.
    std::memset(dst, value, size);
    return absl::OkStatus();
  }
  ScopedDevice scope(symbols_, ordinal());
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  return HipStatus(&symbols_, symbols_.hipMemset(dst, value, size), "hipMemset");
}

absl::StatusOr<std::unique_ptr<hal::Stream>> HygonDevice::DoCreateStream() {
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<HygonStream> stream, HygonStream::Create(*this));
  return std::unique_ptr<hal::Stream>(std::move(stream));
}

absl::StatusOr<std::unique_ptr<hal::Event>> HygonDevice::DoCreateEvent() {
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<HygonEvent> event, HygonEvent::Create(*this));
  return std::unique_ptr<hal::Event>(std::move(event));
}

absl::Status HygonDevice::DoCopyAsync(void* dst, hal::Endpoint dst_kind, const void* src,
                                      hal::Endpoint src_kind, size_t size, hal::Stream& stream) {
  ScopedDevice scope(symbols_, ordinal());
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  // The HAL checked that the stream is this device's, so it is a HygonStream.
  auto& hip_stream = static_cast<HygonStream&>(stream);
  return HipStatus(&symbols_,
                   symbols_.hipMemcpyAsync(dst, src, size, HipMemcpyKindFor(dst_kind, src_kind),
                                           hip_stream.handle()),
                   "hipMemcpyAsync");
}

absl::Status HygonDevice::DoFillAsync(void* dst, hal::Endpoint dst_kind, uint8_t value, size_t size,
                                      hal::Stream& stream) {
  if (dst_kind == hal::Endpoint::kPageableHost) {
    // As DoFill, in stream order: wait for the work enqueued before it.
    SPILLWAY_RETURN_IF_ERROR(stream.Synchronize());
    std::memset(dst, value, size);
    return absl::OkStatus();
  }
  ScopedDevice scope(symbols_, ordinal());
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  auto& hip_stream = static_cast<HygonStream&>(stream);
  return HipStatus(&symbols_, symbols_.hipMemsetAsync(dst, value, size, hip_stream.handle()),
                   "hipMemsetAsync");
}

absl::Status HygonDevice::DoAdvise(void* ptr, size_t size, hal::Advice advice,
                                   hal::Location location) {
  ScopedDevice scope(symbols_, ordinal());
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  // Read-mostly advice ignores the device; pass this one.
  const bool read_mostly =
      advice == hal::Advice::kSetReadMostly || advice == hal::Advice::kUnsetReadMostly;
  const int device = read_mostly ? ordinal() : HipDeviceFor(location);
  return HipStatus(&symbols_, symbols_.hipMemAdvise(ptr, size, HipAdviceFor(advice), device),
                   "hipMemAdvise",
                   absl::StrCat(hal::AdviceName(advice), " ", hal::LocationToString(location)));
}

absl::Status HygonDevice::DoPrefetch(void* ptr, size_t size, hal::Location location,
                                     hal::Stream& stream) {
  ScopedDevice scope(symbols_, ordinal());
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  auto& hip_stream = static_cast<HygonStream&>(stream);
  return HipStatus(
      &symbols_,
      symbols_.hipMemPrefetchAsync(ptr, size, HipDeviceFor(location), hip_stream.handle()),
      "hipMemPrefetchAsync", hal::LocationToString(location));
}

absl::Status HygonDevice::DoSynchronize() {
  ScopedDevice scope(symbols_, ordinal());
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  return HipStatus(&symbols_, symbols_.hipDeviceSynchronize(), "hipDeviceSynchronize");
}

}  // namespace spillway::hygon
