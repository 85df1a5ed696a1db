/* Fake-only entry points of the CPU fake of libcuda.so.1 (tests/fakes/cuda).
 *
 * The fake implements a subset of the CUDA driver API on top of spillway's
 * fake device simulator; these extra functions exist only in the fake, so
 * that tests can give cuLaunchKernel something to run and so that the fake
 * NVML (libnvidia-ml.so.1) can read the same devices. A real driver has none
 * of them: resolve them with dlsym and treat their absence as "not the fake".
 *
 * Environment read by the fake (at its first call):
 *   SPILLWAY_FAKE_SPEC                  the simulated devices (docs/fake-device.md)
 *   SPILLWAY_FAKE_CUDA_DRIVER_VERSION   what cuDriverGetVersion reports; entry
 *                                       points newer than it are not found by
 *                                       cuGetProcAddress (default 13000)
 *   SPILLWAY_FAKE_CUDA_CONTEXT_SIZE     device memory each active context holds,
 *                                       as a real context does (bytes, k/m/g
 *                                       suffix; default 0)
 *   SPILLWAY_FAKE_CUDA_HOST_NUMA_ID     CU_DEVICE_ATTRIBUTE_HOST_NUMA_ID (default 0)
 *
 * Thread-safety: every function is thread-safe. Errors: CUresult values. */
#ifndef SPILLWAY_FAKES_FAKE_CUDA_H_
#define SPILLWAY_FAKES_FAKE_CUDA_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A host function cuLaunchKernel runs in place of a kernel. It receives the
 * launch's kernelParams array. */
typedef void (*SpillwayFakeCudaKernel)(void** params);

/* Registers `fn` under `name` for cuModuleGetFunction (any module, even NULL).
 * Re-registering a name replaces its function; the CUfunction handle stays.
 * 1 (CUDA_ERROR_INVALID_VALUE) for a NULL or empty name or a NULL fn. */
int spillwayFakeCudaRegisterKernel(const char* name, SpillwayFakeCudaKernel fn);

/* What the fake NVML reports for device `ordinal` (no cuInit needed). */
typedef struct SpillwayFakeCudaDeviceInfo {
  char name[96];
  unsigned char uuid[16];
  char pci_bus_id[32]; /* "0000:17:00.0" */
  unsigned long long total_bytes;
  unsigned long long free_bytes;
} SpillwayFakeCudaDeviceInfo;

/* 101 (CUDA_ERROR_INVALID_DEVICE) for a bad ordinal, 1 for a NULL info, the
 * cuInit error when the fake's spec is unusable. */
int spillwayFakeCudaDeviceCount(int* count);
int spillwayFakeCudaGetDeviceInfo(int ordinal, SpillwayFakeCudaDeviceInfo* info);

#ifdef __cplusplus
}
#endif

#endif /* SPILLWAY_FAKES_FAKE_CUDA_H_ */
