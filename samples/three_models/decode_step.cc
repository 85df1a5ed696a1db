#include "three_models/decode_step.h"

#include "spillway/backends/fake/kernel_spec.h"
#include "spillway/hal/status.h"

namespace spillway::samples::three_models {
namespace {

const char* At(const void* base, uint64_t offset) {
  return static_cast<const char*>(base) + offset;
}

}  // namespace

absl::Status LaunchDecodeStep(fake::FakeDevice& device, hal::Stream& stream,
                              const ModelLayout& layout, const ModelBuffers& buffers,
                              uint64_t position) {
  const uint64_t row = position % layout.kv_positions();
  fake::KernelSpec kernel;
  kernel.reads.resize(2);
  kernel.writes.resize(1);
  for (uint64_t l = 0; l < static_cast<uint64_t>(layout.layers); ++l) {
    const uint64_t kv_slice = l * layout.layer_kv_bytes;
    kernel.reads[0] = {At(buffers.weights, l * layout.layer_weight_bytes),
                       layout.layer_weight_bytes};
    kernel.reads[1] = {At(buffers.kv_cache, kv_slice), layout.layer_kv_bytes};
    kernel.writes[0] = {At(buffers.kv_cache, kv_slice + row * layout.kv_row_bytes),
                        layout.kv_row_bytes};
    SPILLWAY_RETURN_IF_ERROR(device.LaunchKernel(kernel, stream));
  }
  return absl::OkStatus();
}

}  // namespace spillway::samples::three_models
