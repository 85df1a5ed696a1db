// Copies and fills of the fake libcuda.so.1. With unified addressing every
// form takes any pointer the driver knows; the typed forms also insist that
// their "device" side is the driver's memory, as the real ones do.
#include "fake_driver.h"

using spillway::fake_cuda::FakeDriver;
using spillway::fake_cuda::Ptr;
using spillway::fake_cuda::Resolved;


namespace {

// kErrorInvalidValue unless `ptr` is memory the driver handed out.
cuda_abi::CUresult RequireDriverMemory(cuda_abi::CUdeviceptr ptr, size_t size) {
  if (size == 0) return cuda_abi::kSuccess;
  return FakeDriver::Get().CheckRange(Ptr(ptr), size, /*host_ok=*/false, nullptr);
}

}  // namespace

extern "C" cuda_abi::CUresult cuMemcpy(cuda_abi::CUdeviceptr dst, cuda_abi::CUdeviceptr src, size_t ByteCount) {
  return FakeDriver::Get().Copy(Ptr(dst), Ptr(src), ByteCount, nullptr, false);
}

extern "C" cuda_abi::CUresult cuMemcpyAsync(cuda_abi::CUdeviceptr dst, cuda_abi::CUdeviceptr src,
                                       size_t ByteCount, cuda_abi::CUstream hStream) {
  return FakeDriver::Get().Copy(Ptr(dst), Ptr(src), ByteCount, hStream, true);
}

extern "C" cuda_abi::CUresult cuMemcpyHtoD_v2(cuda_abi::CUdeviceptr dstDevice, const void* srcHost,
                                         size_t ByteCount) {
  if (cuda_abi::CUresult r = FakeDriver::Get().CheckInitialized()) return r;
  if (cuda_abi::CUresult r = RequireDriverMemory(dstDevice, ByteCount)) return r;
  return FakeDriver::Get().Copy(Ptr(dstDevice), srcHost, ByteCount, nullptr, false);
}

extern "C" cuda_abi::CUresult cuMemcpyDtoH_v2(void* dstHost, cuda_abi::CUdeviceptr srcDevice,
                                         size_t ByteCount) {
  if (cuda_abi::CUresult r = FakeDriver::Get().CheckInitialized()) return r;
  if (cuda_abi::CUresult r = RequireDriverMemory(srcDevice, ByteCount)) return r;
  return FakeDriver::Get().Copy(dstHost, Ptr(srcDevice), ByteCount, nullptr, false);
}

extern "C" cuda_abi::CUresult cuMemcpyDtoD_v2(cuda_abi::CUdeviceptr dstDevice, cuda_abi::CUdeviceptr srcDevice,
                                         size_t ByteCount) {
  if (cuda_abi::CUresult r = FakeDriver::Get().CheckInitialized()) return r;
  if (cuda_abi::CUresult r = RequireDriverMemory(dstDevice, ByteCount)) return r;
  if (cuda_abi::CUresult r = RequireDriverMemory(srcDevice, ByteCount)) return r;
  return FakeDriver::Get().Copy(Ptr(dstDevice), Ptr(srcDevice), ByteCount, nullptr, false);
}

extern "C" cuda_abi::CUresult cuMemcpyHtoDAsync_v2(cuda_abi::CUdeviceptr dstDevice, const void* srcHost,
                                              size_t ByteCount, cuda_abi::CUstream hStream) {
  if (cuda_abi::CUresult r = FakeDriver::Get().CheckInitialized()) return r;
  if (cuda_abi::CUresult r = RequireDriverMemory(dstDevice, ByteCount)) return r;
  return FakeDriver::Get().Copy(Ptr(dstDevice), srcHost, ByteCount, hStream, true);
}

extern "C" cuda_abi::CUresult cuMemcpyDtoHAsync_v2(void* dstHost, cuda_abi::CUdeviceptr srcDevice,
                                              size_t ByteCount, cuda_abi::CUstream hStream) {
  if (cuda_abi::CUresult r = FakeDriver::Get().CheckInitialized()) return r;
  if (cuda_abi::CUresult r = RequireDriverMemory(srcDevice, ByteCount)) return r;
  return FakeDriver::Get().Copy(dstHost, Ptr(srcDevice), ByteCount, hStream, true);
}

extern "C" cuda_abi::CUresult cuMemcpyDtoDAsync_v2(cuda_abi::CUdeviceptr dstDevice,
                                              cuda_abi::CUdeviceptr srcDevice, size_t ByteCount,
                                              cuda_abi::CUstream hStream) {
  if (cuda_abi::CUresult r = FakeDriver::Get().CheckInitialized()) return r;
  if (cuda_abi::CUresult r = RequireDriverMemory(dstDevice, ByteCount)) return r;
  if (cuda_abi::CUresult r = RequireDriverMemory(srcDevice, ByteCount)) return r;
  return FakeDriver::Get().Copy(Ptr(dstDevice), Ptr(srcDevice), ByteCount, hStream, true);
}

extern "C" cuda_abi::CUresult cuMemsetD8_v2(cuda_abi::CUdeviceptr dstDevice, unsigned char uc, size_t N) {
  return FakeDriver::Get().Fill(Ptr(dstDevice), uc, N, nullptr, false);
}

extern "C" cuda_abi::CUresult cuMemsetD8Async(cuda_abi::CUdeviceptr dstDevice, unsigned char uc, size_t N,
                                         cuda_abi::CUstream hStream) {
  return FakeDriver::Get().Fill(Ptr(dstDevice), uc, N, hStream, true);
}
