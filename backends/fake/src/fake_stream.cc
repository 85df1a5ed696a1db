#include "fake_stream.h"

namespace spillway::fake {

FakeStream::~FakeStream() { device_.RetireStream(*this); }

absl::Status FakeStream::Synchronize() { return device_.SynchronizeStream(*this); }

absl::StatusOr<bool> FakeStream::Query() { return true; }

}  // namespace spillway::fake
