// The "fake" backend: N simulated devices (docs/fake-device.md).
#ifndef SPILLWAY_BACKENDS_FAKE_FAKE_BACKEND_H_
#define SPILLWAY_BACKENDS_FAKE_FAKE_BACKEND_H_

#include <memory>

#include "absl/status/status.h"
#include "spillway/backends/fake/fake_device.h"
#include "spillway/backends/fake/fake_spec.h"
#include "spillway/hal/backend.h"
#include "spillway/hal/registry.h"

namespace spillway::fake {

inline constexpr char kFakeBackendName[] = "fake";

// A backend named "fake" with spec.devices FakeDevices ("fake://0", ...).
// Never fails: an invalid spec (ValidateFakeSpec) gives a backend whose
// Availability() is UNAVAILABLE with the reason, with 0 devices.
// Ownership: the caller owns the backend, which owns its devices.
std::unique_ptr<hal::Backend> CreateFakeBackend(FakeSpec spec);

// Registers "fake" with a factory that reads kFakeSpecEnvVar when the backend
// is created; a malformed spec gives an UNAVAILABLE backend carrying the parse
// error. ALREADY_EXISTS when "fake" is registered already.
absl::Status RegisterFakeBackend(hal::Registry& registry);

}  // namespace spillway::fake

#endif  // SPILLWAY_BACKENDS_FAKE_FAKE_BACKEND_H_
