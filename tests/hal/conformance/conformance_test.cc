// The HAL conformance executable: registers every backend the build has and
// runs the whole suite once per backend ("Backends/<Suite>.<Test>/<backend>").
//
// To add a backend, add one line to kBackends below (and link its library in
// CMakeLists.txt). A backend whose vendor library is missing on this machine
// is still registered; its tests are skipped with the reason.
#include <stdlib.h>

#include <iostream>

#include "absl/status/status.h"
#include "conformance_fixture.h"
#include "spillway/backends/ascend/ascend_backend.h"
#include "spillway/backends/cambricon/cambricon_backend.h"
#include "spillway/backends/cuda/cuda_backend.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/backends/fake/fake_spec.h"
#include "spillway/backends/hygon/hygon_backend.h"
#include "spillway/backends/levelzero/levelzero_backend.h"
#include "spillway/hal/registry.h"

namespace spillway::hal::conformance {
namespace {

using RegisterBackend = absl::Status (*)(Registry&);

// One line per backend.
constexpr RegisterBackend kBackends[] = {
    &fake::RegisterFakeBackend,
    &ascend::RegisterAscendBackend,
    &cambricon::RegisterCambriconBackend,
    &hygon::RegisterHygonBackend,
    &levelzero::RegisterLevelZeroBackend,
    &cuda::RegisterCudaBackend,
};

// Two small fake devices: enough for the cross-device tests, small enough that
// exhausting a device is quick. An explicit SPILLWAY_FAKE_SPEC wins.
constexpr char kDefaultFakeSpec[] = "devices=2,memory=256m";

}  // namespace

Registry& ConformanceRegistry() {
  // Never destroyed: backends must outlive anything a test leaves behind.
  static Registry* registry = [] {
    setenv(fake::kFakeSpecEnvVar, kDefaultFakeSpec, /*overwrite=*/0);
    auto* created = new Registry();
    for (RegisterBackend register_backend : kBackends) {
      absl::Status status = register_backend(*created);
      if (!status.ok()) std::cerr << "conformance: registering a backend failed: " << status << "\n";
    }
    return created;
  }();
  return *registry;
}

}  // namespace spillway::hal::conformance

SPILLWAY_INSTANTIATE_HAL_CONFORMANCE();
