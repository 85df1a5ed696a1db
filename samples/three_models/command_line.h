// spillway-three-models' command line.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_COMMAND_LINE_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "three_models/comparison.h"

namespace spillway::samples::three_models {

struct CommandLine {
  ComparisonOptions options;
  bool json = false;  // print JSON on stdout instead of the table
  bool help = false;
};

// The usage text (--help).
std::string Usage();

// Parses arguments (without the program name). Flags take their value as
// "--flag=value" or "--flag value":
//   --trace round-robin|bursty|zipf  --seed N  --requests N  --tokens N
//   --policy all|naive|spillway|bound (or a comma-separated list)
//   --json  --help  --idle-floor-fraction F (0..1, an experiment knob)
//   --weights SIZE  --kv-cache SIZE  --layers N   (per model; SIZE as in
//   CUDA_DEVICE_MEMORY_LIMIT, e.g. 13g, 512m)
//   --device URI  --device-memory SIZE  --kernels cuda|host   (real devices)
// The fake's calibration has no flag: the benchmark must not tune the model
// it is judged by. --device-memory and --kernels with the fake are
// INVALID_ARGUMENT. INVALID_ARGUMENT naming the flag and value for anything
// unknown, repeated or malformed. Thread-safe (pure function).
absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_COMMAND_LINE_H_
