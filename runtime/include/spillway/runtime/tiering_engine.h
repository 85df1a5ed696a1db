// Decides which part of each managed buffer stays on the device, and moves it.
#ifndef SPILLWAY_RUNTIME_TIERING_ENGINE_H_
#define SPILLWAY_RUNTIME_TIERING_ENGINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "spillway/hal/device.h"
#include "spillway/hal/event.h"
#include "spillway/hal/stream.h"
#include "spillway/runtime/buffer_hints.h"

namespace spillway::runtime {

struct TieringOptions {
  // Device-resident bytes this engine may plan for its managed buffers.
  uint64_t budget_bytes = 0;
  // Plans are made in units of the driver's managed page.
  uint64_t granularity = 2ull << 20;
  // Where the non-resident part lives: host, or the host NUMA node nearest
  // the device when the backend can name one.
  hal::Location spill_location = hal::Location::Host();
  // Share of the budget left after the active group that idle groups keep as
  // an equal floor. A floor that never moves is what keeps a cyclic workload
  // (model A, B, C, A, ...) from re-transferring everything on each switch:
  // least-recently-used eviction is the worst possible order for a cycle.
  double idle_floor_fraction = 0.0;
  // Size an announced group's share by what the link moved for it before the
  // next activation: the bytes the copy stream moved per millisecond (device
  // events) times the milliseconds from when the transfer could start to the
  // next Activate. The rest of the budget becomes an equal floor for every
  // non-active group. When requests are short next to the link (one token),
  // prefetching more than that only moves the same bytes at the switch, and
  // floors keep bytes from crossing at all; when they are long, the share
  // measures as the whole leftover and nothing changes. Until a measurement
  // exists, or when the device cannot time events, announced groups take all
  // that is left after the active one.
  bool size_announced_by_link = true;
};

struct GroupTiering {
  std::string group;
  uint64_t bytes = 0;
  uint64_t resident_bytes = 0;  // planned device-resident bytes
  bool active = false;
  bool anticipated = false;
};

struct TieringCounters {
  uint64_t plans = 0;
  uint64_t activations = 0;
  uint64_t promoted_bytes = 0;  // prefetched to the device
  uint64_t demoted_bytes = 0;   // sent back to the spill location
  uint64_t advice_calls = 0;
  uint64_t prefetch_calls = 0;
};

struct TieringSnapshot {
  uint64_t budget_bytes = 0;
  uint64_t resident_bytes = 0;  // planned, over all buffers
  std::string active_group;
  std::vector<GroupTiering> groups;  // in planning order
  // Bytes the link can move for an announced group before the next
  // activation, as last measured; 0 = not measured (see
  // TieringOptions::size_announced_by_link).
  uint64_t announce_window_bytes = 0;
  TieringCounters counters;
};

// Plans residency by priority: "keep resident" buffers, then the active
// group, then groups announced by a prefetch call, then idle groups by
// recency (each idle group holding its floor first). An announced group's
// share is capped by the measured link window when that is smaller than
// what is left (TieringOptions::size_announced_by_link). Within a buffer the
// resident part is its prefix, so layers read first arrive first.
//
// Thread-safe. Does not own the buffers; the caller removes a buffer before
// freeing it. Errors from the device are returned as they are.
class TieringEngine {
 public:
  TieringEngine(hal::Device& device, TieringOptions options);

  // Registers a managed buffer and applies its initial advice (no transfer).
  absl::Status AddBuffer(void* ptr, uint64_t size, const BufferHints& hints);
  // Forgets a buffer; its budget goes to others at the next plan.
  absl::Status RemoveBuffer(void* ptr);
  // Makes `group` the active group and moves data on `stream`:
  // demotions first, then promotions in priority order. `budget_bytes`, when
  // given, replaces the budget for this plan and later ones, so that a share
  // that changed with other processes' plans costs no plan of its own.
  absl::Status Activate(absl::string_view group, hal::Stream& stream,
                        std::optional<uint64_t> budget_bytes = std::nullopt);
  // The application will use these buffers soon: their groups rank after the
  // active group, and the plan is applied on `stream`. `budget_bytes` as for
  // Activate.
  absl::Status Anticipate(absl::Span<void* const> buffers, hal::Stream& stream,
                          std::optional<uint64_t> budget_bytes = std::nullopt);

  TieringSnapshot Snapshot() const;
  // Snapshot().resident_bytes without the rest (no sorting).
  uint64_t PlannedResidentBytes() const;

 private:
  struct Buffer {
    void* ptr = nullptr;
    uint64_t size = 0;
    BufferHints hints;
    uint64_t order = 0;     // allocation order
    uint64_t advised = 0;   // prefix advised to live on the device
    uint64_t resident = 0;  // prefix prefetched to the device
  };
  struct Group {
    uint64_t last_active = 0;
    uint64_t anticipated = 0;  // stamp of the latest prefetch call; 0 = none
  };

  // Device-event marks for measuring how much an announced group's transfer
  // can carry before the next activation. Best effort: a device that cannot
  // create or time events leaves the share unmeasured.
  // An announced transfer: its bytes between two marks on one stream.
  struct RateSample {
    std::unique_ptr<hal::Event> queued;
    std::unique_ptr<hal::Event> link_free;
    uint64_t bytes = 0;
  };
  struct AnnounceTiming {
    std::unique_ptr<hal::Stream> clock;     // never used for work: events on it say "now"
    std::unique_ptr<hal::Event> active_done;  // after the latest activation's promotions
    std::unique_ptr<hal::Event> announced_at;  // the present when the announcement came
    std::unique_ptr<hal::Event> queued;     // the stream's end when the announcement came
    std::unique_ptr<hal::Event> link_free;  // after the announcement's promotions
    const hal::Stream* stream = nullptr;    // where the announcement's moves went
    uint64_t bytes = 0;                     // promoted by the announcement's plan
    bool pending = false;                   // announced, next activation not seen yet
    RateSample running;                     // still moving at its activation: timed later
    double bytes_per_ms = 0;                // latest measured promotion rate
    uint64_t window_bytes = 0;              // valid with has_window
    bool has_window = false;
  };


  // Computes target resident prefixes and applies the differences: advice
  // always, data movement only with a stream. Once the promotions of tiers
  // up to `mark_tier` are enqueued, records `mark_event` (created if needed)
  // on the stream, and returns through `promoted` the bytes they prefetched.
  absl::Status Replan(hal::Stream* stream, int mark_tier,
                      std::unique_ptr<hal::Event>* mark_event = nullptr,
                      uint64_t* promoted = nullptr)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // An event on a stream created now: the host's present on the device's clock.
  absl::StatusOr<std::unique_ptr<hal::Event>> HostPresent() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Before an announcement's plan: marks where its transfer can start.
  void MarkAnnouncement(hal::Stream& stream) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // At an activation on `stream`: turns the pending announcement's marks into
  // a window (an empty one while the link has not reached the transfer).
  void MeasureAnnouncement(const hal::Stream& stream) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Buffers (by pointer) from highest to lowest priority.
  std::vector<void*> PlanningOrder() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Move(Buffer& buffer, uint64_t target, hal::Stream* stream)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int Tier(const Buffer& buffer) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  hal::Device& device_;
  mutable absl::Mutex mu_;
  TieringOptions options_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<void*, Buffer> buffers_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Group> groups_ ABSL_GUARDED_BY(mu_);
  std::string active_group_ ABSL_GUARDED_BY(mu_);
  bool has_active_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t clock_ ABSL_GUARDED_BY(mu_) = 0;
  TieringCounters counters_ ABSL_GUARDED_BY(mu_);
  AnnounceTiming timing_ ABSL_GUARDED_BY(mu_);
};

}  // namespace spillway::runtime

#endif  // SPILLWAY_RUNTIME_TIERING_ENGINE_H_
