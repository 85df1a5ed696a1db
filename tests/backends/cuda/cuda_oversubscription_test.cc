// The runtime oversubscription suite (tests/runtime/oversubscription) over
// the CUDA backend and the CPU fake of libcuda.so.1.
//
// The fake reads SPILLWAY_FAKE_SPEC once, at cuInit, and a library loaded
// twice from one path is one instance: each test's backend loads a private
// copy of the fake, so that it simulates that test's device.
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "oversubscription_suite.h"
#include "spillway/backends/cuda/cuda_backend.h"
#include "spillway/backends/fake/fake_spec.h"

namespace spillway::runtime::oversubscription {
namespace {

// A copy of the built fake in a directory of its own, removed when the
// last backend over it is gone.
class FakeCudaCopy {
 public:
  explicit FakeCudaCopy(std::string spec) : spec_(std::move(spec)) {
    static std::atomic<int> serial{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("spillway-fake-cuda-" + std::to_string(getpid()) + "-" +
            std::to_string(serial.fetch_add(1)));
    std::filesystem::create_directories(dir_);
    std::filesystem::copy_file(SPILLWAY_FAKE_CUDA, dir_ / "libcuda.so.1");
  }
  ~FakeCudaCopy() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  FakeCudaCopy(const FakeCudaCopy&) = delete;
  FakeCudaCopy& operator=(const FakeCudaCopy&) = delete;

  std::unique_ptr<hal::Backend> CreateBackend() const {
    setenv(fake::kFakeSpecEnvVar, spec_.c_str(), /*overwrite=*/1);
    return cuda::CreateCudaBackend((dir_ / "libcuda.so.1").string());
  }

 private:
  std::string spec_;
  std::filesystem::path dir_;
};

OversubscriptionBackend CudaBackend() {
  return {.name = "cuda", .fake = [](const std::string& spec) -> hal::BackendFactory {
            auto fake = std::make_shared<FakeCudaCopy>(spec);
            return [fake] { return fake->CreateBackend(); };
          }};
}

INSTANTIATE_TEST_SUITE_P(Cuda, RuntimeOversubscriptionTest, ::testing::Values(CudaBackend()),
                         OversubscriptionBackendName);

}  // namespace
}  // namespace spillway::runtime::oversubscription
