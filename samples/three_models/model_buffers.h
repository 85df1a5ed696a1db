// A model's buffers on a device, and putting the model's bytes in them.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_MODEL_BUFFERS_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_MODEL_BUFFERS_H_

#include <vector>

#include "absl/status/status.h"
#include "spillway/hal/device.h"
#include "three_models/model_layout.h"

namespace spillway::samples::three_models {

// Not owned: whoever allocated the buffers frees them.
struct ModelBuffers {
  void* weights = nullptr;   // layout.weight_bytes(), layer after layer
  void* kv_cache = nullptr;  // layout.kv_cache_bytes(), layer after layer
};

// Stands for a server reading each model from disk into its managed buffers
// (and the KV caches holding earlier context): afterwards every page has a
// valid copy in host memory and none on the device, as after host writes.
// The fake runs with backing=none, where host writes are impossible, so this
// is a prefetch to host of untouched pages, which moves no bytes and costs no
// modeled time. Buffers in device memory are left as they are. Waits for it
// to finish. Errors: the device's, as they are (NOT_FOUND for a pointer that
// is not an allocation of `device`).
absl::Status LoadIntoHostMemory(hal::Device& device, const ModelLayout& layout,
                                const std::vector<ModelBuffers>& models);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_MODEL_BUFFERS_H_
