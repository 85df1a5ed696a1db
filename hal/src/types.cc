#include "spillway/hal/types.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace spillway::hal {

const char* MemoryKindName(MemoryKind kind) {
  switch (kind) {
    case MemoryKind::kDevice: return "device";
    case MemoryKind::kHost: return "host";
    case MemoryKind::kManaged: return "managed";
  }
  return "unknown";
}

const char* CapabilityName(Capability cap) {
  switch (cap) {
    case kCapManagedMemory: return "managed_memory";
    case kCapAdviseReadMostly: return "advise_read_mostly";
    case kCapAdvisePreferredLocation: return "advise_preferred_location";
    case kCapAdviseAccessedBy: return "advise_accessed_by";
    case kCapPrefetch: return "prefetch";
    case kCapHostNumaLocation: return "host_numa_location";
    case kCapHostMappedMemory: return "host_mapped_memory";
    case kCapOversubscription: return "oversubscription";
  }
  return "unknown";
}

std::string LocationToString(const Location& location) {
  switch (location.type) {
    case Location::Type::kDevice: return absl::StrCat("device:", location.id);
    case Location::Type::kHost: return "host";
    case Location::Type::kHostNuma: return absl::StrCat("host-numa:", location.id);
  }
  return "unknown";
}

const char* AdviceName(Advice advice) {
  switch (advice) {
    case Advice::kSetReadMostly: return "set_read_mostly";
    case Advice::kUnsetReadMostly: return "unset_read_mostly";
    case Advice::kSetPreferredLocation: return "set_preferred_location";
    case Advice::kUnsetPreferredLocation: return "unset_preferred_location";
    case Advice::kSetAccessedBy: return "set_accessed_by";
    case Advice::kUnsetAccessedBy: return "unset_accessed_by";
  }
  return "unknown";
}

std::string UuidToString(const std::array<uint8_t, 16>& u) {
  return absl::StrFormat(
      "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
      u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

void MergeLimitations(const std::vector<Limitation>& found, std::vector<Limitation>& into) {
  for (const Limitation& l : found) {
    auto kept = std::find_if(into.begin(), into.end(),
                             [&](const Limitation& k) { return k.what == l.what; });
    if (kept == into.end()) {
      into.push_back(l);
    } else if (kept->why.find(l.why) == std::string::npos) {
      absl::StrAppend(&kept->why, "; ", l.why);
    }
  }
}

}  // namespace spillway::hal
