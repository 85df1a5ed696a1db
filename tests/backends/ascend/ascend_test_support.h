// Helpers for the Ascend backend tests: a backend over the CPU fake of
// libascendcl.so with a chosen simulator spec.
#ifndef SPILLWAY_TESTS_BACKENDS_ASCEND_ASCEND_TEST_SUPPORT_H_
#define SPILLWAY_TESTS_BACKENDS_ASCEND_ASCEND_TEST_SUPPORT_H_

#include <memory>
#include <string>

#include "scoped_env.h"
#include "spillway/backends/ascend/ascend_backend.h"
#include "spillway/backends/fake/fake_spec.h"
#include "spillway/hal/backend.h"

namespace spillway::ascend::testing {

using ::spillway::hal::vendor_fake::ScopedEnv;

// The fake reads the spec in aclInit, i.e. when the first backend is created
// (and after the last one is gone: aclFinalize drops the simulated devices).
inline std::unique_ptr<hal::Backend> FakeAscendBackend(const std::string& spec) {
  ScopedEnv env(fake::kFakeSpecEnvVar, spec);
  return CreateAscendBackend(SPILLWAY_FAKE_ASCENDCL);
}

}  // namespace spillway::ascend::testing

#endif  // SPILLWAY_TESTS_BACKENDS_ASCEND_ASCEND_TEST_SUPPORT_H_
