// A CPU fake of Cambricon's libcnrt.so for CI: the CNRT entry points the
// Cambricon backend uses, with exactly the prototypes and values of
// vendor-abi.md (section 3) and cnrt.h 6.x, built on the fake device
// simulator (backends/fake). Loaded by the real backend through dlopen, so
// the backend code that runs on an MLU is the code CI runs.
//
// Behaviour:
// - There is no init call (CNRT 5+): the first call reads SPILLWAY_FAKE_SPEC
//   (backends/fake/include/.../fake_spec.h) and creates the simulated
//   devices. cnrtDeviceReset releases every allocation, queue and notifier of
//   the current device; once no device holds anything, the simulated devices
//   are dropped and the next call reads the spec again (so that one test
//   process can try several specs).
// - The current device is per thread (cnrtSetDevice), device 0 by default.
//   Device memory and queues of another device than the current one are
//   refused with cnrtErrorDevice (632006), as a CNRT context would.
// - No managed memory (CNRT 6): the spec's managed flag is ignored. The
//   device uses host memory at the CPU's address when the spec has
//   host_mapped=1 (cnrtAttrCanUseHostPointer, 0x1000008, answers 1; with
//   host_mapped=0 it answers 0).
// - The traps are enforced: a copy direction that does not match where the
//   pointers live is cnrtErrorArgsInvalid (100006); directions are 0
//   host-to-device, 1 device-to-device, 2 device-to-host, 3 host-to-host,
//   4 peer (100050 here), 5 no direction (any); other values are 632013.
//   cnrtMemcpyAsync takes (dst, src, bytes, queue, dir) and refuses a queue
//   handle it does not know. cnrtMemset fills device memory only.
// - Simulator errors (including SPILLWAY_FAKE_SPEC fail= injections) become
//   CNRT codes: RESOURCE_EXHAUSTED 100100 (device) or 100010 (host memory),
//   INVALID_ARGUMENT 100006, UNIMPLEMENTED 100050, UNAVAILABLE 100004,
//   anything else 999991; cnrtGetErrorStr gives the message of the calling
//   thread's last error.
//
// Thread-safety: every entry point is thread-safe (one lock for the whole
// fake). Only the CNRT symbols are exported (version script).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "spillway/backends/cambricon/cnrt_abi.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/backends/fake/fake_spec.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/device.h"

namespace cn_abi = spillway::cambricon::abi;
namespace hal = spillway::hal;
using cn_abi::cnrtRet_t;

// CNRT's opaque handle types, defined by the fake.
struct CNqueue_st {
  int device = 0;
  std::unique_ptr<hal::Stream> stream;
};

struct CNnotifier_st {
  int device = 0;
  std::unique_ptr<hal::Event> event;
  bool placed = false;
};

namespace {

struct FakeCnrt {
  spillway::fake::FakeSpec spec;
  std::unique_ptr<hal::Backend> backend;
  std::vector<hal::Device*> devices;
  std::vector<std::unique_ptr<hal::Stream>> default_streams;  // the NULL queue of each device
  absl::flat_hash_map<CNqueue_st*, std::unique_ptr<CNqueue_st>> queues;
  absl::flat_hash_map<CNnotifier_st*, std::unique_ptr<CNnotifier_st>> notifiers;
  absl::flat_hash_map<void*, int> allocations;  // base -> device, for cnrtDeviceReset
};

absl::Mutex g_mu(absl::kConstInit);
FakeCnrt* g_cnrt ABSL_GUARDED_BY(g_mu) = nullptr;
thread_local int t_current_device = 0;
thread_local std::string t_last_error;

cnrtRet_t Fail(cnrtRet_t code, std::string message) {
  t_last_error = absl::StrCat("[fake libcnrt] ", message);
  return code;
}

cnrtRet_t FromStatus(const absl::Status& status, absl::string_view call, bool host = false) {
  if (status.ok()) return cn_abi::kSuccess;
  cnrtRet_t code = cn_abi::kErrorUnknown;
  switch (status.code()) {
    case absl::StatusCode::kResourceExhausted:
      code = host ? cn_abi::kErrorSysNoMem : cn_abi::kErrorNoMem;
      break;
    case absl::StatusCode::kInvalidArgument:
      code = cn_abi::kErrorArgsInvalid;
      break;
    case absl::StatusCode::kUnimplemented:
      code = cn_abi::kErrorNotSupport;
      break;
    case absl::StatusCode::kUnavailable:
      code = cn_abi::kErrorNoDevice;
      break;
    default:
      break;
  }
  return Fail(code, absl::StrCat(call, ": ", status.message()));
}

// The simulated devices, created on first use; nullptr with `error` set when
// the spec is unusable.
FakeCnrt* State(cnrtRet_t* error) ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_mu) {
  if (g_cnrt != nullptr) return g_cnrt;
  const char* text = std::getenv(spillway::fake::kFakeSpecEnvVar);
  absl::StatusOr<spillway::fake::FakeSpec> spec =
      spillway::fake::ParseFakeSpec(text == nullptr ? "" : text);
  if (!spec.ok()) {
    *error =
        Fail(cn_abi::kErrorInit, absl::StrCat("SPILLWAY_FAKE_SPEC: ", spec.status().message()));
    return nullptr;
  }
  auto cnrt = std::make_unique<FakeCnrt>();
  cnrt->spec = *spec;
  cnrt->backend = spillway::fake::CreateFakeBackend(*spec);
  if (absl::Status available = cnrt->backend->Availability(); !available.ok()) {
    *error = Fail(cn_abi::kErrorInit, std::string(available.message()));
    return nullptr;
  }
  for (int i = 0; i < cnrt->backend->DeviceCount(); ++i) {
    cnrt->devices.push_back(*cnrt->backend->GetDevice(i));
  }
  cnrt->default_streams.resize(cnrt->devices.size());
  g_cnrt = cnrt.release();
  return g_cnrt;
}

hal::Device* Current(FakeCnrt& cnrt, absl::string_view call, cnrtRet_t* error) {
  const int id = t_current_device;
  if (id < 0 || id >= static_cast<int>(cnrt.devices.size())) {
    *error = Fail(cn_abi::kErrorDeviceInvalid,
                  absl::StrCat(call, ": the current device ", id, " does not exist"));
    return nullptr;
  }
  return cnrt.devices[static_cast<size_t>(id)];
}

// The device holding an allocation that contains `ptr`, or nullptr.
hal::Device* Owner(FakeCnrt& cnrt, const void* ptr) {
  for (hal::Device* d : cnrt.devices) {
    if (d->FindAllocation(ptr).ok()) return d;
  }
  return nullptr;
}

const char* DirectionName(cn_abi::cnrtMemTransDir_t dir) {
  switch (dir) {
    case cn_abi::kMemcpyHostToDev:
      return "cnrtMemcpyHostToDev";
    case cn_abi::kMemcpyDevToDev:
      return "cnrtMemcpyDevToDev";
    case cn_abi::kMemcpyDevToHost:
      return "cnrtMemcpyDevToHost";
    case cn_abi::kMemcpyHostToHost:
      return "cnrtMemcpyHostToHost";
    default:
      return "another direction";
  }
}

// Checks a copy the way vendor-abi.md's trap list says CNRT treats it; returns
// the device to run it on (nullptr with `error` set).
hal::Device* CheckCopy(FakeCnrt& cnrt, void* dst, void* src, cn_abi::cnrtMemTransDir_t dir,
                       absl::string_view call, cnrtRet_t* error) {
  if (dst == nullptr || src == nullptr) {
    *error = Fail(cn_abi::kErrorArgsInvalid, absl::StrCat(call, ": null pointer"));
    return nullptr;
  }
  if (dir == cn_abi::kMemcpyPeerToPeer) {
    *error = Fail(cn_abi::kErrorNotSupport, absl::StrCat(call, ": peer copies are not simulated"));
    return nullptr;
  }
  if (dir < cn_abi::kMemcpyHostToDev || dir > cn_abi::kMemcpyNoDirection) {
    *error = Fail(cn_abi::kErrorMemcpyDirectionInvalid,
                  absl::StrCat(call, ": direction ", dir, " is not a cnrtMemTransDir_t"));
    return nullptr;
  }
  hal::Device* device = Current(cnrt, call, error);
  if (device == nullptr) return nullptr;
  for (const void* end : {static_cast<const void*>(dst), static_cast<const void*>(src)}) {
    hal::Device* owner = Owner(cnrt, end);
    if (owner != nullptr && owner != device) {
      *error =
          Fail(cn_abi::kErrorDevice,
               absl::StrFormat("%s: %p belongs to device %d, not the current device %d", call, end,
                               owner->properties().ordinal, device->properties().ordinal));
      return nullptr;
    }
  }
  if (dir == cn_abi::kMemcpyNoDirection) return device;
  const bool to_device = device->Classify(dst) == hal::Endpoint::kDevice;
  const bool from_device = device->Classify(src) == hal::Endpoint::kDevice;
  cn_abi::cnrtMemTransDir_t expected = cn_abi::kMemcpyHostToHost;
  if (to_device && from_device) {
    expected = cn_abi::kMemcpyDevToDev;
  } else if (from_device) {
    expected = cn_abi::kMemcpyDevToHost;
  } else if (to_device) {
    expected = cn_abi::kMemcpyHostToDev;
  }
  if (dir != expected) {
    *error =
        Fail(cn_abi::kErrorArgsInvalid,
             absl::StrFormat("%s: direction %d (%s) does not match the pointers, which need "
                             "%d (%s)",
                             call, dir, DirectionName(dir), expected, DirectionName(expected)));
    return nullptr;
  }
  return device;
}

// The HAL stream for a queue of `device` (NULL: its default queue).
hal::Stream* StreamFor(FakeCnrt& cnrt, cn_abi::cnrtQueue_t queue, hal::Device* device,
                       absl::string_view call, cnrtRet_t* error) {
  if (queue == nullptr) {
    auto& stream = cnrt.default_streams[static_cast<size_t>(device->properties().ordinal)];
    if (stream == nullptr) {
      absl::StatusOr<std::unique_ptr<hal::Stream>> created = device->CreateStream();
      if (!created.ok()) {
        *error = FromStatus(created.status(), call);
        return nullptr;
      }
      stream = *std::move(created);
    }
    return stream.get();
  }
  auto it = cnrt.queues.find(queue);
  if (it == cnrt.queues.end()) {
    *error = Fail(cn_abi::kErrorInvalidResourceHandle, absl::StrCat(call, ": unknown queue"));
    return nullptr;
  }
  if (cnrt.devices[static_cast<size_t>(queue->device)] != device) {
    *error = Fail(cn_abi::kErrorDevice,
                  absl::StrCat(call, ": the queue belongs to device ", queue->device));
    return nullptr;
  }
  return queue->stream.get();
}

}  // namespace

#define SPILLWAY_CNRT_EXPORT extern "C" __attribute__((visibility("default")))

// Every export has exactly the type the backend declares.
#define SPILLWAY_CNRT_CHECK(name)                                                         \
  static_assert(std::is_same_v<decltype(name), cn_abi::Fn_##name>, #name " differs from " \
                                                                         "cnrt_abi.h")

// The lock, a fresh error message and lazy creation every entry point starts
// with.
#define SPILLWAY_CNRT_ENTER()               \
  absl::MutexLock lock(&g_mu);              \
  t_last_error.clear();                     \
  cnrtRet_t state_error = cn_abi::kSuccess; \
  FakeCnrt* state = State(&state_error);    \
  if (state == nullptr) return state_error; \
  FakeCnrt& cnrt = *state

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtGetDeviceCount(unsigned* count) {
  SPILLWAY_CNRT_ENTER();
  if (count == nullptr) return Fail(cn_abi::kErrorArgsInvalid, "cnrtGetDeviceCount: null argument");
  *count = static_cast<unsigned>(cnrt.devices.size());
  return cn_abi::kSuccess;
}
SPILLWAY_CNRT_CHECK(cnrtGetDeviceCount);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtSetDevice(int device) {
  SPILLWAY_CNRT_ENTER();
  if (device < 0 || device >= static_cast<int>(cnrt.devices.size())) {
    return Fail(cn_abi::kErrorDeviceInvalid, absl::StrCat("cnrtSetDevice: no device ", device));
  }
  t_current_device = device;
  return cn_abi::kSuccess;
}
SPILLWAY_CNRT_CHECK(cnrtSetDevice);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtGetDevice(int* device) {
  SPILLWAY_CNRT_ENTER();
  if (device == nullptr) return Fail(cn_abi::kErrorArgsInvalid, "cnrtGetDevice: null argument");
  (void)cnrt;
  *device = t_current_device;
  return cn_abi::kSuccess;
}
SPILLWAY_CNRT_CHECK(cnrtGetDevice);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtSyncDevice() {
  SPILLWAY_CNRT_ENTER();
  cnrtRet_t error = cn_abi::kSuccess;
  hal::Device* device = Current(cnrt, "cnrtSyncDevice", &error);
  if (device == nullptr) return error;
  return FromStatus(device->Synchronize(), "cnrtSyncDevice");
}
SPILLWAY_CNRT_CHECK(cnrtSyncDevice);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtDeviceReset() {
  SPILLWAY_CNRT_ENTER();
  cnrtRet_t error = cn_abi::kSuccess;
  hal::Device* device = Current(cnrt, "cnrtDeviceReset", &error);
  if (device == nullptr) return error;
  const int id = device->properties().ordinal;
  absl::erase_if(cnrt.queues, [id](const auto& q) { return q.first->device == id; });
  absl::erase_if(cnrt.notifiers, [id](const auto& n) { return n.first->device == id; });
  cnrt.default_streams[static_cast<size_t>(id)].reset();
  for (auto it = cnrt.allocations.begin(); it != cnrt.allocations.end();) {
    if (it->second == id) {
      (void)device->Free(it->first);
      cnrt.allocations.erase(it++);
    } else {
      ++it;
    }
  }
  if (cnrt.queues.empty() && cnrt.notifiers.empty() && cnrt.allocations.empty()) {
    // Nothing is left anywhere: start over from the spec on the next call.
    cnrt.default_streams.clear();
    delete g_cnrt;
    g_cnrt = nullptr;
  }
  return cn_abi::kSuccess;
}
SPILLWAY_CNRT_CHECK(cnrtDeviceReset);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtDeviceGetAttribute(int* value, cn_abi::cnrtDeviceAttr_t attr,
                                                      int device) {
  SPILLWAY_CNRT_ENTER();
  if (value == nullptr) return Fail(cn_abi::kErrorArgsInvalid, "cnrtDeviceGetAttribute: null");
  if (device < 0 || device >= static_cast<int>(cnrt.devices.size())) {
    return Fail(cn_abi::kErrorDeviceInvalid,
                absl::StrCat("cnrtDeviceGetAttribute: no device ", device));
  }
  const hal::DeviceProperties& p = cnrt.devices[static_cast<size_t>(device)]->properties();
  unsigned domain = 0, bus = 0, slot = 0, function = 0;
  if (std::sscanf(p.pci_bus_id.c_str(), "%x:%x:%x.%x", &domain, &bus, &slot, &function) != 4) {
    return Fail(cn_abi::kErrorUnknown, "cnrtDeviceGetAttribute: no PCI address");
  }
  switch (attr) {
    case cn_abi::kAttrTotalMemSize:
      *value = static_cast<int>(p.total_memory >> 20);
      break;
    case cn_abi::kAttrPciBusId:
      *value = static_cast<int>(bus);
      break;
    case cn_abi::kAttrPciDeviceId:
      *value = static_cast<int>(slot);
      break;
    case cn_abi::kAttrPciDomainId:
      *value = static_cast<int>(domain);
      break;
    case cn_abi::kAttrCanUseHostPointer:
      *value = cnrt.spec.host_mapped ? 1 : 0;
      break;
    default:
      return Fail(cn_abi::kErrorNoAttribute,
                  absl::StrFormat("cnrtDeviceGetAttribute: attribute %#x is not simulated", attr));
  }
  return cn_abi::kSuccess;
}
SPILLWAY_CNRT_CHECK(cnrtDeviceGetAttribute);

namespace {

constexpr char kDeviceName[] = "MLU370-X8 (spillway fake)";

}  // namespace

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtGetDeviceProperties(cn_abi::cnrtDeviceProp_t* prop, int device) {
  SPILLWAY_CNRT_ENTER();
  if (prop == nullptr || device < 0 || device >= static_cast<int>(cnrt.devices.size())) {
    return Fail(cn_abi::kErrorArgsInvalid, "cnrtGetDeviceProperties: bad device or null");
  }
  std::memset(prop, 0, sizeof(*prop));
  std::snprintf(prop->name, sizeof(prop->name), "%s", kDeviceName);
  return cn_abi::kSuccess;
}
SPILLWAY_CNRT_CHECK(cnrtGetDeviceProperties);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtGetDeviceProperties_V3(cn_abi::cnrtDeviceProp_V3* prop,
                                                          int device) {
  SPILLWAY_CNRT_ENTER();
  if (prop == nullptr || device < 0 || device >= static_cast<int>(cnrt.devices.size())) {
    return Fail(cn_abi::kErrorArgsInvalid, "cnrtGetDeviceProperties_V3: bad device or null");
  }
  const hal::DeviceProperties& p = cnrt.devices[static_cast<size_t>(device)]->properties();
  std::memset(prop, 0, sizeof(*prop));
  std::snprintf(prop->name, sizeof(prop->name), "%s", kDeviceName);
  prop->totalMem = static_cast<int>(p.total_memory >> 20);
  prop->availableGlobalMemorySize = prop->totalMem;
  prop->totalGlobalMemSize = p.total_memory;
  std::memcpy(prop->uuid, p.uuid.data(), sizeof(prop->uuid));
  return cn_abi::kSuccess;
}
SPILLWAY_CNRT_CHECK(cnrtGetDeviceProperties_V3);

SPILLWAY_CNRT_EXPORT const char* cnrtGetErrorStr(cnrtRet_t error) {
  // The calling thread's last message when it was for this code; CNRT's
  // generic text otherwise.
  thread_local std::string text;
  if (!t_last_error.empty()) {
    text = t_last_error;
    t_last_error.clear();
    return text.c_str();
  }
  return error == cn_abi::kSuccess ? "success" : "CNRT error (spillway fake)";
}
SPILLWAY_CNRT_CHECK(cnrtGetErrorStr);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtMemGetInfo(size_t* free, size_t* total) {
  SPILLWAY_CNRT_ENTER();
  if (free == nullptr || total == nullptr) {
    return Fail(cn_abi::kErrorArgsInvalid, "cnrtMemGetInfo: null argument");
  }
  cnrtRet_t error = cn_abi::kSuccess;
  hal::Device* device = Current(cnrt, "cnrtMemGetInfo", &error);
  if (device == nullptr) return error;
  absl::StatusOr<hal::MemoryInfo> info = device->GetMemoryInfo();
  if (!info.ok()) return FromStatus(info.status(), "cnrtMemGetInfo");
  *free = info->free;
  *total = info->total;
  return cn_abi::kSuccess;
}
SPILLWAY_CNRT_CHECK(cnrtMemGetInfo);

namespace {

cnrtRet_t Allocate(FakeCnrt& cnrt, void** ptr, size_t bytes, hal::MemoryKind kind,
                   absl::string_view call) {
  if (ptr == nullptr || bytes == 0) {
    return Fail(cn_abi::kErrorArgsInvalid, absl::StrCat(call, ": null pointer or zero size"));
  }
  cnrtRet_t error = cn_abi::kSuccess;
  hal::Device* device = Current(cnrt, call, &error);
  if (device == nullptr) return error;
  absl::StatusOr<void*> p = device->Allocate(kind, bytes);
  if (!p.ok()) return FromStatus(p.status(), call, kind == hal::MemoryKind::kHost);
  cnrt.allocations[*p] = device->properties().ordinal;
  *ptr = *p;
  return cn_abi::kSuccess;
}

cnrtRet_t Release(FakeCnrt& cnrt, void* ptr, hal::MemoryKind kind, absl::string_view call) {
  auto it = cnrt.allocations.find(ptr);
  hal::Device* device =
      it == cnrt.allocations.end() ? nullptr : cnrt.devices[static_cast<size_t>(it->second)];
  if (device == nullptr || device->FindAllocation(ptr)->kind != kind) {
    return Fail(cn_abi::kErrorArgsInvalid,
                absl::StrFormat("%s: %p is not %s memory from this library", call, ptr,
                                kind == hal::MemoryKind::kHost ? "host" : "device"));
  }
  cnrt.allocations.erase(it);
  return FromStatus(device->Free(ptr), call);
}

}  // namespace

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtMalloc(void** ptr, size_t bytes) {
  SPILLWAY_CNRT_ENTER();
  return Allocate(cnrt, ptr, bytes, hal::MemoryKind::kDevice, "cnrtMalloc");
}
SPILLWAY_CNRT_CHECK(cnrtMalloc);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtFree(void* ptr) {
  SPILLWAY_CNRT_ENTER();
  return Release(cnrt, ptr, hal::MemoryKind::kDevice, "cnrtFree");
}
SPILLWAY_CNRT_CHECK(cnrtFree);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtHostMalloc(void** ptr, size_t bytes) {
  SPILLWAY_CNRT_ENTER();
  return Allocate(cnrt, ptr, bytes, hal::MemoryKind::kHost, "cnrtHostMalloc");
}
SPILLWAY_CNRT_CHECK(cnrtHostMalloc);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtFreeHost(void* ptr) {
  SPILLWAY_CNRT_ENTER();
  return Release(cnrt, ptr, hal::MemoryKind::kHost, "cnrtFreeHost");
}
SPILLWAY_CNRT_CHECK(cnrtFreeHost);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtMemcpy(void* dst, void* src, size_t bytes,
                                          cn_abi::cnrtMemTransDir_t dir) {
  SPILLWAY_CNRT_ENTER();
  cnrtRet_t error = cn_abi::kSuccess;
  hal::Device* device = CheckCopy(cnrt, dst, src, dir, "cnrtMemcpy", &error);
  if (device == nullptr) return error;
  return FromStatus(device->Copy(dst, src, bytes), "cnrtMemcpy");
}
SPILLWAY_CNRT_CHECK(cnrtMemcpy);

namespace {

cnrtRet_t MemcpyAsync(void* dst, void* src, size_t bytes, cn_abi::cnrtQueue_t queue,
                      cn_abi::cnrtMemTransDir_t dir, absl::string_view call)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_mu) {
  t_last_error.clear();
  cnrtRet_t error = cn_abi::kSuccess;
  FakeCnrt* state = State(&error);
  if (state == nullptr) return error;
  hal::Device* device = CheckCopy(*state, dst, src, dir, call, &error);
  if (device == nullptr) return error;
  hal::Stream* stream = StreamFor(*state, queue, device, call, &error);
  if (stream == nullptr) return error;
  return FromStatus(device->CopyAsync(dst, src, bytes, *stream), call);
}

}  // namespace

// The queue comes before the direction.
SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtMemcpyAsync(void* dst, void* src, size_t bytes,
                                               cn_abi::cnrtQueue_t queue,
                                               cn_abi::cnrtMemTransDir_t dir) {
  absl::MutexLock lock(&g_mu);
  return MemcpyAsync(dst, src, bytes, queue, dir, "cnrtMemcpyAsync");
}
SPILLWAY_CNRT_CHECK(cnrtMemcpyAsync);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtMemcpyAsync_V2(void* dst, void* src, size_t bytes,
                                                  cn_abi::cnrtQueue_t queue,
                                                  cn_abi::cnrtMemTransDir_t dir) {
  absl::MutexLock lock(&g_mu);
  return MemcpyAsync(dst, src, bytes, queue, dir, "cnrtMemcpyAsync_V2");
}
SPILLWAY_CNRT_CHECK(cnrtMemcpyAsync_V2);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtMemcpyAsync_V3(void* dst, void* src, size_t bytes,
                                                  cn_abi::cnrtQueue_t queue,
                                                  cn_abi::cnrtMemTransDir_t dir) {
  absl::MutexLock lock(&g_mu);
  return MemcpyAsync(dst, src, bytes, queue, dir, "cnrtMemcpyAsync_V3");
}
SPILLWAY_CNRT_CHECK(cnrtMemcpyAsync_V3);

namespace {

// cnrtMemset fills device memory of the current device only.
hal::Device* CheckMemset(FakeCnrt& cnrt, void* ptr, absl::string_view call, cnrtRet_t* error) {
  hal::Device* device = Current(cnrt, call, error);
  if (device == nullptr) return nullptr;
  if (ptr == nullptr || device->Classify(ptr) != hal::Endpoint::kDevice) {
    *error = Fail(cn_abi::kErrorArgsInvalid,
                  absl::StrFormat("%s: %p is not device memory of the current device", call, ptr));
    return nullptr;
  }
  return device;
}

}  // namespace

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtMemset(void* ptr, int value, size_t bytes) {
  SPILLWAY_CNRT_ENTER();
  cnrtRet_t error = cn_abi::kSuccess;
  hal::Device* device = CheckMemset(cnrt, ptr, "cnrtMemset", &error);
  if (device == nullptr) return error;
  return FromStatus(device->Fill(ptr, static_cast<uint8_t>(value), bytes), "cnrtMemset");
}
SPILLWAY_CNRT_CHECK(cnrtMemset);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtMemsetAsync(void* ptr, int value, size_t bytes,
                                               cn_abi::cnrtQueue_t queue) {
  SPILLWAY_CNRT_ENTER();
  cnrtRet_t error = cn_abi::kSuccess;
  hal::Device* device = CheckMemset(cnrt, ptr, "cnrtMemsetAsync", &error);
  if (device == nullptr) return error;
  hal::Stream* stream = StreamFor(cnrt, queue, device, "cnrtMemsetAsync", &error);
  if (stream == nullptr) return error;
  return FromStatus(device->FillAsync(ptr, static_cast<uint8_t>(value), bytes, *stream),
                    "cnrtMemsetAsync");
}
SPILLWAY_CNRT_CHECK(cnrtMemsetAsync);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtQueueCreate(cn_abi::cnrtQueue_t* queue) {
  SPILLWAY_CNRT_ENTER();
  if (queue == nullptr) return Fail(cn_abi::kErrorArgsInvalid, "cnrtQueueCreate: null argument");
  cnrtRet_t error = cn_abi::kSuccess;
  hal::Device* device = Current(cnrt, "cnrtQueueCreate", &error);
  if (device == nullptr) return error;
  absl::StatusOr<std::unique_ptr<hal::Stream>> created = device->CreateStream();
  if (!created.ok()) return FromStatus(created.status(), "cnrtQueueCreate");
  auto own = std::make_unique<CNqueue_st>();
  own->device = device->properties().ordinal;
  own->stream = *std::move(created);
  *queue = own.get();
  cnrt.queues[own.get()] = std::move(own);
  return cn_abi::kSuccess;
}
SPILLWAY_CNRT_CHECK(cnrtQueueCreate);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtQueueDestroy(cn_abi::cnrtQueue_t queue) {
  SPILLWAY_CNRT_ENTER();
  if (cnrt.queues.erase(queue) == 0) {
    return Fail(cn_abi::kErrorInvalidResourceHandle, "cnrtQueueDestroy: unknown queue");
  }
  return cn_abi::kSuccess;
}
SPILLWAY_CNRT_CHECK(cnrtQueueDestroy);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtQueueSync(cn_abi::cnrtQueue_t queue) {
  SPILLWAY_CNRT_ENTER();
  cnrtRet_t error = cn_abi::kSuccess;
  hal::Device* device = Current(cnrt, "cnrtQueueSync", &error);
  if (device == nullptr) return error;
  hal::Stream* stream = StreamFor(cnrt, queue, device, "cnrtQueueSync", &error);
  if (stream == nullptr) return error;
  return FromStatus(stream->Synchronize(), "cnrtQueueSync");
}
SPILLWAY_CNRT_CHECK(cnrtQueueSync);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtQueueQuery(cn_abi::cnrtQueue_t queue) {
  SPILLWAY_CNRT_ENTER();
  cnrtRet_t error = cn_abi::kSuccess;
  hal::Device* device = Current(cnrt, "cnrtQueueQuery", &error);
  if (device == nullptr) return error;
  hal::Stream* stream = StreamFor(cnrt, queue, device, "cnrtQueueQuery", &error);
  if (stream == nullptr) return error;
  absl::StatusOr<bool> done = stream->Query();
  if (!done.ok()) return FromStatus(done.status(), "cnrtQueueQuery");
  return *done ? cn_abi::kSuccess : cn_abi::kErrorNotReady;
}
SPILLWAY_CNRT_CHECK(cnrtQueueQuery);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtNotifierCreate(cn_abi::cnrtNotifier_t* notifier) {
  SPILLWAY_CNRT_ENTER();
  if (notifier == nullptr) {
    return Fail(cn_abi::kErrorArgsInvalid, "cnrtNotifierCreate: null argument");
  }
  cnrtRet_t error = cn_abi::kSuccess;
  hal::Device* device = Current(cnrt, "cnrtNotifierCreate", &error);
  if (device == nullptr) return error;
  absl::StatusOr<std::unique_ptr<hal::Event>> created = device->CreateEvent();
  if (!created.ok()) return FromStatus(created.status(), "cnrtNotifierCreate");
  auto own = std::make_unique<CNnotifier_st>();
  own->device = device->properties().ordinal;
  own->event = *std::move(created);
  *notifier = own.get();
  cnrt.notifiers[own.get()] = std::move(own);
  return cn_abi::kSuccess;
}
SPILLWAY_CNRT_CHECK(cnrtNotifierCreate);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtNotifierDestroy(cn_abi::cnrtNotifier_t notifier) {
  SPILLWAY_CNRT_ENTER();
  if (cnrt.notifiers.erase(notifier) == 0) {
    return Fail(cn_abi::kErrorInvalidResourceHandle, "cnrtNotifierDestroy: unknown notifier");
  }
  return cn_abi::kSuccess;
}
SPILLWAY_CNRT_CHECK(cnrtNotifierDestroy);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtPlaceNotifier(cn_abi::cnrtNotifier_t notifier,
                                                 cn_abi::cnrtQueue_t queue) {
  SPILLWAY_CNRT_ENTER();
  if (!cnrt.notifiers.contains(notifier)) {
    return Fail(cn_abi::kErrorInvalidResourceHandle, "cnrtPlaceNotifier: unknown notifier");
  }
  cnrtRet_t error = cn_abi::kSuccess;
  hal::Stream* stream = StreamFor(cnrt, queue, cnrt.devices[static_cast<size_t>(notifier->device)],
                                  "cnrtPlaceNotifier", &error);
  if (stream == nullptr) return error;
  if (cnrtRet_t e = FromStatus(notifier->event->Record(*stream), "cnrtPlaceNotifier");
      e != cn_abi::kSuccess) {
    return e;
  }
  notifier->placed = true;
  return cn_abi::kSuccess;
}
SPILLWAY_CNRT_CHECK(cnrtPlaceNotifier);

SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtWaitNotifier(cn_abi::cnrtNotifier_t notifier) {
  SPILLWAY_CNRT_ENTER();
  if (!cnrt.notifiers.contains(notifier)) {
    return Fail(cn_abi::kErrorInvalidResourceHandle, "cnrtWaitNotifier: unknown notifier");
  }
  // A notifier never placed has nothing to wait for (cnrt.h 6.0.2).
  if (!notifier->placed) return cn_abi::kSuccess;
  return FromStatus(notifier->event->Synchronize(), "cnrtWaitNotifier");
}
SPILLWAY_CNRT_CHECK(cnrtWaitNotifier);

// The milliseconds come last.
SPILLWAY_CNRT_EXPORT cnrtRet_t cnrtNotifierElapsedTime(cn_abi::cnrtNotifier_t start,
                                                       cn_abi::cnrtNotifier_t end, float* ms) {
  SPILLWAY_CNRT_ENTER();
  if (ms == nullptr || !cnrt.notifiers.contains(start) || !cnrt.notifiers.contains(end)) {
    return Fail(cn_abi::kErrorInvalidResourceHandle,
                "cnrtNotifierElapsedTime: unknown notifier or null argument");
  }
  if (!start->placed || !end->placed) {
    return Fail(cn_abi::kErrorArgsInvalid, "cnrtNotifierElapsedTime: a notifier was never placed");
  }
  absl::StatusOr<float> elapsed = end->event->ElapsedMillisecondsSince(*start->event);
  if (!elapsed.ok()) return FromStatus(elapsed.status(), "cnrtNotifierElapsedTime");
  *ms = *elapsed;
  return cn_abi::kSuccess;
}
SPILLWAY_CNRT_CHECK(cnrtNotifierElapsedTime);
