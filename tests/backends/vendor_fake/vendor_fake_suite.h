// Backend tests that need a fresh CPU fake of the vendor library per test,
// with a spec of the test's own (the HAL conformance suite runs one spec per
// process), written once and instantiated per vendor:
//   - VendorInjectedErrorTest: an error injected into the fake's simulator
//     (the spec's fail= clause) reaches the HAL caller as its Status code,
//     with the vendor call and the vendor's name and code in the message,
//     and fails only the call it was injected into.
//   - VendorCallerMemoryTest: fills of the caller's (pageable) memory, which
//     vendor fill calls refuse, work synchronously and in stream order.
//
// A vendor's test file supplies a VendorFake and instantiates the suites that
// apply (the suite names must be visible unqualified, e.g. by a using):
//   INSTANTIATE_TEST_SUITE_P(Hygon, VendorCallerMemoryTest,
//                            ::testing::Values(VendorFake{
//                                .name = "hygon", .fake = FakeGalaxyHip::Factory}),
//                            VendorFakeName);
//
// Thread-safety: one test thread. Ownership: the fixture owns the backend and
// the fake behind it, and destroys the backend first.
#ifndef SPILLWAY_TESTS_BACKENDS_VENDOR_FAKE_VENDOR_FAKE_SUITE_H_
#define SPILLWAY_TESTS_BACKENDS_VENDOR_FAKE_VENDOR_FAKE_SUITE_H_

#include <functional>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/device.h"
#include "spillway/hal/registry.h"

namespace spillway::hal::vendor_fake {

// What the vendor calls the errors the fake's fail= clause injects.
struct VendorErrorNames {
  std::string allocate_call;  // the call behind Allocate(kDevice): "hipMalloc"
  std::string copy_failure;   // how a failed Copy's message starts: "hygon hipMemcpy failed: "
  // The vendor's name (and code) for fail=...:<code>, e.g. "hipErrorOutOfMemory (2)".
  std::string resource_exhausted;
  std::string invalid_argument;
  std::string unimplemented;
  std::string internal;
};

struct VendorFake {
  // The backend's name ("hygon"); also the test name suffix.
  std::string name;
  // A factory of backends over a fresh instance of the vendor library's CPU
  // fake simulating `spec` (docs/fake-device.md). The factory keeps alive
  // whatever the fake needs, such as a private copy of the library.
  std::function<BackendFactory(const std::string& spec)> fake;
  VendorErrorNames errors;
};

// gtest parameter name: the vendor's name.
std::string VendorFakeName(const ::testing::TestParamInfo<VendorFake>& info);

class VendorFakeTest : public ::testing::TestWithParam<VendorFake> {
 protected:
  void TearDown() override;

  // Device `ordinal` of a backend over a fresh fake simulating `spec`; null
  // (with a test failure) when the backend is unavailable or has no such
  // device. The previous backend and fake, if any, are destroyed first.
  Device* Open(const std::string& spec, int ordinal = 0);

 private:
  BackendFactory factory_;
  std::unique_ptr<Backend> backend_;
};

// One suite per area, so the output groups results; instantiate each that applies.
class VendorInjectedErrorTest : public VendorFakeTest {};
class VendorCallerMemoryTest : public VendorFakeTest {};

}  // namespace spillway::hal::vendor_fake

#endif  // SPILLWAY_TESTS_BACKENDS_VENDOR_FAKE_VENDOR_FAKE_SUITE_H_
