#include "spillway/hal/dynamic_library.h"

#include <dlfcn.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace spillway::hal {

DynamicLibrary::~DynamicLibrary() {
  if (handle_ != nullptr) dlclose(handle_);
}

absl::StatusOr<std::unique_ptr<DynamicLibrary>> DynamicLibrary::Load(
    const std::vector<std::string>& candidates) {
  if (candidates.empty()) {
    return absl::InvalidArgumentError("no library name given to load");
  }
  std::string tried;
  for (const std::string& name : candidates) {
    // RTLD_LOCAL: a vendor library's symbols must not leak into the global
    // namespace where they could satisfy an unrelated program's lookups.
    void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle != nullptr) {
      return std::unique_ptr<DynamicLibrary>(new DynamicLibrary(handle, name));
    }
    const char* error = dlerror();
    absl::StrAppend(&tried, tried.empty() ? "" : "; ", name, ": ",
                    error != nullptr ? error : "unknown dlopen error");
  }
  return absl::UnavailableError(absl::StrCat("cannot load library (", tried, ")"));
}

void* DynamicLibrary::Find(const char* symbol) const {
  if (handle_ == nullptr || symbol == nullptr) return nullptr;
  return dlsym(handle_, symbol);
}

absl::Status DynamicLibrary::MissingSymbol(const char* symbol) const {
  return absl::UnavailableError(
      absl::StrCat("library ", name_, " has no symbol ", symbol != nullptr ? symbol : "(null)"));
}

std::string LibraryFromEnvironment(const char* variable, std::string_view fallback) {
  const char* value = std::getenv(variable);
  return value != nullptr && value[0] != '\0' ? std::string(value) : std::string(fallback);
}

}  // namespace spillway::hal
