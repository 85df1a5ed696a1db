#include "fault_injector.h"

#include <utility>

#include "spillway/hal/status.h"

namespace spillway::fake {
namespace {

absl::Status DefaultError(FakeOp op) {
  // Allocation failures stand for the vendor's out-of-memory code, which is
  // what callers most need to exercise; anything else is an opaque failure.
  const absl::StatusCode code = op == FakeOp::kAllocate ? absl::StatusCode::kResourceExhausted
                                                        : absl::StatusCode::kInternal;
  return hal::VendorError(code, "fake", FakeOpName(op), -1, "FAKE_INJECTED_FAULT");
}

}  // namespace

void FaultInjector::Inject(FakeOp op, int nth, absl::Status error) {
  const auto i = static_cast<size_t>(op);
  if (i >= rules_.size() || nth < 0) return;
  Rule rule;
  rule.always = nth == 0;
  rule.at_call = calls_[i] + static_cast<uint64_t>(nth);
  rule.error = error.ok() ? DefaultError(op) : std::move(error);
  rules_[i].push_back(std::move(rule));
}

void FaultInjector::Clear() {
  for (auto& rules : rules_) rules.clear();
}

absl::Status FaultInjector::Check(FakeOp op) {
  const auto i = static_cast<size_t>(op);
  if (i >= rules_.size()) return absl::OkStatus();
  const uint64_t call = ++calls_[i];
  std::vector<Rule>& rules = rules_[i];
  for (size_t r = 0; r < rules.size(); ++r) {
    if (rules[r].always) return rules[r].error;
    if (rules[r].at_call == call) {
      absl::Status error = std::move(rules[r].error);
      rules.erase(rules.begin() + static_cast<std::ptrdiff_t>(r));
      return error;
    }
  }
  return absl::OkStatus();
}

}  // namespace spillway::fake
