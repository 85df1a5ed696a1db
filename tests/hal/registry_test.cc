// Registry: registration rules, lazy creation, selection through
// SPILLWAY_BACKENDS and SetEnabled, and device lookup by URI.
#include "spillway/hal/registry.h"

#include <stdlib.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "host_backed_backend.h"

namespace spillway::hal {
namespace {

using ::spillway::hal::testing::HostBackedBackend;
using ::spillway::hal::testing::HostBackedOptions;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// A factory that counts how many backends it made.
BackendFactory CountingFactory(HostBackedOptions options, std::atomic<int>* made) {
  return [options, made]() -> std::unique_ptr<Backend> {
    if (made != nullptr) ++*made;
    return std::make_unique<HostBackedBackend>(options);
  };
}

BackendFactory Factory(std::string name, int devices = 1,
                       absl::Status availability = absl::OkStatus()) {
  HostBackedOptions options;
  options.name = std::move(name);
  options.device_count = devices;
  options.availability = std::move(availability);
  return CountingFactory(options, nullptr);
}

// Sets SPILLWAY_BACKENDS for the lifetime of the object; restores it after.
class ScopedBackendsEnv {
 public:
  explicit ScopedBackendsEnv(const char* value) {
    if (const char* old = getenv(kBackendsEnvVar)) old_ = old;
    if (value == nullptr) {
      unsetenv(kBackendsEnvVar);
    } else {
      setenv(kBackendsEnvVar, value, 1);
    }
  }
  ~ScopedBackendsEnv() {
    if (old_) {
      setenv(kBackendsEnvVar, old_->c_str(), 1);
    } else {
      unsetenv(kBackendsEnvVar);
    }
  }

 private:
  std::optional<std::string> old_;
};

TEST(RegistryTest, RegistersAndListsNames) {
  ScopedBackendsEnv env(nullptr);
  Registry registry;
  EXPECT_TRUE(registry.RegisteredNames().empty());
  ASSERT_TRUE(registry.Register("alpha", Factory("alpha")).ok());
  ASSERT_TRUE(registry.Register("beta", Factory("beta")).ok());
  EXPECT_THAT(registry.RegisteredNames(), UnorderedElementsAre("alpha", "beta"));
}

TEST(RegistryTest, DuplicateNameIsAlreadyExists) {
  ScopedBackendsEnv env(nullptr);
  Registry registry;
  ASSERT_TRUE(registry.Register("alpha", Factory("alpha")).ok());
  absl::Status again = registry.Register("alpha", Factory("alpha", 3));
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  EXPECT_THAT(std::string(again.message()), HasSubstr("alpha"));
  // The first registration is kept.
  absl::StatusOr<Backend*> backend = registry.GetBackend("alpha");
  ASSERT_TRUE(backend.ok()) << backend.status();
  EXPECT_EQ((*backend)->DeviceCount(), 1);
}

TEST(RegistryTest, BadNamesAreInvalidArgument) {
  ScopedBackendsEnv env(nullptr);
  Registry registry;
  for (const char* bad : {"", "Fake", "fa ke", "fake!", "a/b", "a:b", "fake://0", "a.b"}) {
    absl::Status status = registry.Register(bad, Factory("x"));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << "'" << bad << "': " << status;
  }
  EXPECT_TRUE(registry.RegisteredNames().empty());
  for (const char* good : {"a", "fake", "level-zero", "my_backend2", "0"}) {
    EXPECT_TRUE(registry.Register(good, Factory(good)).ok()) << good;
  }
}

TEST(RegistryTest, CreatesBackendOnFirstUseOnly) {
  ScopedBackendsEnv env(nullptr);
  Registry registry;
  std::atomic<int> made{0};
  HostBackedOptions options;
  options.name = "lazy";
  ASSERT_TRUE(registry.Register("lazy", CountingFactory(options, &made)).ok());
  EXPECT_EQ(made, 0);
  absl::StatusOr<Backend*> first = registry.GetBackend("lazy");
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<Backend*> second = registry.GetBackend("lazy");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(made, 1);
}

TEST(RegistryTest, ConcurrentFirstUseCreatesOneBackend) {
  ScopedBackendsEnv env(nullptr);
  Registry registry;
  std::atomic<int> made{0};
  HostBackedOptions options;
  options.name = "racy";
  ASSERT_TRUE(registry.Register("racy", CountingFactory(options, &made)).ok());
  constexpr int kThreads = 8;
  std::vector<Backend*> seen(kThreads, nullptr);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&registry, &seen, i] {
      absl::StatusOr<Backend*> backend = registry.GetBackend("racy");
      if (backend.ok()) seen[static_cast<size_t>(i)] = *backend;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(made, 1);
  for (Backend* backend : seen) EXPECT_EQ(backend, seen[0]);
  EXPECT_NE(seen[0], nullptr);
}

TEST(RegistryTest, UnknownBackendIsNotFound) {
  ScopedBackendsEnv env(nullptr);
  Registry registry;
  ASSERT_TRUE(registry.Register("alpha", Factory("alpha")).ok());
  absl::StatusOr<Backend*> backend = registry.GetBackend("gamma");
  EXPECT_EQ(backend.status().code(), absl::StatusCode::kNotFound) << backend.status();
  EXPECT_THAT(std::string(backend.status().message()), HasSubstr("gamma"));
  absl::StatusOr<Device*> device = registry.OpenDevice("gamma://0");
  EXPECT_EQ(device.status().code(), absl::StatusCode::kNotFound) << device.status();
}

TEST(RegistryTest, EnvironmentSelectsBackends) {
  ScopedBackendsEnv env("beta,gamma");
  Registry registry;
  ASSERT_TRUE(registry.Register("alpha", Factory("alpha")).ok());
  ASSERT_TRUE(registry.Register("beta", Factory("beta")).ok());
  EXPECT_FALSE(registry.IsEnabled("alpha"));
  EXPECT_TRUE(registry.IsEnabled("beta"));
  absl::StatusOr<Backend*> alpha = registry.GetBackend("alpha");
  EXPECT_EQ(alpha.status().code(), absl::StatusCode::kUnavailable) << alpha.status();
  EXPECT_THAT(std::string(alpha.status().message()), HasSubstr("alpha"));
  EXPECT_TRUE(registry.GetBackend("beta").ok());
  EXPECT_EQ(registry.OpenDevice("alpha://0").status().code(), absl::StatusCode::kUnavailable);
  ASSERT_EQ(registry.Devices().size(), 1u);
  EXPECT_EQ(registry.Devices()[0]->uri(), "beta://0");
}

TEST(RegistryTest, EnvironmentListToleratesSpacesAndEmptyItems) {
  ScopedBackendsEnv env(" beta , ,gamma ");
  Registry registry;
  ASSERT_TRUE(registry.Register("alpha", Factory("alpha")).ok());
  ASSERT_TRUE(registry.Register("beta", Factory("beta")).ok());
  EXPECT_FALSE(registry.IsEnabled("alpha"));
  EXPECT_TRUE(registry.IsEnabled("beta"));
  EXPECT_TRUE(registry.IsEnabled("gamma"));
}

TEST(RegistryTest, EmptyEnvironmentEnablesAll) {
  ScopedBackendsEnv env("");
  Registry registry;
  ASSERT_TRUE(registry.Register("alpha", Factory("alpha")).ok());
  ASSERT_TRUE(registry.Register("beta", Factory("beta")).ok());
  EXPECT_TRUE(registry.IsEnabled("alpha"));
  EXPECT_TRUE(registry.IsEnabled("beta"));
  EXPECT_TRUE(registry.GetBackend("alpha").ok());
}

TEST(RegistryTest, EnvironmentIsReadOnceAtConstruction) {
  ScopedBackendsEnv env("alpha");
  Registry registry;
  ASSERT_TRUE(registry.Register("alpha", Factory("alpha")).ok());
  ASSERT_TRUE(registry.Register("beta", Factory("beta")).ok());
  setenv(kBackendsEnvVar, "beta", 1);
  EXPECT_TRUE(registry.IsEnabled("alpha"));
  EXPECT_FALSE(registry.IsEnabled("beta"));
}

TEST(RegistryTest, SetEnabledReplacesTheSelection) {
  ScopedBackendsEnv env("alpha");
  Registry registry;
  ASSERT_TRUE(registry.Register("alpha", Factory("alpha")).ok());
  ASSERT_TRUE(registry.Register("beta", Factory("beta")).ok());

  registry.SetEnabled(std::vector<std::string>{"beta"});
  EXPECT_FALSE(registry.IsEnabled("alpha"));
  EXPECT_TRUE(registry.IsEnabled("beta"));
  EXPECT_EQ(registry.GetBackend("alpha").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(registry.GetBackend("beta").ok());

  registry.SetEnabled(std::nullopt);
  EXPECT_TRUE(registry.IsEnabled("alpha"));
  EXPECT_TRUE(registry.IsEnabled("beta"));
  EXPECT_TRUE(registry.GetBackend("alpha").ok());

  registry.SetEnabled(std::vector<std::string>{});
  EXPECT_FALSE(registry.IsEnabled("alpha"));
  EXPECT_FALSE(registry.IsEnabled("beta"));
  EXPECT_TRUE(registry.Devices().empty());
}

TEST(RegistryTest, UnavailableBackendIsReturnedButHasNoDevices) {
  ScopedBackendsEnv env(nullptr);
  Registry registry;
  ASSERT_TRUE(registry
                  .Register("absent", Factory("absent", 2,
                                              absl::UnavailableError("libabsent.so.1 missing")))
                  .ok());
  absl::StatusOr<Backend*> backend = registry.GetBackend("absent");
  ASSERT_TRUE(backend.ok()) << backend.status();
  EXPECT_EQ((*backend)->Availability().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ((*backend)->DeviceCount(), 0);
  absl::StatusOr<Device*> device = registry.OpenDevice("absent://0");
  EXPECT_EQ(device.status().code(), absl::StatusCode::kUnavailable) << device.status();
  EXPECT_TRUE(registry.Devices().empty());
}

TEST(RegistryTest, OpenDeviceFindsTheDeviceOfTheUri) {
  ScopedBackendsEnv env(nullptr);
  Registry registry;
  ASSERT_TRUE(registry.Register("alpha", Factory("alpha", 3)).ok());
  absl::StatusOr<Backend*> backend = registry.GetBackend("alpha");
  ASSERT_TRUE(backend.ok());
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<Device*> opened = registry.OpenDevice("alpha://" + std::to_string(i));
    ASSERT_TRUE(opened.ok()) << opened.status();
    absl::StatusOr<Device*> direct = (*backend)->GetDevice(i);
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(*opened, *direct);
    EXPECT_EQ((*opened)->properties().ordinal, i);
  }
}

TEST(RegistryTest, OpenDeviceRejectsBadOrdinalsAndText) {
  ScopedBackendsEnv env(nullptr);
  Registry registry;
  ASSERT_TRUE(registry.Register("alpha", Factory("alpha", 2)).ok());
  for (const char* bad : {"alpha://2", "alpha://-1", "alpha://", "alpha:/0", "alpha", ""}) {
    absl::StatusOr<Device*> device = registry.OpenDevice(bad);
    EXPECT_EQ(device.status().code(), absl::StatusCode::kInvalidArgument)
        << "'" << bad << "': " << device.status();
  }
}

TEST(RegistryTest, DevicesListsEnabledAvailableBackendsInRegistrationOrder) {
  ScopedBackendsEnv env(nullptr);
  Registry registry;
  // Names registered out of alphabetical order, so a sorted map alone would
  // give the wrong order.
  ASSERT_TRUE(registry.Register("zeta", Factory("zeta", 2)).ok());
  ASSERT_TRUE(
      registry.Register("absent", Factory("absent", 1, absl::UnavailableError("no lib"))).ok());
  ASSERT_TRUE(registry.Register("alpha", Factory("alpha", 1)).ok());
  std::vector<std::string> uris;
  for (Device* device : registry.Devices()) uris.push_back(device->uri());
  EXPECT_THAT(uris, ElementsAre("zeta://0", "zeta://1", "alpha://0"));
}

}  // namespace
}  // namespace spillway::hal
