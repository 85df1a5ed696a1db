// The real-device path (wall time, real kernels, emulated capacity) through
// the CUDA backend's real dlopen path, against the CPU fake of libcuda.so.1
// (SPILLWAY_CUDA_LIBRARY, set by tests/CMakeLists.txt) with the CPU running
// the kernels. On a GPU the same path runs nvcc-built kernels; here the
// CUDA-kernel case can only check that it is refused with a reason.
#include "three_models/real_device_comparison.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/hal/backend.h"
#include "three_models/cuda_decode_kernels.h"
#include "three_models/decode_kernels.h"
#include "three_models/host_decode_kernels.h"
#include "three_models/kernel_decode_device.h"
#include "three_models/report.h"

namespace spillway::samples::three_models {
namespace {

using ::testing::HasSubstr;

bool HaveFakeCuda() {
  const char* path = std::getenv("SPILLWAY_CUDA_LIBRARY");
  return path != nullptr && std::strstr(path, "fakes") != nullptr;
}

// 3 x (4 layers x (8 MiB weights + 2 MiB KV)) = 120 MiB on a 512 MiB fake,
// 64 MiB of it emulated as the device.
ComparisonOptions SmallCudaRun() {
  ComparisonOptions o;
  o.device_uri = "cuda://0";
  o.kernels = KernelKind::kHost;
  o.device_memory = 64ull << 20;
  o.model.layers = 4;
  o.model.weight_bytes = 32ull << 20;
  o.model.kv_cache_bytes = 8ull << 20;
  o.requests = 6;
  o.tokens = 3;
  return o;
}

TEST(RealDeviceComparison, ServesEveryPolicyWithWallTimeAndNoMadeUpCounters) {
  if (!HaveFakeCuda()) GTEST_SKIP() << "SPILLWAY_CUDA_LIBRARY does not name the fake libcuda";
  absl::StatusOr<Comparison> c = RunComparison(SmallCudaRun(), nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_TRUE(c->real_device.has_value());
  const RealDeviceSetup& d = *c->real_device;
  EXPECT_EQ(d.uri, "cuda://0");
  EXPECT_EQ(d.kernels, "host");
  EXPECT_EQ(d.scale, 1);  // 128 MiB virtual fits in 90% of 512 MiB
  EXPECT_EQ(d.capacity_bytes, 64ull << 20);
  EXPECT_EQ(d.virtual_bytes, 128ull << 20);
  EXPECT_EQ(d.headroom_bytes, d.free_bytes - d.capacity_bytes);
  EXPECT_GT(d.link_bandwidth, 0);
  EXPECT_GT(d.device_bandwidth, 0);
  EXPECT_EQ(DeviceCapacity(*c), 64ull << 20);
  // The bound is over the emulated capacity: 32 pages hold one model's 20
  // pages but not two, so every switch misses.
  EXPECT_GT(c->bound.counts.misses, 0u);

  ASSERT_EQ(c->results.size(), 3u);
  for (const PolicyResult& r : c->results) {
    EXPECT_EQ(r.tokens, 18u) << PolicyName(r.policy);
    EXPECT_GT(r.seconds, 0) << PolicyName(r.policy);
    EXPECT_GT(RatioToBound(r, c->bound), 0) << PolicyName(r.policy);
    if (r.policy == Policy::kBound) {
      EXPECT_TRUE(r.counted);
      continue;
    }
    EXPECT_FALSE(r.counted) << PolicyName(r.policy);
    EXPECT_EQ(r.model_tokens, (std::vector<uint64_t>{6, 6, 6}));
  }
  const std::string json = FormatJson(*c);
  EXPECT_THAT(json, HasSubstr("\"clock\": \"wall\""));
  EXPECT_THAT(json, HasSubstr("\"faults\": null"));
  EXPECT_THAT(json, HasSubstr("\"kernels\": \"host\""));
  EXPECT_THAT(json, HasSubstr("\"held_to_emulated_capacity\": false"));
  const std::string table = FormatTable(*c);
  EXPECT_THAT(table, HasSubstr("n/a"));
  EXPECT_THAT(table, HasSubstr("emulating 0.06 GiB"));
  EXPECT_THAT(table, HasSubstr("naive*"));
}

TEST(RealDeviceComparison, ScalesDownToTheCardsFreeMemoryOrRefuses) {
  if (!HaveFakeCuda()) GTEST_SKIP() << "SPILLWAY_CUDA_LIBRARY does not name the fake libcuda";
  ComparisonOptions o = SmallCudaRun();
  // 256 MiB emulated wants 512 MiB virtual: more than 90% of the 512 MiB
  // card, so everything shrinks by the same factor.
  o.device_memory = 256ull << 20;
  o.model.weight_bytes = 128ull << 20;
  o.model.kv_cache_bytes = 32ull << 20;
  o.policies = {Policy::kBound};
  absl::StatusOr<Comparison> c = RunComparison(o, nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  const RealDeviceSetup& d = *c->real_device;
  EXPECT_LT(d.scale, 1);
  EXPECT_LE(static_cast<double>(d.virtual_bytes), 0.9 * static_cast<double>(d.free_bytes));
  EXPECT_LT(c->layout.weight_bytes(), 128ull << 20);

  // The default 23 GiB cannot be scaled onto 512 MiB meaningfully.
  o.device_memory.reset();
  absl::StatusOr<Comparison> refused = RunComparison(o, nullptr);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("--device-memory"));
}

TEST(RealDeviceComparison, CudaKernelsAreRefusedWithAReasonWhereTheyCannotRun) {
  if (!HaveFakeCuda()) GTEST_SKIP() << "SPILLWAY_CUDA_LIBRARY does not name the fake libcuda";
  ComparisonOptions o = SmallCudaRun();
  o.kernels = KernelKind::kCuda;
  // No GPU here: without the toolkit the build says so; with it, the CUDA
  // runtime finds only the CPU fake of the driver and says why it cannot.
  absl::StatusOr<Comparison> c = RunComparison(o, nullptr);
  ASSERT_FALSE(c.ok());
  if (!CudaDecodeKernelsBuilt()) {
    EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable) << c.status();
    EXPECT_THAT(c.status().message(), HasSubstr("CUDA toolkit"));
  } else {
    // A GPU path that cannot run is a setup error to fix, never a skip:
    // the CUDA runtime finds the fake driver too old for it.
    EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition) << c.status();
    EXPECT_THAT(c.status().message(), HasSubstr("older than the CUDA toolkit"));
  }
}

TEST(RealDeviceComparison, DevicesThatCannotBeOpenedKeepTheirCode) {
  ComparisonOptions o = SmallCudaRun();
  o.device_uri = "cuda://7";
  absl::StatusOr<Comparison> c = RunComparison(o, nullptr);
  // With the fake driver: no device 7 (a bad argument); without a driver:
  // unavailable (the caller may skip).
  EXPECT_EQ(c.status().code(), HaveFakeCuda() ? absl::StatusCode::kInvalidArgument
                                              : absl::StatusCode::kUnavailable)
      << c.status();
  EXPECT_THAT(c.status().message(), HasSubstr("cuda://7"));
  o.device_uri = "nosuch://0";
  EXPECT_EQ(RunComparison(o, nullptr).status().code(), absl::StatusCode::kNotFound);
  // The benchmark's fake is fake://0 only.
  o.device_uri = "fake://1";
  EXPECT_EQ(RunComparison(o, nullptr).status().code(), absl::StatusCode::kInvalidArgument);
}

// Host kernels read device memory with the CPU: only where it can, as on a
// CPU fake. The fake backend's device memory can be made address space only,
// which the CPU cannot read, like a real card's: refused, not a crash.
TEST(RealDeviceComparison, HostKernelsAreRefusedWhereTheCpuCannotReadDeviceMemory) {
  // The builtin fake backend reads SPILLWAY_FAKE_SPEC; this process's value
  // (the fake libcuda's) would not do, so run in a child with its own.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    setenv("SPILLWAY_FAKE_SPEC", "memory=512m,reserved=16m,backing=none", 1);
    ComparisonOptions o = SmallCudaRun();
    o.device_uri = "fake://0";
    // fake://0 is the benchmark's own path; reach the real-device path directly.
    absl::StatusOr<Comparison> c = RunRealDeviceComparison(o, nullptr);
    const bool refused = c.status().code() == absl::StatusCode::kInvalidArgument &&
                         absl::StrContains(c.status().message(), "CPU can read");
    _exit(refused ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "the child crashed: status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(DecodeKernels, SizesMustBeWholeVectors) {
  EXPECT_TRUE(CheckLayerSizes(32, 0, 16).ok());
  EXPECT_EQ(CheckLayerSizes(33, 0, 16).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckLayerSizes(32, 8, 16).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckLayerSizes(32, 16, 0).code(), absl::StatusCode::kInvalidArgument);
  std::unique_ptr<DecodeKernels> host = CreateHostDecodeKernels();
  char buffer[64] = {};
  EXPECT_EQ(host->LaunchLayer(buffer, 17, buffer, 16, buffer + 32, 16).code(),
            absl::StatusCode::kInvalidArgument);
}

// The step reads every layer and writes exactly the token's row in each
// layer's KV slice, on a fake device whose memory the CPU can read.
TEST(KernelDecodeDevice, WritesTheTokensRowInEveryLayerAndNothingElse) {
  fake::FakeSpec spec;
  spec.memory = 64ull << 20;
  spec.reserved = 2ull << 20;
  std::unique_ptr<hal::Backend> backend = fake::CreateFakeBackend(spec);
  absl::StatusOr<hal::Device*> device = backend->GetDevice(0);
  ASSERT_TRUE(device.ok()) << device.status();
  ModelSize size;
  size.layers = 2;
  size.weight_bytes = 4ull << 20;
  size.kv_cache_bytes = 4ull << 20;
  size.kv_row_bytes = 64 << 10;
  absl::StatusOr<ModelLayout> layout = MakeModelLayout(size, 1, 2ull << 20);
  ASSERT_TRUE(layout.ok());
  ModelBuffers buffers;
  absl::StatusOr<void*> weights = (*device)->Allocate(hal::MemoryKind::kManaged,
                                                      layout->weight_bytes());
  absl::StatusOr<void*> kv = (*device)->Allocate(hal::MemoryKind::kManaged,
                                                 layout->kv_cache_bytes());
  ASSERT_TRUE(weights.ok() && kv.ok());
  buffers.weights = *weights;
  buffers.kv_cache = *kv;

  std::unique_ptr<DecodeDevice> decode =
      CreateKernelDecodeDevice(**device, CreateHostDecodeKernels());
  ASSERT_TRUE(decode->LoadModels(*layout, {buffers}).ok());
  const auto* bytes = static_cast<const unsigned char*>(buffers.kv_cache);
  ASSERT_EQ(bytes[0], 0x11);  // loaded with model 0's byte
  EXPECT_FALSE(decode->Counters().has_value());
  const double before = decode->NowNs();
  const uint64_t position = 3;
  ASSERT_TRUE(decode->RunDecodeStep(*layout, buffers, position).ok());
  EXPECT_GE(decode->NowNs(), before);

  // Every 64-bit word read is 0x1111...: an even number of them folds to 0,
  // which is what the row now holds; every other byte is as loaded.
  for (uint64_t i = 0; i < layout->kv_cache_bytes(); ++i) {
    const uint64_t in_slice = i % layout->layer_kv_bytes;
    const bool row = in_slice / layout->kv_row_bytes == position;
    ASSERT_EQ(bytes[i], row ? 0 : 0x11) << "byte " << i;
  }
  EXPECT_EQ(static_cast<const unsigned char*>(buffers.weights)[12345], 0x11);
  EXPECT_TRUE((*device)->Free(buffers.weights).ok());
  EXPECT_TRUE((*device)->Free(buffers.kv_cache).ok());
}

}  // namespace
}  // namespace spillway::samples::three_models
