// VendorCallerMemoryTest: the vendors' fill calls refuse memory that is not
// theirs (hipMemset of pageable memory, a Level Zero fill outside USM), so
// the backend fills the caller's memory itself: synchronously for Fill, and
// in stream order for FillAsync.
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "spillway/hal/stream.h"
#include "vendor_fake_suite.h"

namespace spillway::hal::vendor_fake {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

TEST_P(VendorCallerMemoryTest, FillsOfTheCallersMemoryWorkSynchronouslyAndInStreamOrder) {
  Device* d = Open("devices=1,memory=64m");
  ASSERT_NE(d, nullptr);
  std::vector<uint8_t> host(kMiB, 1);
  ASSERT_TRUE(d->Fill(host.data() + 10, 0x5a, 100).ok());
  EXPECT_EQ(host[9], 1);
  EXPECT_EQ(host[10], 0x5a);
  EXPECT_EQ(host[109], 0x5a);
  EXPECT_EQ(host[110], 1);
  // Stream order: the copy into `host` lands before the fill overwrites part of it.
  absl::StatusOr<std::unique_ptr<Stream>> stream = d->CreateStream();
  ASSERT_TRUE(stream.ok()) << stream.status();
  absl::StatusOr<void*> device = d->Allocate(MemoryKind::kDevice, kMiB);
  ASSERT_TRUE(device.ok()) << device.status();
  ASSERT_TRUE(d->FillAsync(*device, 0x22, kMiB, **stream).ok());
  ASSERT_TRUE(d->CopyAsync(host.data(), *device, kMiB, **stream).ok());
  ASSERT_TRUE(d->FillAsync(host.data(), 0x33, 16, **stream).ok());
  ASSERT_TRUE((*stream)->Synchronize().ok());
  EXPECT_EQ(host[0], 0x33);
  EXPECT_EQ(host[15], 0x33);
  EXPECT_EQ(host[16], 0x22);
  EXPECT_TRUE(d->Free(*device).ok());
}

}  // namespace

// Instantiated per vendor, by the vendors whose API has this trap.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(VendorCallerMemoryTest);

}  // namespace spillway::hal::vendor_fake
