// Pins the fake's memory model (docs/fake-device.md): fault-driven migration,
// LRU eviction, write-back, read-mostly duplicates, remote access to
// host-preferred pages, preferred-device protection, prefetch on the copy
// engine. Timing uses figures chosen so one 2 MiB page crosses the link in
// exactly 1 ms and device memory in exactly 0.1 ms.
#include <cstdint>
#include <memory>

#include "gtest/gtest.h"
#include "simulated_device.h"
#include "spillway/backends/fake/fake_counters.h"
#include "spillway/backends/fake/fake_device.h"

namespace spillway::fake {
namespace {

using ::spillway::fake::testing::kMiB;
using ::spillway::fake::testing::SimulatedDevice;

constexpr uint64_t kPage = 2 * kMiB;
constexpr double kMs = 1e6;
constexpr double kLinkPage = 1 * kMs;     // page / link_bw
constexpr double kLocalPage = 0.1 * kMs;  // page / device_bw
constexpr double kFault = 0.5 * kMs;
// 64 MiB device, nothing reserved: 32 frames of 2 MiB.
constexpr char kSpec[] =
    "memory=64m,reserved=0,page=2m,link_bw=2097152000,device_bw=20971520000,fault_us=500";
constexpr uint64_t kCapacity = 64 * kMiB;

class ResidencyModelTest : public ::testing::Test {
 protected:
  ResidencyModelTest() : sim_(kSpec), d_(*sim_.device) { stream_ = *d_.CreateStream(); }

  // Managed memory whose pages start valid on the host (written by the host).
  char* HostWrittenManaged(uint64_t size) {
    void* p = *d_.Allocate(hal::MemoryKind::kManaged, size);
    EXPECT_TRUE(d_.Fill(p, 1, size).ok());
    return static_cast<char*>(p);
  }
  void Read(const void* p, uint64_t size, hal::Stream* stream = nullptr) {
    ASSERT_TRUE(d_.LaunchKernel({{{p, size}}, {}, 0}, stream ? *stream : *stream_).ok());
  }
  void Write(const void* p, uint64_t size) {
    ASSERT_TRUE(d_.LaunchKernel({{}, {{p, size}}, 0}, *stream_).ok());
  }
  // Counters of one call of `pass`.
  template <typename Fn>
  FakeCounters Measure(Fn pass) {
    const FakeCounters before = d_.counters();
    pass();
    return d_.counters() - before;
  }

  SimulatedDevice sim_;
  FakeDevice& d_;
  std::unique_ptr<hal::Stream> stream_;
};

TEST_F(ResidencyModelTest, OneFaultCostsLatencyThenTransferThenAccess) {
  char* m = HostWrittenManaged(kPage);
  const double start = d_.StreamTimeNs(*stream_);
  Read(m, kPage);
  EXPECT_DOUBLE_EQ(d_.StreamTimeNs(*stream_) - start, kFault + kLinkPage + kLocalPage);
  const FakeCounters c = d_.counters();
  EXPECT_EQ(c.faults, 1u);
  EXPECT_EQ(c.migrated_bytes, kPage);
  EXPECT_EQ(c.bytes_h2d, kPage);
  EXPECT_EQ(*d_.ResidentBytes(m, kPage), kPage);
  // Resident now: only device-memory time.
  Read(m, kPage);
  EXPECT_DOUBLE_EQ(d_.StreamTimeNs(*stream_) - start, kFault + kLinkPage + 2 * kLocalPage);
  EXPECT_EQ(d_.counters().faults, 1u);
}

TEST_F(ResidencyModelTest, UntouchedPagesArePopulatedWithoutTransfer) {
  void* m = *d_.Allocate(hal::MemoryKind::kManaged, 4 * kPage);
  Write(m, 4 * kPage);
  const FakeCounters c = d_.counters();
  EXPECT_EQ(c.faults, 4u);
  EXPECT_EQ(c.bytes_h2d, 0u);
  EXPECT_EQ(c.migrated_bytes, 0u);
  EXPECT_DOUBLE_EQ(d_.StreamTimeNs(*stream_), 4 * (kFault + kLocalPage));
}

TEST_F(ResidencyModelTest, CyclicAccessBeyondCapacityWithoutHintsRemigratesEverything) {
  const uint64_t size = kCapacity * 3 / 2;  // 96 MiB = 48 pages
  char* m = HostWrittenManaged(size);
  const FakeCounters first = Measure([&] { Read(m, size); });
  EXPECT_EQ(first.faults, 48u);
  EXPECT_EQ(first.bytes_h2d, size);
  EXPECT_EQ(first.evictions, 16u);
  for (int pass = 0; pass < 3; ++pass) {
    const FakeCounters c = Measure([&] { Read(m, size); });
    // LRU evicts exactly the page needed next: every page faults every pass.
    EXPECT_EQ(c.faults, 48u) << "pass " << pass;
    EXPECT_EQ(c.bytes_h2d, size) << "pass " << pass;
    EXPECT_EQ(c.migrated_bytes, size) << "pass " << pass;
    EXPECT_EQ(c.evictions, 48u) << "pass " << pass;
    // Migrated pages were moved, not copied: each eviction writes back.
    EXPECT_EQ(c.writeback_bytes, size) << "pass " << pass;
    EXPECT_EQ(c.remote_bytes, 0u);
  }
  EXPECT_EQ(*d_.ResidentBytes(m, size), kCapacity);
}

TEST_F(ResidencyModelTest, HostPreferredAccessedByOverflowIsReadRemotely) {
  const uint64_t size = kCapacity * 3 / 2;
  char* m = HostWrittenManaged(size);
  char* overflow = m + kCapacity;
  const uint64_t overflow_size = size - kCapacity;
  ASSERT_TRUE(d_.Advise(overflow, overflow_size, hal::Advice::kSetPreferredLocation,
                        hal::Location::Host())
                  .ok());
  ASSERT_TRUE(
      d_.Advise(overflow, overflow_size, hal::Advice::kSetAccessedBy, hal::Location::Device(0))
          .ok());
  const FakeCounters warm = Measure([&] { Read(m, size); });
  EXPECT_EQ(warm.faults, 32u);
  EXPECT_EQ(warm.remote_bytes, overflow_size);
  double thrash_free_pass = 0;
  for (int pass = 0; pass < 3; ++pass) {
    const double before = d_.StreamTimeNs(*stream_);
    const FakeCounters c = Measure([&] { Read(m, size); });
    EXPECT_EQ(c.faults, 0u) << "pass " << pass;
    EXPECT_EQ(c.migrated_bytes, 0u) << "pass " << pass;
    EXPECT_EQ(c.evictions, 0u) << "pass " << pass;
    // Only the overflow crosses the link, as zero-copy reads.
    EXPECT_EQ(c.remote_bytes, overflow_size) << "pass " << pass;
    EXPECT_EQ(c.bytes_h2d, overflow_size) << "pass " << pass;
    EXPECT_EQ(c.bytes_d2h, 0u) << "pass " << pass;
    thrash_free_pass = d_.StreamTimeNs(*stream_) - before;
  }
  EXPECT_DOUBLE_EQ(thrash_free_pass, 32 * kLocalPage + 16 * kLinkPage);
  EXPECT_EQ(*d_.ResidentBytes(m, kCapacity), kCapacity);
  EXPECT_EQ(*d_.ResidentBytes(overflow, overflow_size), 0u);
}

TEST_F(ResidencyModelTest, RemoteWritesGoDeviceToHostAndOnlyCoverTheRange) {
  char* m = HostWrittenManaged(4 * kPage);
  ASSERT_TRUE(
      d_.Advise(m, 4 * kPage, hal::Advice::kSetPreferredLocation, hal::Location::Host()).ok());
  ASSERT_TRUE(d_.Advise(m, 4 * kPage, hal::Advice::kSetAccessedBy, hal::Location::Device(0)).ok());
  const FakeCounters c = Measure([&] {
    ASSERT_TRUE(d_.LaunchKernel({{{m + 100, 1000}}, {{m + kPage, 3000}}, 0}, *stream_).ok());
  });
  EXPECT_EQ(c.remote_bytes, 4000u);
  EXPECT_EQ(c.bytes_h2d, 1000u);
  EXPECT_EQ(c.bytes_d2h, 3000u);
  EXPECT_EQ(c.faults, 0u);
}

TEST_F(ResidencyModelTest, HostPreferredWithoutAccessedByFaultsOnceThenMaps) {
  char* m = HostWrittenManaged(2 * kPage);
  ASSERT_TRUE(
      d_.Advise(m, 2 * kPage, hal::Advice::kSetPreferredLocation, hal::Location::Host()).ok());
  const FakeCounters first = Measure([&] { Read(m, 2 * kPage); });
  EXPECT_EQ(first.faults, 2u);
  EXPECT_EQ(first.migrated_bytes, 0u);
  EXPECT_EQ(first.remote_bytes, 2 * kPage);
  const FakeCounters second = Measure([&] { Read(m, 2 * kPage); });
  EXPECT_EQ(second.faults, 0u);
  EXPECT_EQ(second.remote_bytes, 2 * kPage);
  // Clearing the preference lets the next access migrate the pages.
  ASSERT_TRUE(d_.Advise(m, 2 * kPage, hal::Advice::kUnsetPreferredLocation,
                        hal::Location::Host())
                  .ok());
  const FakeCounters third = Measure([&] { Read(m, 2 * kPage); });
  EXPECT_EQ(third.faults, 2u);
  EXPECT_EQ(third.migrated_bytes, 2 * kPage);
}

TEST_F(ResidencyModelTest, EvictingReadMostlyDuplicatesWritesNothingBack) {
  char* a = HostWrittenManaged(kCapacity);
  char* b = HostWrittenManaged(kCapacity);
  ASSERT_TRUE(d_.Advise(a, kCapacity, hal::Advice::kSetReadMostly, hal::Location::Host()).ok());
  Read(a, kCapacity);
  EXPECT_EQ(*d_.ResidentBytes(a, kCapacity), kCapacity);
  const FakeCounters c = Measure([&] { Read(b, kCapacity); });
  EXPECT_EQ(c.evictions, 32u);
  EXPECT_EQ(c.writeback_bytes, 0u);
  EXPECT_EQ(c.bytes_d2h, 0u);
  EXPECT_EQ(*d_.ResidentBytes(a, kCapacity), 0u);
  // With no write-back the faults of b never wait for the D2H link.
  EXPECT_EQ(c.faults, 32u);
}

TEST_F(ResidencyModelTest, EvictingPagesWhoseOnlyCopyIsOnTheDeviceWritesThemBack) {
  char* a = HostWrittenManaged(kCapacity);
  char* b = HostWrittenManaged(kCapacity);
  Write(a, kCapacity);
  const FakeCounters c = Measure([&] { Read(b, kCapacity); });
  EXPECT_EQ(c.evictions, 32u);
  EXPECT_EQ(c.writeback_bytes, kCapacity);
  EXPECT_EQ(c.bytes_d2h, kCapacity);
}

TEST_F(ResidencyModelTest, WritingAReadMostlyPageCollapsesTheDuplicate) {
  char* a = HostWrittenManaged(kPage);
  char* b = HostWrittenManaged(kCapacity);
  ASSERT_TRUE(d_.Advise(a, kPage, hal::Advice::kSetReadMostly, hal::Location::Host()).ok());
  Read(a, kPage);
  const double before = d_.StreamTimeNs(*stream_);
  const FakeCounters w = Measure([&] { Write(a, kPage); });
  EXPECT_EQ(w.faults, 1u);  // the protection fault that invalidates the host copy
  EXPECT_DOUBLE_EQ(d_.StreamTimeNs(*stream_) - before, kFault + kLocalPage);
  // The device copy is now the only one: evicting it writes back.
  const FakeCounters c = Measure([&] { Read(b, kCapacity); });
  EXPECT_EQ(c.writeback_bytes, kPage);
}

TEST_F(ResidencyModelTest, PreferredDevicePagesAreEvictedLast) {
  char* hot = HostWrittenManaged(8 * kPage);
  char* cold = HostWrittenManaged(kCapacity);
  ASSERT_TRUE(d_.Advise(hot, 8 * kPage, hal::Advice::kSetPreferredLocation,
                        hal::Location::Device(0))
                  .ok());
  Read(hot, 8 * kPage);  // least recently used from here on
  Read(cold, kCapacity);
  Read(cold, kCapacity);
  EXPECT_EQ(*d_.ResidentBytes(hot, 8 * kPage), 8 * kPage);
  // Without the preference, the same sequence evicts them.
  ASSERT_TRUE(d_.Advise(hot, 8 * kPage, hal::Advice::kUnsetPreferredLocation,
                        hal::Location::Device(0))
                  .ok());
  Read(cold, kCapacity);
  EXPECT_EQ(*d_.ResidentBytes(hot, 8 * kPage), 0u);
}

TEST_F(ResidencyModelTest, DeviceAllocationsEvictManagedPages) {
  char* m = HostWrittenManaged(kCapacity);
  Write(m, kCapacity);
  EXPECT_EQ(*d_.ResidentBytes(m, kCapacity), kCapacity);
  const FakeCounters c = Measure([&] {
    ASSERT_TRUE(d_.Allocate(hal::MemoryKind::kDevice, 10 * kPage).ok());
  });
  EXPECT_EQ(c.evictions, 10u);
  EXPECT_EQ(c.writeback_bytes, 10 * kPage);
  EXPECT_EQ(*d_.ResidentBytes(m, kCapacity), kCapacity - 10 * kPage);
  // The oldest pages went first.
  EXPECT_EQ(*d_.ResidentBytes(m, 10 * kPage), 0u);
}

TEST_F(ResidencyModelTest, HostAccessBringsDeviceOnlyPagesBack) {
  char* m = HostWrittenManaged(2 * kPage);
  Write(m, 2 * kPage);
  std::vector<uint8_t> out(kPage);
  const FakeCounters c = Measure([&] { ASSERT_TRUE(d_.Copy(out.data(), m, kPage).ok()); });
  EXPECT_EQ(c.bytes_d2h, kPage);
  EXPECT_EQ(c.migrated_bytes, kPage);
  EXPECT_EQ(*d_.ResidentBytes(m, 2 * kPage), kPage);
  EXPECT_EQ(out[0], 1);  // the data itself always lives in host memory
}

TEST_F(ResidencyModelTest, PrefetchOnAnotherStreamOverlapsAKernel) {
  void* dev = *d_.Allocate(hal::MemoryKind::kDevice, kPage);
  char* m = HostWrittenManaged(8 * kPage);
  auto copy_stream = *d_.CreateStream();
  const double compute = 10 * kMs;
  ASSERT_TRUE(d_.LaunchKernel({{{dev, kPage}}, {}, compute}, *stream_).ok());
  ASSERT_TRUE(d_.Prefetch(m, 8 * kPage, hal::Location::Device(0), *copy_stream).ok());
  const double prefetch = 8 * kLinkPage;
  EXPECT_DOUBLE_EQ(d_.StreamTimeNs(*copy_stream), prefetch);
  EXPECT_DOUBLE_EQ(d_.TimeNs(), compute);
  EXPECT_LT(d_.TimeNs(), compute + prefetch);
  const FakeCounters c = d_.counters();
  EXPECT_EQ(c.prefetch_bytes, 8 * kPage);
  EXPECT_EQ(c.bytes_h2d, 8 * kPage);
  EXPECT_EQ(c.faults, 0u);
  // The pages are resident; the kernel after the compute finds them ready.
  const double before = d_.StreamTimeNs(*stream_);
  Read(m, 8 * kPage);
  EXPECT_DOUBLE_EQ(d_.StreamTimeNs(*stream_) - before, 8 * kLocalPage);
  EXPECT_EQ(d_.counters().faults, 0u);
}

TEST_F(ResidencyModelTest, AKernelWaitsForAPageStillInFlight) {
  char* m = HostWrittenManaged(8 * kPage);
  auto copy_stream = *d_.CreateStream();
  const double t0 = d_.TimeNs();
  ASSERT_TRUE(d_.Prefetch(m, 8 * kPage, hal::Location::Device(0), *copy_stream).ok());
  // Page 7 arrives last, at 8 ms; page 0 at 1 ms.
  Read(m + 7 * kPage, kPage);
  EXPECT_DOUBLE_EQ(d_.StreamTimeNs(*stream_) - t0, 8 * kLinkPage + kLocalPage);
  auto third = *d_.CreateStream();
  Read(m, kPage, third.get());
  EXPECT_DOUBLE_EQ(d_.StreamTimeNs(*third) - t0, kLinkPage + kLocalPage);
  EXPECT_EQ(d_.counters().faults, 0u);
}

TEST_F(ResidencyModelTest, LinkTrafficSerializesPerDirection) {
  char* a = HostWrittenManaged(4 * kPage);
  auto other = *d_.CreateStream();
  const double t0 = d_.TimeNs();
  // Two prefetches on different streams share the H2D link in issue order.
  ASSERT_TRUE(d_.Prefetch(a, 2 * kPage, hal::Location::Device(0), *stream_).ok());
  ASSERT_TRUE(d_.Prefetch(a + 2 * kPage, 2 * kPage, hal::Location::Device(0), *other).ok());
  EXPECT_DOUBLE_EQ(d_.StreamTimeNs(*stream_) - t0, 2 * kLinkPage);
  EXPECT_DOUBLE_EQ(d_.StreamTimeNs(*other) - t0, 4 * kLinkPage);
  // Writing back to the host uses the other direction: it does not wait.
  auto third = *d_.CreateStream();
  Write(a, kPage);  // on stream_, makes page 0 device-only
  ASSERT_TRUE(d_.Prefetch(a, kPage, hal::Location::Host(), *third).ok());
  const FakeCounters c = d_.counters();
  EXPECT_EQ(c.prefetch_bytes, 5 * kPage);
  EXPECT_EQ(c.bytes_d2h, kPage);
  EXPECT_EQ(*d_.ResidentBytes(a, kPage), 0u);
}

TEST_F(ResidencyModelTest, PrefetchToHostOfCleanDuplicatesMovesNothing) {
  char* a = HostWrittenManaged(4 * kPage);
  ASSERT_TRUE(d_.Advise(a, 4 * kPage, hal::Advice::kSetReadMostly, hal::Location::Host()).ok());
  ASSERT_TRUE(d_.Prefetch(a, 4 * kPage, hal::Location::Device(0), *stream_).ok());
  const FakeCounters c = Measure([&] {
    ASSERT_TRUE(d_.Prefetch(a, 4 * kPage, hal::Location::HostNuma(0), *stream_).ok());
  });
  EXPECT_EQ(c.bytes_d2h, 0u);
  // Read-mostly pages stay duplicated on the device.
  EXPECT_EQ(*d_.ResidentBytes(a, 4 * kPage), 4 * kPage);
  // Unsetting read-mostly collapses the duplicates to the host (no preference).
  ASSERT_TRUE(
      d_.Advise(a, 4 * kPage, hal::Advice::kUnsetReadMostly, hal::Location::Host()).ok());
  EXPECT_EQ(*d_.ResidentBytes(a, 4 * kPage), 0u);
}

TEST_F(ResidencyModelTest, FaultsWaitForTheWriteBackThatFreesTheirFrame) {
  char* a = HostWrittenManaged(kCapacity);
  char* b = HostWrittenManaged(kPage);
  Write(a, kCapacity);  // all 32 frames hold device-only pages
  const double before = d_.StreamTimeNs(*stream_);
  Read(b, kPage);
  // Write-back (1 ms on D2H) overlaps the fault latency (0.5 ms); the page then
  // crosses H2D (1 ms) and is read (0.1 ms).
  EXPECT_DOUBLE_EQ(d_.StreamTimeNs(*stream_) - before, kLinkPage + kLinkPage + kLocalPage);
}

}  // namespace
}  // namespace spillway::fake
