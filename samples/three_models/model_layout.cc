#include "three_models/model_layout.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace spillway::samples::three_models {
namespace {

uint64_t DivideRoundingUp(uint64_t value, uint64_t unit) { return (value + unit - 1) / unit; }

}  // namespace

absl::StatusOr<ModelLayout> MakeModelLayout(const ModelSize& size, int models, uint64_t page_size) {
  if (models < 1 || models > 26) {
    return absl::InvalidArgumentError(absl::StrCat("models=", models, ": must be 1..26"));
  }
  if (size.layers < 1 || size.layers > 4096) {
    return absl::InvalidArgumentError(absl::StrCat("layers=", size.layers, ": must be 1..4096"));
  }
  if (page_size < 4096 || (page_size & (page_size - 1)) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page size ", page_size, ": must be a power of two >= 4096"));
  }
  if (size.weight_bytes == 0 || size.kv_cache_bytes == 0 || size.kv_row_bytes == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("weights=", size.weight_bytes, ", kv cache=", size.kv_cache_bytes,
                     ", kv row=", size.kv_row_bytes, ": every size must be > 0"));
  }
  constexpr uint64_t kMaxTotal = 1ull << 50;
  if (size.weight_bytes > kMaxTotal || size.kv_cache_bytes > kMaxTotal) {
    return absl::InvalidArgumentError(absl::StrCat("weights=", size.weight_bytes,
                                                   ", kv cache=", size.kv_cache_bytes,
                                                   ": at most 2^50 bytes each"));
  }
  ModelLayout layout;
  layout.models = models;
  layout.layers = size.layers;
  layout.page_size = page_size;
  const auto layers = static_cast<uint64_t>(size.layers);
  layout.layer_weight_bytes = DivideRoundingUp(size.weight_bytes, layers * page_size) * page_size;
  layout.layer_kv_bytes = DivideRoundingUp(size.kv_cache_bytes, layers * page_size) * page_size;
  layout.kv_row_bytes = size.kv_row_bytes;
  if (layout.kv_row_bytes > layout.layer_kv_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("kv row=", size.kv_row_bytes,
                                                   " bytes is larger than one layer's KV slice (",
                                                   layout.layer_kv_bytes, " bytes)"));
  }
  if (layout.total_bytes() > kMaxTotal) {
    return absl::InvalidArgumentError(
        absl::StrCat("the models need ", layout.total_bytes(), " bytes; at most 2^50"));
  }
  if (layout.total_bytes() / page_size > 0xffffffffull) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the models span ", layout.total_bytes() / page_size, " pages; at most 2^32-1"));
  }
  return layout;
}

std::string ModelName(int model) {
  return absl::StrCat("model-", std::string(1, static_cast<char>('a' + model % 26)));
}

std::vector<uint32_t> TokenReadPages(const ModelLayout& layout, int model) {
  const uint64_t base = static_cast<uint64_t>(model) * layout.model_pages();
  const uint64_t kv_base = base + layout.weight_bytes() / layout.page_size;
  const uint64_t wp = layout.layer_weight_pages();
  const uint64_t kp = layout.layer_kv_pages();
  std::vector<uint32_t> pages;
  pages.reserve(layout.model_pages());
  for (uint64_t l = 0; l < static_cast<uint64_t>(layout.layers); ++l) {
    for (uint64_t i = 0; i < wp; ++i) pages.push_back(static_cast<uint32_t>(base + l * wp + i));
    for (uint64_t i = 0; i < kp; ++i) pages.push_back(static_cast<uint32_t>(kv_base + l * kp + i));
  }
  return pages;
}

LayerOffsets LayerOffsetsOf(const ModelLayout& layout, uint64_t layer, uint64_t position) {
  LayerOffsets o;
  o.weights = layer * layout.layer_weight_bytes;
  o.kv_slice = layer * layout.layer_kv_bytes;
  o.kv_row = o.kv_slice + (position % layout.kv_positions()) * layout.kv_row_bytes;
  return o;
}

}  // namespace spillway::samples::three_models
