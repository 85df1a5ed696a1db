// spillway::Runtime over the fake backend: limits, the virtual view, and
// oversubscription with the placement the policy intends.
#include "spillway/runtime.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spillway/backends/fake/fake_backend.h"

namespace spillway {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kGiB = 1ull << 30;

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("spillway-runtime-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    config_.SetLedgerPath((dir_ / "ledger").string()).IgnoreError();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A registry holding only the fake backend with `spec`.
  hal::Registry& Registry(const std::string& spec) {
    registry_ = std::make_unique<hal::Registry>();
    absl::StatusOr<fake::FakeSpec> parsed = fake::ParseFakeSpec(spec);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    fake::FakeSpec s = parsed.value_or(fake::FakeSpec{});
    EXPECT_TRUE(registry_
                    ->Register("fake", [s]() { return fake::CreateFakeBackend(s); })
                    .ok());
    return *registry_;
  }

  std::unique_ptr<Runtime> Open(const std::string& spec) {
    RuntimeOptions options;
    options.config = config_;
    options.registry = &Registry(spec);
    absl::StatusOr<std::unique_ptr<Runtime>> rt = Runtime::Open(std::move(options));
    EXPECT_TRUE(rt.ok()) << rt.status();
    return rt.ok() ? std::move(*rt) : nullptr;
  }

  std::filesystem::path dir_;
  runtime::RuntimeConfig config_;
  std::unique_ptr<hal::Registry> registry_;
};

TEST_F(RuntimeTest, LimitIsEnforcedAndNamedWithoutOversubscription) {
  ASSERT_TRUE(config_.SetMemoryLimit(std::nullopt, 64 * kMiB).ok());
  std::unique_ptr<Runtime> rt = Open("memory=256m");
  ASSERT_NE(rt, nullptr);
  ASSERT_NE(rt->ledger(), nullptr);
  runtime::VirtualDevice* dev = *rt->Device(0);
  absl::StatusOr<runtime::VirtualMemoryInfo> info = dev->GetMemoryInfo();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->total, 64 * kMiB);
  EXPECT_EQ(info->free, 64 * kMiB);

  absl::StatusOr<void*> a = dev->Allocate(48 * kMiB);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(dev->Describe(*a)->placement, runtime::Placement::kDevice);
  EXPECT_EQ(dev->GetMemoryInfo()->free, 16 * kMiB);
  absl::StatusOr<void*> b = dev->Allocate(32 * kMiB);
  EXPECT_EQ(b.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(b.status().message().find("limit"), std::string::npos) << b.status();
  EXPECT_NE(b.status().message().find(std::to_string(64 * kMiB)), std::string::npos)
      << b.status();
  ASSERT_TRUE(dev->Free(*a).ok());
  EXPECT_EQ(dev->GetMemoryInfo()->free, 64 * kMiB);
  EXPECT_EQ(rt->ledger()->Used(0), 0u);
}

TEST_F(RuntimeTest, LimitAbovePhysicalIsClampedWithoutOversubscription) {
  ASSERT_TRUE(config_.SetMemoryLimit(std::nullopt, 1 * kGiB).ok());
  std::unique_ptr<Runtime> rt = Open("memory=256m,reserved=16m");
  ASSERT_NE(rt, nullptr);
  runtime::VirtualDevice* dev = *rt->Device(0);
  EXPECT_FALSE(dev->options().oversubscribe);
  EXPECT_LE(dev->GetMemoryInfo()->total, 240 * kMiB);
  EXPECT_EQ(dev->Allocate(512 * kMiB).status().code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(RuntimeTest, NoLimitMeansNoLedgerAndThePhysicalView) {
  config_ = runtime::RuntimeConfig();  // no ledger path either
  std::unique_ptr<Runtime> rt = Open("memory=256m,reserved=16m");
  ASSERT_NE(rt, nullptr);
  EXPECT_EQ(rt->ledger(), nullptr);
  runtime::VirtualDevice* dev = *rt->Device(0);
  absl::StatusOr<runtime::VirtualMemoryInfo> info = dev->GetMemoryInfo();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->total, 256 * kMiB);
  EXPECT_EQ(info->free, 240 * kMiB);
  absl::StatusOr<void*> p = dev->Allocate(16 * kMiB);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(dev->GetMemoryInfo()->free, 224 * kMiB);
  EXPECT_TRUE(dev->Free(*p).ok());
}

// What spillway does not do yet is said, never silently dropped: an SM
// share and a low task priority (which yields residency, not compute) each
// get a warning naming the variable.
TEST_F(RuntimeTest, UnenforcedComputeSettingsAreReportedNotIgnored) {
  config_ = runtime::RuntimeConfig();
  ASSERT_TRUE(config_.SetSmLimit(std::nullopt, 30).ok());
  config_.SetTaskPriority(runtime::TaskPriority::kLow);
  ::testing::internal::CaptureStderr();
  std::unique_ptr<Runtime> rt = Open("memory=256m,reserved=16m");
  const std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_NE(rt, nullptr);
  EXPECT_THAT(err, ::testing::HasSubstr("CUDA_DEVICE_SM_LIMIT=30 for device 0 is not enforced"));
  EXPECT_THAT(err, ::testing::HasSubstr(
                       "CUDA_TASK_PRIORITY=1: this process yields device residency to "
                       "high-priority processes; kernel launches are not prioritized "
                       "(UNIMPLEMENTED)"));

  // 100% (and no limit) is the whole device, which is what it gets: quiet.
  config_ = runtime::RuntimeConfig();
  ASSERT_TRUE(config_.SetSmLimit(std::nullopt, 100).ok());
  ::testing::internal::CaptureStderr();
  rt = Open("memory=256m,reserved=16m");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  ASSERT_NE(rt, nullptr);
}

// The acceptance case: a 23 GiB device with 46 GiB virtual.
TEST_F(RuntimeTest, OversubscribedDeviceHoldsItsVirtualSizeAndNoMore) {
  config_.SetOversubscribe(true);
  ASSERT_TRUE(config_.SetMemoryLimit(std::nullopt, 46 * kGiB).ok());
  std::unique_ptr<Runtime> rt = Open("memory=24g,reserved=1g,backing=none");
  ASSERT_NE(rt, nullptr);
  runtime::VirtualDevice* dev = *rt->Device(0);
  EXPECT_TRUE(dev->options().oversubscribe);
  EXPECT_EQ(dev->options().device_budget, 23 * kGiB);
  EXPECT_EQ(dev->GetMemoryInfo()->total, 46 * kGiB);

  std::vector<void*> buffers;
  for (int i = 0; i < 23; ++i) {
    runtime::BufferHints hints{runtime::BufferRole::kWeights, i < 12 ? "a" : "b", false};
    absl::StatusOr<void*> p = dev->Allocate(2 * kGiB, hints);
    ASSERT_TRUE(p.ok()) << i << ": " << p.status();
    buffers.push_back(*p);
  }
  EXPECT_EQ(dev->GetMemoryInfo()->free, 0u);
  absl::StatusOr<void*> over = dev->Allocate(2 * kMiB);
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(over.status().message().find(std::to_string(46 * kGiB)), std::string::npos)
      << over.status();

  // Placement: everything managed; the plan never exceeds the budget.
  for (void* p : buffers) EXPECT_EQ(dev->Describe(p)->placement, runtime::Placement::kManaged);
  EXPECT_EQ(dev->placement_counters().managed_allocations, 23u);
  EXPECT_LE(dev->Tiering().resident_bytes, 23 * kGiB);

  // The fake shows it: activating "a" (24 GiB > budget) fills the budget with
  // a, and a kernel reading all of "a" reads the rest over the link without
  // faulting or migrating anything.
  fake::FakeDevice* fake = fake::AsFakeDevice(&dev->device());
  ASSERT_NE(fake, nullptr);
  std::unique_ptr<hal::Stream> stream = *fake->CreateStream();
  ASSERT_TRUE(dev->Activate("a", stream.get()).ok());
  uint64_t resident = 0;
  for (int i = 0; i < 12; ++i) resident += *fake->ResidentBytes(buffers[i], 2 * kGiB);
  EXPECT_EQ(resident, 23 * kGiB);
  fake->ResetCounters();
  fake::KernelSpec kernel;
  for (int i = 0; i < 12; ++i) kernel.reads.push_back({buffers[i], 2 * kGiB});
  ASSERT_TRUE(fake->LaunchKernel(kernel, *stream).ok());
  const fake::FakeCounters c = fake->counters();
  EXPECT_EQ(c.faults, 0u);
  EXPECT_EQ(c.evictions, 0u);
  EXPECT_EQ(c.remote_bytes, 1 * kGiB);

  for (void* p : buffers) ASSERT_TRUE(dev->Free(p).ok());
  EXPECT_EQ(dev->GetMemoryInfo()->used, 0u);
  EXPECT_EQ(rt->ledger()->Used(0), 0u);
}

TEST_F(RuntimeTest, WithoutManagedMemoryOversubscriptionSpillsToHost) {
  config_.SetOversubscribe(true);
  ASSERT_TRUE(config_.SetMemoryLimit(std::nullopt, 96 * kMiB).ok());
  std::unique_ptr<Runtime> rt = Open("memory=64m,reserved=16m,managed=0");
  ASSERT_NE(rt, nullptr);
  runtime::VirtualDevice* dev = *rt->Device(0);
  absl::StatusOr<void*> a = dev->Allocate(32 * kMiB);
  absl::StatusOr<void*> b = dev->Allocate(32 * kMiB);
  ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
  EXPECT_EQ(dev->Describe(*a)->placement, runtime::Placement::kDevice);
  EXPECT_EQ(dev->Describe(*b)->placement, runtime::Placement::kHostSpill);
  absl::StatusOr<runtime::VirtualMemoryInfo> info = dev->GetMemoryInfo();
  EXPECT_EQ(info->device_used, 32 * kMiB);
  EXPECT_EQ(info->host_spill_used, 32 * kMiB);
  EXPECT_EQ(dev->Allocate(64 * kMiB).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(dev->Free(*a).ok());
  EXPECT_TRUE(dev->Free(*b).ok());
}

// The device has less room than its budget says (someone outside spillway
// took memory after the runtime opened): the allocation spills instead of
// failing.
TEST_F(RuntimeTest, DeviceOutOfMemoryBelowTheBudgetSpillsInstead) {
  config_.SetOversubscribe(true);
  ASSERT_TRUE(config_.SetMemoryLimit(std::nullopt, 96 * kMiB).ok());
  std::unique_ptr<Runtime> rt = Open("memory=64m,reserved=16m,managed=0");
  ASSERT_NE(rt, nullptr);
  runtime::VirtualDevice* dev = *rt->Device(0);
  hal::Device& raw = dev->device();
  absl::StatusOr<void*> outside = raw.Allocate(hal::MemoryKind::kDevice, 32 * kMiB);
  ASSERT_TRUE(outside.ok());
  absl::StatusOr<void*> p = dev->Allocate(24 * kMiB);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(dev->Describe(*p)->placement, runtime::Placement::kHostSpill);
  absl::StatusOr<runtime::VirtualMemoryInfo> info = dev->GetMemoryInfo();
  EXPECT_EQ(info->device_used, 0u);
  EXPECT_EQ(info->host_spill_used, 24 * kMiB);
  EXPECT_TRUE(dev->Free(*p).ok());
  EXPECT_TRUE(raw.Free(*outside).ok());
}

TEST_F(RuntimeTest, WithNeitherManagedNorMappedMemoryOversubscriptionIsRefused) {
  config_.SetOversubscribe(true);
  ASSERT_TRUE(config_.SetMemoryLimit(std::nullopt, 96 * kMiB).ok());
  std::unique_ptr<Runtime> rt = Open("memory=64m,reserved=16m,managed=0,host_mapped=0");
  ASSERT_NE(rt, nullptr);
  runtime::VirtualDevice* dev = *rt->Device(0);
  absl::StatusOr<void*> a = dev->Allocate(40 * kMiB);
  ASSERT_TRUE(a.ok());
  absl::StatusOr<void*> b = dev->Allocate(40 * kMiB);
  EXPECT_EQ(b.status().code(), absl::StatusCode::kFailedPrecondition) << b.status();
  EXPECT_EQ(dev->GetMemoryInfo()->used, 40 * kMiB);  // nothing leaked by the refusal
  EXPECT_TRUE(dev->Free(*a).ok());
}

TEST_F(RuntimeTest, BadApiInputIsAnErrorNeverACrash) {
  ASSERT_TRUE(config_.SetMemoryLimit(std::nullopt, 64 * kMiB).ok());
  std::unique_ptr<Runtime> rt = Open("memory=256m");
  ASSERT_NE(rt, nullptr);
  runtime::VirtualDevice* dev = *rt->Device(0);
  EXPECT_EQ(rt->Device(1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(rt->Device(-1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dev->Allocate(0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dev->Allocate(~0ull).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dev->Allocate(100 * kGiB).status().code(), absl::StatusCode::kResourceExhausted);
  int local = 0;
  EXPECT_EQ(dev->Free(&local).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dev->Free(nullptr).code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<void*> p = dev->Allocate(kMiB);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(dev->Free(*p).ok());
  EXPECT_EQ(dev->Free(*p).code(), absl::StatusCode::kInvalidArgument);  // double free
  EXPECT_EQ(dev->Activate("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dev->Activate("nobody").code(), absl::StatusCode::kNotFound);
  void* unknown[] = {&local};
  EXPECT_EQ(dev->Prefetch(unknown).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(rt->ledger()->Used(0), 0u);
}

TEST_F(RuntimeTest, BadDeviceUriAndMissingBackendAreClearErrors) {
  RuntimeOptions options;
  options.config = config_;
  options.registry = &Registry("memory=64m");
  options.devices = {"fake://3"};
  EXPECT_EQ(Runtime::Open(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.devices = {"cuda://0"};
  EXPECT_EQ(Runtime::Open(options).status().code(), absl::StatusCode::kNotFound);
  options.devices = {"fake://0", "fake://0"};
  EXPECT_EQ(Runtime::Open(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.devices = {"not a uri"};
  EXPECT_EQ(Runtime::Open(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RuntimeTest, LeftoverBuffersAndQuotaGoBackWhenTheRuntimeCloses) {
  ASSERT_TRUE(config_.SetMemoryLimit(std::nullopt, 64 * kMiB).ok());
  std::unique_ptr<Runtime> first = Open("memory=256m");
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE((*first->Device(0))->Allocate(32 * kMiB).ok());
  // A second process-like runtime sharing the ledger sees the usage...
  RuntimeOptions options;
  options.config = config_;
  options.registry = registry_.get();
  std::unique_ptr<Runtime> second = *Runtime::Open(options);
  EXPECT_EQ((*second->Device(0))->GetMemoryInfo()->used, 32 * kMiB);
  first.reset();
  // ...and sees it given back when the first one closes.
  EXPECT_EQ((*second->Device(0))->GetMemoryInfo()->used, 0u);
}

// Two processes share one limit through the ledger; a process killed with
// SIGKILL while holding memory gives its quota back to the survivor.
TEST_F(RuntimeTest, LimitHoldsAcrossProcessesAndAKilledProcessesQuotaIsReclaimed) {
  ASSERT_TRUE(config_.SetMemoryLimit(std::nullopt, 64 * kMiB).ok());
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    RuntimeOptions options;
    options.config = config_;
    options.registry = &Registry("memory=256m");
    absl::StatusOr<std::unique_ptr<Runtime>> rt = Runtime::Open(std::move(options));
    char ok = rt.ok() && (*(*rt)->Device(0))->Allocate(48 * kMiB).ok() ? 1 : 0;
    (void)!write(ready[1], &ok, 1);
    pause();  // holds its 48 MiB until killed
    _exit(0);
  }
  close(ready[1]);
  char ok = 0;
  ASSERT_EQ(read(ready[0], &ok, 1), 1);
  close(ready[0]);
  ASSERT_EQ(ok, 1);

  std::unique_ptr<Runtime> rt = Open("memory=256m");
  ASSERT_NE(rt, nullptr);
  runtime::VirtualDevice* dev = *rt->Device(0);
  EXPECT_EQ(dev->GetMemoryInfo()->used, 48 * kMiB);
  EXPECT_EQ(dev->Allocate(32 * kMiB).status().code(), absl::StatusCode::kResourceExhausted);

  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  // The next allocation that would fail reclaims the dead process's usage.
  absl::StatusOr<void*> p = dev->Allocate(32 * kMiB);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(dev->GetMemoryInfo()->used, 32 * kMiB);
  EXPECT_TRUE(dev->Free(*p).ok());
  EXPECT_EQ(rt->ledger()->Used(0), 0u);
}

}  // namespace
}  // namespace spillway
