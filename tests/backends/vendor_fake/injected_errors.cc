// VendorInjectedErrorTest: errors injected into the fake's simulator arrive
// at the HAL caller mapped (docs/hal.md section 3), through the backend's
// real call path.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "vendor_fake_suite.h"

namespace spillway::hal::vendor_fake {
namespace {

using ::testing::HasSubstr;

struct Injected {
  const char* fail;         // the code in the spec's fail= clause
  absl::StatusCode code;    // what the HAL call returns
  std::string vendor_name;  // what the message must carry
};

std::vector<Injected> InjectedErrors(const VendorErrorNames& names) {
  return {{"resource_exhausted", absl::StatusCode::kResourceExhausted, names.resource_exhausted},
          {"invalid_argument", absl::StatusCode::kInvalidArgument, names.invalid_argument},
          {"unimplemented", absl::StatusCode::kUnimplemented, names.unimplemented},
          {"internal", absl::StatusCode::kInternal, names.internal}};
}

TEST_P(VendorInjectedErrorTest, AllocationErrorsArriveMapped) {
  const VendorErrorNames& names = GetParam().errors;
  for (const Injected& e : InjectedErrors(names)) {
    SCOPED_TRACE(e.fail);
    Device* d = Open(std::string("devices=1,memory=64m,fail=allocate:1:") + e.fail);
    ASSERT_NE(d, nullptr);
    absl::StatusOr<void*> failed = d->Allocate(MemoryKind::kDevice, 4096);
    EXPECT_EQ(failed.status().code(), e.code) << failed.status();
    EXPECT_THAT(failed.status().message(), HasSubstr(names.allocate_call));
    EXPECT_THAT(failed.status().message(), HasSubstr(e.vendor_name));
    // Only the first call was made to fail; nothing was left behind.
    absl::StatusOr<void*> next = d->Allocate(MemoryKind::kDevice, 4096);
    ASSERT_TRUE(next.ok()) << next.status();
    EXPECT_TRUE(d->Free(*next).ok());
  }
}

TEST_P(VendorInjectedErrorTest, CopyErrorsArriveMapped) {
  const VendorErrorNames& names = GetParam().errors;
  for (const Injected& e : InjectedErrors(names)) {
    SCOPED_TRACE(e.fail);
    Device* d = Open(std::string("devices=1,memory=64m,fail=copy:1:") + e.fail);
    ASSERT_NE(d, nullptr);
    absl::StatusOr<void*> ptr = d->Allocate(MemoryKind::kDevice, 4096);
    ASSERT_TRUE(ptr.ok()) << ptr.status();
    std::vector<uint8_t> host(4096);
    absl::Status failed = d->Copy(*ptr, host.data(), host.size());
    EXPECT_EQ(failed.code(), e.code) << failed;
    EXPECT_THAT(failed.message(), HasSubstr(names.copy_failure));
    EXPECT_THAT(failed.message(), HasSubstr(e.vendor_name));
    // The device (its queue or command list) is still usable.
    EXPECT_TRUE(d->Copy(*ptr, host.data(), host.size()).ok());
    EXPECT_TRUE(d->Free(*ptr).ok());
  }
}

}  // namespace

// Instantiated in each vendor's tests (tests/backends/<vendor>).
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(VendorInjectedErrorTest);

}  // namespace spillway::hal::vendor_fake
