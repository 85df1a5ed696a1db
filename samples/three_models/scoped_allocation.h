// A HAL allocation freed when it goes out of scope, on every path (errors
// included).
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_SCOPED_ALLOCATION_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_SCOPED_ALLOCATION_H_

#include <cstdint>
#include <utility>

#include "absl/status/statusor.h"
#include "spillway/hal/device.h"
#include "spillway/hal/status.h"

namespace spillway::samples::three_models {

// Move-only; `device` must outlive it. Thread-compatible.
class ScopedAllocation {
 public:
  // The device's errors, as they are.
  static absl::StatusOr<ScopedAllocation> Allocate(hal::Device& device, hal::MemoryKind kind,
                                                   uint64_t size) {
    SPILLWAY_ASSIGN_OR_RETURN(void* ptr, device.Allocate(kind, size));
    return ScopedAllocation(device, ptr);
  }
  ScopedAllocation(ScopedAllocation&& other) noexcept
      : device_(other.device_), ptr_(std::exchange(other.ptr_, nullptr)) {}
  ScopedAllocation& operator=(ScopedAllocation&&) = delete;
  ~ScopedAllocation() {
    if (ptr_ != nullptr) (void)device_.Free(ptr_);
  }
  void* get() const { return ptr_; }

 private:
  ScopedAllocation(hal::Device& device, void* ptr) : device_(device), ptr_(ptr) {}
  hal::Device& device_;
  void* ptr_;
};

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_SCOPED_ALLOCATION_H_
