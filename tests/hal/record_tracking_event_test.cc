// RecordTrackingEvent: the checks event.h promises happen before any vendor
// call, "recorded" follows only a successful record, and a failed timing call
// becomes FAILED_PRECONDITION with the vendor's message.
#include "spillway/hal/record_tracking_event.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "host_backed_backend.h"

namespace spillway::hal {
namespace {

using ::spillway::hal::testing::HostBackedBackend;
using ::spillway::hal::testing::HostBackedOptions;
using ::spillway::hal::testing::HostBackedStream;
using ::testing::HasSubstr;

// Stands for a vendor event: counts the vendor calls and answers with
// whatever the test chose.
class ScriptedEvent : public RecordTrackingEvent {
 public:
  explicit ScriptedEvent(Device& device) : RecordTrackingEvent(device) {}

  absl::Status record_result = absl::OkStatus();
  absl::StatusOr<float> measure_result = 2.5f;
  int records = 0;
  int waits = 0;
  int measures = 0;
  ScriptedEvent* measured_from = nullptr;

 private:
  absl::Status RecordOn(Stream&) override {
    ++records;
    return record_result;
  }
  absl::Status WaitFor() override {
    ++waits;
    return absl::OkStatus();
  }
  absl::StatusOr<float> MeasureSince(RecordTrackingEvent& start) override {
    ++measures;
    measured_from = static_cast<ScriptedEvent*>(&start);
    return measure_result;
  }
};

class RecordTrackingEventTest : public ::testing::Test {
 protected:
  HostBackedBackend backend_{HostBackedOptions{.name = "host", .device_count = 2}};
  Device& zero_ = backend_.device(0);
  Device& one_ = backend_.device(1);
  HostBackedStream stream_{zero_};
};

TEST_F(RecordTrackingEventTest, SynchronizeBeforeRecordIsAPreconditionFailure) {
  ScriptedEvent event(zero_);
  absl::Status status = event.Synchronize();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("host://0"));
  EXPECT_EQ(event.waits, 0);
  ASSERT_TRUE(event.Record(stream_).ok());
  EXPECT_TRUE(event.Synchronize().ok());
  EXPECT_EQ(event.waits, 1);
}

TEST_F(RecordTrackingEventTest, StreamOfAnotherDeviceIsRefusedBeforeTheVendorCall) {
  ScriptedEvent event(one_);
  EXPECT_EQ(event.Record(stream_).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(event.records, 0);
  EXPECT_EQ(event.Synchronize().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(RecordTrackingEventTest, FailedRecordLeavesTheEventUnrecorded) {
  ScriptedEvent event(zero_);
  event.record_result = absl::InternalError("vendor record failed");
  EXPECT_EQ(event.Record(stream_).code(), absl::StatusCode::kInternal);
  EXPECT_EQ(event.records, 1);
  EXPECT_EQ(event.Synchronize().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(RecordTrackingEventTest, ElapsedTimeNeedsBothEventsRecordedOnTheSameDevice) {
  ScriptedEvent start(zero_);
  ScriptedEvent end(zero_);
  ScriptedEvent elsewhere(one_);
  HostBackedStream other_stream(one_);
  ASSERT_TRUE(elsewhere.Record(other_stream).ok());
  ASSERT_TRUE(end.Record(stream_).ok());
  EXPECT_EQ(end.ElapsedMillisecondsSince(elsewhere).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(end.ElapsedMillisecondsSince(start).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(end.measures, 0);

  ASSERT_TRUE(start.Record(stream_).ok());
  absl::StatusOr<float> ms = end.ElapsedMillisecondsSince(start);
  ASSERT_TRUE(ms.ok()) << ms.status();
  EXPECT_EQ(*ms, 2.5f);
  EXPECT_EQ(end.measured_from, &start);
}

TEST_F(RecordTrackingEventTest, EventOfAnotherKindIsNotMeasured) {
  ScriptedEvent end(zero_);
  ASSERT_TRUE(end.Record(stream_).ok());
  testing::HostBackedEvent plain(zero_);
  ASSERT_TRUE(plain.Record(stream_).ok());
  EXPECT_EQ(end.ElapsedMillisecondsSince(plain).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(end.measures, 0);
}

TEST_F(RecordTrackingEventTest, VendorTimingErrorBecomesAPreconditionFailureWithItsMessage) {
  ScriptedEvent start(zero_);
  ScriptedEvent end(zero_);
  ASSERT_TRUE(start.Record(stream_).ok());
  ASSERT_TRUE(end.Record(stream_).ok());
  end.measure_result = absl::InternalError("vendor: event not ready (600)");
  absl::StatusOr<float> ms = end.ElapsedMillisecondsSince(start);
  EXPECT_EQ(ms.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ms.status().message(), "vendor: event not ready (600)");
}

}  // namespace
}  // namespace spillway::hal
