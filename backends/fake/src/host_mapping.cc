#include "host_mapping.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace spillway::fake {
namespace {

size_t HostPageSize() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

}  // namespace

absl::StatusOr<HostMapping> MapHostMemory(size_t size, size_t alignment, bool backed) {
  const size_t host_page = HostPageSize();
  if (alignment < host_page) alignment = host_page;
  const size_t rounded = (size + host_page - 1) / host_page * host_page;
  // Over-reserve by the alignment so an aligned start exists, then give the
  // slack back.
  const size_t extra = alignment > host_page ? alignment : 0;
  if (rounded < size || rounded + extra < rounded) {
    return absl::ResourceExhaustedError(absl::StrCat("fake: ", size, " bytes cannot be mapped"));
  }
  const int prot = backed ? (PROT_READ | PROT_WRITE) : PROT_NONE;
  void* raw = mmap(nullptr, rounded + extra, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
  if (raw == MAP_FAILED) {
    const int err = errno;
    return absl::ResourceExhaustedError(absl::StrCat(
        "fake: mmap of ", rounded + extra, " bytes of host address space failed: ",
        std::strerror(err)));
  }
  const auto start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + alignment - 1) & ~(static_cast<uintptr_t>(alignment) - 1);
  const size_t head = aligned - start;
  const size_t tail = extra - head;
  if (head > 0) munmap(raw, head);
  if (tail > 0) munmap(reinterpret_cast<void*>(aligned + rounded), tail);
  HostMapping m;
  m.base = reinterpret_cast<void*>(aligned);
  m.size = size;
  m.map_size = rounded;
  m.backed = backed;
  return m;
}

void UnmapHostMemory(const HostMapping& mapping) {
  if (mapping.base != nullptr) munmap(mapping.base, mapping.map_size);
}

}  // namespace spillway::fake
