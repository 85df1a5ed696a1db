#include "real_dlsym.h"

#include <dlfcn.h>

// Plain storage and compiler atomics rather than std::atomic: this runs
// inside dlsym, possibly before any constructor of this library (sanitizer
// runtimes initialize from the program's preinit array).
extern "C" {
__attribute__((visibility("hidden"))) void* spillway_real_dlsym_fn = nullptr;
}

extern "C" __attribute__((visibility("hidden"), no_sanitize("address", "undefined"))) void*
spillway_resolve_real_dlsym() {
  void* fn = __atomic_load_n(&spillway_real_dlsym_fn, __ATOMIC_ACQUIRE);
  if (fn != nullptr) return fn;
  // dlvsym is not interposed. glibc 2.34 moved dlsym into libc with a new
  // version; older ones only have the original.
  fn = dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34");
  if (fn == nullptr) fn = dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.2.5");
  if (fn != nullptr) __atomic_store_n(&spillway_real_dlsym_fn, fn, __ATOMIC_RELEASE);
  return fn;
}

namespace spillway::interpose {

__attribute__((no_sanitize("address", "undefined"))) void* RealDlsym(void* handle,
                                                                     const char* symbol) {
  using DlsymFn = void*(void*, const char*);
  auto* fn = reinterpret_cast<DlsymFn*>(spillway_resolve_real_dlsym());
  return fn != nullptr ? fn(handle, symbol) : nullptr;
}

}  // namespace spillway::interpose
