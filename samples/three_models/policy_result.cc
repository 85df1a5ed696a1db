#include "three_models/policy_result.h"

namespace spillway::samples::three_models {

const char* PolicyName(Policy policy) {
  switch (policy) {
    case Policy::kNaive: return "naive";
    case Policy::kSpillway: return "spillway";
    case Policy::kBound: return "bound";
  }
  return "unknown";
}

std::optional<Policy> ParsePolicy(absl::string_view name) {
  for (Policy policy : {Policy::kNaive, Policy::kSpillway, Policy::kBound}) {
    if (name == PolicyName(policy)) return policy;
  }
  return std::nullopt;
}

}  // namespace spillway::samples::three_models
