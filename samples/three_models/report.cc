#include "three_models/report.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace spillway::samples::three_models {
namespace {

double GiB(uint64_t bytes) { return static_cast<double>(bytes) / static_cast<double>(1ull << 30); }

// JSON has no NaN or infinity; every figure here is finite, but never emit
// an invalid document.
std::string Number(double value) {
  return std::isfinite(value) ? absl::StrFormat("%.9g", value) : "null";
}

std::string Quoted(absl::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

std::string Setup(const Comparison& c) {
  const ComparisonOptions& o = c.options;
  const ModelLayout& l = c.layout;
  if (c.real_device.has_value()) {
    const RealDeviceSetup& d = *c.real_device;
    return absl::StrFormat(
        "%d models x (%.2f GiB weights + %.2f GiB KV cache, %d layers) = %.1f GiB, trace %s "
        "(seed %u): %d requests x %d tokens\n"
        "device: %s (%s), %.1f of %.1f GiB free; emulating %.2f GiB of device memory "
        "(sizes x %.3f), %s kernels; measured %.0f GB/s memory, %.1f GB/s link; time is wall "
        "time\nspillway: %.2f GiB virtual and memory limit, %.2f GiB headroom, idle floor %.2f; "
        "naive*: the whole card (the driver knows no emulated size), not a %.2f GiB result\n",
        l.models, GiB(l.weight_bytes()), GiB(l.kv_cache_bytes()), l.layers, GiB(l.total_bytes()),
        TraceKindName(o.trace), o.seed, o.requests, o.tokens, d.uri, d.name, GiB(d.free_bytes),
        GiB(d.total_bytes), GiB(d.capacity_bytes), d.scale, d.kernels, d.device_bandwidth / 1e9,
        d.link_bandwidth / 1e9, GiB(d.virtual_bytes), GiB(d.headroom_bytes),
        o.idle_floor_fraction, GiB(d.capacity_bytes));
  }
  return absl::StrFormat(
      "%d models x (%.2f GiB weights + %.2f GiB KV cache, %d layers) = %.1f GiB, trace %s "
      "(seed %u): %d requests x %d tokens\n"
      "device: fake, %.1f GiB usable, %.0f GB/s memory, %.0f GB/s link, %.0f us per fault, "
      "%u MiB pages; spillway: %.0f GiB virtual, idle floor %.2f\n",
      l.models, GiB(l.weight_bytes()), GiB(l.kv_cache_bytes()), l.layers, GiB(l.total_bytes()),
      TraceKindName(o.trace), o.seed, o.requests, o.tokens, GiB(o.device.capacity()),
      o.device.device_bandwidth / 1e9, o.device.link_bandwidth / 1e9,
      o.device.fault_latency_ns / 1e3, o.device.page_size >> 20, GiB(o.virtual_size),
      o.idle_floor_fraction);
}

}  // namespace

std::string FormatTable(const Comparison& c) {
  std::string out = Setup(c);
  std::vector<std::string> header = {"policy", "time s", "tokens/s"};
  for (int m = 0; m < c.layout.models; ++m) header.push_back(ModelName(m));
  for (const char* h : {"H2D GiB", "D2H GiB", "faults", "x bound"}) header.push_back(h);
  std::vector<std::vector<std::string>> rows = {header};
  for (const PolicyResult& r : c.results) {
    // On a real card naive is not held to the emulated capacity: say so where
    // its figures are.
    const bool whole_card = c.real_device.has_value() && r.policy == Policy::kNaive;
    std::vector<std::string> row = {absl::StrCat(PolicyName(r.policy), whole_card ? "*" : ""),
                                    absl::StrFormat("%.2f", r.seconds),
                                    absl::StrFormat("%.2f", r.tokens_per_s())};
    for (int m = 0; m < c.layout.models; ++m) {
      row.push_back(r.model_seconds.empty() ? "-"
                                            : absl::StrFormat("%.2f", r.model_tokens_per_s(m)));
    }
    if (r.counted) {
      row.push_back(absl::StrFormat("%.1f", GiB(r.counters.bytes_h2d)));
      row.push_back(absl::StrFormat("%.1f", GiB(r.counters.bytes_d2h)));
      row.push_back(absl::StrCat(r.counters.faults));
    } else {
      row.insert(row.end(), 3, "n/a");
    }
    row.push_back(absl::StrFormat("%.2f", RatioToBound(r, c.bound)));
    rows.push_back(std::move(row));
  }
  std::vector<size_t> width(header.size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  out += "\n";
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      // The policy name left-aligned, figures right-aligned.
      const std::string pad(width[i] - row[i].size(), ' ');
      line += i == 0 ? row[i] + pad : absl::StrCat("  ", pad, row[i]);
    }
    out += line + "\n";
  }
  const OfflineBound& b = c.bound;
  out += absl::StrFormat(
      "\nper-model columns: tokens/s while that model's requests were served.%s\n"
      "bound: Belady's MIN with bypass over %u pages of device memory: %u misses "
      "(%u served without caching) of %u page reads = %.1f GiB host-to-device, "
      "%.2f s on the link; kernels read %.1f GiB = %.2f s of device memory; bound = %.2f s.\n",
      c.real_device.has_value() ? " n/a: the driver counts no faults or bytes moved." : "",
      DeviceCapacity(c) / c.layout.page_size, b.counts.misses, b.counts.bypassed,
      b.counts.accesses, GiB(b.bytes_h2d), b.link_seconds, GiB(b.device_read_bytes),
      b.device_seconds, b.seconds);
  return out;
}

std::string FormatJson(const Comparison& c) {
  const ComparisonOptions& o = c.options;
  const ModelLayout& l = c.layout;
  std::vector<std::string> names;
  for (int m = 0; m < l.models; ++m) names.push_back(Quoted(ModelName(m)));
  std::string out = "{\n";
  absl::StrAppend(&out, "  \"trace\": ", Quoted(TraceKindName(o.trace)), ",\n");
  absl::StrAppend(&out, "  \"seed\": ", o.seed, ",\n");
  absl::StrAppend(&out, "  \"requests\": ", o.requests, ",\n");
  absl::StrAppend(&out, "  \"tokens_per_request\": ", o.tokens, ",\n");
  absl::StrAppend(&out, "  \"request_models\": ", Quoted(TraceToString(c.requests)), ",\n");
  absl::StrAppend(&out, "  \"models\": [", absl::StrJoin(names, ", "), "],\n");
  absl::StrAppend(&out, "  \"layers\": ", l.layers, ",\n");
  absl::StrAppend(&out, "  \"weight_bytes_per_model\": ", l.weight_bytes(), ",\n");
  absl::StrAppend(&out, "  \"kv_cache_bytes_per_model\": ", l.kv_cache_bytes(), ",\n");
  const RealDeviceSetup* real = c.real_device.has_value() ? &*c.real_device : nullptr;
  absl::StrAppend(&out, "  \"device\": ", Quoted(real ? real->uri : o.device_uri), ",\n");
  absl::StrAppend(&out, "  \"clock\": ", Quoted(real ? "wall" : "modeled"), ",\n");
  absl::StrAppend(&out, "  \"device_capacity_bytes\": ", DeviceCapacity(c), ",\n");
  absl::StrAppend(&out, "  \"device_bandwidth\": ",
                  Number(real ? real->device_bandwidth : o.device.device_bandwidth), ",\n");
  absl::StrAppend(&out, "  \"link_bandwidth\": ",
                  Number(real ? real->link_bandwidth : o.device.link_bandwidth), ",\n");
  if (real != nullptr) {
    absl::StrAppend(&out, "  \"device_name\": ", Quoted(real->name), ",\n");
    absl::StrAppend(&out, "  \"device_total_bytes\": ", real->total_bytes, ",\n");
    absl::StrAppend(&out, "  \"device_free_bytes\": ", real->free_bytes, ",\n");
    absl::StrAppend(&out, "  \"device_headroom_bytes\": ", real->headroom_bytes, ",\n");
    absl::StrAppend(&out, "  \"size_scale\": ", Number(real->scale), ",\n");
    absl::StrAppend(&out, "  \"kernels\": ", Quoted(real->kernels), ",\n");
  } else {
    absl::StrAppend(&out, "  \"fault_latency_ns\": ", Number(o.device.fault_latency_ns), ",\n");
  }
  absl::StrAppend(&out, "  \"page_bytes\": ", c.layout.page_size, ",\n");
  absl::StrAppend(&out, "  \"virtual_size_bytes\": ", o.virtual_size, ",\n");
  absl::StrAppend(&out, "  \"idle_floor_fraction\": ", Number(o.idle_floor_fraction), ",\n");
  absl::StrAppend(&out, "  \"bound_seconds\": ", Number(c.bound.seconds), ",\n");
  out += "  \"policies\": [";
  for (size_t i = 0; i < c.results.size(); ++i) {
    const PolicyResult& r = c.results[i];
    const fake::FakeCounters& k = r.counters;
    std::vector<std::pair<std::string, std::string>> fields = {
        {"policy", Quoted(PolicyName(r.policy))},
        {"seconds", Number(r.seconds)},
        {"tokens", absl::StrCat(r.tokens)},
        {"tokens_per_s", Number(r.tokens_per_s())},
    };
    if (!r.model_seconds.empty()) {
      std::vector<std::string> per_model;
      for (int m = 0; m < l.models; ++m) {
        per_model.push_back(
            absl::StrCat(Quoted(ModelName(m)), ": ", Number(r.model_tokens_per_s(m))));
      }
      fields.emplace_back("tokens_per_s_per_model",
                          absl::StrCat("{", absl::StrJoin(per_model, ", "), "}"));
    }
    for (const auto& [name, value] :
         std::vector<std::pair<const char*, uint64_t>>{{"bytes_h2d", k.bytes_h2d},
                                                       {"bytes_d2h", k.bytes_d2h},
                                                       {"faults", k.faults},
                                                       {"evictions", k.evictions},
                                                       {"remote_bytes", k.remote_bytes},
                                                       {"prefetch_bytes", k.prefetch_bytes},
                                                       {"writeback_bytes", k.writeback_bytes},
                                                       {"migrated_bytes", k.migrated_bytes},
                                                       {"kernels", k.kernels}}) {
      // A real device counts none of these: null, not a made-up 0.
      fields.emplace_back(name, r.counted ? absl::StrCat(value) : "null");
    }
    fields.emplace_back("ratio_to_bound", Number(RatioToBound(r, c.bound)));
    if (real != nullptr && r.policy != Policy::kBound) {
      // Naive has no runtime: the driver lets it use the whole card.
      fields.emplace_back("held_to_emulated_capacity", r.policy == Policy::kNaive ? "false" : "true");
    }
    if (r.bound.has_value()) {
      const OfflineBound& b = *r.bound;
      fields.emplace_back("link_seconds", Number(b.link_seconds));
      fields.emplace_back("device_seconds", Number(b.device_seconds));
      fields.emplace_back("device_read_bytes", absl::StrCat(b.device_read_bytes));
      fields.emplace_back("page_reads", absl::StrCat(b.counts.accesses));
      fields.emplace_back("page_misses", absl::StrCat(b.counts.misses));
      fields.emplace_back("page_bypasses", absl::StrCat(b.counts.bypassed));
    }
    std::vector<std::string> parts;
    for (const auto& [name, value] : fields)
      parts.push_back(absl::StrCat(Quoted(name), ": ", value));
    absl::StrAppend(&out, i == 0 ? "\n" : ",\n", "    {", absl::StrJoin(parts, ", "), "}");
  }
  out += "\n  ]\n}\n";
  return out;
}

}  // namespace spillway::samples::three_models
