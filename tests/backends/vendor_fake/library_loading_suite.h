// How a backend finds and loads its vendor library, written once and
// instantiated per vendor (VendorLibraryLoadingTest):
//   - a missing library leaves the backend constructed but UNAVAILABLE,
//     naming the library, with no device;
//   - a library without a required symbol is UNAVAILABLE naming the symbol;
//   - the library comes from the backend's environment variable (the default
//     when unset or empty), and the registered backend opens a device of the
//     library it names.
//
// A vendor's test file instantiates it (the suite name must be visible
// unqualified, e.g. by a using):
//   INSTANTIATE_TEST_SUITE_P(Ascend, VendorLibraryLoadingTest,
//                            ::testing::Values(VendorLibrary{.name = "ascend", ...}),
//                            VendorLibraryName);
//
// Thread-safety: one test thread (the tests set environment variables).
#ifndef SPILLWAY_TESTS_BACKENDS_VENDOR_FAKE_LIBRARY_LOADING_SUITE_H_
#define SPILLWAY_TESTS_BACKENDS_VENDOR_FAKE_LIBRARY_LOADING_SUITE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/registry.h"

namespace spillway::hal::vendor_fake {

struct VendorLibrary {
  // The backend's name ("ascend"); also the test name suffix.
  std::string name;
  // The backend's Create<Vendor>Backend(library).
  std::function<std::unique_ptr<Backend>(const std::string& library)> create;
  // A library that has some of the vendor's symbols but not `missing_symbol`,
  // the first required one that load looks for and does not find.
  std::string incomplete_library;
  std::string missing_symbol;
  // The backend's environment variable, its <Vendor>LibraryFromEnvironment(),
  // and the library it loads by default.
  const char* library_env_var = nullptr;
  std::function<std::string()> library_from_environment;
  std::string default_library;
  // The backend's Register<Vendor>Backend.
  std::function<absl::Status(Registry&)> register_backend;
  // The CPU fake of the library, simulating two devices when loaded.
  std::string fake_library;
  // Runs before and after each test that loads the fake, so that it reads the
  // test's spec (for fakes that keep state while the library stays loaded).
  std::function<void()> reset_fake;
};

// gtest parameter name: the vendor's name.
std::string VendorLibraryName(const ::testing::TestParamInfo<VendorLibrary>& info);

class VendorLibraryLoadingTest : public ::testing::TestWithParam<VendorLibrary> {
 protected:
  void SetUp() override;
  void TearDown() override;
};

}  // namespace spillway::hal::vendor_fake

#endif  // SPILLWAY_TESTS_BACKENDS_VENDOR_FAKE_LIBRARY_LOADING_SUITE_H_
