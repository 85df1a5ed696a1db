// The "cuda" backend: NVIDIA GPUs through the CUDA driver API, loaded from
// libcuda.so.1 with dlopen at run time (docs/cuda.md).
#ifndef SPILLWAY_BACKENDS_CUDA_CUDA_BACKEND_H_
#define SPILLWAY_BACKENDS_CUDA_CUDA_BACKEND_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/registry.h"

namespace spillway::cuda {

inline constexpr char kCudaBackendName[] = "cuda";
// Overrides the driver library's name or path (for example the CPU fake of
// libcuda.so.1 that CI uses). Read when the backend is created.
inline constexpr char kCudaLibraryEnvVar[] = "SPILLWAY_CUDA_LIBRARY";
inline constexpr char kDefaultCudaLibrary[] = "libcuda.so.1";

// A backend named "cuda" over the driver at `library` (a soname for the
// loader's search path, or a path). Never fails: a missing library, a missing
// required symbol, a failing cuInit or no device gives a backend whose
// Availability() is UNAVAILABLE with the reason, with 0 devices.
// Ownership: the caller owns the backend, which owns its devices and keeps
// the library loaded (and each device's primary context retained) until it
// is destroyed. Thread-safety: as hal::Backend (every call).
std::unique_ptr<hal::Backend> CreateCudaBackend(const std::string& library);

// The library CreateCudaBackend would use by default: kCudaLibraryEnvVar when
// set and non-empty, else kDefaultCudaLibrary.
std::string CudaLibraryFromEnvironment();

// Registers "cuda" with a factory that calls
// CreateCudaBackend(CudaLibraryFromEnvironment()) when the backend is first
// used. ALREADY_EXISTS when "cuda" is registered already.
absl::Status RegisterCudaBackend(hal::Registry& registry);

}  // namespace spillway::cuda

#endif  // SPILLWAY_BACKENDS_CUDA_CUDA_BACKEND_H_
