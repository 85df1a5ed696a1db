// The state behind the CPU fake of DTK's HIP runtime (libgalaxyhip.so): the
// fake simulator's devices (backends/fake) seen through HIP's conventions of
// a current device per thread, raw pointers and stream/event handles.
//
// Thread-safety: every member is thread-safe. Ownership: one instance per
// loaded copy of the library, created on first use and destroyed when the
// library is unloaded (or the process exits); calls after that get
// hipErrorDeinitialized, never a crash.
#ifndef SPILLWAY_TESTS_FAKES_HYGON_FAKE_HIP_RUNTIME_H_
#define SPILLWAY_TESTS_FAKES_HYGON_FAKE_HIP_RUNTIME_H_

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "spillway/backends/hygon/hip_abi.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/device.h"
#include "spillway/hal/event.h"
#include "spillway/hal/stream.h"

// HIP's opaque handle types, defined by this implementation of them.
struct ihipStream_t {
  int ordinal = 0;
  std::unique_ptr<spillway::hal::Stream> stream;
};
struct ihipEvent_t {
  int ordinal = 0;
  std::unique_ptr<spillway::hal::Event> event;
  std::atomic<bool> recorded{false};
};

namespace spillway::fake_hip {

namespace abi = ::spillway::hygon::abi;

// Where a pointer lives: an allocation of one device, or the caller's own
// (pageable) host memory when `device` is null.
struct PointerInfo {
  hal::Device* device = nullptr;
  hal::MemoryKind kind = hal::MemoryKind::kDevice;
};

class FakeHipRuntime {
 public:
  // The instance, or null once the library is being unloaded.
  static FakeHipRuntime* Get();
  ~FakeHipRuntime();

  // Creates the devices from SPILLWAY_FAKE_SPEC on first use (HIP initializes
  // implicitly on any call). hipErrorNotInitialized when the spec is malformed.
  abi::hipError_t EnsureInitialized();

  int device_count() const;
  // Device `ordinal`, or null outside [0, device_count()).
  hal::Device* device(int ordinal) const;
  // The calling thread's current device (hipSetDevice; 0 by default).
  int current_ordinal() const;
  void set_current_ordinal(int ordinal);

  PointerInfo Classify(const void* ptr) const;

  // The device's null stream (created on first use), for calls given none.
  hal::Stream* DefaultStream(int ordinal);

  // Handle bookkeeping, so that a stale or foreign handle is an error, not a crash.
  ihipStream_t* AddStream(std::unique_ptr<ihipStream_t> stream);
  bool IsStream(ihipStream_t* stream) const;
  bool RemoveStream(ihipStream_t* stream);
  ihipEvent_t* AddEvent(std::unique_ptr<ihipEvent_t> event);
  bool IsEvent(ihipEvent_t* event) const;
  bool RemoveEvent(ihipEvent_t* event);

 private:
  FakeHipRuntime() = default;

  mutable absl::Mutex mu_;
  bool initialized_ ABSL_GUARDED_BY(mu_) = false;
  abi::hipError_t init_error_ ABSL_GUARDED_BY(mu_) = abi::kSuccess;
  std::unique_ptr<hal::Backend> backend_;  // set once under mu_, then read-only
  std::atomic<int> device_count_{0};
  std::vector<std::unique_ptr<hal::Stream>> default_streams_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<ihipStream_t*> streams_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<ihipEvent_t*> events_ ABSL_GUARDED_BY(mu_);
};

// The hipError_t a HIP runtime would return for a simulator status:
// RESOURCE_EXHAUSTED -> out of memory, INVALID_ARGUMENT and FAILED_PRECONDITION
// -> invalid value, UNIMPLEMENTED -> not supported, UNAVAILABLE -> no device,
// anything else -> unknown.
abi::hipError_t ToHipError(const absl::Status& status);

// HIP's name for a code this fake returns ("hipErrorOutOfMemory").
const char* HipErrorName(abi::hipError_t error);

}  // namespace spillway::fake_hip

#endif  // SPILLWAY_TESTS_FAKES_HYGON_FAKE_HIP_RUNTIME_H_
