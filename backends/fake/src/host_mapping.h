// Host address space behind a fake allocation: real memory, or a PROT_NONE
// reservation when the spec asks for address space only.
#ifndef SPILLWAY_BACKENDS_FAKE_SRC_HOST_MAPPING_H_
#define SPILLWAY_BACKENDS_FAKE_SRC_HOST_MAPPING_H_

#include <cstddef>

#include "absl/status/statusor.h"

namespace spillway::fake {

// A value type; the owner calls Unmap exactly once.
struct HostMapping {
  void* base = nullptr;  // aligned start handed to the caller
  size_t size = 0;       // bytes requested
  size_t map_size = 0;   // bytes mapped at base (size rounded up to host pages)
  bool backed = false;
};

// Maps `size` > 0 bytes aligned to `alignment` (a power of two). `backed`
// gives zero-filled read/write memory committed on first touch (MAP_NORESERVE,
// like a driver's lazily populated allocation); otherwise an inaccessible
// reservation that costs no memory. RESOURCE_EXHAUSTED when mmap fails.
absl::StatusOr<HostMapping> MapHostMemory(size_t size, size_t alignment, bool backed);
void UnmapHostMemory(const HostMapping& mapping);

}  // namespace spillway::fake

#endif  // SPILLWAY_BACKENDS_FAKE_SRC_HOST_MAPPING_H_
