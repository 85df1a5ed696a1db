// Streams and events of the fake libcuda.so.1. Work runs when it is
// enqueued, so queries always report completion.
#include "fake_driver.h"

using spillway::fake_cuda::FakeDriver;
using spillway::fake_cuda::ResultFromStatus;


extern "C" cuda_abi::CUresult cuStreamCreate(cuda_abi::CUstream* phStream, unsigned int Flags) {
  return FakeDriver::Get().CreateStream(Flags, phStream);
}

extern "C" cuda_abi::CUresult cuStreamDestroy_v2(cuda_abi::CUstream hStream) {
  return FakeDriver::Get().DestroyStream(hStream);
}

extern "C" cuda_abi::CUresult cuStreamSynchronize(cuda_abi::CUstream hStream) {
  int dev = 0;
  spillway::hal::Stream* stream = nullptr;
  if (cuda_abi::CUresult r = FakeDriver::Get().ResolveStream(hStream, &dev, &stream)) return r;
  return ResultFromStatus(stream->Synchronize());
}

extern "C" cuda_abi::CUresult cuStreamQuery(cuda_abi::CUstream hStream) {
  int dev = 0;
  spillway::hal::Stream* stream = nullptr;
  if (cuda_abi::CUresult r = FakeDriver::Get().ResolveStream(hStream, &dev, &stream)) return r;
  absl::StatusOr<bool> done = stream->Query();
  if (!done.ok()) return ResultFromStatus(done.status());
  return *done ? cuda_abi::kSuccess : cuda_abi::kErrorNotReady;
}

extern "C" cuda_abi::CUresult cuEventCreate(cuda_abi::CUevent* phEvent, unsigned int Flags) {
  return FakeDriver::Get().CreateEvent(Flags, phEvent);
}

extern "C" cuda_abi::CUresult cuEventRecord(cuda_abi::CUevent hEvent, cuda_abi::CUstream hStream) {
  return FakeDriver::Get().RecordEvent(hEvent, hStream);
}

extern "C" cuda_abi::CUresult cuEventSynchronize(cuda_abi::CUevent hEvent) {
  return FakeDriver::Get().EventSynchronize(hEvent);
}

extern "C" cuda_abi::CUresult cuEventQuery(cuda_abi::CUevent hEvent) {
  return FakeDriver::Get().EventQuery(hEvent);
}

extern "C" cuda_abi::CUresult cuEventElapsedTime(float* pMilliseconds, cuda_abi::CUevent hStart,
                                            cuda_abi::CUevent hEnd) {
  return FakeDriver::Get().EventElapsed(pMilliseconds, hStart, hEnd);
}

extern "C" cuda_abi::CUresult cuEventElapsedTime_v2(float* pMilliseconds, cuda_abi::CUevent hStart,
                                               cuda_abi::CUevent hEnd) {
  return FakeDriver::Get().EventElapsed(pMilliseconds, hStart, hEnd);
}

extern "C" cuda_abi::CUresult cuEventDestroy_v2(cuda_abi::CUevent hEvent) {
  return FakeDriver::Get().DestroyEvent(hEvent);
}
