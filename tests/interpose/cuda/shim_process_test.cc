// The CUDA preload shim in real processes: the C clients of this folder run
// under LD_PRELOAD=libspillway_preload.so with the CPU fake of libcuda.so.1
// (and of libnvidia-ml.so.1) found through LD_LIBRARY_PATH, each with a
// fresh ledger file, and report what the driver API answered.
#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cuda_client_api.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spillway/backends/cuda/cuda_driver_abi.h"

extern char** environ;

namespace {

namespace abi = ::spillway::cuda::abi;
using ::testing::HasSubstr;

// The clients' C declarations are the driver's prototypes.
#define SPILLWAY_CHECK_CLIENT_PROTOTYPE(name) \
  static_assert(std::is_same_v<decltype(&::name), abi::Fn_##name*>, #name)
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuInit);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuDeviceGet);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuDeviceTotalMem_v2);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuDevicePrimaryCtxRetain);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuCtxSetCurrent);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuCtxGetCurrent);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuCtxCreate_v2);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuCtxDestroy_v2);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemGetInfo_v2);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemAlloc_v2);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemFree_v2);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemAllocManaged);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemAllocAsync);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemFreeAsync);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemAllocFromPoolAsync);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuDeviceGetDefaultMemPool);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuPointerGetAttribute);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemcpyHtoD_v2);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemcpyDtoH_v2);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemcpy);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemsetD8_v2);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuStreamCreate);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuStreamDestroy_v2);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuStreamSynchronize);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuEventCreate);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuEventRecord);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuEventSynchronize);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuEventElapsedTime);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuEventDestroy_v2);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuModuleGetFunction);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuLaunchKernel);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemRelease);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemAddressReserve);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemAddressFree);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemMap);
SPILLWAY_CHECK_CLIENT_PROTOTYPE(cuMemUnmap);
// cuMemCreate and cuMemSetAccess take the clients' own structs: same layout.
static_assert(sizeof(CUmemAllocationProp) == sizeof(abi::CUmemAllocationProp));
static_assert(offsetof(CUmemAllocationProp, location) ==
              offsetof(abi::CUmemAllocationProp, location));
static_assert(offsetof(CUmemAccessDesc, flags) == offsetof(abi::CUmemAccessDesc, flags));
static_assert(sizeof(CUmemAccessDesc) == sizeof(abi::CUmemAccessDesc));

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr char kDirect[] = SPILLWAY_DIRECT_CLIENT;
constexpr char kProcAddress[] = SPILLWAY_PROC_ADDRESS_CLIENT;

using Env = std::map<std::string, std::string>;

// What a client printed, parsed.
struct Report {
  int exit_status = -1;  // -signal when killed
  std::string out;
  std::string err;
  std::map<std::string, std::string> values;

  // The value of `key` as a number; fails the test when absent.
  int64_t Int(const std::string& key) const {
    auto it = values.find(key);
    int64_t value = 0;
    if (it == values.end() || !absl::SimpleAtoi(it->second, &value)) {
      ADD_FAILURE() << "no numeric " << key << " in the client's output:\n" << out << err;
      return -1;
    }
    return value;
  }
};

// A client process with pipes on stdin, stdout and stderr.
class Client {
 public:
  Client(const std::string& program, const std::vector<std::string>& args, const Env& env) {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe failed";
      return;
    }
    std::vector<std::string> argv_storage = {program};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<std::string> env_storage;
    for (const auto& [k, v] : env) env_storage.push_back(k + "=" + v);
    std::vector<char*> argv, envp;
    for (std::string& s : argv_storage) argv.push_back(s.data());
    for (std::string& s : env_storage) envp.push_back(s.data());
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      dup2(err[1], 2);
      execve(program.c_str(), argv.data(), envp.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    stderr_ = err[0];
  }
  ~Client() {
    if (pid_ > 0 && !waited_) {
      kill(pid_, SIGKILL);
      (void)Wait();
    }
    for (int fd : {stdin_, stdout_, stderr_}) {
      if (fd >= 0) close(fd);
    }
  }

  // Reads stdout until a line starting with `prefix`; returns the line.
  std::string ReadLineStartingWith(const std::string& prefix) {
    while (true) {
      size_t start = 0;
      while (true) {
        size_t end = report_.out.find('\n', start);
        if (end == std::string::npos) break;
        std::string line = report_.out.substr(start, end - start);
        if (line.rfind(prefix, 0) == 0) return line;
        start = end + 1;
      }
      if (!Pump(/*until_eof=*/false)) return "";
    }
  }

  void CloseStdin() {
    if (stdin_ >= 0) close(stdin_);
    stdin_ = -1;
  }

  void Kill() { kill(pid_, SIGKILL); }

  Report Wait() {
    CloseStdin();
    while (Pump(/*until_eof=*/true)) {
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    report_.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    for (absl::string_view line : absl::StrSplit(report_.out, '\n')) {
      std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
      if (!kv.first.empty()) report_.values[kv.first] = kv.second;
    }
    return report_;
  }

 private:
  // Reads what is available (blocking until something is); false at EOF of both.
  bool Pump(bool until_eof) {
    (void)until_eof;
    pollfd fds[2] = {{stdout_, POLLIN, 0}, {stderr_, POLLIN, 0}};
    if (stdout_ < 0 && stderr_ < 0) return false;
    if (poll(fds, 2, 30000) <= 0) {
      ADD_FAILURE() << "client silent for 30 s";
      return false;
    }
    bool any = false;
    for (int i = 0; i < 2; ++i) {
      int& fd = i == 0 ? stdout_ : stderr_;
      if (fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
      char buffer[4096];
      ssize_t n = read(fd, buffer, sizeof buffer);
      if (n <= 0) {
        close(fd);
        fd = -1;
        continue;
      }
      (i == 0 ? report_.out : report_.err).append(buffer, static_cast<size_t>(n));
      any = true;
    }
    return any || stdout_ >= 0 || stderr_ >= 0;
  }

  pid_t pid_ = -1;
  bool waited_ = false;
  int stdin_ = -1;
  int stdout_ = -1;
  int stderr_ = -1;
  Report report_;
};

class ShimProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/spillway-shim-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    for (const char* suffix : {"", ".lock", ".corrupt"}) unlink((ledger() + suffix).c_str());
    rmdir(dir_.c_str());
  }
  std::string ledger() const { return dir_ + "/ledger"; }

  // The environment of a client: the fake driver on the loader's path, the
  // shim preloaded (unless `preload` is false), a ledger of this test.
  Env Environment(const Env& extra, bool preload = true) const {
    Env env = {
        {"LD_LIBRARY_PATH", SPILLWAY_FAKE_CUDA_DIR},
        {"SPILLWAY_FAKE_SPEC", "devices=1,memory=256m,reserved=0"},
        {"CUDA_DEVICE_MEMORY_SHARED_CACHE", ledger()},
        {"PATH", "/usr/bin:/bin"},
    };
    if (preload) env["LD_PRELOAD"] = SPILLWAY_PRELOAD_LIBRARY;
    // Sanitizer builds: the clients and the shim are instrumented too.
    for (char** e = environ; *e != nullptr; ++e) {
      std::string var = *e;
      for (const char* prefix : {"ASAN_OPTIONS=", "UBSAN_OPTIONS=", "LSAN_OPTIONS="}) {
        if (var.rfind(prefix, 0) == 0) {
          env[var.substr(0, var.find('='))] = var.substr(var.find('=') + 1);
        }
      }
    }
    // A sanitized client loads the sanitizer runtime after the preloaded
    // shim, which the runtime refuses unless told it is intended.
    std::string& asan = env["ASAN_OPTIONS"];
    asan += asan.empty() ? "verify_asan_link_order=0" : ":verify_asan_link_order=0";
    for (const auto& [k, v] : extra) {
      if (v.empty()) {
        env.erase(k);
      } else {
        env[k] = v;
      }
    }
    return env;
  }

  Report Run(const std::string& program, std::vector<std::string> args, const Env& extra,
             bool preload = true) {
    Client client(program, args, Environment(extra, preload));
    Report report = client.Wait();
    EXPECT_EQ(report.exit_status, 0) << program << " " << args[0] << ":\n"
                                     << report.out << report.err;
    return report;
  }

  std::string dir_;
};

// Each scenario through both ways of reaching the driver (and the CUDA 11
// form of cuGetProcAddress).
struct Way {
  const char* name;
  const char* program;
  std::vector<std::string> prefix;
};
const Way kWays[] = {
    {"direct", kDirect, {}},
    {"proc_address", kProcAddress, {}},
    {"proc_address_v1", kProcAddress, {"--v1"}},
};

std::vector<std::string> Args(const Way& way, std::vector<std::string> args) {
  std::vector<std::string> all = way.prefix;
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

TEST_F(ShimProcessTest, WithoutLimitsTheShimChangesNothing) {
  for (bool preload : {false, true}) {
    SCOPED_TRACE(preload ? "preloaded" : "not preloaded");
    Report r = Run(kDirect, {"info"}, {{"CUDA_DEVICE_MEMORY_SHARED_CACHE", ""}}, preload);
    EXPECT_EQ(r.Int("total_mem_bytes"), static_cast<int64_t>(256 * kMiB));
    EXPECT_EQ(r.Int("info_total"), static_cast<int64_t>(256 * kMiB));
    EXPECT_EQ(r.Int("info_free"), static_cast<int64_t>(256 * kMiB));
  }
}

TEST_F(ShimProcessTest, MemoryInfoShowsTheLimit) {
  for (const Way& way : kWays) {
    SCOPED_TRACE(way.name);
    Report r = Run(way.program, Args(way, {"info"}), {{"CUDA_DEVICE_MEMORY_LIMIT", "64m"}});
    EXPECT_EQ(r.values["how"], way.name);
    EXPECT_EQ(r.Int("total_mem_bytes"), static_cast<int64_t>(64 * kMiB));
    EXPECT_EQ(r.Int("info_total"), static_cast<int64_t>(64 * kMiB));
    EXPECT_EQ(r.Int("info_free"), static_cast<int64_t>(64 * kMiB));
  }
}

TEST_F(ShimProcessTest, LimitIsEnforcedWithinAProcess) {
  for (const Way& way : kWays) {
    SCOPED_TRACE(way.name);
    Report r = Run(way.program, Args(way, {"fill", "8388608", "100"}),
                   {{"CUDA_DEVICE_MEMORY_LIMIT", "64m"}});
    EXPECT_EQ(r.Int("allocated"), 8);
    EXPECT_EQ(r.Int("error"), abi::kErrorOutOfMemory);
    EXPECT_EQ(r.Int("managed"), 0);
    EXPECT_EQ(r.Int("data_ok"), 1);
    EXPECT_EQ(r.Int("full_info_free"), 0);
    EXPECT_EQ(r.Int("freed_ok"), 1);
    EXPECT_EQ(r.Int("after_info_free"), static_cast<int64_t>(64 * kMiB));
  }
}

TEST_F(ShimProcessTest, LimitIsSharedAcrossProcesses) {
  const Env limit = {{"CUDA_DEVICE_MEMORY_LIMIT", "64m"}};
  {
    Client holder(kDirect, {"hold", "41943040"}, Environment(limit));  // 40 MiB
    ASSERT_EQ(holder.ReadLineStartingWith("held="), "held=0");
    // Another process, reaching the driver the other way, gets what is left.
    Report r = Run(kProcAddress, {"fill", "8388608", "100"}, limit);
    EXPECT_EQ(r.Int("allocated"), 3);
    EXPECT_EQ(r.Int("error"), abi::kErrorOutOfMemory);
    EXPECT_EQ(r.Int("full_info_free"), 0);
    EXPECT_EQ(r.Int("after_info_free"), static_cast<int64_t>(24 * kMiB));
    Report held = holder.Wait();
    EXPECT_EQ(held.Int("released"), 0);
  }
  Report alone = Run(kProcAddress, {"fill", "8388608", "100"}, limit);
  EXPECT_EQ(alone.Int("allocated"), 8);
}

TEST_F(ShimProcessTest, AKilledProcessLeavesNoQuotaBehind) {
  const Env limit = {{"CUDA_DEVICE_MEMORY_LIMIT", "64m"}};
  Client holder(kDirect, {"hold", "67108864"}, Environment(limit));
  ASSERT_EQ(holder.ReadLineStartingWith("held="), "held=0");
  holder.Kill();
  Report killed = holder.Wait();
  EXPECT_EQ(killed.exit_status, -SIGKILL);
  Report r = Run(kDirect, {"fill", "8388608", "100"}, limit);
  EXPECT_EQ(r.Int("allocated"), 8);
}

TEST_F(ShimProcessTest, OversubscribedAllocationsComeBackManaged) {
  const Env oversubscribed = {{"CUDA_DEVICE_MEMORY_LIMIT", "512m"},
                              {"CUDA_OVERSUBSCRIBE", "true"}};
  for (const Way& way : kWays) {
    SCOPED_TRACE(way.name);
    Report info = Run(way.program, Args(way, {"info"}), oversubscribed);
    EXPECT_EQ(info.Int("info_total"), static_cast<int64_t>(512 * kMiB));
    EXPECT_EQ(info.Int("total_mem_bytes"), static_cast<int64_t>(512 * kMiB));
    // 256 MiB of device memory, 256 MiB more as managed memory, then no more.
    Report r = Run(way.program, Args(way, {"fill", "33554432", "100"}), oversubscribed);
    EXPECT_EQ(r.Int("allocated"), 16);
    EXPECT_EQ(r.Int("error"), abi::kErrorOutOfMemory);
    EXPECT_EQ(r.Int("first_managed"), 8);
    EXPECT_EQ(r.Int("managed"), 8);
    EXPECT_EQ(r.Int("data_ok"), 1);
    EXPECT_EQ(r.Int("full_info_free"), 0);
    EXPECT_EQ(r.Int("after_info_free"), static_cast<int64_t>(512 * kMiB));
  }
}

TEST_F(ShimProcessTest, WhenTheDriverRunsOutFirstTheAllocationIsManaged) {
  // The fake keeps 32 MiB for itself: 224 MiB of device memory although the
  // ledger's budget is the device's 256 MiB.
  Report r = Run(kDirect, {"fill", "33554432", "100"},
                 {{"SPILLWAY_FAKE_SPEC", "devices=1,memory=256m,reserved=32m"},
                  {"CUDA_DEVICE_MEMORY_LIMIT", "512m"},
                  {"CUDA_OVERSUBSCRIBE", "true"}});
  EXPECT_EQ(r.Int("allocated"), 16);
  EXPECT_EQ(r.Int("first_managed"), 7);
  EXPECT_EQ(r.Int("managed"), 9);
  EXPECT_EQ(r.Int("data_ok"), 1);
}

TEST_F(ShimProcessTest, UnhandledCallsPassThrough) {
  for (const Way& way : kWays) {
    SCOPED_TRACE(way.name);
    Report r = Run(way.program, Args(way, {"passthrough"}), {{"CUDA_DEVICE_MEMORY_LIMIT", "64m"}});
    EXPECT_EQ(r.Int("ctx_ok"), 1);
    EXPECT_EQ(r.Int("kernel_ran"), 1);
    EXPECT_EQ(r.Int("events_ok"), 1);
    EXPECT_EQ(r.Int("copy_ok"), 1);
    if (way.program == kProcAddress) {
      EXPECT_EQ(r.Int("launch_is_driver"), 1);
    }
  }
  // The shim exports only what it handles.
  void* shim = dlopen(SPILLWAY_PRELOAD_LIBRARY, RTLD_LAZY | RTLD_LOCAL);
  ASSERT_NE(shim, nullptr) << dlerror();
  EXPECT_NE(dlsym(shim, "cuMemAlloc_v2"), nullptr);
  EXPECT_NE(dlsym(shim, "cuGetProcAddress_v2"), nullptr);
  for (const char* unhandled : {"cuLaunchKernel", "cuMemcpy", "cuCtxGetCurrent", "cuStreamCreate",
                                "cuMemAlloc", "cuMemGetInfo"}) {
    EXPECT_EQ(dlsym(shim, unhandled), nullptr) << unhandled;
  }
  dlclose(shim);
}

TEST_F(ShimProcessTest, BadInputGetsTheDriversErrorsNeverACrash) {
  for (const Way& way : kWays) {
    SCOPED_TRACE(way.name);
    Report r = Run(way.program, Args(way, {"badinput"}), {{"CUDA_DEVICE_MEMORY_LIMIT", "64m"}});
    EXPECT_EQ(r.Int("alloc_null"), abi::kErrorInvalidValue);
    EXPECT_EQ(r.Int("alloc_zero"), abi::kErrorInvalidValue);
    EXPECT_EQ(r.Int("alloc_huge"), abi::kErrorOutOfMemory);
    EXPECT_EQ(r.Int("alloc_max"), abi::kErrorOutOfMemory);
    EXPECT_EQ(r.Int("managed_null"), abi::kErrorInvalidValue);
    EXPECT_EQ(r.Int("managed_huge"), abi::kErrorOutOfMemory);
    EXPECT_EQ(r.Int("async_null"), abi::kErrorInvalidValue);
    EXPECT_EQ(r.Int("info_null"), abi::kErrorInvalidValue);
    EXPECT_EQ(r.Int("total_null"), abi::kErrorInvalidValue);
    EXPECT_EQ(r.Int("total_bad_device"), abi::kErrorInvalidDevice);
    EXPECT_EQ(r.Int("free_unknown"), abi::kErrorInvalidValue);
    EXPECT_EQ(r.Int("alloc_small"), abi::kSuccess);
    EXPECT_EQ(r.Int("free_interior"), abi::kErrorInvalidValue);
    EXPECT_EQ(r.Int("free_once"), abi::kSuccess);
    EXPECT_EQ(r.Int("free_twice"), abi::kErrorInvalidValue);
    EXPECT_EQ(r.Int("free_async_unknown"), abi::kErrorInvalidValue);
    EXPECT_EQ(r.Int("create_null"), abi::kErrorInvalidValue);
    EXPECT_EQ(r.Int("release_unknown"), abi::kErrorInvalidValue);
    // None of it left anything accounted.
    EXPECT_EQ(r.Int("after_info_free"), static_cast<int64_t>(64 * kMiB));
  }
}

TEST_F(ShimProcessTest, ManagedMemoryCountsAgainstTheLimit) {
  Report r = Run(kDirect, {"managed", "16777216", "100"}, {{"CUDA_DEVICE_MEMORY_LIMIT", "64m"}});
  EXPECT_EQ(r.Int("allocated"), 4);
  EXPECT_EQ(r.Int("error"), abi::kErrorOutOfMemory);
  EXPECT_EQ(r.Int("full_info_free"), 0);
  EXPECT_EQ(r.Int("after_info_free"), static_cast<int64_t>(64 * kMiB));
}

TEST_F(ShimProcessTest, VirtualMemoryManagementIsAccounted) {
  for (const Way& way : kWays) {
    SCOPED_TRACE(way.name);
    Report r = Run(way.program, Args(way, {"vmm", "16777216", "100"}),
                   {{"CUDA_DEVICE_MEMORY_LIMIT", "64m"}});
    EXPECT_EQ(r.Int("granularity"), abi::kSuccess);
    EXPECT_EQ(r.Int("created"), 4);
    EXPECT_EQ(r.Int("error"), abi::kErrorOutOfMemory);
    EXPECT_EQ(r.Int("full_info_free"), 0);
    EXPECT_EQ(r.Int("vmm_data_ok"), 1);
    EXPECT_EQ(r.Int("released_ok"), 1);
    EXPECT_EQ(r.Int("release_twice"), abi::kErrorInvalidValue);
    EXPECT_EQ(r.Int("after_info_free"), static_cast<int64_t>(64 * kMiB));
    EXPECT_EQ(r.Int("recreated"), abi::kSuccess);
  }
}

TEST_F(ShimProcessTest, StreamOrderedAllocationsAndPoolsAreAccounted) {
  for (const Way& way : kWays) {
    SCOPED_TRACE(way.name);
    Report r = Run(way.program, Args(way, {"pool", "16777216", "100"}),
                   {{"CUDA_DEVICE_MEMORY_LIMIT", "64m"}});
    EXPECT_EQ(r.Int("allocated"), 4);
    EXPECT_EQ(r.Int("error"), abi::kErrorOutOfMemory);
    EXPECT_EQ(r.Int("data_ok"), 1);
    EXPECT_EQ(r.Int("full_info_free"), 0);
    EXPECT_EQ(r.Int("freed_ok"), 1);
    EXPECT_EQ(r.Int("after_info_free"), static_cast<int64_t>(64 * kMiB));
    EXPECT_EQ(r.Int("pool_alloc"), abi::kSuccess);
    EXPECT_EQ(r.Int("pool_info_free"), static_cast<int64_t>(48 * kMiB));
    EXPECT_EQ(r.Int("pool_free"), abi::kSuccess);
  }
}

TEST_F(ShimProcessTest, SpilledStreamOrderedAllocationsAreFreedSafely) {
  // Beyond the device's 64 MiB, cuMemAllocAsync gets managed memory, which
  // cuMemFreeAsync cannot free: the shim synchronizes and frees it.
  Report r = Run(kDirect, {"pool", "16777216", "100"},
                 {{"SPILLWAY_FAKE_SPEC", "devices=1,memory=64m,reserved=0"},
                  {"CUDA_DEVICE_MEMORY_LIMIT", "128m"},
                  {"CUDA_OVERSUBSCRIBE", "1"}});
  EXPECT_EQ(r.Int("allocated"), 8);
  EXPECT_EQ(r.Int("data_ok"), 1);
  EXPECT_EQ(r.Int("freed_ok"), 1);
  EXPECT_EQ(r.Int("after_info_free"), static_cast<int64_t>(128 * kMiB));
}

TEST_F(ShimProcessTest, ContextMemoryIsCharged) {
  const Env env = {{"CUDA_DEVICE_MEMORY_LIMIT", "64m"},
                   {"SPILLWAY_FAKE_CUDA_CONTEXT_SIZE", "16m"},
                   {"SPILLWAY_CUDA_CONTEXT_SIZE", "16m"}};
  for (const Way& way : kWays) {
    SCOPED_TRACE(way.name);
    Report r = Run(way.program, Args(way, {"context"}), env);
    EXPECT_EQ(r.Int("primary_info_free"), static_cast<int64_t>(48 * kMiB));
    EXPECT_EQ(r.Int("ctx_create"), abi::kSuccess);
    EXPECT_EQ(r.Int("created_info_free"), static_cast<int64_t>(32 * kMiB));
    EXPECT_EQ(r.Int("ctx_destroy"), abi::kSuccess);
    EXPECT_EQ(r.Int("destroyed_info_free"), static_cast<int64_t>(48 * kMiB));
  }
  Report fill = Run(kDirect, {"fill", "8388608", "100"}, env);
  EXPECT_EQ(fill.Int("allocated"), 6);
}

TEST_F(ShimProcessTest, NvmlReportsTheVirtualDevice) {
  Report unlimited = Run(kDirect, {"nvml"}, {{"CUDA_DEVICE_MEMORY_SHARED_CACHE", ""}});
  EXPECT_EQ(unlimited.Int("nvml"), 0);
  EXPECT_EQ(unlimited.Int("nvml_total"), static_cast<int64_t>(256 * kMiB));
  Report limited = Run(kDirect, {"nvml"}, {{"CUDA_DEVICE_MEMORY_LIMIT", "64m"}});
  EXPECT_EQ(limited.Int("nvml"), 0);
  EXPECT_EQ(limited.Int("nvml_total"), static_cast<int64_t>(64 * kMiB));
  EXPECT_EQ(limited.Int("nvml_free"), static_cast<int64_t>(64 * kMiB));
  EXPECT_EQ(limited.Int("nvml_used"), 0);
}

TEST_F(ShimProcessTest, TorchAllocatorIsAccounted) {
  // Loaded by the program (as torch.cuda.memory.CUDAPluggableAllocator
  // does) or preloaded as well: one accounting either way.
  for (bool preload : {false, true}) {
    SCOPED_TRACE(preload ? "preloaded" : "dlopen only");
    Report r = Run(kDirect, {"torch", SPILLWAY_PRELOAD_LIBRARY, "16777216", "100"},
                   {{"CUDA_DEVICE_MEMORY_LIMIT", "64m"}}, preload);
    EXPECT_EQ(r.Int("loaded"), 1);
    EXPECT_EQ(r.Int("zero_size"), 1);
    EXPECT_EQ(r.Int("allocated"), 4);
    EXPECT_EQ(r.Int("data_ok"), 1);
    EXPECT_EQ(r.Int("again"), 4);
  }
}

TEST_F(ShimProcessTest, MalformedConfigurationFailsClosed) {
  for (const Way& way : kWays) {
    SCOPED_TRACE(way.name);
    Client client(way.program, Args(way, {"info"}),
                  Environment({{"CUDA_DEVICE_MEMORY_LIMIT", "12x"}}));
    Report r = client.Wait();
    EXPECT_EQ(r.exit_status, 2) << r.out << r.err;
    EXPECT_EQ(r.Int("init"), abi::kErrorNotInitialized);
    EXPECT_THAT(r.err, HasSubstr("CUDA_DEVICE_MEMORY_LIMIT"));
  }
}

}  // namespace
