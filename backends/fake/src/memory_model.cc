#include "memory_model.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "spillway/hal/status.h"

namespace spillway::fake {

MemoryModel::MemoryModel(const FakeSpec& spec)
    : capacity_(spec.capacity()),
      page_size_(spec.page_size),
      device_ns_per_byte_(1e9 / spec.device_bandwidth),
      link_ns_per_byte_(1e9 / spec.link_bandwidth),
      fault_latency_ns_(spec.fault_latency_ns) {}

absl::StatusOr<double> MemoryModel::ReserveDeviceMemory(uint64_t bytes, double now) {
  if (bytes > capacity_ - device_bytes_) {
    // Managed pages are evictable and never count here; only other device
    // allocations can make this fail, as on the real driver.
    return hal::VendorError(
        absl::StatusCode::kResourceExhausted, "fake", "allocate", 2, "FAKE_ERROR_OUT_OF_MEMORY",
        absl::StrCat(bytes, " bytes of device memory requested, ", capacity_ - device_bytes_,
                     " of ", capacity_, " usable bytes free"));
  }
  device_bytes_ += bytes;
  double done = now;
  while (resident_pages() > frames()) done = std::max(done, EvictLeastRecentlyUsed(now));
  return done;
}

void MemoryModel::ReleaseDeviceMemory(uint64_t bytes) {
  device_bytes_ -= std::min(bytes, device_bytes_);
}

void MemoryModel::AddManagedRegion(uintptr_t base, size_t size) {
  auto region = std::make_unique<Region>();
  region->base = base;
  region->size = size;
  region->pages.resize((size + page_size_ - 1) / page_size_);
  regions_[base] = std::move(region);
}

void MemoryModel::RemoveManagedRegion(uintptr_t base) {
  auto it = regions_.find(base);
  if (it == regions_.end()) return;
  for (const Page& page : it->second->pages) {
    if (page.device_valid) EraseLru(page);
  }
  regions_.erase(it);
}

MemoryModel::Region* MemoryModel::FindRegion(uintptr_t addr) const {
  auto it = regions_.upper_bound(addr);
  if (it == regions_.begin()) return nullptr;
  --it;
  Region* region = it->second.get();
  return addr - region->base < region->size ? region : nullptr;
}

uint64_t MemoryModel::PageBytes(const Region& region, size_t index) const {
  const uint64_t start = static_cast<uint64_t>(index) * page_size_;
  return std::min<uint64_t>(page_size_, region.size - start);
}

template <typename Fn>
void MemoryModel::ForEachPage(uintptr_t addr, size_t size, Fn fn) const {
  Region* region = FindRegion(addr);
  if (region == nullptr || size == 0) return;
  const uint64_t begin = addr - region->base;
  const uint64_t end = std::min<uint64_t>(begin + size, region->size);
  for (uint64_t page_start = begin / page_size_ * page_size_; page_start < end;
       page_start += page_size_) {
    const uint64_t lo = std::max(begin, page_start);
    const uint64_t hi = std::min(end, page_start + page_size_);
    fn(*region, static_cast<size_t>(page_start / page_size_), hi - lo);
  }
}

void MemoryModel::InsertLru(Region& region, size_t index) {
  Page& page = region.pages[index];
  page.lru_tick = next_tick_++;
  lru_[Tier(page)].emplace(page.lru_tick, PageRef{&region, index});
}

void MemoryModel::EraseLru(const Page& page) { lru_[Tier(page)].erase(page.lru_tick); }

void MemoryModel::Touch(Region& region, size_t index) {
  EraseLru(region.pages[index]);
  InsertLru(region, index);
}

void MemoryModel::DropDeviceCopy(Region& region, size_t index) {
  Page& page = region.pages[index];
  if (!page.device_valid) return;
  EraseLru(page);
  page.device_valid = false;
}

void MemoryModel::SetPreference(Region& region, size_t index, Preference preference) {
  Page& page = region.pages[index];
  if (page.device_valid && Tier(page) != (preference == Preference::kDevice ? 1 : 0)) {
    // Moves between eviction tiers, keeping its place in time.
    lru_[Tier(page)].erase(page.lru_tick);
    page.preferred = preference;
    lru_[Tier(page)].emplace(page.lru_tick, PageRef{&region, index});
  }
  page.preferred = preference;
  if (preference != Preference::kHost) page.mapped = false;
}

double MemoryModel::Transfer(LinkDirection direction, uint64_t bytes, double earliest) {
  double& idle_at = link_idle_at_[static_cast<size_t>(direction)];
  const double start = std::max(earliest, idle_at);
  idle_at = start + static_cast<double>(bytes) * link_ns_per_byte_;
  (direction == LinkDirection::kHostToDevice ? counters_.bytes_h2d : counters_.bytes_d2h) +=
      bytes;
  return idle_at;
}

double MemoryModel::EvictLeastRecentlyUsed(double now) {
  auto& tier = lru_[0].empty() ? lru_[1] : lru_[0];
  if (tier.empty()) return now;
  const PageRef victim = tier.begin()->second;
  Page& page = victim.region->pages[victim.index];
  // A frame is free once the page has arrived and, when the device holds its
  // only copy, once that copy is written back.
  double free_at = std::max(now, page.ready_ns);
  if (!page.host_valid) {
    const uint64_t bytes = PageBytes(*victim.region, victim.index);
    free_at = Transfer(LinkDirection::kDeviceToHost, bytes, free_at);
    counters_.writeback_bytes += bytes;
    page.host_valid = true;
  }
  DropDeviceCopy(*victim.region, victim.index);
  ++counters_.evictions;
  return free_at;
}

std::optional<double> MemoryModel::ObtainFrame(double now) {
  if (frames() == 0) return std::nullopt;
  double free_at = now;
  while (resident_pages() >= frames()) free_at = std::max(free_at, EvictLeastRecentlyUsed(now));
  return free_at;
}

double MemoryModel::KernelAccessPage(Region& region, size_t index, uint64_t bytes, bool write,
                                     double t) {
  Page& page = region.pages[index];
  const double local = static_cast<double>(bytes) * device_ns_per_byte_;
  if (page.device_valid) {
    t = std::max(t, page.ready_ns);
    if (write && page.host_valid) {
      // A write to a read-duplicated page faults and invalidates the host copy.
      ++counters_.faults;
      t += fault_latency_ns_;
      page.host_valid = false;
    }
    Touch(region, index);
    return t + local;
  }
  if (page.preferred == Preference::kHost) {
    page.host_valid = true;  // an untouched page is populated at its preferred location
    if (!page.accessed_by && !page.mapped) {
      // Without accessed-by the first access faults; the driver then maps the
      // host copy instead of migrating it.
      ++counters_.faults;
      t += fault_latency_ns_;
      page.mapped = true;
    }
    return KernelAccessRemote(bytes, write, t);
  }
  ++counters_.faults;
  const std::optional<double> frame = ObtainFrame(t);
  if (!frame.has_value()) {
    // No device memory left for managed pages at all: served from the host.
    page.host_valid = true;
    return KernelAccessRemote(bytes, write, t + fault_latency_ns_);
  }
  const double serviced = std::max(t + fault_latency_ns_, *frame);
  double arrived = serviced;
  if (page.host_valid) {
    const uint64_t page_bytes = PageBytes(region, index);
    arrived = Transfer(LinkDirection::kHostToDevice, page_bytes, serviced);
    counters_.migrated_bytes += page_bytes;
  }
  // Migration moves the page (the host frames are released) unless the page
  // is read-mostly and only read, which duplicates it.
  page.host_valid = page.host_valid && page.read_mostly && !write;
  page.device_valid = true;
  page.mapped = false;
  page.ready_ns = arrived;
  InsertLru(region, index);
  return arrived + local;
}

double MemoryModel::KernelAccessManaged(uintptr_t addr, size_t size, bool write,
                                        double cursor) {
  ForEachPage(addr, size, [&](Region& region, size_t index, uint64_t bytes) {
    cursor = KernelAccessPage(region, index, bytes, write, cursor);
  });
  return cursor;
}

double MemoryModel::KernelAccessDevice(size_t size, double cursor) const {
  return cursor + static_cast<double>(size) * device_ns_per_byte_;
}

double MemoryModel::KernelAccessRemote(size_t size, bool write, double cursor) {
  counters_.remote_bytes += size;
  return Transfer(write ? LinkDirection::kDeviceToHost : LinkDirection::kHostToDevice, size,
                  cursor);
}

double MemoryModel::HostAccessManaged(uintptr_t addr, size_t size, bool write, double now) {
  double done = now;
  ForEachPage(addr, size, [&](Region& region, size_t index, uint64_t) {
    Page& page = region.pages[index];
    if (!page.host_valid && !page.device_valid) {
      page.host_valid = true;  // first touch by the host: populated there
      return;
    }
    if (!page.host_valid) {
      const uint64_t page_bytes = PageBytes(region, index);
      done = std::max(done, Transfer(LinkDirection::kDeviceToHost, page_bytes,
                                     std::max(now, page.ready_ns)));
      counters_.migrated_bytes += page_bytes;
      page.host_valid = true;
      if (write || !page.read_mostly) DropDeviceCopy(region, index);
    } else if (write) {
      DropDeviceCopy(region, index);
    }
  });
  return done;
}

double MemoryModel::LinkCopy(LinkDirection direction, uint64_t bytes, double now) {
  return Transfer(direction, bytes, now);
}

double MemoryModel::DeviceTraffic(uint64_t bytes, double now) const {
  return now + static_cast<double>(bytes) * device_ns_per_byte_;
}

double MemoryModel::PrefetchToDevice(uintptr_t addr, size_t size, double now) {
  double done = now;
  ForEachPage(addr, size, [&](Region& region, size_t index, uint64_t) {
    Page& page = region.pages[index];
    if (page.device_valid) {
      Touch(region, index);
      done = std::max(done, page.ready_ns);
      return;
    }
    const std::optional<double> frame = ObtainFrame(now);
    if (!frame.has_value()) return;  // no frame at all: the page stays on the host
    double arrived = *frame;
    if (page.host_valid) {
      const uint64_t page_bytes = PageBytes(region, index);
      arrived = Transfer(LinkDirection::kHostToDevice, page_bytes, *frame);
      counters_.prefetch_bytes += page_bytes;
    }
    page.host_valid = page.host_valid && page.read_mostly;
    page.device_valid = true;
    page.mapped = false;
    page.ready_ns = arrived;
    InsertLru(region, index);
    done = std::max(done, arrived);
  });
  return done;
}

double MemoryModel::PrefetchToHost(uintptr_t addr, size_t size, double now) {
  double done = now;
  ForEachPage(addr, size, [&](Region& region, size_t index, uint64_t) {
    Page& page = region.pages[index];
    if (!page.host_valid) {
      if (page.device_valid) {
        const uint64_t page_bytes = PageBytes(region, index);
        done = std::max(done, Transfer(LinkDirection::kDeviceToHost, page_bytes,
                                       std::max(now, page.ready_ns)));
        counters_.prefetch_bytes += page_bytes;
      }
      page.host_valid = true;
    }
    if (!page.read_mostly) DropDeviceCopy(region, index);
  });
  return done;
}

void MemoryModel::Advise(uintptr_t addr, size_t size, hal::Advice advice,
                         const hal::Location& location) {
  const bool to_device = location.type == hal::Location::Type::kDevice;
  ForEachPage(addr, size, [&](Region& region, size_t index, uint64_t) {
    Page& page = region.pages[index];
    switch (advice) {
      case hal::Advice::kSetReadMostly:
        page.read_mostly = true;
        break;
      case hal::Advice::kUnsetReadMostly:
        page.read_mostly = false;
        if (page.host_valid && page.device_valid) {
          // Duplicates collapse to the preferred location when it holds one.
          if (page.preferred == Preference::kDevice) {
            page.host_valid = false;
          } else {
            DropDeviceCopy(region, index);
          }
        }
        break;
      case hal::Advice::kSetPreferredLocation:
        SetPreference(region, index, to_device ? Preference::kDevice : Preference::kHost);
        break;
      case hal::Advice::kUnsetPreferredLocation:
        SetPreference(region, index, Preference::kNone);
        break;
      case hal::Advice::kSetAccessedBy:
        if (to_device) page.accessed_by = true;
        break;
      case hal::Advice::kUnsetAccessedBy:
        if (to_device) page.accessed_by = false;
        break;
    }
  });
}

uint64_t MemoryModel::ResidentBytes(uintptr_t addr, size_t size) const {
  uint64_t resident = 0;
  ForEachPage(addr, size, [&](Region& region, size_t index, uint64_t bytes) {
    if (region.pages[index].device_valid) resident += bytes;
  });
  return resident;
}

double MemoryModel::LinkIdleAt() const { return std::max(link_idle_at_[0], link_idle_at_[1]); }

}  // namespace spillway::fake
