// The process-wide state behind the fake libcuda.so.1: simulated devices (the
// fake backend's), contexts, streams, events, memory pools, virtual-memory
// reservations and registered kernels. The cu* entry points in the other
// files of this folder are thin translations onto it.
#ifndef SPILLWAY_TESTS_FAKES_CUDA_SRC_FAKE_DRIVER_H_
#define SPILLWAY_TESTS_FAKES_CUDA_SRC_FAKE_DRIVER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "spillway/backends/cuda/cuda_driver_abi.h"
#include "fake_cuda_exports.h"
#include "spillway/backends/fake/fake_device.h"
#include "spillway/fakes/fake_cuda.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/event.h"
#include "spillway/hal/stream.h"

namespace cuda_abi = ::spillway::cuda::abi;

// The driver's opaque handle types, defined here (the tags come from
// cuda_driver_abi.h, the same as cuda.h's).
struct CUctx_st {
  int device = 0;
  bool primary = false;
  // Device memory the context holds while active (SPILLWAY_FAKE_CUDA_CONTEXT_SIZE).
  void* reserved = nullptr;
};

struct CUstream_st {
  int device = 0;
  unsigned int flags = 0;
  std::unique_ptr<spillway::hal::Stream> stream;
};

struct CUevent_st {
  int device = 0;
  unsigned int flags = 0;
  std::unique_ptr<spillway::hal::Event> event;
  bool recorded = false;  // guarded by FakeDriver::mu_
};

struct CUfunc_st {
  std::string name;
  std::atomic<SpillwayFakeCudaKernel> fn{nullptr};
};

struct CUmemPoolHandle_st {
  int device = 0;
  bool is_default = false;
  // guarded by FakeDriver::mu_
  uint64_t release_threshold = 0;
  uint64_t used = 0;
  uint64_t used_high = 0;
};

namespace spillway::fake_cuda {

// The error a failed HAL call becomes.
cuda_abi::CUresult ResultFromStatus(const absl::Status& status);

// What an address is to the fake.
struct Resolved {
  enum class Kind { kHost, kHal, kVmm } kind = Kind::kHost;
  int device = -1;                 // kHal, kVmm
  hal::Allocation allocation;      // kHal
};

// One physical allocation of the virtual memory management API (cuMemCreate):
// device memory is accounted through the fake device; the bytes live in a
// memfd so that any number of mappings of it share them.
struct PhysicalAllocation {
  int device = 0;
  size_t size = 0;
  int fd = -1;
  void* accounting = nullptr;  // the fake device's allocation of `size` bytes
  int mappings = 0;
  bool released = false;
};

// A mapped piece of a reservation.
struct VmmMapping {
  size_t size = 0;
  uint64_t handle = 0;
  int prot = 0;  // PROT_* granted by cuMemSetAccess
};

struct VmmReservation {
  size_t size = 0;
  absl::btree_map<uintptr_t, VmmMapping> mappings;  // by start address
};

// Thread-safe: one mutex for the handle registries; data movement goes
// through the HAL devices, which are thread-safe themselves.
class FakeDriver {
 public:
  // The one instance (created at first use, never destroyed: threads may
  // still call in while the process exits).
  static FakeDriver& Get();

  // cuInit's result: the spec parse error, if any.
  cuda_abi::CUresult Init(unsigned int flags);
  // kErrorNotInitialized before a successful cuInit.
  cuda_abi::CUresult CheckInitialized() const;
  // Whether the spec is usable (for the fake-only entry points, which work
  // without cuInit).
  cuda_abi::CUresult Usable() const;

  int device_count() const { return static_cast<int>(devices_.size()); }
  bool ValidDevice(int device) const { return device >= 0 && device < device_count(); }
  fake::FakeDevice& device(int i) const { return *devices_[static_cast<size_t>(i)]; }
  int driver_version() const { return driver_version_; }
  int host_numa_id() const { return host_numa_id_; }

  // Contexts. The current-context stack is per thread.
  cuda_abi::CUresult PrimaryRetain(int device, CUctx_st** out);
  cuda_abi::CUresult PrimaryRelease(int device);
  cuda_abi::CUresult PrimaryReset(int device);
  cuda_abi::CUresult PrimaryState(int device, unsigned int* flags, int* active);
  cuda_abi::CUresult CreateContext(int device, CUctx_st** out);
  cuda_abi::CUresult DestroyContext(CUctx_st* ctx);
  cuda_abi::CUresult SetCurrent(CUctx_st* ctx);
  cuda_abi::CUresult PushCurrent(CUctx_st* ctx);
  cuda_abi::CUresult PopCurrent(CUctx_st** out);
  CUctx_st* Current() const;
  // The current context's device, or kErrorInvalidContext.
  cuda_abi::CUresult CurrentDevice(int* device) const;

  // Streams: `handle` may be 0, CU_STREAM_LEGACY or CU_STREAM_PER_THREAD (the
  // current context's device's default stream) or a live stream.
  cuda_abi::CUresult CreateStream(unsigned int flags, CUstream_st** out);
  cuda_abi::CUresult DestroyStream(CUstream_st* stream);
  cuda_abi::CUresult ResolveStream(CUstream_st* handle, int* device, hal::Stream** stream);

  cuda_abi::CUresult CreateEvent(unsigned int flags, CUevent_st** out);
  cuda_abi::CUresult DestroyEvent(CUevent_st* event);
  cuda_abi::CUresult RecordEvent(CUevent_st* event, CUstream_st* stream);
  cuda_abi::CUresult EventQuery(CUevent_st* event);
  cuda_abi::CUresult EventSynchronize(CUevent_st* event);
  cuda_abi::CUresult EventElapsed(float* ms, CUevent_st* start, CUevent_st* end);

  // Addresses.
  Resolved Resolve(const void* ptr) const;
  // OK when [ptr, ptr+size) is usable memory: inside one HAL allocation, or
  // mapped and accessible VMM memory, or (when host_ok) ordinary host memory.
  cuda_abi::CUresult CheckRange(const void* ptr, size_t size, bool host_ok, Resolved* out) const;

  // Memory.
  cuda_abi::CUresult Allocate(hal::MemoryKind kind, size_t size, int device, void** out);
  cuda_abi::CUresult Free(void* ptr, hal::MemoryKind expected);
  cuda_abi::CUresult Copy(void* dst, const void* src, size_t size, CUstream_st* stream, bool async);
  cuda_abi::CUresult Fill(void* dst, uint8_t value, size_t size, CUstream_st* stream, bool async);

  // Stream-ordered allocation.
  CUmemPoolHandle_st* DefaultPool(int device);
  cuda_abi::CUresult CurrentPool(int device, CUmemPoolHandle_st** out);
  cuda_abi::CUresult SetCurrentPool(int device, CUmemPoolHandle_st* pool);
  cuda_abi::CUresult CreatePool(const cuda_abi::CUmemPoolProps* props, CUmemPoolHandle_st** out);
  cuda_abi::CUresult DestroyPool(CUmemPoolHandle_st* pool);
  cuda_abi::CUresult PoolAttribute(CUmemPoolHandle_st* pool, cuda_abi::CUmemPool_attribute attr,
                              void* value, bool set);
  cuda_abi::CUresult AllocateFromPool(CUmemPoolHandle_st* pool, size_t size, CUstream_st* stream,
                                 void** out);
  cuda_abi::CUresult FreeAsync(void* ptr, CUstream_st* stream);

  // Virtual memory management.
  size_t granularity() const { return granularity_; }
  cuda_abi::CUresult CreatePhysical(size_t size, const cuda_abi::CUmemAllocationProp* prop,
                               uint64_t* handle);
  cuda_abi::CUresult ReleasePhysical(uint64_t handle);
  cuda_abi::CUresult ReserveAddress(size_t size, size_t alignment, uintptr_t hint, uintptr_t* out);
  cuda_abi::CUresult FreeAddress(uintptr_t ptr, size_t size);
  cuda_abi::CUresult Map(uintptr_t ptr, size_t size, size_t offset, uint64_t handle);
  cuda_abi::CUresult Unmap(uintptr_t ptr, size_t size);
  cuda_abi::CUresult SetAccess(uintptr_t ptr, size_t size, const cuda_abi::CUmemAccessDesc* desc,
                          size_t count);

  // Kernels.
  cuda_abi::CUresult RegisterKernel(const char* name, SpillwayFakeCudaKernel fn);
  cuda_abi::CUresult FindKernel(const char* name, CUfunc_st** out);
  cuda_abi::CUresult Launch(CUfunc_st* function, CUstream_st* stream, void** params);

 private:
  FakeDriver();

  struct Primary {
    CUctx_st ctx;
    int retains = 0;
  };
  cuda_abi::CUresult ActivateLocked(CUctx_st* ctx) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DeactivateLocked(CUctx_st* ctx) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool LiveContextLocked(const CUctx_st* ctx) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  hal::Stream* DefaultStreamLocked(int device) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The reservation holding [ptr, ptr+size), or nullptr.
  const VmmReservation* FindReservationLocked(uintptr_t ptr, size_t size, uintptr_t* base) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  bool KnownPoolLocked(const CUmemPoolHandle_st* pool) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void ReleaseMappingLocked(uint64_t handle) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  cuda_abi::CUresult spec_error_ = cuda_abi::kSuccess;
  std::unique_ptr<hal::Backend> backend_;
  std::vector<fake::FakeDevice*> devices_;
  int driver_version_ = 13000;
  int host_numa_id_ = 0;
  uint64_t context_size_ = 0;
  size_t granularity_ = 2u << 20;
  std::atomic<bool> initialized_{false};

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Primary>> primaries_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<const CUctx_st*> created_contexts_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<const CUstream_st*> streams_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<hal::Stream>> default_streams_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<const CUevent_st*> events_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<CUmemPoolHandle_st>> default_pools_ ABSL_GUARDED_BY(mu_);
  std::vector<CUmemPoolHandle_st*> current_pools_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<const CUmemPoolHandle_st*> created_pools_ ABSL_GUARDED_BY(mu_);
  // Stream-ordered allocations: pointer -> (pool, size).
  absl::flat_hash_map<const void*, std::pair<CUmemPoolHandle_st*, size_t>> pool_allocations_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, std::unique_ptr<PhysicalAllocation>> physical_
      ABSL_GUARDED_BY(mu_);
  uint64_t next_handle_ ABSL_GUARDED_BY(mu_) = 1;
  absl::btree_map<uintptr_t, VmmReservation> reservations_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::unique_ptr<CUfunc_st>> kernels_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<const CUfunc_st*> kernel_handles_ ABSL_GUARDED_BY(mu_);
};

// Pointer conversions between CUdeviceptr and the fake's host addresses.
inline void* Ptr(cuda_abi::CUdeviceptr p) { return reinterpret_cast<void*>(static_cast<uintptr_t>(p)); }
inline cuda_abi::CUdeviceptr DevPtr(const void* p) {
  return static_cast<cuda_abi::CUdeviceptr>(reinterpret_cast<uintptr_t>(p));
}

}  // namespace spillway::fake_cuda

#endif  // SPILLWAY_TESTS_FAKES_CUDA_SRC_FAKE_DRIVER_H_
