#include "three_models/command_line.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "spillway/hal/status.h"
#include "spillway/runtime/config.h"

namespace spillway::samples::three_models {
namespace {

absl::Status BadValue(absl::string_view flag, absl::string_view value, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", value, ": ", why));
}

absl::StatusOr<int> ParseCount(absl::string_view flag, absl::string_view value, int max) {
  int n = 0;
  if (!absl::SimpleAtoi(value, &n) || n < 1 || n > max) {
    return BadValue(flag, value, absl::StrCat("expected a whole number in 1..", max));
  }
  return n;
}

absl::StatusOr<std::vector<Policy>> ParsePolicies(absl::string_view value) {
  if (value == "all") return std::vector<Policy>{Policy::kNaive, Policy::kSpillway, Policy::kBound};
  std::vector<Policy> policies;
  for (absl::string_view name : absl::StrSplit(value, ',')) {
    std::optional<Policy> policy = ParsePolicy(name);
    if (!policy.has_value()) {
      return BadValue("policy", value, "expected all, naive, spillway, bound or a list of them");
    }
    for (Policy p : policies) {
      if (p == *policy) return BadValue("policy", value, "a policy is listed twice");
    }
    policies.push_back(*policy);
  }
  return policies;
}

}  // namespace

std::string Usage() {
  return R"(usage: spillway-three-models [flags]

Serves three 13B models (8-bit weights, 40 layers, a 1 GiB KV cache each)
from one simulated 23 GiB device, under each policy on the same requests,
and compares them with the offline optimum. Time is the fake device's
modeled clock (default calibration: an A10-class card on PCIe Gen4).

  --trace round-robin|bursty|zipf   request order (default round-robin)
  --seed N                          seed of bursty and zipf (default 1)
  --requests N                      requests (default 48)
  --tokens N                        tokens decoded per request (default 16)
  --policy all|naive|spillway|bound which to run; a comma-separated list
                                    is accepted too (default all)
  --json                            results as JSON on stdout
  --idle-floor-fraction F           the runtime's idle floor, 0..1 (default 0.5)
  --weights SIZE                    weights per model (default 13g)
  --kv-cache SIZE                   KV cache per model (default 1g)
  --layers N                        layers per model (default 40)
  --device URI                      fake://0 (default), or a real device such
                                    as cuda://0: real kernels read the weights,
                                    time is wall time, and the runtime emulates
                                    the device memory below
  --device-memory SIZE              real devices: device memory to emulate
                                    (default 23g; everything is scaled down
                                    together when the card has too little free)
  --kernels cuda|host               real devices: what runs the kernels
                                    (default cuda; host is the CPU, for CPU
                                    fakes of vendor libraries only)
  --help                            this text

Progress goes to stderr; the table (or JSON) to stdout. Exit status: 0 on
success, 2 for a bad command line, 3 when the device cannot be used here (no
GPU, no driver, no CUDA toolkit at build time), 1 for any other error.
)";
}

absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine cl;
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg.substr(0, 2) != "--") {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", arg, "\""));
    }
    arg.remove_prefix(2);
    std::string flag(arg.substr(0, arg.find('=')));
    static constexpr const char* kFlags[] = {
        "trace",   "seed",     "requests", "tokens", "layers", "policy", "idle-floor-fraction",
        "weights", "kv-cache", "json",     "help",   "device", "device-memory", "kernels"};
    if (std::find(std::begin(kFlags), std::end(kFlags), flag) == std::end(kFlags)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", flag, " (see --help)"));
    }
    if (!seen.insert(flag).second) {
      return absl::InvalidArgumentError(absl::StrCat("--", flag, " is given twice"));
    }
    if (flag == "json" || flag == "help") {
      if (arg.size() != flag.size()) {
        return absl::InvalidArgumentError(absl::StrCat("--", flag, " takes no value"));
      }
      (flag == "json" ? cl.json : cl.help) = true;
      continue;
    }
    std::string value;
    if (arg.size() > flag.size()) {
      value = std::string(arg.substr(flag.size() + 1));
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--", flag, " needs a value"));
    }
    ComparisonOptions& o = cl.options;
    if (flag == "trace") {
      std::optional<TraceKind> kind = ParseTraceKind(value);
      if (!kind.has_value()) return BadValue(flag, value, "expected round-robin, bursty or zipf");
      o.trace = *kind;
    } else if (flag == "seed") {
      if (!absl::SimpleAtoi(value, &o.seed)) {
        return BadValue(flag, value, "expected a whole number in 0..2^64-1");
      }
    } else if (flag == "requests") {
      SPILLWAY_ASSIGN_OR_RETURN(o.requests, ParseCount(flag, value, 1000000));
    } else if (flag == "tokens") {
      SPILLWAY_ASSIGN_OR_RETURN(o.tokens, ParseCount(flag, value, 1000000));
    } else if (flag == "layers") {
      SPILLWAY_ASSIGN_OR_RETURN(o.model.layers, ParseCount(flag, value, 4096));
    } else if (flag == "policy") {
      SPILLWAY_ASSIGN_OR_RETURN(o.policies, ParsePolicies(value));
    } else if (flag == "idle-floor-fraction") {
      double f = 0;
      if (!absl::SimpleAtod(value, &f) || !(f >= 0 && f <= 1)) {
        return BadValue(flag, value, "expected a number in [0, 1]");
      }
      o.idle_floor_fraction = f;
    } else if (flag == "device") {
      if (value.find("://") == std::string::npos) {
        return BadValue(flag, value, "expected a device URI such as fake://0 or cuda://0");
      }
      o.device_uri = value;
    } else if (flag == "device-memory") {
      SPILLWAY_ASSIGN_OR_RETURN(uint64_t bytes,
                                runtime::ParseSize(absl::StrCat("--", flag), value));
      if (bytes == 0) return BadValue(flag, value, "must be more than 0 bytes");
      o.device_memory = bytes;
    } else if (flag == "kernels") {
      if (value == "cuda") {
        o.kernels = KernelKind::kCuda;
      } else if (value == "host") {
        o.kernels = KernelKind::kHost;
      } else {
        return BadValue(flag, value, "expected cuda or host");
      }
    } else if (flag == "weights" || flag == "kv-cache") {
      SPILLWAY_ASSIGN_OR_RETURN(uint64_t bytes,
                                runtime::ParseSize(absl::StrCat("--", flag), value));
      if (bytes == 0) return BadValue(flag, value, "must be more than 0 bytes");
      (flag == "weights" ? o.model.weight_bytes : o.model.kv_cache_bytes) = bytes;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", flag, " (see --help)"));
    }
  }
  const bool fake = cl.options.device_uri == "fake://0";
  if (fake && (seen.contains("device-memory") || seen.contains("kernels"))) {
    return absl::InvalidArgumentError(
        "--device-memory and --kernels are for real devices: the fake's calibration is fixed");
  }
  return cl;
}

}  // namespace spillway::samples::three_models
