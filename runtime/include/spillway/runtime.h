// spillway's primary C++ API: virtual devices with memory limits that hold
// across processes, oversubscription, placement and tiering.
//
//   auto rt = spillway::Runtime::Open();          // reads HAMi's environment
//   spillway::runtime::VirtualDevice* dev = *(*rt)->Device(0);
//   void* w = *dev->Allocate(13ull << 30, {.role = BufferRole::kWeights, .group = "llama"});
//   dev->Activate("llama");
#ifndef SPILLWAY_RUNTIME_H_
#define SPILLWAY_RUNTIME_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "spillway/hal/registry.h"
#include "spillway/runtime/buffer_hints.h"
#include "spillway/runtime/config.h"
#include "spillway/runtime/ledger.h"
#include "spillway/runtime/topology.h"
#include "spillway/runtime/virtual_device.h"

namespace spillway {

struct RuntimeOptions {
  // nullopt: parsed from the process environment (HAMi's contract).
  std::optional<runtime::RuntimeConfig> config;
  // nullptr: the runtime owns a registry with every built-in backend.
  hal::Registry* registry = nullptr;
  // Device URIs ("fake://0"); empty: every device of the first enabled,
  // available backend in the order cuda, ascend, cambricon, hygon,
  // levelzero, fake.
  std::vector<std::string> devices;
  // Share of the budget left after the active group that idle groups keep.
  double idle_floor_fraction = 0.5;
};

// Registers every backend compiled into this library with `registry`.
absl::Status RegisterBuiltinBackends(hal::Registry& registry);

// Thread-safe. Owns its virtual devices, the ledger attachment and (unless one
// was given) the HAL registry; destroying it frees what the application left
// allocated and gives the quota back.
class Runtime {
 public:
  // Errors: INVALID_ARGUMENT for a malformed configuration (naming the
  // variable and value), UNAVAILABLE when no device can be opened, and the
  // ledger's errors (a corrupt file in use, permissions, ...).
  static absl::StatusOr<std::unique_ptr<Runtime>> Open(RuntimeOptions options = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Never fails.
  int DeviceCount() const { return static_cast<int>(devices_.size()); }
  // INVALID_ARGUMENT for an index outside [0, DeviceCount()).
  absl::StatusOr<runtime::VirtualDevice*> Device(int index) const;

  const runtime::RuntimeConfig& config() const { return config_; }
  // nullptr when no limit, virtual size or ledger path is configured: usage
  // is then counted in this process only (invariant 5: nothing else changes).
  runtime::Ledger* ledger() const { return ledger_.get(); }
  runtime::Topology* topology() const { return topology_.get(); }

 private:
  Runtime() = default;

  runtime::RuntimeConfig config_;
  std::unique_ptr<hal::Registry> owned_registry_;
  std::unique_ptr<runtime::Topology> topology_;
  std::unique_ptr<runtime::Ledger> ledger_;
  std::vector<std::unique_ptr<runtime::VirtualDevice>> devices_;
};

}  // namespace spillway

#endif  // SPILLWAY_RUNTIME_H_
