#include "oversubscription_suite.h"

#include <unistd.h>

#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace spillway::runtime::oversubscription {

using ::testing::HasSubstr;

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kVirtualSize = 96 * kMiB;
constexpr uint64_t kDeviceBudget = 48 * kMiB;  // 64 MiB less the 16 MiB reserved

std::string OversubscriptionBackendName(
    const ::testing::TestParamInfo<OversubscriptionBackend>& info) {
  return info.param.name;
}

void RuntimeOversubscriptionTest::SetUp() {
  dir_ = std::filesystem::temp_directory_path() /
         ("spillway-oversubscription-" + GetParam().name + "-" + std::to_string(getpid()) + "-" +
          ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(dir_);
  ASSERT_TRUE(config_.SetLedgerPath((dir_ / "ledger").string()).ok());
  config_.SetOversubscribe(true);
  ASSERT_TRUE(config_.SetMemoryLimit(std::nullopt, kVirtualSize).ok());
}

void RuntimeOversubscriptionTest::TearDown() {
  runtime_.reset();
  registry_.reset();  // the backend, then its fake
  std::filesystem::remove_all(dir_);
}

VirtualDevice* RuntimeOversubscriptionTest::Open(const std::string& features) {
  const OversubscriptionBackend& backend = GetParam();
  registry_ = std::make_unique<hal::Registry>();
  absl::Status registered = registry_->Register(
      backend.name, backend.fake("devices=1,memory=64m,reserved=16m," + features));
  EXPECT_TRUE(registered.ok()) << registered;
  RuntimeOptions options;
  options.config = config_;
  options.registry = registry_.get();
  options.devices = {backend.name + "://0"};
  absl::StatusOr<std::unique_ptr<Runtime>> rt = Runtime::Open(std::move(options));
  EXPECT_TRUE(rt.ok()) << rt.status();
  if (!rt.ok()) return nullptr;
  runtime_ = *std::move(rt);
  absl::StatusOr<VirtualDevice*> dev = runtime_->Device(0);
  EXPECT_TRUE(dev.ok()) << dev.status();
  if (!dev.ok()) return nullptr;
  EXPECT_EQ((*dev)->device().uri(), backend.name + "://0");
  return *dev;
}

void RuntimeOversubscriptionTest::ExpectUsable(VirtualDevice& dev, void* ptr, uint64_t size,
                                               uint8_t seed) {
  std::vector<uint8_t> bytes(size), out(size);
  for (uint64_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(i * 13 + seed);
  ASSERT_TRUE(dev.device().Copy(ptr, bytes.data(), size).ok());
  ASSERT_TRUE(dev.device().Copy(out.data(), ptr, size).ok());
  EXPECT_EQ(out, bytes);
}

namespace {

// What the ledger says when an allocation would pass the virtual size.
void ExpectRefusedByTheLimit(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_THAT(status.message(), HasSubstr("limit " + std::to_string(kVirtualSize) + " bytes"));
}

TEST_P(RuntimeOversubscriptionTest, ManagedMemoryCarriesTheVirtualSize) {
  VirtualDevice* dev = Open("managed=1");
  ASSERT_NE(dev, nullptr);
  const std::string& no_managed = GetParam().no_managed_memory;
  if (!no_managed.empty()) {
    EXPECT_FALSE(dev->device().properties().Has(hal::kCapManagedMemory));
    GTEST_SKIP() << GetParam().name << " has no managed memory: " << no_managed;
  }
  ASSERT_TRUE(dev->device().properties().Has(hal::kCapManagedMemory));
  EXPECT_TRUE(dev->options().oversubscribe);
  EXPECT_EQ(dev->options().device_budget, kDeviceBudget);
  EXPECT_EQ(dev->GetMemoryInfo()->total, kVirtualSize);

  // Three 32 MiB weights, two of group "a" (64 MiB, more than the budget):
  // all managed, though the first would fit on the device.
  std::vector<void*> buffers;
  for (int i = 0; i < 3; ++i) {
    if (i == 2) {
      // 32 MiB are left: a larger request is refused and takes nothing.
      ExpectRefusedByTheLimit(dev->Allocate(48 * kMiB).status());
      EXPECT_EQ(dev->GetMemoryInfo()->used, 64 * kMiB);
    }
    BufferHints hints{BufferRole::kWeights, i < 2 ? "a" : "b", false};
    absl::StatusOr<void*> p = dev->Allocate(32 * kMiB, hints);
    ASSERT_TRUE(p.ok()) << i << ": " << p.status();
    EXPECT_EQ(dev->Describe(*p)->placement, Placement::kManaged);
    EXPECT_EQ(dev->device().Classify(*p), hal::Endpoint::kManaged);
    buffers.push_back(*p);
  }
  EXPECT_EQ(dev->placement_counters().managed_allocations, 3u);
  // The limit holds: nothing more fits in the virtual size.
  EXPECT_EQ(dev->GetMemoryInfo()->used, kVirtualSize);
  EXPECT_EQ(dev->GetMemoryInfo()->free, 0u);
  ExpectRefusedByTheLimit(dev->Allocate(kMiB).status());

  // Activating "a" plans no more than the budget resident, moving data with
  // the backend's advice and prefetch.
  ASSERT_TRUE(dev->Activate("a").ok());
  EXPECT_LE(dev->Tiering().resident_bytes, kDeviceBudget);
  EXPECT_GT(dev->Tiering().counters.prefetch_calls, 0u);
  for (size_t i = 0; i < buffers.size(); ++i) {
    ExpectUsable(*dev, buffers[i], 32 * kMiB, static_cast<uint8_t>(i));
  }
  for (void* p : buffers) EXPECT_TRUE(dev->Free(p).ok());
  EXPECT_EQ(dev->GetMemoryInfo()->used, 0u);
}

TEST_P(RuntimeOversubscriptionTest, WithoutManagedMemoryTheOverflowSpillsToMappedHostMemory) {
  VirtualDevice* dev = Open("managed=0");
  ASSERT_NE(dev, nullptr);
  ASSERT_FALSE(dev->device().properties().Has(hal::kCapManagedMemory));
  ASSERT_TRUE(dev->device().properties().Has(hal::kCapHostMappedMemory));

  absl::StatusOr<void*> a = dev->Allocate(32 * kMiB);
  absl::StatusOr<void*> b = dev->Allocate(32 * kMiB);  // does not fit the 16 MiB left
  ASSERT_TRUE(a.ok() && b.ok()) << a.status() << " " << b.status();
  EXPECT_EQ(dev->Describe(*a)->placement, Placement::kDevice);
  EXPECT_EQ(dev->Describe(*b)->placement, Placement::kHostSpill);
  EXPECT_EQ(dev->device().Classify(*b), hal::Endpoint::kPinnedHost);
  // Host spill is host memory: the CPU writes it, the device reads it.
  std::memset(*b, 0x3c, kMiB);
  std::vector<uint8_t> read(kMiB);
  ASSERT_TRUE(dev->device().Copy(read.data(), *b, kMiB).ok());
  EXPECT_EQ(read, std::vector<uint8_t>(kMiB, 0x3c));
  ExpectUsable(*dev, *a, 32 * kMiB, 1);
  ExpectUsable(*dev, *b, 32 * kMiB, 2);

  absl::StatusOr<VirtualMemoryInfo> info = dev->GetMemoryInfo();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->device_used, 32 * kMiB);
  EXPECT_EQ(info->host_spill_used, 32 * kMiB);
  EXPECT_LE(info->device_used, dev->options().device_budget);
  EXPECT_EQ(dev->placement_counters().device_allocations, 1u);
  EXPECT_EQ(dev->placement_counters().host_spill_allocations, 1u);
  // The limit holds: 64 MiB used of 96 MiB, so 64 MiB more does not fit.
  ExpectRefusedByTheLimit(dev->Allocate(64 * kMiB).status());
  EXPECT_TRUE(dev->Free(*a).ok());
  EXPECT_TRUE(dev->Free(*b).ok());
  EXPECT_EQ(dev->GetMemoryInfo()->used, 0u);
}

TEST_P(RuntimeOversubscriptionTest, WithNeitherManagedNorMappedMemoryTheOverflowIsRefused) {
  VirtualDevice* dev = Open("managed=0,host_mapped=0");
  ASSERT_NE(dev, nullptr);
  ASSERT_FALSE(dev->device().properties().Has(hal::kCapManagedMemory));
  ASSERT_FALSE(dev->device().properties().Has(hal::kCapHostMappedMemory));
  absl::StatusOr<void*> a = dev->Allocate(40 * kMiB);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(dev->Describe(*a)->placement, Placement::kDevice);
  absl::StatusOr<void*> b = dev->Allocate(40 * kMiB);
  EXPECT_EQ(b.status().code(), absl::StatusCode::kFailedPrecondition) << b.status();
  EXPECT_THAT(b.status().message(), HasSubstr("host-mapped"));
  EXPECT_EQ(dev->GetMemoryInfo()->used, 40 * kMiB);  // the refusal took nothing
  EXPECT_EQ(dev->placement_counters().refused, 1u);
  EXPECT_TRUE(dev->Free(*a).ok());
}

}  // namespace
}  // namespace spillway::runtime::oversubscription
