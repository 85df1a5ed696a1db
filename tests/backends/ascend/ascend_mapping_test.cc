// The Ascend backend's explicit mappings: copy kinds, advice and location
// values (ACL numbers advice from 0), and aclError -> Status.
#include <string>

#include "absl/status/status.h"
#include "ascend_device.h"
#include "ascend_status.h"
#include "gtest/gtest.h"
#include "spillway/backends/ascend/acl_abi.h"

namespace spillway::ascend {
namespace {

using hal::Endpoint;

TEST(AscendMappingTest, CopyKindFollowsWhereEachEndLives) {
  struct Case {
    Endpoint dst, src;
    abi::aclrtMemcpyKind kind;
  };
  for (const Case& c : {
           Case{Endpoint::kDevice, Endpoint::kPageableHost, 1},
           Case{Endpoint::kDevice, Endpoint::kPinnedHost, 1},
           Case{Endpoint::kPageableHost, Endpoint::kDevice, 2},
           Case{Endpoint::kPinnedHost, Endpoint::kDevice, 2},
           Case{Endpoint::kDevice, Endpoint::kDevice, 3},
           Case{Endpoint::kPinnedHost, Endpoint::kPageableHost, 0},
           Case{Endpoint::kPageableHost, Endpoint::kPageableHost, 0},
           Case{Endpoint::kManaged, Endpoint::kDevice, 4},
           Case{Endpoint::kDevice, Endpoint::kManaged, 4},
           Case{Endpoint::kManaged, Endpoint::kPageableHost, 4},
       }) {
    EXPECT_EQ(AclCopyKind(c.dst, c.src), c.kind)
        << static_cast<int>(c.dst) << " <- " << static_cast<int>(c.src);
  }
}

TEST(AscendMappingTest, AdviceValuesStartAtZero) {
  EXPECT_EQ(AclAdvice(hal::Advice::kSetReadMostly), 0);
  EXPECT_EQ(AclAdvice(hal::Advice::kUnsetReadMostly), 1);
  EXPECT_EQ(AclAdvice(hal::Advice::kSetPreferredLocation), 2);
  EXPECT_EQ(AclAdvice(hal::Advice::kUnsetPreferredLocation), 3);
  EXPECT_EQ(AclAdvice(hal::Advice::kSetAccessedBy), 4);
  EXPECT_EQ(AclAdvice(hal::Advice::kUnsetAccessedBy), 5);
}

TEST(AscendMappingTest, LocationsUseAclTypes) {
  abi::aclrtMemManagedLocation device = AclLocation(hal::Location::Device(3));
  EXPECT_EQ(device.type, 1);
  EXPECT_EQ(device.id, 3);
  EXPECT_EQ(AclLocation(hal::Location::Host()).type, 2);
  abi::aclrtMemManagedLocation numa = AclLocation(hal::Location::HostNuma(1));
  EXPECT_EQ(numa.type, 3);
  EXPECT_EQ(numa.id, 1);
}

TEST(AscendMappingTest, ErrorCodesMapAsDocumented) {
  struct Case {
    abi::aclError error;
    absl::StatusCode code;
    const char* name;
  };
  for (const Case& c : {
           Case{0, absl::StatusCode::kOk, "ACL_SUCCESS"},
           Case{207001, absl::StatusCode::kResourceExhausted, "ACL_ERROR_RT_MEMORY_ALLOCATION"},
           Case{207018, absl::StatusCode::kResourceExhausted, "ACL_ERROR_RT_DEVICE_OOM"},
           Case{100000, absl::StatusCode::kInvalidArgument, "ACL_ERROR_INVALID_PARAM"},
           Case{107000, absl::StatusCode::kInvalidArgument, "ACL_ERROR_RT_PARAM_INVALID"},
           Case{107001, absl::StatusCode::kInvalidArgument, "ACL_ERROR_RT_INVALID_DEVICEID"},
           Case{207004, absl::StatusCode::kUnavailable, "ACL_ERROR_RT_NO_DEVICE"},
           Case{100001, absl::StatusCode::kUnavailable, "ACL_ERROR_UNINITIALIZE"},
           Case{207000, absl::StatusCode::kUnimplemented, "ACL_ERROR_RT_FEATURE_NOT_SUPPORT"},
           Case{507899, absl::StatusCode::kInternal, "ACL_ERROR_RT_INTERNAL_ERROR"},
           Case{123456, absl::StatusCode::kInternal, "aclError"},
       }) {
    EXPECT_EQ(AclErrorCode(c.error), c.code) << c.error;
    EXPECT_STREQ(AclErrorName(c.error), c.name) << c.error;
  }
}

TEST(AscendMappingTest, StatusKeepsTheVendorCodeNameAndCall) {
  EXPECT_TRUE(AclStatus(nullptr, 0, "aclrtMalloc").ok());
  absl::Status oom = AclStatus(nullptr, 207001, "aclrtMalloc");
  EXPECT_EQ(oom.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(oom.message(), "ascend aclrtMalloc failed: ACL_ERROR_RT_MEMORY_ALLOCATION (207001)");
  absl::Status unknown = AclStatus(nullptr, 123456, "aclrtMemcpy", "while copying");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(unknown.message(), "ascend aclrtMemcpy failed: aclError (123456): while copying");
}

}  // namespace
}  // namespace spillway::ascend
