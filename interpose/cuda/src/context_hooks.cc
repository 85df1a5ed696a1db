// Contexts hold device memory of their own (a few hundred MiB on a real GPU)
// that no allocation call shows. With SPILLWAY_CUDA_CONTEXT_SIZE set, each
// context the process holds is charged that much: a primary context from its
// first retain to its last release, a created context from creation to
// destruction. A context the quota cannot hold is refused with
// CUDA_ERROR_OUT_OF_MEMORY, as the driver refuses one it cannot fit.
#include "governed_memory.h"
#include "shim_exports.h"

using spillway::interpose::Accounting;
using spillway::interpose::Grant;
using spillway::interpose::RealDriver;
using spillway::interpose::Shim;
using spillway::interpose::WithAccounting;
namespace cuda_abi = ::spillway::cuda::abi;
namespace runtime = ::spillway::runtime;

namespace {

// Charges `bytes` to `device`, creates the context with `create`, tracks it.
template <typename Create>
cuda_abi::CUresult CreateCharged(cuda_abi::CUcontext* pctx, cuda_abi::CUdevice device, Create create) {
  Shim& shim = Shim::Get();
  const uint64_t bytes = shim.context_bytes();
  if (bytes == 0) return create();
  return WithAccounting(shim, create, [&](Accounting& accounting) {
    if (pctx == nullptr || !accounting.Governs(device)) return create();
    if (!accounting.Reserve(device, runtime::UsageKind::kDevice, bytes).ok()) {
      return cuda_abi::kErrorOutOfMemory;
    }
    const cuda_abi::CUresult r = create();
    if (r != cuda_abi::kSuccess) {
      accounting.Release(device, runtime::UsageKind::kDevice, bytes);
      return r;
    }
    accounting.Track(Accounting::Table::kContext, reinterpret_cast<uintptr_t>(*pctx),
                     Grant{device, bytes, runtime::UsageKind::kDevice});
    return r;
  });
}

}  // namespace

extern "C" cuda_abi::CUresult cuCtxCreate_v2(cuda_abi::CUcontext* pctx, unsigned int flags,
                                        cuda_abi::CUdevice dev) {
  const RealDriver& d = Shim::Get().driver();
  if (d.cuCtxCreate_v2 == nullptr) return cuda_abi::kErrorNotSupported;
  return CreateCharged(pctx, dev, [&] { return d.cuCtxCreate_v2(pctx, flags, dev); });
}

extern "C" cuda_abi::CUresult cuCtxCreate_v3(cuda_abi::CUcontext* pctx, cuda_abi::CUexecAffinityParam* params,
                                        int numParams, unsigned int flags, cuda_abi::CUdevice dev) {
  const RealDriver& d = Shim::Get().driver();
  if (d.cuCtxCreate_v3 == nullptr) return cuda_abi::kErrorNotSupported;
  return CreateCharged(pctx, dev,
                       [&] { return d.cuCtxCreate_v3(pctx, params, numParams, flags, dev); });
}

extern "C" cuda_abi::CUresult cuCtxCreate_v4(cuda_abi::CUcontext* pctx, cuda_abi::CUctxCreateParams* params,
                                        unsigned int flags, cuda_abi::CUdevice dev) {
  const RealDriver& d = Shim::Get().driver();
  if (d.cuCtxCreate_v4 == nullptr) return cuda_abi::kErrorNotSupported;
  return CreateCharged(pctx, dev, [&] { return d.cuCtxCreate_v4(pctx, params, flags, dev); });
}

extern "C" cuda_abi::CUresult cuCtxDestroy_v2(cuda_abi::CUcontext ctx) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuCtxDestroy_v2 == nullptr) return cuda_abi::kErrorNotSupported;
  auto real = [&] { return d.cuCtxDestroy_v2(ctx); };
  if (shim.context_bytes() == 0) return real();
  return WithAccounting(shim, real, [&](Accounting& accounting) {
    // Forgotten first: a context created meanwhile at the same address is not this one.
    const auto key = reinterpret_cast<uintptr_t>(ctx);
    std::optional<Grant> grant = accounting.Untrack(Accounting::Table::kContext, key);
    const cuda_abi::CUresult r = real();
    if (!grant.has_value()) return r;
    if (r != cuda_abi::kSuccess) {
      accounting.Track(Accounting::Table::kContext, key, *grant);
      return r;
    }
    accounting.Release(grant->device, grant->kind, grant->bytes);
    return r;
  });
}

extern "C" cuda_abi::CUresult cuDevicePrimaryCtxRetain(cuda_abi::CUcontext* pctx, cuda_abi::CUdevice dev) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuDevicePrimaryCtxRetain == nullptr) return cuda_abi::kErrorNotSupported;
  auto real = [&] { return d.cuDevicePrimaryCtxRetain(pctx, dev); };
  if (shim.context_bytes() == 0) return real();
  return WithAccounting(shim, real, [&](Accounting& accounting) {
    const cuda_abi::CUresult r = real();
    if (r != cuda_abi::kSuccess || !accounting.Governs(dev)) return r;
    if (!accounting.RetainPrimary(dev, shim.context_bytes()).ok()) {
      if (d.cuDevicePrimaryCtxRelease_v2 != nullptr) (void)d.cuDevicePrimaryCtxRelease_v2(dev);
      return cuda_abi::kErrorOutOfMemory;
    }
    return r;
  });
}

extern "C" cuda_abi::CUresult cuDevicePrimaryCtxRelease_v2(cuda_abi::CUdevice dev) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuDevicePrimaryCtxRelease_v2 == nullptr) return cuda_abi::kErrorNotSupported;
  const cuda_abi::CUresult r = d.cuDevicePrimaryCtxRelease_v2(dev);
  if (r != cuda_abi::kSuccess || shim.context_bytes() == 0) return r;
  return WithAccounting(
      shim, [&] { return r; },
      [&](Accounting& accounting) {
        accounting.ReleasePrimary(dev, shim.context_bytes());
        return r;
      });
}

extern "C" cuda_abi::CUresult cuDevicePrimaryCtxReset_v2(cuda_abi::CUdevice dev) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuDevicePrimaryCtxReset_v2 == nullptr) return cuda_abi::kErrorNotSupported;
  const cuda_abi::CUresult r = d.cuDevicePrimaryCtxReset_v2(dev);
  if (r != cuda_abi::kSuccess || shim.context_bytes() == 0) return r;
  return WithAccounting(
      shim, [&] { return r; },
      [&](Accounting& accounting) {
        accounting.ResetPrimary(dev, shim.context_bytes());
        return r;
      });
}
