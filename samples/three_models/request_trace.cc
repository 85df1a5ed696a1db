#include "three_models/request_trace.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace spillway::samples::three_models {
namespace {

// SplitMix64: small, fast, and fully specified, so traces are reproducible.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n).
  int Below(int n) { return static_cast<int>(Uniform() * n); }

 private:
  uint64_t state_;
};

}  // namespace

const char* TraceKindName(TraceKind kind) {
  switch (kind) {
    case TraceKind::kRoundRobin: return "round-robin";
    case TraceKind::kBursty: return "bursty";
    case TraceKind::kZipf: return "zipf";
  }
  return "unknown";
}

std::optional<TraceKind> ParseTraceKind(absl::string_view name) {
  for (TraceKind kind : {TraceKind::kRoundRobin, TraceKind::kBursty, TraceKind::kZipf}) {
    if (name == TraceKindName(kind)) return kind;
  }
  return std::nullopt;
}

absl::StatusOr<std::vector<Request>> MakeRequestTrace(TraceKind kind, int requests, int tokens,
                                                      int models, uint64_t seed) {
  if (requests < 1 || requests > 1000000) {
    return absl::InvalidArgumentError(absl::StrCat("requests=", requests, ": must be 1..1000000"));
  }
  if (tokens < 1 || tokens > 1000000) {
    return absl::InvalidArgumentError(absl::StrCat("tokens=", tokens, ": must be 1..1000000"));
  }
  if (models < 1 || models > 26) {
    return absl::InvalidArgumentError(absl::StrCat("models=", models, ": must be 1..26"));
  }
  SplitMix64 rng(seed);
  std::vector<Request> trace;
  trace.reserve(requests);
  switch (kind) {
    case TraceKind::kRoundRobin:
      for (int i = 0; i < requests; ++i) trace.push_back({i % models, tokens});
      break;
    case TraceKind::kBursty: {
      int model = rng.Below(models);
      while (static_cast<int>(trace.size()) < requests) {
        const int run = 1 + rng.Below(8);  // 1..8, mean 4.5
        for (int i = 0; i < run && static_cast<int>(trace.size()) < requests; ++i) {
          trace.push_back({model, tokens});
        }
        // A different model next (when there is one), so every run is a switch.
        if (models > 1) model = (model + 1 + rng.Below(models - 1)) % models;
      }
      break;
    }
    case TraceKind::kZipf: {
      std::vector<double> cdf(models);
      double sum = 0;
      for (int k = 0; k < models; ++k) cdf[k] = (sum += 1.0 / (k + 1));
      for (int i = 0; i < requests; ++i) {
        const double u = rng.Uniform() * sum;
        int model = 0;
        while (model + 1 < models && u >= cdf[model]) ++model;
        trace.push_back({model, tokens});
      }
      break;
    }
  }
  return trace;
}

std::string TraceToString(const std::vector<Request>& trace) {
  std::string out;
  for (const Request& r : trace) {
    if (!out.empty()) out += ' ';
    out += static_cast<char>('a' + r.model % 26);
  }
  return out;
}

}  // namespace spillway::samples::three_models
