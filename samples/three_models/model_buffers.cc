#include "three_models/model_buffers.h"

#include <memory>
#include <utility>

#include "spillway/hal/status.h"
#include "spillway/hal/stream.h"
#include "spillway/hal/types.h"

namespace spillway::samples::three_models {

absl::Status LoadIntoHostMemory(hal::Device& device, const ModelLayout& layout,
                                const std::vector<ModelBuffers>& models) {
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<hal::Stream> stream, device.CreateStream());
  for (const ModelBuffers& m : models) {
    for (auto [ptr, size] : {std::pair{m.weights, layout.weight_bytes()},
                             std::pair{m.kv_cache, layout.kv_cache_bytes()}}) {
      SPILLWAY_ASSIGN_OR_RETURN(hal::Allocation allocation, device.FindAllocation(ptr));
      // Only managed memory has host-side pages to populate; a buffer placed
      // in device memory is loaded by definition.
      if (allocation.kind != hal::MemoryKind::kManaged) continue;
      SPILLWAY_RETURN_IF_ERROR(device.Prefetch(ptr, size, hal::Location::Host(), *stream));
    }
  }
  return stream->Synchronize();
}

}  // namespace spillway::samples::three_models
