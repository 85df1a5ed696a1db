// Synchronous copies between every pair of places, fills of partial ranges,
// and the errors of Copy and Fill.
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "conformance_fixture.h"
#include "gtest/gtest.h"

namespace spillway::hal::conformance {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

// Not a multiple of any page or vector width, so tails are exercised.
constexpr size_t kCopySize = kMiB + 4096 + 7;

TEST_P(HalCopyConformanceTest, CopiesBetweenEveryPairOfPlaces) {
  Device& d = device();
  uint32_t seed = 1;
  for (Place from : Places(d)) {
    for (Place to : Places(d)) {
      SCOPED_TRACE(absl::StrCat(PlaceName(from), " -> ", PlaceName(to)));
      auto src = TestBuffer::Create(d, from, kCopySize);
      auto dst = TestBuffer::Create(d, to, kCopySize);
      ASSERT_TRUE(src.ok()) << src.status();
      ASSERT_TRUE(dst.ok()) << dst.status();
      const std::vector<uint8_t> bytes = Pattern(kCopySize, seed++);
      const std::vector<uint8_t> stale = Pattern(kCopySize, seed++);
      ASSERT_TRUE(Upload(d, src->data(), bytes).ok());
      ASSERT_TRUE(Upload(d, dst->data(), stale).ok());

      ASSERT_TRUE(d.Copy(dst->data(), src->data(), kCopySize).ok());

      absl::StatusOr<std::vector<uint8_t>> read = Download(d, dst->data(), kCopySize);
      ASSERT_TRUE(read.ok()) << read.status();
      EXPECT_EQ(FirstMismatch(*read, bytes), -1);
      if (dst->host_accessible()) {
        EXPECT_EQ(std::memcmp(dst->data(), bytes.data(), kCopySize), 0) << "seen from the CPU";
      }
      // The source is left as it was.
      absl::StatusOr<std::vector<uint8_t>> source = Download(d, src->data(), kCopySize);
      ASSERT_TRUE(source.ok()) << source.status();
      EXPECT_EQ(FirstMismatch(*source, bytes), -1);
    }
  }
}

TEST_P(HalCopyConformanceTest, CopiesSubrangesAtOddOffsets) {
  Device& d = device();
  for (Place place : Places(d)) {
    if (place == Place::kPageable) continue;
    SCOPED_TRACE(PlaceName(place));
    auto buffer = TestBuffer::Create(d, place, 3 * 4096);
    ASSERT_TRUE(buffer.ok()) << buffer.status();
    std::vector<uint8_t> expected = Pattern(buffer->size(), 11);
    ASSERT_TRUE(Upload(d, buffer->data(), expected).ok());
    const std::vector<uint8_t> patch = Pattern(5000, 12);
    ASSERT_TRUE(d.Copy(buffer->data() + 1001, patch.data(), patch.size()).ok());
    std::memcpy(expected.data() + 1001, patch.data(), patch.size());
    // Device-internal move within the same allocation, non-overlapping.
    ASSERT_TRUE(d.Copy(buffer->data() + 8192, buffer->data() + 3, 4000).ok());
    std::memcpy(expected.data() + 8192, expected.data() + 3, 4000);
    absl::StatusOr<std::vector<uint8_t>> read = Download(d, buffer->data(), buffer->size());
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(FirstMismatch(*read, expected), -1);
  }
}

TEST_P(HalCopyConformanceTest, FillsExactlyTheGivenRange) {
  Device& d = device();
  for (Place place : Places(d)) {
    SCOPED_TRACE(PlaceName(place));
    auto buffer = TestBuffer::Create(d, place, 2 * kMiB + 3);
    ASSERT_TRUE(buffer.ok()) << buffer.status();
    std::vector<uint8_t> expected(buffer->size(), 0x00);
    ASSERT_TRUE(d.Fill(buffer->data(), 0x00, buffer->size()).ok());
    struct Range {
      size_t offset, size;
      uint8_t value;
    };
    for (const Range& r : {Range{0, 1, 0x11}, Range{5, 4091, 0x5a}, Range{kMiB - 1, kMiB + 2, 0xff},
                           Range{2 * kMiB + 2, 1, 0x80}, Range{4096, 17, 0x00}}) {
      ASSERT_TRUE(d.Fill(buffer->data() + r.offset, r.value, r.size).ok())
          << r.offset << "+" << r.size;
      std::memset(expected.data() + r.offset, r.value, r.size);
    }
    absl::StatusOr<std::vector<uint8_t>> read = Download(d, buffer->data(), buffer->size());
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(FirstMismatch(*read, expected), -1);
  }
}

TEST_P(HalCopyConformanceTest, CopyPastTheEndIsInvalidArgumentAndWritesNothing) {
  Device& d = device();
  for (Place place : Places(d)) {
    if (place == Place::kPageable) continue;
    SCOPED_TRACE(PlaceName(place));
    auto buffer = TestBuffer::Create(d, place, 4096);
    ASSERT_TRUE(buffer.ok()) << buffer.status();
    const std::vector<uint8_t> before = Pattern(4096, 21);
    ASSERT_TRUE(Upload(d, buffer->data(), before).ok());
    std::vector<uint8_t> host(8192, 0xee);

    absl::Status dst_past = d.Copy(buffer->data() + 1, host.data(), 4096);
    EXPECT_EQ(dst_past.code(), absl::StatusCode::kInvalidArgument) << dst_past;
    absl::Status dst_longer = d.Copy(buffer->data(), host.data(), 4097);
    EXPECT_EQ(dst_longer.code(), absl::StatusCode::kInvalidArgument) << dst_longer;
    absl::Status src_past = d.Copy(host.data(), buffer->data() + 4000, 97);
    EXPECT_EQ(src_past.code(), absl::StatusCode::kInvalidArgument) << src_past;
    absl::Status fill_past = d.Fill(buffer->data() + 4095, 0x77, 2);
    EXPECT_EQ(fill_past.code(), absl::StatusCode::kInvalidArgument) << fill_past;
    absl::Status wraps = d.Copy(buffer->data(), host.data(), std::numeric_limits<size_t>::max());
    EXPECT_EQ(wraps.code(), absl::StatusCode::kInvalidArgument) << wraps;

    absl::StatusOr<std::vector<uint8_t>> read = Download(d, buffer->data(), 4096);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(FirstMismatch(*read, before), -1) << "a rejected call changed the allocation";
    EXPECT_EQ(host, std::vector<uint8_t>(8192, 0xee)) << "a rejected call changed host memory";
  }
}

TEST_P(HalCopyConformanceTest, NullPointersAndZeroSizesAreInvalidArgument) {
  Device& d = device();
  auto buffer = TestBuffer::Create(d, Place::kDevice, 4096);
  ASSERT_TRUE(buffer.ok()) << buffer.status();
  std::vector<uint8_t> host(4096);
  EXPECT_EQ(d.Copy(nullptr, host.data(), 16).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d.Copy(buffer->data(), nullptr, 16).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d.Copy(buffer->data(), host.data(), 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d.Fill(nullptr, 1, 16).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d.Fill(buffer->data(), 1, 0).code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(HalCopyConformanceTest, FreedMemoryIsNoLongerADeviceEndpoint) {
  Device& d = device();
  absl::StatusOr<void*> ptr = d.Allocate(MemoryKind::kDevice, 4096);
  ASSERT_TRUE(ptr.ok()) << ptr.status();
  ASSERT_TRUE(d.Free(*ptr).ok());
  EXPECT_EQ(d.Classify(*ptr), Endpoint::kPageableHost);
  EXPECT_EQ(d.FindAllocation(*ptr).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace spillway::hal::conformance
