// Availability, enumeration and static device properties.
#include <cstdint>
#include <iostream>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "conformance_fixture.h"
#include "gtest/gtest.h"

namespace spillway::hal::conformance {
namespace {


constexpr Capability kAllCapabilities[] = {
    kCapManagedMemory,    kCapAdviseReadMostly, kCapAdvisePreferredLocation,
    kCapAdviseAccessedBy, kCapPrefetch,         kCapHostNumaLocation,
    kCapHostMappedMemory, kCapOversubscription};

bool IsLowerHex(absl::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789abcdef") == absl::string_view::npos;
}

// "dddd:bb:dd.f": domain, bus, device (hex) and function (0-7).
bool IsPciBusId(const std::string& id) {
  if (id.size() != 12 || id[4] != ':' || id[7] != ':' || id[10] != '.') return false;
  const absl::string_view view(id);
  return IsLowerHex(view.substr(0, 4)) && IsLowerHex(view.substr(5, 2)) &&
         IsLowerHex(view.substr(8, 2)) && id[11] >= '0' && id[11] <= '7';
}

// Runs whether or not the backend is available: an absent vendor library
// must be reported, not crash.
TEST_P(HalAvailabilityConformanceTest, AvailabilityIsConsistentWithEnumeration) {
  Registry& registry = ConformanceRegistry();
  absl::StatusOr<Backend*> found = registry.GetBackend(GetParam());
  if (!found.ok()) GTEST_SKIP() << GetParam() << ": " << found.status();
  Backend& backend = **found;
  EXPECT_EQ(backend.name(), GetParam());
  absl::Status availability = backend.Availability();
  if (availability.ok()) {
    EXPECT_GE(backend.DeviceCount(), 1);
    return;
  }
  std::cout << "[ INFO     ] " << GetParam() << " is not available: " << availability << "\n";
  EXPECT_EQ(availability.code(), absl::StatusCode::kUnavailable) << availability;
  EXPECT_FALSE(availability.message().empty());
  EXPECT_EQ(backend.DeviceCount(), 0);
  absl::StatusOr<Device*> device = backend.GetDevice(0);
  EXPECT_EQ(device.status().code(), absl::StatusCode::kUnavailable) << device.status();
  absl::StatusOr<Device*> opened = registry.OpenDevice(absl::StrCat(GetParam(), "://0"));
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnavailable) << opened.status();
}

TEST_P(HalAvailabilityConformanceTest, LimitationsAreNamedAndExplained) {
  absl::StatusOr<Backend*> found = ConformanceRegistry().GetBackend(GetParam());
  if (!found.ok()) GTEST_SKIP() << GetParam() << ": " << found.status();
  for (const Limitation& limitation : (*found)->Limitations()) {
    EXPECT_FALSE(limitation.what.empty());
    EXPECT_FALSE(limitation.why.empty()) << limitation.what;
    std::cout << "[ INFO     ] " << GetParam() << " does not support " << limitation.what
              << ": " << limitation.why << "\n";
  }
}

TEST_P(HalEnumerationConformanceTest, EveryOrdinalHasAStableDevice) {
  for (int i = 0; i < device_count(); ++i) {
    SCOPED_TRACE(i);
    absl::StatusOr<Device*> first = backend().GetDevice(i);
    ASSERT_TRUE(first.ok()) << first.status();
    absl::StatusOr<Device*> again = backend().GetDevice(i);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(*first, *again);
    EXPECT_EQ((*first)->properties().ordinal, i);
    EXPECT_EQ((*first)->uri(), absl::StrCat(backend_name(), "://", i));
  }
}

TEST_P(HalEnumerationConformanceTest, BadOrdinalsAreInvalidArgument) {
  for (int bad : {-1, device_count(), device_count() + 1, 1 << 30}) {
    absl::StatusOr<Device*> device = backend().GetDevice(bad);
    EXPECT_EQ(device.status().code(), absl::StatusCode::kInvalidArgument)
        << "ordinal " << bad << ": " << device.status();
  }
}

TEST_P(HalEnumerationConformanceTest, OpenDeviceAgreesWithGetDevice) {
  for (int i = 0; i < device_count(); ++i) {
    absl::StatusOr<Device*> opened =
        ConformanceRegistry().OpenDevice(absl::StrCat(backend_name(), "://", i));
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(*opened, &device(i));
  }
}

TEST_P(HalEnumerationConformanceTest, OpenDeviceRejectsBadUris) {
  Registry& registry = ConformanceRegistry();
  for (const std::string& bad :
       {absl::StrCat(backend_name(), "://", device_count()), absl::StrCat(backend_name(), "://-1"),
        absl::StrCat(backend_name(), "://"), absl::StrCat(backend_name(), ":/0"),
        absl::StrCat(backend_name(), "://0x"), absl::StrCat(backend_name(), "0")}) {
    absl::StatusOr<Device*> device = registry.OpenDevice(bad);
    EXPECT_EQ(device.status().code(), absl::StatusCode::kInvalidArgument)
        << bad << ": " << device.status();
  }
  absl::StatusOr<Device*> unknown = registry.OpenDevice("spillway-no-such-backend://0");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound) << unknown.status();
}

TEST_P(HalEnumerationConformanceTest, RegistryListsEveryDevice) {
  std::set<Device*> listed;
  for (Device* d : ConformanceRegistry().Devices()) listed.insert(d);
  for (int i = 0; i < device_count(); ++i) EXPECT_TRUE(listed.contains(&device(i))) << i;
}

TEST_P(HalEnumerationConformanceTest, PropertiesAreWellFormed) {
  std::set<std::string> uuids;
  std::set<std::string> bus_ids;
  for (int i = 0; i < device_count(); ++i) {
    const DeviceProperties& p = device(i).properties();
    SCOPED_TRACE(device(i).uri());
    EXPECT_FALSE(p.name.empty());
    EXPECT_GT(p.total_memory, 0u);
    if (!p.pci_bus_id.empty()) {
      EXPECT_TRUE(IsPciBusId(p.pci_bus_id)) << "'" << p.pci_bus_id << "'";
      EXPECT_TRUE(bus_ids.insert(p.pci_bus_id).second) << "duplicate PCI bus id " << p.pci_bus_id;
    }
    if (p.uuid != std::array<uint8_t, 16>{}) {
      const std::string uuid = UuidToString(p.uuid);
      EXPECT_TRUE(uuids.insert(uuid).second) << "duplicate UUID " << uuid;
    }
  }
}

TEST_P(HalEnumerationConformanceTest, CapabilitiesAreConsistent) {
  for (int i = 0; i < device_count(); ++i) {
    const DeviceProperties& p = device(i).properties();
    SCOPED_TRACE(device(i).uri());
    // Advice, prefetch and oversubscription all act on managed memory.
    for (Capability needs_managed :
         {kCapAdviseReadMostly, kCapAdvisePreferredLocation, kCapAdviseAccessedBy, kCapPrefetch,
          kCapHostNumaLocation, kCapOversubscription}) {
      if (p.Has(needs_managed)) {
        EXPECT_TRUE(p.Has(kCapManagedMemory)) << CapabilityName(needs_managed);
      }
    }
    // A host NUMA location is only meaningful for advice or prefetch.
    if (p.Has(kCapHostNumaLocation)) {
      EXPECT_TRUE(p.Has(kCapPrefetch) || p.Has(kCapAdvisePreferredLocation));
    }
  }
}

TEST_P(HalEnumerationConformanceTest, EveryMissingCapabilityIsExplained) {
  for (int i = 0; i < device_count(); ++i) {
    for (Capability cap : kAllCapabilities) {
      if (device(i).properties().Has(cap)) continue;
      bool listed = false;
      for (const Limitation& limitation : backend().Limitations()) {
        if (limitation.what == CapabilityName(cap)) listed = true;
      }
      EXPECT_TRUE(listed) << device(i).uri() << " lacks " << CapabilityName(cap)
                          << " but " << backend_name() << "'s Limitations() do not say why";
    }
  }
}

TEST_P(HalEnumerationConformanceTest, MemoryInfoIsConsistent) {
  for (int i = 0; i < device_count(); ++i) {
    SCOPED_TRACE(device(i).uri());
    absl::StatusOr<MemoryInfo> info = device(i).GetMemoryInfo();
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_GT(info->total, 0u);
    EXPECT_LE(info->free, info->total);
    EXPECT_LE(info->total, device(i).properties().total_memory);
  }
}

}  // namespace
}  // namespace spillway::hal::conformance
