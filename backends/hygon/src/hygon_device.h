// One Hygon DCU (or AMD GPU) behind the HAL, through the HIP runtime.
#ifndef SPILLWAY_BACKENDS_HYGON_SRC_HYGON_DEVICE_H_
#define SPILLWAY_BACKENDS_HYGON_SRC_HYGON_DEVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hygon_symbols.h"
#include "spillway/hal/device.h"
#include "spillway/hal/types.h"

namespace spillway::hygon {

// Thread-safe (the HIP runtime is; every call makes this device current on
// the calling thread for its duration, see ScopedDevice).
// Ownership: owned by the Hygon backend. The HygonSymbols (and the library
// behind them) must outlive it.
class HygonDevice : public hal::Device {
 public:
  // Reads the properties of HIP device `ordinal`. Errors: the runtime's, as
  // Status (hygon_status.h). `limitations` receives what this device lacks
  // and why.
  static absl::StatusOr<std::unique_ptr<HygonDevice>> Open(
      const HygonSymbols& symbols, int ordinal, std::vector<hal::Limitation>* limitations);

  const HygonSymbols& symbols() const { return symbols_; }
  int ordinal() const { return properties().ordinal; }

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
  HygonDevice(hal::DeviceProperties properties, std::string uri, const HygonSymbols& symbols);

  const HygonSymbols& symbols_;
};

// The hipMemcpyKind for a copy between two classified endpoints
// (docs/hal.md 2.3): hipMemcpyDefault when either end is managed, else
// host-to-host 0, host-to-device 1, device-to-host 2, device-to-device 3.
abi::hipMemcpyKind HipMemcpyKindFor(hal::Endpoint dst, hal::Endpoint src);

// hipMemAdvise's advice value for `advice` (1..6, CUDA's numbering).
abi::hipMemoryAdvise HipAdviceFor(hal::Advice advice);

// hipMemAdvise's and hipMemPrefetchAsync's device argument: the ordinal, or
// hipCpuDeviceId (-1) for host memory.
int HipDeviceFor(const hal::Location& location);

}  // namespace spillway::hygon

#endif  // SPILLWAY_BACKENDS_HYGON_SRC_HYGON_DEVICE_H_
