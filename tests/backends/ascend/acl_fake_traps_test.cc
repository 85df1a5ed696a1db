// The fake libascendcl.so enforces the ACL traps of vendor-abi.md, so that a
// backend getting them wrong fails in CI: destMax and maxCount, copy kinds,
// advice values from 0, 2 MiB UVM ranges, no asynchronous host-to-host copy.
#include <dlfcn.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "ascend_test_support.h"
#include "gtest/gtest.h"
#include "spillway/backends/ascend/acl_abi.h"

namespace spillway::ascend {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

// The fake, loaded and initialized with one small device made current.
class AclFakeTrapsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    library_ = dlopen(SPILLWAY_FAKE_ASCENDCL, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(library_, nullptr) << dlerror();
    testing::ScopedEnv spec(fake::kFakeSpecEnvVar, "memory=64m");
    ASSERT_EQ(Get<abi::Fn_aclInit>("aclInit")(nullptr), abi::kSuccess);
    ASSERT_EQ(Get<abi::Fn_aclrtSetDevice>("aclrtSetDevice")(0), abi::kSuccess);
    ASSERT_EQ(Get<abi::Fn_aclrtMalloc>("aclrtMalloc")(&device_, kMiB, abi::kMallocHugeFirst),
              abi::kSuccess);
  }
  void TearDown() override {
    if (library_ == nullptr) return;
    if (device_ != nullptr) {
      EXPECT_EQ(Get<abi::Fn_aclrtFree>("aclrtFree")(device_), abi::kSuccess);
    }
    EXPECT_EQ(Get<abi::Fn_aclrtResetDevice>("aclrtResetDevice")(0), abi::kSuccess);
    EXPECT_EQ(Get<abi::Fn_aclFinalize>("aclFinalize")(), abi::kSuccess);
    dlclose(library_);
  }

  template <typename Fn>
  Fn* Get(const char* name) {
    void* symbol = dlsym(library_, name);
    EXPECT_NE(symbol, nullptr) << name;
    return reinterpret_cast<Fn*>(symbol);
  }

  void* library_ = nullptr;
  void* device_ = nullptr;
  std::vector<uint8_t> host_ = std::vector<uint8_t>(kMiB, 7);
};

TEST_F(AclFakeTrapsTest, DestMaxBelowCountIsInvalidParam) {
  auto* memcpy = Get<abi::Fn_aclrtMemcpy>("aclrtMemcpy");
  EXPECT_EQ(memcpy(device_, kMiB - 1, host_.data(), kMiB, abi::kMemcpyHostToDevice),
            abi::kErrorInvalidParam);
  EXPECT_EQ(memcpy(device_, kMiB, host_.data(), kMiB, abi::kMemcpyHostToDevice), abi::kSuccess);
  auto* memset = Get<abi::Fn_aclrtMemset>("aclrtMemset");
  EXPECT_EQ(memset(device_, 10, 0, 11), abi::kErrorInvalidParam);
  EXPECT_EQ(memset(device_, 11, 0, 11), abi::kSuccess);
}

TEST_F(AclFakeTrapsTest, CopyKindMustMatchThePointers) {
  auto* memcpy = Get<abi::Fn_aclrtMemcpy>("aclrtMemcpy");
  // Device-to-host copy described as host-to-device, and CUDA's numbering
  // (2 would be device-to-host in both; 3 is device-to-device in ACL).
  EXPECT_EQ(memcpy(host_.data(), kMiB, device_, kMiB, abi::kMemcpyHostToDevice),
            abi::kErrorInvalidParam);
  EXPECT_EQ(memcpy(host_.data(), kMiB, device_, kMiB, abi::kMemcpyDeviceToDevice),
            abi::kErrorInvalidParam);
  EXPECT_EQ(memcpy(host_.data(), kMiB, device_, kMiB, 9), abi::kErrorInvalidParam);
  EXPECT_EQ(memcpy(host_.data(), kMiB, device_, kMiB, abi::kMemcpyDeviceToHost), abi::kSuccess);
  EXPECT_EQ(memcpy(host_.data(), kMiB, device_, kMiB, abi::kMemcpyDefault), abi::kSuccess);
}

TEST_F(AclFakeTrapsTest, AsyncHostToHostIsNotSupported) {
  abi::aclrtStream stream = nullptr;
  ASSERT_EQ(Get<abi::Fn_aclrtCreateStream>("aclrtCreateStream")(&stream), abi::kSuccess);
  std::vector<uint8_t> other(kMiB);
  EXPECT_EQ(Get<abi::Fn_aclrtMemcpyAsync>("aclrtMemcpyAsync")(other.data(), kMiB, host_.data(),
                                                              kMiB, abi::kMemcpyHostToHost, stream),
            abi::kErrorRtFeatureNotSupport);
  EXPECT_EQ(Get<abi::Fn_aclrtDestroyStream>("aclrtDestroyStream")(stream), abi::kSuccess);
}

TEST_F(AclFakeTrapsTest, MemsetOfPageableHostMemoryIsRefused) {
  EXPECT_EQ(Get<abi::Fn_aclrtMemset>("aclrtMemset")(host_.data(), kMiB, 0, kMiB),
            abi::kErrorInvalidParam);
}

TEST_F(AclFakeTrapsTest, ManagedAdviceStartsAtZeroAndWantsWholeBlocks) {
  void* managed = nullptr;
  ASSERT_EQ(Get<abi::Fn_aclrtMemAllocManaged>("aclrtMemAllocManaged")(&managed, 3 * kMiB,
                                                                      abi::kMemAttachGlobal),
            abi::kSuccess);
  auto* advise = Get<abi::Fn_aclrtMemManagedAdvise>("aclrtMemManagedAdvise");
  const abi::aclrtMemManagedLocation host{abi::kLocationTypeHost, 0};
  EXPECT_EQ(advise(managed, 2 * kMiB, abi::kAdviseSetReadMostly, host), abi::kSuccess);
  // CUDA's "unset accessed-by" is 6: not an ACL advice.
  EXPECT_EQ(advise(managed, 2 * kMiB, 6, host), abi::kErrorInvalidParam);
  EXPECT_EQ(advise(managed, kMiB, abi::kAdviseSetReadMostly, host), abi::kErrorInvalidParam);
  EXPECT_EQ(advise(static_cast<char*>(managed) + 4096, 2 * kMiB, abi::kAdviseSetReadMostly, host),
            abi::kErrorInvalidParam);
  // Allocations are whole 2 MiB blocks, so the block holding the tail is ours.
  EXPECT_EQ(advise(managed, 4 * kMiB, abi::kAdviseSetPreferredLocation, host), abi::kSuccess);
  EXPECT_EQ(Get<abi::Fn_aclrtFree>("aclrtFree")(managed), abi::kSuccess);
}

TEST_F(AclFakeTrapsTest, CallsWithoutACurrentDeviceAndRepeatedInitAreErrors) {
  uint32_t count = 0;
  std::thread([&] {
    int32_t device = -1;
    EXPECT_EQ(Get<abi::Fn_aclrtGetDevice>("aclrtGetDevice")(&device), abi::kErrorRtContextNull);
    void* p = nullptr;
    EXPECT_EQ(Get<abi::Fn_aclrtMalloc>("aclrtMalloc")(&p, 4096, abi::kMallocHugeFirst),
              abi::kErrorRtContextNull);
  }).join();
  EXPECT_EQ(Get<abi::Fn_aclrtGetDeviceCount>("aclrtGetDeviceCount")(&count), abi::kSuccess);
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(Get<abi::Fn_aclInit>("aclInit")(nullptr), abi::kErrorRepeatInitialize);
}

}  // namespace
}  // namespace spillway::ascend
