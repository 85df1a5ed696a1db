// The virtual memory management calls (PyTorch's expandable segments, vLLM's
// sleep mode): physical memory is accounted when cuMemCreate makes it and
// given back when cuMemRelease lets it go. cuMemMap, cuMemUnmap and
// cuMemSetAccess only arrange address space and pass through. There is no
// spill here: a handle is physical device memory by definition, so beyond the
// device's budget cuMemCreate reports CUDA_ERROR_OUT_OF_MEMORY.
#include "governed_memory.h"
#include "shim_exports.h"

using spillway::interpose::Accounting;
using spillway::interpose::Grant;
using spillway::interpose::RealDriver;
using spillway::interpose::Shim;
using spillway::interpose::WithAccounting;
namespace cuda_abi = ::spillway::cuda::abi;
namespace runtime = ::spillway::runtime;

extern "C" cuda_abi::CUresult cuMemCreate(cuda_abi::CUmemGenericAllocationHandle* handle, size_t size,
                                     const cuda_abi::CUmemAllocationProp* prop,
                                     unsigned long long flags) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuMemCreate == nullptr) return cuda_abi::kErrorNotSupported;
  auto real = [&] { return d.cuMemCreate(handle, size, prop, flags); };
  return WithAccounting(shim, real, [&](Accounting& accounting) {
    if (handle == nullptr || prop == nullptr || size == 0 ||
        prop->location.type != cuda_abi::kMemLocationTypeDevice ||
        !accounting.Governs(prop->location.id)) {
      return real();  // the driver's own answer, or memory the shim does not govern
    }
    const int device = prop->location.id;
    if (!accounting.Reserve(device, runtime::UsageKind::kDevice, size).ok()) {
      return cuda_abi::kErrorOutOfMemory;
    }
    const cuda_abi::CUresult r = real();
    if (r != cuda_abi::kSuccess) {
      accounting.Release(device, runtime::UsageKind::kDevice, size);
      return r;
    }
    accounting.Track(Accounting::Table::kVmmHandle, *handle,
                     Grant{device, size, runtime::UsageKind::kDevice});
    return r;
  });
}

extern "C" cuda_abi::CUresult cuMemRelease(cuda_abi::CUmemGenericAllocationHandle handle) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuMemRelease == nullptr) return cuda_abi::kErrorNotSupported;
  return WithAccounting(
      shim, [&] { return d.cuMemRelease(handle); },
      [&](Accounting& accounting) {
        std::optional<Grant> grant = accounting.Untrack(Accounting::Table::kVmmHandle, handle);
        const cuda_abi::CUresult r = d.cuMemRelease(handle);
        if (!grant.has_value()) return r;
        if (r != cuda_abi::kSuccess) {
          accounting.Track(Accounting::Table::kVmmHandle, handle, *grant);
          return r;
        }
        accounting.Release(grant->device, grant->kind, grant->bytes);
        return r;
      });
}
