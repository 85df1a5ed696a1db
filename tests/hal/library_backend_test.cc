// LibraryBackend: availability and device lookup as backend.h requires, and
// devices destroyed while the symbols and library they call are still there.
#include "spillway/hal/library_backend.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "host_backed_backend.h"

namespace spillway::hal {
namespace {

using ::spillway::hal::testing::HostBackedDevice;
using ::testing::HasSubstr;

// Stands for a vendor's symbol table: knows whether it was destroyed.
struct TrackedSymbols {
  bool* destroyed = nullptr;
  ~TrackedSymbols() {
    if (destroyed != nullptr) *destroyed = true;
  }
};

// A device that, like a vendor's, calls into the symbols when destroyed.
class SymbolUsingDevice : public HostBackedDevice {
 public:
  SymbolUsingDevice(const TrackedSymbols& symbols, int ordinal, bool* outlived_symbols)
      : HostBackedDevice(Properties(ordinal), "lib://" + std::to_string(ordinal)),
        symbols_(symbols),
        outlived_symbols_(outlived_symbols) {}
  ~SymbolUsingDevice() override { *outlived_symbols_ = *symbols_.destroyed; }

 private:
  static DeviceProperties Properties(int ordinal) {
    DeviceProperties properties;
    properties.total_memory = 1 << 20;
    properties.ordinal = ordinal;
    return properties;
  }
  const TrackedSymbols& symbols_;
  bool* outlived_symbols_;
};

class ThreeDeviceBackend : public LibraryBackend<TrackedSymbols> {
 public:
  // Opens three devices, then starts with `started`.
  ThreeDeviceBackend(absl::Status started, bool* symbols_destroyed, bool* device_outlived_symbols)
      : LibraryBackend("lib") {
    symbols_.destroyed = symbols_destroyed;
    for (int i = 0; i < 3; ++i) {
      devices_.push_back(std::make_unique<SymbolUsingDevice>(symbols_, i, device_outlived_symbols));
    }
    limitations_.push_back({"prefetch", "the library has no prefetch call"});
    SetAvailability(std::move(started));
  }
};

TEST(LibraryBackendTest, AvailableBackendLooksUpItsDevicesByOrdinal) {
  bool symbols_destroyed = false;
  bool device_outlived_symbols = false;
  ThreeDeviceBackend backend(absl::OkStatus(), &symbols_destroyed, &device_outlived_symbols);
  EXPECT_EQ(backend.name(), "lib");
  EXPECT_TRUE(backend.Availability().ok());
  ASSERT_EQ(backend.DeviceCount(), 3);
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<Device*> device = backend.GetDevice(i);
    ASSERT_TRUE(device.ok()) << device.status();
    EXPECT_EQ((*device)->properties().ordinal, i);
  }
  for (int bad : {-1, 3}) {
    absl::StatusOr<Device*> device = backend.GetDevice(bad);
    EXPECT_EQ(device.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(device.status().message(),
                HasSubstr(absl::StrCat("lib: no device ", bad, " (there are 3)")));
  }
  ASSERT_EQ(backend.Limitations().size(), 1u);
  EXPECT_EQ(backend.Limitations()[0].what, "prefetch");
}

TEST(LibraryBackendTest, UnavailableBackendHasNoDeviceAndAnswersWithItsStatus) {
  bool symbols_destroyed = false;
  // Starts true: only a device destructor that ran with the symbols alive
  // clears it.
  bool device_outlived_symbols = true;
  ThreeDeviceBackend backend(absl::UnavailableError("lib: no driver"), &symbols_destroyed,
                             &device_outlived_symbols);
  EXPECT_EQ(backend.Availability(), absl::UnavailableError("lib: no driver"));
  EXPECT_EQ(backend.DeviceCount(), 0);
  EXPECT_EQ(backend.GetDevice(0).status(), absl::UnavailableError("lib: no driver"));
  // The devices opened before the failure went while the symbols were there.
  EXPECT_FALSE(device_outlived_symbols);
  EXPECT_FALSE(symbols_destroyed);
}

TEST(LibraryBackendTest, DevicesAreDestroyedBeforeTheSymbols) {
  bool symbols_destroyed = false;
  bool device_outlived_symbols = true;
  {
    ThreeDeviceBackend backend(absl::OkStatus(), &symbols_destroyed, &device_outlived_symbols);
    ASSERT_EQ(backend.DeviceCount(), 3);
  }
  EXPECT_TRUE(symbols_destroyed);
  EXPECT_FALSE(device_outlived_symbols);
}

}  // namespace
}  // namespace spillway::hal
