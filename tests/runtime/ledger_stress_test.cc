// Several processes with several threads reserve, move and release at random
// against one ledger while a monitor process reads the shared totals without
// the lock and checks, continuously, that no limit or budget is ever
// exceeded; under the lock it also checks that the totals equal the sum of
// the slots. At the end every byte is accounted for: usage is exactly zero.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

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

constexpr int kWorkers = 4;
constexpr int kThreadsPerWorker = 3;
constexpr uint64_t kRunNanos = 1'500'000'000;
const std::vector<uint64_t> kLimits = {1 << 20, 512 << 10};
const std::vector<uint64_t> kBudgets = {256 << 10, 0};

struct WorkerReport {
  uint64_t operations = 0;
  uint64_t refusals = 0;
  uint64_t errors = 0;
};

struct MonitorReport {
  uint64_t samples = 0;
  uint64_t consistency_checks = 0;
  uint64_t violations = 0;
  uint64_t max_used[2] = {0, 0};
};

LedgerOptions Options(const std::string& path) {
  LedgerOptions options;
  options.path = path;
  options.device_count = 2;
  options.limits = kLimits;
  options.device_budgets = kBudgets;
  options.max_processes = 32;
  return options;
}

struct Held {
  int device;
  UsageKind kind;
  uint64_t bytes;
};

void RunThread(Ledger& ledger, uint64_t seed, uint64_t deadline, WorkerReport& report) {
  std::mt19937_64 random(seed);
  std::vector<Held> held;
  auto count_error = [&report](const absl::Status& status) {
    if (!status.ok()) {
      ++report.errors;
      std::fprintf(stderr, "worker error: %s\n", status.ToString().c_str());
    }
  };
  while (MonotonicNanos() < deadline) {
    ++report.operations;
    const uint64_t dice = random() % 10;
    if (!held.empty() && dice < 4) {
      const size_t index = random() % held.size();
      count_error(ledger.Release(held[index].device, held[index].kind, held[index].bytes));
      held[index] = held.back();
      held.pop_back();
    } else if (!held.empty() && dice == 4) {
      Held& item = held[random() % held.size()];
      const UsageKind to = static_cast<UsageKind>(random() % kUsageKindCount);
      absl::Status status = ledger.Move(item.device, item.kind, to, item.bytes);
      if (status.ok()) {
        item.kind = to;
      } else if (status.code() == absl::StatusCode::kResourceExhausted) {
        ++report.refusals;
      } else {
        count_error(status);
      }
    } else {
      const int device = static_cast<int>(random() % 2);
      const UsageKind kind = static_cast<UsageKind>(random() % kUsageKindCount);
      const uint64_t bytes = 1 + random() % (kLimits[device] / 6);
      absl::Status status = ledger.Reserve(device, kind, bytes);
      if (status.ok()) {
        held.push_back({device, kind, bytes});
      } else if (status.code() == absl::StatusCode::kResourceExhausted) {
        ++report.refusals;
      } else {
        count_error(status);
      }
    }
  }
  for (const Held& item : held) count_error(ledger.Release(item.device, item.kind, item.bytes));
}

int RunWorker(const std::string& path, int index, int report_fd) {
  auto ledger = Ledger::Open(Options(path));
  if (!ledger.ok()) {
    std::fprintf(stderr, "worker open: %s\n", ledger.status().ToString().c_str());
    return 1;
  }
  const uint64_t deadline = MonotonicNanos() + kRunNanos;
  std::vector<WorkerReport> reports(kThreadsPerWorker);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreadsPerWorker; ++t) {
    threads.emplace_back(RunThread, std::ref(**ledger), uint64_t(index * 100 + t), deadline,
                         std::ref(reports[t]));
  }
  for (std::thread& thread : threads) thread.join();
  WorkerReport total;
  for (const WorkerReport& r : reports) {
    total.operations += r.operations;
    total.refusals += r.refusals;
    total.errors += r.errors;
  }
  // Everything this process reserved was released.
  for (int d = 0; d < 2; ++d) {
    if ((*ledger)->OwnUsage(d).total() != 0) ++total.errors;
  }
  WriteAll(report_fd, &total, sizeof(total));
  return total.errors == 0 ? 0 : 2;
}

int RunMonitor(const std::string& path, int stop_fd, int report_fd) {
  auto ledger = Ledger::Open(Options(path));
  if (!ledger.ok()) return 1;
  Ledger& l = **ledger;
  MonitorReport report;
  ::fcntl(stop_fd, F_SETFL, O_NONBLOCK);
  while (true) {
    for (int d = 0; d < 2; ++d) {
      const uint64_t used = l.Used(d);
      const uint64_t device_resident = l.Used(d, UsageKind::kDevice);
      if (used > report.max_used[d]) report.max_used[d] = used;
      if (used > kLimits[d] || (kBudgets[d] != 0 && device_resident > kBudgets[d])) {
        ++report.violations;
        std::fprintf(stderr, "device %d: used %llu (limit %llu), device-resident %llu\n", d,
                     static_cast<unsigned long long>(used),
                     static_cast<unsigned long long>(kLimits[d]),
                     static_cast<unsigned long long>(device_resident));
      }
    }
    if (++report.samples % 256 == 0) {
      ++report.consistency_checks;
      absl::Status status = l.CheckConsistency();
      if (!status.ok()) {
        ++report.violations;
        std::fprintf(stderr, "%s\n", status.ToString().c_str());
      }
    }
    char byte;
    if (::read(stop_fd, &byte, 1) == 0) break;  // EOF: the workers are done
    ::sched_yield();  // sample continuously, but leave the 2 cores to the workers
  }
  WriteAll(report_fd, &report, sizeof(report));
  return report.violations == 0 ? 0 : 3;
}

TEST(LedgerStressTest, LimitsHoldUnderConcurrencyAndEveryByteComesBack) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  Children children;
  const std::string path = dir.File("ledger");
  auto parent = Ledger::Open(Options(path));
  ASSERT_TRUE(parent.ok()) << parent.status();

  Pipe stop;
  Pipe monitor_report;
  Pipe worker_reports;
  const pid_t monitor = children.Fork([&] {
    stop.CloseWrite();
    return RunMonitor(path, stop.read_fd, monitor_report.write_fd);
  });
  ASSERT_GT(monitor, 0);
  stop.CloseRead();
  std::vector<pid_t> workers;
  for (int i = 0; i < kWorkers; ++i) {
    workers.push_back(children.Fork([&] {
      stop.CloseWrite();
      return RunWorker(path, i, worker_reports.write_fd);
    }));
    ASSERT_GT(workers.back(), 0);
  }
  for (pid_t worker : workers) EXPECT_EQ(children.Wait(worker), 0);
  stop.CloseWrite();
  EXPECT_EQ(children.Wait(monitor), 0);

  WorkerReport total;
  for (int i = 0; i < kWorkers; ++i) {
    WorkerReport report;
    ASSERT_TRUE(ReadAll(worker_reports.read_fd, &report, sizeof(report)));
    total.operations += report.operations;
    total.refusals += report.refusals;
    total.errors += report.errors;
  }
  MonitorReport monitor_figures;
  ASSERT_TRUE(ReadAll(monitor_report.read_fd, &monitor_figures, sizeof(monitor_figures)));
  std::printf(
      "%llu operations (%llu refused by a limit or budget); monitor: %llu samples, %llu locked "
      "consistency checks, peak use %llu / %llu bytes of limits %llu / %llu\n",
      static_cast<unsigned long long>(total.operations),
      static_cast<unsigned long long>(total.refusals),
      static_cast<unsigned long long>(monitor_figures.samples),
      static_cast<unsigned long long>(monitor_figures.consistency_checks),
      static_cast<unsigned long long>(monitor_figures.max_used[0]),
      static_cast<unsigned long long>(monitor_figures.max_used[1]),
      static_cast<unsigned long long>(kLimits[0]), static_cast<unsigned long long>(kLimits[1]));
  EXPECT_EQ(total.errors, 0u);
  EXPECT_EQ(monitor_figures.violations, 0u);
  // The run pushed against the limits (otherwise it proved nothing).
  EXPECT_GT(total.refusals, 0u);
  EXPECT_GT(monitor_figures.max_used[0], kLimits[0] / 2);

  for (int d = 0; d < 2; ++d) {
    EXPECT_EQ((*parent)->Used(d), 0u) << d;
    for (int k = 0; k < kUsageKindCount; ++k) {
      EXPECT_EQ((*parent)->Used(d, static_cast<UsageKind>(k)), 0u) << d << "/" << k;
    }
  }
  EXPECT_TRUE((*parent)->CheckConsistency().ok());
  EXPECT_EQ((*parent)->Processes()->size(), 1u);
  EXPECT_EQ((*parent)->Stats().owner_died_recoveries, 0u);
}

}  // namespace
}  // namespace spillway::runtime
