// The vendor-independent part of a backend over a vendor library loaded with
// dlopen: the library, its symbol table, the devices found, and the Backend
// calls that only look at those (availability, device lookup, limitations).
#ifndef SPILLWAY_HAL_LIBRARY_BACKEND_H_
#define SPILLWAY_HAL_LIBRARY_BACKEND_H_

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/device.h"
#include "spillway/hal/dynamic_library.h"

namespace spillway::hal {

// `Symbols` is the vendor's table of resolved functions. A subclass loads
// `library_` and `symbols_`, opens `devices_` (ordinal i at index i) and fills
// `limitations_`, all in its constructor, and ends it with SetAvailability.
// Nothing changes afterwards, so the Backend calls are thread-safe.
//
// Ownership: members are destroyed in reverse order of declaration, so the
// devices go first, while the symbols and the library they call are still
// there. A subclass whose devices also use its own members (contexts, a
// process-wide init) clears `devices_` in its destructor before releasing them.
template <typename Symbols>
class LibraryBackend : public Backend {
 public:
  absl::string_view name() const final { return name_; }
  // OK, or the status SetAvailability was given.
  absl::Status Availability() const final { return availability_; }
  // 0 when unavailable.
  int DeviceCount() const final { return static_cast<int>(devices_.size()); }
  // The availability status when unavailable; INVALID_ARGUMENT naming the
  // ordinal and the count outside [0, DeviceCount()).
  absl::StatusOr<Device*> GetDevice(int ordinal) final {
    if (!availability_.ok()) return availability_;
    if (ordinal < 0 || ordinal >= DeviceCount()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name_, ": no device ", ordinal, " (there are ", DeviceCount(), ")"));
    }
    return devices_[static_cast<size_t>(ordinal)].get();
  }
  // `limitations_`; a subclass may add what holds for every device.
  std::vector<Limitation> Limitations() const override { return limitations_; }

 protected:
  explicit LibraryBackend(std::string name) : name_(std::move(name)) {}

  // How starting went. Not OK makes the backend unavailable with `started`
  // and drops every device opened so far (an unavailable backend has none,
  // backend.h).
  void SetAvailability(absl::Status started) {
    availability_ = std::move(started);
    if (!availability_.ok()) devices_.clear();
  }

  std::unique_ptr<DynamicLibrary> library_;
  Symbols symbols_{};
  std::vector<std::unique_ptr<Device>> devices_;
  std::vector<Limitation> limitations_;

 private:
  const std::string name_;
  absl::Status availability_;
};

}  // namespace spillway::hal

#endif  // SPILLWAY_HAL_LIBRARY_BACKEND_H_
