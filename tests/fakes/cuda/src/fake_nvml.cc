// A CPU fake of the part of NVML (libnvidia-ml.so.1) that the preload shim
// intercepts, reading the devices of the fake libcuda.so.1 through its
// fake-only entry points. Memory figures are this process's view of the
// simulated devices (the simulator is per process).
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/str_format.h"
#include "spillway/backends/cuda/nvml_abi.h"
#include "spillway/fakes/fake_cuda.h"

namespace nvml = ::spillway::cuda::nvml;

struct nvmlDevice_st {
  unsigned int index;
};

#define SPILLWAY_FAKE_NVML_EXPORT(name) \
  extern "C" __attribute__((visibility("default"))) nvml::Fn_##name name;

SPILLWAY_FAKE_NVML_EXPORT(nvmlInit_v2)
SPILLWAY_FAKE_NVML_EXPORT(nvmlShutdown)
SPILLWAY_FAKE_NVML_EXPORT(nvmlErrorString)
SPILLWAY_FAKE_NVML_EXPORT(nvmlDeviceGetCount_v2)
SPILLWAY_FAKE_NVML_EXPORT(nvmlDeviceGetHandleByIndex_v2)
SPILLWAY_FAKE_NVML_EXPORT(nvmlDeviceGetMemoryInfo)
SPILLWAY_FAKE_NVML_EXPORT(nvmlDeviceGetMemoryInfo_v2)
SPILLWAY_FAKE_NVML_EXPORT(nvmlDeviceGetPciInfo_v3)
SPILLWAY_FAKE_NVML_EXPORT(nvmlDeviceGetName)
SPILLWAY_FAKE_NVML_EXPORT(nvmlDeviceGetUUID)

namespace {

constexpr unsigned int kMaxDevices = 64;
nvmlDevice_st devices[kMaxDevices];
// Reference-counted like NVML's own init.
int init_count = 0;

nvml::nvmlReturn_t Info(nvml::nvmlDevice_t device, SpillwayFakeCudaDeviceInfo* info) {
  if (init_count <= 0) return nvml::kErrorUninitialized;
  if (device < &devices[0] || device >= &devices[kMaxDevices]) return nvml::kErrorInvalidArgument;
  if (spillwayFakeCudaGetDeviceInfo(static_cast<int>(device->index), info) != 0) {
    return nvml::kErrorInvalidArgument;
  }
  return nvml::kSuccess;
}

nvml::nvmlReturn_t CopyString(const std::string& text, char* out, unsigned int length) {
  if (out == nullptr) return nvml::kErrorInvalidArgument;
  if (text.size() + 1 > length) return nvml::kErrorInsufficientSize;
  std::memcpy(out, text.c_str(), text.size() + 1);
  return nvml::kSuccess;
}

}  // namespace

extern "C" nvml::nvmlReturn_t nvmlInit_v2() {
  int count = 0;
  if (spillwayFakeCudaDeviceCount(&count) != 0) return nvml::kErrorUnknown;
  ++init_count;
  return nvml::kSuccess;
}

extern "C" nvml::nvmlReturn_t nvmlShutdown() {
  if (init_count <= 0) return nvml::kErrorUninitialized;
  --init_count;
  return nvml::kSuccess;
}

extern "C" const char* nvmlErrorString(nvml::nvmlReturn_t result) {
  switch (result) {
    case nvml::kSuccess: return "Success";
    case nvml::kErrorUninitialized: return "Uninitialized";
    case nvml::kErrorInvalidArgument: return "Invalid Argument";
    case nvml::kErrorNotSupported: return "Not Supported";
    case nvml::kErrorInsufficientSize: return "Insufficient Size";
    default: return "Unknown Error";
  }
}

extern "C" nvml::nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* count) {
  if (init_count <= 0) return nvml::kErrorUninitialized;
  if (count == nullptr) return nvml::kErrorInvalidArgument;
  int n = 0;
  if (spillwayFakeCudaDeviceCount(&n) != 0) return nvml::kErrorUnknown;
  *count = static_cast<unsigned int>(n);
  return nvml::kSuccess;
}

extern "C" nvml::nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index,
                                                            nvml::nvmlDevice_t* device) {
  if (init_count <= 0) return nvml::kErrorUninitialized;
  unsigned int count = 0;
  if (device == nullptr || nvmlDeviceGetCount_v2(&count) != 0 || index >= count ||
      index >= kMaxDevices) {
    return nvml::kErrorInvalidArgument;
  }
  devices[index].index = index;
  *device = &devices[index];
  return nvml::kSuccess;
}

extern "C" nvml::nvmlReturn_t nvmlDeviceGetMemoryInfo(nvml::nvmlDevice_t device,
                                                      nvml::nvmlMemory_t* memory) {
  SpillwayFakeCudaDeviceInfo info;
  if (nvml::nvmlReturn_t r = Info(device, &info)) return r;
  if (memory == nullptr) return nvml::kErrorInvalidArgument;
  memory->total = info.total_bytes;
  memory->free = info.free_bytes;
  memory->used = info.total_bytes - info.free_bytes;
  return nvml::kSuccess;
}

extern "C" nvml::nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvml::nvmlDevice_t device,
                                                         nvml::nvmlMemory_v2_t* memory) {
  SpillwayFakeCudaDeviceInfo info;
  if (nvml::nvmlReturn_t r = Info(device, &info)) return r;
  if (memory == nullptr) return nvml::kErrorInvalidArgument;
  memory->total = info.total_bytes;
  memory->reserved = 0;
  memory->free = info.free_bytes;
  memory->used = info.total_bytes - info.free_bytes;
  return nvml::kSuccess;
}

extern "C" nvml::nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvml::nvmlDevice_t device,
                                                      nvml::nvmlPciInfo_t* pci) {
  SpillwayFakeCudaDeviceInfo info;
  if (nvml::nvmlReturn_t r = Info(device, &info)) return r;
  if (pci == nullptr) return nvml::kErrorInvalidArgument;
  *pci = nvml::nvmlPciInfo_t{};
  unsigned int domain = 0, bus = 0, slot = 0, function = 0;
  if (std::sscanf(info.pci_bus_id, "%x:%x:%x.%x", &domain, &bus, &slot, &function) != 4) {
    return nvml::kErrorUnknown;
  }
  pci->domain = domain;
  pci->bus = bus;
  pci->device = slot;
  // NVML writes an 8-digit domain, upper-case hex.
  const std::string id = absl::StrFormat("%08X:%02X:%02X.%X", domain, bus, slot, function);
  std::snprintf(pci->busId, sizeof(pci->busId), "%s", id.c_str());
  std::snprintf(pci->busIdLegacy, sizeof(pci->busIdLegacy), "%s", id.substr(4).c_str());
  return nvml::kSuccess;
}

extern "C" nvml::nvmlReturn_t nvmlDeviceGetName(nvml::nvmlDevice_t device, char* name,
                                                unsigned int length) {
  SpillwayFakeCudaDeviceInfo info;
  if (nvml::nvmlReturn_t r = Info(device, &info)) return r;
  return CopyString(info.name, name, length);
}

extern "C" nvml::nvmlReturn_t nvmlDeviceGetUUID(nvml::nvmlDevice_t device, char* uuid,
                                                unsigned int length) {
  SpillwayFakeCudaDeviceInfo info;
  if (nvml::nvmlReturn_t r = Info(device, &info)) return r;
  const unsigned char* u = info.uuid;
  const std::string text = absl::StrFormat(
      "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2],
      u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
  return CopyString(text, uuid, length);
}
