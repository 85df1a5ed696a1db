// One token of one model as kernels on the fake device: the same launches
// for every policy, so policies differ only in where the bytes are.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_DECODE_STEP_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_DECODE_STEP_H_

#include <cstdint>

#include "absl/status/status.h"
#include "spillway/backends/fake/fake_device.h"
#include "spillway/hal/stream.h"
#include "three_models/model_buffers.h"
#include "three_models/model_layout.h"

namespace spillway::samples::three_models {

// Enqueues one decode step on `stream`: for each layer in order, one kernel
// that reads the layer's weights and its whole KV slice (attention over the
// context) and then writes the new token's K and V row at `position` (modulo
// the slice's positions). Decode is bandwidth-bound, so a kernel takes as
// long as its memory accesses (compute_ns = 0).
// Errors: the fake's LaunchKernel errors, as they are (nothing is enqueued
// after a failed launch). Thread-safety: as FakeDevice::LaunchKernel.
absl::Status LaunchDecodeStep(fake::FakeDevice& device, hal::Stream& stream,
                              const ModelLayout& layout, const ModelBuffers& buffers,
                              uint64_t position);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_DECODE_STEP_H_
