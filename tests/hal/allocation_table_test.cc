// AllocationTable: overlap rules, interior pointers, double removal, range
// checks (including address-space wraparound) and concurrent use. The table
// never dereferences addresses, so the tests use made-up ones.
#include "spillway/hal/allocation_table.h"

#include <atomic>
#include <cstdint>
#include <limits>
#include <optional>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace spillway::hal {
namespace {

void* Address(uintptr_t value) { return reinterpret_cast<void*>(value); }

Allocation Make(uintptr_t base, size_t size, MemoryKind kind = MemoryKind::kDevice) {
  return Allocation{Address(base), size, kind};
}

TEST(AllocationTableTest, InsertFindRemove) {
  AllocationTable table;
  ASSERT_TRUE(table.Insert(Make(0x10000, 0x1000, MemoryKind::kManaged)).ok());
  EXPECT_EQ(table.size(), 1u);

  for (uintptr_t probe : {uintptr_t{0x10000}, uintptr_t{0x10001}, uintptr_t{0x10fff}}) {
    std::optional<Allocation> found = table.Find(Address(probe));
    ASSERT_TRUE(found.has_value()) << std::hex << probe;
    EXPECT_EQ(found->base, Address(0x10000));
    EXPECT_EQ(found->size, 0x1000u);
    EXPECT_EQ(found->kind, MemoryKind::kManaged);
  }
  EXPECT_FALSE(table.Find(Address(0xffff)).has_value());
  EXPECT_FALSE(table.Find(Address(0x11000)).has_value());  // one past the end

  absl::StatusOr<Allocation> removed = table.Remove(Address(0x10000));
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(removed->base, Address(0x10000));
  EXPECT_EQ(removed->size, 0x1000u);
  EXPECT_EQ(removed->kind, MemoryKind::kManaged);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_FALSE(table.Find(Address(0x10000)).has_value());
}

TEST(AllocationTableTest, OverlappingInsertIsRejected) {
  AllocationTable table;
  ASSERT_TRUE(table.Insert(Make(0x10000, 0x1000)).ok());
  struct Case {
    uintptr_t base;
    size_t size;
    const char* what;
  };
  for (const Case& c : {Case{0x10000, 0x1000, "same range"}, Case{0x10000, 1, "same base"},
                        Case{0x10800, 0x100, "inside"}, Case{0x10800, 0x1000, "tail overlap"},
                        Case{0xf800, 0x1000, "head overlap"},
                        Case{0xf000, 0x3000, "containing"}, Case{0x10fff, 1, "last byte"},
                        Case{0xf000, 0x1001, "first byte"}}) {
    absl::Status status = table.Insert(Make(c.base, c.size));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.what << ": " << status;
  }
  EXPECT_EQ(table.size(), 1u);
  std::optional<Allocation> found = table.Find(Address(0x10000));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->size, 0x1000u);
}

TEST(AllocationTableTest, AdjacentRangesAreDistinct) {
  AllocationTable table;
  ASSERT_TRUE(table.Insert(Make(0x10000, 0x1000, MemoryKind::kDevice)).ok());
  ASSERT_TRUE(table.Insert(Make(0x11000, 0x1000, MemoryKind::kHost)).ok());
  ASSERT_TRUE(table.Insert(Make(0xf000, 0x1000, MemoryKind::kManaged)).ok());
  EXPECT_EQ(table.Find(Address(0x10fff))->kind, MemoryKind::kDevice);
  EXPECT_EQ(table.Find(Address(0x11000))->kind, MemoryKind::kHost);
  EXPECT_EQ(table.Find(Address(0xffff))->kind, MemoryKind::kManaged);

  std::vector<Allocation> snapshot = table.Snapshot();
  ASSERT_EQ(snapshot.size(), 3u);
  EXPECT_EQ(snapshot[0].base, Address(0xf000));
  EXPECT_EQ(snapshot[1].base, Address(0x10000));
  EXPECT_EQ(snapshot[2].base, Address(0x11000));
}

TEST(AllocationTableTest, InteriorPointerIsNotRemoved) {
  AllocationTable table;
  ASSERT_TRUE(table.Insert(Make(0x10000, 0x1000)).ok());
  absl::StatusOr<Allocation> removed = table.Remove(Address(0x10010));
  EXPECT_EQ(removed.status().code(), absl::StatusCode::kInvalidArgument) << removed.status();
  EXPECT_EQ(table.size(), 1u);
  EXPECT_TRUE(table.Remove(Address(0x10000)).ok());
}

TEST(AllocationTableTest, DoubleAndUnknownRemovalAreInvalidArgument) {
  AllocationTable table;
  ASSERT_TRUE(table.Insert(Make(0x10000, 0x1000)).ok());
  ASSERT_TRUE(table.Insert(Make(0x20000, 0x1000)).ok());
  ASSERT_TRUE(table.Remove(Address(0x10000)).ok());
  absl::StatusOr<Allocation> again = table.Remove(Address(0x10000));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kInvalidArgument) << again.status();
  absl::StatusOr<Allocation> unknown = table.Remove(Address(0x30000));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument) << unknown.status();
  absl::StatusOr<Allocation> null = table.Remove(nullptr);
  EXPECT_EQ(null.status().code(), absl::StatusCode::kInvalidArgument) << null.status();
  // The other allocation survives every failed removal.
  EXPECT_EQ(table.size(), 1u);
  EXPECT_TRUE(table.Find(Address(0x20000)).has_value());
}

TEST(AllocationTableTest, ErrorsNameThePointer) {
  AllocationTable table;
  absl::StatusOr<Allocation> unknown = table.Remove(Address(0xabcdef0));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("abcdef0"), absl::string_view::npos)
      << unknown.status();
}

TEST(AllocationTableTest, FindRangeChecksTheWholeRange) {
  AllocationTable table;
  ASSERT_TRUE(table.Insert(Make(0x10000, 0x1000)).ok());

  auto whole = table.FindRange(Address(0x10000), 0x1000);
  ASSERT_TRUE(whole.ok()) << whole.status();
  ASSERT_TRUE(whole->has_value());
  EXPECT_EQ((*whole)->base, Address(0x10000));

  auto tail = table.FindRange(Address(0x10ff0), 0x10);
  ASSERT_TRUE(tail.ok()) << tail.status();
  EXPECT_TRUE(tail->has_value());

  auto past_end = table.FindRange(Address(0x10ff0), 0x11);
  EXPECT_EQ(past_end.status().code(), absl::StatusCode::kInvalidArgument) << past_end.status();

  auto outside = table.FindRange(Address(0x20000), 0x10);
  ASSERT_TRUE(outside.ok()) << outside.status();
  EXPECT_FALSE(outside->has_value());
}

TEST(AllocationTableTest, FindRangeDoesNotWrapAround) {
  AllocationTable table;
  ASSERT_TRUE(table.Insert(Make(0x10000, 0x1000)).ok());
  // ptr + size overflows: must not be mistaken for a range inside.
  auto huge = table.FindRange(Address(0x10010), std::numeric_limits<size_t>::max());
  EXPECT_EQ(huge.status().code(), absl::StatusCode::kInvalidArgument) << huge.status();
  auto huge2 = table.FindRange(Address(0x10010), std::numeric_limits<size_t>::max() - 0x8);
  EXPECT_EQ(huge2.status().code(), absl::StatusCode::kInvalidArgument) << huge2.status();
}

TEST(AllocationTableTest, InsertRejectsRangesThatWrapTheAddressSpace) {
  AllocationTable table;
  ASSERT_TRUE(table.Insert(Make(0x10000, 0x1000)).ok());
  const uintptr_t near_top = std::numeric_limits<uintptr_t>::max() - 0xff;
  absl::Status status = table.Insert(Make(near_top, 0x1000));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(table.size(), 1u);
}

TEST(AllocationTableTest, EmptyRangeIsRejected) {
  AllocationTable table;
  ASSERT_TRUE(table.Insert(Make(0x10000, 0x1000)).ok());
  // An empty range at a live base must not report success without being
  // recorded (a later Remove would then fail for a pointer the caller owns).
  EXPECT_EQ(table.Insert(Make(0x10000, 0)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(table.Insert(Make(0x20000, 0)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(table.size(), 1u);
}

TEST(AllocationTableTest, ConcurrentInsertRemoveOfDisjointRanges) {
  AllocationTable table;
  constexpr int kThreads = 8;
  constexpr int kRounds = 2000;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&table, &failures, t] {
      // Each thread owns its own 1 MiB window of made-up addresses.
      const uintptr_t window = 0x100000000ull + static_cast<uintptr_t>(t) * 0x100000;
      for (int round = 0; round < kRounds; ++round) {
        const uintptr_t base = window + static_cast<uintptr_t>(round % 16) * 0x1000;
        if (!table.Insert(Make(base, 0x1000)).ok()) ++failures;
        std::optional<Allocation> found = table.Find(Address(base + 0x800));
        if (!found.has_value() || found->base != Address(base)) ++failures;
        if (!table.Remove(Address(base)).ok()) ++failures;
      }
    });
  }
  // A reader that races with the writers must always see consistent entries.
  std::thread reader([&table, &failures] {
    for (int i = 0; i < 2000; ++i) {
      for (const Allocation& allocation : table.Snapshot()) {
        if (allocation.size != 0x1000) ++failures;
      }
    }
  });
  for (std::thread& thread : threads) thread.join();
  reader.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(table.size(), 0u);
}

TEST(AllocationTableTest, RacingRemovalsOfOneAllocationSucceedOnce) {
  constexpr int kThreads = 8;
  for (int round = 0; round < 50; ++round) {
    AllocationTable table;
    ASSERT_TRUE(table.Insert(Make(0x10000, 0x1000)).ok());
    std::atomic<int> succeeded{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        if (table.Remove(Address(0x10000)).ok()) ++succeeded;
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(succeeded, 1);
  }
}

TEST(AllocationTableTest, RacingOverlappingInsertsSucceedOnce) {
  constexpr int kThreads = 8;
  for (int round = 0; round < 50; ++round) {
    AllocationTable table;
    std::atomic<int> succeeded{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      // Every range overlaps every other one at 0x18000.
      threads.emplace_back([&, t] {
        const uintptr_t base = 0x10000 + static_cast<uintptr_t>(t) * 0x1000;
        if (table.Insert(Make(base, 0x9000)).ok()) ++succeeded;
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(succeeded, 1);
    EXPECT_EQ(table.size(), 1u);
  }
}

}  // namespace
}  // namespace spillway::hal
