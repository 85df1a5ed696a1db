// Where a new buffer goes: a pure decision, separate from carrying it out.
#ifndef SPILLWAY_RUNTIME_PLACEMENT_POLICY_H_
#define SPILLWAY_RUNTIME_PLACEMENT_POLICY_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "spillway/runtime/buffer_hints.h"

namespace spillway::runtime {

enum class Placement : uint8_t {
  kDevice = 0,     // plain device memory
  kManaged = 1,    // managed memory; the tiering engine decides residency
  kHostSpill = 2,  // pinned host memory on the device's NUMA node, mapped by the device
};
const char* PlacementName(Placement placement);

// What the policy knows about one virtual device when a buffer is requested.
struct PlacementInputs {
  bool oversubscribe = false;      // the virtual size may exceed physical memory
  bool has_managed = false;        // the HAL device has managed memory
  bool has_host_mapped = false;    // the device can read pinned host memory in place
  uint64_t device_free = 0;        // device-resident budget still unreserved (all processes)
};

// Thread-safe (stateless).
class PlacementPolicy {
 public:
  // Without oversubscription: device memory, always (the limit is enforced
  // by the ledger). With it: managed memory, so that the tiering engine can
  // move the buffer later (a plain device allocation can never yield its
  // space to another group); "keep resident" buffers that fit go to plain
  // device memory; with no managed memory, device memory while it fits and
  // host spill after that; FAILED_PRECONDITION when neither is possible.
  absl::StatusOr<Placement> Place(uint64_t size, const BufferHints& hints,
                                  const PlacementInputs& inputs) const;
};

}  // namespace spillway::runtime

#endif  // SPILLWAY_RUNTIME_PLACEMENT_POLICY_H_
