// PyTorch's pluggable CUDA allocator entry points (see
// include/spillway/interpose/cuda/torch_allocator.h): stream-ordered
// allocations through the same accounting as the hooks.
#include <sys/types.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "shim.h"
#include "shim_exports.h"
#include "spillway/interpose/cuda/torch_allocator.h"

using spillway::interpose::RealDriver;
using spillway::interpose::Shim;
namespace cuda_abi = ::spillway::cuda::abi;

namespace {

// Makes `device`'s primary context current for one call when another device
// (or none) is; PyTorch normally has the right one current already.
class DeviceScope {
 public:
  DeviceScope(const RealDriver& driver, int device) : driver_(driver) {
    int current = -1;
    if (driver.cuCtxGetDevice != nullptr && driver.cuCtxGetDevice(&current) == cuda_abi::kSuccess &&
        current == device) {
      return;
    }
    cuda_abi::CUcontext context = Primary(driver, device);
    if (context == nullptr || driver.cuCtxPushCurrent_v2 == nullptr ||
        driver.cuCtxPushCurrent_v2(context) != cuda_abi::kSuccess) {
      ok_ = false;
      return;
    }
    pushed_ = true;
  }
  ~DeviceScope() {
    cuda_abi::CUcontext popped = nullptr;
    if (pushed_) (void)driver_.cuCtxPopCurrent_v2(&popped);
  }
  bool ok() const { return ok_; }

 private:
  // Retained once per device for the life of the process (through the hook,
  // so that the context is charged like any other).
  // The driver is initialized before the first retain only, not on every
  // allocation.
  static cuda_abi::CUcontext Primary(const RealDriver& driver, int device) {
    static absl::Mutex mu(absl::kConstInit);
    static cuda_abi::CUcontext contexts[64] ABSL_GUARDED_BY(mu) = {};
    if (device < 0 || device >= 64) return nullptr;
    absl::MutexLock lock(&mu);
    if (contexts[device] == nullptr) {
      if (driver.cuInit != nullptr) (void)driver.cuInit(0);
      if (::cuDevicePrimaryCtxRetain(&contexts[device], device) != cuda_abi::kSuccess) {
        contexts[device] = nullptr;
      }
    }
    return contexts[device];
  }

  const RealDriver& driver_;
  bool pushed_ = false;
  bool ok_ = true;
};

}  // namespace

extern "C" __attribute__((visibility("default"))) void* spillway_torch_alloc(ssize_t size,
                                                                             int device,
                                                                             CUstream_st* stream) {
  if (size <= 0) return nullptr;
  const RealDriver& d = Shim::Get().driver();
  DeviceScope scope(d, device);
  if (!scope.ok()) return nullptr;
  cuda_abi::CUdeviceptr ptr = 0;
  const auto bytes = static_cast<size_t>(size);
  // The hooks, not the driver: the same accounting as every other allocation.
  const cuda_abi::CUresult r = d.cuMemAllocAsync != nullptr ? ::cuMemAllocAsync(&ptr, bytes, stream)
                                                       : ::cuMemAlloc_v2(&ptr, bytes);
  return r == cuda_abi::kSuccess ? reinterpret_cast<void*>(static_cast<uintptr_t>(ptr)) : nullptr;
}

extern "C" __attribute__((visibility("default"))) void spillway_torch_free(void* ptr,
                                                                           ssize_t /*size*/,
                                                                           int device,
                                                                           CUstream_st* stream) {
  if (ptr == nullptr) return;
  const RealDriver& d = Shim::Get().driver();
  DeviceScope scope(d, device);
  const auto p = static_cast<cuda_abi::CUdeviceptr>(reinterpret_cast<uintptr_t>(ptr));
  // A free has nowhere to report failure; the driver's own checks stand.
  (void)(d.cuMemFreeAsync != nullptr ? ::cuMemFreeAsync(p, stream) : ::cuMemFree_v2(p));
}
