// Explicit registration of backends and lookup of devices by URI.
#ifndef SPILLWAY_HAL_REGISTRY_H_
#define SPILLWAY_HAL_REGISTRY_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "spillway/hal/backend.h"

namespace spillway::hal {

// Names the enabled backends: a comma-separated list ("fake,cuda"); unset or
// empty enables every registered backend.
inline constexpr char kBackendsEnvVar[] = "SPILLWAY_BACKENDS";

struct DeviceUri {
  std::string backend;
  int ordinal = 0;
};
// Parses "<backend>://<ordinal>". INVALID_ARGUMENT naming the text otherwise.
absl::StatusOr<DeviceUri> ParseDeviceUri(absl::string_view uri);

// Creates a backend. Must not fail: an unusable backend reports UNAVAILABLE.
using BackendFactory = std::function<std::unique_ptr<Backend>()>;

// Thread-safe. Backends are created on first use and live as long as the
// registry; Device pointers it returns stay valid that long.
class Registry {
 public:
  Registry();  // reads kBackendsEnvVar once
  ~Registry();

  // ALREADY_EXISTS when `name` is registered; INVALID_ARGUMENT for an empty
  // name or one with characters outside [a-z0-9_-].
  absl::Status Register(std::string name, BackendFactory factory);
  // Replaces the environment's selection; nullopt enables all.
  void SetEnabled(std::optional<std::vector<std::string>> names);

  std::vector<std::string> RegisteredNames() const;
  bool IsEnabled(absl::string_view name) const;

  // NOT_FOUND for an unregistered name; UNAVAILABLE when it is disabled.
  // An enabled backend is returned even when it is itself unavailable.
  absl::StatusOr<Backend*> GetBackend(absl::string_view name);
  // Backend, availability and ordinal checked: NOT_FOUND, UNAVAILABLE or
  // INVALID_ARGUMENT as appropriate.
  absl::StatusOr<Device*> OpenDevice(absl::string_view uri);
  // Every device of every enabled, available backend, in registration order.
  std::vector<Device*> Devices();

 private:
  struct Entry {
    BackendFactory factory;
    std::unique_ptr<Backend> backend;
    int order = 0;
  };
  mutable absl::Mutex mu_;
  absl::btree_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::optional<std::vector<std::string>> enabled_ ABSL_GUARDED_BY(mu_);
  int next_order_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace spillway::hal

#endif  // SPILLWAY_HAL_REGISTRY_H_
