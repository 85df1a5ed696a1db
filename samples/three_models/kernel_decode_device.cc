#include "three_models/kernel_decode_device.h"

#include <chrono>
#include <cstring>
#include <utility>

#include "spillway/hal/status.h"
#include "spillway/hal/types.h"

namespace spillway::samples::three_models {
namespace {

class KernelDecodeDevice final : public DecodeDevice {
 public:
  KernelDecodeDevice(hal::Device& device, std::unique_ptr<DecodeKernels> kernels)
      : device_(device), kernels_(std::move(kernels)) {}

  absl::Status LoadModels(const ModelLayout& layout,
                          const std::vector<ModelBuffers>& buffers) override {
    for (size_t m = 0; m < buffers.size(); ++m) {
      // A different byte per model, so that models' contents differ as
      // real weights do.
      const auto value = static_cast<uint8_t>(0x11 * (m + 1));
      for (auto [ptr, size] : {std::pair{buffers[m].weights, layout.weight_bytes()},
                               std::pair{buffers[m].kv_cache, layout.kv_cache_bytes()}}) {
        SPILLWAY_ASSIGN_OR_RETURN(hal::Allocation allocation, device_.FindAllocation(ptr));
        if (allocation.kind == hal::MemoryKind::kDevice) {
          // Device memory is not host-accessible.
          SPILLWAY_RETURN_IF_ERROR(device_.Fill(ptr, value, size));
        } else {
          // Written by the CPU, as read from disk: a managed page's first
          // touch is then on the host, where the driver keeps it.
          std::memset(ptr, value, size);
        }
      }
    }
    return device_.Synchronize();
  }
  absl::Status Synchronize() override {
    SPILLWAY_RETURN_IF_ERROR(kernels_->Synchronize());
    return device_.Synchronize();
  }
  absl::Status RunDecodeStep(const ModelLayout& layout, const ModelBuffers& buffers,
                             uint64_t position) override {
    char* const weights = static_cast<char*>(buffers.weights);
    char* const kv_cache = static_cast<char*>(buffers.kv_cache);
    for (uint64_t l = 0; l < static_cast<uint64_t>(layout.layers); ++l) {
      const LayerOffsets o = LayerOffsetsOf(layout, l, position);
      SPILLWAY_RETURN_IF_ERROR(kernels_->LaunchLayer(
          weights + o.weights, layout.layer_weight_bytes, kv_cache + o.kv_slice,
          layout.layer_kv_bytes, kv_cache + o.kv_row, layout.kv_row_bytes));
    }
    return kernels_->Synchronize();
  }
  double NowNs() override {
    return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
  }
  std::optional<fake::FakeCounters> Counters() const override { return std::nullopt; }

 private:
  hal::Device& device_;
  std::unique_ptr<DecodeKernels> kernels_;
};

}  // namespace

std::unique_ptr<DecodeDevice> CreateKernelDecodeDevice(hal::Device& device,
                                                       std::unique_ptr<DecodeKernels> kernels) {
  return std::make_unique<KernelDecodeDevice>(device, std::move(kernels));
}

}  // namespace spillway::samples::three_models
