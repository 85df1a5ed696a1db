#include "spillway/runtime.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "spillway/hal/status.h"
#include "spillway/runtime/log.h"

namespace spillway {
namespace {

// Real hardware first; the fake only when nothing else is there.
constexpr const char* kDefaultBackendOrder[] = {"cuda", "ascend", "cambricon",
                                                "hygon", "levelzero", "fake"};

absl::StatusOr<std::vector<hal::Device*>> ChooseDevices(hal::Registry& registry,
                                                        const std::vector<std::string>& uris) {
  std::vector<hal::Device*> devices;
  if (!uris.empty()) {
    for (const std::string& uri : uris) {
      SPILLWAY_ASSIGN_OR_RETURN(hal::Device * device, registry.OpenDevice(uri));
      if (std::find(devices.begin(), devices.end(), device) != devices.end()) {
        return absl::InvalidArgumentError(absl::StrCat("device ", uri, " is listed twice"));
      }
      devices.push_back(device);
    }
    return devices;
  }
  std::vector<std::string> tried;
  for (const char* name : kDefaultBackendOrder) {
    absl::StatusOr<hal::Backend*> backend = registry.GetBackend(name);
    if (!backend.ok()) continue;
    absl::Status available = (*backend)->Availability();
    if (!available.ok() || (*backend)->DeviceCount() == 0) {
      tried.push_back(absl::StrCat(name, ": ", available.ok() ? "no device" : available.message()));
      continue;
    }
    for (int i = 0; i < (*backend)->DeviceCount(); ++i) {
      SPILLWAY_ASSIGN_OR_RETURN(hal::Device * device, (*backend)->GetDevice(i));
      devices.push_back(device);
    }
    return devices;
  }
  return absl::UnavailableError(
      absl::StrCat("no usable device (", absl::StrJoin(tried, "; "), ")"));
}

// Whether anything makes this device differ from the plain device.
bool Limited(const runtime::DeviceSettings& s, bool oversubscribe) {
  return s.memory_limit != 0 || s.virtual_size != 0 || s.oversubscribe_factor != 0 ||
         s.headroom != 0 || oversubscribe;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Open(RuntimeOptions options) {
  std::unique_ptr<Runtime> rt(new Runtime());
  if (options.config.has_value()) {
    rt->config_ = *options.config;
  } else {
    SPILLWAY_ASSIGN_OR_RETURN(rt->config_, runtime::RuntimeConfig::FromProcessEnvironment());
  }
  const runtime::RuntimeConfig& config = rt->config_;
  SPILLWAY_RETURN_IF_ERROR(runtime::SetLogLevel(config.log_level()));

  hal::Registry* registry = options.registry;
  if (registry == nullptr) {
    rt->owned_registry_ = std::make_unique<hal::Registry>();
    registry = rt->owned_registry_.get();
    SPILLWAY_RETURN_IF_ERROR(RegisterBuiltinBackends(*registry));
  }
  if (config.backends().has_value()) registry->SetEnabled(config.backends());
  SPILLWAY_ASSIGN_OR_RETURN(std::vector<hal::Device*> devices,
                            ChooseDevices(*registry, options.devices));
  if (static_cast<int>(devices.size()) > runtime::Ledger::kMaxDevices) {
    return absl::InvalidArgumentError(absl::StrCat(devices.size(), " devices; at most ",
                                                   runtime::Ledger::kMaxDevices, " supported"));
  }

  absl::StatusOr<std::unique_ptr<runtime::Topology>> topology = runtime::Topology::Load();
  if (topology.ok()) {
    rt->topology_ = std::move(*topology);
  } else {
    SPILLWAY_LOG(WARNING) << "no machine topology, host spill stays unbound: "
                          << topology.status().message();
  }

  const int n = static_cast<int>(devices.size());
  std::vector<runtime::DeviceLimits> limits(n);
  std::vector<runtime::VirtualDeviceOptions> vopts(n);
  bool any_limited = config.ledger_path() != runtime::kDefaultLedgerPath;
  for (int i = 0; i < n; ++i) {
    hal::Device& device = *devices[i];
    // What the device can really give: its free memory at open, which leaves
    // out the driver's own reservation (and anything used outside spillway).
    SPILLWAY_ASSIGN_OR_RETURN(hal::MemoryInfo physical, device.GetMemoryInfo());
    SPILLWAY_ASSIGN_OR_RETURN(limits[i],
                              runtime::ResolveDeviceLimits(config, i, physical.free));
    SPILLWAY_ASSIGN_OR_RETURN(runtime::DeviceSettings settings, config.ForDevice(i));
    // Said once per process, loudly: a share the user asked for and does not
    // get must not look granted.
    if (limits[i].sm_limit_percent > 0 && limits[i].sm_limit_percent < 100) {
      SPILLWAY_LOG(WARNING) << runtime::kSmLimitVar << "=" << limits[i].sm_limit_percent
                            << " for device " << i
                            << " is not enforced (UNIMPLEMENTED): spillway does not limit "
                               "compute yet, so this process may use the whole device";
    }
    const bool limited = Limited(settings, config.oversubscribe());
    any_limited = any_limited || limited;
    runtime::VirtualDeviceOptions& o = vopts[i];
    o.index = i;
    o.device_budget = limits[i].device_budget;
    o.virtual_size = limited ? limits[i].virtual_size : 0;
    o.oversubscribe = limited && limits[i].oversubscribed;
    o.idle_floor_fraction = options.idle_floor_fraction;
    if (rt->topology_ != nullptr) {
      absl::StatusOr<runtime::DeviceAffinity> affinity =
          rt->topology_->ForPciBusId(device.properties().pci_bus_id);
      if (affinity.ok()) o.numa_node = affinity->numa_node;
    }
  }

  if (config.task_priority() == runtime::TaskPriority::kLow) {
    SPILLWAY_LOG(WARNING) << runtime::kTaskPriorityVar
                          << "=1: this process yields device residency to high-priority "
                             "processes; kernel launches are not prioritized (UNIMPLEMENTED)";
  }
  if (any_limited) {
    runtime::LedgerOptions lo;
    lo.path = config.ledger_path();
    lo.device_count = n;
    lo.priority = static_cast<int>(config.task_priority());
    lo.group_access = config.ledger_group_access();
    for (int i = 0; i < n; ++i) {
      lo.limits.push_back(vopts[i].virtual_size);
      lo.device_budgets.push_back(vopts[i].oversubscribe ? vopts[i].device_budget : 0);
    }
    SPILLWAY_ASSIGN_OR_RETURN(rt->ledger_, runtime::Ledger::Open(lo));
    for (const std::string& note : rt->ledger_->notes()) SPILLWAY_LOG(INFO) << note;
    if (!rt->ledger_->config_mismatch().empty()) {
      SPILLWAY_LOG(WARNING) << "ledger " << lo.path << " keeps the configuration of the "
                            << "processes already attached: " << rt->ledger_->config_mismatch();
    }
    // What is in force is what every process sharing the ledger sees.
    for (int i = 0; i < n; ++i) {
      vopts[i].virtual_size = rt->ledger_->Limit(i);
      if (rt->ledger_->DeviceBudget(i) != 0) {
        vopts[i].device_budget = rt->ledger_->DeviceBudget(i);
      }
      vopts[i].oversubscribe =
          vopts[i].virtual_size != 0 && vopts[i].virtual_size > vopts[i].device_budget;
    }
  }

  for (int i = 0; i < n; ++i) {
    rt->devices_.push_back(std::make_unique<runtime::VirtualDevice>(
        *devices[i], rt->ledger_.get(), vopts[i], rt->topology_.get()));
    SPILLWAY_LOG(INFO) << "device " << i << " (" << devices[i]->uri() << "): virtual size "
                       << vopts[i].virtual_size << ", device budget " << vopts[i].device_budget
                       << (vopts[i].oversubscribe ? ", oversubscribed" : "")
                       << ", NUMA node " << vopts[i].numa_node;
  }
  return rt;
}

Runtime::~Runtime() {
  // Virtual devices free leftovers through the ledger, so they go first.
  devices_.clear();
  ledger_.reset();
}

absl::StatusOr<runtime::VirtualDevice*> Runtime::Device(int index) const {
  if (index < 0 || index >= DeviceCount()) {
    return absl::InvalidArgumentError(absl::StrCat("device index ", index, " is outside [0, ",
                                                   DeviceCount(), ")"));
  }
  return devices_[index].get();
}

}  // namespace spillway
