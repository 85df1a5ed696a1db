#include "spillway/runtime/config.h"

#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spillway::runtime {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr uint64_t kKiB = uint64_t{1} << 10;
constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kGiB = uint64_t{1} << 30;

absl::StatusOr<RuntimeConfig> Parse(const Environment& env) {
  return RuntimeConfig::FromEnvironment(env);
}

// Expects INVALID_ARGUMENT whose message names the variable and the value.
void ExpectRejected(const std::string& name, const std::string& value) {
  absl::StatusOr<RuntimeConfig> config = Parse({{name, value}});
  ASSERT_FALSE(config.ok()) << name << "=" << value << " was accepted";
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(config.status().message()),
              AllOf(HasSubstr(name), HasSubstr(absl::StrCat("\"", value, "\""))));
}

TEST(ParseSizeTest, AcceptsHamiForms) {
  struct Case {
    const char* text;
    uint64_t bytes;
  };
  const Case cases[] = {
      {"0", 0},
      {"1073741824", kGiB},
      {"1g", kGiB},
      {"1G", kGiB},
      {"3000m", 3000 * kMiB},
      {"1024M", kGiB},
      {"1048576k", kGiB},
      {"12K", 12 * kKiB},
      {"007m", 7 * kMiB},
      {"18446744073709551615", std::numeric_limits<uint64_t>::max()},
      {"17179869183g", 17179869183ull * kGiB},
  };
  for (const Case& c : cases) {
    absl::StatusOr<uint64_t> bytes = ParseSize("X", c.text);
    ASSERT_TRUE(bytes.ok()) << c.text << ": " << bytes.status();
    EXPECT_EQ(*bytes, c.bytes) << c.text;
  }
}

TEST(ParseSizeTest, RejectsJunkAndOverflow) {
  for (const char* text : {"", "m", "G", "12x", "1.5g", "-1", "+1", " 1", "1 ",
                           "0x10", "1gb", "1t", "1GiB", "1e9", "1,000",
                           "18446744073709551616", "99999999999999999999999",
                           "17179869184g", "18014398509481984k"}) {
    absl::StatusOr<uint64_t> bytes = ParseSize("CUDA_DEVICE_MEMORY_LIMIT", text);
    EXPECT_FALSE(bytes.ok()) << "\"" << text << "\" accepted as " << *bytes;
    EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(bytes.status().message()),
                HasSubstr(absl::StrCat("CUDA_DEVICE_MEMORY_LIMIT=\"", text, "\"")));
  }
}

TEST(ParseBoolTest, AcceptsTrueFalseOneZeroInAnyCase) {
  for (const char* text : {"true", "TRUE", "True", "1"}) {
    absl::StatusOr<bool> value = ParseBool("B", text);
    ASSERT_TRUE(value.ok()) << text;
    EXPECT_TRUE(*value) << text;
  }
  for (const char* text : {"false", "FALSE", "fAlSe", "0"}) {
    absl::StatusOr<bool> value = ParseBool("B", text);
    ASSERT_TRUE(value.ok()) << text;
    EXPECT_FALSE(*value) << text;
  }
  for (const char* text : {"", "yes", "no", "on", "2", "01", " true", "t"}) {
    EXPECT_EQ(ParseBool("B", text).status().code(), absl::StatusCode::kInvalidArgument)
        << text;
  }
}

TEST(RuntimeConfigTest, EmptyEnvironmentGivesDefaults) {
  absl::StatusOr<RuntimeConfig> config = Parse({});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->all_devices(), DeviceSettings{});
  for (int device : {0, 63}) {
    absl::StatusOr<DeviceSettings> settings = config->ForDevice(device);
    ASSERT_TRUE(settings.ok());
    EXPECT_EQ(*settings, DeviceSettings{});
  }
  EXPECT_FALSE(config->oversubscribe());
  EXPECT_EQ(config->ledger_path(), "/tmp/spillway.ledger");
  EXPECT_EQ(config->task_priority(), TaskPriority::kHigh);
  EXPECT_EQ(config->log_level(), 1);
  EXPECT_FALSE(config->backends().has_value());
  EXPECT_FALSE(config->ledger_group_access());
}

TEST(RuntimeConfigTest, IgnoresUnrelatedVariables) {
  absl::StatusOr<RuntimeConfig> config =
      Parse({{"PATH", "/usr/bin"},
             {"CUDA_DEVICE_MEMORY_LIMITS", "junk"},  // shares a prefix only
             {"SPILLWAY_FAKE_DEVICES", "4"},         // another component's
             {"CUDA_VISIBLE_DEVICES", "0,1"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->all_devices(), DeviceSettings{});
}

TEST(RuntimeConfigTest, PerDeviceMemoryLimitOverridesGlobal) {
  absl::StatusOr<RuntimeConfig> config = Parse({
      {"CUDA_DEVICE_MEMORY_LIMIT", "1g"},
      {"CUDA_DEVICE_MEMORY_LIMIT_1", "3000m"},
      {"CUDA_DEVICE_MEMORY_LIMIT_2", "0"},  // defers to the global value
      {"CUDA_DEVICE_MEMORY_LIMIT_63", "2G"},
  });
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->all_devices().memory_limit, kGiB);
  EXPECT_EQ(config->ForDevice(0)->memory_limit, kGiB);
  EXPECT_EQ(config->ForDevice(1)->memory_limit, 3000 * kMiB);
  EXPECT_EQ(config->ForDevice(2)->memory_limit, kGiB);
  EXPECT_EQ(config->ForDevice(63)->memory_limit, 2 * kGiB);
  EXPECT_EQ(config->device_overrides(1)->memory_limit, 3000 * kMiB);
  EXPECT_EQ(config->device_overrides(0)->memory_limit, 0u);
}

TEST(RuntimeConfigTest, PerDeviceLimitWithoutGlobal) {
  absl::StatusOr<RuntimeConfig> config = Parse({{"CUDA_DEVICE_MEMORY_LIMIT_0", "12000m"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->ForDevice(0)->memory_limit, 12000 * kMiB);
  EXPECT_EQ(config->ForDevice(1)->memory_limit, 0u);
}

TEST(RuntimeConfigTest, RejectsBadDeviceSuffixes) {
  for (const char* name :
       {"CUDA_DEVICE_MEMORY_LIMIT_x", "CUDA_DEVICE_MEMORY_LIMIT_", "CUDA_DEVICE_MEMORY_LIMIT_64",
        "CUDA_DEVICE_MEMORY_LIMIT_01", "CUDA_DEVICE_MEMORY_LIMIT_-1",
        "CUDA_DEVICE_MEMORY_LIMIT_1_2", "CUDA_DEVICE_SM_LIMIT_a", "SPILLWAY_VIRTUAL_SIZE_99",
        "SPILLWAY_OVERSUBSCRIBE_FACTOR_ 1", "SPILLWAY_DEVICE_HEADROOM_1x"}) {
    ExpectRejected(name, "1");
  }
}

TEST(RuntimeConfigTest, MalformedValuesNameVariableAndValue) {
  ExpectRejected("CUDA_DEVICE_MEMORY_LIMIT", "12x");
  ExpectRejected("CUDA_DEVICE_MEMORY_LIMIT_1", "1.5g");
  ExpectRejected("CUDA_DEVICE_MEMORY_LIMIT_3", "");
  ExpectRejected("CUDA_DEVICE_MEMORY_LIMIT", "-1");
  ExpectRejected("CUDA_DEVICE_MEMORY_LIMIT", "99999999999g");
  ExpectRejected("SPILLWAY_VIRTUAL_SIZE", "m");
  ExpectRejected("SPILLWAY_DEVICE_HEADROOM_0", "1 g");
}

TEST(RuntimeConfigTest, SmLimitIsPercent) {
  absl::StatusOr<RuntimeConfig> config =
      Parse({{"CUDA_DEVICE_SM_LIMIT", "50"}, {"CUDA_DEVICE_SM_LIMIT_1", "100"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->ForDevice(0)->sm_limit_percent, 50);
  EXPECT_EQ(config->ForDevice(1)->sm_limit_percent, 100);
  ASSERT_TRUE(Parse({{"CUDA_DEVICE_SM_LIMIT", "0"}}).ok());
  for (const char* value : {"101", "-5", "50%", "12.5", "", "1000000000000"}) {
    ExpectRejected("CUDA_DEVICE_SM_LIMIT", value);
  }
}

TEST(RuntimeConfigTest, OversubscribeSwitch) {
  for (const char* value : {"true", "TRUE", "1"}) {
    absl::StatusOr<RuntimeConfig> config = Parse({{"CUDA_OVERSUBSCRIBE", value}});
    ASSERT_TRUE(config.ok()) << value;
    EXPECT_TRUE(config->oversubscribe()) << value;
  }
  for (const char* value : {"false", "False", "0"}) {
    absl::StatusOr<RuntimeConfig> config = Parse({{"CUDA_OVERSUBSCRIBE", value}});
    ASSERT_TRUE(config.ok()) << value;
    EXPECT_FALSE(config->oversubscribe()) << value;
  }
  for (const char* value : {"yes", "", "2", "enabled"}) {
    ExpectRejected("CUDA_OVERSUBSCRIBE", value);
  }
}

TEST(RuntimeConfigTest, LedgerPriorityLogLevelBackendsGroup) {
  absl::StatusOr<RuntimeConfig> config = Parse({
      {"CUDA_DEVICE_MEMORY_SHARED_CACHE", "/dev/shm/pod.ledger"},
      {"CUDA_TASK_PRIORITY", "1"},
      {"LIBCUDA_LOG_LEVEL", "4"},
      {"SPILLWAY_BACKENDS", " fake , cuda,,"},
      {"SPILLWAY_LEDGER_GROUP", "1"},
  });
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->ledger_path(), "/dev/shm/pod.ledger");
  EXPECT_EQ(config->task_priority(), TaskPriority::kLow);
  EXPECT_EQ(config->log_level(), 4);
  ASSERT_TRUE(config->backends().has_value());
  EXPECT_THAT(*config->backends(), ElementsAre("fake", "cuda"));
  EXPECT_TRUE(config->ledger_group_access());

  absl::StatusOr<RuntimeConfig> all = Parse({{"SPILLWAY_BACKENDS", ""}});
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE(all->backends().has_value());

  ExpectRejected("CUDA_DEVICE_MEMORY_SHARED_CACHE", "");
  ExpectRejected("CUDA_TASK_PRIORITY", "2");
  ExpectRejected("CUDA_TASK_PRIORITY", "high");
  ExpectRejected("LIBCUDA_LOG_LEVEL", "5");
  ExpectRejected("LIBCUDA_LOG_LEVEL", "-1");
  ExpectRejected("SPILLWAY_BACKENDS", "CUDA");
  ExpectRejected("SPILLWAY_BACKENDS", "fake;cuda");
  ExpectRejected("SPILLWAY_LEDGER_GROUP", "2");
}

TEST(RuntimeConfigTest, VirtualSizeAndFactor) {
  absl::StatusOr<RuntimeConfig> config = Parse({
      {"SPILLWAY_OVERSUBSCRIBE_FACTOR", "2.0"},
      {"SPILLWAY_VIRTUAL_SIZE_1", "40g"},
      {"SPILLWAY_OVERSUBSCRIBE_FACTOR_2", "1.5"},
      {"SPILLWAY_DEVICE_HEADROOM", "512m"},
      {"SPILLWAY_DEVICE_HEADROOM_2", "1g"},
  });
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_DOUBLE_EQ(config->ForDevice(0)->oversubscribe_factor, 2.0);
  EXPECT_EQ(config->ForDevice(0)->virtual_size, 0u);
  EXPECT_EQ(config->ForDevice(0)->headroom, 512 * kMiB);
  // A per-device virtual size replaces the global factor.
  EXPECT_EQ(config->ForDevice(1)->virtual_size, 40 * kGiB);
  EXPECT_EQ(config->ForDevice(1)->oversubscribe_factor, 0.0);
  EXPECT_DOUBLE_EQ(config->ForDevice(2)->oversubscribe_factor, 1.5);
  EXPECT_EQ(config->ForDevice(2)->headroom, kGiB);

  for (const char* value : {"2", "1", "1.0", "1024", "1024.0", "3.25"}) {
    EXPECT_TRUE(Parse({{"SPILLWAY_OVERSUBSCRIBE_FACTOR", value}}).ok()) << value;
  }
  for (const char* value : {"0.5", "0", "1024.5", "2.", ".5", "1e3", "inf", "nan", "-2",
                            "+2", " 2", "2x", ""}) {
    ExpectRejected("SPILLWAY_OVERSUBSCRIBE_FACTOR", value);
  }
}

TEST(RuntimeConfigTest, VirtualSizeAndFactorAreExclusivePerScope) {
  absl::StatusOr<RuntimeConfig> both_global =
      Parse({{"SPILLWAY_VIRTUAL_SIZE", "40g"}, {"SPILLWAY_OVERSUBSCRIBE_FACTOR", "2"}});
  ASSERT_FALSE(both_global.ok());
  EXPECT_EQ(both_global.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(both_global.status().message()),
              AllOf(HasSubstr("SPILLWAY_VIRTUAL_SIZE"),
                    HasSubstr("SPILLWAY_OVERSUBSCRIBE_FACTOR")));

  absl::StatusOr<RuntimeConfig> both_device = Parse(
      {{"SPILLWAY_VIRTUAL_SIZE_3", "40g"}, {"SPILLWAY_OVERSUBSCRIBE_FACTOR_3", "2"}});
  ASSERT_FALSE(both_device.ok());
  EXPECT_THAT(std::string(both_device.status().message()),
              HasSubstr("SPILLWAY_VIRTUAL_SIZE_3"));

  EXPECT_TRUE(
      Parse({{"SPILLWAY_VIRTUAL_SIZE_3", "40g"}, {"SPILLWAY_OVERSUBSCRIBE_FACTOR", "2"}}).ok());
}

TEST(RuntimeConfigTest, ExplicitNoOversubscribeContradictsVirtualSize) {
  absl::StatusOr<RuntimeConfig> config =
      Parse({{"CUDA_OVERSUBSCRIBE", "false"}, {"SPILLWAY_VIRTUAL_SIZE_0", "46g"}});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(config.status().message()),
              AllOf(HasSubstr("CUDA_OVERSUBSCRIBE=\"false\""), HasSubstr("SPILLWAY_VIRTUAL_SIZE")));
  EXPECT_TRUE(
      Parse({{"CUDA_OVERSUBSCRIBE", "true"}, {"SPILLWAY_OVERSUBSCRIBE_FACTOR", "2"}}).ok());
  EXPECT_TRUE(Parse({{"CUDA_OVERSUBSCRIBE", "false"}, {"SPILLWAY_VIRTUAL_SIZE", "0"}}).ok());
}

TEST(RuntimeConfigTest, SettersValidateAndLeaveConfigUnchangedOnError) {
  RuntimeConfig config;
  ASSERT_TRUE(config.SetMemoryLimit(std::nullopt, 8 * kGiB).ok());
  ASSERT_TRUE(config.SetMemoryLimit(5, 2 * kGiB).ok());
  EXPECT_EQ(config.SetMemoryLimit(64, kGiB).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.SetMemoryLimit(-1, kGiB).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.ForDevice(5)->memory_limit, 2 * kGiB);
  EXPECT_EQ(config.ForDevice(4)->memory_limit, 8 * kGiB);
  EXPECT_EQ(config.ForDevice(64).status().code(), absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(config.SetSmLimit(std::nullopt, 101).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.SetSmLimit(std::nullopt, -1).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(config.SetSmLimit(0, 30).ok());
  EXPECT_EQ(config.ForDevice(0)->sm_limit_percent, 30);

  ASSERT_TRUE(config.SetOversubscribeFactor(std::nullopt, 2.0).ok());
  ASSERT_TRUE(config.SetVirtualSize(std::nullopt, 40 * kGiB).ok());
  EXPECT_EQ(config.all_devices().oversubscribe_factor, 0.0);  // cleared
  EXPECT_EQ(config.all_devices().virtual_size, 40 * kGiB);
  ASSERT_TRUE(config.SetOversubscribeFactor(std::nullopt, 3.0).ok());
  EXPECT_EQ(config.all_devices().virtual_size, 0u);
  EXPECT_EQ(config.SetOversubscribeFactor(std::nullopt, 0.5).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.SetOversubscribeFactor(std::nullopt, 2000).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_DOUBLE_EQ(config.all_devices().oversubscribe_factor, 3.0);

  EXPECT_EQ(config.SetLedgerPath("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.ledger_path(), kDefaultLedgerPath);
  ASSERT_TRUE(config.SetLedgerPath("/run/x.ledger").ok());
  EXPECT_EQ(config.ledger_path(), "/run/x.ledger");

  EXPECT_EQ(config.SetLogLevel(7).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.log_level(), 1);
  EXPECT_EQ(config.SetBackends(std::vector<std::string>{"fake", "Bad!"}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(config.backends().has_value());
  ASSERT_TRUE(config.SetBackends(std::vector<std::string>{"levelzero"}).ok());
  EXPECT_THAT(*config.backends(), ElementsAre("levelzero"));
}

TEST(RuntimeConfigTest, ProcessEnvironmentSnapshot) {
  // A variable no other code reads, removed again at the end.
  ASSERT_EQ(setenv("SPILLWAY_CONFIG_TEST_MARKER", "a=b", 1), 0);
  Environment env = RuntimeConfig::ProcessEnvironment();
  unsetenv("SPILLWAY_CONFIG_TEST_MARKER");
  ASSERT_TRUE(env.contains("SPILLWAY_CONFIG_TEST_MARKER"));
  EXPECT_EQ(env.at("SPILLWAY_CONFIG_TEST_MARKER"), "a=b");  // split at the first '='
}

// ResolveDeviceLimits on the seed's card: 24 GiB physical.
constexpr uint64_t kPhysical = 24 * kGiB;

DeviceLimits Resolve(const Environment& env, int device = 0,
                     uint64_t physical = kPhysical) {
  absl::StatusOr<RuntimeConfig> config = Parse(env);
  EXPECT_TRUE(config.ok()) << config.status();
  if (!config.ok()) return {};
  absl::StatusOr<DeviceLimits> limits = ResolveDeviceLimits(*config, device, physical);
  EXPECT_TRUE(limits.ok()) << limits.status();
  return limits.ok() ? *limits : DeviceLimits{};
}

TEST(ResolveDeviceLimitsTest, NoConfigurationPresentsTheDevice) {
  DeviceLimits limits = Resolve({});
  EXPECT_EQ(limits.virtual_size, kPhysical);
  EXPECT_EQ(limits.device_budget, kPhysical);
  EXPECT_FALSE(limits.clamped);
  EXPECT_FALSE(limits.oversubscribed);
  EXPECT_EQ(limits.sm_limit_percent, 0);
}

TEST(ResolveDeviceLimitsTest, LimitBelowPhysical) {
  DeviceLimits limits =
      Resolve({{"CUDA_DEVICE_MEMORY_LIMIT", "10g"}, {"CUDA_DEVICE_SM_LIMIT", "40"}});
  EXPECT_EQ(limits.virtual_size, 10 * kGiB);
  EXPECT_EQ(limits.device_budget, 10 * kGiB);
  EXPECT_FALSE(limits.clamped);
  EXPECT_FALSE(limits.oversubscribed);
  EXPECT_EQ(limits.sm_limit_percent, 40);
}

TEST(ResolveDeviceLimitsTest, LimitAbovePhysicalIsClampedWithoutOversubscription) {
  DeviceLimits limits = Resolve({{"CUDA_DEVICE_MEMORY_LIMIT", "46g"}});
  EXPECT_EQ(limits.virtual_size, kPhysical);
  EXPECT_EQ(limits.device_budget, kPhysical);
  EXPECT_TRUE(limits.clamped);
  EXPECT_FALSE(limits.oversubscribed);
}

TEST(ResolveDeviceLimitsTest, LimitAbovePhysicalIsVirtualSizeWithOversubscription) {
  DeviceLimits limits =
      Resolve({{"CUDA_DEVICE_MEMORY_LIMIT", "46g"}, {"CUDA_OVERSUBSCRIBE", "true"}});
  EXPECT_EQ(limits.virtual_size, 46 * kGiB);
  EXPECT_EQ(limits.device_budget, kPhysical);
  EXPECT_FALSE(limits.clamped);
  EXPECT_TRUE(limits.oversubscribed);
}

TEST(ResolveDeviceLimitsTest, HeadroomShrinksTheBudget) {
  DeviceLimits plain = Resolve({{"SPILLWAY_DEVICE_HEADROOM", "1g"}});
  EXPECT_EQ(plain.virtual_size, 23 * kGiB);
  EXPECT_EQ(plain.device_budget, 23 * kGiB);
  EXPECT_FALSE(plain.clamped);
  EXPECT_FALSE(plain.oversubscribed);

  DeviceLimits oversubscribed = Resolve({{"SPILLWAY_DEVICE_HEADROOM", "1g"},
                                         {"CUDA_DEVICE_MEMORY_LIMIT", "46g"},
                                         {"CUDA_OVERSUBSCRIBE", "1"}});
  EXPECT_EQ(oversubscribed.virtual_size, 46 * kGiB);
  EXPECT_EQ(oversubscribed.device_budget, 23 * kGiB);
  EXPECT_TRUE(oversubscribed.oversubscribed);
}

TEST(ResolveDeviceLimitsTest, FactorDoublesTheCard) {
  // The headline: 23 GiB usable card presented as 46 GiB.
  DeviceLimits limits = Resolve({{"SPILLWAY_OVERSUBSCRIBE_FACTOR", "2.0"}}, 0, 23 * kGiB);
  EXPECT_EQ(limits.virtual_size, 46 * kGiB);
  EXPECT_EQ(limits.device_budget, 23 * kGiB);
  EXPECT_FALSE(limits.clamped);
  EXPECT_TRUE(limits.oversubscribed);

  DeviceLimits fractional =
      Resolve({{"SPILLWAY_OVERSUBSCRIBE_FACTOR", "1.5"}}, 0, 1001);  // floor(1501.5)
  EXPECT_EQ(fractional.virtual_size, 1501u);
}

TEST(ResolveDeviceLimitsTest, MemoryLimitCapsVirtualSize) {
  DeviceLimits limits =
      Resolve({{"SPILLWAY_VIRTUAL_SIZE", "40g"}, {"CUDA_DEVICE_MEMORY_LIMIT", "30g"}});
  EXPECT_EQ(limits.virtual_size, 30 * kGiB);
  EXPECT_EQ(limits.device_budget, kPhysical);
  EXPECT_TRUE(limits.clamped);
  EXPECT_TRUE(limits.oversubscribed);
}

TEST(ResolveDeviceLimitsTest, SmallVirtualSizeNeedsNoSpill) {
  DeviceLimits limits = Resolve({{"SPILLWAY_VIRTUAL_SIZE", "10g"}});
  EXPECT_EQ(limits.virtual_size, 10 * kGiB);
  EXPECT_EQ(limits.device_budget, 10 * kGiB);
  EXPECT_FALSE(limits.oversubscribed);
}

TEST(ResolveDeviceLimitsTest, PerDeviceSettingsApplyToTheirDevice) {
  Environment env = {{"CUDA_DEVICE_MEMORY_LIMIT", "8g"},
                     {"CUDA_DEVICE_MEMORY_LIMIT_1", "46g"},
                     {"SPILLWAY_VIRTUAL_SIZE_1", "46g"}};
  EXPECT_EQ(Resolve(env, 0).virtual_size, 8 * kGiB);
  DeviceLimits one = Resolve(env, 1);
  EXPECT_EQ(one.virtual_size, 46 * kGiB);
  EXPECT_EQ(one.device_budget, kPhysical);
  EXPECT_TRUE(one.oversubscribed);
}

TEST(ResolveDeviceLimitsTest, RejectsImpossibleInputs) {
  RuntimeConfig config;
  EXPECT_EQ(ResolveDeviceLimits(config, 0, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveDeviceLimits(config, 64, kPhysical).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveDeviceLimits(config, -1, kPhysical).status().code(),
            absl::StatusCode::kInvalidArgument);

  ASSERT_TRUE(config.SetDeviceHeadroom(std::nullopt, kPhysical).ok());
  absl::StatusOr<DeviceLimits> no_room = ResolveDeviceLimits(config, 0, kPhysical);
  EXPECT_EQ(no_room.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_room.status().message()), HasSubstr("headroom"));

  RuntimeConfig huge;
  ASSERT_TRUE(huge.SetOversubscribeFactor(std::nullopt, 1024.0).ok());
  EXPECT_EQ(ResolveDeviceLimits(huge, 0, uint64_t{1} << 60).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace spillway::runtime
