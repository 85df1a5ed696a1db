// The "hygon" backend: Hygon DCUs through DTK's HIP runtime, loaded with
// dlopen at run time (docs/backends.md). The same code drives AMD's
// libamdhip64.so, which exports the same C API.
#ifndef SPILLWAY_BACKENDS_HYGON_HYGON_BACKEND_H_
#define SPILLWAY_BACKENDS_HYGON_HYGON_BACKEND_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/registry.h"

namespace spillway::hygon {

inline constexpr char kHygonBackendName[] = "hygon";
// Overrides the HIP runtime's name or path (for example the CPU fake of
// libgalaxyhip.so that CI uses). Read when the backend is created.
inline constexpr char kHygonLibraryEnvVar[] = "SPILLWAY_HYGON_LIBRARY";

// The libraries tried in order when kHygonLibraryEnvVar is unset: DTK's
// runtime under its two names, then AMD's (vendor-abi.md section 4). DTK's
// runtime needs /opt/hyhal/lib on the loader's path (LD_LIBRARY_PATH).
std::vector<std::string> DefaultHygonLibraries();

// A backend named "hygon" over the first of `libraries` that loads (names for
// the loader's search path, or paths). Never fails: a missing library, a
// missing required symbol, a failing hipInit or no device gives a backend
// whose Availability() is UNAVAILABLE with the reason, with 0 devices.
// Ownership: the caller owns the backend, which owns its devices and keeps
// the library loaded until it is destroyed. Thread-safety: as hal::Backend.
std::unique_ptr<hal::Backend> CreateHygonBackend(const std::vector<std::string>& libraries);

// kHygonLibraryEnvVar when set and non-empty (one candidate), else
// DefaultHygonLibraries().
std::vector<std::string> HygonLibrariesFromEnvironment();

// Registers "hygon" with a factory that calls
// CreateHygonBackend(HygonLibrariesFromEnvironment()) when the backend is
// first used. ALREADY_EXISTS when "hygon" is registered already.
absl::Status RegisterHygonBackend(hal::Registry& registry);

}  // namespace spillway::hygon

#endif  // SPILLWAY_BACKENDS_HYGON_HYGON_BACKEND_H_
