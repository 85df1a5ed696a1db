// Helpers for the Cambricon backend tests: a backend over the CPU fake of
// libcnrt.so with a chosen simulator spec.
#ifndef SPILLWAY_TESTS_BACKENDS_CAMBRICON_CAMBRICON_TEST_SUPPORT_H_
#define SPILLWAY_TESTS_BACKENDS_CAMBRICON_CAMBRICON_TEST_SUPPORT_H_

#include <dlfcn.h>

#include <memory>
#include <string>

#include "scoped_env.h"
#include "spillway/backends/cambricon/cambricon_backend.h"
#include "spillway/backends/cambricon/cnrt_abi.h"
#include "spillway/backends/fake/fake_spec.h"
#include "spillway/hal/backend.h"

namespace spillway::cambricon::testing {

using ::spillway::hal::vendor_fake::ScopedEnv;

// CNRT has no init call: the fake reads its spec on first use. Resetting every
// device (nothing may be alive) makes it read the spec again on the next call.
inline void ResetFakeCnrt() {
  void* library = dlopen(SPILLWAY_FAKE_CNRT, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) return;
  auto* count = reinterpret_cast<abi::Fn_cnrtGetDeviceCount*>(dlsym(library, "cnrtGetDeviceCount"));
  auto* set = reinterpret_cast<abi::Fn_cnrtSetDevice*>(dlsym(library, "cnrtSetDevice"));
  auto* reset = reinterpret_cast<abi::Fn_cnrtDeviceReset*>(dlsym(library, "cnrtDeviceReset"));
  unsigned devices = 0;
  if (count != nullptr && set != nullptr && reset != nullptr && count(&devices) == abi::kSuccess) {
    for (unsigned i = 0; i < devices; ++i) {
      if (set(static_cast<int>(i)) == abi::kSuccess) (void)reset();
    }
  }
  dlclose(library);
}

// A backend over the fake with `spec`. No other fake backend may be alive.
inline std::unique_ptr<hal::Backend> FakeCambriconBackend(const std::string& spec) {
  ResetFakeCnrt();
  ScopedEnv env(fake::kFakeSpecEnvVar, spec);
  return CreateCambriconBackend(SPILLWAY_FAKE_CNRT);
}

}  // namespace spillway::cambricon::testing

#endif  // SPILLWAY_TESTS_BACKENDS_CAMBRICON_CAMBRICON_TEST_SUPPORT_H_
