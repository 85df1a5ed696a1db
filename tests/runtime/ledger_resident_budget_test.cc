// Sharing the device budget through the ledger's resident plans, between
// real processes: a lone process, equal priorities converging, priority
// order, and a killed process's plan that stops counting.
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger_test_support.h"
#include "spillway/runtime/ledger.h"

namespace spillway::runtime {
namespace {

using ::spillway::runtime::testing::Children;
using ::spillway::runtime::testing::Pipe;
using ::spillway::runtime::testing::ReadAll;
using ::spillway::runtime::testing::TempDir;
using ::spillway::runtime::testing::WriteAll;

constexpr uint64_t kBudget = 900;
constexpr uint64_t kFailed = ~uint64_t{0};

LedgerOptions Options(const std::string& path, int priority) {
  LedgerOptions options;
  options.path = path;
  options.device_count = 2;
  options.limits = {4 * kBudget, 4 * kBudget};
  options.device_budgets = {kBudget, kBudget};
  options.priority = priority;
  return options;
}

// Another process attached to the ledger, driven over pipes: it sets its
// plan or reports its share when told, and holds its slot until it quits or
// is killed.
class Peer {
 public:
  Peer(Children& children, const std::string& path, int priority) : children_(children) {
    pid_ = children.Fork([&] {
      commands_.CloseWrite();
      replies_.CloseRead();
      auto ledger = Ledger::Open(Options(path, priority));
      if (!ledger.ok()) {
        std::fprintf(stderr, "peer open: %s\n", ledger.status().ToString().c_str());
        return 1;
      }
      Command command;
      while (ReadAll(commands_.read_fd, &command, sizeof(command))) {
        uint64_t reply = kFailed;
        if (command.op == 'p') {
          if ((*ledger)->SetResidentPlan(0, command.value).ok()) reply = command.value;
        } else if (command.op == 'b') {
          reply = (*ledger)->ResidentBudget(0, kBudget).value_or(kFailed);
        } else if (command.op == 'q') {
          return 0;  // destroys the ledger: the slot and its plan go
        }
        if (!WriteAll(replies_.write_fd, &reply, sizeof(reply))) return 2;
      }
      return 0;
    });
    commands_.CloseRead();
    replies_.CloseWrite();
  }

  pid_t pid() const { return pid_; }
  uint64_t SetPlan(uint64_t bytes) { return Ask('p', bytes); }
  uint64_t Budget() { return Ask('b', 0); }
  // Asks for its share and plans all of it, as a tiering engine would.
  uint64_t Replan() {
    const uint64_t share = Budget();
    return share == kFailed ? kFailed : SetPlan(share);
  }
  int Quit() {
    const Command command{'q', 0};
    WriteAll(commands_.write_fd, &command, sizeof(command));
    return children_.Wait(pid_);
  }

 private:
  struct Command {
    char op;
    uint64_t value;
  };
  uint64_t Ask(char op, uint64_t value) {
    const Command command{op, value};
    uint64_t reply = kFailed;
    if (!WriteAll(commands_.write_fd, &command, sizeof(command)) ||
        !ReadAll(replies_.read_fd, &reply, sizeof(reply))) {
      return kFailed;
    }
    return reply;
  }

  Children& children_;
  Pipe commands_;
  Pipe replies_;
  pid_t pid_ = -1;
};

class LedgerResidentBudgetTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dir_.ok()); }
  std::string Path() const { return dir_.File("ledger"); }
  std::unique_ptr<Ledger> OpenSelf(int priority) {
    auto ledger = Ledger::Open(Options(Path(), priority));
    EXPECT_TRUE(ledger.ok()) << ledger.status();
    return ledger.ok() ? std::move(*ledger) : nullptr;
  }
  // This process asks for its share and plans all of it.
  static uint64_t Replan(Ledger& ledger) {
    const uint64_t share = ledger.ResidentBudget(0, kBudget).value_or(kFailed);
    if (share == kFailed || !ledger.SetResidentPlan(0, share).ok()) return kFailed;
    return share;
  }

  TempDir dir_;
  Children children_;  // declared last: children die before the directory goes
};

TEST_F(LedgerResidentBudgetTest, ALoneProcessGetsTheWholeBudgetAndItsPlanIsRecorded) {
  std::unique_ptr<Ledger> self = OpenSelf(0);
  ASSERT_NE(self, nullptr);
  EXPECT_EQ(self->ResidentBudget(0, kBudget).value_or(kFailed), kBudget);
  ASSERT_TRUE(self->SetResidentPlan(0, kBudget).ok());
  // Its own plan never counts against it.
  EXPECT_EQ(self->ResidentBudget(0, kBudget).value_or(kFailed), kBudget);
  EXPECT_EQ(self->OwnResidentPlan(0), kBudget);
  EXPECT_EQ(self->OwnResidentPlan(1), 0u);  // per device
  auto records = self->Processes();
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  EXPECT_THAT(records->front().resident_plan, ::testing::ElementsAre(kBudget, 0u));
  // A plan is not usage: limits and totals are untouched.
  EXPECT_EQ(self->Used(0), 0u);
  EXPECT_TRUE(self->CheckConsistency().ok());

  EXPECT_EQ(self->ResidentBudget(2, kBudget).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(self->SetResidentPlan(-1, 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(self->SetResidentPlan(0, Ledger::kMaxBytes + 1).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(self->OwnResidentPlan(0), kBudget);  // a refusal changes nothing
  EXPECT_EQ(self->ResidentBudget(0, 0).value_or(kFailed), 0u);
}

TEST_F(LedgerResidentBudgetTest, EqualPrioritiesConvergeToEqualSharesAsEachReplans) {
  std::unique_ptr<Ledger> a = OpenSelf(0);
  ASSERT_NE(a, nullptr);
  Peer b(children_, Path(), 0);
  Peer c(children_, Path(), 0);
  // A arrived first and planned the whole device.
  EXPECT_EQ(Replan(*a), kBudget);
  // Newcomers take a fair share of it, not what is left (nothing).
  EXPECT_EQ(b.Replan(), kBudget / 2);
  EXPECT_EQ(c.Replan(), kBudget / 3);
  // Each re-plans once more: A shrinks to its share, and then all agree.
  EXPECT_EQ(Replan(*a), kBudget / 3);
  EXPECT_EQ(b.Replan(), kBudget / 3);
  EXPECT_EQ(c.Replan(), kBudget / 3);
  EXPECT_EQ(Replan(*a), kBudget / 3);
  auto records = a->Processes();
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  for (const ProcessRecord& record : *records) EXPECT_EQ(record.resident_plan[0], kBudget / 3);

  // A peer that plans less leaves the rest to the others, and one that
  // plans nothing is no peer.
  ASSERT_EQ(b.SetPlan(100), 100u);
  EXPECT_EQ(a->ResidentBudget(0, kBudget).value_or(kFailed), kBudget - 100 - kBudget / 3);
  ASSERT_EQ(c.SetPlan(0), 0u);
  EXPECT_EQ(a->ResidentBudget(0, kBudget).value_or(kFailed), kBudget - 100);
  ASSERT_EQ(b.SetPlan(kBudget), kBudget);
  EXPECT_EQ(a->ResidentBudget(0, kBudget).value_or(kFailed), kBudget / 2);

  // A peer that detaches takes its plan with its slot.
  EXPECT_EQ(b.Quit(), 0);
  EXPECT_EQ(c.Quit(), 0);
  EXPECT_EQ(a->ResidentBudget(0, kBudget).value_or(kFailed), kBudget);
}

TEST_F(LedgerResidentBudgetTest, LowPriorityYieldsToHighAndHighIgnoresLow) {
  std::unique_ptr<Ledger> low = OpenSelf(1);
  ASSERT_NE(low, nullptr);
  EXPECT_EQ(Replan(*low), kBudget);  // alone, low priority takes everything
  Peer high(children_, Path(), 0);
  // The high-priority process does not wait for the low one to shrink.
  EXPECT_EQ(high.Budget(), kBudget);
  ASSERT_EQ(high.SetPlan(600), 600u);
  // The low one gets what the high one leaves, at its next plan.
  EXPECT_EQ(Replan(*low), kBudget - 600);
  EXPECT_EQ(high.Budget(), kBudget);
  ASSERT_EQ(high.SetPlan(kBudget), kBudget);
  EXPECT_EQ(Replan(*low), 0u);

  // Two low-priority processes split what the high one leaves.
  Peer other_low(children_, Path(), 1);
  ASSERT_EQ(high.SetPlan(300), 300u);
  EXPECT_EQ(Replan(*low), kBudget - 300);
  EXPECT_EQ(other_low.Replan(), (kBudget - 300) / 2);
  EXPECT_EQ(Replan(*low), (kBudget - 300) / 2);
  EXPECT_EQ(high.Budget(), kBudget);  // still unaffected by both
}

TEST_F(LedgerResidentBudgetTest, AKilledProcessesPlanStopsCounting) {
  std::unique_ptr<Ledger> low = OpenSelf(1);
  ASSERT_NE(low, nullptr);
  Peer high(children_, Path(), 0);
  Peer peer(children_, Path(), 1);
  ASSERT_EQ(high.SetPlan(kBudget), kBudget);
  EXPECT_EQ(low->ResidentBudget(0, kBudget).value_or(kFailed), 0u);
  ASSERT_EQ(children_.Kill(high.pid()), 128 + SIGKILL);  // dies holding its plan
  EXPECT_EQ(low->ResidentBudget(0, kBudget).value_or(kFailed), kBudget);

  ASSERT_EQ(peer.SetPlan(kBudget), kBudget);
  EXPECT_EQ(low->ResidentBudget(0, kBudget).value_or(kFailed), kBudget / 2);
  ASSERT_EQ(children_.Kill(peer.pid()), 128 + SIGKILL);
  EXPECT_EQ(low->ResidentBudget(0, kBudget).value_or(kFailed), kBudget);

  // Reclaiming the dead slots clears their plans: a newcomer reusing one
  // starts with none.
  EXPECT_EQ(low->ReclaimDead().value_or(-1), 2);
  Peer newcomer(children_, Path(), 0);
  EXPECT_EQ(newcomer.Budget(), kBudget);
  EXPECT_EQ(low->ResidentBudget(0, kBudget).value_or(kFailed), kBudget);
  auto records = low->Processes();
  ASSERT_TRUE(records.ok()) << records.status();
  for (const ProcessRecord& record : *records) {
    EXPECT_THAT(record.resident_plan, ::testing::Each(0u)) << record.identity.pid;
  }
  EXPECT_TRUE(low->CheckConsistency().ok());
}

// Plans are written without the lock while others read them: every share
// seen is one a consistent plan gives (ThreadSanitizer checks the accesses).
TEST_F(LedgerResidentBudgetTest, SharesStayWithinBoundsWhileAPeerReplans) {
  std::unique_ptr<Ledger> reader = OpenSelf(0);
  std::unique_ptr<Ledger> writer = OpenSelf(0);  // another slot of this process
  ASSERT_NE(reader, nullptr);
  ASSERT_NE(writer, nullptr);
  constexpr int kRounds = 2000;
  std::thread replanning([&] {
    for (int i = 0; i < kRounds; ++i) {
      (void)writer->SetResidentPlan(0, static_cast<uint64_t>(i) % (kBudget + 1));
    }
  });
  int out_of_bounds = 0;
  for (int i = 0; i < kRounds; ++i) {
    const uint64_t share = reader->ResidentBudget(0, kBudget).value_or(kFailed);
    // One peer: at least half, at most all.
    if (share < kBudget / 2 || share > kBudget) ++out_of_bounds;
  }
  replanning.join();
  EXPECT_EQ(out_of_bounds, 0);
  ASSERT_TRUE(writer->SetResidentPlan(0, 100).ok());
  EXPECT_EQ(reader->ResidentBudget(0, kBudget).value_or(kFailed), kBudget - 100);
}

}  // namespace
}  // namespace spillway::runtime
