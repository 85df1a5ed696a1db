// The Ascend backend through its real loading path (dlopen of the CPU fake of
// libascendcl.so): availability, properties and probes, process-wide ACL
// initialization, current-device handling, and vendor errors end to end.
#include "spillway/backends/ascend/ascend_backend.h"

#include <dlfcn.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ascend_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "library_loading_suite.h"
#include "spillway/backends/ascend/acl_abi.h"

namespace spillway::ascend {
namespace {

using ::spillway::ascend::testing::FakeAscendBackend;
using ::spillway::ascend::testing::ScopedEnv;
using ::testing::HasSubstr;

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr char kSmallSpec[] = "devices=2,memory=256m";

hal::Device& Device(hal::Backend& backend, int ordinal) {
  return *backend.GetDevice(ordinal).value();
}

std::string Reason(const hal::Backend& backend, hal::Capability cap) {
  for (const hal::Limitation& limitation : backend.Limitations()) {
    if (limitation.what == hal::CapabilityName(cap)) return limitation.why;
  }
  return "";
}

using ::spillway::hal::vendor_fake::VendorLibrary;
using ::spillway::hal::vendor_fake::VendorLibraryLoadingTest;
using ::spillway::hal::vendor_fake::VendorLibraryName;

INSTANTIATE_TEST_SUITE_P(
    Ascend, VendorLibraryLoadingTest,
    ::testing::Values(VendorLibrary{
        .name = "ascend",
        .create = CreateAscendBackend,
        // aclInit is there; the next required symbol is not.
        .incomplete_library = SPILLWAY_INCOMPLETE_ASCENDCL,
        .missing_symbol = "aclFinalize",
        .library_env_var = kAscendLibraryEnvVar,
        .library_from_environment = AscendLibraryFromEnvironment,
        .default_library = "libascendcl.so",
        .register_backend = RegisterAscendBackend,
        .fake_library = SPILLWAY_FAKE_ASCENDCL}),
    VendorLibraryName);

TEST(AscendBackendTest, PropertiesComeFromAcl) {
  std::unique_ptr<hal::Backend> backend = FakeAscendBackend(kSmallSpec);
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  ASSERT_EQ(backend->DeviceCount(), 2);
  const hal::DeviceProperties& zero = Device(*backend, 0).properties();
  const hal::DeviceProperties& one = Device(*backend, 1).properties();
  EXPECT_EQ(zero.name, "Ascend910B-spillway-fake");  // aclrtGetSocName
  EXPECT_EQ(zero.total_memory, 256 * kMiB);          // aclrtGetMemInfo(HBM)
  EXPECT_EQ(zero.ordinal, 0);
  EXPECT_EQ(one.ordinal, 1);
  EXPECT_NE(zero.uuid, (std::array<uint8_t, 16>{}));  // aclrtDeviceGetUuid
  EXPECT_NE(zero.uuid, one.uuid);
  EXPECT_EQ(zero.pci_bus_id, "");
  for (hal::Capability cap :
       {hal::kCapManagedMemory, hal::kCapOversubscription, hal::kCapAdviseReadMostly,
        hal::kCapAdvisePreferredLocation, hal::kCapAdviseAccessedBy, hal::kCapPrefetch,
        hal::kCapHostNumaLocation, hal::kCapHostMappedMemory}) {
    EXPECT_TRUE(zero.Has(cap)) << hal::CapabilityName(cap);
  }
}

TEST(AscendBackendTest, WithoutUvmManagedMemoryIsUnimplementedWithTheVendorReason) {
  std::unique_ptr<hal::Backend> backend = FakeAscendBackend("memory=256m,managed=0");
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  hal::Device& d = Device(*backend, 0);
  EXPECT_FALSE(d.properties().Has(hal::kCapManagedMemory));
  EXPECT_FALSE(d.properties().Has(hal::kCapPrefetch));
  const std::string why = Reason(*backend, hal::kCapManagedMemory);
  EXPECT_THAT(why, HasSubstr("ACL_ERROR_RT_FEATURE_NOT_SUPPORT (207000)"));
  EXPECT_THAT(why, HasSubstr("aclrtMemAllocManaged"));
  EXPECT_EQ(d.Allocate(hal::MemoryKind::kManaged, kMiB).status().code(),
            absl::StatusCode::kUnimplemented);
  // Pinned host memory at the CPU's address still works: the host-spill path.
  EXPECT_TRUE(d.properties().Has(hal::kCapHostMappedMemory));
}

TEST(AscendBackendTest, HostMappingIsProbedAndExplained) {
  std::unique_ptr<hal::Backend> backend = FakeAscendBackend("memory=256m,host_mapped=0");
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  hal::Device& d = Device(*backend, 0);
  EXPECT_FALSE(d.properties().Has(hal::kCapHostMappedMemory));
  EXPECT_THAT(Reason(*backend, hal::kCapHostMappedMemory), HasSubstr("aclrtHostRegister"));
  // Pinned memory without the mapping is still pinned memory.
  absl::StatusOr<void*> pinned = d.Allocate(hal::MemoryKind::kHost, 3 * kMiB);
  ASSERT_TRUE(pinned.ok()) << pinned.status();
  std::memset(*pinned, 0x5a, 3 * kMiB);
  EXPECT_TRUE(d.Free(*pinned).ok());
}

TEST(AscendBackendTest, MappedHostMemoryIsRegisteredUntilFreed) {
  std::unique_ptr<hal::Backend> backend = FakeAscendBackend(kSmallSpec);
  hal::Device& d = Device(*backend, 0);
  ASSERT_TRUE(d.properties().Has(hal::kCapHostMappedMemory));
  absl::StatusOr<void*> pinned = d.Allocate(hal::MemoryKind::kHost, kMiB);
  ASSERT_TRUE(pinned.ok()) << pinned.status();
  // The fake refuses aclrtFreeHost of registered memory, so a clean free
  // shows that the backend unregistered it first.
  EXPECT_TRUE(d.Free(*pinned).ok());
}

TEST(AscendBackendTest, EachThreadAndDeviceGetsTheRightCurrentDevice) {
  std::unique_ptr<hal::Backend> backend = FakeAscendBackend(kSmallSpec);
  hal::Device& zero = Device(*backend, 0);
  hal::Device& one = Device(*backend, 1);
  const uint64_t zero_free = zero.GetMemoryInfo()->free;
  const uint64_t one_free = one.GetMemoryInfo()->free;
  // A fresh thread has no current device; the backend must set one, and
  // alternate correctly between the two devices.
  std::thread worker([&] {
    for (int round = 0; round < 3; ++round) {
      absl::StatusOr<void*> on_one = one.Allocate(hal::MemoryKind::kDevice, 8 * kMiB);
      ASSERT_TRUE(on_one.ok()) << on_one.status();
      EXPECT_EQ(one.GetMemoryInfo()->free, one_free - 8 * kMiB);
      EXPECT_EQ(zero.GetMemoryInfo()->free, zero_free);
      std::vector<uint8_t> in(kMiB, static_cast<uint8_t>(round + 1));
      std::vector<uint8_t> out(kMiB, 0);
      ASSERT_TRUE(one.Copy(*on_one, in.data(), in.size()).ok());
      absl::StatusOr<void*> on_zero = zero.Allocate(hal::MemoryKind::kDevice, kMiB);
      ASSERT_TRUE(on_zero.ok()) << on_zero.status();
      ASSERT_TRUE(one.Copy(out.data(), *on_one, out.size()).ok());
      EXPECT_EQ(out, in);
      EXPECT_TRUE(zero.Free(*on_zero).ok());
      EXPECT_TRUE(one.Free(*on_one).ok());
    }
  });
  worker.join();
  EXPECT_EQ(one.GetMemoryInfo()->free, one_free);
}

TEST(AscendBackendTest, AclIsInitializedOnceAndFinalizedByTheLastBackend) {
  ScopedEnv spec(fake::kFakeSpecEnvVar, kSmallSpec);
  std::unique_ptr<hal::Backend> first = CreateAscendBackend(SPILLWAY_FAKE_ASCENDCL);
  std::unique_ptr<hal::Backend> second = CreateAscendBackend(SPILLWAY_FAKE_ASCENDCL);
  ASSERT_TRUE(first->Availability().ok()) << first->Availability();
  ASSERT_TRUE(second->Availability().ok()) << second->Availability();
  first.reset();
  // ACL is still up for the second backend.
  absl::StatusOr<void*> p = Device(*second, 0).Allocate(hal::MemoryKind::kDevice, kMiB);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(Device(*second, 0).Free(*p).ok());
}

TEST(AscendBackendTest, AclInitializedBySomeoneElseIsLeftToThem) {
  void* acl = dlopen(SPILLWAY_FAKE_ASCENDCL, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(acl, nullptr) << dlerror();
  auto* acl_init = reinterpret_cast<abi::Fn_aclInit*>(dlsym(acl, "aclInit"));
  auto* acl_finalize = reinterpret_cast<abi::Fn_aclFinalize*>(dlsym(acl, "aclFinalize"));
  auto* count = reinterpret_cast<abi::Fn_aclrtGetDeviceCount*>(dlsym(acl, "aclrtGetDeviceCount"));
  ASSERT_TRUE(acl_init != nullptr && acl_finalize != nullptr && count != nullptr);
  {
    ScopedEnv spec(fake::kFakeSpecEnvVar, kSmallSpec);
    ASSERT_EQ(acl_init(nullptr), abi::kSuccess);
  }
  {
    std::unique_ptr<hal::Backend> backend = CreateAscendBackend(SPILLWAY_FAKE_ASCENDCL);
    ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  }
  uint32_t devices = 0;
  EXPECT_EQ(count(&devices), abi::kSuccess) << "the backend finalized ACL it did not own";
  EXPECT_EQ(devices, 2u);
  EXPECT_EQ(acl_finalize(), abi::kSuccess);
  dlclose(acl);
}

// Simulator failures come back as ACL codes, which the backend maps to Status
// with the code, its name and aclGetRecentErrMsg's text.
struct InjectedError {
  const char* fail;       // SPILLWAY_FAKE_SPEC fail= value
  absl::StatusCode code;  // what the HAL call returns
  const char* vendor;     // "<name> (<code>)" in the message
};

class AscendVendorErrorTest : public ::testing::TestWithParam<InjectedError> {};

TEST_P(AscendVendorErrorTest, ReachesTheCallerWithCodeAndName) {
  const InjectedError& e = GetParam();
  // Every call of the kind fails, including the backend's own probes.
  std::unique_ptr<hal::Backend> backend =
      FakeAscendBackend(absl::StrCat("memory=256m,fail=", e.fail));
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  hal::Device& d = Device(*backend, 0);
  absl::Status status;
  if (absl::string_view(e.fail).substr(0, 8) == "allocate") {
    status = d.Allocate(hal::MemoryKind::kDevice, kMiB).status();
  } else {
    std::vector<uint8_t> a(4096, 1), b(4096, 0);
    status = d.Copy(b.data(), a.data(), a.size());
  }
  EXPECT_EQ(status.code(), e.code) << status;
  EXPECT_THAT(status.message(), HasSubstr(e.vendor));
  EXPECT_THAT(status.message(), HasSubstr("[fake libascendcl]"));  // aclGetRecentErrMsg
}

INSTANTIATE_TEST_SUITE_P(
    Codes, AscendVendorErrorTest,
    ::testing::Values(InjectedError{"allocate:0:resource_exhausted",
                                    absl::StatusCode::kResourceExhausted,
                                    "aclrtMalloc failed: ACL_ERROR_RT_MEMORY_ALLOCATION (207001)"},
                      InjectedError{"allocate:0:invalid_argument",
                                    absl::StatusCode::kInvalidArgument,
                                    "ACL_ERROR_INVALID_PARAM (100000)"},
                      InjectedError{"allocate:0:unimplemented", absl::StatusCode::kUnimplemented,
                                    "ACL_ERROR_RT_FEATURE_NOT_SUPPORT (207000)"},
                      InjectedError{"allocate:0:unavailable", absl::StatusCode::kUnavailable,
                                    "ACL_ERROR_RT_NO_DEVICE (207004)"},
                      InjectedError{"copy:0:internal", absl::StatusCode::kInternal,
                                    "aclrtMemcpy failed: ACL_ERROR_RT_INTERNAL_ERROR (507899)"}));

TEST(AscendBackendTest, RealOutOfMemoryIsResourceExhausted) {
  std::unique_ptr<hal::Backend> backend = FakeAscendBackend("memory=256m,reserved=16m");
  hal::Device& d = Device(*backend, 0);
  // Within the device's size, beyond what is free: only ACL can refuse it.
  absl::StatusOr<void*> p = d.Allocate(hal::MemoryKind::kDevice, 250 * kMiB);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kResourceExhausted) << p.status();
  EXPECT_THAT(p.status().message(), HasSubstr("207001"));
}

}  // namespace
}  // namespace spillway::ascend
