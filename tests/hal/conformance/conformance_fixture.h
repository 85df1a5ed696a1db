// The HAL conformance suite: written once, instantiated for every registered
// backend (DESIGN.md, "Tests"). Each test is a TEST_P over a backend name.
//
// An executable provides ConformanceRegistry() (the backends to check) and
// expands SPILLWAY_INSTANTIATE_HAL_CONFORMANCE() once; see conformance_test.cc.
//
// Skipping: a disabled or unavailable backend skips every test with its
// Availability() message; a test that needs a capability the device lacks
// skips with the reason the backend gives in Limitations().
//
// Thread-safety: fixtures are used by one test thread (tests that start
// threads join them before returning). Ownership: the registry owns backends
// and devices; TestBuffer owns one allocation and frees it when destroyed.
#ifndef SPILLWAY_TESTS_HAL_CONFORMANCE_CONFORMANCE_FIXTURE_H_
#define SPILLWAY_TESTS_HAL_CONFORMANCE_CONFORMANCE_FIXTURE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/device.h"
#include "spillway/hal/registry.h"
#include "spillway/hal/types.h"

namespace spillway::hal::conformance {

// Defined by the executable: the registry holding every backend to check.
// Called lazily (when gtest expands the instantiations), so it may set
// environment variables the backends read before it registers them.
Registry& ConformanceRegistry();

// Where a test buffer lives: ordinary host memory or one of the three kinds.
enum class Place { kPageable, kPinned, kDevice, kManaged };
const char* PlaceName(Place place);

// One buffer of `size` bytes in a Place. Device memory is freed through the
// device that allocated it when the buffer is destroyed.
class TestBuffer {
 public:
  static absl::StatusOr<TestBuffer> Create(Device& device, Place place, size_t size);
  TestBuffer(TestBuffer&& other) noexcept;
  TestBuffer& operator=(TestBuffer&& other) noexcept;
  ~TestBuffer();

  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  Place place() const { return place_; }
  // Whether the CPU may read and write data() directly.
  bool host_accessible() const { return place_ != Place::kDevice; }
  // Frees now (through the device for device memory) and returns its status.
  absl::Status Free();

 private:
  TestBuffer(Device* device, Place place, uint8_t* data, size_t size)
      : device_(device), place_(place), data_(data), size_(size) {}

  Device* device_ = nullptr;
  Place place_ = Place::kPageable;
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Deterministic bytes that differ between seeds and between nearby offsets,
// so a copy from the wrong offset or of the wrong buffer shows.
std::vector<uint8_t> Pattern(size_t size, uint32_t seed);

// Synchronous helpers built on Device::Copy (the device reads or writes any
// Place; pageable memory is the reference).
absl::Status Upload(Device& device, void* dst, const std::vector<uint8_t>& bytes);
absl::StatusOr<std::vector<uint8_t>> Download(Device& device, const void* src, size_t size);

// Index of the first difference, or -1 (gtest prints this well for large buffers).
int64_t FirstMismatch(const std::vector<uint8_t>& actual, const std::vector<uint8_t>& expected);

class HalConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Skips (GTEST_SKIP) when the backend is disabled or unavailable.
  void SetUp() override;

  const std::string& backend_name() const { return GetParam(); }
  Backend& backend() { return *backend_; }
  int device_count() { return backend_->DeviceCount(); }
  // Device `ordinal`; fails the test (and returns device 0) when absent.
  Device& device(int ordinal = 0);

  // The Limitations() reason for `what` (a capability name), or a note that
  // the backend gave none.
  std::string LimitationReason(absl::string_view what);
  std::string LimitationReason(Capability cap) { return LimitationReason(CapabilityName(cap)); }

  // The places device `d` supports as copy endpoints.
  std::vector<Place> Places(Device& d);

 private:
  Backend* backend_ = nullptr;
};

// Skips the current test unless `device_expr` has capability `cap`.
#define SPILLWAY_REQUIRE_CAPABILITY(device_expr, cap)                                   \
  do {                                                                                  \
    if (!(device_expr).properties().Has(cap)) {                                         \
      GTEST_SKIP() << (device_expr).uri() << " lacks " << ::spillway::hal::CapabilityName(cap) \
                   << ": " << LimitationReason(cap);                                    \
    }                                                                                   \
  } while (0)

// Skips the current test unless the backend has at least `n` devices.
#define SPILLWAY_REQUIRE_DEVICES(n)                                                     \
  do {                                                                                  \
    if (device_count() < (n)) {                                                         \
      GTEST_SKIP() << backend_name() << " has " << device_count() << " device(s); this " \
                   << "test needs " << (n);                                             \
    }                                                                                   \
  } while (0)

// One suite per area, so the output groups results. Each is instantiated for
// every backend by SPILLWAY_INSTANTIATE_HAL_CONFORMANCE.
class HalAvailabilityConformanceTest : public ::testing::TestWithParam<std::string> {};
class HalEnumerationConformanceTest : public HalConformanceTest {};
class HalMemoryConformanceTest : public HalConformanceTest {};
class HalCopyConformanceTest : public HalConformanceTest {};
class HalStreamConformanceTest : public HalConformanceTest {};
class HalEventConformanceTest : public HalConformanceTest {};
class HalManagedConformanceTest : public HalConformanceTest {};

// gtest parameter name for a backend ("fake", "level_zero", ...).
std::string BackendParamName(const ::testing::TestParamInfo<std::string>& info);

// The registered backend names, in registration order.
std::vector<std::string> ConformanceBackendNames();

}  // namespace spillway::hal::conformance

#define SPILLWAY_INSTANTIATE_HAL_CONFORMANCE_SUITE_(suite)                              \
  INSTANTIATE_TEST_SUITE_P(                                                             \
      Backends, suite,                                                                  \
      ::testing::ValuesIn(::spillway::hal::conformance::ConformanceBackendNames()),     \
      ::spillway::hal::conformance::BackendParamName)

// Instantiates every conformance suite over ConformanceRegistry()'s backends.
// Expand once, at namespace scope, in the executable's main file.
#define SPILLWAY_INSTANTIATE_HAL_CONFORMANCE()                                                 \
  namespace spillway::hal::conformance {                                                       \
  SPILLWAY_INSTANTIATE_HAL_CONFORMANCE_SUITE_(HalAvailabilityConformanceTest);                 \
  SPILLWAY_INSTANTIATE_HAL_CONFORMANCE_SUITE_(HalEnumerationConformanceTest);                  \
  SPILLWAY_INSTANTIATE_HAL_CONFORMANCE_SUITE_(HalMemoryConformanceTest);                       \
  SPILLWAY_INSTANTIATE_HAL_CONFORMANCE_SUITE_(HalCopyConformanceTest);                         \
  SPILLWAY_INSTANTIATE_HAL_CONFORMANCE_SUITE_(HalStreamConformanceTest);                       \
  SPILLWAY_INSTANTIATE_HAL_CONFORMANCE_SUITE_(HalEventConformanceTest);                        \
  SPILLWAY_INSTANTIATE_HAL_CONFORMANCE_SUITE_(HalManagedConformanceTest);                      \
  }                                                                                            \
  static_assert(true, "")

#endif  // SPILLWAY_TESTS_HAL_CONFORMANCE_CONFORMANCE_FIXTURE_H_
