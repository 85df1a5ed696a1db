#include "spillway/backends/fake/fake_spec.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spillway::fake {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kGiB = 1ull << 30;

TEST(ParseFakeSpecTest, EmptyTextGivesTheDefaultCard) {
  absl::StatusOr<FakeSpec> spec = ParseFakeSpec("");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const FakeSpec defaults;
  EXPECT_EQ(spec->devices, 1);
  EXPECT_EQ(spec->memory, 24 * kGiB);
  EXPECT_EQ(spec->reserved, kGiB);
  EXPECT_EQ(spec->capacity(), 23 * kGiB);
  EXPECT_EQ(spec->page_size, 2 * kMiB);
  EXPECT_EQ(spec->device_bandwidth, defaults.device_bandwidth);
  EXPECT_EQ(spec->link_bandwidth, 25e9);
  EXPECT_EQ(spec->fault_latency_ns, 440000);
  EXPECT_TRUE(spec->backing);
  EXPECT_TRUE(spec->managed);
  EXPECT_TRUE(spec->host_mapped);
  EXPECT_TRUE(spec->failures.empty());
}

TEST(ParseFakeSpecTest, FullExampleFromTheDocs) {
  absl::StatusOr<FakeSpec> spec = ParseFakeSpec(
      "devices=2,memory=23g,page=2m,device_bw=600g,link_bw=25g,fault_us=440,backing=none,"
      "managed=0");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->devices, 2);
  EXPECT_EQ(spec->memory, 23 * kGiB);
  // memory/24 rounded down to whole 2 MiB pages: 981.33 MiB -> 980 MiB.
  EXPECT_EQ(spec->reserved, 980 * kMiB);
  EXPECT_EQ(spec->page_size, 2 * kMiB);
  EXPECT_EQ(spec->device_bandwidth, 600e9);
  EXPECT_EQ(spec->link_bandwidth, 25e9);
  EXPECT_EQ(spec->fault_latency_ns, 440000);
  EXPECT_FALSE(spec->backing);
  EXPECT_FALSE(spec->managed);
}

struct GoodCase {
  std::string text;
  uint64_t memory;
  uint64_t reserved;
  uint64_t page_size;
};

TEST(ParseFakeSpecTest, SizesAcceptBytesAndBinarySuffixesInEitherCase) {
  const std::vector<GoodCase> cases = {
      {"memory=64m,reserved=0", 64 * kMiB, 0, 2 * kMiB},
      {"memory=64M,reserved=0,page=4k", 64 * kMiB, 0, 4096},
      {"memory=1T,reserved=1G", 1024 * kGiB, kGiB, 2 * kMiB},
      {"memory=1048576,reserved=0,page=4096", kMiB, 0, 4096},
      {"memory=64m", 64 * kMiB, 2 * kMiB, 2 * kMiB},  // 64/24 MiB rounded down to a page
      {"memory=48g", 48 * kGiB, kGiB, 2 * kMiB},      // at most 1 GiB reserved by default
      {" memory = 8m , reserved = 1m , page_size = 64K ", 8 * kMiB, kMiB, 64 * 1024},
  };
  for (const GoodCase& c : cases) {
    absl::StatusOr<FakeSpec> spec = ParseFakeSpec(c.text);
    ASSERT_TRUE(spec.ok()) << c.text << ": " << spec.status();
    EXPECT_EQ(spec->memory, c.memory) << c.text;
    EXPECT_EQ(spec->reserved, c.reserved) << c.text;
    EXPECT_EQ(spec->page_size, c.page_size) << c.text;
  }
}

TEST(ParseFakeSpecTest, BandwidthsUseDecimalSuffixes) {
  absl::StatusOr<FakeSpec> spec = ParseFakeSpec("device_bw=1.5t,link_bw=12.5G,fault_us=0.5");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_DOUBLE_EQ(spec->device_bandwidth, 1.5e12);
  EXPECT_DOUBLE_EQ(spec->link_bandwidth, 12.5e9);
  EXPECT_DOUBLE_EQ(spec->fault_latency_ns, 500);
  spec = ParseFakeSpec("device_bw=1000,link_bw=3k,fault_us=0");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->device_bandwidth, 1000);
  EXPECT_EQ(spec->link_bandwidth, 3000);
  EXPECT_EQ(spec->fault_latency_ns, 0);
}

TEST(ParseFakeSpecTest, BooleansAndBacking) {
  absl::StatusOr<FakeSpec> spec = ParseFakeSpec("backing=host,managed=no,host_mapped=off");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_TRUE(spec->backing);
  EXPECT_FALSE(spec->managed);
  EXPECT_FALSE(spec->host_mapped);
  spec = ParseFakeSpec("backing=0,managed=TRUE,host_mapped=1");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_FALSE(spec->backing);
  EXPECT_TRUE(spec->managed);
  EXPECT_TRUE(spec->host_mapped);
}

TEST(ParseFakeSpecTest, FailuresAccumulate) {
  absl::StatusOr<FakeSpec> spec =
      ParseFakeSpec("fail=allocate:3,fail=copy:0:unavailable,fail=create_stream:1:INTERNAL");
  ASSERT_TRUE(spec.ok()) << spec.status();
  ASSERT_EQ(spec->failures.size(), 3u);
  EXPECT_EQ(spec->failures[0].op, FakeOp::kAllocate);
  EXPECT_EQ(spec->failures[0].nth, 3);
  EXPECT_TRUE(spec->failures[0].error.ok());  // the default injected error
  EXPECT_EQ(spec->failures[1].op, FakeOp::kCopy);
  EXPECT_EQ(spec->failures[1].nth, 0);
  EXPECT_EQ(spec->failures[1].error.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(spec->failures[1].error.message(), HasSubstr("FAKE_INJECTED_FAULT"));
  EXPECT_EQ(spec->failures[2].op, FakeOp::kCreateStream);
  EXPECT_EQ(spec->failures[2].error.code(), absl::StatusCode::kInternal);
}

struct BadCase {
  std::string text;
  std::string mentions;  // the message must name the key and/or value
};

TEST(ParseFakeSpecTest, BadInputIsInvalidArgumentNamingTheKeyAndValue) {
  const std::vector<BadCase> cases = {
      {"devices=0", "devices=\"0\""},
      {"devices=65", "devices=\"65\""},
      {"devices=-1", "devices=\"-1\""},
      {"devices=two", "devices=\"two\""},
      {"devices=1.5", "devices=\"1.5\""},
      {"memory=0", "memory=\"0\""},
      {"memory=", "memory=\"\""},
      {"memory=12x", "memory=\"12x\""},
      {"memory=-5g", "memory=\"-5g\""},
      {"memory=1.5g", "memory=\"1.5g\""},
      {"memory=99999999999t", "memory=\"99999999999t\""},
      {"memory=18446744073709551616", "memory=\"18446744073709551616\""},
      {"page=3m", "page=\"3m\""},
      {"page=2k", "page=\"2k\""},
      {"page_size=0", "page_size=\"0\""},
      {"memory=64m,reserved=64m", "reserved="},
      {"memory=64m,reserved=100g", "reserved="},
      {"memory=64m,reserved=63m", "less than one page"},
      {"device_bw=0", "device_bw=\"0\""},
      {"link_bw=-1g", "link_bw=\"-1g\""},
      {"link_bw=fast", "link_bw=\"fast\""},
      {"link_bw=25x", "link_bw=\"25x\""},
      {"link_bw=inf", "link_bw=\"inf\""},
      {"link_bw=nan", "link_bw=\"nan\""},
      {"link_bw=1e999", "link_bw=\"1e999\""},
      {"fault_us=-1", "fault_us=\"-1\""},
      {"fault_us=5m", "fault_us=\"5m\""},
      {"backing=maybe", "backing=\"maybe\""},
      {"managed=2", "managed=\"2\""},
      {"host_mapped=", "host_mapped=\"\""},
      {"colour=blue", "colour=\"blue\""},
      {"devices", "\"devices\""},
      {"devices=1,devices=2", "devices=\"2\""},
      {"fail=explode:1", "fail=\"explode:1\""},
      {"fail=allocate", "fail=\"allocate\""},
      {"fail=allocate:x", "fail=\"allocate:x\""},
      {"fail=allocate:-1", "fail=\"allocate:-1\""},
      {"fail=allocate:1:bogus", "fail=\"allocate:1:bogus\""},
      {"fail=allocate:1:ok", "fail=\"allocate:1:ok\""},
      {"fail=allocate:1:2:3", "fail=\"allocate:1:2:3\""},
  };
  for (const BadCase& c : cases) {
    absl::StatusOr<FakeSpec> spec = ParseFakeSpec(c.text);
    EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(spec.status().message(), HasSubstr(c.mentions)) << c.text;
  }
}

TEST(ParseFakeSpecTest, ToStringRoundTrips) {
  for (const char* text :
       {"", "devices=3,memory=64m,reserved=0,page=64k,device_bw=123.25g,link_bw=7m,fault_us=1.5,"
            "backing=none,managed=0,host_mapped=0,fail=launch:2,fail=free:0:data_loss"}) {
    absl::StatusOr<FakeSpec> spec = ParseFakeSpec(text);
    ASSERT_TRUE(spec.ok()) << spec.status();
    const std::string printed = FakeSpecToString(*spec);
    absl::StatusOr<FakeSpec> again = ParseFakeSpec(printed);
    ASSERT_TRUE(again.ok()) << printed << ": " << again.status();
    EXPECT_EQ(FakeSpecToString(*again), printed);
    EXPECT_EQ(again->devices, spec->devices);
    EXPECT_EQ(again->memory, spec->memory);
    EXPECT_EQ(again->reserved, spec->reserved);
    EXPECT_EQ(again->page_size, spec->page_size);
    EXPECT_EQ(again->device_bandwidth, spec->device_bandwidth);
    EXPECT_EQ(again->link_bandwidth, spec->link_bandwidth);
    EXPECT_EQ(again->fault_latency_ns, spec->fault_latency_ns);
    EXPECT_EQ(again->backing, spec->backing);
    EXPECT_EQ(again->managed, spec->managed);
    EXPECT_EQ(again->host_mapped, spec->host_mapped);
    ASSERT_EQ(again->failures.size(), spec->failures.size());
    for (size_t i = 0; i < spec->failures.size(); ++i) {
      EXPECT_EQ(again->failures[i].op, spec->failures[i].op);
      EXPECT_EQ(again->failures[i].nth, spec->failures[i].nth);
      EXPECT_EQ(again->failures[i].error.code(), spec->failures[i].error.code());
    }
  }
}

TEST(ValidateFakeSpecTest, ChecksEveryField) {
  EXPECT_TRUE(ValidateFakeSpec(FakeSpec()).ok());
  FakeSpec small;
  small.memory = 64 * kMiB;  // the default 1 GiB reservation does not fit
  EXPECT_THAT(ValidateFakeSpec(small).message(), HasSubstr("reserved"));
  small.reserved = 0;
  EXPECT_TRUE(ValidateFakeSpec(small).ok());

  FakeSpec bad;
  bad.devices = 0;
  EXPECT_EQ(ValidateFakeSpec(bad).code(), absl::StatusCode::kInvalidArgument);
  bad = FakeSpec();
  bad.page_size = 3 * kMiB;
  EXPECT_EQ(ValidateFakeSpec(bad).code(), absl::StatusCode::kInvalidArgument);
  bad = FakeSpec();
  bad.link_bandwidth = 0;
  EXPECT_EQ(ValidateFakeSpec(bad).code(), absl::StatusCode::kInvalidArgument);
  bad = FakeSpec();
  bad.device_bandwidth = -1;
  EXPECT_EQ(ValidateFakeSpec(bad).code(), absl::StatusCode::kInvalidArgument);
  bad = FakeSpec();
  bad.fault_latency_ns = -1;
  EXPECT_EQ(ValidateFakeSpec(bad).code(), absl::StatusCode::kInvalidArgument);
  bad = FakeSpec();
  bad.failures.push_back({FakeOp::kFree, -2, absl::OkStatus()});
  EXPECT_EQ(ValidateFakeSpec(bad).code(), absl::StatusCode::kInvalidArgument);
}

TEST(FakeOpTest, NamesRoundTrip) {
  for (int i = 0; i < kFakeOpCount; ++i) {
    const auto op = static_cast<FakeOp>(i);
    std::optional<FakeOp> parsed = ParseFakeOp(FakeOpName(op));
    ASSERT_TRUE(parsed.has_value()) << FakeOpName(op);
    EXPECT_EQ(*parsed, op);
  }
  EXPECT_FALSE(ParseFakeOp("Allocate").has_value());
  EXPECT_FALSE(ParseFakeOp("").has_value());
}

}  // namespace
}  // namespace spillway::fake
