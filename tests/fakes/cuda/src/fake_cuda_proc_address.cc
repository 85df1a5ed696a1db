// cuGetProcAddress and cuGetProcAddress_v2 of the fake libcuda.so.1: the
// CUDA runtime resolves every driver entry point through these, by base name
// and the CUDA version it was built for, so the answer depends on the version
// as the real driver's does (cuMemAlloc at 3020+ is cuMemAlloc_v2,
// cuMemAdvise at 12020+ is the location form, ...). Entry points newer than
// the fake's reported driver version are not found. The per-thread
// default-stream flag is accepted and ignored: the fake has no _ptsz forms.
#include <cstring>

#include "fake_driver.h"

using spillway::fake_cuda::FakeDriver;


namespace {

struct ProcEntry {
  const char* name;  // the base name the caller asks for
  int version;       // first CUDA version whose callers get `fn`
  void* fn;
};

template <typename Fn>
void* Address(Fn* fn) {
  return reinterpret_cast<void*>(fn);
}

const ProcEntry kEntries[] = {
    {"cuInit", 2000, Address(&cuInit)},
    {"cuDriverGetVersion", 2020, Address(&cuDriverGetVersion)},
    {"cuGetErrorString", 6000, Address(&cuGetErrorString)},
    {"cuGetErrorName", 6000, Address(&cuGetErrorName)},
    {"cuGetProcAddress", 11030, Address(&cuGetProcAddress)},
    {"cuGetProcAddress", 12000, Address(&cuGetProcAddress_v2)},
    {"cuDeviceGet", 2000, Address(&cuDeviceGet)},
    {"cuDeviceGetCount", 2000, Address(&cuDeviceGetCount)},
    {"cuDeviceGetName", 2000, Address(&cuDeviceGetName)},
    {"cuDeviceGetUuid", 9020, Address(&cuDeviceGetUuid)},
    {"cuDeviceGetUuid", 11040, Address(&cuDeviceGetUuid_v2)},
    {"cuDeviceTotalMem", 3020, Address(&cuDeviceTotalMem_v2)},
    {"cuDeviceGetAttribute", 2000, Address(&cuDeviceGetAttribute)},
    {"cuDeviceGetPCIBusId", 4010, Address(&cuDeviceGetPCIBusId)},
    {"cuDevicePrimaryCtxRetain", 7000, Address(&cuDevicePrimaryCtxRetain)},
    {"cuDevicePrimaryCtxRelease", 11000, Address(&cuDevicePrimaryCtxRelease_v2)},
    {"cuDevicePrimaryCtxReset", 11000, Address(&cuDevicePrimaryCtxReset_v2)},
    {"cuDevicePrimaryCtxGetState", 7000, Address(&cuDevicePrimaryCtxGetState)},
    {"cuCtxCreate", 3020, Address(&cuCtxCreate_v2)},
    {"cuCtxCreate", 11040, Address(&cuCtxCreate_v3)},
    {"cuCtxCreate", 12050, Address(&cuCtxCreate_v4)},
    {"cuCtxDestroy", 4000, Address(&cuCtxDestroy_v2)},
    {"cuCtxSetCurrent", 4000, Address(&cuCtxSetCurrent)},
    {"cuCtxGetCurrent", 4000, Address(&cuCtxGetCurrent)},
    {"cuCtxPushCurrent", 4000, Address(&cuCtxPushCurrent_v2)},
    {"cuCtxPopCurrent", 4000, Address(&cuCtxPopCurrent_v2)},
    {"cuCtxGetDevice", 2000, Address(&cuCtxGetDevice)},
    {"cuCtxSynchronize", 2000, Address(&cuCtxSynchronize)},
    {"cuMemGetInfo", 3020, Address(&cuMemGetInfo_v2)},
    {"cuMemAlloc", 3020, Address(&cuMemAlloc_v2)},
    {"cuMemAllocPitch", 3020, Address(&cuMemAllocPitch_v2)},
    {"cuMemFree", 3020, Address(&cuMemFree_v2)},
    {"cuMemAllocHost", 3020, Address(&cuMemAllocHost_v2)},
    {"cuMemHostAlloc", 2020, Address(&cuMemHostAlloc)},
    {"cuMemFreeHost", 2000, Address(&cuMemFreeHost)},
    {"cuMemAllocManaged", 6000, Address(&cuMemAllocManaged)},
    {"cuMemGetAddressRange", 3020, Address(&cuMemGetAddressRange_v2)},
    {"cuPointerGetAttribute", 4000, Address(&cuPointerGetAttribute)},
    {"cuMemAllocAsync", 11020, Address(&cuMemAllocAsync)},
    {"cuMemFreeAsync", 11020, Address(&cuMemFreeAsync)},
    {"cuMemAllocFromPoolAsync", 11020, Address(&cuMemAllocFromPoolAsync)},
    {"cuDeviceGetDefaultMemPool", 11020, Address(&cuDeviceGetDefaultMemPool)},
    {"cuDeviceGetMemPool", 11020, Address(&cuDeviceGetMemPool)},
    {"cuMemPoolCreate", 11020, Address(&cuMemPoolCreate)},
    {"cuMemPoolDestroy", 11020, Address(&cuMemPoolDestroy)},
    {"cuMemPoolTrimTo", 11020, Address(&cuMemPoolTrimTo)},
    {"cuMemPoolSetAttribute", 11020, Address(&cuMemPoolSetAttribute)},
    {"cuMemPoolGetAttribute", 11020, Address(&cuMemPoolGetAttribute)},
    {"cuMemCreate", 10020, Address(&cuMemCreate)},
    {"cuMemRelease", 10020, Address(&cuMemRelease)},
    {"cuMemAddressReserve", 10020, Address(&cuMemAddressReserve)},
    {"cuMemAddressFree", 10020, Address(&cuMemAddressFree)},
    {"cuMemMap", 10020, Address(&cuMemMap)},
    {"cuMemUnmap", 10020, Address(&cuMemUnmap)},
    {"cuMemSetAccess", 10020, Address(&cuMemSetAccess)},
    {"cuMemGetAllocationGranularity", 10020, Address(&cuMemGetAllocationGranularity)},
    {"cuMemcpy", 4000, Address(&cuMemcpy)},
    {"cuMemcpyAsync", 4000, Address(&cuMemcpyAsync)},
    {"cuMemcpyHtoD", 3020, Address(&cuMemcpyHtoD_v2)},
    {"cuMemcpyDtoH", 3020, Address(&cuMemcpyDtoH_v2)},
    {"cuMemcpyDtoD", 3020, Address(&cuMemcpyDtoD_v2)},
    {"cuMemcpyHtoDAsync", 3020, Address(&cuMemcpyHtoDAsync_v2)},
    {"cuMemcpyDtoHAsync", 3020, Address(&cuMemcpyDtoHAsync_v2)},
    {"cuMemcpyDtoDAsync", 3020, Address(&cuMemcpyDtoDAsync_v2)},
    {"cuMemsetD8", 3020, Address(&cuMemsetD8_v2)},
    {"cuMemsetD8Async", 3020, Address(&cuMemsetD8Async)},
    {"cuStreamCreate", 2000, Address(&cuStreamCreate)},
    {"cuStreamDestroy", 4000, Address(&cuStreamDestroy_v2)},
    {"cuStreamSynchronize", 2000, Address(&cuStreamSynchronize)},
    {"cuStreamQuery", 2000, Address(&cuStreamQuery)},
    {"cuEventCreate", 2000, Address(&cuEventCreate)},
    {"cuEventRecord", 2000, Address(&cuEventRecord)},
    {"cuEventSynchronize", 2000, Address(&cuEventSynchronize)},
    {"cuEventQuery", 2000, Address(&cuEventQuery)},
    {"cuEventElapsedTime", 2000, Address(&cuEventElapsedTime)},
    {"cuEventElapsedTime", 12080, Address(&cuEventElapsedTime_v2)},
    {"cuEventDestroy", 4000, Address(&cuEventDestroy_v2)},
    {"cuMemAdvise", 8000, Address(&cuMemAdvise)},
    {"cuMemAdvise", 12020, Address(&cuMemAdvise_v2)},
    {"cuMemPrefetchAsync", 8000, Address(&cuMemPrefetchAsync)},
    {"cuMemPrefetchAsync", 12020, Address(&cuMemPrefetchAsync_v2)},
    {"cuModuleGetFunction", 2000, Address(&cuModuleGetFunction)},
    {"cuLaunchKernel", 4000, Address(&cuLaunchKernel)},
};

cuda_abi::CUresult Lookup(const char* symbol, void** pfn, int cuda_version,
                     cuda_abi::CUdriverProcAddressQueryResult* status) {
  cuda_abi::CUdriverProcAddressQueryResult ignored = 0;
  if (status == nullptr) status = &ignored;
  if (symbol == nullptr || pfn == nullptr) return cuda_abi::kErrorInvalidValue;
  *pfn = nullptr;
  const int driver_version = FakeDriver::Get().driver_version();
  const ProcEntry* best = nullptr;
  bool known = false;
  for (const ProcEntry& e : kEntries) {
    if (std::strcmp(e.name, symbol) != 0 || e.version > driver_version) continue;
    known = true;
    if (e.version <= cuda_version && (best == nullptr || e.version > best->version)) best = &e;
  }
  if (best == nullptr) {
    *status = known ? cuda_abi::kGetProcAddressVersionNotSufficient
                    : cuda_abi::kGetProcAddressSymbolNotFound;
    return cuda_abi::kErrorNotFound;
  }
  *pfn = best->fn;
  *status = cuda_abi::kGetProcAddressSuccess;
  return cuda_abi::kSuccess;
}

}  // namespace

extern "C" cuda_abi::CUresult cuGetProcAddress_v2(const char* symbol, void** pfn, int cudaVersion,
                                             cuda_abi::cuuint64_t flags,
                                             cuda_abi::CUdriverProcAddressQueryResult* symbolStatus) {
  if (flags > (cuda_abi::kGetProcAddressLegacyStream | cuda_abi::kGetProcAddressPerThreadDefaultStream)) {
    return cuda_abi::kErrorInvalidValue;
  }
  return Lookup(symbol, pfn, cudaVersion, symbolStatus);
}

extern "C" cuda_abi::CUresult cuGetProcAddress(const char* symbol, void** pfn, int cudaVersion,
                                          cuda_abi::cuuint64_t flags) {
  return cuGetProcAddress_v2(symbol, pfn, cudaVersion, flags, nullptr);
}
