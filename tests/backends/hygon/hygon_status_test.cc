// hipError_t -> Status (docs/hal.md section 3), both as a table and through
// the real call path, with errors injected into the fake's simulator.
#include "hygon_status.h"

#include <vector>

#include "fake_galaxyhip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vendor_fake_suite.h"

namespace spillway::hygon {
namespace {

using ::spillway::hal::vendor_fake::VendorFake;
using ::spillway::hal::vendor_fake::VendorFakeName;
using ::spillway::hal::vendor_fake::VendorInjectedErrorTest;
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

// Errors injected into the fake's simulator, through the real call path
// (tests/backends/vendor_fake).
INSTANTIATE_TEST_SUITE_P(
    Hygon, VendorInjectedErrorTest,
    ::testing::Values(VendorFake{
        .name = "hygon",
        .fake = FakeGalaxyHip::Factory,
        .errors = {.allocate_call = "hipMalloc",
                   .copy_failure = "hygon hipMemcpy failed: ",
                   .resource_exhausted = "hipErrorOutOfMemory (2)",
                   .invalid_argument = "hipErrorInvalidValue (1)",
                   .unimplemented = "hipErrorNotSupported (801)",
                   .internal = "hipErrorUnknown (999)"}}),
    VendorFakeName);

}  // namespace
}  // namespace spillway::hygon
