// A CPU fake of Huawei's libascendcl.so for CI: the ACL entry points the
// Ascend backend uses, with exactly the prototypes and values of
// vendor-abi.md (section 2) and acl_rt.h, built on the fake device simulator
// (backends/fake). Loaded by the real backend through dlopen, so the backend
// code that runs on an NPU is the code CI runs.
//
// Behaviour:
// - aclInit reads SPILLWAY_FAKE_SPEC (backends/fake/include/.../fake_spec.h)
//   and creates the simulated devices; aclFinalize destroys them (and every
//   allocation, stream and event), so the next aclInit reads the spec again.
//   Calls before aclInit return ACL_ERROR_UNINITIALIZE (100001).
// - The current device is per thread (aclrtSetDevice); calls that need one
//   without it return ACL_ERROR_RT_CONTEXT_NULL (107002).
// - Managed (UVM) memory: the entry points are always exported; with
//   managed=0 in the spec they return ACL_ERROR_RT_FEATURE_NOT_SUPPORT
//   (207000), as CANN 9 does on a device without UVM. Managed allocations are
//   whole 2 MiB blocks, and advise/prefetch want 2 MiB-aligned ranges.
// - Host memory at the CPU's address: aclrtHostRegister maps memory from
//   aclrtMallocHostWithCfg with the VA flag at its own address; other pinned
//   memory gets a distinct (unusable) device address, as on real cards. With
//   host_mapped=0 in the spec, aclrtHostRegister returns 207000.
// - The traps are enforced: destMax/maxCount smaller than count, a copy kind
//   that does not match where the pointers live (managed memory only with
//   ACL_MEMCPY_DEFAULT), aclrtMemset of memory not from aclrtMallocHost or a
//   device allocation, advice values outside 0..5 are ACL_ERROR_INVALID_PARAM
//   (100000); asynchronous host-to-host copies are 207000 (Atlas A2/A3).
// - Simulator errors (including SPILLWAY_FAKE_SPEC fail= injections) become
//   ACL codes: RESOURCE_EXHAUSTED 207001, INVALID_ARGUMENT 100000,
//   UNIMPLEMENTED 207000, UNAVAILABLE 207004, anything else 507899; the
//   message is kept for aclGetRecentErrMsg.
//
// Thread-safety: every entry point is thread-safe (one lock for the whole
// fake). Only the ACL symbols are exported (version script).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "spillway/backends/ascend/acl_abi.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/backends/fake/fake_spec.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/device.h"

namespace {

namespace acl_abi = spillway::ascend::abi;
namespace hal = spillway::hal;
using acl_abi::aclError;

constexpr uintptr_t kBlock = acl_abi::kManagedGranularity;
// Where a non-VA pinned allocation "appears" to the device: an address the
// CPU cannot use, so a backend that took it for the host pointer would fail.
constexpr uintptr_t kForeignMappingBit = uintptr_t{1} << 62;

struct FakeStream {
  int device = 0;
  std::unique_ptr<hal::Stream> stream;
};

struct FakeEvent {
  int device = 0;
  std::unique_ptr<hal::Event> event;
  bool recorded = false;
};

struct FakeAcl {
  spillway::fake::FakeSpec spec;
  std::unique_ptr<hal::Backend> backend;
  std::vector<hal::Device*> devices;
  std::vector<int> set_counts;  // aclrtSetDevice minus aclrtResetDevice, per device
  // The null stream of each device, created on first use.
  std::vector<std::unique_ptr<hal::Stream>> default_streams;
  absl::flat_hash_map<FakeStream*, std::unique_ptr<FakeStream>> streams;
  absl::flat_hash_map<FakeEvent*, std::unique_ptr<FakeEvent>> events;
  absl::flat_hash_set<const void*> va_flag_host;  // from aclrtMallocHostWithCfg + VA flag
  absl::flat_hash_set<const void*> registered_host;
};

absl::Mutex g_mu(absl::kConstInit);
FakeAcl* g_acl ABSL_GUARDED_BY(g_mu) = nullptr;
thread_local int t_current_device = -1;
thread_local std::string t_recent_error;
thread_local std::string t_reported_error;

aclError Fail(aclError code, std::string message) {
  t_recent_error = absl::StrCat("[fake libascendcl] ", message);
  return code;
}

aclError FromStatus(const absl::Status& status, absl::string_view call) {
  if (status.ok()) return acl_abi::kSuccess;
  aclError code = acl_abi::kErrorRtInternalError;
  switch (status.code()) {
    case absl::StatusCode::kResourceExhausted:
      code = acl_abi::kErrorRtMemoryAllocation;
      break;
    case absl::StatusCode::kInvalidArgument:
      code = acl_abi::kErrorInvalidParam;
      break;
    case absl::StatusCode::kUnimplemented:
      code = acl_abi::kErrorRtFeatureNotSupport;
      break;
    case absl::StatusCode::kUnavailable:
      code = acl_abi::kErrorRtNoDevice;
      break;
    default:
      break;
  }
  return Fail(code, absl::StrCat(call, ": ", status.message()));
}

aclError Uninitialized(absl::string_view call) {
  return Fail(acl_abi::kErrorUninitialize, absl::StrCat(call, ": aclInit has not been called"));
}

// The calling thread's current device, or an error code in `error`.
hal::Device* Current(FakeAcl& acl, absl::string_view call, aclError* error) {
  const int id = t_current_device;
  if (id < 0 || id >= static_cast<int>(acl.devices.size()) || acl.set_counts[id] <= 0) {
    *error = Fail(acl_abi::kErrorRtContextNull,
                  absl::StrCat(call, ": no current device on this thread (aclrtSetDevice)"));
    return nullptr;
  }
  return acl.devices[static_cast<size_t>(id)];
}

// The device owning an allocation that contains `ptr`, or nullptr (host memory).
hal::Device* Owner(FakeAcl& acl, const void* ptr) {
  for (hal::Device* d : acl.devices) {
    if (d->FindAllocation(ptr).ok()) return d;
  }
  return nullptr;
}

// The allocation whose base is exactly `ptr`, with its device.
hal::Device* OwnerOfBase(FakeAcl& acl, const void* ptr, hal::MemoryKind* kind) {
  for (hal::Device* d : acl.devices) {
    absl::StatusOr<hal::Allocation> a = d->FindAllocation(ptr);
    if (a.ok() && a->base == ptr) {
      *kind = a->kind;
      return d;
    }
  }
  return nullptr;
}

const char* KindName(acl_abi::aclrtMemcpyKind kind) {
  switch (kind) {
    case acl_abi::kMemcpyHostToHost:
      return "ACL_MEMCPY_HOST_TO_HOST";
    case acl_abi::kMemcpyHostToDevice:
      return "ACL_MEMCPY_HOST_TO_DEVICE";
    case acl_abi::kMemcpyDeviceToHost:
      return "ACL_MEMCPY_DEVICE_TO_HOST";
    case acl_abi::kMemcpyDeviceToDevice:
      return "ACL_MEMCPY_DEVICE_TO_DEVICE";
    case acl_abi::kMemcpyDefault:
      return "ACL_MEMCPY_DEFAULT";
    default:
      return "an unknown aclrtMemcpyKind";
  }
}

// Checks a copy's arguments the way the trap list says the real runtime
// treats them; returns the device to run it on (nullptr with `error` set).
hal::Device* CheckCopy(FakeAcl& acl, void* dst, size_t dest_max, const void* src, size_t count,
                       acl_abi::aclrtMemcpyKind kind, absl::string_view call, aclError* error) {
  if (dst == nullptr || src == nullptr) {
    *error = Fail(acl_abi::kErrorInvalidParam, absl::StrCat(call, ": null pointer"));
    return nullptr;
  }
  if (count > dest_max) {
    *error = Fail(acl_abi::kErrorInvalidParam,
                  absl::StrCat(call, ": count ", count, " is larger than destMax ", dest_max));
    return nullptr;
  }
  hal::Device* dst_owner = Owner(acl, dst);
  hal::Device* src_owner = Owner(acl, src);
  if (dst_owner != nullptr && src_owner != nullptr && dst_owner != src_owner) {
    *error = Fail(acl_abi::kErrorRtFeatureNotSupport,
                  absl::StrCat(call, ": copies between two devices are not simulated"));
    return nullptr;
  }
  hal::Device* device = dst_owner != nullptr ? dst_owner : src_owner;
  if (device == nullptr) device = Current(acl, call, error);
  if (device == nullptr) return nullptr;
  const hal::Endpoint d = device->Classify(dst);
  const hal::Endpoint s = device->Classify(src);
  const bool managed = d == hal::Endpoint::kManaged || s == hal::Endpoint::kManaged;
  const bool to_device = d == hal::Endpoint::kDevice;
  const bool from_device = s == hal::Endpoint::kDevice;
  acl_abi::aclrtMemcpyKind expected = acl_abi::kMemcpyHostToHost;
  if (to_device && from_device) {
    expected = acl_abi::kMemcpyDeviceToDevice;
  } else if (from_device) {
    expected = acl_abi::kMemcpyDeviceToHost;
  } else if (to_device) {
    expected = acl_abi::kMemcpyHostToDevice;
  }
  if (kind == acl_abi::kMemcpyDefault) return device;
  if (kind < acl_abi::kMemcpyHostToHost || kind > acl_abi::kMemcpyDefault) {
    *error =
        Fail(acl_abi::kErrorInvalidParam, absl::StrCat(call, ": kind ", kind, " is not valid"));
    return nullptr;
  }
  if (managed || kind != expected) {
    *error = Fail(
        acl_abi::kErrorInvalidParam,
        absl::StrFormat("%s: kind %d (%s) does not match the pointers, which need %s", call, kind,
                        KindName(kind), KindName(managed ? acl_abi::kMemcpyDefault : expected)));
    return nullptr;
  }
  return device;
}

FakeStream* FindStream(FakeAcl& acl, acl_abi::aclrtStream stream) {
  auto it = acl.streams.find(static_cast<FakeStream*>(stream));
  return it == acl.streams.end() ? nullptr : it->second.get();
}

FakeEvent* FindEvent(FakeAcl& acl, acl_abi::aclrtEvent event) {
  auto it = acl.events.find(static_cast<FakeEvent*>(event));
  return it == acl.events.end() ? nullptr : it->second.get();
}

// The HAL stream for an aclrtStream of `device` (null: that device's default
// stream), or nullptr with `error` set.
hal::Stream* StreamFor(FakeAcl& acl, acl_abi::aclrtStream stream, hal::Device* device,
                       absl::string_view call, aclError* error) {
  if (stream == nullptr) {
    const size_t id = static_cast<size_t>(device->properties().ordinal);
    if (acl.default_streams[id] == nullptr) {
      absl::StatusOr<std::unique_ptr<hal::Stream>> created = device->CreateStream();
      if (!created.ok()) {
        *error = FromStatus(created.status(), call);
        return nullptr;
      }
      acl.default_streams[id] = *std::move(created);
    }
    return acl.default_streams[id].get();
  }
  FakeStream* own = FindStream(acl, stream);
  if (own == nullptr) {
    *error = Fail(acl_abi::kErrorInvalidParam, absl::StrCat(call, ": unknown stream"));
    return nullptr;
  }
  if (acl.devices[static_cast<size_t>(own->device)] != device) {
    *error = Fail(acl_abi::kErrorRtParamInvalid,
                  absl::StrCat(call, ": the stream belongs to device ", own->device));
    return nullptr;
  }
  return own->stream.get();
}

// A managed range for advise/prefetch: 2 MiB-aligned (CANN API docs).
aclError CheckManagedRange(FakeAcl& acl, const void* ptr, uint64_t size, absl::string_view call,
                           hal::Device** device) {
  if (!acl.spec.managed) {
    return Fail(acl_abi::kErrorRtFeatureNotSupport,
                absl::StrCat(call, ": this device has no UVM (fake spec managed=0)"));
  }
  if (ptr == nullptr || size == 0 || reinterpret_cast<uintptr_t>(ptr) % kBlock != 0 ||
      size % kBlock != 0) {
    return Fail(
        acl_abi::kErrorInvalidParam,
        absl::StrFormat("%s: range %p+%u must be non-empty and 2 MiB aligned", call, ptr, size));
  }
  *device = Owner(acl, ptr);
  if (*device == nullptr) {
    return Fail(acl_abi::kErrorInvalidParam,
                absl::StrFormat("%s: %p is not managed memory", call, ptr));
  }
  return acl_abi::kSuccess;
}

aclError ToLocation(const acl_abi::aclrtMemManagedLocation& in, absl::string_view call,
                    hal::Location* out) {
  switch (in.type) {
    case acl_abi::kLocationTypeDevice:
      *out = hal::Location::Device(in.id);
      return acl_abi::kSuccess;
    case acl_abi::kLocationTypeHost:
      *out = hal::Location::Host();
      return acl_abi::kSuccess;
    case acl_abi::kLocationTypeHostNuma:
      *out = hal::Location::HostNuma(in.id);
      return acl_abi::kSuccess;
    default:
      return Fail(acl_abi::kErrorInvalidParam,
                  absl::StrCat(call, ": location type ", in.type, " is not valid"));
  }
}

}  // namespace

#define SPILLWAY_ACL_EXPORT extern "C" __attribute__((visibility("default")))

// Every export has exactly the type the backend declares.
#define SPILLWAY_ACL_CHECK(name)                                                           \
  static_assert(std::is_same_v<decltype(name), acl_abi::Fn_##name>, #name " differs from " \
                                                                          "acl_abi.h")

// The lock, a fresh error message and the initialization check every entry
// point starts with.
#define SPILLWAY_ACL_ENTER(call)                    \
  absl::MutexLock lock(&g_mu);                      \
  t_recent_error.clear();                           \
  if (g_acl == nullptr) return Uninitialized(call); \
  FakeAcl& acl = *g_acl

SPILLWAY_ACL_EXPORT aclError aclInit(const char* config_path) {
  (void)config_path;  // the fake has no configuration file
  absl::MutexLock lock(&g_mu);
  if (g_acl != nullptr) {
    return Fail(acl_abi::kErrorRepeatInitialize, "aclInit: already initialized");
  }
  const char* text = std::getenv(spillway::fake::kFakeSpecEnvVar);
  absl::StatusOr<spillway::fake::FakeSpec> spec =
      spillway::fake::ParseFakeSpec(text == nullptr ? "" : text);
  if (!spec.ok()) return FromStatus(spec.status(), "aclInit: SPILLWAY_FAKE_SPEC");
  auto acl = std::make_unique<FakeAcl>();
  acl->spec = *spec;
  acl->backend = spillway::fake::CreateFakeBackend(*spec);
  if (absl::Status available = acl->backend->Availability(); !available.ok()) {
    return FromStatus(available, "aclInit");
  }
  for (int i = 0; i < acl->backend->DeviceCount(); ++i) {
    acl->devices.push_back(*acl->backend->GetDevice(i));
  }
  acl->set_counts.assign(acl->devices.size(), 0);
  acl->default_streams.resize(acl->devices.size());
  g_acl = acl.release();
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclInit);

SPILLWAY_ACL_EXPORT aclError aclFinalize() {
  absl::MutexLock lock(&g_mu);
  if (g_acl == nullptr) return Uninitialized("aclFinalize");
  // Streams and events before the devices they belong to.
  g_acl->streams.clear();
  g_acl->events.clear();
  g_acl->default_streams.clear();
  delete g_acl;
  g_acl = nullptr;
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclFinalize);

SPILLWAY_ACL_EXPORT aclError aclrtSetDevice(int32_t device_id) {
  SPILLWAY_ACL_ENTER("aclrtSetDevice");
  if (device_id < 0 || device_id >= static_cast<int32_t>(acl.devices.size())) {
    return Fail(acl_abi::kErrorRtInvalidDeviceId,
                absl::StrCat("aclrtSetDevice: no device ", device_id));
  }
  ++acl.set_counts[static_cast<size_t>(device_id)];
  t_current_device = device_id;
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtSetDevice);

SPILLWAY_ACL_EXPORT aclError aclrtResetDevice(int32_t device_id) {
  SPILLWAY_ACL_ENTER("aclrtResetDevice");
  if (device_id < 0 || device_id >= static_cast<int32_t>(acl.devices.size())) {
    return Fail(acl_abi::kErrorRtInvalidDeviceId,
                absl::StrCat("aclrtResetDevice: no device ", device_id));
  }
  int& count = acl.set_counts[static_cast<size_t>(device_id)];
  if (count > 0) --count;
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtResetDevice);

SPILLWAY_ACL_EXPORT aclError aclrtGetDevice(int32_t* device_id) {
  SPILLWAY_ACL_ENTER("aclrtGetDevice");
  if (device_id == nullptr)
    return Fail(acl_abi::kErrorInvalidParam, "aclrtGetDevice: null argument");
  aclError error = acl_abi::kSuccess;
  hal::Device* device = Current(acl, "aclrtGetDevice", &error);
  if (device == nullptr) return error;
  *device_id = device->properties().ordinal;
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtGetDevice);

SPILLWAY_ACL_EXPORT aclError aclrtGetDeviceCount(uint32_t* count) {
  SPILLWAY_ACL_ENTER("aclrtGetDeviceCount");
  if (count == nullptr)
    return Fail(acl_abi::kErrorInvalidParam, "aclrtGetDeviceCount: null argument");
  *count = static_cast<uint32_t>(acl.devices.size());
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtGetDeviceCount);

SPILLWAY_ACL_EXPORT aclError aclrtSynchronizeDevice() {
  SPILLWAY_ACL_ENTER("aclrtSynchronizeDevice");
  aclError error = acl_abi::kSuccess;
  hal::Device* device = Current(acl, "aclrtSynchronizeDevice", &error);
  if (device == nullptr) return error;
  return FromStatus(device->Synchronize(), "aclrtSynchronizeDevice");
}
SPILLWAY_ACL_CHECK(aclrtSynchronizeDevice);

SPILLWAY_ACL_EXPORT const char* aclrtGetSocName() { return "Ascend910B-spillway-fake"; }
SPILLWAY_ACL_CHECK(aclrtGetSocName);

SPILLWAY_ACL_EXPORT const char* aclGetRecentErrMsg() {
  // Reading the message clears it, as ACL does; the text stays valid until
  // the thread's next call.
  t_reported_error = std::move(t_recent_error);
  t_recent_error.clear();
  return t_reported_error.empty() ? nullptr : t_reported_error.c_str();
}
SPILLWAY_ACL_CHECK(aclGetRecentErrMsg);

SPILLWAY_ACL_EXPORT aclError aclrtDeviceGetUuid(int32_t device_id, acl_abi::aclrtUuid* uuid) {
  SPILLWAY_ACL_ENTER("aclrtDeviceGetUuid");
  if (uuid == nullptr || device_id < 0 || device_id >= static_cast<int32_t>(acl.devices.size())) {
    return Fail(acl_abi::kErrorInvalidParam, "aclrtDeviceGetUuid: bad device or null argument");
  }
  const auto& bytes = acl.devices[static_cast<size_t>(device_id)]->properties().uuid;
  std::memcpy(uuid->bytes, bytes.data(), sizeof(uuid->bytes));
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtDeviceGetUuid);

SPILLWAY_ACL_EXPORT aclError aclrtGetMemInfo(acl_abi::aclrtMemAttr attr, size_t* free,
                                             size_t* total) {
  SPILLWAY_ACL_ENTER("aclrtGetMemInfo");
  if (free == nullptr || total == nullptr) {
    return Fail(acl_abi::kErrorInvalidParam, "aclrtGetMemInfo: null argument");
  }
  aclError error = acl_abi::kSuccess;
  hal::Device* device = Current(acl, "aclrtGetMemInfo", &error);
  if (device == nullptr) return error;
  if (attr == acl_abi::kDdrMem) {
    // The simulated card is an HBM card: no device DDR.
    *free = 0;
    *total = 0;
    return acl_abi::kSuccess;
  }
  if (attr != acl_abi::kHbmMem) {
    return Fail(acl_abi::kErrorInvalidParam, absl::StrCat("aclrtGetMemInfo: attr ", attr));
  }
  absl::StatusOr<hal::MemoryInfo> info = device->GetMemoryInfo();
  if (!info.ok()) return FromStatus(info.status(), "aclrtGetMemInfo");
  *free = info->free;
  *total = info->total;
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtGetMemInfo);

SPILLWAY_ACL_EXPORT aclError aclrtMalloc(void** ptr, size_t size,
                                         acl_abi::aclrtMemMallocPolicy policy) {
  SPILLWAY_ACL_ENTER("aclrtMalloc");
  if (ptr == nullptr || size == 0) {
    return Fail(acl_abi::kErrorInvalidParam, "aclrtMalloc: null pointer or zero size");
  }
  if (policy < acl_abi::kMallocHugeFirst || policy > acl_abi::kMallocNormalOnly) {
    return Fail(acl_abi::kErrorInvalidParam, absl::StrCat("aclrtMalloc: policy ", policy));
  }
  aclError error = acl_abi::kSuccess;
  hal::Device* device = Current(acl, "aclrtMalloc", &error);
  if (device == nullptr) return error;
  absl::StatusOr<void*> p = device->Allocate(hal::MemoryKind::kDevice, size);
  if (!p.ok()) return FromStatus(p.status(), "aclrtMalloc");
  *ptr = *p;
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtMalloc);

SPILLWAY_ACL_EXPORT aclError aclrtFree(void* ptr) {
  SPILLWAY_ACL_ENTER("aclrtFree");
  hal::MemoryKind kind = hal::MemoryKind::kDevice;
  hal::Device* device = ptr == nullptr ? nullptr : OwnerOfBase(acl, ptr, &kind);
  if (device == nullptr || kind == hal::MemoryKind::kHost) {
    return Fail(acl_abi::kErrorInvalidParam,
                absl::StrFormat("aclrtFree: %p is not device or managed memory", ptr));
  }
  return FromStatus(device->Free(ptr), "aclrtFree");
}
SPILLWAY_ACL_CHECK(aclrtFree);

namespace {

aclError MallocHost(FakeAcl& acl, void** ptr, uint64_t size, bool va_flag, absl::string_view call) {
  if (ptr == nullptr || size == 0) {
    return Fail(acl_abi::kErrorInvalidParam, absl::StrCat(call, ": null pointer or zero size"));
  }
  aclError error = acl_abi::kSuccess;
  hal::Device* device = Current(acl, call, &error);
  if (device == nullptr) return error;
  absl::StatusOr<void*> p = device->Allocate(hal::MemoryKind::kHost, size);
  if (!p.ok()) return FromStatus(p.status(), call);
  if (va_flag) acl.va_flag_host.insert(*p);
  *ptr = *p;
  return acl_abi::kSuccess;
}

}  // namespace

SPILLWAY_ACL_EXPORT aclError aclrtMallocHost(void** ptr, size_t size) {
  SPILLWAY_ACL_ENTER("aclrtMallocHost");
  return MallocHost(acl, ptr, size, /*va_flag=*/false, "aclrtMallocHost");
}
SPILLWAY_ACL_CHECK(aclrtMallocHost);

SPILLWAY_ACL_EXPORT aclError aclrtMallocHostWithCfg(void** ptr, uint64_t size,
                                                    acl_abi::aclrtMallocConfig* cfg) {
  SPILLWAY_ACL_ENTER("aclrtMallocHostWithCfg");
  bool va_flag = false;
  if (cfg != nullptr) {
    if (cfg->numAttrs > 0 && cfg->attrs == nullptr) {
      return Fail(acl_abi::kErrorInvalidParam, "aclrtMallocHostWithCfg: null attrs");
    }
    for (size_t i = 0; i < cfg->numAttrs; ++i) {
      const acl_abi::aclrtMallocAttribute& a = cfg->attrs[i];
      if (a.attr == acl_abi::kMallocAttrVaFlag) {
        va_flag = a.value.vaFlag == 1;
      } else if (a.attr < 0 || a.attr > acl_abi::kMallocAttrVaFlag) {
        return Fail(acl_abi::kErrorInvalidParam,
                    absl::StrCat("aclrtMallocHostWithCfg: attribute type ", a.attr));
      }
    }
  }
  return MallocHost(acl, ptr, size, va_flag, "aclrtMallocHostWithCfg");
}
SPILLWAY_ACL_CHECK(aclrtMallocHostWithCfg);

SPILLWAY_ACL_EXPORT aclError aclrtFreeHost(void* ptr) {
  SPILLWAY_ACL_ENTER("aclrtFreeHost");
  hal::MemoryKind kind = hal::MemoryKind::kDevice;
  hal::Device* device = ptr == nullptr ? nullptr : OwnerOfBase(acl, ptr, &kind);
  if (device == nullptr || kind != hal::MemoryKind::kHost) {
    return Fail(acl_abi::kErrorInvalidParam,
                absl::StrFormat("aclrtFreeHost: %p is not from aclrtMallocHost", ptr));
  }
  if (acl.registered_host.contains(ptr)) {
    return Fail(
        acl_abi::kErrorInvalidParam,
        absl::StrFormat("aclrtFreeHost: %p is still registered (aclrtHostUnregister)", ptr));
  }
  acl.va_flag_host.erase(ptr);
  return FromStatus(device->Free(ptr), "aclrtFreeHost");
}
SPILLWAY_ACL_CHECK(aclrtFreeHost);

SPILLWAY_ACL_EXPORT aclError aclrtHostRegister(void* ptr, uint64_t size,
                                               acl_abi::aclrtHostRegisterType type,
                                               void** dev_ptr) {
  SPILLWAY_ACL_ENTER("aclrtHostRegister");
  if (ptr == nullptr || dev_ptr == nullptr || size == 0) {
    return Fail(acl_abi::kErrorInvalidParam, "aclrtHostRegister: null pointer or zero size");
  }
  if (type != acl_abi::kHostRegisterMapped) {
    return Fail(acl_abi::kErrorRtFeatureNotSupport,
                absl::StrCat("aclrtHostRegister: type ", type, " is not simulated"));
  }
  if (!acl.spec.host_mapped) {
    return Fail(acl_abi::kErrorRtFeatureNotSupport,
                "aclrtHostRegister: the device cannot map host memory (fake spec host_mapped=0)");
  }
  hal::MemoryKind kind = hal::MemoryKind::kDevice;
  hal::Device* device = OwnerOfBase(acl, ptr, &kind);
  if (device == nullptr || kind != hal::MemoryKind::kHost ||
      device->FindAllocation(ptr)->size < size) {
    return Fail(acl_abi::kErrorInvalidParam,
                absl::StrFormat("aclrtHostRegister: %p+%u is not pinned host memory", ptr, size));
  }
  if (!acl.registered_host.insert(ptr).second) {
    return Fail(acl_abi::kErrorInvalidParam,
                absl::StrFormat("aclrtHostRegister: %p is already registered", ptr));
  }
  *dev_ptr = acl.va_flag_host.contains(ptr)
                 ? ptr
                 : reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(ptr) | kForeignMappingBit);
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtHostRegister);

SPILLWAY_ACL_EXPORT aclError aclrtHostUnregister(void* ptr) {
  SPILLWAY_ACL_ENTER("aclrtHostUnregister");
  if (acl.registered_host.erase(ptr) == 0) {
    return Fail(acl_abi::kErrorInvalidParam,
                absl::StrFormat("aclrtHostUnregister: %p is not registered", ptr));
  }
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtHostUnregister);

SPILLWAY_ACL_EXPORT aclError aclrtMemcpy(void* dst, size_t dest_max, const void* src, size_t count,
                                         acl_abi::aclrtMemcpyKind kind) {
  SPILLWAY_ACL_ENTER("aclrtMemcpy");
  aclError error = acl_abi::kSuccess;
  hal::Device* device = CheckCopy(acl, dst, dest_max, src, count, kind, "aclrtMemcpy", &error);
  if (device == nullptr) return error;
  return FromStatus(device->Copy(dst, src, count), "aclrtMemcpy");
}
SPILLWAY_ACL_CHECK(aclrtMemcpy);

SPILLWAY_ACL_EXPORT aclError aclrtMemcpyAsync(void* dst, size_t dest_max, const void* src,
                                              size_t count, acl_abi::aclrtMemcpyKind kind,
                                              acl_abi::aclrtStream stream) {
  SPILLWAY_ACL_ENTER("aclrtMemcpyAsync");
  if (kind == acl_abi::kMemcpyHostToHost) {
    return Fail(acl_abi::kErrorRtFeatureNotSupport,
                "aclrtMemcpyAsync: asynchronous host-to-host copies are not supported "
                "(Atlas A2/A3)");
  }
  aclError error = acl_abi::kSuccess;
  hal::Device* device = CheckCopy(acl, dst, dest_max, src, count, kind, "aclrtMemcpyAsync", &error);
  if (device == nullptr) return error;
  hal::Stream* s = StreamFor(acl, stream, device, "aclrtMemcpyAsync", &error);
  if (s == nullptr) return error;
  return FromStatus(device->CopyAsync(dst, src, count, *s), "aclrtMemcpyAsync");
}
SPILLWAY_ACL_CHECK(aclrtMemcpyAsync);

namespace {

// aclrtMemset is defined for device, managed and aclrtMallocHost memory only.
hal::Device* CheckMemset(FakeAcl& acl, void* dst, size_t max_count, size_t count,
                         absl::string_view call, aclError* error) {
  if (dst == nullptr) {
    *error = Fail(acl_abi::kErrorInvalidParam, absl::StrCat(call, ": null pointer"));
    return nullptr;
  }
  if (count > max_count) {
    *error = Fail(acl_abi::kErrorInvalidParam,
                  absl::StrCat(call, ": count ", count, " is larger than maxCount ", max_count));
    return nullptr;
  }
  hal::Device* device = Owner(acl, dst);
  if (device == nullptr) {
    *error = Fail(
        acl_abi::kErrorInvalidParam,
        absl::StrFormat("%s: %p is pageable host memory (undefined for aclrtMemset)", call, dst));
  }
  return device;
}

}  // namespace

SPILLWAY_ACL_EXPORT aclError aclrtMemset(void* dev_ptr, size_t max_count, int32_t value,
                                         size_t count) {
  SPILLWAY_ACL_ENTER("aclrtMemset");
  aclError error = acl_abi::kSuccess;
  hal::Device* device = CheckMemset(acl, dev_ptr, max_count, count, "aclrtMemset", &error);
  if (device == nullptr) return error;
  return FromStatus(device->Fill(dev_ptr, static_cast<uint8_t>(value), count), "aclrtMemset");
}
SPILLWAY_ACL_CHECK(aclrtMemset);

SPILLWAY_ACL_EXPORT aclError aclrtMemsetAsync(void* dev_ptr, size_t max_count, int32_t value,
                                              size_t count, acl_abi::aclrtStream stream) {
  SPILLWAY_ACL_ENTER("aclrtMemsetAsync");
  aclError error = acl_abi::kSuccess;
  hal::Device* device = CheckMemset(acl, dev_ptr, max_count, count, "aclrtMemsetAsync", &error);
  if (device == nullptr) return error;
  hal::Stream* s = StreamFor(acl, stream, device, "aclrtMemsetAsync", &error);
  if (s == nullptr) return error;
  return FromStatus(device->FillAsync(dev_ptr, static_cast<uint8_t>(value), count, *s),
                    "aclrtMemsetAsync");
}
SPILLWAY_ACL_CHECK(aclrtMemsetAsync);

SPILLWAY_ACL_EXPORT aclError aclrtMemAllocManaged(void** ptr, uint64_t size, uint32_t flag) {
  SPILLWAY_ACL_ENTER("aclrtMemAllocManaged");
  if (!acl.spec.managed) {
    return Fail(acl_abi::kErrorRtFeatureNotSupport,
                "aclrtMemAllocManaged: this device has no UVM (fake spec managed=0)");
  }
  if (ptr == nullptr || size == 0 || flag != acl_abi::kMemAttachGlobal) {
    return Fail(acl_abi::kErrorInvalidParam,
                absl::StrCat("aclrtMemAllocManaged: null pointer, zero size or flag ", flag));
  }
  if (size > UINT64_MAX - kBlock) {
    return Fail(acl_abi::kErrorRtMemoryAllocation,
                absl::StrCat("aclrtMemAllocManaged: ", size, " bytes"));
  }
  aclError error = acl_abi::kSuccess;
  hal::Device* device = Current(acl, "aclrtMemAllocManaged", &error);
  if (device == nullptr) return error;
  // UVM hands out whole 2 MiB blocks.
  const uint64_t blocks = (size + kBlock - 1) / kBlock * kBlock;
  absl::StatusOr<void*> p = device->Allocate(hal::MemoryKind::kManaged, blocks);
  if (!p.ok()) return FromStatus(p.status(), "aclrtMemAllocManaged");
  *ptr = *p;
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtMemAllocManaged);

SPILLWAY_ACL_EXPORT aclError aclrtMemManagedAdvise(const void* ptr, uint64_t size,
                                                   acl_abi::aclrtMemManagedAdviseType advise,
                                                   acl_abi::aclrtMemManagedLocation location) {
  SPILLWAY_ACL_ENTER("aclrtMemManagedAdvise");
  hal::Device* device = nullptr;
  if (aclError e = CheckManagedRange(acl, ptr, size, "aclrtMemManagedAdvise", &device);
      e != acl_abi::kSuccess) {
    return e;
  }
  // ACL numbers advice from 0 (CUDA from 1).
  static constexpr hal::Advice kAdvice[] = {
      hal::Advice::kSetReadMostly,        hal::Advice::kUnsetReadMostly,
      hal::Advice::kSetPreferredLocation, hal::Advice::kUnsetPreferredLocation,
      hal::Advice::kSetAccessedBy,        hal::Advice::kUnsetAccessedBy};
  if (advise < 0 || advise > acl_abi::kAdviseUnsetAccessedBy) {
    return Fail(acl_abi::kErrorInvalidParam,
                absl::StrCat("aclrtMemManagedAdvise: advice ", advise, " is not 0..5"));
  }
  hal::Location where;
  if (aclError e = ToLocation(location, "aclrtMemManagedAdvise", &where); e != acl_abi::kSuccess) {
    return e;
  }
  return FromStatus(device->Advise(const_cast<void*>(ptr), size, kAdvice[advise], where),
                    "aclrtMemManagedAdvise");
}
SPILLWAY_ACL_CHECK(aclrtMemManagedAdvise);

SPILLWAY_ACL_EXPORT aclError aclrtMemManagedPrefetchAsync(const void* ptr, size_t size,
                                                          acl_abi::aclrtMemManagedLocation location,
                                                          uint32_t flags,
                                                          acl_abi::aclrtStream stream) {
  SPILLWAY_ACL_ENTER("aclrtMemManagedPrefetchAsync");
  hal::Device* device = nullptr;
  if (aclError e = CheckManagedRange(acl, ptr, size, "aclrtMemManagedPrefetchAsync", &device);
      e != acl_abi::kSuccess) {
    return e;
  }
  if (flags != 0) {
    return Fail(acl_abi::kErrorInvalidParam,
                absl::StrCat("aclrtMemManagedPrefetchAsync: flags ", flags, " (must be 0)"));
  }
  hal::Location where;
  if (aclError e = ToLocation(location, "aclrtMemManagedPrefetchAsync", &where);
      e != acl_abi::kSuccess) {
    return e;
  }
  aclError error = acl_abi::kSuccess;
  hal::Stream* s = StreamFor(acl, stream, device, "aclrtMemManagedPrefetchAsync", &error);
  if (s == nullptr) return error;
  return FromStatus(device->Prefetch(const_cast<void*>(ptr), size, where, *s),
                    "aclrtMemManagedPrefetchAsync");
}
SPILLWAY_ACL_CHECK(aclrtMemManagedPrefetchAsync);

SPILLWAY_ACL_EXPORT aclError aclrtCreateStream(acl_abi::aclrtStream* stream) {
  SPILLWAY_ACL_ENTER("aclrtCreateStream");
  if (stream == nullptr)
    return Fail(acl_abi::kErrorInvalidParam, "aclrtCreateStream: null argument");
  aclError error = acl_abi::kSuccess;
  hal::Device* device = Current(acl, "aclrtCreateStream", &error);
  if (device == nullptr) return error;
  absl::StatusOr<std::unique_ptr<hal::Stream>> created = device->CreateStream();
  if (!created.ok()) return FromStatus(created.status(), "aclrtCreateStream");
  auto own = std::make_unique<FakeStream>();
  own->device = device->properties().ordinal;
  own->stream = *std::move(created);
  *stream = own.get();
  acl.streams[own.get()] = std::move(own);
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtCreateStream);

SPILLWAY_ACL_EXPORT aclError aclrtDestroyStream(acl_abi::aclrtStream stream) {
  SPILLWAY_ACL_ENTER("aclrtDestroyStream");
  if (acl.streams.erase(static_cast<FakeStream*>(stream)) == 0) {
    return Fail(acl_abi::kErrorInvalidParam, "aclrtDestroyStream: unknown stream");
  }
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtDestroyStream);

SPILLWAY_ACL_EXPORT aclError aclrtSynchronizeStream(acl_abi::aclrtStream stream) {
  SPILLWAY_ACL_ENTER("aclrtSynchronizeStream");
  aclError error = acl_abi::kSuccess;
  if (stream == nullptr) {
    hal::Device* device = Current(acl, "aclrtSynchronizeStream", &error);
    if (device == nullptr) return error;
    return FromStatus(device->Synchronize(), "aclrtSynchronizeStream");
  }
  FakeStream* own = FindStream(acl, stream);
  if (own == nullptr)
    return Fail(acl_abi::kErrorInvalidParam, "aclrtSynchronizeStream: unknown stream");
  return FromStatus(own->stream->Synchronize(), "aclrtSynchronizeStream");
}
SPILLWAY_ACL_CHECK(aclrtSynchronizeStream);

SPILLWAY_ACL_EXPORT aclError aclrtStreamQuery(acl_abi::aclrtStream stream,
                                              acl_abi::aclrtStreamStatus* status) {
  SPILLWAY_ACL_ENTER("aclrtStreamQuery");
  FakeStream* own = FindStream(acl, stream);
  if (own == nullptr || status == nullptr) {
    return Fail(acl_abi::kErrorInvalidParam, "aclrtStreamQuery: unknown stream or null argument");
  }
  absl::StatusOr<bool> done = own->stream->Query();
  if (!done.ok()) return FromStatus(done.status(), "aclrtStreamQuery");
  *status = *done ? acl_abi::kStreamStatusComplete : acl_abi::kStreamStatusNotReady;
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtStreamQuery);

SPILLWAY_ACL_EXPORT aclError aclrtCreateEvent(acl_abi::aclrtEvent* event) {
  SPILLWAY_ACL_ENTER("aclrtCreateEvent");
  if (event == nullptr) return Fail(acl_abi::kErrorInvalidParam, "aclrtCreateEvent: null argument");
  aclError error = acl_abi::kSuccess;
  hal::Device* device = Current(acl, "aclrtCreateEvent", &error);
  if (device == nullptr) return error;
  absl::StatusOr<std::unique_ptr<hal::Event>> created = device->CreateEvent();
  if (!created.ok()) return FromStatus(created.status(), "aclrtCreateEvent");
  auto own = std::make_unique<FakeEvent>();
  own->device = device->properties().ordinal;
  own->event = *std::move(created);
  *event = own.get();
  acl.events[own.get()] = std::move(own);
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtCreateEvent);

SPILLWAY_ACL_EXPORT aclError aclrtDestroyEvent(acl_abi::aclrtEvent event) {
  SPILLWAY_ACL_ENTER("aclrtDestroyEvent");
  if (acl.events.erase(static_cast<FakeEvent*>(event)) == 0) {
    return Fail(acl_abi::kErrorInvalidParam, "aclrtDestroyEvent: unknown event");
  }
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtDestroyEvent);

SPILLWAY_ACL_EXPORT aclError aclrtRecordEvent(acl_abi::aclrtEvent event,
                                              acl_abi::aclrtStream stream) {
  SPILLWAY_ACL_ENTER("aclrtRecordEvent");
  FakeEvent* own = FindEvent(acl, event);
  if (own == nullptr) return Fail(acl_abi::kErrorInvalidParam, "aclrtRecordEvent: unknown event");
  aclError error = acl_abi::kSuccess;
  hal::Stream* s = StreamFor(acl, stream, acl.devices[static_cast<size_t>(own->device)],
                             "aclrtRecordEvent", &error);
  if (s == nullptr) return error;
  if (aclError e = FromStatus(own->event->Record(*s), "aclrtRecordEvent"); e != acl_abi::kSuccess) {
    return e;
  }
  own->recorded = true;
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtRecordEvent);

SPILLWAY_ACL_EXPORT aclError aclrtSynchronizeEvent(acl_abi::aclrtEvent event) {
  SPILLWAY_ACL_ENTER("aclrtSynchronizeEvent");
  FakeEvent* own = FindEvent(acl, event);
  if (own == nullptr)
    return Fail(acl_abi::kErrorInvalidParam, "aclrtSynchronizeEvent: unknown event");
  // A never-recorded event has nothing to wait for.
  if (!own->recorded) return acl_abi::kSuccess;
  return FromStatus(own->event->Synchronize(), "aclrtSynchronizeEvent");
}
SPILLWAY_ACL_CHECK(aclrtSynchronizeEvent);

SPILLWAY_ACL_EXPORT aclError aclrtEventElapsedTime(float* ms, acl_abi::aclrtEvent start,
                                                   acl_abi::aclrtEvent end) {
  SPILLWAY_ACL_ENTER("aclrtEventElapsedTime");
  FakeEvent* begin = FindEvent(acl, start);
  FakeEvent* finish = FindEvent(acl, end);
  if (ms == nullptr || begin == nullptr || finish == nullptr) {
    return Fail(acl_abi::kErrorInvalidParam,
                "aclrtEventElapsedTime: unknown event or null argument");
  }
  if (!begin->recorded || !finish->recorded) {
    return Fail(acl_abi::kErrorRtParamInvalid,
                "aclrtEventElapsedTime: an event was never recorded");
  }
  absl::StatusOr<float> elapsed = finish->event->ElapsedMillisecondsSince(*begin->event);
  if (!elapsed.ok()) return FromStatus(elapsed.status(), "aclrtEventElapsedTime");
  *ms = *elapsed;
  return acl_abi::kSuccess;
}
SPILLWAY_ACL_CHECK(aclrtEventElapsedTime);
