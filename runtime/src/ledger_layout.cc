#include "ledger_layout.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spillway/runtime/ledger.h"

namespace spillway::runtime::ledger_layout {

static_assert(kMaxDevices == Ledger::kMaxDevices);
static_assert(kKinds == kUsageKindCount);
static_assert(sizeof(Header) % 64 == 0);

uint64_t HeaderChecksum(const Header& header) {
  const auto* begin = reinterpret_cast<const unsigned char*>(&header.version);
  const auto* end = reinterpret_cast<const unsigned char*>(&header.checksum);
  uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a
  for (const unsigned char* p = begin; p != end; ++p) {
    hash ^= *p;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::string DescribeProblem(const Header& header, uint64_t file_size) {
  if (file_size < sizeof(Header)) {
    return absl::StrCat("truncated: ", file_size, " bytes, shorter than the ", sizeof(Header),
                        "-byte ledger header");
  }
  if (header.magic != kMagic) {
    if (header.magic == 0) {
      return "not initialized (magic number is zero: its initializer died, or this is not a "
             "spillway ledger)";
    }
    return absl::StrFormat("not a spillway ledger (magic number 0x%016x, expected 0x%016x)",
                           header.magic, kMagic);
  }
  if (header.version != kVersion) {
    return absl::StrCat("ledger format version ", header.version, ", this build reads version ",
                        kVersion);
  }
  if (header.header_size != sizeof(Header)) {
    return absl::StrCat("header size ", header.header_size, ", expected ", sizeof(Header));
  }
  if (header.mutex_size != sizeof(pthread_mutex_t)) {
    return absl::StrCat("created with a ", header.mutex_size,
                        "-byte mutex (another C library ABI), this build uses ",
                        sizeof(pthread_mutex_t));
  }
  if (header.checksum != HeaderChecksum(header)) {
    return "header checksum mismatch (the configuration area is corrupt)";
  }
  if (header.device_count == 0 || header.device_count > kMaxDevices ||
      header.max_processes == 0 ||
      header.max_processes > static_cast<uint32_t>(Ledger::kMaxProcesses) ||
      header.slot_size != SlotSize(header.device_count) ||
      header.total_size != TotalSize(header.device_count, header.max_processes)) {
    return absl::StrCat("inconsistent geometry (", header.device_count, " devices, ",
                        header.max_processes, " slots of ", header.slot_size, " bytes, ",
                        header.total_size, " bytes in all)");
  }
  if (file_size < header.total_size) {
    return absl::StrCat("truncated: the header says ", header.total_size, " bytes, the file has ",
                        file_size);
  }
  if (file_size > header.total_size) {
    return absl::StrCat("wrong size: the header says ", header.total_size,
                        " bytes, the file has ", file_size);
  }
  return "";
}

int InitializeHeader(Header* header, const Config& config) {
  header->version = kVersion;
  header->header_size = sizeof(Header);
  header->device_count = config.device_count;
  header->max_processes = config.max_processes;
  header->slot_size = SlotSize(config.device_count);
  header->total_size = TotalSize(config.device_count, config.max_processes);
  header->mutex_size = sizeof(pthread_mutex_t);
  header->pid_namespace_device = config.pid_namespace_device;
  header->pid_namespace_inode = config.pid_namespace_inode;
  std::memcpy(header->limits, config.limits, sizeof(header->limits));
  std::memcpy(header->device_budgets, config.device_budgets, sizeof(header->device_budgets));
  header->checksum = HeaderChecksum(*header);

  pthread_mutexattr_t attributes;
  int rc = pthread_mutexattr_init(&attributes);
  if (rc != 0) return rc;
  rc = pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
  if (rc == 0) rc = pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
  if (rc == 0) rc = pthread_mutex_init(&header->mutex, &attributes);
  pthread_mutexattr_destroy(&attributes);
  if (rc != 0) return rc;
  std::atomic_ref<uint64_t>(header->magic).store(kMagic, std::memory_order_release);
  return 0;
}

std::string DescribeMismatch(const Header& header, const Config& config) {
  std::string out;
  auto add = [&out](const std::string& item) { absl::StrAppend(&out, out.empty() ? "" : "; ", item); };
  if (header.device_count != config.device_count) {
    add(absl::StrCat("device count: ledger ", header.device_count, ", requested ",
                     config.device_count));
  }
  if (header.max_processes != config.max_processes) {
    add(absl::StrCat("process slots: ledger ", header.max_processes, ", requested ",
                     config.max_processes));
  }
  for (int d = 0; d < kMaxDevices; ++d) {
    if (header.limits[d] != config.limits[d]) {
      add(absl::StrCat("device ", d, " limit: ledger ", header.limits[d], ", requested ",
                       config.limits[d]));
    }
    if (header.device_budgets[d] != config.device_budgets[d]) {
      add(absl::StrCat("device ", d, " device budget: ledger ", header.device_budgets[d],
                       ", requested ", config.device_budgets[d]));
    }
  }
  return out;
}

}  // namespace spillway::runtime::ledger_layout
