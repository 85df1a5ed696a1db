// Names and string forms of the HAL's value types.
#include "spillway/hal/types.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace spillway::hal {
namespace {

constexpr Capability kAllCapabilities[] = {
    kCapManagedMemory,    kCapAdviseReadMostly, kCapAdvisePreferredLocation,
    kCapAdviseAccessedBy, kCapPrefetch,         kCapHostNumaLocation,
    kCapHostMappedMemory, kCapOversubscription};

TEST(TypesTest, CapabilityNamesAreDistinctIdentifiers) {
  std::set<std::string> names;
  for (Capability cap : kAllCapabilities) {
    const std::string name = CapabilityName(cap);
    EXPECT_FALSE(name.empty());
    EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string::npos) << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), std::size(kAllCapabilities));
  EXPECT_STREQ(CapabilityName(kCapManagedMemory), "managed_memory");
}

TEST(TypesTest, UnknownValuesHaveANameInsteadOfCrashing) {
  EXPECT_NE(CapabilityName(static_cast<Capability>(1u << 30)), nullptr);
  EXPECT_NE(MemoryKindName(static_cast<MemoryKind>(9)), nullptr);
  EXPECT_NE(AdviceName(static_cast<Advice>(42)), nullptr);
}

TEST(TypesTest, MemoryKindAndAdviceNamesAreDistinct) {
  std::set<std::string> kinds = {MemoryKindName(MemoryKind::kDevice),
                                 MemoryKindName(MemoryKind::kHost),
                                 MemoryKindName(MemoryKind::kManaged)};
  EXPECT_EQ(kinds.size(), 3u);
  std::set<std::string> advice;
  for (Advice a : {Advice::kSetReadMostly, Advice::kUnsetReadMostly,
                   Advice::kSetPreferredLocation, Advice::kUnsetPreferredLocation,
                   Advice::kSetAccessedBy, Advice::kUnsetAccessedBy}) {
    advice.insert(AdviceName(a));
  }
  EXPECT_EQ(advice.size(), 6u);
}

TEST(TypesTest, LocationsPrintDistinctly) {
  std::set<std::string> printed = {
      LocationToString(Location::Device(0)), LocationToString(Location::Device(1)),
      LocationToString(Location::Host()), LocationToString(Location::HostNuma(0)),
      LocationToString(Location::HostNuma(1))};
  EXPECT_EQ(printed.size(), 5u);
  EXPECT_NE(LocationToString(Location::HostNuma(3)).find('3'), std::string::npos);
}

TEST(TypesTest, LocationEquality) {
  EXPECT_EQ(Location::Device(1), Location::Device(1));
  EXPECT_NE(Location::Device(1), Location::Device(2));
  EXPECT_NE(Location::Device(0), Location::HostNuma(0));
  EXPECT_EQ(Location::Host(), Location::Host());
}

TEST(TypesTest, UuidPrintsAsCanonicalLowerCaseHex) {
  std::array<uint8_t, 16> uuid{};
  for (size_t i = 0; i < uuid.size(); ++i) uuid[i] = static_cast<uint8_t>(0xa0 + i);
  EXPECT_EQ(UuidToString(uuid), "a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf");
  EXPECT_EQ(UuidToString({}), "00000000-0000-0000-0000-000000000000");
}

TEST(TypesTest, PropertiesHasChecksSingleBits) {
  DeviceProperties properties;
  properties.capabilities = kCapManagedMemory | kCapPrefetch;
  EXPECT_TRUE(properties.Has(kCapManagedMemory));
  EXPECT_TRUE(properties.Has(kCapPrefetch));
  EXPECT_FALSE(properties.Has(kCapAdviseAccessedBy));
  EXPECT_FALSE(properties.Has(kCapOversubscription));
}

}  // namespace
}  // namespace spillway::hal

namespace spillway::hal {
namespace {

TEST(MergeLimitationsTest, OneEntryPerCapabilityWithDistinctReasonsJoined) {
  std::vector<Limitation> into = {{"managed_memory", "device 0 has none"}};
  MergeLimitations({{"managed_memory", "device 1 has none"},
                    {"managed_memory", "device 0 has none"},
                    {"prefetch", "no symbol"}},
                   into);
  ASSERT_EQ(into.size(), 2u);
  EXPECT_EQ(into[0].what, "managed_memory");
  EXPECT_EQ(into[0].why, "device 0 has none; device 1 has none");
  EXPECT_EQ(into[1].what, "prefetch");
  EXPECT_EQ(into[1].why, "no symbol");
}

}  // namespace
}  // namespace spillway::hal
