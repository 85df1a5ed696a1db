#include "spillway/runtime/config.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "spillway/hal/status.h"
#include "spillway/runtime/log.h"

extern char** environ;

namespace spillway::runtime {
namespace {

absl::Status Malformed(absl::string_view name, absl::string_view value,
                       absl::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat(name, "=\"", value, "\" is malformed: expected ", expected));
}

bool AllDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Digits only, no sign or spaces, checked for overflow.
bool ParseUnsigned(absl::string_view text, uint64_t* out) {
  if (!AllDigits(text)) return false;
  uint64_t value = 0;
  for (char c : text) {
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
  }
  *out = value;
  return true;
}

absl::StatusOr<int> ParseIntInRange(absl::string_view name, absl::string_view value,
                                    int low, int high) {
  uint64_t parsed = 0;
  if (!ParseUnsigned(value, &parsed) || parsed < static_cast<uint64_t>(low) ||
      parsed > static_cast<uint64_t>(high)) {
    return Malformed(name, value,
                     absl::StrCat("an integer from ", low, " to ", high));
  }
  return static_cast<int>(parsed);
}

absl::StatusOr<double> ParseFactor(absl::string_view name, absl::string_view value) {
  constexpr char kExpected[] =
      "a decimal number from 1.0 to 1024.0, such as 2 or 1.5";
  // Our own grammar first: SimpleAtod alone would also take "inf", "1e3",
  // signs and spaces.
  absl::string_view whole = value;
  absl::string_view fraction;
  const size_t dot = value.find('.');
  if (dot != absl::string_view::npos) {
    whole = value.substr(0, dot);
    fraction = value.substr(dot + 1);
    if (!AllDigits(fraction)) return Malformed(name, value, kExpected);
  }
  if (!AllDigits(whole)) return Malformed(name, value, kExpected);
  double factor = 0;
  if (!absl::SimpleAtod(value, &factor) || !(factor >= 1.0) ||
      factor > kMaxOversubscribeFactor) {
    return Malformed(name, value, kExpected);
  }
  return factor;
}

absl::Status CheckDevice(int device) {
  if (device < 0 || device >= kMaxConfiguredDevices) {
    return absl::InvalidArgumentError(absl::StrCat(
        "device index ", device, " is outside 0..", kMaxConfiguredDevices - 1));
  }
  return absl::OkStatus();
}

bool ValidBackendName(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-';
    if (!ok) return false;
  }
  return true;
}

// Which per-device variable a name is, if any.
enum class DeviceVar { kMemoryLimit, kSmLimit, kVirtualSize, kFactor, kHeadroom };
struct DeviceVarName {
  const char* name;
  DeviceVar var;
};
constexpr DeviceVarName kDeviceVars[] = {
    {kMemoryLimitVar, DeviceVar::kMemoryLimit},
    {kSmLimitVar, DeviceVar::kSmLimit},
    {kVirtualSizeVar, DeviceVar::kVirtualSize},
    {kOversubscribeFactorVar, DeviceVar::kFactor},
    {kDeviceHeadroomVar, DeviceVar::kHeadroom},
};

// Parses the "_<i>" suffix after a per-device variable's base name: canonical
// decimal (no leading zeros), 0..63.
absl::StatusOr<int> ParseDeviceSuffix(absl::string_view name, absl::string_view value,
                                      absl::string_view suffix) {
  uint64_t index = 0;
  const bool canonical = !(suffix.size() > 1 && suffix[0] == '0');
  if (!canonical || !ParseUnsigned(suffix, &index) ||
      index >= static_cast<uint64_t>(kMaxConfiguredDevices)) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, "=\"", value, "\": \"", suffix, "\" is not a device index (0..",
        kMaxConfiguredDevices - 1, " in decimal)"));
  }
  return static_cast<int>(index);
}

absl::Status ApplyDeviceVar(DeviceVar var, absl::string_view name,
                            absl::string_view value, DeviceSettings& scope) {
  switch (var) {
    case DeviceVar::kMemoryLimit: {
      SPILLWAY_ASSIGN_OR_RETURN(scope.memory_limit, ParseSize(name, value));
      return absl::OkStatus();
    }
    case DeviceVar::kSmLimit: {
      SPILLWAY_ASSIGN_OR_RETURN(scope.sm_limit_percent,
                                ParseIntInRange(name, value, 0, 100));
      return absl::OkStatus();
    }
    case DeviceVar::kVirtualSize: {
      SPILLWAY_ASSIGN_OR_RETURN(scope.virtual_size, ParseSize(name, value));
      return absl::OkStatus();
    }
    case DeviceVar::kFactor: {
      SPILLWAY_ASSIGN_OR_RETURN(scope.oversubscribe_factor, ParseFactor(name, value));
      return absl::OkStatus();
    }
    case DeviceVar::kHeadroom: {
      SPILLWAY_ASSIGN_OR_RETURN(scope.headroom, ParseSize(name, value));
      return absl::OkStatus();
    }
  }
  return absl::InternalError("unhandled per-device variable");
}

absl::Status CheckVirtualExclusive(const DeviceSettings& scope,
                                   absl::string_view suffix) {
  if (scope.virtual_size != 0 && scope.oversubscribe_factor != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        kVirtualSizeVar, suffix, " and ", kOversubscribeFactorVar, suffix,
        " are both set; give only one"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<uint64_t> ParseSize(absl::string_view name, absl::string_view value) {
  constexpr char kExpected[] =
      "a byte count: digits with an optional k, m or g suffix (powers of 1024), "
      "such as 3000m";
  absl::string_view digits = value;
  uint64_t unit = 1;
  if (!value.empty()) {
    switch (value.back()) {
      case 'k':
      case 'K':
        unit = uint64_t{1} << 10;
        break;
      case 'm':
      case 'M':
        unit = uint64_t{1} << 20;
        break;
      case 'g':
      case 'G':
        unit = uint64_t{1} << 30;
        break;
      default:
        break;
    }
    if (unit != 1) digits.remove_suffix(1);
  }
  uint64_t count = 0;
  if (!ParseUnsigned(digits, &count)) {
    // Tell overflow apart from junk: the digits alone are the clue.
    if (AllDigits(digits)) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, "=\"", value, "\" is out of range (above 2^64-1 bytes)"));
    }
    return Malformed(name, value, kExpected);
  }
  if (count > std::numeric_limits<uint64_t>::max() / unit) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, "=\"", value, "\" is out of range (above 2^64-1 bytes)"));
  }
  return count * unit;
}

absl::StatusOr<bool> ParseBool(absl::string_view name, absl::string_view value) {
  if (value == "1" || absl::EqualsIgnoreCase(value, "true")) return true;
  if (value == "0" || absl::EqualsIgnoreCase(value, "false")) return false;
  return Malformed(name, value, "true, false, 1 or 0");
}

absl::StatusOr<RuntimeConfig> RuntimeConfig::FromEnvironment(const Environment& env) {
  RuntimeConfig config;
  bool any_virtual = false;
  std::optional<bool> oversubscribe;

  for (const auto& [name, value] : env) {
    // Per-device variables, global or with a device suffix.
    bool handled = false;
    for (const DeviceVarName& candidate : kDeviceVars) {
      absl::string_view rest = name;
      if (!absl::ConsumePrefix(&rest, candidate.name)) continue;
      DeviceSettings* scope = nullptr;
      if (rest.empty()) {
        scope = &config.all_devices_;
      } else if (absl::ConsumePrefix(&rest, "_")) {
        SPILLWAY_ASSIGN_OR_RETURN(int device, ParseDeviceSuffix(name, value, rest));
        scope = &config.per_device_[device];
      } else {
        continue;  // another variable sharing the prefix
      }
      SPILLWAY_RETURN_IF_ERROR(ApplyDeviceVar(candidate.var, name, value, *scope));
      if (candidate.var == DeviceVar::kVirtualSize ||
          candidate.var == DeviceVar::kFactor) {
        any_virtual = any_virtual || scope->virtual_size != 0 ||
                      scope->oversubscribe_factor != 0;
      }
      handled = true;
      break;
    }
    if (handled) continue;

    if (name == kOversubscribeVar) {
      SPILLWAY_ASSIGN_OR_RETURN(oversubscribe, ParseBool(name, value));
      config.oversubscribe_ = *oversubscribe;
    } else if (name == kLedgerPathVar) {
      if (value.empty()) return Malformed(name, value, "a file path");
      config.ledger_path_ = value;
    } else if (name == kTaskPriorityVar) {
      SPILLWAY_ASSIGN_OR_RETURN(int priority, ParseIntInRange(name, value, 0, 1));
      config.task_priority_ = static_cast<TaskPriority>(priority);
    } else if (name == kLogLevelVar) {
      SPILLWAY_ASSIGN_OR_RETURN(config.log_level_,
                                ParseIntInRange(name, value, kMinLogLevel, kMaxLogLevel));
    } else if (name == kBackendsVar) {
      // Same splitting as the HAL registry; names are checked here so a typo
      // is an error rather than an empty device list.
      std::vector<std::string> names;
      for (absl::string_view part : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        part = absl::StripAsciiWhitespace(part);
        if (!ValidBackendName(part)) {
          return Malformed(name, value,
                           "comma-separated backend names of [a-z0-9_-]");
        }
        names.emplace_back(part);
      }
      if (names.empty()) {
        config.backends_.reset();
      } else {
        config.backends_ = std::move(names);
      }
    } else if (name == kLedgerGroupVar) {
      SPILLWAY_ASSIGN_OR_RETURN(config.ledger_group_access_, ParseBool(name, value));
    }
  }

  SPILLWAY_RETURN_IF_ERROR(CheckVirtualExclusive(config.all_devices_, ""));
  for (int i = 0; i < kMaxConfiguredDevices; ++i) {
    SPILLWAY_RETURN_IF_ERROR(
        CheckVirtualExclusive(config.per_device_[i], absl::StrCat("_", i)));
  }
  if (oversubscribe.has_value() && !*oversubscribe && any_virtual) {
    return absl::InvalidArgumentError(absl::StrCat(
        kOversubscribeVar, "=\"", env.at(kOversubscribeVar), "\" contradicts ",
        kVirtualSizeVar, "/", kOversubscribeFactorVar,
        ", which ask for oversubscription"));
  }
  return config;
}

Environment RuntimeConfig::ProcessEnvironment() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    absl::string_view text(*entry);
    const size_t eq = text.find('=');
    if (eq == absl::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

absl::StatusOr<RuntimeConfig> RuntimeConfig::FromProcessEnvironment() {
  return FromEnvironment(ProcessEnvironment());
}

absl::StatusOr<DeviceSettings*> RuntimeConfig::Scope(std::optional<int> device) {
  if (!device.has_value()) return &all_devices_;
  SPILLWAY_RETURN_IF_ERROR(CheckDevice(*device));
  return &per_device_[*device];
}

absl::Status RuntimeConfig::SetMemoryLimit(std::optional<int> device, uint64_t bytes) {
  SPILLWAY_ASSIGN_OR_RETURN(DeviceSettings* scope, Scope(device));
  scope->memory_limit = bytes;
  return absl::OkStatus();
}

absl::Status RuntimeConfig::SetSmLimit(std::optional<int> device, int percent) {
  if (percent < 0 || percent > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("SM limit ", percent, "% is outside 0..100"));
  }
  SPILLWAY_ASSIGN_OR_RETURN(DeviceSettings* scope, Scope(device));
  scope->sm_limit_percent = percent;
  return absl::OkStatus();
}

absl::Status RuntimeConfig::SetVirtualSize(std::optional<int> device, uint64_t bytes) {
  SPILLWAY_ASSIGN_OR_RETURN(DeviceSettings* scope, Scope(device));
  scope->virtual_size = bytes;
  scope->oversubscribe_factor = 0;
  return absl::OkStatus();
}

absl::Status RuntimeConfig::SetOversubscribeFactor(std::optional<int> device,
                                                   double factor) {
  if (factor != 0 && !(factor >= 1.0 && factor <= kMaxOversubscribeFactor)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "oversubscribe factor ", factor, " is outside 1.0..1024.0 (0 clears it)"));
  }
  SPILLWAY_ASSIGN_OR_RETURN(DeviceSettings* scope, Scope(device));
  scope->oversubscribe_factor = factor;
  scope->virtual_size = 0;
  return absl::OkStatus();
}

absl::Status RuntimeConfig::SetDeviceHeadroom(std::optional<int> device, uint64_t bytes) {
  SPILLWAY_ASSIGN_OR_RETURN(DeviceSettings* scope, Scope(device));
  scope->headroom = bytes;
  return absl::OkStatus();
}

absl::Status RuntimeConfig::SetLedgerPath(std::string path) {
  if (path.empty()) return absl::InvalidArgumentError("ledger path is empty");
  ledger_path_ = std::move(path);
  return absl::OkStatus();
}

absl::Status RuntimeConfig::SetLogLevel(int level) {
  if (level < kMinLogLevel || level > kMaxLogLevel) {
    return absl::InvalidArgumentError(
        absl::StrCat("log level ", level, " is outside 0..4"));
  }
  log_level_ = level;
  return absl::OkStatus();
}

absl::Status RuntimeConfig::SetBackends(std::optional<std::vector<std::string>> names) {
  if (names.has_value()) {
    for (const std::string& name : *names) {
      if (!ValidBackendName(name)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "backend name \"", name, "\" must be non-empty and use only [a-z0-9_-]"));
      }
    }
  }
  backends_ = std::move(names);
  return absl::OkStatus();
}

absl::StatusOr<DeviceSettings> RuntimeConfig::device_overrides(int device) const {
  SPILLWAY_RETURN_IF_ERROR(CheckDevice(device));
  return per_device_[device];
}

absl::StatusOr<DeviceSettings> RuntimeConfig::ForDevice(int device) const {
  SPILLWAY_RETURN_IF_ERROR(CheckDevice(device));
  const DeviceSettings& own = per_device_[device];
  DeviceSettings out = all_devices_;
  if (own.memory_limit != 0) out.memory_limit = own.memory_limit;
  if (own.sm_limit_percent != 0) out.sm_limit_percent = own.sm_limit_percent;
  if (own.headroom != 0) out.headroom = own.headroom;
  if (own.virtual_size != 0 || own.oversubscribe_factor != 0) {
    out.virtual_size = own.virtual_size;
    out.oversubscribe_factor = own.oversubscribe_factor;
  }
  return out;
}

absl::StatusOr<DeviceLimits> ResolveDeviceLimits(const RuntimeConfig& config,
                                                 int device,
                                                 uint64_t physical_bytes) {
  SPILLWAY_ASSIGN_OR_RETURN(DeviceSettings settings, config.ForDevice(device));
  if (physical_bytes == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("device ", device, " reports 0 bytes of memory"));
  }
  if (settings.headroom >= physical_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "device ", device, ": headroom of ", settings.headroom,
        " bytes leaves none of its ", physical_bytes, " bytes usable"));
  }
  const uint64_t budget_cap = physical_bytes - settings.headroom;
  const uint64_t limit = settings.memory_limit;

  uint64_t requested = 0;  // what the configuration asks the device to present
  bool explicit_virtual = true;
  if (settings.virtual_size != 0) {
    requested = settings.virtual_size;
  } else if (settings.oversubscribe_factor != 0) {
    const long double product =
        static_cast<long double>(settings.oversubscribe_factor) *
        static_cast<long double>(physical_bytes);
    if (product >= static_cast<long double>(std::numeric_limits<uint64_t>::max())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "device ", device, ": oversubscribe factor ", settings.oversubscribe_factor,
          " times ", physical_bytes, " bytes overflows"));
    }
    requested = static_cast<uint64_t>(std::floor(product));
  } else {
    explicit_virtual = false;
    requested = limit != 0 ? limit : budget_cap;
  }

  DeviceLimits out;
  out.sm_limit_percent = settings.sm_limit_percent;
  if (explicit_virtual) {
    out.virtual_size = limit != 0 ? std::min(requested, limit) : requested;
  } else if (config.oversubscribe()) {
    out.virtual_size = requested;
  } else {
    out.virtual_size = std::min(requested, budget_cap);
  }
  out.clamped = out.virtual_size < requested;
  out.device_budget = std::min(budget_cap, out.virtual_size);
  out.oversubscribed = out.virtual_size > out.device_budget;
  return out;
}

}  // namespace spillway::runtime
