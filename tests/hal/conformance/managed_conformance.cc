// Managed memory: advice, prefetch and oversubscription, each where the
// device advertises the capability (and UNIMPLEMENTED where it does not).
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "conformance_fixture.h"
#include "gtest/gtest.h"

namespace spillway::hal::conformance {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

constexpr Advice kAllAdvice[] = {Advice::kSetReadMostly,         Advice::kUnsetReadMostly,
                                 Advice::kSetPreferredLocation,  Advice::kUnsetPreferredLocation,
                                 Advice::kSetAccessedBy,         Advice::kUnsetAccessedBy};

Capability CapabilityFor(Advice advice) {
  switch (advice) {
    case Advice::kSetReadMostly:
    case Advice::kUnsetReadMostly: return kCapAdviseReadMostly;
    case Advice::kSetPreferredLocation:
    case Advice::kUnsetPreferredLocation: return kCapAdvisePreferredLocation;
    case Advice::kSetAccessedBy:
    case Advice::kUnsetAccessedBy: return kCapAdviseAccessedBy;
  }
  return kCapAdviseReadMostly;
}

TEST_P(HalManagedConformanceTest, EveryAdviceWithEveryLocation) {
  Device& d = device();
  SPILLWAY_REQUIRE_CAPABILITY(d, kCapManagedMemory);
  const size_t size = 4 * kMiB;
  auto buffer = TestBuffer::Create(d, Place::kManaged, size);
  ASSERT_TRUE(buffer.ok()) << buffer.status();
  const std::vector<uint8_t> bytes = Pattern(size, 17);
  std::memcpy(buffer->data(), bytes.data(), size);

  std::vector<Location> locations = {Location::Device(d.properties().ordinal), Location::Host()};
  if (d.properties().Has(kCapHostNumaLocation)) locations.push_back(Location::HostNuma(0));
  // Set before unset, so every unset has something to undo.
  for (Advice advice : kAllAdvice) {
    for (const Location& location : locations) {
      SCOPED_TRACE(absl::StrCat(AdviceName(advice), " ", LocationToString(location)));
      absl::Status whole = d.Advise(buffer->data(), size, advice, location);
      // A sub-range that starts and ends inside pages.
      absl::Status part = d.Advise(buffer->data() + kMiB + 5, kMiB, advice, location);
      if (d.properties().Has(CapabilityFor(advice))) {
        EXPECT_TRUE(whole.ok()) << whole;
        EXPECT_TRUE(part.ok()) << part;
      } else {
        EXPECT_EQ(whole.code(), absl::StatusCode::kUnimplemented) << whole;
        EXPECT_EQ(part.code(), absl::StatusCode::kUnimplemented) << part;
      }
    }
  }
  EXPECT_EQ(std::memcmp(buffer->data(), bytes.data(), size), 0) << "advice changed the data";
  absl::StatusOr<std::vector<uint8_t>> read = Download(d, buffer->data(), size);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(FirstMismatch(*read, bytes), -1);
}

TEST_P(HalManagedConformanceTest, AdvisedDataStaysCorrectWhileUsed) {
  Device& d = device();
  SPILLWAY_REQUIRE_CAPABILITY(d, kCapAdvisePreferredLocation);
  const size_t size = 6 * kMiB;
  auto buffer = TestBuffer::Create(d, Place::kManaged, size);
  ASSERT_TRUE(buffer.ok()) << buffer.status();
  const std::vector<uint8_t> bytes = Pattern(size, 23);
  // Host-preferred first half, device-preferred second half.
  ASSERT_TRUE(d.Advise(buffer->data(), size / 2, Advice::kSetPreferredLocation, Location::Host())
                  .ok());
  ASSERT_TRUE(d.Advise(buffer->data() + size / 2, size / 2, Advice::kSetPreferredLocation,
                       Location::Device(d.properties().ordinal))
                  .ok());
  if (d.properties().Has(kCapAdviseReadMostly)) {
    ASSERT_TRUE(d.Advise(buffer->data(), size, Advice::kSetReadMostly, Location::Host()).ok());
  }
  ASSERT_TRUE(Upload(d, buffer->data(), bytes).ok());
  EXPECT_EQ(std::memcmp(buffer->data(), bytes.data(), size), 0);
  // A device-side copy out of both halves, then a CPU write, then a re-read.
  auto device_copy = TestBuffer::Create(d, Place::kDevice, size);
  ASSERT_TRUE(device_copy.ok()) << device_copy.status();
  ASSERT_TRUE(d.Copy(device_copy->data(), buffer->data(), size).ok());
  buffer->data()[size - 1] ^= 0xff;
  std::vector<uint8_t> expected = bytes;
  expected[size - 1] ^= 0xff;
  absl::StatusOr<std::vector<uint8_t>> read = Download(d, buffer->data(), size);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(FirstMismatch(*read, expected), -1);
  absl::StatusOr<std::vector<uint8_t>> copied = Download(d, device_copy->data(), size);
  ASSERT_TRUE(copied.ok()) << copied.status();
  EXPECT_EQ(FirstMismatch(*copied, bytes), -1);
}

TEST_P(HalManagedConformanceTest, AdviceNeedsManagedMemory) {
  Device& d = device();
  SPILLWAY_REQUIRE_CAPABILITY(d, kCapAdviseReadMostly);
  for (Place place : {Place::kPageable, Place::kPinned, Place::kDevice}) {
    SCOPED_TRACE(PlaceName(place));
    auto buffer = TestBuffer::Create(d, place, 2 * kMiB);
    ASSERT_TRUE(buffer.ok()) << buffer.status();
    absl::Status status =
        d.Advise(buffer->data(), buffer->size(), Advice::kSetReadMostly, Location::Host());
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  }
  auto managed = TestBuffer::Create(d, Place::kManaged, 2 * kMiB);
  ASSERT_TRUE(managed.ok()) << managed.status();
  absl::Status past =
      d.Advise(managed->data() + 1, managed->size(), Advice::kSetReadMostly, Location::Host());
  EXPECT_EQ(past.code(), absl::StatusCode::kInvalidArgument) << past;
  absl::Status empty = d.Advise(managed->data(), 0, Advice::kSetReadMostly, Location::Host());
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument) << empty;
}

TEST_P(HalManagedConformanceTest, AdviceToAnotherDeviceOrdinalIsInvalidArgument) {
  Device& d = device();
  SPILLWAY_REQUIRE_CAPABILITY(d, kCapAdvisePreferredLocation);
  auto managed = TestBuffer::Create(d, Place::kManaged, 2 * kMiB);
  ASSERT_TRUE(managed.ok()) << managed.status();
  for (int bad : {-1, d.properties().ordinal + 1, 1 << 20}) {
    absl::Status status = d.Advise(managed->data(), managed->size(),
                                   Advice::kSetPreferredLocation, Location::Device(bad));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad << ": " << status;
  }
}

TEST_P(HalManagedConformanceTest, MissingAdviceAndPrefetchCapabilitiesAreUnimplemented) {
  Device& d = device();
  const DeviceProperties& p = d.properties();
  if (p.Has(kCapAdviseReadMostly) && p.Has(kCapAdvisePreferredLocation) &&
      p.Has(kCapAdviseAccessedBy) && p.Has(kCapPrefetch) && p.Has(kCapHostNumaLocation)) {
    GTEST_SKIP() << d.uri() << " supports every advice, prefetch and host NUMA locations";
  }
  // Any pointer will do: the capability is checked first.
  std::vector<uint8_t> host(4096);
  absl::StatusOr<std::unique_ptr<Stream>> stream = d.CreateStream();
  ASSERT_TRUE(stream.ok()) << stream.status();
  for (Advice advice : kAllAdvice) {
    if (p.Has(CapabilityFor(advice))) continue;
    absl::Status status = d.Advise(host.data(), host.size(), advice, Location::Host());
    EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented) << AdviceName(advice) << status;
  }
  if (!p.Has(kCapPrefetch)) {
    absl::Status status = d.Prefetch(host.data(), host.size(), Location::Host(), **stream);
    EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented) << status;
  }
  if (!p.Has(kCapHostNumaLocation) && p.Has(kCapPrefetch)) {
    auto managed = TestBuffer::Create(d, Place::kManaged, 4096);
    ASSERT_TRUE(managed.ok()) << managed.status();
    absl::Status status = d.Prefetch(managed->data(), 4096, Location::HostNuma(0), **stream);
    EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented) << status;
  }
}

TEST_P(HalManagedConformanceTest, PrefetchToTheDeviceAndBackKeepsTheData) {
  Device& d = device();
  SPILLWAY_REQUIRE_CAPABILITY(d, kCapPrefetch);
  absl::StatusOr<std::unique_ptr<Stream>> stream = d.CreateStream();
  ASSERT_TRUE(stream.ok()) << stream.status();
  const size_t size = 8 * kMiB + 4096;
  auto buffer = TestBuffer::Create(d, Place::kManaged, size);
  ASSERT_TRUE(buffer.ok()) << buffer.status();
  const std::vector<uint8_t> bytes = Pattern(size, 29);
  std::memcpy(buffer->data(), bytes.data(), size);

  std::vector<Location> host_locations = {Location::Host()};
  if (d.properties().Has(kCapHostNumaLocation)) host_locations.push_back(Location::HostNuma(0));
  for (const Location& host : host_locations) {
    SCOPED_TRACE(LocationToString(host));
    ASSERT_TRUE(
        d.Prefetch(buffer->data(), size, Location::Device(d.properties().ordinal), **stream).ok());
    ASSERT_TRUE((*stream)->Synchronize().ok());
    // Read on the device side while resident there.
    absl::StatusOr<std::vector<uint8_t>> read = Download(d, buffer->data(), size);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(FirstMismatch(*read, bytes), -1);

    ASSERT_TRUE(d.Prefetch(buffer->data(), size, host, **stream).ok());
    ASSERT_TRUE((*stream)->Synchronize().ok());
    EXPECT_EQ(std::memcmp(buffer->data(), bytes.data(), size), 0);
  }
  // A partial prefetch of an unaligned sub-range, ordered after a fill.
  ASSERT_TRUE(d.FillAsync(buffer->data() + 3 * kMiB, 0x99, kMiB, **stream).ok());
  ASSERT_TRUE(d.Prefetch(buffer->data() + kMiB + 1, 3 * kMiB,
                         Location::Device(d.properties().ordinal), **stream)
                  .ok());
  ASSERT_TRUE((*stream)->Synchronize().ok());
  std::vector<uint8_t> expected = bytes;
  std::memset(expected.data() + 3 * kMiB, 0x99, kMiB);
  EXPECT_EQ(std::memcmp(buffer->data(), expected.data(), size), 0);
}

TEST_P(HalManagedConformanceTest, PrefetchNeedsManagedMemoryAndItsOwnStream) {
  Device& d = device();
  SPILLWAY_REQUIRE_CAPABILITY(d, kCapPrefetch);
  absl::StatusOr<std::unique_ptr<Stream>> stream = d.CreateStream();
  ASSERT_TRUE(stream.ok()) << stream.status();
  for (Place place : {Place::kPageable, Place::kPinned, Place::kDevice}) {
    auto buffer = TestBuffer::Create(d, place, 4096);
    ASSERT_TRUE(buffer.ok()) << buffer.status();
    absl::Status status = d.Prefetch(buffer->data(), 4096, Location::Host(), **stream);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << PlaceName(place) << status;
  }
  auto managed = TestBuffer::Create(d, Place::kManaged, 4096);
  ASSERT_TRUE(managed.ok()) << managed.status();
  absl::Status past = d.Prefetch(managed->data(), 4097, Location::Host(), **stream);
  EXPECT_EQ(past.code(), absl::StatusCode::kInvalidArgument) << past;
  absl::Status bad_device = d.Prefetch(managed->data(), 4096, Location::Device(-1), **stream);
  EXPECT_EQ(bad_device.code(), absl::StatusCode::kInvalidArgument) << bad_device;
  if (device_count() >= 2) {
    absl::StatusOr<std::unique_ptr<Stream>> foreign = device(1).CreateStream();
    ASSERT_TRUE(foreign.ok()) << foreign.status();
    absl::Status status = d.Prefetch(managed->data(), 4096, Location::Host(), **foreign);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  }
}

TEST_P(HalManagedConformanceTest, OversubscribedManagedMemoryKeepsEveryByte) {
  Device& d = device();
  SPILLWAY_REQUIRE_CAPABILITY(d, kCapOversubscription);
  SPILLWAY_REQUIRE_CAPABILITY(d, kCapPrefetch);
  const uint64_t total = d.properties().total_memory;
  if (total > (2ull << 30)) {
    GTEST_SKIP() << d.uri() << " has " << total
                 << " bytes; oversubscribing it would take too long for a conformance test";
  }
  // A quarter more than the whole device, touched page by page.
  const size_t size = static_cast<size_t>(total + total / 4);
  auto buffer = TestBuffer::Create(d, Place::kManaged, size);
  ASSERT_TRUE(buffer.ok()) << buffer.status();
  constexpr size_t kStride = 2 * kMiB;
  for (size_t offset = 0; offset < size; offset += kStride) {
    buffer->data()[offset] = static_cast<uint8_t>(offset / kStride * 7 + 1);
  }
  absl::StatusOr<std::unique_ptr<Stream>> stream = d.CreateStream();
  ASSERT_TRUE(stream.ok()) << stream.status();
  // Pull all of it to the device: more than fits, so some of it must be evicted.
  ASSERT_TRUE(
      d.Prefetch(buffer->data(), size, Location::Device(d.properties().ordinal), **stream).ok());
  ASSERT_TRUE((*stream)->Synchronize().ok());
  size_t wrong = 0;
  for (size_t offset = 0; offset < size; offset += kStride) {
    if (buffer->data()[offset] != static_cast<uint8_t>(offset / kStride * 7 + 1)) ++wrong;
  }
  EXPECT_EQ(wrong, 0u);
}

}  // namespace
}  // namespace spillway::hal::conformance
