// What the preload shim is told by the environment: HAMi's contract (through
// spillway::runtime::RuntimeConfig) plus the shim's own variables.
#ifndef SPILLWAY_INTERPOSE_CUDA_SRC_SHIM_SETTINGS_H_
#define SPILLWAY_INTERPOSE_CUDA_SRC_SHIM_SETTINGS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "spillway/runtime/config.h"

namespace spillway::interpose {

// Device memory charged for each CUDA context the process holds (Size syntax
// of config.h). Contexts take device memory the allocation calls never show;
// the driver offers no per-context figure, so the amount is configured.
inline constexpr char kContextSizeEnvVar[] = "SPILLWAY_CUDA_CONTEXT_SIZE";

struct ShimSettings {
  runtime::RuntimeConfig config;
  // Whether the shim governs memory at all: some device has a limit, virtual
  // size, factor or headroom, oversubscription is on, or a ledger path is
  // given. Otherwise every call passes straight through (invariant 5).
  bool governs = false;
  uint64_t context_bytes = 0;
};

// INVALID_ARGUMENT naming the variable and value for anything malformed
// (the shim then refuses to start rather than run with a wrong limit).
// Thread-safe (pure).
absl::StatusOr<ShimSettings> ShimSettingsFromEnvironment(const runtime::Environment& env);

}  // namespace spillway::interpose

#endif  // SPILLWAY_INTERPOSE_CUDA_SRC_SHIM_SETTINGS_H_
