#include "spillway/backends/cuda/cuda_backend.h"

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cuda_device.h"
#include "cuda_status.h"
#include "cuda_symbols.h"
#include "spillway/hal/dynamic_library.h"
#include "spillway/hal/status.h"

namespace spillway::cuda {
namespace {

// Thread-safe: everything is set up in the constructor and never changes.
class CudaBackend : public hal::Backend {
 public:
  explicit CudaBackend(const std::string& library) {
    availability_ = Initialize(library);
    if (!availability_.ok()) {
      // Unavailable means no device at all (hal/backend.h).
      devices_.clear();
      availability_ = absl::UnavailableError(
          absl::StrCat("cuda backend: ", availability_.message()));
    }
  }

  ~CudaBackend() override {
    // Devices release their primary contexts while the library is loaded.
    devices_.clear();
    library_.reset();
  }

  absl::string_view name() const override { return kCudaBackendName; }
  absl::Status Availability() const override { return availability_; }
  int DeviceCount() const override { return static_cast<int>(devices_.size()); }

  absl::StatusOr<hal::Device*> GetDevice(int ordinal) override {
    if (!availability_.ok()) return availability_;
    if (ordinal < 0 || ordinal >= DeviceCount()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cuda: no device ", ordinal, " (the driver has ", DeviceCount(), " devices)"));
    }
    return devices_[static_cast<size_t>(ordinal)].get();
  }

  std::vector<hal::Limitation> Limitations() const override { return limitations_; }

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

  std::unique_ptr<hal::DynamicLibrary> library_;
  CudaSymbols symbols_;
  absl::Status availability_;
  std::vector<std::unique_ptr<CudaDevice>> devices_;
  std::vector<hal::Limitation> limitations_;
};

}  // namespace

std::unique_ptr<hal::Backend> CreateCudaBackend(const std::string& library) {
  return std::make_unique<CudaBackend>(library.empty() ? std::string(kDefaultCudaLibrary)
                                                       : library);
}

std::string CudaLibraryFromEnvironment() {
  const char* value = std::getenv(kCudaLibraryEnvVar);
  if (value == nullptr || value[0] == '\0') return kDefaultCudaLibrary;
  return value;
}

absl::Status RegisterCudaBackend(hal::Registry& registry) {
  return registry.Register(kCudaBackendName, []() -> std::unique_ptr<hal::Backend> {
    return CreateCudaBackend(CudaLibraryFromEnvironment());
  });
}

}  // namespace spillway::cuda
