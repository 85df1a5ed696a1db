// Test support: a private copy of the real Level Zero loader and of the fake
// driver, configured with a fake spec of their own.
//
// The loader discovers drivers once per load, and the fake driver reads
// SPILLWAY_FAKE_SPEC once, at zeInit; a library loaded twice from one path is
// one instance. Each FakeLevelZero copies both files into a directory of its
// own, so the backend it creates loads a fresh loader that loads a fresh
// driver with the spec given here (ZE_ENABLE_ALT_DRIVERS names that driver).
//
// Thread-safety: create backends on the test's main thread (this sets
// environment variables). Ownership: removes its copies when destroyed; the
// backends that loaded them must be gone by then.
#ifndef SPILLWAY_TESTS_BACKENDS_LEVELZERO_FAKE_LEVEL_ZERO_H_
#define SPILLWAY_TESTS_BACKENDS_LEVELZERO_FAKE_LEVEL_ZERO_H_

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "spillway/backends/fake/fake_spec.h"
#include "spillway/backends/levelzero/levelzero_backend.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/registry.h"

namespace spillway::levelzero::testing {

// Set by CMake: the fake driver built in this tree and the installed loader.
inline constexpr char kBuiltFakeDriver[] = SPILLWAY_FAKE_ZE_DRIVER;
inline constexpr char kInstalledLoader[] = SPILLWAY_ZE_LOADER_PATH;

class FakeLevelZero {
 public:
  // `sysman`: whether ZES_ENABLE_SYSMAN=1 is set when the driver initializes.
  explicit FakeLevelZero(const std::string& spec, bool sysman = false)
      : spec_(spec), sysman_(sysman) {
    static std::atomic<int> serial{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("spillway-fake-level-zero-" + std::to_string(getpid()) + "-" +
            std::to_string(serial.fetch_add(1)));
    std::filesystem::create_directories(dir_);
    loader_ = (dir_ / "libze_loader.so.1").string();
    driver_ = (dir_ / "libze_spillway_fake.so").string();
    std::filesystem::copy_file(kInstalledLoader, loader_);
    std::filesystem::copy_file(kBuiltFakeDriver, driver_);
  }
  ~FakeLevelZero() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  FakeLevelZero(const FakeLevelZero&) = delete;
  FakeLevelZero& operator=(const FakeLevelZero&) = delete;

  const std::string& loader() const { return loader_; }
  const std::string& driver() const { return driver_; }

  // Points the environment at this copy: the loader reads it when the
  // backend loads and initializes it.
  void Activate() const {
    setenv("ZE_ENABLE_ALT_DRIVERS", driver_.c_str(), /*overwrite=*/1);
    setenv(fake::kFakeSpecEnvVar, spec_.c_str(), /*overwrite=*/1);
    if (sysman_) {
      setenv("ZES_ENABLE_SYSMAN", "1", /*overwrite=*/1);
    } else {
      unsetenv("ZES_ENABLE_SYSMAN");
    }
  }

  std::unique_ptr<hal::Backend> CreateBackend() const {
    Activate();
    return CreateLevelZeroBackend(loader_);
  }

  // A registry factory of backends over a new copy simulating `spec`; the
  // copy lives as long as the factory.
  static hal::BackendFactory Factory(const std::string& spec) { return FactoryOf(spec, false); }
  // The same with ZES_ENABLE_SYSMAN=1, so that free memory is reported.
  static hal::BackendFactory SysmanFactory(const std::string& spec) {
    return FactoryOf(spec, true);
  }

 private:
  static hal::BackendFactory FactoryOf(const std::string& spec, bool sysman) {
    auto fake = std::make_shared<const FakeLevelZero>(spec, sysman);
    return [fake] { return fake->CreateBackend(); };
  }

  std::string spec_;
  bool sysman_;
  std::filesystem::path dir_;
  std::string loader_;
  std::string driver_;
};

}  // namespace spillway::levelzero::testing

#endif  // SPILLWAY_TESTS_BACKENDS_LEVELZERO_FAKE_LEVEL_ZERO_H_
