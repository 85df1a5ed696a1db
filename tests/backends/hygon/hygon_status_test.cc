// hipError_t -> Status (docs/hal.md section 3), both as a table and through
// the real call path, with errors injected into the fake's simulator.
#include "hygon_status.h"

#include <memory>
#include <vector>

#include "fake_galaxyhip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spillway::hygon {
namespace {

using ::spillway::hygon::testing::FakeGalaxyHip;
using ::testing::HasSubstr;

TEST(HygonStatusTest, EveryDocumentedCodeMapsToItsStatus) {
  struct Row {
    abi::hipError_t error;
    absl::StatusCode code;
  };
  for (const Row& row : std::vector<Row>{
           {0, absl::StatusCode::kOk},
           {2, absl::StatusCode::kResourceExhausted},
           {1, absl::StatusCode::kInvalidArgument},
           {101, absl::StatusCode::kInvalidArgument},
           {400, absl::StatusCode::kInvalidArgument},
           {100, absl::StatusCode::kUnavailable},
           {3, absl::StatusCode::kUnavailable},
           {801, absl::StatusCode::kUnimplemented},
           {600, absl::StatusCode::kFailedPrecondition},
           {500, absl::StatusCode::kInternal},
           {999, absl::StatusCode::kInternal},
           {12345, absl::StatusCode::kInternal},
       }) {
    EXPECT_EQ(HipErrorCode(row.error), row.code) << row.error;
  }
}

TEST(HygonStatusTest, MessagesKeepHipsNameAndCode) {
  absl::Status status = HipStatus(nullptr, 2, "hipMalloc", "4096 bytes");
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("hygon hipMalloc failed: hipErrorOutOfMemory (2)"));
  EXPECT_THAT(status.message(), HasSubstr("4096 bytes"));
  EXPECT_THAT(HipStatus(nullptr, 4242, "hipMemcpy").message(), HasSubstr("hipError4242 (4242)"));
  EXPECT_TRUE(HipStatus(nullptr, 0, "hipFree").ok());
}

struct Injected {
  const char* fail;  // the fake spec's fail= clause
  absl::StatusCode code;
  const char* text;  // the HIP name and code the message must carry
};

class HygonInjectedErrorTest : public ::testing::TestWithParam<Injected> {};

TEST_P(HygonInjectedErrorTest, AllocationErrorsArriveMapped) {
  const Injected& p = GetParam();
  FakeGalaxyHip fake(std::string("devices=1,memory=64m,fail=allocate:1:") + p.fail);
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  hal::Device& d = **backend->GetDevice(0);
  absl::StatusOr<void*> failed = d.Allocate(hal::MemoryKind::kDevice, 4096);
  EXPECT_EQ(failed.status().code(), p.code) << failed.status();
  EXPECT_THAT(failed.status().message(), HasSubstr("hipMalloc"));
  EXPECT_THAT(failed.status().message(), HasSubstr(p.text));
  // Only the first call was made to fail; nothing was left behind.
  absl::StatusOr<void*> next = d.Allocate(hal::MemoryKind::kDevice, 4096);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_TRUE(d.Free(*next).ok());
}

TEST_P(HygonInjectedErrorTest, CopyErrorsArriveMapped) {
  const Injected& p = GetParam();
  FakeGalaxyHip fake(std::string("devices=1,memory=64m,fail=copy:1:") + p.fail);
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  hal::Device& d = **backend->GetDevice(0);
  absl::StatusOr<void*> ptr = d.Allocate(hal::MemoryKind::kDevice, 4096);
  ASSERT_TRUE(ptr.ok()) << ptr.status();
  std::vector<uint8_t> host(4096);
  absl::Status failed = d.Copy(*ptr, host.data(), host.size());
  EXPECT_EQ(failed.code(), p.code) << failed;
  EXPECT_THAT(failed.message(), HasSubstr("hygon hipMemcpy failed: "));
  EXPECT_THAT(failed.message(), HasSubstr(p.text));
  EXPECT_TRUE(d.Free(*ptr).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Codes, HygonInjectedErrorTest,
    ::testing::Values(Injected{"resource_exhausted", absl::StatusCode::kResourceExhausted,
                               "hipErrorOutOfMemory (2)"},
                      Injected{"invalid_argument", absl::StatusCode::kInvalidArgument,
                               "hipErrorInvalidValue (1)"},
                      Injected{"unimplemented", absl::StatusCode::kUnimplemented,
                               "hipErrorNotSupported (801)"},
                      Injected{"internal", absl::StatusCode::kInternal, "hipErrorUnknown (999)"}),
    [](const ::testing::TestParamInfo<Injected>& param) { return std::string(param.param.fail); });

}  // namespace
}  // namespace spillway::hygon
