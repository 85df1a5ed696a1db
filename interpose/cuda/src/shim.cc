#include "shim.h"

#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "shim_exports.h"
#include "spillway/hal/dynamic_library.h"
#include "spillway/runtime/log.h"

namespace spillway::interpose {
namespace {

template <typename Fn>
void* Address(Fn* fn) {
  return reinterpret_cast<void*>(fn);
}

}  // namespace

namespace {
// Set once the shim exists, so that the exit handler never creates it.
std::atomic<Shim*> instance{nullptr};
}  // namespace

Shim& Shim::Get() {
  static Shim* const shim = [] {
    auto* created = new Shim();
    instance.store(created, std::memory_order_release);
    return created;
  }();
  return *shim;
}

Shim::Shim() {
  absl::StatusOr<ShimSettings> settings =
      ShimSettingsFromEnvironment(runtime::RuntimeConfig::ProcessEnvironment());
  if (settings.ok()) {
    settings_ = *std::move(settings);
    governs_ = settings_.governs;
    (void)runtime::SetLogLevel(settings_.config.log_level());
  } else {
    // Fail closed: a malformed limit must not mean "no limit".
    SPILLWAY_LOG(ERROR) << "CUDA preload shim: " << settings.status().message()
                        << "; every CUDA call the shim governs will fail";
    settings_error_ = abi::kErrorNotInitialized;
    governs_ = true;
  }
  if (!driver_.Load(hal::LibraryFromEnvironment(kCudaLibraryEnvVar, "libcuda.so.1"))) {
    // Nothing to govern; the application sees the driver missing on its own.
    SPILLWAY_LOG(ERROR) << "CUDA preload shim: cannot load the driver: " << driver_.error;
  }
  const RealDriver& d = driver_;
  hooks_ = {
      {"cuInit", "cuInit", 2000, false, Address(&::cuInit), Address(d.cuInit)},
      {"cuGetProcAddress", "cuGetProcAddress", 11030, false, Address(&::cuGetProcAddress),
       Address(d.cuGetProcAddress)},
      {"cuGetProcAddress_v2", "cuGetProcAddress", 12000, false, Address(&::cuGetProcAddress_v2),
       Address(d.cuGetProcAddress_v2)},
      {"cuMemAlloc_v2", "cuMemAlloc", 3020, false, Address(&::cuMemAlloc_v2),
       Address(d.cuMemAlloc_v2)},
      {"cuMemAllocPitch_v2", "cuMemAllocPitch", 3020, false, Address(&::cuMemAllocPitch_v2),
       Address(d.cuMemAllocPitch_v2)},
      {"cuMemFree_v2", "cuMemFree", 3020, false, Address(&::cuMemFree_v2),
       Address(d.cuMemFree_v2)},
      {"cuMemAllocManaged", "cuMemAllocManaged", 6000, false, Address(&::cuMemAllocManaged),
       Address(d.cuMemAllocManaged)},
      {"cuMemAllocAsync", "cuMemAllocAsync", 11020, false, Address(&::cuMemAllocAsync),
       Address(d.cuMemAllocAsync)},
      {"cuMemAllocAsync_ptsz", "cuMemAllocAsync", 11020, true, Address(&::cuMemAllocAsync_ptsz),
       Address(d.cuMemAllocAsync_ptsz)},
      {"cuMemFreeAsync", "cuMemFreeAsync", 11020, false, Address(&::cuMemFreeAsync),
       Address(d.cuMemFreeAsync)},
      {"cuMemFreeAsync_ptsz", "cuMemFreeAsync", 11020, true, Address(&::cuMemFreeAsync_ptsz),
       Address(d.cuMemFreeAsync_ptsz)},
      {"cuMemAllocFromPoolAsync", "cuMemAllocFromPoolAsync", 11020, false,
       Address(&::cuMemAllocFromPoolAsync), Address(d.cuMemAllocFromPoolAsync)},
      {"cuMemAllocFromPoolAsync_ptsz", "cuMemAllocFromPoolAsync", 11020, true,
       Address(&::cuMemAllocFromPoolAsync_ptsz), Address(d.cuMemAllocFromPoolAsync_ptsz)},
      {"cuMemPoolCreate", "cuMemPoolCreate", 11020, false, Address(&::cuMemPoolCreate),
       Address(d.cuMemPoolCreate)},
      {"cuDeviceGetDefaultMemPool", "cuDeviceGetDefaultMemPool", 11020, false,
       Address(&::cuDeviceGetDefaultMemPool), Address(d.cuDeviceGetDefaultMemPool)},
      {"cuDeviceGetMemPool", "cuDeviceGetMemPool", 11020, false, Address(&::cuDeviceGetMemPool),
       Address(d.cuDeviceGetMemPool)},
      {"cuMemCreate", "cuMemCreate", 10020, false, Address(&::cuMemCreate),
       Address(d.cuMemCreate)},
      {"cuMemRelease", "cuMemRelease", 10020, false, Address(&::cuMemRelease),
       Address(d.cuMemRelease)},
      {"cuDevicePrimaryCtxRetain", "cuDevicePrimaryCtxRetain", 7000, false,
       Address(&::cuDevicePrimaryCtxRetain), Address(d.cuDevicePrimaryCtxRetain)},
      {"cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease", 11000, false,
       Address(&::cuDevicePrimaryCtxRelease_v2), Address(d.cuDevicePrimaryCtxRelease_v2)},
      {"cuDevicePrimaryCtxReset_v2", "cuDevicePrimaryCtxReset", 11000, false,
       Address(&::cuDevicePrimaryCtxReset_v2), Address(d.cuDevicePrimaryCtxReset_v2)},
      {"cuCtxCreate_v2", "cuCtxCreate", 3020, false, Address(&::cuCtxCreate_v2),
       Address(d.cuCtxCreate_v2)},
      {"cuCtxCreate_v3", "cuCtxCreate", 11040, false, Address(&::cuCtxCreate_v3),
       Address(d.cuCtxCreate_v3)},
      {"cuCtxCreate_v4", "cuCtxCreate", 12050, false, Address(&::cuCtxCreate_v4),
       Address(d.cuCtxCreate_v4)},
      {"cuCtxDestroy_v2", "cuCtxDestroy", 4000, false, Address(&::cuCtxDestroy_v2),
       Address(d.cuCtxDestroy_v2)},
      {"cuMemGetInfo_v2", "cuMemGetInfo", 3020, false, Address(&::cuMemGetInfo_v2),
       Address(d.cuMemGetInfo_v2)},
      {"cuDeviceTotalMem_v2", "cuDeviceTotalMem", 3020, false, Address(&::cuDeviceTotalMem_v2),
       Address(d.cuDeviceTotalMem_v2)},
  };
}

abi::CUresult Shim::OpenAccounting(bool initialize_driver) {
  if (shut_down_) return abi::kSuccess;
  if (open_error_ != abi::kSuccess) return open_error_;
  if (driver_.cuDeviceGetCount == nullptr || driver_.cuDeviceTotalMem_v2 == nullptr ||
      driver_.cuDeviceGetAttribute == nullptr) {
    return abi::kSuccess;  // no driver: every call fails on its own
  }
  int count = 0;
  abi::CUresult r = driver_.cuDeviceGetCount(&count);
  if (r == abi::kErrorNotInitialized && initialize_driver && driver_.cuInit != nullptr &&
      driver_.cuInit(0) == abi::kSuccess) {
    r = driver_.cuDeviceGetCount(&count);
  }
  // Not initialized yet: the application's own call fails the same way;
  // try again at the next call.
  if (r != abi::kSuccess) return abi::kSuccess;
  // Filled here and kept only once accounting opens: an attempt that stops
  // half-way (try again later) must leave nothing behind.
  std::vector<uint64_t> physical;
  std::vector<PciLocation> pci;
  std::vector<int> numa;
  for (int i = 0; i < count; ++i) {
    size_t bytes = 0;
    if (driver_.cuDeviceTotalMem_v2(&bytes, i) != abi::kSuccess) return abi::kSuccess;
    physical.push_back(bytes);
    PciLocation location;
    int value = 0;
    if (driver_.cuDeviceGetAttribute(&value, abi::kAttrPciDomainId, i) == abi::kSuccess) {
      location.domain = static_cast<unsigned>(value);
    }
    if (driver_.cuDeviceGetAttribute(&value, abi::kAttrPciBusId, i) == abi::kSuccess) {
      location.bus = static_cast<unsigned>(value);
    }
    if (driver_.cuDeviceGetAttribute(&value, abi::kAttrPciDeviceId, i) == abi::kSuccess) {
      location.slot = static_cast<unsigned>(value);
    }
    pci.push_back(location);
    int node = -1;
    if (driver_.cuDeviceGetAttribute(&value, abi::kAttrHostNumaId, i) == abi::kSuccess) {
      node = value;
    }
    numa.push_back(node);
  }
  absl::StatusOr<std::unique_ptr<Accounting>> accounting =
      Accounting::Open(settings_.config, physical);
  if (!accounting.ok()) {
    // Fail closed, for good: governing without the ledger could exceed limits.
    SPILLWAY_LOG(ERROR) << "CUDA preload shim: " << accounting.status()
                        << "; every CUDA call the shim governs will fail";
    open_error_ = abi::kErrorNotInitialized;
    return open_error_;
  }
  accounting_ = *std::move(accounting);
  pci_ = std::move(pci);
  numa_ = std::move(numa);
  ready_.store(accounting_.get(), std::memory_order_release);
  return abi::kSuccess;
}

Accounting* Shim::accounting(abi::CUresult* refusal, bool initialize_driver) {
  *refusal = abi::kSuccess;
  if (Accounting* ready = ready_.load(std::memory_order_acquire)) return ready;
  if (settings_error_ != abi::kSuccess) {
    *refusal = settings_error_;
    return nullptr;
  }
  absl::MutexLock lock(&mu_);
  if (accounting_ == nullptr) *refusal = OpenAccounting(initialize_driver);
  return accounting_.get();
}

void* Shim::Substitute(const char* symbol, void* pointer, int version, uint64_t flags) {
  if (!governs_ || symbol == nullptr || pointer == nullptr) return pointer;
  if (std::strncmp(symbol, "nvml", 4) == 0) {
    const RealNvml* n = nvml();
    if (n == nullptr) return pointer;
    if (pointer == Address(n->nvmlDeviceGetMemoryInfo)) return Address(&::nvmlDeviceGetMemoryInfo);
    if (pointer == Address(n->nvmlDeviceGetMemoryInfo_v2)) {
      return Address(&::nvmlDeviceGetMemoryInfo_v2);
    }
    return pointer;
  }
  // The driver's own function: exactly the entry it is.
  for (const HookEntry& e : hooks_) {
    if (e.real != nullptr && e.real == pointer) return e.hook;
  }
  if (version < 0) return pointer;  // dlsym found something else by that name
  // cuGetProcAddress answered with an address that is not one of the
  // driver's exports: pick the entry the version and flags select.
  const bool per_thread = (flags & abi::kGetProcAddressPerThreadDefaultStream) != 0;
  const HookEntry* best = nullptr;
  for (const HookEntry& e : hooks_) {
    if (std::strcmp(e.base, symbol) != 0 || e.version > version || e.real == nullptr) continue;
    if (e.per_thread && !per_thread) continue;
    if (best == nullptr || e.version > best->version || (e.per_thread && !best->per_thread)) {
      best = &e;
    }
  }
  if (best == nullptr) return pointer;
  SPILLWAY_LOG(DEBUG) << "cuGetProcAddress(" << symbol << ", " << version
                      << ") returned an address that is not an export; substituting the hook of "
                      << best->exported;
  return best->hook;
}

const RealNvml* Shim::nvml() {
  absl::MutexLock lock(&nvml_mu_);
  if (!nvml_tried_) {
    nvml_tried_ = true;
    auto loaded = std::make_unique<RealNvml>();
    if (loaded->Load(hal::LibraryFromEnvironment(kNvmlLibraryEnvVar, "libnvidia-ml.so.1"))) {
      nvml_ = std::move(loaded);
    } else {
      SPILLWAY_LOG(WARNING) << "CUDA preload shim: cannot load NVML: " << loaded->error;
    }
  }
  return nvml_.get();
}

std::optional<int> Shim::OrdinalForPci(unsigned domain, unsigned bus, unsigned slot) const {
  absl::MutexLock lock(&mu_);
  if (accounting_ == nullptr) return std::nullopt;
  for (int i = 0; i < accounting_->device_count() && i < static_cast<int>(pci_.size()); ++i) {
    const PciLocation& p = pci_[static_cast<size_t>(i)];
    if (p.domain == domain && p.bus == bus && p.slot == slot) return i;
  }
  return std::nullopt;
}

int Shim::host_numa_node(int device) const {
  absl::MutexLock lock(&mu_);
  if (device < 0 || device >= static_cast<int>(numa_.size())) return -1;
  return numa_[static_cast<size_t>(device)];
}

void Shim::RememberPool(abi::CUmemoryPool pool, int device) {
  absl::MutexLock lock(&mu_);
  pools_[pool] = device;
}

std::optional<int> Shim::PoolDevice(abi::CUmemoryPool pool) const {
  absl::MutexLock lock(&mu_);
  auto it = pools_.find(pool);
  if (it == pools_.end()) return std::nullopt;
  return it->second;
}

void Shim::ShutDown() {
  std::unique_ptr<Accounting> accounting;
  {
    absl::MutexLock lock(&mu_);
    shut_down_ = true;
    ready_.store(nullptr, std::memory_order_release);
    accounting = std::move(accounting_);
  }
  // Destroying it detaches from the ledger and gives this process's usage back.
}

namespace {
// At exit (after main returns or exit()): other processes sharing the ledger
// see this one's memory come back at once rather than when they next reclaim.
__attribute__((destructor)) void ShutDownAtExit() {
  if (Shim* shim = instance.load(std::memory_order_acquire)) shim->ShutDown();
}
}  // namespace

}  // namespace spillway::interpose
