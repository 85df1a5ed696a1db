// The order in which requests for the models arrive.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_REQUEST_TRACE_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_REQUEST_TRACE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace spillway::samples::three_models {

enum class TraceKind : uint8_t {
  kRoundRobin,  // a, b, c, a, b, c, ...: the cycle that defeats LRU
  kBursty,      // runs of one model (length 1..8, mean 4.5); each run switches model
  kZipf,        // each request independently, P(model k) proportional to 1/(k+1)
};

// "round-robin", "bursty", "zipf".
const char* TraceKindName(TraceKind kind);
// Inverse of TraceKindName; nullopt for any other text.
std::optional<TraceKind> ParseTraceKind(absl::string_view name);

struct Request {
  int model = 0;
  int tokens = 0;  // decode steps
  bool operator==(const Request&) const = default;
};

// `requests` requests of `tokens` tokens each over `models` models. The same
// arguments give the same trace on every platform (the generator is
// spelled out here, not left to <random>'s distributions).
// INVALID_ARGUMENT for requests outside 1..1000000, tokens outside
// 1..1000000, or models outside 1..26. Thread-safe (pure function).
absl::StatusOr<std::vector<Request>> MakeRequestTrace(TraceKind kind, int requests, int tokens,
                                                      int models, uint64_t seed);

// "a b c a ..." (one letter per request), for logs and tests.
std::string TraceToString(const std::vector<Request>& trace);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_REQUEST_TRACE_H_
