// The byte layout of the ledger file (private to the runtime).
//
//   [Header: identity and geometry | configuration | checksum | robust mutex |
//            totals]  [slot 0] [slot 1] ... [slot max_processes-1]
//
// Identity, geometry and configuration never change after initialization and
// are covered by a checksum; `magic` is written last (release), so a file
// whose initializer died reads as "not initialized". Mutable fields are only
// written under the mutex; they are accessed through std::atomic_ref so that
// lock-free readers (Used(), monitors) never see torn values. Each slot
// belongs to one process: {pid (0 = free), priority, start time, per device
// {usage[kind], resident plan}}. Totals are a cache of the sum of the slots:
// whoever finds the mutex's owner dead rebuilds them from the slots. A
// resident plan is advisory (bytes the process's tiering engine plans to keep
// device-resident), has no total, and only its owner writes it: one aligned
// store, so it needs no lock and a process killed mid-update leaves either
// value.
//
// Version history: 1 had no resident plans; 2 adds them (slots grow by one
// word per device).
#ifndef SPILLWAY_RUNTIME_SRC_LEDGER_LAYOUT_H_
#define SPILLWAY_RUNTIME_SRC_LEDGER_LAYOUT_H_

#include <pthread.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace spillway::runtime::ledger_layout {

// "SPWLEDG1" read as a little-endian 64-bit word.
inline constexpr uint64_t kMagic = 0x314744454C575053ull;
inline constexpr uint32_t kVersion = 2;
inline constexpr int kMaxDevices = 16;
inline constexpr int kKinds = 3;
// Per device in a slot: usage by kind, then the resident plan.
inline constexpr int kWordsPerDevice = kKinds + 1;

static_assert(sizeof(pthread_mutex_t) <= 64, "the mutex must fit its reserved space");

struct Header {
  uint64_t magic;
  // --- immutable after initialization; covered by `checksum` ---
  uint32_t version;
  uint32_t header_size;
  uint64_t total_size;
  uint32_t device_count;
  uint32_t max_processes;
  uint32_t slot_size;
  uint32_t mutex_size;  // sizeof(pthread_mutex_t) of the creator's C library
  uint64_t pid_namespace_device;
  uint64_t pid_namespace_inode;
  uint64_t limits[kMaxDevices];          // 0 = no limit
  uint64_t device_budgets[kMaxDevices];  // 0 = none
  uint64_t checksum;                     // FNV-1a of version .. device_budgets
  // --- mutable, written under `mutex` ---
  alignas(64) pthread_mutex_t mutex;
  unsigned char mutex_space[64 - sizeof(pthread_mutex_t)];
  alignas(64) uint64_t used[kMaxDevices];  // all kinds
  uint64_t used_by_kind[kMaxDevices][kKinds];
  uint64_t slot_high_water;  // slots at or above this index were never used
  uint64_t owner_died_recoveries;
  uint64_t reclaimed_slots;
};

struct SlotHead {
  int32_t pid;  // 0 = free
  int32_t priority;
  uint64_t start_time;
  uint64_t reserved[2];
  // followed by, per device, uint64_t usage[kKinds] and uint64_t resident_plan
};
static_assert(sizeof(SlotHead) == 32);

inline constexpr uint32_t SlotSize(uint32_t device_count) {
  const uint64_t raw =
      sizeof(SlotHead) + uint64_t{device_count} * kWordsPerDevice * sizeof(uint64_t);
  return static_cast<uint32_t>((raw + 63) / 64 * 64);  // own cache line(s)
}
inline constexpr uint64_t TotalSize(uint32_t device_count, uint32_t max_processes) {
  return sizeof(Header) + uint64_t{max_processes} * SlotSize(device_count);
}

// Relaxed atomic access to a field of the shared mapping.
template <typename T>
inline T Load(const T& field) {
  return std::atomic_ref<T>(const_cast<T&>(field)).load(std::memory_order_relaxed);
}
template <typename T>
inline void Store(T& field, T value) {
  std::atomic_ref<T>(field).store(value, std::memory_order_relaxed);
}

// `slot_size` comes from the validated geometry the caller cached, never from
// the mapping (another process could scribble over it).
inline SlotHead* SlotAt(Header* header, uint32_t slot_size, uint32_t index) {
  return reinterpret_cast<SlotHead*>(reinterpret_cast<unsigned char*>(header) +
                                     sizeof(Header) + uint64_t{index} * slot_size);
}
inline uint64_t* SlotUsage(SlotHead* slot, int device, int kind) {
  return reinterpret_cast<uint64_t*>(slot + 1) + device * kWordsPerDevice + kind;
}
inline uint64_t* SlotResidentPlan(SlotHead* slot, int device) {
  return reinterpret_cast<uint64_t*>(slot + 1) + device * kWordsPerDevice + kKinds;
}

uint64_t HeaderChecksum(const Header& header);

// Empty when `header` (read from a file of `file_size` bytes) is a ledger this
// build can use; otherwise what is wrong, for an error message.
std::string DescribeProblem(const Header& header, uint64_t file_size);

// The configuration a process asks for (limits and budgets are zero-filled
// beyond device_count).
struct Config {
  uint32_t device_count = 1;
  uint32_t max_processes = 1;
  uint64_t limits[kMaxDevices] = {};
  uint64_t device_budgets[kMaxDevices] = {};
  uint64_t pid_namespace_device = 0;
  uint64_t pid_namespace_inode = 0;
};

// Writes a fresh header into zero-filled memory of TotalSize() bytes,
// magic last. Returns the pthread error of initializing the mutex, or 0.
int InitializeHeader(Header* header, const Config& config);

// Empty when the header's configuration equals `config`; otherwise a list of
// differences ("device 0 limit: ledger 1024, requested 2048").
std::string DescribeMismatch(const Header& header, const Config& config);

}  // namespace spillway::runtime::ledger_layout

#endif  // SPILLWAY_RUNTIME_SRC_LEDGER_LAYOUT_H_
