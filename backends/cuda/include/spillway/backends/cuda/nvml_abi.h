// The subset of NVIDIA's NVML ABI (libnvidia-ml.so.1) that the preload shim
// intercepts and the CPU fake implements, declared from vendor-abi.md section 1
// (no nvml.h exists on the build machine to check it against).
//
// Thread-safety, ownership, errors: declarations only; NVML's rules apply.
#ifndef SPILLWAY_BACKENDS_CUDA_NVML_ABI_H_
#define SPILLWAY_BACKENDS_CUDA_NVML_ABI_H_

struct nvmlDevice_st;

namespace spillway::cuda::nvml {

using nvmlReturn_t = int;
using nvmlDevice_t = nvmlDevice_st*;

inline constexpr nvmlReturn_t kSuccess = 0;
inline constexpr nvmlReturn_t kErrorUninitialized = 1;
inline constexpr nvmlReturn_t kErrorInvalidArgument = 2;
inline constexpr nvmlReturn_t kErrorNotSupported = 3;
inline constexpr nvmlReturn_t kErrorInsufficientSize = 7;
inline constexpr nvmlReturn_t kErrorLibraryNotFound = 12;
inline constexpr nvmlReturn_t kErrorFunctionNotFound = 13;
inline constexpr nvmlReturn_t kErrorUnknown = 999;

struct nvmlMemory_t {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};

// nvmlDeviceGetMemoryInfo_v2's struct; `version` is set by the caller.
struct nvmlMemory_v2_t {
  unsigned int version;
  unsigned long long total;
  unsigned long long reserved;
  unsigned long long free;
  unsigned long long used;
};

struct nvmlPciInfo_t {
  char busIdLegacy[16];
  unsigned int domain;
  unsigned int bus;
  unsigned int device;
  unsigned int pciDeviceId;
  unsigned int pciSubSystemId;
  char busId[32];
};

inline constexpr unsigned int kDeviceNameBufferSize = 96;
inline constexpr unsigned int kDeviceUuidBufferSize = 96;

using Fn_nvmlInit_v2 = nvmlReturn_t();
using Fn_nvmlShutdown = nvmlReturn_t();
using Fn_nvmlErrorString = const char*(nvmlReturn_t result);
using Fn_nvmlDeviceGetCount_v2 = nvmlReturn_t(unsigned int* count);
using Fn_nvmlDeviceGetHandleByIndex_v2 = nvmlReturn_t(unsigned int index, nvmlDevice_t* device);
using Fn_nvmlDeviceGetMemoryInfo = nvmlReturn_t(nvmlDevice_t device, nvmlMemory_t* memory);
using Fn_nvmlDeviceGetMemoryInfo_v2 = nvmlReturn_t(nvmlDevice_t device, nvmlMemory_v2_t* memory);
using Fn_nvmlDeviceGetPciInfo_v3 = nvmlReturn_t(nvmlDevice_t device, nvmlPciInfo_t* pci);
using Fn_nvmlDeviceGetName = nvmlReturn_t(nvmlDevice_t device, char* name, unsigned int length);
using Fn_nvmlDeviceGetUUID = nvmlReturn_t(nvmlDevice_t device, char* uuid, unsigned int length);

}  // namespace spillway::cuda::nvml

#endif  // SPILLWAY_BACKENDS_CUDA_NVML_ABI_H_
