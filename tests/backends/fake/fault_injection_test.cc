#include <cstdlib>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "simulated_device.h"
#include "spillway/backends/fake/fake_device.h"
#include "spillway/backends/fake/fake_op.h"

namespace spillway::fake {
namespace {

using ::spillway::fake::testing::kMiB;
using ::spillway::fake::testing::SimulatedDevice;
using ::testing::HasSubstr;

constexpr char kSpec[] = "memory=64m,reserved=0";

TEST(FaultInjectionTest, TheNthCallFailsOnceCountedFromInjection) {
  SimulatedDevice sim(kSpec);
  FakeDevice& d = *sim.device;
  void* before = *d.Allocate(hal::MemoryKind::kDevice, kMiB);  // not counted
  d.InjectFault(FakeOp::kAllocate, 3, absl::OkStatus());
  std::vector<absl::Status> results;
  std::vector<void*> ptrs;
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<void*> p = d.Allocate(hal::MemoryKind::kDevice, kMiB);
    results.push_back(p.status());
    if (p.ok()) ptrs.push_back(*p);
  }
  EXPECT_TRUE(results[0].ok());
  EXPECT_TRUE(results[1].ok());
  EXPECT_EQ(results[2].code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(results[2].message(), HasSubstr("FAKE_INJECTED_FAULT"));
  EXPECT_TRUE(results[3].ok());
  EXPECT_TRUE(results[4].ok());
  // The failed call changed nothing.
  EXPECT_EQ(d.DeviceBytesInUse(), 5 * kMiB);
  for (void* p : ptrs) EXPECT_TRUE(d.Free(p).ok());
  EXPECT_TRUE(d.Free(before).ok());
}

TEST(FaultInjectionTest, NthZeroFailsEveryCallUntilCleared) {
  SimulatedDevice sim(kSpec);
  FakeDevice& d = *sim.device;
  d.InjectFault(FakeOp::kCreateStream, 0, absl::UnavailableError("device lost"));
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::unique_ptr<hal::Stream>> s = d.CreateStream();
    EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(s.status().message(), "device lost");
  }
  d.ClearInjectedFaults();
  EXPECT_TRUE(d.CreateStream().ok());
}

TEST(FaultInjectionTest, EveryOperationKindCanFail) {
  SimulatedDevice sim(kSpec);
  FakeDevice& d = *sim.device;
  void* dev = *d.Allocate(hal::MemoryKind::kDevice, 4096);
  void* managed = *d.Allocate(hal::MemoryKind::kManaged, 4096);
  auto stream = *d.CreateStream();
  std::vector<uint8_t> host(4096);
  for (int i = 0; i < kFakeOpCount; ++i) {
    const auto op = static_cast<FakeOp>(i);
    d.InjectFault(op, 1, absl::OkStatus());
  }
  EXPECT_EQ(d.Allocate(hal::MemoryKind::kHost, 16).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(d.Copy(dev, host.data(), 16).code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(d.CopyAsync(dev, host.data(), 16, *stream).ok());  // the one failure is used up
  EXPECT_EQ(d.FillAsync(dev, 0, 16, *stream).code(), absl::StatusCode::kInternal);
  EXPECT_EQ(d.Advise(managed, 16, hal::Advice::kSetReadMostly, hal::Location::Host()).code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(d.Prefetch(managed, 16, hal::Location::Host(), *stream).code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(d.CreateStream().status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(d.CreateEvent().status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(d.LaunchKernel({{{dev, 16}}, {}, 0}, *stream).code(), absl::StatusCode::kInternal);
  EXPECT_EQ(d.counters().kernels, 0u);
  EXPECT_EQ(d.GetMemoryInfo().status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(stream->Synchronize().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(d.Synchronize().ok());
  // A failing free still releases the memory: the HAL has forgotten the pointer.
  EXPECT_EQ(d.Free(dev).code(), absl::StatusCode::kInternal);
  EXPECT_EQ(d.DeviceBytesInUse(), 0u);
  EXPECT_EQ(d.Free(dev).code(), absl::StatusCode::kInvalidArgument);
  // Everything works again.
  EXPECT_TRUE(d.GetMemoryInfo().ok());
  EXPECT_TRUE(d.LaunchKernel({{{managed, 16}}, {}, 0}, *stream).ok());
}

TEST(FaultInjectionTest, BadInputIsRejectedBeforeAnInjectedFailureIsConsumed) {
  SimulatedDevice sim(kSpec);
  FakeDevice& d = *sim.device;
  auto stream = *d.CreateStream();
  void* dev = *d.Allocate(hal::MemoryKind::kDevice, 4096);
  d.InjectFault(FakeOp::kLaunch, 1, absl::OkStatus());
  EXPECT_EQ(d.LaunchKernel({{{nullptr, 16}}, {}, 0}, *stream).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d.LaunchKernel({{{dev, 16}}, {}, 0}, *stream).code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(d.LaunchKernel({{{dev, 16}}, {}, 0}, *stream).ok());
}

TEST(FaultInjectionTest, SpecFailuresApplyToEveryDevice) {
  SimulatedDevice sim("devices=2,memory=64m,reserved=0,fail=allocate:2:unavailable,fail=memory_info:0");
  for (int i = 0; i < 2; ++i) {
    FakeDevice* d = AsFakeDevice(*sim.backend->GetDevice(i));
    ASSERT_NE(d, nullptr);
    EXPECT_TRUE(d->Allocate(hal::MemoryKind::kHost, 16).ok());
    absl::StatusOr<void*> second = d->Allocate(hal::MemoryKind::kHost, 16);
    EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(second.status().message(), HasSubstr("fail=allocate:2:unavailable"));
    EXPECT_TRUE(d->Allocate(hal::MemoryKind::kHost, 16).ok());
    EXPECT_EQ(d->GetMemoryInfo().status().code(), absl::StatusCode::kInternal);
    EXPECT_EQ(d->GetMemoryInfo().status().code(), absl::StatusCode::kInternal);
  }
}

TEST(FaultInjectionTest, NegativeNthIsIgnored) {
  SimulatedDevice sim(kSpec);
  FakeDevice& d = *sim.device;
  d.InjectFault(FakeOp::kCreateEvent, -1, absl::InternalError("never"));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(d.CreateEvent().ok());
}

}  // namespace
}  // namespace spillway::fake
