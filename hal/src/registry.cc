#include "spillway/hal/registry.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "spillway/hal/status.h"

namespace spillway::hal {
namespace {

bool ValidName(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::vector<std::string>> EnabledFromEnvironment() {
  const char* value = std::getenv(kBackendsEnvVar);
  if (value == nullptr) return std::nullopt;
  std::vector<std::string> names;
  for (absl::string_view part : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
    names.emplace_back(absl::StripAsciiWhitespace(part));
  }
  if (names.empty()) return std::nullopt;
  return names;
}

}  // namespace

absl::StatusOr<DeviceUri> ParseDeviceUri(absl::string_view uri) {
  const size_t sep = uri.find("://");
  if (sep == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("device URI \"", uri, "\" is not of the form <backend>://<ordinal>"));
  }
  DeviceUri out;
  out.backend = std::string(uri.substr(0, sep));
  absl::string_view ordinal = uri.substr(sep + 3);
  if (!ValidName(out.backend)) {
    return absl::InvalidArgumentError(
        absl::StrCat("device URI \"", uri, "\" has an invalid backend name"));
  }
  const bool digits_only =
      !ordinal.empty() && ordinal.size() <= 9 &&
      ordinal.find_first_not_of("0123456789") == absl::string_view::npos;
  if (!digits_only || !absl::SimpleAtoi(ordinal, &out.ordinal)) {
    return absl::InvalidArgumentError(
        absl::StrCat("device URI \"", uri, "\" has an invalid device ordinal \"", ordinal, "\""));
  }
  return out;
}

Registry::Registry() : enabled_(EnabledFromEnvironment()) {}
Registry::~Registry() = default;

absl::Status Registry::Register(std::string name, BackendFactory factory) {
  if (!ValidName(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("backend name \"", name, "\" must be non-empty and use only [a-z0-9_-]"));
  }
  if (!factory) {
    return absl::InvalidArgumentError(absl::StrCat("backend \"", name, "\" has no factory"));
  }
  absl::MutexLock lock(&mu_);
  if (entries_.contains(name)) {
    return absl::AlreadyExistsError(absl::StrCat("backend \"", name, "\" is already registered"));
  }
  Entry entry;
  entry.factory = std::move(factory);
  entry.order = next_order_++;
  entries_.emplace(std::move(name), std::move(entry));
  return absl::OkStatus();
}

void Registry::SetEnabled(std::optional<std::vector<std::string>> names) {
  absl::MutexLock lock(&mu_);
  enabled_ = std::move(names);
}

std::vector<std::string> Registry::RegisteredNames() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::pair<int, std::string>> ordered;
  for (const auto& [name, entry] : entries_) ordered.emplace_back(entry.order, name);
  std::sort(ordered.begin(), ordered.end());
  std::vector<std::string> names;
  for (auto& [order, name] : ordered) names.push_back(std::move(name));
  return names;
}

bool Registry::IsEnabled(absl::string_view name) const {
  absl::MutexLock lock(&mu_);
  if (!enabled_.has_value()) return true;
  return std::find(enabled_->begin(), enabled_->end(), name) != enabled_->end();
}

absl::StatusOr<Backend*> Registry::GetBackend(absl::string_view name) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    return absl::NotFoundError(absl::StrCat("no backend named \"", name, "\" is registered"));
  }
  if (enabled_.has_value() &&
      std::find(enabled_->begin(), enabled_->end(), name) == enabled_->end()) {
    return absl::UnavailableError(absl::StrCat("backend \"", name, "\" is disabled (enabled: ",
                                               absl::StrJoin(*enabled_, ","), "; set ",
                                               kBackendsEnvVar, ")"));
  }
  if (it->second.backend == nullptr) {
    it->second.backend = it->second.factory();
    if (it->second.backend == nullptr) {
      return absl::InternalError(absl::StrCat("backend \"", name, "\" factory returned null"));
    }
  }
  return it->second.backend.get();
}

absl::StatusOr<Device*> Registry::OpenDevice(absl::string_view uri) {
  SPILLWAY_ASSIGN_OR_RETURN(DeviceUri parsed, ParseDeviceUri(uri));
  SPILLWAY_ASSIGN_OR_RETURN(Backend * backend, GetBackend(parsed.backend));
  SPILLWAY_RETURN_IF_ERROR(backend->Availability());
  return backend->GetDevice(parsed.ordinal);
}

std::vector<Device*> Registry::Devices() {
  std::vector<Device*> devices;
  for (const std::string& name : RegisteredNames()) {
    absl::StatusOr<Backend*> backend = GetBackend(name);
    if (!backend.ok() || !(*backend)->Availability().ok()) continue;
    for (int i = 0; i < (*backend)->DeviceCount(); ++i) {
      absl::StatusOr<Device*> device = (*backend)->GetDevice(i);
      if (device.ok()) devices.push_back(*device);
    }
  }
  return devices;
}

}  // namespace spillway::hal
