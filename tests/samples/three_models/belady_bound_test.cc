#include "three_models/belady_bound.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "three_models/model_layout.h"
#include "three_models/request_trace.h"

namespace spillway::samples::three_models {
namespace {

BeladyCounts Counts(uint64_t accesses, uint64_t hits, uint64_t misses, uint64_t bypassed,
                    uint64_t evictions) {
  BeladyCounts c;
  c.accesses = accesses;
  c.hits = hits;
  c.misses = misses;
  c.bypassed = bypassed;
  c.evictions = evictions;
  return c;
}

TEST(BeladyWithBypass, EmptyTraceCountsNothing) {
  EXPECT_EQ(RunBeladyWithBypass({}, 3), BeladyCounts());
}

TEST(BeladyWithBypass, EverythingFitsMissesOncePerPage) {
  EXPECT_EQ(RunBeladyWithBypass({0, 1, 2, 0, 1, 2, 2}, 3), Counts(7, 4, 3, 0, 0));
}

TEST(BeladyWithBypass, ZeroCapacityMissesEveryAccess) {
  EXPECT_EQ(RunBeladyWithBypass({0, 0, 1}, 0), Counts(3, 0, 3, 3, 0));
}

TEST(BeladyWithBypass, ReadsOnceUsedPageWithoutCachingIt) {
  // Capacity 1: page 1 is never used again while page 0 is, so 1 is read
  // from the host and 0 stays. Classic MIN (no bypass) would evict 0 and
  // miss three times.
  EXPECT_EQ(RunBeladyWithBypass({0, 1, 0}, 1), Counts(3, 1, 2, 1, 0));
}

TEST(BeladyWithBypass, EvictsTheCachedPageUsedFarthestAhead) {
  // At 2, page 1 is never used again and 0 is: 1 goes, 2 is kept.
  EXPECT_EQ(RunBeladyWithBypass({0, 1, 2, 2, 0}, 2), Counts(5, 2, 3, 0, 1));
}

TEST(BeladyWithBypass, TextbookTraceHasSevenMisses) {
  // 1 2 3 4 1 2 5 1 2 3 4 5 with three frames: the textbook's 7 for MIN; with
  // bypass 4 and 5 are read without being cached and nothing is evicted.
  EXPECT_EQ(RunBeladyWithBypass({1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5}, 3), Counts(12, 5, 7, 4, 0));
}

TEST(BeladyWithBypass, CycleLongerThanCacheKeepsAFixedPart) {
  // (0 1 2) x 4 with two frames: 0 and 1 stay, 2 is bypassed each round:
  // 6 misses where LRU would miss all 12.
  std::vector<uint32_t> trace;
  for (int i = 0; i < 4; ++i) trace.insert(trace.end(), {0, 1, 2});
  EXPECT_EQ(RunBeladyWithBypass(trace, 2), Counts(12, 6, 6, 4, 0));
}

TEST(BeladyWithBypass, ManyHitsKeepTheHeapConsistent) {
  std::vector<uint32_t> trace;
  for (int i = 0; i < 5000; ++i) trace.insert(trace.end(), {0, 1, 2});
  // Two frames, a cycle of three: every round after the first misses once.
  EXPECT_EQ(RunBeladyWithBypass(trace, 2), Counts(15000, 9998, 5002, 5000, 0));
}

// The true minimum number of misses by exhaustive search: on each miss, keep
// the page in a free frame, keep it in place of any cached page, or bypass.
uint64_t ExhaustiveMinimumMisses(const std::vector<uint32_t>& trace, uint64_t capacity) {
  std::map<std::pair<size_t, std::set<uint32_t>>, uint64_t> memo;
  std::function<uint64_t(size_t, const std::set<uint32_t>&)> best =
      [&](size_t i, const std::set<uint32_t>& cache) -> uint64_t {
    if (i == trace.size()) return 0;
    auto key = std::make_pair(i, cache);
    if (auto it = memo.find(key); it != memo.end()) return it->second;
    uint64_t result;
    if (cache.count(trace[i]) != 0) {
      result = best(i + 1, cache);
    } else {
      result = best(i + 1, cache);  // bypass
      if (cache.size() < capacity) {
        std::set<uint32_t> kept = cache;
        kept.insert(trace[i]);
        result = std::min(result, best(i + 1, kept));
      }
      for (uint32_t victim : cache) {
        std::set<uint32_t> swapped = cache;
        swapped.erase(victim);
        swapped.insert(trace[i]);
        result = std::min(result, best(i + 1, swapped));
      }
      ++result;
    }
    memo[key] = result;
    return result;
  };
  return best(0, {});
}

TEST(BeladyWithBypass, MatchesExhaustiveSearchOnRandomTraces) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    const uint32_t pages = 2 + rng() % 4;
    const uint64_t capacity = rng() % 4;
    std::vector<uint32_t> trace(4 + rng() % 10);
    for (uint32_t& p : trace) p = rng() % pages;
    SCOPED_TRACE(::testing::PrintToString(trace) + " capacity " + std::to_string(capacity));
    EXPECT_EQ(RunBeladyWithBypass(trace, capacity).misses,
              ExhaustiveMinimumMisses(trace, capacity));
  }
}

ModelLayout TinyLayout(int models, int layers, uint64_t weight_pages, uint64_t kv_pages) {
  ModelSize size;
  size.layers = layers;
  size.weight_bytes = static_cast<uint64_t>(layers) * weight_pages * (2ull << 20);
  size.kv_cache_bytes = static_cast<uint64_t>(layers) * kv_pages * (2ull << 20);
  size.kv_row_bytes = 4096;
  absl::StatusOr<ModelLayout> layout = MakeModelLayout(size, models, 2ull << 20);
  EXPECT_TRUE(layout.ok()) << layout.status();
  return *layout;
}

TEST(OfflineBound, TwoModelsRoundRobinHandComputed) {
  // Pages a0 a1 b0 b1 a0 a1 b0 b1 (one weight page, one KV page per model)
  // with three frames: a0 a1 b0 are kept, b1 is bypassed twice: 5 misses.
  const ModelLayout layout = TinyLayout(2, 1, 1, 1);
  const std::vector<Request> requests = {{0, 1}, {1, 1}, {0, 1}, {1, 1}};
  const double page = static_cast<double>(layout.page_size);
  // Link: one page per second; device memory: two pages per second.
  absl::StatusOr<OfflineBound> bound =
      ComputeOfflineBound(layout, requests, 3 * layout.page_size, page, 2 * page);
  ASSERT_TRUE(bound.ok()) << bound.status();
  EXPECT_EQ(bound->counts, Counts(8, 3, 5, 2, 0));
  EXPECT_EQ(bound->bytes_h2d, 5 * layout.page_size);
  EXPECT_EQ(bound->device_read_bytes, 8 * layout.page_size);
  EXPECT_EQ(bound->tokens, 4u);
  EXPECT_DOUBLE_EQ(bound->link_seconds, 5);
  EXPECT_DOUBLE_EQ(bound->device_seconds, 4);
  EXPECT_DOUBLE_EQ(bound->seconds, 5);  // link-bound

  // Slower device memory: now the reads bind.
  bound = ComputeOfflineBound(layout, requests, 3 * layout.page_size, page, page / 2);
  ASSERT_TRUE(bound.ok()) << bound.status();
  EXPECT_DOUBLE_EQ(bound->device_seconds, 16);
  EXPECT_DOUBLE_EQ(bound->seconds, 16);
}

TEST(OfflineBound, StreamedNextUsesMatchTheExplicitTrace) {
  const ModelLayout layout = TinyLayout(3, 3, 2, 1);
  for (TraceKind kind : {TraceKind::kRoundRobin, TraceKind::kBursty, TraceKind::kZipf}) {
    for (int tokens : {1, 3}) {
      absl::StatusOr<std::vector<Request>> requests = MakeRequestTrace(kind, 20, tokens, 3, 5);
      ASSERT_TRUE(requests.ok());
      for (uint64_t frames : {0, 5, 9, 17, 27, 40}) {
        SCOPED_TRACE(absl::StrCat(TraceKindName(kind), " tokens ", tokens, " frames ", frames));
        absl::StatusOr<OfflineBound> bound =
            ComputeOfflineBound(layout, *requests, frames * layout.page_size, 1e9, 1e9);
        ASSERT_TRUE(bound.ok()) << bound.status();
        EXPECT_EQ(bound->counts, RunBeladyWithBypass(ExpandPageTrace(layout, *requests), frames));
      }
    }
  }
}

TEST(OfflineBound, AllModelsResidentMeansOnlyCompulsoryMisses) {
  const ModelLayout layout = TinyLayout(3, 2, 2, 1);
  absl::StatusOr<std::vector<Request>> requests =
      MakeRequestTrace(TraceKind::kRoundRobin, 9, 4, 3, 1);
  ASSERT_TRUE(requests.ok());
  absl::StatusOr<OfflineBound> bound =
      ComputeOfflineBound(layout, *requests, layout.total_bytes(), 1e9, 1e9);
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->bytes_h2d, layout.total_bytes());
  EXPECT_EQ(bound->counts.bypassed, 0u);
}

TEST(OfflineBound, RejectsBadInput) {
  const ModelLayout layout = TinyLayout(2, 1, 1, 1);
  EXPECT_EQ(ComputeOfflineBound(layout, {}, 1 << 30, 1e9, 1e9).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeOfflineBound(layout, {{2, 1}}, 1 << 30, 1e9, 1e9).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeOfflineBound(layout, {{0, 0}}, 1 << 30, 1e9, 1e9).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeOfflineBound(layout, {{0, 1}}, 1 << 30, 0, 1e9).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ComputeOfflineBound(layout, {{0, 1}}, 1 << 30, 1e9, std::numeric_limits<double>::infinity())
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace spillway::samples::three_models
