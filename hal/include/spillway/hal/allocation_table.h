// The set of live allocations of one device, keyed by address range.
#ifndef SPILLWAY_HAL_ALLOCATION_TABLE_H_
#define SPILLWAY_HAL_ALLOCATION_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "spillway/hal/types.h"

namespace spillway::hal {

struct Allocation {
  void* base = nullptr;
  size_t size = 0;
  MemoryKind kind = MemoryKind::kDevice;
};

// Vendor drivers may crash on a double free or an unknown pointer; the HAL
// checks every pointer here first so that such input is an error instead.
// Thread-safe. It is on every allocation path, so it uses std::mutex: Debian's
// prebuilt absl::Mutex runs its debug deadlock detector on every Lock (about
// 65 ns a lock/unlock pair against 5 ns), and ThreadSanitizer sees std::mutex.
class AllocationTable {
 public:
  // INVALID_ARGUMENT if [base, base+size) overlaps a live allocation.
  absl::Status Insert(const Allocation& allocation);
  // Removes the allocation starting exactly at `base`. INVALID_ARGUMENT naming
  // the pointer when it is unknown, inside another allocation, or already freed.
  absl::StatusOr<Allocation> Remove(const void* base);
  // The allocation containing `ptr`, if any.
  std::optional<Allocation> Find(const void* ptr) const;
  // The allocation containing all of [ptr, ptr+size); INVALID_ARGUMENT when
  // `ptr` is inside an allocation but the range runs past its end; nullopt
  // when `ptr` belongs to no allocation.
  absl::StatusOr<std::optional<Allocation>> FindRange(const void* ptr, size_t size) const;
  std::vector<Allocation> Snapshot() const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  absl::btree_map<uintptr_t, Allocation> by_base_;  // guarded by mu_
};

}  // namespace spillway::hal

#endif  // SPILLWAY_HAL_ALLOCATION_TABLE_H_
