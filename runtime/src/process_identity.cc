#include "spillway/runtime/process_identity.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace spillway::runtime {

absl::StatusOr<ProcessStat> ParseProcessStat(absl::string_view line) {
  const size_t close = line.rfind(')');
  if (close == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed /proc stat line (no ')' after the command name): \"",
                     line.substr(0, 80), "\""));
  }
  // After ')' come fields 3.. separated by single spaces; field 22 is the
  // 20th of them.
  std::vector<absl::string_view> fields =
      absl::StrSplit(line.substr(close + 1), ' ', absl::SkipEmpty());
  if (fields.size() < 20 || fields[0].size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "malformed /proc stat line (", fields.size(), " fields after the command name, need 20)"));
  }
  ProcessStat stat;
  stat.state = fields[0][0];
  absl::string_view start = fields[19];
  while (!start.empty() && (start.back() == '\n' || start.back() == '\r')) start.remove_suffix(1);
  if (!absl::SimpleAtoi(start, &stat.start_time)) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed /proc stat line (start time \"", start, "\" is not a number)"));
  }
  return stat;
}

namespace {

absl::StatusOr<ProcessStat> ReadStatFile(const std::string& path, pid_t pid) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ESRCH) return absl::NotFoundError(absl::StrCat("no process ", pid));
    return absl::UnavailableError(absl::StrCat("cannot open ", path, ": ", std::strerror(err)));
  }
  // The line is a few hundred bytes; the command name is at most 16 bytes.
  char buffer[1024];
  size_t length = 0;
  while (length < sizeof(buffer)) {
    const ssize_t n = ::read(fd, buffer + length, sizeof(buffer) - length);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      // A process that exits while we read reports ESRCH.
      if (err == ESRCH) return absl::NotFoundError(absl::StrCat("no process ", pid));
      return absl::UnavailableError(absl::StrCat("cannot read ", path, ": ", std::strerror(err)));
    }
    if (n == 0) break;
    length += static_cast<size_t>(n);
  }
  ::close(fd);
  return ParseProcessStat(absl::string_view(buffer, length));
}

}  // namespace

absl::StatusOr<ProcessStat> ReadProcessStat(pid_t pid) {
  if (pid <= 0) return absl::InvalidArgumentError(absl::StrCat("invalid pid ", pid));
  return ReadStatFile(absl::StrCat("/proc/", pid, "/stat"), pid);
}

absl::StatusOr<ProcessIdentity> SelfIdentity() {
  const pid_t pid = ::getpid();
  // /proc/self is right even where /proc belongs to another PID namespace.
  absl::StatusOr<ProcessStat> stat = ReadStatFile("/proc/self/stat", pid);
  if (!stat.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "cannot read this process's start time from /proc/self/stat (needed to tell a reused pid from a dead process): ", stat.status().message()));
  }
  return ProcessIdentity{pid, stat->start_time};
}

Liveness CheckLiveness(const ProcessIdentity& identity) {
  if (identity.pid <= 0) return Liveness::kDead;
  // kill(0) is one cheap syscall; it sees zombies as alive, so /proc decides.
  if (::kill(identity.pid, 0) != 0 && errno == ESRCH) return Liveness::kDead;
  absl::StatusOr<ProcessStat> stat = ReadProcessStat(identity.pid);
  if (absl::IsNotFound(stat.status())) return Liveness::kDead;
  if (!stat.ok()) return Liveness::kUnknown;
  // A zombie has released its memory and file descriptors: its usage is gone.
  if (stat->state == 'Z' || stat->state == 'X' || stat->state == 'x') return Liveness::kDead;
  if (stat->start_time != identity.start_time) return Liveness::kDead;  // pid reused
  return Liveness::kAlive;
}

PidNamespaceId SelfPidNamespace() {
  struct stat st;
  if (::stat("/proc/self/ns/pid", &st) != 0) return {};
  return PidNamespaceId{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

}  // namespace spillway::runtime
