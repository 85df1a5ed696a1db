// What an application tells the runtime about a buffer when allocating it.
#ifndef SPILLWAY_RUNTIME_BUFFER_HINTS_H_
#define SPILLWAY_RUNTIME_BUFFER_HINTS_H_

#include <cstdint>
#include <string>

namespace spillway::runtime {

enum class BufferRole : uint8_t {
  kScratch = 0,      // short-lived temporaries
  kWeights = 1,      // read-mostly model parameters
  kKvCache = 2,      // attention cache: read and written every step
  kActivations = 3,  // per-step intermediates
};
const char* BufferRoleName(BufferRole role);

struct BufferHints {
  BufferRole role = BufferRole::kScratch;
  // Buffers of one group (for example one model) become active and idle
  // together. Empty: the buffer belongs to no group and is planned on its own.
  std::string group;
  // Stay device-resident whatever the tiering engine decides.
  bool keep_resident = false;
};

}  // namespace spillway::runtime

#endif  // SPILLWAY_RUNTIME_BUFFER_HINTS_H_
