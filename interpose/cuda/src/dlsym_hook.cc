// The shim's dlsym. The CUDA runtime loads the driver with dlopen and finds
// cuGetProcAddress with dlsym on that handle, which LD_PRELOAD cannot
// interpose: so every dlsym of the process comes here, and a lookup of a
// driver or NVML name that lands on the real driver's function is answered
// with the shim's hook (Shim::Substitute). All other names leave after a few
// character comparisons.
//
// dlsym(RTLD_NEXT, name) means "the next definition after the CALLER", and
// glibc finds the caller from the return address. Forwarding such a call
// from C++ would make the shim the caller and hand interposers (sanitizer
// runtimes, profilers) their own functions back, so on x86-64 the exported
// symbol is a trampoline that jumps (not calls) to glibc for RTLD_NEXT,
// keeping the caller's return address. Elsewhere it is the C++ function
// below, and RTLD_NEXT lookups are resolved relative to the shim.
//
// Everything on this path is uninstrumented and calls nothing instrumented
// (not even strncmp, which sanitizers intercept) before the name is known to
// be a driver or NVML name: sanitizer runtimes look up their own functions
// with dlsym while they initialize.
#include "real_dlsym.h"
#include "shim.h"

using spillway::interpose::RealDlsym;
using spillway::interpose::Shim;

extern "C" __attribute__((visibility("hidden"), no_sanitize("address", "undefined"))) void*
spillway_dlsym_hook(void* handle, const char* symbol) {
  void* found = RealDlsym(handle, symbol);
  if (found == nullptr || symbol == nullptr) return found;
  const bool driver_name = symbol[0] == 'c' && symbol[1] == 'u';
  const bool nvml_name =
      symbol[0] == 'n' && symbol[1] == 'v' && symbol[2] == 'm' && symbol[3] == 'l';
  if (!driver_name && !nvml_name) return found;
  return Shim::Get().Substitute(symbol, found, /*version=*/-1, 0);
}

#if defined(__x86_64__)
// void* dlsym(void* handle /*rdi*/, const char* symbol /*rsi*/)
asm(R"(
    .text
    .globl dlsym
    .type dlsym, @function
dlsym:
    .cfi_startproc
    cmpq $-1, %rdi                        # RTLD_NEXT is ((void*) -1)
    jne spillway_dlsym_hook               # tail jump: an ordinary call
    movq spillway_real_dlsym_fn(%rip), %rax
    testq %rax, %rax
    jz 1f
    jmp *%rax                             # glibc sees the caller's return address
1:  pushq %rdi                            # first use: resolve glibc's dlsym
    .cfi_adjust_cfa_offset 8
    pushq %rsi
    .cfi_adjust_cfa_offset 8
    subq $8, %rsp                         # 16-byte alignment for the call
    .cfi_adjust_cfa_offset 8
    call spillway_resolve_real_dlsym
    addq $8, %rsp
    .cfi_adjust_cfa_offset -8
    popq %rsi
    .cfi_adjust_cfa_offset -8
    popq %rdi
    .cfi_adjust_cfa_offset -8
    testq %rax, %rax
    jz 2f
    jmp *%rax
2:  ret                                   # no dlsym at all: rax is already null
    .cfi_endproc
    .size dlsym, .-dlsym
)");
#else
// Declared here rather than from <dlfcn.h>, whose declaration promises a
// non-null name: the shim checks instead of trusting the caller.
extern "C" __attribute__((visibility("default"), no_sanitize("address", "undefined"))) void*
dlsym(void* handle, const char* symbol) noexcept {
  return spillway_dlsym_hook(handle, symbol);
}
#endif
