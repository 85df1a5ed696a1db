#include "three_models/decode_step.h"

#include "spillway/backends/fake/kernel_spec.h"
#include "spillway/hal/status.h"

namespace spillway::samples::three_models {

absl::Status LaunchDecodeStep(fake::FakeDevice& device, hal::Stream& stream,
                              const ModelLayout& layout, const ModelBuffers& buffers,
                              uint64_t position) {
  char* const weights = static_cast<char*>(buffers.weights);
  char* const kv_cache = static_cast<char*>(buffers.kv_cache);
  fake::KernelSpec kernel;
  kernel.reads.resize(2);
  kernel.writes.resize(1);
  for (uint64_t l = 0; l < static_cast<uint64_t>(layout.layers); ++l) {
    const LayerOffsets o = LayerOffsetsOf(layout, l, position);
    kernel.reads[0] = {weights + o.weights, layout.layer_weight_bytes};
    kernel.reads[1] = {kv_cache + o.kv_slice, layout.layer_kv_bytes};
    kernel.writes[0] = {kv_cache + o.kv_row, layout.kv_row_bytes};
    SPILLWAY_RETURN_IF_ERROR(device.LaunchKernel(kernel, stream));
  }
  return absl::OkStatus();
}

}  // namespace spillway::samples::three_models
