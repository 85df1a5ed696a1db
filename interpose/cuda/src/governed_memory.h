// Device allocations with the ledger around them: the shared core of the
// allocation hooks (cuMemAlloc_v2, cuMemAllocAsync, pools, ...), which the
// PyTorch allocator entry points reach by calling the exported hooks.
#ifndef SPILLWAY_INTERPOSE_CUDA_SRC_GOVERNED_MEMORY_H_
#define SPILLWAY_INTERPOSE_CUDA_SRC_GOVERNED_MEMORY_H_

#include <cstddef>

#include "absl/functional/function_ref.h"
#include "accounting.h"
#include "shim.h"

namespace spillway::interpose {

// Runs `governed` with the accounting when the shim governs memory and the
// accounting is open; `passthrough` (the plain driver call) when there is
// nothing to account; the shim's refusal when it fails closed.
template <typename Passthrough, typename Governed>
abi::CUresult WithAccounting(Shim& shim, Passthrough passthrough, Governed governed) {
  if (!shim.governs()) return passthrough();
  abi::CUresult refusal = abi::kSuccess;
  Accounting* accounting = shim.accounting(&refusal);
  if (accounting == nullptr) return refusal != abi::kSuccess ? refusal : passthrough();
  return governed(*accounting);
}

// The device of the calling thread's current context (the driver's errors).
abi::CUresult CurrentDevice(const RealDriver& driver, int* device);

// Allocates `bytes` of device memory for `device` with `allocate` (a call of
// the real driver), accounted in the ledger. Beyond the device's budget on an
// oversubscribed device, and when the driver itself runs out there, the
// allocation is managed memory with spillway's hints instead (pages prefer
// the device's host NUMA node, the device maps them). CUDA_ERROR_OUT_OF_MEMORY
// when the virtual size is reached. Arguments the driver would reject
// (null `out`, zero bytes) go to `allocate` unaccounted for its own error.
abi::CUresult AllocateGoverned(Shim& shim, Accounting& accounting, int device, size_t bytes,
                               abi::CUdeviceptr* out,
                               absl::FunctionRef<abi::CUresult(abi::CUdeviceptr*)> allocate);

// Accounts memory the driver already gave (`allocated` bytes at `ptr`, for
// sizes only known afterwards, as with cuMemAllocPitch). When the quota
// refuses it, the memory is freed and, on an oversubscribed device, replaced
// by managed memory of the same size at a new *ptr.
abi::CUresult AccountAllocated(Shim& shim, Accounting& accounting, int device, size_t allocated,
                               abi::CUdeviceptr* ptr);

// Frees `ptr` with `release` (a call of the real driver) and gives its bytes
// back. A pointer the shim never accounted goes to `release` unchanged. When
// `stream_ordered` and the memory was spilled to managed memory, `stream` is
// synchronized and the memory freed with cuMemFree_v2 (managed memory has no
// stream-ordered free).
abi::CUresult FreeGoverned(Shim& shim, Accounting& accounting, abi::CUdeviceptr ptr,
                           bool stream_ordered, abi::CUstream stream,
                           absl::FunctionRef<abi::CUresult()> release);

}  // namespace spillway::interpose

#endif  // SPILLWAY_INTERPOSE_CUDA_SRC_GOVERNED_MEMORY_H_
