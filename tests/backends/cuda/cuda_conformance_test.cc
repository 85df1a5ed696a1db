// The HAL conformance suite over the CUDA backend alone. ctest runs it
//   - on the CPU fake of libcuda.so.1 (SPILLWAY_CUDA_LIBRARY names it),
//   - on the fake built as a pre-12.2 driver (legacy advise/prefetch forms),
//   - on the fake without managed memory,
//   - on the machine's own libcuda.so.1: skipped with the reason where there is
//     no driver or GPU, the real thing where there is.
#include <iostream>

#include "absl/status/status.h"
#include "conformance_fixture.h"
#include "spillway/backends/cuda/cuda_backend.h"
#include "spillway/hal/registry.h"

namespace spillway::hal::conformance {

Registry& ConformanceRegistry() {
  static Registry* registry = [] {
    auto* created = new Registry();
    absl::Status status = cuda::RegisterCudaBackend(*created);
    if (!status.ok()) std::cerr << "conformance: registering cuda failed: " << status << "\n";
    std::cout << "[ INFO     ] cuda driver library: " << cuda::CudaLibraryFromEnvironment()
              << "\n";
    return created;
  }();
  return *registry;
}

}  // namespace spillway::hal::conformance

SPILLWAY_INSTANTIATE_HAL_CONFORMANCE();
