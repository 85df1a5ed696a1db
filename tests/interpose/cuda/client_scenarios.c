/* Scenarios the test clients run against the driver API, under the preload
 * shim or not. Each prints key=value lines on stdout for
 * shim_process_test.cc to check; the exit status is 0 when the scenario ran
 * (whatever the driver answered), 2 when setup failed, 3 for bad usage.
 *
 *   info                        memory as the driver reports it
 *   fill <bytes> <max>          cuMemAlloc_v2 chunks until refused
 *   hold <bytes>                hold an allocation until stdin closes
 *   managed <bytes> <max>       cuMemAllocManaged chunks until refused
 *   pool <bytes> <max>          cuMemAllocAsync chunks until refused, then a pool
 *   vmm <bytes> <max>           cuMemCreate handles until refused, map one
 *   context                     a created context's charge
 *   badinput                    null pointers and absurd sizes
 *   passthrough                 calls the shim does not handle
 *   nvml                        NVML's memory figures
 *   torch <library> <bytes> <max>  PyTorch's pluggable-allocator entry points */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cuda_client_api.h"

#define MAX_CHUNKS 4096

static CUdevice device;
static CUcontext context;

static int Setup(const CudaApi* api) {
  CUresult r = api->cuInit(0);
  printf("init=%d\n", r);
  if (r != CLIENT_CUDA_SUCCESS) return 0;
  r = api->cuDeviceGet(&device, 0);
  if (r == CLIENT_CUDA_SUCCESS) r = api->cuDevicePrimaryCtxRetain(&context, device);
  if (r == CLIENT_CUDA_SUCCESS) r = api->cuCtxSetCurrent(context);
  printf("context=%d\n", r);
  return r == CLIENT_CUDA_SUCCESS;
}

static void PrintInfo(const CudaApi* api, const char* prefix) {
  size_t free_bytes = 0;
  size_t total_bytes = 0;
  CUresult r = api->cuMemGetInfo(&free_bytes, &total_bytes);
  printf("%sinfo=%d\n%sinfo_free=%zu\n%sinfo_total=%zu\n", prefix, r, prefix, free_bytes, prefix,
         total_bytes);
}

static size_t ParseSize(const char* text) { return (size_t)strtoull(text, NULL, 0); }

/* Fills the chunk with a pattern through the device and reads it back. */
static int RoundTrip(const CudaApi* api, CUdeviceptr ptr, size_t bytes, unsigned char seed) {
  size_t n = bytes < 65536 ? bytes : 65536;
  unsigned char* in = malloc(n);
  unsigned char* out = malloc(n);
  int ok = in != NULL && out != NULL;
  for (size_t i = 0; ok && i < n; ++i) in[i] = (unsigned char)(seed + i * 31);
  ok = ok && api->cuMemsetD8(ptr, 0, bytes) == CLIENT_CUDA_SUCCESS;
  ok = ok && api->cuMemcpyHtoD(ptr, in, n) == CLIENT_CUDA_SUCCESS;
  ok = ok && api->cuMemcpyDtoH(out, ptr, n) == CLIENT_CUDA_SUCCESS;
  ok = ok && memcmp(in, out, n) == 0;
  free(in);
  free(out);
  return ok;
}

static int IsManaged(const CudaApi* api, CUdeviceptr ptr) {
  unsigned int managed = 0; /* the driver writes a bool: initialized wide */
  if (api->cuPointerGetAttribute(&managed, CLIENT_POINTER_ATTRIBUTE_IS_MANAGED, ptr) !=
      CLIENT_CUDA_SUCCESS) {
    return -1;
  }
  return managed != 0;
}

static int Fill(const CudaApi* api, size_t bytes, int max) {
  static CUdeviceptr chunks[MAX_CHUNKS];
  int n = 0;
  CUresult error = CLIENT_CUDA_SUCCESS;
  int managed = 0;
  int first_managed = -1;
  while (n < max && n < MAX_CHUNKS) {
    error = api->cuMemAlloc(&chunks[n], bytes);
    if (error != CLIENT_CUDA_SUCCESS) break;
    if (IsManaged(api, chunks[n]) == 1) {
      if (first_managed < 0) first_managed = n;
      ++managed;
    }
    ++n;
  }
  int data_ok = 1;
  for (int i = 0; i < n; ++i) data_ok = data_ok && RoundTrip(api, chunks[i], bytes, (unsigned char)i);
  printf("allocated=%d\nerror=%d\nmanaged=%d\nfirst_managed=%d\ndata_ok=%d\n", n, error, managed,
         first_managed, data_ok);
  PrintInfo(api, "full_");
  int freed_ok = 1;
  for (int i = 0; i < n; ++i) freed_ok = freed_ok && api->cuMemFree(chunks[i]) == 0;
  printf("freed_ok=%d\n", freed_ok);
  PrintInfo(api, "after_");
  return 0;
}

static int Hold(const CudaApi* api, size_t bytes) {
  CUdeviceptr ptr = 0;
  CUresult r = api->cuMemAlloc(&ptr, bytes);
  printf("held=%d\n", r);
  fflush(stdout);
  char line[16];
  while (fgets(line, sizeof line, stdin) != NULL) {
  }
  if (r == CLIENT_CUDA_SUCCESS) printf("released=%d\n", api->cuMemFree(ptr));
  return 0;
}

static int Managed(const CudaApi* api, size_t bytes, int max) {
  static CUdeviceptr chunks[MAX_CHUNKS];
  int n = 0;
  CUresult error = CLIENT_CUDA_SUCCESS;
  while (n < max && n < MAX_CHUNKS) {
    error = api->cuMemAllocManaged(&chunks[n], bytes, CLIENT_MEM_ATTACH_GLOBAL);
    if (error != CLIENT_CUDA_SUCCESS) break;
    ++n;
  }
  printf("allocated=%d\nerror=%d\n", n, error);
  PrintInfo(api, "full_");
  for (int i = 0; i < n; ++i) api->cuMemFree(chunks[i]);
  PrintInfo(api, "after_");
  return 0;
}

static int Pool(const CudaApi* api, size_t bytes, int max) {
  static CUdeviceptr chunks[MAX_CHUNKS];
  CUstream stream = NULL;
  printf("stream=%d\n", api->cuStreamCreate(&stream, CLIENT_STREAM_NON_BLOCKING));
  int n = 0;
  CUresult error = CLIENT_CUDA_SUCCESS;
  while (n < max && n < MAX_CHUNKS) {
    error = api->cuMemAllocAsync(&chunks[n], bytes, stream);
    if (error != CLIENT_CUDA_SUCCESS) break;
    ++n;
  }
  int data_ok = 1;
  for (int i = 0; i < n; ++i) data_ok = data_ok && RoundTrip(api, chunks[i], bytes, (unsigned char)i);
  printf("allocated=%d\nerror=%d\ndata_ok=%d\n", n, error, data_ok);
  PrintInfo(api, "full_");
  int freed_ok = 1;
  for (int i = 0; i < n; ++i) freed_ok = freed_ok && api->cuMemFreeAsync(chunks[i], stream) == 0;
  printf("freed_ok=%d\nsync=%d\n", freed_ok, api->cuStreamSynchronize(stream));
  PrintInfo(api, "after_");
  CUmemoryPool pool = NULL;
  CUdeviceptr from_pool = 0;
  CUresult r = api->cuDeviceGetDefaultMemPool(&pool, device);
  if (r == CLIENT_CUDA_SUCCESS) r = api->cuMemAllocFromPoolAsync(&from_pool, bytes, pool, stream);
  printf("pool_alloc=%d\n", r);
  PrintInfo(api, "pool_");
  if (r == CLIENT_CUDA_SUCCESS) printf("pool_free=%d\n", api->cuMemFreeAsync(from_pool, stream));
  api->cuStreamDestroy(stream);
  return 0;
}

static int Vmm(const CudaApi* api, size_t bytes, int max) {
  static CUmemGenericAllocationHandle handles[MAX_CHUNKS];
  CUmemAllocationProp prop;
  memset(&prop, 0, sizeof prop);
  prop.type = CLIENT_MEM_ALLOCATION_TYPE_PINNED;
  prop.location.type = CLIENT_MEM_LOCATION_TYPE_DEVICE;
  prop.location.id = device;
  size_t granularity = 0;
  printf("granularity=%d\n", api->cuMemGetAllocationGranularity(
                                 &granularity, &prop, CLIENT_MEM_ALLOC_GRANULARITY_MINIMUM));
  int n = 0;
  CUresult error = CLIENT_CUDA_SUCCESS;
  while (n < max && n < MAX_CHUNKS) {
    error = api->cuMemCreate(&handles[n], bytes, &prop, 0);
    if (error != CLIENT_CUDA_SUCCESS) break;
    ++n;
  }
  printf("created=%d\nerror=%d\n", n, error);
  PrintInfo(api, "full_");
  int data_ok = 0;
  if (n > 0) {
    CUdeviceptr va = 0;
    CUmemAccessDesc access;
    memset(&access, 0, sizeof access);
    access.location = prop.location;
    access.flags = CLIENT_MEM_ACCESS_FLAGS_PROT_READWRITE;
    if (api->cuMemAddressReserve(&va, bytes, 0, 0, 0) == CLIENT_CUDA_SUCCESS &&
        api->cuMemMap(va, bytes, 0, handles[0], 0) == CLIENT_CUDA_SUCCESS &&
        api->cuMemSetAccess(va, bytes, &access, 1) == CLIENT_CUDA_SUCCESS) {
      data_ok = RoundTrip(api, va, bytes, 7);
      data_ok = data_ok && api->cuMemUnmap(va, bytes) == CLIENT_CUDA_SUCCESS;
      data_ok = data_ok && api->cuMemAddressFree(va, bytes) == CLIENT_CUDA_SUCCESS;
    }
  }
  printf("vmm_data_ok=%d\n", data_ok);
  int released_ok = 1;
  for (int i = 0; i < n; ++i) released_ok = released_ok && api->cuMemRelease(handles[i]) == 0;
  printf("released_ok=%d\nrelease_twice=%d\n", released_ok,
         n > 0 ? api->cuMemRelease(handles[0]) : -1);
  PrintInfo(api, "after_");
  CUmemGenericAllocationHandle again = 0;
  CUresult r = api->cuMemCreate(&again, bytes, &prop, 0);
  printf("recreated=%d\n", r);
  if (r == CLIENT_CUDA_SUCCESS) api->cuMemRelease(again);
  return 0;
}

static int Context(const CudaApi* api) {
  PrintInfo(api, "primary_");
  CUcontext extra = NULL;
  CUresult r = api->cuCtxCreate(&extra, 0, device);
  printf("ctx_create=%d\n", r);
  PrintInfo(api, "created_");
  if (r == CLIENT_CUDA_SUCCESS) printf("ctx_destroy=%d\n", api->cuCtxDestroy(extra));
  api->cuCtxSetCurrent(context);
  PrintInfo(api, "destroyed_");
  return 0;
}

static int BadInput(const CudaApi* api) {
  CUdeviceptr ptr = 0;
  printf("alloc_null=%d\n", api->cuMemAlloc(NULL, 4096));
  printf("alloc_zero=%d\n", api->cuMemAlloc(&ptr, 0));
  printf("alloc_huge=%d\n", api->cuMemAlloc(&ptr, (size_t)1 << 62));
  printf("alloc_max=%d\n", api->cuMemAlloc(&ptr, (size_t)-1));
  printf("managed_null=%d\n", api->cuMemAllocManaged(NULL, 4096, CLIENT_MEM_ATTACH_GLOBAL));
  printf("managed_huge=%d\n",
         api->cuMemAllocManaged(&ptr, (size_t)1 << 62, CLIENT_MEM_ATTACH_GLOBAL));
  printf("async_null=%d\n", api->cuMemAllocAsync(NULL, 4096, NULL));
  printf("info_null=%d\n", api->cuMemGetInfo(NULL, NULL));
  printf("total_null=%d\n", api->cuDeviceTotalMem(NULL, device));
  size_t total = 0;
  printf("total_bad_device=%d\n", api->cuDeviceTotalMem(&total, 1 << 20));
  int on_stack = 0;
  printf("free_unknown=%d\n", api->cuMemFree((CUdeviceptr)(uintptr_t)&on_stack));
  CUdeviceptr real = 0;
  CUresult r = api->cuMemAlloc(&real, 4096);
  printf("alloc_small=%d\n", r);
  printf("free_interior=%d\n", api->cuMemFree(real + 16));
  printf("free_once=%d\n", api->cuMemFree(real));
  printf("free_twice=%d\n", api->cuMemFree(real));
  printf("free_async_unknown=%d\n",
         api->cuMemFreeAsync((CUdeviceptr)(uintptr_t)&on_stack, NULL));
  printf("create_null=%d\n", api->cuMemCreate(NULL, 1 << 21, NULL, 0));
  printf("release_unknown=%d\n", api->cuMemRelease(12345));
  PrintInfo(api, "after_");
  return 0;
}

static void SetTo42(void** params) { **(int**)params[0] = 42; }

static int Passthrough(const CudaApi* api) {
  CUcontext current = NULL;
  printf("ctx_ok=%d\n", api->cuCtxGetCurrent(&current) == 0 && current == context);
  int kernel_ran = 0;
  if (api->registerKernel != NULL &&
      api->registerKernel("spillway_test_set_42", SetTo42) == CLIENT_CUDA_SUCCESS) {
    CUfunction f = NULL;
    int value = 0;
    int* target = &value;
    void* params[] = {&target};
    if (api->cuModuleGetFunction(&f, NULL, "spillway_test_set_42") == CLIENT_CUDA_SUCCESS &&
        api->cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, params, NULL) == CLIENT_CUDA_SUCCESS) {
      kernel_ran = value == 42;
    }
  }
  printf("kernel_ran=%d\n", kernel_ran);
  CUstream stream = NULL;
  CUevent start = NULL;
  CUevent end = NULL;
  float ms = -1;
  int events_ok = api->cuStreamCreate(&stream, 0) == 0 && api->cuEventCreate(&start, 0) == 0 &&
                  api->cuEventCreate(&end, 0) == 0 && api->cuEventRecord(start, stream) == 0 &&
                  api->cuEventRecord(end, stream) == 0 && api->cuEventSynchronize(end) == 0 &&
                  api->cuEventElapsedTime(&ms, start, end) == 0 && ms >= 0;
  printf("events_ok=%d\n", events_ok);
  if (start != NULL) api->cuEventDestroy(start);
  if (end != NULL) api->cuEventDestroy(end);
  if (stream != NULL) api->cuStreamDestroy(stream);
  CUdeviceptr a = 0;
  CUdeviceptr b = 0;
  int copy_ok = api->cuMemAlloc(&a, 4096) == 0 && api->cuMemAlloc(&b, 4096) == 0 &&
                api->cuMemsetD8(a, 0x5a, 4096) == 0 && api->cuMemcpy(b, a, 4096) == 0;
  unsigned char out[4096];
  copy_ok = copy_ok && api->cuMemcpyDtoH(out, b, sizeof out) == 0 && out[0] == 0x5a &&
            out[4095] == 0x5a;
  printf("copy_ok=%d\n", copy_ok);
  if (a != 0) api->cuMemFree(a);
  if (b != 0) api->cuMemFree(b);
  return 0;
}

static int Nvml(const CudaApi* api) {
  if (api->nvmlInit == NULL) {
    printf("nvml=unavailable\n");
    return 0;
  }
  nvmlDevice_t dev = NULL;
  nvmlMemory_t memory;
  memset(&memory, 0, sizeof memory);
  int r = api->nvmlInit();
  if (r == 0) r = api->nvmlDeviceGetHandleByIndex(0, &dev);
  if (r == 0) r = api->nvmlDeviceGetMemoryInfo(dev, &memory);
  printf("nvml=%d\nnvml_total=%llu\nnvml_free=%llu\nnvml_used=%llu\n", r, memory.total,
         memory.free, memory.used);
  return 0;
}

typedef void* (*TorchAlloc)(ssize_t, int, CUstream);
typedef void (*TorchFree)(void*, ssize_t, int, CUstream);

static int Torch(const CudaApi* api, const char* library, size_t bytes, int max) {
  static void* chunks[MAX_CHUNKS];
  void* handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  TorchAlloc alloc = handle != NULL ? (TorchAlloc)(uintptr_t)dlsym(handle, "spillway_torch_alloc")
                                    : NULL;
  TorchFree release =
      handle != NULL ? (TorchFree)(uintptr_t)dlsym(handle, "spillway_torch_free") : NULL;
  printf("loaded=%d\n", alloc != NULL && release != NULL);
  if (alloc == NULL || release == NULL) return 0;
  printf("zero_size=%d\n", alloc(0, 0, NULL) == NULL);
  int n = 0;
  while (n < max && n < MAX_CHUNKS) {
    chunks[n] = alloc((ssize_t)bytes, 0, NULL);
    if (chunks[n] == NULL) break;
    ++n;
  }
  int data_ok = n > 0;
  for (int i = 0; i < n; ++i) {
    data_ok = data_ok && RoundTrip(api, (CUdeviceptr)(uintptr_t)chunks[i], bytes, (unsigned char)i);
  }
  printf("allocated=%d\ndata_ok=%d\n", n, data_ok);
  PrintInfo(api, "full_");
  for (int i = 0; i < n; ++i) release(chunks[i], (ssize_t)bytes, 0, NULL);
  release(NULL, 0, 0, NULL);
  PrintInfo(api, "after_");
  int again = 0;
  while (again < n) {
    chunks[again] = alloc((ssize_t)bytes, 0, NULL);
    if (chunks[again] == NULL) break;
    ++again;
  }
  printf("again=%d\n", again);
  for (int i = 0; i < again; ++i) release(chunks[i], (ssize_t)bytes, 0, NULL);
  return 0;
}

int RunScenario(const CudaApi* api, int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <scenario> [args]\n", argv[0]);
    return 3;
  }
  printf("how=%s\n", api->how);
  if (!Setup(api)) return 2;
  const char* s = argv[1];
  if (strcmp(s, "info") == 0) {
    size_t total = 0;
    CUresult r = api->cuDeviceTotalMem(&total, device);
    printf("total_mem=%d\ntotal_mem_bytes=%zu\n", r, total);
    PrintInfo(api, "");
    return 0;
  }
  if (strcmp(s, "fill") == 0 && argc >= 4) return Fill(api, ParseSize(argv[2]), atoi(argv[3]));
  if (strcmp(s, "hold") == 0 && argc >= 3) return Hold(api, ParseSize(argv[2]));
  if (strcmp(s, "managed") == 0 && argc >= 4) {
    return Managed(api, ParseSize(argv[2]), atoi(argv[3]));
  }
  if (strcmp(s, "pool") == 0 && argc >= 4) return Pool(api, ParseSize(argv[2]), atoi(argv[3]));
  if (strcmp(s, "vmm") == 0 && argc >= 4) return Vmm(api, ParseSize(argv[2]), atoi(argv[3]));
  if (strcmp(s, "context") == 0) return Context(api);
  if (strcmp(s, "badinput") == 0) return BadInput(api);
  if (strcmp(s, "passthrough") == 0) return Passthrough(api);
  if (strcmp(s, "nvml") == 0) return Nvml(api);
  if (strcmp(s, "torch") == 0 && argc >= 5) {
    return Torch(api, argv[2], ParseSize(argv[3]), atoi(argv[4]));
  }
  fprintf(stderr, "unknown scenario or missing arguments: %s\n", s);
  return 3;
}
