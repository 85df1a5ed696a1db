// The CUDA backend over the CPU fake of libcuda.so.1 (the path comes from
// SPILLWAY_CUDA_LIBRARY, set by ctest): what the conformance suite cannot
// see. ctest runs this file three times: the default fake (every test but
// Legacy* and Injected*), the fake built as a pre-12.2 driver (Legacy*), and
// the fake with injected failures (Injected*).
#include <dlfcn.h>
#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "cuda_status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spillway/backends/cuda/cuda_backend.h"
#include "spillway/backends/cuda/cuda_driver_abi.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/device.h"

namespace spillway::cuda {
namespace {

using ::testing::HasSubstr;

constexpr size_t kMiB = size_t{1} << 20;

// The driver's own entry points, for checks behind the backend's back.
class Driver {
 public:
  Driver() {
    handle_ = dlopen(CudaLibraryFromEnvironment().c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) return;
    Find("cuInit", init);
    Find("cuCtxCreate_v2", ctx_create);
    Find("cuCtxDestroy_v2", ctx_destroy);
    Find("cuCtxGetCurrent", ctx_get_current);
    Find("cuCtxSetCurrent", ctx_set_current);
    Find("cuDevicePrimaryCtxGetState", primary_state);
    Find("cuPointerGetAttribute", pointer_attribute);
  }
  ~Driver() {
    if (handle_ != nullptr) dlclose(handle_);
  }
  bool ok() const { return handle_ != nullptr && init != nullptr && init(0) == abi::kSuccess; }

  abi::Fn_cuInit* init = nullptr;
  abi::Fn_cuCtxCreate_v2* ctx_create = nullptr;
  abi::Fn_cuCtxDestroy_v2* ctx_destroy = nullptr;
  abi::Fn_cuCtxGetCurrent* ctx_get_current = nullptr;
  abi::Fn_cuCtxSetCurrent* ctx_set_current = nullptr;
  abi::Fn_cuDevicePrimaryCtxGetState* primary_state = nullptr;
  abi::Fn_cuPointerGetAttribute* pointer_attribute = nullptr;

 private:
  template <typename Fn>
  void Find(const char* name, Fn*& out) {
    out = reinterpret_cast<Fn*>(dlsym(handle_, name));
  }
  void* handle_ = nullptr;
};

abi::CUcontext CurrentContext(const Driver& driver) {
  abi::CUcontext current = nullptr;
  EXPECT_EQ(driver.ctx_get_current(&current), abi::kSuccess);
  return current;
}

class CudaBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = CreateCudaBackend(CudaLibraryFromEnvironment());
    ASSERT_TRUE(backend_->Availability().ok()) << backend_->Availability();
    ASSERT_TRUE(driver_.ok()) << "cannot open " << CudaLibraryFromEnvironment();
  }
  hal::Device& device(int i) { return **backend_->GetDevice(i); }

  std::unique_ptr<hal::Backend> backend_;
  Driver driver_;
};

TEST(CudaBackendAvailabilityTest, MissingLibraryIsUnavailableNamingIt) {
  std::unique_ptr<hal::Backend> backend = CreateCudaBackend("/nonexistent/spillway/libcuda.so.1");
  EXPECT_EQ(backend->name(), "cuda");
  EXPECT_EQ(backend->Availability().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(backend->Availability().message()),
              HasSubstr("/nonexistent/spillway/libcuda.so.1"));
  EXPECT_EQ(backend->DeviceCount(), 0);
  EXPECT_EQ(backend->GetDevice(0).status().code(), absl::StatusCode::kUnavailable);
}

TEST(CudaBackendAvailabilityTest, LibraryWithoutTheDriverApiIsUnavailableNamingTheSymbol) {
  std::unique_ptr<hal::Backend> backend = CreateCudaBackend("libm.so.6");
  EXPECT_EQ(backend->Availability().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(backend->Availability().message()), HasSubstr("cuInit"));
  EXPECT_EQ(backend->DeviceCount(), 0);
}

TEST(CudaBackendAvailabilityTest, LibraryComesFromTheEnvironment) {
  const char* saved = std::getenv(kCudaLibraryEnvVar);
  const std::string restore = saved != nullptr ? saved : "";
  setenv(kCudaLibraryEnvVar, "/opt/x/libcuda.so.1", 1);
  EXPECT_EQ(CudaLibraryFromEnvironment(), "/opt/x/libcuda.so.1");
  setenv(kCudaLibraryEnvVar, "", 1);
  EXPECT_EQ(CudaLibraryFromEnvironment(), kDefaultCudaLibrary);
  unsetenv(kCudaLibraryEnvVar);
  EXPECT_EQ(CudaLibraryFromEnvironment(), kDefaultCudaLibrary);
  if (saved != nullptr) setenv(kCudaLibraryEnvVar, restore.c_str(), 1);
}

TEST(CudaStatusTest, ResultCodesMapToStatusCodes) {
  const struct {
    abi::CUresult result;
    absl::StatusCode code;
  } cases[] = {
      {abi::kSuccess, absl::StatusCode::kOk},
      {abi::kErrorInvalidValue, absl::StatusCode::kInvalidArgument},
      {abi::kErrorOutOfMemory, absl::StatusCode::kResourceExhausted},
      {abi::kErrorNotInitialized, absl::StatusCode::kUnavailable},
      {abi::kErrorNoDevice, absl::StatusCode::kUnavailable},
      {abi::kErrorInvalidDevice, absl::StatusCode::kInvalidArgument},
      {abi::kErrorInvalidHandle, absl::StatusCode::kInvalidArgument},
      {abi::kErrorNotFound, absl::StatusCode::kNotFound},
      {abi::kErrorNotReady, absl::StatusCode::kFailedPrecondition},
      {abi::kErrorNotSupported, absl::StatusCode::kUnimplemented},
      {abi::kErrorIllegalAddress, absl::StatusCode::kInternal},
      {abi::kErrorUnknown, absl::StatusCode::kInternal},
  };
  for (const auto& c : cases) EXPECT_EQ(CudaResultCode(c.result), c.code) << c.result;
}

TEST(CudaStatusTest, WithoutSymbolsTheCodeStillNamesTheError) {
  absl::Status status = CudaStatus(nullptr, abi::kErrorOutOfMemory, "cuMemAlloc_v2", "64 bytes");
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(status.message()), HasSubstr("cuMemAlloc_v2"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("CUDA_ERROR_2 (2)"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("64 bytes"));
  EXPECT_TRUE(CudaStatus(nullptr, abi::kSuccess, "cuInit").ok());
}

TEST_F(CudaBackendTest, DevicesDescribeTheFake) {
  ASSERT_EQ(backend_->DeviceCount(), 2);
  for (int i = 0; i < 2; ++i) {
    const hal::DeviceProperties& p = device(i).properties();
    EXPECT_EQ(p.ordinal, i);
    EXPECT_EQ(device(i).uri(), "cuda://" + std::to_string(i));
    EXPECT_EQ(p.name, "Spillway Fake Accelerator");
    EXPECT_EQ(p.total_memory, 256 * kMiB);
    EXPECT_EQ(p.pci_bus_id, i == 0 ? "0000:17:00.0" : "0000:18:00.0");
    EXPECT_NE(p.uuid, (std::array<uint8_t, 16>{}));
    for (hal::Capability cap :
         {hal::kCapManagedMemory, hal::kCapAdviseReadMostly, hal::kCapAdvisePreferredLocation,
          hal::kCapAdviseAccessedBy, hal::kCapPrefetch, hal::kCapHostNumaLocation,
          hal::kCapHostMappedMemory, hal::kCapOversubscription}) {
      EXPECT_TRUE(p.Has(cap)) << hal::CapabilityName(cap);
    }
  }
  EXPECT_THAT(backend_->Limitations(), ::testing::IsEmpty());
}

TEST_F(CudaBackendTest, PrimaryContextIsHeldWhileTheBackendLivesAndItsMemoryShows) {
  unsigned int flags = 0;
  int active = 0;
  ASSERT_EQ(driver_.primary_state(0, &flags, &active), abi::kSuccess);
  EXPECT_EQ(active, 1);
  // SPILLWAY_FAKE_CUDA_CONTEXT_SIZE=16m: the active context holds device memory.
  absl::StatusOr<hal::MemoryInfo> with_context = device(0).GetMemoryInfo();
  ASSERT_TRUE(with_context.ok()) << with_context.status();
  backend_.reset();
  ASSERT_EQ(driver_.primary_state(0, &flags, &active), abi::kSuccess);
  EXPECT_EQ(active, 0) << "the backend did not release the primary context";
  std::unique_ptr<hal::Backend> again = CreateCudaBackend(CudaLibraryFromEnvironment());
  ASSERT_TRUE(again->Availability().ok());
  absl::StatusOr<hal::MemoryInfo> info = (*again->GetDevice(0))->GetMemoryInfo();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->free, with_context->free) << "context memory leaked or was not released";
  EXPECT_GE(info->total - info->free, 16 * kMiB);
}

TEST_F(CudaBackendTest, CallersCurrentContextIsLeftAsItWas) {
  abi::CUcontext mine = nullptr;
  ASSERT_EQ(driver_.ctx_create(&mine, 0, 1), abi::kSuccess);  // device 1, now current
  ASSERT_EQ(CurrentContext(driver_), mine);
  absl::StatusOr<void*> ptr = device(0).Allocate(hal::MemoryKind::kDevice, kMiB);
  ASSERT_TRUE(ptr.ok()) << ptr.status();
  std::vector<uint8_t> bytes(kMiB, 0x5a);
  ASSERT_TRUE(device(0).Copy(*ptr, bytes.data(), bytes.size()).ok());
  EXPECT_EQ(CurrentContext(driver_), mine);
  ASSERT_TRUE(device(0).Free(*ptr).ok());
  EXPECT_EQ(CurrentContext(driver_), mine);
  ASSERT_EQ(driver_.ctx_destroy(mine), abi::kSuccess);

  // With no context current, none is left behind either.
  ASSERT_EQ(driver_.ctx_set_current(nullptr), abi::kSuccess);
  ASSERT_EQ(CurrentContext(driver_), nullptr);
  ASSERT_TRUE(device(1).GetMemoryInfo().ok());
  EXPECT_EQ(CurrentContext(driver_), nullptr);
}

TEST_F(CudaBackendTest, EachDeviceAllocatesOnItsOwnDriverDevice) {
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<void*> ptr = device(i).Allocate(hal::MemoryKind::kDevice, 4096);
    ASSERT_TRUE(ptr.ok()) << ptr.status();
    int ordinal = -1;
    ASSERT_EQ(driver_.pointer_attribute(&ordinal, abi::kPointerAttributeDeviceOrdinal,
                                        reinterpret_cast<uintptr_t>(*ptr)),
              abi::kSuccess);
    EXPECT_EQ(ordinal, i);
    ASSERT_TRUE(device(i).Free(*ptr).ok());
  }
}

TEST_F(CudaBackendTest, ManagedMemoryIsManagedForTheDriver) {
  absl::StatusOr<void*> ptr = device(0).Allocate(hal::MemoryKind::kManaged, 3 * kMiB);
  ASSERT_TRUE(ptr.ok()) << ptr.status();
  unsigned char managed = 0;
  ASSERT_EQ(driver_.pointer_attribute(&managed, abi::kPointerAttributeIsManaged,
                                      reinterpret_cast<uintptr_t>(*ptr)),
            abi::kSuccess);
  EXPECT_EQ(managed, 1);
  ASSERT_TRUE(device(0).Free(*ptr).ok());
}

TEST_F(CudaBackendTest, DriverErrorsKeepTheirNameAndCode) {
  absl::StatusOr<hal::MemoryInfo> info = device(0).GetMemoryInfo();
  ASSERT_TRUE(info.ok()) << info.status();
  // Within the device's size, beyond what is free: only the driver refuses.
  absl::StatusOr<void*> ptr = device(0).Allocate(hal::MemoryKind::kDevice, info->free + kMiB);
  ASSERT_EQ(ptr.status().code(), absl::StatusCode::kResourceExhausted) << ptr.status();
  const std::string message(ptr.status().message());
  EXPECT_THAT(message, HasSubstr("cuMemAlloc_v2"));
  EXPECT_THAT(message, HasSubstr("CUDA_ERROR_OUT_OF_MEMORY (2)"));
  EXPECT_THAT(message, HasSubstr("cuda://0"));
}

TEST_F(CudaBackendTest, HostNumaLocationsUseTheLocationForms) {
  hal::Device& d = device(0);
  absl::StatusOr<void*> ptr = d.Allocate(hal::MemoryKind::kManaged, 4 * kMiB);
  ASSERT_TRUE(ptr.ok()) << ptr.status();
  auto* bytes = static_cast<uint8_t*>(*ptr);
  for (size_t i = 0; i < 4 * kMiB; ++i) bytes[i] = static_cast<uint8_t>(i * 7);
  absl::StatusOr<std::unique_ptr<hal::Stream>> stream = d.CreateStream();
  ASSERT_TRUE(stream.ok()) << stream.status();
  // Only the location forms can name a NUMA node.
  EXPECT_TRUE(d.Advise(*ptr, 4 * kMiB, hal::Advice::kSetPreferredLocation,
                       hal::Location::HostNuma(0))
                  .ok());
  EXPECT_TRUE(d.Prefetch(*ptr, 4 * kMiB, hal::Location::Device(0), **stream).ok());
  EXPECT_TRUE(d.Prefetch(*ptr, 4 * kMiB, hal::Location::HostNuma(0), **stream).ok());
  ASSERT_TRUE((*stream)->Synchronize().ok());
  for (size_t i = 0; i < 4 * kMiB; i += 4099) {
    ASSERT_EQ(bytes[i], static_cast<uint8_t>(i * 7)) << i;
  }
  ASSERT_TRUE(d.Free(*ptr).ok());
}

TEST_F(CudaBackendTest, ThreadsShareDevicesWithoutLeavingContextsBehind) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t, &failures] {
      hal::Device& d = device(t % 2);
      std::vector<uint8_t> in(64 * 1024, static_cast<uint8_t>(t + 1));
      std::vector<uint8_t> out(in.size());
      for (int round = 0; round < 20; ++round) {
        absl::StatusOr<void*> ptr = d.Allocate(hal::MemoryKind::kDevice, in.size());
        if (!ptr.ok() || !d.Copy(*ptr, in.data(), in.size()).ok() ||
            !d.Copy(out.data(), *ptr, out.size()).ok() || out != in || !d.Free(*ptr).ok()) {
          ++failures;
        }
      }
      abi::CUcontext current = nullptr;
      if (driver_.ctx_get_current(&current) != abi::kSuccess || current != nullptr) ++failures;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
}

// SPILLWAY_CUDA_LIBRARY is the fake built as a CUDA 12.0 driver.
TEST_F(CudaBackendTest, LegacyDriverFallsBackToDeviceNumberForms) {
  hal::Device& d = device(0);
  const hal::DeviceProperties& p = d.properties();
  EXPECT_TRUE(p.Has(hal::kCapManagedMemory));
  EXPECT_TRUE(p.Has(hal::kCapAdvisePreferredLocation));
  EXPECT_TRUE(p.Has(hal::kCapPrefetch));
  EXPECT_FALSE(p.Has(hal::kCapHostNumaLocation));
  bool explained = false;
  for (const hal::Limitation& l : backend_->Limitations()) {
    if (l.what == hal::CapabilityName(hal::kCapHostNumaLocation)) {
      explained = absl::StrContains(l.why, "cuMemAdvise_v2");
    }
  }
  EXPECT_TRUE(explained) << "no reason given for the missing host NUMA location";

  absl::StatusOr<void*> ptr = d.Allocate(hal::MemoryKind::kManaged, 4 * kMiB);
  ASSERT_TRUE(ptr.ok()) << ptr.status();
  std::memset(*ptr, 0x3c, 4 * kMiB);
  absl::StatusOr<std::unique_ptr<hal::Stream>> stream = d.CreateStream();
  ASSERT_TRUE(stream.ok()) << stream.status();
  for (hal::Location where : {hal::Location::Host(), hal::Location::Device(0)}) {
    EXPECT_TRUE(d.Advise(*ptr, 4 * kMiB, hal::Advice::kSetPreferredLocation, where).ok());
    EXPECT_TRUE(d.Advise(*ptr, 4 * kMiB, hal::Advice::kSetAccessedBy, where).ok());
    EXPECT_TRUE(d.Prefetch(*ptr, 4 * kMiB, where, **stream).ok());
  }
  absl::Status numa = d.Prefetch(*ptr, 4 * kMiB, hal::Location::HostNuma(0), **stream);
  EXPECT_EQ(numa.code(), absl::StatusCode::kUnimplemented) << numa;
  ASSERT_TRUE((*stream)->Synchronize().ok());
  EXPECT_EQ(static_cast<uint8_t*>(*ptr)[4 * kMiB - 1], 0x3c);
  ASSERT_TRUE(d.Free(*ptr).ok());
}

// SPILLWAY_FAKE_SPEC injects fail=allocate:2 and fail=copy:0:internal.
TEST_F(CudaBackendTest, InjectedDriverFailuresBecomeStatuses) {
  hal::Device& d = device(0);
  absl::StatusOr<void*> first = d.Allocate(hal::MemoryKind::kDevice, kMiB);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<void*> second = d.Allocate(hal::MemoryKind::kDevice, kMiB);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kResourceExhausted) << second.status();
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("CUDA_ERROR_OUT_OF_MEMORY"));
  absl::StatusOr<void*> third = d.Allocate(hal::MemoryKind::kDevice, kMiB);
  ASSERT_TRUE(third.ok()) << third.status();

  std::vector<uint8_t> bytes(kMiB, 1);
  absl::Status copy = d.Copy(*first, bytes.data(), bytes.size());
  EXPECT_EQ(copy.code(), absl::StatusCode::kInternal) << copy;
  EXPECT_THAT(std::string(copy.message()), HasSubstr("CUDA_ERROR_UNKNOWN (999)"));
  EXPECT_TRUE(d.Free(*first).ok());
  EXPECT_TRUE(d.Free(*third).ok());
}

}  // namespace
}  // namespace spillway::cuda
