#include "spillway/backends/hygon/hygon_backend.h"

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hygon_device.h"
#include "hygon_status.h"
#include "hygon_symbols.h"
#include "spillway/hal/dynamic_library.h"
#include "spillway/hal/library_backend.h"
#include "spillway/hal/status.h"

namespace spillway::hygon {
namespace {

// Thread-safe: everything is set up in the constructor and never changes.
// Devices go while the library is still loaded (the base destroys them first).
class HygonBackend : public hal::LibraryBackend<HygonSymbols> {
 public:
  explicit HygonBackend(const std::vector<std::string>& libraries)
      : LibraryBackend(kHygonBackendName) {
    absl::Status started = Initialize(libraries);
    if (!started.ok()) {
      started = absl::UnavailableError(absl::StrCat("hygon backend: ", started.message()));
    }
    SetAvailability(std::move(started));
  }

 private:
  absl::Status Initialize(const std::vector<std::string>& libraries) {
    SPILLWAY_ASSIGN_OR_RETURN(library_, hal::DynamicLibrary::Load(libraries));
    SPILLWAY_ASSIGN_OR_RETURN(symbols_, LoadHygonSymbols(*library_));
    const abi::hipError_t init = symbols_.hipInit(0);
    if (init != abi::kSuccess) {
      // Whatever the runtime says, a backend that cannot start is unavailable.
      return absl::UnavailableError(
          HipStatus(&symbols_, init, "hipInit", library_->name()).message());
    }
    int count = 0;
    const abi::hipError_t counted = symbols_.hipGetDeviceCount(&count);
    if (counted == abi::kErrorNoDevice || (counted == abi::kSuccess && count <= 0)) {
      return absl::UnavailableError(absl::StrCat(library_->name(), " reports no device"));
    }
    SPILLWAY_RETURN_IF_ERROR(HipStatus(&symbols_, counted, "hipGetDeviceCount"));
    std::vector<hal::Limitation> all;
    for (int i = 0; i < count; ++i) {
      SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<HygonDevice> device,
                                HygonDevice::Open(symbols_, i, &all));
      devices_.push_back(std::move(device));
    }
    hal::MergeLimitations(all, limitations_);
    return absl::OkStatus();
  }
};

}  // namespace

std::vector<std::string> DefaultHygonLibraries() {
  return {"libgalaxyhip.so.5", "libgalaxyhip.so", "libamdhip64.so"};
}

std::unique_ptr<hal::Backend> CreateHygonBackend(const std::vector<std::string>& libraries) {
  return std::make_unique<HygonBackend>(libraries.empty() ? DefaultHygonLibraries() : libraries);
}

std::vector<std::string> HygonLibrariesFromEnvironment() {
  const char* value = std::getenv(kHygonLibraryEnvVar);
  if (value == nullptr || value[0] == '\0') return DefaultHygonLibraries();
  return {value};
}

absl::Status RegisterHygonBackend(hal::Registry& registry) {
  return registry.Register(kHygonBackendName, []() -> std::unique_ptr<hal::Backend> {
    return CreateHygonBackend(HygonLibrariesFromEnvironment());
  });
}

}  // namespace spillway::hygon
