// Bad input for the ledger: corrupt, truncated and foreign files (with and
// without a live user), wrong paths, bad options, bad device indices and
// sizes, over-release, and the file modes.
#include <fcntl.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger_test_support.h"
#include "spillway/runtime/ledger.h"

namespace spillway::runtime {
namespace {

using ::spillway::runtime::testing::Children;
using ::spillway::runtime::testing::ForkChild;
using ::spillway::runtime::testing::Pipe;
using ::spillway::runtime::testing::ReadAll;
using ::spillway::runtime::testing::TempDir;
using ::spillway::runtime::testing::WaitForExit;
using ::spillway::runtime::testing::WriteAll;
using ::testing::HasSubstr;

// Offsets of the file format (runtime/src/ledger_layout.h), little-endian.
constexpr off_t kMagicOffset = 0;
constexpr off_t kVersionOffset = 8;
constexpr off_t kFirstLimitOffset = 56;

LedgerOptions Options(const std::string& path, uint64_t limit = 1000) {
  LedgerOptions options;
  options.path = path;
  options.device_count = 1;
  options.limits = {limit};
  return options;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

// Creates a valid ledger file at `path` and detaches from it.
void MakeLedger(const std::string& path) {
  auto ledger = Ledger::Open(Options(path));
  ASSERT_TRUE(ledger.ok()) << ledger.status();
}

void PwriteBytes(const std::string& path, off_t offset, const void* data, size_t size) {
  const int fd = ::open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::pwrite(fd, data, size, offset), static_cast<ssize_t>(size));
  ::close(fd);
}

void Resize(const std::string& path, off_t size) { ASSERT_EQ(::truncate(path.c_str(), size), 0); }

off_t SizeOf(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

struct Corruption {
  const char* name;
  std::function<void(const std::string&)> apply;
  const char* reported;  // expected in the error message
};

std::vector<Corruption> Corruptions() {
  return {
      {"TruncatedToHalf", [](const std::string& p) { Resize(p, SizeOf(p) / 2); }, "truncated"},
      {"TruncatedBelowTheHeader", [](const std::string& p) { Resize(p, 100); },
       "truncated: 100 bytes"},
      {"RandomBytes",
       [](const std::string& p) {
         std::mt19937_64 random(42);
         std::vector<uint64_t> words(static_cast<size_t>(SizeOf(p)) / 8);
         for (uint64_t& word : words) word = random();
         PwriteBytes(p, 0, words.data(), words.size() * 8);
       },
       "not a spillway ledger"},
      {"ForeignTextFile",
       [](const std::string& p) {
         Resize(p, 0);
         PwriteBytes(p, 0, "hello, world\n", 13);
       },
       "truncated: 13 bytes"},
      {"WrongMagic", [](const std::string& p) { PwriteBytes(p, kMagicOffset, "NOTLEDGR", 8); },
       "not a spillway ledger"},
      {"ZeroMagic",
       [](const std::string& p) {
         const uint64_t zero = 0;
         PwriteBytes(p, kMagicOffset, &zero, 8);
       },
       "not initialized"},
      {"WrongVersion",
       [](const std::string& p) {
         const uint32_t version = 99;
         PwriteBytes(p, kVersionOffset, &version, 4);
       },
       "version 99"},
      {"WrongSize", [](const std::string& p) { Resize(p, SizeOf(p) + 4096); }, "wrong size"},
      {"CorruptLimit",
       [](const std::string& p) {
         const uint8_t garbage = 0x5a;
         PwriteBytes(p, kFirstLimitOffset + 3, &garbage, 1);
       },
       "checksum"},
  };
}

class CorruptLedgerTest : public ::testing::TestWithParam<Corruption> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    path_ = dir_.File("ledger");
    MakeLedger(path_);
    GetParam().apply(path_);
    corrupt_bytes_ = ReadFile(path_);
  }
  TempDir dir_;
  std::string path_;
  std::string corrupt_bytes_;
};

TEST_P(CorruptLedgerTest, InUseByALiveProcessIsReportedAndLeftUntouched) {
  // A live user is anyone holding the shared flock (what an attached Ledger
  // holds); here an open file description of this process.
  const int user = ::open(path_.c_str(), O_RDONLY);
  ASSERT_GE(user, 0);
  ASSERT_EQ(::flock(user, LOCK_SH), 0);
  auto ledger = Ledger::Open(Options(path_));
  ::close(user);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ledger.status().message(), HasSubstr(path_));
  EXPECT_THAT(ledger.status().message(), HasSubstr(GetParam().reported));
  EXPECT_THAT(ledger.status().message(), HasSubstr("live process"));
  EXPECT_EQ(ReadFile(path_), corrupt_bytes_);
  EXPECT_FALSE(Exists(path_ + ".corrupt"));
}

TEST_P(CorruptLedgerTest, UnusedIsMovedAsideAndRecreated) {
  auto ledger = Ledger::Open(Options(path_, 77));
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  EXPECT_TRUE((*ledger)->initialized_file());
  EXPECT_EQ((*ledger)->Limit(0), 77u);
  ASSERT_FALSE((*ledger)->notes().empty());
  EXPECT_THAT((*ledger)->notes()[0], HasSubstr(GetParam().reported));
  EXPECT_THAT((*ledger)->notes()[0], HasSubstr(path_ + ".corrupt"));
  EXPECT_EQ(ReadFile(path_ + ".corrupt"), corrupt_bytes_);  // nothing lost
  EXPECT_TRUE((*ledger)->Reserve(0, UsageKind::kDevice, 77).ok());
  EXPECT_TRUE((*ledger)->CheckConsistency().ok());
}

INSTANTIATE_TEST_SUITE_P(Files, CorruptLedgerTest, ::testing::ValuesIn(Corruptions()),
                         [](const ::testing::TestParamInfo<Corruption>& param) {
                           return std::string(param.param.name);
                         });

class LedgerBadInputTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dir_.ok()); }
  std::string Path() const { return dir_.File("ledger"); }
  TempDir dir_;
  Children children_;
};

TEST_F(LedgerBadInputTest, CorruptedUnderALiveAttachedProcessIsNotRecreated) {
  const std::string path = Path();
  Pipe ready;
  const pid_t child = children_.Fork([&] {
    ready.CloseRead();
    auto ledger = Ledger::Open(Options(path));
    if (!ledger.ok() || !(*ledger)->Reserve(0, UsageKind::kDevice, 5).ok()) return 1;
    char byte = 1;
    WriteAll(ready.write_fd, &byte, 1);
    ::pause();
    return 0;
  });
  ready.CloseWrite();
  char byte = 0;
  ASSERT_TRUE(ReadAll(ready.read_fd, &byte, 1));
  // Version 1, the format before resident plans: what an older build left.
  const uint32_t version = 1;
  PwriteBytes(path, kVersionOffset, &version, 4);
  const std::string corrupt = ReadFile(path);

  auto refused = Ledger::Open(Options(path));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("ledger format version 1, this build reads version 2"));
  EXPECT_EQ(ReadFile(path), corrupt);

  ::kill(child, SIGKILL);
  ASSERT_EQ(children_.Wait(child), 128 + SIGKILL);
  auto recreated = Ledger::Open(Options(path));
  ASSERT_TRUE(recreated.ok()) << recreated.status();
  EXPECT_TRUE((*recreated)->initialized_file());
  EXPECT_EQ((*recreated)->Used(0), 0u);
  EXPECT_EQ(ReadFile(path + ".corrupt"), corrupt);
}

TEST_F(LedgerBadInputTest, ADirectoryIsNotALedger) {
  ASSERT_EQ(::mkdir(Path().c_str(), 0700), 0);
  auto ledger = Ledger::Open(Options(Path()));
  EXPECT_EQ(ledger.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ledger.status().message(), HasSubstr(Path()));
  EXPECT_THAT(ledger.status().message(), HasSubstr("directory"));
}

TEST_F(LedgerBadInputTest, AMissingDirectoryIsNotFound) {
  const std::string path = dir_.File("no/such/dir/ledger");
  auto ledger = Ledger::Open(Options(path));
  EXPECT_EQ(ledger.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(ledger.status().message(), HasSubstr("no/such/dir/ledger"));
}

TEST_F(LedgerBadInputTest, ASymbolicLinkIsRefusedAndItsTargetUntouched) {
  const std::string target = dir_.File("precious");
  { std::ofstream(target) << "do not truncate me"; }
  ASSERT_EQ(::symlink(target.c_str(), Path().c_str()), 0);
  auto ledger = Ledger::Open(Options(Path()));
  EXPECT_EQ(ledger.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ledger.status().message(), HasSubstr("symbolic link"));
  EXPECT_EQ(ReadFile(target), "do not truncate me");
}

TEST_F(LedgerBadInputTest, AnUnwritablePathIsPermissionDenied) {
  const std::string locked_dir = dir_.File("locked");
  ASSERT_EQ(::mkdir(locked_dir.c_str(), 0500), 0);
  const std::string path = locked_dir + "/ledger";
  // root ignores directory modes: drop to an unprivileged user in a child,
  // who may enter the test directory but not write into `locked`.
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
  const pid_t child = children_.Fork([&] {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) return 10;
    auto ledger = Ledger::Open(Options(path));
    if (ledger.status().code() != absl::StatusCode::kPermissionDenied) {
      std::fprintf(stderr, "got %s\n", ledger.status().ToString().c_str());
      return 1;
    }
    return ledger.status().message().find(path) == absl::string_view::npos ? 2 : 0;
  });
  const int code = children_.Wait(child);
  if (code == 10) GTEST_SKIP() << "cannot drop privileges";
  EXPECT_EQ(code, 0);
}

TEST_F(LedgerBadInputTest, BadOptionsAreInvalidArguments) {
  struct Case {
    const char* name;
    std::function<void(LedgerOptions&)> change;
    const char* reported;
  };
  const std::vector<Case> cases = {
      {"empty path", [](LedgerOptions& o) { o.path.clear(); }, "path is empty"},
      {"no devices", [](LedgerOptions& o) { o.device_count = 0; }, "device count 0"},
      {"17 devices", [](LedgerOptions& o) { o.device_count = 17; }, "device count 17"},
      {"limits for 2 of 1", [](LedgerOptions& o) { o.limits = {1, 2}; }, "2 limits for 1"},
      {"budgets for 3 of 1", [](LedgerOptions& o) { o.device_budgets = {1, 2, 3}; },
       "3 device budgets"},
      {"no slots", [](LedgerOptions& o) { o.max_processes = 0; }, "max_processes 0"},
      {"too many slots", [](LedgerOptions& o) { o.max_processes = Ledger::kMaxProcesses + 1; },
       "max_processes"},
      {"zero timeout", [](LedgerOptions& o) { o.lock_timeout = absl::ZeroDuration(); },
       "lock_timeout"},
  };
  for (const Case& c : cases) {
    LedgerOptions options = Options(Path());
    c.change(options);
    auto ledger = Ledger::Open(options);
    EXPECT_EQ(ledger.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(ledger.status().message(), HasSubstr(c.reported)) << c.name;
  }
  EXPECT_FALSE(Exists(Path()));  // nothing was created for bad options
}

TEST_F(LedgerBadInputTest, DeviceIndexOutOfRange) {
  auto ledger = Ledger::Open(Options(Path()));
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  Ledger& l = **ledger;
  for (int device : {-1, 1, 16, std::numeric_limits<int>::max()}) {
    absl::Status status = l.Reserve(device, UsageKind::kDevice, 1);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << device;
    EXPECT_THAT(status.message(), HasSubstr("device index " + std::to_string(device)));
    EXPECT_EQ(l.Release(device, UsageKind::kDevice, 1).code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(l.Move(device, UsageKind::kDevice, UsageKind::kManaged, 1).code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(l.Limit(device), 0u);
    EXPECT_EQ(l.Used(device), 0u);
    EXPECT_EQ(l.OwnUsage(device).total(), 0u);
  }
  EXPECT_EQ(l.Reserve(0, static_cast<UsageKind>(7), 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(l.Used(0, static_cast<UsageKind>(-1)), 0u);
  EXPECT_EQ(l.Used(0), 0u);
}

TEST_F(LedgerBadInputTest, ZeroAndHugeSizesAreErrorsNotWraps) {
  LedgerOptions options = Options(Path(), 0);  // no limit: only overflow can stop it
  auto ledger = Ledger::Open(options);
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  Ledger& l = **ledger;
  EXPECT_EQ(l.Reserve(0, UsageKind::kDevice, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(l.Release(0, UsageKind::kDevice, 0).code(), absl::StatusCode::kInvalidArgument);
  for (uint64_t huge : {Ledger::kMaxBytes + 1, std::numeric_limits<uint64_t>::max()}) {
    absl::Status status = l.Reserve(0, UsageKind::kDevice, huge);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr(std::to_string(huge)));
  }
  // Four of the largest reservations would wrap 64 bits; the fourth is refused.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(l.Reserve(0, UsageKind::kDevice, Ledger::kMaxBytes).ok());
  absl::Status wrap = l.Reserve(0, UsageKind::kManaged, Ledger::kMaxBytes);
  EXPECT_EQ(wrap.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(wrap.message(), HasSubstr("overflow"));
  EXPECT_EQ(l.Used(0), 3 * Ledger::kMaxBytes);
  // With a limit, a huge request is refused against the limit.
  auto limited = Ledger::Open(Options(dir_.File("limited"), 1 << 20));
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ((*limited)->Reserve(0, UsageKind::kDevice, Ledger::kMaxBytes).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ((*limited)->Used(0), 0u);
}

TEST_F(LedgerBadInputTest, ReleasingMoreThanHeldIsRefusedAndChangesNothing) {
  auto mine = Ledger::Open(Options(Path()));
  auto other = Ledger::Open(Options(Path()));
  ASSERT_TRUE(mine.ok() && other.ok());
  ASSERT_TRUE((*mine)->Reserve(0, UsageKind::kDevice, 10).ok());
  ASSERT_TRUE((*other)->Reserve(0, UsageKind::kDevice, 500).ok());
  absl::Status status = (*mine)->Release(0, UsageKind::kDevice, 11);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("holds 10"));
  // Bytes of another kind or of another slot are not this one's to release.
  EXPECT_EQ((*mine)->Release(0, UsageKind::kManaged, 1).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*mine)->OwnUsage(0).total(), 10u);
  EXPECT_EQ((*mine)->Used(0), 510u);
  EXPECT_TRUE((*mine)->CheckConsistency().ok());
}

TEST_F(LedgerBadInputTest, FilesAreCreated0600ByDefaultWhateverTheUmask) {
  const mode_t old_umask = ::umask(0);
  auto ledger = Ledger::Open(Options(Path()));
  ::umask(old_umask);
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  EXPECT_EQ(ModeOf(Path()), 0600u);
  EXPECT_EQ(ModeOf(Path() + ".lock"), 0600u);
}

TEST_F(LedgerBadInputTest, FilesAreCreated0660ForAGroupWhateverTheUmask) {
  const mode_t old_umask = ::umask(077);
  LedgerOptions options = Options(Path());
  options.group_access = true;
  auto ledger = Ledger::Open(options);
  ::umask(old_umask);
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  EXPECT_EQ(ModeOf(Path()), 0660u);
  EXPECT_EQ(ModeOf(Path() + ".lock"), 0660u);
}

TEST_F(LedgerBadInputTest, AFileOthersCanWriteIsUsedButNoted) {
  MakeLedger(Path());
  ASSERT_EQ(::chmod(Path().c_str(), 0666), 0);
  auto ledger = Ledger::Open(Options(Path()));
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  ASSERT_FALSE((*ledger)->notes().empty());
  EXPECT_THAT((*ledger)->notes().back(), HasSubstr("mode 0666"));
  EXPECT_EQ(ModeOf(Path()), 0666u);  // an existing file's mode is the admin's
}

TEST_F(LedgerBadInputTest, AProcessOfAnotherPidNamespaceCannotJoinALiveLedger) {
  auto ledger = Ledger::Open(Options(Path()));
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  const std::string path = Path();
  const pid_t child = children_.Fork([&] {
    if (::unshare(CLONE_NEWPID) != 0) return 10;  // needs CAP_SYS_ADMIN
    const pid_t grandchild = ForkChild([&] {
      auto joined = Ledger::Open(Options(path));
      if (joined.status().code() != absl::StatusCode::kFailedPrecondition) {
        std::fprintf(stderr, "got %s\n", joined.status().ToString().c_str());
        return 1;
      }
      return joined.status().message().find("PID namespace") == absl::string_view::npos ? 2 : 0;
    });
    return WaitForExit(grandchild);
  });
  const int code = children_.Wait(child);
  if (code == 10) GTEST_SKIP() << "unshare(CLONE_NEWPID) not permitted here";
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace spillway::runtime
