// dlopen of a vendor library and resolution of its symbols.
#ifndef SPILLWAY_HAL_DYNAMIC_LIBRARY_H_
#define SPILLWAY_HAL_DYNAMIC_LIBRARY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace spillway::hal {

// Thread-safe after Load. Closes the library when destroyed, so it must
// outlive every function pointer resolved from it.
class DynamicLibrary {
 public:
  ~DynamicLibrary();
  DynamicLibrary(const DynamicLibrary&) = delete;
  DynamicLibrary& operator=(const DynamicLibrary&) = delete;

  // Tries each candidate (a name for the loader's search path, or a path) in
  // order. UNAVAILABLE naming every candidate with its dlerror otherwise.
  static absl::StatusOr<std::unique_ptr<DynamicLibrary>> Load(
      const std::vector<std::string>& candidates);

  // nullptr when absent (optional symbols are capabilities).
  void* Find(const char* symbol) const;
  // UNAVAILABLE naming the symbol and library when absent.
  template <typename Fn>
  absl::Status Resolve(const char* symbol, Fn*& out) const {
    out = reinterpret_cast<Fn*>(Find(symbol));
    return out != nullptr ? absl::OkStatus() : MissingSymbol(symbol);
  }
  template <typename Fn>
  void ResolveOptional(const char* symbol, Fn*& out) const {
    out = reinterpret_cast<Fn*>(Find(symbol));
  }

  const std::string& name() const { return name_; }

 private:
  DynamicLibrary(void* handle, std::string name) : handle_(handle), name_(std::move(name)) {}
  absl::Status MissingSymbol(const char* symbol) const;

  void* handle_;
  std::string name_;
};

// Which library a backend loads: the value of the environment variable
// `variable` (a path or a loader name) when it is set and not empty, else
// `fallback`. Reads the environment at each call, like getenv: not safe
// against a concurrent setenv.
std::string LibraryFromEnvironment(const char* variable, std::string_view fallback);

}  // namespace spillway::hal

#endif  // SPILLWAY_HAL_DYNAMIC_LIBRARY_H_
