// Allocate+free through the runtime (ledger on, ledger off) against the HAL
// directly, side by side on the same device, so the difference is what the
// runtime adds per pair (target: at most 100 ns with the ledger on). arena:0
// is the fake device; arena:1 a device whose own allocation is nearly free,
// which shows the runtime's cost without the fake's mmap noise.
//
//   build/default/bench/runtime_alloc_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "absl/synchronization/mutex.h"
#include "benchmark/benchmark.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/runtime.h"

namespace spillway {
namespace {

constexpr uint64_t kSize = 1ull << 20;

// A device whose allocation costs next to nothing (a free list of fixed
// addresses), so that what the runtime adds is not lost in the noise of the
// fake's mmap/munmap. Only allocation is supported; nothing is ever touched.
class ArenaDevice : public hal::Device {
 public:
  ArenaDevice()
      : hal::Device(Properties(), "arena://0") {
    for (uintptr_t i = 64; i > 0; --i) free_.push_back(i << 32);
  }

 protected:
  static hal::DeviceProperties Properties() {
    hal::DeviceProperties p;
    p.name = "arena";
    p.total_memory = 1ull << 40;
    return p;
  }
  absl::StatusOr<hal::MemoryInfo> DoGetMemoryInfo() override {
    return hal::MemoryInfo{1ull << 40, 1ull << 40};
  }
  absl::StatusOr<void*> DoAllocate(hal::MemoryKind, size_t) override {
    absl::MutexLock lock(&mu_);
    if (free_.empty()) return absl::ResourceExhaustedError("arena empty");
    void* p = reinterpret_cast<void*>(free_.back());
    free_.pop_back();
    return p;
  }
  absl::Status DoFree(const hal::Allocation& a) override {
    absl::MutexLock lock(&mu_);
    free_.push_back(reinterpret_cast<uintptr_t>(a.base));
    return absl::OkStatus();
  }
  absl::Status DoCopy(void*, hal::Endpoint, const void*, hal::Endpoint, size_t) override {
    return absl::UnimplementedError("arena");
  }
  absl::Status DoFill(void*, hal::Endpoint, uint8_t, size_t) override {
    return absl::UnimplementedError("arena");
  }
  absl::StatusOr<std::unique_ptr<hal::Stream>> DoCreateStream() override {
    return absl::UnimplementedError("arena");
  }
  absl::StatusOr<std::unique_ptr<hal::Event>> DoCreateEvent() override {
    return absl::UnimplementedError("arena");
  }
  absl::Status DoCopyAsync(void*, hal::Endpoint, const void*, hal::Endpoint, size_t,
                           hal::Stream&) override {
    return absl::UnimplementedError("arena");
  }
  absl::Status DoFillAsync(void*, hal::Endpoint, uint8_t, size_t, hal::Stream&) override {
    return absl::UnimplementedError("arena");
  }
  absl::Status DoAdvise(void*, size_t, hal::Advice, hal::Location) override {
    return absl::UnimplementedError("arena");
  }
  absl::Status DoPrefetch(void*, size_t, hal::Location, hal::Stream&) override {
    return absl::UnimplementedError("arena");
  }
  absl::Status DoSynchronize() override { return absl::OkStatus(); }

 private:
  absl::Mutex mu_;
  std::vector<uintptr_t> free_;
};

class ArenaBackend : public hal::Backend {
 public:
  absl::string_view name() const override { return "arena"; }
  absl::Status Availability() const override { return absl::OkStatus(); }
  int DeviceCount() const override { return 1; }
  absl::StatusOr<hal::Device*> GetDevice(int ordinal) override {
    if (ordinal != 0) return absl::InvalidArgumentError("arena has one device");
    return &device_;
  }
  std::vector<hal::Limitation> Limitations() const override { return {}; }

 private:
  ArenaDevice device_;
};

struct Setup {
  std::unique_ptr<hal::Registry> registry;
  std::unique_ptr<Runtime> runtime;
  std::string ledger;

  Setup(bool with_limit, bool arena = false) {
    registry = std::make_unique<hal::Registry>();
    // Address-space-only memory keeps the fake's own cost (an mmap of
    // PROT_NONE pages) small and steady.
    fake::FakeSpec spec = *fake::ParseFakeSpec("memory=24g,backing=none");
    if (arena) {
      (void)registry->Register("arena", [] { return std::make_unique<ArenaBackend>(); });
    } else {
      (void)registry->Register("fake", [spec] { return fake::CreateFakeBackend(spec); });
    }
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
    if (arena) options.devices = {"arena://0"};
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
  Setup setup(false, state.range(0) != 0);
  hal::Device& device = setup.device().device();
  for (auto _ : state) {
    void* p = *device.Allocate(hal::MemoryKind::kDevice, kSize);
    benchmark::DoNotOptimize(p);
    (void)device.Free(p);
  }
}
BENCHMARK(BM_HalAllocFree)->ArgName("arena")->Arg(0)->Arg(1);

void BM_RuntimeAllocFreeNoLimit(benchmark::State& state) {
  Setup setup(false, state.range(0) != 0);
  runtime::VirtualDevice& device = setup.device();
  for (auto _ : state) {
    void* p = *device.Allocate(kSize);
    benchmark::DoNotOptimize(p);
    (void)device.Free(p);
  }
}
BENCHMARK(BM_RuntimeAllocFreeNoLimit)->ArgName("arena")->Arg(0)->Arg(1);

void BM_RuntimeAllocFreeLedger(benchmark::State& state) {
  Setup setup(true, state.range(0) != 0);
  runtime::VirtualDevice& device = setup.device();
  for (auto _ : state) {
    void* p = *device.Allocate(kSize);
    benchmark::DoNotOptimize(p);
    (void)device.Free(p);
  }
}
BENCHMARK(BM_RuntimeAllocFreeLedger)->ArgName("arena")->Arg(0)->Arg(1);

}  // namespace
}  // namespace spillway

// Why the allocation path locks std::mutex: Debian's prebuilt absl::Mutex
// runs its debug deadlock detector on every lock (docs/benchmarks.md).
void BM_AbslMutexLockUnlock(benchmark::State& state) {
  absl::Mutex mu;
  for (auto _ : state) {
    mu.Lock();
    mu.Unlock();
  }
}
BENCHMARK(BM_AbslMutexLockUnlock);

void BM_StdMutexLockUnlock(benchmark::State& state) {
  std::mutex mu;
  for (auto _ : state) {
    mu.lock();
    mu.unlock();
  }
}
BENCHMARK(BM_StdMutexLockUnlock);

BENCHMARK_MAIN();
