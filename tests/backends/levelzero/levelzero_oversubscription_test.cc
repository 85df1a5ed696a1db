// The runtime oversubscription suite (tests/runtime/oversubscription) over
// the Level Zero backend, the real loader and a private copy of the fake
// driver per test. Sysman is on, as docs/backends.md asks: the runtime sizes
// the device budget from the free memory the backend reports.
#include "fake_level_zero.h"
#include "oversubscription_suite.h"

namespace spillway::runtime::oversubscription {
namespace {

INSTANTIATE_TEST_SUITE_P(LevelZero, RuntimeOversubscriptionTest,
                         ::testing::Values(OversubscriptionBackend{
                             .name = "levelzero",
                             .fake = levelzero::testing::FakeLevelZero::SysmanFactory}),
                         OversubscriptionBackendName);

}  // namespace
}  // namespace spillway::runtime::oversubscription
