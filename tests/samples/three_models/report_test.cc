#include "three_models/report.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spillway::samples::three_models {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Comparison MadeUp() {
  Comparison c;
  c.options.requests = 2;
  c.options.tokens = 3;
  ModelSize size;
  size.layers = 1;
  size.weight_bytes = 2ull << 20;
  size.kv_cache_bytes = 2ull << 20;
  size.kv_row_bytes = 1024;
  c.layout = *MakeModelLayout(size, 3, 2ull << 20);
  c.requests = {{0, 3}, {1, 3}};
  c.bound.seconds = 2;
  c.bound.tokens = 6;
  c.bound.bytes_h2d = 4096;
  PolicyResult naive;
  naive.policy = Policy::kNaive;
  naive.seconds = 10;
  naive.tokens = 6;
  naive.model_tokens = {3, 3, 0};
  naive.model_seconds = {4, 6, 0};
  naive.counters.bytes_h2d = 123456789012;
  naive.counters.bytes_d2h = 42;
  naive.counters.faults = 77;
  PolicyResult bound;
  bound.policy = Policy::kBound;
  bound.seconds = 2;
  bound.tokens = 6;
  bound.counters.bytes_h2d = 4096;
  bound.bound = c.bound;
  c.results = {naive, bound};
  return c;
}

TEST(Report, JsonHasTheRequiredFieldsPerPolicy) {
  const std::string json = FormatJson(MadeUp());
  EXPECT_THAT(json, HasSubstr(R"({"policy": "naive", "seconds": 10, "tokens": 6, )"
                              R"("tokens_per_s": 0.6, "tokens_per_s_per_model": )"
                              R"({"model-a": 0.75, "model-b": 0.5, "model-c": 0}, )"
                              R"("bytes_h2d": 123456789012, "bytes_d2h": 42, "faults": 77, )"));
  EXPECT_THAT(json, HasSubstr(R"("ratio_to_bound": 5})"));
  EXPECT_THAT(json, HasSubstr(R"({"policy": "bound", "seconds": 2, "tokens": 6, )"
                              R"("tokens_per_s": 3, "bytes_h2d": 4096, "bytes_d2h": 0, )"
                              R"("faults": 0, )"));
  EXPECT_THAT(json, HasSubstr(R"("ratio_to_bound": 1, "link_seconds": 0)"));
  EXPECT_THAT(json, HasSubstr(R"("request_models": "a b")"));
  // The bound has no per-model speeds.
  EXPECT_EQ(json.find("tokens_per_s_per_model"), json.rfind("tokens_per_s_per_model"));
}

TEST(Report, TableShowsEachPolicyAndItsRatio) {
  const std::string table = FormatTable(MadeUp());
  EXPECT_THAT(table, HasSubstr("model-b"));
  EXPECT_THAT(table, HasSubstr("naive"));
  EXPECT_THAT(table, HasSubstr("5.00"));   // naive / bound
  EXPECT_THAT(table, HasSubstr("115.0"));  // GiB host-to-device
  EXPECT_THAT(table, Not(HasSubstr("spillway ")));
}

}  // namespace
}  // namespace spillway::samples::three_models
