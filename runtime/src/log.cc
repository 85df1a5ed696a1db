#include "spillway/runtime/log.h"

#include <unistd.h>

#include <cerrno>
#include <string>

#include "absl/strings/str_cat.h"

namespace spillway::runtime {

namespace log_internal {
std::atomic<int> current_level{kDefaultLogLevel};
}  // namespace log_internal

const char* LogSeverityName(LogSeverity severity) {
  switch (severity) {
    case LogSeverity::kError:
      return "ERROR";
    case LogSeverity::kWarning:
      return "WARNING";
    case LogSeverity::kInfo:
      return "INFO";
    case LogSeverity::kDebug:
      return "DEBUG";
  }
  return "UNKNOWN";
}

absl::Status SetLogLevel(int level) {
  if (level < kMinLogLevel || level > kMaxLogLevel) {
    return absl::InvalidArgumentError(
        absl::StrCat("log level ", level, " is outside 0..4"));
  }
  log_internal::current_level.store(level, std::memory_order_relaxed);
  return absl::OkStatus();
}

int GetLogLevel() {
  return log_internal::current_level.load(std::memory_order_relaxed);
}

LogMessage::~LogMessage() {
  // Callers may log between a failing call and reading errno.
  const int saved_errno = errno;
  // getpid() on every message (not cached) so a forked child logs its own pid.
  std::string line = absl::StrCat("[spillway ", LogSeverityName(severity_), " ",
                                  static_cast<long>(getpid()), "] ", text_.str(),
                                  "\n");
  // One write() per line keeps concurrent lines whole; loop only for the rare
  // short write or signal interruption.
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = write(STDERR_FILENO, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // nowhere to report a broken stderr
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  errno = saved_errno;
}

}  // namespace spillway::runtime
