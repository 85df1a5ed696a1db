// The "cambricon" backend: Cambricon MLUs through CNRT, loaded from
// libcnrt.so with dlopen at run time (docs/backends.md).
#ifndef SPILLWAY_BACKENDS_CAMBRICON_CAMBRICON_BACKEND_H_
#define SPILLWAY_BACKENDS_CAMBRICON_CAMBRICON_BACKEND_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/registry.h"

namespace spillway::cambricon {

inline constexpr char kCambriconBackendName[] = "cambricon";
// Overrides the runtime library's name or path (for example the CPU fake of
// libcnrt.so that CI uses). Read when the backend is created.
inline constexpr char kCambriconLibraryEnvVar[] = "SPILLWAY_CAMBRICON_LIBRARY";
inline constexpr char kDefaultCambriconLibrary[] = "libcnrt.so";

// A backend named "cambricon" over CNRT at `library` (a name for the loader's
// search path, or a path). Never fails: a missing library, a missing required
// symbol or no device gives a backend whose Availability() is UNAVAILABLE
// with the reason, with 0 devices. CNRT 5 and later need no init call; the
// backend never resets a device (cnrtDeviceReset would destroy what other
// users of CNRT in the process hold).
//
// CNRT 6 has no managed memory, so the devices lack kCapManagedMemory and the
// runtime oversubscribes them by spilling to pinned host memory, where the
// device can use host memory at the CPU's address (kCapHostMappedMemory).
//
// Ownership: the caller owns the backend, which owns its devices and keeps the
// library loaded until it is destroyed. Thread-safety: as hal::Backend.
std::unique_ptr<hal::Backend> CreateCambriconBackend(const std::string& library);

// kCambriconLibraryEnvVar when set and non-empty, else kDefaultCambriconLibrary.
std::string CambriconLibraryFromEnvironment();

// Registers "cambricon" with a factory that calls
// CreateCambriconBackend(CambriconLibraryFromEnvironment()) when the backend
// is first used. ALREADY_EXISTS when "cambricon" is registered already.
absl::Status RegisterCambriconBackend(hal::Registry& registry);

}  // namespace spillway::cambricon

#endif  // SPILLWAY_BACKENDS_CAMBRICON_CAMBRICON_BACKEND_H_
