// The C API, driven from C (c_api_client.c) with its configuration in the
// process environment, as a C or FFI user would have it.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "spillway/spillway.h"

extern "C" int spillway_c_api_client(uint64_t limit);

namespace {

TEST(CApiTest, ClientProgramRunsAgainstTheEnvironmentConfiguration) {
  const std::filesystem::path ledger = std::filesystem::temp_directory_path() /
                                       ("spillway-c-api-" + std::to_string(getpid()));
  setenv("SPILLWAY_BACKENDS", "fake", 1);
  setenv("SPILLWAY_FAKE_SPEC", "memory=256m,reserved=16m", 1);
  setenv("CUDA_DEVICE_MEMORY_LIMIT", "64m", 1);
  setenv("CUDA_DEVICE_MEMORY_SHARED_CACHE", ledger.c_str(), 1);
  EXPECT_EQ(spillway_c_api_client(64ull << 20), 0) << "failed at c_api_client.c line";
  std::filesystem::remove(ledger);
  std::filesystem::remove(ledger.string() + ".lock");
}

TEST(CApiTest, MalformedEnvironmentIsReportedNotStarted) {
  setenv("SPILLWAY_BACKENDS", "fake", 1);
  setenv("CUDA_DEVICE_MEMORY_LIMIT", "12x", 1);
  spillway_runtime* rt = nullptr;
  EXPECT_EQ(spillway_open(&rt), SPILLWAY_INVALID_ARGUMENT);
  EXPECT_EQ(rt, nullptr);
  const std::string message = spillway_last_error();
  EXPECT_NE(message.find("CUDA_DEVICE_MEMORY_LIMIT"), std::string::npos) << message;
  EXPECT_NE(message.find("12x"), std::string::npos) << message;
  unsetenv("CUDA_DEVICE_MEMORY_LIMIT");
}

}  // namespace
