// Host spill lands on the NUMA node of its device's socket: the runtime asks
// the topology (hwloc) where each device sits and binds spill there.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "spillway/backends/fake/fake_backend.h"
#include "spillway/runtime.h"

namespace spillway {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

std::string DataFile(const char* name) {
  return (std::filesystem::path(__FILE__).parent_path() / "data" / name).string();
}

struct Opened {
  std::unique_ptr<hal::Registry> registry;
  std::unique_ptr<Runtime> runtime;
};

Opened OpenSpilling(const std::string& ledger, int devices) {
  Opened o;
  o.registry = std::make_unique<hal::Registry>();
  fake::FakeSpec spec = *fake::ParseFakeSpec(
      "memory=64m,reserved=16m,managed=0,devices=" + std::to_string(devices));
  EXPECT_TRUE(o.registry->Register("fake", [spec] { return fake::CreateFakeBackend(spec); }).ok());
  runtime::RuntimeConfig config;
  config.SetOversubscribe(true);
  EXPECT_TRUE(config.SetMemoryLimit(std::nullopt, 128 * kMiB).ok());
  EXPECT_TRUE(config.SetLedgerPath(ledger).ok());
  RuntimeOptions options;
  options.config = config;
  options.registry = o.registry.get();
  absl::StatusOr<std::unique_ptr<Runtime>> rt = Runtime::Open(options);
  EXPECT_TRUE(rt.ok()) << rt.status();
  if (rt.ok()) o.runtime = std::move(*rt);
  return o;
}

class TopologyPlacementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = (std::filesystem::temp_directory_path() /
               ("spillway-topo-" + std::to_string(getpid())))
                  .string();
  }
  void TearDown() override {
    unsetenv("HWLOC_XMLFILE");
    std::filesystem::remove(ledger_);
    std::filesystem::remove(ledger_ + ".lock");
  }
  std::string ledger_;
};

TEST_F(TopologyPlacementTest, EachDevicesSpillIsBoundToItsOwnSocketsNode) {
  setenv("HWLOC_XMLFILE", DataFile("two_socket_fake_gpus.xml").c_str(), 1);
  Opened o = OpenSpilling(ledger_, 2);
  ASSERT_NE(o.runtime, nullptr);
  ASSERT_NE(o.runtime->topology(), nullptr);
  for (int d = 0; d < 2; ++d) {
    runtime::VirtualDevice* dev = *o.runtime->Device(d);
    EXPECT_EQ(dev->options().numa_node, d) << dev->device().properties().pci_bus_id;
    absl::StatusOr<void*> resident = dev->Allocate(40 * kMiB);
    absl::StatusOr<void*> spill = dev->Allocate(40 * kMiB);
    ASSERT_TRUE(resident.ok() && spill.ok()) << resident.status() << spill.status();
    ASSERT_EQ(dev->Describe(*spill)->placement, runtime::Placement::kHostSpill);
    EXPECT_EQ(dev->Describe(*spill)->numa_node, d);
    // Ask the topology where the buffer is bound (a recorded binding: an XML
    // topology is not this machine, see topology.h).
    absl::StatusOr<int> bound = o.runtime->topology()->BoundNode(*spill, 40 * kMiB);
    ASSERT_TRUE(bound.ok()) << bound.status();
    EXPECT_EQ(*bound, d);
    EXPECT_TRUE(dev->Free(*spill).ok());
    EXPECT_EQ(*o.runtime->topology()->BoundNode(*spill, 40 * kMiB), -1);  // forgotten
    EXPECT_TRUE(dev->Free(*resident).ok());
  }
}

TEST_F(TopologyPlacementTest, OnThisMachineTheSpillIsReallyBound) {
  unsetenv("HWLOC_XMLFILE");
  Opened o = OpenSpilling(ledger_, 1);
  ASSERT_NE(o.runtime, nullptr);
  runtime::VirtualDevice* dev = *o.runtime->Device(0);
  // The fake's bus id is not a PCI device of this machine: no node is known,
  // and the spill is simply not bound (the clean fallback).
  EXPECT_EQ(dev->options().numa_node, -1);
  absl::StatusOr<void*> resident = dev->Allocate(40 * kMiB);
  absl::StatusOr<void*> spill = dev->Allocate(40 * kMiB);
  ASSERT_TRUE(resident.ok() && spill.ok());
  EXPECT_EQ(dev->Describe(*spill)->placement, runtime::Placement::kHostSpill);
  EXPECT_EQ(dev->Describe(*spill)->numa_node, -1);
  // The binding mechanism itself works on the real machine: node 0 exists here.
  runtime::Topology* topology = o.runtime->topology();
  ASSERT_NE(topology, nullptr);
  if (topology->AppliesBindings() && topology->NumaNodeCount() >= 1) {
    ASSERT_TRUE(topology->BindToNode(*spill, 40 * kMiB, 0).ok());
    EXPECT_EQ(*topology->BoundNode(*spill, 40 * kMiB), 0);
  }
  EXPECT_TRUE(dev->Free(*spill).ok());
  EXPECT_TRUE(dev->Free(*resident).ok());
}

TEST_F(TopologyPlacementTest, MachineWithoutNumaInformationFallsBackCleanly) {
  setenv("HWLOC_XMLFILE", DataFile("no_numa.xml").c_str(), 1);
  Opened o = OpenSpilling(ledger_, 1);
  ASSERT_NE(o.runtime, nullptr);
  runtime::VirtualDevice* dev = *o.runtime->Device(0);
  EXPECT_EQ(dev->options().numa_node, -1);
  absl::StatusOr<void*> resident = dev->Allocate(40 * kMiB);
  absl::StatusOr<void*> spill = dev->Allocate(40 * kMiB);
  ASSERT_TRUE(resident.ok() && spill.ok());
  EXPECT_EQ(dev->Describe(*spill)->numa_node, -1);
  EXPECT_TRUE(dev->Free(*spill).ok());
  EXPECT_TRUE(dev->Free(*resident).ok());
}

}  // namespace
}  // namespace spillway
