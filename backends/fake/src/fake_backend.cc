#include "spillway/backends/fake/fake_backend.h"

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace spillway::fake {
namespace {

// Thread-safe: devices are created in the constructor and never change.
class FakeBackend : public hal::Backend {
 public:
  FakeBackend(const FakeSpec& spec, absl::Status availability)
      : spec_(spec), availability_(std::move(availability)) {
    if (!availability_.ok()) return;
    for (int i = 0; i < spec_.devices; ++i) {
      devices_.push_back(std::make_unique<FakeDevice>(spec_, i));
    }
  }

  absl::string_view name() const override { return kFakeBackendName; }
  absl::Status Availability() const override { return availability_; }
  int DeviceCount() const override { return static_cast<int>(devices_.size()); }

  absl::StatusOr<hal::Device*> GetDevice(int ordinal) override {
    if (!availability_.ok()) return availability_;
    if (ordinal < 0 || ordinal >= DeviceCount()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "fake: no device ", ordinal, " (the fake has ", DeviceCount(), " devices)"));
    }
    return devices_[static_cast<size_t>(ordinal)].get();
  }

  std::vector<hal::Limitation> Limitations() const override {
    std::vector<hal::Limitation> out;
    if (!spec_.managed) {
      for (hal::Capability cap :
           {hal::kCapManagedMemory, hal::kCapAdviseReadMostly, hal::kCapAdvisePreferredLocation,
            hal::kCapAdviseAccessedBy, hal::kCapPrefetch, hal::kCapHostNumaLocation,
            hal::kCapOversubscription}) {
        out.push_back({hal::CapabilityName(cap),
                       "fake spec managed=0: the simulated device has no managed memory "
                       "(like Cambricon CNRT 6), to exercise the host-spill path"});
      }
    }
    if (!spec_.host_mapped) {
      out.push_back({hal::CapabilityName(hal::kCapHostMappedMemory),
                     "fake spec host_mapped=0: kernels cannot reach pinned host memory"});
    }
    return out;
  }

 private:
  const FakeSpec spec_;
  const absl::Status availability_;
  std::vector<std::unique_ptr<FakeDevice>> devices_;
};

}  // namespace

std::unique_ptr<hal::Backend> CreateFakeBackend(FakeSpec spec) {
  absl::Status valid = ValidateFakeSpec(spec);
  if (!valid.ok()) {
    return std::make_unique<FakeBackend>(
        spec, absl::UnavailableError(absl::StrCat("fake backend: ", valid.message())));
  }
  return std::make_unique<FakeBackend>(spec, absl::OkStatus());
}

absl::Status RegisterFakeBackend(hal::Registry& registry) {
  return registry.Register(kFakeBackendName, []() -> std::unique_ptr<hal::Backend> {
    const char* text = std::getenv(kFakeSpecEnvVar);
    absl::StatusOr<FakeSpec> spec = ParseFakeSpec(text == nullptr ? "" : text);
    if (!spec.ok()) {
      return std::make_unique<FakeBackend>(
          FakeSpec(), absl::UnavailableError(absl::StrCat("fake backend: ", kFakeSpecEnvVar,
                                                          ": ", spec.status().message())));
    }
    return CreateFakeBackend(*std::move(spec));
  });
}

}  // namespace spillway::fake
