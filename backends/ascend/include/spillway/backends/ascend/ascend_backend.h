// The "ascend" backend: Huawei Ascend NPUs through the ACL runtime, loaded
// from libascendcl.so with dlopen at run time (docs/backends.md).
#ifndef SPILLWAY_BACKENDS_ASCEND_ASCEND_BACKEND_H_
#define SPILLWAY_BACKENDS_ASCEND_ASCEND_BACKEND_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/registry.h"

namespace spillway::ascend {

inline constexpr char kAscendBackendName[] = "ascend";
// Overrides the runtime library's name or path (for example the CPU fake of
// libascendcl.so that CI uses). Read when the backend is created.
inline constexpr char kAscendLibraryEnvVar[] = "SPILLWAY_ASCEND_LIBRARY";
inline constexpr char kDefaultAscendLibrary[] = "libascendcl.so";

// A backend named "ascend" over the ACL runtime at `library` (a name for the
// loader's search path, or a path). Never fails: a missing library, a missing
// required symbol, a failing aclInit or no device gives a backend whose
// Availability() is UNAVAILABLE with the reason, with 0 devices.
//
// ACL is process-wide: the first live Ascend backend calls aclInit and the
// last one destroyed calls aclFinalize (unless ACL was already initialized by
// someone else in the process, which then keeps ownership). Each device is
// opened with aclrtSetDevice and released with aclrtResetDevice.
//
// Ownership: the caller owns the backend, which owns its devices and keeps the
// library loaded until it is destroyed. Thread-safety: as hal::Backend.
std::unique_ptr<hal::Backend> CreateAscendBackend(const std::string& library);

// kAscendLibraryEnvVar when set and non-empty, else kDefaultAscendLibrary.
std::string AscendLibraryFromEnvironment();

// Registers "ascend" with a factory that calls
// CreateAscendBackend(AscendLibraryFromEnvironment()) when the backend is
// first used. ALREADY_EXISTS when "ascend" is registered already.
absl::Status RegisterAscendBackend(hal::Registry& registry);

}  // namespace spillway::ascend

#endif  // SPILLWAY_BACKENDS_ASCEND_ASCEND_BACKEND_H_
