// Allocation, memory info and pointer queries of the fake libcuda.so.1.
#include <cstring>

#include "fake_driver.h"

using spillway::fake_cuda::DevPtr;
using spillway::fake_cuda::FakeDriver;
using spillway::fake_cuda::Ptr;
using spillway::fake_cuda::Resolved;
using spillway::fake_cuda::ResultFromStatus;
namespace hal = spillway::hal;


extern "C" cuda_abi::CUresult cuMemGetInfo_v2(size_t* free, size_t* total) {
  FakeDriver& d = FakeDriver::Get();
  int dev = 0;
  if (cuda_abi::CUresult r = d.CurrentDevice(&dev)) return r;
  if (free == nullptr || total == nullptr) return cuda_abi::kErrorInvalidValue;
  absl::StatusOr<hal::MemoryInfo> info = d.device(dev).GetMemoryInfo();
  if (!info.ok()) return ResultFromStatus(info.status());
  *free = info->free;
  *total = info->total;
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuMemAlloc_v2(cuda_abi::CUdeviceptr* dptr, size_t bytesize) {
  FakeDriver& d = FakeDriver::Get();
  int dev = 0;
  if (cuda_abi::CUresult r = d.CurrentDevice(&dev)) return r;
  if (dptr == nullptr) return cuda_abi::kErrorInvalidValue;
  void* ptr = nullptr;
  if (cuda_abi::CUresult r = d.Allocate(hal::MemoryKind::kDevice, bytesize, dev, &ptr)) return r;
  *dptr = DevPtr(ptr);
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuMemAllocPitch_v2(cuda_abi::CUdeviceptr* dptr, size_t* pPitch,
                                            size_t WidthInBytes, size_t Height,
                                            unsigned int ElementSizeBytes) {
  FakeDriver& d = FakeDriver::Get();
  int dev = 0;
  if (cuda_abi::CUresult r = d.CurrentDevice(&dev)) return r;
  if (dptr == nullptr || pPitch == nullptr || WidthInBytes == 0 || Height == 0 ||
      (ElementSizeBytes != 4 && ElementSizeBytes != 8 && ElementSizeBytes != 16)) {
    return cuda_abi::kErrorInvalidValue;
  }
  // Rows start on 512-byte boundaries, as on current GPUs.
  constexpr size_t kPitchAlignment = 512;
  if (WidthInBytes > SIZE_MAX - kPitchAlignment) return cuda_abi::kErrorInvalidValue;
  const size_t pitch = (WidthInBytes + kPitchAlignment - 1) / kPitchAlignment * kPitchAlignment;
  if (Height > SIZE_MAX / pitch) return cuda_abi::kErrorOutOfMemory;
  void* ptr = nullptr;
  if (cuda_abi::CUresult r = d.Allocate(hal::MemoryKind::kDevice, pitch * Height, dev, &ptr)) return r;
  *dptr = DevPtr(ptr);
  *pPitch = pitch;
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuMemFree_v2(cuda_abi::CUdeviceptr dptr) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = d.CheckInitialized()) return r;
  if (dptr == 0) return cuda_abi::kSuccess;  // like free(NULL)
  return d.Free(Ptr(dptr), hal::MemoryKind::kDevice);
}

extern "C" cuda_abi::CUresult cuMemHostAlloc(void** pp, size_t bytesize, unsigned int flags) {
  FakeDriver& d = FakeDriver::Get();
  int dev = 0;
  if (cuda_abi::CUresult r = d.CurrentDevice(&dev)) return r;
  if ((flags & ~0x7u) != 0) return cuda_abi::kErrorInvalidValue;
  return d.Allocate(hal::MemoryKind::kHost, bytesize, dev, pp);
}

extern "C" cuda_abi::CUresult cuMemAllocHost_v2(void** pp, size_t bytesize) {
  return cuMemHostAlloc(pp, bytesize, 0);
}

extern "C" cuda_abi::CUresult cuMemFreeHost(void* p) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = d.CheckInitialized()) return r;
  if (p == nullptr) return cuda_abi::kErrorInvalidValue;
  return d.Free(p, hal::MemoryKind::kHost);
}

extern "C" cuda_abi::CUresult cuMemAllocManaged(cuda_abi::CUdeviceptr* dptr, size_t bytesize,
                                           unsigned int flags) {
  FakeDriver& d = FakeDriver::Get();
  int dev = 0;
  if (cuda_abi::CUresult r = d.CurrentDevice(&dev)) return r;
  if (dptr == nullptr || (flags != 0x1 && flags != 0x2)) return cuda_abi::kErrorInvalidValue;
  if (!d.device(dev).spec().managed) return cuda_abi::kErrorNotSupported;
  void* ptr = nullptr;
  if (cuda_abi::CUresult r = d.Allocate(hal::MemoryKind::kManaged, bytesize, dev, &ptr)) return r;
  *dptr = DevPtr(ptr);
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuMemGetAddressRange_v2(cuda_abi::CUdeviceptr* pbase, size_t* psize,
                                                 cuda_abi::CUdeviceptr dptr) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = d.CheckInitialized()) return r;
  Resolved r = d.Resolve(Ptr(dptr));
  if (dptr == 0 || r.kind != Resolved::Kind::kHal ||
      r.allocation.kind == hal::MemoryKind::kHost) {
    return cuda_abi::kErrorNotFound;
  }
  if (pbase != nullptr) *pbase = DevPtr(r.allocation.base);
  if (psize != nullptr) *psize = r.allocation.size;
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuPointerGetAttribute(void* data, cuda_abi::CUpointer_attribute attribute,
                                               cuda_abi::CUdeviceptr ptr) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = d.CheckInitialized()) return r;
  if (data == nullptr || ptr == 0) return cuda_abi::kErrorInvalidValue;
  Resolved r = d.Resolve(Ptr(ptr));
  if (r.kind == Resolved::Kind::kHost) return cuda_abi::kErrorInvalidValue;  // not the driver's
  const bool managed = r.kind == Resolved::Kind::kHal &&
                       r.allocation.kind == hal::MemoryKind::kManaged;
  const bool host = r.kind == Resolved::Kind::kHal && r.allocation.kind == hal::MemoryKind::kHost;
  switch (attribute) {
    case cuda_abi::kPointerAttributeMemoryType:
      *static_cast<unsigned int*>(data) = host ? cuda_abi::kMemoryTypeHost : cuda_abi::kMemoryTypeDevice;
      return cuda_abi::kSuccess;
    case cuda_abi::kPointerAttributeIsManaged:
      // A C++ bool in the driver: one byte.
      *static_cast<unsigned char*>(data) = managed ? 1 : 0;
      return cuda_abi::kSuccess;
    case cuda_abi::kPointerAttributeDeviceOrdinal:
      *static_cast<int*>(data) = r.device;
      return cuda_abi::kSuccess;
    default:
      return cuda_abi::kErrorNotSupported;
  }
}
