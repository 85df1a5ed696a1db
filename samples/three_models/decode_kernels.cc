#include "three_models/decode_kernels.h"

#include "absl/strings/str_cat.h"

namespace spillway::samples::three_models {

absl::Status CheckLayerSizes(uint64_t weight_bytes, uint64_t kv_bytes, uint64_t row_bytes) {
  // The kernels read and write 16-byte vectors.
  if (weight_bytes % 16 != 0 || kv_bytes % 16 != 0 || row_bytes % 16 != 0 || row_bytes == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "layer sizes must be multiples of 16 bytes and the row not empty: weights ",
        weight_bytes, ", KV slice ", kv_bytes, ", row ", row_bytes));
  }
  return absl::OkStatus();
}

}  // namespace spillway::samples::three_models
