// What the fake device has done since creation or the last ResetCounters.
#ifndef SPILLWAY_BACKENDS_FAKE_FAKE_COUNTERS_H_
#define SPILLWAY_BACKENDS_FAKE_FAKE_COUNTERS_H_

#include <cstdint>
#include <string>

namespace spillway::fake {

// Link traffic is counted once per direction in bytes_h2d / bytes_d2h; the
// other byte counters say why some of it moved (docs/fake-device.md).
struct FakeCounters {
  uint64_t bytes_h2d = 0;        // all host-to-device link traffic: copies, migrations,
                                 // prefetch, remote reads
  uint64_t bytes_d2h = 0;        // all device-to-host link traffic: copies, write-backs,
                                 // prefetch to host, host-side migrations, remote writes
  uint64_t faults = 0;           // device page faults (migrations, first touch,
                                 // duplicate collapse, remote mapping)
  uint64_t evictions = 0;        // managed pages dropped from the device to make room
  uint64_t remote_bytes = 0;     // zero-copy kernel reads/writes of host-resident memory
  uint64_t prefetch_bytes = 0;   // link bytes moved by Prefetch (either direction)
  uint64_t writeback_bytes = 0;  // D2H bytes written back by evictions
  uint64_t migrated_bytes = 0;   // bytes moved by faults (device faults H2D, host-side
                                 // accesses D2H)
  uint64_t kernels = 0;          // launches

  bool operator==(const FakeCounters&) const = default;
};

// Field-by-field difference, for "what did this pass do" (a - b; the caller
// passes a later snapshot first).
FakeCounters operator-(const FakeCounters& a, const FakeCounters& b);
// "bytes_h2d=... bytes_d2h=... faults=..." on one line.
std::string FakeCountersToString(const FakeCounters& counters);

}  // namespace spillway::fake

#endif  // SPILLWAY_BACKENDS_FAKE_FAKE_COUNTERS_H_
