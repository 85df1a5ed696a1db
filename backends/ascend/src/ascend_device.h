// One Ascend NPU behind the HAL.
#ifndef SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_DEVICE_H_
#define SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_DEVICE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ascend_symbols.h"
#include "spillway/backends/ascend/acl_abi.h"
#include "spillway/hal/device.h"
#include "spillway/hal/types.h"

namespace spillway::ascend {

// Thread-safe (ACL is). ACL works on the calling thread's current device, so
// every call first makes this device current (Activate).
// Ownership: owned by the Ascend backend; opened with aclrtSetDevice and
// released with aclrtResetDevice when destroyed. The AscendSymbols (and the
// library behind them) must outlive it.
class AscendDevice : public hal::Device {
 public:
  // Opens device `ordinal` (ACL must be initialized), reads its properties
  // and probes what it supports. `limitations` receives what it lacks and
  // why. Errors: ACL's, as Status (ascend_status.h).
  static absl::StatusOr<std::unique_ptr<AscendDevice>> Open(
      const AscendSymbols& symbols, int ordinal, std::vector<hal::Limitation>* limitations);
  ~AscendDevice() override;

  // Makes this device current on the calling thread. aclrtSetDevice counts
  // its calls per device, so it is called only when another device (or none)
  // is current.
  absl::Status Activate() const;

  const AscendSymbols& symbols() const { return symbols_; }
  int32_t acl_device() const { return acl_device_; }

 protected:
  absl::StatusOr<hal::MemoryInfo> DoGetMemoryInfo() override;
  absl::StatusOr<void*> DoAllocate(hal::MemoryKind kind, size_t size) override;
  absl::Status DoFree(const hal::Allocation& allocation) override;
  absl::Status DoCopy(void* dst, hal::Endpoint dst_kind, const void* src, hal::Endpoint src_kind,
                      size_t size) override;
  absl::Status DoFill(void* dst, hal::Endpoint dst_kind, uint8_t value, size_t size) override;
  absl::StatusOr<std::unique_ptr<hal::Stream>> DoCreateStream() override;
  absl::StatusOr<std::unique_ptr<hal::Event>> DoCreateEvent() override;
  absl::Status DoCopyAsync(void* dst, hal::Endpoint dst_kind, const void* src,
                           hal::Endpoint src_kind, size_t size, hal::Stream& stream) override;
  absl::Status DoFillAsync(void* dst, hal::Endpoint dst_kind, uint8_t value, size_t size,
                           hal::Stream& stream) override;
  absl::Status DoAdvise(void* ptr, size_t size, hal::Advice advice,
                        hal::Location location) override;
  absl::Status DoPrefetch(void* ptr, size_t size, hal::Location location,
                          hal::Stream& stream) override;
  absl::Status DoSynchronize() override;

 private:
  AscendDevice(hal::DeviceProperties properties, const AscendSymbols& symbols,
               abi::aclrtMemAttr memory_attr);

  // Pinned host memory the device reads at the CPU's address (kCapHostMappedMemory).
  absl::StatusOr<void*> AllocateMappedHost(size_t size);

  const AscendSymbols& symbols_;
  const int32_t acl_device_;
  // HBM, or DDR on cards without HBM (aclrtGetMemInfo reports 0 HBM there).
  const abi::aclrtMemAttr memory_attr_;
};

// The aclrtMemcpyKind for a copy between two classified endpoints: managed
// memory on either end -> ACL_MEMCPY_DEFAULT; otherwise host/device by end.
abi::aclrtMemcpyKind AclCopyKind(hal::Endpoint dst, hal::Endpoint src);

// ACL's value for `advice` (they start at 0, CUDA's at 1).
abi::aclrtMemManagedAdviseType AclAdvice(hal::Advice advice);

// ACL's {type, id} for `location`.
abi::aclrtMemManagedLocation AclLocation(const hal::Location& location);

}  // namespace spillway::ascend

#endif  // SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_DEVICE_H_
