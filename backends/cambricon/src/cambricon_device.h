// One Cambricon MLU behind the HAL.
#ifndef SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_DEVICE_H_
#define SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_DEVICE_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cambricon_symbols.h"
#include "spillway/backends/cambricon/cnrt_abi.h"
#include "spillway/hal/device.h"
#include "spillway/hal/types.h"

namespace spillway::cambricon {

// Thread-safe (CNRT is). CNRT works on the calling thread's current device,
// so every call first makes this device current (Activate).
// Ownership: owned by the Cambricon backend. The CambriconSymbols (and the
// library behind them) must outlive it.
class CambriconDevice : public hal::Device {
 public:
  // Reads the properties of device `ordinal` and probes what it supports.
  // `limitations` receives what it lacks and why. Errors: CNRT's, as Status
  // (cambricon_status.h).
  static absl::StatusOr<std::unique_ptr<CambriconDevice>> Open(
      const CambriconSymbols& symbols, int ordinal, std::vector<hal::Limitation>* limitations);

  // Makes this device current on the calling thread (cnrtSetDevice, only
  // when cnrtGetDevice names another device).
  absl::Status Activate() const;

  const CambriconSymbols& symbols() const { return symbols_; }

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
  // Never called: the device has no managed memory, so the HAL answers
  // UNIMPLEMENTED before reaching these.
  absl::Status DoAdvise(void* ptr, size_t size, hal::Advice advice,
                        hal::Location location) override;
  absl::Status DoPrefetch(void* ptr, size_t size, hal::Location location,
                          hal::Stream& stream) override;
  absl::Status DoSynchronize() override;

 private:
  CambriconDevice(hal::DeviceProperties properties, const CambriconSymbols& symbols);

  const CambriconSymbols& symbols_;
  const int cnrt_device_;
};

// The cnrtMemTransDir_t for a copy between two classified endpoints
// (0 host-to-device, 1 device-to-device, 2 device-to-host, 3 host-to-host).
abi::cnrtMemTransDir_t CnrtDirection(hal::Endpoint dst, hal::Endpoint src);

}  // namespace spillway::cambricon

#endif  // SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_DEVICE_H_
