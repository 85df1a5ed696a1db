// The backend's registration: SPILLWAY_FAKE_SPEC read at creation, a bad
// spec gives an unavailable backend instead of a crash.
#include "spillway/backends/fake/fake_backend.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spillway/backends/fake/fake_device.h"
#include "spillway/hal/registry.h"

namespace spillway::fake {
namespace {

using ::testing::HasSubstr;

class FakeBackendRegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override { unsetenv(hal::kBackendsEnvVar); }
  void TearDown() override { unsetenv(kFakeSpecEnvVar); }
};

TEST_F(FakeBackendRegistrationTest, ReadsTheSpecFromTheEnvironmentAtCreation) {
  hal::Registry registry;
  ASSERT_TRUE(RegisterFakeBackend(registry).ok());
  EXPECT_EQ(RegisterFakeBackend(registry).code(), absl::StatusCode::kAlreadyExists);
  // Set after registration: the factory reads it when the backend is created.
  setenv(kFakeSpecEnvVar, "devices=3,memory=64m,reserved=0,managed=0", 1);
  absl::StatusOr<hal::Device*> d = registry.OpenDevice("fake://2");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ((*d)->properties().total_memory, 64u << 20);
  EXPECT_FALSE((*d)->properties().Has(hal::kCapManagedMemory));
  EXPECT_EQ(AsFakeDevice(*d)->spec().devices, 3);
  EXPECT_EQ(registry.Devices().size(), 3u);
  EXPECT_EQ(registry.OpenDevice("fake://3").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(FakeBackendRegistrationTest, MalformedSpecMakesTheBackendUnavailable) {
  setenv(kFakeSpecEnvVar, "devices=2,memory=lots", 1);
  hal::Registry registry;
  ASSERT_TRUE(RegisterFakeBackend(registry).ok());
  absl::StatusOr<hal::Backend*> backend = registry.GetBackend("fake");
  ASSERT_TRUE(backend.ok()) << backend.status();
  const absl::Status availability = (*backend)->Availability();
  EXPECT_EQ(availability.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(availability.message(), HasSubstr(kFakeSpecEnvVar));
  EXPECT_THAT(availability.message(), HasSubstr("memory=\"lots\""));
  EXPECT_EQ((*backend)->DeviceCount(), 0);
  EXPECT_TRUE(registry.Devices().empty());
  EXPECT_FALSE(registry.OpenDevice("fake://0").ok());
}

TEST_F(FakeBackendRegistrationTest, UnsetSpecGivesTheDefaultCard) {
  unsetenv(kFakeSpecEnvVar);
  hal::Registry registry;
  ASSERT_TRUE(RegisterFakeBackend(registry).ok());
  absl::StatusOr<hal::Device*> d = registry.OpenDevice("fake://0");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ((*d)->properties().total_memory, 24ull << 30);
  absl::StatusOr<hal::MemoryInfo> info = (*d)->GetMemoryInfo();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->free, 23ull << 30);
}

}  // namespace
}  // namespace spillway::fake
