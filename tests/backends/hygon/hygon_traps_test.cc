// The argument traps of the HIP API (vendor-abi.md section 4, docs/hal.md 2.3
// and 2.5): copy kinds, advice values, the host "device" of advice and
// prefetch, fills of memory the device cannot address, and HIP's success on
// waiting for an unrecorded event. The fake rejects each wrong argument the
// way a careful runtime would, so these pass only with the right values.
#include <cstring>
#include <memory>
#include <vector>

#include "fake_galaxyhip.h"
#include "gtest/gtest.h"
#include "hygon_device.h"
#include "spillway/backends/hygon/hip_abi.h"
#include "spillway/hal/dynamic_library.h"
#include "vendor_fake_suite.h"

namespace spillway::hygon {
namespace {

using ::spillway::hal::vendor_fake::VendorCallerMemoryTest;
using ::spillway::hal::vendor_fake::VendorFake;
using ::spillway::hal::vendor_fake::VendorFakeName;
using ::spillway::hygon::testing::FakeGalaxyHip;

constexpr size_t kMiB = size_t{1} << 20;

// The fake's own entry points, for checking that it really is strict.
struct FakeHip {
  std::unique_ptr<hal::DynamicLibrary> library;
  abi::Fn_hipMalloc* hipMalloc = nullptr;
  abi::Fn_hipFree* hipFree = nullptr;
  abi::Fn_hipHostMalloc* hipHostMalloc = nullptr;
  abi::Fn_hipHostFree* hipHostFree = nullptr;
  abi::Fn_hipMallocManaged* hipMallocManaged = nullptr;
  abi::Fn_hipMemcpy* hipMemcpy = nullptr;
  abi::Fn_hipMemset* hipMemset = nullptr;
  abi::Fn_hipMemAdvise* hipMemAdvise = nullptr;
};

FakeHip LoadFake(const std::string& path) {
  FakeHip f;
  absl::StatusOr<std::unique_ptr<hal::DynamicLibrary>> library = hal::DynamicLibrary::Load({path});
  EXPECT_TRUE(library.ok()) << library.status();
  if (!library.ok()) return f;
  f.library = std::move(*library);
  EXPECT_TRUE(f.library->Resolve("hipMalloc", f.hipMalloc).ok());
  EXPECT_TRUE(f.library->Resolve("hipFree", f.hipFree).ok());
  EXPECT_TRUE(f.library->Resolve("hipHostMalloc", f.hipHostMalloc).ok());
  EXPECT_TRUE(f.library->Resolve("hipHostFree", f.hipHostFree).ok());
  EXPECT_TRUE(f.library->Resolve("hipMallocManaged", f.hipMallocManaged).ok());
  EXPECT_TRUE(f.library->Resolve("hipMemcpy", f.hipMemcpy).ok());
  EXPECT_TRUE(f.library->Resolve("hipMemset", f.hipMemset).ok());
  EXPECT_TRUE(f.library->Resolve("hipMemAdvise", f.hipMemAdvise).ok());
  return f;
}

TEST(HygonTrapsTest, CopyKindFollowsTheEndpoints) {
  using hal::Endpoint;
  // HIP's numbering: 0 H2H, 1 H2D, 2 D2H, 3 D2D, 4 default (UVA).
  EXPECT_EQ(HipMemcpyKindFor(Endpoint::kDevice, Endpoint::kPageableHost), 1);
  EXPECT_EQ(HipMemcpyKindFor(Endpoint::kDevice, Endpoint::kPinnedHost), 1);
  EXPECT_EQ(HipMemcpyKindFor(Endpoint::kPageableHost, Endpoint::kDevice), 2);
  EXPECT_EQ(HipMemcpyKindFor(Endpoint::kPinnedHost, Endpoint::kDevice), 2);
  EXPECT_EQ(HipMemcpyKindFor(Endpoint::kDevice, Endpoint::kDevice), 3);
  EXPECT_EQ(HipMemcpyKindFor(Endpoint::kPinnedHost, Endpoint::kPageableHost), 0);
  for (Endpoint other :
       {Endpoint::kDevice, Endpoint::kPinnedHost, Endpoint::kPageableHost, Endpoint::kManaged}) {
    EXPECT_EQ(HipMemcpyKindFor(Endpoint::kManaged, other), 4);
    EXPECT_EQ(HipMemcpyKindFor(other, Endpoint::kManaged), 4);
  }
}

TEST(HygonTrapsTest, AdviceUsesCudasNumberingAndMinusOneForTheHost) {
  EXPECT_EQ(HipAdviceFor(hal::Advice::kSetReadMostly), 1);
  EXPECT_EQ(HipAdviceFor(hal::Advice::kUnsetReadMostly), 2);
  EXPECT_EQ(HipAdviceFor(hal::Advice::kSetPreferredLocation), 3);
  EXPECT_EQ(HipAdviceFor(hal::Advice::kUnsetPreferredLocation), 4);
  EXPECT_EQ(HipAdviceFor(hal::Advice::kSetAccessedBy), 5);
  EXPECT_EQ(HipAdviceFor(hal::Advice::kUnsetAccessedBy), 6);
  EXPECT_EQ(HipDeviceFor(hal::Location::Host()), -1);
  EXPECT_EQ(HipDeviceFor(hal::Location::Device(3)), 3);
}

TEST(HygonTrapsTest, TheFakeRejectsCopiesWhoseKindContradictsThePointers) {
  FakeGalaxyHip fake("devices=1,memory=64m");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();  // initializes the copy
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  FakeHip hip = LoadFake(fake.path());
  ASSERT_NE(hip.hipMemcpy, nullptr);
  void* device = nullptr;
  ASSERT_EQ(hip.hipMalloc(&device, 4096), abi::kSuccess);
  std::vector<uint8_t> host(4096, 7);
  EXPECT_EQ(hip.hipMemcpy(device, host.data(), 4096, abi::kMemcpyDeviceToHost),
            abi::kErrorInvalidValue);
  EXPECT_EQ(hip.hipMemcpy(device, host.data(), 4096, abi::kMemcpyHostToHost),
            abi::kErrorInvalidValue);
  EXPECT_EQ(hip.hipMemcpy(host.data(), device, 4096, abi::kMemcpyHostToDevice),
            abi::kErrorInvalidValue);
  EXPECT_EQ(hip.hipMemcpy(device, host.data(), 4096, 7), abi::kErrorInvalidMemcpyDirection);
  EXPECT_EQ(hip.hipMemcpy(device, host.data(), 4096, abi::kMemcpyHostToDevice), abi::kSuccess);
  EXPECT_EQ(hip.hipMemcpy(host.data(), device, 4096, abi::kMemcpyDefault), abi::kSuccess);
  // Pageable memory cannot be filled by the device; pinned memory can.
  EXPECT_EQ(hip.hipMemset(host.data(), 0, 4096), abi::kErrorInvalidValue);
  void* pinned = nullptr;
  ASSERT_EQ(hip.hipHostMalloc(&pinned, 4096, abi::kHostMallocMapped), abi::kSuccess);
  EXPECT_EQ(hip.hipMemset(pinned, 0, 4096), abi::kSuccess);
  // Each kind is freed by its own call.
  EXPECT_EQ(hip.hipHostFree(device), abi::kErrorInvalidValue);
  EXPECT_EQ(hip.hipFree(pinned), abi::kErrorInvalidValue);
  EXPECT_EQ(hip.hipHostFree(pinned), abi::kSuccess);
  EXPECT_EQ(hip.hipFree(device), abi::kSuccess);
}

TEST(HygonTrapsTest, TheFakeRejectsBadManagedFlagsAndAdviceValues) {
  FakeGalaxyHip fake("devices=1,memory=64m");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  FakeHip hip = LoadFake(fake.path());
  ASSERT_NE(hip.hipMallocManaged, nullptr);
  void* managed = nullptr;
  EXPECT_EQ(hip.hipMallocManaged(&managed, 4096, 0), abi::kErrorInvalidValue);
  ASSERT_EQ(hip.hipMallocManaged(&managed, 4096, abi::kMemAttachGlobal), abi::kSuccess);
  // Ascend-style advice (starting at 0) is not HIP's.
  EXPECT_EQ(hip.hipMemAdvise(managed, 4096, 0, 0), abi::kErrorInvalidValue);
  EXPECT_EQ(hip.hipMemAdvise(managed, 4096, abi::kMemAdviseSetPreferredLocation, 5),
            abi::kErrorInvalidDevice);
  EXPECT_EQ(hip.hipMemAdvise(managed, 4096, abi::kMemAdviseSetPreferredLocation, abi::kCpuDeviceId),
            abi::kSuccess);
  EXPECT_EQ(hip.hipFree(managed), abi::kSuccess);
}

TEST(HygonTrapsTest, EveryDirectionCopiesThroughTheBackend) {
  FakeGalaxyHip fake("devices=1,memory=64m");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  hal::Device& d = **backend->GetDevice(0);
  std::vector<void*> places;
  for (hal::MemoryKind kind :
       {hal::MemoryKind::kDevice, hal::MemoryKind::kHost, hal::MemoryKind::kManaged}) {
    absl::StatusOr<void*> p = d.Allocate(kind, kMiB);
    ASSERT_TRUE(p.ok()) << p.status();
    places.push_back(*p);
  }
  std::vector<uint8_t> pageable(kMiB);
  places.push_back(pageable.data());
  std::vector<uint8_t> pattern(kMiB), out(kMiB);
  for (size_t i = 0; i < kMiB; ++i) pattern[i] = static_cast<uint8_t>(i * 31 + 7);
  for (void* from : places) {
    for (void* to : places) {
      if (from == to) continue;
      ASSERT_TRUE(d.Copy(from, pattern.data(), kMiB).ok());
      ASSERT_TRUE(d.Fill(to, 0, kMiB).ok());
      absl::Status copied = d.Copy(to, from, kMiB);
      ASSERT_TRUE(copied.ok()) << static_cast<int>(d.Classify(from)) << "->"
                               << static_cast<int>(d.Classify(to)) << ": " << copied;
      ASSERT_TRUE(d.Copy(out.data(), to, kMiB).ok());
      EXPECT_EQ(out, pattern);
    }
  }
  for (size_t i = 0; i + 1 < places.size(); ++i) EXPECT_TRUE(d.Free(places[i]).ok());
}

TEST(HygonTrapsTest, UnrecordedEventsAreCaughtEvenThoughHipWouldWaitHappily) {
  FakeGalaxyHip fake("devices=1,memory=64m");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  hal::Device& d = **backend->GetDevice(0);
  absl::StatusOr<std::unique_ptr<hal::Event>> event = d.CreateEvent();
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ((*event)->Synchronize().code(), absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<std::unique_ptr<hal::Stream>> stream = d.CreateStream();
  ASSERT_TRUE(stream.ok()) << stream.status();
  ASSERT_TRUE((*event)->Record(**stream).ok());
  EXPECT_TRUE((*event)->Synchronize().ok());
}

TEST(HygonTrapsTest, AdviceAndPrefetchReachTheRuntimeWithHipsValues) {
  FakeGalaxyHip fake("devices=2,memory=64m");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  // Device 1, so that a call sent to the wrong device would be refused.
  hal::Device& d = **backend->GetDevice(1);
  absl::StatusOr<void*> managed = d.Allocate(hal::MemoryKind::kManaged, 4 * kMiB);
  ASSERT_TRUE(managed.ok()) << managed.status();
  for (hal::Advice advice : {hal::Advice::kSetReadMostly, hal::Advice::kSetPreferredLocation,
                             hal::Advice::kSetAccessedBy, hal::Advice::kUnsetAccessedBy,
                             hal::Advice::kUnsetPreferredLocation, hal::Advice::kUnsetReadMostly}) {
    for (hal::Location where : {hal::Location::Device(1), hal::Location::Host()}) {
      absl::Status status = d.Advise(*managed, 4 * kMiB, advice, where);
      EXPECT_TRUE(status.ok()) << hal::AdviceName(advice) << " " << hal::LocationToString(where)
                               << ": " << status;
    }
  }
  absl::StatusOr<std::unique_ptr<hal::Stream>> stream = d.CreateStream();
  ASSERT_TRUE(stream.ok()) << stream.status();
  std::memset(*managed, 0x6b, 4 * kMiB);
  ASSERT_TRUE(d.Prefetch(*managed, 4 * kMiB, hal::Location::Device(1), **stream).ok());
  ASSERT_TRUE(d.Prefetch(*managed, 4 * kMiB, hal::Location::Host(), **stream).ok());
  ASSERT_TRUE((*stream)->Synchronize().ok());
  EXPECT_EQ(static_cast<uint8_t*>(*managed)[4 * kMiB - 1], 0x6b);
  EXPECT_TRUE(d.Free(*managed).ok());
}

// Fills of the caller's memory, which the vendor's fill call refuses
// (tests/backends/vendor_fake).
INSTANTIATE_TEST_SUITE_P(Hygon, VendorCallerMemoryTest,
                         ::testing::Values(VendorFake{
                             .name = "hygon", .fake = FakeGalaxyHip::Factory}),
                         VendorFakeName);

}  // namespace
}  // namespace spillway::hygon
