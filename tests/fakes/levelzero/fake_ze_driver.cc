#include "fake_ze_driver.h"

#include <cstdlib>
#include <cstring>

#include "spillway/backends/fake/fake_backend.h"
#include "spillway/backends/fake/fake_spec.h"

namespace spillway::fake_ze {
namespace {

std::atomic<bool> unloaded{false};
absl::Mutex instance_mu;
FakeZeDriver* instance ABSL_GUARDED_BY(instance_mu) = nullptr;

// Runs when the loader unloads the driver (or at process exit): frees what
// the program left behind, in dependency order, so nothing leaks.
__attribute__((destructor)) void DestroyFakeZeDriver() {
  unloaded.store(true);
  FakeZeDriver* doomed = nullptr;
  {
    absl::MutexLock lock(&instance_mu);
    doomed = instance;
    instance = nullptr;
  }
  delete doomed;
}

}  // namespace

FakeZeDriver* FakeZeDriver::Get() {
  if (unloaded.load()) return nullptr;
  absl::MutexLock lock(&instance_mu);
  if (instance == nullptr) instance = new FakeZeDriver();
  return instance;
}

FakeZeDriver::~FakeZeDriver() {
  absl::MutexLock lock(&mu_);
  // Events before pools, lists (and their streams) before the devices.
  for (void* e : events_) delete static_cast<_ze_event_handle_t*>(e);
  for (void* p : pools_) delete static_cast<_ze_event_pool_handle_t*>(p);
  for (void* l : lists_) delete static_cast<_ze_command_list_handle_t*>(l);
  for (void* c : contexts_) delete static_cast<_ze_context_handle_t*>(c);
  events_.clear();
  pools_.clear();
  lists_.clear();
  contexts_.clear();
  memory_modules_.clear();
  devices_.clear();
  backend_.reset();
}

ze_result_t FakeZeDriver::Initialize() {
  absl::MutexLock lock(&mu_);
  if (init_attempted_) return init_result_;
  init_attempted_ = true;
  const char* sysman = std::getenv("ZES_ENABLE_SYSMAN");
  sysman_enabled_.store(sysman != nullptr && std::strcmp(sysman, "1") == 0);
  const char* text = std::getenv(fake::kFakeSpecEnvVar);
  absl::StatusOr<fake::FakeSpec> spec = fake::ParseFakeSpec(text == nullptr ? "" : text);
  if (!spec.ok()) {
    init_result_ = ZE_RESULT_ERROR_UNINITIALIZED;
    return init_result_;
  }
  backend_ = fake::CreateFakeBackend(*spec);
  if (!backend_->Availability().ok() || backend_->DeviceCount() <= 0) {
    init_result_ = ZE_RESULT_ERROR_UNINITIALIZED;
    return init_result_;
  }
  for (int i = 0; i < backend_->DeviceCount(); ++i) {
    auto device = std::make_unique<_ze_device_handle_t>();
    device->ordinal = i;
    device->device = *backend_->GetDevice(i);
    devices_.push_back(std::move(device));
    auto module = std::make_unique<_zes_mem_handle_t>();
    module->ordinal = i;
    memory_modules_.push_back(std::move(module));
  }
  device_count_.store(backend_->DeviceCount());
  return ZE_RESULT_SUCCESS;
}

ze_device_handle_t FakeZeDriver::device(int ordinal) {
  if (ordinal < 0 || ordinal >= device_count()) return nullptr;
  return devices_[static_cast<size_t>(ordinal)].get();
}

zes_mem_handle_t FakeZeDriver::memory_module(int ordinal) {
  if (ordinal < 0 || ordinal >= device_count()) return nullptr;
  return memory_modules_[static_cast<size_t>(ordinal)].get();
}

bool FakeZeDriver::IsDevice(ze_device_handle_t device) const {
  for (int i = 0; i < device_count(); ++i) {
    if (devices_[static_cast<size_t>(i)].get() == device) return true;
  }
  return false;
}

bool FakeZeDriver::IsMemoryModule(zes_mem_handle_t module) const {
  for (int i = 0; i < device_count(); ++i) {
    if (memory_modules_[static_cast<size_t>(i)].get() == module) return true;
  }
  return false;
}

uint64_t FakeZeDriver::max_alloc_size(int ordinal) {
  ze_device_handle_t d = device(ordinal);
  if (d == nullptr) return 0;
  // A quarter of the device, so that large allocations need the relaxed
  // limits as they do on real GPUs (4 GiB there).
  return d->device->properties().total_memory / 4;
}

FakeZeDriver::Owner FakeZeDriver::FindOwner(const void* ptr) {
  for (int i = 0; i < device_count(); ++i) {
    _ze_device_handle_t* d = devices_[static_cast<size_t>(i)].get();
    absl::StatusOr<hal::Allocation> a = d->device->FindAllocation(ptr);
    if (a.ok()) return {d, a->kind};
  }
  return {};
}

ze_context_handle_t FakeZeDriver::Add(std::unique_ptr<_ze_context_handle_t> context) {
  absl::MutexLock lock(&mu_);
  ze_context_handle_t raw = context.release();
  contexts_.insert(raw);
  return raw;
}

ze_command_list_handle_t FakeZeDriver::Add(std::unique_ptr<_ze_command_list_handle_t> list) {
  absl::MutexLock lock(&mu_);
  ze_command_list_handle_t raw = list.release();
  lists_.insert(raw);
  return raw;
}

ze_event_pool_handle_t FakeZeDriver::Add(std::unique_ptr<_ze_event_pool_handle_t> pool) {
  absl::MutexLock lock(&mu_);
  ze_event_pool_handle_t raw = pool.release();
  pools_.insert(raw);
  return raw;
}

ze_event_handle_t FakeZeDriver::Add(std::unique_ptr<_ze_event_handle_t> event) {
  absl::MutexLock lock(&mu_);
  ze_event_handle_t raw = event.release();
  events_.insert(raw);
  return raw;
}

bool FakeZeDriver::IsContext(ze_context_handle_t h) const {
  absl::MutexLock lock(&mu_);
  return contexts_.contains(h);
}
bool FakeZeDriver::IsList(ze_command_list_handle_t h) const {
  absl::MutexLock lock(&mu_);
  return lists_.contains(h);
}
bool FakeZeDriver::IsPool(ze_event_pool_handle_t h) const {
  absl::MutexLock lock(&mu_);
  return pools_.contains(h);
}
bool FakeZeDriver::IsEvent(ze_event_handle_t h) const {
  absl::MutexLock lock(&mu_);
  return events_.contains(h);
}

bool FakeZeDriver::Remove(ze_context_handle_t h) {
  {
    absl::MutexLock lock(&mu_);
    if (contexts_.erase(h) == 0) return false;
  }
  delete h;
  return true;
}

bool FakeZeDriver::Remove(ze_command_list_handle_t h) {
  {
    absl::MutexLock lock(&mu_);
    if (lists_.erase(h) == 0) return false;
  }
  delete h;
  return true;
}

ze_result_t FakeZeDriver::Remove(ze_event_pool_handle_t h) {
  {
    absl::MutexLock lock(&mu_);
    if (!pools_.contains(h)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
    for (bool used : h->used) {
      if (used) return ZE_RESULT_ERROR_HANDLE_OBJECT_IN_USE;
    }
    pools_.erase(h);
  }
  delete h;
  return ZE_RESULT_SUCCESS;
}

bool FakeZeDriver::Remove(ze_event_handle_t h) {
  {
    absl::MutexLock lock(&mu_);
    if (events_.erase(h) == 0) return false;
    if (pools_.contains(h->pool)) h->pool->used[h->index] = false;
  }
  delete h;
  return true;
}

bool FakeZeDriver::ClaimEventSlot(ze_event_pool_handle_t pool, uint32_t index) {
  absl::MutexLock lock(&mu_);
  if (!pools_.contains(pool) || index >= pool->count || pool->used[index]) return false;
  pool->used[index] = true;
  return true;
}

ze_result_t ToZeResult(const absl::Status& status, bool device_memory) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return ZE_RESULT_SUCCESS;
    case absl::StatusCode::kResourceExhausted:
      return device_memory ? ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY
                           : ZE_RESULT_ERROR_OUT_OF_HOST_MEMORY;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
      return ZE_RESULT_ERROR_INVALID_ARGUMENT;
    case absl::StatusCode::kUnimplemented:
      return ZE_RESULT_ERROR_UNSUPPORTED_FEATURE;
    case absl::StatusCode::kUnavailable:
      return ZE_RESULT_ERROR_DEVICE_LOST;
    default:
      return ZE_RESULT_ERROR_UNKNOWN;
  }
}

}  // namespace spillway::fake_ze
