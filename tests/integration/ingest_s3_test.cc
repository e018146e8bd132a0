// Streaming ingest end to end with the warehouse and a file sink on s3://,
// against the local S3 server (tests/s3/s3_test_server.js). The catalog lives in
// FLOE_STATE_DIR (a temp dir); the write-ahead log defaults to ./floe-wal in the server's
// working directory. Skips when node or s3rver is unavailable.
#include <set>

#include "../s3/s3_test_server.h"
#include "ingest_harness.h"

namespace floe::ingest_test {
namespace {

class IngestS3Test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!FloeBuilt()) GTEST_SKIP() << FLOE_BINARY << " is not built";
    std::string why;
    s3_ = floe::testing::SharedS3Server(&why);
    if (s3_ == nullptr) GTEST_SKIP() << "local S3 server unavailable (node + s3rver): " << why;
    prefix_ = "s3://floe-test/ingest-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    env_ = s3_->AwsEnv();
    env_["AWS_ENDPOINT_URL"] = s3_->endpoint();
    env_["FLOE_STATE_DIR"] = dir_ / "state";
    fs::create_directories(dir_ / "state");
  }
  std::string warehouse() const { return prefix_ + "/wh"; }

  // Downloads every object under `prefix` whose key ends in `suffix` into `to`; the local
  // paths (keys kept relative to `prefix`).
  std::vector<std::string> Download(const std::string& prefix, std::string_view suffix,
                                    const std::string& to) {
    std::vector<std::string> out;
    CliRun ls = RunFloe({"storage", "ls", prefix + "/"}, env_);
    EXPECT_EQ(ls.code, 0) << ls.err;
    std::istringstream in(ls.out);
    std::string line;
    while (std::getline(in, line)) {
      const size_t tab = line.find('\t');
      if (tab == std::string::npos) continue;
      const std::string uri = line.substr(tab + 1);
      if (!uri.ends_with(suffix) || uri.find("/_floe_commits/") != std::string::npos) continue;
      const std::string local = to + "/" + uri.substr(prefix.size() + 1);
      fs::create_directories(fs::path(local).parent_path());
      CliRun cp = RunFloe({"storage", "cp", uri, local}, env_);
      EXPECT_EQ(cp.code, 0) << cp.err;
      out.push_back(local);
    }
    return out;
  }

  TempDir dir_{"ingest_s3"};
  floe::testing::S3TestServer* s3_ = nullptr;
  std::string prefix_;
  std::map<std::string, std::string> env_;
};

TEST_F(IngestS3Test, StructuredRecordsLandInAnS3WarehouseAndFileSink) {
  const std::string config =
      "[server]\nwarehouse = \"" + warehouse() + "\"\n\n[[streams]]\nname = \"clicks\"\n" +
      std::string(kClicksFieldsToml) +
      "\n[[sinks]]\nname = \"clicks_table\"\ntable = \"analytics.clicks\"\n"
      "partition = \"day(ts), bucket(4, id)\"\ninterval_seconds = 3600\n\n"
      "[[sinks]]\nname = \"clicks_files\"\nuri = \"" +
      prefix_ +
      "/exports\"\nformat = \"parquet\"\ntime_field = \"ts\"\nfile_prefix = \"clicks-\"\n"
      "interval_seconds = 3600\n\n"
      "[[pipelines]]\nstream = \"clicks\"\nsink = \"clicks_table\"\n\n"
      "[[pipelines]]\nstream = \"clicks\"\nsink = \"clicks_files\"\n";
  IngestServer server({dir_.path(), config, "", env_});
  auto started = server.Start();
  ASSERT_TRUE(started) << started.message();

  const std::vector<ClickRecord> first = MakeClicks(20000, 120, 21);
  std::vector<std::string> texts;
  for (const ClickRecord& r : first) texts.push_back(r.text);
  for (const BodyForm& f : BodiesInEveryForm(texts)) {
    Reply r = server.Post("clicks", f.body, f.options);
    EXPECT_EQ(r.status, 200) << f.name << ": " << r.Describe();
    EXPECT_EQ(r.json().value("accepted", int64_t{-1}), f.records) << f.name << ": " << r.body;
  }
  Reply flush = server.Flush("clicks");
  ASSERT_EQ(flush.status, 200) << flush.Describe() << "\n" << server.LogTail();

  // A second batch committed by SIGTERM alone.
  const std::vector<ClickRecord> second = MakeClicks(30000, 40, 22);
  std::string body;
  for (const ClickRecord& r : second) body += r.text + "\n";
  PostOk(server, "clicks", body, 40);
  EXPECT_EQ(server.Terminate(), 0) << server.LogTail();
  EXPECT_TRUE(fs::exists(dir_ / "floe-wal"))
      << "the log of an s3:// warehouse defaults to ./floe-wal";

  std::vector<ClickRecord> all = first;
  all.insert(all.end(), second.begin(), second.end());
  std::vector<Json> rows;
  for (const Json& row : ScanTable("analytics.clicks", warehouse(), env_)) {
    int64_t arrival;
    rows.push_back(NormalizeScannedClick(row, &arrival));
  }
  ExpectSameClicks(rows, all, "floe table scan of the s3:// table");

  std::map<std::string, int64_t> want_partitions, got_partitions;
  for (const ClickRecord& r : all) {
    want_partitions["ts_day=" + DayText(r.expected["ts_us"].get<int64_t>()) +
                    "/id_bucket=" + std::to_string(IcebergBucketLong(r.id, 4))]++;
  }
  for (const TableFile& f : TableFiles("analytics.clicks", warehouse(), env_)) {
    EXPECT_TRUE(f.path.starts_with(warehouse() + "/")) << f.path;
    auto parts = PathPartitions(f.path);
    ASSERT_GE(parts.size(), 2u) << f.path;
    const auto& day = parts[parts.size() - 2];
    const auto& bucket = parts[parts.size() - 1];
    got_partitions[day.first + "=" + day.second + "/" + bucket.first + "=" + bucket.second] +=
        f.records;
  }
  EXPECT_EQ(got_partitions, want_partitions);

  // The Parquet file sink on S3, downloaded and read by DuckDB.
  const std::vector<std::string> parquet =
      Download(prefix_ + "/exports", ".parquet", dir_ / "exports");
  ASSERT_FALSE(parquet.empty());
  std::set<std::string> want_folders, got_folders;
  for (const ClickRecord& r : all) {
    const std::string day = DayText(r.expected["ts_us"].get<int64_t>());
    want_folders.insert("year=" + day.substr(0, 4) + "/month=" + day.substr(5, 2) +
                        "/day=" + day.substr(8, 2));
  }
  for (const std::string& p : parquet) {
    got_folders.insert(fs::path(fs::relative(p, dir_ / "exports")).parent_path().string());
  }
  EXPECT_EQ(got_folders, want_folders);
  std::string why;
  if (!DuckDbAvailable(&why)) {
    std::cerr << "[  SKIPPED ] the DuckDB part: " << why << "\n";
    return;
  }
  std::string error;
  const std::vector<Json> duck_rows =
      DuckDbClickRows(dir_.path(), dir_ / "exports/**/*.parquet", &error);
  ASSERT_TRUE(error.empty()) << error;
  ExpectSameClicks(duck_rows, all, "DuckDB read_parquet of the s3:// file sink");
}

TEST_F(IngestS3Test, DefaultEventsStreamOnAnS3Warehouse) {
  IngestServer server({dir_.path(), "", warehouse(), env_});
  auto started = server.Start();
  ASSERT_TRUE(started) << started.message();
  std::string body;
  std::multiset<std::string> want;
  for (int i = 0; i < 25; ++i) {
    const Json e = {{"i", i}, {"s", std::string(static_cast<size_t>(i), 'x')}};
    body += e.dump() + "\n";
    want.insert(e.dump());
  }
  PostOk(server, "events", Gzip(body), 25, {"application/x-ndjson", "gzip", ""});
  CliRun flush = RunFloe({"streams", "flush", "events", "--server", server.url()}, env_);
  ASSERT_EQ(flush.code, 0) << flush.out << flush.err;
  std::multiset<std::string> got;
  for (const Json& row : ScanTable("default.events", warehouse(), env_)) {
    got.insert(Json::parse(row.value("value", "null")).dump());
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(server.Terminate(), 0) << server.LogTail();
}

}  // namespace
}  // namespace floe::ingest_test
