// Kernels of the fake libcuda.so.1: host functions registered with
// spillwayFakeCudaRegisterKernel, found by name with cuModuleGetFunction
// (whatever the module) and run by cuLaunchKernel on the calling thread.
#include "fake_driver.h"

using spillway::fake_cuda::FakeDriver;


extern "C" cuda_abi::CUresult cuModuleGetFunction(cuda_abi::CUfunction* hfunc, cuda_abi::CUmodule /*hmod*/,
                                             const char* name) {
  return FakeDriver::Get().FindKernel(name, hfunc);
}

extern "C" cuda_abi::CUresult cuLaunchKernel(cuda_abi::CUfunction f, unsigned int gridDimX,
                                        unsigned int gridDimY, unsigned int gridDimZ,
                                        unsigned int blockDimX, unsigned int blockDimY,
                                        unsigned int blockDimZ, unsigned int /*sharedMemBytes*/,
                                        cuda_abi::CUstream hStream, void** kernelParams,
                                        void** extra) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = d.CheckInitialized()) return r;
  if (f == nullptr) return cuda_abi::kErrorInvalidHandle;
  if (gridDimX == 0 || gridDimY == 0 || gridDimZ == 0 || blockDimX == 0 || blockDimY == 0 ||
      blockDimZ == 0 || uint64_t{blockDimX} * blockDimY * blockDimZ > 1024) {
    return cuda_abi::kErrorInvalidValue;
  }
  // The packed-buffer form (extra) carries no parameter array to pass on.
  if (extra != nullptr && kernelParams != nullptr) return cuda_abi::kErrorInvalidValue;
  return d.Launch(f, hStream, kernelParams);
}
