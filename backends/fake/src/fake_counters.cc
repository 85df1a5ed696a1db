#include "spillway/backends/fake/fake_counters.h"

#include "absl/strings/str_cat.h"

namespace spillway::fake {

FakeCounters operator-(const FakeCounters& a, const FakeCounters& b) {
  FakeCounters d;
  d.bytes_h2d = a.bytes_h2d - b.bytes_h2d;
  d.bytes_d2h = a.bytes_d2h - b.bytes_d2h;
  d.faults = a.faults - b.faults;
  d.evictions = a.evictions - b.evictions;
  d.remote_bytes = a.remote_bytes - b.remote_bytes;
  d.prefetch_bytes = a.prefetch_bytes - b.prefetch_bytes;
  d.writeback_bytes = a.writeback_bytes - b.writeback_bytes;
  d.migrated_bytes = a.migrated_bytes - b.migrated_bytes;
  d.kernels = a.kernels - b.kernels;
  return d;
}

std::string FakeCountersToString(const FakeCounters& c) {
  return absl::StrCat("bytes_h2d=", c.bytes_h2d, " bytes_d2h=", c.bytes_d2h,
                      " faults=", c.faults, " evictions=", c.evictions,
                      " remote_bytes=", c.remote_bytes, " prefetch_bytes=", c.prefetch_bytes,
                      " writeback_bytes=", c.writeback_bytes,
                      " migrated_bytes=", c.migrated_bytes, " kernels=", c.kernels);
}

}  // namespace spillway::fake
