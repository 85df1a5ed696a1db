// The Cambricon backend through its real loading path (dlopen of the CPU fake
// of libcnrt.so): availability, properties and probes, current-device
// handling, and vendor errors end to end.
#include "spillway/backends/cambricon/cambricon_backend.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cambricon_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "library_loading_suite.h"

namespace spillway::cambricon {
namespace {

using ::spillway::cambricon::testing::FakeCambriconBackend;
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

class CambriconBackendTest : public ::testing::Test {
 protected:
  // Whatever a test left in the fake goes, so that the next test's spec is read.
  void TearDown() override { testing::ResetFakeCnrt(); }
};

using ::spillway::hal::vendor_fake::VendorLibrary;
using ::spillway::hal::vendor_fake::VendorLibraryLoadingTest;
using ::spillway::hal::vendor_fake::VendorLibraryName;

INSTANTIATE_TEST_SUITE_P(
    Cambricon, VendorLibraryLoadingTest,
    ::testing::Values(VendorLibrary{
        .name = "cambricon",
        .create = CreateCambriconBackend,
        .incomplete_library = SPILLWAY_INCOMPLETE_CNRT,
        .missing_symbol = "cnrtSetDevice",
        .library_env_var = kCambriconLibraryEnvVar,
        .library_from_environment = CambriconLibraryFromEnvironment,
        .default_library = "libcnrt.so",
        .register_backend = RegisterCambriconBackend,
        .fake_library = SPILLWAY_FAKE_CNRT,
        .reset_fake = testing::ResetFakeCnrt}),
    VendorLibraryName);

TEST_F(CambriconBackendTest, PropertiesComeFromCnrt) {
  std::unique_ptr<hal::Backend> backend = FakeCambriconBackend(kSmallSpec);
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  ASSERT_EQ(backend->DeviceCount(), 2);
  const hal::DeviceProperties& zero = Device(*backend, 0).properties();
  const hal::DeviceProperties& one = Device(*backend, 1).properties();
  EXPECT_EQ(zero.name, "MLU370-X8 (spillway fake)");  // cnrtGetDeviceProperties_V3
  EXPECT_EQ(zero.total_memory, 256 * kMiB);           // attribute 0x405, in MB
  EXPECT_NE(zero.uuid, (std::array<uint8_t, 16>{}));
  EXPECT_NE(zero.uuid, one.uuid);
  // Attributes 0x408 domain, 0x406 bus, 0x407 device; function 0.
  EXPECT_EQ(zero.pci_bus_id, "0000:17:00.0");
  EXPECT_EQ(one.pci_bus_id, "0000:18:00.0");
  EXPECT_TRUE(zero.Has(hal::kCapHostMappedMemory));
  for (hal::Capability cap :
       {hal::kCapManagedMemory, hal::kCapOversubscription, hal::kCapAdviseReadMostly,
        hal::kCapAdvisePreferredLocation, hal::kCapAdviseAccessedBy, hal::kCapPrefetch,
        hal::kCapHostNumaLocation}) {
    EXPECT_FALSE(zero.Has(cap)) << hal::CapabilityName(cap);
    EXPECT_THAT(Reason(*backend, cap), HasSubstr("no managed")) << hal::CapabilityName(cap);
  }
  EXPECT_EQ(Device(*backend, 0).Allocate(hal::MemoryKind::kManaged, kMiB).status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST_F(CambriconBackendTest, HostMappingIsAskedOfTheDevice) {
  std::unique_ptr<hal::Backend> backend = FakeCambriconBackend("memory=256m,host_mapped=0");
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  EXPECT_FALSE(Device(*backend, 0).properties().Has(hal::kCapHostMappedMemory));
  EXPECT_THAT(Reason(*backend, hal::kCapHostMappedMemory), HasSubstr("cnrtAttrCanUseHostPointer"));
}

TEST_F(CambriconBackendTest, EachThreadAndDeviceGetsTheRightCurrentDevice) {
  std::unique_ptr<hal::Backend> backend = FakeCambriconBackend(kSmallSpec);
  hal::Device& zero = Device(*backend, 0);
  hal::Device& one = Device(*backend, 1);
  const uint64_t zero_free = zero.GetMemoryInfo()->free;
  const uint64_t one_free = one.GetMemoryInfo()->free;
  // The fake refuses memory and queues of a device that is not current, so
  // the backend must switch correctly on every thread.
  std::thread worker([&] {
    std::unique_ptr<hal::Stream> stream = *one.CreateStream();
    for (int round = 0; round < 3; ++round) {
      absl::StatusOr<void*> on_one = one.Allocate(hal::MemoryKind::kDevice, 8 * kMiB);
      ASSERT_TRUE(on_one.ok()) << on_one.status();
      EXPECT_EQ(one.GetMemoryInfo()->free, one_free - 8 * kMiB);
      EXPECT_EQ(zero.GetMemoryInfo()->free, zero_free);
      absl::StatusOr<void*> on_zero = zero.Allocate(hal::MemoryKind::kDevice, kMiB);
      ASSERT_TRUE(on_zero.ok()) << on_zero.status();
      std::vector<uint8_t> in(kMiB, static_cast<uint8_t>(round + 1));
      std::vector<uint8_t> out(kMiB, 0);
      ASSERT_TRUE(one.CopyAsync(*on_one, in.data(), in.size(), *stream).ok());
      ASSERT_TRUE(zero.Fill(*on_zero, 9, kMiB).ok());
      ASSERT_TRUE(one.CopyAsync(out.data(), *on_one, out.size(), *stream).ok());
      ASSERT_TRUE(stream->Synchronize().ok());
      EXPECT_EQ(out, in);
      EXPECT_TRUE(zero.Free(*on_zero).ok());
      EXPECT_TRUE(one.Free(*on_one).ok());
    }
  });
  worker.join();
  EXPECT_EQ(one.GetMemoryInfo()->free, one_free);
}

// Simulator failures come back as CNRT codes, which the backend maps to
// Status with the code, its name and cnrtGetErrorStr's text.
struct InjectedError {
  const char* fail;  // SPILLWAY_FAKE_SPEC fail= value
  hal::MemoryKind kind;
  absl::StatusCode code;
  const char* vendor;
};

class CambriconVendorErrorTest : public ::testing::TestWithParam<InjectedError> {
 protected:
  void TearDown() override { testing::ResetFakeCnrt(); }
};

TEST_P(CambriconVendorErrorTest, ReachesTheCallerWithCodeAndName) {
  const InjectedError& e = GetParam();
  std::unique_ptr<hal::Backend> backend =
      FakeCambriconBackend(absl::StrCat("memory=256m,fail=", e.fail));
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  hal::Device& d = Device(*backend, 0);
  absl::Status status;
  if (absl::string_view(e.fail).substr(0, 8) == "allocate") {
    status = d.Allocate(e.kind, kMiB).status();
  } else {
    std::vector<uint8_t> a(4096, 1), b(4096, 0);
    status = d.Copy(b.data(), a.data(), a.size());
  }
  EXPECT_EQ(status.code(), e.code) << status;
  EXPECT_THAT(status.message(), HasSubstr(e.vendor));
  EXPECT_THAT(status.message(), HasSubstr("[fake libcnrt]"));  // cnrtGetErrorStr
}

INSTANTIATE_TEST_SUITE_P(
    Codes, CambriconVendorErrorTest,
    ::testing::Values(
        InjectedError{"allocate:0:resource_exhausted", hal::MemoryKind::kDevice,
                      absl::StatusCode::kResourceExhausted,
                      "cnrtMalloc failed: cnrtErrorNoMem (100100)"},
        InjectedError{"allocate:0:resource_exhausted", hal::MemoryKind::kHost,
                      absl::StatusCode::kResourceExhausted,
                      "cnrtHostMalloc failed: cnrtErrorSysNoMem (100010)"},
        InjectedError{"allocate:0:invalid_argument", hal::MemoryKind::kDevice,
                      absl::StatusCode::kInvalidArgument, "cnrtErrorArgsInvalid (100006)"},
        InjectedError{"allocate:0:unimplemented", hal::MemoryKind::kDevice,
                      absl::StatusCode::kUnimplemented, "cnrtErrorNotSupport (100050)"},
        InjectedError{"allocate:0:unavailable", hal::MemoryKind::kDevice,
                      absl::StatusCode::kUnavailable, "cnrtErrorNoDevice (100004)"},
        InjectedError{"copy:0:internal", hal::MemoryKind::kDevice, absl::StatusCode::kInternal,
                      "cnrtMemcpy failed: cnrtErrorUnknown (999991)"}));

TEST_F(CambriconBackendTest, RealOutOfMemoryIsResourceExhausted) {
  std::unique_ptr<hal::Backend> backend = FakeCambriconBackend("memory=256m,reserved=16m");
  hal::Device& d = Device(*backend, 0);
  absl::StatusOr<void*> p = d.Allocate(hal::MemoryKind::kDevice, 250 * kMiB);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kResourceExhausted) << p.status();
  EXPECT_THAT(p.status().message(), HasSubstr("cnrtErrorNoMem (100100)"));
}

TEST_F(CambriconBackendTest, HostToHostCopiesOnAQueueKeepTheQueueOrder) {
  std::unique_ptr<hal::Backend> backend = FakeCambriconBackend("memory=256m");
  hal::Device& d = Device(*backend, 0);
  std::unique_ptr<hal::Stream> stream = *d.CreateStream();
  absl::StatusOr<void*> pinned = d.Allocate(hal::MemoryKind::kHost, kMiB);
  ASSERT_TRUE(pinned.ok()) << pinned.status();
  absl::StatusOr<void*> on_device = d.Allocate(hal::MemoryKind::kDevice, kMiB);
  ASSERT_TRUE(on_device.ok()) << on_device.status();
  std::vector<uint8_t> source(kMiB, 0x11);
  std::vector<uint8_t> out(kMiB, 0);
  ASSERT_TRUE(d.FillAsync(*on_device, 0x77, kMiB, *stream).ok());
  ASSERT_TRUE(d.CopyAsync(*pinned, *on_device, kMiB, *stream).ok());  // device -> pinned
  ASSERT_TRUE(d.CopyAsync(out.data(), *pinned, kMiB, *stream).ok());  // pinned -> pageable
  ASSERT_TRUE(d.CopyAsync(*pinned, source.data(), kMiB, *stream).ok());
  ASSERT_TRUE(stream->Synchronize().ok());
  EXPECT_EQ(out, std::vector<uint8_t>(kMiB, 0x77));
  EXPECT_EQ(std::memcmp(*pinned, source.data(), kMiB), 0);
  EXPECT_TRUE(d.Free(*pinned).ok());
  EXPECT_TRUE(d.Free(*on_device).ok());
}

}  // namespace
}  // namespace spillway::cambricon
