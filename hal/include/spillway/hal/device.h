// One accelerator as the HAL sees it.
#ifndef SPILLWAY_HAL_DEVICE_H_
#define SPILLWAY_HAL_DEVICE_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "spillway/hal/allocation_table.h"
#include "spillway/hal/event.h"
#include "spillway/hal/stream.h"
#include "spillway/hal/types.h"

namespace spillway::hal {

// Where one end of a copy lives, as the HAL classified the pointer.
enum class Endpoint : uint8_t {
  kDevice,       // inside a kDevice allocation of this device
  kPinnedHost,   // inside a kHost allocation of this device
  kManaged,      // inside a kManaged allocation of this device
  kPageableHost, // any other pointer: ordinary host memory of the caller
};

// A device. The public calls are non-virtual: they validate arguments, check
// pointers against the device's AllocationTable and the capabilities, and
// only then call the backend's Do* hooks, so every backend rejects bad input
// the same way (and no vendor driver ever sees a double free).
//
// Thread-safety: every call is thread-safe.
// Ownership: owned by its Backend; pointers returned by Allocate stay owned by
// the caller until Free. Streams and events must not outlive the backend.
// Errors (see status.h): INVALID_ARGUMENT for zero sizes, null or unknown
// pointers, double free, out-of-bounds ranges; RESOURCE_EXHAUSTED when memory
// runs out; UNIMPLEMENTED when the capability is missing (properties().capabilities).
class Device {
 public:
  virtual ~Device() = default;
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  const DeviceProperties& properties() const { return properties_; }
  // "<backend>://<ordinal>", e.g. "fake://0".
  const std::string& uri() const { return uri_; }

  // Free and total device memory as the driver reports them.
  absl::StatusOr<MemoryInfo> GetMemoryInfo();

  // Allocates `size` > 0 bytes of `kind`. kManaged needs kCapManagedMemory.
  absl::StatusOr<void*> Allocate(MemoryKind kind, size_t size);
  // Frees a pointer returned by Allocate on this device.
  absl::Status Free(void* ptr);
  // The live allocation containing `ptr`, or NOT_FOUND.
  absl::StatusOr<Allocation> FindAllocation(const void* ptr) const;
  // How a pointer would be treated as a copy endpoint.
  Endpoint Classify(const void* ptr) const;

  // Synchronous: returns when the bytes are in place. Each pointer is either
  // inside an allocation of this device (whole range inside it) or host memory.
  absl::Status Copy(void* dst, const void* src, size_t size);
  absl::Status Fill(void* dst, uint8_t value, size_t size);

  absl::StatusOr<std::unique_ptr<Stream>> CreateStream();
  absl::StatusOr<std::unique_ptr<Event>> CreateEvent();
  // Enqueued on `stream` (of this device); host buffers must stay valid until
  // the stream has passed this point.
  absl::Status CopyAsync(void* dst, const void* src, size_t size, Stream& stream);
  absl::Status FillAsync(void* dst, uint8_t value, size_t size, Stream& stream);

  // Managed-memory advice over [ptr, ptr+size), which must lie inside one
  // kManaged allocation. Location is ignored for read-mostly advice.
  absl::Status Advise(void* ptr, size_t size, Advice advice, Location location);
  // Enqueues migration of [ptr, ptr+size) of a kManaged allocation to `location`.
  absl::Status Prefetch(void* ptr, size_t size, Location location, Stream& stream);

  // Blocks until all work on all streams of this device has finished.
  absl::Status Synchronize();

 protected:
  Device(DeviceProperties properties, std::string uri)
      : properties_(std::move(properties)), uri_(std::move(uri)) {}

  // Backend hooks. Arguments are already validated: sizes are non-zero,
  // pointers classified, ranges inside their allocations, capabilities present,
  // streams and events belong to this device.
  virtual absl::StatusOr<MemoryInfo> DoGetMemoryInfo() = 0;
  virtual absl::StatusOr<void*> DoAllocate(MemoryKind kind, size_t size) = 0;
  virtual absl::Status DoFree(const Allocation& allocation) = 0;
  virtual absl::Status DoCopy(void* dst, Endpoint dst_kind, const void* src,
                              Endpoint src_kind, size_t size) = 0;
  virtual absl::Status DoFill(void* dst, Endpoint dst_kind, uint8_t value,
                              size_t size) = 0;
  virtual absl::StatusOr<std::unique_ptr<Stream>> DoCreateStream() = 0;
  virtual absl::StatusOr<std::unique_ptr<Event>> DoCreateEvent() = 0;
  virtual absl::Status DoCopyAsync(void* dst, Endpoint dst_kind, const void* src,
                                   Endpoint src_kind, size_t size, Stream& stream) = 0;
  virtual absl::Status DoFillAsync(void* dst, Endpoint dst_kind, uint8_t value,
                                   size_t size, Stream& stream) = 0;
  virtual absl::Status DoAdvise(void* ptr, size_t size, Advice advice,
                                Location location) = 0;
  virtual absl::Status DoPrefetch(void* ptr, size_t size, Location location,
                                  Stream& stream) = 0;
  virtual absl::Status DoSynchronize() = 0;

  const AllocationTable& allocations() const { return allocations_; }

 private:
  absl::Status CheckRange(const void* ptr, size_t size, const char* what,
                          Endpoint* endpoint) const;
  absl::Status CheckStream(const Stream& stream) const;
  absl::Status CheckManagedRange(const void* ptr, size_t size, const char* call) const;
  absl::Status CheckLocation(const Location& location, const char* call) const;

  DeviceProperties properties_;
  std::string uri_;
  AllocationTable allocations_;
};

}  // namespace spillway::hal

#endif  // SPILLWAY_HAL_DEVICE_H_
