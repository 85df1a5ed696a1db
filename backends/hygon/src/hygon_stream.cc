#include "hygon_stream.h"

#include "hygon_status.h"
#include "scoped_device.h"
#include "spillway/hal/status.h"

namespace spillway::hygon {

absl::StatusOr<std::unique_ptr<HygonStream>> HygonStream::Create(HygonDevice& device) {
  const HygonSymbols& s = device.symbols();
  ScopedDevice scope(s, device.ordinal());
  SPILLWAY_RETURN_IF_ERROR(scope.status());
  abi::hipStream_t handle = nullptr;
  SPILLWAY_RETURN_IF_ERROR(HipStatus(&s, s.hipStreamCreate(&handle), "hipStreamCreate"));
  return std::unique_ptr<HygonStream>(new HygonStream(device, handle));
}

HygonStream::~HygonStream() {
  const HygonSymbols& s = device_.symbols();
  ScopedDevice scope(s, device_.ordinal());
  // Destroying a stream lets its enqueued work finish (hipStreamDestroy's
  // contract); an error here has nowhere to go.
  (void)s.hipStreamDestroy(handle_);
}

absl::Status HygonStream::Synchronize() {
  const HygonSymbols& s = device_.symbols();
  return HipStatus(&s, s.hipStreamSynchronize(handle_), "hipStreamSynchronize");
}

absl::StatusOr<bool> HygonStream::Query() {
  const HygonSymbols& s = device_.symbols();
  const abi::hipError_t error = s.hipStreamQuery(handle_);
  if (error == abi::kSuccess) return true;
  if (error == abi::kErrorNotReady) return false;
  return HipStatus(&s, error, "hipStreamQuery");
}

}  // namespace spillway::hygon
