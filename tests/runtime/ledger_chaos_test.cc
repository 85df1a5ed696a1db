// SIGKILL at random moments: victims reserve and release in a loop (or sit
// inside the critical section, holding the shared lock) and are killed and
// replaced, while survivor processes keep working and time every call. No
// survivor may block for a second (a liveness bound, not a performance
// target), dead usage must be reclaimed, and the final accounting is exact.
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "ledger_test_support.h"
#include "spillway/runtime/ledger.h"

namespace spillway::runtime {
namespace {

using ::spillway::runtime::testing::Children;
using ::spillway::runtime::testing::MonotonicNanos;
using ::spillway::runtime::testing::Pipe;
using ::spillway::runtime::testing::ReadAll;
using ::spillway::runtime::testing::TempDir;
using ::spillway::runtime::testing::WriteAll;

constexpr int kDevices = 3;  // device 2 has no limit: lock holders never get refused
// Small enough that live and dead holders run into them.
const std::vector<uint64_t> kLimits = {1 << 20, 512 << 10, 0};
const std::vector<uint64_t> kBudgets = {256 << 10, 0, 0};
constexpr uint64_t kMaxRequest = 64 << 10;
constexpr size_t kMaxHeld = 8;

LedgerOptions Options(const std::string& path) {
  LedgerOptions options;
  options.path = path;
  options.device_count = kDevices;
  options.limits = kLimits;
  options.device_budgets = kBudgets;
  // Few slots, so that dead processes' slots must be reclaimed for newcomers.
  options.max_processes = 16;
  return options;
}

struct Held {
  int device;
  UsageKind kind;
  uint64_t bytes;
};

// One random step; false on an unexpected error.
bool Step(Ledger& ledger, std::mt19937_64& random, std::vector<Held>& held, uint64_t& refusals) {
  if (!held.empty() && (held.size() >= kMaxHeld || random() % 2 == 0)) {
    const size_t index = random() % held.size();
    const absl::Status status =
        ledger.Release(held[index].device, held[index].kind, held[index].bytes);
    if (!status.ok()) {
      std::fprintf(stderr, "release: %s\n", status.ToString().c_str());
      return false;
    }
    held[index] = held.back();
    held.pop_back();
    return true;
  }
  const Held item{static_cast<int>(random() % kDevices),
                  static_cast<UsageKind>(random() % kUsageKindCount),
                  1 + random() % kMaxRequest};
  const absl::Status status = ledger.Reserve(item.device, item.kind, item.bytes);
  if (status.ok()) {
    held.push_back(item);
  } else if (status.code() == absl::StatusCode::kResourceExhausted) {
    ++refusals;
  } else {
    std::fprintf(stderr, "reserve: %s\n", status.ToString().c_str());
    return false;
  }
  return true;
}

int g_holding_fd = -1;

// Runs inside Reserve's critical section: tell the parent, then wait to die.
void HoldTheLockUntilKilled() {
  const char byte = 1;
  WriteAll(g_holding_fd, &byte, 1);
  while (true) ::pause();
}

// Loops until killed. With holding_fd >= 0 it ends up holding the lock.
int RunVictim(const std::string& path, uint64_t seed, int holding_fd) {
  auto ledger = Ledger::Open(Options(path));
  if (!ledger.ok()) {
    std::fprintf(stderr, "victim open: %s\n", ledger.status().ToString().c_str());
    return 1;
  }
  std::mt19937_64 random(seed);
  std::vector<Held> held;
  uint64_t refusals = 0;
  for (uint64_t step = 0;; ++step) {
    if (holding_fd >= 0 && step == 16) {
      g_holding_fd = holding_fd;
      (*ledger)->SetCriticalSectionHookForTesting(&HoldTheLockUntilKilled);
      (*ledger)->Reserve(2, UsageKind::kManaged, 1 + random() % kMaxRequest).IgnoreError();
      return 3;  // unreachable: the hook never returns
    }
    if (!Step(**ledger, random, held, refusals)) return 2;
    // Bursts and pauses: kills land in both, and a dozen busy processes do
    // not starve each other on a small machine.
    if (random() % 16 == 0) ::usleep(static_cast<useconds_t>(random() % 500));
  }
}

struct SurvivorReport {
  uint64_t operations = 0;
  uint64_t refusals = 0;
  uint64_t errors = 0;
  uint64_t max_latency_ns = 0;
};

int RunSurvivor(const std::string& path, uint64_t seed, int stop_fd, int report_fd) {
  auto ledger = Ledger::Open(Options(path));
  if (!ledger.ok()) return 1;
  std::atomic<bool> stop{false};
  constexpr int kThreads = 2;
  std::vector<SurvivorReport> reports(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 random(seed * 10 + static_cast<uint64_t>(t));
      std::vector<Held> held;
      SurvivorReport& report = reports[static_cast<size_t>(t)];
      while (!stop.load(std::memory_order_relaxed)) {
        const uint64_t begin = MonotonicNanos();
        const bool ok = Step(**ledger, random, held, report.refusals);
        report.max_latency_ns = std::max(report.max_latency_ns, MonotonicNanos() - begin);
        ++report.operations;
        if (!ok) ++report.errors;
        if (random() % 16 == 0) ::usleep(static_cast<useconds_t>(random() % 200));
      }
      for (const Held& item : held) {
        if (!(*ledger)->Release(item.device, item.kind, item.bytes).ok()) ++report.errors;
      }
    });
  }
  char byte;
  ReadAll(stop_fd, &byte, 1);  // EOF when the parent is done killing
  stop.store(true);
  for (std::thread& thread : threads) thread.join();
  SurvivorReport total;
  for (const SurvivorReport& r : reports) {
    total.operations += r.operations;
    total.refusals += r.refusals;
    total.errors += r.errors;
    total.max_latency_ns = std::max(total.max_latency_ns, r.max_latency_ns);
  }
  for (int d = 0; d < kDevices; ++d) total.errors += (*ledger)->OwnUsage(d).total() != 0;
  WriteAll(report_fd, &total, sizeof(total));
  return total.errors == 0 ? 0 : 2;
}

bool WaitReadable(int fd, int timeout_ms) {
  pollfd entry{fd, POLLIN, 0};
  return ::poll(&entry, 1, timeout_ms) == 1;
}

void ExpectAllUsageGone(Ledger& ledger) {
  for (int d = 0; d < kDevices; ++d) {
    EXPECT_EQ(ledger.Used(d), 0u) << "device " << d;
    for (int k = 0; k < kUsageKindCount; ++k) {
      EXPECT_EQ(ledger.Used(d, static_cast<UsageKind>(k)), 0u) << "device " << d << " kind " << k;
    }
  }
  EXPECT_TRUE(ledger.CheckConsistency().ok()) << ledger.CheckConsistency();
}

TEST(LedgerChaosTest, AProcessKilledHoldingTheLockBlocksNobody) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  Children children;
  const std::string path = dir.File("ledger");
  auto parent = Ledger::Open(Options(path));
  ASSERT_TRUE(parent.ok()) << parent.status();
  Pipe holding;
  const pid_t victim = children.Fork([&] {
    holding.CloseRead();
    return RunVictim(path, 7, holding.write_fd);
  });
  holding.CloseWrite();
  ASSERT_TRUE(WaitReadable(holding.read_fd, 10'000)) << "the victim never took the lock";
  // The lock is held now: a bounded attempt from here would time out.
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  ASSERT_EQ(children.Wait(victim), 128 + SIGKILL);
  const uint64_t begin = MonotonicNanos();
  const absl::Status status = (*parent)->Reserve(0, UsageKind::kDevice, 4096);
  const uint64_t latency = MonotonicNanos() - begin;
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_LT(latency, 1'000'000'000u);
  EXPECT_EQ((*parent)->Stats().owner_died_recoveries, 1u);
  // The victim died after recording the bytes in its slot, before the
  // totals: the repair counted them, and reclaiming its slot returns them.
  EXPECT_TRUE((*parent)->CheckConsistency().ok());
  EXPECT_EQ((*parent)->ReclaimDead().value_or(-1), 1);
  EXPECT_EQ((*parent)->Used(2), 0u);
  EXPECT_EQ((*parent)->Used(0), 4096u);
  ASSERT_TRUE((*parent)->Release(0, UsageKind::kDevice, 4096).ok());
  ExpectAllUsageGone(**parent);
}

TEST(LedgerChaosTest, TwoHundredRandomKillsLeaveNoDeadlockAndNoLeak) {
  constexpr int kKills = 220;
  constexpr int kVictims = 6;
  constexpr int kSurvivors = 2;
  constexpr int kLockHolderEvery = 15;  // every 15th kill is of a lock holder
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  Children children;
  const std::string path = dir.File("ledger");
  auto parent = Ledger::Open(Options(path));
  ASSERT_TRUE(parent.ok()) << parent.status();

  Pipe stop;
  Pipe reports;
  std::vector<pid_t> survivors;
  for (int i = 0; i < kSurvivors; ++i) {
    survivors.push_back(children.Fork([&] {
      stop.CloseWrite();
      return RunSurvivor(path, 1000 + static_cast<uint64_t>(i), stop.read_fd, reports.write_fd);
    }));
    ASSERT_GT(survivors.back(), 0);
  }
  stop.CloseRead();

  uint64_t seed = 1;
  auto spawn = [&](int holding_fd) {
    const uint64_t victim_seed = seed++;
    return children.Fork([&, victim_seed, holding_fd] {
      stop.CloseWrite();
      return RunVictim(path, victim_seed, holding_fd);
    });
  };
  std::mt19937_64 random(20240601);
  std::vector<pid_t> victims;
  for (int i = 0; i < kVictims; ++i) victims.push_back(spawn(-1));
  int kills = 0;
  int lock_holder_kills = 0;
  int unexpected_exits = 0;
  while (kills < kKills) {
    ::usleep(static_cast<useconds_t>(random() % 3000));
    const size_t index = random() % victims.size();
    ::kill(victims[index], SIGKILL);
    unexpected_exits += children.Wait(victims[index]) != 128 + SIGKILL;
    ++kills;
    victims[index] = spawn(-1);
    if (kills % kLockHolderEvery == 0) {
      Pipe holding;
      const pid_t holder = spawn(holding.write_fd);
      holding.CloseWrite();
      ASSERT_TRUE(WaitReadable(holding.read_fd, 10'000)) << "a victim never took the lock";
      ::usleep(static_cast<useconds_t>(random() % 2000));  // let others pile up on it
      ::kill(holder, SIGKILL);
      unexpected_exits += children.Wait(holder) != 128 + SIGKILL;
      ++kills;
      ++lock_holder_kills;
    }
  }
  for (pid_t victim : victims) {
    ::kill(victim, SIGKILL);
    unexpected_exits += children.Wait(victim) != 128 + SIGKILL;
  }
  stop.CloseWrite();
  SurvivorReport total;
  for (pid_t survivor : survivors) EXPECT_EQ(children.Wait(survivor), 0);
  for (int i = 0; i < kSurvivors; ++i) {
    SurvivorReport report;
    ASSERT_TRUE(ReadAll(reports.read_fd, &report, sizeof(report)));
    total.operations += report.operations;
    total.refusals += report.refusals;
    total.errors += report.errors;
    total.max_latency_ns = std::max(total.max_latency_ns, report.max_latency_ns);
  }

  absl::StatusOr<int> reclaimed_at_end = (*parent)->ReclaimDead();
  ASSERT_TRUE(reclaimed_at_end.ok()) << reclaimed_at_end.status();
  const LedgerStats stats = (*parent)->Stats();
  std::printf(
      "%d kills (%d inside the critical section); survivors: %llu operations, %llu refused, "
      "slowest %.3f ms; %llu lock repairs, %llu slots reclaimed (%d at the end)\n",
      kills, lock_holder_kills, static_cast<unsigned long long>(total.operations),
      static_cast<unsigned long long>(total.refusals),
      static_cast<double>(total.max_latency_ns) / 1e6,
      static_cast<unsigned long long>(stats.owner_died_recoveries),
      static_cast<unsigned long long>(stats.reclaimed_slots), *reclaimed_at_end);
  EXPECT_GE(kills, 200);
  EXPECT_EQ(unexpected_exits, 0);
  EXPECT_EQ(total.errors, 0u);
  EXPECT_GT(total.operations, 0u);
  EXPECT_LT(total.max_latency_ns, 1'000'000'000u);  // liveness: nobody waited a second
  EXPECT_GE(stats.owner_died_recoveries, static_cast<uint64_t>(lock_holder_kills));
  EXPECT_GT(stats.reclaimed_slots, 0u);
  ExpectAllUsageGone(**parent);
  auto processes = (*parent)->Processes();
  ASSERT_TRUE(processes.ok());
  EXPECT_EQ(processes->size(), 1u);
}

}  // namespace
}  // namespace spillway::runtime
