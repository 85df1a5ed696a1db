#include "spillway/backends/fake/fake_spec.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "spillway/hal/status.h"

namespace spillway::fake {
namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kGiB = kKiB * kKiB * kKiB;
constexpr int kMaxDevices = 64;

absl::Status Bad(absl::string_view key, absl::string_view value, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("fake spec: ", key, "=\"", value, "\": ", why));
}

bool IsDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

// Splits a trailing k/m/g/t (either case) off `value`; 0 when there is none,
// -1 for another trailing letter.
int SuffixExponent(absl::string_view* value) {
  if (value->empty()) return 0;
  const char last = absl::ascii_tolower(static_cast<unsigned char>(value->back()));
  if (!absl::ascii_isalpha(static_cast<unsigned char>(last))) return 0;
  value->remove_suffix(1);
  switch (last) {
    case 'k': return 1;
    case 'm': return 2;
    case 'g': return 3;
    case 't': return 4;
    default: return -1;
  }
}

absl::StatusOr<uint64_t> ParseSize(absl::string_view key, absl::string_view value) {
  absl::string_view number = value;
  const int exponent = SuffixExponent(&number);
  if (exponent < 0) return Bad(key, value, "unknown size suffix (use k, m, g or t)");
  uint64_t n = 0;
  if (!IsDigits(number) || !absl::SimpleAtoi(number, &n)) {
    return Bad(key, value, "not a whole number of bytes");
  }
  uint64_t multiplier = 1;
  for (int i = 0; i < exponent; ++i) multiplier *= kKiB;
  if (n > std::numeric_limits<uint64_t>::max() / multiplier) {
    return Bad(key, value, "too large");
  }
  return n * multiplier;
}

// A decimal number with an optional k/m/g/t suffix in powers of 1000.
absl::StatusOr<double> ParseDecimal(absl::string_view key, absl::string_view value,
                                    bool allow_suffix) {
  absl::string_view number = value;
  const int exponent = SuffixExponent(&number);
  if (exponent < 0 || (!allow_suffix && exponent > 0)) {
    return Bad(key, value, allow_suffix ? "unknown suffix (use k, m, g or t)"
                                        : "not a plain number");
  }
  double x = 0;
  if (number.empty() || !absl::SimpleAtod(number, &x) || !std::isfinite(x)) {
    return Bad(key, value, "not a number");
  }
  return x * std::pow(1000.0, exponent);
}

absl::StatusOr<bool> ParseBool(absl::string_view key, absl::string_view value) {
  const std::string v = absl::AsciiStrToLower(value);
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  return Bad(key, value, "not a boolean (use 1/0, true/false, yes/no, on/off)");
}

std::optional<absl::StatusCode> ParseStatusCode(absl::string_view name) {
  const std::string upper = absl::AsciiStrToUpper(name);
  for (int i = 1; i <= 16; ++i) {
    const auto code = static_cast<absl::StatusCode>(i);
    if (upper == absl::StatusCodeToString(code)) return code;
  }
  return std::nullopt;
}

absl::StatusOr<FakeFailure> ParseFailure(absl::string_view key, absl::string_view value) {
  std::vector<absl::string_view> parts = absl::StrSplit(value, ':');
  if (parts.size() < 2 || parts.size() > 3) {
    return Bad(key, value, "expected <op>:<nth>[:<status code>]");
  }
  FakeFailure failure;
  std::optional<FakeOp> op = ParseFakeOp(parts[0]);
  if (!op.has_value()) {
    return Bad(key, value, absl::StrCat("unknown operation \"", parts[0], "\""));
  }
  failure.op = *op;
  if (!IsDigits(parts[1]) || !absl::SimpleAtoi(parts[1], &failure.nth)) {
    return Bad(key, value, "nth must be a whole number (0 = every call)");
  }
  if (parts.size() == 3) {
    std::optional<absl::StatusCode> code = ParseStatusCode(parts[2]);
    if (!code.has_value() || *code == absl::StatusCode::kOk) {
      return Bad(key, value, absl::StrCat("unknown status code \"", parts[2], "\""));
    }
    failure.error = hal::VendorError(*code, "fake", FakeOpName(*op), -1, "FAKE_INJECTED_FAULT",
                                     absl::StrCat("injected by spec fail=", value));
  }
  return failure;
}

bool IsPowerOfTwo(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

}  // namespace

absl::Status ValidateFakeSpec(const FakeSpec& spec) {
  if (spec.devices < 1 || spec.devices > kMaxDevices) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fake spec: devices=", spec.devices, " is outside 1..", kMaxDevices));
  }
  if (!IsPowerOfTwo(spec.page_size) || spec.page_size < 4 * kKiB) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fake spec: page=", spec.page_size, " must be a power of two of at least 4096 bytes"));
  }
  if (spec.reserved >= spec.memory) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fake spec: reserved=", spec.reserved, " must be less than memory=", spec.memory,
        " (set reserved explicitly for small devices)"));
  }
  if (spec.capacity() < spec.page_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fake spec: memory=", spec.memory, " minus reserved=", spec.reserved,
        " leaves less than one page of ", spec.page_size, " bytes"));
  }
  if (!std::isfinite(spec.device_bandwidth) || spec.device_bandwidth <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fake spec: device_bw=", spec.device_bandwidth, " must be a positive number of bytes/s"));
  }
  if (!std::isfinite(spec.link_bandwidth) || spec.link_bandwidth <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fake spec: link_bw=", spec.link_bandwidth, " must be a positive number of bytes/s"));
  }
  if (!std::isfinite(spec.fault_latency_ns) || spec.fault_latency_ns < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fake spec: fault latency ", spec.fault_latency_ns, " ns must be finite and >= 0"));
  }
  for (const FakeFailure& f : spec.failures) {
    if (f.nth < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "fake spec: fail=", FakeOpName(f.op), ":", f.nth, ": nth must be >= 0"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<FakeSpec> ParseFakeSpec(absl::string_view text) {
  FakeSpec spec;
  absl::flat_hash_set<std::string> seen;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    const size_t eq = item.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("fake spec: \"", item, "\" is not of the form key=value"));
    }
    const absl::string_view key = absl::StripAsciiWhitespace(item.substr(0, eq));
    const absl::string_view value = absl::StripAsciiWhitespace(item.substr(eq + 1));
    const std::string canonical = key == "page_size" ? "page" : std::string(key);
    if (canonical != "fail" && !seen.insert(canonical).second) {
      return Bad(key, value, "key given twice");
    }
    if (key == "devices") {
      if (!IsDigits(value) || value.size() > 3 || !absl::SimpleAtoi(value, &spec.devices) ||
          spec.devices < 1 || spec.devices > kMaxDevices) {
        return Bad(key, value, absl::StrCat("must be a whole number in 1..", kMaxDevices));
      }
    } else if (key == "memory" || key == "reserved" || key == "page" || key == "page_size") {
      SPILLWAY_ASSIGN_OR_RETURN(const uint64_t bytes, ParseSize(key, value));
      if (key == "memory") {
        if (bytes == 0) return Bad(key, value, "must be more than 0 bytes");
        spec.memory = bytes;
      } else if (key == "reserved") {
        spec.reserved = bytes;
      } else {
        if (!IsPowerOfTwo(bytes) || bytes < 4 * kKiB) {
          return Bad(key, value, "must be a power of two of at least 4k");
        }
        spec.page_size = bytes;
      }
    } else if (key == "device_bw" || key == "link_bw") {
      SPILLWAY_ASSIGN_OR_RETURN(const double bw, ParseDecimal(key, value, true));
      if (bw <= 0) return Bad(key, value, "must be more than 0 bytes/s");
      (key == "device_bw" ? spec.device_bandwidth : spec.link_bandwidth) = bw;
    } else if (key == "fault_us") {
      SPILLWAY_ASSIGN_OR_RETURN(const double us, ParseDecimal(key, value, false));
      if (us < 0) return Bad(key, value, "must be 0 or more microseconds");
      spec.fault_latency_ns = us * 1000.0;
    } else if (key == "backing") {
      const std::string v = absl::AsciiStrToLower(value);
      if (v == "none") {
        spec.backing = false;
      } else if (v == "host") {
        spec.backing = true;
      } else {
        absl::StatusOr<bool> b = ParseBool(key, value);
        if (!b.ok()) return Bad(key, value, "use none or host (or a boolean)");
        spec.backing = *b;
      }
    } else if (key == "managed" || key == "host_mapped") {
      SPILLWAY_ASSIGN_OR_RETURN(const bool b, ParseBool(key, value));
      (key == "managed" ? spec.managed : spec.host_mapped) = b;
    } else if (key == "fail") {
      SPILLWAY_ASSIGN_OR_RETURN(FakeFailure failure, ParseFailure(key, value));
      spec.failures.push_back(std::move(failure));
    } else {
      return Bad(key, value,
                 "unknown key (known: devices, memory, reserved, page, device_bw, link_bw, "
                 "fault_us, backing, managed, host_mapped, fail)");
    }
  }
  if (seen.contains("memory") && !seen.contains("reserved")) {
    // Keep the default card's proportion (1 GiB of 24 GiB) on other sizes.
    const uint64_t scaled = spec.memory / 24 / spec.page_size * spec.page_size;
    spec.reserved = std::min<uint64_t>(kGiB, scaled);
  }
  SPILLWAY_RETURN_IF_ERROR(ValidateFakeSpec(spec));
  return spec;
}

std::string FakeSpecToString(const FakeSpec& spec) {
  std::string out = absl::StrFormat(
      "devices=%d,memory=%u,reserved=%u,page=%u,device_bw=%.17g,link_bw=%.17g,fault_us=%.17g,"
      "backing=%s,managed=%d,host_mapped=%d",
      spec.devices, spec.memory, spec.reserved, spec.page_size, spec.device_bandwidth,
      spec.link_bandwidth, spec.fault_latency_ns / 1000.0, spec.backing ? "host" : "none",
      spec.managed ? 1 : 0, spec.host_mapped ? 1 : 0);
  for (const FakeFailure& f : spec.failures) {
    absl::StrAppend(&out, ",fail=", FakeOpName(f.op), ":", f.nth);
    if (!f.error.ok()) {
      absl::StrAppend(&out, ":", absl::AsciiStrToLower(absl::StatusCodeToString(f.error.code())));
    }
  }
  return out;
}

}  // namespace spillway::fake
