// The whole benchmark: one request trace, served under each chosen policy on
// a fresh fake device with the default calibration, next to the bound.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_COMPARISON_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_COMPARISON_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "spillway/backends/fake/fake_spec.h"
#include "three_models/belady_bound.h"
#include "three_models/model_layout.h"
#include "three_models/policy_result.h"
#include "three_models/request_trace.h"

namespace spillway::samples::three_models {

struct ComparisonOptions {
  TraceKind trace = TraceKind::kRoundRobin;
  uint64_t seed = 1;
  int requests = 48;
  int tokens = 16;
  // In the order they are run and reported.
  std::vector<Policy> policies = {Policy::kNaive, Policy::kSpillway, Policy::kBound};
  int models = 3;
  ModelSize model;
  // The fake's default calibration (DESIGN.md), address space only so that
  // 42 GiB of models cost no host memory. The benchmark is judged on these
  // figures; tests use smaller devices.
  fake::FakeSpec device = [] {
    fake::FakeSpec spec;
    spec.backing = false;
    return spec;
  }();
  uint64_t virtual_size = 46ull << 30;
  double idle_floor_fraction = 0.5;
};

// A value type.
struct Comparison {
  ComparisonOptions options;
  ModelLayout layout;
  std::vector<Request> requests;
  OfflineBound bound;
  std::vector<PolicyResult> results;  // in options.policies order
};

// Runs everything. The bound is always computed (the ratios need it) but
// only reported as a policy when chosen. Errors: INVALID_ARGUMENT for bad
// options (naming them), and the device's and runtime's errors, as they are.
// Thread-safe (each run has its own devices), but each run is heavy.
absl::StatusOr<Comparison> RunComparison(const ComparisonOptions& options,
                                         const ProgressFn& progress);

// Modeled time of `result` over the bound's; 0 when the bound is 0.
double RatioToBound(const PolicyResult& result, const OfflineBound& bound);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_COMPARISON_H_
