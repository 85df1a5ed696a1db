// The tiering engine on the fake device: what it plans, and that the fake's
// residency and counters show the plan carried out.
#include "spillway/runtime/tiering_engine.h"

#include <memory>

#include "gtest/gtest.h"
#include "spillway/backends/fake/fake_backend.h"

namespace spillway::runtime {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

class TieringEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<fake::FakeSpec> spec =
        fake::ParseFakeSpec("memory=72m,reserved=8m,page=2m,backing=none");
    ASSERT_TRUE(spec.ok()) << spec.status();
    backend_ = fake::CreateFakeBackend(*spec);
    absl::StatusOr<hal::Device*> device = backend_->GetDevice(0);
    ASSERT_TRUE(device.ok()) << device.status();
    device_ = fake::AsFakeDevice(*device);
    ASSERT_NE(device_, nullptr);
    absl::StatusOr<std::unique_ptr<hal::Stream>> stream = device_->CreateStream();
    ASSERT_TRUE(stream.ok());
    stream_ = std::move(*stream);
  }

  void* Managed(uint64_t size) {
    absl::StatusOr<void*> p = device_->Allocate(hal::MemoryKind::kManaged, size);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.value_or(nullptr);
  }

  uint64_t Resident(void* p, uint64_t size) {
    absl::StatusOr<uint64_t> r = device_->ResidentBytes(p, size);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.value_or(~0ull);
  }

  const GroupTiering* Group(const TieringSnapshot& s, const std::string& name) {
    for (const GroupTiering& g : s.groups) {
      if (g.group == name) return &g;
    }
    return nullptr;
  }

  std::unique_ptr<hal::Backend> backend_;
  fake::FakeDevice* device_ = nullptr;
  std::unique_ptr<hal::Stream> stream_;
};

TEST_F(TieringEngineTest, ActiveGroupBecomesResidentAndIdleGroupYields) {
  TieringOptions options;
  options.budget_bytes = 48 * kMiB;
  TieringEngine engine(*device_, options);
  void* a = Managed(32 * kMiB);
  void* b = Managed(32 * kMiB);
  ASSERT_TRUE(engine.AddBuffer(a, 32 * kMiB, {BufferRole::kWeights, "a", false}).ok());
  ASSERT_TRUE(engine.AddBuffer(b, 32 * kMiB, {BufferRole::kWeights, "b", false}).ok());

  ASSERT_TRUE(engine.Activate("a", *stream_).ok());
  EXPECT_EQ(Resident(a, 32 * kMiB), 32 * kMiB);
  EXPECT_EQ(Resident(b, 32 * kMiB), 16 * kMiB);  // the rest of the budget
  TieringSnapshot s = engine.Snapshot();
  EXPECT_EQ(s.active_group, "a");
  EXPECT_EQ(s.resident_bytes, 48 * kMiB);
  ASSERT_NE(Group(s, "a"), nullptr);
  EXPECT_TRUE(Group(s, "a")->active);
  EXPECT_EQ(Group(s, "b")->resident_bytes, 16 * kMiB);

  ASSERT_TRUE(engine.Activate("b", *stream_).ok());
  EXPECT_EQ(Resident(b, 32 * kMiB), 32 * kMiB);
  EXPECT_EQ(Resident(a, 32 * kMiB), 16 * kMiB);
  // Only the missing half of b crossed the link; a's demotion of read-mostly
  // pages wrote nothing back.
  const fake::FakeCounters c = device_->counters();
  EXPECT_EQ(c.writeback_bytes, 0u);
  EXPECT_EQ(engine.Snapshot().counters.activations, 2u);
  EXPECT_EQ(engine.Snapshot().counters.promoted_bytes, (48 + 16) * kMiB);
}

TEST_F(TieringEngineTest, KeepResidentBufferStaysWhateverIsActive) {
  TieringOptions options;
  options.budget_bytes = 40 * kMiB;
  TieringEngine engine(*device_, options);
  void* pinned = Managed(8 * kMiB);
  void* a = Managed(32 * kMiB);
  void* b = Managed(32 * kMiB);
  ASSERT_TRUE(engine.AddBuffer(pinned, 8 * kMiB, {BufferRole::kKvCache, "a", true}).ok());
  ASSERT_TRUE(engine.AddBuffer(a, 32 * kMiB, {BufferRole::kWeights, "a", false}).ok());
  ASSERT_TRUE(engine.AddBuffer(b, 32 * kMiB, {BufferRole::kWeights, "b", false}).ok());
  ASSERT_TRUE(engine.Activate("b", *stream_).ok());
  EXPECT_EQ(Resident(pinned, 8 * kMiB), 8 * kMiB);
  EXPECT_EQ(Resident(b, 32 * kMiB), 32 * kMiB);
  EXPECT_EQ(Resident(a, 32 * kMiB), 0u);
  ASSERT_TRUE(engine.Activate("a", *stream_).ok());
  EXPECT_EQ(Resident(pinned, 8 * kMiB), 8 * kMiB);
  EXPECT_EQ(Resident(a, 32 * kMiB), 32 * kMiB);
}

TEST_F(TieringEngineTest, IdleGroupsKeepAnEqualFloor) {
  TieringOptions options;
  options.budget_bytes = 48 * kMiB;
  options.idle_floor_fraction = 1.0;  // the whole leftover is split as floors
  TieringEngine engine(*device_, options);
  void* a = Managed(24 * kMiB);
  void* b = Managed(24 * kMiB);
  void* c = Managed(24 * kMiB);
  ASSERT_TRUE(engine.AddBuffer(a, 24 * kMiB, {BufferRole::kWeights, "a", false}).ok());
  ASSERT_TRUE(engine.AddBuffer(b, 24 * kMiB, {BufferRole::kWeights, "b", false}).ok());
  ASSERT_TRUE(engine.AddBuffer(c, 24 * kMiB, {BufferRole::kWeights, "c", false}).ok());
  ASSERT_TRUE(engine.Activate("a", *stream_).ok());
  EXPECT_EQ(Resident(a, 24 * kMiB), 24 * kMiB);
  EXPECT_EQ(Resident(b, 24 * kMiB), 12 * kMiB);
  EXPECT_EQ(Resident(c, 24 * kMiB), 12 * kMiB);
  // Switching moves only what the floors do not already hold.
  const uint64_t before = engine.Snapshot().counters.promoted_bytes;
  ASSERT_TRUE(engine.Activate("b", *stream_).ok());
  EXPECT_EQ(engine.Snapshot().counters.promoted_bytes - before, 12 * kMiB);
  EXPECT_EQ(Resident(a, 24 * kMiB), 12 * kMiB);
}

TEST_F(TieringEngineTest, AnticipatedGroupRanksAfterTheActiveOne) {
  TieringOptions options;
  options.budget_bytes = 48 * kMiB;
  TieringEngine engine(*device_, options);
  void* a = Managed(32 * kMiB);
  void* b = Managed(32 * kMiB);
  void* c = Managed(32 * kMiB);
  for (auto [p, g] : {std::pair{a, "a"}, {b, "b"}, {c, "c"}}) {
    ASSERT_TRUE(engine.AddBuffer(p, 32 * kMiB, {BufferRole::kWeights, g, false}).ok());
  }
  ASSERT_TRUE(engine.Activate("a", *stream_).ok());
  void* next[] = {c};
  ASSERT_TRUE(engine.Anticipate(next, *stream_).ok());
  EXPECT_EQ(Resident(a, 32 * kMiB), 32 * kMiB);
  EXPECT_EQ(Resident(c, 32 * kMiB), 16 * kMiB);
  EXPECT_EQ(Resident(b, 32 * kMiB), 0u);
  EXPECT_TRUE(Group(engine.Snapshot(), "c")->anticipated);
}

TEST_F(TieringEngineTest, AnnouncedGroupIsGrantedBeforeIdleFloors) {
  TieringOptions options;
  options.budget_bytes = 48 * kMiB;
  options.idle_floor_fraction = 1.0;
  TieringEngine engine(*device_, options);
  void* a = Managed(24 * kMiB);
  void* b = Managed(24 * kMiB);
  void* c = Managed(24 * kMiB);
  for (auto [p, g] : {std::pair{a, "a"}, {b, "b"}, {c, "c"}}) {
    ASSERT_TRUE(engine.AddBuffer(p, 24 * kMiB, {BufferRole::kWeights, g, false}).ok());
  }
  ASSERT_TRUE(engine.Activate("a", *stream_).ok());
  EXPECT_EQ(Resident(b, 24 * kMiB), 12 * kMiB);  // floors while nothing is announced
  void* next[] = {b};
  ASSERT_TRUE(engine.Anticipate(next, *stream_).ok());
  EXPECT_EQ(Resident(a, 24 * kMiB), 24 * kMiB);
  EXPECT_EQ(Resident(b, 24 * kMiB), 24 * kMiB);  // the whole leftover, floors or not
  EXPECT_EQ(Resident(c, 24 * kMiB), 0u);
}

// Activates "a", announces "c", then activates "c", the host having waited
// for the copy stream first or not, then announces "b". a, b and c are
// 24 MiB weights each, the budget 48 MiB.
class AnnouncedShareTest : public TieringEngineTest {
 protected:
  void Run(bool host_waits_for_the_link) {
    TieringOptions options;
    options.budget_bytes = 48 * kMiB;
    engine_ = std::make_unique<TieringEngine>(*device_, options);
    for (auto [p, g] : {std::pair{&a_, "a"}, {&b_, "b"}, {&c_, "c"}}) {
      *p = Managed(24 * kMiB);
      ASSERT_TRUE(engine_->AddBuffer(*p, 24 * kMiB, {BufferRole::kWeights, g, false}).ok());
    }
    ASSERT_TRUE(engine_->Activate("a", *stream_).ok());
    void* c[] = {c_};
    ASSERT_TRUE(engine_->Anticipate(c, *stream_).ok());
    EXPECT_EQ(Resident(c_, 24 * kMiB), 24 * kMiB);  // nothing measured yet: the whole leftover
    if (host_waits_for_the_link) {
      ASSERT_TRUE(stream_->Synchronize().ok());
    }
    ASSERT_TRUE(engine_->Activate("c", *stream_).ok());
    void* b[] = {b_};
    ASSERT_TRUE(engine_->Anticipate(b, *stream_).ok());
  }

  std::unique_ptr<TieringEngine> engine_;
  void* a_ = nullptr;
  void* b_ = nullptr;
  void* c_ = nullptr;
};

TEST_F(AnnouncedShareTest, LinkBoundAnnouncementKeepsTheRestAsFloors) {
  // The next activation came before the link had moved anything for "c":
  // a larger share for the next announced group would only cross the link
  // at the switch, so the leftover becomes an equal floor for a and b.
  Run(/*host_waits_for_the_link=*/false);
  EXPECT_EQ(Resident(c_, 24 * kMiB), 24 * kMiB);
  EXPECT_EQ(Resident(b_, 24 * kMiB), 12 * kMiB);
  EXPECT_EQ(Resident(a_, 24 * kMiB), 12 * kMiB);
  EXPECT_EQ(engine_->Snapshot().announce_window_bytes, 0u);
}

TEST_F(AnnouncedShareTest, AnnouncementThatFitsTheWindowTakesTheWholeLeftover) {
  // The host waited until the link had moved all of "c" and more: the link
  // can carry the whole leftover before the next activation.
  Run(/*host_waits_for_the_link=*/true);
  EXPECT_EQ(Resident(c_, 24 * kMiB), 24 * kMiB);
  EXPECT_EQ(Resident(b_, 24 * kMiB), 24 * kMiB);
  EXPECT_EQ(Resident(a_, 24 * kMiB), 0u);
  EXPECT_GE(engine_->Snapshot().announce_window_bytes, 24 * kMiB);
}

TEST_F(TieringEngineTest, FreedBudgetGoesToOthersAndUnknownInputIsAnError) {
  TieringOptions options;
  options.budget_bytes = 32 * kMiB;
  TieringEngine engine(*device_, options);
  void* a = Managed(32 * kMiB);
  void* b = Managed(32 * kMiB);
  ASSERT_TRUE(engine.AddBuffer(a, 32 * kMiB, {BufferRole::kWeights, "a", false}).ok());
  ASSERT_TRUE(engine.AddBuffer(b, 32 * kMiB, {BufferRole::kWeights, "b", false}).ok());
  ASSERT_TRUE(engine.Activate("a", *stream_).ok());
  EXPECT_EQ(engine.Snapshot().resident_bytes, 32 * kMiB);
  ASSERT_TRUE(engine.RemoveBuffer(a).ok());
  EXPECT_EQ(Group(engine.Snapshot(), "b")->resident_bytes, 32 * kMiB);

  EXPECT_EQ(engine.RemoveBuffer(a).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine.Activate("a", *stream_).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine.Activate("nope", *stream_).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine.AddBuffer(b, 32 * kMiB, {}).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(engine.AddBuffer(nullptr, 1, {}).code(), absl::StatusCode::kInvalidArgument);
  void* unknown[] = {a};
  EXPECT_EQ(engine.Anticipate(unknown, *stream_).code(), absl::StatusCode::kNotFound);
}

// A budget handed to Activate or Anticipate (a share that changed with other
// processes' plans) takes effect in that same plan: one plan, one transfer.
TEST_F(TieringEngineTest, ABudgetPassedWithAPlanAppliesInThatSamePlanAndStays) {
  TieringOptions options;
  options.budget_bytes = 48 * kMiB;
  TieringEngine engine(*device_, options);
  void* a = Managed(32 * kMiB);
  void* b = Managed(32 * kMiB);
  ASSERT_TRUE(engine.AddBuffer(a, 32 * kMiB, {BufferRole::kWeights, "a", false}).ok());
  ASSERT_TRUE(engine.AddBuffer(b, 32 * kMiB, {BufferRole::kWeights, "b", false}).ok());
  ASSERT_TRUE(engine.Activate("a", *stream_).ok());
  EXPECT_EQ(engine.PlannedResidentBytes(), 48 * kMiB);

  const TieringCounters before = engine.Snapshot().counters;
  ASSERT_TRUE(engine.Activate("a", *stream_, 16 * kMiB).ok());
  TieringSnapshot s = engine.Snapshot();
  EXPECT_EQ(s.counters.plans, before.plans + 1);
  EXPECT_EQ(s.budget_bytes, 16 * kMiB);
  EXPECT_EQ(s.resident_bytes, 16 * kMiB);
  EXPECT_EQ(engine.PlannedResidentBytes(), 16 * kMiB);
  EXPECT_EQ(Resident(a, 32 * kMiB), 16 * kMiB);
  EXPECT_EQ(Resident(b, 32 * kMiB), 0u);
  EXPECT_EQ(s.counters.promoted_bytes, before.promoted_bytes);  // only demotions

  void* announced[] = {b};
  ASSERT_TRUE(engine.Anticipate(announced, *stream_, 64 * kMiB).ok());
  s = engine.Snapshot();
  EXPECT_EQ(s.counters.plans, before.plans + 2);
  EXPECT_EQ(s.budget_bytes, 64 * kMiB);
  EXPECT_EQ(s.resident_bytes, 64 * kMiB);
  EXPECT_EQ(Resident(b, 32 * kMiB), 32 * kMiB);
  // Without a budget the last one stays.
  ASSERT_TRUE(engine.Activate("b", *stream_).ok());
  EXPECT_EQ(engine.Snapshot().budget_bytes, 64 * kMiB);
}

}  // namespace
}  // namespace spillway::runtime
