// The traps of Level Zero (vendor-abi.md section 5, docs/hal.md 2.5): its own
// advice numbering with no accessed-by, allocations beyond maxMemAllocSize,
// fills of memory that is no USM allocation, kernel timestamps that wrap,
// events that would wait forever, and free memory that only Sysman knows.
// The fake driver refuses each wrong argument as a careful driver would.
#include <cstring>
#include <memory>
#include <vector>

#include "fake_level_zero.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "levelzero_device.h"
#include "spillway/backends/levelzero/ze_abi.h"
#include "spillway/hal/dynamic_library.h"
#include "vendor_fake_suite.h"

namespace spillway::levelzero {
namespace {

using ::spillway::hal::vendor_fake::VendorCallerMemoryTest;
using ::spillway::hal::vendor_fake::VendorFake;
using ::spillway::hal::vendor_fake::VendorFakeName;
using ::spillway::levelzero::testing::FakeLevelZero;

constexpr size_t kMiB = size_t{1} << 20;

// The application's own view of one loaded copy of the loader.
struct LevelZeroApi {
  std::unique_ptr<hal::DynamicLibrary> library;
  abi::Fn_zeDriverGet* zeDriverGet = nullptr;
  abi::Fn_zeDeviceGet* zeDeviceGet = nullptr;
  abi::Fn_zeContextCreate* zeContextCreate = nullptr;
  abi::Fn_zeContextDestroy* zeContextDestroy = nullptr;
  abi::Fn_zeMemAllocDevice* zeMemAllocDevice = nullptr;
  abi::Fn_zeMemFree* zeMemFree = nullptr;
  abi::ze_device_handle_t device = nullptr;
  abi::ze_context_handle_t context = nullptr;

  ~LevelZeroApi() {
    if (context != nullptr) (void)zeContextDestroy(context);
  }
};

// Opens device 0 of the loader copy that `backend` already initialized.
std::unique_ptr<LevelZeroApi> OpenApi(const std::string& loader) {
  auto api = std::make_unique<LevelZeroApi>();
  absl::StatusOr<std::unique_ptr<hal::DynamicLibrary>> library =
      hal::DynamicLibrary::Load({loader});
  EXPECT_TRUE(library.ok()) << library.status();
  if (!library.ok()) return nullptr;
  api->library = std::move(*library);
  EXPECT_TRUE(api->library->Resolve("zeDriverGet", api->zeDriverGet).ok());
  EXPECT_TRUE(api->library->Resolve("zeDeviceGet", api->zeDeviceGet).ok());
  EXPECT_TRUE(api->library->Resolve("zeContextCreate", api->zeContextCreate).ok());
  EXPECT_TRUE(api->library->Resolve("zeContextDestroy", api->zeContextDestroy).ok());
  EXPECT_TRUE(api->library->Resolve("zeMemAllocDevice", api->zeMemAllocDevice).ok());
  EXPECT_TRUE(api->library->Resolve("zeMemFree", api->zeMemFree).ok());
  uint32_t count = 1;
  abi::ze_driver_handle_t driver = nullptr;
  EXPECT_EQ(api->zeDriverGet(&count, &driver), abi::kSuccess);
  count = 1;
  EXPECT_EQ(api->zeDeviceGet(driver, &count, &api->device), abi::kSuccess);
  const abi::ze_context_desc_t desc = {abi::kStructureTypeContextDesc, nullptr, 0};
  EXPECT_EQ(api->zeContextCreate(driver, &desc, &api->context), abi::kSuccess);
  return api;
}

TEST(LevelZeroTrapsTest, AdviceUsesLevelZerosOwnNumbering) {
  const hal::Location device = hal::Location::Device(0);
  const hal::Location host = hal::Location::Host();
  EXPECT_EQ(*ZeAdviceFor(hal::Advice::kSetReadMostly, device), 0u);
  EXPECT_EQ(*ZeAdviceFor(hal::Advice::kUnsetReadMostly, host), 1u);
  EXPECT_EQ(*ZeAdviceFor(hal::Advice::kSetPreferredLocation, device), 2u);
  EXPECT_EQ(*ZeAdviceFor(hal::Advice::kUnsetPreferredLocation, device), 3u);
  EXPECT_EQ(*ZeAdviceFor(hal::Advice::kSetPreferredLocation, host), 8u);
  EXPECT_EQ(*ZeAdviceFor(hal::Advice::kUnsetPreferredLocation, host), 9u);
  EXPECT_EQ(ZeAdviceFor(hal::Advice::kSetAccessedBy, device).status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(ZeAdviceFor(hal::Advice::kUnsetAccessedBy, host).status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST(LevelZeroTrapsTest, KernelTimestampsAreCountedAcrossTheirWrap) {
  // 32 valid bits: 0xfffffff0 -> 0x10 is 0x20 ticks, not almost 2^64.
  EXPECT_DOUBLE_EQ(TicksToMilliseconds(0xfffffff0u, 0x10u, 32, 1), 0x20 / 1e6);
  EXPECT_DOUBLE_EQ(TicksToMilliseconds(1000, 3000, 64, 10), 20000 / 1e6);
  EXPECT_DOUBLE_EQ(TicksToMilliseconds(5, 5, 32, 80), 0.0);
}

TEST(LevelZeroTrapsTest, LargeAllocationsCarryTheRelaxedLimits) {
  // The fake's maxMemAllocSize is a quarter of the device, as 4 GiB is on a
  // real GPU; larger allocations need ze_relaxed_allocation_limits_exp_desc_t.
  FakeLevelZero fake("devices=1,memory=256m");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  std::unique_ptr<LevelZeroApi> api = OpenApi(fake.loader());
  ASSERT_NE(api, nullptr);
  const abi::ze_device_mem_alloc_desc_t plain = {abi::kStructureTypeDeviceMemAllocDesc, nullptr, 0,
                                                 0};
  void* ptr = nullptr;
  EXPECT_EQ(api->zeMemAllocDevice(api->context, &plain, 100 * kMiB, 0, api->device, &ptr),
            abi::kErrorUnsupportedSize)
      << "the fake does not enforce maxMemAllocSize";
  hal::Device& d = **backend->GetDevice(0);
  for (hal::MemoryKind kind : {hal::MemoryKind::kDevice, hal::MemoryKind::kManaged}) {
    absl::StatusOr<void*> big = d.Allocate(kind, 100 * kMiB);
    ASSERT_TRUE(big.ok()) << hal::MemoryKindName(kind) << ": " << big.status();
    EXPECT_TRUE(d.Free(*big).ok());
  }
}

TEST(LevelZeroTrapsTest, EventTimesComeFromKernelTimestamps) {
  // The fake driver's timestamps are the simulator's modeled clock (1 ns per
  // tick, 32 valid bits): a copy of `size` bytes over a 1 GB/s link takes
  // size nanoseconds, whatever the host computer's speed.
  FakeLevelZero fake("devices=1,memory=256m,link_bw=1g");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  hal::Device& d = **backend->GetDevice(0);
  absl::StatusOr<std::unique_ptr<hal::Stream>> stream = d.CreateStream();
  absl::StatusOr<std::unique_ptr<hal::Event>> start = d.CreateEvent();
  absl::StatusOr<std::unique_ptr<hal::Event>> end = d.CreateEvent();
  ASSERT_TRUE(stream.ok() && start.ok() && end.ok());
  EXPECT_EQ((*start)->Synchronize().code(), absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<void*> device = d.Allocate(hal::MemoryKind::kDevice, 8 * kMiB);
  ASSERT_TRUE(device.ok()) << device.status();
  std::vector<uint8_t> host(8 * kMiB, 3);
  for (int round = 0; round < 2; ++round) {  // the second round re-records both events
    ASSERT_TRUE((*start)->Record(**stream).ok());
    ASSERT_TRUE(d.CopyAsync(*device, host.data(), host.size(), **stream).ok());
    ASSERT_TRUE((*end)->Record(**stream).ok());
    ASSERT_TRUE((*end)->Synchronize().ok());
    absl::StatusOr<float> ms = (*end)->ElapsedMillisecondsSince(**start);
    ASSERT_TRUE(ms.ok()) << ms.status();
    EXPECT_NEAR(*ms, host.size() / 1e6, host.size() / 1e6 * 0.01) << "round " << round;
  }
  EXPECT_TRUE(d.Free(*device).ok());
}

TEST(LevelZeroTrapsTest, FreeMemoryComesFromSysmanWhenItIsEnabled) {
  // Memory taken by someone else (here: the application, through the same
  // driver) is visible only through Sysman.
  for (bool sysman : {true, false}) {
    SCOPED_TRACE(sysman ? "ZES_ENABLE_SYSMAN=1" : "no Sysman");
    FakeLevelZero fake("devices=1,memory=256m,reserved=16m", sysman);
    std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
    ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
    hal::Device& d = **backend->GetDevice(0);
    bool explained = false;
    for (const hal::Limitation& l : backend->Limitations()) {
      if (l.what == "free_memory")
        explained = l.why.find("ZES_ENABLE_SYSMAN=1") != std::string::npos;
    }
    EXPECT_EQ(explained, !sysman) << "the estimate without Sysman is listed as a limitation";
    absl::StatusOr<hal::MemoryInfo> before = d.GetMemoryInfo();
    ASSERT_TRUE(before.ok()) << before.status();
    EXPECT_EQ(before->total, 256 * kMiB);
    // Sysman knows the driver's reservation; the fallback counts only this process.
    EXPECT_EQ(before->free, sysman ? 240 * kMiB : 256 * kMiB);

    std::unique_ptr<LevelZeroApi> api = OpenApi(fake.loader());
    ASSERT_NE(api, nullptr);
    const abi::ze_device_mem_alloc_desc_t desc = {abi::kStructureTypeDeviceMemAllocDesc, nullptr, 0,
                                                  0};
    void* theirs = nullptr;
    ASSERT_EQ(api->zeMemAllocDevice(api->context, &desc, 32 * kMiB, 0, api->device, &theirs),
              abi::kSuccess);
    absl::StatusOr<void*> ours = d.Allocate(hal::MemoryKind::kDevice, 16 * kMiB);
    ASSERT_TRUE(ours.ok()) << ours.status();
    absl::StatusOr<hal::MemoryInfo> during = d.GetMemoryInfo();
    ASSERT_TRUE(during.ok()) << during.status();
    EXPECT_EQ(during->free, before->free - (sysman ? 48 : 16) * kMiB);
    EXPECT_TRUE(d.Free(*ours).ok());
    EXPECT_EQ(api->zeMemFree(api->context, theirs), abi::kSuccess);
    EXPECT_EQ(d.GetMemoryInfo()->free, before->free);
  }
}

TEST(LevelZeroTrapsTest, PrefetchGoesToTheDeviceAndAHostPrefetchLeavesDataAlone) {
  FakeLevelZero fake("devices=1,memory=64m");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  hal::Device& d = **backend->GetDevice(0);
  absl::StatusOr<void*> managed = d.Allocate(hal::MemoryKind::kManaged, 4 * kMiB);
  ASSERT_TRUE(managed.ok()) << managed.status();
  std::memset(*managed, 0x6b, 4 * kMiB);
  for (hal::Advice advice :
       {hal::Advice::kSetReadMostly, hal::Advice::kUnsetReadMostly,
        hal::Advice::kSetPreferredLocation, hal::Advice::kUnsetPreferredLocation}) {
    for (hal::Location where : {hal::Location::Device(0), hal::Location::Host()}) {
      absl::Status status = d.Advise(*managed, 4 * kMiB, advice, where);
      EXPECT_TRUE(status.ok()) << hal::AdviceName(advice) << " " << hal::LocationToString(where)
                               << ": " << status;
    }
  }
  absl::StatusOr<std::unique_ptr<hal::Stream>> stream = d.CreateStream();
  ASSERT_TRUE(stream.ok()) << stream.status();
  ASSERT_TRUE(d.Prefetch(*managed, 4 * kMiB, hal::Location::Device(0), **stream).ok());
  ASSERT_TRUE(d.Prefetch(*managed, 4 * kMiB, hal::Location::Host(), **stream).ok());
  ASSERT_TRUE((*stream)->Synchronize().ok());
  EXPECT_EQ(static_cast<uint8_t*>(*managed)[4 * kMiB - 1], 0x6b);
  EXPECT_TRUE(d.Free(*managed).ok());
}

// Fills of the caller's memory, which the vendor's fill call refuses
// (tests/backends/vendor_fake).
INSTANTIATE_TEST_SUITE_P(LevelZero, VendorCallerMemoryTest,
                         ::testing::Values(VendorFake{
                             .name = "levelzero", .fake = FakeLevelZero::Factory}),
                         VendorFakeName);

}  // namespace
}  // namespace spillway::levelzero
