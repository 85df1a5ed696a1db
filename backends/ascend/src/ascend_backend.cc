#include "spillway/backends/ascend/ascend_backend.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "ascend_device.h"
#include "ascend_status.h"
#include "ascend_symbols.h"
#include "spillway/hal/dynamic_library.h"
#include "spillway/hal/library_backend.h"
#include "spillway/hal/status.h"

namespace spillway::ascend {
namespace {

// aclInit/aclFinalize are process-wide while backends come and go (each
// registry has its own), so ACL is initialized by the first live backend and
// finalized with the last. If ACL was initialized by someone else in the
// process (aclInit answers REPEAT_INITIALIZE), it stays theirs to finalize.
class AclProcessInit {
 public:
  static absl::Status Acquire(const AscendSymbols& s) {
    absl::MutexLock lock(&mu_);
    Entry& entry = (*entries_)[reinterpret_cast<void*>(s.aclInit)];
    if (entry.users == 0) {
      const abi::aclError error = s.aclInit(nullptr);
      if (error != abi::kSuccess && error != abi::kErrorRepeatInitialize) {
        entries_->erase(reinterpret_cast<void*>(s.aclInit));
        return absl::UnavailableError(AclStatus(&s, error, "aclInit").message());
      }
      entry.owned = error == abi::kSuccess;
    }
    ++entry.users;
    return absl::OkStatus();
  }

  static void Release(const AscendSymbols& s) {
    absl::MutexLock lock(&mu_);
    auto it = entries_->find(reinterpret_cast<void*>(s.aclInit));
    if (it == entries_->end() || --it->second.users > 0) return;
    if (it->second.owned) (void)s.aclFinalize();
    entries_->erase(it);
  }

 private:
  struct Entry {
    int users = 0;
    bool owned = false;
  };
  static absl::Mutex mu_;
  // Keyed by the library's aclInit: one entry per loaded ACL. Never destroyed,
  // so that a backend outliving static destruction still finds it.
  static absl::flat_hash_map<void*, Entry>* entries_ ABSL_GUARDED_BY(mu_);
};

absl::Mutex AclProcessInit::mu_(absl::kConstInit);
absl::flat_hash_map<void*, AclProcessInit::Entry>* AclProcessInit::entries_ =
    new absl::flat_hash_map<void*, AclProcessInit::Entry>();

// Thread-safe: devices are opened in the constructor and never change.
class AscendBackend : public hal::LibraryBackend<AscendSymbols> {
 public:
  explicit AscendBackend(const std::string& library) : LibraryBackend(kAscendBackendName) {
    SetAvailability(Start(library));
  }

  ~AscendBackend() override {
    devices_.clear();  // aclrtResetDevice, before aclFinalize
    if (initialized_) AclProcessInit::Release(symbols_);
  }

  std::vector<hal::Limitation> Limitations() const override {
    std::vector<hal::Limitation> out = limitations_;
    out.push_back({"pci_bus_id", "acl_rt.h has no call that reports a device's PCI address"});
    return out;
  }

 private:
  absl::Status Start(const std::string& library_name) {
    absl::StatusOr<std::unique_ptr<hal::DynamicLibrary>> library =
        hal::DynamicLibrary::Load({library_name});
    if (!library.ok()) {
      return absl::UnavailableError(absl::StrCat("ascend: ", library.status().message()));
    }
    library_ = *std::move(library);
    absl::StatusOr<AscendSymbols> symbols = LoadAscendSymbols(*library_);
    if (!symbols.ok()) {
      return absl::UnavailableError(absl::StrCat("ascend: ", symbols.status().message()));
    }
    symbols_ = *symbols;
    SPILLWAY_RETURN_IF_ERROR(AclProcessInit::Acquire(symbols_));
    initialized_ = true;

    uint32_t count = 0;
    absl::Status counted =
        AclStatus(&symbols_, symbols_.aclrtGetDeviceCount(&count), "aclrtGetDeviceCount");
    if (!counted.ok()) return absl::UnavailableError(counted.message());
    if (count == 0) {
      return absl::UnavailableError(
          absl::StrCat("ascend: ", library_->name(), " reports no device"));
    }
    std::vector<hal::Limitation> found;
    for (uint32_t i = 0; i < count; ++i) {
      absl::StatusOr<std::unique_ptr<AscendDevice>> device =
          AscendDevice::Open(symbols_, static_cast<int>(i), &found);
      if (!device.ok()) {
        return absl::UnavailableError(
            absl::StrCat("ascend: opening device ", i, ": ", device.status().message()));
      }
      devices_.push_back(*std::move(device));
    }
    hal::MergeLimitations(found, limitations_);
    return absl::OkStatus();
  }

  bool initialized_ = false;
};

}  // namespace

std::unique_ptr<hal::Backend> CreateAscendBackend(const std::string& library) {
  return std::make_unique<AscendBackend>(library);
}

std::string AscendLibraryFromEnvironment() {
  return hal::LibraryFromEnvironment(kAscendLibraryEnvVar, kDefaultAscendLibrary);
}

absl::Status RegisterAscendBackend(hal::Registry& registry) {
  return registry.Register(kAscendBackendName, []() -> std::unique_ptr<hal::Backend> {
    return CreateAscendBackend(AscendLibraryFromEnvironment());
  });
}

}  // namespace spillway::ascend
