// A HIP stream of one Hygon device.
#ifndef SPILLWAY_BACKENDS_HYGON_SRC_HYGON_STREAM_H_
#define SPILLWAY_BACKENDS_HYGON_SRC_HYGON_STREAM_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hygon_device.h"
#include "spillway/hal/stream.h"

namespace spillway::hygon {

// Thread-safe (HIP streams are). Ownership: owns its hipStream_t, destroyed
// with it (work already enqueued still runs); must not outlive its device.
class HygonStream : public hal::Stream {
 public:
  // hipStreamCreate on `device`.
  static absl::StatusOr<std::unique_ptr<HygonStream>> Create(HygonDevice& device);
  ~HygonStream() override;

  absl::Status Synchronize() override;
  // hipStreamQuery: hipSuccess -> true, hipErrorNotReady -> false.
  absl::StatusOr<bool> Query() override;

  abi::hipStream_t handle() const { return handle_; }

 private:
  HygonStream(HygonDevice& device, abi::hipStream_t handle)
      : hal::Stream(device), device_(device), handle_(handle) {}

  HygonDevice& device_;
  const abi::hipStream_t handle_;
};

}  // namespace spillway::hygon

#endif  // SPILLWAY_BACKENDS_HYGON_SRC_HYGON_STREAM_H_
