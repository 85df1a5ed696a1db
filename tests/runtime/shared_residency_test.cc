// Two processes oversubscribing one device through one ledger share its
// device budget: neither plans the whole budget resident while the other
// holds a plan, and a low-priority process yields to a high-priority one.
// Each process has its own fake device of the same size; what is checked is
// the shared accounting and the residency each tiering engine plans.
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ledger_test_support.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/runtime.h"

namespace spillway {
namespace {

using runtime::testing::Children;
using runtime::testing::Pipe;
using runtime::testing::ReadAll;
using runtime::testing::TempDir;
using runtime::testing::WriteAll;

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kFailed = ~uint64_t{0};
constexpr char kSpec[] = "memory=256m,reserved=16m,backing=none";

// Group "a" alone is larger than the device budget; "b" is idle.
constexpr int kBuffersA = 4;
constexpr int kBuffersB = 2;
constexpr uint64_t kBufferSize = 64 * kMiB;

struct Residency {
  uint64_t resident = kFailed;  // planned by the tiering engine
  uint64_t budget = kFailed;    // the engine's budget: this process's share
};

std::unique_ptr<Runtime> OpenRuntime(const runtime::RuntimeConfig& config,
                                     std::unique_ptr<hal::Registry>& registry) {
  registry = std::make_unique<hal::Registry>();
  absl::StatusOr<fake::FakeSpec> spec = fake::ParseFakeSpec(kSpec);
  if (!spec.ok()) return nullptr;
  const fake::FakeSpec s = *spec;
  if (!registry->Register("fake", [s]() { return fake::CreateFakeBackend(s); }).ok()) {
    return nullptr;
  }
  RuntimeOptions options;
  options.config = config;
  options.registry = registry.get();
  absl::StatusOr<std::unique_ptr<Runtime>> rt = Runtime::Open(std::move(options));
  if (!rt.ok()) {
    std::fprintf(stderr, "runtime open: %s\n", rt.status().ToString().c_str());
    return nullptr;
  }
  return std::move(*rt);
}

// Allocates groups "a" and "b" as managed memory; empty on failure.
std::vector<void*> AllocateGroups(runtime::VirtualDevice& dev) {
  std::vector<void*> buffers;
  for (int i = 0; i < kBuffersA + kBuffersB; ++i) {
    runtime::BufferHints hints{runtime::BufferRole::kWeights, i < kBuffersA ? "a" : "b", false};
    absl::StatusOr<void*> p = dev.Allocate(kBufferSize, hints);
    if (!p.ok() || dev.Describe(*p)->placement != runtime::Placement::kManaged) return {};
    buffers.push_back(*p);
  }
  return buffers;
}

Residency ActivateGroup(runtime::VirtualDevice& dev, const char* group) {
  if (!dev.Activate(group).ok()) return {};
  const runtime::TieringSnapshot snapshot = dev.Tiering();
  return Residency{snapshot.resident_bytes, snapshot.budget_bytes};
}

// The other process: opens its runtime on the shared ledger, allocates the
// same groups, and activates "a" each time it is told to.
class OtherProcess {
 public:
  OtherProcess(Children& children, const runtime::RuntimeConfig& config) : children_(children) {
    pid_ = children.Fork([&] {
      commands_.CloseWrite();
      replies_.CloseRead();
      std::unique_ptr<hal::Registry> registry;
      std::unique_ptr<Runtime> rt = OpenRuntime(config, registry);
      if (rt == nullptr) return 1;
      runtime::VirtualDevice& dev = **rt->Device(0);
      if (!dev.options().oversubscribe || AllocateGroups(dev).empty()) return 2;
      char command = 0;
      while (ReadAll(commands_.read_fd, &command, 1) && command == 'a') {
        const Residency residency = ActivateGroup(dev, "a");
        if (!WriteAll(replies_.write_fd, &residency, sizeof(residency))) return 3;
      }
      return 0;  // closing the runtime releases its ledger slot and plan
    });
    commands_.CloseRead();
    replies_.CloseWrite();
  }

  Residency Activate() {
    const char command = 'a';
    Residency residency;
    if (!WriteAll(commands_.write_fd, &command, 1) ||
        !ReadAll(replies_.read_fd, &residency, sizeof(residency))) {
      return {};
    }
    return residency;
  }
  int Quit() {
    const char command = 'q';
    WriteAll(commands_.write_fd, &command, 1);
    return children_.Wait(pid_);
  }

 private:
  Children& children_;
  Pipe commands_;
  Pipe replies_;
  pid_t pid_ = -1;
};

class SharedResidencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    ASSERT_TRUE(config_.SetLedgerPath(dir_.File("ledger")).ok());
    config_.SetOversubscribe(true);
    ASSERT_TRUE(config_.SetMemoryLimit(std::nullopt, 1024 * kMiB).ok());
  }

  // This process's runtime and groups; call after forking the others.
  runtime::VirtualDevice* OpenSelf() {
    rt_ = OpenRuntime(config_, registry_);
    if (rt_ == nullptr) return nullptr;
    runtime::VirtualDevice* dev = *rt_->Device(0);
    EXPECT_TRUE(dev->options().oversubscribe);
    buffers_ = AllocateGroups(*dev);
    EXPECT_EQ(buffers_.size(), static_cast<size_t>(kBuffersA + kBuffersB));
    return dev;
  }

  TempDir dir_;
  runtime::RuntimeConfig config_;
  std::unique_ptr<hal::Registry> registry_;
  std::unique_ptr<Runtime> rt_;
  std::vector<void*> buffers_;
  Children children_;
};

TEST_F(SharedResidencyTest, TwoEqualProcessesTogetherPlanNoMoreThanTheDeviceBudget) {
  OtherProcess other(children_, config_);  // forked before this process has threads
  runtime::VirtualDevice* dev = OpenSelf();
  ASSERT_NE(dev, nullptr);
  const uint64_t budget = dev->options().device_budget;
  ASSERT_GT(budget, 0u);
  ASSERT_LT(budget, kBuffersA * kBufferSize);  // "a" alone wants all of it

  // Alone, this process plans the whole budget, as without a ledger.
  const Residency first = ActivateGroup(*dev, "a");
  EXPECT_EQ(first.budget, budget);
  EXPECT_EQ(first.resident, budget);
  EXPECT_EQ(rt_->ledger()->OwnResidentPlan(0), first.resident);  // published

  // The other takes an equal share instead of a second whole budget.
  const Residency theirs = other.Activate();
  ASSERT_NE(theirs.budget, kFailed);
  EXPECT_EQ(theirs.budget, budget / 2);
  EXPECT_LE(theirs.resident, theirs.budget);
  EXPECT_GT(theirs.resident, 0u);

  // At its next plan this process shrinks to its share, and both fit.
  const Residency mine = ActivateGroup(*dev, "a");
  EXPECT_EQ(mine.budget, budget - theirs.resident);
  EXPECT_LE(mine.resident, mine.budget);
  EXPECT_LE(mine.resident + theirs.resident, budget);
  const Residency theirs_again = other.Activate();
  EXPECT_LE(theirs_again.resident, theirs_again.budget);
  EXPECT_LE(mine.resident + theirs_again.resident, budget);
  auto processes = rt_->ledger()->Processes();
  ASSERT_TRUE(processes.ok()) << processes.status();
  uint64_t planned = 0;
  for (const runtime::ProcessRecord& p : *processes) planned += p.resident_plan[0];
  EXPECT_EQ(planned, mine.resident + theirs_again.resident);

  // Freeing updates the plan: what this process no longer plans, the other gets.
  for (void* p : buffers_) ASSERT_TRUE(dev->Free(p).ok());
  EXPECT_EQ(rt_->ledger()->OwnResidentPlan(0), 0u);
  EXPECT_EQ(other.Activate().resident, budget);

  // Closing the other runtime clears its plan with its slot.
  EXPECT_EQ(other.Quit(), 0);
  buffers_ = AllocateGroups(*dev);
  ASSERT_FALSE(buffers_.empty());
  EXPECT_EQ(ActivateGroup(*dev, "a").resident, budget);
}

TEST_F(SharedResidencyTest, ALowPriorityProcessYieldsResidencyToAHighPriorityOne) {
  runtime::RuntimeConfig low_config = config_;
  low_config.SetTaskPriority(runtime::TaskPriority::kLow);
  OtherProcess low(children_, low_config);
  // Alone, the low-priority process plans the whole budget.
  const Residency before = low.Activate();
  ASSERT_NE(before.budget, kFailed);
  ASSERT_GT(before.resident, 0u);

  runtime::VirtualDevice* dev = OpenSelf();  // high priority (the default)
  ASSERT_NE(dev, nullptr);
  const uint64_t budget = dev->options().device_budget;
  EXPECT_EQ(before.resident, budget);
  // The high-priority process does not wait for the low one to shrink...
  const Residency high = ActivateGroup(*dev, "a");
  EXPECT_EQ(high.budget, budget);
  EXPECT_EQ(high.resident, budget);
  // ...which gives its residency back at its next plan.
  const Residency after = low.Activate();
  EXPECT_EQ(after.budget, 0u);
  EXPECT_EQ(after.resident, 0u);
  EXPECT_LE(high.resident + after.resident, budget);

  // Once the high-priority process plans less, the low one gets the rest.
  for (int i = 0; i < kBuffersA; ++i) ASSERT_TRUE(dev->Free(buffers_[i]).ok());
  ASSERT_TRUE(dev->Activate("b").ok());
  const uint64_t high_now = dev->Tiering().resident_bytes;
  EXPECT_EQ(high_now, kBuffersB * kBufferSize);
  const Residency rest = low.Activate();
  EXPECT_EQ(rest.budget, budget - high_now);
  EXPECT_EQ(rest.resident, budget - high_now);
  EXPECT_EQ(low.Quit(), 0);
}

}  // namespace
}  // namespace spillway
