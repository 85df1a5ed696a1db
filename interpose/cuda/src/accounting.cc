#include "accounting.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "spillway/hal/status.h"
#include "spillway/runtime/log.h"

namespace spillway::interpose {

absl::StatusOr<std::unique_ptr<Accounting>> Accounting::Open(
    const runtime::RuntimeConfig& config, const std::vector<uint64_t>& physical) {
  if (physical.empty()) return absl::InvalidArgumentError("no CUDA device to govern");
  const int n = std::min(static_cast<int>(physical.size()), runtime::Ledger::kMaxDevices);
  if (static_cast<int>(physical.size()) > n) {
    SPILLWAY_LOG(WARNING) << "the driver reports " << physical.size() << " devices; only the first "
                          << n << " are governed";
  }
  runtime::LedgerOptions options;
  options.path = config.ledger_path();
  options.device_count = n;
  options.priority = static_cast<int>(config.task_priority());
  options.group_access = config.ledger_group_access();
  for (int i = 0; i < n; ++i) {
    SPILLWAY_ASSIGN_OR_RETURN(runtime::DeviceLimits limits,
                              runtime::ResolveDeviceLimits(config, i, physical[i]));
    if (limits.clamped) {
      SPILLWAY_LOG(WARNING) << "device " << i << ": the configured size is clamped to "
                            << limits.virtual_size << " bytes";
    }
    options.limits.push_back(limits.virtual_size);
    options.device_budgets.push_back(limits.oversubscribed ? limits.device_budget : 0);
  }
  std::unique_ptr<Accounting> accounting(new Accounting());
  SPILLWAY_ASSIGN_OR_RETURN(accounting->ledger_, runtime::Ledger::Open(options));
  runtime::Ledger& ledger = *accounting->ledger_;
  for (const std::string& note : ledger.notes()) SPILLWAY_LOG(INFO) << note;
  if (!ledger.config_mismatch().empty()) {
    SPILLWAY_LOG(WARNING) << "ledger " << options.path << " keeps the configuration of the "
                          << "processes already attached: " << ledger.config_mismatch();
  }
  for (int i = 0; i < n; ++i) {
    DeviceQuota q;
    q.virtual_size = ledger.Limit(i) != 0 ? ledger.Limit(i) : options.limits[i];
    q.device_budget = ledger.DeviceBudget(i) != 0 ? ledger.DeviceBudget(i) : q.virtual_size;
    q.oversubscribed = q.virtual_size > q.device_budget;
    accounting->quotas_.push_back(q);
    SPILLWAY_LOG(INFO) << "device " << i << ": virtual size " << q.virtual_size
                       << ", device budget " << q.device_budget
                       << (q.oversubscribed ? ", oversubscribed" : "");
  }
  absl::MutexLock lock(&accounting->mu_);
  accounting->primary_retains_.assign(static_cast<size_t>(n), 0);
  return accounting;
}

absl::StatusOr<Placement> Accounting::ReserveDeviceAllocation(int device, uint64_t bytes) {
  absl::Status status = Reserve(device, runtime::UsageKind::kDevice, bytes);
  if (status.ok()) return Placement::kDevice;
  if (status.code() != absl::StatusCode::kResourceExhausted || !quota(device).oversubscribed) {
    return status;
  }
  SPILLWAY_RETURN_IF_ERROR(Reserve(device, runtime::UsageKind::kManaged, bytes));
  return Placement::kManaged;
}

absl::Status Accounting::Reserve(int device, runtime::UsageKind kind, uint64_t bytes) {
  if (!Governs(device)) {
    return absl::InvalidArgumentError(absl::StrCat("device ", device, " is not governed"));
  }
  return ledger_->Reserve(device, kind, bytes);
}

void Accounting::Release(int device, runtime::UsageKind kind, uint64_t bytes) {
  if (!Governs(device) || bytes == 0) return;
  absl::Status status = ledger_->Release(device, kind, bytes);
  if (!status.ok()) SPILLWAY_LOG(ERROR) << "releasing accounted memory: " << status;
}

absl::Status Accounting::MoveToManaged(int device, uint64_t bytes) {
  if (!Governs(device)) {
    return absl::InvalidArgumentError(absl::StrCat("device ", device, " is not governed"));
  }
  return ledger_->Move(device, runtime::UsageKind::kDevice, runtime::UsageKind::kManaged, bytes);
}

void Accounting::Track(Table table, uint64_t key, const Grant& grant) {
  absl::MutexLock lock(&mu_);
  tables_[static_cast<int>(table)][key] = grant;
}

std::optional<Grant> Accounting::Untrack(Table table, uint64_t key) {
  absl::MutexLock lock(&mu_);
  auto& map = tables_[static_cast<int>(table)];
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  Grant grant = it->second;
  map.erase(it);
  return grant;
}

std::optional<Grant> Accounting::Find(Table table, uint64_t key) const {
  absl::MutexLock lock(&mu_);
  const auto& map = tables_[static_cast<int>(table)];
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

absl::Status Accounting::RetainPrimary(int device, uint64_t bytes) {
  if (!Governs(device)) return absl::OkStatus();
  absl::MutexLock lock(&mu_);
  int& retains = primary_retains_[static_cast<size_t>(device)];
  if (retains == 0 && bytes != 0) {
    SPILLWAY_RETURN_IF_ERROR(ledger_->Reserve(device, runtime::UsageKind::kDevice, bytes));
  }
  ++retains;
  return absl::OkStatus();
}

void Accounting::ReleasePrimary(int device, uint64_t bytes) {
  if (!Governs(device)) return;
  absl::MutexLock lock(&mu_);
  int& retains = primary_retains_[static_cast<size_t>(device)];
  if (retains == 0) return;
  if (--retains == 0 && bytes != 0) {
    absl::Status status = ledger_->Release(device, runtime::UsageKind::kDevice, bytes);
    if (!status.ok()) SPILLWAY_LOG(ERROR) << "releasing a context's memory: " << status;
  }
}

void Accounting::ResetPrimary(int device, uint64_t bytes) {
  if (!Governs(device)) return;
  absl::MutexLock lock(&mu_);
  int& retains = primary_retains_[static_cast<size_t>(device)];
  if (retains > 0 && bytes != 0) {
    absl::Status status = ledger_->Release(device, runtime::UsageKind::kDevice, bytes);
    if (!status.ok()) SPILLWAY_LOG(ERROR) << "releasing a context's memory: " << status;
  }
  retains = 0;
}

MemoryView Accounting::View(int device, uint64_t driver_free) const {
  MemoryView view;
  if (!Governs(device)) return view;
  const DeviceQuota& q = quota(device);
  view.total = q.virtual_size;
  const uint64_t used = ledger_->Used(device);
  view.free = used < view.total ? view.total - used : 0;
  if (!q.oversubscribed) view.free = std::min(view.free, driver_free);
  return view;
}

}  // namespace spillway::interpose
