// VendorError message format and the propagation macros of status.h.
#include "spillway/hal/status.h"

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace spillway::hal {
namespace {

TEST(VendorErrorTest, KeepsVendorCodeAndName) {
  absl::Status status = VendorError(absl::StatusCode::kResourceExhausted, "cuda",
                                    "cuMemAlloc_v2", 2, "CUDA_ERROR_OUT_OF_MEMORY");
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "cuda cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2)");
}

TEST(VendorErrorTest, AppendsDetail) {
  absl::Status status = VendorError(absl::StatusCode::kInternal, "ascend", "aclrtMalloc",
                                    207001, "ACL_ERROR_RT_MEMORY_ALLOCATION",
                                    "EE1001 device busy");
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(status.message(),
            "ascend aclrtMalloc failed: ACL_ERROR_RT_MEMORY_ALLOCATION (207001): "
            "EE1001 device busy");
}

TEST(VendorErrorTest, KeepsLargeAndNegativeCodes) {
  absl::Status level_zero = VendorError(absl::StatusCode::kResourceExhausted, "levelzero",
                                        "zeMemAllocDevice", 0x70000003,
                                        "ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY");
  EXPECT_NE(level_zero.message().find("(1879048195)"), absl::string_view::npos) << level_zero;
  absl::Status negative =
      VendorError(absl::StatusCode::kInternal, "fake", "call", -5, "NEGATIVE");
  EXPECT_NE(negative.message().find("(-5)"), absl::string_view::npos) << negative;
}

absl::Status PassThrough(absl::Status input, int* reached_end) {
  SPILLWAY_RETURN_IF_ERROR(input);
  ++*reached_end;
  return absl::OkStatus();
}

TEST(StatusMacrosTest, ReturnIfErrorPropagatesOnlyErrors) {
  int reached_end = 0;
  EXPECT_TRUE(PassThrough(absl::OkStatus(), &reached_end).ok());
  EXPECT_EQ(reached_end, 1);
  absl::Status error = PassThrough(absl::NotFoundError("gone"), &reached_end);
  EXPECT_EQ(error.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(error.message(), "gone");
  EXPECT_EQ(reached_end, 1);
}

absl::StatusOr<std::string> Produce(bool ok) {
  if (!ok) return absl::UnavailableError("no value");
  return std::string("value");
}

absl::StatusOr<size_t> LengthOf(bool ok) {
  SPILLWAY_ASSIGN_OR_RETURN(std::string produced, Produce(ok));
  // Two uses in one function must not collide.
  SPILLWAY_ASSIGN_OR_RETURN(std::string again, Produce(ok));
  return produced.size() + again.size();
}

TEST(StatusMacrosTest, AssignOrReturnAssignsOrPropagates) {
  absl::StatusOr<size_t> length = LengthOf(true);
  ASSERT_TRUE(length.ok()) << length.status();
  EXPECT_EQ(*length, 10u);
  absl::StatusOr<size_t> failed = LengthOf(false);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(failed.status().message(), "no value");
}

}  // namespace
}  // namespace spillway::hal
