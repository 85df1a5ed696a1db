// Failures scheduled on a fake device's calls (FakeDevice::InjectFault).
#ifndef SPILLWAY_BACKENDS_FAKE_SRC_FAULT_INJECTOR_H_
#define SPILLWAY_BACKENDS_FAKE_SRC_FAULT_INJECTOR_H_

#include <array>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "spillway/backends/fake/fake_op.h"

namespace spillway::fake {

// Not thread-safe: the owning device calls it under its mutex.
class FaultInjector {
 public:
  // See FakeDevice::InjectFault.
  void Inject(FakeOp op, int nth, absl::Status error);
  void Clear();
  // Counts one call of `op` and returns the error it must report (OK: none).
  absl::Status Check(FakeOp op);

 private:
  struct Rule {
    bool always = false;
    uint64_t at_call = 0;  // value of calls_[op] at which it fires
    absl::Status error;
  };
  std::array<uint64_t, kFakeOpCount> calls_{};
  std::array<std::vector<Rule>, kFakeOpCount> rules_;
};

}  // namespace spillway::fake

#endif  // SPILLWAY_BACKENDS_FAKE_SRC_FAULT_INJECTOR_H_
