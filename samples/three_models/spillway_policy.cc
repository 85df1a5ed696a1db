#include "three_models/spillway_policy.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "spillway/hal/status.h"
#include "spillway/hal/stream.h"
#include "spillway/runtime.h"
#include "three_models/fake_decode_device.h"
#include "three_models/model_buffers.h"
#include "three_models/serving_loop.h"

namespace spillway::samples::three_models {
namespace {

// A directory of its own under $TMPDIR (or /tmp), removed with everything in
// it when this goes out of scope.
class TemporaryDirectory {
 public:
  static absl::StatusOr<TemporaryDirectory> Create() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp",
                                       "/spillway-three-models-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      const int err = errno;
      return absl::InternalError(
          absl::StrCat("cannot create a directory like ", pattern, ": ", std::strerror(err)));
    }
    return TemporaryDirectory(std::move(pattern));
  }
  TemporaryDirectory(TemporaryDirectory&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  TemporaryDirectory& operator=(TemporaryDirectory&&) = delete;
  ~TemporaryDirectory() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TemporaryDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// The runtime's buffers, freed (error paths included) before the runtime goes.
class RuntimeAllocations {
 public:
  explicit RuntimeAllocations(runtime::VirtualDevice& device) : device_(device) {}
  ~RuntimeAllocations() {
    for (void* ptr : owned_) (void)device_.Free(ptr);
  }
  RuntimeAllocations(const RuntimeAllocations&) = delete;
  RuntimeAllocations& operator=(const RuntimeAllocations&) = delete;

  absl::StatusOr<void*> Allocate(uint64_t size, const runtime::BufferHints& hints) {
    SPILLWAY_ASSIGN_OR_RETURN(void* ptr, device_.Allocate(size, hints));
    owned_.push_back(ptr);
    return ptr;
  }

 private:
  runtime::VirtualDevice& device_;
  std::vector<void*> owned_;
};

absl::StatusOr<PolicyResult> Serve(runtime::VirtualDevice& vdev, const ModelLayout& layout,
                                   const std::vector<Request>& requests,
                                   const DecodeDeviceFactory& decode_device,
                                   const ProgressFn& progress) {
  hal::Device& device = vdev.device();
  SPILLWAY_ASSIGN_OR_RETURN(
      std::unique_ptr<DecodeDevice> decode,
      decode_device ? decode_device(device) : CreateFakeDecodeDevice(device));
  RuntimeAllocations allocations(vdev);
  std::vector<ModelBuffers> buffers(layout.models);
  for (int m = 0; m < layout.models; ++m) {
    const std::string group = ModelName(m);
    SPILLWAY_ASSIGN_OR_RETURN(
        buffers[m].weights,
        allocations.Allocate(layout.weight_bytes(),
                             {.role = runtime::BufferRole::kWeights, .group = group}));
    SPILLWAY_ASSIGN_OR_RETURN(
        buffers[m].kv_cache,
        allocations.Allocate(layout.kv_cache_bytes(),
                             {.role = runtime::BufferRole::kKvCache, .group = group}));
  }
  SPILLWAY_RETURN_IF_ERROR(decode->LoadModels(layout, buffers));
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<hal::Stream> copy, device.CreateStream());

  std::optional<int> active;
  auto before_request = [&](size_t i) -> absl::Status {
    const int model = requests[i].model;
    if (active != model) {
      SPILLWAY_RETURN_IF_ERROR(vdev.Activate(ModelName(model), copy.get()));
      active = model;
    }
    // The queue shows the next request: if it is for another model, say so
    // now, while this one decodes.
    if (i + 1 < requests.size() && requests[i + 1].model != model) {
      const ModelBuffers& next = buffers[requests[i + 1].model];
      void* const next_buffers[] = {next.weights, next.kv_cache};
      SPILLWAY_RETURN_IF_ERROR(vdev.Prefetch(next_buffers, copy.get()));
    }
    return absl::OkStatus();
  };
  return ServeRequests(Policy::kSpillway, *decode, layout, buffers, requests, before_request,
                       progress);
}

}  // namespace

absl::StatusOr<PolicyResult> ServeWithSpillway(hal::Registry& registry, const ModelLayout& layout,
                                               const std::vector<Request>& requests,
                                               const SpillwayOptions& options,
                                               const ProgressFn& progress) {
  std::optional<TemporaryDirectory> ledger_dir;
  std::string ledger_path = options.ledger_path;
  if (ledger_path.empty()) {
    SPILLWAY_ASSIGN_OR_RETURN(TemporaryDirectory dir, TemporaryDirectory::Create());
    ledger_dir.emplace(std::move(dir));
    ledger_path = ledger_dir->path() + "/ledger";
  }
  runtime::RuntimeConfig config;
  SPILLWAY_RETURN_IF_ERROR(config.SetVirtualSize(std::nullopt, options.virtual_size));
  config.SetOversubscribe(true);
  if (options.memory_limit.has_value()) {
    SPILLWAY_RETURN_IF_ERROR(config.SetMemoryLimit(std::nullopt, *options.memory_limit));
  }
  if (options.device_headroom > 0) {
    SPILLWAY_RETURN_IF_ERROR(config.SetDeviceHeadroom(std::nullopt, options.device_headroom));
  }
  SPILLWAY_RETURN_IF_ERROR(config.SetLedgerPath(ledger_path));

  RuntimeOptions runtime_options;
  runtime_options.config = config;
  runtime_options.registry = &registry;
  runtime_options.devices = {options.device_uri};
  runtime_options.idle_floor_fraction = options.idle_floor_fraction;
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<Runtime> rt, Runtime::Open(runtime_options));
  SPILLWAY_ASSIGN_OR_RETURN(runtime::VirtualDevice * vdev, rt->Device(0));
  return Serve(*vdev, layout, requests, options.decode_device, progress);
}

}  // namespace spillway::samples::three_models
