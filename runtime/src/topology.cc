#include "spillway/runtime/topology.h"

#include <hwloc.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "spillway/hal/status.h"
#include "spillway/runtime/log.h"

namespace spillway::runtime {

struct Topology::Hwloc {
  hwloc_topology_t topology = nullptr;
  ~Hwloc() {
    if (topology != nullptr) hwloc_topology_destroy(topology);
  }
};

namespace {

// An hwloc bitmap that frees itself.
class Bitmap {
 public:
  Bitmap() : bitmap_(hwloc_bitmap_alloc()) {}
  ~Bitmap() { hwloc_bitmap_free(bitmap_); }
  Bitmap(const Bitmap&) = delete;
  Bitmap& operator=(const Bitmap&) = delete;
  hwloc_bitmap_t get() const { return bitmap_; }
  bool ok() const { return bitmap_ != nullptr; }

 private:
  hwloc_bitmap_t bitmap_;
};

std::string ListString(hwloc_const_bitmap_t bitmap) {
  char* text = nullptr;
  if (bitmap == nullptr || hwloc_bitmap_list_asprintf(&text, bitmap) < 0 ||
      text == nullptr) {
    return "";
  }
  std::string out(text);
  std::free(text);
  return out;
}

// Hex digits only, 1..max_digits of them.
bool ParseHex(absl::string_view text, size_t max_digits, unsigned* out) {
  if (text.empty() || text.size() > max_digits) return false;
  unsigned value = 0;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!absl::ascii_isxdigit(u)) return false;
    const unsigned digit = absl::ascii_isdigit(u)
                               ? static_cast<unsigned>(c - '0')
                               : static_cast<unsigned>(absl::ascii_tolower(u) - 'a' + 10);
    value = value * 16 + digit;
  }
  *out = value;
  return true;
}

struct PciAddress {
  unsigned domain = 0, bus = 0, device = 0, function = 0;
};

// "dddd:bb:dd.f" or "dddddddd:bb:dd.f" (NVML's form).
absl::StatusOr<PciAddress> ParsePciBusId(absl::string_view text) {
  auto malformed = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "PCI bus id \"", text, "\" is malformed: expected dddd:bb:dd.f (hex)"));
  };
  std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  if (parts.size() != 3) return malformed();
  std::vector<absl::string_view> dev_fn = absl::StrSplit(parts[2], '.');
  if (dev_fn.size() != 2) return malformed();
  PciAddress address;
  const bool domain_width_ok = parts[0].size() == 4 || parts[0].size() == 8;
  if (!domain_width_ok || !ParseHex(parts[0], 8, &address.domain) ||
      parts[1].size() != 2 || !ParseHex(parts[1], 2, &address.bus) ||
      dev_fn[0].size() != 2 || !ParseHex(dev_fn[0], 2, &address.device) ||
      address.device > 0x1f || dev_fn[1].size() != 1 ||
      !ParseHex(dev_fn[1], 1, &address.function) || address.function > 7) {
    return malformed();
  }
  return address;
}

std::string FormatPciBusId(const PciAddress& a) {
  constexpr char kHex[] = "0123456789abcdef";
  auto hex = [&](unsigned value, int width) {
    std::string out;
    do {
      out.insert(out.begin(), kHex[value & 0xf]);
      value >>= 4;
    } while (value != 0);
    while (static_cast<int>(out.size()) < width) out.insert(out.begin(), '0');
    return out;
  };
  return absl::StrCat(hex(a.domain, 4), ":", hex(a.bus, 2), ":", hex(a.device, 2), ".",
                      hex(a.function, 1));
}

absl::Status CheckRange(const void* ptr, size_t size, const char* call) {
  if (ptr == nullptr || size == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(call, ": null pointer or empty range"));
  }
  if (reinterpret_cast<uintptr_t>(ptr) > std::numeric_limits<uintptr_t>::max() - size) {
    return absl::InvalidArgumentError(
        absl::StrCat(call, ": range of ", size, " bytes wraps the address space"));
  }
  return absl::OkStatus();
}

absl::Status BindingError(const char* call, int error) {
  const std::string text = absl::StrCat(call, " failed: ", std::strerror(error));
  if (error == ENOSYS || error == EXDEV) return absl::UnimplementedError(text);
  return absl::InternalError(text);
}

}  // namespace

Topology::Topology(std::unique_ptr<Hwloc> hwloc) : hwloc_(std::move(hwloc)) {
  hwloc_topology_t t = hwloc_->topology;
  const hwloc_topology_support* support = hwloc_topology_get_support(t);
  has_numa_info_ = support != nullptr && support->discovery != nullptr &&
                   support->discovery->numa != 0 &&
                   hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE) > 0;
  applies_bindings_ = hwloc_topology_is_thissystem(t) != 0;
}

Topology::~Topology() = default;

absl::StatusOr<std::unique_ptr<Topology>> Topology::Load() { return LoadWith(nullptr); }

absl::StatusOr<std::unique_ptr<Topology>> Topology::Load(const std::string& xml_path) {
  return LoadWith(&xml_path);
}

absl::StatusOr<std::unique_ptr<Topology>> Topology::LoadWith(const std::string* xml_path) {
  auto hwloc = std::make_unique<Hwloc>();
  if (hwloc_topology_init(&hwloc->topology) != 0) {
    hwloc->topology = nullptr;
    return absl::UnavailableError(
        absl::StrCat("hwloc_topology_init failed: ", std::strerror(errno)));
  }
  hwloc_topology_t t = hwloc->topology;
  // PCI devices are needed to place accelerators; every PCI class is kept
  // because accelerators use several (display 03xx, processing 12xx, ...).
  // OS devices are not needed.
  hwloc_topology_set_io_types_filter(t, HWLOC_TYPE_FILTER_KEEP_IMPORTANT);
  hwloc_topology_set_type_filter(t, HWLOC_OBJ_PCI_DEVICE, HWLOC_TYPE_FILTER_KEEP_ALL);
  hwloc_topology_set_type_filter(t, HWLOC_OBJ_OS_DEVICE, HWLOC_TYPE_FILTER_KEEP_NONE);
  // Vendor plugins would initialize CUDA, NVML, OpenCL or Level Zero inside
  // this process (under our own interposer, too) only to name OS devices we
  // filter out; "gl" talks to the X server; "pci" (libpciaccess) duplicates
  // the Linux backend's sysfs PCI discovery and leaks. hwloc refuses names
  // of plugins that are not installed (EINVAL), which is harmless.
  for (const char* component : {"cuda", "nvml", "opencl", "levelzero", "rsmi", "gl", "pci"}) {
    hwloc_topology_set_components(t, HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST, component);
  }
  // Lets an XML file say it has no NUMA information (its <support> section).
  hwloc_topology_set_flags(t, HWLOC_TOPOLOGY_FLAG_IMPORT_SUPPORT);
  if (xml_path != nullptr) {
    if (hwloc_topology_set_xml(t, xml_path->c_str()) != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "hwloc cannot read XML topology \"", *xml_path, "\": ", std::strerror(errno)));
    }
  }
  errno = 0;
  if (hwloc_topology_load(t) != 0) {
    const int error = errno;
    if (xml_path != nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "hwloc cannot load XML topology \"", *xml_path,
          "\": ", error != 0 ? std::strerror(error) : "invalid topology"));
    }
    return absl::UnavailableError(absl::StrCat(
        "hwloc cannot load this machine's topology: ",
        error != 0 ? std::strerror(error) : "unknown error"));
  }
  auto topology = std::unique_ptr<Topology>(new Topology(std::move(hwloc)));
  SPILLWAY_LOG(DEBUG) << "topology loaded from "
                      << (xml_path != nullptr ? *xml_path : std::string("this machine"))
                      << ": " << topology->NumaNodeCount() << " NUMA node(s), bindings "
                      << (topology->AppliesBindings() ? "applied" : "recorded only");
  return topology;
}

int Topology::NumaNodeCount() const {
  if (!has_numa_info_) return 0;
  return hwloc_get_nbobjs_by_type(hwloc_->topology, HWLOC_OBJ_NUMANODE);
}

absl::StatusOr<DeviceAffinity> Topology::ForPciBusId(absl::string_view pci_bus_id) const {
  DeviceAffinity affinity;
  if (pci_bus_id.empty()) {
    SPILLWAY_LOG(DEBUG) << "device without a PCI bus id: its memory is not bound";
    return affinity;
  }
  SPILLWAY_ASSIGN_OR_RETURN(PciAddress address, ParsePciBusId(pci_bus_id));
  affinity.pci_bus_id = FormatPciBusId(address);

  hwloc_topology_t t = hwloc_->topology;
  hwloc_obj_t device = hwloc_get_pcidev_by_busid(t, address.domain, address.bus,
                                                 address.device, address.function);
  if (device == nullptr) {
    SPILLWAY_LOG(DEBUG) << "PCI device " << affinity.pci_bus_id
                        << " is not in the topology: its memory is not bound";
    return affinity;
  }
  affinity.found = true;
  hwloc_obj_t ancestor = hwloc_get_non_io_ancestor_obj(t, device);
  if (ancestor == nullptr) return affinity;
  affinity.cpuset = ListString(ancestor->cpuset);
  if (!has_numa_info_) {
    SPILLWAY_LOG(DEBUG) << "no NUMA information: memory of PCI device "
                        << affinity.pci_bus_id << " is not bound";
    return affinity;
  }
  const int nodes = ancestor->nodeset != nullptr ? hwloc_bitmap_weight(ancestor->nodeset) : 0;
  if (nodes == 1) {
    affinity.numa_node = hwloc_bitmap_first(ancestor->nodeset);
  } else {
    // Attached above the NUMA level (e.g. the firmware did not say which
    // socket): no node is closer than another.
    SPILLWAY_LOG(DEBUG) << "PCI device " << affinity.pci_bus_id << " is local to "
                        << nodes << " NUMA nodes: its memory is not bound";
  }
  return affinity;
}

absl::Status Topology::CheckNode(int numa_node) const {
  if (numa_node < 0 || !has_numa_info_ ||
      hwloc_get_numanode_obj_by_os_index(hwloc_->topology,
                                         static_cast<unsigned>(numa_node)) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("NUMA node ", numa_node, " is not in the topology",
                     has_numa_info_ ? "" : " (it has no NUMA information)"));
  }
  return absl::OkStatus();
}

absl::Status Topology::BindToNode(void* ptr, size_t size, int numa_node) {
  SPILLWAY_RETURN_IF_ERROR(CheckRange(ptr, size, "BindToNode"));
  if (numa_node == -1) return absl::OkStatus();
  SPILLWAY_RETURN_IF_ERROR(CheckNode(numa_node));

  if (!applies_bindings_) {
    const uintptr_t begin = reinterpret_cast<uintptr_t>(ptr);
    absl::MutexLock lock(&mu_);
    EraseRecordedLocked(begin, begin + size);
    recorded_.emplace(begin, RecordedBinding{size, numa_node});
    return absl::OkStatus();
  }
  Bitmap nodeset;
  if (!nodeset.ok()) return absl::ResourceExhaustedError("hwloc_bitmap_alloc failed");
  hwloc_bitmap_only(nodeset.get(), static_cast<unsigned>(numa_node));
  errno = 0;
  if (hwloc_set_area_membind(hwloc_->topology, ptr, size, nodeset.get(),
                             HWLOC_MEMBIND_BIND,
                             HWLOC_MEMBIND_BYNODESET | HWLOC_MEMBIND_MIGRATE) != 0) {
    return BindingError("hwloc_set_area_membind", errno);
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Topology::BoundNode(const void* ptr, size_t size) const {
  SPILLWAY_RETURN_IF_ERROR(CheckRange(ptr, size, "BoundNode"));
  const uintptr_t begin = reinterpret_cast<uintptr_t>(ptr);
  const uintptr_t end = begin + size;

  if (!applies_bindings_) {
    absl::MutexLock lock(&mu_);
    // The records must cover [begin, end) without gaps, all with one node.
    auto it = recorded_.upper_bound(begin);
    if (it == recorded_.begin()) return -1;
    --it;
    int node = it->second.numa_node;
    uintptr_t covered = it->first;
    for (; it != recorded_.end() && covered < end; ++it) {
      if (it->first > covered || it->second.numa_node != node) return -1;
      covered = it->first + it->second.size;
    }
    return covered >= end ? node : -1;
  }
  Bitmap nodeset;
  if (!nodeset.ok()) return absl::ResourceExhaustedError("hwloc_bitmap_alloc failed");
  hwloc_membind_policy_t policy = HWLOC_MEMBIND_DEFAULT;
  errno = 0;
  if (hwloc_get_area_membind(hwloc_->topology, ptr, size, nodeset.get(), &policy,
                             HWLOC_MEMBIND_BYNODESET) != 0) {
    return BindingError("hwloc_get_area_membind", errno);
  }
  if (policy != HWLOC_MEMBIND_BIND || hwloc_bitmap_weight(nodeset.get()) != 1) return -1;
  return hwloc_bitmap_first(nodeset.get());
}

void Topology::ForgetBinding(const void* ptr, size_t size) {
  if (applies_bindings_ || !CheckRange(ptr, size, "ForgetBinding").ok()) return;
  const uintptr_t begin = reinterpret_cast<uintptr_t>(ptr);
  absl::MutexLock lock(&mu_);
  EraseRecordedLocked(begin, begin + size);
}

void Topology::EraseRecordedLocked(uintptr_t begin, uintptr_t end) {
  // One overlapping record per round, looked up afresh each time: inserting
  // into a btree invalidates its iterators.
  while (true) {
    auto it = recorded_.upper_bound(begin);
    if (it != recorded_.begin()) {
      auto previous = std::prev(it);
      if (previous->first + previous->second.size > begin) it = previous;
    }
    if (it == recorded_.end() || it->first >= end) return;
    const uintptr_t rec_begin = it->first;
    const uintptr_t rec_end = rec_begin + it->second.size;
    const int node = it->second.numa_node;
    recorded_.erase(it);
    if (rec_begin < begin) {
      recorded_.emplace(rec_begin, RecordedBinding{begin - rec_begin, node});
    }
    if (rec_end > end) recorded_.emplace(end, RecordedBinding{rec_end - end, node});
  }
}

}  // namespace spillway::runtime
