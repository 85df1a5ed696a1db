// spillway::Runtime oversubscribing an Ascend device through the real backend
// and the CPU fake of libascendcl.so: managed (UVM) memory where the device
// has it (CANN 9), pinned host spill where it can map host memory, and a
// clear refusal where it can do neither. The limit holds in every case.
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "ascend_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spillway/backends/ascend/ascend_backend.h"
#include "spillway/hal/registry.h"
#include "spillway/runtime.h"

namespace spillway {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kMiB = uint64_t{1} << 20;

class AscendOversubscriptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("spillway-ascend-oversubscription-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(config_.SetLedgerPath((dir_ / "ledger").string()).ok());
    config_.SetOversubscribe(true);
    // 96 MiB virtual on a 64 MiB card with 48 MiB usable.
    ASSERT_TRUE(config_.SetMemoryLimit(std::nullopt, 96 * kMiB).ok());
  }
  void TearDown() override {
    runtime_.reset();
    registry_.reset();  // the backend, then aclFinalize
    std::filesystem::remove_all(dir_);
  }

  // The runtime over ascend://0 of a fake with `spec`.
  runtime::VirtualDevice* Open(const std::string& spec) {
    ascend::testing::ScopedEnv library(ascend::kAscendLibraryEnvVar, SPILLWAY_FAKE_ASCENDCL);
    ascend::testing::ScopedEnv fake_spec(fake::kFakeSpecEnvVar, spec);
    registry_ = std::make_unique<hal::Registry>();
    EXPECT_TRUE(ascend::RegisterAscendBackend(*registry_).ok());
    RuntimeOptions options;
    options.config = config_;
    options.registry = registry_.get();
    options.devices = {"ascend://0"};
    absl::StatusOr<std::unique_ptr<Runtime>> rt = Runtime::Open(std::move(options));
    EXPECT_TRUE(rt.ok()) << rt.status();
    if (!rt.ok()) return nullptr;
    runtime_ = *std::move(rt);
    runtime::VirtualDevice* dev = *runtime_->Device(0);
    EXPECT_EQ(dev->device().uri(), "ascend://0");
    return dev;
  }

  // Writes a pattern through the HAL and reads it back: the placement is
  // usable memory, not just a number.
  static void ExpectRoundTrip(runtime::VirtualDevice& dev, void* ptr, size_t size) {
    std::vector<uint8_t> in(size);
    for (size_t i = 0; i < size; ++i) in[i] = static_cast<uint8_t>(i * 13 + 5);
    std::vector<uint8_t> out(size, 0);
    ASSERT_TRUE(dev.device().Copy(ptr, in.data(), size).ok());
    ASSERT_TRUE(dev.device().Copy(out.data(), ptr, size).ok());
    EXPECT_EQ(out, in);
  }

  std::filesystem::path dir_;
  runtime::RuntimeConfig config_;
  std::unique_ptr<hal::Registry> registry_;
  std::unique_ptr<Runtime> runtime_;
};

TEST_F(AscendOversubscriptionTest, WithUvmBeyondTheBudgetIsManaged) {
  runtime::VirtualDevice* dev = Open("memory=64m,reserved=16m");
  ASSERT_NE(dev, nullptr);
  ASSERT_TRUE(dev->device().properties().Has(hal::kCapManagedMemory));
  EXPECT_EQ(dev->options().device_budget, 48 * kMiB);
  EXPECT_EQ(dev->GetMemoryInfo()->total, 96 * kMiB);

  absl::StatusOr<void*> a = dev->Allocate(40 * kMiB);
  absl::StatusOr<void*> b = dev->Allocate(40 * kMiB);  // 80 MiB > 48 MiB budget
  ASSERT_TRUE(a.ok() && b.ok()) << a.status() << " " << b.status();
  EXPECT_EQ(dev->Describe(*a)->placement, runtime::Placement::kManaged);
  EXPECT_EQ(dev->Describe(*b)->placement, runtime::Placement::kManaged);
  EXPECT_EQ(dev->device().Classify(*b), hal::Endpoint::kManaged);
  ExpectRoundTrip(*dev, *b, 4 * kMiB);

  // The limit holds: 16 MiB are left of the 96.
  absl::StatusOr<void*> over = dev->Allocate(32 * kMiB);
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted) << over.status();
  EXPECT_EQ(dev->GetMemoryInfo()->used, 80 * kMiB);
  EXPECT_EQ(dev->placement_counters().managed_allocations, 2u);
  EXPECT_TRUE(dev->Free(*a).ok());
  EXPECT_TRUE(dev->Free(*b).ok());
  EXPECT_EQ(dev->GetMemoryInfo()->used, 0u);
}

TEST_F(AscendOversubscriptionTest, WithoutUvmBeyondTheBudgetSpillsToMappedHostMemory) {
  runtime::VirtualDevice* dev = Open("memory=64m,reserved=16m,managed=0");
  ASSERT_NE(dev, nullptr);
  ASSERT_FALSE(dev->device().properties().Has(hal::kCapManagedMemory));
  ASSERT_TRUE(dev->device().properties().Has(hal::kCapHostMappedMemory));

  absl::StatusOr<void*> a = dev->Allocate(32 * kMiB);
  absl::StatusOr<void*> b = dev->Allocate(32 * kMiB);  // does not fit the 16 MiB left
  ASSERT_TRUE(a.ok() && b.ok()) << a.status() << " " << b.status();
  EXPECT_EQ(dev->Describe(*a)->placement, runtime::Placement::kDevice);
  EXPECT_EQ(dev->Describe(*b)->placement, runtime::Placement::kHostSpill);
  EXPECT_EQ(dev->device().Classify(*b), hal::Endpoint::kPinnedHost);
  // Host spill is host memory: the CPU writes it, the device reads it.
  std::memset(*b, 0x3c, kMiB);
  std::vector<uint8_t> read(kMiB);
  ASSERT_TRUE(dev->device().Copy(read.data(), *b, kMiB).ok());
  EXPECT_EQ(read, std::vector<uint8_t>(kMiB, 0x3c));
  ExpectRoundTrip(*dev, *a, 4 * kMiB);

  absl::StatusOr<runtime::VirtualMemoryInfo> info = dev->GetMemoryInfo();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->device_used, 32 * kMiB);
  EXPECT_EQ(info->host_spill_used, 32 * kMiB);
  EXPECT_LE(info->device_used, dev->options().device_budget);
  EXPECT_EQ(dev->Allocate(64 * kMiB).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(dev->Free(*a).ok());
  EXPECT_TRUE(dev->Free(*b).ok());
  EXPECT_EQ(dev->GetMemoryInfo()->used, 0u);
}

TEST_F(AscendOversubscriptionTest, WithNeitherUvmNorMappingBeyondTheBudgetIsRefused) {
  runtime::VirtualDevice* dev = Open("memory=64m,reserved=16m,managed=0,host_mapped=0");
  ASSERT_NE(dev, nullptr);
  absl::StatusOr<void*> a = dev->Allocate(40 * kMiB);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(dev->Describe(*a)->placement, runtime::Placement::kDevice);
  absl::StatusOr<void*> b = dev->Allocate(40 * kMiB);
  EXPECT_EQ(b.status().code(), absl::StatusCode::kFailedPrecondition) << b.status();
  EXPECT_THAT(b.status().message(), HasSubstr("host-mapped"));
  EXPECT_EQ(dev->GetMemoryInfo()->used, 40 * kMiB);  // the refusal took nothing
  EXPECT_TRUE(dev->Free(*a).ok());
}

}  // namespace
}  // namespace spillway
