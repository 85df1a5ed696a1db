// VendorLibraryLoadingTest (library_loading_suite.h).
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "library_loading_suite.h"
#include "scoped_env.h"
#include "spillway/backends/fake/fake_spec.h"

namespace spillway::hal::vendor_fake {

std::string VendorLibraryName(const ::testing::TestParamInfo<VendorLibrary>& info) {
  return info.param.name;
}

void VendorLibraryLoadingTest::SetUp() {
  if (GetParam().reset_fake) GetParam().reset_fake();
}

void VendorLibraryLoadingTest::TearDown() {
  if (GetParam().reset_fake) GetParam().reset_fake();
}

namespace {

using ::testing::HasSubstr;

TEST_P(VendorLibraryLoadingTest, MissingLibraryIsUnavailableAndNamed) {
  const std::string missing = absl::StrCat("/nonexistent/lib", GetParam().name, ".so");
  std::unique_ptr<Backend> backend = GetParam().create(missing);
  EXPECT_EQ(backend->name(), GetParam().name);
  EXPECT_EQ(backend->Availability().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(backend->Availability().message(), HasSubstr(missing));
  EXPECT_EQ(backend->DeviceCount(), 0);
  EXPECT_EQ(backend->GetDevice(0).status().code(), absl::StatusCode::kUnavailable);
}

TEST_P(VendorLibraryLoadingTest, MissingRequiredSymbolIsUnavailableAndNamed) {
  std::unique_ptr<Backend> backend = GetParam().create(GetParam().incomplete_library);
  EXPECT_EQ(backend->Availability().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(backend->Availability().message(), HasSubstr(GetParam().missing_symbol));
  EXPECT_EQ(backend->DeviceCount(), 0);
}

TEST_P(VendorLibraryLoadingTest, LibraryComesFromTheEnvironment) {
  const VendorLibrary& vendor = GetParam();
  {
    ScopedEnv env(vendor.library_env_var, std::nullopt);
    EXPECT_EQ(vendor.library_from_environment(), vendor.default_library);
  }
  {
    ScopedEnv env(vendor.library_env_var, "");
    EXPECT_EQ(vendor.library_from_environment(), vendor.default_library);
  }
  ScopedEnv env(vendor.library_env_var, vendor.fake_library);
  EXPECT_EQ(vendor.library_from_environment(), vendor.fake_library);
  ScopedEnv spec(fake::kFakeSpecEnvVar, "devices=2,memory=256m");
  Registry registry;
  ASSERT_TRUE(vendor.register_backend(registry).ok());
  EXPECT_EQ(vendor.register_backend(registry).code(), absl::StatusCode::kAlreadyExists);
  const std::string uri = absl::StrCat(vendor.name, "://1");
  absl::StatusOr<Device*> device = registry.OpenDevice(uri);
  ASSERT_TRUE(device.ok()) << device.status();
  EXPECT_EQ((*device)->uri(), uri);
}

}  // namespace

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(VendorLibraryLoadingTest);

}  // namespace spillway::hal::vendor_fake
