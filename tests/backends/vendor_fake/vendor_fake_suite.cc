#include "vendor_fake_suite.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace spillway::hal::vendor_fake {

std::string VendorFakeName(const ::testing::TestParamInfo<VendorFake>& info) {
  return info.param.name;
}

void VendorFakeTest::TearDown() {
  backend_.reset();  // the backend before the fake it loaded
  factory_ = nullptr;
}

Device* VendorFakeTest::Open(const std::string& spec, int ordinal) {
  backend_.reset();
  factory_ = GetParam().fake(spec);
  backend_ = factory_();
  absl::Status availability = backend_->Availability();
  EXPECT_TRUE(availability.ok()) << availability;
  if (!availability.ok()) return nullptr;
  absl::StatusOr<Device*> device = backend_->GetDevice(ordinal);
  EXPECT_TRUE(device.ok()) << device.status();
  return device.ok() ? *device : nullptr;
}

}  // namespace spillway::hal::vendor_fake
