// The runtime's oversubscription on the Level Zero backend, through the real
// loader and the fake driver: the managed path (shared allocations) on a
// device that has them, the pinned-host spill path on one without, and the
// limit holding on both.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fake_level_zero.h"
#include "gtest/gtest.h"
#include "spillway/backends/levelzero/levelzero_backend.h"
#include "spillway/runtime.h"

namespace spillway {
namespace {

using ::spillway::levelzero::testing::FakeLevelZero;

constexpr uint64_t kMiB = 1ull << 20;

class LevelZeroOversubscriptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("spillway-levelzero-oversubscription-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(config_.SetLedgerPath((dir_ / "ledger").string()).ok());
    config_.SetOversubscribe(true);
    // 96 MiB of virtual memory over 48 MiB usable (64 MiB less 16 MiB reserved).
    ASSERT_TRUE(config_.SetMemoryLimit(std::nullopt, 96 * kMiB).ok());
  }
  void TearDown() override {
    runtime_.reset();
    registry_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A runtime over "levelzero://0" of a fresh copy of the fake with `spec`.
  runtime::VirtualDevice* Open(const std::string& spec) {
    // Sysman on, as docs/backends.md asks: the runtime sizes the device
    // budget from the free memory the backend reports.
    fake_ = std::make_unique<FakeLevelZero>(spec, /*sysman=*/true);
    registry_ = std::make_unique<hal::Registry>();
    FakeLevelZero* fake = fake_.get();
    EXPECT_TRUE(registry_->Register("levelzero", [fake] { return fake->CreateBackend(); }).ok());
    RuntimeOptions options;
    options.config = config_;
    options.registry = registry_.get();
    options.devices = {"levelzero://0"};
    absl::StatusOr<std::unique_ptr<Runtime>> rt = Runtime::Open(std::move(options));
    EXPECT_TRUE(rt.ok()) << rt.status();
    if (!rt.ok()) return nullptr;
    runtime_ = std::move(*rt);
    absl::StatusOr<runtime::VirtualDevice*> dev = runtime_->Device(0);
    EXPECT_TRUE(dev.ok()) << dev.status();
    return dev.ok() ? *dev : nullptr;
  }

  // Writes a pattern through the device, reads it back, and compares.
  void ExpectUsable(runtime::VirtualDevice& dev, void* ptr, uint64_t size, uint8_t seed) {
    std::vector<uint8_t> bytes(size), out(size);
    for (uint64_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(i * 13 + seed);
    ASSERT_TRUE(dev.device().Copy(ptr, bytes.data(), size).ok());
    ASSERT_TRUE(dev.device().Copy(out.data(), ptr, size).ok());
    EXPECT_EQ(out, bytes);
  }

  std::filesystem::path dir_;
  runtime::RuntimeConfig config_;
  std::unique_ptr<FakeLevelZero> fake_;
  std::unique_ptr<hal::Registry> registry_;
  std::unique_ptr<Runtime> runtime_;
};

TEST_F(LevelZeroOversubscriptionTest, ManagedMemoryCarriesTheVirtualSize) {
  runtime::VirtualDevice* dev = Open("devices=1,memory=64m,reserved=16m,managed=1");
  ASSERT_NE(dev, nullptr);
  EXPECT_TRUE(dev->options().oversubscribe);
  EXPECT_EQ(dev->options().device_budget, 48 * kMiB);
  EXPECT_EQ(dev->GetMemoryInfo()->total, 96 * kMiB);

  std::vector<void*> buffers;
  for (int i = 0; i < 3; ++i) {
    runtime::BufferHints hints{runtime::BufferRole::kWeights, i < 2 ? "a" : "b", false};
    absl::StatusOr<void*> p = dev->Allocate(32 * kMiB, hints);
    ASSERT_TRUE(p.ok()) << i << ": " << p.status();
    EXPECT_EQ(dev->Describe(*p)->placement, runtime::Placement::kManaged);
    EXPECT_EQ(dev->device().Classify(*p), hal::Endpoint::kManaged);
    buffers.push_back(*p);
  }
  // The limit holds: nothing more fits in the virtual size.
  EXPECT_EQ(dev->GetMemoryInfo()->free, 0u);
  absl::StatusOr<void*> over = dev->Allocate(kMiB);
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted) << over.status();

  // Activating "a" (64 MiB, more than the 48 MiB budget) plans no more than
  // the budget resident, moving data with Level Zero's advice and prefetch.
  ASSERT_TRUE(dev->Activate("a").ok());
  EXPECT_LE(dev->Tiering().resident_bytes, 48 * kMiB);
  EXPECT_GT(dev->Tiering().counters.prefetch_calls, 0u);
  for (size_t i = 0; i < buffers.size(); ++i) {
    ExpectUsable(*dev, buffers[i], 32 * kMiB, static_cast<uint8_t>(i));
  }
  for (void* p : buffers) ASSERT_TRUE(dev->Free(p).ok());
  EXPECT_EQ(dev->GetMemoryInfo()->used, 0u);
}

TEST_F(LevelZeroOversubscriptionTest, WithoutManagedMemoryTheOverflowSpillsToPinnedHost) {
  runtime::VirtualDevice* dev = Open("devices=1,memory=64m,reserved=16m,managed=0");
  ASSERT_NE(dev, nullptr);
  EXPECT_FALSE(dev->device().properties().Has(hal::kCapManagedMemory));
  absl::StatusOr<void*> a = dev->Allocate(32 * kMiB);
  absl::StatusOr<void*> b = dev->Allocate(32 * kMiB);
  ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
  EXPECT_EQ(dev->Describe(*a)->placement, runtime::Placement::kDevice);
  EXPECT_EQ(dev->Describe(*b)->placement, runtime::Placement::kHostSpill);
  EXPECT_EQ(dev->device().Classify(*b), hal::Endpoint::kPinnedHost);
  absl::StatusOr<runtime::VirtualMemoryInfo> info = dev->GetMemoryInfo();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->device_used, 32 * kMiB);
  EXPECT_EQ(info->host_spill_used, 32 * kMiB);
  // The limit holds: 64 MiB used of 96 MiB, so 64 MiB more does not fit.
  EXPECT_EQ(dev->Allocate(64 * kMiB).status().code(), absl::StatusCode::kResourceExhausted);
  ExpectUsable(*dev, *a, 32 * kMiB, 1);
  ExpectUsable(*dev, *b, 32 * kMiB, 2);
  EXPECT_TRUE(dev->Free(*a).ok());
  EXPECT_TRUE(dev->Free(*b).ok());
  EXPECT_EQ(dev->GetMemoryInfo()->used, 0u);
}

}  // namespace
}  // namespace spillway
