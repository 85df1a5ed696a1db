#include "levelzero_device.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "levelzero_event.h"
#include "levelzero_status.h"
#include "levelzero_stream.h"
#include "spillway/hal/status.h"

namespace spillway::levelzero {
namespace {

// Sysman's structures carry their own type tags, like the core ones.
abi::zes_mem_state_t EmptyMemState() {
  abi::zes_mem_state_t state{};
  state.stype = abi::kStructureTypeMemState;
  return state;
}

}  // namespace

absl::StatusOr<abi::ze_memory_advice_t> ZeAdviceFor(hal::Advice advice,
                                                    const hal::Location& location) {
  const bool host = location.type != hal::Location::Type::kDevice;
  switch (advice) {
    case hal::Advice::kSetReadMostly:
      return abi::kMemoryAdviceSetReadMostly;
    case hal::Advice::kUnsetReadMostly:
      return abi::kMemoryAdviceClearReadMostly;
    case hal::Advice::kSetPreferredLocation:
      return host ? abi::kMemoryAdviceSetSystemMemoryPreferredLocation
                  : abi::kMemoryAdviceSetPreferredLocation;
    case hal::Advice::kUnsetPreferredLocation:
      return host ? abi::kMemoryAdviceClearSystemMemoryPreferredLocation
                  : abi::kMemoryAdviceClearPreferredLocation;
    case hal::Advice::kSetAccessedBy:
    case hal::Advice::kUnsetAccessedBy:
      break;
  }
  return absl::UnimplementedError(
      absl::StrCat("Level Zero has no memory advice for ", hal::AdviceName(advice)));
}

double TicksToMilliseconds(uint64_t start, uint64_t end, uint32_t valid_bits,
                           uint64_t resolution_ns) {
  const uint64_t mask = valid_bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << valid_bits) - 1;
  const uint64_t ticks = (end - start) & mask;
  return static_cast<double>(ticks) * static_cast<double>(resolution_ns) / 1e6;
}

LevelZeroDevice::LevelZeroDevice(hal::DeviceProperties properties, std::string uri,
                                 const LevelZeroSymbols& symbols, abi::ze_context_handle_t context,
                                 abi::ze_device_handle_t device, uint64_t max_alloc_size,
                                 uint64_t timer_resolution_ns, uint32_t kernel_timestamp_bits)
    : hal::Device(std::move(properties), std::move(uri)),
      symbols_(symbols),
      context_(context),
      device_(device),
      max_alloc_size_(max_alloc_size),
      timer_resolution_ns_(timer_resolution_ns),
      kernel_timestamp_bits_(kernel_timestamp_bits) {}

LevelZeroDevice::~LevelZeroDevice() { sync_stream_.reset(); }

absl::StatusOr<std::unique_ptr<LevelZeroDevice>> LevelZeroDevice::Open(
    const LevelZeroSymbols& s, abi::ze_context_handle_t context, abi::ze_device_handle_t device,
    int ordinal, std::vector<hal::Limitation>* limitations) {
  abi::ze_device_properties_t props{};
  props.stype = abi::kStructureTypeDeviceProperties;
  SPILLWAY_RETURN_IF_ERROR(
      ZeStatus(s.zeDeviceGetProperties(device, &props), "zeDeviceGetProperties"));
  hal::DeviceProperties p;
  p.ordinal = ordinal;
  p.name = std::string(props.name, strnlen(props.name, sizeof(props.name)));
  if (p.name.empty()) p.name = absl::StrCat("Level Zero device ", ordinal);
  std::memcpy(p.uuid.data(), props.uuid.id, p.uuid.size());

  uint32_t count = 0;
  SPILLWAY_RETURN_IF_ERROR(ZeStatus(s.zeDeviceGetMemoryProperties(device, &count, nullptr),
                                    "zeDeviceGetMemoryProperties"));
  std::vector<abi::ze_device_memory_properties_t> memories(count);
  for (abi::ze_device_memory_properties_t& m : memories) {
    m.stype = abi::kStructureTypeDeviceMemoryProperties;
  }
  if (count > 0) {
    SPILLWAY_RETURN_IF_ERROR(
        ZeStatus(s.zeDeviceGetMemoryProperties(device, &count, memories.data()),
                 "zeDeviceGetMemoryProperties"));
  }
  for (uint32_t i = 0; i < count && i < memories.size(); ++i)
    p.total_memory += memories[i].totalSize;

  if (s.zeDevicePciGetPropertiesExt != nullptr) {
    abi::ze_pci_ext_properties_t pci{};
    pci.stype = abi::kStructureTypePciExtProperties;
    // Best effort: the extension is optional for drivers.
    if (s.zeDevicePciGetPropertiesExt(device, &pci) == abi::kSuccess &&
        pci.address.domain <= 0xffff && pci.address.bus <= 0xff && pci.address.device <= 0x1f &&
        pci.address.function <= 7) {
      p.pci_bus_id = absl::StrFormat("%04x:%02x:%02x.%x", pci.address.domain, pci.address.bus,
                                     pci.address.device, pci.address.function);
    }
  }

  abi::ze_device_memory_access_properties_t access{};
  access.stype = abi::kStructureTypeDeviceMemoryAccessProperties;
  SPILLWAY_RETURN_IF_ERROR(ZeStatus(s.zeDeviceGetMemoryAccessProperties(device, &access),
                                    "zeDeviceGetMemoryAccessProperties"));
  auto lacks = [limitations](hal::Capability cap, std::string why) {
    limitations->push_back({hal::CapabilityName(cap), std::move(why)});
  };
  const bool shared = access.sharedSingleDeviceAllocCapabilities != 0;
  const bool managed = shared && s.zeMemAllocShared != nullptr;
  if (managed) {
    p.capabilities |= hal::kCapManagedMemory;
  } else {
    lacks(hal::kCapManagedMemory,
          shared ? "the loader does not export zeMemAllocShared"
                 : "the device reports no shared allocations (sharedSingleDeviceAllocCapabilities "
                   "= 0); the runtime spills to pinned host memory instead");
  }
  const std::string no_managed = "no shared (managed) allocations on this device";
  if (managed && s.zeCommandListAppendMemAdvise != nullptr) {
    p.capabilities |= hal::kCapAdviseReadMostly | hal::kCapAdvisePreferredLocation;
  } else {
    const std::string why =
        managed ? "the loader does not export zeCommandListAppendMemAdvise" : no_managed;
    lacks(hal::kCapAdviseReadMostly, why);
    lacks(hal::kCapAdvisePreferredLocation, why);
  }
  lacks(hal::kCapAdviseAccessedBy, "Level Zero has no accessed-by memory advice");
  if (managed && s.zeCommandListAppendMemoryPrefetch != nullptr) {
    p.capabilities |= hal::kCapPrefetch;
    limitations->push_back(
        {"prefetch_to_host",
         "zeCommandListAppendMemoryPrefetch moves pages only to the command list's device; a "
         "prefetch to host memory is accepted and does nothing (pages return on CPU access)"});
  } else {
    lacks(hal::kCapPrefetch, managed ? "the loader does not export "
                                       "zeCommandListAppendMemoryPrefetch"
                                     : no_managed);
  }
  // Shared allocations beyond device memory need the device to fault and
  // migrate while the CPU uses them: concurrent access.
  if (managed && (access.sharedSingleDeviceAllocCapabilities & abi::kMemoryAccessCapConcurrent)) {
    p.capabilities |= hal::kCapOversubscription;
  } else {
    lacks(hal::kCapOversubscription,
          managed
              ? "shared allocations lack concurrent access (ZE_MEMORY_ACCESS_CAP_FLAG_CONCURRENT)"
              : no_managed);
  }
  lacks(hal::kCapHostNumaLocation, "Level Zero advice and prefetch name no host NUMA node");
  if (access.hostAllocCapabilities != 0) {
    p.capabilities |= hal::kCapHostMappedMemory;
  } else {
    lacks(hal::kCapHostMappedMemory,
          "the device cannot access host allocations (hostAllocCapabilities = 0)");
  }

  std::string uri = absl::StrCat("levelzero://", ordinal);
  std::unique_ptr<LevelZeroDevice> opened(new LevelZeroDevice(
      std::move(p), std::move(uri), s, context, device, props.maxMemAllocSize,
      props.timerResolution == 0 ? 1 : props.timerResolution, props.kernelTimestampValidBits));
  SPILLWAY_ASSIGN_OR_RETURN(opened->sync_stream_,
                            LevelZeroStream::Create(*opened, /*tracked=*/false));
  if (absl::StatusOr<hal::MemoryInfo> sysman = opened->SysmanMemoryInfo(); !sysman.ok()) {
    limitations->push_back(
        {"free_memory",
         absl::StrCat("free memory counts only this process's allocations, not the driver's "
                      "reservation or other processes (Sysman: ",
                      sysman.status().message(), "; set ZES_ENABLE_SYSMAN=1 before start)")});
  }
  return opened;
}

void LevelZeroDevice::AddStream(LevelZeroStream* stream) {
  absl::MutexLock lock(&streams_mu_);
  streams_.insert(stream);
}

void LevelZeroDevice::RemoveStream(LevelZeroStream* stream) {
  absl::MutexLock lock(&streams_mu_);
  streams_.erase(stream);
}

absl::StatusOr<hal::MemoryInfo> LevelZeroDevice::SysmanMemoryInfo() {
  if (symbols_.zesDeviceEnumMemoryModules == nullptr || symbols_.zesMemoryGetState == nullptr) {
    return absl::UnavailableError("the loader has no Sysman memory calls");
  }
  uint32_t count = 0;
  SPILLWAY_RETURN_IF_ERROR(ZeStatus(symbols_.zesDeviceEnumMemoryModules(device_, &count, nullptr),
                                    "zesDeviceEnumMemoryModules"));
  if (count == 0) return absl::UnavailableError("Sysman reports no memory module");
  std::vector<abi::zes_mem_handle_t> modules(count);
  SPILLWAY_RETURN_IF_ERROR(
      ZeStatus(symbols_.zesDeviceEnumMemoryModules(device_, &count, modules.data()),
               "zesDeviceEnumMemoryModules"));
  hal::MemoryInfo info;
  for (uint32_t i = 0; i < count && i < modules.size(); ++i) {
    abi::zes_mem_state_t state = EmptyMemState();
    SPILLWAY_RETURN_IF_ERROR(
        ZeStatus(symbols_.zesMemoryGetState(modules[i], &state), "zesMemoryGetState"));
    info.free += state.free;
    info.total += state.size;
  }
  return info;
}

absl::StatusOr<hal::MemoryInfo> LevelZeroDevice::DoGetMemoryInfo() {
  const uint64_t total = properties().total_memory;
  absl::StatusOr<hal::MemoryInfo> sysman = SysmanMemoryInfo();
  if (sysman.ok()) {
    // Sysman counts physical memory; the HAL reports against the usable total.
    hal::MemoryInfo info{std::min(sysman->free, total), std::min(sysman->total, total)};
    info.free = std::min(info.free, info.total);
    return info;
  }
  // Without Sysman (ZES_ENABLE_SYSMAN=1 unset, or no driver support) the core
  // API has no free-memory query: count what this process allocated.
  const uint64_t used = device_bytes_.load();
  return hal::MemoryInfo{used < total ? total - used : 0, total};
}

absl::StatusOr<void*> LevelZeroDevice::DoAllocate(hal::MemoryKind kind, size_t size) {
  // Beyond maxMemAllocSize (often 4 GiB) an allocation must say so.
  const abi::ze_relaxed_allocation_limits_exp_desc_t relaxed = {
      abi::kStructureTypeRelaxedAllocationLimitsExpDesc, nullptr,
      abi::kRelaxedAllocationLimitsMaxSize};
  const abi::ze_device_mem_alloc_desc_t device_desc = {
      abi::kStructureTypeDeviceMemAllocDesc, size > max_alloc_size_ ? &relaxed : nullptr, 0, 0};
  const abi::ze_host_mem_alloc_desc_t host_desc = {abi::kStructureTypeHostMemAllocDesc, nullptr, 0};
  void* ptr = nullptr;
  abi::ze_result_t result = abi::kSuccess;
  const char* call = nullptr;
  switch (kind) {
    case hal::MemoryKind::kDevice:
      result = symbols_.zeMemAllocDevice(context_, &device_desc, size, 0, device_, &ptr);
      call = "zeMemAllocDevice";
      break;
    case hal::MemoryKind::kHost:
      result = symbols_.zeMemAllocHost(context_, &host_desc, size, 0, &ptr);
      call = "zeMemAllocHost";
      break;
    case hal::MemoryKind::kManaged:
      result =
          symbols_.zeMemAllocShared(context_, &device_desc, &host_desc, size, 0, device_, &ptr);
      call = "zeMemAllocShared";
      break;
  }
  // The detail is formatted only for a failure: allocation is a hot path.
  if (result != abi::kSuccess) return ZeStatus(result, call, absl::StrCat(size, " bytes"));
  if (kind == hal::MemoryKind::kDevice) device_bytes_.fetch_add(size);
  if (ptr == nullptr) {
    return absl::InternalError(absl::StrFormat(
        "%s: the driver reported success but returned no pointer for %u bytes of %s memory", uri(),
        size, hal::MemoryKindName(kind)));
  }
  return ptr;
}

absl::Status LevelZeroDevice::DoFree(const hal::Allocation& allocation) {
  SPILLWAY_RETURN_IF_ERROR(ZeStatus(symbols_.zeMemFree(context_, allocation.base), "zeMemFree"));
  if (allocation.kind == hal::MemoryKind::kDevice) device_bytes_.fetch_sub(allocation.size);
  return absl::OkStatus();
}

absl::Status LevelZeroDevice::DoCopy(void* dst, hal::Endpoint, const void* src, hal::Endpoint,
                                     size_t size) {
  // One direction-free copy; the driver tells the ends apart itself.
  SPILLWAY_RETURN_IF_ERROR(sync_stream_->AppendCopy(dst, src, size));
  return sync_stream_->Synchronize();
}

absl::Status LevelZeroDevice::DoFill(void* dst, hal::Endpoint dst_kind, uint8_t value,
                                     size_t size) {
  if (dst_kind == hal::Endpoint::kPageableHost) {
    // The device fills only memory it can address (USM allocations); the
    // caller's own host memory is filled by the CPU.
    std::memset(dst, value, size);
    return absl::OkStatus();
  }
  SPILLWAY_RETURN_IF_ERROR(sync_stream_->AppendFill(dst, value, size));
  return sync_stream_->Synchronize();
}

absl::StatusOr<std::unique_ptr<hal::Stream>> LevelZeroDevice::DoCreateStream() {
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<LevelZeroStream> stream,
                            LevelZeroStream::Create(*this, /*tracked=*/true));
  return std::unique_ptr<hal::Stream>(std::move(stream));
}

absl::StatusOr<std::unique_ptr<hal::Event>> LevelZeroDevice::DoCreateEvent() {
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<LevelZeroEvent> event, LevelZeroEvent::Create(*this));
  return std::unique_ptr<hal::Event>(std::move(event));
}

absl::Status LevelZeroDevice::DoCopyAsync(void* dst, hal::Endpoint, const void* src, hal::Endpoint,
                                          size_t size, hal::Stream& stream) {
  // The HAL checked that the stream is this device's, so it is a LevelZeroStream.
  return static_cast<LevelZeroStream&>(stream).AppendCopy(dst, src, size);
}

absl::Status LevelZeroDevice::DoFillAsync(void* dst, hal::Endpoint dst_kind, uint8_t value,
                                          size_t size, hal::Stream& stream) {
  if (dst_kind == hal::Endpoint::kPageableHost) {
    // As DoFill, in stream order: wait for the work enqueued before it.
    SPILLWAY_RETURN_IF_ERROR(stream.Synchronize());
    std::memset(dst, value, size);
    return absl::OkStatus();
  }
  return static_cast<LevelZeroStream&>(stream).AppendFill(dst, value, size);
}

absl::Status LevelZeroDevice::DoAdvise(void* ptr, size_t size, hal::Advice advice,
                                       hal::Location location) {
  SPILLWAY_ASSIGN_OR_RETURN(abi::ze_memory_advice_t value, ZeAdviceFor(advice, location));
  // Advice is a command in Level Zero; the HAL's advice returns when applied.
  SPILLWAY_RETURN_IF_ERROR(sync_stream_->AppendAdvise(ptr, size, value));
  return sync_stream_->Synchronize();
}

absl::Status LevelZeroDevice::DoPrefetch(void* ptr, size_t size, hal::Location location,
                                         hal::Stream& stream) {
  // Only to the list's own device; host-bound pages come back on CPU access
  // (Limitations(): "prefetch_to_host").
  if (location.type != hal::Location::Type::kDevice) return absl::OkStatus();
  return static_cast<LevelZeroStream&>(stream).AppendPrefetch(ptr, size);
}

absl::Status LevelZeroDevice::DoSynchronize() {
  // No device-wide wait in the core API: wait for every live stream (the
  // internal list is waited for by each synchronous call).
  absl::MutexLock lock(&streams_mu_);
  for (LevelZeroStream* stream : streams_) SPILLWAY_RETURN_IF_ERROR(stream->Synchronize());
  return absl::OkStatus();
}

}  // namespace spillway::levelzero
