// A CNRT queue of one CambriconDevice.
#ifndef SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_STREAM_H_
#define SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_STREAM_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cambricon_device.h"
#include "spillway/hal/stream.h"

namespace spillway::cambricon {

// Thread-safe (CNRT is). Ownership: owns the cnrtQueue_t, which it destroys;
// must be destroyed before its device.
class CambriconStream : public hal::Stream {
 public:
  CambriconStream(CambriconDevice& device, abi::cnrtQueue_t queue)
      : hal::Stream(device), device_(device), queue_(queue) {}
  ~CambriconStream() override;

  absl::Status Synchronize() override;
  // cnrtQueueQuery: cnrtSuccess -> true, cnrtErrorNotReady -> false.
  absl::StatusOr<bool> Query() override;

  abi::cnrtQueue_t queue() const { return queue_; }
  CambriconDevice& cambricon_device() const { return device_; }

 private:
  CambriconDevice& device_;
  const abi::cnrtQueue_t queue_;
};

}  // namespace spillway::cambricon

#endif  // SPILLWAY_BACKENDS_CAMBRICON_SRC_CAMBRICON_STREAM_H_
