// What a simulated kernel touches and how long it computes.
#ifndef SPILLWAY_BACKENDS_FAKE_KERNEL_SPEC_H_
#define SPILLWAY_BACKENDS_FAKE_KERNEL_SPEC_H_

#include <cstddef>
#include <vector>

namespace spillway::fake {

// A span of memory a kernel reads or writes. It must lie inside one
// allocation (device, pinned host or managed) of the launching device.
struct ByteRange {
  const void* ptr = nullptr;
  size_t size = 0;
};

// The fake runs no code: a kernel is the memory it touches, in this order
// (every read range, then every write range), and a compute time it cannot
// finish faster than. Data in the ranges is left unchanged.
struct KernelSpec {
  std::vector<ByteRange> reads;
  std::vector<ByteRange> writes;
  double compute_ns = 0;  // finite, >= 0
};

}  // namespace spillway::fake

#endif  // SPILLWAY_BACKENDS_FAKE_KERNEL_SPEC_H_
