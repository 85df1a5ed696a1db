// An ACL stream of one AscendDevice.
#ifndef SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_STREAM_H_
#define SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_STREAM_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ascend_device.h"
#include "spillway/hal/stream.h"

namespace spillway::ascend {

// Thread-safe (ACL is). Ownership: owns the aclrtStream, which it destroys;
// must be destroyed before its device.
class AscendStream : public hal::Stream {
 public:
  AscendStream(AscendDevice& device, abi::aclrtStream handle)
      : hal::Stream(device), device_(device), handle_(handle) {}
  ~AscendStream() override;

  absl::Status Synchronize() override;
  // aclrtStreamQuery: ACL_STREAM_STATUS_COMPLETE -> true, NOT_READY -> false.
  absl::StatusOr<bool> Query() override;

  abi::aclrtStream handle() const { return handle_; }
  AscendDevice& ascend_device() const { return device_; }

 private:
  AscendDevice& device_;
  const abi::aclrtStream handle_;
};

}  // namespace spillway::ascend

#endif  // SPILLWAY_BACKENDS_ASCEND_SRC_ASCEND_STREAM_H_
