// Helpers for the Ascend backend tests: a backend over the CPU fake of
// libascendcl.so with a chosen simulator spec.
#ifndef SPILLWAY_TESTS_BACKENDS_ASCEND_ASCEND_TEST_SUPPORT_H_
#define SPILLWAY_TESTS_BACKENDS_ASCEND_ASCEND_TEST_SUPPORT_H_

#include <stdlib.h>

#include <memory>
#include <optional>
#include <string>

#include "spillway/backends/ascend/ascend_backend.h"
#include "spillway/backends/fake/fake_spec.h"
#include "spillway/hal/backend.h"

namespace spillway::ascend::testing {

// Sets (or unsets, for nullopt) an environment variable for its lifetime.
// Not thread-safe: tests use it before starting threads.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = getenv(name); old != nullptr) old_ = old;
    if (value.has_value()) {
      setenv(name, value->c_str(), 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_.has_value()) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// The fake reads the spec in aclInit, i.e. when the first backend is created
// (and after the last one is gone: aclFinalize drops the simulated devices).
inline std::unique_ptr<hal::Backend> FakeAscendBackend(const std::string& spec) {
  ScopedEnv env(fake::kFakeSpecEnvVar, spec);
  return CreateAscendBackend(SPILLWAY_FAKE_ASCENDCL);
}

}  // namespace spillway::ascend::testing

#endif  // SPILLWAY_TESTS_BACKENDS_ASCEND_ASCEND_TEST_SUPPORT_H_
