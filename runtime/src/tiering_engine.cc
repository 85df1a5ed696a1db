#include "spillway/runtime/tiering_engine.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spillway/hal/status.h"

namespace spillway::runtime {
namespace {

constexpr int kTierKeepResident = 0;
constexpr int kTierActive = 1;
constexpr int kTierAnticipated = 2;
constexpr int kTierIdle = 3;

uint64_t AlignDown(uint64_t value, uint64_t unit) { return value - value % unit; }

char* Byte(void* ptr, uint64_t offset) { return static_cast<char*>(ptr) + offset; }

}  // namespace

TieringEngine::TieringEngine(hal::Device& device, TieringOptions options)
    : device_(device), options_(options) {
  if (options_.granularity == 0) options_.granularity = 2ull << 20;
  if (options_.spill_location.type == hal::Location::Type::kHostNuma &&
      !device_.properties().Has(hal::kCapHostNumaLocation)) {
    options_.spill_location = hal::Location::Host();
  }
}

int TieringEngine::Tier(const Buffer& buffer) const {
  if (buffer.hints.keep_resident) return kTierKeepResident;
  if (has_active_ && buffer.hints.group == active_group_) return kTierActive;
  auto it = groups_.find(buffer.hints.group);
  if (it != groups_.end() && it->second.anticipated != 0) return kTierAnticipated;
  return kTierIdle;
}

std::vector<void*> TieringEngine::PlanningOrder() const {
  auto key = [this](const Buffer& b) {
    const int tier = Tier(b);
    auto g = groups_.find(b.hints.group);
    uint64_t stamp = 0;
    if (g != groups_.end()) {
      stamp = tier == kTierAnticipated ? g->second.anticipated : g->second.last_active;
    }
    // Newer stamps first within a tier.
    return std::make_tuple(tier, ~stamp, absl::string_view(b.hints.group), b.order);
  };
  std::vector<std::pair<decltype(key(std::declval<const Buffer&>())), void*>> keyed;
  keyed.reserve(buffers_.size());
  for (const auto& [ptr, buffer] : buffers_) keyed.emplace_back(key(buffer), ptr);
  std::sort(keyed.begin(), keyed.end());
  std::vector<void*> order;
  order.reserve(keyed.size());
  for (const auto& [k, ptr] : keyed) order.push_back(ptr);
  return order;
}

absl::Status TieringEngine::Replan(hal::Stream* stream, int mark_tier,
                                   std::unique_ptr<hal::Event>* mark_event, uint64_t* promoted) {
  ++counters_.plans;
  const uint64_t unit = options_.granularity;
  std::vector<Buffer*> order;
  for (void* ptr : PlanningOrder()) order.push_back(&buffers_.find(ptr)->second);
  absl::flat_hash_map<Buffer*, uint64_t> target;
  uint64_t remaining = options_.budget_bytes;
  auto grant = [&](Buffer* b, uint64_t want_more) {
    uint64_t& t = target[b];
    uint64_t give = std::min(want_more, remaining);
    if (t + give < b->size) give = AlignDown(t + give, unit) - t;
    t += give;
    remaining -= give;
  };
  // Keep-resident and active buffers take what they need first.
  size_t first_other = 0;
  while (first_other < order.size() && Tier(*order[first_other]) <= kTierActive) {
    grant(order[first_other], order[first_other]->size);
    ++first_other;
  }
  // Then the groups a prefetch call announced: the application knows they
  // come next, which beats any floor kept for groups it said nothing about.
  // But the link moves only so much before the next activation; beyond that
  // an announced group's bytes cross at the switch anyway, and are better
  // spent as floors that every group keeps across switches.
  absl::flat_hash_set<absl::string_view> others;
  absl::flat_hash_set<absl::string_view> announced;
  for (size_t i = first_other; i < order.size(); ++i) {
    others.insert(order[i]->hints.group);
    if (Tier(*order[i]) == kTierAnticipated) announced.insert(order[i]->hints.group);
  }
  uint64_t shared_floor = 0;
  uint64_t announced_cap = ~0ull;
  // Only a plan with an announcement is capped: without one there is no
  // transfer to size, and the idle floors alone apply.
  if (options_.size_announced_by_link && timing_.has_window && !announced.empty() &&
      timing_.window_bytes < remaining && !others.empty()) {
    shared_floor = AlignDown((remaining - timing_.window_bytes) / others.size(), unit);
    announced_cap = shared_floor + timing_.window_bytes / announced.size();
  }
  size_t first_idle = first_other;
  absl::flat_hash_map<absl::string_view, uint64_t> announced_used;
  while (first_idle < order.size() && Tier(*order[first_idle]) == kTierAnticipated) {
    Buffer* b = order[first_idle];
    uint64_t& u = announced_used[b->hints.group];
    const uint64_t before = target[b];
    grant(b, std::min(announced_cap > u ? announced_cap - u : 0, b->size));
    u += target[b] - before;
    ++first_idle;
  }
  // Then each other group gets an equal floor, then the rest by priority.
  absl::flat_hash_map<absl::string_view, uint64_t> group_floor;
  for (size_t i = first_idle; i < order.size(); ++i) group_floor[order[i]->hints.group] = 0;
  if (!group_floor.empty() && (options_.idle_floor_fraction > 0 || shared_floor > 0)) {
    const uint64_t floor = std::max(
        shared_floor,
        AlignDown(
            static_cast<uint64_t>(static_cast<double>(remaining) * options_.idle_floor_fraction) /
                group_floor.size(),
            unit));
    for (size_t i = first_idle; i < order.size(); ++i) {
      uint64_t& left = group_floor[order[i]->hints.group];
      if (left == 0 && floor > 0) left = floor;  // first buffer of the group seen
    }
    absl::flat_hash_map<absl::string_view, uint64_t> used;
    for (size_t i = first_idle; i < order.size(); ++i) {
      Buffer* b = order[i];
      uint64_t& u = used[b->hints.group];
      const uint64_t floor_left = floor > u ? floor - u : 0;
      const uint64_t before = target[b];
      grant(b, std::min<uint64_t>(floor_left, b->size));
      u += target[b] - before;
    }
  }
  // Announced groups first: they had the leftover before any cap.
  for (size_t i = first_other; i < order.size(); ++i) {
    grant(order[i], order[i]->size - target[order[i]]);
  }
  // Demotion advice first: it makes the demoted pages the driver's first
  // eviction candidates, so promotions find room. Then promotions, in
  // priority order, and only then the demotions' write-backs: on one stream
  // they would otherwise hold up the promotions that the next kernels wait
  // for, although the link carries both directions at once (the driver
  // writes back each dirty page as a promotion takes its frame).
  auto shrinks = [&](Buffer* b) { return target[b] < b->advised || target[b] < b->resident; };
  std::vector<Buffer*> shrinking;
  for (Buffer* b : order) {
    if (!shrinks(b)) continue;
    shrinking.push_back(b);
    SPILLWAY_RETURN_IF_ERROR(Move(*b, target[b], nullptr));  // advice only
  }
  // With `mark_event`: where the link is free of this plan's promotions up
  // to `mark_tier` (the active group's, or the announced group's).
  const uint64_t promoted_before = counters_.promoted_bytes;
  bool marked = false;
  auto mark = [&] {
    marked = true;
    if (promoted != nullptr) *promoted = counters_.promoted_bytes - promoted_before;
    if (mark_event == nullptr || stream == nullptr || !options_.size_announced_by_link) return;
    if (*mark_event == nullptr) {
      absl::StatusOr<std::unique_ptr<hal::Event>> event = device_.CreateEvent();
      if (event.ok()) *mark_event = std::move(*event);
    }
    if (*mark_event != nullptr && !(*mark_event)->Record(*stream).ok()) mark_event->reset();
  };
  for (Buffer* b : order) {
    if (!marked && Tier(*b) > mark_tier) mark();
    if (!shrinks(b)) SPILLWAY_RETURN_IF_ERROR(Move(*b, target[b], stream));
  }
  if (!marked) mark();
  for (Buffer* b : shrinking) SPILLWAY_RETURN_IF_ERROR(Move(*b, target[b], stream));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<hal::Event>> TieringEngine::HostPresent() {
  // Nothing is ever enqueued on the clock stream, so an event recorded on it
  // completes at once, stamped with the present.
  if (timing_.clock == nullptr) {
    SPILLWAY_ASSIGN_OR_RETURN(timing_.clock, device_.CreateStream());
  }
  SPILLWAY_ASSIGN_OR_RETURN(std::unique_ptr<hal::Event> event, device_.CreateEvent());
  SPILLWAY_RETURN_IF_ERROR(event->Record(*timing_.clock));
  SPILLWAY_RETURN_IF_ERROR(event->Synchronize());
  return event;
}

void TieringEngine::MarkAnnouncement(hal::Stream& stream) {
  timing_.pending = false;
  if (!options_.size_announced_by_link || timing_.active_done == nullptr) return;
  absl::StatusOr<std::unique_ptr<hal::Event>> now = HostPresent();
  if (!now.ok()) return;
  if (timing_.queued == nullptr) {
    absl::StatusOr<std::unique_ptr<hal::Event>> created = device_.CreateEvent();
    if (!created.ok()) return;
    timing_.queued = std::move(*created);
  }
  // The stream is a queue: the announced transfer starts once what is
  // already on it is done, and its plan marks link_free where it ends.
  if (!timing_.queued->Record(stream).ok()) return;
  timing_.announced_at = std::move(*now);
  timing_.stream = &stream;
  timing_.pending = true;
}

void TieringEngine::MeasureAnnouncement(const hal::Stream& stream) {
  if (!timing_.pending) return;
  timing_.pending = false;
  // Anything unmeasurable falls back to the uncapped plan.
  timing_.has_window = false;
  // Timing across two queues would not measure one link's work.
  if (&stream != timing_.stream || timing_.active_done == nullptr ||
      timing_.queued == nullptr || timing_.link_free == nullptr) {
    return;
  }
  absl::StatusOr<std::unique_ptr<hal::Event>> now = HostPresent();
  if (!now.ok()) return;
  // Both "now" and the announcement's present are complete: if they cannot
  // be timed, the device cannot time events at all.
  absl::StatusOr<float> since_announced = (*now)->ElapsedMillisecondsSince(*timing_.announced_at);
  if (!since_announced.ok()) return;
  // The rate: bytes over the time the link spent on them, once a transfer
  // has finished (an event not yet complete cannot be timed). A transfer
  // still running is kept aside, in its own events, and timed at a later
  // activation: when the link never catches up, no transfer completes
  // before its switch.
  auto rate_of = [&](RateSample& sample) {
    if (sample.bytes == 0 || sample.queued == nullptr || sample.link_free == nullptr) return false;
    absl::StatusOr<float> busy = sample.link_free->ElapsedMillisecondsSince(*sample.queued);
    if (!busy.ok()) return false;
    if (*busy > 0) {
      timing_.bytes_per_ms = static_cast<double>(sample.bytes) / static_cast<double>(*busy);
    }
    sample = RateSample();
    return true;
  };
  rate_of(timing_.running);
  RateSample latest{std::move(timing_.queued), std::move(timing_.link_free), timing_.bytes};
  if (!rate_of(latest) && timing_.running.bytes == 0) timing_.running = std::move(latest);
  // The window: from when both the host had announced and the link was free
  // of the active group's promotions, to now. Idle groups' moves queued in
  // between are the engine's own choice, not a limit of the link, so they do
  // not shorten it. While the active group's promotions are still running
  // (their mark not complete) the window is empty.
  absl::StatusOr<float> since_active = (*now)->ElapsedMillisecondsSince(*timing_.active_done);
  const double window_ms =
      since_active.ok()
          ? std::max(0.0, static_cast<double>(std::min(*since_active, *since_announced)))
          : 0.0;
  if (window_ms > 0 && timing_.bytes_per_ms <= 0) return;  // no rate measured yet
  timing_.window_bytes = static_cast<uint64_t>(timing_.bytes_per_ms * window_ms);
  timing_.has_window = true;
}

absl::Status TieringEngine::Move(Buffer& buffer, uint64_t target, hal::Stream* stream) {
  const hal::DeviceProperties& props = device_.properties();
  const bool weights = buffer.hints.role == BufferRole::kWeights;
  const bool can_prefetch = stream != nullptr && props.Has(hal::kCapPrefetch);
  const hal::Location here = hal::Location::Device(props.ordinal);
  auto advise = [&](uint64_t from, uint64_t to, hal::Advice advice, hal::Location where) {
    ++counters_.advice_calls;
    return device_.Advise(Byte(buffer.ptr, from), to - from, advice, where);
  };
  // Demotion: advice first. With the spill location preferred, unsetting
  // read-mostly collapses each duplicated weight page onto its host copy,
  // which is free (the driver drops the device copy); the prefetch then only
  // moves pages that have no valid host copy (written KV cache, activations).
  if (target < buffer.advised) {
    if (props.Has(hal::kCapAdvisePreferredLocation)) {
      SPILLWAY_RETURN_IF_ERROR(advise(target, buffer.advised, hal::Advice::kSetPreferredLocation,
                                      options_.spill_location));
    }
    // Beyond the budget a weight is read in place over the link, not
    // duplicated: read duplication would only evict another resident page.
    if (weights && props.Has(hal::kCapAdviseReadMostly)) {
      SPILLWAY_RETURN_IF_ERROR(
          advise(target, buffer.advised, hal::Advice::kUnsetReadMostly, options_.spill_location));
    }
  } else if (target > buffer.advised) {
    if (props.Has(hal::kCapAdvisePreferredLocation)) {
      SPILLWAY_RETURN_IF_ERROR(
          advise(buffer.advised, target, hal::Advice::kSetPreferredLocation, here));
    }
    // Read-mostly makes a resident weight free to evict: its host copy stays valid.
    if (weights && props.Has(hal::kCapAdviseReadMostly)) {
      SPILLWAY_RETURN_IF_ERROR(advise(buffer.advised, target, hal::Advice::kSetReadMostly, here));
    }
  }
  buffer.advised = target;
  if (can_prefetch && target < buffer.resident) {
    SPILLWAY_RETURN_IF_ERROR(device_.Prefetch(Byte(buffer.ptr, target),
                                              buffer.resident - target,
                                              options_.spill_location, *stream));
    ++counters_.prefetch_calls;
    counters_.demoted_bytes += buffer.resident - target;
    buffer.resident = target;
  }
  // Promotion: advice first (above), then data.
  if (can_prefetch && target > buffer.resident) {
    SPILLWAY_RETURN_IF_ERROR(device_.Prefetch(Byte(buffer.ptr, buffer.resident),
                                              target - buffer.resident, here, *stream));
    ++counters_.prefetch_calls;
    counters_.promoted_bytes += target - buffer.resident;
    buffer.resident = target;
  }
  return absl::OkStatus();
}

absl::Status TieringEngine::AddBuffer(void* ptr, uint64_t size, const BufferHints& hints) {
  if (ptr == nullptr || size == 0) {
    return absl::InvalidArgumentError("tiering: a buffer needs a pointer and a non-zero size");
  }
  absl::MutexLock lock(&mu_);
  if (buffers_.contains(ptr)) {
    return absl::AlreadyExistsError(absl::StrFormat("tiering: buffer %p is already known", ptr));
  }
  const hal::DeviceProperties& props = device_.properties();
  // Every page stays reachable from the device wherever it lives, and lives
  // at the spill location until the plan says otherwise.
  if (props.Has(hal::kCapAdviseAccessedBy)) {
    SPILLWAY_RETURN_IF_ERROR(device_.Advise(ptr, size, hal::Advice::kSetAccessedBy,
                                            hal::Location::Device(props.ordinal)));
    ++counters_.advice_calls;
  }
  if (props.Has(hal::kCapAdvisePreferredLocation)) {
    SPILLWAY_RETURN_IF_ERROR(device_.Advise(ptr, size, hal::Advice::kSetPreferredLocation,
                                            options_.spill_location));
    ++counters_.advice_calls;
  }
  Buffer buffer;
  buffer.ptr = ptr;
  buffer.size = size;
  buffer.hints = hints;
  buffer.order = ++clock_;
  buffers_.emplace(ptr, std::move(buffer));
  groups_.try_emplace(hints.group);
  return Replan(nullptr, kTierIdle);
}

absl::Status TieringEngine::RemoveBuffer(void* ptr) {
  absl::MutexLock lock(&mu_);
  auto it = buffers_.find(ptr);
  if (it == buffers_.end()) {
    return absl::NotFoundError(absl::StrFormat("tiering: buffer %p is not known", ptr));
  }
  const std::string group = it->second.hints.group;
  buffers_.erase(it);
  const bool group_left = std::any_of(buffers_.begin(), buffers_.end(),
                                      [&](const auto& kv) { return kv.second.hints.group == group; });
  if (!group_left) groups_.erase(group);
  // Freed budget goes to others at the next plan; advice only, no transfer here.
  return Replan(nullptr, kTierIdle);
}

absl::Status TieringEngine::Activate(absl::string_view group, hal::Stream& stream,
                                     std::optional<uint64_t> budget_bytes) {
  absl::MutexLock lock(&mu_);
  auto it = groups_.find(group);
  if (it == groups_.end() || group.empty()) {
    return absl::NotFoundError(
        absl::StrCat("tiering: no managed buffer belongs to group \"", group, "\""));
  }
  if (budget_bytes.has_value()) options_.budget_bytes = *budget_bytes;
  it->second.last_active = ++clock_;
  it->second.anticipated = 0;
  active_group_ = std::string(group);
  has_active_ = true;
  ++counters_.activations;
  MeasureAnnouncement(stream);
  return Replan(&stream, kTierActive, &timing_.active_done);
}

absl::Status TieringEngine::Anticipate(absl::Span<void* const> buffers, hal::Stream& stream,
                                       std::optional<uint64_t> budget_bytes) {
  absl::MutexLock lock(&mu_);
  const uint64_t stamp = ++clock_;
  for (void* ptr : buffers) {
    auto it = buffers_.find(ptr);
    if (it == buffers_.end()) {
      return absl::NotFoundError(absl::StrFormat("tiering: buffer %p is not known", ptr));
    }
    const std::string& group = it->second.hints.group;
    if (has_active_ && group == active_group_) continue;
    groups_[group].anticipated = stamp;
  }
  if (budget_bytes.has_value()) options_.budget_bytes = *budget_bytes;
  MarkAnnouncement(stream);
  const absl::Status status =
      Replan(&stream, kTierAnticipated, &timing_.link_free, &timing_.bytes);
  // A failed plan or mark leaves nothing to measure.
  if (!status.ok() || timing_.link_free == nullptr) timing_.pending = false;
  return status;
}

uint64_t TieringEngine::PlannedResidentBytes() const {
  absl::MutexLock lock(&mu_);
  uint64_t resident = 0;
  for (const auto& [ptr, buffer] : buffers_) resident += buffer.advised;
  return resident;
}

TieringSnapshot TieringEngine::Snapshot() const {
  absl::MutexLock lock(&mu_);
  TieringSnapshot snapshot;
  snapshot.budget_bytes = options_.budget_bytes;
  snapshot.active_group = has_active_ ? active_group_ : "";
  snapshot.counters = counters_;
  snapshot.announce_window_bytes = timing_.has_window ? timing_.window_bytes : 0;
  std::vector<GroupTiering> groups;
  absl::flat_hash_map<std::string, size_t> index;
  for (void* ptr : PlanningOrder()) {
    const Buffer* b = &buffers_.find(ptr)->second;
    auto [it, inserted] = index.try_emplace(b->hints.group, groups.size());
    if (inserted) {
      GroupTiering g;
      g.group = b->hints.group;
      g.active = has_active_ && b->hints.group == active_group_;
      auto gi = groups_.find(b->hints.group);
      g.anticipated = gi != groups_.end() && gi->second.anticipated != 0;
      groups.push_back(std::move(g));
    }
    GroupTiering& g = groups[it->second];
    g.bytes += b->size;
    g.resident_bytes += b->advised;
    snapshot.resident_bytes += b->advised;
  }
  snapshot.groups = std::move(groups);
  return snapshot;
}

}  // namespace spillway::runtime
