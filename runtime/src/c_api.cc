// The C API over spillway::Runtime. No exception or abort crosses it.
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "spillway/runtime.h"
#include "spillway/spillway.h"

struct spillway_runtime {
  std::unique_ptr<spillway::Runtime> runtime;
};

namespace {

thread_local std::string last_error;

int Report(const absl::Status& status) {
  if (status.ok()) {
    last_error.clear();
    return SPILLWAY_OK;
  }
  last_error = std::string(status.message());
  return static_cast<int>(status.code());
}

absl::StatusOr<spillway::runtime::VirtualDevice*> DeviceOf(spillway_runtime* rt, int device) {
  if (rt == nullptr || rt->runtime == nullptr) {
    return absl::InvalidArgumentError("null spillway_runtime handle");
  }
  return rt->runtime->Device(device);
}

void CopyString(char* dst, size_t capacity, const std::string& src) {
  const size_t n = std::min(capacity - 1, src.size());
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

}  // namespace

extern "C" {

int spillway_open(spillway_runtime** out) {
  if (out == nullptr) return Report(absl::InvalidArgumentError("spillway_open: out is null"));
  *out = nullptr;
  absl::StatusOr<std::unique_ptr<spillway::Runtime>> rt = spillway::Runtime::Open();
  if (!rt.ok()) return Report(rt.status());
  *out = new spillway_runtime{std::move(*rt)};
  return Report(absl::OkStatus());
}

void spillway_close(spillway_runtime* rt) { delete rt; }

int spillway_device_count(const spillway_runtime* rt) {
  return rt == nullptr || rt->runtime == nullptr ? 0 : rt->runtime->DeviceCount();
}

int spillway_get_device_info(spillway_runtime* rt, int device, spillway_device_info* out) {
  if (out == nullptr) return Report(absl::InvalidArgumentError("device_info: out is null"));
  absl::StatusOr<spillway::runtime::VirtualDevice*> dev = DeviceOf(rt, device);
  if (!dev.ok()) return Report(dev.status());
  const spillway::hal::DeviceProperties& props = (*dev)->device().properties();
  const spillway::runtime::VirtualDeviceOptions& o = (*dev)->options();
  *out = spillway_device_info{};
  CopyString(out->name, sizeof(out->name), props.name);
  CopyString(out->uri, sizeof(out->uri), (*dev)->device().uri());
  CopyString(out->pci_bus_id, sizeof(out->pci_bus_id), props.pci_bus_id);
  out->physical_memory = props.total_memory;
  out->virtual_size = o.virtual_size;
  out->device_budget = o.device_budget;
  out->numa_node = o.numa_node;
  out->oversubscribed = o.oversubscribe ? 1 : 0;
  return Report(absl::OkStatus());
}

int spillway_get_memory_info(spillway_runtime* rt, int device, spillway_memory_info* out) {
  if (out == nullptr) return Report(absl::InvalidArgumentError("memory_info: out is null"));
  absl::StatusOr<spillway::runtime::VirtualDevice*> dev = DeviceOf(rt, device);
  if (!dev.ok()) return Report(dev.status());
  absl::StatusOr<spillway::runtime::VirtualMemoryInfo> info = (*dev)->GetMemoryInfo();
  if (!info.ok()) return Report(info.status());
  *out = spillway_memory_info{info->total,       info->free,         info->used,
                              info->device_used, info->managed_used, info->host_spill_used};
  return Report(absl::OkStatus());
}

int spillway_alloc(spillway_runtime* rt, int device, uint64_t size, const spillway_hints* hints,
                   void** out) {
  if (out == nullptr) return Report(absl::InvalidArgumentError("alloc: out is null"));
  *out = nullptr;
  absl::StatusOr<spillway::runtime::VirtualDevice*> dev = DeviceOf(rt, device);
  if (!dev.ok()) return Report(dev.status());
  spillway::runtime::BufferHints h;
  if (hints != nullptr) {
    if (hints->role < SPILLWAY_ROLE_SCRATCH || hints->role > SPILLWAY_ROLE_ACTIVATIONS) {
      return Report(absl::InvalidArgumentError(absl::StrCat("alloc: unknown role ", hints->role)));
    }
    h.role = static_cast<spillway::runtime::BufferRole>(hints->role);
    if (hints->group != nullptr) h.group = hints->group;
    h.keep_resident = hints->keep_resident != 0;
  }
  absl::StatusOr<void*> ptr = (*dev)->Allocate(size, h);
  if (!ptr.ok()) return Report(ptr.status());
  *out = *ptr;
  return Report(absl::OkStatus());
}

int spillway_free(spillway_runtime* rt, int device, void* ptr) {
  absl::StatusOr<spillway::runtime::VirtualDevice*> dev = DeviceOf(rt, device);
  if (!dev.ok()) return Report(dev.status());
  return Report((*dev)->Free(ptr));
}

int spillway_placement_of(spillway_runtime* rt, int device, const void* ptr, int* out) {
  if (out == nullptr) return Report(absl::InvalidArgumentError("placement_of: out is null"));
  absl::StatusOr<spillway::runtime::VirtualDevice*> dev = DeviceOf(rt, device);
  if (!dev.ok()) return Report(dev.status());
  absl::StatusOr<spillway::runtime::BufferInfo> info = (*dev)->Describe(ptr);
  if (!info.ok()) return Report(info.status());
  *out = static_cast<int>(info->placement);
  return Report(absl::OkStatus());
}

int spillway_activate(spillway_runtime* rt, int device, const char* group) {
  if (group == nullptr) return Report(absl::InvalidArgumentError("activate: group is null"));
  absl::StatusOr<spillway::runtime::VirtualDevice*> dev = DeviceOf(rt, device);
  if (!dev.ok()) return Report(dev.status());
  return Report((*dev)->Activate(group));
}

int spillway_prefetch(spillway_runtime* rt, int device, void* const* buffers, size_t count) {
  if (buffers == nullptr && count != 0) {
    return Report(absl::InvalidArgumentError("prefetch: buffers is null"));
  }
  absl::StatusOr<spillway::runtime::VirtualDevice*> dev = DeviceOf(rt, device);
  if (!dev.ok()) return Report(dev.status());
  return Report((*dev)->Prefetch(absl::MakeConstSpan(buffers, count)));
}

const char* spillway_last_error(void) { return last_error.c_str(); }

}  // extern "C"
