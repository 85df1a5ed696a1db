#include "spillway/hal/allocation_table.h"

#include "absl/strings/str_format.h"

namespace spillway::hal {
namespace {

uintptr_t Addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

}  // namespace

absl::Status AllocationTable::Insert(const Allocation& allocation) {
  const uintptr_t base = Addr(allocation.base);
  if (allocation.size == 0 || base + allocation.size < base) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "allocation %p+%u is empty or wraps the address space", allocation.base,
        allocation.size));
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto next = by_base_.lower_bound(base);
  if (next != by_base_.end() && next->first < base + allocation.size) {
    return absl::InvalidArgumentError(
        absl::StrFormat("allocation %p+%u overlaps a live allocation", allocation.base,
                        allocation.size));
  }
  if (next != by_base_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second.size > base) {
      return absl::InvalidArgumentError(
          absl::StrFormat("allocation %p+%u overlaps a live allocation", allocation.base,
                          allocation.size));
    }
  }
  by_base_.emplace_hint(next, base, allocation);
  return absl::OkStatus();
}

absl::StatusOr<Allocation> AllocationTable::Remove(const void* base) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_base_.find(Addr(base));
  if (it == by_base_.end()) {
    auto after = by_base_.upper_bound(Addr(base));
    if (after != by_base_.begin()) {
      auto prev = std::prev(after);
      if (Addr(base) < prev->first + prev->second.size) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "pointer %p is inside the allocation at %p, not its start", base,
            prev->second.base));
      }
    }
    return absl::InvalidArgumentError(absl::StrFormat(
        "pointer %p is not a live allocation of this device (unknown or already freed)",
        base));
  }
  Allocation allocation = it->second;
  by_base_.erase(it);
  return allocation;
}

std::optional<Allocation> AllocationTable::Find(const void* ptr) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto after = by_base_.upper_bound(Addr(ptr));
  if (after == by_base_.begin()) return std::nullopt;
  const Allocation& a = std::prev(after)->second;
  if (Addr(ptr) < Addr(a.base) + a.size) return a;
  return std::nullopt;
}

absl::StatusOr<std::optional<Allocation>> AllocationTable::FindRange(const void* ptr,
                                                                     size_t size) const {
  std::optional<Allocation> a = Find(ptr);
  if (!a.has_value()) return std::optional<Allocation>();
  const uintptr_t end = Addr(a->base) + a->size;
  if (size > end - Addr(ptr)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "range %p+%u runs past the end of its %s allocation %p+%u", ptr, size,
        MemoryKindName(a->kind), a->base, a->size));
  }
  return a;
}

std::vector<Allocation> AllocationTable::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Allocation> out;
  out.reserve(by_base_.size());
  for (const auto& [base, a] : by_base_) out.push_back(a);
  return out;
}

size_t AllocationTable::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return by_base_.size();
}

}  // namespace spillway::hal
