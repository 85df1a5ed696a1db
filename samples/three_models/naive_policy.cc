#include "three_models/naive_policy.h"

#include <memory>

#include "spillway/hal/status.h"
#include "spillway/hal/stream.h"
#include "three_models/fake_decode_device.h"
#include "three_models/model_buffers.h"
#include "three_models/serving_loop.h"

namespace spillway::samples::three_models {
namespace {

// Frees what it holds when it goes out of scope (error paths included).
class ManagedAllocations {
 public:
  explicit ManagedAllocations(hal::Device& device) : device_(device) {}
  ~ManagedAllocations() {
    for (void* ptr : owned_) (void)device_.Free(ptr);
  }
  ManagedAllocations(const ManagedAllocations&) = delete;
  ManagedAllocations& operator=(const ManagedAllocations&) = delete;

  absl::StatusOr<void*> Allocate(uint64_t size) {
    SPILLWAY_ASSIGN_OR_RETURN(void* ptr, device_.Allocate(hal::MemoryKind::kManaged, size));
    owned_.push_back(ptr);
    return ptr;
  }

 private:
  hal::Device& device_;
  std::vector<void*> owned_;
};

}  // namespace

absl::StatusOr<PolicyResult> ServeNaive(hal::Device& device, const ModelLayout& layout,
                                        const std::vector<Request>& requests,
                                        const ProgressFn& progress,
                                        const DecodeDeviceFactory& decode_device) {
  SPILLWAY_ASSIGN_OR_RETURN(
      std::unique_ptr<DecodeDevice> decode,
      decode_device ? decode_device(device) : CreateFakeDecodeDevice(device));
  ManagedAllocations allocations(device);
  std::vector<ModelBuffers> buffers(layout.models);
  for (ModelBuffers& m : buffers) {
    SPILLWAY_ASSIGN_OR_RETURN(m.weights, allocations.Allocate(layout.weight_bytes()));
    SPILLWAY_ASSIGN_OR_RETURN(m.kv_cache, allocations.Allocate(layout.kv_cache_bytes()));
  }
  SPILLWAY_RETURN_IF_ERROR(decode->LoadModels(layout, buffers));
  return ServeRequests(Policy::kNaive, *decode, layout, buffers, requests,
                       /*before_request=*/nullptr, progress);
}

}  // namespace spillway::samples::three_models
