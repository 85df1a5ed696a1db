#include "fake_driver.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/backends/fake/fake_spec.h"

namespace spillway::fake_cuda {
namespace {

// The calling thread's context stack; the top is the current context.
thread_local std::vector<CUctx_st*> tls_contexts;

// Bytes with an optional k/m/g suffix (powers of 1024); nullopt when malformed.
std::optional<uint64_t> ParseBytes(absl::string_view text) {
  uint64_t scale = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k': case 'K': scale = 1ull << 10; break;
      case 'm': case 'M': scale = 1ull << 20; break;
      case 'g': case 'G': scale = 1ull << 30; break;
      default: break;
    }
    if (scale != 1) text.remove_suffix(1);
  }
  uint64_t value = 0;
  if (text.empty() || !absl::SimpleAtoi(text, &value) || value > UINT64_MAX / scale) {
    return std::nullopt;
  }
  return value * scale;
}

const char* Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0' ? value : nullptr;
}

bool IsSpecialStream(const CUstream_st* stream) {
  const auto value = reinterpret_cast<uintptr_t>(stream);
  return value == 0 || value == cuda_abi::kStreamLegacyHandle || value == cuda_abi::kStreamPerThreadHandle;
}

bool Overflows(uintptr_t base, size_t size) { return size > UINTPTR_MAX - base; }

}  // namespace

cuda_abi::CUresult ResultFromStatus(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return cuda_abi::kSuccess;
    case absl::StatusCode::kResourceExhausted: return cuda_abi::kErrorOutOfMemory;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition: return cuda_abi::kErrorInvalidValue;
    case absl::StatusCode::kNotFound: return cuda_abi::kErrorNotFound;
    case absl::StatusCode::kUnimplemented: return cuda_abi::kErrorNotSupported;
    case absl::StatusCode::kUnavailable: return cuda_abi::kErrorNoDevice;
    default: return cuda_abi::kErrorUnknown;
  }
}

FakeDriver& FakeDriver::Get() {
  static FakeDriver* const driver = new FakeDriver();
  return *driver;
}

FakeDriver::FakeDriver() {
  const char* spec_text = Env(fake::kFakeSpecEnvVar);
  absl::StatusOr<fake::FakeSpec> spec = fake::ParseFakeSpec(spec_text != nullptr ? spec_text : "");
  if (!spec.ok()) {
    std::fprintf(stderr, "fake libcuda: %s: %s\n", fake::kFakeSpecEnvVar,
                 std::string(spec.status().message()).c_str());
    spec_error_ = cuda_abi::kErrorInvalidValue;
    return;
  }
  granularity_ = spec->page_size;
  backend_ = fake::CreateFakeBackend(*spec);
  if (!backend_->Availability().ok()) {
    std::fprintf(stderr, "fake libcuda: %s\n",
                 std::string(backend_->Availability().message()).c_str());
    spec_error_ = cuda_abi::kErrorNoDevice;
    return;
  }
  for (int i = 0; i < backend_->DeviceCount(); ++i) {
    devices_.push_back(fake::AsFakeDevice(*backend_->GetDevice(i)));
  }
  if (const char* v = Env("SPILLWAY_FAKE_CUDA_DRIVER_VERSION")) {
    int version = 0;
    if (absl::SimpleAtoi(v, &version) && version >= 2000) driver_version_ = version;
  }
  if (const char* v = Env("SPILLWAY_FAKE_CUDA_HOST_NUMA_ID")) {
    int id = 0;
    if (absl::SimpleAtoi(v, &id)) host_numa_id_ = id;
  }
  if (const char* v = Env("SPILLWAY_FAKE_CUDA_CONTEXT_SIZE")) {
    if (std::optional<uint64_t> bytes = ParseBytes(v)) context_size_ = *bytes;
  }
  absl::MutexLock lock(&mu_);
  for (int i = 0; i < device_count(); ++i) {
    auto primary = std::make_unique<Primary>();
    primary->ctx.device = i;
    primary->ctx.primary = true;
    primaries_.push_back(std::move(primary));
    default_streams_.push_back(nullptr);
    auto pool = std::make_unique<CUmemPoolHandle_st>();
    pool->device = i;
    pool->is_default = true;
    current_pools_.push_back(pool.get());
    default_pools_.push_back(std::move(pool));
  }
}

cuda_abi::CUresult FakeDriver::Init(unsigned int flags) {
  if (flags != 0) return cuda_abi::kErrorInvalidValue;
  if (spec_error_ != cuda_abi::kSuccess) return spec_error_;
  initialized_.store(true, std::memory_order_release);
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::CheckInitialized() const {
  return initialized_.load(std::memory_order_acquire) ? cuda_abi::kSuccess : cuda_abi::kErrorNotInitialized;
}

cuda_abi::CUresult FakeDriver::Usable() const { return spec_error_; }

// ---- contexts ----

cuda_abi::CUresult FakeDriver::ActivateLocked(CUctx_st* ctx) {
  if (context_size_ == 0) return cuda_abi::kSuccess;
  absl::StatusOr<void*> reserved =
      device(ctx->device).Allocate(hal::MemoryKind::kDevice, context_size_);
  if (!reserved.ok()) return ResultFromStatus(reserved.status());
  ctx->reserved = *reserved;
  return cuda_abi::kSuccess;
}

void FakeDriver::DeactivateLocked(CUctx_st* ctx) {
  if (ctx->reserved != nullptr) {
    (void)device(ctx->device).Free(ctx->reserved);
    ctx->reserved = nullptr;
  }
}

bool FakeDriver::LiveContextLocked(const CUctx_st* ctx) const {
  if (ctx == nullptr) return false;
  for (const auto& primary : primaries_) {
    if (&primary->ctx == ctx) return primary->retains > 0;
  }
  return created_contexts_.contains(ctx);
}

cuda_abi::CUresult FakeDriver::PrimaryRetain(int dev, CUctx_st** out) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (out == nullptr) return cuda_abi::kErrorInvalidValue;
  if (!ValidDevice(dev)) return cuda_abi::kErrorInvalidDevice;
  absl::MutexLock lock(&mu_);
  Primary& primary = *primaries_[static_cast<size_t>(dev)];
  if (primary.retains == 0) {
    if (cuda_abi::CUresult r = ActivateLocked(&primary.ctx)) return r;
  }
  ++primary.retains;
  *out = &primary.ctx;
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::PrimaryRelease(int dev) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (!ValidDevice(dev)) return cuda_abi::kErrorInvalidDevice;
  absl::MutexLock lock(&mu_);
  Primary& primary = *primaries_[static_cast<size_t>(dev)];
  if (primary.retains == 0) return cuda_abi::kErrorInvalidContext;
  if (--primary.retains == 0) DeactivateLocked(&primary.ctx);
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::PrimaryReset(int dev) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (!ValidDevice(dev)) return cuda_abi::kErrorInvalidDevice;
  absl::MutexLock lock(&mu_);
  Primary& primary = *primaries_[static_cast<size_t>(dev)];
  if (primary.retains > 0) DeactivateLocked(&primary.ctx);
  primary.retains = 0;
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::PrimaryState(int dev, unsigned int* flags, int* active) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (flags == nullptr || active == nullptr) return cuda_abi::kErrorInvalidValue;
  if (!ValidDevice(dev)) return cuda_abi::kErrorInvalidDevice;
  absl::MutexLock lock(&mu_);
  *flags = 0;
  *active = primaries_[static_cast<size_t>(dev)]->retains > 0 ? 1 : 0;
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::CreateContext(int dev, CUctx_st** out) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (out == nullptr) return cuda_abi::kErrorInvalidValue;
  if (!ValidDevice(dev)) return cuda_abi::kErrorInvalidDevice;
  auto ctx = std::make_unique<CUctx_st>();
  ctx->device = dev;
  {
    absl::MutexLock lock(&mu_);
    if (cuda_abi::CUresult r = ActivateLocked(ctx.get())) return r;
    created_contexts_.insert(ctx.get());
  }
  // cuCtxCreate makes the new context current (pushes it).
  tls_contexts.push_back(ctx.get());
  *out = ctx.release();
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::DestroyContext(CUctx_st* ctx) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  {
    absl::MutexLock lock(&mu_);
    if (ctx == nullptr || !created_contexts_.contains(ctx)) return cuda_abi::kErrorInvalidContext;
    created_contexts_.erase(ctx);
    DeactivateLocked(ctx);
  }
  std::erase(tls_contexts, ctx);
  delete ctx;
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::SetCurrent(CUctx_st* ctx) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (ctx == nullptr) {
    if (!tls_contexts.empty()) tls_contexts.pop_back();
    return cuda_abi::kSuccess;
  }
  {
    absl::ReaderMutexLock lock(&mu_);
    if (!LiveContextLocked(ctx)) return cuda_abi::kErrorInvalidContext;
  }
  if (tls_contexts.empty()) {
    tls_contexts.push_back(ctx);
  } else {
    tls_contexts.back() = ctx;
  }
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::PushCurrent(CUctx_st* ctx) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  {
    absl::ReaderMutexLock lock(&mu_);
    if (!LiveContextLocked(ctx)) return cuda_abi::kErrorInvalidContext;
  }
  tls_contexts.push_back(ctx);
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::PopCurrent(CUctx_st** out) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (tls_contexts.empty()) return cuda_abi::kErrorInvalidContext;
  if (out != nullptr) *out = tls_contexts.back();
  tls_contexts.pop_back();
  return cuda_abi::kSuccess;
}

CUctx_st* FakeDriver::Current() const { return tls_contexts.empty() ? nullptr : tls_contexts.back(); }

cuda_abi::CUresult FakeDriver::CurrentDevice(int* dev) const {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  CUctx_st* ctx = Current();
  if (ctx == nullptr) return cuda_abi::kErrorInvalidContext;
  absl::ReaderMutexLock lock(&mu_);
  if (!LiveContextLocked(ctx)) return cuda_abi::kErrorInvalidContext;
  *dev = ctx->device;
  return cuda_abi::kSuccess;
}

// ---- streams and events ----

hal::Stream* FakeDriver::DefaultStreamLocked(int dev) {
  std::unique_ptr<hal::Stream>& stream = default_streams_[static_cast<size_t>(dev)];
  if (stream == nullptr) {
    // Fails only when a test injects stream-creation faults; the next use
    // tries again.
    absl::StatusOr<std::unique_ptr<hal::Stream>> created = device(dev).CreateStream();
    if (created.ok()) stream = std::move(*created);
  }
  return stream.get();
}

cuda_abi::CUresult FakeDriver::CreateStream(unsigned int flags, CUstream_st** out) {
  if (out == nullptr) return cuda_abi::kErrorInvalidValue;
  if (flags > cuda_abi::kStreamNonBlocking) return cuda_abi::kErrorInvalidValue;
  int dev = 0;
  if (cuda_abi::CUresult r = CurrentDevice(&dev)) return r;
  absl::StatusOr<std::unique_ptr<hal::Stream>> stream = device(dev).CreateStream();
  if (!stream.ok()) return ResultFromStatus(stream.status());
  auto handle = std::make_unique<CUstream_st>();
  handle->device = dev;
  handle->flags = flags;
  handle->stream = std::move(*stream);
  absl::MutexLock lock(&mu_);
  streams_.insert(handle.get());
  *out = handle.release();
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::DestroyStream(CUstream_st* stream) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  {
    absl::MutexLock lock(&mu_);
    if (!streams_.erase(stream)) return cuda_abi::kErrorInvalidHandle;
  }
  delete stream;
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::ResolveStream(CUstream_st* handle, int* dev, hal::Stream** stream) {
  if (IsSpecialStream(handle)) {
    if (cuda_abi::CUresult r = CurrentDevice(dev)) return r;
    absl::MutexLock lock(&mu_);
    *stream = DefaultStreamLocked(*dev);
    return *stream != nullptr ? cuda_abi::kSuccess : cuda_abi::kErrorUnknown;
  }
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  absl::ReaderMutexLock lock(&mu_);
  if (!streams_.contains(handle)) return cuda_abi::kErrorInvalidHandle;
  *dev = handle->device;
  *stream = handle->stream.get();
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::CreateEvent(unsigned int flags, CUevent_st** out) {
  if (out == nullptr) return cuda_abi::kErrorInvalidValue;
  if ((flags & ~0x7u) != 0) return cuda_abi::kErrorInvalidValue;
  int dev = 0;
  if (cuda_abi::CUresult r = CurrentDevice(&dev)) return r;
  absl::StatusOr<std::unique_ptr<hal::Event>> event = device(dev).CreateEvent();
  if (!event.ok()) return ResultFromStatus(event.status());
  auto handle = std::make_unique<CUevent_st>();
  handle->device = dev;
  handle->flags = flags;
  handle->event = std::move(*event);
  absl::MutexLock lock(&mu_);
  events_.insert(handle.get());
  *out = handle.release();
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::DestroyEvent(CUevent_st* event) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  {
    absl::MutexLock lock(&mu_);
    if (!events_.erase(event)) return cuda_abi::kErrorInvalidHandle;
  }
  delete event;
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::RecordEvent(CUevent_st* event, CUstream_st* stream) {
  int dev = 0;
  hal::Stream* s = nullptr;
  if (cuda_abi::CUresult r = ResolveStream(stream, &dev, &s)) return r;
  absl::MutexLock lock(&mu_);
  if (!events_.contains(event)) return cuda_abi::kErrorInvalidHandle;
  if (event->device != dev) return cuda_abi::kErrorInvalidHandle;
  if (cuda_abi::CUresult r = ResultFromStatus(event->event->Record(*s))) return r;
  event->recorded = true;
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::EventQuery(CUevent_st* event) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  absl::ReaderMutexLock lock(&mu_);
  // Work runs when it is enqueued: a recorded event is always complete, and
  // the driver reports a never-recorded one as complete too.
  return events_.contains(event) ? cuda_abi::kSuccess : cuda_abi::kErrorInvalidHandle;
}

cuda_abi::CUresult FakeDriver::EventSynchronize(CUevent_st* event) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  absl::MutexLock lock(&mu_);
  if (!events_.contains(event)) return cuda_abi::kErrorInvalidHandle;
  if (!event->recorded) return cuda_abi::kSuccess;
  return ResultFromStatus(event->event->Synchronize());
}

cuda_abi::CUresult FakeDriver::EventElapsed(float* ms, CUevent_st* start, CUevent_st* end) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (ms == nullptr) return cuda_abi::kErrorInvalidValue;
  absl::MutexLock lock(&mu_);
  if (!events_.contains(start) || !events_.contains(end)) return cuda_abi::kErrorInvalidHandle;
  if (((start->flags | end->flags) & cuda_abi::kEventDisableTiming) != 0) {
    return cuda_abi::kErrorInvalidHandle;
  }
  if (!start->recorded || !end->recorded || start->device != end->device) {
    return cuda_abi::kErrorInvalidHandle;
  }
  absl::StatusOr<float> elapsed = end->event->ElapsedMillisecondsSince(*start->event);
  if (!elapsed.ok()) return ResultFromStatus(elapsed.status());
  *ms = *elapsed;
  return cuda_abi::kSuccess;
}

// ---- addresses and memory ----

const VmmReservation* FakeDriver::FindReservationLocked(uintptr_t ptr, size_t size,
                                                        uintptr_t* base) const {
  auto it = reservations_.upper_bound(ptr);
  if (it == reservations_.begin()) return nullptr;
  --it;
  if (ptr - it->first >= it->second.size || size > it->second.size - (ptr - it->first)) {
    return nullptr;
  }
  if (base != nullptr) *base = it->first;
  return &it->second;
}

Resolved FakeDriver::Resolve(const void* ptr) const {
  Resolved out;
  for (int i = 0; i < device_count(); ++i) {
    absl::StatusOr<hal::Allocation> found = device(i).FindAllocation(ptr);
    if (found.ok()) {
      out.kind = Resolved::Kind::kHal;
      out.device = i;
      out.allocation = *found;
      return out;
    }
  }
  absl::ReaderMutexLock lock(&mu_);
  if (FindReservationLocked(reinterpret_cast<uintptr_t>(ptr), 1, nullptr) != nullptr) {
    out.kind = Resolved::Kind::kVmm;
  }
  return out;
}

cuda_abi::CUresult FakeDriver::CheckRange(const void* ptr, size_t size, bool host_ok,
                                     Resolved* out) const {
  if (ptr == nullptr) return cuda_abi::kErrorInvalidValue;
  const auto addr = reinterpret_cast<uintptr_t>(ptr);
  if (Overflows(addr, size)) return cuda_abi::kErrorInvalidValue;
  Resolved r = Resolve(ptr);
  switch (r.kind) {
    case Resolved::Kind::kHal: {
      const auto base = reinterpret_cast<uintptr_t>(r.allocation.base);
      if (size > r.allocation.size - (addr - base)) return cuda_abi::kErrorInvalidValue;
      break;
    }
    case Resolved::Kind::kVmm: {
      // Every byte must be mapped and accessible, or the CPU copy would fault.
      absl::ReaderMutexLock lock(&mu_);
      const VmmReservation* reservation = FindReservationLocked(addr, size, nullptr);
      if (reservation == nullptr) return cuda_abi::kErrorInvalidValue;
      uintptr_t cursor = addr;
      const uintptr_t end = addr + size;
      auto it = reservation->mappings.upper_bound(cursor);
      if (it == reservation->mappings.begin()) return cuda_abi::kErrorInvalidValue;
      --it;
      for (; cursor < end; ++it) {
        if (it == reservation->mappings.end() || it->first > cursor ||
            cursor >= it->first + it->second.size ||
            (it->second.prot & (PROT_READ | PROT_WRITE)) != (PROT_READ | PROT_WRITE)) {
          return cuda_abi::kErrorInvalidValue;
        }
        cursor = it->first + it->second.size;
      }
      break;
    }
    case Resolved::Kind::kHost:
      if (!host_ok) return cuda_abi::kErrorInvalidValue;
      break;
  }
  if (out != nullptr) *out = r;
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::Allocate(hal::MemoryKind kind, size_t size, int dev, void** out) {
  if (out == nullptr || size == 0) return cuda_abi::kErrorInvalidValue;
  absl::StatusOr<void*> ptr = device(dev).Allocate(kind, size);
  if (!ptr.ok()) return ResultFromStatus(ptr.status());
  *out = *ptr;
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::Free(void* ptr, hal::MemoryKind expected) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  Resolved r = Resolve(ptr);
  if (r.kind != Resolved::Kind::kHal || r.allocation.base != ptr) return cuda_abi::kErrorInvalidValue;
  const bool host = r.allocation.kind == hal::MemoryKind::kHost;
  if (host != (expected == hal::MemoryKind::kHost)) return cuda_abi::kErrorInvalidValue;
  {
    absl::MutexLock lock(&mu_);
    auto it = pool_allocations_.find(ptr);
    if (it != pool_allocations_.end()) {
      if (it->second.first != nullptr) it->second.first->used -= it->second.second;
      pool_allocations_.erase(it);
    }
  }
  return ResultFromStatus(device(r.device).Free(ptr));
}

cuda_abi::CUresult FakeDriver::Copy(void* dst, const void* src, size_t size, CUstream_st* stream,
                               bool async) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  int stream_device = -1;
  hal::Stream* s = nullptr;
  if (async) {
    if (cuda_abi::CUresult r = ResolveStream(stream, &stream_device, &s)) return r;
  }
  if (size == 0) return cuda_abi::kSuccess;
  Resolved d;
  Resolved from;
  if (cuda_abi::CUresult r = CheckRange(dst, size, /*host_ok=*/true, &d)) return r;
  if (cuda_abi::CUresult r = CheckRange(src, size, /*host_ok=*/true, &from)) return r;
  const bool dst_hal = d.kind == Resolved::Kind::kHal;
  const bool src_hal = from.kind == Resolved::Kind::kHal;
  if (!dst_hal && !src_hal) {
    std::memmove(dst, src, size);
    return cuda_abi::kSuccess;
  }
  if (dst_hal && src_hal && d.device != from.device) {
    // Two simulated devices: through the host, each side by its own device.
    std::vector<uint8_t> bounce(size);
    if (cuda_abi::CUresult r = ResultFromStatus(device(from.device).Copy(bounce.data(), src, size))) {
      return r;
    }
    return ResultFromStatus(device(d.device).Copy(dst, bounce.data(), size));
  }
  const int dev = dst_hal ? d.device : from.device;
  if (s != nullptr && stream_device == dev) {
    return ResultFromStatus(device(dev).CopyAsync(dst, src, size, *s));
  }
  return ResultFromStatus(device(dev).Copy(dst, src, size));
}

cuda_abi::CUresult FakeDriver::Fill(void* dst, uint8_t value, size_t size, CUstream_st* stream,
                               bool async) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  int stream_device = -1;
  hal::Stream* s = nullptr;
  if (async) {
    if (cuda_abi::CUresult r = ResolveStream(stream, &stream_device, &s)) return r;
  }
  if (size == 0) return cuda_abi::kSuccess;
  Resolved d;
  if (cuda_abi::CUresult r = CheckRange(dst, size, /*host_ok=*/false, &d)) return r;
  if (d.kind == Resolved::Kind::kVmm) {
    std::memset(dst, value, size);
    return cuda_abi::kSuccess;
  }
  if (s != nullptr && stream_device == d.device) {
    return ResultFromStatus(device(d.device).FillAsync(dst, value, size, *s));
  }
  return ResultFromStatus(device(d.device).Fill(dst, value, size));
}

// ---- stream-ordered allocation ----

bool FakeDriver::KnownPoolLocked(const CUmemPoolHandle_st* pool) const {
  if (pool == nullptr) return false;
  if (created_pools_.contains(pool)) return true;
  for (const auto& default_pool : default_pools_) {
    if (default_pool.get() == pool) return true;
  }
  return false;
}

CUmemPoolHandle_st* FakeDriver::DefaultPool(int dev) {
  absl::MutexLock lock(&mu_);
  return default_pools_[static_cast<size_t>(dev)].get();
}

cuda_abi::CUresult FakeDriver::CurrentPool(int dev, CUmemPoolHandle_st** out) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (out == nullptr) return cuda_abi::kErrorInvalidValue;
  if (!ValidDevice(dev)) return cuda_abi::kErrorInvalidDevice;
  absl::MutexLock lock(&mu_);
  *out = current_pools_[static_cast<size_t>(dev)];
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::SetCurrentPool(int dev, CUmemPoolHandle_st* pool) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (!ValidDevice(dev)) return cuda_abi::kErrorInvalidDevice;
  absl::MutexLock lock(&mu_);
  if (!KnownPoolLocked(pool) || pool->device != dev) return cuda_abi::kErrorInvalidValue;
  current_pools_[static_cast<size_t>(dev)] = pool;
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::CreatePool(const cuda_abi::CUmemPoolProps* props, CUmemPoolHandle_st** out) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (props == nullptr || out == nullptr) return cuda_abi::kErrorInvalidValue;
  if (props->allocType != cuda_abi::kMemAllocationTypePinned ||
      props->location.type != cuda_abi::kMemLocationTypeDevice || !ValidDevice(props->location.id)) {
    return cuda_abi::kErrorInvalidValue;
  }
  auto pool = std::make_unique<CUmemPoolHandle_st>();
  pool->device = props->location.id;
  absl::MutexLock lock(&mu_);
  created_pools_.insert(pool.get());
  *out = pool.release();
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::DestroyPool(CUmemPoolHandle_st* pool) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  {
    absl::MutexLock lock(&mu_);
    if (!created_pools_.erase(pool)) return cuda_abi::kErrorInvalidValue;
    for (auto& [ptr, owner] : pool_allocations_) {
      if (owner.first == pool) owner.first = nullptr;
    }
    for (auto& current : current_pools_) {
      if (current == pool) current = default_pools_[static_cast<size_t>(pool->device)].get();
    }
  }
  delete pool;
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::PoolAttribute(CUmemPoolHandle_st* pool, cuda_abi::CUmemPool_attribute attr,
                                        void* value, bool set) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (value == nullptr) return cuda_abi::kErrorInvalidValue;
  absl::MutexLock lock(&mu_);
  if (!KnownPoolLocked(pool)) return cuda_abi::kErrorInvalidValue;
  auto* u64 = static_cast<uint64_t*>(value);
  switch (attr) {
    case 1: case 2: case 3:  // the reuse policies: always on in the fake
      if (!set) *static_cast<int*>(value) = 1;
      return cuda_abi::kSuccess;
    case cuda_abi::kMemPoolAttrReleaseThreshold:
      if (set) {
        pool->release_threshold = *u64;
      } else {
        *u64 = pool->release_threshold;
      }
      return cuda_abi::kSuccess;
    case cuda_abi::kMemPoolAttrReservedMemCurrent:
    case cuda_abi::kMemPoolAttrUsedMemCurrent:
      if (set) return cuda_abi::kErrorInvalidValue;
      // The fake returns freed memory at once: reserved == used.
      *u64 = pool->used;
      return cuda_abi::kSuccess;
    case cuda_abi::kMemPoolAttrReservedMemHigh:
    case cuda_abi::kMemPoolAttrUsedMemHigh:
      if (set) {
        if (*u64 != 0) return cuda_abi::kErrorInvalidValue;
        pool->used_high = pool->used;
      } else {
        *u64 = pool->used_high;
      }
      return cuda_abi::kSuccess;
    default:
      return cuda_abi::kErrorInvalidValue;
  }
}

cuda_abi::CUresult FakeDriver::AllocateFromPool(CUmemPoolHandle_st* pool, size_t size,
                                           CUstream_st* stream, void** out) {
  if (out == nullptr || size == 0) return cuda_abi::kErrorInvalidValue;
  int stream_device = 0;
  hal::Stream* s = nullptr;
  if (cuda_abi::CUresult r = ResolveStream(stream, &stream_device, &s)) return r;
  if (pool == nullptr) {
    absl::MutexLock lock(&mu_);
    pool = current_pools_[static_cast<size_t>(stream_device)];
  }
  {
    absl::ReaderMutexLock lock(&mu_);
    if (!KnownPoolLocked(pool)) return cuda_abi::kErrorInvalidValue;
  }
  void* ptr = nullptr;
  if (cuda_abi::CUresult r = Allocate(hal::MemoryKind::kDevice, size, pool->device, &ptr)) return r;
  absl::MutexLock lock(&mu_);
  pool_allocations_[ptr] = {pool, size};
  pool->used += size;
  if (pool->used > pool->used_high) pool->used_high = pool->used;
  *out = ptr;
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::FreeAsync(void* ptr, CUstream_st* stream) {
  int stream_device = 0;
  hal::Stream* s = nullptr;
  if (cuda_abi::CUresult r = ResolveStream(stream, &stream_device, &s)) return r;
  return Free(ptr, hal::MemoryKind::kDevice);
}

// ---- virtual memory management ----

cuda_abi::CUresult FakeDriver::CreatePhysical(size_t size, const cuda_abi::CUmemAllocationProp* prop,
                                         uint64_t* handle) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (prop == nullptr || handle == nullptr || size == 0 || size % granularity_ != 0) {
    return cuda_abi::kErrorInvalidValue;
  }
  if (prop->type != cuda_abi::kMemAllocationTypePinned ||
      prop->location.type != cuda_abi::kMemLocationTypeDevice) {
    return cuda_abi::kErrorInvalidValue;
  }
  if (!ValidDevice(prop->location.id)) return cuda_abi::kErrorInvalidDevice;
  auto physical = std::make_unique<PhysicalAllocation>();
  physical->device = prop->location.id;
  physical->size = size;
  if (cuda_abi::CUresult r =
          Allocate(hal::MemoryKind::kDevice, size, physical->device, &physical->accounting)) {
    return r;
  }
  physical->fd = memfd_create("spillway-fake-cuda-vmm", MFD_CLOEXEC);
  if (physical->fd < 0 || ftruncate(physical->fd, static_cast<off_t>(size)) != 0) {
    if (physical->fd >= 0) close(physical->fd);
    (void)device(physical->device).Free(physical->accounting);
    return cuda_abi::kErrorOutOfMemory;
  }
  absl::MutexLock lock(&mu_);
  *handle = next_handle_++;
  physical_[*handle] = std::move(physical);
  return cuda_abi::kSuccess;
}

void FakeDriver::ReleaseMappingLocked(uint64_t handle) {
  auto it = physical_.find(handle);
  if (it == physical_.end()) return;
  PhysicalAllocation& p = *it->second;
  if (p.mappings > 0) --p.mappings;
  if (p.released && p.mappings == 0) {
    close(p.fd);
    (void)device(p.device).Free(p.accounting);
    physical_.erase(it);
  }
}

cuda_abi::CUresult FakeDriver::ReleasePhysical(uint64_t handle) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  absl::MutexLock lock(&mu_);
  auto it = physical_.find(handle);
  if (it == physical_.end() || it->second->released) return cuda_abi::kErrorInvalidValue;
  it->second->released = true;
  // Memory stays while mappings exist, as the driver does.
  ++it->second->mappings;
  ReleaseMappingLocked(handle);
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::ReserveAddress(size_t size, size_t alignment, uintptr_t /*hint*/,
                                         uintptr_t* out) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (out == nullptr || size == 0 || size % granularity_ != 0) return cuda_abi::kErrorInvalidValue;
  if (alignment == 0) alignment = granularity_;
  if ((alignment & (alignment - 1)) != 0 || size > (size_t{1} << 50)) {
    return cuda_abi::kErrorInvalidValue;
  }
  const size_t span = size + alignment;
  void* raw = mmap(nullptr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) return cuda_abi::kErrorOutOfMemory;
  const auto begin = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (begin + alignment - 1) & ~(uintptr_t{alignment} - 1);
  if (aligned > begin) munmap(raw, aligned - begin);
  const uintptr_t tail = aligned + size;
  if (begin + span > tail) munmap(reinterpret_cast<void*>(tail), begin + span - tail);
  absl::MutexLock lock(&mu_);
  reservations_[aligned].size = size;
  *out = aligned;
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::FreeAddress(uintptr_t ptr, size_t size) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  absl::MutexLock lock(&mu_);
  auto it = reservations_.find(ptr);
  if (it == reservations_.end() || it->second.size != size || !it->second.mappings.empty()) {
    return cuda_abi::kErrorInvalidValue;
  }
  munmap(reinterpret_cast<void*>(ptr), size);
  reservations_.erase(it);
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::Map(uintptr_t ptr, size_t size, size_t offset, uint64_t handle) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (size == 0 || ptr % granularity_ != 0 || size % granularity_ != 0 ||
      offset % granularity_ != 0 || Overflows(ptr, size)) {
    return cuda_abi::kErrorInvalidValue;
  }
  absl::MutexLock lock(&mu_);
  uintptr_t base = 0;
  auto* reservation = const_cast<VmmReservation*>(FindReservationLocked(ptr, size, &base));
  if (reservation == nullptr) return cuda_abi::kErrorInvalidValue;
  auto physical = physical_.find(handle);
  if (physical == physical_.end() || physical->second->released) return cuda_abi::kErrorInvalidValue;
  PhysicalAllocation& p = *physical->second;
  if (offset > p.size || size > p.size - offset) return cuda_abi::kErrorInvalidValue;
  // No overlap with an existing mapping.
  auto next = reservation->mappings.lower_bound(ptr);
  if (next != reservation->mappings.end() && next->first < ptr + size) {
    return cuda_abi::kErrorInvalidValue;
  }
  if (next != reservation->mappings.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second.size > ptr) return cuda_abi::kErrorInvalidValue;
  }
  void* mapped = mmap(reinterpret_cast<void*>(ptr), size, PROT_NONE, MAP_SHARED | MAP_FIXED, p.fd,
                      static_cast<off_t>(offset));
  if (mapped == MAP_FAILED) return cuda_abi::kErrorOutOfMemory;
  reservation->mappings[ptr] = VmmMapping{size, handle, PROT_NONE};
  ++p.mappings;
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::Unmap(uintptr_t ptr, size_t size) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (size == 0 || Overflows(ptr, size)) return cuda_abi::kErrorInvalidValue;
  absl::MutexLock lock(&mu_);
  auto* reservation = const_cast<VmmReservation*>(FindReservationLocked(ptr, size, nullptr));
  if (reservation == nullptr) return cuda_abi::kErrorInvalidValue;
  // The range must be whole mappings, back to back.
  std::vector<uintptr_t> starts;
  uintptr_t cursor = ptr;
  for (auto it = reservation->mappings.find(ptr); cursor < ptr + size; ++it) {
    if (it == reservation->mappings.end() || it->first != cursor) return cuda_abi::kErrorInvalidValue;
    starts.push_back(it->first);
    cursor += it->second.size;
  }
  if (cursor != ptr + size) return cuda_abi::kErrorInvalidValue;
  // The reservation keeps the address range: inaccessible again.
  mmap(reinterpret_cast<void*>(ptr), size, PROT_NONE,
       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
  for (uintptr_t start : starts) {
    const uint64_t handle = reservation->mappings[start].handle;
    reservation->mappings.erase(start);
    ReleaseMappingLocked(handle);
  }
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::SetAccess(uintptr_t ptr, size_t size, const cuda_abi::CUmemAccessDesc* desc,
                                    size_t count) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (desc == nullptr || count == 0 || size == 0 || Overflows(ptr, size)) {
    return cuda_abi::kErrorInvalidValue;
  }
  int prot = PROT_NONE;
  for (size_t i = 0; i < count; ++i) {
    if (desc[i].location.type != cuda_abi::kMemLocationTypeDevice) return cuda_abi::kErrorInvalidValue;
    if (!ValidDevice(desc[i].location.id)) return cuda_abi::kErrorInvalidDevice;
    switch (desc[i].flags) {
      case cuda_abi::kMemAccessFlagsProtNone: break;
      case cuda_abi::kMemAccessFlagsProtRead: prot |= PROT_READ; break;
      case cuda_abi::kMemAccessFlagsProtReadWrite: prot |= PROT_READ | PROT_WRITE; break;
      default: return cuda_abi::kErrorInvalidValue;
    }
  }
  absl::MutexLock lock(&mu_);
  auto* reservation = const_cast<VmmReservation*>(FindReservationLocked(ptr, size, nullptr));
  if (reservation == nullptr) return cuda_abi::kErrorInvalidValue;
  std::vector<VmmMapping*> covered;
  uintptr_t cursor = ptr;
  for (auto it = reservation->mappings.find(ptr); cursor < ptr + size; ++it) {
    if (it == reservation->mappings.end() || it->first != cursor) return cuda_abi::kErrorInvalidValue;
    covered.push_back(&it->second);
    cursor += it->second.size;
  }
  if (cursor != ptr + size) return cuda_abi::kErrorInvalidValue;
  if (mprotect(reinterpret_cast<void*>(ptr), size, prot) != 0) return cuda_abi::kErrorOperatingSystem;
  for (VmmMapping* m : covered) m->prot = prot;
  return cuda_abi::kSuccess;
}

// ---- kernels ----

cuda_abi::CUresult FakeDriver::RegisterKernel(const char* name, SpillwayFakeCudaKernel fn) {
  if (name == nullptr || name[0] == '\0' || fn == nullptr) return cuda_abi::kErrorInvalidValue;
  absl::MutexLock lock(&mu_);
  std::unique_ptr<CUfunc_st>& function = kernels_[name];
  if (function == nullptr) {
    function = std::make_unique<CUfunc_st>();
    function->name = name;
    kernel_handles_.insert(function.get());
  }
  function->fn.store(fn);
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::FindKernel(const char* name, CUfunc_st** out) {
  if (cuda_abi::CUresult r = CheckInitialized()) return r;
  if (name == nullptr || out == nullptr) return cuda_abi::kErrorInvalidValue;
  absl::ReaderMutexLock lock(&mu_);
  auto it = kernels_.find(name);
  if (it == kernels_.end()) return cuda_abi::kErrorNotFound;
  *out = it->second.get();
  return cuda_abi::kSuccess;
}

cuda_abi::CUresult FakeDriver::Launch(CUfunc_st* function, CUstream_st* stream, void** params) {
  int dev = 0;
  hal::Stream* s = nullptr;
  if (cuda_abi::CUresult r = ResolveStream(stream, &dev, &s)) return r;
  {
    absl::ReaderMutexLock lock(&mu_);
    if (!kernel_handles_.contains(function)) return cuda_abi::kErrorInvalidHandle;
  }
  function->fn.load()(params);
  // The simulator counts the launch and advances the stream's clock.
  return ResultFromStatus(device(dev).LaunchKernel(fake::KernelSpec{}, *s));
}

}  // namespace spillway::fake_cuda
