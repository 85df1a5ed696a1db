#include "three_models/serving_loop.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "spillway/hal/status.h"

namespace spillway::samples::three_models {

absl::StatusOr<PolicyResult> ServeRequests(Policy policy, DecodeDevice& device,
                                           const ModelLayout& layout,
                                           const std::vector<ModelBuffers>& buffers,
                                           const std::vector<Request>& requests,
                                           const BeforeRequest& before_request,
                                           const ProgressFn& progress) {
  for (size_t i = 0; i < requests.size(); ++i) {
    if (requests[i].model < 0 || static_cast<size_t>(requests[i].model) >= buffers.size()) {
      return absl::InvalidArgumentError(absl::StrCat("request ", i, " names model ",
                                                     requests[i].model, ", which has no buffers"));
    }
  }
  SPILLWAY_RETURN_IF_ERROR(device.Synchronize());
  const std::optional<fake::FakeCounters> before = device.Counters();
  const double start_ns = device.NowNs();

  PolicyResult result;
  result.policy = policy;
  result.model_tokens.assign(buffers.size(), 0);
  result.model_seconds.assign(buffers.size(), 0);
  std::vector<uint64_t> position(buffers.size(), 0);  // each model's next KV row
  double previous_end_ns = start_ns;
  for (size_t i = 0; i < requests.size(); ++i) {
    const Request& r = requests[i];
    if (before_request) SPILLWAY_RETURN_IF_ERROR(before_request(i));
    for (int t = 0; t < r.tokens; ++t) {
      SPILLWAY_RETURN_IF_ERROR(
          device.RunDecodeStep(layout, buffers[r.model], position[r.model]++));
    }
    const double end_ns = device.NowNs();
    result.model_tokens[r.model] += static_cast<uint64_t>(r.tokens);
    result.model_seconds[r.model] += (end_ns - previous_end_ns) / 1e9;
    result.tokens += static_cast<uint64_t>(r.tokens);
    previous_end_ns = end_ns;
    if (progress) progress({policy, i + 1, requests.size(), (end_ns - start_ns) / 1e9});
  }
  result.seconds = (previous_end_ns - start_ns) / 1e9;
  const std::optional<fake::FakeCounters> after = device.Counters();
  result.counted = before.has_value() && after.has_value();
  if (result.counted) result.counters = *after - *before;
  return result;
}

}  // namespace spillway::samples::three_models
