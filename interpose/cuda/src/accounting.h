// The preload shim's bookkeeping: per-device quotas resolved from the
// configuration, the multi-process ledger they are enforced through, and the
// grants (allocations, VMM handles, contexts) this process holds. Knows
// nothing of the driver, so it can be tested on its own.
#ifndef SPILLWAY_INTERPOSE_CUDA_SRC_ACCOUNTING_H_
#define SPILLWAY_INTERPOSE_CUDA_SRC_ACCOUNTING_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "spillway/runtime/config.h"
#include "spillway/runtime/ledger.h"

namespace spillway::interpose {

// What one device offers, as in force in the ledger (the first process to
// open a ledger sets its configuration; later ones adopt it).
struct DeviceQuota {
  uint64_t virtual_size = 0;   // what applications see as the device's total
  uint64_t device_budget = 0;  // device-resident bytes allowed (all processes)
  bool oversubscribed = false; // virtual_size > device_budget: the rest spills
};

// Where a device allocation goes.
enum class Placement { kDevice, kManaged };

// What the application is told about a device's memory.
struct MemoryView {
  uint64_t free = 0;
  uint64_t total = 0;
};

// One thing the process holds, as accounted.
struct Grant {
  int device = 0;
  uint64_t bytes = 0;
  runtime::UsageKind kind = runtime::UsageKind::kDevice;
  // A device allocation the shim satisfied with managed memory: it must be
  // freed with cuMemFree_v2, never cuMemFreeAsync.
  bool spilled = false;
};

// Thread-safe. Ownership: owns the ledger attachment; destroying it gives this
// process's usage back. Errors: RESOURCE_EXHAUSTED when a quota is full,
// INVALID_ARGUMENT for bad devices or sizes, the ledger's errors otherwise.
class Accounting {
 public:
  // Resolves each device's quota from `config` and its `physical` bytes
  // (runtime::ResolveDeviceLimits) and opens the ledger at
  // config.ledger_path(). Devices beyond Ledger::kMaxDevices are not governed.
  static absl::StatusOr<std::unique_ptr<Accounting>> Open(const runtime::RuntimeConfig& config,
                                                          const std::vector<uint64_t>& physical);

  // Devices governed: min(device count, Ledger::kMaxDevices).
  int device_count() const { return static_cast<int>(quotas_.size()); }
  bool Governs(int device) const { return device >= 0 && device < device_count(); }
  // `device` must be governed.
  const DeviceQuota& quota(int device) const { return quotas_[static_cast<size_t>(device)]; }
  runtime::Ledger& ledger() const { return *ledger_; }

  // Reserves `bytes` for a device allocation: device memory while the
  // device's budget allows, managed memory beyond it on an oversubscribed
  // device, RESOURCE_EXHAUSTED when the virtual size is reached.
  absl::StatusOr<Placement> ReserveDeviceAllocation(int device, uint64_t bytes);
  absl::Status Reserve(int device, runtime::UsageKind kind, uint64_t bytes);
  // Gives back what a Grant or a Reserve took. Never fails for what was
  // reserved; a mismatch is logged (it would be a shim bug).
  void Release(int device, runtime::UsageKind kind, uint64_t bytes);
  // The driver refused device memory the ledger allowed (someone outside the
  // ledger uses the device): account the allocation as managed instead.
  absl::Status MoveToManaged(int device, uint64_t bytes);

  // Grants by the pointer or handle the application received. Untrack
  // removes and returns; a second Untrack of the same key finds nothing.
  enum class Table { kPointer = 0, kVmmHandle = 1, kContext = 2 };
  void Track(Table table, uint64_t key, const Grant& grant);
  std::optional<Grant> Untrack(Table table, uint64_t key);
  std::optional<Grant> Find(Table table, uint64_t key) const;

  // The primary context of `device` is charged `bytes` while retained at
  // least once. RetainPrimary reserves on the first retain (and refuses with
  // RESOURCE_EXHAUSTED, counting nothing, when the quota is full);
  // ReleasePrimary releases on the last; ResetPrimary drops every retain.
  absl::Status RetainPrimary(int device, uint64_t bytes);
  void ReleasePrimary(int device, uint64_t bytes);
  void ResetPrimary(int device, uint64_t bytes);

  // The device as the application should see it: the virtual size as
  // total; free = total - used by every process sharing the ledger, never
  // negative, and never more than the driver's `driver_free` unless the
  // device is oversubscribed (managed memory then covers the difference).
  MemoryView View(int device, uint64_t driver_free) const;

 private:
  Accounting() = default;

  std::unique_ptr<runtime::Ledger> ledger_;
  std::vector<DeviceQuota> quotas_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<uint64_t, Grant> tables_[3] ABSL_GUARDED_BY(mu_);
  std::vector<int> primary_retains_ ABSL_GUARDED_BY(mu_);
};

}  // namespace spillway::interpose

#endif  // SPILLWAY_INTERPOSE_CUDA_SRC_ACCOUNTING_H_
