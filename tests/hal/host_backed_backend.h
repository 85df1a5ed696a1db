// A test-only backend whose devices hand out ordinary host memory, so the
// HAL's own logic (registry, argument validation in Device) can be tested
// without the fake simulator. Every Do* hook counts its calls: a test that
// feeds bad input asserts the hook was never reached.
//
// Thread-safety: as required by the HAL (counters are atomic, work runs
// synchronously). Ownership: the backend owns its devices.
#ifndef SPILLWAY_TESTS_HAL_HOST_BACKED_BACKEND_H_
#define SPILLWAY_TESTS_HAL_HOST_BACKED_BACKEND_H_

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/device.h"
#include "spillway/hal/event.h"
#include "spillway/hal/stream.h"
#include "spillway/hal/types.h"

namespace spillway::hal::testing {

// How many times each backend hook ran.
struct HookCounts {
  std::atomic<int> allocate{0};
  std::atomic<int> free{0};
  std::atomic<int> copy{0};
  std::atomic<int> fill{0};
  std::atomic<int> copy_async{0};
  std::atomic<int> fill_async{0};
  std::atomic<int> advise{0};
  std::atomic<int> prefetch{0};

  int total() const {
    return allocate + free + copy + fill + copy_async + fill_async + advise + prefetch;
  }
};

class HostBackedStream : public Stream {
 public:
  explicit HostBackedStream(Device& device) : Stream(device) {}
  absl::Status Synchronize() override { return absl::OkStatus(); }
  absl::StatusOr<bool> Query() override { return true; }
};

class HostBackedEvent : public Event {
 public:
  explicit HostBackedEvent(Device& device) : Event(device) {}

  absl::Status Record(Stream& stream) override {
    if (&stream.device() != &device()) {
      return absl::InvalidArgumentError("stream of another device");
    }
    absl::MutexLock lock(&mu_);
    recorded_at_ = std::chrono::steady_clock::now();
    recorded_ = true;
    return absl::OkStatus();
  }
  absl::Status Synchronize() override {
    absl::MutexLock lock(&mu_);
    return recorded_ ? absl::OkStatus()
                     : absl::FailedPreconditionError("event never recorded");
  }
  absl::StatusOr<float> ElapsedMillisecondsSince(Event& start) override {
    auto* other = dynamic_cast<HostBackedEvent*>(&start);
    if (other == nullptr || &other->device() != &device()) {
      return absl::InvalidArgumentError("event of another device");
    }
    std::chrono::steady_clock::time_point begin;
    {
      absl::MutexLock lock(&other->mu_);
      if (!other->recorded_) return absl::FailedPreconditionError("start never recorded");
      begin = other->recorded_at_;
    }
    absl::MutexLock lock(&mu_);
    if (!recorded_) return absl::FailedPreconditionError("end never recorded");
    return std::chrono::duration<float, std::milli>(recorded_at_ - begin).count();
  }

 private:
  absl::Mutex mu_;
  bool recorded_ = false;
  std::chrono::steady_clock::time_point recorded_at_;
};

class HostBackedDevice : public Device {
 public:
  HostBackedDevice(DeviceProperties properties, std::string uri)
      : Device(std::move(properties), std::move(uri)) {}

  HookCounts& counts() { return counts_; }
  // Bytes currently handed out as kDevice memory (what GetMemoryInfo reports).
  uint64_t device_bytes_in_use() const { return device_bytes_in_use_; }

 protected:
  absl::StatusOr<MemoryInfo> DoGetMemoryInfo() override {
    const uint64_t total = properties().total_memory;
    return MemoryInfo{total - device_bytes_in_use_, total};
  }
  absl::StatusOr<void*> DoAllocate(MemoryKind kind, size_t size) override {
    ++counts_.allocate;
    if (kind == MemoryKind::kDevice &&
        size > properties().total_memory - device_bytes_in_use_) {
      return absl::ResourceExhaustedError(absl::StrCat("host-backed: ", size, " bytes"));
    }
    void* ptr = std::malloc(size);
    if (ptr == nullptr) return absl::ResourceExhaustedError("host-backed: malloc failed");
    if (kind == MemoryKind::kDevice) device_bytes_in_use_ += size;
    return ptr;
  }
  absl::Status DoFree(const Allocation& allocation) override {
    ++counts_.free;
    if (allocation.kind == MemoryKind::kDevice) device_bytes_in_use_ -= allocation.size;
    std::free(allocation.base);
    return absl::OkStatus();
  }
  absl::Status DoCopy(void* dst, Endpoint, const void* src, Endpoint, size_t size) override {
    ++counts_.copy;
    std::memmove(dst, src, size);
    return absl::OkStatus();
  }
  absl::Status DoFill(void* dst, Endpoint, uint8_t value, size_t size) override {
    ++counts_.fill;
    std::memset(dst, value, size);
    return absl::OkStatus();
  }
  absl::StatusOr<std::unique_ptr<Stream>> DoCreateStream() override {
    return std::unique_ptr<Stream>(new HostBackedStream(*this));
  }
  absl::StatusOr<std::unique_ptr<Event>> DoCreateEvent() override {
    return std::unique_ptr<Event>(new HostBackedEvent(*this));
  }
  absl::Status DoCopyAsync(void* dst, Endpoint, const void* src, Endpoint, size_t size,
                           Stream&) override {
    ++counts_.copy_async;
    std::memmove(dst, src, size);
    return absl::OkStatus();
  }
  absl::Status DoFillAsync(void* dst, Endpoint, uint8_t value, size_t size,
                           Stream&) override {
    ++counts_.fill_async;
    std::memset(dst, value, size);
    return absl::OkStatus();
  }
  absl::Status DoAdvise(void*, size_t, Advice, Location) override {
    ++counts_.advise;
    return absl::OkStatus();
  }
  absl::Status DoPrefetch(void*, size_t, Location, Stream&) override {
    ++counts_.prefetch;
    return absl::OkStatus();
  }
  absl::Status DoSynchronize() override { return absl::OkStatus(); }

 private:
  HookCounts counts_;
  std::atomic<uint64_t> device_bytes_in_use_{0};
};

// Options of one host-backed backend.
struct HostBackedOptions {
  std::string name = "host";
  int device_count = 1;
  uint64_t total_memory = 64ull << 20;
  Capabilities capabilities = 0;
  // Non-OK makes the backend unavailable with this status (and 0 devices).
  absl::Status availability = absl::OkStatus();
};

class HostBackedBackend : public Backend {
 public:
  explicit HostBackedBackend(HostBackedOptions options) : options_(std::move(options)) {
    if (!options_.availability.ok()) return;
    for (int i = 0; i < options_.device_count; ++i) {
      DeviceProperties properties;
      properties.name = absl::StrCat("host-backed ", i);
      properties.total_memory = options_.total_memory;
      properties.capabilities = options_.capabilities;
      properties.ordinal = i;
      properties.uuid[0] = static_cast<uint8_t>(i + 1);
      devices_.push_back(std::make_unique<HostBackedDevice>(
          std::move(properties), absl::StrCat(options_.name, "://", i)));
    }
  }

  absl::string_view name() const override { return options_.name; }
  absl::Status Availability() const override { return options_.availability; }
  int DeviceCount() const override { return static_cast<int>(devices_.size()); }
  absl::StatusOr<Device*> GetDevice(int ordinal) override {
    if (!options_.availability.ok()) return options_.availability;
    if (ordinal < 0 || ordinal >= DeviceCount()) {
      return absl::InvalidArgumentError(absl::StrCat("no device ", ordinal));
    }
    return devices_[static_cast<size_t>(ordinal)].get();
  }
  std::vector<Limitation> Limitations() const override { return {}; }

  HostBackedDevice& device(int ordinal) { return *devices_[static_cast<size_t>(ordinal)]; }

 private:
  HostBackedOptions options_;
  std::vector<std::unique_ptr<HostBackedDevice>> devices_;
};

}  // namespace spillway::hal::testing

#endif  // SPILLWAY_TESTS_HAL_HOST_BACKED_BACKEND_H_
