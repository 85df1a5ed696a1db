// The multi-process quota ledger: one shared-memory file per container (its
// path comes from CUDA_DEVICE_MEMORY_SHARED_CACHE; the caller resolves the
// environment) that every process pointing at the same path shares. It holds,
// per device, the limit (the virtual device size), an optional budget for
// device-resident bytes, and each process's usage split by kind.
//
// Guarantees (DESIGN.md invariants 2-4):
// - A limit is never exceeded by any interleaving of threads and processes:
//   every check-and-add runs under one process-shared robust mutex.
// - A process killed at any instruction leaves no deadlock (the robust mutex
//   passes EOWNERDEAD to the next locker, which rebuilds the totals from the
//   per-process slots) and no leaked quota (survivors reclaim the slot of a
//   dead process lazily: when a reservation would fail, when no slot is free,
//   or on ReclaimDead()). A process is identified by pid AND start time, so a
//   reused pid is not mistaken for the dead process.
// - A corrupt, truncated or foreign file is reported with its path and what
//   is wrong; it is moved aside to "<path>.corrupt" and recreated only when
//   no live process has it open.
//
// How it works (see ledger.cc for the file layout): the file is mmap'ed
// MAP_SHARED. Opening is serialized by flock on the sidecar "<path>.lock"
// (flocks vanish with their process, so a crash while opening cannot
// deadlock). Every attached process holds flock(LOCK_SH) on the ledger file for
// its lifetime, so "no live user" is exactly "flock(LOCK_EX|LOCK_NB) succeeds".
// When no process is attached, the opener (re)initializes the file with ITS
// configuration (stale slots of dead processes are dropped). When processes
// are attached, the ledger keeps its configuration; a differing configuration
// of the opener is reported by config_mismatch() and notes(), and Limit() /
// DeviceBudget() return what is in force.
//
// Which kinds count: all kinds count against the limit (the limit is the
// virtual device size); the device budget (0 = none) caps the kDevice kind
// across all processes, so placement can fall back to managed memory.
//
// Resident plans: each process also records, per device, how many bytes of
// managed memory its tiering engine plans to keep device-resident, and asks
// ResidentBudget() for its share of the device budget before re-planning.
// Higher priority (a smaller value) goes first; equal priorities split what is
// left. A dead process's plan stops counting at once (the same liveness check
// as the lazy reclaim); its slot is reclaimed as usual.
//
// Trust: a cooperative mechanism inside one trust domain (one container); a
// process that can write the file can lie about usage. See docs/security.md.
// All processes sharing a ledger must share one PID namespace (checked).
//
// Thread-safety: every method is thread-safe. A Ledger belongs to the process
// that opened it: in a child created by fork() it refuses every call with
// FAILED_PRECONDITION (open a new one in the child) and its destructor only
// unmaps. Ownership: Open returns the only owner; destroying it releases all
// usage of this process (its slot) and detaches. Errors: INVALID_ARGUMENT for
// bad options, device index, zero or huge sizes, releasing more than held,
// and for a file that is not a usable ledger; PERMISSION_DENIED / NOT_FOUND
// when the path cannot be opened or created; RESOURCE_EXHAUSTED when a limit
// or budget would be exceeded or no process slot is free; DEADLINE_EXCEEDED
// when the shared lock is not obtained within lock_timeout (a live holder is
// stopped); INTERNAL when the shared lock itself is unusable.
#ifndef SPILLWAY_RUNTIME_LEDGER_H_
#define SPILLWAY_RUNTIME_LEDGER_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "spillway/runtime/process_identity.h"

namespace spillway::runtime {

class LedgerFile;
namespace ledger_layout {
struct Header;
struct SlotHead;
}  // namespace ledger_layout

// What a reservation is for; each is accounted separately.
enum class UsageKind : int {
  kDevice = 0,     // device-resident memory
  kManaged = 1,    // managed/unified memory
  kHostSpill = 2,  // pinned host memory standing in for device memory
};
inline constexpr int kUsageKindCount = 3;
const char* UsageKindName(UsageKind kind);

struct LedgerOptions {
  std::string path;       // the shared file; "<path>.lock" is created beside it
  int device_count = 1;   // 1..Ledger::kMaxDevices
  // Per device, bytes of all kinds together; 0 = no limit. Empty = no limits.
  std::vector<uint64_t> limits;
  // Per device, cap on kDevice bytes across processes; 0 = none. Empty = none.
  std::vector<uint64_t> device_budgets;
  int priority = 0;            // recorded in this process's slot
  bool group_access = false;   // create files 0660 instead of 0600
  int max_processes = 1024;    // slots; 1..Ledger::kMaxProcesses
  // Bound on waiting for the shared lock or the open lock; only a live but
  // stopped holder can make anyone wait this long.
  absl::Duration lock_timeout = absl::Seconds(10);
};

// Bytes per kind, indexed by UsageKind.
struct KindUsage {
  std::array<uint64_t, kUsageKindCount> bytes{};
  uint64_t operator[](UsageKind kind) const { return bytes[static_cast<int>(kind)]; }
  uint64_t total() const { return bytes[0] + bytes[1] + bytes[2]; }
};

// One attached process as recorded in the file.
struct ProcessRecord {
  ProcessIdentity identity;
  int priority = 0;
  std::vector<KindUsage> usage;  // per device
  std::vector<uint64_t> resident_plan;  // per device (Ledger::SetResidentPlan)
  bool is_self = false;          // the slot of this Ledger object
};

struct LedgerStats {
  uint64_t owner_died_recoveries = 0;  // EOWNERDEAD repairs of the shared lock
  uint64_t reclaimed_slots = 0;        // slots of dead processes reclaimed
};

class Ledger {
 public:
  static constexpr int kMaxDevices = 16;
  static constexpr int kMaxProcesses = 65536;
  // Largest single reservation; anything bigger is a caller bug, not a size.
  static constexpr uint64_t kMaxBytes = uint64_t{1} << 62;

  // Opens (creating or recreating as described above) and attaches: takes a
  // process slot. Cost: a few syscalls; no scan of /proc.
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(const LedgerOptions& options);
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Adds `bytes` of `kind` on `device` to this process's usage if neither the
  // device's limit nor (for kDevice) its budget would be exceeded. Before
  // failing it reclaims dead processes' usage and retries once.
  absl::Status Reserve(int device, UsageKind kind, uint64_t bytes);
  // Subtracts; INVALID_ARGUMENT when this process holds fewer bytes of kind.
  absl::Status Release(int device, UsageKind kind, uint64_t bytes);
  // Moves accounted bytes between kinds (e.g. pages that became resident);
  // the limit is unaffected, the budget is checked when `to` is kDevice.
  absl::Status Move(int device, UsageKind from, UsageKind to, uint64_t bytes);

  // Lock-free reads of the shared totals. Out-of-range devices read 0.
  int device_count() const { return device_count_; }
  uint64_t Limit(int device) const;         // 0 = no limit
  uint64_t DeviceBudget(int device) const;  // 0 = none
  uint64_t Used(int device) const;          // all kinds, all processes
  uint64_t Used(int device, UsageKind kind) const;
  KindUsage OwnUsage(int device) const;     // this Ledger's slot

  // This process's priority as recorded in its slot; 0 is the highest.
  // ResidentBudget() acts on it; limits and budgets ignore it.
  int priority() const;
  absl::Status SetPriority(int priority);

  // Records the bytes of managed memory this process plans to keep resident
  // on `device` (0 clears it). Lock-free: one aligned store into this
  // process's slot, so a process killed mid-update leaves the old or the new
  // value, never a torn one. Destroying the Ledger clears it with the slot.
  // INVALID_ARGUMENT for a bad device or more than kMaxBytes.
  absl::Status SetResidentPlan(int device, uint64_t bytes);
  // This process's share of `device_budget` device-resident bytes on
  // `device`, from the plans of the other live slots:
  //   available = device_budget - plans of higher-priority (smaller value) slots
  //   peers     = same-priority slots with a nonzero plan
  //   share     = max(available / (1 + peers), available - plans of peers)
  // clamped to [0, device_budget]. A lone process gets everything; equal
  // priorities converge to equal shares as each re-plans; lower-priority
  // plans are ignored (those processes shrink at their next re-plan). Slots
  // of dead processes do not count. Lock-free (reads /proc for liveness, at
  // most once a kLivenessCacheTtl per slot): a concurrent re-plan elsewhere
  // may be seen before or after. INVALID_ARGUMENT for a bad device.
  absl::StatusOr<uint64_t> ResidentBudget(int device, uint64_t device_budget) const;
  // The plan this process recorded for `device` (0 for a bad device).
  uint64_t OwnResidentPlan(int device) const;

  // A consistent copy of every occupied slot (takes the lock).
  absl::StatusOr<std::vector<ProcessRecord>> Processes() const;
  // Reclaims the slots of dead processes (pid gone, zombie, or pid reused:
  // start time differs); returns how many. Checks every live pid's start time
  // in /proc, unlike the automatic reclaim of a refused Reserve, which may
  // trust a verdict less than kLivenessCacheTtl old.
  absl::StatusOr<int> ReclaimDead();
  // Rebuilds the totals from the slots under the lock and compares; INTERNAL
  // naming the first difference. For tests and diagnostics.
  absl::Status CheckConsistency() const;
  LedgerStats Stats() const;

  const std::string& path() const { return path_; }
  // True when this Open created or (re)initialized the file.
  bool initialized_file() const { return initialized_file_; }
  // Empty when the file's configuration equals the options; otherwise what
  // differs (the file's values are in force).
  const std::string& config_mismatch() const { return config_mismatch_; }
  // Human-readable events of Open worth logging (recreation, mismatch, a file
  // readable by others).
  const std::vector<std::string>& notes() const { return notes_; }

  // Test hooks. The hook runs inside Reserve's critical section, after this
  // slot was updated and before the totals are (the worst moment to die).
  void SetCriticalSectionHookForTesting(void (*hook)());
  // Claims a slot for an arbitrary identity holding `bytes` of `kind`, as if
  // that process had reserved them (used to fake a reused pid).
  absl::Status InjectRecordForTesting(const ProcessIdentity& identity, int device,
                                      UsageKind kind, uint64_t bytes);

 private:
  using Slot = ledger_layout::SlotHead;
  Ledger() = default;

  absl::Status CheckUsable() const;
  absl::Status CheckDevice(int device) const;
  absl::Status CheckRequest(int device, UsageKind kind, uint64_t bytes,
                            absl::string_view operation) const;
  // The robust process-shared mutex; repairs the totals on EOWNERDEAD.
  absl::Status Lock() const;
  void Unlock() const;
  void RebuildTotalsLocked() const;
  Slot* SlotAt(int index) const;
  int HighWater() const;
  absl::StatusOr<int> ClaimSlot(const ProcessIdentity& identity, int priority);
  void FreeSlotLocked(int index) const;
  // The reclaim path of a refused reservation or a full ledger may trust a
  // recent "alive" verdict for a slot (see kLivenessCacheTtl); explicit
  // ReclaimDead() re-reads /proc for every live pid.
  absl::StatusOr<int> ReclaimDead(bool use_cache);
  bool IsDead(int slot, const ProcessIdentity& identity, bool use_cache) const;

  // Reading /proc/<pid>/stat costs ~10 us; a refusal with 256 attached
  // processes would cost milliseconds. A pid that still exists and had the
  // recorded start time less than this long ago is taken as alive. Only
  // a pid reused within the window could be missed, and only until the
  // window ends: the cache can delay a reclamation, never cause a wrong one.
  static constexpr absl::Duration kLivenessCacheTtl = absl::Seconds(1);
  struct VerifiedAlive {
    ProcessIdentity identity;
    absl::Time when = absl::InfinitePast();
  };

  std::unique_ptr<LedgerFile> file_;
  std::string path_;
  int device_count_ = 0;
  int max_processes_ = 0;
  ledger_layout::Header* header_ = nullptr;  // the mapping, owned by file_
  uint32_t slot_size_ = 0;
  int slot_ = -1;
  ProcessIdentity self_;
  uint64_t fork_generation_ = 0;
  absl::Duration lock_timeout_;
  bool initialized_file_ = false;
  std::string config_mismatch_;
  std::vector<std::string> notes_;
  std::atomic<void (*)()> critical_section_hook_{nullptr};
  // std::mutex rather than absl::Mutex: Debian's Abseil is not built for
  // ThreadSanitizer, which then cannot see absl::Mutex's ordering.
  mutable std::mutex liveness_mutex_;
  mutable std::vector<VerifiedAlive> verified_alive_;  // guarded by liveness_mutex_
};

}  // namespace spillway::runtime

#endif  // SPILLWAY_RUNTIME_LEDGER_H_
