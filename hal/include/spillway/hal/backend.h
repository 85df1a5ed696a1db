// A vendor (or the fake): availability and device enumeration.
#ifndef SPILLWAY_HAL_BACKEND_H_
#define SPILLWAY_HAL_BACKEND_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "spillway/hal/device.h"
#include "spillway/hal/types.h"

namespace spillway::hal {

// Thread-safe. Ownership: owns its devices; owned by the Registry.
// A backend whose vendor library is missing is still constructed: it reports
// UNAVAILABLE with the reason and 0 devices, never crashes.
class Backend {
 public:
  virtual ~Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  // The URI scheme: "fake", "cuda", "ascend", "cambricon", "hygon", "levelzero".
  virtual absl::string_view name() const = 0;
  // OK when usable, otherwise UNAVAILABLE naming the missing library, symbol
  // or device.
  virtual absl::Status Availability() const = 0;
  // Never fails: 0 when unavailable (like c10's deviceCount()).
  virtual int DeviceCount() const = 0;
  // INVALID_ARGUMENT for an ordinal outside [0, DeviceCount()), UNAVAILABLE
  // when the backend is unavailable.
  virtual absl::StatusOr<Device*> GetDevice(int ordinal) = 0;
  // What this backend does not support, and why.
  virtual std::vector<Limitation> Limitations() const = 0;

 protected:
  Backend() = default;
};

}  // namespace spillway::hal

#endif  // SPILLWAY_HAL_BACKEND_H_
