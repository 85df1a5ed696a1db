// A device as an application sees it through the runtime: a memory limit
// (or a virtual size larger than the card), placement and tiering.
#ifndef SPILLWAY_RUNTIME_VIRTUAL_DEVICE_H_
#define SPILLWAY_RUNTIME_VIRTUAL_DEVICE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "spillway/hal/device.h"
#include "spillway/runtime/buffer_hints.h"
#include "spillway/runtime/ledger.h"
#include "spillway/runtime/placement_policy.h"
#include "spillway/runtime/tiering_engine.h"
#include "spillway/runtime/topology.h"

namespace spillway::runtime {

struct VirtualDeviceOptions {
  int index = 0;                 // this device's index in the ledger
  uint64_t virtual_size = 0;     // the limit applications see; 0 = the physical total
  uint64_t device_budget = 0;    // device-resident bytes (physical minus headroom)
  bool oversubscribe = false;
  int numa_node = -1;            // host NUMA node nearest the device; -1 unknown
  double idle_floor_fraction = 0.5;
};

struct VirtualMemoryInfo {
  uint64_t total = 0;  // the virtual size (limit)
  uint64_t free = 0;   // total - used, never negative, never above total
  uint64_t used = 0;   // by every process sharing the ledger
  uint64_t device_budget = 0;
  uint64_t device_used = 0;     // plain device memory, all processes
  uint64_t managed_used = 0;    // managed memory, all processes
  uint64_t host_spill_used = 0; // pinned host spill, all processes
};

struct BufferInfo {
  void* ptr = nullptr;
  uint64_t size = 0;
  BufferHints hints;
  Placement placement = Placement::kDevice;
  int numa_node = -1;  // where a host spill is bound; -1 when unbound
};

struct PlacementCounters {
  uint64_t device_allocations = 0;
  uint64_t managed_allocations = 0;
  uint64_t host_spill_allocations = 0;
  uint64_t refused = 0;  // RESOURCE_EXHAUSTED or FAILED_PRECONDITION
};

// With a ledger and oversubscription the device budget is shared with the
// other processes on the ledger: before each plan that moves data (Activate,
// Prefetch) the tiering budget becomes this process's Ledger::ResidentBudget,
// and after it (and after Free) the planned resident bytes are published with
// Ledger::SetResidentPlan. A ledger error there never fails the call: it is
// logged once and the plan takes the whole device budget.
//
// Thread-safe. Owned by the Runtime; the HAL device and the ledger outlive it.
// Errors: INVALID_ARGUMENT for zero sizes and unknown pointers (double free
// included), RESOURCE_EXHAUSTED naming the limit when it would be exceeded,
// FAILED_PRECONDITION when oversubscription has nowhere to spill, and the
// HAL's errors as they are.
class VirtualDevice {
 public:
  // `ledger` may be null: usage is then counted in this process only.
  // `topology` may be null: host spill is then not bound to a NUMA node.
  VirtualDevice(hal::Device& device, Ledger* ledger, VirtualDeviceOptions options,
                Topology* topology);
  ~VirtualDevice();
  VirtualDevice(const VirtualDevice&) = delete;
  VirtualDevice& operator=(const VirtualDevice&) = delete;

  int index() const { return options_.index; }
  hal::Device& device() const { return device_; }
  const VirtualDeviceOptions& options() const { return options_; }

  absl::StatusOr<VirtualMemoryInfo> GetMemoryInfo() const;
  absl::StatusOr<void*> Allocate(uint64_t size, const BufferHints& hints = {});
  absl::Status Free(void* ptr);
  absl::StatusOr<BufferInfo> Describe(const void* ptr) const;

  // Makes `group` active: its buffers become resident, idle groups yield.
  // Transfers go on `stream`, or on the runtime's own stream when null.
  absl::Status Activate(absl::string_view group, hal::Stream* stream = nullptr);
  // Prefetches `buffers` (all of this device) on `stream` (or the runtime's
  // own): their groups rank right after the active group in the next plans.
  absl::Status Prefetch(absl::Span<void* const> buffers, hal::Stream* stream = nullptr);

  TieringSnapshot Tiering() const;
  PlacementCounters placement_counters() const;

 private:
  absl::Status Reserve(UsageKind kind, uint64_t size);
  void Release(UsageKind kind, uint64_t size);
  uint64_t DeviceFree() const;
  absl::StatusOr<hal::Stream*> OwnStream();
  // Whether the device budget is shared through the ledger (see above).
  bool SharesResidency() const;
  // This process's share of the device budget, or the whole budget when the
  // ledger cannot say.
  uint64_t ResidentShare();
  // Publishes the engine's planned resident bytes to the ledger.
  void PublishResidentPlan();
  void WarnLedgerErrorOnce(const absl::Status& status);

  hal::Device& device_;
  Ledger* ledger_;
  VirtualDeviceOptions options_;
  Topology* topology_;
  PlacementPolicy policy_;
  TieringEngine tiering_;

  // Usage when there is no ledger.
  std::atomic<uint64_t> local_used_[3] = {0, 0, 0};

  // std::mutex, not absl::Mutex: this lock is on the allocation path, where
  // Debian's absl::Mutex costs ten times more (see hal/allocation_table.h).
  mutable std::mutex mu_;
  absl::flat_hash_map<void*, BufferInfo> buffers_;  // guarded by mu_
  PlacementCounters counters_;                      // guarded by mu_
  std::unique_ptr<hal::Stream> own_stream_;         // guarded by mu_
  // Held from asking for a share to publishing the plan made with it, so
  // that the last published plan is the engine's latest.
  std::mutex plan_mu_;
  std::atomic<bool> warned_ledger_error_{false};
};

}  // namespace spillway::runtime

#endif  // SPILLWAY_RUNTIME_VIRTUAL_DEVICE_H_
