#include "floe/ingest/sink.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "floe/columnar/json_reader.h"
#include "floe/columnar/json_writer.h"
#include "floe/format/parquet/file_reader.h"
#include "floe/iceberg/data_file_writer.h"
#include "floe/iceberg/scan.h"
#include "floe/iceberg/sqlite_catalog.h"
#include "floe/iceberg/table_write.h"
#include "floe/ingest/file_sink.h"
#include "floe/ingest/table_sink.h"
#include "floe/io/fault_store.h"
#include "floe/io/memory_store.h"
#include "floe/io/object_store.h"

namespace floe::ingest {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMicrosPerHour = 3'600'000'000;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
constexpr int64_t kDay0 = 19'723;  // 2024-01-01: 54 years of 365 days + 13 leap days
constexpr const char* kLog = "3f1c2a9e-0b7d-4c55-9a61-7f0e4d2b8c10";

// The input as the validator emits it: declared fields, then arrival_time.
SchemaPtr InputSchema() {
  static const SchemaPtr schema = std::make_shared<const Schema>(std::vector<Field>{
      {"id", types::Int64(), false},
      {"ts", types::Timestamp(TimeUnit::kMicro, true), true},
      {"url", types::String(), true},
      {"payload", types::Json(), true},
      {"tags", types::List(types::String()), true},
      {"arrival_time", types::Timestamp(TimeUnit::kMicro, true), false},
  });
  return schema;
}

// Row i of the test data. ts falls on 2024-01-01, -02 or -03 (i % 3), or is null (i % 13
// == 6); arrival_time is on 2024-01-06.
struct Row {
  int64_t id;
  std::optional<int64_t> ts;
  std::optional<std::string> url;
  std::optional<std::string> payload;
  std::optional<std::vector<std::string>> tags;
  int64_t arrival;
};

Row MakeRow(int64_t i, size_t url_bytes = 0) {
  Row r;
  r.id = i;
  if (i % 13 != 6) r.ts = (kDay0 + i % 3) * kMicrosPerDay + (i * 7919) % kMicrosPerDay;
  if (i % 7 != 3) {
    r.url = fmt::format("https://example.com/p/{}", i);
    // Incompressible filler (xorshift hex) for tests that need bytes.
    uint64_t x = static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull + 1;
    while (r.url->size() < url_bytes) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      *r.url += fmt::format("{:016x}", x);
    }
  }
  if (i % 11 != 2) r.payload = fmt::format(R"({{"k":{},"s":"v{}"}})", i, i % 5);
  if (i % 9 != 8) {
    r.tags.emplace();
    for (int64_t t = 0; t < i % 4; ++t) r.tags->push_back(fmt::format("t{}", t));
  }
  r.arrival = (kDay0 + 5) * kMicrosPerDay + i;
  return r;
}

RecordBatch Batch(int64_t begin, int64_t end, size_t url_bytes = 0) {
  BatchBuilder b(InputSchema());
  for (int64_t i = begin; i < end; ++i) {
    const Row r = MakeRow(i, url_bytes);
    b.column(0).AppendInt(r.id);
    r.ts ? b.column(1).AppendInt(*r.ts) : b.column(1).AppendNull();
    r.url ? b.column(2).AppendBytes(*r.url) : b.column(2).AppendNull();
    r.payload ? b.column(3).AppendBytes(*r.payload) : b.column(3).AppendNull();
    if (r.tags) {
      for (const std::string& t : *r.tags) b.column(4).child(0).AppendBytes(t);
      b.column(4).CloseList();
    } else {
      b.column(4).AppendNull();
    }
    b.column(5).AppendInt(r.arrival);
  }
  return b.Finish();
}

// The folder of row i under "year=%Y/month=%m/day=%d", worked out by hand.
std::string DayFolder(int64_t i) {
  const Row r = MakeRow(i);
  if (!r.ts) return "year=2024/month=01/day=06";  // null ts: arrival time
  return fmt::format("year=2024/month=01/day=0{}", 1 + i % 3);
}

// Every row of `batches` as a JSON object text, keyed by id (a repeated id fails).
std::map<int64_t, std::string> RowsById(const std::vector<RecordBatch>& batches) {
  std::map<int64_t, std::string> out;
  for (const RecordBatch& b : batches) {
    const int id = b.schema->IndexOf("id");
    EXPECT_GE(id, 0);
    for (int64_t r = 0; r < b.num_rows; ++r) {
      std::string text;
      AppendRowJson(b, r, &text);
      const int64_t key = b.columns[static_cast<size_t>(id)]->Value<int64_t>(r);
      EXPECT_TRUE(out.emplace(key, std::move(text)).second) << "id " << key << " twice";
    }
  }
  return out;
}

std::map<int64_t, std::string> ExpectedRows(int64_t begin, int64_t end) {
  return RowsById({Batch(begin, end)});
}

std::string UniqueName(std::string_view what) {
  static std::atomic<int> counter{0};
  return fmt::format("{}_{}_{}", what, ::getpid(), counter.fetch_add(1));
}

// ---------------------------------------------------------------------------------------
// Names.

TEST(FileSinkNamesTest, FormatAndParse) {
  using F = SinkConfig::FileFormat;
  EXPECT_EQ(FileSinkDataFileName("clicks-", 5, 17, 1, F::kParquet),
            "clicks-00000000000000000005-00000000000000000017.parquet");
  EXPECT_EQ(FileSinkDataFileName("", 0, 18446744073709551615ull, 3, F::kNdjson),
            "00000000000000000000-18446744073709551615-3.ndjson");
  EXPECT_EQ(FileSinkMarkerName(250, 400), "00000000000000000250-00000000000000000400.json");

  auto p = ParseFileSinkDataFileName("clicks-00000000000000000005-00000000000000000017-12.ndjson",
                                     "clicks-");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->start, 5u);
  EXPECT_EQ(p->end, 17u);
  EXPECT_EQ(p->n, 12);
  p = ParseFileSinkDataFileName("clicks-00000000000000000005-00000000000000000017.parquet",
                                "clicks-");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->n, 1);
  for (const char* bad : {
           "other-00000000000000000005-00000000000000000017.parquet",  // prefix
           "clicks-0000000000000000005-00000000000000000017.parquet",  // 19 digits
           "clicks-00000000000000000005-00000000000000000017-1.parquet",
           "clicks-00000000000000000005-00000000000000000017-02.parquet",
           "clicks-00000000000000000005-00000000000000000017.json",
           "clicks-00000000000000000005-00000000000000000017.parquet.tmp.0123456789abcdef",
           "clicks-99999999999999999999-00000000000000000017.parquet",  // > 2^64 - 1
       }) {
    EXPECT_FALSE(ParseFileSinkDataFileName(bad, "clicks-").has_value()) << bad;
  }
}

// ---------------------------------------------------------------------------------------
// File sinks, on a local directory and on memory://.

class FileSinkTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      dir_ = fs::temp_directory_path() / UniqueName("floe_file_sink_test");
      fs::remove_all(dir_);
      root_ = dir_.string();
    } else {
      root_ = "memory://" + UniqueName("file-sink");
    }
    uri_ = root_ + "/exports/clicks";
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  SinkConfig Config(SinkConfig::FileFormat format = SinkConfig::FileFormat::kParquet) const {
    SinkConfig c;
    c.name = "clicks_files";
    c.kind = SinkConfig::Kind::kFiles;
    c.uri = uri_;
    c.format = format;
    c.compression = "zstd";
    c.file_prefix = "clicks-";
    c.time_field = "ts";
    return c;
  }

  static std::unique_ptr<Sink> OpenOk(const SinkConfig& config, std::string log_id = kLog) {
    Sink::Context context;
    context.log_id = std::move(log_id);
    auto sink = Sink::Open(config, InputSchema(), context);
    EXPECT_TRUE(sink.ok()) << sink.status().ToString();
    return sink.ok() ? std::move(*sink) : nullptr;
  }

  // Every object under the sink's URI: relative key -> size.
  std::map<std::string, uint64_t> Tree(const std::string& uri) const {
    auto r = io::ResolveUri(uri);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    auto listed = r->store->List(r->key + "/");
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    std::map<std::string, uint64_t> out;
    for (const io::ObjectInfo& o : *listed) out[o.key.substr(r->key.size() + 1)] = o.size;
    return out;
  }
  std::map<std::string, uint64_t> Tree() const { return Tree(uri_); }

  static std::map<std::string, uint64_t> DataFiles(const std::map<std::string, uint64_t>& tree) {
    std::map<std::string, uint64_t> out;
    for (const auto& [k, v] : tree) {
      if (!k.starts_with("_floe_commits/")) out.emplace(k, v);
    }
    return out;
  }

  std::string Get(const std::string& relative) const {
    auto r = io::ResolveUri(uri_ + "/" + relative);
    EXPECT_TRUE(r.ok());
    auto text = r->store->Get(r->key);
    EXPECT_TRUE(text.ok()) << relative << ": " << text.status().ToString();
    return text.ok() ? *text : "";
  }

  // The rows of every data file, read back with floe's Parquet reader or ParseJsonLines.
  std::map<int64_t, std::string> ReadBack() const {
    std::vector<RecordBatch> batches;
    for (const auto& [key, size] : DataFiles(Tree())) {
      if (key.ends_with(".parquet")) {
        auto file = io::OpenForRead(uri_ + "/" + key);
        EXPECT_TRUE(file.ok()) << file.status().ToString();
        auto reader = parquet::FileReader::Open(std::move(*file));
        EXPECT_TRUE(reader.ok()) << reader.status().ToString();
        for (;;) {
          auto batch = (*reader)->Next();
          EXPECT_TRUE(batch.ok()) << batch.status().ToString();
          if (!batch.ok() || !*batch) break;
          batches.push_back(std::move(**batch));
        }
      } else {
        auto batch = ParseJsonLines(Get(key), InputSchema());
        EXPECT_TRUE(batch.ok()) << key << ": " << batch.status().ToString();
        if (batch.ok()) batches.push_back(std::move(*batch));
      }
    }
    return RowsById(batches);
  }

  fs::path dir_;
  std::string root_;
  std::string uri_;
};

std::string Range(wal::Lsn start, wal::Lsn end) { return fmt::format("{:020}-{:020}", start, end); }

TEST_P(FileSinkTest, ParquetCommitsLandInTimeFoldersOnce) {
  const SinkConfig config = Config();
  auto sink = OpenOk(config);
  ASSERT_NE(sink, nullptr);
  EXPECT_EQ(sink->committed_lsn(), 0u);
  EXPECT_EQ(sink->written_lsn(), 0u);

  ASSERT_TRUE(sink->Write(Batch(0, 100), 100).ok());
  ASSERT_TRUE(sink->Write(Batch(100, 250), 250).ok());
  EXPECT_EQ(sink->written_lsn(), 250u);
  EXPECT_EQ(sink->committed_lsn(), 0u);
  EXPECT_EQ(sink->pending_rows(), 250);
  EXPECT_GT(sink->pending_bytes(), 0);
  EXPECT_TRUE(DataFiles(Tree()).empty()) << "nothing is visible before Commit";

  auto stats = sink->Commit();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->start_lsn, 0u);
  EXPECT_EQ(stats->end_lsn, 250u);
  EXPECT_EQ(stats->rows, 250);
  EXPECT_EQ(sink->committed_lsn(), 250u);
  EXPECT_EQ(sink->written_lsn(), 250u);
  EXPECT_EQ(sink->pending_rows(), 0);

  // One file per folder, named by the commit's range.
  std::set<std::string> want;
  for (int64_t i = 0; i < 250; ++i) {
    want.insert(DayFolder(i) + "/clicks-" + Range(0, 250) + ".parquet");
  }
  std::map<std::string, uint64_t> files = DataFiles(Tree());
  std::set<std::string> got;
  int64_t bytes = 0;
  for (const auto& [k, v] : files) got.insert(k), bytes += static_cast<int64_t>(v);
  EXPECT_EQ(got, want);
  EXPECT_EQ(want.size(), 4u);  // three ts days and the arrival day
  EXPECT_EQ(stats->files, 4);
  EXPECT_EQ(stats->bytes, bytes);
  EXPECT_EQ(ReadBack(), ExpectedRows(0, 250));
  // Each row is in the folder of its time.
  for (const std::string& key : got) {
    auto file = io::OpenForRead(uri_ + "/" + key);
    ASSERT_TRUE(file.ok());
    auto reader = parquet::FileReader::Open(std::move(*file));
    ASSERT_TRUE(reader.ok());
    auto batch = (*reader)->Next();
    ASSERT_TRUE(batch.ok() && *batch);
    for (int64_t r = 0; r < (*batch)->num_rows; ++r) {
      const int64_t id = (*batch)->columns[0]->Value<int64_t>(r);
      EXPECT_TRUE(key.starts_with(DayFolder(id) + "/")) << key << " holds row " << id;
    }
  }

  // The marker describes the commit.
  const std::string marker_text = Get("_floe_commits/" + Range(0, 250) + ".json");
  const nlohmann::json marker = nlohmann::json::parse(marker_text);
  EXPECT_EQ(marker["log_id"], kLog);
  EXPECT_EQ(marker["sink"], "clicks_files");
  EXPECT_EQ(marker["start_lsn"], 0);
  EXPECT_EQ(marker["end_lsn"], 250);
  ASSERT_EQ(marker["files"].size(), 4u);
  int64_t marker_rows = 0;
  for (const nlohmann::json& f : marker["files"]) {
    const std::string path = f["path"];
    EXPECT_TRUE(files.contains(path)) << path;
    EXPECT_EQ(f["bytes"].get<uint64_t>(), files[path]);
    marker_rows += f["rows"].get<int64_t>();
  }
  EXPECT_EQ(marker_rows, 250);

  // A second commit, then a reopen resumes from its end.
  ASSERT_TRUE(sink->Write(Batch(250, 300), 400).ok());
  stats = sink->Commit();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->start_lsn, 250u);
  EXPECT_EQ(stats->end_lsn, 400u);
  EXPECT_TRUE(Tree().contains("year=2024/month=01/day=01/clicks-" + Range(250, 400) + ".parquet"));
  sink.reset();
  auto reopened = OpenOk(config);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->committed_lsn(), 400u);
  EXPECT_EQ(reopened->written_lsn(), 400u);
  EXPECT_EQ(ReadBack(), ExpectedRows(0, 300));
}

TEST_P(FileSinkTest, NdjsonFilesReadBackWithTheJsonReader) {
  SinkConfig config = Config(SinkConfig::FileFormat::kNdjson);
  config.time_field = "";  // arrival time: every row on 2024-01-06
  config.partition_pattern = "/dt=%Y-%m-%d/";
  auto sink = OpenOk(config);
  ASSERT_NE(sink, nullptr);
  ASSERT_TRUE(sink->Write(Batch(0, 120), 7).ok());
  ASSERT_TRUE(sink->Write(Batch(120, 200), 9).ok());
  auto stats = sink->Commit();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->rows, 200);
  EXPECT_EQ(stats->files, 1);
  const std::map<std::string, uint64_t> files = DataFiles(Tree());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.begin()->first, "dt=2024-01-06/clicks-" + Range(0, 9) + ".ndjson");
  const std::string text = Get(files.begin()->first);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 200);
  EXPECT_EQ(ReadBack(), ExpectedRows(0, 200));
}

TEST_P(FileSinkTest, FilesRollAtMaxFileMbWithinOneCommit) {
  SinkConfig config = Config();
  config.partition_pattern = "";  // one folder: the URI itself
  config.compression = "none";
  config.max_file_mb = 1;
  auto sink = OpenOk(config);
  ASSERT_NE(sink, nullptr);
  // ~2.6 MB of incompressible text in batches of 500 rows.
  for (int64_t i = 0; i < 10'000; i += 500) {
    ASSERT_TRUE(sink->Write(Batch(i, i + 500, 256), static_cast<wal::Lsn>(i + 500)).ok());
  }
  EXPECT_GT(sink->pending_bytes(), int64_t{2} << 20);
  auto stats = sink->Commit();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  const std::map<std::string, uint64_t> files = DataFiles(Tree());
  ASSERT_GE(files.size(), 2u);
  EXPECT_EQ(stats->files, static_cast<int64_t>(files.size()));
  for (size_t n = 1; n <= files.size(); ++n) {
    const std::string name = "clicks-" + Range(0, 10'000) +
                             (n == 1 ? std::string() : fmt::format("-{}", n)) + ".parquet";
    ASSERT_TRUE(files.contains(name)) << name;
    // Rolled on the writer's size estimate (encoded pages in memory count a little more
    // than they take in the file): each rolled file holds well over half the limit.
    if (n < files.size()) {
      EXPECT_GE(files.at(name), uint64_t{512} << 10) << name;
    }
  }
  std::map<int64_t, std::string> want = RowsById({Batch(0, 10'000, 256)});
  EXPECT_EQ(ReadBack(), want);
}

TEST_P(FileSinkTest, FoldersFollowThePatternInUtc) {
  SinkConfig config = Config();
  config.partition_pattern = "dt=%Y-%m-%d/hour=%H";
  auto sink = OpenOk(config);
  ASSERT_NE(sink, nullptr);
  // ts values chosen by hand, each with the folder it belongs in.
  const std::vector<std::pair<int64_t, std::string>> cases = {
      {kDay0 * kMicrosPerDay + 5 * kMicrosPerHour + 17, "dt=2024-01-01/hour=05"},
      {kDay0 * kMicrosPerDay + 5 * kMicrosPerHour + kMicrosPerHour - 1, "dt=2024-01-01/hour=05"},
      {kDay0 * kMicrosPerDay + 6 * kMicrosPerHour, "dt=2024-01-01/hour=06"},
      {kDay0 * kMicrosPerDay - 1, "dt=2023-12-31/hour=23"},
      {-1, "dt=1969-12-31/hour=23"},  // before the epoch: floor, not truncation
      {0, "dt=1970-01-01/hour=00"},
      {(kDay0 + 59) * kMicrosPerDay + 12 * kMicrosPerHour, "dt=2024-02-29/hour=12"},
  };
  BatchBuilder b(InputSchema());
  for (size_t i = 0; i < cases.size(); ++i) {
    b.column(0).AppendInt(static_cast<int64_t>(i));
    b.column(1).AppendInt(cases[i].first);
    b.column(2).AppendNull();
    b.column(3).AppendNull();
    b.column(4).AppendNull();
    b.column(5).AppendInt(kDay0 * kMicrosPerDay);
  }
  ASSERT_TRUE(sink->Write(b.Finish(), 1).ok());
  ASSERT_TRUE(sink->Commit().ok());
  std::set<std::string> want, got;
  for (const auto& c : cases) want.insert(c.second + "/clicks-" + Range(0, 1) + ".parquet");
  for (const auto& [k, v] : DataFiles(Tree())) got.insert(k);
  EXPECT_EQ(got, want);
  // Row i sits in its folder.
  for (size_t i = 0; i < cases.size(); ++i) {
    auto file =
        io::OpenForRead(uri_ + "/" + cases[i].second + "/clicks-" + Range(0, 1) + ".parquet");
    ASSERT_TRUE(file.ok());
    auto reader = parquet::FileReader::Open(std::move(*file));
    ASSERT_TRUE(reader.ok());
    auto batch = (*reader)->Next();
    ASSERT_TRUE(batch.ok() && *batch);
    bool found = false;
    for (int64_t r = 0; r < (*batch)->num_rows; ++r) {
      found |= (*batch)->columns[0]->Value<int64_t>(r) == static_cast<int64_t>(i);
    }
    EXPECT_TRUE(found) << cases[i].second;
  }
}

TEST_P(FileSinkTest, AnotherLogsMarkersAreIgnoredAndItsFilesKept) {
  const SinkConfig config = Config();
  auto a = OpenOk(config, "log-a");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->Write(Batch(0, 50), 250).ok());
  ASSERT_TRUE(a->Commit().ok());
  a.reset();
  const std::map<std::string, uint64_t> before = DataFiles(Tree());

  auto b = OpenOk(config, "log-b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->committed_lsn(), 0u);
  EXPECT_EQ(DataFiles(Tree()), before) << "another log's committed files are not leftovers";
  ASSERT_TRUE(b->Write(Batch(50, 60), 30).ok());
  ASSERT_TRUE(b->Commit().ok());
  b.reset();

  auto a2 = OpenOk(config, "log-a");
  ASSERT_NE(a2, nullptr);
  EXPECT_EQ(a2->committed_lsn(), 250u);
  auto b2 = OpenOk(config, "log-b");
  ASSERT_NE(b2, nullptr);
  EXPECT_EQ(b2->committed_lsn(), 30u);
  EXPECT_EQ(ReadBack(), ExpectedRows(0, 60));
}

TEST_P(FileSinkTest, AFileOfTheSameNameFailsTheCommitAndIsNotOverwritten) {
  const SinkConfig config = Config();
  auto sink = OpenOk(config);
  ASSERT_NE(sink, nullptr);
  // A leftover nobody removed, of exactly the name the commit will use.
  const std::string taken = "year=2024/month=01/day=02/clicks-" + Range(0, 90) + ".parquet";
  {
    auto r = io::ResolveUri(uri_ + "/" + taken);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->store->Put(r->key, "not a parquet file").ok());
  }
  ASSERT_TRUE(sink->Write(Batch(0, 30), 90).ok());
  auto stats = sink->Commit();
  ASSERT_FALSE(stats.ok());
  EXPECT_TRUE(stats.status().IsAlreadyExists()) << stats.status().ToString();
  EXPECT_NE(stats.status().message().find(taken), std::string::npos) << stats.status().ToString();
  EXPECT_NE(stats.status().message().find("clicks_files"), std::string::npos);
  EXPECT_EQ(Get(taken), "not a parquet file");
  EXPECT_EQ(sink->committed_lsn(), 0u);
  EXPECT_EQ(sink->written_lsn(), 0u);
  std::map<std::string, uint64_t> tree = Tree();
  EXPECT_EQ(tree.size(), 1u) << "only the foreign file: no marker, nothing of ours";

  // Reopening removes it (it is named like a leftover of this sink), and the replay lands.
  sink.reset();
  sink = OpenOk(config);
  ASSERT_NE(sink, nullptr);
  EXPECT_TRUE(Tree().empty());
  ASSERT_TRUE(sink->Write(Batch(0, 30), 90).ok());
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(ReadBack(), ExpectedRows(0, 30));
}

TEST_P(FileSinkTest, PositionsMustGrowAndAbortDropsPendingRows) {
  auto sink = OpenOk(Config());
  ASSERT_NE(sink, nullptr);
  ASSERT_TRUE(sink->Write(Batch(0, 10), 10).ok());
  EXPECT_TRUE(sink->Write(Batch(10, 20), 9).Is(StatusCode::kInvalidArgument));
  ASSERT_TRUE(sink->Write(Batch(10, 20), 10).ok()) << "equal ends are allowed";
  sink->Abort();
  EXPECT_EQ(sink->written_lsn(), 0u);
  EXPECT_EQ(sink->pending_rows(), 0);
  EXPECT_EQ(sink->pending_bytes(), 0);
  auto stats = sink->Commit();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->rows, 0);
  EXPECT_TRUE(Tree().empty());

  // Writes without rows move the position; the commit publishes nothing.
  ASSERT_TRUE(sink->Write(Batch(0, 0), 40).ok());
  EXPECT_EQ(sink->written_lsn(), 40u);
  stats = sink->Commit();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->rows, 0);
  EXPECT_EQ(stats->end_lsn, 40u);
  EXPECT_EQ(sink->committed_lsn(), 40u);
  EXPECT_TRUE(Tree().empty());
  EXPECT_TRUE(sink->Write(Batch(0, 1), 40).Is(StatusCode::kInvalidArgument))
      << "at or below the committed position";
}

TEST_P(FileSinkTest, OpenRejectsUnusableSettings) {
  Sink::Context context;
  context.log_id = kLog;
  auto fails = [&](SinkConfig c, std::string_view needle) {
    auto sink = Sink::Open(c, InputSchema(), context);
    ASSERT_FALSE(sink.ok()) << needle;
    EXPECT_NE(sink.status().message().find("clicks_files"), std::string::npos)
        << sink.status().ToString();
    EXPECT_NE(sink.status().message().find(needle), std::string::npos) << sink.status().ToString();
  };
  SinkConfig c = Config();
  c.time_field = "nope";
  fails(c, "nope");
  c.time_field = "url";
  fails(c, "url");
  c = Config();
  c.compression = "lzw";
  fails(c, "lzw");
  c = Config();
  c.file_prefix = "a/b";
  fails(c, "a/b");
  c = Config();
  c.partition_pattern = "day=%";
  fails(c, "day=%");
  c = Config();
  c.partition_pattern = "a//%Y";
  fails(c, "a//%Y");
}

INSTANTIATE_TEST_SUITE_P(Stores, FileSinkTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Local" : "Memory"; });

// Failure injection: the marker put fails, with or without the cleanup failing too.
class FileSinkFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    authority_ = UniqueName("faulty-files");
    fault_ = std::make_shared<io::FaultStore>(std::make_shared<io::MemoryStore>(authority_));
    io::ObjectStoreRegistry::Default().Mount("memory", authority_, fault_);
    config_.name = "clicks_files";
    config_.kind = SinkConfig::Kind::kFiles;
    config_.uri = "memory://" + authority_ + "/out";
    config_.time_field = "ts";
    config_.file_prefix = "clicks-";
  }
  void TearDown() override { io::ObjectStoreRegistry::Default().Unmount("memory", authority_); }

  std::unique_ptr<Sink> OpenOk() {
    Sink::Context context;
    context.log_id = kLog;
    auto sink = Sink::Open(config_, InputSchema(), context);
    EXPECT_TRUE(sink.ok()) << sink.status().ToString();
    return sink.ok() ? std::move(*sink) : nullptr;
  }
  std::vector<std::string> Keys() {
    auto listed = fault_->inner().List("out/");
    EXPECT_TRUE(listed.ok());
    std::vector<std::string> keys;
    for (const auto& o : *listed) keys.push_back(o.key);
    return keys;
  }
  std::map<int64_t, std::string> ReadBack() {
    std::vector<RecordBatch> batches;
    for (const std::string& key : Keys()) {
      if (!key.ends_with(".parquet")) continue;
      auto file = fault_->inner().OpenForRead(key);
      EXPECT_TRUE(file.ok());
      auto reader = parquet::FileReader::Open(std::move(*file));
      EXPECT_TRUE(reader.ok()) << reader.status().ToString();
      for (;;) {
        auto batch = (*reader)->Next();
        if (!batch.ok() || !*batch) break;
        batches.push_back(std::move(**batch));
      }
    }
    return RowsById(batches);
  }

  std::string authority_;
  std::shared_ptr<io::FaultStore> fault_;
  SinkConfig config_;
};

TEST_F(FileSinkFaultTest, FailedMarkerPutShowsNothingAndTheReplayLandsOnce) {
  auto sink = OpenOk();
  ASSERT_NE(sink, nullptr);
  ASSERT_TRUE(sink->Write(Batch(0, 100), 100).ok());
  // Four data files (four folders), then the marker: the fifth create-if-absent.
  fault_->FailNth(io::FaultStore::Op::kPutIfAbsent, 5);
  auto stats = sink->Commit();
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.status().message().find("commit marker"), std::string::npos)
      << stats.status().ToString();
  EXPECT_EQ(sink->committed_lsn(), 0u);
  EXPECT_EQ(sink->written_lsn(), 0u);
  EXPECT_TRUE(Keys().empty()) << "the data files of the failed commit are removed";

  // The caller replays the same records; they land once.
  ASSERT_TRUE(sink->Write(Batch(0, 100), 100).ok());
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(ReadBack(), ExpectedRows(0, 100));
  sink.reset();
  auto reopened = OpenOk();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->committed_lsn(), 100u);
}

TEST_F(FileSinkFaultTest, LeftoversOfACutCommitAreRemovedOnReopen) {
  auto sink = OpenOk();
  ASSERT_NE(sink, nullptr);
  ASSERT_TRUE(sink->Write(Batch(0, 60), 60).ok());
  ASSERT_TRUE(sink->Commit().ok());
  ASSERT_TRUE(sink->Write(Batch(60, 100), 100).ok());
  const std::vector<std::string> committed_keys = Keys();
  fault_->FailNth(io::FaultStore::Op::kPutIfAbsent, 5);  // the marker
  fault_->FailNth(io::FaultStore::Op::kDelete, 1);       // and the cleanup
  ASSERT_FALSE(sink->Commit().ok());
  EXPECT_EQ(sink->committed_lsn(), 60u);
  EXPECT_EQ(Keys().size(), committed_keys.size() + 4) << "four leftovers, no marker";
  sink.reset();  // the process dies

  auto reopened = OpenOk();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->committed_lsn(), 60u);
  EXPECT_EQ(Keys(), committed_keys) << "leftovers removed, committed files kept";
  ASSERT_TRUE(reopened->Write(Batch(60, 100), 100).ok());
  ASSERT_TRUE(reopened->Commit().ok());
  EXPECT_EQ(ReadBack(), ExpectedRows(0, 100));
}

TEST_F(FileSinkFaultTest, UndeletedFilesOfAFailedCommitGoBeforeTheNextOne) {
  auto sink = OpenOk();
  ASSERT_NE(sink, nullptr);
  ASSERT_TRUE(sink->Write(Batch(0, 100), 100).ok());
  fault_->FailNth(io::FaultStore::Op::kPutIfAbsent, 5);
  fault_->FailNth(io::FaultStore::Op::kDelete, 1);
  ASSERT_FALSE(sink->Commit().ok());
  ASSERT_EQ(Keys().size(), 4u);
  // The replay is cut differently (another end): the old files must not stay beside it.
  ASSERT_TRUE(sink->Write(Batch(0, 100), 120).ok());
  auto stats = sink->Commit();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->end_lsn, 120u);
  EXPECT_EQ(ReadBack(), ExpectedRows(0, 100));
}

TEST_F(FileSinkFaultTest, KeepsTheNewestThousandMarkers) {
  config_.format = SinkConfig::FileFormat::kNdjson;
  config_.partition_pattern = "";
  auto sink = OpenOk();
  ASSERT_NE(sink, nullptr);
  constexpr int kCommits = 1003;
  for (int i = 0; i < kCommits; ++i) {
    ASSERT_TRUE(sink->Write(Batch(i, i + 1), static_cast<wal::Lsn>(i + 1)).ok());
    ASSERT_TRUE(sink->Commit().ok()) << i;
  }
  auto markers = fault_->inner().List("out/_floe_commits/");
  ASSERT_TRUE(markers.ok());
  ASSERT_EQ(markers->size(), kCommitMarkersKept);
  EXPECT_EQ(markers->front().key, "out/_floe_commits/" + FileSinkMarkerName(3, 4));
  EXPECT_EQ(markers->back().key, "out/_floe_commits/" + FileSinkMarkerName(kCommits - 1, kCommits));
  sink.reset();
  auto reopened = OpenOk();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->committed_lsn(), static_cast<wal::Lsn>(kCommits));
  // Data files whose markers were trimmed are not leftovers: they start below the position.
  auto data = fault_->inner().List("out/clicks-");
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->size(), static_cast<size_t>(kCommits));
}

// ---------------------------------------------------------------------------------------
// Table sinks.

// Forwards to a real catalog; can fail the next CommitTable before it runs, or after it
// landed (a lost answer: a retryable error, as a dropped connection gives).
class FlakyCatalog : public iceberg::Catalog {
 public:
  explicit FlakyCatalog(iceberg::Catalog& inner) : inner_(inner) {}
  enum class Fault { kNone, kBefore, kAfter };
  void FailNextCommit(Fault f) { fault_ = f; }

  Status CreateNamespace(const iceberg::Namespace& ns, const iceberg::Properties& p) override {
    return inner_.CreateNamespace(ns, p);
  }
  Result<std::vector<iceberg::Namespace>> ListNamespaces(const iceberg::Namespace& p) override {
    return inner_.ListNamespaces(p);
  }
  Result<iceberg::Properties> LoadNamespaceProperties(const iceberg::Namespace& ns) override {
    return inner_.LoadNamespaceProperties(ns);
  }
  Status UpdateNamespaceProperties(const iceberg::Namespace& ns, const iceberg::Properties& u,
                                   const std::vector<std::string>& r) override {
    return inner_.UpdateNamespaceProperties(ns, u, r);
  }
  Status DropNamespace(const iceberg::Namespace& ns) override { return inner_.DropNamespace(ns); }
  Result<std::vector<iceberg::TableIdentifier>> ListTables(const iceberg::Namespace& ns) override {
    return inner_.ListTables(ns);
  }
  Result<iceberg::LoadedTable> CreateTable(const iceberg::TableIdentifier& id,
                                           const iceberg::CreateTableRequest& r) override {
    return inner_.CreateTable(id, r);
  }
  Result<iceberg::LoadedTable> LoadTable(const iceberg::TableIdentifier& id) override {
    return inner_.LoadTable(id);
  }
  Result<iceberg::LoadedTable> CommitTable(const iceberg::TableIdentifier& id,
                                           const std::vector<iceberg::TableRequirement>& req,
                                           const std::vector<iceberg::TableUpdate>& up) override {
    const Fault f = std::exchange(fault_, Fault::kNone);
    if (f == Fault::kBefore) return Status::IOError("injected: catalog unreachable");
    Result<iceberg::LoadedTable> r = inner_.CommitTable(id, req, up);
    if (r.ok() && f == Fault::kAfter) {
      return Status::IOError("injected: connection reset, answer lost").WithRetryable(true);
    }
    return r;
  }
  Status DropTable(const iceberg::TableIdentifier& id, bool purge) override {
    return inner_.DropTable(id, purge);
  }
  Status RenameTable(const iceberg::TableIdentifier& a,
                     const iceberg::TableIdentifier& b) override {
    return inner_.RenameTable(a, b);
  }

 private:
  iceberg::Catalog& inner_;
  Fault fault_ = Fault::kNone;
};

class TableSinkTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / UniqueName("floe_table_sink_test");
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    iceberg::SqliteCatalogOptions options;
    options.warehouse =
        GetParam() ? (dir_ / "warehouse").string() : "memory://" + UniqueName("table-sink");
    options.database_path = (dir_ / "catalog.db").string();
    auto c = iceberg::SqliteCatalog::Open(options);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    catalog_ = std::move(*c);
    flaky_ = std::make_unique<FlakyCatalog>(*catalog_);
  }
  void TearDown() override {
    flaky_.reset();
    catalog_.reset();
    fs::remove_all(dir_);
  }

  static SinkConfig Config() {
    SinkConfig c;
    c.name = "clicks_table";
    c.kind = SinkConfig::Kind::kTable;
    c.table = "analytics.clicks";
    return c;
  }

  Result<std::unique_ptr<Sink>> Open(const SinkConfig& config, std::string log_id = kLog,
                                     SchemaPtr schema = InputSchema()) {
    Sink::Context context;
    context.catalog = flaky_.get();
    context.log_id = std::move(log_id);
    return Sink::Open(config, std::move(schema), context);
  }
  std::unique_ptr<Sink> OpenOk(const SinkConfig& config, std::string log_id = kLog) {
    auto sink = Open(config, std::move(log_id));
    EXPECT_TRUE(sink.ok()) << sink.status().ToString();
    return sink.ok() ? std::move(*sink) : nullptr;
  }

  iceberg::LoadedTable Load() {
    auto t = catalog_->LoadTable(id_);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return *t;
  }

  std::map<int64_t, std::string> Scan() {
    auto plan = iceberg::PlanScan(Load().metadata, iceberg::ScanOptions{});
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    if (!plan.ok()) return {};
    iceberg::TableReader reader(std::move(*plan), iceberg::PathMapping{});
    auto batches = reader.ReadAll();
    EXPECT_TRUE(batches.ok()) << batches.status().ToString();
    return batches.ok() ? RowsById(*batches) : std::map<int64_t, std::string>{};
  }

  int64_t DataFileBytes() {
    auto r = io::ResolveUri(Load().metadata.location + "/data/");
    EXPECT_TRUE(r.ok());
    auto listed = r->store->List(r->key);
    EXPECT_TRUE(listed.ok());
    int64_t n = 0;
    for (const io::ObjectInfo& o : *listed) n += static_cast<int64_t>(o.size);
    return n;
  }

  // Data files under the table's data folder.
  size_t DataFileCount() {
    auto r = io::ResolveUri(Load().metadata.location + "/data/");
    EXPECT_TRUE(r.ok());
    auto listed = r->store->List(r->key);
    EXPECT_TRUE(listed.ok());
    return listed->size();
  }

  fs::path dir_;
  std::unique_ptr<iceberg::SqliteCatalog> catalog_;
  std::unique_ptr<FlakyCatalog> flaky_;
  iceberg::TableIdentifier id_{{"analytics"}, "clicks"};
};

TEST_P(TableSinkTest, CreatesTheTableAndCommitsOnceWithItsPosition) {
  auto sink = OpenOk(Config());
  ASSERT_NE(sink, nullptr);
  EXPECT_EQ(sink->committed_lsn(), 0u);

  // The namespace and table were created from the input schema.
  const iceberg::LoadedTable created = Load();
  const iceberg::Schema& schema = *created.metadata.CurrentSchema();
  auto field = [&](const char* name) { return schema.FindByName(name); };
  ASSERT_NE(field("id"), nullptr);
  EXPECT_EQ(field("id")->id, 1);
  EXPECT_EQ(field("id")->type->ToString(), "long");
  EXPECT_TRUE(field("id")->required);
  EXPECT_EQ(field("ts")->id, 2);
  EXPECT_EQ(field("ts")->type->ToString(), "timestamptz");
  EXPECT_FALSE(field("ts")->required);
  EXPECT_EQ(field("url")->type->ToString(), "string");
  EXPECT_EQ(field("payload")->type->ToString(), "string");
  EXPECT_EQ(field("tags")->type->kind, iceberg::TypeKind::kList);
  EXPECT_EQ(field("tags.element")->type->ToString(), "string");
  EXPECT_EQ(field("arrival_time")->id, 6);
  EXPECT_EQ(field("arrival_time")->type->ToString(), "timestamptz");
  EXPECT_TRUE(field("arrival_time")->required);
  EXPECT_TRUE(created.metadata.DefaultSpec()->IsUnpartitioned());

  ASSERT_TRUE(sink->Write(Batch(0, 100), 100).ok());
  ASSERT_TRUE(sink->Write(Batch(100, 250), 250).ok());
  EXPECT_EQ(sink->pending_rows(), 250);
  EXPECT_EQ(Load().metadata.current_snapshot_id, std::nullopt) << "invisible before Commit";
  auto stats = sink->Commit();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->start_lsn, 0u);
  EXPECT_EQ(stats->end_lsn, 250u);
  EXPECT_EQ(stats->rows, 250);
  EXPECT_EQ(stats->files, 1);
  EXPECT_EQ(sink->committed_lsn(), 250u);
  if (GetParam()) {
    // (On memory:// DataFileWriter records file_size_in_bytes 0: MemoryStore's writer
    // reports Tell() == 0 once closed.)
    EXPECT_EQ(stats->bytes, DataFileBytes());
  }

  const iceberg::LoadedTable t = Load();
  ASSERT_EQ(t.metadata.snapshots.size(), 1u);
  const auto& summary = t.metadata.CurrentSnapshot()->summary;
  EXPECT_EQ(summary.at(std::string(kSummaryLogId)), kLog);
  EXPECT_EQ(summary.at(std::string(kSummarySink)), "clicks_table");
  EXPECT_EQ(summary.at(std::string(kSummaryEndLsn)), "250");
  EXPECT_EQ(summary.at("operation"), "append");
  EXPECT_EQ(Scan(), ExpectedRows(0, 250));

  ASSERT_TRUE(sink->Write(Batch(250, 300), 420).ok());
  stats = sink->Commit();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->start_lsn, 250u);
  sink.reset();
  auto reopened = OpenOk(Config());
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->committed_lsn(), 420u);
  EXPECT_EQ(Scan(), ExpectedRows(0, 300));
}

TEST_P(TableSinkTest, OtherWritersAndOtherLogsDoNotHideThePosition) {
  auto sink = OpenOk(Config());
  ASSERT_NE(sink, nullptr);
  ASSERT_TRUE(sink->Write(Batch(0, 40), 250).ok());
  ASSERT_TRUE(sink->Commit().ok());

  // A plain append by another writer (no ingest summary keys).
  {
    const iceberg::LoadedTable t = Load();
    auto w = iceberg::DataFileWriter::Open(t.metadata, {});
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    RecordBatch other = Batch(1000, 1010);
    other.schema = (*w)->schema();
    for (size_t i = 0; i < other.columns.size(); ++i) {  // json as string, field ids
      other.columns[i]->type = other.schema->fields[i].type;
    }
    ASSERT_TRUE((*w)->Write(other).ok());
    auto files = (*w)->Finish();
    ASSERT_TRUE(files.ok());
    ASSERT_TRUE(iceberg::AppendFiles(*catalog_, id_, *files).ok());
  }
  // The same sink name fed by another log.
  auto other_log = OpenOk(Config(), "another-log");
  ASSERT_NE(other_log, nullptr);
  EXPECT_EQ(other_log->committed_lsn(), 0u);
  ASSERT_TRUE(other_log->Write(Batch(2000, 2005), 7).ok());
  ASSERT_TRUE(other_log->Commit().ok());
  // Another sink name on the same log.
  SinkConfig second = Config();
  second.name = "clicks_table_2";
  auto second_sink = OpenOk(second);
  ASSERT_NE(second_sink, nullptr);
  EXPECT_EQ(second_sink->committed_lsn(), 0u);

  sink.reset();
  auto reopened = OpenOk(Config());
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->committed_lsn(), 250u);
  EXPECT_EQ(Load().metadata.snapshots.size(), 3u);
  auto other_reopened = OpenOk(Config(), "another-log");
  ASSERT_NE(other_reopened, nullptr);
  EXPECT_EQ(other_reopened->committed_lsn(), 7u);
  std::map<int64_t, std::string> want = ExpectedRows(0, 40);
  want.merge(ExpectedRows(1000, 1010));
  want.merge(ExpectedRows(2000, 2005));
  EXPECT_EQ(Scan(), want);
}

TEST_P(TableSinkTest, PartitionSpecFromTextShowsInTheFiles) {
  SinkConfig config = Config();
  config.partition = "day(ts), bucket(4, id)";
  config.properties = {{"write.parquet.compression-codec", "snappy"}};
  auto sink = OpenOk(config);
  ASSERT_NE(sink, nullptr);
  const iceberg::LoadedTable created = Load();
  EXPECT_EQ(created.metadata.properties.at("write.parquet.compression-codec"), "snappy");
  const iceberg::PartitionSpec& spec = *created.metadata.DefaultSpec();
  ASSERT_EQ(spec.fields.size(), 2u);
  EXPECT_EQ(spec.fields[0].name, "ts_day");
  EXPECT_EQ(spec.fields[0].source_id, 2);
  EXPECT_EQ(spec.fields[0].transform, iceberg::Transform::Day());
  EXPECT_EQ(spec.fields[1].name, "id_bucket");
  EXPECT_EQ(spec.fields[1].source_id, 1);
  EXPECT_EQ(spec.fields[1].transform, iceberg::Transform::Bucket(4));

  ASSERT_TRUE(sink->Write(Batch(0, 300), 300).ok());
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(Scan(), ExpectedRows(0, 300));

  auto plan = iceberg::PlanScan(Load().metadata, iceberg::ScanOptions{});
  ASSERT_TRUE(plan.ok());
  // Three days plus null, four buckets each.
  EXPECT_EQ(plan->tasks.size(), 16u);
  iceberg::TableReader reader(*plan, iceberg::PathMapping{});
  for (size_t i = 0; i < plan->tasks.size(); ++i) {
    const iceberg::DataFile& f = plan->tasks[i].data_file;
    EXPECT_NE(f.file_path.find("/ts_day="), std::string::npos) << f.file_path;
    EXPECT_NE(f.file_path.find("/id_bucket="), std::string::npos) << f.file_path;
    ASSERT_EQ(f.partition.size(), 2u);
    auto batches = reader.ReadTask(i);
    ASSERT_TRUE(batches.ok());
    const int32_t bucket = std::get<int32_t>(f.partition[1]);
    EXPECT_TRUE(bucket >= 0 && bucket < 4);
    for (const RecordBatch& b : *batches) {
      for (int64_t r = 0; r < b.num_rows; ++r) {
        const int64_t id = b.columns[0]->Value<int64_t>(r);
        const Row row = MakeRow(id);
        if (row.ts) {
          EXPECT_EQ(std::get<int32_t>(f.partition[0]), kDay0 + id % 3) << id;
        } else {
          EXPECT_TRUE(iceberg::IsNull(f.partition[0])) << id;
        }
        // The spec's example (Appendix B): long 34 hashes to 2017239379, bucket 3 of 4.
        if (id == 34) {
          EXPECT_EQ(bucket, 3);
        }
      }
    }
  }
}

TEST_P(TableSinkTest, FailedCatalogCommitShowsNothingAndTheReplayLandsOnce) {
  auto sink = OpenOk(Config());
  ASSERT_NE(sink, nullptr);
  ASSERT_TRUE(sink->Write(Batch(0, 50), 50).ok());
  ASSERT_TRUE(sink->Commit().ok());
  const size_t files_before = DataFileCount();

  ASSERT_TRUE(sink->Write(Batch(50, 120), 120).ok());
  flaky_->FailNextCommit(FlakyCatalog::Fault::kBefore);
  auto stats = sink->Commit();
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.status().message().find("clicks_table"), std::string::npos)
      << stats.status().ToString();
  EXPECT_EQ(sink->committed_lsn(), 50u);
  EXPECT_EQ(sink->written_lsn(), 50u);
  EXPECT_EQ(Scan(), ExpectedRows(0, 50));
  EXPECT_EQ(DataFileCount(), files_before) << "the failed commit's files are removed";

  sink.reset();
  auto reopened = OpenOk(Config());
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->committed_lsn(), 50u);
  ASSERT_TRUE(reopened->Write(Batch(50, 120), 120).ok());
  ASSERT_TRUE(reopened->Commit().ok());
  EXPECT_EQ(reopened->committed_lsn(), 120u);
  EXPECT_EQ(Scan(), ExpectedRows(0, 120));
}

TEST_P(TableSinkTest, ACommitWhoseAnswerWasLostCountsOnce) {
  auto sink = OpenOk(Config());
  ASSERT_NE(sink, nullptr);
  ASSERT_TRUE(sink->Write(Batch(0, 80), 80).ok());
  flaky_->FailNextCommit(FlakyCatalog::Fault::kAfter);
  auto stats = sink->Commit();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(sink->committed_lsn(), 80u);
  EXPECT_EQ(Scan(), ExpectedRows(0, 80));
}

TEST_P(TableSinkTest, ExistingTablesMustFitTheInput) {
  ASSERT_TRUE(catalog_->CreateNamespace({"analytics"}, {}).ok());
  auto create = [&](std::vector<iceberg::NestedField> fields) {
    (void)catalog_->DropTable(id_, true);
    iceberg::CreateTableRequest req;
    req.schema = iceberg::Schema(0, std::move(fields));
    auto t = catalog_->CreateTable(id_, req);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
  };
  using iceberg::MakeField;
  namespace it = iceberg::types;
  auto base = [] {
    return std::vector<iceberg::NestedField>{
        MakeField(1, "id", it::Long(), true),
        MakeField(2, "ts", it::TimestampTz(), false),
        MakeField(3, "url", it::String(), false),
        MakeField(4, "payload", it::String(), false),
        MakeField(5, "tags", it::List(7, it::String(), false), false),
        MakeField(6, "arrival_time", it::TimestampTz(), true),
    };
  };
  auto fails = [&](std::string_view needle) {
    auto sink = Open(Config());
    ASSERT_FALSE(sink.ok()) << needle;
    const std::string& m = sink.status().message();
    EXPECT_NE(m.find("clicks_table"), std::string::npos) << m;
    EXPECT_NE(m.find("analytics.clicks"), std::string::npos) << m;
    EXPECT_NE(m.find(needle), std::string::npos) << m;
  };

  std::vector<iceberg::NestedField> f = base();
  f[0] = MakeField(1, "id", it::String(), true);
  create(f);
  fails("'id'");

  f = base();
  f.erase(f.begin() + 3);  // no payload
  create(f);
  fails("'payload'");

  f = base();
  f.push_back(MakeField(8, "extra", it::Int(), true));  // required, the input lacks it
  create(f);
  fails("'extra'");

  f = base();
  f[1] = MakeField(2, "ts", it::Timestamp(), false);  // no zone: not a promotion
  create(f);
  fails("'ts'");

  // Optional extra columns and reordered columns are fine.
  f = base();
  std::swap(f[0], f[2]);
  f.push_back(MakeField(8, "extra", it::Int(), false));
  create(f);
  auto sink = Open(Config());
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  ASSERT_TRUE((*sink)->Write(Batch(0, 20), 20).ok());
  ASSERT_TRUE((*sink)->Commit().ok());
  auto plan = iceberg::PlanScan(Load().metadata, iceberg::ScanOptions{});
  ASSERT_TRUE(plan.ok());
  iceberg::TableReader reader(std::move(*plan), iceberg::PathMapping{});
  auto batches = reader.ReadAll();
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  int64_t rows = 0;
  for (const RecordBatch& b : *batches) {
    const int extra = b.schema->IndexOf("extra");
    ASSERT_GE(extra, 0);
    EXPECT_EQ(b.columns[static_cast<size_t>(extra)]->null_count, b.num_rows);
    rows += b.num_rows;
  }
  EXPECT_EQ(rows, 20);
  // Values match the input, whatever the column order.
  std::map<int64_t, std::string> got, want;
  for (const RecordBatch& b : *batches) {
    for (int64_t r = 0; r < b.num_rows; ++r) {
      const int64_t id = b.columns[static_cast<size_t>(b.schema->IndexOf("id"))]->Value<int64_t>(r);
      const Column& url = *b.columns[static_cast<size_t>(b.schema->IndexOf("url"))];
      got[id] = url.IsNull(r) ? "null" : std::string(url.StringAt(r));
    }
  }
  for (int64_t i = 0; i < 20; ++i) want[i] = MakeRow(i).url.value_or("null");
  EXPECT_EQ(got, want);
}

TEST_P(TableSinkTest, InputColumnsWidenToTheTableTypes) {
  // An input with narrower types than the table: int32 -> long, float -> double,
  // timestamp(ms) -> timestamptz (micros).
  auto input = std::make_shared<const Schema>(std::vector<Field>{
      {"n", types::Int32(), false},
      {"x", types::Float32(), true},
      {"at", types::Timestamp(TimeUnit::kMilli, true), true},
  });
  ASSERT_TRUE(catalog_->CreateNamespace({"analytics"}, {}).ok());
  iceberg::CreateTableRequest req;
  req.schema =
      iceberg::Schema(0, {iceberg::MakeField(1, "n", iceberg::types::Long(), true),
                          iceberg::MakeField(2, "x", iceberg::types::Double(), false),
                          iceberg::MakeField(3, "at", iceberg::types::TimestampTz(), false)});
  ASSERT_TRUE(catalog_->CreateTable(id_, req).ok());
  auto sink = Open(Config(), kLog, input);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  BatchBuilder b(input);
  for (int i = 0; i < 5; ++i) {
    b.column(0).AppendInt(-1000 * i);
    i == 2 ? b.column(1).AppendNull() : b.column(1).AppendDouble(0.5 * i);
    b.column(2).AppendInt(int64_t{1'700'000'000'123} + i);
  }
  ASSERT_TRUE((*sink)->Write(b.Finish(), 5).ok());
  ASSERT_TRUE((*sink)->Commit().ok());
  auto plan = iceberg::PlanScan(Load().metadata, iceberg::ScanOptions{});
  ASSERT_TRUE(plan.ok());
  iceberg::TableReader reader(std::move(*plan), iceberg::PathMapping{});
  auto batches = reader.ReadAll();
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  ASSERT_EQ(batches->size(), 1u);
  const RecordBatch& out = (*batches)[0];
  ASSERT_EQ(out.num_rows, 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(out.columns[0]->Value<int64_t>(i), -1000 * i);
    if (i == 2) {
      EXPECT_TRUE(out.columns[1]->IsNull(i));
    } else {
      EXPECT_EQ(out.columns[1]->Value<double>(i), 0.5 * i);
    }
    EXPECT_EQ(out.columns[2]->Value<int64_t>(i), (int64_t{1'700'000'000'123} + i) * 1000);
  }
}

INSTANTIATE_TEST_SUITE_P(Warehouses, TableSinkTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Local" : "Memory"; });

}  // namespace
}  // namespace floe::ingest
