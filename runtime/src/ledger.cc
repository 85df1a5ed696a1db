#include "spillway/runtime/ledger.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <utility>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ledger_file.h"
#include "ledger_layout.h"
#include "spillway/hal/status.h"

namespace spillway::runtime {
namespace {

using ledger_layout::Header;
using ledger_layout::kKinds;
using ledger_layout::Load;
using ledger_layout::SlotHead;
using ledger_layout::SlotResidentPlan;
using ledger_layout::SlotUsage;
using ledger_layout::Store;

// Bumped in every child of fork(): a Ledger inherited by a child must not act
// for its parent (same slot, parent's identity). A counter load is cheaper
// than getpid(), which is a real syscall in current glibc.
std::atomic<uint64_t> g_fork_generation{0};

void OnForkChild() { g_fork_generation.fetch_add(1, std::memory_order_relaxed); }

void InstallForkHandler() {
  static std::once_flag once;
  std::call_once(once, [] { pthread_atfork(nullptr, nullptr, &OnForkChild); });
}

int KindIndex(UsageKind kind) { return static_cast<int>(kind); }

bool ValidKind(UsageKind kind) {
  const int index = KindIndex(kind);
  return index >= 0 && index < kKinds;
}

}  // namespace

const char* UsageKindName(UsageKind kind) {
  switch (kind) {
    case UsageKind::kDevice: return "device";
    case UsageKind::kManaged: return "managed";
    case UsageKind::kHostSpill: return "host-spill";
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(const LedgerOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("ledger: the path is empty");
  }
  if (options.device_count < 1 || options.device_count > kMaxDevices) {
    return absl::InvalidArgumentError(absl::StrCat("ledger ", options.path, ": device count ",
                                                   options.device_count, " is outside 1..",
                                                   kMaxDevices));
  }
  if (options.max_processes < 1 || options.max_processes > kMaxProcesses) {
    return absl::InvalidArgumentError(absl::StrCat("ledger ", options.path, ": max_processes ",
                                                   options.max_processes, " is outside 1..",
                                                   kMaxProcesses));
  }
  const size_t devices = static_cast<size_t>(options.device_count);
  if (!options.limits.empty() && options.limits.size() != devices) {
    return absl::InvalidArgumentError(absl::StrCat("ledger ", options.path, ": ",
                                                   options.limits.size(), " limits for ",
                                                   devices, " devices"));
  }
  if (!options.device_budgets.empty() && options.device_budgets.size() != devices) {
    return absl::InvalidArgumentError(absl::StrCat("ledger ", options.path, ": ",
                                                   options.device_budgets.size(),
                                                   " device budgets for ", devices, " devices"));
  }
  if (options.lock_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ledger ", options.path, ": lock_timeout must be positive"));
  }

  ledger_layout::Config config;
  config.device_count = static_cast<uint32_t>(options.device_count);
  config.max_processes = static_cast<uint32_t>(options.max_processes);
  for (size_t d = 0; d < options.limits.size(); ++d) config.limits[d] = options.limits[d];
  for (size_t d = 0; d < options.device_budgets.size(); ++d) {
    config.device_budgets[d] = options.device_budgets[d];
  }
  const PidNamespaceId pid_namespace = SelfPidNamespace();
  config.pid_namespace_device = pid_namespace.device;
  config.pid_namespace_inode = pid_namespace.inode;

  InstallForkHandler();
  SPILLWAY_ASSIGN_OR_RETURN(const ProcessIdentity self, SelfIdentity());

  LedgerFile::Options file_options;
  file_options.path = options.path;
  file_options.config = config;
  file_options.group_access = options.group_access;
  file_options.lock_timeout = options.lock_timeout;
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<LedgerFile> file, LedgerFile::Open(file_options));

  std::unique_ptr<Ledger> ledger(new Ledger());
  ledger->path_ = options.path;
  ledger->device_count_ = static_cast<int>(file->device_count());
  ledger->max_processes_ = static_cast<int>(file->max_processes());
  ledger->slot_size_ = file->slot_size();
  ledger->header_ = file->header();
  ledger->self_ = self;
  ledger->fork_generation_ = g_fork_generation.load(std::memory_order_relaxed);
  ledger->lock_timeout_ = options.lock_timeout;
  ledger->initialized_file_ = file->initialized();
  ledger->config_mismatch_ = file->config_mismatch();
  ledger->notes_ = file->notes();
  ledger->file_ = std::move(file);
  ledger->verified_alive_.resize(static_cast<size_t>(ledger->max_processes_));
  SPILLWAY_ASSIGN_OR_RETURN(ledger->slot_, ledger->ClaimSlot(self, options.priority));
  return ledger;
}

Ledger::~Ledger() {
  const bool forked = fork_generation_ != g_fork_generation.load(std::memory_order_relaxed);
  if (file_ != nullptr && slot_ >= 0 && !forked && Lock().ok()) {
    FreeSlotLocked(slot_);
    Unlock();
  }
  // If the lock could not be taken the slot stays; survivors reclaim it once
  // this process is gone.
}

Ledger::Slot* Ledger::SlotAt(int index) const {
  return ledger_layout::SlotAt(header_, slot_size_, static_cast<uint32_t>(index));
}

absl::Status Ledger::CheckUsable() const {
  if (fork_generation_ != g_fork_generation.load(std::memory_order_relaxed)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ledger ", path_, " was opened by process ", self_.pid,
        " and inherited across fork(); open a new Ledger in this process"));
  }
  return absl::OkStatus();
}

absl::Status Ledger::CheckDevice(int device) const {
  if (device < 0 || device >= device_count_) {
    return absl::InvalidArgumentError(absl::StrCat("ledger ", path_, ": device index ", device,
                                                   " is outside 0..", device_count_ - 1));
  }
  return absl::OkStatus();
}

absl::Status Ledger::CheckRequest(int device, UsageKind kind, uint64_t bytes,
                                  absl::string_view operation) const {
  SPILLWAY_RETURN_IF_ERROR(CheckUsable());
  SPILLWAY_RETURN_IF_ERROR(CheckDevice(device));
  if (!ValidKind(kind)) {
    return absl::InvalidArgumentError(absl::StrCat("ledger ", path_, ": usage kind ",
                                                   KindIndex(kind), " is not a UsageKind"));
  }
  if (bytes == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("ledger ", path_, ": cannot ", operation, " zero bytes"));
  }
  if (bytes > kMaxBytes) {
    return absl::InvalidArgumentError(absl::StrCat("ledger ", path_, ": cannot ", operation, " ",
                                                   bytes, " bytes (more than ", kMaxBytes,
                                                   ", no device is that large)"));
  }
  return absl::OkStatus();
}

absl::Status Ledger::Lock() const {
  pthread_mutex_t* mutex = &header_->mutex;
  // trylock first: the uncontended path needs no clock read.
  int rc = pthread_mutex_trylock(mutex);
  const bool timed = rc == EBUSY;
  if (timed) {
    const timespec deadline = absl::ToTimespec(absl::Now() + lock_timeout_);
    do {
      rc = pthread_mutex_timedlock(mutex, &deadline);
    } while (rc == EINTR);
  }
  if (rc == 0) return absl::OkStatus();
  if (rc == EOWNERDEAD) {
#if defined(__SANITIZE_THREAD__)
    // ThreadSanitizer's timedlock interceptor records the lock only for a 0
    // result (its lock and trylock interceptors also handle EOWNERDEAD).
    if (timed) {
      __tsan_mutex_pre_lock(mutex, 0);
      __tsan_mutex_post_lock(mutex, 0, 0);
    }
#else
    (void)timed;
#endif
    // The previous owner died inside a critical section: the slots are
    // authoritative (each update is one aligned store), the totals may lag.
    RebuildTotalsLocked();
    std::atomic_ref<uint64_t>(header_->owner_died_recoveries)
        .fetch_add(1, std::memory_order_relaxed);
    pthread_mutex_consistent(mutex);
    return absl::OkStatus();
  }
  if (rc == ETIMEDOUT) {
    return absl::DeadlineExceededError(absl::StrCat(
        "ledger ", path_, ": the shared lock was not released within ",
        absl::FormatDuration(lock_timeout_),
        " (its holder is alive but not progressing, e.g. stopped by a debugger or SIGSTOP)"));
  }
  return absl::InternalError(absl::StrCat("ledger ", path_, ": the shared lock is unusable (",
                                          std::strerror(rc),
                                          "); recreate the file once no process uses it"));
}

void Ledger::Unlock() const { pthread_mutex_unlock(&header_->mutex); }

void Ledger::RebuildTotalsLocked() const {
  uint64_t sums[ledger_layout::kMaxDevices][kKinds] = {};
  uint64_t high_water = 0;
  for (int s = 0; s < max_processes_; ++s) {
    Slot* slot = SlotAt(s);
    if (Load(slot->pid) != 0) high_water = static_cast<uint64_t>(s) + 1;
    for (int d = 0; d < device_count_; ++d) {
      for (int k = 0; k < kKinds; ++k) sums[d][k] += Load(*SlotUsage(slot, d, k));
    }
  }
  for (int d = 0; d < device_count_; ++d) {
    uint64_t all = 0;
    for (int k = 0; k < kKinds; ++k) {
      Store(header_->used_by_kind[d][k], sums[d][k]);
      all += sums[d][k];
    }
    Store(header_->used[d], all);
  }
  if (high_water > Load(header_->slot_high_water)) Store(header_->slot_high_water, high_water);
}

int Ledger::HighWater() const {
  const uint64_t high_water = Load(header_->slot_high_water);
  return high_water > static_cast<uint64_t>(max_processes_) ? max_processes_
                                                            : static_cast<int>(high_water);
}

absl::StatusOr<int> Ledger::ClaimSlot(const ProcessIdentity& identity, int priority) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    SPILLWAY_RETURN_IF_ERROR(Lock());
    for (int s = 0; s < max_processes_; ++s) {
      Slot* slot = SlotAt(s);
      if (Load(slot->pid) != 0) continue;
      // Raise the high-water mark before the slot becomes visible, so that a
      // scan never misses an occupied slot.
      if (static_cast<uint64_t>(s) + 1 > Load(header_->slot_high_water)) {
        Store(header_->slot_high_water, static_cast<uint64_t>(s) + 1);
      }
      Store(slot->start_time, identity.start_time);
      Store(slot->priority, static_cast<int32_t>(priority));
      // Freeing clears plans too; this also covers a file scribbled on.
      for (int d = 0; d < device_count_; ++d) Store(*SlotResidentPlan(slot, d), uint64_t{0});
      std::atomic_ref<int32_t>(slot->pid).store(identity.pid, std::memory_order_release);
      Unlock();
      return s;
    }
    Unlock();
    // Another process may reclaim the same dead slots first, so retry even
    // when this call reclaimed none.
    if (attempt == 0) SPILLWAY_RETURN_IF_ERROR(ReclaimDead(/*use_cache=*/true).status());
  }
  return absl::ResourceExhaustedError(
      absl::StrCat("ledger ", path_, ": all ", max_processes_,
                   " process slots are held by live processes (raise max_processes when "
                   "creating the ledger)"));
}

void Ledger::FreeSlotLocked(int index) const {
  Slot* slot = SlotAt(index);
  bool consistent = true;
  for (int d = 0; d < device_count_; ++d) {
    for (int k = 0; k < kKinds; ++k) {
      uint64_t* usage = SlotUsage(slot, d, k);
      const uint64_t bytes = Load(*usage);
      if (bytes == 0) continue;
      const uint64_t by_kind = Load(header_->used_by_kind[d][k]);
      const uint64_t all = Load(header_->used[d]);
      if (by_kind < bytes || all < bytes) {
        consistent = false;
      } else {
        Store(header_->used_by_kind[d][k], by_kind - bytes);
        Store(header_->used[d], all - bytes);
      }
      Store(*usage, uint64_t{0});
    }
    Store(*SlotResidentPlan(slot, d), uint64_t{0});
  }
  Store(slot->start_time, uint64_t{0});
  Store(slot->priority, int32_t{0});
  std::atomic_ref<int32_t>(slot->pid).store(0, std::memory_order_release);
  // Totals smaller than a slot mean someone scribbled on the file: the slots
  // are the record, so trust them.
  if (!consistent) RebuildTotalsLocked();
}

absl::Status Ledger::Reserve(int device, UsageKind kind, uint64_t bytes) {
  SPILLWAY_RETURN_IF_ERROR(CheckRequest(device, kind, bytes, "reserve"));
  std::string refusal;
  for (int attempt = 0;; ++attempt) {
    SPILLWAY_RETURN_IF_ERROR(Lock());
    const int k = KindIndex(kind);
    const uint64_t used = Load(header_->used[device]);
    const uint64_t by_kind = Load(header_->used_by_kind[device][k]);
    const uint64_t limit = Load(header_->limits[device]);
    const uint64_t budget = Load(header_->device_budgets[device]);
    uint64_t new_used = 0;
    uint64_t new_by_kind = 0;
    bool refused = false;
    if (__builtin_add_overflow(used, bytes, &new_used) ||
        __builtin_add_overflow(by_kind, bytes, &new_by_kind)) {
      refused = true;
      refusal = absl::StrCat("ledger ", path_, ": device ", device, ": reserving ", bytes,
                             " bytes on top of ", used, " would overflow the byte count");
    } else if (limit != 0 && new_used > limit) {
      refused = true;
      refusal = absl::StrCat("ledger ", path_, ": device ", device, ": reserving ", bytes,
                             " bytes of ", UsageKindName(kind),
                             " memory would exceed the device's limit: limit ", limit,
                             " bytes, in use ", used, " bytes (all processes, all kinds), free ",
                             used < limit ? limit - used : 0, " bytes");
    } else if (kind == UsageKind::kDevice && budget != 0 && new_by_kind > budget) {
      refused = true;
      refusal = absl::StrCat("ledger ", path_, ": device ", device, ": reserving ", bytes,
                             " bytes of device memory would exceed the device-resident budget: "
                             "budget ",
                             budget, " bytes, device-resident in use ", by_kind, " bytes");
    }
    if (!refused) {
      uint64_t* own = SlotUsage(SlotAt(slot_), device, k);
      Store(*own, Load(*own) + bytes);  // the slot first: it is the record
      if (void (*hook)() = critical_section_hook_.load(std::memory_order_relaxed)) hook();
      Store(header_->used_by_kind[device][k], new_by_kind);
      Store(header_->used[device], new_used);
      Unlock();
      return absl::OkStatus();
    }
    Unlock();
    if (attempt > 0) break;
    // Dead processes may hold what we need: reclaim (outside the lock) and
    // retry once, also when another process got to the dead slots first.
    SPILLWAY_RETURN_IF_ERROR(ReclaimDead(/*use_cache=*/true).status());
  }
  return absl::ResourceExhaustedError(refusal);
}

absl::Status Ledger::Release(int device, UsageKind kind, uint64_t bytes) {
  SPILLWAY_RETURN_IF_ERROR(CheckRequest(device, kind, bytes, "release"));
  const int k = KindIndex(kind);
  SPILLWAY_RETURN_IF_ERROR(Lock());
  uint64_t* own = SlotUsage(SlotAt(slot_), device, k);
  const uint64_t held = Load(*own);
  if (held < bytes) {
    Unlock();
    return absl::InvalidArgumentError(absl::StrCat(
        "ledger ", path_, ": device ", device, ": cannot release ", bytes, " bytes of ",
        UsageKindName(kind), " memory, this process holds ", held));
  }
  Store(*own, held - bytes);
  const uint64_t by_kind = Load(header_->used_by_kind[device][k]);
  const uint64_t used = Load(header_->used[device]);
  if (by_kind < bytes || used < bytes) {
    RebuildTotalsLocked();  // totals below a slot: the file was tampered with
  } else {
    Store(header_->used_by_kind[device][k], by_kind - bytes);
    Store(header_->used[device], used - bytes);
  }
  Unlock();
  return absl::OkStatus();
}

absl::Status Ledger::Move(int device, UsageKind from, UsageKind to, uint64_t bytes) {
  SPILLWAY_RETURN_IF_ERROR(CheckRequest(device, from, bytes, "move"));
  SPILLWAY_RETURN_IF_ERROR(CheckRequest(device, to, bytes, "move"));
  if (from == to) return absl::OkStatus();
  const int f = KindIndex(from);
  const int t = KindIndex(to);
  std::string refusal;
  for (int attempt = 0;; ++attempt) {
    SPILLWAY_RETURN_IF_ERROR(Lock());
    Slot* slot = SlotAt(slot_);
    const uint64_t held = Load(*SlotUsage(slot, device, f));
    if (held < bytes) {
      Unlock();
      return absl::InvalidArgumentError(absl::StrCat(
          "ledger ", path_, ": device ", device, ": cannot move ", bytes, " bytes of ",
          UsageKindName(from), " memory, this process holds ", held));
    }
    const uint64_t from_total = Load(header_->used_by_kind[device][f]);
    const uint64_t to_total = Load(header_->used_by_kind[device][t]);
    const uint64_t budget = Load(header_->device_budgets[device]);
    if (to == UsageKind::kDevice && budget != 0 && (to_total > budget || budget - to_total < bytes)) {
      Unlock();
      refusal = absl::StrCat("ledger ", path_, ": device ", device, ": moving ", bytes,
                             " bytes to device memory would exceed the device-resident budget: "
                             "budget ",
                             budget, " bytes, device-resident in use ", to_total, " bytes");
      if (attempt > 0) break;
      SPILLWAY_RETURN_IF_ERROR(ReclaimDead(/*use_cache=*/true).status());
      continue;
    }
    Store(*SlotUsage(slot, device, f), held - bytes);
    uint64_t* own_to = SlotUsage(slot, device, t);
    Store(*own_to, Load(*own_to) + bytes);
    if (from_total < bytes) {
      RebuildTotalsLocked();
    } else {
      Store(header_->used_by_kind[device][f], from_total - bytes);
      Store(header_->used_by_kind[device][t], to_total + bytes);
    }
    Unlock();
    return absl::OkStatus();
  }
  return absl::ResourceExhaustedError(refusal);
}

uint64_t Ledger::Limit(int device) const {
  if (device < 0 || device >= device_count_) return 0;
  return Load(header_->limits[device]);
}

uint64_t Ledger::DeviceBudget(int device) const {
  if (device < 0 || device >= device_count_) return 0;
  return Load(header_->device_budgets[device]);
}

uint64_t Ledger::Used(int device) const {
  if (device < 0 || device >= device_count_) return 0;
  return Load(header_->used[device]);
}

uint64_t Ledger::Used(int device, UsageKind kind) const {
  if (device < 0 || device >= device_count_ || !ValidKind(kind)) return 0;
  return Load(header_->used_by_kind[device][KindIndex(kind)]);
}

KindUsage Ledger::OwnUsage(int device) const {
  KindUsage usage;
  if (device < 0 || device >= device_count_) return usage;
  Slot* slot = SlotAt(slot_);
  for (int k = 0; k < kKinds; ++k) usage.bytes[k] = Load(*SlotUsage(slot, device, k));
  return usage;
}

int Ledger::priority() const { return Load(SlotAt(slot_)->priority); }

absl::Status Ledger::SetPriority(int priority) {
  SPILLWAY_RETURN_IF_ERROR(CheckUsable());
  Store(SlotAt(slot_)->priority, static_cast<int32_t>(priority));
  return absl::OkStatus();
}

absl::Status Ledger::SetResidentPlan(int device, uint64_t bytes) {
  SPILLWAY_RETURN_IF_ERROR(CheckUsable());
  SPILLWAY_RETURN_IF_ERROR(CheckDevice(device));
  if (bytes > kMaxBytes) {
    return absl::InvalidArgumentError(absl::StrCat("ledger ", path_, ": a resident plan of ",
                                                   bytes, " bytes (more than ", kMaxBytes,
                                                   ", no device is that large)"));
  }
  // Only this process writes its slot's plan, and readers want no more than
  // one consistent word: no lock, so a stopped lock holder cannot stall a plan.
  Store(*SlotResidentPlan(SlotAt(slot_), device), bytes);
  return absl::OkStatus();
}

uint64_t Ledger::OwnResidentPlan(int device) const {
  if (device < 0 || device >= device_count_) return 0;
  return Load(*SlotResidentPlan(SlotAt(slot_), device));
}

absl::StatusOr<uint64_t> Ledger::ResidentBudget(int device, uint64_t device_budget) const {
  SPILLWAY_RETURN_IF_ERROR(CheckUsable());
  SPILLWAY_RETURN_IF_ERROR(CheckDevice(device));
  const int32_t own_priority = Load(SlotAt(slot_)->priority);
  auto saturating_add = [](uint64_t a, uint64_t b) {
    uint64_t sum = 0;
    return __builtin_add_overflow(a, b, &sum) ? ~uint64_t{0} : sum;
  };
  uint64_t higher = 0;      // plans of live higher-priority slots
  uint64_t peer_plans = 0;  // plans of live same-priority slots
  uint64_t peers = 0;
  const int high_water = HighWater();
  for (int s = 0; s < high_water; ++s) {
    if (s == slot_) continue;
    Slot* slot = SlotAt(s);
    const int32_t pid = std::atomic_ref<int32_t>(slot->pid).load(std::memory_order_acquire);
    if (pid == 0) continue;
    const uint64_t plan = Load(*SlotResidentPlan(slot, device));
    const int32_t priority = Load(slot->priority);
    // Lower-priority plans never count, and a zero plan changes nothing: only
    // the rest need the (cached) liveness check.
    if (plan == 0 || priority > own_priority) continue;
    if (IsDead(s, ProcessIdentity{pid, Load(slot->start_time)}, /*use_cache=*/true)) continue;
    if (priority < own_priority) {
      higher = saturating_add(higher, plan);
    } else {
      peer_plans = saturating_add(peer_plans, plan);
      ++peers;
    }
  }
  const uint64_t available = device_budget > higher ? device_budget - higher : 0;
  const uint64_t fair = available / (1 + peers);
  const uint64_t leftover = available > peer_plans ? available - peer_plans : 0;
  return std::min(std::max(fair, leftover), device_budget);
}

absl::StatusOr<std::vector<ProcessRecord>> Ledger::Processes() const {
  SPILLWAY_RETURN_IF_ERROR(CheckUsable());
  std::vector<ProcessRecord> records;
  SPILLWAY_RETURN_IF_ERROR(Lock());
  const int high_water = HighWater();
  for (int s = 0; s < high_water; ++s) {
    Slot* slot = SlotAt(s);
    const int32_t pid = Load(slot->pid);
    if (pid == 0) continue;
    ProcessRecord record;
    record.identity = ProcessIdentity{pid, Load(slot->start_time)};
    record.priority = Load(slot->priority);
    record.is_self = s == slot_;
    record.usage.resize(static_cast<size_t>(device_count_));
    record.resident_plan.resize(static_cast<size_t>(device_count_));
    for (int d = 0; d < device_count_; ++d) {
      for (int k = 0; k < kKinds; ++k) record.usage[d].bytes[k] = Load(*SlotUsage(slot, d, k));
      record.resident_plan[d] = Load(*SlotResidentPlan(slot, d));
    }
    records.push_back(std::move(record));
  }
  Unlock();
  return records;
}

bool Ledger::IsDead(int slot, const ProcessIdentity& identity, bool use_cache) const {
  // One cheap syscall settles the common case of a pid that is gone.
  if (::kill(identity.pid, 0) != 0 && errno == ESRCH) return true;
  const absl::Time now = absl::Now();
  if (use_cache) {
    std::lock_guard<std::mutex> lock(liveness_mutex_);
    const VerifiedAlive& entry = verified_alive_[static_cast<size_t>(slot)];
    if (entry.identity == identity && now - entry.when < kLivenessCacheTtl) return false;
  }
  const Liveness liveness = CheckLiveness(identity);
  if (liveness == Liveness::kAlive) {
    std::lock_guard<std::mutex> lock(liveness_mutex_);
    verified_alive_[static_cast<size_t>(slot)] = VerifiedAlive{identity, now};
  }
  return liveness == Liveness::kDead;
}

absl::StatusOr<int> Ledger::ReclaimDead() { return ReclaimDead(/*use_cache=*/false); }

absl::StatusOr<int> Ledger::ReclaimDead(bool use_cache) {
  SPILLWAY_RETURN_IF_ERROR(CheckUsable());
  // Liveness checks read /proc, so they run outside the lock; a candidate is
  // only freed if its slot still holds the same identity under the lock.
  struct Candidate {
    int slot;
    ProcessIdentity identity;
  };
  std::vector<Candidate> dead;
  const int high_water = HighWater();
  for (int s = 0; s < high_water; ++s) {
    if (s == slot_) continue;
    Slot* slot = SlotAt(s);
    const int32_t pid = std::atomic_ref<int32_t>(slot->pid).load(std::memory_order_acquire);
    if (pid == 0) continue;
    const ProcessIdentity identity{pid, Load(slot->start_time)};
    if (identity == self_) continue;  // another Ledger of this process
    if (IsDead(s, identity, use_cache)) dead.push_back({s, identity});
  }
  if (dead.empty()) return 0;
  int reclaimed = 0;
  SPILLWAY_RETURN_IF_ERROR(Lock());
  for (const Candidate& candidate : dead) {
    Slot* slot = SlotAt(candidate.slot);
    if (Load(slot->pid) != candidate.identity.pid ||
        Load(slot->start_time) != candidate.identity.start_time) {
      continue;  // reclaimed or reused meanwhile
    }
    FreeSlotLocked(candidate.slot);
    ++reclaimed;
  }
  std::atomic_ref<uint64_t>(header_->reclaimed_slots)
      .fetch_add(static_cast<uint64_t>(reclaimed), std::memory_order_relaxed);
  Unlock();
  return reclaimed;
}

absl::Status Ledger::CheckConsistency() const {
  SPILLWAY_RETURN_IF_ERROR(CheckUsable());
  std::string problem;
  SPILLWAY_RETURN_IF_ERROR(Lock());
  for (int d = 0; d < device_count_ && problem.empty(); ++d) {
    uint64_t all = 0;
    for (int k = 0; k < kKinds && problem.empty(); ++k) {
      uint64_t sum = 0;
      for (int s = 0; s < max_processes_; ++s) sum += Load(*SlotUsage(SlotAt(s), d, k));
      const uint64_t total = Load(header_->used_by_kind[d][k]);
      if (sum != total) {
        problem = absl::StrCat("device ", d, " ", UsageKindName(static_cast<UsageKind>(k)),
                               ": total ", total, " bytes, slots sum to ", sum);
      }
      all += sum;
    }
    if (!problem.empty()) break;
    const uint64_t used = Load(header_->used[d]);
    const uint64_t limit = Load(header_->limits[d]);
    const uint64_t budget = Load(header_->device_budgets[d]);
    const uint64_t device_resident = Load(header_->used_by_kind[d][0]);
    if (used != all) {
      problem = absl::StrCat("device ", d, ": total ", used, " bytes, kinds sum to ", all);
    } else if (limit != 0 && used > limit) {
      problem = absl::StrCat("device ", d, ": ", used, " bytes in use exceed the limit ", limit);
    } else if (budget != 0 && device_resident > budget) {
      problem = absl::StrCat("device ", d, ": ", device_resident,
                             " device-resident bytes exceed the budget ", budget);
    }
  }
  for (int s = HighWater(); s < max_processes_ && problem.empty(); ++s) {
    if (Load(SlotAt(s)->pid) != 0) {
      problem = absl::StrCat("slot ", s, " is occupied above the high-water mark");
    }
  }
  Unlock();
  if (!problem.empty()) {
    return absl::InternalError(absl::StrCat("ledger ", path_, " is inconsistent: ", problem));
  }
  return absl::OkStatus();
}

LedgerStats Ledger::Stats() const {
  LedgerStats stats;
  stats.owner_died_recoveries = Load(header_->owner_died_recoveries);
  stats.reclaimed_slots = Load(header_->reclaimed_slots);
  return stats;
}

void Ledger::SetCriticalSectionHookForTesting(void (*hook)()) {
  critical_section_hook_.store(hook, std::memory_order_relaxed);
}

absl::Status Ledger::InjectRecordForTesting(const ProcessIdentity& identity, int device,
                                            UsageKind kind, uint64_t bytes) {
  SPILLWAY_RETURN_IF_ERROR(CheckRequest(device, kind, bytes, "inject"));
  SPILLWAY_ASSIGN_OR_RETURN(const int index, ClaimSlot(identity, 0));
  SPILLWAY_RETURN_IF_ERROR(Lock());
  const int k = KindIndex(kind);
  Store(*SlotUsage(SlotAt(index), device, k), bytes);
  Store(header_->used_by_kind[device][k], Load(header_->used_by_kind[device][k]) + bytes);
  Store(header_->used[device], Load(header_->used[device]) + bytes);
  Unlock();
  return absl::OkStatus();
}

}  // namespace spillway::runtime
