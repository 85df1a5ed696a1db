#include "spillway/backends/fake/fake_op.h"

namespace spillway::fake {

const char* FakeOpName(FakeOp op) {
  switch (op) {
    case FakeOp::kAllocate: return "allocate";
    case FakeOp::kFree: return "free";
    case FakeOp::kCopy: return "copy";
    case FakeOp::kFill: return "fill";
    case FakeOp::kAdvise: return "advise";
    case FakeOp::kPrefetch: return "prefetch";
    case FakeOp::kCreateStream: return "create_stream";
    case FakeOp::kCreateEvent: return "create_event";
    case FakeOp::kLaunch: return "launch";
    case FakeOp::kMemoryInfo: return "memory_info";
    case FakeOp::kSynchronize: return "synchronize";
  }
  return "unknown";
}

std::optional<FakeOp> ParseFakeOp(absl::string_view name) {
  for (int i = 0; i < kFakeOpCount; ++i) {
    const auto op = static_cast<FakeOp>(i);
    if (name == FakeOpName(op)) return op;
  }
  return std::nullopt;
}

}  // namespace spillway::fake
