// Primary and created contexts of the fake libcuda.so.1.
#include "fake_driver.h"

using spillway::fake_cuda::FakeDriver;


extern "C" cuda_abi::CUresult cuDevicePrimaryCtxRetain(cuda_abi::CUcontext* pctx, cuda_abi::CUdevice dev) {
  return FakeDriver::Get().PrimaryRetain(dev, pctx);
}

extern "C" cuda_abi::CUresult cuDevicePrimaryCtxRelease_v2(cuda_abi::CUdevice dev) {
  return FakeDriver::Get().PrimaryRelease(dev);
}

extern "C" cuda_abi::CUresult cuDevicePrimaryCtxReset_v2(cuda_abi::CUdevice dev) {
  return FakeDriver::Get().PrimaryReset(dev);
}

extern "C" cuda_abi::CUresult cuDevicePrimaryCtxGetState(cuda_abi::CUdevice dev, unsigned int* flags,
                                                    int* active) {
  return FakeDriver::Get().PrimaryState(dev, flags, active);
}

extern "C" cuda_abi::CUresult cuCtxCreate_v2(cuda_abi::CUcontext* pctx, unsigned int /*flags*/,
                                        cuda_abi::CUdevice dev) {
  return FakeDriver::Get().CreateContext(dev, pctx);
}

extern "C" cuda_abi::CUresult cuCtxCreate_v3(cuda_abi::CUcontext* pctx, cuda_abi::CUexecAffinityParam* params,
                                        int numParams, unsigned int flags, cuda_abi::CUdevice dev) {
  if (numParams < 0 || (numParams > 0 && params == nullptr)) return cuda_abi::kErrorInvalidValue;
  return cuCtxCreate_v2(pctx, flags, dev);
}

extern "C" cuda_abi::CUresult cuCtxCreate_v4(cuda_abi::CUcontext* pctx, cuda_abi::CUctxCreateParams* /*params*/,
                                        unsigned int flags, cuda_abi::CUdevice dev) {
  return cuCtxCreate_v2(pctx, flags, dev);
}

extern "C" cuda_abi::CUresult cuCtxDestroy_v2(cuda_abi::CUcontext ctx) {
  return FakeDriver::Get().DestroyContext(ctx);
}

extern "C" cuda_abi::CUresult cuCtxSetCurrent(cuda_abi::CUcontext ctx) {
  return FakeDriver::Get().SetCurrent(ctx);
}

extern "C" cuda_abi::CUresult cuCtxGetCurrent(cuda_abi::CUcontext* pctx) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = d.CheckInitialized()) return r;
  if (pctx == nullptr) return cuda_abi::kErrorInvalidValue;
  *pctx = d.Current();
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuCtxPushCurrent_v2(cuda_abi::CUcontext ctx) {
  return FakeDriver::Get().PushCurrent(ctx);
}

extern "C" cuda_abi::CUresult cuCtxPopCurrent_v2(cuda_abi::CUcontext* pctx) {
  return FakeDriver::Get().PopCurrent(pctx);
}

extern "C" cuda_abi::CUresult cuCtxGetDevice(cuda_abi::CUdevice* device) {
  if (device == nullptr) return cuda_abi::kErrorInvalidValue;
  return FakeDriver::Get().CurrentDevice(device);
}

extern "C" cuda_abi::CUresult cuCtxSynchronize() {
  FakeDriver& d = FakeDriver::Get();
  int dev = 0;
  if (cuda_abi::CUresult r = d.CurrentDevice(&dev)) return r;
  return spillway::fake_cuda::ResultFromStatus(d.device(dev).Synchronize());
}
