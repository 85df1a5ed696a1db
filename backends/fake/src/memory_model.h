// Residency and timing of one fake device's memory: managed pages, the
// device's page frames, the two directions of the host link, the counters.
// docs/fake-device.md states every rule implemented here.
#ifndef SPILLWAY_BACKENDS_FAKE_SRC_MEMORY_MODEL_H_
#define SPILLWAY_BACKENDS_FAKE_SRC_MEMORY_MODEL_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"
#include "spillway/backends/fake/fake_counters.h"
#include "spillway/backends/fake/fake_spec.h"
#include "spillway/hal/types.h"

namespace spillway::fake {

enum class LinkDirection : uint8_t { kHostToDevice = 0, kDeviceToHost = 1 };

// Not thread-safe: the owning FakeDevice calls it under its mutex. Times are
// modeled nanoseconds; each call takes the earliest time its work may start
// and returns when it ends. Addresses passed in must lie inside a region the
// caller added (the device validates ranges first); others are ignored.
class MemoryModel {
 public:
  explicit MemoryModel(const FakeSpec& spec);

  uint64_t device_bytes() const { return device_bytes_; }
  uint64_t free_bytes() const { return capacity_ - device_bytes_; }

  // A kDevice allocation of `bytes`: RESOURCE_EXHAUSTED when it does not fit
  // beside the others; otherwise evicts managed pages until the resident ones
  // fit in what is left, and returns when their write-backs end.
  absl::StatusOr<double> ReserveDeviceMemory(uint64_t bytes, double now);
  void ReleaseDeviceMemory(uint64_t bytes);

  // A kManaged allocation: every page starts untouched (no valid copy).
  void AddManagedRegion(uintptr_t base, size_t size);
  void RemoveManagedRegion(uintptr_t base);

  // A kernel touching [addr, addr+size) of managed memory from `cursor`;
  // returns the new cursor.
  double KernelAccessManaged(uintptr_t addr, size_t size, bool write, double cursor);
  // A kernel touching kDevice memory.
  double KernelAccessDevice(size_t size, double cursor) const;
  // A kernel touching pinned host memory in place (zero-copy).
  double KernelAccessRemote(size_t size, bool write, double cursor);

  // A copy or fill reaching managed memory: done by the host, so pages whose
  // only copy is on the device come back first. Returns when they are back.
  double HostAccessManaged(uintptr_t addr, size_t size, bool write, double now);
  // A copy of `bytes` across the link (counted as traffic).
  double LinkCopy(LinkDirection direction, uint64_t bytes, double now);
  // Device-memory traffic of `bytes` (fills, device-to-device copies).
  double DeviceTraffic(uint64_t bytes, double now) const;

  double PrefetchToDevice(uintptr_t addr, size_t size, double now);
  double PrefetchToHost(uintptr_t addr, size_t size, double now);
  void Advise(uintptr_t addr, size_t size, hal::Advice advice, const hal::Location& location);

  uint64_t ResidentBytes(uintptr_t addr, size_t size) const;
  // When the later of the two link directions becomes idle.
  double LinkIdleAt() const;

  const FakeCounters& counters() const { return counters_; }
  void ResetCounters() { counters_ = FakeCounters(); }
  void CountKernel() { ++counters_.kernels; }

 private:
  enum class Preference : uint8_t { kNone, kDevice, kHost };
  struct Page {
    bool host_valid = false;    // host holds a current copy
    bool device_valid = false;  // device holds a current copy (occupies a frame)
    bool read_mostly = false;
    bool accessed_by = false;   // advice: accessed by this device
    bool mapped = false;        // device maps the host copy (after a fault on a host-preferred page)
    Preference preferred = Preference::kNone;
    double ready_ns = 0;        // when the device copy has arrived
    uint64_t lru_tick = 0;      // key in lru_ while device_valid
  };
  struct Region {
    uintptr_t base = 0;
    size_t size = 0;
    std::vector<Page> pages;
  };
  struct PageRef {
    Region* region = nullptr;
    size_t index = 0;
  };

  Region* FindRegion(uintptr_t addr) const;
  uint64_t PageBytes(const Region& region, size_t index) const;
  // Calls fn(region, index, bytes of [addr, addr+size) in that page) in
  // address order.
  template <typename Fn>
  void ForEachPage(uintptr_t addr, size_t size, Fn fn) const;

  uint64_t frames() const { return (capacity_ - device_bytes_) / page_size_; }
  size_t resident_pages() const { return lru_[0].size() + lru_[1].size(); }
  static int Tier(const Page& page) { return page.preferred == Preference::kDevice ? 1 : 0; }
  void InsertLru(Region& region, size_t index);
  void EraseLru(const Page& page);
  void Touch(Region& region, size_t index);
  void DropDeviceCopy(Region& region, size_t index);
  void SetPreference(Region& region, size_t index, Preference preference);

  // Frees a frame if all are taken; returns when it is free, or nullopt when
  // the device has no frame at all for managed pages.
  std::optional<double> ObtainFrame(double now);
  double EvictLeastRecentlyUsed(double now);
  double Transfer(LinkDirection direction, uint64_t bytes, double earliest);
  double KernelAccessPage(Region& region, size_t index, uint64_t bytes, bool write, double t);

  const uint64_t capacity_;
  const uint64_t page_size_;
  const double device_ns_per_byte_;
  const double link_ns_per_byte_;
  const double fault_latency_ns_;

  uint64_t device_bytes_ = 0;
  absl::btree_map<uintptr_t, std::unique_ptr<Region>> regions_;
  // Resident pages by last use: [0] ordinary pages, [1] device-preferred
  // pages, evicted only when [0] is empty.
  std::array<absl::btree_map<uint64_t, PageRef>, 2> lru_;
  uint64_t next_tick_ = 1;
  std::array<double, 2> link_idle_at_{0, 0};
  FakeCounters counters_;
};

}  // namespace spillway::fake

#endif  // SPILLWAY_BACKENDS_FAKE_SRC_MEMORY_MODEL_H_
