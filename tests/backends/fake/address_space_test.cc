// Address-space-only simulation (backing=none): a 23 GiB device holding 40 GiB
// of managed data costs almost no host memory.
#include <unistd.h>

#include <cstdint>
#include <fstream>

#include "gtest/gtest.h"
#include "simulated_device.h"
#include "spillway/backends/fake/fake_device.h"

namespace spillway::fake {
namespace {

using ::spillway::fake::testing::kGiB;
using ::spillway::fake::testing::kMiB;
using ::spillway::fake::testing::SimulatedDevice;

uint64_t ResidentSetBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

TEST(AddressSpaceTest, FortyGiBOfManagedDataOnA23GiBDeviceStaysTiny) {
  SimulatedDevice sim("memory=24g,reserved=1g,page=2m,backing=none");
  FakeDevice& d = *sim.device;
  const uint64_t rss_before = ResidentSetBytes();
  const uint64_t size = 40 * kGiB;
  absl::StatusOr<void*> m = d.Allocate(hal::MemoryKind::kManaged, size);
  ASSERT_TRUE(m.ok()) << m.status();
  absl::StatusOr<void*> dev = d.Allocate(hal::MemoryKind::kDevice, 2 * kGiB);
  ASSERT_TRUE(dev.ok()) << dev.status();
  auto stream = *d.CreateStream();
  // Two passes over all of it, 1 GiB per kernel.
  for (int pass = 0; pass < 2; ++pass) {
    for (uint64_t off = 0; off < size; off += kGiB) {
      ASSERT_TRUE(
          d.LaunchKernel({{{static_cast<char*>(*m) + off, kGiB}}, {}, 0}, *stream).ok());
    }
  }
  const uint64_t pages = size / (2 * kMiB);
  EXPECT_EQ(d.counters().faults, 2 * pages);
  EXPECT_EQ(*d.ResidentBytes(*m, size), 21 * kGiB);  // 23 GiB usable minus 2 GiB allocated
  EXPECT_LT(ResidentSetBytes() - rss_before, 64 * kMiB);
  EXPECT_TRUE(d.Free(*m).ok());
  EXPECT_TRUE(d.Free(*dev).ok());
}

}  // namespace
}  // namespace spillway::fake
