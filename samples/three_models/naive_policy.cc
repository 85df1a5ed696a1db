#include "three_models/naive_policy.h"

#include <memory>

#include "spillway/hal/status.h"
#include "spillway/hal/stream.h"
#include "three_models/fake_decode_device.h"
#include "three_models/model_buffers.h"
#include "three_models/scoped_allocation.h"
#include "three_models/serving_loop.h"

namespace spillway::samples::three_models {
absl::StatusOr<PolicyResult> ServeNaive(hal::Device& device, const ModelLayout& layout,
                                        const std::vector<Request>& requests,
                                        const ProgressFn& progress,
                                        const DecodeDeviceFactory& decode_device) {
  SPILLWAY_ASSIGN_OR_RETURN(
      std::unique_ptr<DecodeDevice> decode,
      decode_device ? decode_device(device) : CreateFakeDecodeDevice(device));
  std::vector<ScopedAllocation> allocations;
  auto allocate = [&](uint64_t size) -> absl::StatusOr<void*> {
    SPILLWAY_ASSIGN_OR_RETURN(
        ScopedAllocation a, ScopedAllocation::Allocate(device, hal::MemoryKind::kManaged, size));
    allocations.push_back(std::move(a));
    return allocations.back().get();
  };
  std::vector<ModelBuffers> buffers(layout.models);
  for (ModelBuffers& m : buffers) {
    SPILLWAY_ASSIGN_OR_RETURN(m.weights, allocate(layout.weight_bytes()));
    SPILLWAY_ASSIGN_OR_RETURN(m.kv_cache, allocate(layout.kv_cache_bytes()));
  }
  SPILLWAY_RETURN_IF_ERROR(decode->LoadModels(layout, buffers));
  return ServeRequests(Policy::kNaive, *decode, layout, buffers, requests,
                       /*before_request=*/nullptr, progress);
}

}  // namespace spillway::samples::three_models
