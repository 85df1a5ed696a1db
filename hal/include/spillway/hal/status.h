// Status conventions of the HAL (DESIGN.md):
//   UNAVAILABLE        backend library or device absent (tests skip)
//   RESOURCE_EXHAUSTED out of memory
//   UNIMPLEMENTED      capability missing on this backend/device
//   INVALID_ARGUMENT   bad input (zero size, unknown pointer, bad index, ...)
//   NOT_FOUND          unknown URI scheme / backend name
//   INTERNAL           anything else a vendor reports
// A vendor error keeps the vendor's code and name in the message.
#ifndef SPILLWAY_HAL_STATUS_H_
#define SPILLWAY_HAL_STATUS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace spillway::hal {

// Builds "<vendor> <call> failed: <name> (<code>)[: detail]" with `code`.
// Example: VendorError(kResourceExhausted, "cuda", "cuMemAlloc_v2", 2,
//                      "CUDA_ERROR_OUT_OF_MEMORY").
absl::Status VendorError(absl::StatusCode code, absl::string_view vendor,
                         absl::string_view call, int64_t vendor_code,
                         absl::string_view vendor_name,
                         absl::string_view detail = {});

}  // namespace spillway::hal

// Propagates a non-OK status (absl has no public macro in 20220623).
#define SPILLWAY_RETURN_IF_ERROR(expr)                  \
  do {                                                  \
    ::absl::Status spillway_status_ = (expr);           \
    if (!spillway_status_.ok()) return spillway_status_; \
  } while (0)

#define SPILLWAY_CONCAT_INNER_(a, b) a##b
#define SPILLWAY_CONCAT_(a, b) SPILLWAY_CONCAT_INNER_(a, b)
// Assigns the value of a StatusOr expression or returns its status.
#define SPILLWAY_ASSIGN_OR_RETURN(lhs, expr) \
  SPILLWAY_ASSIGN_OR_RETURN_IMPL_(SPILLWAY_CONCAT_(spillway_or_, __LINE__), lhs, expr)
#define SPILLWAY_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                     \
  if (!tmp.ok()) return std::move(tmp).status();         \
  lhs = std::move(tmp).value()

#endif  // SPILLWAY_HAL_STATUS_H_
