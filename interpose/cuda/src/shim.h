// The state of the preload shim in one process: the real driver, the
// settings, the accounting (opened lazily, once the driver is initialized),
// and the table that maps the driver's entry points to the shim's hooks.
#ifndef SPILLWAY_INTERPOSE_CUDA_SRC_SHIM_H_
#define SPILLWAY_INTERPOSE_CUDA_SRC_SHIM_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "accounting.h"
#include "real_driver.h"
#include "shim_settings.h"

namespace spillway::interpose {

// One entry point the shim replaces.
struct HookEntry {
  const char* exported;  // the driver's symbol, e.g. "cuMemAlloc_v2"
  const char* base;      // the name cuGetProcAddress is asked for, e.g. "cuMemAlloc"
  int version;           // first CUDA version whose callers get `exported`
  bool per_thread;       // the _ptsz form (per-thread default stream)
  void* hook;            // the shim's function
  void* real;            // the driver's function; null when it has none
};

// Thread-safe. Created at first use and never destroyed (hooks may run while
// the process exits); the ledger attachment is given back at exit.
class Shim {
 public:
  static Shim& Get();

  const RealDriver& driver() const { return driver_; }
  // Fast path: false means every hook passes straight through.
  bool governs() const { return governs_; }
  uint64_t context_bytes() const { return settings_.context_bytes; }
  const ShimSettings& settings() const { return settings_; }

  // The accounting, opened on first use. Null when there is none:
  //   *refusal == CUDA_SUCCESS: nothing to account right now (the driver is
  //     not initialized yet, or the process is exiting): pass the call through;
  //   otherwise: the shim fails closed with *refusal, because its
  //     configuration or its ledger is unusable (logged once).
  // `initialize_driver` lets NVML hooks call cuInit themselves.
  Accounting* accounting(abi::CUresult* refusal, bool initialize_driver = false);

  // The hook to hand out for `pointer`, which the driver returned for
  // `symbol` (cuGetProcAddress: a base name with `version` and `flags`;
  // dlsym: an exported name, version < 0). `pointer` itself when the shim
  // does not govern or does not replace it.
  void* Substitute(const char* symbol, void* pointer, int version, uint64_t flags);

  // NVML, loaded on first use. Null when it cannot be loaded.
  const RealNvml* nvml();
  // The CUDA ordinal of the device at this PCI location, if governed.
  std::optional<int> OrdinalForPci(unsigned domain, unsigned bus, unsigned slot) const;
  // CU_DEVICE_ATTRIBUTE_HOST_NUMA_ID of a governed device (-1 unknown).
  int host_numa_node(int device) const;

  // Memory pools: the device each pool allocates on.
  void RememberPool(abi::CUmemoryPool pool, int device);
  std::optional<int> PoolDevice(abi::CUmemoryPool pool) const;

  // Gives the ledger attachment back (at exit). Hooks pass through after it.
  void ShutDown();

 private:
  Shim();
  // Sets accounting_, or returns the refusal (CUDA_SUCCESS: try again later).
  abi::CUresult OpenAccounting(bool initialize_driver) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  ShimSettings settings_;
  bool governs_ = false;
  // Set when the settings are unusable: governed hooks fail with it.
  abi::CUresult settings_error_ = abi::kSuccess;
  RealDriver driver_;
  std::vector<HookEntry> hooks_;

  std::atomic<Accounting*> ready_{nullptr};
  mutable absl::Mutex mu_;
  std::unique_ptr<Accounting> accounting_ ABSL_GUARDED_BY(mu_);
  abi::CUresult open_error_ ABSL_GUARDED_BY(mu_) = abi::kSuccess;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  struct PciLocation {
    unsigned domain = 0, bus = 0, slot = 0;
  };
  std::vector<PciLocation> pci_ ABSL_GUARDED_BY(mu_);
  std::vector<int> numa_ ABSL_GUARDED_BY(mu_);
  // NVML has a lock of its own: it is loaded from inside dlsym, which the
  // driver may call while mu_ is held (OpenAccounting calls the driver).
  mutable absl::Mutex nvml_mu_;
  std::unique_ptr<RealNvml> nvml_ ABSL_GUARDED_BY(nvml_mu_);
  bool nvml_tried_ ABSL_GUARDED_BY(nvml_mu_) = false;
  absl::flat_hash_map<abi::CUmemoryPool, int> pools_ ABSL_GUARDED_BY(mu_);
};

}  // namespace spillway::interpose

#endif  // SPILLWAY_INTERPOSE_CUDA_SRC_SHIM_H_
