// The preload shim's accounting on its own: quotas from the configuration,
// placement of device allocations, spill, the memory view, and grants.
#include "accounting.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "shim_settings.h"
#include "spillway/runtime/config.h"

namespace spillway::interpose {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
using runtime::UsageKind;

class AccountingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/spillway-shim-accounting-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    // Ledger files and their lock sidecars.
    for (const char* suffix : {"", ".lock"}) unlink((ledger() + suffix).c_str());
    rmdir(dir_.c_str());
  }
  std::string ledger() const { return dir_ + "/ledger"; }

  runtime::RuntimeConfig Config(uint64_t limit, bool oversubscribe) {
    runtime::RuntimeConfig config;
    EXPECT_TRUE(config.SetLedgerPath(ledger()).ok());
    if (limit != 0) {
      EXPECT_TRUE(config.SetMemoryLimit(std::nullopt, limit).ok());
    }
    config.SetOversubscribe(oversubscribe);
    return config;
  }

  std::unique_ptr<Accounting> Open(const runtime::RuntimeConfig& config,
                                   std::vector<uint64_t> physical) {
    absl::StatusOr<std::unique_ptr<Accounting>> accounting = Accounting::Open(config, physical);
    EXPECT_TRUE(accounting.ok()) << accounting.status();
    return accounting.ok() ? *std::move(accounting) : nullptr;
  }

  std::string dir_;
};

TEST_F(AccountingTest, LimitBelowTheDeviceIsTheVirtualSize) {
  std::unique_ptr<Accounting> a = Open(Config(64 * kMiB, false), {256 * kMiB, 256 * kMiB});
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->device_count(), 2);
  for (int d = 0; d < 2; ++d) {
    EXPECT_EQ(a->quota(d).virtual_size, 64 * kMiB);
    EXPECT_EQ(a->quota(d).device_budget, 64 * kMiB);
    EXPECT_FALSE(a->quota(d).oversubscribed);
  }
  EXPECT_FALSE(a->Governs(2));
  EXPECT_FALSE(a->Governs(-1));
}

TEST_F(AccountingTest, WithoutOversubscriptionALimitAboveTheDeviceIsClamped) {
  std::unique_ptr<Accounting> a = Open(Config(512 * kMiB, false), {256 * kMiB});
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->quota(0).virtual_size, 256 * kMiB);
  EXPECT_FALSE(a->quota(0).oversubscribed);
}

TEST_F(AccountingTest, DeviceAllocationsStopAtTheLimit) {
  std::unique_ptr<Accounting> a = Open(Config(64 * kMiB, false), {256 * kMiB});
  ASSERT_NE(a, nullptr);
  for (int i = 0; i < 8; ++i) {
    absl::StatusOr<Placement> p = a->ReserveDeviceAllocation(0, 8 * kMiB);
    ASSERT_TRUE(p.ok()) << i << ": " << p.status();
    EXPECT_EQ(*p, Placement::kDevice);
  }
  absl::StatusOr<Placement> refused = a->ReserveDeviceAllocation(0, 1);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted) << refused.status();
  a->Release(0, UsageKind::kDevice, 8 * kMiB);
  EXPECT_TRUE(a->ReserveDeviceAllocation(0, 8 * kMiB).ok());
}

TEST_F(AccountingTest, OversubscribedDevicesSpillBeyondTheBudget) {
  std::unique_ptr<Accounting> a = Open(Config(512 * kMiB, true), {256 * kMiB});
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->quota(0).virtual_size, 512 * kMiB);
  EXPECT_EQ(a->quota(0).device_budget, 256 * kMiB);
  EXPECT_TRUE(a->quota(0).oversubscribed);
  std::vector<Placement> placements;
  for (int i = 0; i < 16; ++i) {
    absl::StatusOr<Placement> p = a->ReserveDeviceAllocation(0, 32 * kMiB);
    ASSERT_TRUE(p.ok()) << i << ": " << p.status();
    placements.push_back(*p);
  }
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(placements[i], i < 8 ? Placement::kDevice : Placement::kManaged) << i;
  }
  EXPECT_EQ(a->ledger().Used(0, UsageKind::kDevice), 256 * kMiB);
  EXPECT_EQ(a->ledger().Used(0, UsageKind::kManaged), 256 * kMiB);
  EXPECT_EQ(a->ReserveDeviceAllocation(0, 1).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST_F(AccountingTest, MovingToManagedFreesTheBudgetNotTheLimit) {
  std::unique_ptr<Accounting> a = Open(Config(512 * kMiB, true), {256 * kMiB});
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->Reserve(0, UsageKind::kDevice, 256 * kMiB).ok());
  EXPECT_EQ(a->ReserveDeviceAllocation(0, kMiB).value_or(Placement::kDevice), Placement::kManaged);
  ASSERT_TRUE(a->MoveToManaged(0, 64 * kMiB).ok());
  EXPECT_EQ(a->ledger().Used(0, UsageKind::kDevice), 192 * kMiB);
  EXPECT_EQ(a->ReserveDeviceAllocation(0, kMiB).value_or(Placement::kManaged), Placement::kDevice);
  EXPECT_EQ(a->ledger().Used(0), 258 * kMiB);
}

TEST_F(AccountingTest, ViewNeverShowsMoreThanTotalOrLessThanZero) {
  std::unique_ptr<Accounting> a = Open(Config(64 * kMiB, false), {256 * kMiB});
  ASSERT_NE(a, nullptr);
  MemoryView empty = a->View(0, 256 * kMiB);
  EXPECT_EQ(empty.total, 64 * kMiB);
  EXPECT_EQ(empty.free, 64 * kMiB);
  // The driver has less free than the quota leaves (someone outside the
  // ledger uses the device): the smaller figure wins.
  EXPECT_EQ(a->View(0, 10 * kMiB).free, 10 * kMiB);
  ASSERT_TRUE(a->Reserve(0, UsageKind::kDevice, 64 * kMiB).ok());
  MemoryView full = a->View(0, 256 * kMiB);
  EXPECT_EQ(full.free, 0u);
  EXPECT_EQ(full.total, 64 * kMiB);
  EXPECT_EQ(a->View(5, 256 * kMiB).total, 0u);  // not governed: nothing to say
}

TEST_F(AccountingTest, OversubscribedViewIgnoresTheDriversFreeMemory) {
  std::unique_ptr<Accounting> a = Open(Config(512 * kMiB, true), {256 * kMiB});
  ASSERT_NE(a, nullptr);
  MemoryView view = a->View(0, 3 * kMiB);
  EXPECT_EQ(view.total, 512 * kMiB);
  EXPECT_EQ(view.free, 512 * kMiB);
}

TEST_F(AccountingTest, ProcessesSharingALedgerShareTheLimit) {
  std::unique_ptr<Accounting> first = Open(Config(64 * kMiB, false), {256 * kMiB});
  std::unique_ptr<Accounting> second = Open(Config(64 * kMiB, false), {256 * kMiB});
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first->ReserveDeviceAllocation(0, 40 * kMiB).ok());
  EXPECT_EQ(second->View(0, 256 * kMiB).free, 24 * kMiB);
  EXPECT_EQ(second->ReserveDeviceAllocation(0, 32 * kMiB).status().code(),
            absl::StatusCode::kResourceExhausted);
  first.reset();  // detaching gives its usage back
  EXPECT_TRUE(second->ReserveDeviceAllocation(0, 64 * kMiB).ok());
}

TEST_F(AccountingTest, GrantsAreFoundOnceAndTablesAreSeparate) {
  std::unique_ptr<Accounting> a = Open(Config(64 * kMiB, false), {256 * kMiB});
  ASSERT_NE(a, nullptr);
  a->Track(Accounting::Table::kPointer, 0x1000, Grant{0, 4096, UsageKind::kDevice, false});
  EXPECT_FALSE(a->Find(Accounting::Table::kVmmHandle, 0x1000).has_value());
  std::optional<Grant> found = a->Find(Accounting::Table::kPointer, 0x1000);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->bytes, 4096u);
  EXPECT_TRUE(a->Untrack(Accounting::Table::kPointer, 0x1000).has_value());
  EXPECT_FALSE(a->Untrack(Accounting::Table::kPointer, 0x1000).has_value());
}

TEST_F(AccountingTest, PrimaryContextIsChargedFromFirstRetainToLastRelease) {
  std::unique_ptr<Accounting> a = Open(Config(64 * kMiB, false), {256 * kMiB});
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->RetainPrimary(0, 16 * kMiB).ok());
  ASSERT_TRUE(a->RetainPrimary(0, 16 * kMiB).ok());
  EXPECT_EQ(a->ledger().Used(0), 16 * kMiB);
  a->ReleasePrimary(0, 16 * kMiB);
  EXPECT_EQ(a->ledger().Used(0), 16 * kMiB);
  a->ReleasePrimary(0, 16 * kMiB);
  EXPECT_EQ(a->ledger().Used(0), 0u);
  a->ReleasePrimary(0, 16 * kMiB);  // one release too many: nothing to give back
  EXPECT_EQ(a->ledger().Used(0), 0u);
  ASSERT_TRUE(a->RetainPrimary(0, 16 * kMiB).ok());
  ASSERT_TRUE(a->RetainPrimary(0, 16 * kMiB).ok());
  a->ResetPrimary(0, 16 * kMiB);
  EXPECT_EQ(a->ledger().Used(0), 0u);
  // A context the quota cannot hold is refused and not counted.
  ASSERT_TRUE(a->Reserve(0, UsageKind::kDevice, 60 * kMiB).ok());
  EXPECT_EQ(a->RetainPrimary(0, 16 * kMiB).code(), absl::StatusCode::kResourceExhausted);
  a->ReleasePrimary(0, 16 * kMiB);
  EXPECT_EQ(a->ledger().Used(0), 60 * kMiB);
}

TEST(ShimSettingsTest, NothingConfiguredGovernsNothing) {
  absl::StatusOr<ShimSettings> s = ShimSettingsFromEnvironment({{"PATH", "/bin"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(s->governs);
  EXPECT_EQ(s->context_bytes, 0u);
}

TEST(ShimSettingsTest, AnyLimitOrLedgerGoverns) {
  for (const runtime::Environment& env : std::vector<runtime::Environment>{
           {{"CUDA_DEVICE_MEMORY_LIMIT", "1g"}},
           {{"CUDA_DEVICE_MEMORY_LIMIT_3", "100m"}},
           {{"CUDA_OVERSUBSCRIBE", "true"}},
           {{"SPILLWAY_VIRTUAL_SIZE", "40g"}},
           {{"SPILLWAY_DEVICE_HEADROOM_1", "1g"}},
           {{"CUDA_DEVICE_MEMORY_SHARED_CACHE", "/tmp/x.ledger"}},
       }) {
    absl::StatusOr<ShimSettings> s = ShimSettingsFromEnvironment(env);
    ASSERT_TRUE(s.ok()) << env.begin()->first << ": " << s.status();
    EXPECT_TRUE(s->governs) << env.begin()->first;
  }
}

TEST(ShimSettingsTest, MalformedValuesAreRefusedNamingTheVariable) {
  for (const runtime::Environment& env : std::vector<runtime::Environment>{
           {{"CUDA_DEVICE_MEMORY_LIMIT", "12x"}},
           {{"SPILLWAY_CUDA_CONTEXT_SIZE", "-1"}},
           {{"CUDA_OVERSUBSCRIBE", "maybe"}},
       }) {
    absl::StatusOr<ShimSettings> s = ShimSettingsFromEnvironment(env);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << env.begin()->first;
    EXPECT_NE(s.status().message().find(env.begin()->first), std::string::npos) << s.status();
  }
}

TEST(ShimSettingsTest, ContextSizeIsASize) {
  absl::StatusOr<ShimSettings> s =
      ShimSettingsFromEnvironment({{"SPILLWAY_CUDA_CONTEXT_SIZE", "300m"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->context_bytes, 300 * kMiB);
}

}  // namespace
}  // namespace spillway::interpose
