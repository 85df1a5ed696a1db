// What the CUDA preload shim adds to a driver call, measured against the CPU
// fake of libcuda.so.1 in one process:
//   driver      the fake's own entry points (no shim);
//   shim_off    the shim with nothing configured (every call passes through);
//   shim_limit  the shim enforcing CUDA_DEVICE_MEMORY_LIMIT through a ledger.
// Two copies of libspillway_preload.so are loaded (RTLD_LOCAL) so that each
// reads its own configuration; their hooks are taken with dlsym on their
// handles, and pass-through entry points through their cuGetProcAddress_v2,
// as the CUDA runtime resolves them.
//
// Benchmarks (ns per call; see docs/benchmarks.md for the figures):
//   BM_PassThrough/<impl>    cuLaunchKernel of an empty kernel: a call the shim
//                            does not handle (cuGetProcAddress hands out the
//                            driver's pointer, so nothing is added)
//   BM_MemGetInfo/<impl>     a hooked call that only reads
//   BM_AllocFree/<impl>      cuMemAlloc_v2 + cuMemFree_v2 of 1 MiB
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "benchmark/benchmark.h"
#include "spillway/backends/cuda/cuda_driver_abi.h"

namespace {

namespace abi = ::spillway::cuda::abi;

struct Entry {
  abi::Fn_cuMemAlloc_v2* alloc = nullptr;
  abi::Fn_cuMemFree_v2* free = nullptr;
  abi::Fn_cuMemGetInfo_v2* info = nullptr;
  abi::Fn_cuLaunchKernel* launch = nullptr;
};

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "cuda_shim_bench: %s\n", why.c_str());
  std::exit(1);
}

template <typename Fn>
Fn* Find(void* handle, const char* name) {
  auto* fn = reinterpret_cast<Fn*>(dlsym(handle, name));
  if (fn == nullptr) Die(std::string("no ") + name);
  return fn;
}

// Removed at exit; never destroyed itself, so the exit handler can read it.
const std::string& TempDir() {
  static const std::string* dir = [] {
    char pattern[] = "/tmp/spillway-cuda-shim-bench-XXXXXX";
    if (mkdtemp(pattern) == nullptr) Die("mkdtemp");
    auto* d = new std::string(pattern);
    std::atexit([] {
      const std::string command = "rm -rf '" + TempDir() + "'";
      if (std::system(command.c_str()) != 0) std::fprintf(stderr, "cleanup failed\n");
    });
    return d;
  }();
  return *dir;
}

// A private copy of the shim, so that it has its own state.
void* LoadShimCopy(const std::string& name) {
  const std::string path = TempDir() + "/" + name;
  const std::string command = std::string("cp '") + SPILLWAY_PRELOAD_LIBRARY + "' '" + path + "'";
  if (std::system(command.c_str()) != 0) Die("copying the shim");
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) Die(dlerror());
  return handle;
}

void EmptyKernel(void**) {}

struct World {
  Entry driver, shim_off, shim_limit;
  abi::CUfunction kernel = nullptr;

  World() {
    setenv("SPILLWAY_CUDA_LIBRARY", SPILLWAY_FAKE_CUDA_LIBRARY, 1);
    setenv("SPILLWAY_FAKE_SPEC", "devices=1,memory=64g,backing=none", 1);
    unsetenv("CUDA_DEVICE_MEMORY_LIMIT");
    unsetenv("CUDA_DEVICE_MEMORY_SHARED_CACHE");
    void* fake = dlopen(SPILLWAY_FAKE_CUDA_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (fake == nullptr) Die(dlerror());
    auto* init = Find<abi::Fn_cuInit>(fake, "cuInit");
    auto* retain = Find<abi::Fn_cuDevicePrimaryCtxRetain>(fake, "cuDevicePrimaryCtxRetain");
    auto* set_current = Find<abi::Fn_cuCtxSetCurrent>(fake, "cuCtxSetCurrent");
    abi::CUcontext ctx = nullptr;
    if (init(0) != 0 || retain(&ctx, 0) != 0 || set_current(ctx) != 0) Die("fake setup");
    using Register = int(const char*, void (*)(void**));
    if (Find<Register>(fake, "spillwayFakeCudaRegisterKernel")("empty", EmptyKernel) != 0 ||
        Find<abi::Fn_cuModuleGetFunction>(fake, "cuModuleGetFunction")(&kernel, nullptr,
                                                                        "empty") != 0) {
      Die("kernel registration");
    }
    driver = EntriesOf(fake, nullptr);

    // Nothing configured: the shim passes everything through.
    shim_off = EntriesOf(LoadShimCopy("off.so"), "off");
    // A limit enforced through a ledger of its own.
    setenv("CUDA_DEVICE_MEMORY_LIMIT", "32g", 1);
    setenv("CUDA_DEVICE_MEMORY_SHARED_CACHE", (TempDir() + "/ledger").c_str(), 1);
    shim_limit = EntriesOf(LoadShimCopy("limit.so"), "limit");
    // The pass-through figure means "0 ns added" only if the shim hands out
    // the driver's own entry point: stop rather than report anything else.
    if (shim_off.launch != driver.launch || shim_limit.launch != driver.launch) {
      Die("cuGetProcAddress_v2(cuLaunchKernel) through the shim is not the driver's");
    }
    std::fprintf(stderr, "cuGetProcAddress_v2(cuLaunchKernel) through the shim is the driver's\n");
  }

  // The entry points as a program sees them: hooks from the library's
  // exports, the rest through its cuGetProcAddress_v2.
  Entry EntriesOf(void* library, const char* shim) {
    Entry e;
    e.alloc = Find<abi::Fn_cuMemAlloc_v2>(library, "cuMemAlloc_v2");
    e.free = Find<abi::Fn_cuMemFree_v2>(library, "cuMemFree_v2");
    e.info = Find<abi::Fn_cuMemGetInfo_v2>(library, "cuMemGetInfo_v2");
    auto* proc = Find<abi::Fn_cuGetProcAddress_v2>(library, "cuGetProcAddress_v2");
    void* launch = nullptr;
    if (proc("cuLaunchKernel", &launch, 12080, 0, nullptr) != 0) Die("cuGetProcAddress_v2");
    e.launch = reinterpret_cast<abi::Fn_cuLaunchKernel*>(launch);
    // Touch the shim once so it reads its configuration now (not later, when
    // the environment has changed for the next copy).
    size_t free = 0, total = 0;
    if (e.info(&free, &total) != 0) Die("cuMemGetInfo_v2");
    if (shim != nullptr) std::fprintf(stderr, "shim %s: total %zu bytes\n", shim, total);
    return e;
  }
};

World& TheWorld() {
  static World* world = new World();
  return *world;
}

const Entry& Impl(int index) {
  World& w = TheWorld();
  return index == 0 ? w.driver : index == 1 ? w.shim_off : w.shim_limit;
}

void Label(benchmark::State& state) {
  static const char* const kNames[] = {"driver", "shim_off", "shim_limit"};
  state.SetLabel(kNames[state.range(0)]);
}

void BM_PassThrough(benchmark::State& state) {
  const Entry& e = Impl(static_cast<int>(state.range(0)));
  abi::CUfunction kernel = TheWorld().kernel;
  for (auto _ : state) {
    abi::CUresult r = e.launch(kernel, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr);
    benchmark::DoNotOptimize(r);
  }
  Label(state);
}
BENCHMARK(BM_PassThrough)->DenseRange(0, 2);

void BM_MemGetInfo(benchmark::State& state) {
  const Entry& e = Impl(static_cast<int>(state.range(0)));
  size_t free = 0, total = 0;
  for (auto _ : state) {
    abi::CUresult r = e.info(&free, &total);
    benchmark::DoNotOptimize(r);
  }
  Label(state);
}
BENCHMARK(BM_MemGetInfo)->DenseRange(0, 2);

void BM_AllocFree(benchmark::State& state) {
  const Entry& e = Impl(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    abi::CUdeviceptr p = 0;
    if (e.alloc(&p, 1 << 20) != 0 || e.free(p) != 0) {
      state.SkipWithError("allocation failed");
      break;
    }
  }
  Label(state);
}
BENCHMARK(BM_AllocFree)->DenseRange(0, 2);

}  // namespace

BENCHMARK_MAIN();
