#include "spillway/backends/cambricon/cambricon_backend.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cambricon_device.h"
#include "cambricon_status.h"
#include "cambricon_symbols.h"
#include "spillway/hal/dynamic_library.h"
#include "spillway/hal/library_backend.h"
#include "spillway/hal/status.h"

namespace spillway::cambricon {
namespace {

// Thread-safe: devices are opened in the constructor and never change.
class CambriconBackend : public hal::LibraryBackend<CambriconSymbols> {
 public:
  explicit CambriconBackend(const std::string& library) : LibraryBackend(kCambriconBackendName) {
    SetAvailability(Start(library));
  }

 private:
  absl::Status Start(const std::string& library_name) {
    absl::StatusOr<std::unique_ptr<hal::DynamicLibrary>> library =
        hal::DynamicLibrary::Load({library_name});
    if (!library.ok()) {
      return absl::UnavailableError(absl::StrCat("cambricon: ", library.status().message()));
    }
    library_ = *std::move(library);
    absl::StatusOr<CambriconSymbols> symbols = LoadCambriconSymbols(*library_);
    if (!symbols.ok()) {
      return absl::UnavailableError(absl::StrCat("cambricon: ", symbols.status().message()));
    }
    symbols_ = *symbols;
    unsigned count = 0;
    absl::Status counted =
        CnrtStatus(&symbols_, symbols_.cnrtGetDeviceCount(&count), "cnrtGetDeviceCount");
    if (!counted.ok()) return absl::UnavailableError(counted.message());
    if (count == 0) {
      return absl::UnavailableError(
          absl::StrCat("cambricon: ", library_->name(), " reports no device"));
    }
    std::vector<hal::Limitation> found;
    for (unsigned i = 0; i < count; ++i) {
      absl::StatusOr<std::unique_ptr<CambriconDevice>> device =
          CambriconDevice::Open(symbols_, static_cast<int>(i), &found);
      if (!device.ok()) {
        return absl::UnavailableError(
            absl::StrCat("cambricon: opening device ", i, ": ", device.status().message()));
      }
      devices_.push_back(*std::move(device));
    }
    hal::MergeLimitations(found, limitations_);
    return absl::OkStatus();
  }
};

}  // namespace

std::unique_ptr<hal::Backend> CreateCambriconBackend(const std::string& library) {
  return std::make_unique<CambriconBackend>(library);
}

std::string CambriconLibraryFromEnvironment() {
  return hal::LibraryFromEnvironment(kCambriconLibraryEnvVar, kDefaultCambriconLibrary);
}

absl::Status RegisterCambriconBackend(hal::Registry& registry) {
  return registry.Register(kCambriconBackendName, []() -> std::unique_ptr<hal::Backend> {
    return CreateCambriconBackend(CambriconLibraryFromEnvironment());
  });
}

}  // namespace spillway::cambricon
