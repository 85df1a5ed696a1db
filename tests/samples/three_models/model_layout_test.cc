#include "three_models/model_layout.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spillway::samples::three_models {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

TEST(ModelLayout, DefaultIsThirteenGibOfWeightsAndOneOfCachePerModel) {
  absl::StatusOr<ModelLayout> layout = MakeModelLayout(ModelSize(), 3, 2 * kMiB);
  ASSERT_TRUE(layout.ok()) << layout.status();
  // 13 GiB / 40 = 332.8 MiB, rounded up to whole 2 MiB pages; 1 GiB / 40 likewise.
  EXPECT_EQ(layout->layer_weight_bytes, 334 * kMiB);
  EXPECT_EQ(layout->layer_kv_bytes, 26 * kMiB);
  EXPECT_EQ(layout->weight_bytes(), 40 * 334 * kMiB);
  EXPECT_EQ(layout->model_pages(), 40u * (167 + 13));
  EXPECT_EQ(layout->total_bytes(), 3 * 40 * 360 * kMiB);
  EXPECT_EQ(layout->kv_positions(), 26 * kMiB / (20 << 10));
}

TEST(ModelLayout, TokenReadPagesFollowKernelOrder) {
  ModelSize size;
  size.layers = 2;
  size.weight_bytes = 4 * 2 * kMiB;    // two pages per layer
  size.kv_cache_bytes = 2 * 2 * kMiB;  // one page per layer
  size.kv_row_bytes = 1024;
  absl::StatusOr<ModelLayout> layout = MakeModelLayout(size, 2, 2 * kMiB);
  ASSERT_TRUE(layout.ok());
  // Model 0: weights 0..3, KV 4..5; model 1 starts at 6.
  EXPECT_THAT(TokenReadPages(*layout, 0), ::testing::ElementsAre(0, 1, 4, 2, 3, 5));
  EXPECT_THAT(TokenReadPages(*layout, 1), ::testing::ElementsAre(6, 7, 10, 8, 9, 11));
}

TEST(ModelLayout, RejectsBadSizes) {
  ModelSize size;
  EXPECT_FALSE(MakeModelLayout(size, 0, 2 * kMiB).ok());
  EXPECT_FALSE(MakeModelLayout(size, 27, 2 * kMiB).ok());
  EXPECT_FALSE(MakeModelLayout(size, 3, 3 * kMiB).ok());
  EXPECT_FALSE(MakeModelLayout(size, 3, 1024).ok());
  ModelSize no_layers = size;
  no_layers.layers = 0;
  EXPECT_FALSE(MakeModelLayout(no_layers, 3, 2 * kMiB).ok());
  ModelSize empty = size;
  empty.weight_bytes = 0;
  EXPECT_FALSE(MakeModelLayout(empty, 3, 2 * kMiB).ok());
  ModelSize huge_row = size;
  huge_row.kv_row_bytes = 1ull << 30;
  EXPECT_EQ(MakeModelLayout(huge_row, 3, 2 * kMiB).status().code(),
            absl::StatusCode::kInvalidArgument);
  ModelSize huge = size;
  huge.weight_bytes = 1ull << 60;
  EXPECT_FALSE(MakeModelLayout(huge, 3, 2 * kMiB).ok());
}

TEST(ModelLayout, NamesAreLetters) {
  EXPECT_EQ(ModelName(0), "model-a");
  EXPECT_EQ(ModelName(2), "model-c");
}

}  // namespace
}  // namespace spillway::samples::three_models
