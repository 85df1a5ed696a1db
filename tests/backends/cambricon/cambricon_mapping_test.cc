// The Cambricon backend's explicit mappings: copy directions (0 host-to-dev,
// 1 dev-to-dev, 2 dev-to-host, 3 host-to-host) and cnrtRet_t -> Status.
#include "absl/status/status.h"
#include "cambricon_device.h"
#include "cambricon_status.h"
#include "gtest/gtest.h"
#include "spillway/backends/cambricon/cnrt_abi.h"

namespace spillway::cambricon {
namespace {

using hal::Endpoint;

TEST(CambriconMappingTest, DirectionFollowsWhereEachEndLives) {
  struct Case {
    Endpoint dst, src;
    abi::cnrtMemTransDir_t dir;
  };
  for (const Case& c : {
           Case{Endpoint::kDevice, Endpoint::kPageableHost, 0},
           Case{Endpoint::kDevice, Endpoint::kPinnedHost, 0},
           Case{Endpoint::kDevice, Endpoint::kDevice, 1},
           Case{Endpoint::kPageableHost, Endpoint::kDevice, 2},
           Case{Endpoint::kPinnedHost, Endpoint::kDevice, 2},
           Case{Endpoint::kPinnedHost, Endpoint::kPageableHost, 3},
           Case{Endpoint::kPageableHost, Endpoint::kPinnedHost, 3},
       }) {
    EXPECT_EQ(CnrtDirection(c.dst, c.src), c.dir)
        << static_cast<int>(c.dst) << " <- " << static_cast<int>(c.src);
  }
}

TEST(CambriconMappingTest, ErrorCodesMapAsDocumented) {
  struct Case {
    abi::cnrtRet_t error;
    absl::StatusCode code;
    const char* name;
  };
  for (const Case& c : {
           Case{0, absl::StatusCode::kOk, "cnrtSuccess"},
           Case{100100, absl::StatusCode::kResourceExhausted, "cnrtErrorNoMem"},
           Case{100010, absl::StatusCode::kResourceExhausted, "cnrtErrorSysNoMem"},
           Case{100006, absl::StatusCode::kInvalidArgument, "cnrtErrorArgsInvalid"},
           Case{100005, absl::StatusCode::kInvalidArgument, "cnrtErrorDeviceInvalid"},
           Case{632013, absl::StatusCode::kInvalidArgument, "cnrtErrorMemcpyDirectionInvalid"},
           Case{100004, absl::StatusCode::kUnavailable, "cnrtErrorNoDevice"},
           Case{100050, absl::StatusCode::kUnimplemented, "cnrtErrorNotSupport"},
           Case{632006, absl::StatusCode::kInternal, "cnrtErrorDevice"},
           Case{999991, absl::StatusCode::kInternal, "cnrtErrorUnknown"},
           Case{424242, absl::StatusCode::kInternal, "cnrtRet_t"},
       }) {
    EXPECT_EQ(CnrtErrorCode(c.error), c.code) << c.error;
    EXPECT_STREQ(CnrtErrorName(c.error), c.name) << c.error;
  }
}

TEST(CambriconMappingTest, StatusKeepsTheVendorCodeNameAndCall) {
  EXPECT_TRUE(CnrtStatus(nullptr, 0, "cnrtMalloc").ok());
  absl::Status oom = CnrtStatus(nullptr, 100100, "cnrtMalloc");
  EXPECT_EQ(oom.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(oom.message(), "cambricon cnrtMalloc failed: cnrtErrorNoMem (100100)");
  absl::Status args = CnrtStatus(nullptr, 100006, "cnrtMemcpy", "direction 3");
  EXPECT_EQ(args.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(args.message(),
            "cambricon cnrtMemcpy failed: cnrtErrorArgsInvalid (100006): direction 3");
}

}  // namespace
}  // namespace spillway::cambricon
