// The virtual memory management calls of the fake libcuda.so.1 (cuMemCreate,
// cuMemMap, ...), as PyTorch's expandable segments and vLLM's sleep mode use
// them.
#include "fake_driver.h"

using spillway::fake_cuda::FakeDriver;


extern "C" cuda_abi::CUresult cuMemCreate(cuda_abi::CUmemGenericAllocationHandle* handle, size_t size,
                                     const cuda_abi::CUmemAllocationProp* prop,
                                     unsigned long long flags) {
  if (flags != 0) return cuda_abi::kErrorInvalidValue;
  uint64_t out = 0;
  if (cuda_abi::CUresult r = FakeDriver::Get().CreatePhysical(size, prop, &out)) return r;
  *handle = out;
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuMemRelease(cuda_abi::CUmemGenericAllocationHandle handle) {
  return FakeDriver::Get().ReleasePhysical(handle);
}

extern "C" cuda_abi::CUresult cuMemAddressReserve(cuda_abi::CUdeviceptr* ptr, size_t size, size_t alignment,
                                             cuda_abi::CUdeviceptr addr, unsigned long long flags) {
  if (ptr == nullptr || flags != 0) return cuda_abi::kErrorInvalidValue;
  uintptr_t out = 0;
  if (cuda_abi::CUresult r = FakeDriver::Get().ReserveAddress(size, alignment, addr, &out)) return r;
  *ptr = out;
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuMemAddressFree(cuda_abi::CUdeviceptr ptr, size_t size) {
  return FakeDriver::Get().FreeAddress(ptr, size);
}

extern "C" cuda_abi::CUresult cuMemMap(cuda_abi::CUdeviceptr ptr, size_t size, size_t offset,
                                  cuda_abi::CUmemGenericAllocationHandle handle,
                                  unsigned long long flags) {
  if (flags != 0) return cuda_abi::kErrorInvalidValue;
  return FakeDriver::Get().Map(ptr, size, offset, handle);
}

extern "C" cuda_abi::CUresult cuMemUnmap(cuda_abi::CUdeviceptr ptr, size_t size) {
  return FakeDriver::Get().Unmap(ptr, size);
}

extern "C" cuda_abi::CUresult cuMemSetAccess(cuda_abi::CUdeviceptr ptr, size_t size,
                                        const cuda_abi::CUmemAccessDesc* desc, size_t count) {
  return FakeDriver::Get().SetAccess(ptr, size, desc, count);
}

extern "C" cuda_abi::CUresult cuMemGetAllocationGranularity(
    size_t* granularity, const cuda_abi::CUmemAllocationProp* prop,
    cuda_abi::CUmemAllocationGranularity_flags option) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = d.CheckInitialized()) return r;
  if (granularity == nullptr || prop == nullptr ||
      (option != cuda_abi::kMemAllocGranularityMinimum &&
       option != cuda_abi::kMemAllocGranularityRecommended)) {
    return cuda_abi::kErrorInvalidValue;
  }
  if (prop->location.type != cuda_abi::kMemLocationTypeDevice || !d.ValidDevice(prop->location.id)) {
    return cuda_abi::kErrorInvalidDevice;
  }
  *granularity = d.granularity();
  return cuda_abi::kSuccess;
}
