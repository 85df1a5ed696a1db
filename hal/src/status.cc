#include "spillway/hal/status.h"

#include "absl/strings/str_cat.h"

namespace spillway::hal {

absl::Status VendorError(absl::StatusCode code, absl::string_view vendor,
                         absl::string_view call, int64_t vendor_code,
                         absl::string_view vendor_name, absl::string_view detail) {
  std::string message =
      absl::StrCat(vendor, " ", call, " failed: ", vendor_name, " (", vendor_code, ")");
  if (!detail.empty()) absl::StrAppend(&message, ": ", detail);
  return absl::Status(code, message);
}

}  // namespace spillway::hal
