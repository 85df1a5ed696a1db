// The whole benchmark: one request trace, served under each chosen policy on
// a fresh fake device with the default calibration (or on a real device,
// real_device_comparison.h), next to the bound.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_COMPARISON_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_COMPARISON_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "spillway/backends/fake/fake_spec.h"
#include "three_models/belady_bound.h"
#include "three_models/model_layout.h"
#include "three_models/policy_result.h"
#include "three_models/request_trace.h"

namespace spillway::samples::three_models {

// What runs a real device's decode kernels.
enum class KernelKind : uint8_t {
  kCuda,  // nvcc-built kernels on an NVIDIA GPU (cuda://N only)
  kHost,  // the CPU, through host pointers: only for CPU fakes of vendor libraries
};

struct ComparisonOptions {
  // "fake://0": the fake with the calibration below, modeled time (what the
  // targets are judged on). Any other URI is a real device: wall time, real
  // kernels, the capacity emulated (real_device_comparison.h).
  std::string device_uri = "fake://0";
  // Real devices only: the device memory to emulate (default 23 GiB, scaled
  // down with the models when the card's free memory is short), and what
  // runs the kernels.
  std::optional<uint64_t> device_memory;
  KernelKind kernels = KernelKind::kCuda;
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

// How a real device was set up and what was measured on it before serving.
// A value type.
struct RealDeviceSetup {
  std::string uri;
  std::string name;
  uint64_t total_bytes = 0;     // the card's memory
  uint64_t free_bytes = 0;      // free when the comparison started
  uint64_t capacity_bytes = 0;  // emulated device memory (the runtime's budget)
  uint64_t virtual_bytes = 0;   // the runtime's virtual size and memory limit
  uint64_t headroom_bytes = 0;  // kept free by the runtime: free - capacity
  double scale = 1;             // sizes were multiplied by this to fit the card
  double link_bandwidth = 0;    // bytes/s, managed memory prefetched to the device
  double device_bandwidth = 0;  // bytes/s, the layer kernel over device memory
  std::string kernels;          // DecodeKernels::name()
};

// A value type.
struct Comparison {
  ComparisonOptions options;
  // Set when options.device_uri is a real device; the sizes in `options`
  // are then the scaled ones.
  std::optional<RealDeviceSetup> real_device;
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

// Serves c.requests under each of c.options.policies, in order, appending
// to c.results: `naive` and `spillway` run theirs, the bound is c.bound.
// Errors: the runners', as they are. Thread-compatible.
using PolicyRunner = std::function<absl::StatusOr<PolicyResult>()>;
absl::Status RunPolicies(Comparison& c, const PolicyRunner& naive, const PolicyRunner& spillway);

// Bytes of device memory the bound and the policies had: the fake's capacity,
// or the emulated capacity on a real device.
uint64_t DeviceCapacity(const Comparison& comparison);

// Modeled time of `result` over the bound's; 0 when the bound is 0.
double RatioToBound(const PolicyResult& result, const OfflineBound& bound);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_COMPARISON_H_
