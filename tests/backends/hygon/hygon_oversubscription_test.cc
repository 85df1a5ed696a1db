// The runtime oversubscription suite (tests/runtime/oversubscription) over
// the Hygon backend and a private copy of the fake libgalaxyhip.so per test.
#include "fake_galaxyhip.h"
#include "oversubscription_suite.h"

namespace spillway::runtime::oversubscription {
namespace {

INSTANTIATE_TEST_SUITE_P(Hygon, RuntimeOversubscriptionTest,
                         ::testing::Values(OversubscriptionBackend{
                             .name = "hygon", .fake = hygon::testing::FakeGalaxyHip::Factory}),
                         OversubscriptionBackendName);

}  // namespace
}  // namespace spillway::runtime::oversubscription
