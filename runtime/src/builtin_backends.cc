#include "spillway/backends/ascend/ascend_backend.h"
#include "spillway/backends/cambricon/cambricon_backend.h"
#include "spillway/backends/cuda/cuda_backend.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/backends/hygon/hygon_backend.h"
#include "spillway/backends/levelzero/levelzero_backend.h"
#include "spillway/hal/status.h"
#include "spillway/runtime.h"

namespace spillway {

absl::Status RegisterBuiltinBackends(hal::Registry& registry) {
  // One line per backend compiled into the runtime.
  SPILLWAY_RETURN_IF_ERROR(cuda::RegisterCudaBackend(registry));
  SPILLWAY_RETURN_IF_ERROR(ascend::RegisterAscendBackend(registry));
  SPILLWAY_RETURN_IF_ERROR(cambricon::RegisterCambriconBackend(registry));
  SPILLWAY_RETURN_IF_ERROR(hygon::RegisterHygonBackend(registry));
  SPILLWAY_RETURN_IF_ERROR(levelzero::RegisterLevelZeroBackend(registry));
  return fake::RegisterFakeBackend(registry);
}

}  // namespace spillway
