// The machine's topology as hwloc sees it: which NUMA node and CPUs are close
// to each device, and binding of host memory (spill) to a NUMA node.
//
// Fallbacks are quiet by design: a device missing from the topology, a device
// local to several NUMA nodes, or a machine without NUMA information gives
// numa_node = -1, and binding to -1 does nothing; spill is then simply not
// bound. These cases are logged at DEBUG, never errors.
//
// Bindings and XML topologies: a topology loaded from XML (Load(xml_path), or
// HWLOC_XMLFILE without HWLOC_THISSYSTEM=1) describes some machine, not
// necessarily this one; hwloc then treats binding calls as no-ops and cannot
// say where memory is bound. AppliesBindings() tells the two cases apart:
//   true  BindToNode calls hwloc_set_area_membind and BoundNode asks hwloc
//         (hwloc_get_area_membind) where the range is bound: real answers.
//   false BindToNode records the decision and BoundNode reports the record,
//         so placement decisions can be checked against any topology.
//
// Thread-safety: every method is thread-safe (the hwloc topology is read-only
// after loading; the record of bindings has its own lock).
// Ownership: a Topology owns its hwloc topology. It never owns the memory
// passed to BindToNode; call ForgetBinding before freeing such memory.
// Errors: INVALID_ARGUMENT for malformed PCI bus ids, null or empty ranges, and
// NUMA nodes the topology does not have; UNAVAILABLE when hwloc cannot load a
// topology; INTERNAL when the OS refuses a binding hwloc supports.
#ifndef SPILLWAY_RUNTIME_TOPOLOGY_H_
#define SPILLWAY_RUNTIME_TOPOLOGY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace spillway::runtime {

// Where a device sits in the machine.
struct DeviceAffinity {
  std::string pci_bus_id;  // normalized "dddd:bb:dd.f", lower-case hex
  bool found = false;      // the device is in the topology
  int numa_node = -1;      // OS index of its NUMA node; -1 when unknown
  std::string cpuset;      // its local CPUs as a list ("0-15,32-47"); "" if not found
};

class Topology {
 public:
  // This machine, unless HWLOC_XMLFILE names an XML file (hwloc honours it).
  static absl::StatusOr<std::unique_ptr<Topology>> Load();
  // The topology in an hwloc XML file (as `lstopo out.xml` writes). The
  // file's <support> section, when present, says whether it has NUMA
  // information. INVALID_ARGUMENT naming the path when hwloc cannot read it.
  static absl::StatusOr<std::unique_ptr<Topology>> Load(const std::string& xml_path);

  ~Topology();
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  // Number of NUMA nodes; 0 when the topology has no NUMA information.
  int NumaNodeCount() const;
  bool HasNumaInfo() const { return has_numa_info_; }
  // Whether bindings reach the memory (see the file comment).
  bool AppliesBindings() const { return applies_bindings_; }

  // Affinity of the PCI device "dddd:bb:dd.f" (the domain may also have 8 hex
  // digits, as NVML writes it; hex in either case). An empty id (a device
  // without one) or an id absent from the topology gives found = false and
  // numa_node = -1. INVALID_ARGUMENT for malformed ids.
  absl::StatusOr<DeviceAffinity> ForPciBusId(absl::string_view pci_bus_id) const;

  // Binds the pages of [ptr, ptr+size) to `numa_node` (HWLOC_MEMBIND_BIND,
  // migrating pages already touched). numa_node = -1 does nothing and succeeds.
  absl::Status BindToNode(void* ptr, size_t size, int numa_node);
  // The NUMA node [ptr, ptr+size) is bound to, or -1 when it is not bound to
  // exactly one node (default first-touch policy, several nodes, or unbound
  // parts of the range).
  absl::StatusOr<int> BoundNode(const void* ptr, size_t size) const;
  // Drops what was recorded for [ptr, ptr+size) (topologies that do not apply
  // bindings); call before freeing memory given to BindToNode, so a later
  // buffer at the same address does not inherit the record. A no-op when
  // bindings are applied (the kernel forgets with the pages).
  void ForgetBinding(const void* ptr, size_t size);

 private:
  struct Hwloc;  // the hwloc handle, kept out of this header
  struct RecordedBinding {
    size_t size;
    int numa_node;
  };

  explicit Topology(std::unique_ptr<Hwloc> hwloc);
  static absl::StatusOr<std::unique_ptr<Topology>> LoadWith(const std::string* xml_path);
  absl::Status CheckNode(int numa_node) const;
  // Removes [begin, end) from recorded_, trimming records that overlap it.
  void EraseRecordedLocked(uintptr_t begin, uintptr_t end)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::unique_ptr<Hwloc> hwloc_;
  bool has_numa_info_ = false;
  bool applies_bindings_ = false;

  mutable absl::Mutex mu_;
  // Start address -> binding, non-overlapping; used only when
  // !applies_bindings_.
  absl::btree_map<uintptr_t, RecordedBinding> recorded_ ABSL_GUARDED_BY(mu_);
};

}  // namespace spillway::runtime

#endif  // SPILLWAY_RUNTIME_TOPOLOGY_H_
