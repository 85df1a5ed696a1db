#include "spillway/backends/fake/fake_backend.h"
#include "spillway/runtime.h"

namespace spillway {

absl::Status RegisterBuiltinBackends(hal::Registry& registry) {
  // One line per backend compiled into the runtime.
  return fake::RegisterFakeBackend(registry);
}

}  // namespace spillway
