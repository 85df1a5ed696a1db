// The runtime's oversubscription, written once and instantiated per backend,
// as the HAL conformance suite is (tests/hal/conformance): spillway::Runtime
// presents 96 MiB of virtual memory on a 64 MiB device with 48 MiB usable,
// over the backend's real code and a CPU fake of its vendor library.
//   - With managed memory, what the device cannot hold is managed and the
//     tiering engine keeps no more than the budget resident.
//   - Without it, the overflow spills to pinned host memory the device maps.
//   - With neither, the overflow is refused and takes nothing.
// The limit holds on every path: the allocation that would pass it is
// RESOURCE_EXHAUSTED naming the limit.
//
// A vendor's test file supplies an OversubscriptionBackend and instantiates:
//   INSTANTIATE_TEST_SUITE_P(Hygon, RuntimeOversubscriptionTest,
//                            ::testing::Values(OversubscriptionBackend{
//                                .name = "hygon", .fake = FakeGalaxyHip::Factory}),
//                            OversubscriptionBackendName);
//
// Thread-safety: one test thread. Ownership: the fixture owns the registry
// (and through it the backend and its fake) and the runtime.
#ifndef SPILLWAY_TESTS_RUNTIME_OVERSUBSCRIPTION_OVERSUBSCRIPTION_SUITE_H_
#define SPILLWAY_TESTS_RUNTIME_OVERSUBSCRIPTION_OVERSUBSCRIPTION_SUITE_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "spillway/hal/registry.h"
#include "spillway/runtime.h"

namespace spillway::runtime::oversubscription {

struct OversubscriptionBackend {
  // The backend's registry name and URI scheme ("hygon"); also the test name suffix.
  std::string name;
  // A factory of backends over the vendor library's CPU fake simulating
  // `spec` (docs/fake-device.md). The factory keeps alive whatever the fake
  // needs, such as a private copy of the library: the registry destroys it
  // after the backend.
  std::function<hal::BackendFactory(const std::string& spec)> fake;
  // Empty where the vendor API has managed memory; otherwise why it has none
  // (CNRT 6), and the managed test checks the device indeed lacks it.
  std::string no_managed_memory;
};

// gtest parameter name: the backend's name.
std::string OversubscriptionBackendName(
    const ::testing::TestParamInfo<OversubscriptionBackend>& info);

class RuntimeOversubscriptionTest : public ::testing::TestWithParam<OversubscriptionBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The runtime over "<name>://0" of a fake 64 MiB device (16 MiB reserved)
  // with `features` appended to its spec ("managed=0"); null (with a test
  // failure) when it does not open.
  VirtualDevice* Open(const std::string& features);

  // Writes a pattern through the device, reads it back and compares: the
  // placement is usable memory, not just a number.
  static void ExpectUsable(VirtualDevice& dev, void* ptr, uint64_t size, uint8_t seed);

 private:
  std::filesystem::path dir_;
  RuntimeConfig config_;
  std::unique_ptr<hal::Registry> registry_;
  std::unique_ptr<Runtime> runtime_;
};

}  // namespace spillway::runtime::oversubscription

#endif  // SPILLWAY_TESTS_RUNTIME_OVERSUBSCRIPTION_OVERSUBSCRIPTION_SUITE_H_
