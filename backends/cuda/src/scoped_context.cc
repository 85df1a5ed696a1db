#include "scoped_context.h"

#include "cuda_status.h"

namespace spillway::cuda {

ScopedContext::ScopedContext(const CudaSymbols& symbols, abi::CUcontext context)
    : symbols_(symbols) {
  abi::CUresult result = symbols_.cuCtxGetCurrent(&previous_);
  if (result != abi::kSuccess) {
    status_ = CudaStatus(&symbols_, result, "cuCtxGetCurrent");
    return;
  }
  if (previous_ == context) return;
  result = symbols_.cuCtxSetCurrent(context);
  if (result != abi::kSuccess) {
    status_ = CudaStatus(&symbols_, result, "cuCtxSetCurrent");
    return;
  }
  switched_ = true;
}

ScopedContext::~ScopedContext() {
  // Restoring cannot fail for a context that was current a moment ago; if the
  // application destroyed it meanwhile, there is nothing better to restore.
  if (switched_) (void)symbols_.cuCtxSetCurrent(previous_);
}

}  // namespace spillway::cuda
