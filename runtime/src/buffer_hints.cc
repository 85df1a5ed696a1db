#include "spillway/runtime/buffer_hints.h"

namespace spillway::runtime {

const char* BufferRoleName(BufferRole role) {
  switch (role) {
    case BufferRole::kScratch: return "scratch";
    case BufferRole::kWeights: return "weights";
    case BufferRole::kKvCache: return "kv_cache";
    case BufferRole::kActivations: return "activations";
  }
  return "unknown";
}

}  // namespace spillway::runtime
