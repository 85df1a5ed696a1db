// The runtime oversubscription suite over the in-process fake backend, the
// simulator every vendor fake is built on.
#include <string>

#include "absl/status/statusor.h"
#include "oversubscription_suite.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/backends/fake/fake_spec.h"

namespace spillway::runtime::oversubscription {
namespace {

OversubscriptionBackend FakeBackend() {
  return {.name = "fake", .fake = [](const std::string& spec) -> hal::BackendFactory {
            return [spec] {
              absl::StatusOr<fake::FakeSpec> parsed = fake::ParseFakeSpec(spec);
              EXPECT_TRUE(parsed.ok()) << parsed.status();
              return fake::CreateFakeBackend(parsed.value_or(fake::FakeSpec{}));
            };
          }};
}

INSTANTIATE_TEST_SUITE_P(Fake, RuntimeOversubscriptionTest, ::testing::Values(FakeBackend()),
                         OversubscriptionBackendName);

}  // namespace
}  // namespace spillway::runtime::oversubscription
