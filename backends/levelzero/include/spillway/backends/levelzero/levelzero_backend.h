// The "levelzero" backend: Intel GPUs through the oneAPI Level Zero loader
// (libze_loader.so.1), loaded with dlopen at run time (docs/backends.md).
#ifndef SPILLWAY_BACKENDS_LEVELZERO_LEVELZERO_BACKEND_H_
#define SPILLWAY_BACKENDS_LEVELZERO_LEVELZERO_BACKEND_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/registry.h"

namespace spillway::levelzero {

inline constexpr char kLevelZeroBackendName[] = "levelzero";
// Overrides the loader's name or path. Read when the backend is created. The
// loader itself finds drivers (ZE_ENABLE_ALT_DRIVERS=<paths> names drivers of
// one's own, as CI does with the CPU fake driver), and reports free memory
// only when ZES_ENABLE_SYSMAN=1 was set before the backend starts.
inline constexpr char kLevelZeroLibraryEnvVar[] = "SPILLWAY_LEVELZERO_LIBRARY";
inline constexpr char kDefaultLevelZeroLibrary[] = "libze_loader.so.1";

// A backend named "levelzero" over the loader at `library` (a soname for the
// loader's search path, or a path), with every GPU of every driver, in driver
// order. Never fails: a missing library or required symbol, a failing zeInit
// or no GPU gives a backend whose Availability() is UNAVAILABLE with the
// reason, with 0 devices. Ownership: the caller owns the backend, which owns
// its devices and one context per driver and keeps the loader loaded until it
// is destroyed. Thread-safety: as hal::Backend.
std::unique_ptr<hal::Backend> CreateLevelZeroBackend(const std::string& library);

// kLevelZeroLibraryEnvVar when set and non-empty, else kDefaultLevelZeroLibrary.
std::string LevelZeroLibraryFromEnvironment();

// Registers "levelzero" with a factory that calls
// CreateLevelZeroBackend(LevelZeroLibraryFromEnvironment()) when the backend
// is first used. ALREADY_EXISTS when "levelzero" is registered already.
absl::Status RegisterLevelZeroBackend(hal::Registry& registry);

}  // namespace spillway::levelzero

#endif  // SPILLWAY_BACKENDS_LEVELZERO_LEVELZERO_BACKEND_H_
