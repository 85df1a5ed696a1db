// Uses an installed spillway through its public headers only: registers the
// fake backend, opens fake://0, copies a buffer through device memory and
// frees it. Built twice by tests/install/check.sh, with find_package(spillway)
// and with `pkg-config --cflags --libs spillway`.
// Exit status 0 when every call succeeded and the data came back intact.
#include <cstdio>
#include <vector>

#include "absl/status/status.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/hal/device.h"
#include "spillway/hal/registry.h"

namespace {

int Fail(const char* what, const absl::Status& status) {
  std::fprintf(stderr, "install consumer: %s: %s\n", what, status.ToString().c_str());
  return 1;
}

}  // namespace

int main() {
  spillway::hal::Registry registry;
  if (absl::Status s = spillway::fake::RegisterFakeBackend(registry); !s.ok()) {
    return Fail("RegisterFakeBackend", s);
  }
  absl::StatusOr<spillway::hal::Device*> device = registry.OpenDevice("fake://0");
  if (!device.ok()) return Fail("OpenDevice(fake://0)", device.status());

  constexpr size_t kSize = 1 << 20;
  absl::StatusOr<void*> memory = (*device)->Allocate(spillway::hal::MemoryKind::kDevice, kSize);
  if (!memory.ok()) return Fail("Allocate", memory.status());
  std::vector<unsigned char> in(kSize), out(kSize);
  for (size_t i = 0; i < kSize; ++i) in[i] = static_cast<unsigned char>(i * 7 + 1);
  if (absl::Status s = (*device)->Copy(*memory, in.data(), kSize); !s.ok()) {
    return Fail("Copy to device", s);
  }
  if (absl::Status s = (*device)->Copy(out.data(), *memory, kSize); !s.ok()) {
    return Fail("Copy to host", s);
  }
  if (absl::Status s = (*device)->Free(*memory); !s.ok()) return Fail("Free", s);
  if (in != out) {
    std::fprintf(stderr, "install consumer: data changed in the round trip\n");
    return 1;
  }
  std::printf("install consumer: %s is \"%s\"; 1 MiB round trip OK\n", (*device)->uri().c_str(),
              (*device)->properties().name.c_str());
  return 0;
}
