#include "scoped_device.h"

#include "hygon_status.h"

namespace spillway::hygon {

ScopedDevice::ScopedDevice(const HygonSymbols& symbols, int ordinal) : symbols_(symbols) {
  int current = -1;
  // A thread that never chose a device may report an error here; it then
  // simply gets no restore.
  if (symbols_.hipGetDevice(&current) == abi::kSuccess && current == ordinal) return;
  status_ = HipStatus(&symbols_, symbols_.hipSetDevice(ordinal), "hipSetDevice");
  if (status_.ok() && current >= 0) previous_ = current;
}

ScopedDevice::~ScopedDevice() {
  // Best effort: the previous device was valid a moment ago.
  if (previous_ >= 0) (void)symbols_.hipSetDevice(previous_);
}

}  // namespace spillway::hygon
