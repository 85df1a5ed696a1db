// Makes a HIP device current on the calling thread for one scope.
#ifndef SPILLWAY_BACKENDS_HYGON_SRC_SCOPED_DEVICE_H_
#define SPILLWAY_BACKENDS_HYGON_SRC_SCOPED_DEVICE_H_

#include "absl/status/status.h"
#include "hygon_symbols.h"

namespace spillway::hygon {

// HIP works on the calling thread's current device, which belongs to the
// application: the backend switches to its device for one call and switches
// back afterwards, so the application never sees its current device change.
// Not copyable; used on one thread. The symbols must outlive it.
class ScopedDevice {
 public:
  ScopedDevice(const HygonSymbols& symbols, int ordinal);
  ~ScopedDevice();
  ScopedDevice(const ScopedDevice&) = delete;
  ScopedDevice& operator=(const ScopedDevice&) = delete;

  // OK when the device is current; the vendor error otherwise (then the
  // caller must not issue the call).
  const absl::Status& status() const { return status_; }

 private:
  const HygonSymbols& symbols_;
  int previous_ = -1;  // -1: nothing to restore
  absl::Status status_;
};

}  // namespace spillway::hygon

#endif  // SPILLWAY_BACKENDS_HYGON_SRC_SCOPED_DEVICE_H_
