// ParseDeviceUri: "<backend>://<ordinal>" and nothing else.
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spillway/hal/registry.h"

namespace spillway::hal {
namespace {

using ::testing::HasSubstr;

struct GoodUri {
  const char* text;
  const char* backend;
  int ordinal;
};

class DeviceUriGoodTest : public ::testing::TestWithParam<GoodUri> {};

TEST_P(DeviceUriGoodTest, ParsesBackendAndOrdinal) {
  const GoodUri& good = GetParam();
  absl::StatusOr<DeviceUri> uri = ParseDeviceUri(good.text);
  ASSERT_TRUE(uri.ok()) << good.text << ": " << uri.status();
  EXPECT_EQ(uri->backend, good.backend);
  EXPECT_EQ(uri->ordinal, good.ordinal);
}

INSTANTIATE_TEST_SUITE_P(
    Table, DeviceUriGoodTest,
    ::testing::Values(GoodUri{"fake://0", "fake", 0}, GoodUri{"cuda://12", "cuda", 12},
                      GoodUri{"levelzero://3", "levelzero", 3},
                      GoodUri{"my-backend_2://7", "my-backend_2", 7},
                      GoodUri{"fake://999999999", "fake", 999999999}));

class DeviceUriBadTest : public ::testing::TestWithParam<const char*> {};

TEST_P(DeviceUriBadTest, IsInvalidArgumentNamingTheText) {
  const std::string text = GetParam();
  absl::StatusOr<DeviceUri> uri = ParseDeviceUri(text);
  ASSERT_FALSE(uri.ok()) << "accepted '" << text << "' as " << uri->backend << " "
                         << uri->ordinal;
  EXPECT_EQ(uri.status().code(), absl::StatusCode::kInvalidArgument) << uri.status();
  if (!text.empty()) {
    EXPECT_THAT(std::string(uri.status().message()), HasSubstr(text));
  }
}

INSTANTIATE_TEST_SUITE_P(Table, DeviceUriBadTest,
                         ::testing::Values("", "fake", "fake://", "://0", "://", "fake:/0",
                                           "fake:0", "fake//0", "fake://-1", "fake://1x",
                                           "fake://x1", "fake://0/1", "fake://1.5",
                                           "fake://99999999999", "fake://2147483648",
                                           "fake:// 1", "fake://1 ", "fake://0://0",
                                           "FAKE://0", "fa ke://0", "fake!://0"));

}  // namespace
}  // namespace spillway::hal
