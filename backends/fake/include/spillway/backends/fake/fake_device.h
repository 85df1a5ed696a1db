// One simulated accelerator: real host memory behind allocations, modeled
// residency of managed pages, a modeled clock (docs/fake-device.md).
#ifndef SPILLWAY_BACKENDS_FAKE_FAKE_DEVICE_H_
#define SPILLWAY_BACKENDS_FAKE_FAKE_DEVICE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "spillway/backends/fake/fake_counters.h"
#include "spillway/backends/fake/fake_op.h"
#include "spillway/backends/fake/fake_spec.h"
#include "spillway/backends/fake/kernel_spec.h"
#include "spillway/hal/device.h"

namespace spillway::fake {

class FakeStream;
class FakeEvent;

// Work runs at enqueue time, in order, on the calling thread; only the
// modeled clock of each stream advances, so Stream::Query() is always true.
//
// Thread-safety: every call is thread-safe (one mutex per device; data copies
// run outside it). Ownership: owned by its backend, like every hal::Device.
// Errors: the HAL's (hal/device.h), plus FAILED_PRECONDITION for data access
// to address-space-only memory (spec backing=none) and injected failures.
class FakeDevice : public hal::Device {
 public:
  // `spec` must be valid (ValidateFakeSpec); `spec.failures` are injected.
  FakeDevice(const FakeSpec& spec, int ordinal);
  ~FakeDevice() override;

  // Runs a kernel on `stream` (a stream of this device): models the page
  // faults, migrations, evictions and remote accesses of its ranges and
  // advances the stream's clock. INVALID_ARGUMENT when a range is null, empty
  // or not inside one allocation of this device, when compute_ns is negative
  // or not finite, or when the stream is foreign; UNIMPLEMENTED for a pinned
  // host range when the spec has host_mapped=0. Nothing changes on error.
  absl::Status LaunchKernel(const KernelSpec& kernel, hal::Stream& stream);

  FakeCounters counters() const;
  void ResetCounters();

  // Modeled nanoseconds at which everything enqueued so far on `stream` ends;
  // -1 when it is not a stream of this device.
  double StreamTimeNs(const hal::Stream& stream) const;
  // Modeled time of the device: the latest end of any stream (live or
  // destroyed), of synchronous work, and of either link direction.
  double TimeNs() const;
  // The host's modeled present: the latest point it has waited for. Work
  // ending later has not completed as far as the host can tell (an event
  // there cannot be timed yet, as with a real driver).
  double HostTimeNs() const;

  // Bytes of [ptr, ptr+size) resident on the device (pages still in flight
  // from a prefetch count). INVALID_ARGUMENT unless the range lies inside one
  // managed allocation of this device.
  absl::StatusOr<uint64_t> ResidentBytes(const void* ptr, size_t size) const;

  // The nth call of kind `op` from now (1-based) returns `error`; nth == 0
  // makes every call of that kind fail until ClearInjectedFaults. nth < 0 is
  // ignored. An OK `error` stands for the default injected error, a vendor-style
  // error ("fake <op> failed: FAKE_INJECTED_FAULT (-1)") with code
  // RESOURCE_EXHAUSTED for kAllocate and INTERNAL otherwise. A failing call
  // changes nothing, except Free, which still releases the memory (the HAL
  // has already forgotten the pointer) and then reports the error.
  void InjectFault(FakeOp op, int nth, absl::Status error);
  void ClearInjectedFaults();

  const FakeSpec& spec() const { return spec_; }
  // Bytes of kDevice memory currently allocated.
  uint64_t DeviceBytesInUse() const;

 protected:
  absl::StatusOr<hal::MemoryInfo> DoGetMemoryInfo() override;
  absl::StatusOr<void*> DoAllocate(hal::MemoryKind kind, size_t size) override;
  absl::Status DoFree(const hal::Allocation& allocation) override;
  absl::Status DoCopy(void* dst, hal::Endpoint dst_kind, const void* src,
                      hal::Endpoint src_kind, size_t size) override;
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
  friend class FakeStream;
  friend class FakeEvent;
  struct State;

  // Shared by the synchronous and stream-ordered forms; `stream` null means
  // the synchronous (legacy default stream) form.
  absl::Status CopyOn(void* dst, hal::Endpoint dst_kind, const void* src,
                      hal::Endpoint src_kind, size_t size, FakeStream* stream);
  absl::Status FillOn(void* dst, hal::Endpoint dst_kind, uint8_t value, size_t size,
                      FakeStream* stream);
  FakeStream* OwnStream(const hal::Stream& stream) const;

  // Called by FakeStream / FakeEvent.
  void RetireStream(FakeStream& stream);
  absl::Status SynchronizeStream(FakeStream& stream);
  double StreamTime(const FakeStream& stream) const;
  void WaitUntil(double time_ns);

  const FakeSpec spec_;
  std::unique_ptr<State> state_;
};

// `device` as a FakeDevice, or nullptr when it is another backend's (or null).
FakeDevice* AsFakeDevice(hal::Device* device);

}  // namespace spillway::fake

#endif  // SPILLWAY_BACKENDS_FAKE_FAKE_DEVICE_H_
