#include "three_models/request_trace.h"

#include <map>
#include <vector>

#include "gtest/gtest.h"

namespace spillway::samples::three_models {
namespace {

std::vector<Request> Trace(TraceKind kind, int requests, uint64_t seed, int tokens = 16) {
  absl::StatusOr<std::vector<Request>> trace = MakeRequestTrace(kind, requests, tokens, 3, seed);
  EXPECT_TRUE(trace.ok()) << trace.status();
  return trace.ok() ? *trace : std::vector<Request>();
}

TEST(RequestTrace, NamesRoundTrip) {
  for (TraceKind kind : {TraceKind::kRoundRobin, TraceKind::kBursty, TraceKind::kZipf}) {
    EXPECT_EQ(ParseTraceKind(TraceKindName(kind)), kind);
  }
  EXPECT_EQ(ParseTraceKind("roundrobin"), std::nullopt);
  EXPECT_EQ(ParseTraceKind(""), std::nullopt);
}

TEST(RequestTrace, RoundRobinCyclesThroughTheModels) {
  const std::vector<Request> trace = Trace(TraceKind::kRoundRobin, 7, 99, 5);
  EXPECT_EQ(TraceToString(trace), "a b c a b c a");
  for (const Request& r : trace) EXPECT_EQ(r.tokens, 5);
}

TEST(RequestTrace, SeededTracesAreReproducibleAndSeedDependent) {
  for (TraceKind kind : {TraceKind::kBursty, TraceKind::kZipf}) {
    EXPECT_EQ(Trace(kind, 48, 1), Trace(kind, 48, 1));
    EXPECT_NE(Trace(kind, 48, 1), Trace(kind, 48, 2));
  }
}

TEST(RequestTrace, ZipfFavoursTheFirstModelsInProportion) {
  const std::vector<Request> trace = Trace(TraceKind::kZipf, 30000, 3);
  std::map<int, int> count;
  for (const Request& r : trace) ++count[r.model];
  // 1 : 1/2 : 1/3 normalised: 6/11, 3/11, 2/11.
  EXPECT_NEAR(count[0] / 30000.0, 6.0 / 11, 0.02);
  EXPECT_NEAR(count[1] / 30000.0, 3.0 / 11, 0.02);
  EXPECT_NEAR(count[2] / 30000.0, 2.0 / 11, 0.02);
}

TEST(RequestTrace, BurstyRunsAreOneToEightLongAndSwitchModel) {
  const std::vector<Request> trace = Trace(TraceKind::kBursty, 20000, 11);
  std::vector<int> runs;
  int run = 1;
  for (size_t i = 1; i <= trace.size(); ++i) {
    if (i < trace.size() && trace[i].model == trace[i - 1].model) {
      ++run;
    } else {
      runs.push_back(run);
      run = 1;
    }
  }
  double total = 0;
  for (int r : runs) {
    EXPECT_GE(r, 1);
    EXPECT_LE(r, 8);
    total += r;
  }
  EXPECT_NEAR(total / runs.size(), 4.5, 0.2);
}

TEST(RequestTrace, OneModelIsAlwaysThatModel) {
  absl::StatusOr<std::vector<Request>> trace = MakeRequestTrace(TraceKind::kBursty, 10, 1, 1, 4);
  ASSERT_TRUE(trace.ok());
  for (const Request& r : *trace) EXPECT_EQ(r.model, 0);
}

TEST(RequestTrace, RejectsOutOfRangeArguments) {
  EXPECT_FALSE(MakeRequestTrace(TraceKind::kZipf, 0, 1, 3, 1).ok());
  EXPECT_FALSE(MakeRequestTrace(TraceKind::kZipf, 1, 0, 3, 1).ok());
  EXPECT_FALSE(MakeRequestTrace(TraceKind::kZipf, 1, 1, 0, 1).ok());
  EXPECT_FALSE(MakeRequestTrace(TraceKind::kZipf, 1, 1, 27, 1).ok());
  EXPECT_EQ(MakeRequestTrace(TraceKind::kRoundRobin, -5, 1, 3, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace spillway::samples::three_models
