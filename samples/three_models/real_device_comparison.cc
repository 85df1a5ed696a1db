#include "three_models/real_device_comparison.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spillway/hal/registry.h"
#include "spillway/hal/status.h"
#include "spillway/hal/stream.h"
#include "spillway/hal/types.h"
#include "spillway/runtime.h"
#include "three_models/cuda_decode_kernels.h"
#include "three_models/host_decode_kernels.h"
#include "three_models/kernel_decode_device.h"
#include "three_models/naive_policy.h"
#include "three_models/scoped_allocation.h"
#include "three_models/spillway_policy.h"

namespace spillway::samples::three_models {
namespace {

constexpr uint64_t kPageSize = 2ull << 20;  // the bound's page, UVM's largest migration unit
constexpr uint64_t kDefaultCapacity = 23ull << 30;
// Managed memory is kept below this share of the card's free memory: asking
// a driver for more than is free can wedge the GPU.
constexpr double kFreeShare = 0.9;
// Below this the models are too small to say anything about 13B models.
constexpr double kMinScale = 0.02;

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

uint64_t RoundDown(uint64_t bytes, uint64_t unit) { return bytes / unit * unit; }

// True when the CPU can read [ptr, ptr + size), size <= 4 KiB: write(2) into
// a pipe copies from it inside the kernel, which answers EFAULT where a CPU
// load would kill the process.
bool HostCanRead(const void* ptr, size_t size) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  const ssize_t written = write(fds[1], ptr, size);
  close(fds[0]);
  close(fds[1]);
  return written == static_cast<ssize_t>(size);
}

absl::StatusOr<std::unique_ptr<DecodeKernels>> MakeKernels(KernelKind kind, hal::Device& device) {
  if (kind == KernelKind::kHost) {
    // On a real accelerator the CPU cannot read device memory: refuse rather
    // than crash on the first kernel.
    SPILLWAY_ASSIGN_OR_RETURN(ScopedAllocation probe,
                              ScopedAllocation::Allocate(device, hal::MemoryKind::kDevice, 4096));
    if (!HostCanRead(probe.get(), 4096)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--kernels host needs device memory the CPU can read, as a CPU fake of the vendor "
          "library has; ", device.uri(), " is real hardware: use --kernels cuda"));
    }
    return CreateHostDecodeKernels();
  }
  if (!absl::StartsWith(device.uri(), "cuda://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the CUDA kernels run on cuda:// devices only, not ", device.uri(),
        " (--kernels host runs them on the CPU, for CPU fakes)"));
  }
  return CreateCudaDecodeKernels(device);
}

// The layer kernel over device memory: the device-memory bandwidth that the
// bound's device term uses. Best of a few runs after a warm-up.
absl::StatusOr<double> MeasureDeviceBandwidth(hal::Device& device, DecodeKernels& kernels,
                                              uint64_t bytes) {
  SPILLWAY_ASSIGN_OR_RETURN(ScopedAllocation buffer,
                            ScopedAllocation::Allocate(device, hal::MemoryKind::kDevice, bytes));
  SPILLWAY_RETURN_IF_ERROR(device.Fill(buffer.get(), 0x5a, bytes));
  double best = 0;
  for (int run = 0; run < 6; ++run) {
    const auto start = std::chrono::steady_clock::now();
    SPILLWAY_RETURN_IF_ERROR(kernels.LaunchLayer(buffer.get(), bytes - 16, buffer.get(), 0,
                                                 static_cast<char*>(buffer.get()) + bytes - 16,
                                                 16));
    SPILLWAY_RETURN_IF_ERROR(kernels.Synchronize());
    const double s = Seconds(std::chrono::steady_clock::now() - start);
    if (run > 0 && s > 0) best = std::max(best, static_cast<double>(bytes) / s);
  }
  if (!(best > 0)) return absl::InternalError("the device bandwidth could not be measured");
  return best;
}

// What the link gives the bound's transfers: the faster of managed memory
// written by the host and prefetched to the device (what the policies use)
// and a copy from pinned host memory (what the link can do); the faster
// makes the bound lower, as a bound must be. Best of a few runs each.
absl::StatusOr<double> MeasureLinkBandwidth(hal::Device& device, uint64_t bytes) {
  SPILLWAY_ASSIGN_OR_RETURN(ScopedAllocation managed,
                            ScopedAllocation::Allocate(device, hal::MemoryKind::kManaged, bytes));
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<hal::Stream> stream, device.CreateStream());
  const hal::Location here = hal::Location::Device(device.properties().ordinal);
  double best = 0;
  auto time = [&](auto&& transfer) -> absl::Status {
    const auto start = std::chrono::steady_clock::now();
    SPILLWAY_RETURN_IF_ERROR(transfer());
    SPILLWAY_RETURN_IF_ERROR(stream->Synchronize());
    const double s = Seconds(std::chrono::steady_clock::now() - start);
    if (s > 0) best = std::max(best, static_cast<double>(bytes) / s);
    return absl::OkStatus();
  };
  for (int run = 0; run < 3; ++run) {
    std::memset(managed.get(), 0x5a + run, bytes);  // every page back on the host
    SPILLWAY_RETURN_IF_ERROR(device.Synchronize());
    SPILLWAY_RETURN_IF_ERROR(
        time([&] { return device.Prefetch(managed.get(), bytes, here, *stream); }));
  }
  SPILLWAY_ASSIGN_OR_RETURN(ScopedAllocation pinned,
                            ScopedAllocation::Allocate(device, hal::MemoryKind::kHost, bytes));
  SPILLWAY_ASSIGN_OR_RETURN(ScopedAllocation target,
                            ScopedAllocation::Allocate(device, hal::MemoryKind::kDevice, bytes));
  std::memset(pinned.get(), 0x5a, bytes);
  for (int run = 0; run < 3; ++run) {
    SPILLWAY_RETURN_IF_ERROR(
        time([&] { return device.CopyAsync(target.get(), pinned.get(), bytes, *stream); }));
  }
  if (!(best > 0)) return absl::InternalError("the link bandwidth could not be measured");
  return best;
}

}  // namespace

absl::StatusOr<Comparison> RunRealDeviceComparison(const ComparisonOptions& options,
                                                   const ProgressFn& progress) {
  if (!(options.idle_floor_fraction >= 0 && options.idle_floor_fraction <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("idle floor fraction ", options.idle_floor_fraction, ": must be in [0, 1]"));
  }
  hal::Registry registry;
  SPILLWAY_RETURN_IF_ERROR(RegisterBuiltinBackends(registry));
  absl::StatusOr<hal::Device*> opened = registry.OpenDevice(options.device_uri);
  if (!opened.ok()) {
    // Its own code: UNAVAILABLE (no driver) is a skip, a bad ordinal is not.
    return absl::Status(opened.status().code(), absl::StrCat("cannot open ", options.device_uri,
                                                             ": ", opened.status().message()));
  }
  hal::Device& device = **opened;
  if (!device.properties().Has(hal::kCapManagedMemory)) {
    return absl::FailedPreconditionError(
        absl::StrCat(device.uri(), " has no managed memory: the naive policy needs it"));
  }
  // Fail before any memory is touched when the kernels cannot run.
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<DecodeKernels> probe,
                            MakeKernels(options.kernels, device));
  SPILLWAY_ASSIGN_OR_RETURN(hal::MemoryInfo memory, device.GetMemoryInfo());

  Comparison c;
  c.options = options;
  RealDeviceSetup setup;
  setup.uri = device.uri();
  setup.name = device.properties().name;
  setup.total_bytes = memory.total;
  setup.free_bytes = memory.free;
  setup.kernels = probe->name();

  // Sizes: capacity and virtual size keep the 23:46 of the fake's setup.
  const uint64_t capacity = options.device_memory.value_or(kDefaultCapacity);
  const double wanted_virtual = 2.0 * static_cast<double>(capacity);
  const double room = kFreeShare * static_cast<double>(memory.free);
  setup.scale = std::min(1.0, room / wanted_virtual);
  if (setup.scale < kMinScale) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s has %.2f GiB free: too little for %.2f GiB of emulated device memory even scaled to "
        "%.0f%%; pass smaller --device-memory, --weights and --kv-cache",
        device.uri(), static_cast<double>(memory.free) / (1ull << 30),
        static_cast<double>(capacity) / (1ull << 30), kMinScale * 100));
  }
  auto scaled = [&](uint64_t bytes) {
    return static_cast<uint64_t>(static_cast<double>(bytes) * setup.scale);
  };
  c.options.model.weight_bytes = std::max<uint64_t>(scaled(options.model.weight_bytes), 1);
  c.options.model.kv_cache_bytes = std::max<uint64_t>(scaled(options.model.kv_cache_bytes), 1);
  SPILLWAY_ASSIGN_OR_RETURN(c.layout,
                            MakeModelLayout(c.options.model, options.models, kPageSize));
  setup.capacity_bytes = RoundDown(scaled(capacity), kPageSize);
  // Whole pages per layer can round the models above twice the capacity.
  setup.virtual_bytes = std::max(2 * setup.capacity_bytes, c.layout.total_bytes());
  if (setup.capacity_bytes == 0 || static_cast<double>(setup.virtual_bytes) > room) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: %.2f GiB of models (%.2f GiB emulated device memory) do not fit in 90%% of its "
        "%.2f GiB free; pass smaller --weights, --kv-cache or --device-memory",
        device.uri(), static_cast<double>(c.layout.total_bytes()) / (1ull << 30),
        static_cast<double>(setup.capacity_bytes) / (1ull << 30),
        static_cast<double>(memory.free) / (1ull << 30)));
  }
  setup.headroom_bytes = memory.free - setup.capacity_bytes;
  c.options.device_memory = setup.capacity_bytes;
  c.options.virtual_size = setup.virtual_bytes;
  SPILLWAY_ASSIGN_OR_RETURN(
      c.requests, MakeRequestTrace(options.trace, options.requests, options.tokens, options.models,
                                   options.seed));

  // A quarter of the emulated card, at most 1 GiB: long enough to time.
  const uint64_t probe_bytes =
      std::max<uint64_t>(RoundDown(std::min<uint64_t>(setup.capacity_bytes / 4, 1ull << 30), kPageSize),
                         kPageSize);
  SPILLWAY_ASSIGN_OR_RETURN(setup.device_bandwidth,
                            MeasureDeviceBandwidth(device, *probe, probe_bytes));
  SPILLWAY_ASSIGN_OR_RETURN(setup.link_bandwidth, MeasureLinkBandwidth(device, probe_bytes));
  probe.reset();
  SPILLWAY_ASSIGN_OR_RETURN(
      c.bound, ComputeOfflineBound(c.layout, c.requests, setup.capacity_bytes,
                                   setup.link_bandwidth, setup.device_bandwidth));
  c.real_device = setup;

  const KernelKind kind = options.kernels;
  const DecodeDeviceFactory decode_device =
      [kind](hal::Device& d) -> absl::StatusOr<std::unique_ptr<DecodeDevice>> {
    SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<DecodeKernels> kernels, MakeKernels(kind, d));
    return CreateKernelDecodeDevice(d, std::move(kernels));
  };
  SPILLWAY_RETURN_IF_ERROR(RunPolicies(
      c, [&] { return ServeNaive(device, c.layout, c.requests, progress, decode_device); },
      [&] {
        // The runtime subtracts the headroom from the free memory it sees
        // when it opens, after the naive run and the kernels' own setup: the
        // headroom is taken from that, so the budget is the capacity.
        absl::StatusOr<hal::MemoryInfo> now = device.GetMemoryInfo();
        if (!now.ok()) return absl::StatusOr<PolicyResult>(now.status());
        if (now->free <= setup.capacity_bytes) {
          return absl::StatusOr<PolicyResult>(absl::FailedPreconditionError(absl::StrFormat(
              "%s has %.2f GiB free now, not more than the %.2f GiB to emulate", device.uri(),
              static_cast<double>(now->free) / (1ull << 30),
              static_cast<double>(setup.capacity_bytes) / (1ull << 30))));
        }
        c.real_device->headroom_bytes = now->free - setup.capacity_bytes;
        SpillwayOptions spillway;
        spillway.device_uri = device.uri();
        spillway.decode_device = decode_device;
        spillway.virtual_size = setup.virtual_bytes;
        spillway.memory_limit = setup.virtual_bytes;
        spillway.device_headroom = c.real_device->headroom_bytes;
        spillway.idle_floor_fraction = options.idle_floor_fraction;
        return ServeWithSpillway(registry, c.layout, c.requests, spillway, progress);
      }));
  return c;
}

}  // namespace spillway::samples::three_models
