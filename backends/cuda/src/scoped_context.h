// Makes a device's primary context current on the calling thread for the
// duration of one backend call, and restores whatever was current before.
#ifndef SPILLWAY_BACKENDS_CUDA_SRC_SCOPED_CONTEXT_H_
#define SPILLWAY_BACKENDS_CUDA_SRC_SCOPED_CONTEXT_H_

#include "absl/status/status.h"
#include "cuda_symbols.h"

namespace spillway::cuda {

// The driver's current context is per thread, and the application may have
// its own context current on this thread: the scope switches only when
// needed (one cuCtxGetCurrent when it is already current) and switches back,
// so the backend never leaves the caller's thread in a different state.
// Not thread-safe (a stack object of one thread).
class ScopedContext {
 public:
  ScopedContext(const CudaSymbols& symbols, abi::CUcontext context);
  ~ScopedContext();
  ScopedContext(const ScopedContext&) = delete;
  ScopedContext& operator=(const ScopedContext&) = delete;

  // Why the context could not be made current; callers return it.
  const absl::Status& status() const { return status_; }

 private:
  const CudaSymbols& symbols_;
  abi::CUcontext previous_ = nullptr;
  bool switched_ = false;
  absl::Status status_;
};

}  // namespace spillway::cuda

#endif  // SPILLWAY_BACKENDS_CUDA_SRC_SCOPED_CONTEXT_H_
