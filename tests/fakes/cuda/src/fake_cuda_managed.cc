// Managed-memory advice and prefetch of the fake libcuda.so.1, in both the
// legacy device-number form and the location form of CUDA 12.2+. Managed
// memory belongs to the simulated device that allocated it, so a location
// naming another device is refused (a real driver would accept it).
#include "fake_driver.h"

using spillway::fake_cuda::FakeDriver;
using spillway::fake_cuda::Ptr;
using spillway::fake_cuda::Resolved;
using spillway::fake_cuda::ResultFromStatus;
namespace hal = spillway::hal;


namespace {

bool ToAdvice(cuda_abi::CUmem_advise value, hal::Advice* out) {
  switch (value) {
    case cuda_abi::kAdviseSetReadMostly: *out = hal::Advice::kSetReadMostly; return true;
    case cuda_abi::kAdviseUnsetReadMostly: *out = hal::Advice::kUnsetReadMostly; return true;
    case cuda_abi::kAdviseSetPreferredLocation: *out = hal::Advice::kSetPreferredLocation; return true;
    case cuda_abi::kAdviseUnsetPreferredLocation:
      *out = hal::Advice::kUnsetPreferredLocation;
      return true;
    case cuda_abi::kAdviseSetAccessedBy: *out = hal::Advice::kSetAccessedBy; return true;
    case cuda_abi::kAdviseUnsetAccessedBy: *out = hal::Advice::kUnsetAccessedBy; return true;
    default: return false;
  }
}

bool ToLocation(const cuda_abi::CUmemLocation& location, hal::Location* out) {
  switch (location.type) {
    case cuda_abi::kMemLocationTypeDevice: *out = hal::Location::Device(location.id); return true;
    case cuda_abi::kMemLocationTypeHost:
    case cuda_abi::kMemLocationTypeHostNumaCurrent: *out = hal::Location::Host(); return true;
    case cuda_abi::kMemLocationTypeHostNuma: *out = hal::Location::HostNuma(location.id); return true;
    default: return false;
  }
}

cuda_abi::CUmemLocation LegacyLocation(cuda_abi::CUdevice device) {
  return device == cuda_abi::kDeviceCpu ? cuda_abi::CUmemLocation{cuda_abi::kMemLocationTypeHost, 0}
                                   : cuda_abi::CUmemLocation{cuda_abi::kMemLocationTypeDevice, device};
}

// The managed allocation's device, or an error.
cuda_abi::CUresult ManagedOwner(cuda_abi::CUdeviceptr ptr, size_t count, int* device) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = d.CheckInitialized()) return r;
  if (ptr == 0 || count == 0) return cuda_abi::kErrorInvalidValue;
  Resolved r = d.Resolve(Ptr(ptr));
  if (r.kind != Resolved::Kind::kHal || r.allocation.kind != hal::MemoryKind::kManaged) {
    return cuda_abi::kErrorInvalidValue;
  }
  *device = r.device;
  return cuda_abi::kSuccess;
}

}  // namespace

extern "C" cuda_abi::CUresult cuMemAdvise_v2(cuda_abi::CUdeviceptr devPtr, size_t count,
                                        cuda_abi::CUmem_advise advice, cuda_abi::CUmemLocation location) {
  int dev = 0;
  if (cuda_abi::CUresult r = ManagedOwner(devPtr, count, &dev)) return r;
  hal::Advice a;
  hal::Location where;
  if (!ToAdvice(advice, &a)) return cuda_abi::kErrorInvalidValue;
  // Read-mostly advice ignores the location.
  const bool needs_location =
      a != hal::Advice::kSetReadMostly && a != hal::Advice::kUnsetReadMostly;
  if (!ToLocation(location, &where)) {
    if (needs_location) return cuda_abi::kErrorInvalidValue;
    where = hal::Location::Host();
  }
  return ResultFromStatus(FakeDriver::Get().device(dev).Advise(Ptr(devPtr), count, a, where));
}

extern "C" cuda_abi::CUresult cuMemAdvise(cuda_abi::CUdeviceptr devPtr, size_t count,
                                     cuda_abi::CUmem_advise advice, cuda_abi::CUdevice device) {
  return cuMemAdvise_v2(devPtr, count, advice, LegacyLocation(device));
}

extern "C" cuda_abi::CUresult cuMemPrefetchAsync_v2(cuda_abi::CUdeviceptr devPtr, size_t count,
                                               cuda_abi::CUmemLocation location, unsigned int flags,
                                               cuda_abi::CUstream hStream) {
  FakeDriver& d = FakeDriver::Get();
  int stream_device = 0;
  hal::Stream* stream = nullptr;
  if (cuda_abi::CUresult r = d.ResolveStream(hStream, &stream_device, &stream)) return r;
  int dev = 0;
  if (cuda_abi::CUresult r = ManagedOwner(devPtr, count, &dev)) return r;
  hal::Location where;
  if (flags != 0 || !ToLocation(location, &where)) return cuda_abi::kErrorInvalidValue;
  if (stream_device != dev) return cuda_abi::kErrorInvalidValue;
  return ResultFromStatus(d.device(dev).Prefetch(Ptr(devPtr), count, where, *stream));
}

extern "C" cuda_abi::CUresult cuMemPrefetchAsync(cuda_abi::CUdeviceptr devPtr, size_t count,
                                            cuda_abi::CUdevice dstDevice, cuda_abi::CUstream hStream) {
  return cuMemPrefetchAsync_v2(devPtr, count, LegacyLocation(dstDevice), 0, hStream);
}
