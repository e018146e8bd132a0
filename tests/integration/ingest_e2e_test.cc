// Streaming ingest end to end, black box: `floe serve` on 127.0.0.1 with a
// floe.toml, events posted in every body form the API takes, read back through
// `floe table scan|files`, the file sinks' files and DuckDB; flush (HTTP and
// `floe streams flush`), commits on SIGTERM, /metrics, `floe streams status`, and the
// default `events` stream of a server started without a config.
#include <mutex>
#include <regex>
#include <set>

#include "ingest_harness.h"

namespace floe::ingest_test {
namespace {

// A clicks stream feeding a partitioned table, a Parquet file sink (folders by ts) and a
// projected NDJSON file sink (folders by arrival time). Commits only on flush or exit.
std::string ClicksConfig(const TempDir& dir, int interval_seconds = 3600) {
  const std::string interval = std::to_string(interval_seconds);
  return "[server]\nwarehouse = \"" + (dir / "wh") +
         "\"\n\n"
         "[[streams]]\nname = \"clicks\"\nunknown_fields = \"reject\"\n" +
         std::string(kClicksFieldsToml) +
         "\n[[sinks]]\nname = \"clicks_table\"\ntable = \"analytics.clicks\"\n"
         "partition = \"day(ts), bucket(4, id)\"\n"
         "properties = { \"write.parquet.compression-codec\" = \"zstd\" }\n"
         "interval_seconds = " +
         interval + "\n\n[[sinks]]\nname = \"clicks_parquet\"\nuri = \"" +
         (dir / "exports/parquet") +
         "\"\nformat = \"parquet\"\ncompression = \"zstd\"\n"
         "partition_pattern = \"year=%Y/month=%m/day=%d\"\ntime_field = \"ts\"\n"
         "file_prefix = \"clicks-\"\ninterval_seconds = " +
         interval + "\n\n[[sinks]]\nname = \"clicks_ndjson\"\nuri = \"file://" +
         (dir / "exports/ndjson") + "\"\nformat = \"ndjson\"\ninterval_seconds = " + interval +
         "\n\n[[pipelines]]\nstream = \"clicks\"\nsink = \"clicks_table\"\n\n"
         "[[pipelines]]\nstream = \"clicks\"\nsink = \"clicks_parquet\"\n\n"
         "[[pipelines]]\nstream = \"clicks\"\nsink = \"clicks_ndjson\"\n"
         "fields = [\"id\", \"url\", \"tags\", \"arrival_time\"]\n";
}

class IngestE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!FloeBuilt()) GTEST_SKIP() << FLOE_BINARY << " is not built";
    ASSERT_FALSE(dir_.path().empty());
  }
  std::string warehouse() const { return dir_ / "wh"; }

  std::unique_ptr<IngestServer> StartClicks(int interval_seconds = 3600) {
    auto server = std::make_unique<IngestServer>(
        IngestServer::Options{dir_.path(), ClicksConfig(dir_, interval_seconds), "", {}});
    auto started = server->Start();
    EXPECT_TRUE(started) << started.message();
    if (!started) return nullptr;
    return server;
  }

  // Posts every record once, spread over every body form; returns the arrival window.
  std::pair<int64_t, int64_t> PostEveryForm(const IngestServer& server,
                                            const std::vector<ClickRecord>& records) {
    std::vector<std::string> texts;
    for (const ClickRecord& r : records) texts.push_back(r.text);
    const int64_t before = NowMicros();
    int64_t total = 0;
    for (const BodyForm& f : BodiesInEveryForm(texts)) {
      Reply r = server.Post("clicks", f.body, f.options);
      EXPECT_EQ(r.status, 200) << f.name << ": " << r.Describe();
      const Json j = r.json();
      EXPECT_EQ(j.value("accepted", int64_t{-1}), f.records) << f.name << ": " << r.body;
      EXPECT_TRUE(j.contains("rejected") && j["rejected"].is_array() && j["rejected"].empty())
          << f.name << ": " << r.body;
      total += f.records;
    }
    EXPECT_EQ(total, static_cast<int64_t>(records.size()));
    return {before, NowMicros()};
  }

  TempDir dir_{"ingest_e2e"};
};

TEST(IngestHarnessTest, BucketHashMatchesTheIcebergSpecExample) {
  // Iceberg spec, "Appendix B: 32-bit Hash Requirements": hash(34L) = 2017239379.
  EXPECT_EQ(IcebergBucketLong(34, 2147483647), 2017239379 % 2147483647);
  EXPECT_EQ(Base64("any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw==");
  EXPECT_EQ(ParseUtcMicros("1970-01-02T00:00:01.5Z"), 86401500000);
  EXPECT_EQ(Rfc3339(86401500000, 90, 3), "1970-01-02T01:30:01.500+01:30");
}

TEST_F(IngestE2eTest, StructuredRecordsComeBackIdenticalFromEverySink) {
  auto server = StartClicks();
  ASSERT_NE(server, nullptr);
  const std::vector<ClickRecord> records = MakeClicks(1000, 240, 7);
  auto [before, after] = PostEveryForm(*server, records);

  // Nothing is visible before a commit (the interval is an hour).
  EXPECT_TRUE(ScanTable("analytics.clicks", warehouse()).empty());

  Reply flush = server->Flush("clicks");
  ASSERT_EQ(flush.status, 200) << flush.Describe();
  const Json fj = flush.json();
  EXPECT_EQ(fj.value("stream", ""), "clicks") << flush.body;
  std::set<std::string> flushed_sinks;
  for (const Json& s : fj.value("sinks", Json::array())) {
    flushed_sinks.insert(s.value("sink", ""));
    EXPECT_GT(s.value("committed_lsn", int64_t{0}), 0) << flush.body;
  }
  EXPECT_EQ(flushed_sinks,
            (std::set<std::string>{"clicks_table", "clicks_parquet", "clicks_ndjson"}))
      << flush.body;

  // The table: columns in declaration order, then arrival_time.
  CliRun raw =
      RunFloe({"table", "scan", "analytics.clicks", "--warehouse", warehouse(), "--limit", "1"});
  ASSERT_EQ(raw.code, 0) << raw.err;
  const auto first = nlohmann::ordered_json::parse(raw.out, nullptr, false);
  ASSERT_FALSE(first.is_discarded()) << raw.out;
  std::vector<std::string> columns;
  for (auto it = first.begin(); it != first.end(); ++it) columns.push_back(it.key());
  EXPECT_EQ(columns, ClicksColumns());

  std::vector<Json> rows;
  for (const Json& row : ScanTable("analytics.clicks", warehouse())) {
    int64_t arrival = -1;
    rows.push_back(NormalizeScannedClick(row, &arrival));
    EXPECT_GE(arrival, before - 1000000) << row.dump();  // 1 s of clock granularity slack
    EXPECT_LE(arrival, after + 1000000) << row.dump();
  }
  ExpectSameClicks(rows, records, "floe table scan analytics.clicks");

  // Partitioned as configured: every data file lies under ts_day=<day>/id_bucket=<b>, and
  // the records per partition are the ones computed here from the posted data.
  std::map<std::string, int64_t> want_partitions, got_partitions;
  for (const ClickRecord& r : records) {
    want_partitions["ts_day=" + DayText(r.expected["ts_us"].get<int64_t>()) +
                    "/id_bucket=" + std::to_string(IcebergBucketLong(r.id, 4))]++;
  }
  const std::vector<TableFile> files = TableFiles("analytics.clicks", warehouse());
  ASSERT_FALSE(files.empty());
  for (const TableFile& f : files) {
    auto parts = PathPartitions(f.path);
    ASSERT_GE(parts.size(), 2u) << f.path;
    const auto& day = parts[parts.size() - 2];
    const auto& bucket = parts[parts.size() - 1];
    EXPECT_EQ(day.first, "ts_day") << f.path;
    EXPECT_EQ(bucket.first, "id_bucket") << f.path;
    EXPECT_TRUE(f.path.ends_with(".parquet")) << f.path;
    got_partitions[day.first + "=" + day.second + "/" + bucket.first + "=" + bucket.second] +=
        f.records;
  }
  EXPECT_EQ(got_partitions, want_partitions);

  // The Parquet file sink: folders by ts, file names <prefix><start:020>-<end:020>.
  const std::vector<std::string> parquet = FilesUnder(dir_ / "exports/parquet", ".parquet");
  ASSERT_FALSE(parquet.empty());
  const std::regex name_re(R"(clicks-\d{20}-\d{20}(-\d+)?\.parquet)");
  std::set<std::string> want_folders, got_folders;
  for (const ClickRecord& r : records) {
    const std::string day = DayText(r.expected["ts_us"].get<int64_t>());
    want_folders.insert("year=" + day.substr(0, 4) + "/month=" + day.substr(5, 2) +
                        "/day=" + day.substr(8, 2));
  }
  for (const std::string& p : parquet) {
    const std::string rel = fs::relative(p, dir_ / "exports/parquet").string();
    EXPECT_TRUE(std::regex_match(fs::path(p).filename().string(), name_re)) << rel;
    got_folders.insert(fs::path(rel).parent_path().string());
  }
  EXPECT_EQ(got_folders, want_folders);
  EXPECT_TRUE(fs::exists(dir_ / "exports/parquet/_floe_commits"));

  // The projected NDJSON file sink: files read as they are.
  const std::vector<std::string> ndjson = FilesUnder(dir_ / "exports/ndjson", ".ndjson");
  ASSERT_FALSE(ndjson.empty());
  std::map<int64_t, Json> ndjson_rows;
  for (const Json& row : ReadNdjsonFiles(ndjson)) {
    std::set<std::string> keys;
    for (auto it = row.begin(); it != row.end(); ++it) keys.insert(it.key());
    keys.insert({"id", "url", "tags", "arrival_time"});  // absent ones may be left out
    EXPECT_EQ(keys, (std::set<std::string>{"id", "url", "tags", "arrival_time"})) << row.dump();
    const int64_t id = row.value("id", int64_t{-1});
    EXPECT_FALSE(ndjson_rows.contains(id)) << "id " << id << " twice in the NDJSON sink";
    ndjson_rows[id] = row;
  }
  EXPECT_EQ(ndjson_rows.size(), records.size());
  for (const ClickRecord& r : records) {
    auto it = ndjson_rows.find(r.id);
    if (it == ndjson_rows.end()) {
      ADD_FAILURE() << "NDJSON sink: missing id " << r.id;
      continue;
    }
    EXPECT_EQ(it->second.value("url", Json()), r.expected["url"]) << it->second.dump();
    EXPECT_EQ(it->second.value("tags", Json()), r.expected["tags"]) << it->second.dump();
  }

  // DuckDB reads both file sinks and sees the same rows.
  std::string why;
  if (!DuckDbAvailable(&why)) {
    std::cerr << "[  SKIPPED ] the DuckDB part: " << why << "\n";
    return;
  }
  std::string error;
  const std::vector<Json> duck_rows =
      DuckDbClickRows(dir_.path(), dir_ / "exports/parquet/**/*.parquet", &error);
  ASSERT_TRUE(error.empty()) << error;
  ExpectSameClicks(duck_rows, records, "DuckDB read_parquet of the file sink");

  const std::string ndjson_glob = SqlQuote(dir_ / "exports/ndjson/**/*.ndjson");
  const std::vector<std::string> described =
      DuckDbQuery(dir_.path(),
                  "SELECT string_agg(column_name, ',') FROM (DESCRIBE SELECT * FROM read_json(" +
                      ndjson_glob + ", format = 'newline_delimited', hive_partitioning = false))",
                  &error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_EQ(described.size(), 1u);
  EXPECT_EQ(described[0], "id,url,tags,arrival_time");
  const std::vector<std::string> duck_ndjson =
      DuckDbQuery(dir_.path(),
                  "SELECT to_json(t)::VARCHAR FROM (SELECT id, url, tags FROM read_json(" +
                      ndjson_glob + ", format = 'newline_delimited', hive_partitioning = false)) t",
                  &error);
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(duck_ndjson.size(), records.size());
  std::map<int64_t, Json> by_id;
  for (const std::string& line : duck_ndjson) {
    Json j = Json::parse(line, nullptr, false);
    by_id[j.value("id", int64_t{-1})] = j;
  }
  for (const ClickRecord& r : records) {
    const Json want = {{"id", r.id}, {"url", r.expected["url"]}, {"tags", r.expected["tags"]}};
    EXPECT_EQ(by_id[r.id], want);
  }

  EXPECT_EQ(server->Terminate(), 0) << server->LogTail();
}

TEST_F(IngestE2eTest, DefaultEventsStreamWithoutAConfig) {
  // No floe.toml: stream `events` (unstructured) -> table default.events, partitioned by
  // day(arrival_time).
  IngestServer server({dir_.path(), "", warehouse(), {}});
  auto started = server.Start();
  ASSERT_TRUE(started) << started.message();

  std::vector<Json> events;
  for (int i = 0; i < 60; ++i) {
    Json e = {{"seq", i}, {"kind", i % 2 ? "click" : "view"}};
    if (i % 3 == 0) e["nested"] = {{"a", {1, 2, {{"b", nullptr}}}}, {"s", "\xc3\xa9\xe2\x9c\x93"}};
    if (i % 4 == 0) e["big"] = 9007199254740993LL;
    if (i % 5 == 0) e["f"] = 0.1;
    events.push_back(e);
  }
  std::vector<std::string> texts;
  for (const Json& e : events) texts.push_back(e.dump());
  const int64_t before = NowMicros();
  for (const BodyForm& f : BodiesInEveryForm(texts)) {
    Reply r = server.Post("events", f.body, f.options);
    EXPECT_EQ(r.status, 200) << f.name << ": " << r.Describe();
    EXPECT_EQ(r.json().value("accepted", int64_t{-1}), f.records) << f.name << ": " << r.body;
  }
  // text/plain: an array when the first non-blank byte is '['.
  {
    Json a = {{"seq", 100}, {"plain", true}}, b = {{"seq", 101}, {"plain", true}};
    events.push_back(a);
    events.push_back(b);
    Reply r =
        server.Post("events", "  \n[" + a.dump() + "," + b.dump() + "]", {"text/plain", "", ""});
    EXPECT_EQ(r.status, 200) << r.Describe();
    EXPECT_EQ(r.json().value("accepted", int64_t{-1}), 2) << r.body;
  }
  const int64_t after = NowMicros();

  // `floe streams flush` commits what was acknowledged.
  CliRun flush = RunFloe({"streams", "flush", "events", "--server", server.url()});
  ASSERT_EQ(flush.code, 0) << flush.out << flush.err;

  const std::vector<Json> rows = ScanTable("default.events", warehouse());
  ASSERT_EQ(rows.size(), events.size());
  std::multiset<std::string> want, got;
  for (const Json& e : events) want.insert(e.dump());
  for (const Json& row : rows) {
    ASSERT_TRUE(row.contains("value") && row["value"].is_string()) << row.dump();
    const Json v = Json::parse(row["value"].get<std::string>(), nullptr, false);
    EXPECT_FALSE(v.is_discarded()) << row.dump();
    got.insert(v.dump());
    ASSERT_TRUE(row.contains("arrival_time") && row["arrival_time"].is_string()) << row.dump();
    const auto arrival = ParseUtcMicros(row["arrival_time"].get<std::string>());
    ASSERT_TRUE(arrival.has_value()) << row.dump();
    EXPECT_GE(*arrival, before - 1000000);
    EXPECT_LE(*arrival, after + 1000000);
    EXPECT_EQ(row.size(), 2u) << row.dump();
  }
  EXPECT_EQ(got, want);

  std::set<std::string> days = {DayText(before), DayText(after)};
  for (const TableFile& f : TableFiles("default.events", warehouse())) {
    auto parts = PathPartitions(f.path);
    ASSERT_FALSE(parts.empty()) << f.path;
    EXPECT_EQ(parts.back().first, "arrival_time_day") << f.path;
    EXPECT_TRUE(days.contains(parts.back().second)) << f.path;
  }
  EXPECT_EQ(server.Terminate(), 0) << server.LogTail();
}

TEST_F(IngestE2eTest, FlushEndpointsAndTheCliMakeRowsVisible) {
  auto server = StartClicks();
  ASSERT_NE(server, nullptr);
  const std::vector<ClickRecord> records = MakeClicks(5000, 35, 3);
  auto post = [&](size_t lo, size_t hi) {
    std::string body;
    for (size_t i = lo; i < hi; ++i) body += records[i].text + "\n";
    PostOk(*server, "clicks", body, static_cast<int64_t>(hi - lo));
  };
  auto ids = [&]() {
    std::set<int64_t> out;
    for (const Json& r : ScanTable("analytics.clicks", warehouse()))
      out.insert(r["id"].get<int64_t>());
    return out;
  };
  auto want = [&](size_t hi) {
    std::set<int64_t> out;
    for (size_t i = 0; i < hi; ++i) out.insert(records[i].id);
    return out;
  };

  post(0, 10);
  EXPECT_TRUE(ids().empty());
  Reply r = server->Flush("clicks");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(ids(), want(10));
  // Nothing new: a flush commits nothing and answers the same.
  r = server->Flush("clicks");
  EXPECT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(ids(), want(10));

  post(10, 20);
  CliRun cli = RunFloe({"streams", "flush", "clicks", "--server", server->url()});
  EXPECT_EQ(cli.code, 0) << cli.out << cli.err;
  EXPECT_EQ(ids(), want(20));

  post(20, 30);
  r = server->FlushAll();
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(ids(), want(30));

  // `curl -X POST URL/v1/streams/clicks/flush`, the way the server's banner and the README
  // show, sends neither a body nor a Content-Length.
  post(30, 35);
  Reply curl = RawRequest(server->port(),
                          "POST /v1/streams/clicks/flush HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "User-Agent: curl/7.88.1\r\nAccept: */*\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(curl.status, 200) << "POST .../flush without Content-Length: " << curl.Describe();
  if (curl.status != 200) {
    ASSERT_EQ(server->Flush("clicks").status, 200);
  }
  EXPECT_EQ(ids(), want(35));

  // Unknown streams.
  EXPECT_EQ(server->Flush("nope").status, 404);
  cli = RunFloe({"streams", "flush", "nope", "--server", server->url()});
  EXPECT_NE(cli.code, 0);
  EXPECT_NE((cli.out + cli.err).find("nope"), std::string::npos) << cli.out << cli.err;
  EXPECT_EQ(server->Terminate(), 0) << server->LogTail();
}

TEST_F(IngestE2eTest, ShortIntervalCommitsWithoutAFlush) {
  auto server = StartClicks(/*interval_seconds=*/1);
  ASSERT_NE(server, nullptr);
  const std::vector<ClickRecord> records = MakeClicks(7000, 20, 5);
  std::string body;
  for (const ClickRecord& r : records) body += r.text + "\n";
  PostOk(*server, "clicks", body, 20);
  // Polls (up to 60 s, not a timing assertion) until the interval commit shows the rows.
  size_t seen = 0;
  for (int i = 0; i < 240 && seen < records.size(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    CliRun r = RunFloe({"table", "scan", "analytics.clicks", "--warehouse", warehouse()});
    seen = r.code == 0 ? static_cast<size_t>(std::count(r.out.begin(), r.out.end(), '\n')) : 0;
  }
  EXPECT_EQ(seen, records.size()) << "no commit within 60 s with interval_seconds = 1";
  EXPECT_EQ(server->Terminate(), 0) << server->LogTail();
}

TEST_F(IngestE2eTest, SigtermCommitsEverythingAcknowledgedBeforeExit) {
  auto server = StartClicks();
  ASSERT_NE(server, nullptr);
  const std::vector<ClickRecord> records = MakeClicks(9000, 120, 11);
  PostEveryForm(*server, records);
  // No flush: the interval is an hour, only shutdown commits.
  EXPECT_EQ(server->Terminate(), 0) << server->LogTail();

  std::vector<Json> rows;
  for (const Json& row : ScanTable("analytics.clicks", warehouse())) {
    int64_t arrival;
    rows.push_back(NormalizeScannedClick(row, &arrival));
  }
  ExpectSameClicks(rows, records, "table after SIGTERM");
  std::set<int64_t> in_files;
  for (const Json& row : ReadNdjsonFiles(FilesUnder(dir_ / "exports/ndjson", ".ndjson"))) {
    EXPECT_TRUE(in_files.insert(row.value("id", int64_t{-1})).second) << row.dump();
  }
  EXPECT_EQ(in_files.size(), records.size());

  // A restart finds nothing left to replay and writes nothing twice.
  auto again = StartClicks();
  ASSERT_NE(again, nullptr);
  ASSERT_EQ(again->FlushAll().status, 200);
  EXPECT_EQ(ScanTable("analytics.clicks", warehouse()).size(), records.size());
  EXPECT_EQ(again->Terminate(), 0) << again->LogTail();
}

TEST_F(IngestE2eTest, SigintCommitsToo) {
  IngestServer server({dir_.path(), "", warehouse(), {}});
  auto started = server.Start();
  ASSERT_TRUE(started) << started.message();
  PostOk(server, "events", "{\"a\": 1}\n{\"a\": 2}\n", 2);
  EXPECT_EQ(server.Terminate(std::chrono::seconds(120), SIGINT), 0) << server.LogTail();
  EXPECT_EQ(ScanTable("default.events", warehouse()).size(), 2u);
}

TEST_F(IngestE2eTest, FlagsOverrideTheConfigFile) {
  // The file names one warehouse, --warehouse another (and --listen the port).
  const std::string config = "[server]\nlisten = \"127.0.0.1:1\"\nwarehouse = \"" +
                             (dir_ / "wh-file") +
                             "\"\n\n[[streams]]\nname = \"raw\"\nunstructured = true\n\n"
                             "[[sinks]]\nname = \"raw_t\"\ntable = \"x.raw\"\n\n"
                             "[[pipelines]]\nstream = \"raw\"\nsink = \"raw_t\"\n";
  IngestServer server({dir_.path(), config, dir_ / "wh-flag", {}});
  auto started = server.Start();
  ASSERT_TRUE(started) << started.message();
  PostOk(server, "raw", "{\"a\": 1}", 1, {"application/json", "", ""});
  EXPECT_EQ(server.Terminate(), 0) << server.LogTail();
  EXPECT_EQ(ScanTable("x.raw", dir_ / "wh-flag").size(), 1u);
  EXPECT_FALSE(fs::exists(dir_ / "wh-file"));
}

TEST_F(IngestE2eTest, AnInvalidConfigIsRefusedWithItsPath) {
  const std::string path = dir_ / "bad.toml";
  WriteFile(path,
            "[[streams]]\nname = \"s\"\nfields = [\n  { name = \"id\", type = \"int64\" },\n"
            "  { name = \"v\", type = \"int128\" },\n]\n\n"
            "[[sinks]]\nname = \"t\"\ntable = \"a.b\"\n\n"
            "[[pipelines]]\nstream = \"s\"\nsink = \"t\"\n");
  CliRun r = RunCommand("cd " + ShellQuote(dir_.path()) + " && timeout 30 " +
                            ShellQuote(FLOE_BINARY) + " serve --config " + ShellQuote(path) +
                            " --listen 127.0.0.1:" + std::to_string(PickPort()) + " </dev/null",
                        /*merge_stderr=*/true);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("bad.toml"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("streams[0].fields[1].type"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("int128"), std::string::npos) << r.out;
}

TEST_F(IngestE2eTest, EpochNumbersInEachUnit) {
  const std::string config =
      "[server]\nwarehouse = \"" + warehouse() +
      "\"\n\n[[streams]]\nname = \"t\"\nfields = [\n"
      "  { name = \"id\", type = \"int64\", required = true },\n"
      "  { name = \"s\", type = \"timestamp\", unit = \"s\" },\n"
      "  { name = \"ms\", type = \"timestamp\", unit = \"ms\" },\n"
      "  { name = \"us\", type = \"timestamp\", unit = \"us\" },\n]\n\n"
      "[[sinks]]\nname = \"tt\"\ntable = \"u.t\"\n\n[[pipelines]]\nstream = \"t\"\nsink = \"tt\"\n";
  IngestServer server({dir_.path(), config, "", {}});
  auto started = server.Start();
  ASSERT_TRUE(started) << started.message();
  PostOk(server, "t",
         "{\"id\": 1, \"s\": 1700000000, \"ms\": 1700000000123, \"us\": 1700000000123456}\n"
         "{\"id\": 2, \"s\": -1, \"ms\": -1, \"us\": -1}\n"
         "{\"id\": 3, \"s\": 0, \"ms\": 0, \"us\": 0}\n",
         3);
  // Fractional epoch seconds: a number in the unit, so 0.5 s is 500 ms (a user's reading;
  // the contract does not say).
  PostOk(server, "t", "{\"id\": 4, \"s\": 1700000000.5, \"ms\": 1700000000123.5}\n", 1);
  ASSERT_EQ(server.Flush("t").status, 200);
  std::map<int64_t, Json> rows;
  for (const Json& r : ScanTable("u.t", warehouse())) rows[r["id"].get<int64_t>()] = r;
  ASSERT_EQ(rows.size(), 4u);
  auto micros = [&](int64_t id, const char* col) -> int64_t {
    const Json& v = rows[id][col];
    if (!v.is_string()) return INT64_MIN;
    return ParseUtcMicros(v.get<std::string>()).value_or(INT64_MIN);
  };
  EXPECT_EQ(micros(1, "s"), 1700000000000000);
  EXPECT_EQ(micros(1, "ms"), 1700000000123000);
  EXPECT_EQ(micros(1, "us"), 1700000000123456);
  EXPECT_EQ(rows[2]["s"], "1969-12-31T23:59:59Z");
  EXPECT_EQ(rows[2]["ms"], "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(rows[2]["us"], "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(rows[3]["s"], "1970-01-01T00:00:00Z");
  EXPECT_EQ(micros(4, "s"), 1700000000500000);
  EXPECT_EQ(micros(4, "ms"), 1700000000123500);
  EXPECT_EQ(server.Terminate(), 0) << server.LogTail();
}

TEST_F(IngestE2eTest, BackpressureAnswers429WithRetryAfterAndWritesNothingRefused) {
  // A 1 MB log limit and an hour-long interval: concurrent 300 KB requests outrun the
  // commits the service starts at half the limit.
  const std::string config =
      "[server]\nwarehouse = \"" + warehouse() +
      "\"\nmax_log_mb = 1\nretry_after_seconds = 2\n\n"
      "[[streams]]\nname = \"raw\"\nunstructured = true\n\n"
      "[[sinks]]\nname = \"raw_t\"\ntable = \"bp.raw\"\ninterval_seconds = 3600\n\n"
      "[[pipelines]]\nstream = \"raw\"\nsink = \"raw_t\"\n";
  IngestServer server({dir_.path(), config, "", {}});
  auto started = server.Start();
  ASSERT_TRUE(started) << started.message();
  const std::string pad(1000, 'p');
  std::mutex mu;
  std::set<int64_t> acked, refused;
  std::map<int, int> statuses;
  std::vector<std::string> bad_retry_after;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int req = 0; req < 6; ++req) {
        std::string body;
        std::vector<int64_t> ids;
        for (int i = 0; i < 300; ++i) {
          const int64_t id = (t * 100 + req) * 1000 + i;
          ids.push_back(id);
          body += "{\"i\": " + std::to_string(id) + ", \"pad\": \"" + pad + "\"}\n";
        }
        Reply r = server.Post("raw", body);
        std::lock_guard lock(mu);
        statuses[r.status]++;
        if (r.status == 200) acked.insert(ids.begin(), ids.end());
        if (r.status == 429) {
          refused.insert(ids.begin(), ids.end());
          if (r.header("Retry-After") != "2") bad_retry_after.push_back(r.header("Retry-After"));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::string summary;
  for (const auto& [status, n] : statuses) {
    summary += " " + std::to_string(status) + "x" + std::to_string(n);
  }
  std::cerr << "[ backpr.  ] replies:" << summary << "\n";
  for (const auto& [status, n] : statuses) {
    EXPECT_TRUE(status == 200 || status == 429) << "HTTP " << status << " x" << n;
  }
  EXPECT_TRUE(bad_retry_after.empty()) << "Retry-After '" << bad_retry_after[0] << "', want '2'";
  if (refused.empty()) std::cerr << "[ backpr.  ] no 429 in this run (commits kept up)\n";
  // A refused request succeeds when sent again after Retry-After, without a flush: past
  // half its limit the log makes the sinks commit, which releases it (up to 20 tries).
  Reply again;
  for (int i = 0; i < 20 && again.status != 200; ++i) {
    again = server.Post("raw", "{\"i\": -1}", {"application/json", "", ""});
    if (again.status == 429) std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  EXPECT_EQ(again.status, 200) << "still refused after 20 x Retry-After: " << again.Describe();
  if (again.status == 200) acked.insert(-1);
  EXPECT_EQ(server.Terminate(), 0) << server.LogTail();
  std::multiset<int64_t> got;
  for (const Json& row : ScanTable("bp.raw", warehouse())) {
    got.insert(Json::parse(row["value"].get<std::string>())["i"].get<int64_t>());
  }
  EXPECT_EQ(got, std::multiset<int64_t>(acked.begin(), acked.end()))
      << "acknowledged requests exactly once, refused (429) ones not at all";
}

TEST_F(IngestE2eTest, MetricsAndStatusReportWhatHappened) {
  auto server = StartClicks();
  ASSERT_NE(server, nullptr);
  const std::vector<ClickRecord> records = MakeClicks(11000, 50, 13);
  std::string body;
  for (const ClickRecord& r : records) body += r.text + "\n";
  PostOk(*server, "clicks", body, 50);
  // Two rejected requests: one bad record, one malformed body.
  const std::string bad_body = records[0].text + "\n{\"id\": \"x\"}\n";
  EXPECT_EQ(server->Post("clicks", bad_body).status, 400);
  EXPECT_EQ(server->Post("clicks", "{\"id\": 1", {"application/json", "", ""}).status, 400);

  std::vector<Sample> m = server->Metrics();
  const std::map<std::string, std::string> stream = {{"stream", "clicks"}};
  EXPECT_EQ(Metric(m, "floe_events_accepted_total", stream), 50.0);
  EXPECT_GE(Metric(m, "floe_events_rejected_total", stream).value_or(-1), 1.0);
  // Bytes accepted: at least the normalized records' size order; at most what was posted
  // plus the arrival_time each normalized record gains.
  const double accepted_bytes = Metric(m, "floe_bytes_accepted_total", stream).value_or(-1);
  EXPECT_GT(accepted_bytes, 0.0);
  EXPECT_LE(accepted_bytes, 2.0 * static_cast<double>(body.size()) + 50 * 64);
  EXPECT_GT(Metric(m, "floe_bytes_rejected_total", stream).value_or(-1), 0.0);
  EXPECT_GT(Metric(m, "floe_log_bytes").value_or(-1), 0.0);
  EXPECT_GT(Metric(m, "floe_log_unreleased_bytes").value_or(-1), 0.0);
  EXPECT_LE(Metric(m, "floe_log_unreleased_bytes").value_or(0),
            Metric(m, "floe_log_bytes").value_or(-1));
  for (const std::string sink : {"clicks_table", "clicks_parquet", "clicks_ndjson"}) {
    const std::map<std::string, std::string> s = {{"sink", sink}};
    EXPECT_GE(Metric(m, "floe_sink_lag_bytes", s).value_or(-1), 0.0) << sink;
    EXPECT_EQ(Metric(m, "floe_files_written_total", s), 0.0) << sink;
    EXPECT_EQ(Metric(m, "floe_rows_written_total", s), 0.0) << sink;
    EXPECT_GE(Metric(m, "floe_open_files", s).value_or(-1), 0.0) << sink;
  }

  ASSERT_EQ(server->Flush("clicks").status, 200);
  m = server->Metrics();
  for (const std::string sink : {"clicks_table", "clicks_parquet", "clicks_ndjson"}) {
    const std::map<std::string, std::string> s = {{"sink", sink}};
    EXPECT_EQ(Metric(m, "floe_rows_written_total", s), 50.0) << sink;
    EXPECT_GE(Metric(m, "floe_files_written_total", s).value_or(-1), 1.0) << sink;
    EXPECT_EQ(Metric(m, "floe_sink_lag_bytes", s), 0.0) << sink;
    EXPECT_EQ(Metric(m, "floe_open_files", s), 0.0) << sink;
    // floe_commit_seconds: a histogram, cumulative buckets ending in +Inf == count >= 1.
    const auto count = Metric(m, "floe_commit_seconds_count", s);
    ASSERT_TRUE(count.has_value()) << sink;
    EXPECT_GE(*count, 1.0) << sink;
    EXPECT_GT(Metric(m, "floe_commit_seconds_sum", s).value_or(-1), 0.0) << sink;
    double previous = 0;
    int buckets = 0;
    for (const Sample& x : m) {
      if (x.name != "floe_commit_seconds_bucket" || x.labels.count("sink") == 0 ||
          x.labels.at("sink") != sink) {
        continue;
      }
      ++buckets;
      EXPECT_GE(x.value, previous) << sink << " le=" << x.labels.at("le");
      previous = x.value;
    }
    EXPECT_GE(buckets, 2) << sink;
    EXPECT_EQ(Metric(m, "floe_commit_seconds_bucket", {{"sink", sink}, {"le", "+Inf"}}), count)
        << sink;
  }
  // Every documented series carries a TYPE line.
  const std::string text = server->Get("/metrics").body;
  for (const char* name :
       {"floe_events_accepted_total", "floe_events_rejected_total", "floe_bytes_accepted_total",
        "floe_bytes_rejected_total", "floe_log_bytes", "floe_log_unreleased_bytes",
        "floe_sink_lag_bytes", "floe_commit_seconds", "floe_files_written_total",
        "floe_rows_written_total", "floe_open_files"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
  }

  // Status, over HTTP and through the CLI.
  Reply status = server->Get("/v1/streams");
  ASSERT_EQ(status.status, 200) << status.Describe();
  CliRun cli = RunFloe({"streams", "status", "--server", server->url()});
  ASSERT_EQ(cli.code, 0) << cli.out << cli.err;
  for (const Json& j : {status.json(), Json::parse(cli.out, nullptr, false)}) {
    ASSERT_TRUE(j.is_object()) << cli.out;
    bool found = false;
    for (const Json& s : j.value("streams", Json::array())) {
      if (s.value("name", "") != "clicks") continue;
      found = true;
      EXPECT_EQ(s.value("accepted", int64_t{-1}), 50) << s.dump();
      EXPECT_GE(s.value("rejected", int64_t{-1}), 1) << s.dump();
      EXPECT_GT(s.value("bytes", int64_t{-1}), 0) << s.dump();
    }
    EXPECT_TRUE(found) << j.dump();
    std::set<std::string> sinks;
    for (const Json& s : j.value("sinks", Json::array())) {
      sinks.insert(s.value("name", ""));
      EXPECT_GT(s.value("committed_lsn", int64_t{0}), 0) << s.dump();
      EXPECT_EQ(s.value("pending_rows", int64_t{-1}), 0) << s.dump();
      EXPECT_EQ(s.value("lag_bytes", int64_t{-1}), 0) << s.dump();
    }
    EXPECT_EQ(sinks, (std::set<std::string>{"clicks_table", "clicks_parquet", "clicks_ndjson"}));
    EXPECT_TRUE(j.contains("log") && j["log"].is_object()) << j.dump();
  }
  EXPECT_EQ(server->Get("/healthz").json().value("status", ""), "ok");
  EXPECT_EQ(server->Terminate(), 0) << server->LogTail();
}

}  // namespace
}  // namespace floe::ingest_test
