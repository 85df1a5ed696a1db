// The Level Zero backend's loading path, enumeration, properties and
// capabilities, through Debian's real loader and the CPU fake driver (the
// same path as on an Intel GPU, with the driver swapped).
#include "spillway/backends/levelzero/levelzero_backend.h"

#include <stdlib.h>

#include <array>
#include <string>
#include <vector>

#include "fake_level_zero.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spillway/hal/registry.h"

namespace spillway::levelzero {
namespace {

using ::spillway::levelzero::testing::FakeLevelZero;
using ::testing::HasSubstr;

constexpr uint64_t kMiB = 1ull << 20;

std::string LimitationFor(const hal::Backend& backend, absl::string_view what) {
  for (const hal::Limitation& l : backend.Limitations()) {
    if (l.what == what) return l.why;
  }
  return "";
}

TEST(LevelZeroBackendTest, EnvironmentVariableReplacesTheLoader) {
  setenv(kLevelZeroLibraryEnvVar, "/opt/intel/lib/libze_loader.so.1", 1);
  EXPECT_EQ(LevelZeroLibraryFromEnvironment(), "/opt/intel/lib/libze_loader.so.1");
  setenv(kLevelZeroLibraryEnvVar, "", 1);
  EXPECT_EQ(LevelZeroLibraryFromEnvironment(), "libze_loader.so.1");
  unsetenv(kLevelZeroLibraryEnvVar);
  EXPECT_EQ(LevelZeroLibraryFromEnvironment(), "libze_loader.so.1");
}

TEST(LevelZeroBackendTest, MissingLoaderIsUnavailableNamingIt) {
  std::unique_ptr<hal::Backend> backend = CreateLevelZeroBackend("/nonexistent/libze_loader.so.1");
  EXPECT_EQ(backend->name(), "levelzero");
  EXPECT_EQ(backend->Availability().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(backend->Availability().message(), HasSubstr("/nonexistent/libze_loader.so.1"));
  EXPECT_EQ(backend->DeviceCount(), 0);
  EXPECT_EQ(backend->GetDevice(0).status().code(), absl::StatusCode::kUnavailable);
}

TEST(LevelZeroBackendTest, LibraryWithoutLevelZeroIsUnavailableNamingTheSymbol) {
  std::unique_ptr<hal::Backend> backend = CreateLevelZeroBackend("libm.so.6");
  EXPECT_EQ(backend->Availability().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(backend->Availability().message(), HasSubstr("zeInit"));
}

TEST(LevelZeroBackendTest, LoaderWithoutDriversIsUnavailable) {
  FakeLevelZero fake("devices=1,memory=64m");
  fake.Activate();
  // The loader finds no driver at this path, and so no device.
  setenv("ZE_ENABLE_ALT_DRIVERS", "/nonexistent/libze_no_such_driver.so", 1);
  std::unique_ptr<hal::Backend> backend = CreateLevelZeroBackend(fake.loader());
  EXPECT_EQ(backend->Availability().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(backend->DeviceCount(), 0);
}

TEST(LevelZeroBackendTest, DriverThatCannotStartMakesTheBackendUnavailable) {
  FakeLevelZero fake("devices=banana");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  EXPECT_EQ(backend->Availability().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(backend->Availability().message(), HasSubstr("zeInit"));
}

TEST(LevelZeroBackendTest, EnumeratesTheGpusWithTheirProperties) {
  FakeLevelZero fake("devices=3,memory=256m");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  ASSERT_EQ(backend->DeviceCount(), 3);
  std::vector<std::string> bus_ids;
  std::vector<std::array<uint8_t, 16>> uuids;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<hal::Device*> device = backend->GetDevice(i);
    ASSERT_TRUE(device.ok()) << device.status();
    const hal::DeviceProperties& p = (*device)->properties();
    EXPECT_EQ((*device)->uri(), "levelzero://" + std::to_string(i));
    EXPECT_EQ(p.ordinal, i);
    EXPECT_EQ(p.total_memory, 256 * kMiB);
    EXPECT_FALSE(p.name.empty());
    EXPECT_EQ(p.pci_bus_id.size(), 12u) << p.pci_bus_id;
    bus_ids.push_back(p.pci_bus_id);
    uuids.push_back(p.uuid);
  }
  EXPECT_NE(bus_ids[0], bus_ids[2]);
  EXPECT_NE(uuids[0], uuids[1]);
  EXPECT_NE(uuids[0], (std::array<uint8_t, 16>{}));
  EXPECT_EQ(backend->GetDevice(3).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(LevelZeroBackendTest, SharedAllocationsGiveTheManagedPathWithoutAccessedBy) {
  FakeLevelZero fake("devices=1,memory=256m,managed=1");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  const hal::DeviceProperties& p = (*backend->GetDevice(0))->properties();
  for (hal::Capability cap :
       {hal::kCapManagedMemory, hal::kCapAdviseReadMostly, hal::kCapAdvisePreferredLocation,
        hal::kCapPrefetch, hal::kCapOversubscription, hal::kCapHostMappedMemory}) {
    EXPECT_TRUE(p.Has(cap)) << hal::CapabilityName(cap);
  }
  EXPECT_FALSE(p.Has(hal::kCapAdviseAccessedBy));
  EXPECT_FALSE(p.Has(hal::kCapHostNumaLocation));
  EXPECT_THAT(LimitationFor(*backend, "advise_accessed_by"), HasSubstr("no accessed-by"));
  EXPECT_THAT(LimitationFor(*backend, "prefetch_to_host"), HasSubstr("does nothing"));
}

TEST(LevelZeroBackendTest, DeviceWithoutSharedAllocationsSaysWhyAndRefusesThem) {
  FakeLevelZero fake("devices=1,memory=256m,managed=0");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  hal::Device* device = *backend->GetDevice(0);
  EXPECT_FALSE(device->properties().Has(hal::kCapManagedMemory));
  EXPECT_FALSE(device->properties().Has(hal::kCapPrefetch));
  EXPECT_TRUE(device->properties().Has(hal::kCapHostMappedMemory));
  EXPECT_THAT(LimitationFor(*backend, "managed_memory"),
              HasSubstr("sharedSingleDeviceAllocCapabilities = 0"));
  EXPECT_EQ(device->Allocate(hal::MemoryKind::kManaged, 4096).status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST(LevelZeroBackendTest, DeviceThatCannotReachHostAllocationsSaysWhy) {
  FakeLevelZero fake("devices=1,memory=256m,host_mapped=0");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  EXPECT_FALSE((*backend->GetDevice(0))->properties().Has(hal::kCapHostMappedMemory));
  EXPECT_THAT(LimitationFor(*backend, "host_mapped_memory"), HasSubstr("hostAllocCapabilities"));
}

TEST(LevelZeroBackendTest, RegistersUnderItsNameAndReadsTheEnvironment) {
  FakeLevelZero fake("devices=1,memory=128m");
  fake.Activate();
  setenv(kLevelZeroLibraryEnvVar, fake.loader().c_str(), 1);
  hal::Registry registry;
  ASSERT_TRUE(RegisterLevelZeroBackend(registry).ok());
  EXPECT_EQ(RegisterLevelZeroBackend(registry).code(), absl::StatusCode::kAlreadyExists);
  absl::StatusOr<hal::Device*> device = registry.OpenDevice("levelzero://0");
  ASSERT_TRUE(device.ok()) << device.status();
  EXPECT_EQ((*device)->properties().total_memory, 128 * kMiB);
  unsetenv(kLevelZeroLibraryEnvVar);
}

}  // namespace
}  // namespace spillway::levelzero
