#include "three_models/command_line.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spillway::samples::three_models {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CommandLine, DefaultsAreTheBenchmarkCase) {
  absl::StatusOr<CommandLine> cl = ParseCommandLine({});
  ASSERT_TRUE(cl.ok());
  const ComparisonOptions& o = cl->options;
  EXPECT_EQ(o.trace, TraceKind::kRoundRobin);
  EXPECT_EQ(o.requests, 48);
  EXPECT_EQ(o.tokens, 16);
  EXPECT_THAT(o.policies, ElementsAre(Policy::kNaive, Policy::kSpillway, Policy::kBound));
  EXPECT_EQ(o.virtual_size, 46ull << 30);
  EXPECT_FALSE(o.device.backing);
  EXPECT_EQ(o.device.capacity(), 23ull << 30);
  EXPECT_DOUBLE_EQ(o.device.link_bandwidth, fake::FakeSpec().link_bandwidth);
  EXPECT_FALSE(cl->json);
}

TEST(CommandLine, ParsesEveryFlagInBothForms) {
  absl::StatusOr<CommandLine> cl =
      ParseCommandLine({"--trace=zipf", "--seed", "7", "--requests=12", "--tokens", "128",
                        "--policy", "bound,naive", "--json", "--idle-floor-fraction=0.25",
                        "--weights", "512m", "--kv-cache=64m", "--layers", "8"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  const ComparisonOptions& o = cl->options;
  EXPECT_EQ(o.trace, TraceKind::kZipf);
  EXPECT_EQ(o.seed, 7u);
  EXPECT_EQ(o.requests, 12);
  EXPECT_EQ(o.tokens, 128);
  EXPECT_THAT(o.policies, ElementsAre(Policy::kBound, Policy::kNaive));
  EXPECT_TRUE(cl->json);
  EXPECT_DOUBLE_EQ(o.idle_floor_fraction, 0.25);
  EXPECT_EQ(o.model.weight_bytes, 512ull << 20);
  EXPECT_EQ(o.model.kv_cache_bytes, 64ull << 20);
  EXPECT_EQ(o.model.layers, 8);
}

TEST(CommandLine, RejectsBadInputNamingTheFlag) {
  const std::vector<std::vector<std::string>> bad = {
      {"--trace=circular"},
      {"--tokens=0"},
      {"--tokens=x"},
      {"--requests"},
      {"--policy=fast"},
      {"--policy=naive,naive"},
      {"--seed=-1"},
      {"--json=1"},
      {"--weights=13gb"},
      {"--kv-cache=0"},
      {"--idle-floor-fraction=2"},
      {"--memory=8g"},
      {"--bogus"},
      {"stray"},
      {"--tokens=1", "--tokens=2"},
  };
  for (const auto& args : bad) {
    absl::StatusOr<CommandLine> cl = ParseCommandLine(args);
    ASSERT_FALSE(cl.ok()) << args[0];
    EXPECT_EQ(cl.status().code(), absl::StatusCode::kInvalidArgument) << args[0];
  }
  EXPECT_THAT(ParseCommandLine({"--tokens=x"}).status().message(), HasSubstr("--tokens=x"));
  EXPECT_THAT(ParseCommandLine({"--bogus"}).status().message(), HasSubstr("unknown flag --bogus"));
}

TEST(CommandLine, RealDeviceFlags) {
  absl::StatusOr<CommandLine> cl =
      ParseCommandLine({"--device", "cuda://1", "--device-memory=8g", "--kernels=host"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  EXPECT_EQ(cl->options.device_uri, "cuda://1");
  EXPECT_EQ(cl->options.device_memory, 8ull << 30);
  EXPECT_EQ(cl->options.kernels, KernelKind::kHost);
  // Defaults: the fake, CUDA kernels when a real device is named.
  absl::StatusOr<CommandLine> defaults = ParseCommandLine({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->options.device_uri, "fake://0");
  EXPECT_FALSE(defaults->options.device_memory.has_value());
  EXPECT_EQ(defaults->options.kernels, KernelKind::kCuda);

  const std::vector<std::vector<std::string>> bad = {
      {"--device=cuda0"},        {"--device-memory=0"}, {"--device=cuda://0", "--kernels=opencl"},
      {"--device-memory=8g"},    {"--kernels=host"},    {"--device=fake://0", "--kernels=cuda"},
  };
  for (const auto& args : bad) {
    absl::StatusOr<CommandLine> parsed = ParseCommandLine(args);
    ASSERT_FALSE(parsed.ok()) << args.back();
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << args.back();
  }
  // The fake's calibration is what the benchmark is judged on: no knob.
  EXPECT_THAT(ParseCommandLine({"--device-memory=8g"}).status().message(),
              HasSubstr("real devices"));
}

TEST(CommandLine, HelpIsAFlag) {
  absl::StatusOr<CommandLine> cl = ParseCommandLine({"--help"});
  ASSERT_TRUE(cl.ok());
  EXPECT_TRUE(cl->help);
  EXPECT_THAT(Usage(), HasSubstr("--trace"));
}

}  // namespace
}  // namespace spillway::samples::three_models
