// glibc's own dlsym, for code inside the preload library, which exports a
// dlsym of its own (dlsym_hook.cc).
#ifndef SPILLWAY_INTERPOSE_CUDA_SRC_REAL_DLSYM_H_
#define SPILLWAY_INTERPOSE_CUDA_SRC_REAL_DLSYM_H_

namespace spillway::interpose {

// dlsym as glibc implements it. Thread-safe; never calls the shim's dlsym.
// nullptr when `symbol` is absent (or glibc's dlsym cannot be found, which
// would make every lookup fail rather than recurse). RTLD_NEXT passed here
// means "next after the preload library"; callers with a caller of their own
// to honour go through the dlsym hook's trampoline instead.
void* RealDlsym(void* handle, const char* symbol);

}  // namespace spillway::interpose

// glibc's dlsym, found on first use (also from the trampoline in assembly,
// hence C names). Uninstrumented: sanitizer runtimes call dlsym while they
// initialize, before instrumented code may run.
extern "C" {
extern void* spillway_real_dlsym_fn;
void* spillway_resolve_real_dlsym();
}

#endif  // SPILLWAY_INTERPOSE_CUDA_SRC_REAL_DLSYM_H_
