// The comparison as a table for people and as JSON for machines; both carry
// the same figures.
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_REPORT_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_REPORT_H_

#include <string>

#include "three_models/comparison.h"

namespace spillway::samples::three_models {

// A few lines of setup, one row per policy (time, tokens/s in total and per
// model, GiB each way, faults, ratio to the bound), and a line on the bound.
std::string FormatTable(const Comparison& comparison);

// One JSON object: the setup, and "policies", an array with per policy the
// fields policy, tokens_per_s, bytes_h2d, bytes_d2h, faults, ratio_to_bound,
// plus seconds, tokens, tokens_per_s_per_model (absent for the bound),
// evictions, remote_bytes, prefetch_bytes, writeback_bytes, migrated_bytes,
// kernels, and for the bound its link/device terms and MIN's counts.
std::string FormatJson(const Comparison& comparison);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_REPORT_H_
