// DynamicLibrary: loading by name and path, candidate fallback, and symbol
// resolution with errors that name what is missing.
#include "spillway/hal/dynamic_library.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spillway::hal {
namespace {

using ::testing::HasSubstr;

constexpr char kLibm[] = "libm.so.6";
constexpr char kMissingA[] = "libspillway_absent_a.so.1";
constexpr char kMissingB[] = "libspillway_absent_b.so.7";

TEST(DynamicLibraryTest, LoadsByLoaderName) {
  absl::StatusOr<std::unique_ptr<DynamicLibrary>> lib = DynamicLibrary::Load({kLibm});
  ASSERT_TRUE(lib.ok()) << lib.status();
  EXPECT_EQ((*lib)->name(), kLibm);
}

TEST(DynamicLibraryTest, ResolvesAndCallsASymbol) {
  auto lib = DynamicLibrary::Load({kLibm});
  ASSERT_TRUE(lib.ok()) << lib.status();
  EXPECT_NE((*lib)->Find("cos"), nullptr);
  double (*cosine)(double) = nullptr;
  ASSERT_TRUE((*lib)->Resolve("cos", cosine).ok());
  ASSERT_NE(cosine, nullptr);
  EXPECT_DOUBLE_EQ(cosine(0.0), 1.0);
  double (*power)(double, double) = nullptr;
  (*lib)->ResolveOptional("pow", power);
  ASSERT_NE(power, nullptr);
  EXPECT_DOUBLE_EQ(power(2.0, 10.0), 1024.0);
}

TEST(DynamicLibraryTest, MissingSymbolIsUnavailableNamingSymbolAndLibrary) {
  auto lib = DynamicLibrary::Load({kLibm});
  ASSERT_TRUE(lib.ok()) << lib.status();
  EXPECT_EQ((*lib)->Find("spillwayNoSuchSymbol"), nullptr);

  int (*missing)(int) = [](int x) { return x; };
  absl::Status status = (*lib)->Resolve("spillwayNoSuchSymbol", missing);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("spillwayNoSuchSymbol"));
  EXPECT_THAT(std::string(status.message()), HasSubstr(kLibm));
  EXPECT_EQ(missing, nullptr) << "a failed Resolve must not leave a stale pointer";

  int (*optional)(int) = [](int x) { return x; };
  (*lib)->ResolveOptional("spillwayNoSuchSymbol", optional);
  EXPECT_EQ(optional, nullptr);
}

TEST(DynamicLibraryTest, MissingLibraryIsUnavailableNamingEveryCandidate) {
  auto lib = DynamicLibrary::Load({kMissingA, kMissingB});
  ASSERT_FALSE(lib.ok());
  EXPECT_EQ(lib.status().code(), absl::StatusCode::kUnavailable) << lib.status();
  EXPECT_THAT(std::string(lib.status().message()), HasSubstr(kMissingA));
  EXPECT_THAT(std::string(lib.status().message()), HasSubstr(kMissingB));
}

TEST(DynamicLibraryTest, FallsBackToTheFirstCandidateThatLoads) {
  auto lib = DynamicLibrary::Load({kMissingA, kLibm, kMissingB});
  ASSERT_TRUE(lib.ok()) << lib.status();
  EXPECT_EQ((*lib)->name(), kLibm);
  EXPECT_NE((*lib)->Find("sqrt"), nullptr);
}

TEST(DynamicLibraryTest, EmptyCandidateListFails) {
  auto lib = DynamicLibrary::Load({});
  EXPECT_FALSE(lib.ok());
}

TEST(DynamicLibraryTest, FileThatIsNotALibraryIsUnavailable) {
  std::string path = ::testing::TempDir() + "spillway_not_a_library_XXXXXX";
  int fd = mkstemp(path.data());
  ASSERT_GE(fd, 0);
  const char junk[] = "this is not an ELF shared object\n";
  ASSERT_EQ(write(fd, junk, sizeof(junk)), static_cast<ssize_t>(sizeof(junk)));
  close(fd);
  auto lib = DynamicLibrary::Load({path});
  EXPECT_EQ(lib.status().code(), absl::StatusCode::kUnavailable) << lib.status();
  EXPECT_THAT(std::string(lib.status().message()), HasSubstr(path));
  unlink(path.c_str());
}

TEST(DynamicLibraryTest, LibraryOutlivesItsLoaderCallAndUnloadsCleanly) {
  // Loading the same library twice gives independent handles; destroying one
  // must not invalidate symbols of the other (dlopen reference counting).
  auto first = DynamicLibrary::Load({kLibm});
  auto second = DynamicLibrary::Load({kLibm});
  ASSERT_TRUE(first.ok() && second.ok());
  double (*cosine)(double) = nullptr;
  ASSERT_TRUE((*second)->Resolve("cos", cosine).ok());
  first->reset();
  EXPECT_DOUBLE_EQ(cosine(0.0), 1.0);
}

TEST(LibraryFromEnvironmentTest, UnsetOrEmptyGivesTheFallbackOtherwiseTheValue) {
  constexpr char kVariable[] = "SPILLWAY_TEST_LIBRARY_FROM_ENVIRONMENT";
  unsetenv(kVariable);
  EXPECT_EQ(LibraryFromEnvironment(kVariable, "libvendor.so.1"), "libvendor.so.1");
  setenv(kVariable, "", 1);
  EXPECT_EQ(LibraryFromEnvironment(kVariable, "libvendor.so.1"), "libvendor.so.1");
  setenv(kVariable, "/opt/vendor/lib/libvendor.so", 1);
  EXPECT_EQ(LibraryFromEnvironment(kVariable, "libvendor.so.1"), "/opt/vendor/lib/libvendor.so");
  unsetenv(kVariable);
}

}  // namespace
}  // namespace spillway::hal
