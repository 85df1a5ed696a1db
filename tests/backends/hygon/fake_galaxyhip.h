// Test support: a private copy of the fake libgalaxyhip.so configured with a
// fake spec of its own.
//
// The fake reads SPILLWAY_FAKE_SPEC once, when it initializes, and a library
// loaded twice from one path is one instance. Each FakeGalaxyHip copies the
// built fake to a file of its own, so every copy the backend loads is a fresh
// instance with the spec given here, and tests of one process can use
// managed and non-managed devices side by side.
//
// Thread-safety: create and destroy on the test's main thread (it sets an
// environment variable). Ownership: removes its copy when destroyed; the
// backends that loaded it must be gone by then.
#ifndef SPILLWAY_TESTS_BACKENDS_HYGON_FAKE_GALAXYHIP_H_
#define SPILLWAY_TESTS_BACKENDS_HYGON_FAKE_GALAXYHIP_H_

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "spillway/backends/fake/fake_spec.h"
#include "spillway/backends/hygon/hygon_backend.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/registry.h"

namespace spillway::hygon::testing {

// Set by CMake: the fake built in this tree.
inline constexpr char kBuiltFakeGalaxyHip[] = SPILLWAY_FAKE_GALAXYHIP;

class FakeGalaxyHip {
 public:
  explicit FakeGalaxyHip(const std::string& spec) : spec_(spec) {
    static std::atomic<int> serial{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("spillway-fake-galaxyhip-" + std::to_string(getpid()) + "-" +
            std::to_string(serial.fetch_add(1)));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "libgalaxyhip.so").string();
    std::filesystem::copy_file(kBuiltFakeGalaxyHip, path_);
  }
  ~FakeGalaxyHip() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  FakeGalaxyHip(const FakeGalaxyHip&) = delete;
  FakeGalaxyHip& operator=(const FakeGalaxyHip&) = delete;

  const std::string& path() const { return path_; }

  // A backend over this copy. The fake reads the spec when the backend
  // initializes it, i.e. here.
  std::unique_ptr<hal::Backend> CreateBackend() const {
    setenv(fake::kFakeSpecEnvVar, spec_.c_str(), /*overwrite=*/1);
    return CreateHygonBackend({path_});
  }

  // A registry factory of backends over a new copy simulating `spec`; the
  // copy lives as long as the factory.
  static hal::BackendFactory Factory(const std::string& spec) {
    auto fake = std::make_shared<const FakeGalaxyHip>(spec);
    return [fake] { return fake->CreateBackend(); };
  }

 private:
  std::string spec_;
  std::filesystem::path dir_;
  std::string path_;
};

}  // namespace spillway::hygon::testing

#endif  // SPILLWAY_TESTS_BACKENDS_HYGON_FAKE_GALAXYHIP_H_
