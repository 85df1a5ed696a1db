// A fake backend built from a spec string, with its device 0, for tests.
#ifndef SPILLWAY_TESTS_BACKENDS_FAKE_SIMULATED_DEVICE_H_
#define SPILLWAY_TESTS_BACKENDS_FAKE_SIMULATED_DEVICE_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/backends/fake/fake_device.h"
#include "spillway/backends/fake/fake_spec.h"

namespace spillway::fake::testing {

inline constexpr uint64_t kMiB = 1ull << 20;
inline constexpr uint64_t kGiB = 1ull << 30;

// Owns the backend; `device` is null (with a test failure) when the spec is bad.
struct SimulatedDevice {
  explicit SimulatedDevice(absl::string_view spec_text) {
    absl::StatusOr<FakeSpec> spec = ParseFakeSpec(spec_text);
    EXPECT_TRUE(spec.ok()) << spec.status();
    if (!spec.ok()) return;
    backend = CreateFakeBackend(*spec);
    absl::StatusOr<hal::Device*> d = backend->GetDevice(0);
    EXPECT_TRUE(d.ok()) << d.status();
    if (d.ok()) device = AsFakeDevice(*d);
  }

  std::unique_ptr<hal::Backend> backend;
  FakeDevice* device = nullptr;
};

}  // namespace spillway::fake::testing

#endif  // SPILLWAY_TESTS_BACKENDS_FAKE_SIMULATED_DEVICE_H_
