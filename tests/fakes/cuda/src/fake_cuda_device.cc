// Initialization, version, error names and device queries of the fake
// libcuda.so.1, plus the fake-only entry points of fake_cuda.h.
#include <cstdio>
#include <cstring>

#include "absl/strings/str_format.h"
#include "fake_driver.h"

using spillway::fake_cuda::FakeDriver;

namespace {

struct ErrorText {
  cuda_abi::CUresult code;
  const char* name;
  const char* text;
};

constexpr ErrorText kErrors[] = {
    {0, "CUDA_SUCCESS", "no error"},
    {1, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {3, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
    {4, "CUDA_ERROR_DEINITIALIZED", "driver shutting down"},
    {100, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {101, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {201, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context"},
    {304, "CUDA_ERROR_OPERATING_SYSTEM", "OS call failed or operation not supported on this OS"},
    {400, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"},
    {500, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {600, "CUDA_ERROR_NOT_READY", "device not ready"},
    {700, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"},
    {708, "CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE", "primary context active"},
    {800, "CUDA_ERROR_NOT_PERMITTED", "operation not permitted"},
    {801, "CUDA_ERROR_NOT_SUPPORTED", "operation not supported"},
    {999, "CUDA_ERROR_UNKNOWN", "unknown error"},
};

const ErrorText* FindError(cuda_abi::CUresult code) {
  for (const ErrorText& e : kErrors) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

cuda_abi::CUresult CheckDevice(FakeDriver& d, cuda_abi::CUdevice dev) {
  if (cuda_abi::CUresult r = d.CheckInitialized()) return r;
  return d.ValidDevice(dev) ? cuda_abi::kSuccess : cuda_abi::kErrorInvalidDevice;
}

void CopyName(char* out, int len, const std::string& name) {
  const size_t n = std::min(name.size(), static_cast<size_t>(len - 1));
  std::memcpy(out, name.data(), n);
  out[n] = '\0';
}

}  // namespace


extern "C" cuda_abi::CUresult cuInit(unsigned int flags) { return FakeDriver::Get().Init(flags); }

extern "C" cuda_abi::CUresult cuDriverGetVersion(int* version) {
  if (version == nullptr) return cuda_abi::kErrorInvalidValue;
  *version = FakeDriver::Get().driver_version();
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuGetErrorString(cuda_abi::CUresult error, const char** str) {
  if (str == nullptr) return cuda_abi::kErrorInvalidValue;
  const ErrorText* e = FindError(error);
  if (e == nullptr) {
    *str = nullptr;
    return cuda_abi::kErrorInvalidValue;
  }
  *str = e->text;
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuGetErrorName(cuda_abi::CUresult error, const char** str) {
  if (str == nullptr) return cuda_abi::kErrorInvalidValue;
  const ErrorText* e = FindError(error);
  if (e == nullptr) {
    *str = nullptr;
    return cuda_abi::kErrorInvalidValue;
  }
  *str = e->name;
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuDeviceGet(cuda_abi::CUdevice* device, int ordinal) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = d.CheckInitialized()) return r;
  if (device == nullptr) return cuda_abi::kErrorInvalidValue;
  if (!d.ValidDevice(ordinal)) return cuda_abi::kErrorInvalidDevice;
  *device = ordinal;
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuDeviceGetCount(int* count) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = d.CheckInitialized()) return r;
  if (count == nullptr) return cuda_abi::kErrorInvalidValue;
  *count = d.device_count();
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuDeviceGetName(char* name, int len, cuda_abi::CUdevice dev) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = CheckDevice(d, dev)) return r;
  if (name == nullptr || len <= 0) return cuda_abi::kErrorInvalidValue;
  CopyName(name, len, d.device(dev).properties().name);
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuDeviceGetUuid_v2(cuda_abi::CUuuid* uuid, cuda_abi::CUdevice dev) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = CheckDevice(d, dev)) return r;
  if (uuid == nullptr) return cuda_abi::kErrorInvalidValue;
  std::memcpy(uuid->bytes, d.device(dev).properties().uuid.data(), sizeof(uuid->bytes));
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuDeviceGetUuid(cuda_abi::CUuuid* uuid, cuda_abi::CUdevice dev) {
  return cuDeviceGetUuid_v2(uuid, dev);
}

extern "C" cuda_abi::CUresult cuDeviceTotalMem_v2(size_t* bytes, cuda_abi::CUdevice dev) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = CheckDevice(d, dev)) return r;
  if (bytes == nullptr) return cuda_abi::kErrorInvalidValue;
  *bytes = d.device(dev).properties().total_memory;
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuDeviceGetAttribute(int* pi, cuda_abi::CUdevice_attribute attrib,
                                              cuda_abi::CUdevice dev) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = CheckDevice(d, dev)) return r;
  if (pi == nullptr || attrib <= 0 || attrib > 200) return cuda_abi::kErrorInvalidValue;
  const spillway::fake::FakeSpec& spec = d.device(dev).spec();
  switch (attrib) {
    case cuda_abi::kAttrMaxThreadsPerBlock: *pi = 1024; break;
    case cuda_abi::kAttrWarpSize: *pi = 32; break;
    case cuda_abi::kAttrMultiprocessorCount: *pi = 72; break;  // an A10's
    case cuda_abi::kAttrCanMapHostMemory: *pi = spec.host_mapped ? 1 : 0; break;
    case cuda_abi::kAttrPciBusId: *pi = 0x17 + dev; break;       // as the fake's pci_bus_id
    case cuda_abi::kAttrPciDeviceId: *pi = 0; break;
    case cuda_abi::kAttrPciDomainId: *pi = 0; break;
    case cuda_abi::kAttrUnifiedAddressing: *pi = 1; break;
    case cuda_abi::kAttrTexturePitchAlignment: *pi = 32; break;
    case cuda_abi::kAttrComputeCapabilityMajor: *pi = 8; break;
    case cuda_abi::kAttrComputeCapabilityMinor: *pi = 6; break;
    case cuda_abi::kAttrManagedMemory:
    case cuda_abi::kAttrConcurrentManagedAccess: *pi = spec.managed ? 1 : 0; break;
    case cuda_abi::kAttrVirtualMemoryManagementSupported:
    case cuda_abi::kAttrMemoryPoolsSupported: *pi = 1; break;
    case cuda_abi::kAttrHostNumaId: *pi = d.host_numa_id(); break;
    default: *pi = 0; break;  // every other attribute: "not present"
  }
  return cuda_abi::kSuccess;
}

extern "C" cuda_abi::CUresult cuDeviceGetPCIBusId(char* pciBusId, int len, cuda_abi::CUdevice dev) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = CheckDevice(d, dev)) return r;
  if (pciBusId == nullptr || len <= 0) return cuda_abi::kErrorInvalidValue;
  CopyName(pciBusId, len, d.device(dev).properties().pci_bus_id);
  return cuda_abi::kSuccess;
}

extern "C" __attribute__((visibility("default"))) int spillwayFakeCudaDeviceCount(int* count) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = d.Usable()) return r;
  if (count == nullptr) return cuda_abi::kErrorInvalidValue;
  *count = d.device_count();
  return cuda_abi::kSuccess;
}

extern "C" __attribute__((visibility("default"))) int spillwayFakeCudaGetDeviceInfo(
    int ordinal, SpillwayFakeCudaDeviceInfo* info) {
  FakeDriver& d = FakeDriver::Get();
  if (cuda_abi::CUresult r = d.Usable()) return r;
  if (info == nullptr) return cuda_abi::kErrorInvalidValue;
  if (!d.ValidDevice(ordinal)) return cuda_abi::kErrorInvalidDevice;
  const spillway::hal::DeviceProperties& p = d.device(ordinal).properties();
  absl::StatusOr<spillway::hal::MemoryInfo> memory = d.device(ordinal).GetMemoryInfo();
  if (!memory.ok()) return spillway::fake_cuda::ResultFromStatus(memory.status());
  *info = SpillwayFakeCudaDeviceInfo{};
  CopyName(info->name, sizeof(info->name), p.name);
  std::memcpy(info->uuid, p.uuid.data(), sizeof(info->uuid));
  CopyName(info->pci_bus_id, sizeof(info->pci_bus_id), p.pci_bus_id);
  info->total_bytes = memory->total;
  info->free_bytes = memory->free;
  return cuda_abi::kSuccess;
}

extern "C" __attribute__((visibility("default"))) int spillwayFakeCudaRegisterKernel(
    const char* name, SpillwayFakeCudaKernel fn) {
  return FakeDriver::Get().RegisterKernel(name, fn);
}
