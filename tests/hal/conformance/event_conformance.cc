// Events: recording, waiting, timing, and their errors.
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "conformance_fixture.h"
#include "gtest/gtest.h"

namespace spillway::hal::conformance {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

struct StreamAndEvents {
  std::unique_ptr<Stream> stream;
  std::unique_ptr<Event> start;
  std::unique_ptr<Event> end;
};

absl::StatusOr<StreamAndEvents> Create(Device& d) {
  StreamAndEvents out;
  absl::StatusOr<std::unique_ptr<Stream>> stream = d.CreateStream();
  if (!stream.ok()) return stream.status();
  absl::StatusOr<std::unique_ptr<Event>> start = d.CreateEvent();
  if (!start.ok()) return start.status();
  absl::StatusOr<std::unique_ptr<Event>> end = d.CreateEvent();
  if (!end.ok()) return end.status();
  out.stream = std::move(*stream);
  out.start = std::move(*start);
  out.end = std::move(*end);
  return out;
}

TEST_P(HalEventConformanceTest, EventsBelongToTheirDevice) {
  for (int i = 0; i < device_count(); ++i) {
    absl::StatusOr<std::unique_ptr<Event>> event = device(i).CreateEvent();
    ASSERT_TRUE(event.ok()) << event.status();
    EXPECT_EQ(&(*event)->device(), &device(i));
  }
}

TEST_P(HalEventConformanceTest, SynchronizeOnAnEventWaitsForEarlierWork) {
  Device& d = device();
  auto s = Create(d);
  ASSERT_TRUE(s.ok()) << s.status();
  auto buffer = TestBuffer::Create(d, Place::kDevice, 4 * kMiB);
  ASSERT_TRUE(buffer.ok()) << buffer.status();
  const std::vector<uint8_t> bytes = Pattern(buffer->size(), 5);
  std::vector<uint8_t> out(buffer->size(), 0);
  ASSERT_TRUE(d.CopyAsync(buffer->data(), bytes.data(), bytes.size(), *s->stream).ok());
  ASSERT_TRUE(d.CopyAsync(out.data(), buffer->data(), out.size(), *s->stream).ok());
  ASSERT_TRUE(s->end->Record(*s->stream).ok());
  ASSERT_TRUE(s->end->Synchronize().ok());
  EXPECT_EQ(FirstMismatch(out, bytes), -1);
}

TEST_P(HalEventConformanceTest, ElapsedTimeBetweenTwoEventsIsNonNegative) {
  Device& d = device();
  auto s = Create(d);
  ASSERT_TRUE(s.ok()) << s.status();
  auto buffer = TestBuffer::Create(d, Place::kDevice, 8 * kMiB);
  ASSERT_TRUE(buffer.ok()) << buffer.status();
  std::vector<uint8_t> host(buffer->size(), 1);
  ASSERT_TRUE(s->start->Record(*s->stream).ok());
  ASSERT_TRUE(d.CopyAsync(buffer->data(), host.data(), host.size(), *s->stream).ok());
  ASSERT_TRUE(d.FillAsync(buffer->data(), 2, buffer->size(), *s->stream).ok());
  ASSERT_TRUE(s->end->Record(*s->stream).ok());
  ASSERT_TRUE(s->end->Synchronize().ok());
  absl::StatusOr<float> elapsed = s->end->ElapsedMillisecondsSince(*s->start);
  ASSERT_TRUE(elapsed.ok()) << elapsed.status();
  EXPECT_TRUE(std::isfinite(*elapsed));
  EXPECT_GE(*elapsed, 0.0f);
}

TEST_P(HalEventConformanceTest, EventCanBeRecordedAgain) {
  Device& d = device();
  auto s = Create(d);
  ASSERT_TRUE(s.ok()) << s.status();
  auto buffer = TestBuffer::Create(d, Place::kDevice, kMiB);
  ASSERT_TRUE(buffer.ok()) << buffer.status();
  std::vector<uint8_t> out(kMiB);
  for (uint8_t value : {uint8_t{0x01}, uint8_t{0x02}}) {
    ASSERT_TRUE(d.FillAsync(buffer->data(), value, kMiB, *s->stream).ok());
    ASSERT_TRUE(d.CopyAsync(out.data(), buffer->data(), kMiB, *s->stream).ok());
    ASSERT_TRUE(s->end->Record(*s->stream).ok());
    ASSERT_TRUE(s->end->Synchronize().ok());
    EXPECT_EQ(FirstMismatch(out, std::vector<uint8_t>(kMiB, value)), -1) << int{value};
  }
}

TEST_P(HalEventConformanceTest, UnrecordedEventsAreFailedPrecondition) {
  Device& d = device();
  auto s = Create(d);
  ASSERT_TRUE(s.ok()) << s.status();
  absl::Status sync = s->start->Synchronize();
  EXPECT_EQ(sync.code(), absl::StatusCode::kFailedPrecondition) << sync;

  absl::StatusOr<float> neither = s->end->ElapsedMillisecondsSince(*s->start);
  EXPECT_EQ(neither.status().code(), absl::StatusCode::kFailedPrecondition) << neither.status();

  ASSERT_TRUE(s->start->Record(*s->stream).ok());
  ASSERT_TRUE(s->start->Synchronize().ok());
  absl::StatusOr<float> no_end = s->end->ElapsedMillisecondsSince(*s->start);
  EXPECT_EQ(no_end.status().code(), absl::StatusCode::kFailedPrecondition) << no_end.status();
  absl::StatusOr<float> no_start = s->start->ElapsedMillisecondsSince(*s->end);
  EXPECT_EQ(no_start.status().code(), absl::StatusCode::kFailedPrecondition)
      << no_start.status();
}

TEST_P(HalEventConformanceTest, RecordOnAnotherDevicesStreamIsInvalidArgument) {
  SPILLWAY_REQUIRE_DEVICES(2);
  absl::StatusOr<std::unique_ptr<Event>> event = device(0).CreateEvent();
  ASSERT_TRUE(event.ok()) << event.status();
  absl::StatusOr<std::unique_ptr<Stream>> foreign = device(1).CreateStream();
  ASSERT_TRUE(foreign.ok()) << foreign.status();
  absl::Status status = (*event)->Record(**foreign);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
}

TEST_P(HalEventConformanceTest, ElapsedTimeAcrossDevicesIsAnError) {
  SPILLWAY_REQUIRE_DEVICES(2);
  auto zero = Create(device(0));
  auto one = Create(device(1));
  ASSERT_TRUE(zero.ok() && one.ok());
  ASSERT_TRUE(zero->start->Record(*zero->stream).ok());
  ASSERT_TRUE(one->end->Record(*one->stream).ok());
  ASSERT_TRUE(zero->start->Synchronize().ok());
  ASSERT_TRUE(one->end->Synchronize().ok());
  absl::StatusOr<float> elapsed = one->end->ElapsedMillisecondsSince(*zero->start);
  EXPECT_FALSE(elapsed.ok()) << "timed events of two devices: " << *elapsed;
}

}  // namespace
}  // namespace spillway::hal::conformance
