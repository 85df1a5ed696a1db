// Process plumbing shared by the ledger tests: temporary directories, forked
// children that report through their exit code, pipes, clocks.
//
// A child never uses gtest assertions (they would fail only in the child); it
// returns 0 on success or a distinct non-zero code, and prints why to stderr.
#ifndef SPILLWAY_TESTS_RUNTIME_LEDGER_TEST_SUPPORT_H_
#define SPILLWAY_TESTS_RUNTIME_LEDGER_TEST_SUPPORT_H_

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace spillway::runtime::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                          "/spillway-ledger-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    if (path_.empty()) return;
    ::nftw(
        path_.c_str(),
        [](const char* p, const struct stat*, int, struct FTW*) { return ::remove(p); }, 16,
        FTW_DEPTH | FTW_PHYS);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline uint64_t MonotonicNanos() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// Forks; the child runs `body` and _exit()s with its result (no atexit
// handlers, no gtest teardown in the child).
inline pid_t ForkChild(const std::function<int()>& body) {
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  return pid;
}

// The child's exit code, 128 + signal when killed, -1 on error.
inline int WaitForExit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// The children of one test. Wait() bounds every wait, and the destructor
// kills and reaps whatever is still running, so that a failed assertion
// neither hangs the test nor leaves processes behind. Only unreaped children
// are ever signalled (their pids cannot have been reused).
class Children {
 public:
  Children() = default;
  Children(const Children&) = delete;
  Children& operator=(const Children&) = delete;
  ~Children() {
    for (pid_t pid : running_) {
      ::kill(pid, SIGKILL);
      WaitForExit(pid);
    }
  }

  pid_t Fork(const std::function<int()>& body) {
    const pid_t pid = ForkChild(body);
    if (pid > 0) running_.push_back(pid);
    return pid;
  }

  // The exit code, 128 + signal when killed; -2 when it was still running
  // after `timeout_ms` (it is then killed), -1 for a pid not ours.
  int Wait(pid_t pid, int timeout_ms = 60'000) {
    auto it = std::find(running_.begin(), running_.end(), pid);
    if (it == running_.end()) return -1;
    running_.erase(it);
    const uint64_t deadline = MonotonicNanos() + uint64_t{1'000'000} * timeout_ms;
    int status = 0;
    while (true) {
      const pid_t done = ::waitpid(pid, &status, WNOHANG);
      if (done == pid) break;
      if (done < 0 && errno != EINTR) return -1;
      if (MonotonicNanos() > deadline) {
        ::kill(pid, SIGKILL);
        WaitForExit(pid);
        return -2;
      }
      ::usleep(200);
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
  }

  // SIGKILL, then Wait.
  int Kill(pid_t pid) {
    if (std::find(running_.begin(), running_.end(), pid) == running_.end()) return -1;
    ::kill(pid, SIGKILL);
    return Wait(pid);
  }

 private:
  std::vector<pid_t> running_;
};

struct Pipe {
  int read_fd = -1;
  int write_fd = -1;
  Pipe() {
    int fds[2];
    if (::pipe(fds) == 0) {
      read_fd = fds[0];
      write_fd = fds[1];
    }
  }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void CloseRead() {
    if (read_fd >= 0) ::close(read_fd);
    read_fd = -1;
  }
  void CloseWrite() {
    if (write_fd >= 0) ::close(write_fd);
    write_fd = -1;
  }
};

inline bool WriteAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// False on EOF or error before `size` bytes arrived.
inline bool ReadAll(int fd, void* data, size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace spillway::runtime::testing

#endif  // SPILLWAY_TESTS_RUNTIME_LEDGER_TEST_SUPPORT_H_
