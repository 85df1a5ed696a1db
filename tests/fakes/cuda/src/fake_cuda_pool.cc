// Stream-ordered allocation and memory pools of the fake libcuda.so.1. The
// fake frees at once (its pools cache nothing), so a pool's reserved bytes
// always equal its used bytes.
#include "fake_driver.h"

using spillway::fake_cuda::DevPtr;
using spillway::fake_cuda::FakeDriver;
using spillway::fake_cuda::Ptr;


extern "C" cuda_abi::CUresult cuMemAllocFromPoolAsync(cuda_abi::CUdeviceptr* dptr, size_t bytesize,
                                                 cuda_abi::CUmemoryPool pool, cuda_abi::CUstream hStream) {
  if (pool == nullptr) return cuda_abi::kErrorInvalidValue;
  if (dptr == nullptr) return cuda_abi::kErrorInvalidValue;
  void* ptr = nullptr;
  if (cuda_abi::CUresult r = FakeDriver::Get().AllocateFromPool(pool, bytesize, hStream, &ptr)) {
    return r;
  }
  *dptr = DevPtr(ptr);
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuMemAllocAsync(cuda_abi::CUdeviceptr* dptr, size_t bytesize,
                                         cuda_abi::CUstream hStream) {
  if (dptr == nullptr) return cuda_abi::kErrorInvalidValue;
  void* ptr = nullptr;
  // The current pool of the stream's device.
  if (cuda_abi::CUresult r = FakeDriver::Get().AllocateFromPool(nullptr, bytesize, hStream, &ptr)) {
    return r;
  }
  *dptr = DevPtr(ptr);
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuMemFreeAsync(cuda_abi::CUdeviceptr dptr, cuda_abi::CUstream hStream) {
  if (dptr == 0) return cuda_abi::kErrorInvalidValue;
  return FakeDriver::Get().FreeAsync(Ptr(dptr), hStream);
}

extern "C" cuda_abi::CUresult cuDeviceGetDefaultMemPool(cuda_abi::CUmemoryPool* pool_out,
                                                   cuda_abi::CUdevice dev) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = d.CheckInitialized()) return r;
  if (pool_out == nullptr) return cuda_abi::kErrorInvalidValue;
  if (!d.ValidDevice(dev)) return cuda_abi::kErrorInvalidDevice;
  *pool_out = d.DefaultPool(dev);
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuDeviceGetMemPool(cuda_abi::CUmemoryPool* pool, cuda_abi::CUdevice dev) {
  return FakeDriver::Get().CurrentPool(dev, pool);
}

extern "C" cuda_abi::CUresult cuMemPoolCreate(cuda_abi::CUmemoryPool* pool,
                                         const cuda_abi::CUmemPoolProps* poolProps) {
  return FakeDriver::Get().CreatePool(poolProps, pool);
}

extern "C" cuda_abi::CUresult cuMemPoolDestroy(cuda_abi::CUmemoryPool pool) {
  return FakeDriver::Get().DestroyPool(pool);
}

extern "C" cuda_abi::CUresult cuMemPoolTrimTo(cuda_abi::CUmemoryPool pool, size_t /*minBytesToKeep*/) {
  // Nothing is cached to trim; only the handle is checked.
  uint64_t ignored = 0;
  return FakeDriver::Get().PoolAttribute(pool, cuda_abi::kMemPoolAttrUsedMemCurrent, &ignored, false);
}

extern "C" cuda_abi::CUresult cuMemPoolSetAttribute(cuda_abi::CUmemoryPool pool,
                                               cuda_abi::CUmemPool_attribute attr, void* value) {
  return FakeDriver::Get().PoolAttribute(pool, attr, value, /*set=*/true);
}

extern "C" cuda_abi::CUresult cuMemPoolGetAttribute(cuda_abi::CUmemoryPool pool,
                                               cuda_abi::CUmemPool_attribute attr, void* value) {
  return FakeDriver::Get().PoolAttribute(pool, attr, value, /*set=*/false);
}
