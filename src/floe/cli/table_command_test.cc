// Runs the floe binary (FLOE_BINARY; skipped when it was not built) against a scratch
// warehouse: namespace/table commands, and several processes committing at once.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "floe/iceberg/sqlite_catalog.h"

namespace floe::cli {
namespace {

namespace fs = std::filesystem;

class IcebergCatalogCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(FLOE_BINARY)) GTEST_SKIP() << "floe binary not built: " << FLOE_BINARY;
    dir_ = fs::temp_directory_path() / ("floe_table_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    warehouse_ = (dir_ / "wh").string();
    std::ofstream(dir_ / "schema.json")
        << R"json({"fields": [{"name": "id", "type": "int64", "nullable": false},
                              {"name": "ts", "type": "timestamp(us, utc)"}]})json";
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Runs `floe ARGS --warehouse W`-style commands; returns exit code, stdout in *out.
  int Run(const std::string& args, std::string* out = nullptr) {
    const std::string cmd = std::string(FLOE_BINARY) + " " + args + " > " +
                            (dir_ / "out.txt").string() + " 2> " + (dir_ / "err.txt").string();
    const int rc = std::system(cmd.c_str());
    std::ifstream in(dir_ / "out.txt");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (out) *out = text;
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }

  fs::path dir_;
  std::string warehouse_;
};

TEST_F(IcebergCatalogCliTest, CreateDescribeSetRollback) {
  const std::string wh = " --warehouse " + warehouse_;
  ASSERT_EQ(Run("namespace" + wh + " create db"), 0);
  std::string out;
  ASSERT_EQ(Run("namespace" + wh + " list", &out), 0);
  EXPECT_EQ(out, "db\n");
  ASSERT_EQ(Run("table" + wh + " create db.t --schema " + (dir_ / "schema.json").string() +
                " --partition 'day(ts), bucket(16, id)'"),
            0);
  EXPECT_NE(Run("table" + wh + " create db.t --schema " + (dir_ / "schema.json").string()), 0);
  ASSERT_EQ(Run("table" + wh + " set db.t owner=me retention=7d"), 0);
  ASSERT_EQ(Run("table" + wh + " describe db.t", &out), 0);
  EXPECT_NE(out.find("ts_day: day(ts)"), std::string::npos) << out;
  EXPECT_NE(out.find("id_bucket: bucket[16](id)"), std::string::npos) << out;
  EXPECT_NE(out.find("  owner=me\n"), std::string::npos) << out;

  // Two snapshots through the library, then a rollback through the CLI.
  iceberg::SqliteCatalogOptions opts;
  opts.warehouse = warehouse_;
  auto cat = iceberg::SqliteCatalog::Open(opts);
  ASSERT_TRUE(cat.ok());
  const iceberg::TableIdentifier id{{"db"}, "t"};
  for (int64_t snap : {101, 102}) {
    auto t = (*cat)->LoadTable(id);
    ASSERT_TRUE(t.ok());
    iceberg::Snapshot s;
    s.snapshot_id = snap;
    s.parent_snapshot_id = t->metadata.current_snapshot_id;
    s.sequence_number = t->metadata.last_sequence_number + 1;
    s.timestamp_ms = iceberg::NowMs();
    s.manifest_list = t->metadata.location + "/metadata/snap-" + std::to_string(snap) + ".avro";
    s.summary = {{"operation", "append"}};
    iceberg::SnapshotRef main;
    main.snapshot_id = snap;
    ASSERT_TRUE(
        (*cat)
            ->CommitTable(id, {}, {iceberg::AddSnapshot{s}, iceberg::SetSnapshotRef{"main", main}})
            .ok());
  }
  ASSERT_EQ(Run("table" + wh + " snapshots db.t", &out), 0);
  EXPECT_NE(out.find("102\t101\t2\t"), std::string::npos) << out;
  EXPECT_NE(Run("table" + wh + " rollback db.t --snapshot 999"), 0);
  ASSERT_EQ(Run("table" + wh + " rollback db.t --snapshot 101"), 0);
  auto t = (*cat)->LoadTable(id);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->metadata.current_snapshot_id, 101);
  ASSERT_EQ(Run("table" + wh + " history db.t", &out), 0);
  // Three log entries: 101, 102, then 101 again (current; 102 no longer an ancestor).
  EXPECT_NE(out.find("\t102\t101\tfalse\n"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 4) << out;

  EXPECT_NE(Run("namespace" + wh + " drop db"), 0);  // holds a table
}

// Four processes, each setting ten properties one commit at a time: every commit lands.
TEST_F(IcebergCatalogCliTest, ConcurrentProcessesCommitExactlyOnce) {
  const std::string wh = " --warehouse " + warehouse_;
  ASSERT_EQ(Run("namespace" + wh + " create db"), 0);
  ASSERT_EQ(Run("table" + wh + " create db.t --schema " + (dir_ / "schema.json").string()), 0);
  std::string script = "set -e; ";
  for (int p = 0; p < 4; ++p) {
    script += "(for i in 0 1 2 3 4 5 6 7 8 9; do " + std::string(FLOE_BINARY) + " table" + wh +
              " set db.t p" + std::to_string(p) + "_$i=x > /dev/null || exit 1; done) & ";
  }
  script += "fail=0; for j in $(jobs -p); do wait $j || fail=1; done; exit $fail";
  const int rc = std::system(("bash -c '" + script + "'").c_str());
  ASSERT_EQ(WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, 0);

  iceberg::SqliteCatalogOptions opts;
  opts.warehouse = warehouse_;
  auto cat = iceberg::SqliteCatalog::Open(opts);
  ASSERT_TRUE(cat.ok());
  auto t = (*cat)->LoadTable({{"db"}, "t"});
  ASSERT_TRUE(t.ok());
  for (int p = 0; p < 4; ++p) {
    for (int i = 0; i < 10; ++i) {
      EXPECT_EQ(t->metadata.properties.count("p" + std::to_string(p) + "_" + std::to_string(i)),
                1u);
    }
  }
  // One metadata version per commit: nothing lost, nothing applied twice.
  EXPECT_EQ(iceberg::ParseMetadataVersion(t->metadata_location), 40);
  EXPECT_EQ(t->metadata.metadata_log.size(), 40u);
}

}  // namespace
}  // namespace floe::cli
