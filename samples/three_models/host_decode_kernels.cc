#include "three_models/host_decode_kernels.h"

#include <cstdint>
#include <cstring>

#include "spillway/hal/status.h"

namespace spillway::samples::three_models {
namespace {

// XOR of every 64-bit word: touches each byte once, as the device kernel does.
uint64_t Fold(const void* data, uint64_t bytes) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t acc = 0;
  for (uint64_t i = 0; i < bytes; i += sizeof(uint64_t)) {
    uint64_t word;
    std::memcpy(&word, p + i, sizeof word);
    acc ^= word;
  }
  return acc;
}

class HostDecodeKernels final : public DecodeKernels {
 public:
  const char* name() const override { return "host"; }
  absl::Status LaunchLayer(const void* weights, uint64_t weight_bytes, const void* kv,
                           uint64_t kv_bytes, void* row, uint64_t row_bytes) override {
    SPILLWAY_RETURN_IF_ERROR(CheckLayerSizes(weight_bytes, kv_bytes, row_bytes));
    const uint64_t acc = Fold(weights, weight_bytes) ^ Fold(kv, kv_bytes);
    auto* out = static_cast<unsigned char*>(row);
    for (uint64_t i = 0; i < row_bytes; i += sizeof acc) std::memcpy(out + i, &acc, sizeof acc);
    return absl::OkStatus();
  }
  absl::Status Synchronize() override { return absl::OkStatus(); }
};

}  // namespace

std::unique_ptr<DecodeKernels> CreateHostDecodeKernels() {
  return std::make_unique<HostDecodeKernels>();
}

}  // namespace spillway::samples::three_models
