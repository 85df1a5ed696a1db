// ze_result_t -> Status (docs/hal.md section 3), as a table and through the
// real call path (loader and fake driver) with errors injected into the
// driver's simulator.
#include "levelzero_status.h"

#include <memory>
#include <vector>

#include "fake_level_zero.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spillway::levelzero {
namespace {

using ::spillway::levelzero::testing::FakeLevelZero;
using ::testing::HasSubstr;

TEST(LevelZeroStatusTest, EveryDocumentedCodeMapsToItsStatus) {
  struct Row {
    abi::ze_result_t result;
    absl::StatusCode code;
  };
  for (const Row& row : std::vector<Row>{
           {0, absl::StatusCode::kOk},
           {0x70000003, absl::StatusCode::kResourceExhausted},
           {0x70000002, absl::StatusCode::kResourceExhausted},
           {0x78000009, absl::StatusCode::kResourceExhausted},
           {0x78000004, absl::StatusCode::kInvalidArgument},
           {0x78000005, absl::StatusCode::kInvalidArgument},
           {0x78000007, absl::StatusCode::kInvalidArgument},
           {0x78000008, absl::StatusCode::kInvalidArgument},
           {0x78000001, absl::StatusCode::kUnavailable},
           {0x78000003, absl::StatusCode::kUnimplemented},
           {1, absl::StatusCode::kFailedPrecondition},
           {0x70000001, absl::StatusCode::kInternal},
           {0x7ffffffe, absl::StatusCode::kInternal},
           {0x12345, absl::StatusCode::kInternal},
       }) {
    EXPECT_EQ(ZeResultCode(row.result), row.code) << std::hex << row.result;
  }
}

TEST(LevelZeroStatusTest, MessagesKeepTheDriversNameAndCode) {
  absl::Status status = ZeStatus(0x70000003, "zeMemAllocDevice", "4096 bytes");
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(
      status.message(),
      HasSubstr("levelzero zeMemAllocDevice failed: ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY ("));
  EXPECT_THAT(status.message(), HasSubstr(std::to_string(0x70000003)));
  EXPECT_THAT(status.message(), HasSubstr("4096 bytes"));
  EXPECT_THAT(ZeStatus(0x12345, "zeMemFree").message(), HasSubstr("ZE_RESULT_0x00012345"));
  EXPECT_TRUE(ZeStatus(0, "zeMemFree").ok());
}

struct Injected {
  const char* fail;  // the fake spec's fail= clause
  absl::StatusCode code;
  const char* name;  // the Level Zero name the message must carry
};

class LevelZeroInjectedErrorTest : public ::testing::TestWithParam<Injected> {};

TEST_P(LevelZeroInjectedErrorTest, AllocationErrorsArriveMapped) {
  const Injected& p = GetParam();
  FakeLevelZero fake(std::string("devices=1,memory=64m,fail=allocate:1:") + p.fail);
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  hal::Device& d = **backend->GetDevice(0);
  absl::StatusOr<void*> failed = d.Allocate(hal::MemoryKind::kDevice, 4096);
  EXPECT_EQ(failed.status().code(), p.code) << failed.status();
  EXPECT_THAT(failed.status().message(), HasSubstr("zeMemAllocDevice"));
  EXPECT_THAT(failed.status().message(), HasSubstr(p.name));
  absl::StatusOr<void*> next = d.Allocate(hal::MemoryKind::kDevice, 4096);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_TRUE(d.Free(*next).ok());
}

TEST_P(LevelZeroInjectedErrorTest, CopyErrorsArriveMapped) {
  const Injected& p = GetParam();
  FakeLevelZero fake(std::string("devices=1,memory=64m,fail=copy:1:") + p.fail);
  std::unique_ptr<hal::Backend> backend = fake.CreateBackend();
  ASSERT_TRUE(backend->Availability().ok()) << backend->Availability();
  hal::Device& d = **backend->GetDevice(0);
  absl::StatusOr<void*> ptr = d.Allocate(hal::MemoryKind::kDevice, 4096);
  ASSERT_TRUE(ptr.ok()) << ptr.status();
  std::vector<uint8_t> host(4096);
  absl::Status failed = d.Copy(*ptr, host.data(), host.size());
  EXPECT_EQ(failed.code(), p.code) << failed;
  EXPECT_THAT(failed.message(), HasSubstr("levelzero zeCommandListAppendMemoryCopy failed: "));
  EXPECT_THAT(failed.message(), HasSubstr(p.name));
  // The device's command list is still usable.
  EXPECT_TRUE(d.Copy(*ptr, host.data(), host.size()).ok());
  EXPECT_TRUE(d.Free(*ptr).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Codes, LevelZeroInjectedErrorTest,
    ::testing::Values(Injected{"resource_exhausted", absl::StatusCode::kResourceExhausted,
                               "ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY"},
                      Injected{"invalid_argument", absl::StatusCode::kInvalidArgument,
                               "ZE_RESULT_ERROR_INVALID_ARGUMENT"},
                      Injected{"unimplemented", absl::StatusCode::kUnimplemented,
                               "ZE_RESULT_ERROR_UNSUPPORTED_FEATURE"},
                      Injected{"internal", absl::StatusCode::kInternal, "ZE_RESULT_ERROR_UNKNOWN"}),
    [](const ::testing::TestParamInfo<Injected>& param) { return std::string(param.param.fail); });

}  // namespace
}  // namespace spillway::levelzero
