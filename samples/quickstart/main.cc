// spillway-quickstart: the HAL on the fake device, end to end.
//
// Registers the fake backend, lists every device with its properties,
// allocates device, pinned-host and managed memory, moves a buffer through
// all of them and checks it comes back intact, prefetches the managed buffer
// and runs a simulated kernel over it, then prints what the fake counted.
//
// Usage: spillway-quickstart [device-uri]      (default fake://0)
// The fake is configured by SPILLWAY_FAKE_SPEC, e.g. "devices=2,memory=8g"
// (backends/fake/include/spillway/backends/fake/fake_spec.h).
// Exit status: 0 when every step succeeded and the data survived, 1 otherwise.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/backends/fake/fake_counters.h"
#include "spillway/backends/fake/fake_device.h"
#include "spillway/backends/fake/kernel_spec.h"
#include "spillway/hal/device.h"
#include "spillway/hal/registry.h"
#include "spillway/hal/status.h"
#include "spillway/hal/types.h"

namespace {

namespace hal = spillway::hal;
namespace fake = spillway::fake;

// Small enough to run in milliseconds (also under sanitizers), large enough to
// span several 2 MiB managed pages.
constexpr size_t kBufferBytes = 16u << 20;

std::string FormatBytes(uint64_t bytes) {
  if (bytes >= (1ull << 30)) return absl::StrFormat("%.1f GiB", bytes / double(1ull << 30));
  if (bytes >= (1ull << 20)) return absl::StrFormat("%.1f MiB", bytes / double(1ull << 20));
  return absl::StrCat(bytes, " B");
}

std::string CapabilityList(hal::Capabilities capabilities) {
  std::vector<std::string> names;
  for (uint32_t bit = 1; bit != 0; bit <<= 1) {
    if ((capabilities & bit) != 0) {
      names.push_back(hal::CapabilityName(static_cast<hal::Capability>(bit)));
    }
  }
  return names.empty() ? "(core only)" : absl::StrJoin(names, " ");
}

void PrintDevice(hal::Device& device) {
  const hal::DeviceProperties& p = device.properties();
  std::printf("  %s  %s\n", device.uri().c_str(), p.name.c_str());
  std::printf("    uuid          %s\n", hal::UuidToString(p.uuid).c_str());
  std::printf("    pci bus id    %s\n", p.pci_bus_id.empty() ? "(none)" : p.pci_bus_id.c_str());
  std::printf("    total memory  %s\n", FormatBytes(p.total_memory).c_str());
  absl::StatusOr<hal::MemoryInfo> info = device.GetMemoryInfo();
  if (info.ok()) {
    std::printf("    free memory   %s\n", FormatBytes(info->free).c_str());
  } else {
    std::printf("    free memory   unknown: %s\n", info.status().ToString().c_str());
  }
  std::printf("    capabilities  %s\n", CapabilityList(p.capabilities).c_str());
}

// Device memory that is freed when it goes out of scope, so that an early
// error return leaks nothing; Free() reports the result when it matters.
class DeviceBuffer {
 public:
  static absl::StatusOr<DeviceBuffer> Allocate(hal::Device& device, hal::MemoryKind kind,
                                               size_t size) {
    SPILLWAY_ASSIGN_OR_RETURN(void* ptr, device.Allocate(kind, size));
    return DeviceBuffer(device, ptr);
  }
  DeviceBuffer(DeviceBuffer&& other) noexcept
      : device_(other.device_), ptr_(std::exchange(other.ptr_, nullptr)) {}
  DeviceBuffer& operator=(DeviceBuffer&&) = delete;
  ~DeviceBuffer() {
    if (ptr_ != nullptr) (void)device_->Free(ptr_);
  }

  void* get() const { return ptr_; }
  absl::Status Free() { return device_->Free(std::exchange(ptr_, nullptr)); }

 private:
  DeviceBuffer(hal::Device& device, void* ptr) : device_(&device), ptr_(ptr) {}
  hal::Device* device_;
  void* ptr_;
};

void PrintCounters(const char* step, hal::Device& device) {
  fake::FakeDevice* fake_device = fake::AsFakeDevice(&device);
  if (fake_device == nullptr) return;  // counters exist on the fake only
  std::printf("  counters after %s:\n    %s\n    modeled time %.3f ms\n", step,
              fake::FakeCountersToString(fake_device->counters()).c_str(),
              fake_device->TimeNs() / 1e6);
}

absl::Status CheckEqual(const std::vector<uint8_t>& expected,
                        const std::vector<uint8_t>& actual, const char* what) {
  if (actual != expected) {
    size_t i = 0;
    while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
    return absl::DataLossError(absl::StrFormat("%s: %d bytes back, first difference at byte %d",
                                               what, actual.size(), i));
  }
  std::printf("  %s: %s intact\n", what, FormatBytes(expected.size()).c_str());
  return absl::OkStatus();
}

// Host -> pinned -> device -> (managed) -> host, synchronously; then
// device -> host again on a stream, timed with events.
absl::Status RoundTrip(hal::Device& device) {
  std::vector<uint8_t> source(kBufferBytes);
  for (size_t i = 0; i < source.size(); ++i) source[i] = static_cast<uint8_t>(i * 131 + 7);
  std::vector<uint8_t> result(kBufferBytes, 0);

  SPILLWAY_ASSIGN_OR_RETURN(DeviceBuffer pinned,
                            DeviceBuffer::Allocate(device, hal::MemoryKind::kHost, kBufferBytes));
  SPILLWAY_ASSIGN_OR_RETURN(DeviceBuffer on_device, DeviceBuffer::Allocate(
                                                        device, hal::MemoryKind::kDevice,
                                                        kBufferBytes));
  std::printf("  allocated %s pinned host at %p, %s device at %p\n",
              FormatBytes(kBufferBytes).c_str(), pinned.get(),
              FormatBytes(kBufferBytes).c_str(), on_device.get());

  SPILLWAY_RETURN_IF_ERROR(device.Copy(pinned.get(), source.data(), kBufferBytes));
  SPILLWAY_RETURN_IF_ERROR(device.Copy(on_device.get(), pinned.get(), kBufferBytes));
  const void* last = on_device.get();

  std::unique_ptr<DeviceBuffer> managed;
  if (device.properties().Has(hal::kCapManagedMemory)) {
    SPILLWAY_ASSIGN_OR_RETURN(DeviceBuffer buffer, DeviceBuffer::Allocate(
                                                       device, hal::MemoryKind::kManaged,
                                                       kBufferBytes));
    managed = std::make_unique<DeviceBuffer>(std::move(buffer));
    std::printf("  allocated %s managed at %p\n", FormatBytes(kBufferBytes).c_str(),
                managed->get());
    SPILLWAY_RETURN_IF_ERROR(device.Copy(managed->get(), on_device.get(), kBufferBytes));
    last = managed->get();
  } else {
    std::printf("  no managed memory on this device; skipping that leg\n");
  }
  SPILLWAY_RETURN_IF_ERROR(device.Copy(result.data(), last, kBufferBytes));
  SPILLWAY_RETURN_IF_ERROR(CheckEqual(source, result, "synchronous round trip"));
  PrintCounters("the synchronous round trip", device);

  // The same data back again, ordered on a stream and timed with events.
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<hal::Stream> stream, device.CreateStream());
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<hal::Event> start, device.CreateEvent());
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<hal::Event> end, device.CreateEvent());
  SPILLWAY_RETURN_IF_ERROR(device.Fill(pinned.get(), 0, kBufferBytes));
  SPILLWAY_RETURN_IF_ERROR(start->Record(*stream));
  SPILLWAY_RETURN_IF_ERROR(device.CopyAsync(pinned.get(), on_device.get(), kBufferBytes, *stream));
  SPILLWAY_RETURN_IF_ERROR(end->Record(*stream));
  SPILLWAY_RETURN_IF_ERROR(end->Synchronize());
  SPILLWAY_ASSIGN_OR_RETURN(float ms, end->ElapsedMillisecondsSince(*start));
  std::vector<uint8_t> pinned_copy(static_cast<const uint8_t*>(pinned.get()),
                                   static_cast<const uint8_t*>(pinned.get()) + kBufferBytes);
  SPILLWAY_RETURN_IF_ERROR(CheckEqual(source, pinned_copy, "stream copy device->pinned"));
  std::printf("  stream copy took %.3f ms between events (%.1f GB/s)\n", ms,
              ms > 0 ? kBufferBytes / (ms * 1e6) : 0.0);

  // Managed memory: hint, prefetch to the device, and (on the fake) run a
  // kernel that reads it, which now finds every page resident.
  if (managed != nullptr) {
    const hal::Capabilities caps = device.properties().capabilities;
    if ((caps & hal::kCapAdviseReadMostly) != 0) {
      SPILLWAY_RETURN_IF_ERROR(device.Advise(managed->get(), kBufferBytes,
                                             hal::Advice::kSetReadMostly,
                                             hal::Location::Device(device.properties().ordinal)));
    }
    if ((caps & hal::kCapPrefetch) != 0) {
      SPILLWAY_RETURN_IF_ERROR(device.Prefetch(
          managed->get(), kBufferBytes, hal::Location::Device(device.properties().ordinal),
          *stream));
    }
    if (fake::FakeDevice* fake_device = fake::AsFakeDevice(&device)) {
      fake::KernelSpec kernel;
      kernel.reads.push_back({managed->get(), kBufferBytes});
      kernel.writes.push_back({on_device.get(), kBufferBytes});
      kernel.compute_ns = 50'000;
      SPILLWAY_RETURN_IF_ERROR(fake_device->LaunchKernel(kernel, *stream));
      SPILLWAY_ASSIGN_OR_RETURN(uint64_t resident,
                                fake_device->ResidentBytes(managed->get(), kBufferBytes));
      std::printf("  managed bytes resident on the device: %s of %s\n",
                  FormatBytes(resident).c_str(), FormatBytes(kBufferBytes).c_str());
    }
    SPILLWAY_RETURN_IF_ERROR(stream->Synchronize());
    PrintCounters("advise, prefetch and a kernel", device);
    SPILLWAY_RETURN_IF_ERROR(managed->Free());
  }

  SPILLWAY_RETURN_IF_ERROR(on_device.Free());
  SPILLWAY_RETURN_IF_ERROR(pinned.Free());
  std::printf("  freed everything\n");
  return absl::OkStatus();
}

absl::Status Run(const std::string& uri) {
  hal::Registry registry;
  SPILLWAY_RETURN_IF_ERROR(fake::RegisterFakeBackend(registry));

  std::printf("backends:\n");
  for (const std::string& name : registry.RegisteredNames()) {
    absl::StatusOr<hal::Backend*> backend = registry.GetBackend(name);
    if (!backend.ok()) {
      std::printf("  %s: %s\n", name.c_str(), backend.status().ToString().c_str());
      continue;
    }
    const absl::Status availability = (*backend)->Availability();
    std::printf("  %s: %s, %d device(s)\n", name.c_str(),
                availability.ok() ? "available" : availability.ToString().c_str(),
                (*backend)->DeviceCount());
    for (const hal::Limitation& limitation : (*backend)->Limitations()) {
      std::printf("    does not support %s: %s\n", limitation.what.c_str(),
                  limitation.why.c_str());
    }
  }

  std::printf("devices:\n");
  for (hal::Device* device : registry.Devices()) PrintDevice(*device);

  SPILLWAY_ASSIGN_OR_RETURN(hal::Device * device, registry.OpenDevice(uri));
  std::printf("round trip on %s:\n", device->uri().c_str());
  SPILLWAY_RETURN_IF_ERROR(RoundTrip(*device));
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2) {
    std::fprintf(stderr, "usage: %s [device-uri]   (default fake://0)\n", argv[0]);
    return 1;
  }
  const std::string uri = argc == 2 ? argv[1] : "fake://0";
  const absl::Status status = Run(uri);
  if (!status.ok()) {
    std::fprintf(stderr, "spillway-quickstart: %s\n", status.ToString().c_str());
    return 1;
  }
  std::printf("quickstart: OK\n");
  return 0;
}
