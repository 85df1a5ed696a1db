// The server's main loop, common to every policy: requests in trace order,
// each decoding its tokens one step at a time.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_SERVING_LOOP_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_SERVING_LOOP_H_

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "three_models/decode_device.h"
#include "three_models/model_buffers.h"
#include "three_models/model_layout.h"
#include "three_models/policy_result.h"
#include "three_models/request_trace.h"

namespace spillway::samples::three_models {

// Called before request `index` starts, when the host has seen every earlier
// token finish: where a policy gives its hints.
using BeforeRequest = std::function<absl::Status(size_t index)>;

// Serves `requests` on `device`, with the models in `buffers` (one per model
// of `layout`, already loaded). After each step the host waits for the step
// to finish, as a server does to sample the next token, so hints given
// between steps happen at the right time. Counters and time are measured
// from the call (after the device is synchronized) to the end of the last
// token; counters are left unset where the device keeps none. Errors: the
// hook's and the device's, as they are; INVALID_ARGUMENT when a request
// names a model without buffers. Thread-compatible.
absl::StatusOr<PolicyResult> ServeRequests(Policy policy, DecodeDevice& device,
                                           const ModelLayout& layout,
                                           const std::vector<ModelBuffers>& buffers,
                                           const std::vector<Request>& requests,
                                           const BeforeRequest& before_request,
                                           const ProgressFn& progress);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_SERVING_LOOP_H_
