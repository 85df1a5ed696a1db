#include "three_models/fake_decode_device.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "spillway/backends/fake/fake_device.h"
#include "spillway/hal/status.h"
#include "spillway/hal/stream.h"
#include "three_models/decode_step.h"

namespace spillway::samples::three_models {
namespace {

class FakeDecodeDevice final : public DecodeDevice {
 public:
  FakeDecodeDevice(fake::FakeDevice& device, std::unique_ptr<hal::Stream> compute)
      : device_(device), compute_(std::move(compute)) {}

  absl::Status LoadModels(const ModelLayout& layout,
                          const std::vector<ModelBuffers>& buffers) override {
    return LoadIntoHostMemory(device_, layout, buffers);
  }
  absl::Status Synchronize() override { return device_.Synchronize(); }
  absl::Status RunDecodeStep(const ModelLayout& layout, const ModelBuffers& buffers,
                             uint64_t position) override {
    SPILLWAY_RETURN_IF_ERROR(LaunchDecodeStep(device_, *compute_, layout, buffers, position));
    return compute_->Synchronize();
  }
  // The compute stream's clock: when the last token ended.
  double NowNs() override { return device_.StreamTimeNs(*compute_); }
  std::optional<fake::FakeCounters> Counters() const override { return device_.counters(); }

 private:
  fake::FakeDevice& device_;
  std::unique_ptr<hal::Stream> compute_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<DecodeDevice>> CreateFakeDecodeDevice(hal::Device& device) {
  fake::FakeDevice* fake_device = fake::AsFakeDevice(&device);
  if (fake_device == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        device.uri(), " is not a fake device: modeled time needs the fake's clock"));
  }
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<hal::Stream> compute, fake_device->CreateStream());
  return std::unique_ptr<DecodeDevice>(new FakeDecodeDevice(*fake_device, std::move(compute)));
}

}  // namespace spillway::samples::three_models
