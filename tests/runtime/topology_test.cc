#include "spillway/runtime/topology.h"

#include <dirent.h>
#include <hwloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spillway::runtime {
namespace {

using ::testing::HasSubstr;

std::string DataPath(const char* name) {
  const std::string here = __FILE__;
  return here.substr(0, here.rfind('/')) + "/data/" + name;
}

std::unique_ptr<Topology> LoadXml(const char* name) {
  absl::StatusOr<std::unique_ptr<Topology>> topology = Topology::Load(DataPath(name));
  EXPECT_TRUE(topology.ok()) << topology.status();
  return topology.ok() ? std::move(*topology) : nullptr;
}

// Page-aligned anonymous memory, unmapped on destruction.
class Pages {
 public:
  explicit Pages(size_t count) : size_(count * static_cast<size_t>(getpagesize())) {
    void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    data_ = p == MAP_FAILED ? nullptr : static_cast<char*>(p);
  }
  ~Pages() {
    if (data_ != nullptr) munmap(data_, size_);
  }
  char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  size_t size_;
  char* data_;
};

TEST(TopologyXmlTest, TwoSocketsMapEachGpuToItsSocketsNode) {
  std::unique_ptr<Topology> topology = LoadXml("two_socket_gpus.xml");
  ASSERT_NE(topology, nullptr);
  EXPECT_TRUE(topology->HasNumaInfo());
  EXPECT_EQ(topology->NumaNodeCount(), 2);
  EXPECT_FALSE(topology->AppliesBindings());

  absl::StatusOr<DeviceAffinity> gpu0 = topology->ForPciBusId("0000:17:00.0");
  ASSERT_TRUE(gpu0.ok()) << gpu0.status();
  EXPECT_TRUE(gpu0->found);
  EXPECT_EQ(gpu0->pci_bus_id, "0000:17:00.0");
  EXPECT_EQ(gpu0->numa_node, 0);
  EXPECT_EQ(gpu0->cpuset, "0-3");

  absl::StatusOr<DeviceAffinity> gpu1 = topology->ForPciBusId("0000:b1:00.0");
  ASSERT_TRUE(gpu1.ok()) << gpu1.status();
  EXPECT_TRUE(gpu1->found);
  EXPECT_EQ(gpu1->numa_node, 1);
  EXPECT_EQ(gpu1->cpuset, "4-7");
}

TEST(TopologyXmlTest, BusIdFormsAreNormalized) {
  std::unique_ptr<Topology> topology = LoadXml("two_socket_gpus.xml");
  ASSERT_NE(topology, nullptr);
  for (const char* id : {"0000:B1:00.0", "00000000:b1:00.0", "00000000:B1:00.0"}) {
    absl::StatusOr<DeviceAffinity> affinity = topology->ForPciBusId(id);
    ASSERT_TRUE(affinity.ok()) << id << ": " << affinity.status();
    EXPECT_EQ(affinity->pci_bus_id, "0000:b1:00.0") << id;
    EXPECT_EQ(affinity->numa_node, 1) << id;
  }
}

TEST(TopologyXmlTest, UnknownLocalityAndMissingDevicesFallBack) {
  std::unique_ptr<Topology> topology = LoadXml("two_socket_gpus.xml");
  ASSERT_NE(topology, nullptr);

  // Attached to the machine, not to a socket: no node is closer.
  absl::StatusOr<DeviceAffinity> machine_level = topology->ForPciBusId("0000:e3:00.0");
  ASSERT_TRUE(machine_level.ok());
  EXPECT_TRUE(machine_level->found);
  EXPECT_EQ(machine_level->numa_node, -1);
  EXPECT_EQ(machine_level->cpuset, "0-7");

  absl::StatusOr<DeviceAffinity> absent = topology->ForPciBusId("0000:99:00.0");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->found);
  EXPECT_EQ(absent->numa_node, -1);
  EXPECT_EQ(absent->cpuset, "");

  absl::StatusOr<DeviceAffinity> no_id = topology->ForPciBusId("");
  ASSERT_TRUE(no_id.ok());
  EXPECT_FALSE(no_id->found);
  EXPECT_EQ(no_id->numa_node, -1);
}

TEST(TopologyXmlTest, RejectsMalformedBusIds) {
  std::unique_ptr<Topology> topology = LoadXml("two_socket_gpus.xml");
  ASSERT_NE(topology, nullptr);
  for (const char* id : {"17:00.0", "0000:17:00", "0000:17:00.8", "0000:17:20.0",
                         "zzzz:17:00.0", "0000:017:00.0", "000:17:00.0", "0000:17:0.0",
                         "0000:17:00.0 ", "0000-17-00.0", "0000:17:00.0.0",
                         "000000000:17:00.0"}) {
    absl::StatusOr<DeviceAffinity> affinity = topology->ForPciBusId(id);
    ASSERT_FALSE(affinity.ok()) << id;
    EXPECT_EQ(affinity.status().code(), absl::StatusCode::kInvalidArgument) << id;
    EXPECT_THAT(std::string(affinity.status().message()), HasSubstr(id));
  }
}

// The acceptance test, on the two-socket topology: each GPU's spill
// lands on its own socket's NUMA node. An XML topology is not this machine,
// so hwloc does not bind (AppliesBindings() is false) and BoundNode reports
// the binding the topology recorded; RealMachineTest checks real bindings.
TEST(TopologyXmlTest, TwoSocketSpillLandsOnEachGpusSocket) {
  std::unique_ptr<Topology> topology = LoadXml("two_socket_gpus.xml");
  ASSERT_NE(topology, nullptr);
  ASSERT_FALSE(topology->AppliesBindings());

  struct Gpu {
    const char* bus_id;
    int expected_node;
  };
  std::vector<std::unique_ptr<Pages>> spills;
  for (const Gpu& gpu : {Gpu{"0000:17:00.0", 0}, Gpu{"0000:b1:00.0", 1}}) {
    absl::StatusOr<DeviceAffinity> affinity = topology->ForPciBusId(gpu.bus_id);
    ASSERT_TRUE(affinity.ok());
    auto spill = std::make_unique<Pages>(16);
    ASSERT_NE(spill->data(), nullptr);
    ASSERT_TRUE(topology->BindToNode(spill->data(), spill->size(), affinity->numa_node).ok());
    spills.push_back(std::move(spill));
  }
  absl::StatusOr<int> node0 = topology->BoundNode(spills[0]->data(), spills[0]->size());
  absl::StatusOr<int> node1 = topology->BoundNode(spills[1]->data(), spills[1]->size());
  ASSERT_TRUE(node0.ok() && node1.ok());
  EXPECT_EQ(*node0, 0);
  EXPECT_EQ(*node1, 1);
}

TEST(TopologyXmlTest, RecordedBindingsTrackRanges) {
  std::unique_ptr<Topology> topology = LoadXml("two_socket_gpus.xml");
  ASSERT_NE(topology, nullptr);
  Pages pages(8);
  ASSERT_NE(pages.data(), nullptr);
  const size_t page = static_cast<size_t>(getpagesize());
  char* p = pages.data();

  EXPECT_EQ(*topology->BoundNode(p, pages.size()), -1);  // nothing recorded
  ASSERT_TRUE(topology->BindToNode(p, 8 * page, 0).ok());
  EXPECT_EQ(*topology->BoundNode(p, 8 * page), 0);
  EXPECT_EQ(*topology->BoundNode(p + 3 * page + 5, 10), 0);

  // Rebinding the middle splits the record.
  ASSERT_TRUE(topology->BindToNode(p + 2 * page, 2 * page, 1).ok());
  EXPECT_EQ(*topology->BoundNode(p, 2 * page), 0);
  EXPECT_EQ(*topology->BoundNode(p + 2 * page, 2 * page), 1);
  EXPECT_EQ(*topology->BoundNode(p + 4 * page, 4 * page), 0);
  EXPECT_EQ(*topology->BoundNode(p, 8 * page), -1);  // two nodes
  // Adjacent records of one node cover a range together.
  ASSERT_TRUE(topology->BindToNode(p + 2 * page, 2 * page, 0).ok());
  EXPECT_EQ(*topology->BoundNode(p, 8 * page), 0);

  topology->ForgetBinding(p + 6 * page, 2 * page);
  EXPECT_EQ(*topology->BoundNode(p, 6 * page), 0);
  EXPECT_EQ(*topology->BoundNode(p + 6 * page, page), -1);
  EXPECT_EQ(*topology->BoundNode(p, 8 * page), -1);  // partly unbound
  topology->ForgetBinding(p, 8 * page);
  EXPECT_EQ(*topology->BoundNode(p, page), -1);
}

TEST(TopologyXmlTest, BindingRejectsBadInputAndIgnoresUnknownNode) {
  std::unique_ptr<Topology> topology = LoadXml("two_socket_gpus.xml");
  ASSERT_NE(topology, nullptr);
  Pages pages(1);
  ASSERT_NE(pages.data(), nullptr);
  EXPECT_EQ(topology->BindToNode(pages.data(), pages.size(), 2).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(topology->BindToNode(pages.data(), pages.size(), -2).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(topology->BindToNode(nullptr, pages.size(), 0).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(topology->BindToNode(pages.data(), 0, 0).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(topology->BindToNode(reinterpret_cast<void*>(~uintptr_t{0} - 10), 100, 0).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(topology->BoundNode(nullptr, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  // -1 is "unknown node": nothing to do, not an error.
  EXPECT_TRUE(topology->BindToNode(pages.data(), pages.size(), -1).ok());
  EXPECT_EQ(*topology->BoundNode(pages.data(), pages.size()), -1);
}

TEST(TopologyXmlTest, ConcurrentBindingsAreSafe) {
  std::unique_ptr<Topology> topology = LoadXml("two_socket_gpus.xml");
  ASSERT_NE(topology, nullptr);
  constexpr int kThreads = 4;
  std::vector<std::unique_ptr<Pages>> buffers;
  for (int t = 0; t < kThreads; ++t) buffers.push_back(std::make_unique<Pages>(4));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Pages& pages = *buffers[t];
      for (int i = 0; i < 500; ++i) {
        const int node = (t + i) % 2;
        if (!topology->BindToNode(pages.data(), pages.size(), node).ok() ||
            *topology->BoundNode(pages.data(), pages.size()) != node) {
          ++mismatches[t];
        }
        topology->ForgetBinding(pages.data(), pages.size());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TEST(TopologyXmlTest, SingleNode) {
  std::unique_ptr<Topology> topology = LoadXml("single_node.xml");
  ASSERT_NE(topology, nullptr);
  EXPECT_TRUE(topology->HasNumaInfo());
  EXPECT_EQ(topology->NumaNodeCount(), 1);
  absl::StatusOr<DeviceAffinity> gpu = topology->ForPciBusId("0000:3b:00.0");
  ASSERT_TRUE(gpu.ok());
  EXPECT_TRUE(gpu->found);
  EXPECT_EQ(gpu->numa_node, 0);
  EXPECT_EQ(gpu->cpuset, "0-3");
}

TEST(TopologyXmlTest, NoNumaInformationFallsBackToUnbound) {
  std::unique_ptr<Topology> topology = LoadXml("no_numa.xml");
  ASSERT_NE(topology, nullptr);
  EXPECT_FALSE(topology->HasNumaInfo());
  EXPECT_EQ(topology->NumaNodeCount(), 0);
  absl::StatusOr<DeviceAffinity> gpu = topology->ForPciBusId("0000:3b:00.0");
  ASSERT_TRUE(gpu.ok());
  EXPECT_TRUE(gpu->found);
  EXPECT_EQ(gpu->numa_node, -1);
  EXPECT_EQ(gpu->cpuset, "0-3");

  Pages pages(1);
  ASSERT_NE(pages.data(), nullptr);
  EXPECT_TRUE(topology->BindToNode(pages.data(), pages.size(), gpu->numa_node).ok());
  EXPECT_EQ(*topology->BoundNode(pages.data(), pages.size()), -1);
  // Node 0 is hwloc's placeholder, not a node to bind to.
  EXPECT_EQ(topology->BindToNode(pages.data(), pages.size(), 0).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TopologyXmlTest, UnreadableFilesAreInvalidArgumentNamingThePath) {
  const std::string missing = DataPath("does_not_exist.xml");
  absl::StatusOr<std::unique_ptr<Topology>> topology = Topology::Load(missing);
  ASSERT_FALSE(topology.ok());
  EXPECT_EQ(topology.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(topology.status().message()), HasSubstr(missing));

  char path[] = "/tmp/spillway_topology_test_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const char junk[] = "<topology><object type=\"Nonsense\"";
  ASSERT_EQ(write(fd, junk, sizeof(junk) - 1), static_cast<ssize_t>(sizeof(junk) - 1));
  close(fd);
  topology = Topology::Load(std::string(path));
  unlink(path);
  ASSERT_FALSE(topology.ok());
  EXPECT_EQ(topology.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(topology.status().message()), HasSubstr(path));
}

TEST(TopologyXmlTest, LoadHonoursHwlocXmlFile) {
  const char* previous = std::getenv("HWLOC_XMLFILE");
  const std::string saved = previous != nullptr ? previous : "";
  ASSERT_EQ(setenv("HWLOC_XMLFILE", DataPath("two_socket_gpus.xml").c_str(), 1), 0);
  absl::StatusOr<std::unique_ptr<Topology>> topology = Topology::Load();
  if (previous != nullptr) {
    setenv("HWLOC_XMLFILE", saved.c_str(), 1);
  } else {
    unsetenv("HWLOC_XMLFILE");
  }
  ASSERT_TRUE(topology.ok()) << topology.status();
  EXPECT_EQ((*topology)->NumaNodeCount(), 2);
  EXPECT_FALSE((*topology)->AppliesBindings());
  EXPECT_EQ((*topology)->ForPciBusId("0000:b1:00.0")->numa_node, 1);
}

class RealMachineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("HWLOC_XMLFILE") != nullptr) {
      GTEST_SKIP() << "HWLOC_XMLFILE is set: this is not the real machine";
    }
    absl::StatusOr<std::unique_ptr<Topology>> topology = Topology::Load();
    ASSERT_TRUE(topology.ok()) << topology.status();
    topology_ = std::move(*topology);
    ASSERT_TRUE(topology_->AppliesBindings());
    if (!topology_->HasNumaInfo()) GTEST_SKIP() << "this machine reports no NUMA nodes";
  }
  std::unique_ptr<Topology> topology_;
};

// Where the pages of [p, p+size) physically are, asked of hwloc directly so the
// check does not rest on the code under test.
int ResidentNode(const char* p, size_t size) {
  hwloc_topology_t t;
  if (hwloc_topology_init(&t) != 0) return -2;
  int node = -2;
  if (hwloc_topology_load(t) == 0) {
    hwloc_bitmap_t nodeset = hwloc_bitmap_alloc();
    if (hwloc_get_area_memlocation(t, p, size, nodeset, HWLOC_MEMBIND_BYNODESET) == 0 &&
        hwloc_bitmap_weight(nodeset) == 1) {
      node = hwloc_bitmap_first(nodeset);
    }
    hwloc_bitmap_free(nodeset);
  }
  hwloc_topology_destroy(t);
  return node;
}

TEST_F(RealMachineTest, BindsToEveryNodeAndHwlocReportsIt) {
  const int nodes = topology_->NumaNodeCount();
  ASSERT_GE(nodes, 1);
  // NUMA node OS indexes need not be contiguous; try the first few.
  int bound = 0;
  for (int node = 0; node < 64 && bound < nodes; ++node) {
    Pages pages(16);
    ASSERT_NE(pages.data(), nullptr);
    absl::Status status = topology_->BindToNode(pages.data(), pages.size(), node);
    if (status.code() == absl::StatusCode::kInvalidArgument) continue;  // no such node
    ASSERT_TRUE(status.ok()) << "node " << node << ": " << status;
    ++bound;
    std::memset(pages.data(), 1, pages.size());  // fault the pages in under the policy
    absl::StatusOr<int> reported = topology_->BoundNode(pages.data(), pages.size());
    ASSERT_TRUE(reported.ok()) << reported.status();
    EXPECT_EQ(*reported, node);
    EXPECT_EQ(ResidentNode(pages.data(), pages.size()), node);
  }
  EXPECT_EQ(bound, nodes);
}

TEST_F(RealMachineTest, UnboundMemoryIsNotReportedAsBound) {
  Pages pages(4);
  ASSERT_NE(pages.data(), nullptr);
  std::memset(pages.data(), 1, pages.size());
  absl::StatusOr<int> node = topology_->BoundNode(pages.data(), pages.size());
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_EQ(*node, -1);  // first-touch default policy, not a binding
}

TEST_F(RealMachineTest, RejectsNodesTheMachineLacks) {
  Pages pages(1);
  ASSERT_NE(pages.data(), nullptr);
  EXPECT_EQ(topology_->BindToNode(pages.data(), pages.size(), 4096).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RealMachineTest, FindsThisMachinesPciDevices) {
  DIR* dir = opendir("/sys/bus/pci/devices");
  if (dir == nullptr) GTEST_SKIP() << "no /sys/bus/pci/devices";
  std::vector<std::string> ids;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    // Bridges (class 0x06....) become hwloc bridge objects, not PCI devices.
    const std::string class_path =
        std::string("/sys/bus/pci/devices/") + entry->d_name + "/class";
    FILE* file = std::fopen(class_path.c_str(), "r");
    unsigned pci_class = 0;
    const bool read = file != nullptr && std::fscanf(file, "%x", &pci_class) == 1;
    if (file != nullptr) std::fclose(file);
    if (read && (pci_class >> 16) != 0x06) ids.emplace_back(entry->d_name);
  }
  closedir(dir);
  if (ids.empty()) GTEST_SKIP() << "no non-bridge PCI devices visible";
  for (const std::string& id : ids) {
    absl::StatusOr<DeviceAffinity> affinity = topology_->ForPciBusId(id);
    ASSERT_TRUE(affinity.ok()) << id << ": " << affinity.status();
    EXPECT_TRUE(affinity->found) << id;
    EXPECT_FALSE(affinity->cpuset.empty()) << id;
    if (topology_->NumaNodeCount() == 1) {
      EXPECT_EQ(affinity->numa_node, 0) << id;
    }
  }
}

}  // namespace
}  // namespace spillway::runtime
