// spillway-three-models: three 13B models on one 23 GiB device, under the
// naive policy, under spillway, and against the offline optimum
// (docs/three-models.md). Usage: spillway-three-models --help.
// Exit status: 0 on success, 2 for a bad command line, 3 when the device
// cannot be used here (UNAVAILABLE: no GPU, no driver, built without the CUDA
// toolkit), 1 for any other error.
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "three_models/command_line.h"
#include "three_models/comparison.h"
#include "three_models/report.h"

namespace {

namespace sample = spillway::samples::three_models;

// One line on stderr, rewritten in place on a terminal; a line every few
// requests otherwise, so that logs stay short.
void ShowProgress(const sample::ServingProgress& p) {
  static const bool terminal = isatty(STDERR_FILENO) != 0;
  const bool last = p.requests_done == p.requests;
  const size_t step = p.requests >= 8 ? p.requests / 8 : 1;
  if (!terminal && !last && p.requests_done % step != 0) return;
  std::fprintf(stderr, "%s%-8s request %zu/%zu, %.2f s%s", terminal ? "\r" : "",
               sample::PolicyName(p.policy), p.requests_done, p.requests, p.modeled_seconds,
               terminal && !last ? "   " : "\n");
  std::fflush(stderr);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<sample::CommandLine> cl = sample::ParseCommandLine(args);
  if (!cl.ok()) {
    std::fprintf(stderr, "spillway-three-models: %s\n", std::string(cl.status().message()).c_str());
    return 2;
  }
  if (cl->help) {
    std::fputs(sample::Usage().c_str(), stdout);
    return 0;
  }
  absl::StatusOr<sample::Comparison> comparison = sample::RunComparison(cl->options, ShowProgress);
  if (!comparison.ok()) {
    std::fprintf(stderr, "spillway-three-models: %s\n", comparison.status().ToString().c_str());
    return comparison.status().code() == absl::StatusCode::kUnavailable ? 3 : 1;
  }
  const std::string out =
      cl->json ? sample::FormatJson(*comparison) : sample::FormatTable(*comparison);
  std::fputs(out.c_str(), stdout);
  return 0;
}
