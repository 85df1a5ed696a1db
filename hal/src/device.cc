#include "spillway/hal/device.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spillway/hal/status.h"

namespace spillway::hal {

absl::StatusOr<MemoryInfo> Device::GetMemoryInfo() { return DoGetMemoryInfo(); }

absl::StatusOr<void*> Device::Allocate(MemoryKind kind, size_t size) {
  if (size == 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: cannot allocate 0 bytes of %s memory", uri_, MemoryKindName(kind)));
  }
  switch (kind) {
    case MemoryKind::kDevice:
      if (size > properties_.total_memory) {
        return absl::ResourceExhaustedError(absl::StrFormat(
            "%s: %u bytes of device memory requested, the device has %u in total", uri_,
            size, properties_.total_memory));
      }
      break;
    case MemoryKind::kHost:
      break;
    case MemoryKind::kManaged:
      if (!properties_.Has(kCapManagedMemory)) {
        return absl::UnimplementedError(
            absl::StrFormat("%s: managed memory is not supported by this device", uri_));
      }
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: unknown memory kind %d", uri_, static_cast<int>(kind)));
  }
  SPILLWAY_ASSIGN_OR_RETURN(void* ptr, DoAllocate(kind, size));
  absl::Status inserted = allocations_.Insert({ptr, size, kind});
  if (!inserted.ok()) {
    // The driver handed out an address it already handed out: never expose it.
    (void)DoFree({ptr, size, kind});
    return absl::InternalError(absl::StrCat(uri_, ": driver returned a live address: ",
                                            inserted.message()));
  }
  return ptr;
}

absl::Status Device::Free(void* ptr) {
  if (ptr == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: cannot free a null pointer", uri_));
  }
  absl::StatusOr<Allocation> removed = allocations_.Remove(ptr);
  if (!removed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(uri_, ": free: ", removed.status().message()));
  }
  return DoFree(*removed);
}

absl::StatusOr<Allocation> Device::FindAllocation(const void* ptr) const {
  std::optional<Allocation> a = allocations_.Find(ptr);
  if (!a.has_value()) {
    return absl::NotFoundError(
        absl::StrFormat("%s: %p is not inside a live allocation", uri_, ptr));
  }
  return *a;
}

Endpoint Device::Classify(const void* ptr) const {
  std::optional<Allocation> a = allocations_.Find(ptr);
  if (!a.has_value()) return Endpoint::kPageableHost;
  switch (a->kind) {
    case MemoryKind::kDevice: return Endpoint::kDevice;
    case MemoryKind::kHost: return Endpoint::kPinnedHost;
    case MemoryKind::kManaged: return Endpoint::kManaged;
  }
  return Endpoint::kPageableHost;
}

absl::Status Device::CheckRange(const void* ptr, size_t size, const char* what,
                                Endpoint* endpoint) const {
  if (ptr == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: %s is a null pointer", uri_, what));
  }
  if (size == 0) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: %s of 0 bytes", uri_, what));
  }
  if (reinterpret_cast<uintptr_t>(ptr) + size < reinterpret_cast<uintptr_t>(ptr)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %s range %p+%u wraps the address space", uri_, what, ptr, size));
  }
  absl::StatusOr<std::optional<Allocation>> a = allocations_.FindRange(ptr, size);
  if (!a.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(uri_, ": ", what, ": ", a.status().message()));
  }
  if (!a->has_value()) {
    *endpoint = Endpoint::kPageableHost;
  } else {
    switch ((*a)->kind) {
      case MemoryKind::kDevice: *endpoint = Endpoint::kDevice; break;
      case MemoryKind::kHost: *endpoint = Endpoint::kPinnedHost; break;
      case MemoryKind::kManaged: *endpoint = Endpoint::kManaged; break;
    }
  }
  return absl::OkStatus();
}

absl::Status Device::CheckStream(const Stream& stream) const {
  if (&stream.device() != this) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: stream belongs to another device (%s)", uri_, stream.device().uri()));
  }
  return absl::OkStatus();
}

absl::Status Device::CheckManagedRange(const void* ptr, size_t size, const char* call) const {
  Endpoint endpoint;
  SPILLWAY_RETURN_IF_ERROR(CheckRange(ptr, size, call, &endpoint));
  if (endpoint != Endpoint::kManaged) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: %s needs managed memory; %p is not inside a managed allocation of this device",
        uri_, call, ptr));
  }
  return absl::OkStatus();
}

absl::Status Device::CheckLocation(const Location& location, const char* call) const {
  switch (location.type) {
    case Location::Type::kDevice:
      if (location.id != properties_.ordinal) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: %s to device %d, but this is device %d", uri_, call, location.id,
            properties_.ordinal));
      }
      return absl::OkStatus();
    case Location::Type::kHost:
      return absl::OkStatus();
    case Location::Type::kHostNuma:
      if (!properties_.Has(kCapHostNumaLocation)) {
        return absl::UnimplementedError(absl::StrFormat(
            "%s: %s to a host NUMA node is not supported by this device", uri_, call));
      }
      if (location.id < 0) {
        return absl::InvalidArgumentError(
            absl::StrFormat("%s: %s to NUMA node %d", uri_, call, location.id));
      }
      return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrFormat("%s: %s: unknown location type", uri_, call));
}

absl::Status Device::Copy(void* dst, const void* src, size_t size) {
  Endpoint dst_kind, src_kind;
  SPILLWAY_RETURN_IF_ERROR(CheckRange(dst, size, "copy destination", &dst_kind));
  SPILLWAY_RETURN_IF_ERROR(CheckRange(src, size, "copy source", &src_kind));
  return DoCopy(dst, dst_kind, src, src_kind, size);
}

absl::Status Device::Fill(void* dst, uint8_t value, size_t size) {
  Endpoint dst_kind;
  SPILLWAY_RETURN_IF_ERROR(CheckRange(dst, size, "fill destination", &dst_kind));
  return DoFill(dst, dst_kind, value, size);
}

absl::StatusOr<std::unique_ptr<Stream>> Device::CreateStream() { return DoCreateStream(); }
absl::StatusOr<std::unique_ptr<Event>> Device::CreateEvent() { return DoCreateEvent(); }

absl::Status Device::CopyAsync(void* dst, const void* src, size_t size, Stream& stream) {
  SPILLWAY_RETURN_IF_ERROR(CheckStream(stream));
  Endpoint dst_kind, src_kind;
  SPILLWAY_RETURN_IF_ERROR(CheckRange(dst, size, "copy destination", &dst_kind));
  SPILLWAY_RETURN_IF_ERROR(CheckRange(src, size, "copy source", &src_kind));
  return DoCopyAsync(dst, dst_kind, src, src_kind, size, stream);
}

absl::Status Device::FillAsync(void* dst, uint8_t value, size_t size, Stream& stream) {
  SPILLWAY_RETURN_IF_ERROR(CheckStream(stream));
  Endpoint dst_kind;
  SPILLWAY_RETURN_IF_ERROR(CheckRange(dst, size, "fill destination", &dst_kind));
  return DoFillAsync(dst, dst_kind, value, size, stream);
}

absl::Status Device::Advise(void* ptr, size_t size, Advice advice, Location location) {
  Capability needed;
  switch (advice) {
    case Advice::kSetReadMostly:
    case Advice::kUnsetReadMostly: needed = kCapAdviseReadMostly; break;
    case Advice::kSetPreferredLocation:
    case Advice::kUnsetPreferredLocation: needed = kCapAdvisePreferredLocation; break;
    case Advice::kSetAccessedBy:
    case Advice::kUnsetAccessedBy: needed = kCapAdviseAccessedBy; break;
    default:
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: unknown advice %d", uri_, static_cast<int>(advice)));
  }
  if (!properties_.Has(needed)) {
    return absl::UnimplementedError(absl::StrFormat(
        "%s: advice %s is not supported by this device", uri_, AdviceName(advice)));
  }
  SPILLWAY_RETURN_IF_ERROR(CheckManagedRange(ptr, size, "advise"));
  if (needed != kCapAdviseReadMostly) {
    SPILLWAY_RETURN_IF_ERROR(CheckLocation(location, "advise"));
  }
  return DoAdvise(ptr, size, advice, location);
}

absl::Status Device::Prefetch(void* ptr, size_t size, Location location, Stream& stream) {
  if (!properties_.Has(kCapPrefetch)) {
    return absl::UnimplementedError(
        absl::StrFormat("%s: prefetch is not supported by this device", uri_));
  }
  SPILLWAY_RETURN_IF_ERROR(CheckStream(stream));
  SPILLWAY_RETURN_IF_ERROR(CheckManagedRange(ptr, size, "prefetch"));
  SPILLWAY_RETURN_IF_ERROR(CheckLocation(location, "prefetch"));
  return DoPrefetch(ptr, size, location, stream);
}

absl::Status Device::Synchronize() { return DoSynchronize(); }

}  // namespace spillway::hal
