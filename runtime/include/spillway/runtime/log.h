// Diagnostic logging of the runtime, to stderr.
//
// Levels follow HAMi-core's LIBCUDA_LOG_LEVEL so one setting serves both:
//   0  errors only
//   1  errors and warnings (the default); 2 is the same as 1 (HAMi's
//      "messages" have no separate severity here)
//   3  and info
//   4  and debug
// There is no "off": errors are always printed, as in HAMi-core.
//
// Usage:
//   SPILLWAY_LOG(WARNING) << "device " << i << ": " << status;
// Severities: ERROR, WARNING, INFO, DEBUG.
//
// Cost: the level lives in one atomic, set by SetLogLevel (the runtime calls
// it once when its configuration is loaded; nothing here reads the
// environment). A disabled statement is one relaxed atomic load and a branch:
// its stream operands are not evaluated.
//
// Output: one line per statement, "[spillway WARNING 1234] text\n", where 1234
// is the process id, written to file descriptor 2 with a single write() so
// lines from different threads or processes do not interleave (for lines
// shorter than PIPE_BUF on pipes).
//
// Thread-safety: everything here is thread-safe. Errors: none; a failed write
// to stderr is ignored (logging must never fail the caller).
#ifndef SPILLWAY_RUNTIME_LOG_H_
#define SPILLWAY_RUNTIME_LOG_H_

#include <atomic>
#include <sstream>

#include "absl/status/status.h"

namespace spillway::runtime {

// The severity of one message; the value is the lowest level that shows it.
enum class LogSeverity : int {
  kError = 0,
  kWarning = 1,
  kInfo = 3,
  kDebug = 4,
};
const char* LogSeverityName(LogSeverity severity);

inline constexpr int kMinLogLevel = 0;
inline constexpr int kMaxLogLevel = 4;
inline constexpr int kDefaultLogLevel = 1;  // HAMi-core's default

// INVALID_ARGUMENT (and no change) unless 0 <= level <= 4.
absl::Status SetLogLevel(int level);
int GetLogLevel();

namespace log_internal {
extern std::atomic<int> current_level;
}  // namespace log_internal

// True when messages of `severity` are printed at the current level.
inline bool LogEnabled(LogSeverity severity) {
  return static_cast<int>(severity) <=
         log_internal::current_level.load(std::memory_order_relaxed);
}

// One message under construction; written out by the destructor.
// Use through SPILLWAY_LOG, which only creates it when the severity is enabled.
class LogMessage {
 public:
  explicit LogMessage(LogSeverity severity) : severity_(severity) {}
  ~LogMessage();
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;

  std::ostream& stream() { return text_; }

 private:
  LogSeverity severity_;
  std::ostringstream text_;
};

namespace log_internal {
// Turns the stream expression into void so it fits the ?: in SPILLWAY_LOG;
// & binds looser than << and tighter than ?:.
struct Voidify {
  void operator&(std::ostream&) {}
};
}  // namespace log_internal

}  // namespace spillway::runtime

// The ?: form (rather than if/else) keeps `if (x) SPILLWAY_LOG(...) << y; else`
// meaning what it reads as.
#define SPILLWAY_LOG(severity)                                          \
  !::spillway::runtime::LogEnabled(SPILLWAY_LOG_SEVERITY_##severity)    \
      ? (void)0                                                         \
      : ::spillway::runtime::log_internal::Voidify() &                  \
            ::spillway::runtime::LogMessage(SPILLWAY_LOG_SEVERITY_##severity) \
                .stream()

#define SPILLWAY_LOG_SEVERITY_ERROR ::spillway::runtime::LogSeverity::kError
#define SPILLWAY_LOG_SEVERITY_WARNING ::spillway::runtime::LogSeverity::kWarning
#define SPILLWAY_LOG_SEVERITY_INFO ::spillway::runtime::LogSeverity::kInfo
#define SPILLWAY_LOG_SEVERITY_DEBUG ::spillway::runtime::LogSeverity::kDebug

#endif  // SPILLWAY_RUNTIME_LOG_H_
