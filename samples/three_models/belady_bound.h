// The offline optimum: the fewest bytes any policy must move host-to-device
// for a page-access trace, and the time no schedule can beat.
//
// Belady's MIN with bypass: on a miss the page may be used from the host
// without being kept (as a kernel reads a host-preferred page remotely). Of
// the cached pages and the requested one, the one whose next use is farthest
// is the one not kept; on a tie nothing changes. For equal-sized pages this
// minimises the number of misses, and so the bytes that must cross the link
// host-to-device (docs/three-models.md gives the argument).
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_BELADY_BOUND_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_BELADY_BOUND_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "three_models/model_layout.h"
#include "three_models/request_trace.h"

namespace spillway::samples::three_models {

// The next-use position of a page that is never accessed again.
inline constexpr uint64_t kNeverAgain = ~0ull;

struct BeladyCounts {
  uint64_t accesses = 0;
  uint64_t hits = 0;
  uint64_t misses = 0;     // every miss moves the page over the link once
  uint64_t bypassed = 0;   // misses served without keeping the page
  uint64_t evictions = 0;  // cached pages dropped for a requested one

  bool operator==(const BeladyCounts&) const = default;
};

// The cache state of MIN with bypass, fed one access at a time with its next
// use, so that a long trace never has to be held in memory.
// Thread-compatible (one thread at a time). O(log capacity) per access.
class BeladyCache {
 public:
  // Pages are numbered 0..page_count-1.
  BeladyCache(uint64_t capacity_pages, uint32_t page_count);

  // One access to `page`; `next_use` is the position of the next access to
  // the same page, or kNeverAgain. A page >= page_count cannot be cached and
  // counts as a bypassed miss. Positions must grow along
  // the trace (each access's next use lies after every earlier access).
  void Access(uint32_t page, uint64_t next_use);

  const BeladyCounts& counts() const { return counts_; }
  uint64_t cached_pages() const { return cached_count_; }
  bool IsCached(uint32_t page) const { return page < cached_.size() && cached_[page]; }

 private:
  // Drops stale heap entries from the top; the top is then the cached page
  // with the farthest next use.
  void SettleTop();
  void Compact();

  uint64_t capacity_;
  std::vector<bool> cached_;
  std::vector<uint64_t> next_use_;  // valid while cached
  // Max-heap of (next use, page), with stale entries removed lazily.
  std::vector<std::pair<uint64_t, uint32_t>> heap_;
  uint64_t cached_count_ = 0;
  BeladyCounts counts_;
};

// MIN with bypass over an explicit trace of page numbers (positions are the
// indexes). Thread-safe (pure function).
BeladyCounts RunBeladyWithBypass(const std::vector<uint32_t>& trace, uint64_t capacity_pages);

// The page trace that serving `requests` reads: for each request, `tokens`
// copies of TokenReadPages(layout, model). For tests and small cases: the
// bound itself never materialises it.
std::vector<uint32_t> ExpandPageTrace(const ModelLayout& layout,
                                      const std::vector<Request>& requests);

struct OfflineBound {
  BeladyCounts counts;
  uint64_t bytes_h2d = 0;          // misses x page size
  uint64_t device_read_bytes = 0;  // every byte the kernels read
  double link_seconds = 0;         // bytes_h2d / link bandwidth
  double device_seconds = 0;       // device_read_bytes / device-memory bandwidth
  double seconds = 0;              // the larger of the two
  uint64_t tokens = 0;
};

// The bound for serving `requests` on a device that can hold
// `capacity_bytes` of the models' pages. INVALID_ARGUMENT for an empty
// trace, a request naming a model outside the layout or with tokens < 1,
// or bandwidths that are not finite and > 0. Thread-safe.
absl::StatusOr<OfflineBound> ComputeOfflineBound(const ModelLayout& layout,
                                                 const std::vector<Request>& requests,
                                                 uint64_t capacity_bytes, double link_bandwidth,
                                                 double device_bandwidth);

}  // namespace spillway::samples::three_models

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_BELADY_BOUND_H_
