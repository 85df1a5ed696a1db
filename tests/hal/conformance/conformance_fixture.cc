#include "conformance_fixture.h"

#include <algorithm>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"

namespace spillway::hal::conformance {

const char* PlaceName(Place place) {
  switch (place) {
    case Place::kPageable: return "pageable";
    case Place::kPinned: return "pinned";
    case Place::kDevice: return "device";
    case Place::kManaged: return "managed";
  }
  return "unknown";
}

absl::StatusOr<TestBuffer> TestBuffer::Create(Device& device, Place place, size_t size) {
  if (place == Place::kPageable) {
    auto* data = new (std::nothrow) uint8_t[size];
    if (data == nullptr) return absl::ResourceExhaustedError("pageable test buffer");
    return TestBuffer(nullptr, place, data, size);
  }
  const MemoryKind kind = place == Place::kPinned   ? MemoryKind::kHost
                          : place == Place::kDevice ? MemoryKind::kDevice
                                                    : MemoryKind::kManaged;
  absl::StatusOr<void*> ptr = device.Allocate(kind, size);
  if (!ptr.ok()) return ptr.status();
  return TestBuffer(&device, place, static_cast<uint8_t*>(*ptr), size);
}

TestBuffer::TestBuffer(TestBuffer&& other) noexcept
    : device_(other.device_), place_(other.place_), data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
}

TestBuffer& TestBuffer::operator=(TestBuffer&& other) noexcept {
  if (this != &other) {
    (void)Free();
    device_ = other.device_;
    place_ = other.place_;
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
  }
  return *this;
}

TestBuffer::~TestBuffer() {
  absl::Status status = Free();
  EXPECT_TRUE(status.ok()) << "freeing a " << PlaceName(place_) << " test buffer: " << status;
}

absl::Status TestBuffer::Free() {
  if (data_ == nullptr) return absl::OkStatus();
  uint8_t* data = std::exchange(data_, nullptr);
  if (place_ == Place::kPageable) {
    delete[] data;
    return absl::OkStatus();
  }
  return device_->Free(data);
}

std::vector<uint8_t> Pattern(size_t size, uint32_t seed) {
  std::vector<uint8_t> bytes(size);
  uint32_t state = seed * 2654435761u + 12345u;
  for (size_t i = 0; i < size; ++i) {
    // xorshift: no period that aligns with page or chunk sizes.
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    bytes[i] = static_cast<uint8_t>(state);
  }
  return bytes;
}

absl::Status Upload(Device& device, void* dst, const std::vector<uint8_t>& bytes) {
  return device.Copy(dst, bytes.data(), bytes.size());
}

absl::StatusOr<std::vector<uint8_t>> Download(Device& device, const void* src, size_t size) {
  std::vector<uint8_t> bytes(size);
  absl::Status status = device.Copy(bytes.data(), src, size);
  if (!status.ok()) return status;
  return bytes;
}

int64_t FirstMismatch(const std::vector<uint8_t>& actual, const std::vector<uint8_t>& expected) {
  if (actual.size() != expected.size()) {
    return static_cast<int64_t>(std::min(actual.size(), expected.size()));
  }
  for (size_t i = 0; i < actual.size(); ++i) {
    if (actual[i] != expected[i]) return static_cast<int64_t>(i);
  }
  return -1;
}

void HalConformanceTest::SetUp() {
  absl::StatusOr<Backend*> backend = ConformanceRegistry().GetBackend(backend_name());
  if (!backend.ok()) {
    GTEST_SKIP() << backend_name() << ": " << backend.status();
  }
  absl::Status availability = (*backend)->Availability();
  if (!availability.ok()) {
    GTEST_SKIP() << backend_name() << " is not available: " << availability;
  }
  backend_ = *backend;
  ASSERT_GE(backend_->DeviceCount(), 1)
      << backend_name() << " reports itself available but has no device";
}

Device& HalConformanceTest::device(int ordinal) {
  absl::StatusOr<Device*> device = backend_->GetDevice(ordinal);
  if (!device.ok()) {
    ADD_FAILURE() << backend_name() << " device " << ordinal << ": " << device.status();
    device = backend_->GetDevice(0);
  }
  // value() throws on error, which gtest reports as a failure of this test.
  return *device.value();
}

std::string HalConformanceTest::LimitationReason(absl::string_view what) {
  for (const Limitation& limitation : backend_->Limitations()) {
    if (limitation.what == what) return limitation.why;
  }
  return absl::StrCat("(", backend_name(), " lists no limitation named ", what, ")");
}

std::vector<Place> HalConformanceTest::Places(Device& d) {
  std::vector<Place> places = {Place::kPageable, Place::kPinned, Place::kDevice};
  if (d.properties().Has(kCapManagedMemory)) places.push_back(Place::kManaged);
  return places;
}

std::string BackendParamName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) c = '_';
  }
  return name.empty() ? "unnamed" : name;
}

std::vector<std::string> ConformanceBackendNames() {
  return ConformanceRegistry().RegisteredNames();
}

}  // namespace spillway::hal::conformance
