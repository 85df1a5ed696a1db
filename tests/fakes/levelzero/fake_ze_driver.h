// The state behind the CPU fake Level Zero driver: the fake simulator's
// devices (backends/fake) seen through Level Zero's handles, contexts,
// immediate command lists, event pools and Sysman memory modules. The real
// loader (libze_loader.so.1) loads this driver through ZE_ENABLE_ALT_DRIVERS
// and calls it through the DDI tables of ze_ddi.h / zes_ddi.h / zet_ddi.h.
//
// Thread-safety: every member is thread-safe. Ownership: one instance per
// loaded copy of the driver, created on first use and destroyed when the
// driver is unloaded; calls after that get ZE_RESULT_ERROR_UNINITIALIZED.
#ifndef SPILLWAY_TESTS_FAKES_LEVELZERO_FAKE_ZE_DRIVER_H_
#define SPILLWAY_TESTS_FAKES_LEVELZERO_FAKE_ZE_DRIVER_H_

#include <level_zero/ze_api.h>
#include <level_zero/zes_api.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/device.h"
#include "spillway/hal/stream.h"

// Level Zero's opaque handle types, defined by this implementation of them.
struct _ze_driver_handle_t {
  int unused = 0;
};
struct _ze_device_handle_t {
  int ordinal = 0;
  spillway::hal::Device* device = nullptr;
};
struct _ze_context_handle_t {
  int unused = 0;
};
struct _ze_command_list_handle_t {
  int ordinal = 0;
  std::unique_ptr<spillway::hal::Stream> stream;
};
struct _ze_event_pool_handle_t {
  ze_event_pool_flags_t flags = 0;
  uint32_t count = 0;
  std::vector<bool> used;  // which indices have an event, guarded by the driver's lock
};
struct _ze_event_handle_t {
  _ze_event_pool_handle_t* pool = nullptr;
  uint32_t index = 0;
  std::atomic<bool> signaled{false};
  std::atomic<uint64_t> timestamp{0};  // device ticks (ns) when signaled
};
struct _zes_mem_handle_t {
  int ordinal = 0;
};

namespace spillway::fake_ze {

// Pretended properties of every fake device.
inline constexpr uint32_t kTimestampValidBits = 32;  // like real GPUs: the counter wraps
inline constexpr uint32_t kVendorId = 0x5b17;        // not a real PCI vendor

class FakeZeDriver {
 public:
  // The instance, or null once the driver is being unloaded.
  static FakeZeDriver* Get();
  ~FakeZeDriver();

  // Creates the devices from SPILLWAY_FAKE_SPEC (once) and notes whether
  // ZES_ENABLE_SYSMAN=1 was set, as a real driver does at zeInit.
  // ZE_RESULT_ERROR_UNINITIALIZED when the spec is malformed.
  ze_result_t Initialize();
  bool initialized() const { return device_count() > 0; }
  bool sysman_enabled() const { return sysman_enabled_.load(); }

  ze_driver_handle_t driver() { return &driver_; }
  int device_count() const { return device_count_.load(); }
  // Null outside [0, device_count()).
  ze_device_handle_t device(int ordinal);
  zes_mem_handle_t memory_module(int ordinal);
  bool IsDevice(ze_device_handle_t device) const;
  bool IsMemoryModule(zes_mem_handle_t module) const;
  // Largest device or shared allocation without the relaxed-limits descriptor.
  uint64_t max_alloc_size(int ordinal);

  // The device whose allocation contains `ptr`, and its kind; null for memory
  // no device allocated.
  struct Owner {
    _ze_device_handle_t* device = nullptr;
    hal::MemoryKind kind = hal::MemoryKind::kDevice;
  };
  Owner FindOwner(const void* ptr);

  // Handle bookkeeping, so that a stale or foreign handle is an error, not a crash.
  ze_context_handle_t Add(std::unique_ptr<_ze_context_handle_t> context);
  ze_command_list_handle_t Add(std::unique_ptr<_ze_command_list_handle_t> list);
  ze_event_pool_handle_t Add(std::unique_ptr<_ze_event_pool_handle_t> pool);
  ze_event_handle_t Add(std::unique_ptr<_ze_event_handle_t> event);
  bool IsContext(ze_context_handle_t h) const;
  bool IsList(ze_command_list_handle_t h) const;
  bool IsPool(ze_event_pool_handle_t h) const;
  bool IsEvent(ze_event_handle_t h) const;
  bool Remove(ze_context_handle_t h);
  bool Remove(ze_command_list_handle_t h);
  // ZE_RESULT_ERROR_HANDLE_OBJECT_IN_USE while the pool still has events.
  ze_result_t Remove(ze_event_pool_handle_t h);
  bool Remove(ze_event_handle_t h);
  // Claims slot `index` of `pool` for a new event; false when taken or out of range.
  bool ClaimEventSlot(ze_event_pool_handle_t pool, uint32_t index);

 private:
  FakeZeDriver() = default;

  mutable absl::Mutex mu_;
  bool init_attempted_ ABSL_GUARDED_BY(mu_) = false;
  ze_result_t init_result_ ABSL_GUARDED_BY(mu_) = ZE_RESULT_SUCCESS;
  std::atomic<bool> sysman_enabled_{false};
  std::atomic<int> device_count_{0};
  _ze_driver_handle_t driver_;
  // Set once under mu_ before device_count_ is published, then read-only.
  std::unique_ptr<hal::Backend> backend_;
  std::vector<std::unique_ptr<_ze_device_handle_t>> devices_;
  std::vector<std::unique_ptr<_zes_mem_handle_t>> memory_modules_;
  absl::flat_hash_set<void*> contexts_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<void*> lists_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<void*> pools_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<void*> events_ ABSL_GUARDED_BY(mu_);
};

// The ze_result_t a driver would return for a simulator status. `device_memory`
// picks the out-of-memory code for RESOURCE_EXHAUSTED.
ze_result_t ToZeResult(const absl::Status& status, bool device_memory = true);

}  // namespace spillway::fake_ze

#endif  // SPILLWAY_TESTS_FAKES_LEVELZERO_FAKE_ZE_DRIVER_H_
