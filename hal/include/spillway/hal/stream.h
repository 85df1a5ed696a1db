// An ordered queue of work on one device.
#ifndef SPILLWAY_HAL_STREAM_H_
#define SPILLWAY_HAL_STREAM_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace spillway::hal {

class Device;

// Work enqueued on one stream runs in enqueue order; work on different
// streams may overlap. Thread-safe: several threads may enqueue on one stream
// (the order between them is the order the calls return in).
// Ownership: created by Device::CreateStream; must be destroyed before the
// backend that owns its device.
class Stream {
 public:
  virtual ~Stream() = default;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // Blocks until everything enqueued so far has finished.
  virtual absl::Status Synchronize() = 0;
  // True when everything enqueued so far has finished; never blocks.
  virtual absl::StatusOr<bool> Query() = 0;

  Device& device() const { return device_; }

 protected:
  explicit Stream(Device& device) : device_(device) {}

 private:
  Device& device_;
};

}  // namespace spillway::hal

#endif  // SPILLWAY_HAL_STREAM_H_
