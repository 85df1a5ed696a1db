// The decode step's layer kernel on an NVIDIA GPU, behind a plain C++ API so
// that the rest of the sample compiles without the CUDA toolkit's headers.
// Every int returned is a cudaError_t (0 = success). Built by nvcc only when
// the toolkit is present (samples/three_models/CMakeLists.txt).
#ifndef SPILLWAY_SAMPLES_THREE_MODELS_CUDA_READ_LAYER_KERNEL_H_
#define SPILLWAY_SAMPLES_THREE_MODELS_CUDA_READ_LAYER_KERNEL_H_

#include <cstdint>

namespace spillway::samples::three_models::cuda {

// Makes `ordinal` the calling thread's device (its primary context, which the
// HAL's CUDA backend shares), creates a non-blocking stream and sets `blocks`
// to the blocks resident at once on the whole device. Thread-safe.
int OpenReadLayerStream(int ordinal, void** stream, int* blocks);
// Destroys a stream from OpenReadLayerStream. Thread-safe.
int CloseReadLayerStream(void* stream);
// Enqueues the kernel on `stream` with `blocks` blocks; sizes are multiples
// of 16 (checked by the caller). Thread-safe (the stream orders kernels).
int LaunchReadLayer(void* stream, int blocks, const void* weights, uint64_t weight_bytes,
                    const void* kv, uint64_t kv_bytes, void* row, uint64_t row_bytes);
// Waits for `stream`; returns the first error of its kernels.
int SynchronizeReadLayerStream(void* stream);
// Sets `same_context` when the CUDA runtime sees `ptr` (an allocation of the
// HAL's CUDA backend) as managed memory of device `ordinal`: then both use
// one driver and one context. Thread-safe.
int CheckManagedPointer(const void* ptr, int ordinal, int* same_context);
// What an error means for the caller.
inline constexpr int kReadLayerNoDevice = 1;     // no usable GPU here
inline constexpr int kReadLayerDriverTooOld = 2;  // the driver predates the toolkit
inline constexpr int kReadLayerFailed = 3;        // anything else: a real failure
int ReadLayerErrorKind(int error);
// cudaGetErrorName / cudaGetErrorString: static strings.
const char* ReadLayerErrorName(int error);
const char* ReadLayerErrorString(int error);

}  // namespace spillway::samples::three_models::cuda

#endif  // SPILLWAY_SAMPLES_THREE_MODELS_CUDA_READ_LAYER_KERNEL_H_
