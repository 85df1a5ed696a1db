#include "three_models/comparison.h"

#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/backends/fake/fake_device.h"
#include "spillway/hal/registry.h"
#include "spillway/hal/status.h"
#include "three_models/naive_policy.h"
#include "three_models/real_device_comparison.h"
#include "three_models/spillway_policy.h"

namespace spillway::samples::three_models {
namespace {

PolicyResult BoundAsResult(const OfflineBound& bound) {
  PolicyResult result;
  result.policy = Policy::kBound;
  result.seconds = bound.seconds;
  result.tokens = bound.tokens;
  result.counters.bytes_h2d = bound.bytes_h2d;
  result.bound = bound;
  return result;
}

absl::StatusOr<PolicyResult> RunNaive(const ComparisonOptions& options, const ModelLayout& layout,
                                      const std::vector<Request>& requests,
                                      const ProgressFn& progress) {
  std::unique_ptr<hal::Backend> backend = fake::CreateFakeBackend(options.device);
  SPILLWAY_RETURN_IF_ERROR(backend->Availability());
  SPILLWAY_ASSIGN_OR_RETURN(hal::Device * device, backend->GetDevice(0));
  fake::FakeDevice* fake_device = fake::AsFakeDevice(device);
  if (fake_device == nullptr) return absl::InternalError("the fake backend gave another device");
  return ServeNaive(*fake_device, layout, requests, progress);
}

absl::StatusOr<PolicyResult> RunSpillway(const ComparisonOptions& options,
                                         const ModelLayout& layout,
                                         const std::vector<Request>& requests,
                                         const ProgressFn& progress) {
  hal::Registry registry;
  registry.SetEnabled(std::nullopt);  // whatever SPILLWAY_BACKENDS says: the fake runs here
  const fake::FakeSpec spec = options.device;
  SPILLWAY_RETURN_IF_ERROR(
      registry.Register(fake::kFakeBackendName, [spec] { return fake::CreateFakeBackend(spec); }));
  SpillwayOptions spillway;
  spillway.device_uri = absl::StrCat(fake::kFakeBackendName, "://0");
  spillway.virtual_size = options.virtual_size;
  spillway.idle_floor_fraction = options.idle_floor_fraction;
  return ServeWithSpillway(registry, layout, requests, spillway, progress);
}

}  // namespace

uint64_t DeviceCapacity(const Comparison& comparison) {
  return comparison.real_device.has_value() ? comparison.real_device->capacity_bytes
                                            : comparison.options.device.capacity();
}

absl::Status RunPolicies(Comparison& c, const PolicyRunner& naive,
                         const PolicyRunner& spillway) {
  for (Policy policy : c.options.policies) {
    switch (policy) {
      case Policy::kNaive: {
        SPILLWAY_ASSIGN_OR_RETURN(PolicyResult r, naive());
        c.results.push_back(std::move(r));
        break;
      }
      case Policy::kSpillway: {
        SPILLWAY_ASSIGN_OR_RETURN(PolicyResult r, spillway());
        c.results.push_back(std::move(r));
        break;
      }
      case Policy::kBound: c.results.push_back(BoundAsResult(c.bound)); break;
    }
  }
  return absl::OkStatus();
}

double RatioToBound(const PolicyResult& result, const OfflineBound& bound) {
  return bound.seconds > 0 ? result.seconds / bound.seconds : 0;
}

absl::StatusOr<Comparison> RunComparison(const ComparisonOptions& options,
                                         const ProgressFn& progress) {
  const std::string fake_uri = absl::StrCat(fake::kFakeBackendName, "://0");
  if (absl::StartsWith(options.device_uri, absl::StrCat(fake::kFakeBackendName, "://")) &&
      options.device_uri != fake_uri) {
    return absl::InvalidArgumentError(absl::StrCat(
        options.device_uri, ": the benchmark's fake device is ", fake_uri, ", with its default "
        "calibration"));
  }
  if (options.device_uri != fake_uri) return RunRealDeviceComparison(options, progress);
  SPILLWAY_RETURN_IF_ERROR(fake::ValidateFakeSpec(options.device));
  if (!(options.idle_floor_fraction >= 0 && options.idle_floor_fraction <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("idle floor fraction ", options.idle_floor_fraction, ": must be in [0, 1]"));
  }
  Comparison c;
  c.options = options;
  SPILLWAY_ASSIGN_OR_RETURN(
      c.layout, MakeModelLayout(options.model, options.models, options.device.page_size));
  SPILLWAY_ASSIGN_OR_RETURN(
      c.requests, MakeRequestTrace(options.trace, options.requests, options.tokens, options.models,
                                   options.seed));
  SPILLWAY_ASSIGN_OR_RETURN(
      c.bound, ComputeOfflineBound(c.layout, c.requests, options.device.capacity(),
                                   options.device.link_bandwidth, options.device.device_bandwidth));
  SPILLWAY_RETURN_IF_ERROR(RunPolicies(
      c, [&] { return RunNaive(options, c.layout, c.requests, progress); },
      [&] { return RunSpillway(options, c.layout, c.requests, progress); }));
  return c;
}

}  // namespace spillway::samples::three_models
