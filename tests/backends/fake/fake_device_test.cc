// The fake device as a HAL device: properties, memory accounting, data,
// streams and events on the modeled clock, kernel argument checks.
#include "spillway/backends/fake/fake_device.h"

#include <cstring>
#include <limits>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "simulated_device.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/hal/types.h"

namespace spillway::fake {
namespace {

using ::spillway::fake::testing::kGiB;
using ::spillway::fake::testing::kMiB;
using ::spillway::fake::testing::SimulatedDevice;
using ::testing::HasSubstr;

// One 2 MiB page crosses the link in exactly 1 ms and device memory in 0.1 ms.
constexpr char kSmall[] =
    "memory=64m,reserved=0,page=2m,link_bw=2097152000,device_bw=20971520000,fault_us=500";
constexpr double kMs = 1e6;

TEST(FakeDeviceTest, PropertiesDescribeTheSimulatedCard) {
  std::unique_ptr<hal::Backend> backend = CreateFakeBackend(*ParseFakeSpec("devices=3"));
  ASSERT_TRUE(backend->Availability().ok());
  EXPECT_EQ(backend->name(), "fake");
  ASSERT_EQ(backend->DeviceCount(), 3);
  EXPECT_TRUE(backend->Limitations().empty());
  std::vector<std::string> uuids;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<hal::Device*> d = backend->GetDevice(i);
    ASSERT_TRUE(d.ok()) << d.status();
    const hal::DeviceProperties& p = (*d)->properties();
    EXPECT_EQ(p.name, "Spillway Fake Accelerator");
    EXPECT_EQ(p.ordinal, i);
    EXPECT_EQ(p.total_memory, 24 * kGiB);
    EXPECT_EQ((*d)->uri(), absl::StrCat("fake://", i));
    EXPECT_EQ(p.pci_bus_id, absl::StrFormat("0000:%02x:00.0", 0x17 + i));
    for (hal::Capability cap :
         {hal::kCapManagedMemory, hal::kCapAdviseReadMostly, hal::kCapAdvisePreferredLocation,
          hal::kCapAdviseAccessedBy, hal::kCapPrefetch, hal::kCapHostNumaLocation,
          hal::kCapHostMappedMemory, hal::kCapOversubscription}) {
      EXPECT_TRUE(p.Has(cap)) << hal::CapabilityName(cap);
    }
    uuids.push_back(hal::UuidToString(p.uuid));
    EXPECT_NE(AsFakeDevice(*d), nullptr);
  }
  EXPECT_NE(uuids[0], uuids[1]);
  EXPECT_NE(uuids[1], uuids[2]);
  // Deterministic: a second backend reports the same identity.
  std::unique_ptr<hal::Backend> again = CreateFakeBackend(FakeSpec());
  EXPECT_EQ(hal::UuidToString((*again->GetDevice(0))->properties().uuid), uuids[0]);
  EXPECT_EQ(backend->GetDevice(3).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(backend->GetDevice(-1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AsFakeDevice(nullptr), nullptr);
}

TEST(FakeDeviceTest, ManagedOffRemovesManagedCapabilitiesAndListsThem) {
  std::unique_ptr<hal::Backend> backend =
      CreateFakeBackend(*ParseFakeSpec("managed=0,host_mapped=0"));
  hal::Device* d = *backend->GetDevice(0);
  EXPECT_FALSE(d->properties().Has(hal::kCapManagedMemory));
  EXPECT_FALSE(d->properties().Has(hal::kCapPrefetch));
  EXPECT_FALSE(d->properties().Has(hal::kCapOversubscription));
  EXPECT_FALSE(d->properties().Has(hal::kCapHostMappedMemory));
  std::vector<std::string> what;
  for (const hal::Limitation& l : backend->Limitations()) {
    what.push_back(l.what);
    EXPECT_FALSE(l.why.empty());
  }
  EXPECT_THAT(what, ::testing::Contains("managed_memory"));
  EXPECT_THAT(what, ::testing::Contains("prefetch"));
  EXPECT_THAT(what, ::testing::Contains("host_mapped_memory"));
  EXPECT_EQ(d->Allocate(hal::MemoryKind::kManaged, kMiB).status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST(FakeDeviceTest, InvalidSpecGivesAnUnavailableBackend) {
  FakeSpec spec;
  spec.memory = 64 * kMiB;  // default reservation of 1 GiB does not fit
  std::unique_ptr<hal::Backend> backend = CreateFakeBackend(spec);
  EXPECT_EQ(backend->Availability().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(backend->Availability().message(), HasSubstr("reserved"));
  EXPECT_EQ(backend->DeviceCount(), 0);
  EXPECT_EQ(backend->GetDevice(0).status().code(), absl::StatusCode::kUnavailable);
}

TEST(FakeDeviceTest, DeviceAllocationsCountAgainstCapacityManagedOnesDoNot) {
  SimulatedDevice sim("memory=64m,reserved=8m,page=2m");
  FakeDevice& d = *sim.device;
  absl::StatusOr<hal::MemoryInfo> info = d.GetMemoryInfo();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->total, 64 * kMiB);
  EXPECT_EQ(info->free, 56 * kMiB);

  absl::StatusOr<void*> a = d.Allocate(hal::MemoryKind::kDevice, 40 * kMiB);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(d.GetMemoryInfo()->free, 16 * kMiB);
  EXPECT_EQ(d.DeviceBytesInUse(), 40 * kMiB);
  absl::StatusOr<void*> too_big = d.Allocate(hal::MemoryKind::kDevice, 16 * kMiB + 1);
  EXPECT_EQ(too_big.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(too_big.status().message(), HasSubstr("FAKE_ERROR_OUT_OF_MEMORY"));

  // Managed memory may exceed the device and leaves free memory alone even
  // while resident (it is evictable).
  absl::StatusOr<void*> m = d.Allocate(hal::MemoryKind::kManaged, 200 * kMiB);
  ASSERT_TRUE(m.ok()) << m.status();
  auto stream = *d.CreateStream();
  ASSERT_TRUE(d.LaunchKernel({{{*m, 8 * kMiB}}, {}, 0}, *stream).ok());
  EXPECT_EQ(*d.ResidentBytes(*m, 8 * kMiB), 8 * kMiB);
  EXPECT_EQ(d.GetMemoryInfo()->free, 16 * kMiB);
  // Pinned host memory is not device memory.
  absl::StatusOr<void*> h = d.Allocate(hal::MemoryKind::kHost, 100 * kMiB);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(d.GetMemoryInfo()->free, 16 * kMiB);

  ASSERT_TRUE(d.Free(*a).ok());
  EXPECT_EQ(d.GetMemoryInfo()->free, 56 * kMiB);
  EXPECT_TRUE(d.Free(*m).ok());
  EXPECT_TRUE(d.Free(*h).ok());
  EXPECT_EQ(d.Free(*a).code(), absl::StatusCode::kInvalidArgument);  // double free
}

TEST(FakeDeviceTest, DataRoundTripsThroughEveryKind) {
  SimulatedDevice sim(kSmall);
  FakeDevice& d = *sim.device;
  std::vector<uint8_t> in(3 * kMiB + 5), out(in.size());
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>(i * 7 + 1);
  auto stream = *d.CreateStream();
  for (hal::MemoryKind kind :
       {hal::MemoryKind::kDevice, hal::MemoryKind::kHost, hal::MemoryKind::kManaged}) {
    void* p = *d.Allocate(kind, in.size());
    ASSERT_TRUE(d.Copy(p, in.data(), in.size()).ok());
    std::fill(out.begin(), out.end(), 0);
    ASSERT_TRUE(d.Copy(out.data(), p, out.size()).ok());
    EXPECT_EQ(out, in) << hal::MemoryKindName(kind);
    ASSERT_TRUE(d.FillAsync(p, 0xab, 100, *stream).ok());
    ASSERT_TRUE(d.CopyAsync(out.data(), p, 200, *stream).ok());
    ASSERT_TRUE(stream->Synchronize().ok());
    EXPECT_EQ(out[99], 0xab);
    EXPECT_EQ(out[100], in[100]);
    ASSERT_TRUE(d.Fill(p, 0x5a, in.size()).ok());
    ASSERT_TRUE(d.Copy(out.data(), p, out.size()).ok());
    EXPECT_EQ(out, std::vector<uint8_t>(in.size(), 0x5a)) << hal::MemoryKindName(kind);
    ASSERT_TRUE(d.Free(p).ok());
  }
  // Device to device.
  void* a = *d.Allocate(hal::MemoryKind::kDevice, 4096);
  void* b = *d.Allocate(hal::MemoryKind::kDevice, 4096);
  ASSERT_TRUE(d.Copy(a, in.data(), 4096).ok());
  ASSERT_TRUE(d.Copy(b, a, 4096).ok());
  ASSERT_TRUE(d.Copy(out.data(), b, 4096).ok());
  EXPECT_EQ(std::memcmp(out.data(), in.data(), 4096), 0);
}

TEST(FakeDeviceTest, SynchronousCopiesAndFillsTakeModeledTime) {
  SimulatedDevice sim(kSmall);
  FakeDevice& d = *sim.device;
  std::vector<uint8_t> host(2 * kMiB);
  void* dev = *d.Allocate(hal::MemoryKind::kDevice, 2 * kMiB);
  void* dev2 = *d.Allocate(hal::MemoryKind::kDevice, 2 * kMiB);
  EXPECT_EQ(d.TimeNs(), 0);
  ASSERT_TRUE(d.Copy(dev, host.data(), 2 * kMiB).ok());  // H2D: 1 ms
  EXPECT_DOUBLE_EQ(d.TimeNs(), 1 * kMs);
  ASSERT_TRUE(d.Copy(host.data(), dev, 2 * kMiB).ok());  // D2H: 1 ms
  EXPECT_DOUBLE_EQ(d.TimeNs(), 2 * kMs);
  ASSERT_TRUE(d.Copy(dev2, dev, 2 * kMiB).ok());  // D2D: read + write at 0.1 ms each
  EXPECT_DOUBLE_EQ(d.TimeNs(), 2.2 * kMs);
  ASSERT_TRUE(d.Fill(dev, 0, 2 * kMiB).ok());  // 0.1 ms
  EXPECT_DOUBLE_EQ(d.TimeNs(), 2.3 * kMs);
  ASSERT_TRUE(d.Fill(host.data(), 0, 2 * kMiB).ok());  // host memory: no device time
  EXPECT_DOUBLE_EQ(d.TimeNs(), 2.3 * kMs);
  // A stream made now starts at the host's present, so timing from its clock
  // leaves out the earlier synchronous work.
  auto fresh = *d.CreateStream();
  EXPECT_DOUBLE_EQ(d.StreamTimeNs(*fresh), 2.3 * kMs);
  ASSERT_TRUE(d.LaunchKernel({{}, {}, 1 * kMs}, *fresh).ok());
  EXPECT_DOUBLE_EQ(d.StreamTimeNs(*fresh), 3.3 * kMs);
  ASSERT_TRUE(fresh->Synchronize().ok());
  const FakeCounters c = d.counters();
  EXPECT_EQ(c.bytes_h2d, 2 * kMiB);
  EXPECT_EQ(c.bytes_d2h, 2 * kMiB);
  d.ResetCounters();
  EXPECT_EQ(d.counters(), FakeCounters());
}

TEST(FakeDeviceTest, StreamsOverlapAndEventsMeasureModeledTime) {
  SimulatedDevice sim(kSmall);
  FakeDevice& d = *sim.device;
  std::vector<uint8_t> host(4 * kMiB);
  void* dev = *d.Allocate(hal::MemoryKind::kDevice, 4 * kMiB);
  auto s1 = *d.CreateStream();
  auto s2 = *d.CreateStream();
  auto start = *d.CreateEvent();
  auto end = *d.CreateEvent();
  EXPECT_EQ(end->ElapsedMillisecondsSince(*start).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(start->Synchronize().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(start->Record(*s1).ok());
  ASSERT_TRUE(d.LaunchKernel({{{dev, 2 * kMiB}}, {}, 3 * kMs}, *s1).ok());  // 0..3 ms
  ASSERT_TRUE(end->Record(*s1).ok());
  // An H2D copy on the other stream overlaps the kernel: 0..2 ms on the link.
  ASSERT_TRUE(d.CopyAsync(dev, host.data(), 4 * kMiB, *s2).ok());
  EXPECT_DOUBLE_EQ(d.StreamTimeNs(*s1), 3 * kMs);
  EXPECT_DOUBLE_EQ(d.StreamTimeNs(*s2), 2 * kMs);
  EXPECT_DOUBLE_EQ(d.TimeNs(), 3 * kMs);
  EXPECT_TRUE(*s1->Query());
  // Not timed before the host has seen the end: a driver refuses that too.
  EXPECT_DOUBLE_EQ(d.HostTimeNs(), 0);
  EXPECT_EQ(end->ElapsedMillisecondsSince(*start).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(end->Synchronize().ok());
  EXPECT_DOUBLE_EQ(d.HostTimeNs(), 3 * kMs);
  absl::StatusOr<float> ms = end->ElapsedMillisecondsSince(*start);
  ASSERT_TRUE(ms.ok()) << ms.status();
  EXPECT_FLOAT_EQ(*ms, 3.0f);

  // After the host waits for s1, new work on s2 starts no earlier than 3 ms.
  ASSERT_TRUE(end->Synchronize().ok());
  ASSERT_TRUE(d.LaunchKernel({{}, {}, 1 * kMs}, *s2).ok());
  EXPECT_DOUBLE_EQ(d.StreamTimeNs(*s2), 4 * kMs);

  // A destroyed stream's work still counts towards the device's time.
  auto s3 = *d.CreateStream();
  ASSERT_TRUE(d.LaunchKernel({{}, {}, 10 * kMs}, *s3).ok());
  s3.reset();
  EXPECT_DOUBLE_EQ(d.TimeNs(), 13 * kMs);
  ASSERT_TRUE(d.Synchronize().ok());
  ASSERT_TRUE(d.LaunchKernel({{}, {}, 0}, *s1).ok());
  EXPECT_DOUBLE_EQ(d.StreamTimeNs(*s1), 13 * kMs);
}

TEST(FakeDeviceTest, ForeignStreamsAndEventsAreRejected) {
  std::unique_ptr<hal::Backend> backend =
      CreateFakeBackend(*ParseFakeSpec("devices=2,memory=64m,reserved=0"));
  FakeDevice* d0 = AsFakeDevice(*backend->GetDevice(0));
  FakeDevice* d1 = AsFakeDevice(*backend->GetDevice(1));
  auto s1 = *d1->CreateStream();
  auto e0 = *d0->CreateEvent();
  auto e1 = *d1->CreateEvent();
  EXPECT_EQ(e0->Record(*s1).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(e1->Record(*s1).ok());
  auto s0 = *d0->CreateStream();
  ASSERT_TRUE(e0->Record(*s0).ok());
  EXPECT_EQ(e0->ElapsedMillisecondsSince(*e1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d0->LaunchKernel({}, *s1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d0->StreamTimeNs(*s1), -1);
}

TEST(FakeDeviceTest, KernelRangesMustLieInsideAllocationsOfTheDevice) {
  std::unique_ptr<hal::Backend> backend =
      CreateFakeBackend(*ParseFakeSpec("devices=2,memory=64m,reserved=0"));
  FakeDevice* d = AsFakeDevice(*backend->GetDevice(0));
  FakeDevice* other = AsFakeDevice(*backend->GetDevice(1));
  auto s = *d->CreateStream();
  void* dev = *d->Allocate(hal::MemoryKind::kDevice, 4096);
  void* foreign = *other->Allocate(hal::MemoryKind::kDevice, 4096);
  std::vector<uint8_t> pageable(4096);
  const std::vector<KernelSpec> bad = {
      {{{nullptr, 16}}, {}, 0},
      {{{dev, 0}}, {}, 0},
      {{{dev, 4097}}, {}, 0},                                 // runs past the end
      {{{static_cast<char*>(dev) + 4095, 2}}, {}, 0},         // likewise
      {{}, {{pageable.data(), 16}}, 0},                       // not an allocation
      {{{foreign, 16}}, {}, 0},                               // another device's
      {{{dev, 16}}, {}, -1},                                  // negative compute
      {{{dev, 16}}, {}, std::numeric_limits<double>::infinity()},
  };
  for (const KernelSpec& k : bad) {
    EXPECT_EQ(d->LaunchKernel(k, *s).code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(d->counters().kernels, 0u);
  EXPECT_EQ(d->StreamTimeNs(*s), 0);
  EXPECT_TRUE(d->LaunchKernel({{{dev, 4096}}, {{dev, 1}}, 0}, *s).ok());
  EXPECT_EQ(d->counters().kernels, 1u);
  EXPECT_EQ(d->ResidentBytes(dev, 16).status().code(), absl::StatusCode::kInvalidArgument);

  std::unique_ptr<hal::Backend> unmapped =
      CreateFakeBackend(*ParseFakeSpec("memory=64m,reserved=0,host_mapped=0"));
  FakeDevice* u = AsFakeDevice(*unmapped->GetDevice(0));
  void* pinned = *u->Allocate(hal::MemoryKind::kHost, 4096);
  auto us = *u->CreateStream();
  EXPECT_EQ(u->LaunchKernel({{{pinned, 16}}, {}, 0}, *us).code(),
            absl::StatusCode::kUnimplemented);
}

TEST(FakeDeviceTest, KernelsReachPinnedHostMemoryRemotely) {
  SimulatedDevice sim(kSmall);
  FakeDevice& d = *sim.device;
  void* pinned = *d.Allocate(hal::MemoryKind::kHost, 4 * kMiB);
  auto s = *d.CreateStream();
  ASSERT_TRUE(d.LaunchKernel({{{pinned, 2 * kMiB}}, {{pinned, 2 * kMiB}}, 0}, *s).ok());
  const FakeCounters c = d.counters();
  EXPECT_EQ(c.remote_bytes, 4 * kMiB);
  EXPECT_EQ(c.bytes_h2d, 2 * kMiB);
  EXPECT_EQ(c.bytes_d2h, 2 * kMiB);
  EXPECT_EQ(c.faults, 0u);
  // The write waits for the read in the kernel's order: 1 ms + 1 ms.
  EXPECT_DOUBLE_EQ(d.StreamTimeNs(*s), 2 * kMs);
}

TEST(FakeDeviceTest, AddressSpaceOnlyMemoryRefusesDataAccess) {
  SimulatedDevice sim("memory=64m,reserved=0,backing=none");
  FakeDevice& d = *sim.device;
  std::vector<uint8_t> host(4096);
  for (hal::MemoryKind kind :
       {hal::MemoryKind::kDevice, hal::MemoryKind::kHost, hal::MemoryKind::kManaged}) {
    void* p = *d.Allocate(kind, 4096);
    EXPECT_EQ(d.Copy(p, host.data(), 4096).code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(d.Copy(host.data(), p, 4096).code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(d.Fill(p, 1, 4096).code(), absl::StatusCode::kFailedPrecondition);
    auto s = *d.CreateStream();
    EXPECT_EQ(d.FillAsync(p, 1, 4096, *s).code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(d.LaunchKernel({{{p, 4096}}, {}, 0}, *s).ok());  // modeled only
    EXPECT_TRUE(d.Free(p).ok());
  }
}

TEST(FakeDeviceTest, ConcurrentUseIsSafe) {
  SimulatedDevice sim("memory=64m,reserved=0,page=64k");
  FakeDevice& d = *sim.device;
  void* managed = *d.Allocate(hal::MemoryKind::kManaged, 256 * kMiB);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto s = *d.CreateStream();
      std::vector<uint8_t> buf(64 * 1024, static_cast<uint8_t>(t));
      for (int i = 0; i < 200; ++i) {
        char* p = static_cast<char*>(managed) + ((t * 200 + i) % 1024) * 256 * 1024;
        EXPECT_TRUE(d.LaunchKernel({{{p, 256 * 1024}}, {}, 0}, *s).ok());
        void* dev = *d.Allocate(hal::MemoryKind::kDevice, 1024 * 1024);
        EXPECT_TRUE(d.Copy(dev, buf.data(), buf.size()).ok());
        EXPECT_TRUE(d.Free(dev).ok());
        EXPECT_TRUE(d.Prefetch(p, 64 * 1024, hal::Location::Host(), *s).ok());
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(d.counters().kernels, 800u);
  EXPECT_EQ(d.DeviceBytesInUse(), 0u);
  EXPECT_LE(*d.ResidentBytes(managed, 256 * kMiB), 64 * kMiB);
}

}  // namespace
}  // namespace spillway::fake
