#include "spillway/backends/fake/fake_device.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "fake_event.h"
#include "fake_stream.h"
#include "fault_injector.h"
#include "host_mapping.h"
#include "memory_model.h"
#include "spillway/hal/status.h"

namespace spillway::fake {
namespace {

uintptr_t Addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

hal::DeviceProperties MakeProperties(const FakeSpec& spec, int ordinal) {
  hal::DeviceProperties p;
  p.name = "Spillway Fake Accelerator";
  // A fixed RFC 9562 version-8 UUID with the ordinal in its last bytes: stable
  // across runs and processes, like a real card's.
  p.uuid = {0x5b, 0x17, 0xfa, 0xce, 0x00, 0x00, 0x80, 0x00,
            0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  p.uuid[14] = static_cast<uint8_t>((ordinal >> 8) & 0xff);
  p.uuid[15] = static_cast<uint8_t>(ordinal & 0xff);
  p.pci_bus_id = absl::StrFormat("0000:%02x:00.0", 0x17 + ordinal);
  p.total_memory = spec.memory;
  p.ordinal = ordinal;
  if (spec.managed) {
    p.capabilities |= hal::kCapManagedMemory | hal::kCapAdviseReadMostly |
                      hal::kCapAdvisePreferredLocation | hal::kCapAdviseAccessedBy |
                      hal::kCapPrefetch | hal::kCapHostNumaLocation |
                      hal::kCapOversubscription;
  }
  if (spec.host_mapped) p.capabilities |= hal::kCapHostMappedMemory;
  return p;
}

struct MappedAllocation {
  HostMapping mapping;
  hal::MemoryKind kind = hal::MemoryKind::kDevice;
};

}  // namespace

struct FakeDevice::State {
  explicit State(const FakeSpec& spec) : model(spec) {}

  // The latest modeled time anything on the device ends.
  double TimeNs() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    double t = std::max({host_time, sync_time, retired_time, model.LinkIdleAt()});
    for (const FakeStream* s : streams) t = std::max(t, s->time_ns);
    return t;
  }
  // The allocation holding all of [addr, addr+size), or nullptr.
  const MappedAllocation* Find(uintptr_t addr, size_t size) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    auto it = mappings.upper_bound(addr);
    if (it == mappings.begin()) return nullptr;
    --it;
    const MappedAllocation& a = it->second;
    const uintptr_t offset = addr - it->first;
    if (offset >= a.mapping.size || size > a.mapping.size - offset) return nullptr;
    return &a;
  }

  mutable absl::Mutex mu;
  MemoryModel model ABSL_GUARDED_BY(mu);
  FaultInjector injector ABSL_GUARDED_BY(mu);
  absl::btree_map<uintptr_t, MappedAllocation> mappings ABSL_GUARDED_BY(mu);
  absl::flat_hash_set<const FakeStream*> streams ABSL_GUARDED_BY(mu);
  // The host thread's modeled clock: it advances only when the host waits
  // (synchronous calls, Synchronize), and no work starts before it.
  double host_time ABSL_GUARDED_BY(mu) = 0;
  // End of the last synchronous copy or fill (the legacy default stream).
  double sync_time ABSL_GUARDED_BY(mu) = 0;
  // Latest end of any destroyed stream.
  double retired_time ABSL_GUARDED_BY(mu) = 0;
};

FakeDevice::FakeDevice(const FakeSpec& spec, int ordinal)
    : hal::Device(MakeProperties(spec, ordinal), absl::StrCat("fake://", ordinal)),
      spec_(spec),
      state_(std::make_unique<State>(spec)) {
  absl::MutexLock lock(&state_->mu);
  for (const FakeFailure& f : spec_.failures) state_->injector.Inject(f.op, f.nth, f.error);
}

FakeDevice::~FakeDevice() {
  absl::MutexLock lock(&state_->mu);
  // Allocations the caller leaked go with the device.
  for (const auto& [base, allocation] : state_->mappings) UnmapHostMemory(allocation.mapping);
  state_->mappings.clear();
}

FakeStream* FakeDevice::OwnStream(const hal::Stream& stream) const {
  const auto* fake = dynamic_cast<const FakeStream*>(&stream);
  if (fake == nullptr || &fake->fake_device() != this) return nullptr;
  // The stream's state is the device's to change; the const only came from
  // the caller's view of the stream.
  return const_cast<FakeStream*>(fake);
}

void FakeDevice::RetireStream(FakeStream& stream) {
  absl::MutexLock lock(&state_->mu);
  state_->retired_time = std::max(state_->retired_time, stream.time_ns);
  state_->streams.erase(&stream);
}

absl::Status FakeDevice::SynchronizeStream(FakeStream& stream) {
  absl::MutexLock lock(&state_->mu);
  SPILLWAY_RETURN_IF_ERROR(state_->injector.Check(FakeOp::kSynchronize));
  state_->host_time = std::max(state_->host_time, stream.time_ns);
  return absl::OkStatus();
}

double FakeDevice::StreamTime(const FakeStream& stream) const {
  absl::MutexLock lock(&state_->mu);
  return stream.time_ns;
}

double FakeDevice::HostTimeNs() const {
  absl::MutexLock lock(&state_->mu);
  return state_->host_time;
}

void FakeDevice::WaitUntil(double time_ns) {
  absl::MutexLock lock(&state_->mu);
  state_->host_time = std::max(state_->host_time, time_ns);
}

absl::StatusOr<hal::MemoryInfo> FakeDevice::DoGetMemoryInfo() {
  absl::MutexLock lock(&state_->mu);
  SPILLWAY_RETURN_IF_ERROR(state_->injector.Check(FakeOp::kMemoryInfo));
  return hal::MemoryInfo{state_->model.free_bytes(), spec_.memory};
}

absl::StatusOr<void*> FakeDevice::DoAllocate(hal::MemoryKind kind, size_t size) {
  State& s = *state_;
  absl::MutexLock lock(&s.mu);
  SPILLWAY_RETURN_IF_ERROR(s.injector.Check(FakeOp::kAllocate));
  if (kind == hal::MemoryKind::kDevice && size > s.model.free_bytes()) {
    // Checked again by the model; failing before mmap keeps this path cheap.
    return s.model.ReserveDeviceMemory(size, s.host_time).status();
  }
  // Managed regions start on a page boundary so that model pages and the
  // caller's addresses line up, as the driver's 2 MiB blocks do.
  const size_t alignment = kind == hal::MemoryKind::kManaged ? spec_.page_size : 0;
  SPILLWAY_ASSIGN_OR_RETURN(HostMapping mapping,
                            MapHostMemory(size, alignment, spec_.backing));
  if (kind == hal::MemoryKind::kDevice) {
    absl::StatusOr<double> evicted = s.model.ReserveDeviceMemory(size, s.host_time);
    if (!evicted.ok()) {
      UnmapHostMemory(mapping);
      return evicted.status();
    }
    // The allocation returns once evicted pages are written back.
    s.host_time = std::max(s.host_time, *evicted);
  } else if (kind == hal::MemoryKind::kManaged) {
    s.model.AddManagedRegion(Addr(mapping.base), size);
  }
  s.mappings[Addr(mapping.base)] = MappedAllocation{mapping, kind};
  return mapping.base;
}

absl::Status FakeDevice::DoFree(const hal::Allocation& allocation) {
  State& s = *state_;
  absl::MutexLock lock(&s.mu);
  absl::Status injected = s.injector.Check(FakeOp::kFree);
  auto it = s.mappings.find(Addr(allocation.base));
  if (it == s.mappings.end()) {
    return absl::InternalError(
        absl::StrFormat("%s: free of %p, which the fake never allocated", uri(),
                        allocation.base));
  }
  if (it->second.kind == hal::MemoryKind::kDevice) {
    s.model.ReleaseDeviceMemory(it->second.mapping.size);
  } else if (it->second.kind == hal::MemoryKind::kManaged) {
    s.model.RemoveManagedRegion(it->first);
  }
  UnmapHostMemory(it->second.mapping);
  s.mappings.erase(it);
  return injected;
}

absl::Status FakeDevice::CopyOn(void* dst, hal::Endpoint dst_kind, const void* src,
                                hal::Endpoint src_kind, size_t size, FakeStream* stream) {
  {
    State& s = *state_;
    absl::MutexLock lock(&s.mu);
    SPILLWAY_RETURN_IF_ERROR(s.injector.Check(FakeOp::kCopy));
    const struct {
      const void* ptr;
      hal::Endpoint kind;
      const char* what;
    } ends[] = {{dst, dst_kind, "destination"}, {src, src_kind, "source"}};
    for (const auto& end : ends) {
      if (end.kind == hal::Endpoint::kPageableHost) continue;
      const MappedAllocation* a = s.Find(Addr(end.ptr), size);
      if (a != nullptr && !a->mapping.backed) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "%s: copy %s %p is address-space-only memory (fake spec backing=none)", uri(),
            end.what, end.ptr));
      }
    }
    // Synchronous copies run on the legacy default stream: after all other
    // work, and the host waits for them.
    double t = stream != nullptr ? std::max(stream->time_ns, s.host_time) : s.TimeNs();
    if (src_kind == hal::Endpoint::kManaged) {
      t = s.model.HostAccessManaged(Addr(src), size, /*write=*/false, t);
    }
    if (dst_kind == hal::Endpoint::kManaged) {
      t = s.model.HostAccessManaged(Addr(dst), size, /*write=*/true, t);
    }
    const bool from_device = src_kind == hal::Endpoint::kDevice;
    const bool to_device = dst_kind == hal::Endpoint::kDevice;
    if (from_device && to_device) {
      t = s.model.DeviceTraffic(2 * static_cast<uint64_t>(size), t);  // read + write
    } else if (to_device) {
      t = s.model.LinkCopy(LinkDirection::kHostToDevice, size, t);
    } else if (from_device) {
      t = s.model.LinkCopy(LinkDirection::kDeviceToHost, size, t);
    }
    if (stream != nullptr) {
      stream->time_ns = t;
    } else {
      s.sync_time = t;
      s.host_time = t;
    }
  }
  std::memmove(dst, src, size);
  return absl::OkStatus();
}

absl::Status FakeDevice::FillOn(void* dst, hal::Endpoint dst_kind, uint8_t value, size_t size,
                                FakeStream* stream) {
  {
    State& s = *state_;
    absl::MutexLock lock(&s.mu);
    SPILLWAY_RETURN_IF_ERROR(s.injector.Check(FakeOp::kFill));
    if (dst_kind != hal::Endpoint::kPageableHost) {
      const MappedAllocation* a = s.Find(Addr(dst), size);
      if (a != nullptr && !a->mapping.backed) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "%s: fill destination %p is address-space-only memory (fake spec backing=none)",
            uri(), dst));
      }
    }
    double t = stream != nullptr ? std::max(stream->time_ns, s.host_time) : s.TimeNs();
    if (dst_kind == hal::Endpoint::kManaged) {
      t = s.model.HostAccessManaged(Addr(dst), size, /*write=*/true, t);
    } else if (dst_kind == hal::Endpoint::kDevice) {
      t = s.model.DeviceTraffic(size, t);
    }
    if (stream != nullptr) {
      stream->time_ns = t;
    } else {
      s.sync_time = t;
      s.host_time = t;
    }
  }
  std::memset(dst, value, size);
  return absl::OkStatus();
}

absl::Status FakeDevice::DoCopy(void* dst, hal::Endpoint dst_kind, const void* src,
                                hal::Endpoint src_kind, size_t size) {
  return CopyOn(dst, dst_kind, src, src_kind, size, nullptr);
}

absl::Status FakeDevice::DoFill(void* dst, hal::Endpoint dst_kind, uint8_t value, size_t size) {
  return FillOn(dst, dst_kind, value, size, nullptr);
}

absl::Status FakeDevice::DoCopyAsync(void* dst, hal::Endpoint dst_kind, const void* src,
                                     hal::Endpoint src_kind, size_t size, hal::Stream& stream) {
  FakeStream* own = OwnStream(stream);
  if (own == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(uri(), ": copy: not a stream of this device"));
  }
  return CopyOn(dst, dst_kind, src, src_kind, size, own);
}

absl::Status FakeDevice::DoFillAsync(void* dst, hal::Endpoint dst_kind, uint8_t value,
                                     size_t size, hal::Stream& stream) {
  FakeStream* own = OwnStream(stream);
  if (own == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(uri(), ": fill: not a stream of this device"));
  }
  return FillOn(dst, dst_kind, value, size, own);
}

absl::StatusOr<std::unique_ptr<hal::Stream>> FakeDevice::DoCreateStream() {
  absl::MutexLock lock(&state_->mu);
  SPILLWAY_RETURN_IF_ERROR(state_->injector.Check(FakeOp::kCreateStream));
  auto stream = std::make_unique<FakeStream>(*this);
  // A new stream starts at the host's present: nothing can have been
  // enqueued on it before it existed, so a time measured from its clock
  // never includes earlier work.
  stream->time_ns = state_->host_time;
  state_->streams.insert(stream.get());
  return std::unique_ptr<hal::Stream>(std::move(stream));
}

absl::StatusOr<std::unique_ptr<hal::Event>> FakeDevice::DoCreateEvent() {
  absl::MutexLock lock(&state_->mu);
  SPILLWAY_RETURN_IF_ERROR(state_->injector.Check(FakeOp::kCreateEvent));
  return std::unique_ptr<hal::Event>(std::make_unique<FakeEvent>(*this));
}

absl::Status FakeDevice::DoAdvise(void* ptr, size_t size, hal::Advice advice,
                                  hal::Location location) {
  absl::MutexLock lock(&state_->mu);
  SPILLWAY_RETURN_IF_ERROR(state_->injector.Check(FakeOp::kAdvise));
  state_->model.Advise(Addr(ptr), size, advice, location);
  return absl::OkStatus();
}

absl::Status FakeDevice::DoPrefetch(void* ptr, size_t size, hal::Location location,
                                    hal::Stream& stream) {
  FakeStream* own = OwnStream(stream);
  if (own == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(uri(), ": prefetch: not a stream of this device"));
  }
  State& s = *state_;
  absl::MutexLock lock(&s.mu);
  SPILLWAY_RETURN_IF_ERROR(s.injector.Check(FakeOp::kPrefetch));
  const double start = std::max(own->time_ns, s.host_time);
  own->time_ns = location.type == hal::Location::Type::kDevice
                     ? s.model.PrefetchToDevice(Addr(ptr), size, start)
                     : s.model.PrefetchToHost(Addr(ptr), size, start);
  return absl::OkStatus();
}

absl::Status FakeDevice::DoSynchronize() {
  absl::MutexLock lock(&state_->mu);
  SPILLWAY_RETURN_IF_ERROR(state_->injector.Check(FakeOp::kSynchronize));
  state_->host_time = state_->TimeNs();
  return absl::OkStatus();
}

absl::Status FakeDevice::LaunchKernel(const KernelSpec& kernel, hal::Stream& stream) {
  FakeStream* own = OwnStream(stream);
  if (own == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        uri(), ": launch: the stream belongs to another device (", stream.device().uri(), ")"));
  }
  if (!std::isfinite(kernel.compute_ns) || kernel.compute_ns < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        uri(), ": launch: compute_ns=", kernel.compute_ns, " must be finite and >= 0"));
  }
  State& s = *state_;
  absl::MutexLock lock(&s.mu);
  // Every range is checked before anything changes, so a bad launch has no effect.
  std::vector<hal::MemoryKind> kinds;
  kinds.reserve(kernel.reads.size() + kernel.writes.size());
  for (const auto* list : {&kernel.reads, &kernel.writes}) {
    const char* what = list == &kernel.reads ? "read" : "write";
    for (size_t i = 0; i < list->size(); ++i) {
      const ByteRange& r = (*list)[i];
      if (r.ptr == nullptr || r.size == 0) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: launch: %s range #%u (%p+%u) is null or empty", uri(), what, i, r.ptr,
            r.size));
      }
      const MappedAllocation* a = s.Find(Addr(r.ptr), r.size);
      if (a == nullptr) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: launch: %s range #%u (%p+%u) is not inside one allocation of this device",
            uri(), what, i, r.ptr, r.size));
      }
      if (a->kind == hal::MemoryKind::kHost && !spec_.host_mapped) {
        return absl::UnimplementedError(absl::StrFormat(
            "%s: launch: %s range #%u is pinned host memory, which kernels cannot reach "
            "(fake spec host_mapped=0)",
            uri(), what, i));
      }
      kinds.push_back(a->kind);
    }
  }
  SPILLWAY_RETURN_IF_ERROR(s.injector.Check(FakeOp::kLaunch));
  const double start = std::max(own->time_ns, s.host_time);
  double cursor = start;
  size_t k = 0;
  for (const auto* list : {&kernel.reads, &kernel.writes}) {
    const bool write = list == &kernel.writes;
    for (const ByteRange& r : *list) {
      switch (kinds[k++]) {
        case hal::MemoryKind::kDevice:
          cursor = s.model.KernelAccessDevice(r.size, cursor);
          break;
        case hal::MemoryKind::kHost:
          cursor = s.model.KernelAccessRemote(r.size, write, cursor);
          break;
        case hal::MemoryKind::kManaged:
          cursor = s.model.KernelAccessManaged(Addr(r.ptr), r.size, write, cursor);
          break;
      }
    }
  }
  own->time_ns = std::max(cursor, start + kernel.compute_ns);
  s.model.CountKernel();
  return absl::OkStatus();
}

FakeCounters FakeDevice::counters() const {
  absl::MutexLock lock(&state_->mu);
  return state_->model.counters();
}

void FakeDevice::ResetCounters() {
  absl::MutexLock lock(&state_->mu);
  state_->model.ResetCounters();
}

double FakeDevice::StreamTimeNs(const hal::Stream& stream) const {
  const FakeStream* own = OwnStream(stream);
  if (own == nullptr) return -1;
  return StreamTime(*own);
}

double FakeDevice::TimeNs() const {
  absl::MutexLock lock(&state_->mu);
  return state_->TimeNs();
}

absl::StatusOr<uint64_t> FakeDevice::ResidentBytes(const void* ptr, size_t size) const {
  absl::MutexLock lock(&state_->mu);
  const MappedAllocation* a =
      ptr == nullptr || size == 0 ? nullptr : state_->Find(Addr(ptr), size);
  if (a == nullptr || a->kind != hal::MemoryKind::kManaged) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: resident bytes: %p+%u is not inside one managed allocation of this device", uri(),
        ptr, size));
  }
  return state_->model.ResidentBytes(Addr(ptr), size);
}

void FakeDevice::InjectFault(FakeOp op, int nth, absl::Status error) {
  absl::MutexLock lock(&state_->mu);
  state_->injector.Inject(op, nth, std::move(error));
}

void FakeDevice::ClearInjectedFaults() {
  absl::MutexLock lock(&state_->mu);
  state_->injector.Clear();
}

uint64_t FakeDevice::DeviceBytesInUse() const {
  absl::MutexLock lock(&state_->mu);
  return state_->model.device_bytes();
}

FakeDevice* AsFakeDevice(hal::Device* device) { return dynamic_cast<FakeDevice*>(device); }

}  // namespace spillway::fake
