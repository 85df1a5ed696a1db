#include "three_models/belady_bound.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace spillway::samples::three_models {

BeladyCache::BeladyCache(uint64_t capacity_pages, uint32_t page_count)
    : capacity_(capacity_pages), cached_(page_count, false), next_use_(page_count, kNeverAgain) {}

void BeladyCache::SettleTop() {
  while (!heap_.empty()) {
    const auto& [next_use, page] = heap_.front();
    if (cached_[page] && next_use_[page] == next_use) return;
    std::pop_heap(heap_.begin(), heap_.end());
    heap_.pop_back();
  }
}

void BeladyCache::Compact() {
  heap_.clear();
  for (uint32_t page = 0; page < cached_.size(); ++page) {
    if (cached_[page]) heap_.emplace_back(next_use_[page], page);
  }
  std::make_heap(heap_.begin(), heap_.end());
}

void BeladyCache::Access(uint32_t page, uint64_t next_use) {
  ++counts_.accesses;
  if (page >= cached_.size()) {
    // Outside the cache's numbering: it can only be read in place.
    ++counts_.misses;
    ++counts_.bypassed;
    return;
  }
  if (cached_[page]) {
    ++counts_.hits;
  } else {
    ++counts_.misses;
    if (cached_count_ >= capacity_) {
      SettleTop();
      // Of the cached pages and this one, the farthest next use is not kept.
      if (heap_.empty() || next_use >= heap_.front().first) {
        ++counts_.bypassed;
        return;
      }
      const uint32_t victim = heap_.front().second;
      std::pop_heap(heap_.begin(), heap_.end());
      heap_.pop_back();
      cached_[victim] = false;
      --cached_count_;
      ++counts_.evictions;
    }
    cached_[page] = true;
    ++cached_count_;
  }
  next_use_[page] = next_use;
  heap_.emplace_back(next_use, page);
  std::push_heap(heap_.begin(), heap_.end());
  // Hits leave stale entries behind; rebuilding once they outnumber the live
  // ones keeps the heap within a constant factor of the cache.
  if (heap_.size() > 2 * cached_count_ + 1024) Compact();
}

BeladyCounts RunBeladyWithBypass(const std::vector<uint32_t>& trace, uint64_t capacity_pages) {
  uint64_t pages = 0;
  for (uint32_t page : trace) pages = std::max<uint64_t>(pages, uint64_t{page} + 1);
  const auto page_count = static_cast<uint32_t>(std::min<uint64_t>(pages, ~uint32_t{0}));
  std::vector<uint64_t> next(trace.size(), kNeverAgain);
  absl::flat_hash_map<uint32_t, uint64_t> seen;
  for (uint64_t i = trace.size(); i-- > 0;) {
    auto [it, inserted] = seen.try_emplace(trace[i], i);
    if (!inserted) {
      next[i] = it->second;
      it->second = i;
    }
  }
  BeladyCache cache(capacity_pages, page_count);
  for (uint64_t i = 0; i < trace.size(); ++i) cache.Access(trace[i], next[i]);
  return cache.counts();
}

std::vector<uint32_t> ExpandPageTrace(const ModelLayout& layout,
                                      const std::vector<Request>& requests) {
  std::vector<uint32_t> trace;
  for (const Request& r : requests) {
    const std::vector<uint32_t> token = TokenReadPages(layout, r.model);
    for (int t = 0; t < r.tokens; ++t) trace.insert(trace.end(), token.begin(), token.end());
  }
  return trace;
}

absl::StatusOr<OfflineBound> ComputeOfflineBound(const ModelLayout& layout,
                                                 const std::vector<Request>& requests,
                                                 uint64_t capacity_bytes, double link_bandwidth,
                                                 double device_bandwidth) {
  if (requests.empty()) return absl::InvalidArgumentError("bound: the request trace is empty");
  for (size_t i = 0; i < requests.size(); ++i) {
    if (requests[i].model < 0 || requests[i].model >= layout.models || requests[i].tokens < 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bound: request ", i, " (model ", requests[i].model, ", ", requests[i].tokens,
          " tokens) is outside the ", layout.models, "-model layout or has no token"));
    }
  }
  if (!(std::isfinite(link_bandwidth) && link_bandwidth > 0 && std::isfinite(device_bandwidth) &&
        device_bandwidth > 0)) {
    return absl::InvalidArgumentError(absl::StrCat("bound: bandwidths ", link_bandwidth, " and ",
                                                   device_bandwidth, " must be finite and > 0"));
  }
  // Every token of a model reads the same pages in the same order, so the
  // next use of the k-th page of a token is the k-th page of the model's next
  // token: one token later within a request, or the first token of the
  // model's next request. No need to materialise the trace.
  const uint64_t per_token = layout.model_pages();
  std::vector<uint64_t> start(requests.size());
  uint64_t position = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    start[i] = position;
    position += per_token * static_cast<uint64_t>(requests[i].tokens);
  }
  std::vector<uint64_t> next_request_start(requests.size(), kNeverAgain);
  std::vector<uint64_t> later(layout.models, kNeverAgain);
  for (size_t i = requests.size(); i-- > 0;) {
    next_request_start[i] = later[requests[i].model];
    later[requests[i].model] = start[i];
  }

  BeladyCache cache(capacity_bytes / layout.page_size,
                    static_cast<uint32_t>(layout.total_bytes() / layout.page_size));
  OfflineBound bound;
  for (size_t i = 0; i < requests.size(); ++i) {
    const std::vector<uint32_t> token = TokenReadPages(layout, requests[i].model);
    for (int t = 0; t < requests[i].tokens; ++t) {
      const bool last = t + 1 == requests[i].tokens;
      const uint64_t token_start = start[i] + static_cast<uint64_t>(t) * per_token;
      const uint64_t next_start = last ? next_request_start[i] : token_start + per_token;
      for (uint64_t k = 0; k < token.size(); ++k) {
        cache.Access(token[k], next_start == kNeverAgain ? kNeverAgain : next_start + k);
      }
    }
    bound.tokens += static_cast<uint64_t>(requests[i].tokens);
  }
  bound.counts = cache.counts();
  bound.bytes_h2d = bound.counts.misses * layout.page_size;
  bound.device_read_bytes = bound.tokens * layout.token_read_bytes();
  bound.link_seconds = static_cast<double>(bound.bytes_h2d) / link_bandwidth;
  bound.device_seconds = static_cast<double>(bound.device_read_bytes) / device_bandwidth;
  bound.seconds = std::max(bound.link_seconds, bound.device_seconds);
  return bound;
}

}  // namespace spillway::samples::three_models
