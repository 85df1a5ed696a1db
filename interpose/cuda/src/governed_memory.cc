#include "governed_memory.h"

#include "spillway/runtime/log.h"

namespace spillway::interpose {
namespace {

using runtime::UsageKind;

// Spillway's hints for spilled memory, as the tiering engine gives them: the
// pages live in host memory near the device and the device maps them, so it
// reads them over the link instead of faulting them in and out.
void ApplySpillHints(Shim& shim, int device, abi::CUdeviceptr ptr, size_t bytes) {
  const RealDriver& d = shim.driver();
  abi::CUresult accessed = abi::kSuccess;
  abi::CUresult preferred = abi::kSuccess;
  if (d.cuMemAdvise_v2 != nullptr) {
    const int numa = shim.host_numa_node(device);
    const abi::CUmemLocation host = numa >= 0
                                        ? abi::CUmemLocation{abi::kMemLocationTypeHostNuma, numa}
                                        : abi::CUmemLocation{abi::kMemLocationTypeHost, 0};
    accessed = d.cuMemAdvise_v2(ptr, bytes, abi::kAdviseSetAccessedBy,
                                abi::CUmemLocation{abi::kMemLocationTypeDevice, device});
    preferred = d.cuMemAdvise_v2(ptr, bytes, abi::kAdviseSetPreferredLocation, host);
  } else if (d.cuMemAdvise != nullptr) {
    accessed = d.cuMemAdvise(ptr, bytes, abi::kAdviseSetAccessedBy, device);
    preferred = d.cuMemAdvise(ptr, bytes, abi::kAdviseSetPreferredLocation, abi::kDeviceCpu);
  }
  if (accessed != abi::kSuccess || preferred != abi::kSuccess) {
    // Hints only change speed, never correctness.
    SPILLWAY_LOG(DEBUG) << "advice on spilled memory failed (" << accessed << ", " << preferred
                        << ")";
  }
}

// Managed memory for a reservation already moved to (or made as) kManaged.
abi::CUresult AllocateSpill(Shim& shim, Accounting& accounting, int device, size_t bytes,
                            abi::CUdeviceptr* out) {
  const RealDriver& d = shim.driver();
  abi::CUresult r = d.cuMemAllocManaged != nullptr
                        ? d.cuMemAllocManaged(out, bytes, abi::kMemAttachGlobal)
                        : abi::kErrorNotSupported;
  if (r != abi::kSuccess) {
    accounting.Release(device, UsageKind::kManaged, bytes);
    return abi::kErrorOutOfMemory;
  }
  ApplySpillHints(shim, device, *out, bytes);
  accounting.Track(Accounting::Table::kPointer, *out,
                   Grant{device, bytes, UsageKind::kManaged, /*spilled=*/true});
  SPILLWAY_LOG(DEBUG) << "device " << device << ": " << bytes
                      << " bytes beyond the device budget spilled to managed memory";
  return abi::kSuccess;
}

}  // namespace

abi::CUresult CurrentDevice(const RealDriver& driver, int* device) {
  if (driver.cuCtxGetDevice == nullptr) return abi::kErrorNotSupported;
  return driver.cuCtxGetDevice(device);
}

abi::CUresult AllocateGoverned(Shim& shim, Accounting& accounting, int device, size_t bytes,
                               abi::CUdeviceptr* out,
                               absl::FunctionRef<abi::CUresult(abi::CUdeviceptr*)> allocate) {
  if (out == nullptr || bytes == 0 || !accounting.Governs(device)) return allocate(out);
  if (bytes > runtime::Ledger::kMaxBytes) return abi::kErrorOutOfMemory;
  absl::StatusOr<Placement> placement = accounting.ReserveDeviceAllocation(device, bytes);
  if (!placement.ok()) {
    SPILLWAY_LOG(INFO) << "device " << device << ": refusing " << bytes
                       << " bytes: " << placement.status().message();
    return abi::kErrorOutOfMemory;
  }
  if (*placement == Placement::kDevice) {
    const abi::CUresult r = allocate(out);
    if (r == abi::kSuccess) {
      accounting.Track(Accounting::Table::kPointer, *out, Grant{device, bytes, UsageKind::kDevice});
      return r;
    }
    // The driver ran out where the ledger did not (memory used outside the
    // ledger): an oversubscribed device still has managed memory.
    if (r != abi::kErrorOutOfMemory || !accounting.quota(device).oversubscribed ||
        !accounting.MoveToManaged(device, bytes).ok()) {
      accounting.Release(device, UsageKind::kDevice, bytes);
      return r;
    }
  }
  return AllocateSpill(shim, accounting, device, bytes, out);
}

abi::CUresult AccountAllocated(Shim& shim, Accounting& accounting, int device, size_t allocated,
                               abi::CUdeviceptr* ptr) {
  if (!accounting.Governs(device)) return abi::kSuccess;
  absl::StatusOr<Placement> placement = accounting.ReserveDeviceAllocation(device, allocated);
  if (placement.ok() && *placement == Placement::kDevice) {
    accounting.Track(Accounting::Table::kPointer, *ptr,
                     Grant{device, allocated, UsageKind::kDevice});
    return abi::kSuccess;
  }
  (void)shim.driver().cuMemFree_v2(*ptr);
  *ptr = 0;
  if (!placement.ok()) return abi::kErrorOutOfMemory;
  return AllocateSpill(shim, accounting, device, allocated, ptr);
}

abi::CUresult FreeGoverned(Shim& shim, Accounting& accounting, abi::CUdeviceptr ptr,
                           bool stream_ordered, abi::CUstream stream,
                           absl::FunctionRef<abi::CUresult()> release) {
  // Forgotten first, so that a concurrent allocation that reuses the address
  // after the driver's free is never mistaken for this one.
  std::optional<Grant> grant = accounting.Untrack(Accounting::Table::kPointer, ptr);
  if (!grant.has_value()) return release();
  abi::CUresult r;
  if (stream_ordered && grant->spilled) {
    const RealDriver& d = shim.driver();
    r = d.cuStreamSynchronize != nullptr ? d.cuStreamSynchronize(stream) : abi::kSuccess;
    if (r == abi::kSuccess) r = d.cuMemFree_v2(ptr);
  } else {
    r = release();
  }
  if (r != abi::kSuccess) {
    accounting.Track(Accounting::Table::kPointer, ptr, *grant);
    return r;
  }
  accounting.Release(grant->device, grant->kind, grant->bytes);
  return r;
}

}  // namespace spillway::interpose
