// Allocate+free through the runtime (ledger on, ledger off) against the HAL
// directly, side by side on the same fake device, so the difference is what
// the runtime adds per pair (target: at most 100 ns with the ledger on).
//
//   build/default/bench/runtime_alloc_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/runtime.h"

namespace spillway {
namespace {

constexpr uint64_t kSize = 1ull << 20;

struct Setup {
  std::unique_ptr<hal::Registry> registry;
  std::unique_ptr<Runtime> runtime;
  std::string ledger;

  explicit Setup(bool with_limit) {
    registry = std::make_unique<hal::Registry>();
    // Address-space-only memory keeps the fake's own cost (an mmap of
    // PROT_NONE pages) small and steady.
    fake::FakeSpec spec = *fake::ParseFakeSpec("memory=24g,backing=none");
    (void)registry->Register("fake", [spec] { return fake::CreateFakeBackend(spec); });
    runtime::RuntimeConfig config;
    if (with_limit) {
      ledger = (std::filesystem::temp_directory_path() /
                ("spillway-bench-" + std::to_string(getpid())))
                   .string();
      (void)config.SetLedgerPath(ledger);
      (void)config.SetMemoryLimit(std::nullopt, 16ull << 30);
    }
    RuntimeOptions options;
    options.config = config;
    options.registry = registry.get();
    runtime = *Runtime::Open(options);
  }
  ~Setup() {
    runtime.reset();
    if (!ledger.empty()) {
      std::filesystem::remove(ledger);
      std::filesystem::remove(ledger + ".lock");
    }
  }
  runtime::VirtualDevice& device() { return **runtime->Device(0); }
};

void BM_HalAllocFree(benchmark::State& state) {
  Setup setup(false);
  hal::Device& device = setup.device().device();
  for (auto _ : state) {
    void* p = *device.Allocate(hal::MemoryKind::kDevice, kSize);
    benchmark::DoNotOptimize(p);
    (void)device.Free(p);
  }
}
BENCHMARK(BM_HalAllocFree);

void BM_RuntimeAllocFreeNoLimit(benchmark::State& state) {
  Setup setup(false);
  runtime::VirtualDevice& device = setup.device();
  for (auto _ : state) {
    void* p = *device.Allocate(kSize);
    benchmark::DoNotOptimize(p);
    (void)device.Free(p);
  }
}
BENCHMARK(BM_RuntimeAllocFreeNoLimit);

void BM_RuntimeAllocFreeLedger(benchmark::State& state) {
  Setup setup(true);
  runtime::VirtualDevice& device = setup.device();
  for (auto _ : state) {
    void* p = *device.Allocate(kSize);
    benchmark::DoNotOptimize(p);
    (void)device.Free(p);
  }
}
BENCHMARK(BM_RuntimeAllocFreeLedger);

}  // namespace
}  // namespace spillway

BENCHMARK_MAIN();
