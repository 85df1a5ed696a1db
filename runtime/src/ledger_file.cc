#include "ledger_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "spillway/hal/status.h"

namespace spillway::runtime {
namespace {

using ledger_layout::Header;

absl::Status ErrnoError(int err, absl::string_view action, absl::string_view path) {
  std::string message =
      absl::StrCat("ledger: cannot ", action, " ", path, ": ", std::strerror(err));
  switch (err) {
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(message);
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    case EISDIR:
      return absl::InvalidArgumentError(
          absl::StrCat(message, " (it is a directory, not a ledger file)"));
    case ELOOP:
      return absl::InvalidArgumentError(absl::StrCat(
          message, " (it is a symbolic link; refused so that nobody can redirect the ledger "
                   "onto another file, see docs/security.md)"));
    case ENOSPC:
    case EMFILE:
    case ENFILE:
    case ENOMEM:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InternalError(message);
  }
}

class ScopedFd {
 public:
  explicit ScopedFd(int fd = -1) : fd_(fd) {}
  ~ScopedFd() { reset(); }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

// Opens `path` read-write, creating it with exactly `mode` (whatever the
// umask) when absent. Never follows a symbolic link in the last component.
absl::StatusOr<int> OpenOrCreate(const std::string& path, mode_t mode) {
  constexpr int kFlags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  for (int attempt = 0; attempt < 8; ++attempt) {
    int fd = ::open(path.c_str(), kFlags);
    if (fd >= 0) return fd;
    if (errno == EINTR) continue;
    if (errno != ENOENT) return ErrnoError(errno, "open", path);
    fd = ::open(path.c_str(), kFlags | O_CREAT | O_EXCL, mode);
    if (fd >= 0) {
      if (::fchmod(fd, mode) != 0) {
        const int err = errno;
        ::close(fd);
        return ErrnoError(err, "set the mode of", path);
      }
      return fd;
    }
    if (errno != EEXIST && errno != EINTR) return ErrnoError(errno, "create", path);
    // Someone else created it between our two calls: open it.
  }
  return absl::InternalError(absl::StrCat("ledger: cannot open ", path,
                                          ": it keeps appearing and disappearing"));
}

// flock with a deadline: polls so that a live but stopped holder cannot block
// us forever (a dead holder's flock is already gone).
absl::Status FlockWithin(int fd, int operation, absl::Duration timeout, absl::string_view path) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Duration backoff = absl::Microseconds(20);
  while (true) {
    if (::flock(fd, operation | LOCK_NB) == 0) return absl::OkStatus();
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) return ErrnoError(errno, "lock", path);
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "ledger: ", path, " stayed locked for ", absl::FormatDuration(timeout),
          " (a process holding it is alive but not progressing, e.g. stopped)"));
    }
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Milliseconds(1));
  }
}

// True when no other open file description holds a flock on `fd`'s file,
// i.e. no live process has the ledger attached. Leaves LOCK_EX held.
bool TryFlockExclusive(int fd) {
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EINTR) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LedgerFile>> LedgerFile::Open(const Options& options) {
  const std::string& path = options.path;
  const ledger_layout::Config& config = options.config;
  const mode_t mode = options.group_access ? 0660 : 0600;

  // Serializes Open for this path across processes.
  const std::string lock_path = path + ".lock";
  SPILLWAY_ASSIGN_OR_RETURN(const int lock_fd_value, OpenOrCreate(lock_path, mode));
  ScopedFd lock_fd(lock_fd_value);
  SPILLWAY_RETURN_IF_ERROR(FlockWithin(lock_fd.get(), LOCK_EX, options.lock_timeout, lock_path));

  SPILLWAY_ASSIGN_OR_RETURN(const int fd_value, OpenOrCreate(path, mode));
  ScopedFd fd(fd_value);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoError(errno, "stat", path);
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("ledger: ", path, " is not a regular file (mode 0",
                     absl::StrFormat("%o", st.st_mode), ")"));
  }

  auto file = std::unique_ptr<LedgerFile>(new LedgerFile());
  bool initialize = false;
  if (st.st_size == 0) {
    initialize = true;
  } else {
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    Header on_disk;
    std::memset(&on_disk, 0, sizeof(on_disk));
    if (size >= sizeof(Header)) {
      const ssize_t n = ::pread(fd.get(), &on_disk, sizeof(on_disk), 0);
      if (n < 0) return ErrnoError(errno, "read", path);
      if (static_cast<size_t>(n) != sizeof(on_disk)) {
        return absl::InternalError(absl::StrCat("ledger: short read of the header of ", path));
      }
    }
    const std::string problem = ledger_layout::DescribeProblem(on_disk, size);
    const bool unused = TryFlockExclusive(fd.get());
    if (!problem.empty()) {
      if (!unused) {
        return absl::InvalidArgumentError(absl::StrCat(
            "ledger file ", path, " is unusable: ", problem,
            "; a live process has it open, so it was left untouched (stop the processes "
            "using it, or point CUDA_DEVICE_MEMORY_SHARED_CACHE at another path)"));
      }
      // Keep the bad file for diagnosis rather than overwrite what may not
      // even be ours.
      const std::string aside = path + ".corrupt";
      if (::rename(path.c_str(), aside.c_str()) != 0) {
        return ErrnoError(errno, absl::StrCat("move the unusable (", problem, ") ledger file"),
                          path);
      }
      file->notes_.push_back(absl::StrCat("ledger file ", path, " was unusable (", problem,
                                          ") and unused; moved it to ", aside,
                                          " and created a new one"));
      fd.reset();
      SPILLWAY_ASSIGN_OR_RETURN(const int new_fd, OpenOrCreate(path, mode));
      fd.reset(new_fd);
      if (::fstat(fd.get(), &st) != 0) return ErrnoError(errno, "stat", path);
      initialize = true;
    } else if (unused) {
      // Everyone who used it is gone: their slots are stale and the
      // configuration is the opener's to set.
      initialize = true;
    } else {
      const bool namespaces_known =
          on_disk.pid_namespace_inode != 0 && config.pid_namespace_inode != 0;
      if (namespaces_known && (on_disk.pid_namespace_device != config.pid_namespace_device ||
                               on_disk.pid_namespace_inode != config.pid_namespace_inode)) {
        return absl::FailedPreconditionError(absl::StrCat(
            "ledger file ", path,
            " is in use by processes of another PID namespace; their pids cannot be checked "
            "from here, so sharing it would break dead-process reclamation (use one ledger "
            "per container)"));
      }
      file->config_mismatch_ = ledger_layout::DescribeMismatch(on_disk, config);
      if (!file->config_mismatch_.empty()) {
        file->notes_.push_back(absl::StrCat(
            "ledger file ", path, " is in use with another configuration, which stays in force: ",
            file->config_mismatch_));
      }
      file->device_count_ = on_disk.device_count;
      file->max_processes_ = on_disk.max_processes;
      file->slot_size_ = on_disk.slot_size;
      file->size_ = on_disk.total_size;
    }
  }

  if (initialize) {
    file->device_count_ = config.device_count;
    file->max_processes_ = config.max_processes;
    file->slot_size_ = ledger_layout::SlotSize(config.device_count);
    file->size_ = ledger_layout::TotalSize(config.device_count, config.max_processes);
    // Truncating to zero first zero-fills every byte, stale slots included.
    if (::ftruncate(fd.get(), 0) != 0 ||
        ::ftruncate(fd.get(), static_cast<off_t>(file->size_)) != 0) {
      return ErrnoError(errno, "size", path);
    }
  }
  if ((st.st_mode & 0007) != 0) {
    file->notes_.push_back(absl::StrFormat(
        "ledger file %s has mode 0%o: other users can read or change the accounting "
        "(see docs/security.md)",
        path, st.st_mode & 07777));
  }

  void* base = ::mmap(nullptr, file->size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (base == MAP_FAILED) return ErrnoError(errno, "map", path);
  file->header_ = static_cast<Header*>(base);
  file->fd_ = fd.release();  // from here the destructor unmaps and closes
  if (initialize) {
    const int rc = ledger_layout::InitializeHeader(file->header_, config);
    if (rc != 0) {
      return absl::InternalError(absl::StrCat("ledger: cannot initialize the shared mutex in ",
                                              path, ": ", std::strerror(rc)));
    }
    file->initialized_ = true;
  }
  // Mark this process as a user for as long as the file stays open (turns the
  // exclusive lock into a shared one where we held it).
  SPILLWAY_RETURN_IF_ERROR(FlockWithin(file->fd_, LOCK_SH, options.lock_timeout, path));
  return file;
}

LedgerFile::~LedgerFile() {
  // Unmap before closing: once the shared flock is gone another process may
  // reinitialize the file.
  if (header_ != nullptr) ::munmap(header_, size_);
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace spillway::runtime
