// The allocation and free calls of the driver, accounted: plain, pitched,
// managed, stream-ordered and from memory pools.
#include "governed_memory.h"
#include "shim_exports.h"

using spillway::interpose::AccountAllocated;
using spillway::interpose::Accounting;
using spillway::interpose::AllocateGoverned;
using spillway::interpose::CurrentDevice;
using spillway::interpose::FreeGoverned;
using spillway::interpose::Grant;
using spillway::interpose::RealDriver;
using spillway::interpose::Shim;
using spillway::interpose::WithAccounting;
namespace cuda_abi = ::spillway::cuda::abi;
namespace runtime = ::spillway::runtime;

namespace {

cuda_abi::CUresult AllocAsync(cuda_abi::Fn_cuMemAllocAsync* real, cuda_abi::CUdeviceptr* dptr, size_t bytesize,
                         cuda_abi::CUstream stream) {
  Shim& shim = Shim::Get();
  if (real == nullptr) return cuda_abi::kErrorNotSupported;
  return WithAccounting(
      shim, [&] { return real(dptr, bytesize, stream); },
      [&](Accounting& accounting) {
        int device = 0;
        if (cuda_abi::CUresult r = CurrentDevice(shim.driver(), &device)) return r;
        return AllocateGoverned(shim, accounting, device, bytesize, dptr,
                                [&](cuda_abi::CUdeviceptr* out) { return real(out, bytesize, stream); });
      });
}

cuda_abi::CUresult AllocFromPool(cuda_abi::Fn_cuMemAllocFromPoolAsync* real, cuda_abi::CUdeviceptr* dptr,
                            size_t bytesize, cuda_abi::CUmemoryPool pool, cuda_abi::CUstream stream) {
  Shim& shim = Shim::Get();
  if (real == nullptr) return cuda_abi::kErrorNotSupported;
  return WithAccounting(
      shim, [&] { return real(dptr, bytesize, pool, stream); },
      [&](Accounting& accounting) {
        int device = 0;
        if (std::optional<int> known = shim.PoolDevice(pool)) {
          device = *known;
        } else if (cuda_abi::CUresult r = CurrentDevice(shim.driver(), &device)) {
          return r;
        }
        return AllocateGoverned(
            shim, accounting, device, bytesize, dptr,
            [&](cuda_abi::CUdeviceptr* out) { return real(out, bytesize, pool, stream); });
      });
}

cuda_abi::CUresult FreeAsync(cuda_abi::Fn_cuMemFreeAsync* real, cuda_abi::CUdeviceptr dptr,
                        cuda_abi::CUstream stream) {
  Shim& shim = Shim::Get();
  if (real == nullptr) return cuda_abi::kErrorNotSupported;
  return WithAccounting(
      shim, [&] { return real(dptr, stream); },
      [&](Accounting& accounting) {
        return FreeGoverned(shim, accounting, dptr, /*stream_ordered=*/true, stream,
                            [&] { return real(dptr, stream); });
      });
}

}  // namespace

extern "C" cuda_abi::CUresult cuMemAlloc_v2(cuda_abi::CUdeviceptr* dptr, size_t bytesize) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuMemAlloc_v2 == nullptr) return cuda_abi::kErrorNotSupported;
  return WithAccounting(
      shim, [&] { return d.cuMemAlloc_v2(dptr, bytesize); },
      [&](Accounting& accounting) {
        int device = 0;
        if (cuda_abi::CUresult r = CurrentDevice(d, &device)) return r;
        return AllocateGoverned(shim, accounting, device, bytesize, dptr,
                                [&](cuda_abi::CUdeviceptr* out) { return d.cuMemAlloc_v2(out, bytesize); });
      });
}

extern "C" cuda_abi::CUresult cuMemAllocPitch_v2(cuda_abi::CUdeviceptr* dptr, size_t* pPitch,
                                            size_t WidthInBytes, size_t Height,
                                            unsigned int ElementSizeBytes) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuMemAllocPitch_v2 == nullptr) return cuda_abi::kErrorNotSupported;
  auto real = [&] { return d.cuMemAllocPitch_v2(dptr, pPitch, WidthInBytes, Height,
                                                ElementSizeBytes); };
  return WithAccounting(shim, real, [&](Accounting& accounting) {
    int device = 0;
    if (cuda_abi::CUresult r = CurrentDevice(d, &device)) return r;
    // The pitch, hence the size, is the driver's choice: account afterwards.
    if (cuda_abi::CUresult r = real()) return r;
    return AccountAllocated(shim, accounting, device, *pPitch * Height, dptr);
  });
}

extern "C" cuda_abi::CUresult cuMemFree_v2(cuda_abi::CUdeviceptr dptr) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuMemFree_v2 == nullptr) return cuda_abi::kErrorNotSupported;
  return WithAccounting(
      shim, [&] { return d.cuMemFree_v2(dptr); },
      [&](Accounting& accounting) {
        return FreeGoverned(shim, accounting, dptr, /*stream_ordered=*/false, nullptr,
                            [&] { return d.cuMemFree_v2(dptr); });
      });
}

extern "C" cuda_abi::CUresult cuMemAllocManaged(cuda_abi::CUdeviceptr* dptr, size_t bytesize,
                                           unsigned int flags) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuMemAllocManaged == nullptr) return cuda_abi::kErrorNotSupported;
  auto real = [&] { return d.cuMemAllocManaged(dptr, bytesize, flags); };
  return WithAccounting(shim, real, [&](Accounting& accounting) {
    int device = 0;
    if (dptr == nullptr || bytesize == 0) return real();
    if (cuda_abi::CUresult r = CurrentDevice(d, &device)) return r;
    if (!accounting.Governs(device)) return real();
    // Managed memory counts against the virtual size, never the budget.
    if (!accounting.Reserve(device, runtime::UsageKind::kManaged, bytesize).ok()) {
      return cuda_abi::kErrorOutOfMemory;
    }
    const cuda_abi::CUresult r = real();
    if (r != cuda_abi::kSuccess) {
      accounting.Release(device, runtime::UsageKind::kManaged, bytesize);
      return r;
    }
    accounting.Track(Accounting::Table::kPointer, *dptr,
                     Grant{device, bytesize, runtime::UsageKind::kManaged});
    return r;
  });
}

extern "C" cuda_abi::CUresult cuMemAllocAsync(cuda_abi::CUdeviceptr* dptr, size_t bytesize,
                                         cuda_abi::CUstream hStream) {
  return AllocAsync(Shim::Get().driver().cuMemAllocAsync, dptr, bytesize, hStream);
}

extern "C" cuda_abi::CUresult cuMemAllocAsync_ptsz(cuda_abi::CUdeviceptr* dptr, size_t bytesize,
                                              cuda_abi::CUstream hStream) {
  return AllocAsync(Shim::Get().driver().cuMemAllocAsync_ptsz, dptr, bytesize, hStream);
}

extern "C" cuda_abi::CUresult cuMemFreeAsync(cuda_abi::CUdeviceptr dptr, cuda_abi::CUstream hStream) {
  return FreeAsync(Shim::Get().driver().cuMemFreeAsync, dptr, hStream);
}

extern "C" cuda_abi::CUresult cuMemFreeAsync_ptsz(cuda_abi::CUdeviceptr dptr, cuda_abi::CUstream hStream) {
  return FreeAsync(Shim::Get().driver().cuMemFreeAsync_ptsz, dptr, hStream);
}

extern "C" cuda_abi::CUresult cuMemAllocFromPoolAsync(cuda_abi::CUdeviceptr* dptr, size_t bytesize,
                                                 cuda_abi::CUmemoryPool pool, cuda_abi::CUstream hStream) {
  return AllocFromPool(Shim::Get().driver().cuMemAllocFromPoolAsync, dptr, bytesize, pool,
                       hStream);
}

extern "C" cuda_abi::CUresult cuMemAllocFromPoolAsync_ptsz(cuda_abi::CUdeviceptr* dptr, size_t bytesize,
                                                      cuda_abi::CUmemoryPool pool,
                                                      cuda_abi::CUstream hStream) {
  return AllocFromPool(Shim::Get().driver().cuMemAllocFromPoolAsync_ptsz, dptr, bytesize, pool,
                       hStream);
}

// Pools: only remembered, so that allocations from them are charged to the
// pool's device rather than the current one.
extern "C" cuda_abi::CUresult cuMemPoolCreate(cuda_abi::CUmemoryPool* pool,
                                         const cuda_abi::CUmemPoolProps* poolProps) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuMemPoolCreate == nullptr) return cuda_abi::kErrorNotSupported;
  const cuda_abi::CUresult r = d.cuMemPoolCreate(pool, poolProps);
  if (r == cuda_abi::kSuccess && shim.governs() &&
      poolProps->location.type == cuda_abi::kMemLocationTypeDevice) {
    shim.RememberPool(*pool, poolProps->location.id);
  }
  return r;
}

extern "C" cuda_abi::CUresult cuDeviceGetDefaultMemPool(cuda_abi::CUmemoryPool* pool_out,
                                                   cuda_abi::CUdevice dev) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuDeviceGetDefaultMemPool == nullptr) return cuda_abi::kErrorNotSupported;
  const cuda_abi::CUresult r = d.cuDeviceGetDefaultMemPool(pool_out, dev);
  if (r == cuda_abi::kSuccess && shim.governs()) shim.RememberPool(*pool_out, dev);
  return r;
}

extern "C" cuda_abi::CUresult cuDeviceGetMemPool(cuda_abi::CUmemoryPool* pool, cuda_abi::CUdevice dev) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuDeviceGetMemPool == nullptr) return cuda_abi::kErrorNotSupported;
  const cuda_abi::CUresult r = d.cuDeviceGetMemPool(pool, dev);
  if (r == cuda_abi::kSuccess && shim.governs()) shim.RememberPool(*pool, dev);
  return r;
}
