// The runtime oversubscription suite (tests/runtime/oversubscription) over
// the Cambricon backend and the CPU fake of libcnrt.so. CNRT 6 has no managed
// memory, so the overflow spills to pinned host memory the device uses at the
// CPU's address, or is refused where it cannot.
#include <string>

#include "cambricon_test_support.h"
#include "oversubscription_suite.h"

namespace spillway::runtime::oversubscription {
namespace {

OversubscriptionBackend CambriconBackend() {
  return {.name = "cambricon",
          .fake = [](const std::string& spec) -> hal::BackendFactory {
            // Resets the fake first, so that it reads this spec.
            return [spec] { return cambricon::testing::FakeCambriconBackend(spec); };
          },
          .no_managed_memory = "CNRT 6 has no managed memory (docs/hal.md, 2.1)"};
}

INSTANTIATE_TEST_SUITE_P(Cambricon, RuntimeOversubscriptionTest,
                         ::testing::Values(CambriconBackend()), OversubscriptionBackendName);

}  // namespace
}  // namespace spillway::runtime::oversubscription
