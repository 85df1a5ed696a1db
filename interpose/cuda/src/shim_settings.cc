#include "shim_settings.h"

#include "spillway/hal/status.h"

namespace spillway::interpose {

absl::StatusOr<ShimSettings> ShimSettingsFromEnvironment(const runtime::Environment& env) {
  ShimSettings settings;
  SPILLWAY_ASSIGN_OR_RETURN(settings.config, runtime::RuntimeConfig::FromEnvironment(env));
  bool governs = settings.config.oversubscribe() || env.contains(runtime::kLedgerPathVar);
  for (int i = 0; i < runtime::kMaxConfiguredDevices && !governs; ++i) {
    SPILLWAY_ASSIGN_OR_RETURN(runtime::DeviceSettings d, settings.config.ForDevice(i));
    governs = d.memory_limit != 0 || d.virtual_size != 0 || d.oversubscribe_factor != 0 ||
              d.headroom != 0;
  }
  settings.governs = governs;
  auto context = env.find(kContextSizeEnvVar);
  if (context != env.end() && !context->second.empty()) {
    SPILLWAY_ASSIGN_OR_RETURN(settings.context_bytes,
                              runtime::ParseSize(kContextSizeEnvVar, context->second));
  }
  return settings;
}

}  // namespace spillway::interpose
