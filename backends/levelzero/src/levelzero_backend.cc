#include "spillway/backends/levelzero/levelzero_backend.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "levelzero_device.h"
#include "levelzero_status.h"
#include "levelzero_symbols.h"
#include "spillway/hal/dynamic_library.h"
#include "spillway/hal/library_backend.h"
#include "spillway/hal/status.h"

namespace spillway::levelzero {
namespace {

// Thread-safe: everything is set up in the constructor and never changes.
class LevelZeroBackend : public hal::LibraryBackend<LevelZeroSymbols> {
 public:
  explicit LevelZeroBackend(const std::string& library) : LibraryBackend(kLevelZeroBackendName) {
    absl::Status started = Initialize(library);
    if (!started.ok()) {
      started = absl::UnavailableError(absl::StrCat("levelzero backend: ", started.message()));
    }
    SetAvailability(std::move(started));
  }

  ~LevelZeroBackend() override {
    // Devices (and their command lists) before the contexts, all before the
    // loader (which the base unloads).
    devices_.clear();
    for (abi::ze_context_handle_t context : contexts_) (void)symbols_.zeContextDestroy(context);
    contexts_.clear();
  }

 private:
  absl::Status Initialize(const std::string& library) {
    SPILLWAY_ASSIGN_OR_RETURN(library_, hal::DynamicLibrary::Load({library}));
    SPILLWAY_ASSIGN_OR_RETURN(symbols_, LoadLevelZeroSymbols(*library_));
    const abi::ze_result_t init = symbols_.zeInit(0);
    if (init != abi::kSuccess) {
      // Whatever the loader says (no driver is "uninitialized"), a backend
      // that cannot start is unavailable.
      return absl::UnavailableError(ZeStatus(init, "zeInit", library_->name()).message());
    }
    uint32_t driver_count = 0;
    SPILLWAY_RETURN_IF_ERROR(ZeStatus(symbols_.zeDriverGet(&driver_count, nullptr), "zeDriverGet"));
    std::vector<abi::ze_driver_handle_t> drivers(driver_count);
    if (driver_count > 0) {
      SPILLWAY_RETURN_IF_ERROR(
          ZeStatus(symbols_.zeDriverGet(&driver_count, drivers.data()), "zeDriverGet"));
    }
    std::vector<hal::Limitation> all;
    for (uint32_t d = 0; d < driver_count && d < drivers.size(); ++d) {
      SPILLWAY_RETURN_IF_ERROR(OpenDriver(drivers[d], &all));
    }
    if (devices_.empty()) {
      return absl::UnavailableError(
          absl::StrCat(library_->name(), " found ", driver_count, " driver(s) and no GPU"));
    }
    hal::MergeLimitations(all, limitations_);
    return absl::OkStatus();
  }

  // Every GPU of `driver`, sharing one context.
  absl::Status OpenDriver(abi::ze_driver_handle_t driver, std::vector<hal::Limitation>* all) {
    uint32_t count = 0;
    SPILLWAY_RETURN_IF_ERROR(
        ZeStatus(symbols_.zeDeviceGet(driver, &count, nullptr), "zeDeviceGet"));
    std::vector<abi::ze_device_handle_t> handles(count);
    if (count > 0) {
      SPILLWAY_RETURN_IF_ERROR(
          ZeStatus(symbols_.zeDeviceGet(driver, &count, handles.data()), "zeDeviceGet"));
    }
    std::vector<abi::ze_device_handle_t> gpus;
    for (uint32_t i = 0; i < count && i < handles.size(); ++i) {
      abi::ze_device_properties_t props{};
      props.stype = abi::kStructureTypeDeviceProperties;
      SPILLWAY_RETURN_IF_ERROR(
          ZeStatus(symbols_.zeDeviceGetProperties(handles[i], &props), "zeDeviceGetProperties"));
      // Other device types (VPUs, FPGAs) have no memory to manage here.
      if (props.type == abi::kDeviceTypeGpu) gpus.push_back(handles[i]);
    }
    if (gpus.empty()) return absl::OkStatus();
    const abi::ze_context_desc_t desc = {abi::kStructureTypeContextDesc, nullptr, 0};
    abi::ze_context_handle_t context = nullptr;
    SPILLWAY_RETURN_IF_ERROR(
        ZeStatus(symbols_.zeContextCreate(driver, &desc, &context), "zeContextCreate"));
    contexts_.push_back(context);
    for (abi::ze_device_handle_t gpu : gpus) {
      SPILLWAY_ASSIGN_OR_RETURN(
          std::unique_ptr<LevelZeroDevice> device,
          LevelZeroDevice::Open(symbols_, context, gpu, static_cast<int>(devices_.size()), all));
      devices_.push_back(std::move(device));
    }
    return absl::OkStatus();
  }

  std::vector<abi::ze_context_handle_t> contexts_;
};

}  // namespace

std::unique_ptr<hal::Backend> CreateLevelZeroBackend(const std::string& library) {
  return std::make_unique<LevelZeroBackend>(library.empty() ? std::string(kDefaultLevelZeroLibrary)
                                                            : library);
}

std::string LevelZeroLibraryFromEnvironment() {
  return hal::LibraryFromEnvironment(kLevelZeroLibraryEnvVar, kDefaultLevelZeroLibrary);
}

absl::Status RegisterLevelZeroBackend(hal::Registry& registry) {
  return registry.Register(kLevelZeroBackendName, []() -> std::unique_ptr<hal::Backend> {
    return CreateLevelZeroBackend(LevelZeroLibraryFromEnvironment());
  });
}

}  // namespace spillway::levelzero
