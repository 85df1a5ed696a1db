// Where the three models' bytes live and what one decode step reads: the
// shape every policy and the bound share, so they all see the same accesses.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_MODEL_LAYOUT_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_MODEL_LAYOUT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace spillway::samples::three_models {

// What one model is made of, as a user states it.
struct ModelSize {
  // 13B parameters at 8 bits.
  uint64_t weight_bytes = 13ull << 30;
  // A fixed-size KV cache per model: 40 layers x 1331 positions x 20 KiB
  // (K and V of 5120 fp16 values) is about 1 GiB, a ~1.3k-token context.
  uint64_t kv_cache_bytes = 1ull << 30;
  int layers = 40;
  // What one token appends to each layer's cache: K and V, 5120 fp16 each.
  uint64_t kv_row_bytes = 20ull << 10;
};

// Concrete sizes, rounded so that every layer's weights and every layer's
// KV slice start on a managed page: then a token's reads are whole pages and
// the page-level trace that the bound uses is exactly what kernels touch.
// A value type; thread-compatible.
struct ModelLayout {
  int models = 3;
  int layers = 40;
  uint64_t page_size = 2ull << 20;
  uint64_t layer_weight_bytes = 0;  // multiple of page_size
  uint64_t layer_kv_bytes = 0;      // multiple of page_size
  uint64_t kv_row_bytes = 0;        // <= layer_kv_bytes

  uint64_t weight_bytes() const { return static_cast<uint64_t>(layers) * layer_weight_bytes; }
  uint64_t kv_cache_bytes() const { return static_cast<uint64_t>(layers) * layer_kv_bytes; }
  uint64_t model_bytes() const { return weight_bytes() + kv_cache_bytes(); }
  uint64_t total_bytes() const { return static_cast<uint64_t>(models) * model_bytes(); }
  // Bytes one decode step reads: every layer's weights and KV slice.
  uint64_t token_read_bytes() const { return model_bytes(); }
  uint64_t layer_weight_pages() const { return layer_weight_bytes / page_size; }
  uint64_t layer_kv_pages() const { return layer_kv_bytes / page_size; }
  uint64_t model_pages() const { return model_bytes() / page_size; }
  // Positions a layer's KV slice holds; a token at position p writes row p
  // modulo this (a ring, so decoding never runs out of cache).
  uint64_t kv_positions() const { return layer_kv_bytes / kv_row_bytes; }
};

// Rounds each per-layer size up to whole pages. INVALID_ARGUMENT (naming the
// field) for models outside 1..26, layers outside 1..4096, a page size that is
// not a power of two >= 4 KiB, zero sizes, a KV row larger than a layer's
// slice, a total above 2^50 bytes or
// 2^32-1 pages.
absl::StatusOr<ModelLayout> MakeModelLayout(const ModelSize& size, int models, uint64_t page_size);

// "model-a", "model-b", ... for 0, 1, ...
std::string ModelName(int model);

// Page numbers that the bound uses: model m's pages are
// [m * model_pages, (m + 1) * model_pages), weights first (layer by layer),
// then the KV cache (layer by layer), in address order within each buffer.
//
// The pages one decode step of `model` reads, in the order the kernels read
// them: for each layer, its weight pages, then its KV pages.
std::vector<uint32_t> TokenReadPages(const ModelLayout& layout, int model);

// Where layer `layer` of a decode step at `position` reads and writes, as
// byte offsets: its weights in the weights buffer, its KV slice and the
// token's row (position modulo kv_positions()) in the KV cache. Every
// DecodeDevice uses this, so the fake and real devices touch the same bytes.
struct LayerOffsets {
  uint64_t weights = 0;
  uint64_t kv_slice = 0;
  uint64_t kv_row = 0;
};
LayerOffsets LayerOffsetsOf(const ModelLayout& layout, uint64_t layer, uint64_t position);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_MODEL_LAYOUT_H_
