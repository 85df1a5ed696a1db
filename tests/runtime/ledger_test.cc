// Accounting, sharing between real processes, dead-process reclamation and
// pid reuse of the multi-process ledger.
#include "spillway/runtime/ledger.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger_test_support.h"
#include "spillway/runtime/process_identity.h"

namespace spillway::runtime {
namespace {

using ::spillway::runtime::testing::Children;
using ::spillway::runtime::testing::MonotonicNanos;
using ::spillway::runtime::testing::Pipe;
using ::spillway::runtime::testing::ReadAll;
using ::spillway::runtime::testing::TempDir;
using ::spillway::runtime::testing::WriteAll;
using ::testing::HasSubstr;

LedgerOptions Options(const std::string& path, std::vector<uint64_t> limits,
                      std::vector<uint64_t> budgets = {}) {
  LedgerOptions options;
  options.path = path;
  options.device_count = static_cast<int>(limits.size());
  options.limits = std::move(limits);
  options.device_budgets = std::move(budgets);
  return options;
}

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dir_.ok()); }
  std::string Path() const { return dir_.File("ledger"); }
  TempDir dir_;
  Children children_;
};

TEST(ProcessIdentityTest, ParsesStatLineWithHostileCommandName) {
  // The command name may hold spaces and ')' and look like more fields.
  const std::string line =
      "1234 (a) b) c 9 9) S 1 1234 1234 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 1 0 987654 1000 "
      "200 18446744073709551615\n";
  absl::StatusOr<ProcessStat> stat = ParseProcessStat(line);
  ASSERT_TRUE(stat.ok()) << stat.status();
  EXPECT_EQ(stat->state, 'S');
  EXPECT_EQ(stat->start_time, 987654u);
}

TEST(ProcessIdentityTest, RejectsMalformedStatLines) {
  EXPECT_EQ(ParseProcessStat("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseProcessStat("12 (x) S 1 2 3").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseProcessStat("12 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12x3 5")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ProcessIdentityTest, SelfIsAliveAndAWrongStartTimeIsDead) {
  absl::StatusOr<ProcessIdentity> self = SelfIdentity();
  ASSERT_TRUE(self.ok()) << self.status();
  EXPECT_EQ(self->pid, ::getpid());
  EXPECT_GT(self->start_time, 0u);
  EXPECT_EQ(CheckLiveness(*self), Liveness::kAlive);
  EXPECT_EQ(CheckLiveness({self->pid, self->start_time + 1}), Liveness::kDead);
  EXPECT_EQ(ReadProcessStat(0).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(LedgerTest, AccountsEachKindAndReleasesToZero) {
  auto ledger = Ledger::Open(Options(Path(), {1000, 500}));
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  Ledger& l = **ledger;
  EXPECT_TRUE(l.initialized_file());
  EXPECT_EQ(l.device_count(), 2);
  EXPECT_EQ(l.Limit(0), 1000u);
  EXPECT_EQ(l.Limit(1), 500u);

  ASSERT_TRUE(l.Reserve(0, UsageKind::kDevice, 100).ok());
  ASSERT_TRUE(l.Reserve(0, UsageKind::kManaged, 200).ok());
  ASSERT_TRUE(l.Reserve(0, UsageKind::kHostSpill, 300).ok());
  ASSERT_TRUE(l.Reserve(1, UsageKind::kDevice, 7).ok());
  EXPECT_EQ(l.Used(0), 600u);
  EXPECT_EQ(l.Used(0, UsageKind::kDevice), 100u);
  EXPECT_EQ(l.Used(0, UsageKind::kManaged), 200u);
  EXPECT_EQ(l.Used(0, UsageKind::kHostSpill), 300u);
  EXPECT_EQ(l.Used(1), 7u);
  EXPECT_EQ(l.OwnUsage(0).total(), 600u);
  EXPECT_EQ(l.OwnUsage(0)[UsageKind::kManaged], 200u);
  EXPECT_TRUE(l.CheckConsistency().ok());

  ASSERT_TRUE(l.Release(0, UsageKind::kManaged, 150).ok());
  EXPECT_EQ(l.Used(0, UsageKind::kManaged), 50u);
  ASSERT_TRUE(l.Release(0, UsageKind::kDevice, 100).ok());
  ASSERT_TRUE(l.Release(0, UsageKind::kManaged, 50).ok());
  ASSERT_TRUE(l.Release(0, UsageKind::kHostSpill, 300).ok());
  ASSERT_TRUE(l.Release(1, UsageKind::kDevice, 7).ok());
  EXPECT_EQ(l.Used(0), 0u);
  EXPECT_EQ(l.Used(1), 0u);
  EXPECT_TRUE(l.CheckConsistency().ok());
}

TEST_F(LedgerTest, LimitCountsAllKindsAndNamesTheNumbersWhenRefusing) {
  auto ledger = Ledger::Open(Options(Path(), {100}));
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  Ledger& l = **ledger;
  ASSERT_TRUE(l.Reserve(0, UsageKind::kDevice, 60).ok());
  ASSERT_TRUE(l.Reserve(0, UsageKind::kManaged, 40).ok());
  absl::Status refused = l.Reserve(0, UsageKind::kHostSpill, 1);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("device 0"));
  EXPECT_THAT(refused.message(), HasSubstr("limit 100"));
  EXPECT_THAT(refused.message(), HasSubstr("in use 100"));
  EXPECT_THAT(refused.message(), HasSubstr("reserving 1 bytes"));
  EXPECT_THAT(refused.message(), HasSubstr(Path()));
  EXPECT_EQ(l.Used(0), 100u);  // a refusal changes nothing
  ASSERT_TRUE(l.Release(0, UsageKind::kDevice, 10).ok());
  EXPECT_TRUE(l.Reserve(0, UsageKind::kHostSpill, 10).ok());
  EXPECT_EQ(l.Reserve(0, UsageKind::kHostSpill, 1).code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(LedgerTest, NoLimitMeansUnlimited) {
  auto ledger = Ledger::Open(Options(Path(), {0}));
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  EXPECT_TRUE((*ledger)->Reserve(0, UsageKind::kDevice, uint64_t{1} << 50).ok());
  EXPECT_EQ((*ledger)->Used(0), uint64_t{1} << 50);
}

TEST_F(LedgerTest, DeviceBudgetCapsOnlyDeviceResidentBytes) {
  auto ledger = Ledger::Open(Options(Path(), {100}, {50}));
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  Ledger& l = **ledger;
  EXPECT_EQ(l.DeviceBudget(0), 50u);
  ASSERT_TRUE(l.Reserve(0, UsageKind::kDevice, 50).ok());
  absl::Status refused = l.Reserve(0, UsageKind::kDevice, 1);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("budget 50"));
  // Placement falls back to managed memory, which only the limit caps.
  EXPECT_TRUE(l.Reserve(0, UsageKind::kManaged, 50).ok());
  EXPECT_EQ(l.Reserve(0, UsageKind::kManaged, 1).code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(LedgerTest, MoveKeepsTheTotalAndChecksTheBudget) {
  auto ledger = Ledger::Open(Options(Path(), {100}, {30}));
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  Ledger& l = **ledger;
  ASSERT_TRUE(l.Reserve(0, UsageKind::kManaged, 80).ok());
  ASSERT_TRUE(l.Move(0, UsageKind::kManaged, UsageKind::kDevice, 30).ok());
  EXPECT_EQ(l.Used(0, UsageKind::kDevice), 30u);
  EXPECT_EQ(l.Used(0, UsageKind::kManaged), 50u);
  EXPECT_EQ(l.Used(0), 80u);
  EXPECT_EQ(l.Move(0, UsageKind::kManaged, UsageKind::kDevice, 1).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(l.Move(0, UsageKind::kHostSpill, UsageKind::kManaged, 1).code(),
            absl::StatusCode::kInvalidArgument);  // holds no host-spill bytes
  ASSERT_TRUE(l.Move(0, UsageKind::kDevice, UsageKind::kHostSpill, 30).ok());
  EXPECT_EQ(l.Used(0, UsageKind::kHostSpill), 30u);
  EXPECT_EQ(l.Used(0), 80u);
  EXPECT_TRUE(l.CheckConsistency().ok());
}

TEST_F(LedgerTest, ProcessesListsSlotsWithPriorityAndUsage) {
  LedgerOptions options = Options(Path(), {100});
  options.priority = 3;
  auto ledger = Ledger::Open(options);
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  Ledger& l = **ledger;
  EXPECT_EQ(l.priority(), 3);
  ASSERT_TRUE(l.SetPriority(7).ok());
  ASSERT_TRUE(l.Reserve(0, UsageKind::kManaged, 12).ok());
  auto records = l.Processes();
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  const ProcessRecord& self = records->front();
  EXPECT_TRUE(self.is_self);
  EXPECT_EQ(self.identity.pid, ::getpid());
  EXPECT_EQ(self.identity, *SelfIdentity());
  EXPECT_EQ(self.priority, 7);
  ASSERT_EQ(self.usage.size(), 1u);
  EXPECT_EQ(self.usage[0][UsageKind::kManaged], 12u);
}

TEST_F(LedgerTest, DestroyingALedgerReleasesItsUsage) {
  auto first = Ledger::Open(Options(Path(), {100}));
  ASSERT_TRUE(first.ok()) << first.status();
  {
    auto second = Ledger::Open(Options(Path(), {100}));
    ASSERT_TRUE(second.ok()) << second.status();
    EXPECT_FALSE((*second)->initialized_file());
    ASSERT_TRUE((*second)->Reserve(0, UsageKind::kDevice, 70).ok());
    EXPECT_EQ((*first)->Used(0), 70u);
    EXPECT_EQ((*first)->Reserve(0, UsageKind::kDevice, 40).code(),
              absl::StatusCode::kResourceExhausted);
  }
  EXPECT_EQ((*first)->Used(0), 0u);
  EXPECT_TRUE((*first)->Reserve(0, UsageKind::kDevice, 100).ok());
  EXPECT_EQ((*first)->Processes()->size(), 1u);
}

TEST_F(LedgerTest, ALaterOpenerWithOtherLimitsGetsTheLedgersAndIsTold) {
  auto first = Ledger::Open(Options(Path(), {100}, {40}));
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = Ledger::Open(Options(Path(), {200}));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->Limit(0), 100u);
  EXPECT_EQ((*second)->DeviceBudget(0), 40u);
  EXPECT_THAT((*second)->config_mismatch(), HasSubstr("device 0 limit: ledger 100, requested 200"));
  EXPECT_THAT((*second)->config_mismatch(), HasSubstr("device 0 device budget: ledger 40"));
  EXPECT_FALSE((*second)->notes().empty());
  auto third = Ledger::Open(Options(Path(), {100}, {40}));
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_TRUE((*third)->config_mismatch().empty());
}

TEST_F(LedgerTest, AnOpenerFindingNoLiveUserSetsTheConfigurationAndDropsStaleUsage) {
  {
    auto first = Ledger::Open(Options(Path(), {100}));
    ASSERT_TRUE(first.ok()) << first.status();
  }
  // A child attaches, reserves and dies without detaching.
  const pid_t child = children_.Fork([&] {
    auto ledger = Ledger::Open(Options(Path(), {100}));
    if (!ledger.ok()) return 1;
    if (!(*ledger)->Reserve(0, UsageKind::kDevice, 90).ok()) return 2;
    ::_exit(0);  // without detaching, as if killed
  });
  ASSERT_EQ(children_.Wait(child), 0);
  auto reopened = Ledger::Open(Options(Path(), {300}));
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_TRUE((*reopened)->initialized_file());
  EXPECT_TRUE((*reopened)->config_mismatch().empty());
  EXPECT_EQ((*reopened)->Limit(0), 300u);
  EXPECT_EQ((*reopened)->Used(0), 0u);
}

TEST_F(LedgerTest, ProcessesShareOneLimitAndADeadProcessIsReclaimedWhenNeeded) {
  auto parent = Ledger::Open(Options(Path(), {100}));
  ASSERT_TRUE(parent.ok()) << parent.status();
  ASSERT_TRUE((*parent)->Reserve(0, UsageKind::kDevice, 60).ok());
  Pipe ready;
  Pipe release;
  const pid_t child = children_.Fork([&] {
    ready.CloseRead();
    release.CloseWrite();
    auto ledger = Ledger::Open(Options(Path(), {100}));
    if (!ledger.ok()) return 1;
    if ((*ledger)->Reserve(0, UsageKind::kManaged, 50).code() !=
        absl::StatusCode::kResourceExhausted) {
      return 2;
    }
    if (!(*ledger)->Reserve(0, UsageKind::kManaged, 40).ok()) return 3;
    char byte = 1;
    if (!WriteAll(ready.write_fd, &byte, 1)) return 4;
    ReadAll(release.read_fd, &byte, 1);  // blocks until killed
    return 0;
  });
  ready.CloseWrite();
  release.CloseRead();
  char byte = 0;
  ASSERT_TRUE(ReadAll(ready.read_fd, &byte, 1));
  EXPECT_EQ((*parent)->Used(0), 100u);
  // Alive: its usage is not touched.
  EXPECT_EQ((*parent)->ReclaimDead().value_or(-1), 0);
  EXPECT_EQ((*parent)->Reserve(0, UsageKind::kDevice, 1).code(),
            absl::StatusCode::kResourceExhausted);
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  ASSERT_EQ(children_.Wait(child), 128 + SIGKILL);
  // The reservation that would fail reclaims the dead child's 40 bytes.
  EXPECT_TRUE((*parent)->Reserve(0, UsageKind::kDevice, 40).ok());
  EXPECT_EQ((*parent)->Used(0), 100u);
  EXPECT_EQ((*parent)->Used(0, UsageKind::kManaged), 0u);
  EXPECT_EQ((*parent)->Stats().reclaimed_slots, 1u);
  EXPECT_TRUE((*parent)->CheckConsistency().ok());
}

TEST_F(LedgerTest, AZombieCountsAsDead) {
  auto parent = Ledger::Open(Options(Path(), {100}));
  ASSERT_TRUE(parent.ok()) << parent.status();
  Pipe ready;
  const pid_t child = children_.Fork([&] {
    ready.CloseRead();
    auto ledger = Ledger::Open(Options(Path(), {100}));
    if (!ledger.ok() || !(*ledger)->Reserve(0, UsageKind::kDevice, 30).ok()) return 1;
    char byte = 1;
    WriteAll(ready.write_fd, &byte, 1);
    ::pause();
    return 0;
  });
  ready.CloseWrite();
  char byte = 0;
  ASSERT_TRUE(ReadAll(ready.read_fd, &byte, 1));
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  // Not waited for yet: the child is a zombie, its pid still answers kill(0).
  const uint64_t deadline = MonotonicNanos() + 5'000'000'000ull;
  while (MonotonicNanos() < deadline) {
    absl::StatusOr<ProcessStat> stat = ReadProcessStat(child);
    if (stat.ok() && stat->state == 'Z') break;
    ::usleep(1000);
  }
  ASSERT_EQ(ReadProcessStat(child)->state, 'Z');
  EXPECT_EQ((*parent)->ReclaimDead().value_or(-1), 1);
  EXPECT_EQ((*parent)->Used(0), 0u);
  EXPECT_EQ(children_.Wait(child), 128 + SIGKILL);
}

TEST_F(LedgerTest, AReusedPidIsNotMistakenForTheDeadProcess) {
  auto ledger = Ledger::Open(Options(Path(), {1000}));
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  Ledger& l = **ledger;
  absl::StatusOr<ProcessIdentity> self = SelfIdentity();
  ASSERT_TRUE(self.ok());
  // A slot recorded for our pid but another start time is a dead process
  // whose pid was reused (by us); one with our exact identity is alive.
  ASSERT_TRUE(l.InjectRecordForTesting({self->pid, self->start_time - 1}, 0,
                                       UsageKind::kDevice, 300)
                  .ok());
  ASSERT_TRUE(
      l.InjectRecordForTesting({self->pid, self->start_time}, 0, UsageKind::kManaged, 200).ok());
  EXPECT_EQ(l.Used(0), 500u);
  EXPECT_EQ(l.ReclaimDead().value_or(-1), 1);
  EXPECT_EQ(l.Used(0), 200u);
  EXPECT_EQ(l.Used(0, UsageKind::kDevice), 0u);
  EXPECT_TRUE(l.CheckConsistency().ok());
}

TEST_F(LedgerTest, ALiveChildsRecordSurvivesUntilItDies) {
  auto ledger = Ledger::Open(Options(Path(), {1000}));
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  Pipe identity_pipe;
  const pid_t child = children_.Fork([&] {
    identity_pipe.CloseRead();
    absl::StatusOr<ProcessIdentity> me = SelfIdentity();
    if (!me.ok()) return 1;
    WriteAll(identity_pipe.write_fd, &*me, sizeof(*me));
    ::pause();
    return 0;
  });
  identity_pipe.CloseWrite();
  ProcessIdentity child_identity;
  ASSERT_TRUE(ReadAll(identity_pipe.read_fd, &child_identity, sizeof(child_identity)));
  ASSERT_EQ(child_identity.pid, child);
  ASSERT_TRUE((*ledger)->InjectRecordForTesting(child_identity, 0, UsageKind::kDevice, 10).ok());
  // Same pid, earlier start: that process is gone.
  ASSERT_TRUE((*ledger)
                  ->InjectRecordForTesting({child, child_identity.start_time - 5}, 0,
                                           UsageKind::kDevice, 20)
                  .ok());
  EXPECT_EQ((*ledger)->ReclaimDead().value_or(-1), 1);
  EXPECT_EQ((*ledger)->Used(0), 10u);
  ::kill(child, SIGKILL);
  ASSERT_EQ(children_.Wait(child), 128 + SIGKILL);
  EXPECT_EQ((*ledger)->ReclaimDead().value_or(-1), 1);
  EXPECT_EQ((*ledger)->Used(0), 0u);
}

TEST_F(LedgerTest, ALedgerInheritedAcrossForkRefusesToActForTheParent) {
  auto ledger = Ledger::Open(Options(Path(), {100}));
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  ASSERT_TRUE((*ledger)->Reserve(0, UsageKind::kDevice, 10).ok());
  const pid_t child = children_.Fork([&] {
    absl::Status status = (*ledger)->Reserve(0, UsageKind::kDevice, 1);
    if (status.code() != absl::StatusCode::kFailedPrecondition) return 1;
    if (status.message().find("fork") == absl::string_view::npos) return 2;
    if ((*ledger)->Release(0, UsageKind::kDevice, 10).code() !=
        absl::StatusCode::kFailedPrecondition) {
      return 3;
    }
    ledger->reset();  // must not free the parent's slot
    return 0;
  });
  ASSERT_EQ(children_.Wait(child), 0);
  EXPECT_EQ((*ledger)->Used(0), 10u);
  EXPECT_EQ((*ledger)->OwnUsage(0).total(), 10u);
  EXPECT_TRUE((*ledger)->CheckConsistency().ok());
}

TEST_F(LedgerTest, SlotsRunOutOnlyWhileTheirOwnersLive) {
  LedgerOptions options = Options(Path(), {100});
  options.max_processes = 2;
  auto first = Ledger::Open(options);
  ASSERT_TRUE(first.ok()) << first.status();
  Pipe ready;
  const pid_t child = children_.Fork([&] {
    ready.CloseRead();
    auto ledger = Ledger::Open(options);
    if (!ledger.ok()) return 1;
    char byte = 1;
    WriteAll(ready.write_fd, &byte, 1);
    ::pause();
    return 0;
  });
  ready.CloseWrite();
  char byte = 0;
  ASSERT_TRUE(ReadAll(ready.read_fd, &byte, 1));
  auto third = Ledger::Open(options);
  EXPECT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(third.status().message(), HasSubstr("all 2 process slots"));
  ::kill(child, SIGKILL);
  ASSERT_EQ(children_.Wait(child), 128 + SIGKILL);
  auto fourth = Ledger::Open(options);  // reclaims the dead child's slot
  EXPECT_TRUE(fourth.ok()) << fourth.status();
}

// 256 processes attach at once and each reserves and releases once. Not a
// timing assertion (see bench/ledger_bench.cc); prints the figure.
TEST_F(LedgerTest, TwoHundredFiftySixProcessesAttachAtOnce) {
  constexpr int kProcesses = 256;
  auto parent = Ledger::Open(Options(Path(), {uint64_t{1} << 30}));
  ASSERT_TRUE(parent.ok()) << parent.status();
  Pipe start;
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    const pid_t pid = children_.Fork([&] {
      start.CloseWrite();
      char byte;
      ReadAll(start.read_fd, &byte, 1);  // returns at EOF: everyone starts together
      auto ledger = Ledger::Open(Options(Path(), {uint64_t{1} << 30}));
      if (!ledger.ok()) {
        std::fprintf(stderr, "child open: %s\n", ledger.status().ToString().c_str());
        return 1;
      }
      if (!(*ledger)->Reserve(0, UsageKind::kDevice, 1 << 20).ok()) return 2;
      if (!(*ledger)->Release(0, UsageKind::kDevice, 1 << 20).ok()) return 3;
      return 0;
    });
    ASSERT_GT(pid, 0);
    children.push_back(pid);
  }
  const uint64_t begin = MonotonicNanos();
  start.CloseWrite();
  int failures = 0;
  for (pid_t pid : children) failures += children_.Wait(pid) != 0;
  const double seconds = static_cast<double>(MonotonicNanos() - begin) / 1e9;
  std::printf("%d processes attached, reserved and released in %.3f s\n", kProcesses, seconds);
  EXPECT_EQ(failures, 0);
  EXPECT_EQ((*parent)->Used(0), 0u);
  EXPECT_EQ((*parent)->Processes()->size(), 1u);  // all detached cleanly
  EXPECT_TRUE((*parent)->CheckConsistency().ok());
}

}  // namespace
}  // namespace spillway::runtime
