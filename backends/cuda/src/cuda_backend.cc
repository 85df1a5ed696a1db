#include "spillway/backends/cuda/cuda_backend.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cuda_device.h"
#include "cuda_status.h"
#include "cuda_symbols.h"
#include "spillway/hal/dynamic_library.h"
#include "spillway/hal/library_backend.h"
#include "spillway/hal/status.h"

namespace spillway::cuda {
namespace {

// Thread-safe: everything is set up in the constructor and never changes.
// Devices release their primary contexts while the library is loaded (the
// base destroys them first).
class CudaBackend : public hal::LibraryBackend<CudaSymbols> {
 public:
  explicit CudaBackend(const std::string& library) : LibraryBackend(kCudaBackendName) {
    absl::Status started = Initialize(library);
    if (!started.ok()) {
      started = absl::UnavailableError(absl::StrCat("cuda backend: ", started.message()));
    }
    SetAvailability(std::move(started));
  }

 private:
  absl::Status Initialize(const std::string& library) {
    SPILLWAY_ASSIGN_OR_RETURN(library_, hal::DynamicLibrary::Load({library}));
    SPILLWAY_ASSIGN_OR_RETURN(symbols_, LoadCudaSymbols(*library_));
    SPILLWAY_RETURN_IF_ERROR(CudaStatus(&symbols_, symbols_.cuInit(0), "cuInit", library));
    int count = 0;
    SPILLWAY_RETURN_IF_ERROR(
        CudaStatus(&symbols_, symbols_.cuDeviceGetCount(&count), "cuDeviceGetCount"));
    if (count <= 0) return absl::UnavailableError(absl::StrCat(library, " reports no device"));
    std::vector<hal::Limitation> all;
    for (int i = 0; i < count; ++i) {
      SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<CudaDevice> device,
                                CudaDevice::Open(symbols_, i, &all));
      devices_.push_back(std::move(device));
    }
    hal::MergeLimitations(all, limitations_);
    return absl::OkStatus();
  }
};

}  // namespace

std::unique_ptr<hal::Backend> CreateCudaBackend(const std::string& library) {
  return std::make_unique<CudaBackend>(library.empty() ? std::string(kDefaultCudaLibrary)
                                                       : library);
}

std::string CudaLibraryFromEnvironment() {
  return hal::LibraryFromEnvironment(kCudaLibraryEnvVar, kDefaultCudaLibrary);
}

absl::Status RegisterCudaBackend(hal::Registry& registry) {
  return registry.Register(kCudaBackendName, []() -> std::unique_ptr<hal::Backend> {
    return CreateCudaBackend(CudaLibraryFromEnvironment());
  });
}

}  // namespace spillway::cuda
