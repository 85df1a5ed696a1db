// Plain value types shared by every HAL interface. No vendor types here.
#ifndef SPILLWAY_HAL_TYPES_H_
#define SPILLWAY_HAL_TYPES_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace spillway::hal {

// The three kinds of memory a device can hand out.
enum class MemoryKind : uint8_t {
  kDevice = 0,   // device-local memory; not host-accessible.
  kHost = 1,     // pinned (page-locked) host memory the device can reach.
  kManaged = 2,  // unified memory: one address, migrated by the driver.
};
const char* MemoryKindName(MemoryKind kind);

// What a device can do beyond the mandatory core (allocate device/host memory,
// synchronous copies and fills, streams, events).
enum Capability : uint32_t {
  kCapManagedMemory = 1u << 0,     // Allocate(kManaged).
  kCapAdviseReadMostly = 1u << 1,  // Advise(kSetReadMostly / kUnsetReadMostly).
  kCapAdvisePreferredLocation = 1u << 2,
  kCapAdviseAccessedBy = 1u << 3,
  kCapPrefetch = 1u << 4,           // Prefetch() of managed memory.
  kCapHostNumaLocation = 1u << 5,   // Location::HostNuma accepted by advice/prefetch.
  kCapHostMappedMemory = 1u << 6,   // device kernels can read kHost memory in place.
  kCapOversubscription = 1u << 7,   // managed allocations may exceed device memory.
};
using Capabilities = uint32_t;
// Human-readable name of a single capability bit ("managed_memory", ...).
const char* CapabilityName(Capability cap);

// Where managed memory should live (advice) or go (prefetch).
struct Location {
  enum class Type : uint8_t { kDevice = 0, kHost = 1, kHostNuma = 2 };
  Type type = Type::kDevice;
  int id = 0;  // device ordinal for kDevice, NUMA node for kHostNuma, unused for kHost.

  static Location Device(int ordinal) { return {Type::kDevice, ordinal}; }
  static Location Host() { return {Type::kHost, 0}; }
  static Location HostNuma(int node) { return {Type::kHostNuma, node}; }
  bool operator==(const Location&) const = default;
};
std::string LocationToString(const Location& location);

// Managed-memory advice, with the same meaning as CUDA's cuMemAdvise values;
// every backend maps them explicitly to its vendor's numbering.
enum class Advice : uint8_t {
  kSetReadMostly,
  kUnsetReadMostly,
  kSetPreferredLocation,
  kUnsetPreferredLocation,
  kSetAccessedBy,
  kUnsetAccessedBy,
};
const char* AdviceName(Advice advice);

// Static description of a device. Filled once when the device is enumerated.
struct DeviceProperties {
  std::string name;
  std::array<uint8_t, 16> uuid{};  // all zero when the vendor reports none.
  std::string pci_bus_id;          // "dddd:bb:dd.f", lower-case hex; "" when unknown.
  uint64_t total_memory = 0;       // bytes of device memory.
  Capabilities capabilities = 0;
  int ordinal = 0;                 // index within its backend.

  bool Has(Capability cap) const { return (capabilities & cap) != 0; }
};
std::string UuidToString(const std::array<uint8_t, 16>& uuid);

struct MemoryInfo {
  uint64_t free = 0;
  uint64_t total = 0;
};

// Something a backend does not support, and why (shown by the conformance
// suite when it skips the matching tests).
struct Limitation {
  std::string what;  // a capability name or an operation, e.g. "managed_memory"
  std::string why;
};

// Adds the limitations found on one backend's devices to `into`, keeping one
// entry per capability: the reasons of devices that differ are joined with
// "; ", a reason already there is not repeated.
void MergeLimitations(const std::vector<Limitation>& found, std::vector<Limitation>& into);

}  // namespace spillway::hal

#endif  // SPILLWAY_HAL_TYPES_H_
