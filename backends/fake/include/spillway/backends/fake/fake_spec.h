// Configuration of the fake backend: device count, capacity and the figures
// of its timing model (docs/fake-device.md), and failures to inject.
#ifndef SPILLWAY_BACKENDS_FAKE_FAKE_SPEC_H_
#define SPILLWAY_BACKENDS_FAKE_FAKE_SPEC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "spillway/backends/fake/fake_op.h"

namespace spillway::fake {

// Read by the factory that RegisterFakeBackend installs, when the backend is
// created. Same syntax as ParseFakeSpec.
inline constexpr char kFakeSpecEnvVar[] = "SPILLWAY_FAKE_SPEC";

// A failure injected into every device of a backend from the start (the
// "fail=" key), so that out-of-process tests can drive error paths.
struct FakeFailure {
  FakeOp op = FakeOp::kAllocate;
  int nth = 1;          // 1-based call of that kind, counted from creation; 0 = every call
  absl::Status error;   // OK means the default injected error (see FakeDevice::InjectFault)
};

// Defaults: the seed's A10-class card on PCIe Gen4 (DESIGN.md).
struct FakeSpec {
  int devices = 1;                        // 1..64
  uint64_t memory = 24ull << 30;          // bytes of device memory (total)
  uint64_t reserved = 1ull << 30;         // driver reservation: capacity = memory - reserved
  uint64_t page_size = 2ull << 20;        // managed page, power of two >= 4 KiB
  double device_bandwidth = 600e9;        // bytes/s of device memory
  double link_bandwidth = 25e9;           // bytes/s per direction of the host link
  double fault_latency_ns = 440000;       // per-fault service time on top of the transfer
  bool backing = true;    // false: address space only (PROT_NONE); Copy/Fill fail there
  bool managed = true;    // false: no managed memory, to exercise the host-spill path
  bool host_mapped = true;  // false: kernels cannot reach pinned host memory
  std::vector<FakeFailure> failures;

  // Usable device memory: what device allocations and resident managed pages share.
  uint64_t capacity() const { return memory - reserved; }
};

// Parses comma-separated key=value pairs, e.g.
//   "devices=2,memory=23g,page=2m,device_bw=600g,link_bw=25g,fault_us=440,backing=none,managed=0"
// Keys: devices, memory, reserved, page (or page_size), device_bw, link_bw,
// fault_us, backing (none|0|false or host|1|true), managed, host_mapped
// (booleans: 1/0, true/false, yes/no, on/off), and fail=<op>:<nth>[:<code>]
// (repeatable; <op> as FakeOpName, <nth> 0 = always, <code> an absl status code
// name such as resource_exhausted or internal).
// Sizes are bytes with an optional k/m/g/t suffix in either case (powers of
// 1024); bandwidths are bytes/s with an optional k/m/g/t suffix (powers of
// 1000); fault_us is microseconds; both may have a fraction.
// When memory is given without reserved, reserved = min(1 GiB, memory/24)
// rounded down to a whole page, i.e. the default card's proportion.
// Empty text gives the defaults. Errors: INVALID_ARGUMENT naming the key and
// value (unknown or repeated key, malformed number, value out of range).
// Thread-safe (pure function).
absl::StatusOr<FakeSpec> ParseFakeSpec(absl::string_view text);

// OK when `spec` is usable: devices 1..64, page a power of two >= 4 KiB,
// reserved < memory, capacity >= one page, bandwidths finite and > 0,
// fault latency finite and >= 0. INVALID_ARGUMENT naming the field otherwise.
absl::Status ValidateFakeSpec(const FakeSpec& spec);

// The spec in ParseFakeSpec's syntax (failures included), for logs and for
// handing a spec to a child process through kFakeSpecEnvVar.
std::string FakeSpecToString(const FakeSpec& spec);

}  // namespace spillway::fake

#endif  // SPILLWAY_BACKENDS_FAKE_FAKE_SPEC_H_
