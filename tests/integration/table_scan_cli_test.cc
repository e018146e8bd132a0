// `floe table scan|files --metadata … --map-prefix …`: a table written by Spark and
// Impala, read from outside any catalog, with its recorded paths mapped to where it lies.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "cli_run.h"

namespace {

namespace fs = std::filesystem;

CliRun Floe(const std::string& args) {
  return RunCommand(std::string(FLOE_BINARY) + " " + args, /*merge_stderr=*/true);
}

class TableScanCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(FLOE_BINARY)) GTEST_SKIP() << "the floe binary is not built";
    table_ = fs::path(FLOE_FIXTURES_DIR) / "iceberg" / "spark_v2_positional_deletes" / "table";
    ASSERT_TRUE(fs::exists(table_));
    // The metadata records one prefix, the delete file another (see the case's EXPECTED.md).
    const std::string loc =
        "/test-warehouse/iceberg_test/hadoop_catalog/ice/iceberg_v2_delete_positional";
    args_ = " --metadata " + (table_ / "metadata" / "v2.metadata.json").string() +
            " --map-prefix " + loc + "=" + table_.string() +
            " --map-prefix hdfs://localhost:20500" + loc + "=" + table_.string();
  }
  fs::path table_;
  std::string args_;
};

TEST_F(TableScanCliTest, ScansWithPositionalDeletesApplied) {
  CliRun r = Floe("table scan" + args_);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "{\"id\":1,\"data\":\"a\"}\n{\"id\":3,\"data\":\"c\"}\n");
}

TEST_F(TableScanCliTest, TimeTravelsToTheSnapshotBeforeTheDelete) {
  CliRun r = Floe("table scan" + args_ + " --snapshot 6816997371555012807 --columns data");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "{\"data\":\"a\"}\n{\"data\":\"b\"}\n{\"data\":\"c\"}\n");
  EXPECT_EQ(Floe("table scan" + args_ + " --limit 1").out, "{\"id\":1,\"data\":\"a\"}\n");
}

TEST_F(TableScanCliTest, ListsLiveFiles) {
  CliRun r = Floe("table files" + args_);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("data\t1\t3\t"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("position-deletes\t2\t1\t"), std::string::npos) << r.out;
}

TEST_F(TableScanCliTest, BadRequestsFailClearly) {
  CliRun r = Floe("table scan" + args_ + " --snapshot 42");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("42"), std::string::npos) << r.out;
  r = Floe("table scan" + args_ + " --columns nope");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("nope"), std::string::npos) << r.out;
  // Without the mapping the data files are not where the metadata says.
  r = Floe("table scan --metadata " + (table_ / "metadata" / "v2.metadata.json").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("/test-warehouse/"), std::string::npos) << r.out;
}

}  // namespace
