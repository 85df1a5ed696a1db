// ze_result_t -> Status (docs/hal.md section 3), as a table and through the
// real call path (loader and fake driver) with errors injected into the
// driver's simulator.
#include "levelzero_status.h"

#include <string>
#include <vector>

#include "fake_level_zero.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vendor_fake_suite.h"

namespace spillway::levelzero {
namespace {

using ::spillway::hal::vendor_fake::VendorFake;
using ::spillway::hal::vendor_fake::VendorFakeName;
using ::spillway::hal::vendor_fake::VendorInjectedErrorTest;
using ::spillway::levelzero::testing::FakeLevelZero;
using ::testing::HasSubstr;

TEST(LevelZeroStatusTest, EveryDocumentedCodeMapsToItsStatus) {
  struct Row {
    abi::ze_result_t result;
    absl::StatusCode code;
  };
  for (const Row& row : std::vector<Row>{
           {0, absl::StatusCode::kOk},
           {0x70000003, absl::StatusCode::kResourceExhausted},
           {0x70000002, absl::StatusCode::kResourceExhausted},
           {0x78000009, absl::StatusCode::kResourceExhausted},
           {0x78000004, absl::StatusCode::kInvalidArgument},
           {0x78000005, absl::StatusCode::kInvalidArgument},
           {0x78000007, absl::StatusCode::kInvalidArgument},
           {0x78000008, absl::StatusCode::kInvalidArgument},
           {0x78000001, absl::StatusCode::kUnavailable},
           {0x78000003, absl::StatusCode::kUnimplemented},
           {1, absl::StatusCode::kFailedPrecondition},
           {0x70000001, absl::StatusCode::kInternal},
           {0x7ffffffe, absl::StatusCode::kInternal},
           {0x12345, absl::StatusCode::kInternal},
       }) {
    EXPECT_EQ(ZeResultCode(row.result), row.code) << std::hex << row.result;
  }
}

TEST(LevelZeroStatusTest, MessagesKeepTheDriversNameAndCode) {
  absl::Status status = ZeStatus(0x70000003, "zeMemAllocDevice", "4096 bytes");
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(
      status.message(),
      HasSubstr("levelzero zeMemAllocDevice failed: ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY ("));
  EXPECT_THAT(status.message(), HasSubstr(std::to_string(0x70000003)));
  EXPECT_THAT(status.message(), HasSubstr("4096 bytes"));
  EXPECT_THAT(ZeStatus(0x12345, "zeMemFree").message(), HasSubstr("ZE_RESULT_0x00012345"));
  EXPECT_TRUE(ZeStatus(0, "zeMemFree").ok());
}

// Errors injected into the driver's simulator, through the real call path
// (tests/backends/vendor_fake).
INSTANTIATE_TEST_SUITE_P(
    LevelZero, VendorInjectedErrorTest,
    ::testing::Values(VendorFake{
        .name = "levelzero",
        .fake = FakeLevelZero::Factory,
        .errors = {.allocate_call = "zeMemAllocDevice",
                   .copy_failure = "levelzero zeCommandListAppendMemoryCopy failed: ",
                   .resource_exhausted = "ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY",
                   .invalid_argument = "ZE_RESULT_ERROR_INVALID_ARGUMENT",
                   .unimplemented = "ZE_RESULT_ERROR_UNSUPPORTED_FEATURE",
                   .internal = "ZE_RESULT_ERROR_UNKNOWN"}}),
    VendorFakeName);

}  // namespace
}  // namespace spillway::levelzero
