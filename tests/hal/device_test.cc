// Device's front end: every argument check happens before a backend hook
// runs, so bad input never reaches a vendor driver. Uses the host-backed
// test backend, whose hooks count their calls.
#include "spillway/hal/device.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "host_backed_backend.h"

namespace spillway::hal {
namespace {

using ::spillway::hal::testing::HostBackedBackend;
using ::spillway::hal::testing::HostBackedDevice;
using ::spillway::hal::testing::HostBackedOptions;

constexpr Capabilities kAllCaps = kCapManagedMemory | kCapAdviseReadMostly |
                                  kCapAdvisePreferredLocation | kCapAdviseAccessedBy |
                                  kCapPrefetch | kCapHostNumaLocation;

class DeviceTest : public ::testing::Test {
 protected:
  explicit DeviceTest(Capabilities caps = kAllCaps) {
    HostBackedOptions options;
    options.name = "host";
    options.device_count = 2;
    options.total_memory = 1 << 20;
    options.capabilities = caps;
    backend_ = std::make_unique<HostBackedBackend>(options);
  }

  HostBackedDevice& device() { return backend_->device(0); }
  HostBackedDevice& other() { return backend_->device(1); }

  void* MustAllocate(MemoryKind kind, size_t size) {
    absl::StatusOr<void*> ptr = device().Allocate(kind, size);
    EXPECT_TRUE(ptr.ok()) << ptr.status();
    return ptr.ok() ? *ptr : nullptr;
  }

  std::unique_ptr<HostBackedBackend> backend_;
};

class DeviceWithoutCapabilitiesTest : public DeviceTest {
 protected:
  DeviceWithoutCapabilitiesTest() : DeviceTest(0) {}
};

#define EXPECT_CODE(expr, code_)                     \
  do {                                               \
    absl::Status status_ = (expr);                   \
    EXPECT_EQ(status_.code(), (code_)) << status_;   \
  } while (0)

TEST_F(DeviceTest, AllocateRecordsTheAllocation) {
  void* ptr = MustAllocate(MemoryKind::kManaged, 4096);
  absl::StatusOr<Allocation> found = device().FindAllocation(static_cast<char*>(ptr) + 100);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->base, ptr);
  EXPECT_EQ(found->size, 4096u);
  EXPECT_EQ(found->kind, MemoryKind::kManaged);
  EXPECT_EQ(device().Classify(ptr), Endpoint::kManaged);
  ASSERT_TRUE(device().Free(ptr).ok());
  EXPECT_EQ(device().FindAllocation(ptr).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(device().counts().allocate, 1);
  EXPECT_EQ(device().counts().free, 1);
}

TEST_F(DeviceTest, ClassifiesEveryKind) {
  void* dev = MustAllocate(MemoryKind::kDevice, 64);
  void* pinned = MustAllocate(MemoryKind::kHost, 64);
  void* managed = MustAllocate(MemoryKind::kManaged, 64);
  int local = 0;
  EXPECT_EQ(device().Classify(dev), Endpoint::kDevice);
  EXPECT_EQ(device().Classify(pinned), Endpoint::kPinnedHost);
  EXPECT_EQ(device().Classify(managed), Endpoint::kManaged);
  EXPECT_EQ(device().Classify(&local), Endpoint::kPageableHost);
  // Another device's memory is not this device's.
  EXPECT_EQ(other().Classify(dev), Endpoint::kPageableHost);
  for (void* p : {dev, pinned, managed}) EXPECT_TRUE(device().Free(p).ok());
}

TEST_F(DeviceTest, BadAllocationsNeverReachTheBackend) {
  EXPECT_CODE(device().Allocate(MemoryKind::kDevice, 0).status(),
              absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Allocate(MemoryKind::kHost, 0).status(),
              absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Allocate(MemoryKind::kManaged, 0).status(),
              absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Allocate(static_cast<MemoryKind>(7), 64).status(),
              absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Allocate(MemoryKind::kDevice, (1 << 20) + 1).status(),
              absl::StatusCode::kResourceExhausted);
  EXPECT_CODE(device().Allocate(MemoryKind::kDevice, std::numeric_limits<size_t>::max()).status(),
              absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(device().counts().allocate, 0);
}

TEST_F(DeviceWithoutCapabilitiesTest, ManagedMemoryIsUnimplemented) {
  EXPECT_CODE(device().Allocate(MemoryKind::kManaged, 64).status(),
              absl::StatusCode::kUnimplemented);
  EXPECT_EQ(device().counts().allocate, 0);
}

TEST_F(DeviceTest, BadFreesNeverReachTheBackend) {
  void* ptr = MustAllocate(MemoryKind::kDevice, 4096);
  int local = 0;
  EXPECT_CODE(device().Free(nullptr), absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Free(&local), absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Free(static_cast<char*>(ptr) + 1), absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(other().Free(ptr), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(device().counts().free + other().counts().free, 0);
  // Still live after all of that.
  EXPECT_TRUE(device().FindAllocation(ptr).ok());
  ASSERT_TRUE(device().Free(ptr).ok());
  EXPECT_CODE(device().Free(ptr), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(device().counts().free, 1);
}

TEST_F(DeviceTest, CopyChecksBothRanges) {
  char* dev = static_cast<char*>(MustAllocate(MemoryKind::kDevice, 256));
  std::vector<char> host(512, 'h');
  EXPECT_CODE(device().Copy(dev, host.data(), 0), absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Copy(nullptr, host.data(), 8), absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Copy(dev, nullptr, 8), absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Copy(dev, host.data(), 257), absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Copy(dev + 200, host.data(), 57), absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Copy(host.data(), dev + 1, 256), absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Copy(dev, host.data(), std::numeric_limits<size_t>::max()),
              absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(device().counts().copy, 0);
  EXPECT_TRUE(device().Copy(dev + 200, host.data(), 56).ok());
  EXPECT_EQ(device().counts().copy, 1);
  EXPECT_TRUE(device().Free(dev).ok());
}

TEST_F(DeviceTest, FillChecksTheRange) {
  char* dev = static_cast<char*>(MustAllocate(MemoryKind::kDevice, 256));
  EXPECT_CODE(device().Fill(dev, 1, 0), absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Fill(nullptr, 1, 8), absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Fill(dev + 128, 1, 129), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(device().counts().fill, 0);
  EXPECT_TRUE(device().Fill(dev + 128, 1, 128).ok());
  EXPECT_TRUE(device().Free(dev).ok());
}

TEST_F(DeviceTest, AsyncWorkRejectsAnotherDevicesStream) {
  char* dev = static_cast<char*>(MustAllocate(MemoryKind::kDevice, 256));
  char* managed = static_cast<char*>(MustAllocate(MemoryKind::kManaged, 256));
  auto foreign = other().CreateStream();
  ASSERT_TRUE(foreign.ok());
  std::vector<char> host(256);
  EXPECT_CODE(device().CopyAsync(dev, host.data(), 256, **foreign),
              absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().FillAsync(dev, 0, 256, **foreign), absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Prefetch(managed, 256, Location::Host(), **foreign),
              absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(device().counts().total(), 2);  // only the two allocations ran
  auto own = device().CreateStream();
  ASSERT_TRUE(own.ok());
  EXPECT_CODE(device().CopyAsync(dev, host.data(), 257, **own),
              absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().FillAsync(dev + 1, 0, 256, **own), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(device().counts().copy_async + device().counts().fill_async, 0);
  EXPECT_TRUE(device().CopyAsync(dev, host.data(), 256, **own).ok());
  EXPECT_TRUE(device().FillAsync(dev, 0, 256, **own).ok());
  EXPECT_EQ(device().counts().copy_async + device().counts().fill_async, 2);
  EXPECT_TRUE(device().Free(dev).ok());
  EXPECT_TRUE(device().Free(managed).ok());
}

TEST_F(DeviceTest, AdviceNeedsAManagedRangeAndAValidLocation) {
  char* managed = static_cast<char*>(MustAllocate(MemoryKind::kManaged, 4096));
  char* dev = static_cast<char*>(MustAllocate(MemoryKind::kDevice, 4096));
  int local = 0;
  EXPECT_CODE(device().Advise(dev, 4096, Advice::kSetReadMostly, Location::Host()),
              absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Advise(&local, sizeof(local), Advice::kSetReadMostly, Location::Host()),
              absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Advise(managed, 4097, Advice::kSetReadMostly, Location::Host()),
              absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Advise(managed, 0, Advice::kSetReadMostly, Location::Host()),
              absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Advise(managed, 4096, static_cast<Advice>(99), Location::Host()),
              absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(
      device().Advise(managed, 4096, Advice::kSetPreferredLocation, Location::Device(1)),
      absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(
      device().Advise(managed, 4096, Advice::kSetPreferredLocation, Location::HostNuma(-1)),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(device().counts().advise, 0);
  EXPECT_TRUE(
      device().Advise(managed + 1024, 1024, Advice::kSetAccessedBy, Location::Device(0)).ok());
  EXPECT_TRUE(
      device().Advise(managed, 4096, Advice::kSetPreferredLocation, Location::HostNuma(0)).ok());
  EXPECT_EQ(device().counts().advise, 2);
  EXPECT_TRUE(device().Free(managed).ok());
  EXPECT_TRUE(device().Free(dev).ok());
}

TEST_F(DeviceTest, PrefetchNeedsAManagedRange) {
  char* managed = static_cast<char*>(MustAllocate(MemoryKind::kManaged, 4096));
  char* pinned = static_cast<char*>(MustAllocate(MemoryKind::kHost, 4096));
  auto stream = device().CreateStream();
  ASSERT_TRUE(stream.ok());
  EXPECT_CODE(device().Prefetch(pinned, 4096, Location::Device(0), **stream),
              absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Prefetch(managed + 4000, 97, Location::Device(0), **stream),
              absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(device().Prefetch(managed, 4096, Location::Device(5), **stream),
              absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(device().counts().prefetch, 0);
  EXPECT_TRUE(device().Prefetch(managed, 4096, Location::Device(0), **stream).ok());
  EXPECT_TRUE(device().Prefetch(managed, 4096, Location::Host(), **stream).ok());
  EXPECT_EQ(device().counts().prefetch, 2);
  EXPECT_TRUE(device().Free(managed).ok());
  EXPECT_TRUE(device().Free(pinned).ok());
}

TEST_F(DeviceWithoutCapabilitiesTest, AdviceAndPrefetchAreUnimplemented) {
  char* pinned = static_cast<char*>(MustAllocate(MemoryKind::kHost, 4096));
  auto stream = device().CreateStream();
  ASSERT_TRUE(stream.ok());
  for (Advice advice : {Advice::kSetReadMostly, Advice::kUnsetPreferredLocation,
                        Advice::kSetAccessedBy}) {
    EXPECT_CODE(device().Advise(pinned, 4096, advice, Location::Host()),
                absl::StatusCode::kUnimplemented);
  }
  EXPECT_CODE(device().Prefetch(pinned, 4096, Location::Host(), **stream),
              absl::StatusCode::kUnimplemented);
  EXPECT_EQ(device().counts().advise + device().counts().prefetch, 0);
  EXPECT_TRUE(device().Free(pinned).ok());
}

TEST(DeviceHostNumaTest, HostNumaLocationNeedsItsCapability) {
  HostBackedOptions options;
  options.capabilities = kCapManagedMemory | kCapAdvisePreferredLocation | kCapPrefetch;
  HostBackedBackend backend(options);
  HostBackedDevice& device = backend.device(0);
  absl::StatusOr<void*> managed = device.Allocate(MemoryKind::kManaged, 4096);
  ASSERT_TRUE(managed.ok());
  auto stream = device.CreateStream();
  ASSERT_TRUE(stream.ok());
  EXPECT_CODE(device.Advise(*managed, 4096, Advice::kSetPreferredLocation, Location::HostNuma(0)),
              absl::StatusCode::kUnimplemented);
  EXPECT_CODE(device.Prefetch(*managed, 4096, Location::HostNuma(0), **stream),
              absl::StatusCode::kUnimplemented);
  EXPECT_TRUE(device.Advise(*managed, 4096, Advice::kSetPreferredLocation, Location::Host()).ok());
  EXPECT_TRUE(device.Free(*managed).ok());
}

TEST_F(DeviceTest, ConcurrentAllocateAndFreeKeepTheTableConsistent) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 200;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, &failures, t] {
      for (int round = 0; round < kRounds; ++round) {
        absl::StatusOr<void*> ptr = device().Allocate(MemoryKind::kHost, 64 + t);
        if (!ptr.ok()) {
          ++failures;
          continue;
        }
        if (!device().Fill(*ptr, static_cast<uint8_t>(t), 64 + t).ok()) ++failures;
        if (!device().Free(*ptr).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(device().counts().allocate, kThreads * kRounds);
  EXPECT_EQ(device().counts().free, kThreads * kRounds);
}

}  // namespace
}  // namespace spillway::hal
