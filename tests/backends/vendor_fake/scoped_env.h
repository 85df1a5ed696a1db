// Sets (or unsets) an environment variable for a scope, for backend tests
// that choose a vendor library or a fake's spec through the environment.
#ifndef SPILLWAY_TESTS_BACKENDS_VENDOR_FAKE_SCOPED_ENV_H_
#define SPILLWAY_TESTS_BACKENDS_VENDOR_FAKE_SCOPED_ENV_H_

#include <stdlib.h>

#include <optional>
#include <string>

namespace spillway::hal::vendor_fake {

// Sets `name` to `value` (unsets it for nullopt) and restores the previous
// value, or its absence, when destroyed. Not thread-safe: tests use it before
// starting threads.
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

}  // namespace spillway::hal::vendor_fake

#endif  // SPILLWAY_TESTS_BACKENDS_VENDOR_FAKE_SCOPED_ENV_H_
