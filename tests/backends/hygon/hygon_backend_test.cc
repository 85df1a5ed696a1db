// The Hygon backend's loading path, enumeration, properties and capabilities,
// through the CPU fake of libgalaxyhip.so (the same dlopen path as on a DCU).
#include "spillway/backends/hygon/hygon_backend.h"

#include <stdlib.h>

#include <string>
#include <vector>

#include "fake_galaxyhip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spillway/backends/hygon/hip_abi.h"
#include "spillway/hal/dynamic_library.h"
#include "spillway/hal/registry.h"

namespace spillway::hygon {
namespace {

using ::spillway::hygon::testing::FakeGalaxyHip;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr uint64_t kMiB = 1ull << 20;

std::string LimitationFor(const hal::Backend& backend, hal::Capability cap) {
  for (const hal::Limitation& l : backend.Limitations()) {
    if (l.what == hal::CapabilityName(cap)) return l.why;
  }
  return "";
}

TEST(HygonBackendTest, TriesDtkNamesBeforeAmdsRuntime) {
  EXPECT_THAT(DefaultHygonLibraries(),
              ElementsAre("libgalaxyhip.so.5", "libgalaxyhip.so", "libamdhip64.so"));
}

TEST(HygonBackendTest, EnvironmentVariableReplacesTheCandidates) {
  setenv(kHygonLibraryEnvVar, "/opt/dtk/lib/libgalaxyhip.so", 1);
  EXPECT_THAT(HygonLibrariesFromEnvironment(), ElementsAre("/opt/dtk/lib/libgalaxyhip.so"));
  setenv(kHygonLibraryEnvVar, "", 1);
  EXPECT_EQ(HygonLibrariesFromEnvironment(), DefaultHygonLibraries());
  unsetenv(kHygonLibraryEnvVar);
  EXPECT_EQ(HygonLibrariesFromEnvironment(), DefaultHygonLibraries());
}

TEST(HygonBackendTest, MissingLibraryIsUnavailableNamingEveryCandidate) {
  std::unique_ptr<hal::Backend> backend =
      CreateHygonBackend({"/nonexistent/libgalaxyhip.so.5", "libspillway-no-such-hip.so"});
  EXPECT_EQ(backend->name(), "hygon");
  absl::Status availability = backend->Availability();
  EXPECT_EQ(availability.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(availability.message(), HasSubstr("/nonexistent/libgalaxyhip.so.5"));
  EXPECT_THAT(availability.message(), HasSubstr("libspillway-no-such-hip.so"));
  EXPECT_EQ(backend->DeviceCount(), 0);
  EXPECT_EQ(backend->GetDevice(0).status().code(), absl::StatusCode::kUnavailable);
}

TEST(HygonBackendTest, LibraryWithoutHipIsUnavailableNamingTheSymbol) {
  // A real library that is not a HIP runtime: the first required symbol is missing.
  std::unique_ptr<hal::Backend> backend = CreateHygonBackend({"libm.so.6"});
  absl::Status availability = backend->Availability();
  EXPECT_EQ(availability.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(availability.message(), HasSubstr("hipInit"));
  EXPECT_EQ(backend->DeviceCount(), 0);
}

TEST(HygonBackendTest, MalformedFakeSpecMakesHipInitFailAndTheBackendUnavailable) {
  FakeGalaxyHip fake("devices=banana");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  absl::Status availability = backend->Availability();
  EXPECT_EQ(availability.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(availability.message(), HasSubstr("hipInit"));
  EXPECT_THAT(availability.message(), HasSubstr("hipErrorNotInitialized (3)"));
}

TEST(HygonBackendTest, EnumeratesTheDevicesWithTheirProperties) {
  FakeGalaxyHip fake("devices=3,memory=256m");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  ASSERT_EQ(backend->DeviceCount(), 3);
  std::vector<std::string> bus_ids;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<hal::Device*> device = backend->GetDevice(i);
    ASSERT_TRUE(device.ok()) << device.status();
    const hal::DeviceProperties& p = (*device)->properties();
    EXPECT_EQ((*device)->uri(), "hygon://" + std::to_string(i));
    EXPECT_EQ(p.ordinal, i);
    EXPECT_EQ(p.total_memory, 256 * kMiB);
    EXPECT_FALSE(p.name.empty());
    EXPECT_NE(p.uuid, (std::array<uint8_t, 16>{})) << "hipDeviceGetUuid was not used";
    EXPECT_EQ(p.pci_bus_id.size(), 12u) << p.pci_bus_id;
    bus_ids.push_back(p.pci_bus_id);
  }
  EXPECT_NE(bus_ids[0], bus_ids[1]);
  EXPECT_EQ(backend->GetDevice(3).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(backend->GetDevice(-1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(HygonBackendTest, ManagedDeviceAdvertisesTheManagedPath) {
  FakeGalaxyHip fake("devices=1,memory=256m,managed=1");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  const hal::DeviceProperties& p = (*backend->GetDevice(0))->properties();
  for (hal::Capability cap :
       {hal::kCapManagedMemory, hal::kCapAdviseReadMostly, hal::kCapAdvisePreferredLocation,
        hal::kCapAdviseAccessedBy, hal::kCapPrefetch, hal::kCapOversubscription,
        hal::kCapHostMappedMemory}) {
    EXPECT_TRUE(p.Has(cap)) << hal::CapabilityName(cap);
  }
  // HIP's advice and prefetch take a device number, never a NUMA node.
  EXPECT_FALSE(p.Has(hal::kCapHostNumaLocation));
  EXPECT_THAT(LimitationFor(*backend, hal::kCapHostNumaLocation), HasSubstr("hipCpuDeviceId"));
  EXPECT_EQ(LimitationFor(*backend, hal::kCapManagedMemory), "");
}

TEST(HygonBackendTest, DeviceWithoutManagedMemorySaysWhyAndRefusesIt) {
  FakeGalaxyHip fake("devices=1,memory=256m,managed=0");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  hal::Device* device = *backend->GetDevice(0);
  const hal::DeviceProperties& p = device->properties();
  EXPECT_FALSE(p.Has(hal::kCapManagedMemory));
  EXPECT_FALSE(p.Has(hal::kCapPrefetch));
  EXPECT_FALSE(p.Has(hal::kCapOversubscription));
  EXPECT_TRUE(p.Has(hal::kCapHostMappedMemory)) << "the host-spill path needs mapped memory";
  EXPECT_THAT(LimitationFor(*backend, hal::kCapManagedMemory),
              HasSubstr("hipDeviceAttributeManagedMemory = 0"));
  EXPECT_EQ(device->Allocate(hal::MemoryKind::kManaged, 4096).status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST(HygonBackendTest, DeviceWithoutMappedHostMemorySaysWhy) {
  FakeGalaxyHip fake("devices=1,memory=256m,host_mapped=0");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  EXPECT_FALSE((*backend->GetDevice(0))->properties().Has(hal::kCapHostMappedMemory));
  EXPECT_THAT(LimitationFor(*backend, hal::kCapHostMappedMemory),
              HasSubstr("hipDeviceAttributeCanMapHostMemory"));
}

TEST(HygonBackendTest, TheApplicationsCurrentDeviceIsLeftAsItWas) {
  FakeGalaxyHip fake("devices=2,memory=256m");
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  // The application's own view of the same runtime instance.
  absl::StatusOr<std::unique_ptr<hal::DynamicLibrary>> hip =
      hal::DynamicLibrary::Load({fake.path()});
  ASSERT_TRUE(hip.ok()) << hip.status();
  abi::Fn_hipSetDevice* set_device = nullptr;
  abi::Fn_hipGetDevice* get_device = nullptr;
  ASSERT_TRUE((*hip)->Resolve("hipSetDevice", set_device).ok());
  ASSERT_TRUE((*hip)->Resolve("hipGetDevice", get_device).ok());
  ASSERT_EQ(set_device(1), abi::kSuccess);

  hal::Device* zero = *backend->GetDevice(0);
  absl::StatusOr<void*> ptr = zero->Allocate(hal::MemoryKind::kDevice, kMiB);
  ASSERT_TRUE(ptr.ok()) << ptr.status();
  // The allocation landed on device 0, not on the application's current device 1.
  absl::StatusOr<hal::MemoryInfo> info0 = zero->GetMemoryInfo();
  absl::StatusOr<hal::MemoryInfo> info1 = (*backend->GetDevice(1))->GetMemoryInfo();
  ASSERT_TRUE(info0.ok() && info1.ok());
  EXPECT_LT(info0->free, info1->free);
  EXPECT_TRUE(zero->Free(*ptr).ok());

  int current = -1;
  ASSERT_EQ(get_device(&current), abi::kSuccess);
  EXPECT_EQ(current, 1);
}

TEST(HygonBackendTest, RegistersUnderItsNameAndReadsTheEnvironment) {
  FakeGalaxyHip fake("devices=1,memory=128m");
  setenv(kHygonLibraryEnvVar, fake.path().c_str(), 1);
  setenv(fake::kFakeSpecEnvVar, "devices=1,memory=128m", 1);
  hal::Registry registry;
  ASSERT_TRUE(RegisterHygonBackend(registry).ok());
  EXPECT_EQ(RegisterHygonBackend(registry).code(), absl::StatusCode::kAlreadyExists);
  absl::StatusOr<hal::Device*> device = registry.OpenDevice("hygon://0");
  ASSERT_TRUE(device.ok()) << device.status();
  EXPECT_EQ((*device)->properties().total_memory, 128 * kMiB);
  unsetenv(kHygonLibraryEnvVar);
}

}  // namespace
}  // namespace spillway::hygon
