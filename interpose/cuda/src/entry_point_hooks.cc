// How calls reach the shim. A program linked against libcuda.so.1 finds the
// shim's exports first (LD_PRELOAD). The CUDA runtime instead loads the
// driver with dlopen and resolves every entry point through cuGetProcAddress,
// itself found with dlsym on the driver's handle: the shim answers dlsym for
// the driver's names (dlsym_hook.cc), and cuGetProcAddress hands out the
// shim's hooks in place of the driver functions they replace. Everything else is
// the driver's own pointer: unhandled calls never pass through the shim.
//
// cuInit is hooked so that a shim that must fail closed (malformed
// configuration, unusable ledger) says so at initialization.
#include "shim.h"
#include "shim_exports.h"

using spillway::interpose::RealDriver;
using spillway::interpose::Shim;
namespace cuda_abi = ::spillway::cuda::abi;

extern "C" cuda_abi::CUresult cuInit(unsigned int flags) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuInit == nullptr) return cuda_abi::kErrorNotInitialized;
  const cuda_abi::CUresult r = d.cuInit(flags);
  if (r != cuda_abi::kSuccess || !shim.governs()) return r;
  cuda_abi::CUresult refusal = cuda_abi::kSuccess;
  (void)shim.accounting(&refusal);
  return refusal != cuda_abi::kSuccess ? refusal : r;
}

extern "C" cuda_abi::CUresult cuGetProcAddress_v2(const char* symbol, void** pfn, int cudaVersion,
                                             cuda_abi::cuuint64_t flags,
                                             cuda_abi::CUdriverProcAddressQueryResult* symbolStatus) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuGetProcAddress_v2 == nullptr) return cuda_abi::kErrorNotSupported;
  const cuda_abi::CUresult r = d.cuGetProcAddress_v2(symbol, pfn, cudaVersion, flags, symbolStatus);
  if (r == cuda_abi::kSuccess && pfn != nullptr && *pfn != nullptr) {
    *pfn = shim.Substitute(symbol, *pfn, cudaVersion, flags);
  }
  return r;
}

extern "C" cuda_abi::CUresult cuGetProcAddress(const char* symbol, void** pfn, int cudaVersion,
                                          cuda_abi::cuuint64_t flags) {
  Shim& shim = Shim::Get();
  const RealDriver& d = shim.driver();
  if (d.cuGetProcAddress == nullptr) return cuda_abi::kErrorNotSupported;
  const cuda_abi::CUresult r = d.cuGetProcAddress(symbol, pfn, cudaVersion, flags);
  if (r == cuda_abi::kSuccess && pfn != nullptr && *pfn != nullptr) {
    *pfn = shim.Substitute(symbol, *pfn, cudaVersion, flags);
  }
  return r;
}
