#include "spillway/runtime/placement_policy.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace spillway::runtime {

const char* PlacementName(Placement placement) {
  switch (placement) {
    case Placement::kDevice: return "device";
    case Placement::kManaged: return "managed";
    case Placement::kHostSpill: return "host-spill";
  }
  return "unknown";
}

absl::StatusOr<Placement> PlacementPolicy::Place(uint64_t size, const BufferHints& hints,
                                                 const PlacementInputs& inputs) const {
  if (!inputs.oversubscribe) return Placement::kDevice;
  const bool fits = size <= inputs.device_free;
  if (inputs.has_managed) {
    return hints.keep_resident && fits ? Placement::kDevice : Placement::kManaged;
  }
  if (fits) return Placement::kDevice;
  if (inputs.has_host_mapped) return Placement::kHostSpill;
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot oversubscribe: ", size, " bytes do not fit in the ", inputs.device_free,
      " bytes of device memory left, and the device has neither managed memory nor "
      "host-mapped memory to spill to"));
}

}  // namespace spillway::runtime
