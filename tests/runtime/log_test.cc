#include "spillway/runtime/log.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spillway::runtime {
namespace {

using ::testing::HasSubstr;

// Redirects file descriptor 2 into a temporary file for its lifetime.
class StderrCapture {
 public:
  StderrCapture() {
    char name[] = "/tmp/spillway_log_test_XXXXXX";
    fd_ = mkstemp(name);
    path_ = name;
    saved_ = dup(STDERR_FILENO);
    // O_APPEND so concurrent writers never overwrite each other's bytes.
    fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_APPEND);
    dup2(fd_, STDERR_FILENO);
  }
  ~StderrCapture() {
    Restore();
    close(fd_);
    unlink(path_.c_str());
  }
  void Restore() {
    if (saved_ >= 0) {
      dup2(saved_, STDERR_FILENO);
      close(saved_);
      saved_ = -1;
    }
  }
  std::string Text() const {
    std::string out;
    char buffer[4096];
    for (off_t offset = 0;;) {
      ssize_t n = pread(fd_, buffer, sizeof(buffer), offset);
      if (n <= 0) break;
      out.append(buffer, static_cast<size_t>(n));
      offset += n;
    }
    return out;
  }

 private:
  int fd_ = -1;
  int saved_ = -1;
  std::string path_;
};

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override { saved_level_ = GetLogLevel(); }
  void TearDown() override { ASSERT_TRUE(SetLogLevel(saved_level_).ok()); }
  int saved_level_ = 0;
};

std::string Prefix(const char* severity, long pid) {
  return absl::StrCat("[spillway ", severity, " ", pid, "] ");
}

TEST_F(LogTest, DefaultLevelIsHamiDefault) {
  EXPECT_EQ(GetLogLevel(), 1);
  EXPECT_EQ(kDefaultLogLevel, 1);
}

TEST_F(LogTest, SetLogLevelRejectsOutOfRangeAndKeepsLevel) {
  ASSERT_TRUE(SetLogLevel(3).ok());
  EXPECT_EQ(SetLogLevel(-1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SetLogLevel(5).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetLogLevel(), 3);
}

TEST_F(LogTest, LevelsFollowHamiTable) {
  // level -> {error, warning, info, debug} shown
  const bool expected[5][4] = {
      {true, false, false, false},  // 0: errors only
      {true, true, false, false},   // 1: + warnings
      {true, true, false, false},   // 2: same as 1
      {true, true, true, false},    // 3: + info
      {true, true, true, true},     // 4: + debug
  };
  const LogSeverity severities[4] = {LogSeverity::kError, LogSeverity::kWarning,
                                     LogSeverity::kInfo, LogSeverity::kDebug};
  for (int level = 0; level <= 4; ++level) {
    ASSERT_TRUE(SetLogLevel(level).ok());
    for (int s = 0; s < 4; ++s) {
      EXPECT_EQ(LogEnabled(severities[s]), expected[level][s])
          << "level " << level << " severity " << LogSeverityName(severities[s]);
    }
  }
}

TEST_F(LogTest, EnabledMessageGoesToStderrWithPrefix) {
  ASSERT_TRUE(SetLogLevel(1).ok());
  StderrCapture capture;
  SPILLWAY_LOG(WARNING) << "device " << 3 << " is " << absl::string_view("slow");
  capture.Restore();
  EXPECT_EQ(capture.Text(),
            absl::StrCat(Prefix("WARNING", getpid()), "device 3 is slow\n"));
}

TEST_F(LogTest, ErrorsShowEvenAtLevelZero) {
  ASSERT_TRUE(SetLogLevel(0).ok());
  StderrCapture capture;
  SPILLWAY_LOG(ERROR) << "ledger corrupt";
  SPILLWAY_LOG(WARNING) << "hidden";
  capture.Restore();
  EXPECT_EQ(capture.Text(), absl::StrCat(Prefix("ERROR", getpid()), "ledger corrupt\n"));
}

TEST_F(LogTest, DisabledStatementDoesNotEvaluateItsOperands) {
  int evaluations = 0;
  auto expensive = [&evaluations] {
    ++evaluations;
    return std::string("value");
  };
  ASSERT_TRUE(SetLogLevel(1).ok());
  StderrCapture capture;
  SPILLWAY_LOG(INFO) << expensive();
  SPILLWAY_LOG(DEBUG) << expensive();
  EXPECT_EQ(evaluations, 0);
  ASSERT_TRUE(SetLogLevel(4).ok());
  SPILLWAY_LOG(DEBUG) << expensive();
  capture.Restore();
  EXPECT_EQ(evaluations, 1);
  EXPECT_EQ(capture.Text(), absl::StrCat(Prefix("DEBUG", getpid()), "value\n"));
}

TEST_F(LogTest, MacroBindsCorrectlyInIfElse) {
  ASSERT_TRUE(SetLogLevel(4).ok());
  StderrCapture capture;
  int branch = 0;
  if (branch == 1)
    SPILLWAY_LOG(INFO) << "not this one";
  else
    branch = 2;
  capture.Restore();
  EXPECT_EQ(branch, 2);
  EXPECT_EQ(capture.Text(), "");
}

TEST_F(LogTest, PreservesErrno) {
  ASSERT_TRUE(SetLogLevel(1).ok());
  StderrCapture capture;
  errno = ENOSPC;
  SPILLWAY_LOG(WARNING) << "after a failing call";
  EXPECT_EQ(errno, ENOSPC);
}

TEST_F(LogTest, ConcurrentLinesStayWhole) {
  ASSERT_TRUE(SetLogLevel(1).ok());
  constexpr int kThreads = 4;
  constexpr int kLines = 200;
  StderrCapture capture;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) {
        SPILLWAY_LOG(WARNING) << "thread " << t << " line " << i << " "
                              << std::string(100, static_cast<char>('a' + t));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  capture.Restore();

  std::vector<std::string> lines =
      absl::StrSplit(capture.Text(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  std::vector<int> next(kThreads, 0);
  const std::string prefix = Prefix("WARNING", getpid());
  for (const std::string& line : lines) {
    ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
    int t = -1, i = -1;
    ASSERT_EQ(std::sscanf(line.c_str() + prefix.size(), "thread %d line %d", &t, &i), 2)
        << line;
    ASSERT_TRUE(t >= 0 && t < kThreads) << line;
    EXPECT_EQ(i, next[t]++) << "lines of one thread out of order";
    EXPECT_THAT(line, HasSubstr(std::string(100, static_cast<char>('a' + t))));
    EXPECT_EQ(line.size(), prefix.size() + absl::StrCat("thread ", t, " line ", i, " ").size() + 100);
  }
}

TEST_F(LogTest, ForkedChildLogsItsOwnPid) {
  ASSERT_TRUE(SetLogLevel(1).ok());
  StderrCapture capture;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    SPILLWAY_LOG(WARNING) << "from the child";
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  capture.Restore();
  EXPECT_EQ(capture.Text(), absl::StrCat(Prefix("WARNING", child), "from the child\n"));
}

}  // namespace
}  // namespace spillway::runtime
