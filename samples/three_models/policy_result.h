// What serving a trace under one policy (or the bound) came to.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_POLICY_RESULT_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_POLICY_RESULT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "spillway/backends/fake/fake_counters.h"
#include "three_models/belady_bound.h"

namespace spillway::samples::three_models {

enum class Policy : uint8_t {
  kNaive,     // managed memory, no hints: the driver's fault-driven LRU
  kSpillway,  // the runtime's placement and tiering, with a server's hints
  kBound,     // the offline optimum (belady_bound.h)
};
// "naive", "spillway", "bound".
const char* PolicyName(Policy policy);
std::optional<Policy> ParsePolicy(absl::string_view name);

// A value type. Times are the fake's modeled clock, or wall time on a real
// device.
struct PolicyResult {
  Policy policy = Policy::kNaive;
  double seconds = 0;  // first request issued .. last token done
  uint64_t tokens = 0;
  // Per model: tokens decoded, and the time its requests were being served
  // (from the previous request's end to its own last token). Empty for the bound.
  std::vector<uint64_t> model_tokens;
  std::vector<double> model_seconds;
  // What the fake counted while serving (loading excluded). For the bound:
  // bytes_h2d is the minimum, every other counter is 0.
  fake::FakeCounters counters;
  // False on a real device, which counts none of them: `counters` is then
  // all zeros and reports show the figures as unavailable.
  bool counted = true;
  // Set for the bound only.
  std::optional<OfflineBound> bound;

  double tokens_per_s() const { return seconds > 0 ? static_cast<double>(tokens) / seconds : 0; }
  // The decode speed model `m`'s users saw; 0 when it had no request.
  double model_tokens_per_s(size_t m) const {
    return m < model_seconds.size() && model_seconds[m] > 0
               ? static_cast<double>(model_tokens[m]) / model_seconds[m]
               : 0;
  }
};

// Reported after each request while a policy runs.
struct ServingProgress {
  Policy policy = Policy::kNaive;
  size_t requests_done = 0;
  size_t requests = 0;
  double modeled_seconds = 0;  // wall seconds on a real device
};
using ProgressFn = std::function<void(const ServingProgress&)>;

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_POLICY_RESULT_H_
