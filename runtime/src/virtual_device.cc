#include "spillway/runtime/virtual_device.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spillway/hal/status.h"
#include "spillway/runtime/log.h"

namespace spillway::runtime {
namespace {

UsageKind KindOf(Placement placement) {
  switch (placement) {
    case Placement::kDevice: return UsageKind::kDevice;
    case Placement::kManaged: return UsageKind::kManaged;
    case Placement::kHostSpill: return UsageKind::kHostSpill;
  }
  return UsageKind::kDevice;
}

hal::MemoryKind MemoryKindOf(Placement placement) {
  switch (placement) {
    case Placement::kDevice: return hal::MemoryKind::kDevice;
    case Placement::kManaged: return hal::MemoryKind::kManaged;
    case Placement::kHostSpill: return hal::MemoryKind::kHost;
  }
  return hal::MemoryKind::kDevice;
}

TieringOptions TieringOptionsFor(const hal::Device& device, const VirtualDeviceOptions& o) {
  TieringOptions t;
  t.budget_bytes = o.device_budget;
  t.spill_location = o.numa_node >= 0 && device.properties().Has(hal::kCapHostNumaLocation)
                         ? hal::Location::HostNuma(o.numa_node)
                         : hal::Location::Host();
  t.idle_floor_fraction = o.idle_floor_fraction;
  return t;
}

}  // namespace

VirtualDevice::VirtualDevice(hal::Device& device, Ledger* ledger, VirtualDeviceOptions options,
                             Topology* topology)
    : device_(device),
      ledger_(ledger),
      options_(options),
      topology_(topology),
      tiering_(device, TieringOptionsFor(device, options)) {}

VirtualDevice::~VirtualDevice() {
  // The ledger may outlive this device: its plan must not keep counting.
  if (SharesResidency()) (void)ledger_->SetResidentPlan(options_.index, 0);
  // Buffers the application never freed go back with the device, so that
  // neither memory nor quota outlives the runtime.
  absl::flat_hash_map<void*, BufferInfo> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    left.swap(buffers_);
    own_stream_.reset();
  }
  for (auto& [ptr, info] : left) {
    if (info.numa_node >= 0 && topology_ != nullptr) topology_->ForgetBinding(ptr, info.size);
    (void)device_.Free(ptr);
    Release(KindOf(info.placement), info.size);
  }
}

absl::Status VirtualDevice::Reserve(UsageKind kind, uint64_t size) {
  if (ledger_ != nullptr) return ledger_->Reserve(options_.index, kind, size);
  std::atomic<uint64_t>& used = local_used_[static_cast<int>(kind)];
  if (options_.virtual_size == 0) {
    used.fetch_add(size, std::memory_order_relaxed);
    return absl::OkStatus();
  }
  // Without a ledger the limit still holds within this process.
  for (;;) {
    uint64_t total = 0;
    for (const auto& u : local_used_) total += u.load(std::memory_order_relaxed);
    if (size > options_.virtual_size || total > options_.virtual_size - size) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "device %d: %u bytes requested with %u of the %u-byte limit in use", options_.index,
          size, total, options_.virtual_size));
    }
    uint64_t current = used.load(std::memory_order_relaxed);
    if (used.compare_exchange_weak(current, current + size)) {
      // Re-check: another thread may have raced past the limit with us.
      uint64_t after = 0;
      for (const auto& u : local_used_) after += u.load(std::memory_order_relaxed);
      if (after <= options_.virtual_size) return absl::OkStatus();
      used.fetch_sub(size, std::memory_order_relaxed);
    }
  }
}

void VirtualDevice::Release(UsageKind kind, uint64_t size) {
  if (ledger_ != nullptr) {
    (void)ledger_->Release(options_.index, kind, size);
    return;
  }
  local_used_[static_cast<int>(kind)].fetch_sub(size, std::memory_order_relaxed);
}

uint64_t VirtualDevice::DeviceFree() const {
  const uint64_t used = ledger_ != nullptr
                            ? ledger_->Used(options_.index, UsageKind::kDevice)
                            : local_used_[0].load(std::memory_order_relaxed);
  return options_.device_budget > used ? options_.device_budget - used : 0;
}

bool VirtualDevice::SharesResidency() const {
  return ledger_ != nullptr && options_.oversubscribe;
}

void VirtualDevice::WarnLedgerErrorOnce(const absl::Status& status) {
  if (warned_ledger_error_.exchange(true, std::memory_order_relaxed)) return;
  SPILLWAY_LOG(WARNING) << "device " << options_.index
                        << ": cannot share the device budget through the ledger ("
                        << status.message()
                        << "); this process plans with the whole device budget";
}

uint64_t VirtualDevice::ResidentShare() {
  absl::StatusOr<uint64_t> share =
      ledger_->ResidentBudget(options_.index, options_.device_budget);
  if (share.ok()) return *share;
  WarnLedgerErrorOnce(share.status());
  return options_.device_budget;
}

void VirtualDevice::PublishResidentPlan() {
  absl::Status published =
      ledger_->SetResidentPlan(options_.index, tiering_.PlannedResidentBytes());
  if (!published.ok()) WarnLedgerErrorOnce(published);
}

absl::StatusOr<VirtualMemoryInfo> VirtualDevice::GetMemoryInfo() const {
  VirtualMemoryInfo info;
  if (ledger_ != nullptr) {
    info.device_used = ledger_->Used(options_.index, UsageKind::kDevice);
    info.managed_used = ledger_->Used(options_.index, UsageKind::kManaged);
    info.host_spill_used = ledger_->Used(options_.index, UsageKind::kHostSpill);
  } else {
    info.device_used = local_used_[0].load(std::memory_order_relaxed);
    info.managed_used = local_used_[1].load(std::memory_order_relaxed);
    info.host_spill_used = local_used_[2].load(std::memory_order_relaxed);
  }
  info.used = info.device_used + info.managed_used + info.host_spill_used;
  info.device_budget = options_.device_budget;
  if (options_.virtual_size == 0) {
    // No limit: the device's own view, unchanged.
    SPILLWAY_ASSIGN_OR_RETURN(hal::MemoryInfo physical, device_.GetMemoryInfo());
    info.total = physical.total;
    info.free = std::min(physical.free, physical.total);
    return info;
  }
  info.total = options_.virtual_size;
  info.free = info.total - std::min(info.used, info.total);
  return info;
}

absl::StatusOr<void*> VirtualDevice::Allocate(uint64_t size, const BufferHints& hints) {
  if (size == 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("device %d: cannot allocate 0 bytes", options_.index));
  }
  const hal::DeviceProperties& props = device_.properties();
  PlacementInputs inputs;
  inputs.oversubscribe = options_.oversubscribe;
  inputs.has_managed = props.Has(hal::kCapManagedMemory);
  inputs.has_host_mapped = props.Has(hal::kCapHostMappedMemory);
  inputs.device_free = inputs.oversubscribe ? DeviceFree() : 0;
  absl::StatusOr<Placement> placement = policy_.Place(size, hints, inputs);
  auto refuse = [&](absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    ++counters_.refused;
    return status;
  };
  // A device placement that found less room than planned, when spilling is
  // allowed: another process took the device-resident budget first, or the
  // device had less room than the budget said (memory used outside spillway,
  // or a driver that cannot report free memory).
  auto can_spill = [&](const absl::Status& status) {
    return *placement == Placement::kDevice && options_.oversubscribe &&
           absl::IsResourceExhausted(status);
  };
  // Places again as if the device were full, and reserves for that.
  auto spill = [&]() -> absl::Status {
    inputs.device_free = 0;
    placement = policy_.Place(size, hints, inputs);
    return placement.ok() ? Reserve(KindOf(*placement), size) : placement.status();
  };
  if (!placement.ok()) return refuse(placement.status());
  absl::Status reserved = Reserve(KindOf(*placement), size);
  if (!reserved.ok() && can_spill(reserved)) reserved = spill();
  if (!reserved.ok()) return refuse(reserved);
  absl::StatusOr<void*> ptr = device_.Allocate(MemoryKindOf(*placement), size);
  if (!ptr.ok() && can_spill(ptr.status())) {
    Release(UsageKind::kDevice, size);
    if (absl::Status spilled = spill(); !spilled.ok()) return refuse(spilled);
    ptr = device_.Allocate(MemoryKindOf(*placement), size);
  }
  if (!ptr.ok()) {
    Release(KindOf(*placement), size);
    return refuse(ptr.status());
  }
  BufferInfo info;
  info.ptr = *ptr;
  info.size = size;
  info.hints = hints;
  info.placement = *placement;
  absl::Status placed = absl::OkStatus();
  if (*placement == Placement::kManaged) {
    placed = tiering_.AddBuffer(*ptr, size, hints);
  } else if (*placement == Placement::kHostSpill && topology_ != nullptr &&
             options_.numa_node >= 0) {
    placed = topology_->BindToNode(*ptr, size, options_.numa_node);
    if (placed.ok()) info.numa_node = options_.numa_node;
  }
  if (!placed.ok()) {
    if (*placement == Placement::kManaged) (void)tiering_.RemoveBuffer(*ptr);
    (void)device_.Free(*ptr);
    Release(KindOf(*placement), size);
    return placed;
  }
  std::lock_guard<std::mutex> lock(mu_);
  switch (*placement) {
    case Placement::kDevice: ++counters_.device_allocations; break;
    case Placement::kManaged: ++counters_.managed_allocations; break;
    case Placement::kHostSpill: ++counters_.host_spill_allocations; break;
  }
  buffers_.emplace(*ptr, std::move(info));
  return *ptr;
}

absl::Status VirtualDevice::Free(void* ptr) {
  BufferInfo info;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = buffers_.find(ptr);
    if (it == buffers_.end()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "device %d: %p is not a live allocation (unknown pointer or double free)",
          options_.index, ptr));
    }
    info = std::move(it->second);
    buffers_.erase(it);
  }
  absl::Status status = absl::OkStatus();
  if (info.placement == Placement::kManaged) {
    std::unique_lock<std::mutex> plan_lock(plan_mu_, std::defer_lock);
    if (SharesResidency()) plan_lock.lock();
    status.Update(tiering_.RemoveBuffer(ptr));
    if (SharesResidency()) PublishResidentPlan();
  }
  if (info.numa_node >= 0 && topology_ != nullptr) topology_->ForgetBinding(ptr, info.size);
  status.Update(device_.Free(ptr));
  // The quota goes back even if the driver complained: it is never leaked.
  Release(KindOf(info.placement), info.size);
  return status;
}

absl::StatusOr<BufferInfo> VirtualDevice::Describe(const void* ptr) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buffers_.find(const_cast<void*>(ptr));
  if (it == buffers_.end()) {
    return absl::NotFoundError(
        absl::StrFormat("device %d: %p is not a live allocation", options_.index, ptr));
  }
  return it->second;
}

absl::StatusOr<hal::Stream*> VirtualDevice::OwnStream() {
  std::lock_guard<std::mutex> lock(mu_);
  if (own_stream_ == nullptr) {
    SPILLWAY_ASSIGN_OR_RETURN(own_stream_, device_.CreateStream());
  }
  return own_stream_.get();
}

absl::Status VirtualDevice::Activate(absl::string_view group, hal::Stream* stream) {
  if (group.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("device %d: activate needs a group name", options_.index));
  }
  bool known = false, managed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [ptr, info] : buffers_) {
      if (info.hints.group != group) continue;
      known = true;
      managed = managed || info.placement == Placement::kManaged;
    }
  }
  if (!known) {
    return absl::NotFoundError(absl::StrCat("device ", options_.index,
                                            ": no buffer belongs to group \"", group, "\""));
  }
  if (!managed) return absl::OkStatus();  // device memory is always resident
  if (stream == nullptr) {
    SPILLWAY_ASSIGN_OR_RETURN(stream, OwnStream());
  }
  if (!SharesResidency()) return tiering_.Activate(group, *stream);
  std::lock_guard<std::mutex> plan_lock(plan_mu_);
  const absl::Status status = tiering_.Activate(group, *stream, ResidentShare());
  PublishResidentPlan();
  return status;
}

absl::Status VirtualDevice::Prefetch(absl::Span<void* const> buffers, hal::Stream* stream) {
  std::vector<void*> managed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (void* ptr : buffers) {
      auto it = buffers_.find(ptr);
      if (it == buffers_.end()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "device %d: prefetch of %p, which is not a live allocation", options_.index, ptr));
      }
      if (it->second.placement == Placement::kManaged) managed.push_back(ptr);
    }
  }
  if (managed.empty()) return absl::OkStatus();
  if (stream == nullptr) {
    SPILLWAY_ASSIGN_OR_RETURN(stream, OwnStream());
  }
  if (!SharesResidency()) return tiering_.Anticipate(managed, *stream);
  std::lock_guard<std::mutex> plan_lock(plan_mu_);
  const absl::Status status = tiering_.Anticipate(managed, *stream, ResidentShare());
  PublishResidentPlan();
  return status;
}

TieringSnapshot VirtualDevice::Tiering() const { return tiering_.Snapshot(); }

PlacementCounters VirtualDevice::placement_counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

}  // namespace spillway::runtime
