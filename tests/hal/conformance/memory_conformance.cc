// Allocation of the three memory kinds, memory accounting, and the errors of
// Allocate and Free.
#include <atomic>
#include <cstdint>
#include <cstring>
#include <limits>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "conformance_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spillway::hal::conformance {
namespace {

using ::testing::AnyOf;

constexpr uint64_t kMiB = 1ull << 20;

std::vector<MemoryKind> Kinds(Device& d) {
  std::vector<MemoryKind> kinds = {MemoryKind::kDevice, MemoryKind::kHost};
  if (d.properties().Has(kCapManagedMemory)) kinds.push_back(MemoryKind::kManaged);
  return kinds;
}

Endpoint EndpointOf(MemoryKind kind) {
  switch (kind) {
    case MemoryKind::kDevice: return Endpoint::kDevice;
    case MemoryKind::kHost: return Endpoint::kPinnedHost;
    case MemoryKind::kManaged: return Endpoint::kManaged;
  }
  return Endpoint::kPageableHost;
}

TEST_P(HalMemoryConformanceTest, EveryKindAllocatesAndFrees) {
  for (int i = 0; i < device_count(); ++i) {
    Device& d = device(i);
    for (MemoryKind kind : Kinds(d)) {
      SCOPED_TRACE(absl::StrCat(d.uri(), " ", MemoryKindName(kind)));
      for (size_t size : {size_t{1}, size_t{4096} + 3, size_t{3 * kMiB}}) {
        absl::StatusOr<void*> ptr = d.Allocate(kind, size);
        ASSERT_TRUE(ptr.ok()) << ptr.status();
        ASSERT_NE(*ptr, nullptr);
        absl::StatusOr<Allocation> found = d.FindAllocation(static_cast<char*>(*ptr) + size - 1);
        ASSERT_TRUE(found.ok()) << found.status();
        EXPECT_EQ(found->base, *ptr);
        EXPECT_EQ(found->size, size);
        EXPECT_EQ(found->kind, kind);
        EXPECT_EQ(d.Classify(*ptr), EndpointOf(kind));
        ASSERT_TRUE(d.Free(*ptr).ok());
        EXPECT_EQ(d.FindAllocation(*ptr).status().code(), absl::StatusCode::kNotFound);
      }
    }
  }
}

TEST_P(HalMemoryConformanceTest, ManagedMemoryWithoutCapabilityIsUnimplemented) {
  if (device().properties().Has(kCapManagedMemory)) {
    GTEST_SKIP() << device().uri() << " has managed memory";
  }
  absl::StatusOr<void*> ptr = device().Allocate(MemoryKind::kManaged, 4096);
  EXPECT_EQ(ptr.status().code(), absl::StatusCode::kUnimplemented) << ptr.status();
}

TEST_P(HalMemoryConformanceTest, LiveAllocationsDoNotOverlap) {
  std::vector<TestBuffer> buffers;
  for (Place place : Places(device())) {
    if (place == Place::kPageable) continue;
    for (int n = 0; n < 4; ++n) {
      auto buffer = TestBuffer::Create(device(), place, 64 * 1024 + 17);
      ASSERT_TRUE(buffer.ok()) << buffer.status();
      buffers.push_back(std::move(*buffer));
    }
  }
  for (size_t a = 0; a < buffers.size(); ++a) {
    for (size_t b = a + 1; b < buffers.size(); ++b) {
      const uint8_t* a_begin = buffers[a].data();
      const uint8_t* b_begin = buffers[b].data();
      const bool disjoint = a_begin + buffers[a].size() <= b_begin ||
                            b_begin + buffers[b].size() <= a_begin;
      EXPECT_TRUE(disjoint) << PlaceName(buffers[a].place()) << " and "
                            << PlaceName(buffers[b].place());
    }
  }
}

TEST_P(HalMemoryConformanceTest, HostAccessibleKindsAreUsableFromTheCpu) {
  for (Place place : Places(device())) {
    if (place == Place::kPageable || place == Place::kDevice) continue;
    SCOPED_TRACE(PlaceName(place));
    auto buffer = TestBuffer::Create(device(), place, 2 * kMiB + 5);
    ASSERT_TRUE(buffer.ok()) << buffer.status();
    const std::vector<uint8_t> pattern = Pattern(buffer->size(), 7);
    std::memcpy(buffer->data(), pattern.data(), pattern.size());
    EXPECT_EQ(std::memcmp(buffer->data(), pattern.data(), pattern.size()), 0);
    // The device sees what the CPU wrote.
    absl::StatusOr<std::vector<uint8_t>> read = Download(device(), buffer->data(), buffer->size());
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(FirstMismatch(*read, pattern), -1);
  }
}

TEST_P(HalMemoryConformanceTest, FreeMemoryFollowsDeviceAllocations) {
  Device& d = device();
  absl::StatusOr<MemoryInfo> before = d.GetMemoryInfo();
  ASSERT_TRUE(before.ok()) << before.status();
  const uint64_t size = std::min<uint64_t>(64 * kMiB, before->free / 4);
  ASSERT_GT(size, 0u) << "no free device memory";
  absl::StatusOr<void*> ptr = d.Allocate(MemoryKind::kDevice, size);
  ASSERT_TRUE(ptr.ok()) << ptr.status();
  absl::StatusOr<MemoryInfo> during = d.GetMemoryInfo();
  ASSERT_TRUE(during.ok()) << during.status();
  EXPECT_LE(during->free, during->total);
  EXPECT_LE(during->free + size, before->free) << "free memory did not drop by the allocation";
  ASSERT_TRUE(d.Free(*ptr).ok());
  absl::StatusOr<MemoryInfo> after = d.GetMemoryInfo();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_GE(after->free, during->free + size) << "free memory did not come back";
  EXPECT_EQ(after->total, before->total);
}

TEST_P(HalMemoryConformanceTest, ZeroSizeIsInvalidArgument) {
  for (MemoryKind kind : {MemoryKind::kDevice, MemoryKind::kHost, MemoryKind::kManaged}) {
    absl::StatusOr<void*> ptr = device().Allocate(kind, 0);
    EXPECT_EQ(ptr.status().code(), absl::StatusCode::kInvalidArgument)
        << MemoryKindName(kind) << ": " << ptr.status();
  }
}

TEST_P(HalMemoryConformanceTest, DeviceAllocationLargerThanTheDeviceIsResourceExhausted) {
  const uint64_t total = device().properties().total_memory;
  for (uint64_t size : {total + 1, total * 2, uint64_t{1} << 50}) {
    absl::StatusOr<void*> ptr = device().Allocate(MemoryKind::kDevice, size);
    EXPECT_EQ(ptr.status().code(), absl::StatusCode::kResourceExhausted)
        << size << " bytes: " << ptr.status();
    if (ptr.ok()) (void)device().Free(*ptr);
  }
}

TEST_P(HalMemoryConformanceTest, DeviceAllocationLargerThanFreeMemoryIsResourceExhausted) {
  absl::StatusOr<MemoryInfo> info = device().GetMemoryInfo();
  ASSERT_TRUE(info.ok()) << info.status();
  if (info->free >= info->total) {
    GTEST_SKIP() << device().uri() << " reports all of its memory free; covered by the test above";
  }
  // Within the device's size (so the HAL's own check does not catch it) but
  // beyond what is free: only the backend can refuse it.
  absl::StatusOr<void*> ptr =
      device().Allocate(MemoryKind::kDevice, info->free + (info->total - info->free) / 2 + 1);
  EXPECT_EQ(ptr.status().code(), absl::StatusCode::kResourceExhausted) << ptr.status();
  if (ptr.ok()) (void)device().Free(*ptr);
}

TEST_P(HalMemoryConformanceTest, HugeHostAndManagedAllocationsFailCleanly) {
  for (MemoryKind kind : {MemoryKind::kHost, MemoryKind::kManaged}) {
    if (kind == MemoryKind::kManaged && !device().properties().Has(kCapManagedMemory)) continue;
    SCOPED_TRACE(MemoryKindName(kind));
    // 1 PiB: more than any host's address space.
    absl::StatusOr<void*> huge = device().Allocate(kind, uint64_t{1} << 50);
    EXPECT_EQ(huge.status().code(), absl::StatusCode::kResourceExhausted) << huge.status();
    if (huge.ok()) (void)device().Free(*huge);
    // Sizes near SIZE_MAX must not overflow while being rounded to pages.
    for (size_t size : {std::numeric_limits<size_t>::max(),
                        std::numeric_limits<size_t>::max() - 4095}) {
      absl::StatusOr<void*> ptr = device().Allocate(kind, size);
      EXPECT_THAT(ptr.status().code(), AnyOf(absl::StatusCode::kResourceExhausted,
                                             absl::StatusCode::kInvalidArgument))
          << size << ": " << ptr.status();
      if (ptr.ok()) (void)device().Free(*ptr);
    }
  }
}

TEST_P(HalMemoryConformanceTest, ExhaustionLosesNoDataAndRecovers) {
  Device& d = device();
  const uint64_t chunk = std::max<uint64_t>(d.properties().total_memory / 8, kMiB);
  const std::vector<uint8_t> witness_bytes = Pattern(4096, 99);
  auto witness = TestBuffer::Create(d, Place::kDevice, witness_bytes.size());
  ASSERT_TRUE(witness.ok()) << witness.status();
  ASSERT_TRUE(Upload(d, witness->data(), witness_bytes).ok());

  std::vector<void*> chunks;
  absl::Status last;
  for (int n = 0; n < 10 && last.ok(); ++n) {
    absl::StatusOr<void*> ptr = d.Allocate(MemoryKind::kDevice, chunk);
    if (ptr.ok()) {
      chunks.push_back(*ptr);
    } else {
      last = ptr.status();
    }
  }
  EXPECT_EQ(last.code(), absl::StatusCode::kResourceExhausted)
      << "10 allocations of total/8 all succeeded or failed otherwise: " << last;

  absl::StatusOr<std::vector<uint8_t>> read = Download(d, witness->data(), witness_bytes.size());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(FirstMismatch(*read, witness_bytes), -1);

  for (void* ptr : chunks) EXPECT_TRUE(d.Free(ptr).ok());
  absl::StatusOr<void*> again = d.Allocate(MemoryKind::kDevice, chunk);
  EXPECT_TRUE(again.ok()) << "memory was not given back: " << again.status();
  if (again.ok()) {
    EXPECT_TRUE(d.Free(*again).ok());
  }
}

TEST_P(HalMemoryConformanceTest, BadFreesAreInvalidArgumentAndHarmless) {
  Device& d = device();
  for (MemoryKind kind : Kinds(d)) {
    SCOPED_TRACE(MemoryKindName(kind));
    absl::StatusOr<void*> ptr = d.Allocate(kind, 8192);
    ASSERT_TRUE(ptr.ok()) << ptr.status();
    const std::vector<uint8_t> bytes = Pattern(8192, 3);
    ASSERT_TRUE(Upload(d, *ptr, bytes).ok());

    int on_stack = 0;
    std::vector<uint8_t> on_heap(64);
    EXPECT_EQ(d.Free(nullptr).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(d.Free(&on_stack).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(d.Free(on_heap.data()).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(d.Free(static_cast<char*>(*ptr) + 1).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(d.Free(static_cast<char*>(*ptr) + 4096).code(),
              absl::StatusCode::kInvalidArgument);

    // The allocation survived every bad free.
    absl::StatusOr<std::vector<uint8_t>> read = Download(d, *ptr, bytes.size());
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(FirstMismatch(*read, bytes), -1);

    ASSERT_TRUE(d.Free(*ptr).ok());
    absl::Status twice = d.Free(*ptr);
    EXPECT_EQ(twice.code(), absl::StatusCode::kInvalidArgument) << twice;
  }
}

TEST_P(HalMemoryConformanceTest, FreeOnAnotherDeviceIsInvalidArgument) {
  SPILLWAY_REQUIRE_DEVICES(2);
  auto buffer = TestBuffer::Create(device(0), Place::kDevice, 4096);
  ASSERT_TRUE(buffer.ok()) << buffer.status();
  absl::Status status = device(1).Free(buffer->data());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(device(0).FindAllocation(buffer->data()).ok());
}

TEST_P(HalMemoryConformanceTest, ConcurrentAllocationsAreIndependent) {
  Device& d = device();
  constexpr int kThreads = 4;
  constexpr int kRounds = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&d, &failures, t] {
      for (int round = 0; round < kRounds; ++round) {
        const size_t size = 64 * 1024 + static_cast<size_t>(t * 100 + round);
        const std::vector<uint8_t> bytes = Pattern(size, static_cast<uint32_t>(t * 1000 + round));
        absl::StatusOr<void*> ptr = d.Allocate(MemoryKind::kDevice, size);
        if (!ptr.ok()) {
          ++failures;
          continue;
        }
        absl::StatusOr<std::vector<uint8_t>> read;
        if (Upload(d, *ptr, bytes).ok()) read = Download(d, *ptr, size);
        if (!read.ok() || *read != bytes) ++failures;
        if (!d.Free(*ptr).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace spillway::hal::conformance
