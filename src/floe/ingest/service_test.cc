#include "floe/ingest/service.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "floe/iceberg/scan.h"
#include "floe/iceberg/sqlite_catalog.h"

namespace floe::ingest {
namespace {

namespace fs = std::filesystem;

class IngestServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("floe-service-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  IngestConfig Config(InvalidRecords policy = InvalidRecords::kDeadLetter) {
    IngestConfig c;
    c.server.warehouse = (dir_ / "warehouse").string();
    c.server.wal_dir = (dir_ / "wal").string();
    StreamConfig s;
    s.name = "clicks";
    StreamField id;
    id.name = "id";
    id.type = StreamField::Type::kInt64;
    id.required = true;
    StreamField url;
    url.name = "url";
    url.type = StreamField::Type::kString;
    s.fields = {id, url};
    s.invalid_records = policy;
    if (policy == InvalidRecords::kDeadLetter) s.dead_letter_sink = "dead";
    c.streams.push_back(s);
    SinkConfig table;
    table.name = "clicks";
    table.kind = SinkConfig::Kind::kTable;
    table.table = "db.clicks";
    table.interval_seconds = 3600;  // commits come from Flush only
    c.sinks.push_back(table);
    if (policy == InvalidRecords::kDeadLetter) {
      SinkConfig dead;
      dead.name = "dead";
      dead.kind = SinkConfig::Kind::kFiles;
      dead.uri = (dir_ / "dead").string();
      dead.format = SinkConfig::FileFormat::kNdjson;
      dead.interval_seconds = 3600;
      c.sinks.push_back(dead);
    }
    PipelineConfig p;
    p.stream = "clicks";
    p.sink = "clicks";
    c.pipelines.push_back(p);
    return c;
  }

  static std::string Lines(int64_t begin, int64_t end) {
    std::string out;
    for (int64_t i = begin; i < end; ++i) {
      out += "{\"id\": " + std::to_string(i) + ", \"url\": \"/p/" + std::to_string(i) + "\"}\n";
    }
    return out;
  }

  // Every id in table db.clicks, sorted, duplicates kept.
  std::vector<int64_t> ScanIds() {
    iceberg::SqliteCatalogOptions o;
    o.warehouse = (dir_ / "warehouse").string();
    auto catalog = iceberg::SqliteCatalog::Open(o);
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    auto table = (*catalog)->LoadTable(*iceberg::TableIdentifier::Parse("db.clicks"));
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    if (!table.ok()) return {};
    auto plan = iceberg::PlanScan(table->metadata, iceberg::ScanOptions{});
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    iceberg::TableReader reader(std::move(*plan), iceberg::PathMapping{});
    auto batches = reader.ReadAll();
    EXPECT_TRUE(batches.ok()) << batches.status().ToString();
    std::vector<int64_t> ids;
    for (const RecordBatch& b : *batches) {
      for (int64_t r = 0; r < b.num_rows; ++r) ids.push_back(b.columns[0]->Value<int64_t>(r));
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static std::vector<int64_t> Range(int64_t begin, int64_t end) {
    std::vector<int64_t> v;
    for (int64_t i = begin; i < end; ++i) v.push_back(i);
    return v;
  }

  std::unique_ptr<IngestService> Open(const IngestConfig& c) {
    auto s = IngestService::Open(c);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  fs::path dir_;
};

TEST_F(IngestServiceTest, AcknowledgedEventsLandOnFlush) {
  auto service = Open(Config());
  ASSERT_TRUE(service);
  for (int k = 0; k < 5; ++k) {
    IngestReply r = service->Ingest("clicks", Lines(k * 10, k * 10 + 10), BodyFormat::kNdjson);
    ASSERT_EQ(r.status, 200) << r.body.dump();
    EXPECT_EQ(r.body["accepted"], 10);
    EXPECT_TRUE(r.body["rejected"].empty());
  }
  auto flushed = service->Flush("clicks");
  ASSERT_TRUE(flushed.ok()) << flushed.status().ToString();
  EXPECT_GT((*flushed)["sinks"][0]["committed_lsn"].get<uint64_t>(), 0u);
  EXPECT_EQ(ScanIds(), Range(0, 50));
  const std::string metrics = service->Metrics();
  EXPECT_NE(metrics.find("floe_events_accepted_total{stream=\"clicks\"} 50"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("floe_rows_written_total{sink=\"clicks\"} 50"), std::string::npos);
  ASSERT_TRUE(service->Shutdown().ok());
}

TEST_F(IngestServiceTest, RestartReplaysWhatWasNotCommittedExactlyOnce) {
  {
    auto service = Open(Config());
    ASSERT_TRUE(service);
    ASSERT_EQ(service->Ingest("clicks", Lines(0, 100), BodyFormat::kNdjson).status, 200);
    ASSERT_TRUE(service->Flush("").ok());
    for (int k = 0; k < 5; ++k) {
      ASSERT_EQ(
          service->Ingest("clicks", Lines(100 + k * 10, 110 + k * 10), BodyFormat::kNdjson).status,
          200);
    }
    // Destroyed without Shutdown: like a crash after the acknowledgements.
  }
  EXPECT_EQ(ScanIds(), Range(0, 100));
  {
    auto service = Open(Config());
    ASSERT_TRUE(service);
    ASSERT_TRUE(service->Flush("clicks").ok());
    EXPECT_EQ(ScanIds(), Range(0, 150));
    ASSERT_EQ(service->Ingest("clicks", Lines(150, 160), BodyFormat::kNdjson).status, 200);
  }
  {
    auto service = Open(Config());  // a third start must not replay committed records
    ASSERT_TRUE(service);
    ASSERT_TRUE(service->Shutdown().ok());
  }
  EXPECT_EQ(ScanIds(), Range(0, 160));
}

TEST_F(IngestServiceTest, InvalidRecordsGoToTheDeadLetterSink) {
  auto service = Open(Config());
  ASSERT_TRUE(service);
  const std::string body =
      "{\"id\": 1, \"url\": \"/a\"}\n{\"id\": \"two\"}\n{\"id\": 3}\n{\"url\": \"/x\"}\n";
  IngestReply r = service->Ingest("clicks", body, BodyFormat::kNdjson);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["accepted"], 2);
  ASSERT_EQ(r.body["rejected"].size(), 2u);
  EXPECT_EQ(r.body["rejected"][0]["index"], 1);
  EXPECT_EQ(r.body["rejected"][0]["field"], "id");
  EXPECT_EQ(r.body["rejected"][1]["index"], 3);
  EXPECT_EQ(r.body["dead_lettered"], 2);
  ASSERT_TRUE(service->Shutdown().ok());
  EXPECT_EQ(ScanIds(), (std::vector<int64_t>{1, 3}));

  std::vector<nlohmann::json> dead;
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "dead")) {
    if (!e.is_regular_file() || e.path().extension() != ".ndjson") continue;
    std::ifstream in(e.path());
    std::string line;
    while (std::getline(in, line)) dead.push_back(nlohmann::json::parse(line));
  }
  ASSERT_EQ(dead.size(), 2u);
  std::sort(dead.begin(), dead.end(),
            [](const auto& a, const auto& b) { return a["index"] < b["index"]; });
  EXPECT_EQ(dead[0]["stream"], "clicks");
  EXPECT_EQ(dead[0]["field"], "id");
  EXPECT_EQ(dead[0]["record"], "{\"id\": \"two\"}");
  EXPECT_FALSE(dead[0]["error"].get<std::string>().empty());
  EXPECT_EQ(dead[1]["index"], 3);
}

TEST_F(IngestServiceTest, RejectRequestPolicyWritesNothing) {
  auto service = Open(Config(InvalidRecords::kRejectRequest));
  ASSERT_TRUE(service);
  IngestReply bad = service->Ingest("clicks", "{\"id\": 1}\n{\"id\": 1.5}\n", BodyFormat::kNdjson);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["accepted"], 0);
  ASSERT_EQ(bad.body["rejected"].size(), 1u);
  EXPECT_EQ(bad.body["rejected"][0]["index"], 1);
  IngestReply good = service->Ingest("clicks", "[{\"id\": 7}, {\"id\": 8}]", BodyFormat::kJson);
  EXPECT_EQ(good.status, 200) << good.body.dump();
  IngestReply malformed = service->Ingest("clicks", "[{\"id\": 7}, ", BodyFormat::kJson);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_FALSE(malformed.body["error"].get<std::string>().empty());
  EXPECT_EQ(service->Ingest("nope", "{}", BodyFormat::kJson).status, 404);
  ASSERT_TRUE(service->Shutdown().ok());
  EXPECT_EQ(ScanIds(), (std::vector<int64_t>{7, 8}));
  EXPECT_EQ(service->Ingest("clicks", "{\"id\": 9}", BodyFormat::kJson).status, 503);
}

TEST_F(IngestServiceTest, LogPastItsLimitAnswers429UntilCommitted) {
  IngestConfig c = Config(InvalidRecords::kRejectRequest);
  c.server.max_log_bytes = 1;  // every acknowledged request puts the log past its limit
  c.server.retry_after_seconds = 2;
  auto service = Open(c);
  ASSERT_TRUE(service);
  std::vector<int64_t> expected;
  bool throttled = false;
  for (int k = 0; k < 1000 && !throttled; ++k) {
    IngestReply r = service->Ingest("clicks", Lines(k * 10, k * 10 + 10), BodyFormat::kNdjson);
    if (r.status == 429) {
      throttled = true;
      EXPECT_EQ(r.retry_after, 2);
      EXPECT_NE(r.body["error"].get<std::string>().find("retry"), std::string::npos);
    } else {
      ASSERT_EQ(r.status, 200) << r.body.dump();
      for (int64_t i = k * 10; i < k * 10 + 10; ++i) expected.push_back(i);
    }
  }
  EXPECT_TRUE(throttled);
  // Committing releases the log (the worker commits early under log pressure, and Flush
  // waits for it), so requests are taken again.
  ASSERT_TRUE(service->Flush("clicks").ok());
  EXPECT_EQ(service->Ingest("clicks", "{\"id\": -1}", BodyFormat::kJson).status, 200);
  ASSERT_TRUE(service->Shutdown().ok());
  expected.insert(expected.begin(), -1);
  EXPECT_EQ(ScanIds(), expected);
}

}  // namespace
}  // namespace floe::ingest
