#include <cuda_runtime.h>

#include "three_models/cuda/read_layer_kernel.h"

namespace spillway::samples::three_models::cuda {
namespace {

__device__ unsigned int Fold(uint4 v) { return v.x ^ v.y ^ v.z ^ v.w; }

// Decode is bandwidth-bound: each thread streams 16-byte vectors of the
// weights and the KV slice (grid-stride, so consecutive threads read
// consecutive addresses), and the new row is a function of what was read, as
// attention's output is. Threads past the row's end store only when their
// value equals `sentinel`, which the compiler cannot rule out, so no thread's
// loads can be dropped. The row lies inside the KV slice (so `kv` is not
// __restrict__) and other threads may still be reading it; its old values
// are not used, so the overlap does not matter.
__global__ void ReadLayer(const uint4* __restrict__ weights, uint64_t weight_vectors,
                          const uint4* kv, uint64_t kv_vectors, uint4* row, uint64_t row_vectors,
                          unsigned int sentinel) {
  const uint64_t first = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
  unsigned int acc = 0;
  for (uint64_t i = first; i < weight_vectors; i += stride) acc ^= Fold(weights[i]);
  for (uint64_t i = first; i < kv_vectors; i += stride) acc ^= Fold(kv[i]);
  for (uint64_t i = first; i < row_vectors; i += stride) row[i] = make_uint4(acc, acc, acc, acc);
  if (first >= row_vectors && acc == sentinel) row[0] = make_uint4(acc, acc, acc, acc);
}

// An unlikely XOR of a layer's words; its value does not matter.
constexpr unsigned int kSentinel = 0x9e3779b9u;

constexpr int kThreadsPerBlock = 256;

}  // namespace

int OpenReadLayerStream(int ordinal, void** stream, int* blocks) {
  cudaError_t e = cudaSetDevice(ordinal);
  if (e != cudaSuccess) return e;
  int multiprocessors = 0;
  e = cudaDeviceGetAttribute(&multiprocessors, cudaDevAttrMultiProcessorCount, ordinal);
  if (e != cudaSuccess) return e;
  // As many blocks as are resident at once: one wave, no tail (1536 threads
  // per SM on 8.6/8.9 parts, 2048 on 8.0/9.0).
  int per_multiprocessor = 0;
  e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_multiprocessor, ReadLayer,
                                                    kThreadsPerBlock, 0);
  if (e != cudaSuccess) return e;
  *blocks = multiprocessors * (per_multiprocessor > 0 ? per_multiprocessor : 1);
  cudaStream_t s = nullptr;
  e = cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
  if (e != cudaSuccess) return e;
  *stream = s;
  return cudaSuccess;
}

int CloseReadLayerStream(void* stream) {
  return cudaStreamDestroy(static_cast<cudaStream_t>(stream));
}

int LaunchReadLayer(void* stream, int blocks, const void* weights, uint64_t weight_bytes,
                    const void* kv, uint64_t kv_bytes, void* row, uint64_t row_bytes) {
  ReadLayer<<<blocks, kThreadsPerBlock, 0, static_cast<cudaStream_t>(stream)>>>(
      static_cast<const uint4*>(weights), weight_bytes / 16, static_cast<const uint4*>(kv),
      kv_bytes / 16, static_cast<uint4*>(row), row_bytes / 16, kSentinel);
  return cudaGetLastError();
}

int SynchronizeReadLayerStream(void* stream) {
  return cudaStreamSynchronize(static_cast<cudaStream_t>(stream));
}

int CheckManagedPointer(const void* ptr, int ordinal, int* same_context) {
  cudaPointerAttributes attributes{};
  cudaError_t e = cudaPointerGetAttributes(&attributes, ptr);
  if (e != cudaSuccess) return e;
  *same_context = attributes.type == cudaMemoryTypeManaged && attributes.device == ordinal;
  return cudaSuccess;
}

int ReadLayerErrorKind(int error) {
  switch (static_cast<cudaError_t>(error)) {
    case cudaErrorNoDevice:
    case cudaErrorDevicesUnavailable:
      return kReadLayerNoDevice;
    case cudaErrorInsufficientDriver:
    case cudaErrorCallRequiresNewerDriver:
      return kReadLayerDriverTooOld;
    default:
      return kReadLayerFailed;
  }
}

const char* ReadLayerErrorName(int error) {
  return cudaGetErrorName(static_cast<cudaError_t>(error));
}

const char* ReadLayerErrorString(int error) {
  return cudaGetErrorString(static_cast<cudaError_t>(error));
}

}  // namespace spillway::samples::three_models::cuda
