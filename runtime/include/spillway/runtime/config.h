// Runtime configuration: per-device memory limits, compute share, priority,
// oversubscription, ledger location and log level, read from the environment
// (HAMi's contract plus spillway's own variables) or set through the API.
//
// Variables (names ending in [_<i>] also exist per device, i = 0..63 in
// canonical decimal: "_0", "_12", never "_012" or "_x"):
//
//   CUDA_DEVICE_MEMORY_LIMIT[_i]   memory limit in bytes ("Size" below).
//   CUDA_DEVICE_SM_LIMIT[_i]       compute share in percent, 0..100.
//   CUDA_OVERSUBSCRIBE             "true"/"false"/"1"/"0" (any case): a memory
//                                  limit above the device's memory becomes the
//                                  virtual size instead of being clamped.
//   CUDA_DEVICE_MEMORY_SHARED_CACHE  path of the multi-process ledger; default
//                                  kDefaultLedgerPath. (HAMi's default,
//                                  /tmp/cudevshr.cache, is not reused: the
//                                  ledger's format is spillway's own and must
//                                  not collide with a HAMi-core file.)
//   CUDA_TASK_PRIORITY             0 high (default), 1 low.
//   LIBCUDA_LOG_LEVEL              0..4, see log.h; default 1.
//   SPILLWAY_VIRTUAL_SIZE[_i]      virtual device size (Size).
//   SPILLWAY_OVERSUBSCRIBE_FACTOR[_i]  virtual size as a multiple of the
//                                  device's physical memory: decimal digits
//                                  with an optional fraction, 1.0..1024.0.
//   SPILLWAY_DEVICE_HEADROOM[_i]   bytes kept free on the device (Size).
//   SPILLWAY_BACKENDS              comma-separated backend names, passed to the
//                                  HAL registry; empty or unset = all.
//   SPILLWAY_LEDGER_GROUP          boolean as above: ledger file mode 0660
//                                  instead of 0600.
//
// Size: decimal digits with an optional k, m or g suffix in either case,
// meaning powers of 1024 ("3000m", "1G", "1048576k", "1073741824"). Rejected:
// empty values, signs, spaces, fractions ("1.5g"), hex, other suffixes ("1gb",
// "1t", "12x"), a bare suffix ("m"), and values above 2^64-1 bytes.
//
// Zero and per-device values: 0 (or unset) means "nothing set at this level".
// A per-device variable overrides the all-devices one; a per-device 0 defers
// to the all-devices value, as in HAMi-core.
//
// Every malformed value is INVALID_ARGUMENT naming the variable and the value:
// the runtime never starts with a silently wrong limit. Unrelated variables,
// including unknown SPILLWAY_* ones (other components read their own), are
// ignored.
#ifndef SPILLWAY_RUNTIME_CONFIG_H_
#define SPILLWAY_RUNTIME_CONFIG_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "spillway/runtime/log.h"

namespace spillway::runtime {

inline constexpr int kMaxConfiguredDevices = 64;
inline constexpr char kDefaultLedgerPath[] = "/tmp/spillway.ledger";
inline constexpr double kMaxOversubscribeFactor = 1024.0;

inline constexpr char kMemoryLimitVar[] = "CUDA_DEVICE_MEMORY_LIMIT";
inline constexpr char kSmLimitVar[] = "CUDA_DEVICE_SM_LIMIT";
inline constexpr char kOversubscribeVar[] = "CUDA_OVERSUBSCRIBE";
inline constexpr char kLedgerPathVar[] = "CUDA_DEVICE_MEMORY_SHARED_CACHE";
inline constexpr char kTaskPriorityVar[] = "CUDA_TASK_PRIORITY";
inline constexpr char kLogLevelVar[] = "LIBCUDA_LOG_LEVEL";
inline constexpr char kVirtualSizeVar[] = "SPILLWAY_VIRTUAL_SIZE";
inline constexpr char kOversubscribeFactorVar[] = "SPILLWAY_OVERSUBSCRIBE_FACTOR";
inline constexpr char kDeviceHeadroomVar[] = "SPILLWAY_DEVICE_HEADROOM";
inline constexpr char kBackendsVar[] = "SPILLWAY_BACKENDS";
inline constexpr char kLedgerGroupVar[] = "SPILLWAY_LEDGER_GROUP";

// Name -> value, as in the process environment. Injected so tests never touch
// the real environment.
using Environment = absl::btree_map<std::string, std::string>;

enum class TaskPriority : uint8_t { kHigh = 0, kLow = 1 };

// Settings given for all devices or for one. Each field's zero means "not set
// at this level".
struct DeviceSettings {
  uint64_t memory_limit = 0;         // bytes
  int sm_limit_percent = 0;          // 1..100
  uint64_t virtual_size = 0;         // bytes; exclusive with the factor
  double oversubscribe_factor = 0;   // 1.0..1024.0; exclusive with virtual_size
  uint64_t headroom = 0;             // bytes kept free on the device

  bool operator==(const DeviceSettings&) const = default;
};

// Parsers of single values, exposed for the API and the shim. `name` only
// labels the error ("CUDA_DEVICE_MEMORY_LIMIT_1=12x: ...").
absl::StatusOr<uint64_t> ParseSize(absl::string_view name, absl::string_view value);
absl::StatusOr<bool> ParseBool(absl::string_view name, absl::string_view value);

// The whole configuration. A value type: copy freely.
// Thread-safety: none of its own; const methods may run concurrently.
// Errors: setters return INVALID_ARGUMENT for out-of-range values or device
// indexes and then leave the configuration unchanged.
class RuntimeConfig {
 public:
  // Everything unset: no limits, no oversubscription, defaults as above.
  RuntimeConfig() = default;

  // Parses `env` (see the file comment). INVALID_ARGUMENT naming the variable
  // and its value for any malformed value; also when SPILLWAY_VIRTUAL_SIZE and
  // SPILLWAY_OVERSUBSCRIBE_FACTOR are both given for the same scope, or when
  // CUDA_OVERSUBSCRIBE is explicitly false while a virtual size or factor is
  // set (the two contradict each other).
  static absl::StatusOr<RuntimeConfig> FromEnvironment(const Environment& env);
  // The same over a snapshot of the process environment.
  static absl::StatusOr<RuntimeConfig> FromProcessEnvironment();
  static Environment ProcessEnvironment();

  // `device` is 0..63, or nullopt for all devices.
  absl::Status SetMemoryLimit(std::optional<int> device, uint64_t bytes);
  // 0..100.
  absl::Status SetSmLimit(std::optional<int> device, int percent);
  // Setting one of virtual size / factor clears the other at the same scope.
  absl::Status SetVirtualSize(std::optional<int> device, uint64_t bytes);
  // 1.0..1024.0, or 0 to clear.
  absl::Status SetOversubscribeFactor(std::optional<int> device, double factor);
  absl::Status SetDeviceHeadroom(std::optional<int> device, uint64_t bytes);
  void SetOversubscribe(bool on) { oversubscribe_ = on; }
  // Non-empty.
  absl::Status SetLedgerPath(std::string path);
  void SetTaskPriority(TaskPriority priority) { task_priority_ = priority; }
  // 0..4. Only stored: the runtime applies it with spillway::runtime::SetLogLevel.
  absl::Status SetLogLevel(int level);
  // nullopt = every registered backend; otherwise names of [a-z0-9_-]+.
  absl::Status SetBackends(std::optional<std::vector<std::string>> names);
  void SetLedgerGroupAccess(bool on) { ledger_group_access_ = on; }

  const DeviceSettings& all_devices() const { return all_devices_; }
  // Only what was set for `device` itself; INVALID_ARGUMENT outside 0..63.
  absl::StatusOr<DeviceSettings> device_overrides(int device) const;
  // Effective settings of `device`: each per-device field that is set
  // overrides the all-devices one; a per-device virtual size or factor
  // replaces both of the all-devices ones. INVALID_ARGUMENT outside 0..63.
  absl::StatusOr<DeviceSettings> ForDevice(int device) const;

  bool oversubscribe() const { return oversubscribe_; }
  const std::string& ledger_path() const { return ledger_path_; }
  TaskPriority task_priority() const { return task_priority_; }
  int log_level() const { return log_level_; }
  const std::optional<std::vector<std::string>>& backends() const { return backends_; }
  bool ledger_group_access() const { return ledger_group_access_; }

 private:
  absl::StatusOr<DeviceSettings*> Scope(std::optional<int> device);

  DeviceSettings all_devices_;
  std::array<DeviceSettings, kMaxConfiguredDevices> per_device_{};
  bool oversubscribe_ = false;
  std::string ledger_path_ = kDefaultLedgerPath;
  TaskPriority task_priority_ = TaskPriority::kHigh;
  int log_level_ = kDefaultLogLevel;
  std::optional<std::vector<std::string>> backends_;
  bool ledger_group_access_ = false;
};

// What one device offers once the configuration meets its physical memory.
struct DeviceLimits {
  // Bytes the device presents to its users; allocations beyond it fail.
  uint64_t virtual_size = 0;
  // Bytes that may be resident on the device: physical minus headroom, and
  // never more than virtual_size.
  uint64_t device_budget = 0;
  // virtual_size is below what the configuration asked for: a memory limit
  // above the device budget without oversubscription, or a virtual size or
  // factor above the memory limit (the limit is a quota and always wins).
  bool clamped = false;
  // virtual_size > device_budget: the excess must spill to host memory.
  bool oversubscribed = false;
  // 0 = no compute limit.
  int sm_limit_percent = 0;
};

// Resolves `device`'s effective settings against `physical_bytes`:
//   budget cap = physical - headroom
//   virtual    = SPILLWAY_VIRTUAL_SIZE, else factor * physical, each capped by
//                the memory limit when one is set; else the memory limit,
//                clamped to the budget cap unless CUDA_OVERSUBSCRIBE is on;
//                else the budget cap.
//   budget     = min(budget cap, virtual)
// A virtual size or factor is itself a request to oversubscribe.
// INVALID_ARGUMENT for a device outside 0..63, physical_bytes == 0, a headroom
// that leaves no device memory, or a factor whose product overflows.
absl::StatusOr<DeviceLimits> ResolveDeviceLimits(const RuntimeConfig& config,
                                                 int device,
                                                 uint64_t physical_bytes);

}  // namespace spillway::runtime

#endif  // SPILLWAY_RUNTIME_CONFIG_H_
