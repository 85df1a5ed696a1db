// The fake libcnrt.so enforces the CNRT traps of vendor-abi.md, so that a
// backend getting them wrong fails in CI: direction values (device-to-device
// is 1), the queue before the direction in cnrtMemcpyAsync, the current
// device, the milliseconds last in cnrtNotifierElapsedTime.
#include <dlfcn.h>

#include <cstdint>
#include <vector>

#include "cambricon_test_support.h"
#include "gtest/gtest.h"
#include "spillway/backends/cambricon/cnrt_abi.h"

namespace spillway::cambricon {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

// The fake, loaded with two small devices, device 0 current, 1 MiB on it.
class CnrtFakeTrapsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::ResetFakeCnrt();
    library_ = dlopen(SPILLWAY_FAKE_CNRT, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(library_, nullptr) << dlerror();
    testing::ScopedEnv spec(fake::kFakeSpecEnvVar, "devices=2,memory=64m");
    ASSERT_EQ(Get<abi::Fn_cnrtSetDevice>("cnrtSetDevice")(0), abi::kSuccess);
    ASSERT_EQ(Get<abi::Fn_cnrtMalloc>("cnrtMalloc")(&device_, kMiB), abi::kSuccess);
    ASSERT_EQ(Get<abi::Fn_cnrtQueueCreate>("cnrtQueueCreate")(&queue_), abi::kSuccess);
  }
  void TearDown() override {
    if (library_ == nullptr) return;
    testing::ResetFakeCnrt();  // frees what the test left
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
  abi::cnrtQueue_t queue_ = nullptr;
  std::vector<uint8_t> host_ = std::vector<uint8_t>(kMiB, 7);
};

TEST_F(CnrtFakeTrapsTest, DirectionValuesAreCnrtsNotCudas) {
  auto* memcpy = Get<abi::Fn_cnrtMemcpy>("cnrtMemcpy");
  void* other = nullptr;
  ASSERT_EQ(Get<abi::Fn_cnrtMalloc>("cnrtMalloc")(&other, kMiB), abi::kSuccess);
  // Device to device is 1 in CNRT (3 in CUDA's and ACL's numbering).
  EXPECT_EQ(memcpy(other, device_, kMiB, 3), abi::kErrorArgsInvalid);
  EXPECT_EQ(memcpy(other, device_, kMiB, abi::kMemcpyDevToDev), abi::kSuccess);
  // Host to device is 0 (1 elsewhere), device to host 2.
  EXPECT_EQ(memcpy(device_, host_.data(), kMiB, 1), abi::kErrorArgsInvalid);
  EXPECT_EQ(memcpy(device_, host_.data(), kMiB, abi::kMemcpyHostToDev), abi::kSuccess);
  EXPECT_EQ(memcpy(host_.data(), device_, kMiB, abi::kMemcpyDevToHost), abi::kSuccess);
  EXPECT_EQ(memcpy(host_.data(), device_, kMiB, abi::kMemcpyPeerToPeer), abi::kErrorNotSupport);
  EXPECT_EQ(memcpy(host_.data(), device_, kMiB, 7), abi::kErrorMemcpyDirectionInvalid);
}

TEST_F(CnrtFakeTrapsTest, AsyncCopyTakesTheQueueBeforeTheDirection) {
  auto* memcpy_async = Get<abi::Fn_cnrtMemcpyAsync>("cnrtMemcpyAsync");
  EXPECT_EQ(memcpy_async(device_, host_.data(), kMiB, queue_, abi::kMemcpyHostToDev),
            abi::kSuccess);
  // A direction where the queue belongs is an unknown queue, never a crash.
  EXPECT_EQ(memcpy_async(device_, host_.data(), kMiB,
                         reinterpret_cast<abi::cnrtQueue_t>(uintptr_t{2}), abi::kMemcpyHostToDev),
            abi::kErrorInvalidResourceHandle);
  EXPECT_EQ(Get<abi::Fn_cnrtQueueSync>("cnrtQueueSync")(queue_), abi::kSuccess);
  EXPECT_EQ(Get<abi::Fn_cnrtQueueQuery>("cnrtQueueQuery")(queue_), abi::kSuccess);
}

TEST_F(CnrtFakeTrapsTest, MemoryOfAnotherDeviceNeedsThatDeviceCurrent) {
  auto* set = Get<abi::Fn_cnrtSetDevice>("cnrtSetDevice");
  ASSERT_EQ(set(1), abi::kSuccess);
  EXPECT_EQ(
      Get<abi::Fn_cnrtMemcpy>("cnrtMemcpy")(host_.data(), device_, kMiB, abi::kMemcpyDevToHost),
      abi::kErrorDevice);
  EXPECT_EQ(Get<abi::Fn_cnrtMemsetAsync>("cnrtMemsetAsync")(device_, 0, kMiB, queue_),
            abi::kErrorArgsInvalid);
  ASSERT_EQ(set(0), abi::kSuccess);
  EXPECT_EQ(Get<abi::Fn_cnrtMemsetAsync>("cnrtMemsetAsync")(device_, 0, kMiB, queue_),
            abi::kSuccess);
  EXPECT_EQ(set(2), abi::kErrorDeviceInvalid);
}

TEST_F(CnrtFakeTrapsTest, NotifiersTimeWithTheMillisecondsLast) {
  abi::cnrtNotifier_t start = nullptr;
  abi::cnrtNotifier_t end = nullptr;
  auto* create = Get<abi::Fn_cnrtNotifierCreate>("cnrtNotifierCreate");
  ASSERT_EQ(create(&start), abi::kSuccess);
  ASSERT_EQ(create(&end), abi::kSuccess);
  // Waiting on a notifier never placed succeeds (cnrt.h 6.0.2).
  EXPECT_EQ(Get<abi::Fn_cnrtWaitNotifier>("cnrtWaitNotifier")(start), abi::kSuccess);
  float ms = -1;
  auto* elapsed = Get<abi::Fn_cnrtNotifierElapsedTime>("cnrtNotifierElapsedTime");
  EXPECT_EQ(elapsed(start, end, &ms), abi::kErrorArgsInvalid);
  auto* place = Get<abi::Fn_cnrtPlaceNotifier>("cnrtPlaceNotifier");
  ASSERT_EQ(place(start, queue_), abi::kSuccess);
  ASSERT_EQ(Get<abi::Fn_cnrtMemcpyAsync>("cnrtMemcpyAsync")(device_, host_.data(), kMiB, queue_,
                                                            abi::kMemcpyHostToDev),
            abi::kSuccess);
  ASSERT_EQ(place(end, queue_), abi::kSuccess);
  ASSERT_EQ(Get<abi::Fn_cnrtWaitNotifier>("cnrtWaitNotifier")(end), abi::kSuccess);
  EXPECT_EQ(elapsed(start, end, &ms), abi::kSuccess);
  EXPECT_GE(ms, 0.0f);
}

}  // namespace
}  // namespace spillway::cambricon
