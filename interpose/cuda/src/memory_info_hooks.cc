// What the application is told about device memory: the virtual device.
// cuMemGetInfo_v2, cuDeviceTotalMem_v2 and NVML's memory queries report the
// virtual size as the total and what the ledger leaves of it as free (never
// above the total, never below zero).

#include "governed_memory.h"
#include "shim_exports.h"

using spillway::interpose::Accounting;
using spillway::interpose::MemoryView;
using spillway::interpose::RealDriver;
using spillway::interpose::RealNvml;
using spillway::interpose::Shim;
using spillway::interpose::WithAccounting;
namespace cuda_abi = ::spillway::cuda::abi;
namespace nvml = ::spillway::cuda::nvml;

namespace {

// The governed CUDA ordinal of an NVML device, or -1.
int OrdinalOf(Shim& shim, const RealNvml& n, nvml::nvmlDevice_t device) {
  if (n.nvmlDeviceGetPciInfo_v3 == nullptr) return -1;
  nvml::nvmlPciInfo_t pci{};
  if (n.nvmlDeviceGetPciInfo_v3(device, &pci) != nvml::kSuccess) return -1;
  std::optional<int> ordinal = shim.OrdinalForPci(pci.domain, pci.bus, pci.device);
  return ordinal.value_or(-1);
}

// The view of `device`'s memory, or nullopt when NVML's own answer stands.
// `refusal` is set when the shim fails closed.
std::optional<MemoryView> NvmlView(Shim& shim, const RealNvml& n, nvml::nvmlDevice_t device,
                                   unsigned long long driver_free, bool* refused) {
  *refused = false;
  if (!shim.governs()) return std::nullopt;
  cuda_abi::CUresult refusal = cuda_abi::kSuccess;
  // NVML works without cuInit (monitoring tools): the shim initializes the
  // driver itself to learn the devices.
  Accounting* accounting = shim.accounting(&refusal, /*initialize_driver=*/true);
  if (accounting == nullptr) {
    *refused = refusal != cuda_abi::kSuccess;
    return std::nullopt;
  }
  const int ordinal = OrdinalOf(shim, n, device);
  if (!accounting->Governs(ordinal)) return std::nullopt;
  return accounting->View(ordinal, driver_free);
}

}  // namespace

extern "C" cuda_abi::CUresult cuMemGetInfo_v2(size_t* free, size_t* total) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuMemGetInfo_v2 == nullptr) return cuda_abi::kErrorNotSupported;
  const cuda_abi::CUresult r = d.cuMemGetInfo_v2(free, total);
  if (r != cuda_abi::kSuccess) return r;
  return WithAccounting(
      shim, [&] { return r; },
      [&](Accounting& accounting) {
        int device = 0;
        if (spillway::interpose::CurrentDevice(d, &device) != cuda_abi::kSuccess ||
            !accounting.Governs(device)) {
          return r;
        }
        const MemoryView view = accounting.View(device, *free);
        *free = view.free;
        *total = view.total;
        return r;
      });
}

extern "C" cuda_abi::CUresult cuDeviceTotalMem_v2(size_t* bytes, cuda_abi::CUdevice dev) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuDeviceTotalMem_v2 == nullptr) return cuda_abi::kErrorNotSupported;
  const cuda_abi::CUresult r = d.cuDeviceTotalMem_v2(bytes, dev);
  if (r != cuda_abi::kSuccess) return r;
  return WithAccounting(
      shim, [&] { return r; },
      [&](Accounting& accounting) {
        if (accounting.Governs(dev)) *bytes = accounting.quota(dev).virtual_size;
        return r;
      });
}

extern "C" nvml::nvmlReturn_t nvmlDeviceGetMemoryInfo(nvml::nvmlDevice_t device,
                                                      nvml::nvmlMemory_t* memory) {
  Shim& shim = Shim::Get();
  const RealNvml* n = shim.nvml();
  if (n == nullptr || n->nvmlDeviceGetMemoryInfo == nullptr) return nvml::kErrorFunctionNotFound;
  const nvml::nvmlReturn_t r = n->nvmlDeviceGetMemoryInfo(device, memory);
  if (r != nvml::kSuccess || memory == nullptr) return r;
  bool refused = false;
  std::optional<MemoryView> view = NvmlView(shim, *n, device, memory->free, &refused);
  if (refused) return nvml::kErrorUnknown;
  if (view.has_value()) {
    memory->total = view->total;
    memory->free = view->free;
    memory->used = view->total - view->free;
  }
  return r;
}

extern "C" nvml::nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvml::nvmlDevice_t device,
                                                         nvml::nvmlMemory_v2_t* memory) {
  Shim& shim = Shim::Get();
  const RealNvml* n = shim.nvml();
  if (n == nullptr || n->nvmlDeviceGetMemoryInfo_v2 == nullptr) {
    return nvml::kErrorFunctionNotFound;
  }
  const nvml::nvmlReturn_t r = n->nvmlDeviceGetMemoryInfo_v2(device, memory);
  if (r != nvml::kSuccess || memory == nullptr) return r;
  bool refused = false;
  std::optional<MemoryView> view = NvmlView(shim, *n, device, memory->free, &refused);
  if (refused) return nvml::kErrorUnknown;
  if (view.has_value()) {
    memory->total = view->total;
    memory->reserved = 0;
    memory->free = view->free;
    memory->used = view->total - view->free;
  }
  return r;
}
