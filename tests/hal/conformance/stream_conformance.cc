// Copies and fills enqueued on streams: results, ordering within a stream,
// and device-wide synchronization.
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "conformance_fixture.h"
#include "gtest/gtest.h"

namespace spillway::hal::conformance {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

std::unique_ptr<Stream> MustCreateStream(Device& d) {
  absl::StatusOr<std::unique_ptr<Stream>> stream = d.CreateStream();
  EXPECT_TRUE(stream.ok()) << stream.status();
  return stream.ok() ? std::move(*stream) : nullptr;
}

TEST_P(HalStreamConformanceTest, StreamsBelongToTheirDevice) {
  for (int i = 0; i < device_count(); ++i) {
    std::unique_ptr<Stream> stream = MustCreateStream(device(i));
    ASSERT_NE(stream, nullptr);
    EXPECT_EQ(&stream->device(), &device(i));
    EXPECT_TRUE(stream->Synchronize().ok());
    absl::StatusOr<bool> idle = stream->Query();
    ASSERT_TRUE(idle.ok()) << idle.status();
    EXPECT_TRUE(*idle) << "an empty, synchronized stream reports pending work";
  }
}

TEST_P(HalStreamConformanceTest, AsyncCopiesBetweenEveryPairOfPlaces) {
  Device& d = device();
  std::unique_ptr<Stream> stream = MustCreateStream(d);
  ASSERT_NE(stream, nullptr);
  const size_t size = kMiB + 13;
  uint32_t seed = 100;
  for (Place from : Places(d)) {
    for (Place to : Places(d)) {
      SCOPED_TRACE(absl::StrCat(PlaceName(from), " -> ", PlaceName(to)));
      auto src = TestBuffer::Create(d, from, size);
      auto dst = TestBuffer::Create(d, to, size);
      ASSERT_TRUE(src.ok()) << src.status();
      ASSERT_TRUE(dst.ok()) << dst.status();
      const std::vector<uint8_t> bytes = Pattern(size, seed++);
      ASSERT_TRUE(Upload(d, src->data(), bytes).ok());
      ASSERT_TRUE(d.Fill(dst->data(), 0, size).ok());

      ASSERT_TRUE(d.CopyAsync(dst->data(), src->data(), size, *stream).ok());
      ASSERT_TRUE(stream->Synchronize().ok());
      absl::StatusOr<bool> idle = stream->Query();
      ASSERT_TRUE(idle.ok()) << idle.status();
      EXPECT_TRUE(*idle);

      absl::StatusOr<std::vector<uint8_t>> read = Download(d, dst->data(), size);
      ASSERT_TRUE(read.ok()) << read.status();
      EXPECT_EQ(FirstMismatch(*read, bytes), -1);
    }
  }
}

TEST_P(HalStreamConformanceTest, WorkOnOneStreamRunsInEnqueueOrder) {
  Device& d = device();
  std::unique_ptr<Stream> stream = MustCreateStream(d);
  ASSERT_NE(stream, nullptr);
  // A large copy followed by a small one into the same destination: an
  // engine that lets short work overtake long work would leave A's bytes.
  const size_t large = 8 * kMiB;
  const size_t small = 4096;
  auto dst = TestBuffer::Create(d, Place::kDevice, large);
  ASSERT_TRUE(dst.ok()) << dst.status();
  const std::vector<uint8_t> a = Pattern(large, 1);
  const std::vector<uint8_t> b = Pattern(small, 2);
  std::vector<uint8_t> out(large, 0);
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    ASSERT_TRUE(d.CopyAsync(dst->data(), a.data(), large, *stream).ok());
    ASSERT_TRUE(d.CopyAsync(dst->data(), b.data(), small, *stream).ok());
    ASSERT_TRUE(d.CopyAsync(out.data(), dst->data(), large, *stream).ok());
    ASSERT_TRUE(stream->Synchronize().ok());
    std::vector<uint8_t> expected = a;
    std::memcpy(expected.data(), b.data(), small);
    EXPECT_EQ(FirstMismatch(out, expected), -1);
  }
}

TEST_P(HalStreamConformanceTest, SecondCopyToTheSameDestinationWins) {
  Device& d = device();
  std::unique_ptr<Stream> stream = MustCreateStream(d);
  ASSERT_NE(stream, nullptr);
  const size_t size = 2 * kMiB;
  auto dst = TestBuffer::Create(d, Place::kDevice, size);
  ASSERT_TRUE(dst.ok()) << dst.status();
  const std::vector<uint8_t> a = Pattern(size, 31);
  const std::vector<uint8_t> b = Pattern(size, 32);
  ASSERT_TRUE(d.CopyAsync(dst->data(), a.data(), size, *stream).ok());
  ASSERT_TRUE(d.CopyAsync(dst->data(), b.data(), size, *stream).ok());
  ASSERT_TRUE(stream->Synchronize().ok());
  absl::StatusOr<std::vector<uint8_t>> read = Download(d, dst->data(), size);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(FirstMismatch(*read, b), -1);
}

TEST_P(HalStreamConformanceTest, FillThenCopyOnAStream) {
  Device& d = device();
  std::unique_ptr<Stream> stream = MustCreateStream(d);
  ASSERT_NE(stream, nullptr);
  for (Place place : Places(d)) {
    SCOPED_TRACE(PlaceName(place));
    const size_t size = kMiB + 5;
    auto buffer = TestBuffer::Create(d, place, size);
    ASSERT_TRUE(buffer.ok()) << buffer.status();
    std::vector<uint8_t> out(size, 0);
    ASSERT_TRUE(d.FillAsync(buffer->data(), 0xab, size, *stream).ok());
    ASSERT_TRUE(d.FillAsync(buffer->data() + 100, 0xcd, 1000, *stream).ok());
    ASSERT_TRUE(d.CopyAsync(out.data(), buffer->data(), size, *stream).ok());
    ASSERT_TRUE(stream->Synchronize().ok());
    std::vector<uint8_t> expected(size, 0xab);
    std::memset(expected.data() + 100, 0xcd, 1000);
    EXPECT_EQ(FirstMismatch(out, expected), -1);
  }
}

TEST_P(HalStreamConformanceTest, DeviceSynchronizeWaitsForEveryStream) {
  Device& d = device();
  std::unique_ptr<Stream> first = MustCreateStream(d);
  std::unique_ptr<Stream> second = MustCreateStream(d);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  const size_t size = 4 * kMiB;
  auto a = TestBuffer::Create(d, Place::kDevice, size);
  auto b = TestBuffer::Create(d, Place::kDevice, size);
  ASSERT_TRUE(a.ok() && b.ok());
  const std::vector<uint8_t> bytes_a = Pattern(size, 41);
  const std::vector<uint8_t> bytes_b = Pattern(size, 42);
  std::vector<uint8_t> out_a(size), out_b(size);
  ASSERT_TRUE(d.CopyAsync(a->data(), bytes_a.data(), size, *first).ok());
  ASSERT_TRUE(d.CopyAsync(out_a.data(), a->data(), size, *first).ok());
  ASSERT_TRUE(d.CopyAsync(b->data(), bytes_b.data(), size, *second).ok());
  ASSERT_TRUE(d.CopyAsync(out_b.data(), b->data(), size, *second).ok());
  ASSERT_TRUE(d.Synchronize().ok());
  EXPECT_EQ(FirstMismatch(out_a, bytes_a), -1);
  EXPECT_EQ(FirstMismatch(out_b, bytes_b), -1);
  for (Stream* stream : {first.get(), second.get()}) {
    absl::StatusOr<bool> idle = stream->Query();
    ASSERT_TRUE(idle.ok()) << idle.status();
    EXPECT_TRUE(*idle);
  }
}

TEST_P(HalStreamConformanceTest, SynchronousCopySeesCompletedStreamWork) {
  Device& d = device();
  std::unique_ptr<Stream> stream = MustCreateStream(d);
  ASSERT_NE(stream, nullptr);
  auto buffer = TestBuffer::Create(d, Place::kDevice, kMiB);
  ASSERT_TRUE(buffer.ok()) << buffer.status();
  ASSERT_TRUE(d.FillAsync(buffer->data(), 0x3c, kMiB, *stream).ok());
  ASSERT_TRUE(stream->Synchronize().ok());
  absl::StatusOr<std::vector<uint8_t>> read = Download(d, buffer->data(), kMiB);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(FirstMismatch(*read, std::vector<uint8_t>(kMiB, 0x3c)), -1);
}

TEST_P(HalStreamConformanceTest, AsyncErrorsAreReportedAtEnqueue) {
  Device& d = device();
  std::unique_ptr<Stream> stream = MustCreateStream(d);
  ASSERT_NE(stream, nullptr);
  auto buffer = TestBuffer::Create(d, Place::kDevice, 4096);
  ASSERT_TRUE(buffer.ok()) << buffer.status();
  std::vector<uint8_t> host(8192);
  EXPECT_EQ(d.CopyAsync(buffer->data(), host.data(), 4097, *stream).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d.CopyAsync(host.data(), buffer->data() + 1, 4096, *stream).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d.CopyAsync(nullptr, host.data(), 1, *stream).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d.CopyAsync(buffer->data(), host.data(), 0, *stream).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d.FillAsync(buffer->data() + 4000, 0, 97, *stream).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d.FillAsync(buffer->data(), 0, 0, *stream).code(),
            absl::StatusCode::kInvalidArgument);
  // The stream is still usable.
  EXPECT_TRUE(stream->Synchronize().ok());
  ASSERT_TRUE(d.FillAsync(buffer->data(), 0x42, 4096, *stream).ok());
  ASSERT_TRUE(stream->Synchronize().ok());
  absl::StatusOr<std::vector<uint8_t>> read = Download(d, buffer->data(), 4096);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(FirstMismatch(*read, std::vector<uint8_t>(4096, 0x42)), -1);
}

TEST_P(HalStreamConformanceTest, SeveralThreadsMayEnqueueOnOneStream) {
  Device& d = device();
  std::unique_ptr<Stream> stream = MustCreateStream(d);
  ASSERT_NE(stream, nullptr);
  constexpr int kThreads = 4;
  constexpr int kRounds = 20;
  constexpr size_t kSlice = 64 * 1024;
  auto buffer = TestBuffer::Create(d, Place::kDevice, kThreads * kSlice);
  ASSERT_TRUE(buffer.ok()) << buffer.status();
  std::vector<std::vector<uint8_t>> outs(kThreads, std::vector<uint8_t>(kSlice));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      uint8_t* slice = buffer->data() + static_cast<size_t>(t) * kSlice;
      for (int round = 0; round < kRounds; ++round) {
        const uint8_t value = static_cast<uint8_t>(t * kRounds + round);
        if (!d.FillAsync(slice, value, kSlice, *stream).ok()) ++failures;
      }
      // Enqueued after this thread's own fills, so it must see the last one.
      if (!d.CopyAsync(outs[static_cast<size_t>(t)].data(), slice, kSlice, *stream).ok()) {
        ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(stream->Synchronize().ok());
  EXPECT_EQ(failures, 0);
  for (int t = 0; t < kThreads; ++t) {
    const uint8_t last = static_cast<uint8_t>(t * kRounds + kRounds - 1);
    EXPECT_EQ(FirstMismatch(outs[static_cast<size_t>(t)], std::vector<uint8_t>(kSlice, last)),
              -1)
        << "thread " << t;
  }
}

TEST_P(HalStreamConformanceTest, DestroyingAStreamKeepsItsEnqueuedWork) {
  Device& d = device();
  const size_t size = 8 * kMiB;
  auto buffer = TestBuffer::Create(d, Place::kDevice, size);
  ASSERT_TRUE(buffer.ok()) << buffer.status();
  const std::vector<uint8_t> bytes = Pattern(size, 51);
  {
    std::unique_ptr<Stream> stream = MustCreateStream(d);
    ASSERT_NE(stream, nullptr);
    ASSERT_TRUE(d.CopyAsync(buffer->data(), bytes.data(), size, *stream).ok());
  }
  ASSERT_TRUE(d.Synchronize().ok());
  absl::StatusOr<std::vector<uint8_t>> read = Download(d, buffer->data(), size);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(FirstMismatch(*read, bytes), -1);
}

TEST_P(HalStreamConformanceTest, StreamOfAnotherDeviceIsInvalidArgument) {
  SPILLWAY_REQUIRE_DEVICES(2);
  std::unique_ptr<Stream> foreign = MustCreateStream(device(1));
  ASSERT_NE(foreign, nullptr);
  auto buffer = TestBuffer::Create(device(0), Place::kDevice, 4096);
  ASSERT_TRUE(buffer.ok()) << buffer.status();
  std::vector<uint8_t> host(4096, 1);
  absl::Status copy = device(0).CopyAsync(buffer->data(), host.data(), 4096, *foreign);
  EXPECT_EQ(copy.code(), absl::StatusCode::kInvalidArgument) << copy;
  absl::Status fill = device(0).FillAsync(buffer->data(), 0, 4096, *foreign);
  EXPECT_EQ(fill.code(), absl::StatusCode::kInvalidArgument) << fill;
}

TEST_P(HalStreamConformanceTest, DevicesWorkIndependently) {
  SPILLWAY_REQUIRE_DEVICES(2);
  const size_t size = kMiB;
  std::vector<TestBuffer> buffers;
  std::vector<std::unique_ptr<Stream>> streams;
  std::vector<std::vector<uint8_t>> outs(2, std::vector<uint8_t>(size));
  for (int i = 0; i < 2; ++i) {
    auto buffer = TestBuffer::Create(device(i), Place::kDevice, size);
    ASSERT_TRUE(buffer.ok()) << buffer.status();
    buffers.push_back(std::move(*buffer));
    streams.push_back(MustCreateStream(device(i)));
    ASSERT_NE(streams.back(), nullptr);
  }
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(device(i)
                    .FillAsync(buffers[i].data(), static_cast<uint8_t>(0x10 + i), size,
                               *streams[i])
                    .ok());
    ASSERT_TRUE(device(i).CopyAsync(outs[i].data(), buffers[i].data(), size, *streams[i]).ok());
  }
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(streams[i]->Synchronize().ok());
    EXPECT_EQ(FirstMismatch(outs[i], std::vector<uint8_t>(size, 0x10 + i)), -1) << i;
  }
}

}  // namespace
}  // namespace spillway::hal::conformance
