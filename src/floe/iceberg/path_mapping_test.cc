#include "floe/iceberg/path_mapping.h"

#include <gtest/gtest.h>

namespace floe::iceberg {
namespace {

TEST(IcebergScanPathMappingTest, LongestWholeComponentPrefixWins) {
  PathMapping m;
  m.Add("/test-warehouse/t", "/local/t");
  ASSERT_TRUE(m.AddRule("hdfs://localhost:20500/test-warehouse/t/=/local/t2/").ok());
  m.Add("/test-warehouse/t/data", "/elsewhere");
  EXPECT_EQ(m.Map("/test-warehouse/t/metadata/v1.json"), "/local/t/metadata/v1.json");
  EXPECT_EQ(m.Map("/test-warehouse/t/data/f.parquet"), "/elsewhere/f.parquet");
  EXPECT_EQ(m.Map("hdfs://localhost:20500/test-warehouse/t/data/x"), "/local/t2/data/x");
  EXPECT_EQ(m.Map("/test-warehouse/tt/x"), "/test-warehouse/tt/x");  // not a component match
  EXPECT_EQ(m.Map("s3://b/x"), "s3://b/x");
  EXPECT_FALSE(m.AddRule("no-equals").ok());
  EXPECT_FALSE(m.AddRule("=to").ok());
}

}  // namespace
}  // namespace floe::iceberg
