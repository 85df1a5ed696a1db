// The exported C API of the fake libgalaxyhip.so: exactly the prototypes of
// spillway/backends/hygon/hip_abi.h (checked below at compile time), with the
// runtime's rules where the backend relies on them and the strictness of a
// careful driver where a wrong argument would otherwise go unnoticed: a copy
// whose kind does not match its pointers, a fill of memory the device cannot
// address, an unknown handle, advice value or flag is an error.
#include <cstring>
#include <memory>
#include <type_traits>

#include "fake_hip_runtime.h"
#include "spillway/hal/types.h"

namespace {

using ::spillway::fake_hip::FakeHipRuntime;
using ::spillway::fake_hip::PointerInfo;
using ::spillway::fake_hip::ToHipError;
namespace hip_abi = ::spillway::hygon::abi;
namespace hal = ::spillway::hal;

// Only called after FAKE_HIP_INIT has seen the instance alive.
FakeHipRuntime& Runtime() { return *FakeHipRuntime::Get(); }

#define FAKE_HIP_INIT()                                                       \
  do {                                                                        \
    FakeHipRuntime* fake_runtime = FakeHipRuntime::Get();                     \
    if (fake_runtime == nullptr) return hip_abi::kErrorDeinitialized;         \
    const hip_abi::hipError_t init_error = fake_runtime->EnsureInitialized(); \
    if (init_error != hip_abi::kSuccess) return init_error;                   \
  } while (0)

hal::Device* CurrentDevice() { return Runtime().device(Runtime().current_ordinal()); }

// Which side of a copy a pointer may stand for: managed memory is both.
bool DeviceSide(const PointerInfo& p) {
  return p.device != nullptr &&
         (p.kind == hal::MemoryKind::kDevice || p.kind == hal::MemoryKind::kManaged);
}
bool HostSide(const PointerInfo& p) {
  return p.device == nullptr || p.kind != hal::MemoryKind::kDevice;
}

hip_abi::hipError_t CheckKind(const PointerInfo& dst, const PointerInfo& src,
                              hip_abi::hipMemcpyKind kind) {
  bool ok = false;
  switch (kind) {
    case hip_abi::kMemcpyHostToHost:
      ok = HostSide(dst) && HostSide(src);
      break;
    case hip_abi::kMemcpyHostToDevice:
      ok = DeviceSide(dst) && HostSide(src);
      break;
    case hip_abi::kMemcpyDeviceToHost:
      ok = HostSide(dst) && DeviceSide(src);
      break;
    case hip_abi::kMemcpyDeviceToDevice:
      ok = DeviceSide(dst) && DeviceSide(src);
      break;
    case hip_abi::kMemcpyDefault:
      ok = true;
      break;
    default:
      return hip_abi::kErrorInvalidMemcpyDirection;
  }
  return ok ? hip_abi::kSuccess : hip_abi::kErrorInvalidValue;
}

// The device that performs a copy: the one whose device-side memory is
// involved, else the owner of pinned memory, else the current device. A copy
// between the memories of two devices (peer copy) is not simulated.
hal::Device* CopyDevice(const PointerInfo& dst, const PointerInfo& src) {
  const bool dst_device = DeviceSide(dst);
  const bool src_device = DeviceSide(src);
  if (dst_device && src_device && dst.device != src.device) return nullptr;
  if (dst_device) return dst.device;
  if (src_device) return src.device;
  if (dst.device != nullptr) return dst.device;
  if (src.device != nullptr) return src.device;
  return CurrentDevice();
}

// The stream for an asynchronous call on `device`: the given one (which must
// be a live stream of that device) or the device's null stream.
hip_abi::hipError_t StreamFor(hal::Device* device, hip_abi::hipStream_t stream, hal::Stream** out) {
  if (stream == nullptr) {
    *out = Runtime().DefaultStream(device->properties().ordinal);
    return *out != nullptr ? hip_abi::kSuccess : hip_abi::kErrorUnknown;
  }
  if (!Runtime().IsStream(stream)) return hip_abi::kErrorInvalidHandle;
  if (stream->ordinal != device->properties().ordinal) return hip_abi::kErrorInvalidValue;
  *out = stream->stream.get();
  return hip_abi::kSuccess;
}

hip_abi::hipError_t CopyImpl(void* dst, const void* src, size_t size, hip_abi::hipMemcpyKind kind,
                             hip_abi::hipStream_t stream, bool async) {
  FAKE_HIP_INIT();
  if (size == 0) return hip_abi::kSuccess;
  if (dst == nullptr || src == nullptr) return hip_abi::kErrorInvalidValue;
  const PointerInfo d = Runtime().Classify(dst);
  const PointerInfo s = Runtime().Classify(src);
  if (const hip_abi::hipError_t e = CheckKind(d, s, kind); e != hip_abi::kSuccess) return e;
  hal::Device* device = CopyDevice(d, s);
  if (async && stream != nullptr && Runtime().IsStream(stream) && !DeviceSide(d) &&
      !DeviceSide(s)) {
    // Host-to-host work goes wherever the stream is.
    device = Runtime().device(stream->ordinal);
  }
  if (device == nullptr) return hip_abi::kErrorInvalidValue;
  if (!async) return ToHipError(device->Copy(dst, src, size));
  hal::Stream* on = nullptr;
  if (const hip_abi::hipError_t e = StreamFor(device, stream, &on); e != hip_abi::kSuccess)
    return e;
  return ToHipError(device->CopyAsync(dst, src, size, *on));
}

hip_abi::hipError_t FillImpl(void* dst, int value, size_t size, hip_abi::hipStream_t stream,
                             bool async) {
  FAKE_HIP_INIT();
  if (size == 0) return hip_abi::kSuccess;
  if (dst == nullptr) return hip_abi::kErrorInvalidValue;
  const PointerInfo d = Runtime().Classify(dst);
  // The device fills memory it can address: its own allocations, never the
  // caller's pageable memory.
  if (d.device == nullptr) return hip_abi::kErrorInvalidValue;
  const auto byte = static_cast<uint8_t>(value);
  if (!async) return ToHipError(d.device->Fill(dst, byte, size));
  hal::Stream* on = nullptr;
  if (const hip_abi::hipError_t e = StreamFor(d.device, stream, &on); e != hip_abi::kSuccess)
    return e;
  return ToHipError(d.device->FillAsync(dst, byte, size, *on));
}

hip_abi::hipError_t AllocateImpl(void** ptr, size_t size, hal::MemoryKind kind) {
  FAKE_HIP_INIT();
  if (ptr == nullptr) return hip_abi::kErrorInvalidValue;
  *ptr = nullptr;
  if (size == 0) return hip_abi::kSuccess;  // HIP hands out a null pointer for 0 bytes
  hal::Device* device = CurrentDevice();
  if (device == nullptr) return hip_abi::kErrorInvalidDevice;
  absl::StatusOr<void*> allocated = device->Allocate(kind, size);
  if (!allocated.ok()) return ToHipError(allocated.status());
  *ptr = *allocated;
  return hip_abi::kSuccess;
}

hip_abi::hipError_t FreeImpl(void* ptr, bool host) {
  FAKE_HIP_INIT();
  if (ptr == nullptr) return hip_abi::kSuccess;
  const PointerInfo p = Runtime().Classify(ptr);
  if (p.device == nullptr || (p.kind == hal::MemoryKind::kHost) != host) {
    return hip_abi::kErrorInvalidValue;
  }
  return ToHipError(p.device->Free(ptr));
}

hip_abi::hipError_t DeviceArgument(int device, hal::Device** out) {
  *out = Runtime().device(device);
  return *out != nullptr ? hip_abi::kSuccess : hip_abi::kErrorInvalidDevice;
}

// A device number of advice or prefetch: an ordinal or hipCpuDeviceId.
hip_abi::hipError_t LocationArgument(int device, hal::Location* out) {
  if (device == hip_abi::kCpuDeviceId) {
    *out = hal::Location::Host();
    return hip_abi::kSuccess;
  }
  if (Runtime().device(device) == nullptr) return hip_abi::kErrorInvalidDevice;
  *out = hal::Location::Device(device);
  return hip_abi::kSuccess;
}

}  // namespace

#define FAKE_HIP_EXPORT extern "C" __attribute__((visibility("default")))

FAKE_HIP_EXPORT hip_abi::hipError_t hipInit(unsigned flags) {
  if (flags != 0) return hip_abi::kErrorInvalidValue;
  FAKE_HIP_INIT();
  return hip_abi::kSuccess;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipGetDeviceCount(int* count) {
  if (count == nullptr) return hip_abi::kErrorInvalidValue;
  *count = 0;
  FAKE_HIP_INIT();
  *count = Runtime().device_count();
  return *count > 0 ? hip_abi::kSuccess : hip_abi::kErrorNoDevice;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipSetDevice(int device) {
  FAKE_HIP_INIT();
  if (Runtime().device(device) == nullptr) return hip_abi::kErrorInvalidDevice;
  Runtime().set_current_ordinal(device);
  return hip_abi::kSuccess;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipGetDevice(int* device) {
  FAKE_HIP_INIT();
  if (device == nullptr) return hip_abi::kErrorInvalidValue;
  *device = Runtime().current_ordinal();
  return hip_abi::kSuccess;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipDeviceGetName(char* name, int len,
                                                     hip_abi::hipDevice_t device) {
  FAKE_HIP_INIT();
  if (name == nullptr || len <= 0) return hip_abi::kErrorInvalidValue;
  hal::Device* d = nullptr;
  if (const hip_abi::hipError_t e = DeviceArgument(device, &d); e != hip_abi::kSuccess) return e;
  const std::string& text = d->properties().name;
  const size_t n = std::min(text.size(), static_cast<size_t>(len) - 1);
  std::memcpy(name, text.data(), n);
  name[n] = '\0';
  return hip_abi::kSuccess;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipDeviceTotalMem(size_t* bytes, hip_abi::hipDevice_t device) {
  FAKE_HIP_INIT();
  if (bytes == nullptr) return hip_abi::kErrorInvalidValue;
  hal::Device* d = nullptr;
  if (const hip_abi::hipError_t e = DeviceArgument(device, &d); e != hip_abi::kSuccess) return e;
  *bytes = d->properties().total_memory;
  return hip_abi::kSuccess;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipDeviceGetAttribute(int* value,
                                                          hip_abi::hipDeviceAttribute_t attr,
                                                          int device) {
  FAKE_HIP_INIT();
  if (value == nullptr) return hip_abi::kErrorInvalidValue;
  hal::Device* d = nullptr;
  if (const hip_abi::hipError_t e = DeviceArgument(device, &d); e != hip_abi::kSuccess) return e;
  const hal::DeviceProperties& p = d->properties();
  switch (attr) {
    case hip_abi::kDeviceAttributeCanMapHostMemory:
      *value = p.Has(hal::kCapHostMappedMemory) ? 1 : 0;
      return hip_abi::kSuccess;
    case hip_abi::kDeviceAttributeManagedMemory:
    case hip_abi::kDeviceAttributeConcurrentManagedAccess:
      *value = p.Has(hal::kCapManagedMemory) ? 1 : 0;
      return hip_abi::kSuccess;
    default:
      return hip_abi::kErrorInvalidValue;  // an attribute this fake does not model
  }
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipDeviceGetPCIBusId(char* pci_bus_id, int len, int device) {
  FAKE_HIP_INIT();
  if (pci_bus_id == nullptr || len <= 0) return hip_abi::kErrorInvalidValue;
  hal::Device* d = nullptr;
  if (const hip_abi::hipError_t e = DeviceArgument(device, &d); e != hip_abi::kSuccess) return e;
  const std::string& text = d->properties().pci_bus_id;
  if (text.size() + 1 > static_cast<size_t>(len)) return hip_abi::kErrorInvalidValue;
  std::memcpy(pci_bus_id, text.c_str(), text.size() + 1);
  return hip_abi::kSuccess;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipDeviceGetUuid(hip_abi::hipUUID* uuid,
                                                     hip_abi::hipDevice_t device) {
  FAKE_HIP_INIT();
  if (uuid == nullptr) return hip_abi::kErrorInvalidValue;
  hal::Device* d = nullptr;
  if (const hip_abi::hipError_t e = DeviceArgument(device, &d); e != hip_abi::kSuccess) return e;
  std::memcpy(uuid->bytes, d->properties().uuid.data(), sizeof(uuid->bytes));
  return hip_abi::kSuccess;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipDeviceSynchronize() {
  FAKE_HIP_INIT();
  hal::Device* d = CurrentDevice();
  if (d == nullptr) return hip_abi::kErrorInvalidDevice;
  return ToHipError(d->Synchronize());
}

FAKE_HIP_EXPORT const char* hipGetErrorName(hip_abi::hipError_t error) {
  return ::spillway::fake_hip::HipErrorName(error);
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipMemGetInfo(size_t* free, size_t* total) {
  FAKE_HIP_INIT();
  if (free == nullptr || total == nullptr) return hip_abi::kErrorInvalidValue;
  hal::Device* d = CurrentDevice();
  if (d == nullptr) return hip_abi::kErrorInvalidDevice;
  absl::StatusOr<hal::MemoryInfo> info = d->GetMemoryInfo();
  if (!info.ok()) return ToHipError(info.status());
  *free = info->free;
  *total = info->total;
  return hip_abi::kSuccess;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipMalloc(void** ptr, size_t size) {
  return AllocateImpl(ptr, size, hal::MemoryKind::kDevice);
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipFree(void* ptr) { return FreeImpl(ptr, /*host=*/false); }

FAKE_HIP_EXPORT hip_abi::hipError_t hipMallocManaged(void** ptr, size_t size, unsigned flags) {
  FAKE_HIP_INIT();
  if (flags != hip_abi::kMemAttachGlobal && flags != hip_abi::kMemAttachHost) {
    return hip_abi::kErrorInvalidValue;
  }
  hal::Device* d = CurrentDevice();
  if (d != nullptr && !d->properties().Has(hal::kCapManagedMemory)) {
    return hip_abi::kErrorNotSupported;
  }
  return AllocateImpl(ptr, size, hal::MemoryKind::kManaged);
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipHostMalloc(void** ptr, size_t size, unsigned flags) {
  constexpr unsigned kKnownFlags = hip_abi::kHostMallocPortable | hip_abi::kHostMallocMapped |
                                   hip_abi::kHostMallocWriteCombined | 0x20000000u /*NumaUser*/ |
                                   0x40000000u /*Coherent*/ | 0x80000000u /*NonCoherent*/;
  if ((flags & ~kKnownFlags) != 0) return hip_abi::kErrorInvalidValue;
  return AllocateImpl(ptr, size, hal::MemoryKind::kHost);
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipHostFree(void* ptr) { return FreeImpl(ptr, /*host=*/true); }

FAKE_HIP_EXPORT hip_abi::hipError_t hipMemcpy(void* dst, const void* src, size_t size,
                                              hip_abi::hipMemcpyKind kind) {
  return CopyImpl(dst, src, size, kind, nullptr, /*async=*/false);
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipMemcpyAsync(void* dst, const void* src, size_t size,
                                                   hip_abi::hipMemcpyKind kind,
                                                   hip_abi::hipStream_t stream) {
  return CopyImpl(dst, src, size, kind, stream, /*async=*/true);
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipMemset(void* dst, int value, size_t size) {
  return FillImpl(dst, value, size, nullptr, /*async=*/false);
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipMemsetAsync(void* dst, int value, size_t size,
                                                   hip_abi::hipStream_t stream) {
  return FillImpl(dst, value, size, stream, /*async=*/true);
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipMemAdvise(const void* ptr, size_t count,
                                                 hip_abi::hipMemoryAdvise advice, int device) {
  FAKE_HIP_INIT();
  if (ptr == nullptr || count == 0) return hip_abi::kErrorInvalidValue;
  const PointerInfo p = Runtime().Classify(ptr);
  if (p.device == nullptr || p.kind != hal::MemoryKind::kManaged)
    return hip_abi::kErrorInvalidValue;
  hal::Advice hal_advice;
  switch (advice) {
    case hip_abi::kMemAdviseSetReadMostly:
      hal_advice = hal::Advice::kSetReadMostly;
      break;
    case hip_abi::kMemAdviseUnsetReadMostly:
      hal_advice = hal::Advice::kUnsetReadMostly;
      break;
    case hip_abi::kMemAdviseSetPreferredLocation:
      hal_advice = hal::Advice::kSetPreferredLocation;
      break;
    case hip_abi::kMemAdviseUnsetPreferredLocation:
      hal_advice = hal::Advice::kUnsetPreferredLocation;
      break;
    case hip_abi::kMemAdviseSetAccessedBy:
      hal_advice = hal::Advice::kSetAccessedBy;
      break;
    case hip_abi::kMemAdviseUnsetAccessedBy:
      hal_advice = hal::Advice::kUnsetAccessedBy;
      break;
    default:
      return hip_abi::kErrorInvalidValue;
  }
  hal::Location location;
  if (const hip_abi::hipError_t e = LocationArgument(device, &location); e != hip_abi::kSuccess)
    return e;
  return ToHipError(p.device->Advise(const_cast<void*>(ptr), count, hal_advice, location));
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipMemPrefetchAsync(const void* ptr, size_t count, int device,
                                                        hip_abi::hipStream_t stream) {
  FAKE_HIP_INIT();
  if (ptr == nullptr || count == 0) return hip_abi::kErrorInvalidValue;
  const PointerInfo p = Runtime().Classify(ptr);
  if (p.device == nullptr || p.kind != hal::MemoryKind::kManaged)
    return hip_abi::kErrorInvalidValue;
  hal::Location location;
  if (const hip_abi::hipError_t e = LocationArgument(device, &location); e != hip_abi::kSuccess)
    return e;
  hal::Stream* on = nullptr;
  if (const hip_abi::hipError_t e = StreamFor(p.device, stream, &on); e != hip_abi::kSuccess)
    return e;
  return ToHipError(p.device->Prefetch(const_cast<void*>(ptr), count, location, *on));
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipStreamCreate(hip_abi::hipStream_t* stream) {
  FAKE_HIP_INIT();
  if (stream == nullptr) return hip_abi::kErrorInvalidValue;
  hal::Device* d = CurrentDevice();
  if (d == nullptr) return hip_abi::kErrorInvalidDevice;
  absl::StatusOr<std::unique_ptr<hal::Stream>> created = d->CreateStream();
  if (!created.ok()) return ToHipError(created.status());
  auto handle = std::make_unique<ihipStream_t>();
  handle->ordinal = d->properties().ordinal;
  handle->stream = std::move(*created);
  *stream = Runtime().AddStream(std::move(handle));
  return hip_abi::kSuccess;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipStreamDestroy(hip_abi::hipStream_t stream) {
  FAKE_HIP_INIT();
  return Runtime().RemoveStream(stream) ? hip_abi::kSuccess : hip_abi::kErrorInvalidHandle;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipStreamSynchronize(hip_abi::hipStream_t stream) {
  FAKE_HIP_INIT();
  hal::Stream* on = nullptr;
  if (const hip_abi::hipError_t e = StreamFor(
          stream != nullptr ? Runtime().device(stream->ordinal) : CurrentDevice(), stream, &on);
      e != hip_abi::kSuccess) {
    return e;
  }
  return ToHipError(on->Synchronize());
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipStreamQuery(hip_abi::hipStream_t stream) {
  FAKE_HIP_INIT();
  if (stream != nullptr && !Runtime().IsStream(stream)) return hip_abi::kErrorInvalidHandle;
  hal::Stream* on = nullptr;
  if (const hip_abi::hipError_t e = StreamFor(
          stream != nullptr ? Runtime().device(stream->ordinal) : CurrentDevice(), stream, &on);
      e != hip_abi::kSuccess) {
    return e;
  }
  absl::StatusOr<bool> done = on->Query();
  if (!done.ok()) return ToHipError(done.status());
  return *done ? hip_abi::kSuccess : hip_abi::kErrorNotReady;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipEventCreate(hip_abi::hipEvent_t* event) {
  FAKE_HIP_INIT();
  if (event == nullptr) return hip_abi::kErrorInvalidValue;
  hal::Device* d = CurrentDevice();
  if (d == nullptr) return hip_abi::kErrorInvalidDevice;
  absl::StatusOr<std::unique_ptr<hal::Event>> created = d->CreateEvent();
  if (!created.ok()) return ToHipError(created.status());
  auto handle = std::make_unique<ihipEvent_t>();
  handle->ordinal = d->properties().ordinal;
  handle->event = std::move(*created);
  *event = Runtime().AddEvent(std::move(handle));
  return hip_abi::kSuccess;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipEventRecord(hip_abi::hipEvent_t event,
                                                   hip_abi::hipStream_t stream) {
  FAKE_HIP_INIT();
  if (!Runtime().IsEvent(event)) return hip_abi::kErrorInvalidHandle;
  hal::Stream* on = nullptr;
  // The stream must be of the event's device.
  if (const hip_abi::hipError_t e = StreamFor(Runtime().device(event->ordinal), stream, &on);
      e != hip_abi::kSuccess) {
    return e == hip_abi::kErrorInvalidValue ? hip_abi::kErrorInvalidHandle : e;
  }
  if (const hip_abi::hipError_t e = ToHipError(event->event->Record(*on)); e != hip_abi::kSuccess) {
    return e;
  }
  event->recorded.store(true);
  return hip_abi::kSuccess;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipEventSynchronize(hip_abi::hipEvent_t event) {
  FAKE_HIP_INIT();
  if (!Runtime().IsEvent(event)) return hip_abi::kErrorInvalidHandle;
  // Like HIP (and CUDA): waiting on an event that was never recorded succeeds.
  if (!event->recorded.load()) return hip_abi::kSuccess;
  return ToHipError(event->event->Synchronize());
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipEventElapsedTime(float* ms, hip_abi::hipEvent_t start,
                                                        hip_abi::hipEvent_t stop) {
  FAKE_HIP_INIT();
  if (ms == nullptr) return hip_abi::kErrorInvalidValue;
  if (!Runtime().IsEvent(start) || !Runtime().IsEvent(stop)) return hip_abi::kErrorInvalidHandle;
  if (!start->recorded.load() || !stop->recorded.load() || start->ordinal != stop->ordinal) {
    return hip_abi::kErrorInvalidHandle;
  }
  absl::StatusOr<float> elapsed = stop->event->ElapsedMillisecondsSince(*start->event);
  if (!elapsed.ok()) {
    return elapsed.status().code() == absl::StatusCode::kFailedPrecondition
               ? hip_abi::kErrorNotReady
               : ToHipError(elapsed.status());
  }
  *ms = *elapsed;
  return hip_abi::kSuccess;
}

FAKE_HIP_EXPORT hip_abi::hipError_t hipEventDestroy(hip_abi::hipEvent_t event) {
  FAKE_HIP_INIT();
  return Runtime().RemoveEvent(event) ? hip_abi::kSuccess : hip_abi::kErrorInvalidHandle;
}

// Every export has exactly the type the backend declares for it.
#define FAKE_HIP_CHECK(name)                                                               \
  static_assert(std::is_same_v<decltype(name), hip_abi::Fn_##name>, #name " differs from " \
                                                                          "hip_abi.h")
FAKE_HIP_CHECK(hipInit);
FAKE_HIP_CHECK(hipGetDeviceCount);
FAKE_HIP_CHECK(hipSetDevice);
FAKE_HIP_CHECK(hipGetDevice);
FAKE_HIP_CHECK(hipDeviceGetName);
FAKE_HIP_CHECK(hipDeviceTotalMem);
FAKE_HIP_CHECK(hipDeviceGetAttribute);
FAKE_HIP_CHECK(hipDeviceGetPCIBusId);
FAKE_HIP_CHECK(hipDeviceGetUuid);
FAKE_HIP_CHECK(hipDeviceSynchronize);
FAKE_HIP_CHECK(hipGetErrorName);
FAKE_HIP_CHECK(hipMemGetInfo);
FAKE_HIP_CHECK(hipMalloc);
FAKE_HIP_CHECK(hipFree);
FAKE_HIP_CHECK(hipMallocManaged);
FAKE_HIP_CHECK(hipHostMalloc);
FAKE_HIP_CHECK(hipHostFree);
FAKE_HIP_CHECK(hipMemcpy);
FAKE_HIP_CHECK(hipMemcpyAsync);
FAKE_HIP_CHECK(hipMemset);
FAKE_HIP_CHECK(hipMemsetAsync);
FAKE_HIP_CHECK(hipMemAdvise);
FAKE_HIP_CHECK(hipMemPrefetchAsync);
FAKE_HIP_CHECK(hipStreamCreate);
FAKE_HIP_CHECK(hipStreamDestroy);
FAKE_HIP_CHECK(hipStreamSynchronize);
FAKE_HIP_CHECK(hipStreamQuery);
FAKE_HIP_CHECK(hipEventCreate);
FAKE_HIP_CHECK(hipEventRecord);
FAKE_HIP_CHECK(hipEventSynchronize);
FAKE_HIP_CHECK(hipEventElapsedTime);
FAKE_HIP_CHECK(hipEventDestroy);
