// Costs of the multi-process ledger:
// - BM_ReserveRelease: one Reserve + Release pair, uncontended (compare with a
//   HAL Allocate + Free) and from several threads of one process;
// - BM_RefusedReserve: a reservation refused at the limit with N other live
//   processes attached (the refusal path looks for dead processes first);
// - BM_OpenClose: one attach + detach;
// - BM_Attach256: wall time for 256 processes that attach at once and do one
//   reserve/release each (HAMi-core needs about a minute for 200-300).
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "spillway/runtime/ledger.h"

namespace spillway::runtime {
namespace {

// A directory for the benchmark's ledger files, removed at exit.
const std::string& BenchDir() {
  static const std::string* dir = [] {
    char pattern[] = "/tmp/spillway-ledger-bench-XXXXXX";
    auto* path = new std::string(::mkdtemp(pattern) != nullptr ? pattern : "/tmp");
    std::atexit([] {
      const std::string command = "rm -rf '" + BenchDir() + "'";
      if (std::system(command.c_str()) != 0) std::fprintf(stderr, "cleanup failed\n");
    });
    return path;
  }();
  return *dir;
}

LedgerOptions Options(const std::string& name, uint64_t limit) {
  LedgerOptions options;
  options.path = BenchDir() + "/" + name;
  options.device_count = 1;
  options.limits = {limit};
  return options;
}

Ledger& SharedLedger() {
  static Ledger* ledger = [] {
    auto opened = Ledger::Open(Options("shared", uint64_t{1} << 40));
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
      std::abort();
    }
    return opened->release();
  }();
  return *ledger;
}

void BM_ReserveRelease(benchmark::State& state) {
  Ledger& ledger = SharedLedger();
  for (auto _ : state) {
    if (!ledger.Reserve(0, UsageKind::kDevice, 4096).ok() ||
        !ledger.Release(0, UsageKind::kDevice, 4096).ok()) {
      state.SkipWithError("reserve/release failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReserveRelease)->Threads(1)->Threads(2)->UseRealTime();

pid_t ForkSleeper(const std::string& name, uint64_t limit, int ready_fd) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    auto ledger = Ledger::Open(Options(name, limit));
    const char byte = ledger.ok() ? 1 : 0;
    if (::write(ready_fd, &byte, 1) != 1) ::_exit(1);
    while (true) ::pause();
  }
  return pid;
}

void BM_RefusedReserve(benchmark::State& state) {
  const int others = static_cast<int>(state.range(0));
  const std::string name = "refused" + std::to_string(others);
  auto ledger = Ledger::Open(Options(name, 1 << 20));
  if (!ledger.ok() || !(*ledger)->Reserve(0, UsageKind::kDevice, 1 << 20).ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  int fds[2];
  if (::pipe(fds) != 0) return;
  std::vector<pid_t> children;
  for (int i = 0; i < others; ++i) children.push_back(ForkSleeper(name, 1 << 20, fds[1]));
  for (int i = 0; i < others; ++i) {
    char byte = 0;
    if (::read(fds[0], &byte, 1) != 1 || byte != 1) state.SkipWithError("child failed");
  }
  for (auto _ : state) {
    if ((*ledger)->Reserve(0, UsageKind::kDevice, 1).ok()) state.SkipWithError("not refused");
  }
  for (pid_t child : children) ::kill(child, SIGKILL);
  for (pid_t child : children) ::waitpid(child, nullptr, 0);
  ::close(fds[0]);
  ::close(fds[1]);
}
BENCHMARK(BM_RefusedReserve)->Arg(0)->Arg(16)->Arg(255);

void BM_OpenClose(benchmark::State& state) {
  auto keep = Ledger::Open(Options("open_close", 1 << 30));  // attach to a live file
  for (auto _ : state) {
    auto ledger = Ledger::Open(Options("open_close", 1 << 30));
    if (!ledger.ok()) state.SkipWithError("open failed");
  }
}
BENCHMARK(BM_OpenClose);

void BM_Attach256(benchmark::State& state) {
  constexpr int kProcesses = 256;
  const LedgerOptions options = Options("attach256", uint64_t{1} << 30);
  auto keep = Ledger::Open(options);
  for (auto _ : state) {
    int start[2];
    if (::pipe(start) != 0) return;
    std::vector<pid_t> children;
    for (int i = 0; i < kProcesses; ++i) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::close(start[1]);
        char byte;
        while (::read(start[0], &byte, 1) > 0) {
        }  // EOF: go
        auto ledger = Ledger::Open(options);
        const bool ok = ledger.ok() && (*ledger)->Reserve(0, UsageKind::kDevice, 1 << 20).ok() &&
                        (*ledger)->Release(0, UsageKind::kDevice, 1 << 20).ok();
        ledger = absl::UnknownError("detach");  // destroy the Ledger before _exit
        ::_exit(ok ? 0 : 1);
      }
      children.push_back(pid);
    }
    ::close(start[0]);
    const auto begin = std::chrono::steady_clock::now();
    ::close(start[1]);
    int failures = 0;
    for (pid_t child : children) {
      int status = 0;
      ::waitpid(child, &status, 0);
      failures += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    const auto end = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(end - begin).count());
    if (failures != 0) state.SkipWithError("a child failed");
  }
  state.counters["processes"] = kProcesses;
}
BENCHMARK(BM_Attach256)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace spillway::runtime

BENCHMARK_MAIN();
