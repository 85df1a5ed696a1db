// The runtime oversubscription suite (tests/runtime/oversubscription) over
// the Ascend backend and the CPU fake of libascendcl.so: managed (UVM) memory
// where the device has it (CANN 9), pinned host spill where it can map host
// memory, and a clear refusal where it can do neither.
#include <string>

#include "ascend_test_support.h"
#include "oversubscription_suite.h"

namespace spillway::runtime::oversubscription {
namespace {

OversubscriptionBackend AscendBackend() {
  return {.name = "ascend", .fake = [](const std::string& spec) -> hal::BackendFactory {
            // The fake reads the spec in aclInit; the registry's reset finalizes it.
            return [spec] { return ascend::testing::FakeAscendBackend(spec); };
          }};
}

INSTANTIATE_TEST_SUITE_P(Ascend, RuntimeOversubscriptionTest, ::testing::Values(AscendBackend()),
                         OversubscriptionBackendName);

}  // namespace
}  // namespace spillway::runtime::oversubscription
