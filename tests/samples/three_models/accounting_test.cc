// The sample's figures are what the fake device counted, and match what the
// cost model says for small cases worked out by hand.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/backends/fake/fake_device.h"
#include "spillway/hal/registry.h"
#include "three_models/belady_bound.h"
#include "three_models/comparison.h"
#include "three_models/model_layout.h"
#include "three_models/naive_policy.h"
#include "three_models/request_trace.h"
#include "three_models/spillway_policy.h"

namespace spillway::samples::three_models {
namespace {

constexpr uint64_t kPage = 2ull << 20;

// Three models of 6 pages each: 2 layers x (2 weight pages + 1 KV page).
ModelLayout TinyLayout() {
  ModelSize size;
  size.layers = 2;
  size.weight_bytes = 4 * kPage;
  size.kv_cache_bytes = 2 * kPage;
  size.kv_row_bytes = 64 << 10;
  absl::StatusOr<ModelLayout> layout = MakeModelLayout(size, 3, kPage);
  EXPECT_TRUE(layout.ok()) << layout.status();
  return *layout;
}

// The default calibration, with room for `frames` pages.
fake::FakeSpec SmallDevice(uint64_t frames) {
  fake::FakeSpec spec;
  spec.backing = false;
  spec.reserved = kPage;
  spec.memory = frames * kPage + spec.reserved;
  return spec;
}

std::vector<Request> RoundRobin(int requests, int tokens) {
  absl::StatusOr<std::vector<Request>> trace =
      MakeRequestTrace(TraceKind::kRoundRobin, requests, tokens, 3, 1);
  EXPECT_TRUE(trace.ok());
  return *trace;
}

struct NaiveRun {
  PolicyResult result;
  fake::FakeCounters device_counters;  // everything the device counted
};

NaiveRun RunNaive(uint64_t frames, const std::vector<Request>& requests) {
  std::unique_ptr<hal::Backend> backend = fake::CreateFakeBackend(SmallDevice(frames));
  absl::StatusOr<hal::Device*> device = backend->GetDevice(0);
  EXPECT_TRUE(device.ok());
  fake::FakeDevice* fake_device = fake::AsFakeDevice(*device);
  absl::StatusOr<PolicyResult> result = ServeNaive(*fake_device, TinyLayout(), requests, nullptr);
  EXPECT_TRUE(result.ok()) << result.status();
  return {result.ok() ? *result : PolicyResult(), fake_device->counters()};
}

TEST(NaiveAccounting, CycleLargerThanTheDeviceRefaultsEveryPageOfEveryRequest) {
  // 8 frames, a cycle of 18 pages: LRU has always just evicted the next model.
  // Within a request the 6 pages fit, so later tokens hit.
  const NaiveRun run = RunNaive(8, RoundRobin(6, 3));
  const fake::FakeCounters& c = run.result.counters;
  EXPECT_EQ(c, run.device_counters);  // loading moved nothing; nothing is left out
  EXPECT_EQ(c.faults, 6u * 6);
  EXPECT_EQ(c.bytes_h2d, 6u * 6 * kPage);
  EXPECT_EQ(c.evictions, 36u - 8);
  // Migrated pages have no host copy left, so every eviction writes back.
  EXPECT_EQ(c.bytes_d2h, (36u - 8) * kPage);
  EXPECT_EQ(c.kernels, 6u * 3 * 2);
  EXPECT_EQ(run.result.tokens, 18u);
  // Each fault costs at least its service latency, one after the other.
  EXPECT_GE(run.result.seconds, 36 * fake::FakeSpec().fault_latency_ns / 1e9);
}

TEST(NaiveAccounting, EverythingResidentFaultsOncePerPage) {
  const NaiveRun run = RunNaive(18, RoundRobin(9, 2));
  const fake::FakeCounters& c = run.result.counters;
  EXPECT_EQ(c, run.device_counters);
  EXPECT_EQ(c.faults, 18u);
  EXPECT_EQ(c.bytes_h2d, 18u * kPage);
  EXPECT_EQ(c.bytes_d2h, 0u);
  EXPECT_EQ(c.evictions, 0u);
}

TEST(NaiveAccounting, PerModelFiguresAddUp) {
  const NaiveRun run = RunNaive(8, RoundRobin(5, 2));
  const PolicyResult& r = run.result;
  ASSERT_EQ(r.model_tokens.size(), 3u);
  EXPECT_EQ(r.model_tokens[0], 4u);  // a b c a b
  EXPECT_EQ(r.model_tokens[1], 4u);
  EXPECT_EQ(r.model_tokens[2], 2u);
  EXPECT_NEAR(r.model_seconds[0] + r.model_seconds[1] + r.model_seconds[2], r.seconds, 1e-9);
  EXPECT_GT(r.model_tokens_per_s(2), 0);
}

struct SpillwayRun {
  PolicyResult result;
  fake::FakeCounters device_counters;
};

SpillwayRun RunSpillway(uint64_t frames, const std::vector<Request>& requests) {
  hal::Registry registry;
  registry.SetEnabled(std::nullopt);
  const fake::FakeSpec spec = SmallDevice(frames);
  EXPECT_TRUE(registry.Register("fake", [spec] { return fake::CreateFakeBackend(spec); }).ok());
  SpillwayOptions options;
  options.virtual_size = 64ull << 20;
  absl::StatusOr<PolicyResult> result =
      ServeWithSpillway(registry, TinyLayout(), requests, options, nullptr);
  EXPECT_TRUE(result.ok()) << result.status();
  absl::StatusOr<hal::Device*> device = registry.OpenDevice("fake://0");
  EXPECT_TRUE(device.ok());
  return {result.ok() ? *result : PolicyResult(), fake::AsFakeDevice(*device)->counters()};
}

TEST(SpillwayAccounting, ReportsWhatTheDeviceCounted) {
  const SpillwayRun run = RunSpillway(8, RoundRobin(6, 3));
  const fake::FakeCounters& c = run.result.counters;
  EXPECT_EQ(c, run.device_counters);
  EXPECT_EQ(run.result.tokens, 18u);
  EXPECT_EQ(c.kernels, 6u * 3 * 2);
  // Every page is advised accessed-by: nothing faults; data moves by prefetch
  // or is read in place.
  EXPECT_EQ(c.faults, 0u);
  // All traffic is tiering's prefetches, in-place reads and write-backs:
  // the sample makes no copies.
  EXPECT_EQ(c.bytes_h2d + c.bytes_d2h,
            c.prefetch_bytes + c.remote_bytes + c.writeback_bytes + c.migrated_bytes);
  EXPECT_GT(c.bytes_h2d, 0u);
}

TEST(SpillwayAccounting, AllModelsFitMovesEachPageOnce) {
  const SpillwayRun run = RunSpillway(18, RoundRobin(9, 2));
  const fake::FakeCounters& c = run.result.counters;
  EXPECT_EQ(c, run.device_counters);
  EXPECT_EQ(c.bytes_h2d, 18u * kPage);
  EXPECT_EQ(c.faults, 0u);
}

TEST(Comparison, NoPolicyBeatsTheBound) {
  for (TraceKind kind : {TraceKind::kRoundRobin, TraceKind::kBursty, TraceKind::kZipf}) {
    for (int tokens : {1, 4}) {
      ComparisonOptions o;
      o.trace = kind;
      o.requests = 12;
      o.tokens = tokens;
      o.model.layers = 2;
      o.model.weight_bytes = 4 * kPage;
      o.model.kv_cache_bytes = 2 * kPage;
      o.model.kv_row_bytes = 64 << 10;
      o.device = SmallDevice(10);
      o.virtual_size = 64ull << 20;
      absl::StatusOr<Comparison> c = RunComparison(o, nullptr);
      ASSERT_TRUE(c.ok()) << c.status();
      ASSERT_EQ(c->results.size(), 3u);
      SCOPED_TRACE(absl::StrCat(TraceKindName(kind), " tokens ", tokens));
      for (const PolicyResult& r : c->results) {
        EXPECT_EQ(r.tokens, 12u * tokens) << PolicyName(r.policy);
        if (r.policy == Policy::kBound) continue;  // compared with itself, it cannot fail
        EXPECT_GE(r.counters.bytes_h2d, c->bound.bytes_h2d) << PolicyName(r.policy);
        EXPECT_GE(r.seconds, c->bound.seconds * (1 - 1e-12)) << PolicyName(r.policy);
        EXPECT_GE(RatioToBound(r, c->bound), 1 - 1e-12) << PolicyName(r.policy);
      }
    }
  }
}

}  // namespace
}  // namespace spillway::samples::three_models
