// The ledger file's life cycle (private to the runtime): open or create,
// validate, recreate when corrupt and unused, map, and hold the shared flock
// that tells others this process uses it.
//
// Protocol (all under flock(LOCK_EX) of the sidecar "<path>.lock", which the
// kernel drops when its holder dies, so a crash while opening never blocks
// anyone; the sidecar is never deleted, since deleting a lock file races):
//   1. open or create the ledger file (O_NOFOLLOW, mode 0600/0660 exactly);
//   2. empty file: initialize it;
//      valid file nobody has open (flock LOCK_EX|LOCK_NB succeeds): its
//        slots are stale, reinitialize it with the opener's configuration;
//      valid file in use: attach, report any configuration mismatch;
//      invalid file nobody has open: rename it to "<path>.corrupt" (kept for
//        diagnosis, never overwritten in place) and create a new one;
//      invalid file in use: INVALID_ARGUMENT naming the path and the problem;
//   3. take flock(LOCK_SH) on the ledger file for the life of this object.
//
// Thread-safety: immutable after Open. Ownership: owns the descriptor and the
// mapping; destruction unmaps and closes (dropping the shared flock).
#ifndef SPILLWAY_RUNTIME_SRC_LEDGER_FILE_H_
#define SPILLWAY_RUNTIME_SRC_LEDGER_FILE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ledger_layout.h"

namespace spillway::runtime {

class LedgerFile {
 public:
  struct Options {
    std::string path;
    ledger_layout::Config config;
    bool group_access = false;
    absl::Duration lock_timeout = absl::Seconds(10);
  };

  static absl::StatusOr<std::unique_ptr<LedgerFile>> Open(const Options& options);
  ~LedgerFile();
  LedgerFile(const LedgerFile&) = delete;
  LedgerFile& operator=(const LedgerFile&) = delete;

  ledger_layout::Header* header() const { return header_; }
  // Geometry as validated at Open (never re-read from the shared mapping).
  uint32_t device_count() const { return device_count_; }
  uint32_t max_processes() const { return max_processes_; }
  uint32_t slot_size() const { return slot_size_; }
  bool initialized() const { return initialized_; }
  const std::string& config_mismatch() const { return config_mismatch_; }
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  LedgerFile() = default;

  int fd_ = -1;
  ledger_layout::Header* header_ = nullptr;
  size_t size_ = 0;
  uint32_t device_count_ = 0;
  uint32_t max_processes_ = 0;
  uint32_t slot_size_ = 0;
  bool initialized_ = false;
  std::string config_mismatch_;
  std::vector<std::string> notes_;
};

}  // namespace spillway::runtime

#endif  // SPILLWAY_RUNTIME_SRC_LEDGER_FILE_H_
