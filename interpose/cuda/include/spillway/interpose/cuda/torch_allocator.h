/* PyTorch's pluggable CUDA allocator, exported by libspillway_preload.so.
 *
 *   import torch
 *   alloc = torch.cuda.memory.CUDAPluggableAllocator(
 *       "/usr/lib/spillway/libspillway_preload.so",
 *       "spillway_torch_alloc", "spillway_torch_free")
 *   torch.cuda.memory.change_current_allocator(alloc)  # before any CUDA allocation
 *
 * Allocations are stream-ordered (cuMemAllocAsync on `stream`) and accounted
 * exactly as the preload shim accounts them: against the limits of HAMi's
 * environment contract, shared across processes through the ledger, and
 * spilled to managed memory beyond the device budget when oversubscription is
 * on. The library works loaded this way (dlopen) or preloaded; both ways it is
 * one accounting per process.
 *
 * Thread-safety: both functions are thread-safe. Ownership: memory returned
 * by spillway_torch_alloc is the caller's until spillway_torch_free.
 * Errors: spillway_torch_alloc returns NULL when the memory is not available
 * (PyTorch then raises its out-of-memory error) or size <= 0;
 * spillway_torch_free ignores NULL and pointers it does not know (the driver
 * reports those to nobody: PyTorch's free has no result). */
#ifndef SPILLWAY_INTERPOSE_CUDA_TORCH_ALLOCATOR_H_
#define SPILLWAY_INTERPOSE_CUDA_TORCH_ALLOCATOR_H_

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct CUstream_st; /* cudaStream_t and CUstream are both struct CUstream_st* */

void* spillway_torch_alloc(ssize_t size, int device, struct CUstream_st* stream);
void spillway_torch_free(void* ptr, ssize_t size, int device, struct CUstream_st* stream);

#ifdef __cplusplus
}
#endif

#endif /* SPILLWAY_INTERPOSE_CUDA_TORCH_ALLOCATOR_H_ */
