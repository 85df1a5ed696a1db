#include "fake_hip_runtime.h"

#include <cstdlib>

#include "spillway/backends/fake/fake_backend.h"
#include "spillway/backends/fake/fake_spec.h"

namespace spillway::fake_hip {
namespace {

thread_local int current_device = 0;

std::atomic<bool> unloaded{false};
absl::Mutex instance_mu;
FakeHipRuntime* instance ABSL_GUARDED_BY(instance_mu) = nullptr;

// Runs when the library is unloaded (dlclose, or process exit): frees what
// the program left behind, in dependency order, so nothing leaks.
__attribute__((destructor)) void DestroyFakeHipRuntime() {
  unloaded.store(true);
  FakeHipRuntime* doomed = nullptr;
  {
    absl::MutexLock lock(&instance_mu);
    doomed = instance;
    instance = nullptr;
  }
  delete doomed;
}

}  // namespace

FakeHipRuntime* FakeHipRuntime::Get() {
  if (unloaded.load()) return nullptr;
  absl::MutexLock lock(&instance_mu);
  if (instance == nullptr) instance = new FakeHipRuntime();
  return instance;
}

FakeHipRuntime::~FakeHipRuntime() {
  absl::MutexLock lock(&mu_);
  // Events and streams before the devices they belong to.
  for (ihipEvent_t* event : events_) delete event;
  events_.clear();
  for (ihipStream_t* stream : streams_) delete stream;
  streams_.clear();
  default_streams_.clear();
  backend_.reset();
}

abi::hipError_t FakeHipRuntime::EnsureInitialized() {
  absl::MutexLock lock(&mu_);
  if (initialized_) return init_error_;
  initialized_ = true;
  const char* text = std::getenv(fake::kFakeSpecEnvVar);
  absl::StatusOr<fake::FakeSpec> spec = fake::ParseFakeSpec(text == nullptr ? "" : text);
  if (!spec.ok()) {
    init_error_ = abi::kErrorNotInitialized;
    return init_error_;
  }
  backend_ = fake::CreateFakeBackend(*spec);
  if (!backend_->Availability().ok()) {
    init_error_ = abi::kErrorNoDevice;
    return init_error_;
  }
  default_streams_.resize(static_cast<size_t>(backend_->DeviceCount()));
  device_count_.store(backend_->DeviceCount());
  return abi::kSuccess;
}

int FakeHipRuntime::device_count() const { return device_count_.load(); }

hal::Device* FakeHipRuntime::device(int ordinal) const {
  if (ordinal < 0 || ordinal >= device_count()) return nullptr;
  absl::StatusOr<hal::Device*> d = backend_->GetDevice(ordinal);
  return d.ok() ? *d : nullptr;
}

int FakeHipRuntime::current_ordinal() const { return current_device; }
void FakeHipRuntime::set_current_ordinal(int ordinal) { current_device = ordinal; }

PointerInfo FakeHipRuntime::Classify(const void* ptr) const {
  for (int i = 0; i < device_count(); ++i) {
    hal::Device* d = device(i);
    absl::StatusOr<hal::Allocation> a = d->FindAllocation(ptr);
    if (a.ok()) return {d, a->kind};
  }
  return {};
}

hal::Stream* FakeHipRuntime::DefaultStream(int ordinal) {
  hal::Device* d = device(ordinal);
  if (d == nullptr) return nullptr;
  absl::MutexLock lock(&mu_);
  std::unique_ptr<hal::Stream>& stream = default_streams_[static_cast<size_t>(ordinal)];
  if (stream == nullptr) {
    absl::StatusOr<std::unique_ptr<hal::Stream>> created = d->CreateStream();
    if (!created.ok()) return nullptr;
    stream = std::move(*created);
  }
  return stream.get();
}

ihipStream_t* FakeHipRuntime::AddStream(std::unique_ptr<ihipStream_t> stream) {
  absl::MutexLock lock(&mu_);
  ihipStream_t* raw = stream.release();
  streams_.insert(raw);
  return raw;
}

bool FakeHipRuntime::IsStream(ihipStream_t* stream) const {
  absl::MutexLock lock(&mu_);
  return streams_.contains(stream);
}

bool FakeHipRuntime::RemoveStream(ihipStream_t* stream) {
  {
    absl::MutexLock lock(&mu_);
    if (streams_.erase(stream) == 0) return false;
  }
  delete stream;
  return true;
}

ihipEvent_t* FakeHipRuntime::AddEvent(std::unique_ptr<ihipEvent_t> event) {
  absl::MutexLock lock(&mu_);
  ihipEvent_t* raw = event.release();
  events_.insert(raw);
  return raw;
}

bool FakeHipRuntime::IsEvent(ihipEvent_t* event) const {
  absl::MutexLock lock(&mu_);
  return events_.contains(event);
}

bool FakeHipRuntime::RemoveEvent(ihipEvent_t* event) {
  {
    absl::MutexLock lock(&mu_);
    if (events_.erase(event) == 0) return false;
  }
  delete event;
  return true;
}

abi::hipError_t ToHipError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return abi::kSuccess;
    case absl::StatusCode::kResourceExhausted:
      return abi::kErrorOutOfMemory;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
      return abi::kErrorInvalidValue;
    case absl::StatusCode::kUnimplemented:
      return abi::kErrorNotSupported;
    case absl::StatusCode::kUnavailable:
      return abi::kErrorNoDevice;
    default:
      return abi::kErrorUnknown;
  }
}

const char* HipErrorName(abi::hipError_t error) {
  switch (error) {
    case abi::kSuccess:
      return "hipSuccess";
    case abi::kErrorInvalidValue:
      return "hipErrorInvalidValue";
    case abi::kErrorOutOfMemory:
      return "hipErrorOutOfMemory";
    case abi::kErrorNotInitialized:
      return "hipErrorNotInitialized";
    case abi::kErrorInvalidMemcpyDirection:
      return "hipErrorInvalidMemcpyDirection";
    case abi::kErrorNoDevice:
      return "hipErrorNoDevice";
    case abi::kErrorInvalidDevice:
      return "hipErrorInvalidDevice";
    case abi::kErrorInvalidHandle:
      return "hipErrorInvalidHandle";
    case abi::kErrorNotReady:
      return "hipErrorNotReady";
    case abi::kErrorNotSupported:
      return "hipErrorNotSupported";
    case abi::kErrorUnknown:
      return "hipErrorUnknown";
    default:
      return "hipErrorUnrecognized";
  }
}

}  // namespace spillway::fake_hip
