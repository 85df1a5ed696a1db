// The kinds of fake-device call that fault injection can make fail.
#ifndef SPILLWAY_BACKENDS_FAKE_FAKE_OP_H_
#define SPILLWAY_BACKENDS_FAKE_FAKE_OP_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace spillway::fake {

// One value per family of calls. kCopy covers Copy and CopyAsync, kFill covers
// Fill and FillAsync, kSynchronize covers Device::Synchronize and
// Stream::Synchronize.
enum class FakeOp : uint8_t {
  kAllocate,
  kFree,
  kCopy,
  kFill,
  kAdvise,
  kPrefetch,
  kCreateStream,
  kCreateEvent,
  kLaunch,
  kMemoryInfo,
  kSynchronize,
};
inline constexpr int kFakeOpCount = 11;

// "allocate", "free", "copy", "fill", "advise", "prefetch", "create_stream",
// "create_event", "launch", "memory_info", "synchronize".
const char* FakeOpName(FakeOp op);
// Inverse of FakeOpName; nullopt for any other text.
std::optional<FakeOp> ParseFakeOp(absl::string_view name);

}  // namespace spillway::fake

#endif  // SPILLWAY_BACKENDS_FAKE_FAKE_OP_H_
