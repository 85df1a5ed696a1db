// A stream of a FakeDevice: a modeled clock; work runs at enqueue time.
#ifndef SPILLWAY_BACKENDS_FAKE_SRC_FAKE_STREAM_H_
#define SPILLWAY_BACKENDS_FAKE_SRC_FAKE_STREAM_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "spillway/backends/fake/fake_device.h"
#include "spillway/hal/stream.h"

namespace spillway::fake {

// Thread-safe through its device. Ownership: the caller owns it; it must be
// destroyed before its device, which then keeps its modeled end time.
class FakeStream : public hal::Stream {
 public:
  explicit FakeStream(FakeDevice& device) : hal::Stream(device), device_(device) {}
  ~FakeStream() override;

  // Advances the host's modeled clock to this stream's end (the work itself
  // is already done).
  absl::Status Synchronize() override;
  // Always true: work runs when it is enqueued.
  absl::StatusOr<bool> Query() override;

  FakeDevice& fake_device() const { return device_; }

  // Modeled end of the work enqueued so far; read and written only under the
  // device's mutex.
  double time_ns = 0;

 private:
  FakeDevice& device_;
};

}  // namespace spillway::fake

#endif  // SPILLWAY_BACKENDS_FAKE_SRC_FAKE_STREAM_H_
