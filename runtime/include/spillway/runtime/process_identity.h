// Who a process is, in a way that survives pid reuse: the pid plus the start
// time the kernel records for it (field 22 of /proc/<pid>/stat, clock ticks
// since boot). Two processes never share both within one boot and one PID
// namespace (a pid would have to be recycled within the same clock tick).
//
// Thread-safety: all functions are thread-safe (they only read /proc).
// Errors: NOT_FOUND when the process does not exist, INVALID_ARGUMENT for a
// malformed stat line, UNAVAILABLE when /proc cannot be read.
#ifndef SPILLWAY_RUNTIME_PROCESS_IDENTITY_H_
#define SPILLWAY_RUNTIME_PROCESS_IDENTITY_H_

#include <sys/types.h>

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace spillway::runtime {

struct ProcessIdentity {
  int32_t pid = 0;
  uint64_t start_time = 0;  // clock ticks after boot, from /proc/<pid>/stat
  bool operator==(const ProcessIdentity&) const = default;
};

// The fields of a /proc/<pid>/stat line the ledger needs.
struct ProcessStat {
  char state = '?';         // field 3: R, S, D, Z (zombie), X (dead), ...
  uint64_t start_time = 0;  // field 22
};

// Parses one /proc/<pid>/stat line. The command name (field 2) may contain
// spaces and parentheses, so parsing starts after the LAST ')'.
absl::StatusOr<ProcessStat> ParseProcessStat(absl::string_view line);

// Reads /proc/<pid>/stat. NOT_FOUND when the process does not exist.
absl::StatusOr<ProcessStat> ReadProcessStat(pid_t pid);

// The calling process (getpid() and its start time).
absl::StatusOr<ProcessIdentity> SelfIdentity();

enum class Liveness {
  kAlive,    // the same process (pid and start time) still runs
  kDead,     // gone, a zombie, or the pid now belongs to another process
  kUnknown,  // cannot tell (e.g. /proc hides it); callers must treat it as alive
};
Liveness CheckLiveness(const ProcessIdentity& identity);

// Identifies the PID namespace of the caller (device and inode of
// /proc/self/ns/pid); {0, 0} when it cannot be read. Pids are only comparable
// between processes of one namespace.
struct PidNamespaceId {
  uint64_t device = 0;
  uint64_t inode = 0;
  bool operator==(const PidNamespaceId&) const = default;
};
PidNamespaceId SelfPidNamespace();

}  // namespace spillway::runtime

#endif  // SPILLWAY_RUNTIME_PROCESS_IDENTITY_H_
