#include "floe/iceberg/table_write.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "floe/format/parquet/file_reader.h"
#include "floe/format/parquet/file_writer.h"
#include "floe/iceberg/data_file_metrics.h"
#include "floe/iceberg/data_file_writer.h"
#include "floe/iceberg/expression_parser.h"
#include "floe/iceberg/manifest.h"
#include "floe/iceberg/scan.h"
#include "floe/iceberg/single_value.h"
#include "floe/iceberg/sqlite_catalog.h"
#include "floe/io/fault_store.h"
#include "floe/io/memory_store.h"
#include "floe/io/object_store.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMicrosPerDay = 86'400'000'000;
constexpr int64_t kDay0 = 19'723;  // 2024-01-01

// A row of the test table, generated from its index.
struct Row {
  int64_t id;
  std::optional<int64_t> ts;  // micros
  std::optional<std::string> name;
  double score;
};

Row MakeRow(int64_t i) {
  Row r;
  r.id = i;
  if (i % 17 != 5) r.ts = (kDay0 + i % 3) * kMicrosPerDay + (i * 7919) % kMicrosPerDay;
  if (i % 11 != 3) r.name = fmt::format("name-{:04}", i % 1000);
  r.score = static_cast<double>(i) / 4;
  return r;
}

// Forwards to a real catalog; runs `before` once ahead of the first commit (a concurrent
// writer sneaking in), and can report the first successful commit as a failure (a lost
// answer), retryable or not.
class Interleaving : public Catalog {
 public:
  Interleaving(Catalog& inner, std::function<void()> before, bool lose_first_answer = false,
               bool lost_answer_retryable = true)
      : inner_(inner),
        before_(std::move(before)),
        lose_answer_(lose_first_answer),
        lost_answer_retryable_(lost_answer_retryable) {}
  Status CreateNamespace(const Namespace& ns, const Properties& p) override {
    return inner_.CreateNamespace(ns, p);
  }
  Result<std::vector<Namespace>> ListNamespaces(const Namespace& p) override {
    return inner_.ListNamespaces(p);
  }
  Result<Properties> LoadNamespaceProperties(const Namespace& ns) override {
    return inner_.LoadNamespaceProperties(ns);
  }
  Status UpdateNamespaceProperties(const Namespace& ns, const Properties& u,
                                   const std::vector<std::string>& r) override {
    return inner_.UpdateNamespaceProperties(ns, u, r);
  }
  Status DropNamespace(const Namespace& ns) override { return inner_.DropNamespace(ns); }
  Result<std::vector<TableIdentifier>> ListTables(const Namespace& ns) override {
    return inner_.ListTables(ns);
  }
  Result<LoadedTable> CreateTable(const TableIdentifier& id, const CreateTableRequest& r) override {
    return inner_.CreateTable(id, r);
  }
  Result<LoadedTable> LoadTable(const TableIdentifier& id) override { return inner_.LoadTable(id); }
  Result<LoadedTable> CommitTable(const TableIdentifier& id,
                                  const std::vector<TableRequirement>& req,
                                  const std::vector<TableUpdate>& up) override {
    ++commits_;
    if (before_) std::exchange(before_, nullptr)();
    Result<LoadedTable> r = inner_.CommitTable(id, req, up);
    if (r.ok() && std::exchange(lose_answer_, false)) {
      return Status::IOError("connection reset after commit").WithRetryable(lost_answer_retryable_);
    }
    return r;
  }
  Status DropTable(const TableIdentifier& id, bool purge) override {
    return inner_.DropTable(id, purge);
  }
  Status RenameTable(const TableIdentifier& a, const TableIdentifier& b) override {
    return inner_.RenameTable(a, b);
  }
  int commits() const { return commits_; }

 private:
  Catalog& inner_;
  std::function<void()> before_;
  bool lose_answer_ = false;
  bool lost_answer_retryable_ = true;
  int commits_ = 0;
};

class TableWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           fmt::format("floe_table_write_test_{}_{}", ::getpid(), counter.fetch_add(1));
    fs::remove_all(dir_);
    options_.warehouse = dir_.string();
    auto c = SqliteCatalog::Open(options_);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    catalog_ = std::move(*c);
    ASSERT_TRUE(catalog_->CreateNamespace({"db"}, {}).ok());
  }
  void TearDown() override {
    catalog_.reset();
    fs::remove_all(dir_);
  }

  LoadedTable CreateTable(bool partitioned, Properties properties = {}) {
    CreateTableRequest req;
    req.schema = Schema(0, {MakeField(1, "id", types::Long(), true),
                            MakeField(2, "ts", types::TimestampTz(), false),
                            MakeField(3, "name", types::String(), false),
                            MakeField(4, "score", types::Double(), true)});
    if (partitioned) {
      req.spec.fields.push_back(PartitionField{2, {}, 1000, "ts_day", Transform::Day()});
      req.spec.fields.push_back(PartitionField{1, {}, 1001, "id_bucket", Transform::Bucket(4)});
    }
    req.properties = std::move(properties);
    auto t = catalog_->CreateTable(id_, req);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return *t;
  }

  static RecordBatch Batch(const floe::SchemaPtr& schema, int64_t begin, int64_t end) {
    BatchBuilder b(schema);
    for (int64_t i = begin; i < end; ++i) {
      Row r = MakeRow(i);
      b.column(0).AppendInt(r.id);
      r.ts ? b.column(1).AppendInt(*r.ts) : b.column(1).AppendNull();
      r.name ? b.column(2).AppendBytes(*r.name) : b.column(2).AppendNull();
      b.column(3).AppendDouble(r.score);
    }
    return b.Finish();
  }

  std::vector<DataFile> WriteRows(const LoadedTable& table, int64_t begin, int64_t end,
                                  DataFileWriterOptions options = {}) {
    auto w = DataFileWriter::Open(table.metadata, options);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    for (int64_t i = begin; i < end; i += 1000) {
      Status s = (*w)->Write(Batch((*w)->schema(), i, std::min(end, i + 1000)));
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    auto files = (*w)->Finish();
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    return *files;
  }

  // Every id the table's current snapshot holds, sorted (duplicates kept).
  std::vector<int64_t> ScanIds(const LoadedTable& table) {
    auto plan = PlanScan(table.metadata, ScanOptions{});
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    if (!plan.ok()) return {};
    TableReader reader(std::move(*plan), PathMapping{});
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

  fs::path dir_;
  SqliteCatalogOptions options_;
  std::unique_ptr<SqliteCatalog> catalog_;
  TableIdentifier id_{{"db"}, "events"};
};

TEST_F(TableWriteTest, UnpartitionedFileMetricsMatchTheRows) {
  LoadedTable table = CreateTable(false);
  std::vector<DataFile> files = WriteRows(table, 0, 5000);
  ASSERT_EQ(files.size(), 1u);
  const DataFile& f = files[0];
  EXPECT_EQ(f.record_count, 5000);
  EXPECT_EQ(f.file_format, "PARQUET");
  const std::string local = f.file_path.substr(f.file_path.starts_with("file://") ? 7 : 0);
  EXPECT_EQ(static_cast<uintmax_t>(f.file_size_in_bytes), fs::file_size(local));
  EXPECT_TRUE(f.file_path.starts_with(table.metadata.location + "/data/")) << f.file_path;

  // Independent truth: count and bound the generated rows directly.
  int64_t null_ts = 0, null_name = 0;
  int64_t min_ts = INT64_MAX, max_ts = INT64_MIN;
  std::string min_name = "\xff", max_name;
  for (int64_t i = 0; i < 5000; ++i) {
    Row r = MakeRow(i);
    if (!r.ts) ++null_ts;
    if (!r.name) ++null_name;
    if (r.ts) min_ts = std::min(min_ts, *r.ts), max_ts = std::max(max_ts, *r.ts);
    if (r.name) min_name = std::min(min_name, *r.name), max_name = std::max(max_name, *r.name);
  }
  for (int32_t fid : {1, 2, 3, 4}) {
    EXPECT_EQ(f.value_counts.at(fid), 5000) << fid;
    EXPECT_GT(f.column_sizes.at(fid), 0) << fid;
  }
  EXPECT_EQ(f.null_value_counts.at(1), 0);
  EXPECT_EQ(f.null_value_counts.at(2), null_ts);
  EXPECT_EQ(f.null_value_counts.at(3), null_name);
  EXPECT_EQ(f.nan_value_counts.at(4), 0);
  EXPECT_EQ(f.nan_value_counts.count(1), 0u);

  auto lo_id = DecodeSingleValue(*types::Long(), f.lower_bounds.at(1));
  auto hi_id = DecodeSingleValue(*types::Long(), f.upper_bounds.at(1));
  ASSERT_TRUE(lo_id.ok() && hi_id.ok());
  EXPECT_EQ(std::get<int64_t>(*lo_id), 0);
  EXPECT_EQ(std::get<int64_t>(*hi_id), 4999);
  EXPECT_EQ(std::get<int64_t>(*DecodeSingleValue(*types::TimestampTz(), f.lower_bounds.at(2))),
            min_ts);
  EXPECT_EQ(std::get<int64_t>(*DecodeSingleValue(*types::TimestampTz(), f.upper_bounds.at(2))),
            max_ts);
  EXPECT_EQ(f.lower_bounds.at(3), min_name);
  EXPECT_EQ(f.upper_bounds.at(3), max_name);
  EXPECT_EQ(std::get<double>(*DecodeSingleValue(*types::Double(), f.upper_bounds.at(4))),
            4999.0 / 4);
  ASSERT_FALSE(f.split_offsets.empty());
  EXPECT_EQ(f.split_offsets[0], 4);  // the first row group starts after "PAR1"

  // The file carries the table's field ids.
  auto reader = parquet::FileReader::Open(*io::OpenForRead(f.file_path));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<int32_t> ids;
  for (const auto& c : (*reader)->schema_descriptor().columns()) {
    ids.push_back(c.element.field_id.value_or(-1));
  }
  EXPECT_EQ(ids, (std::vector<int32_t>{1, 2, 3, 4}));
}

TEST_F(TableWriteTest, FansOutByPartitionAndEveryRowLandsInItsPartition) {
  LoadedTable table = CreateTable(true);
  std::vector<DataFile> files = WriteRows(table, 0, 3000);
  // 3 days + null day, 4 buckets each.
  EXPECT_EQ(files.size(), 16u);
  const Schema& schema = *table.metadata.CurrentSchema();
  const PartitionSpec& spec = *table.metadata.DefaultSpec();
  int64_t total = 0;
  for (const DataFile& f : files) {
    total += f.record_count;
    ASSERT_EQ(f.partition.size(), 2u);
    auto reader = parquet::FileReader::Open(*io::OpenForRead(f.file_path));
    ASSERT_TRUE(reader.ok());
    while (true) {
      auto next = (*reader)->Next();
      ASSERT_TRUE(next.ok()) << next.status().ToString();
      if (!next->has_value()) break;
      const RecordBatch& b = **next;
      for (int64_t r = 0; r < b.num_rows; ++r) {
        Row row = MakeRow(b.columns[0]->Value<int64_t>(r));
        Value day =
            Transform::Day()
                .Apply(*types::TimestampTz(), row.ts ? Value(*row.ts) : Value(std::monostate{}))
                .value();
        Value bucket = Transform::Bucket(4).Apply(*types::Long(), Value(row.id)).value();
        EXPECT_EQ(day, f.partition[0]) << f.file_path;
        EXPECT_EQ(bucket, f.partition[1]) << f.file_path;
      }
    }
    auto path = spec.PartitionPath(schema, f.partition);
    ASSERT_TRUE(path.ok());
    EXPECT_NE(f.file_path.find("/data/" + *path + "/"), std::string::npos) << f.file_path;
  }
  EXPECT_EQ(total, 3000);
}

TEST_F(TableWriteTest, RollsAtTargetSizeAndBoundsOpenFiles) {
  LoadedTable table = CreateTable(true);
  DataFileWriterOptions options;
  options.target_file_size_bytes = 16 << 10;
  options.parquet.row_group_rows = 200;
  options.max_open_files = 3;
  std::vector<DataFile> files = WriteRows(table, 0, 20000, options);
  int64_t total = 0;
  for (const DataFile& f : files) total += f.record_count;
  EXPECT_EQ(total, 20000);
  EXPECT_GT(files.size(), 16u);
  ASSERT_TRUE(AppendFiles(*catalog_, id_, files).ok());
  auto loaded = catalog_->LoadTable(id_);
  EXPECT_EQ(ScanIds(*loaded), Range(0, 20000));
}

TEST_F(TableWriteTest, AppendsChainSnapshotsWithSummariesAndTimeTravel) {
  LoadedTable table = CreateTable(true);
  std::vector<int64_t> snapshots;
  for (int k = 0; k < 3; ++k) {
    WriteCommitOptions options;
    options.summary["floe.test"] = std::to_string(k);
    auto r = AppendFiles(*catalog_, id_, WriteRows(table, k * 1000, (k + 1) * 1000), options);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    table = *r;
    snapshots.push_back(*table.metadata.current_snapshot_id);
  }
  EXPECT_EQ(ScanIds(table), Range(0, 3000));
  const Snapshot* last = table.metadata.CurrentSnapshot();
  EXPECT_EQ(last->operation(), "append");
  EXPECT_EQ(last->summary.at("total-records"), "3000");
  EXPECT_EQ(last->summary.at("added-records"), "1000");
  EXPECT_EQ(last->summary.at("floe.test"), "2");
  EXPECT_EQ(last->parent_snapshot_id, snapshots[1]);
  EXPECT_EQ(last->sequence_number, 3);
  EXPECT_EQ(table.metadata.last_sequence_number, 3);

  // The first snapshot still reads as it was.
  ScanOptions first;
  first.snapshot_id = snapshots[0];
  auto plan = PlanScan(table.metadata, first);
  ASSERT_TRUE(plan.ok());
  int64_t rows = 0;
  for (const FileScanTask& t : plan->tasks) {
    rows += t.data_file.record_count;
    EXPECT_EQ(t.sequence_number, 1);  // inherited from the manifest list at commit
  }
  EXPECT_EQ(rows, 1000);
}

TEST_F(TableWriteTest, ManifestsMergeOnceEnoughAccumulate) {
  LoadedTable table = CreateTable(false, {{"commit.manifest.min-count-to-merge", "4"}});
  for (int k = 0; k < 6; ++k) {
    auto r = AppendFiles(*catalog_, id_, WriteRows(table, k * 100, (k + 1) * 100));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    table = *r;
  }
  auto manifests =
      ReadSnapshotManifests(table.metadata, *table.metadata.CurrentSnapshot(), PathMapping{});
  ASSERT_TRUE(manifests.ok());
  // Appends 1-3 make 3 manifests; the 4th merges to 1; the 5th and 6th add one each.
  EXPECT_EQ(manifests->size(), 3u);
  EXPECT_EQ(ScanIds(table), Range(0, 600));
  // Sequence numbers survive the merge: the first append's files keep number 1.
  auto plan = PlanScan(table.metadata, ScanOptions{});
  ASSERT_TRUE(plan.ok());
  std::set<int64_t> seqs;
  for (const FileScanTask& t : plan->tasks) seqs.insert(t.sequence_number);
  EXPECT_EQ(seqs, (std::set<int64_t>{1, 2, 3, 4, 5, 6}));
}

TEST_F(TableWriteTest, ConcurrentAppendersLoseNothing) {
  LoadedTable table = CreateTable(false);
  constexpr int kThreads = 4, kAppends = 10, kRows = 20;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto catalog = SqliteCatalog::Open(options_);
      if (!catalog.ok()) return (void)++failures;
      for (int k = 0; k < kAppends; ++k) {
        const int64_t begin = (t * kAppends + k) * kRows;
        auto r = AppendFiles(**catalog, id_, WriteRows(table, begin, begin + kRows));
        if (!r.ok()) {
          ADD_FAILURE() << r.status().ToString();
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto loaded = catalog_->LoadTable(id_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(ScanIds(*loaded), Range(0, kThreads * kAppends * kRows));
  EXPECT_EQ(loaded->metadata.snapshots.size(), static_cast<size_t>(kThreads * kAppends));
}

// A failure at each write of a commit leaves the table at its previous snapshot and
// readable; once the faults stop, the same append lands exactly once.
TEST_F(TableWriteTest, FailureAtAnyWriteLeavesThePreviousSnapshot) {
  auto fault = std::make_shared<io::FaultStore>(std::make_shared<io::MemoryStore>("faulty"));
  io::ObjectStoreRegistry::Default().Mount("memory", "faulty", fault);
  SqliteCatalogOptions options;
  options.warehouse = "memory://faulty/wh";
  options.database_path = (dir_ / "fault.db").string();
  fs::create_directories(dir_);
  auto catalog = SqliteCatalog::Open(options);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  ASSERT_TRUE((*catalog)->CreateNamespace({"db"}, {}).ok());
  CreateTableRequest req;
  req.schema = Schema(
      0,
      {MakeField(1, "id", types::Long(), true), MakeField(2, "ts", types::TimestampTz(), false),
       MakeField(3, "name", types::String(), false), MakeField(4, "score", types::Double(), true)});
  auto created = (*catalog)->CreateTable(id_, req);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto first = AppendFiles(**catalog, id_, WriteRows(*created, 0, 100));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const int64_t before = *first->metadata.current_snapshot_id;

  std::vector<DataFile> files = WriteRows(*first, 100, 200);
  WriteCommitOptions no_retry;
  no_retry.retry.max_attempts = 1;
  int failed_runs = 0;
  for (int n = 1; n < 50; ++n) {
    const uint64_t injected = fault->injected();
    fault->FailNth(io::FaultStore::Op::kAny, n);
    auto r = AppendFiles(**catalog, id_, files, no_retry);
    fault->ClearFaults();
    auto now = (*catalog)->LoadTable(id_);
    ASSERT_TRUE(now.ok()) << now.status().ToString();
    if (fault->injected() == injected) {  // the commit ran past its last call
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(ScanIds(*now), Range(0, 200));
      break;
    }
    ++failed_runs;
    if (r.ok()) {
      // The fault hit after the pointer swap (cleanup); the append is in exactly once.
      EXPECT_EQ(ScanIds(*now), Range(0, 200));
      break;
    }
    EXPECT_EQ(*now->metadata.current_snapshot_id, before) << "fault at call " << n;
    EXPECT_EQ(ScanIds(*now), Range(0, 100)) << "fault at call " << n;
  }
  EXPECT_GE(failed_runs, 3);
  io::ObjectStoreRegistry::Default().Unmount("memory", "faulty");
}

// A commit whose answer is lost (it landed, the caller saw an error) is retried without
// being applied twice.
TEST_F(TableWriteTest, RetriedCommitIsNotAppliedTwice) {
  LoadedTable table = CreateTable(false);
  Interleaving lossy(*catalog_, nullptr, /*lose_first_answer=*/true);
  auto r = AppendFiles(lossy, id_, WriteRows(table, 0, 100));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(lossy.commits(), 1);  // the retry found its snapshot and did not commit again
  auto now = catalog_->LoadTable(id_);
  EXPECT_EQ(now->metadata.snapshots.size(), 1u);
  EXPECT_EQ(ScanIds(*now), Range(0, 100));
}

// A commit that landed but answered with an error that is not retried is not undone: the
// files its snapshot names stay, and the caller gets the table with it.
TEST_F(TableWriteTest, LandedCommitWithAFinalErrorKeepsItsFiles) {
  LoadedTable table = CreateTable(false);
  Interleaving lossy(*catalog_, nullptr, /*lose_first_answer=*/true,
                     /*lost_answer_retryable=*/false);
  auto r = AppendFiles(lossy, id_, WriteRows(table, 0, 100));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(lossy.commits(), 1);
  ASSERT_EQ(r->metadata.snapshots.size(), 1u);
  auto now = catalog_->LoadTable(id_);
  ASSERT_TRUE(now.ok()) << now.status().ToString();
  // The scan reads the manifest list and manifests: they must still be there.
  EXPECT_EQ(ScanIds(*now), Range(0, 100));
}

// Every field the spec ("Table Metadata Fields", "Snapshots", "Partition Specs", "Sort
// Orders", "Schemas") marks required for v2 is in the metadata file floe wrote.
TEST_F(TableWriteTest, WrittenMetadataHasEveryFieldV2Requires) {
  LoadedTable table = CreateTable(true);
  auto r = AppendFiles(*catalog_, id_, WriteRows(table, 0, 100));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::string path = r->metadata_location;
  if (path.starts_with("file://")) path = path.substr(7);
  std::ifstream in(path);
  const nlohmann::json j = nlohmann::json::parse(in);
  for (const char* key :
       {"format-version", "table-uuid", "location", "last-sequence-number", "last-updated-ms",
        "last-column-id", "schemas", "current-schema-id", "partition-specs", "default-spec-id",
        "last-partition-id", "sort-orders", "default-sort-order-id"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["format-version"], 2);
  for (const auto& schema : j["schemas"]) {
    EXPECT_EQ(schema["type"], "struct");
    EXPECT_TRUE(schema.contains("schema-id"));
    for (const auto& field : schema["fields"]) {
      for (const char* key : {"id", "name", "required", "type"}) EXPECT_TRUE(field.contains(key));
    }
  }
  for (const auto& spec : j["partition-specs"]) {
    EXPECT_TRUE(spec.contains("spec-id"));
    for (const auto& field : spec["fields"]) {
      for (const char* key : {"source-id", "field-id", "name", "transform"}) {
        EXPECT_TRUE(field.contains(key)) << key;
      }
    }
  }
  for (const auto& order : j["sort-orders"]) EXPECT_TRUE(order.contains("order-id"));
  ASSERT_EQ(j["snapshots"].size(), 1u);
  for (const auto& snap : j["snapshots"]) {
    for (const char* key :
         {"snapshot-id", "sequence-number", "timestamp-ms", "manifest-list", "summary"}) {
      EXPECT_TRUE(snap.contains(key)) << key;
    }
    EXPECT_EQ(snap["summary"]["operation"], "append");
  }
  EXPECT_EQ(j["current-snapshot-id"], j["snapshots"][0]["snapshot-id"]);
  EXPECT_EQ(j["refs"]["main"]["type"], "branch");
  EXPECT_EQ(j["refs"]["main"]["snapshot-id"], j["current-snapshot-id"]);
}

ExprPtr Where(std::string_view text) {
  auto e = ParseExpression(text);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return *e;
}

TEST_F(TableWriteTest, DeleteWhereDropsWholeFilesAndRewritesPartialOnes) {
  LoadedTable table = CreateTable(true);
  auto r = AppendFiles(*catalog_, id_, WriteRows(table, 0, 3000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const size_t files_before = PlanScan(r->metadata, {})->tasks.size();

  // Rows of the first day: whole partitions (files) go, no rewrite needed.
  const std::string day0 = "ts >= '2024-01-01T00:00:00+00:00' AND ts < '2024-01-02T00:00:00+00:00'";
  auto d = DeleteWhere(*catalog_, id_, Where(day0));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->metadata.CurrentSnapshot()->operation(), "delete");
  std::vector<int64_t> expect;
  for (int64_t i = 0; i < 3000; ++i) {
    Row row = MakeRow(i);
    if (!row.ts || *row.ts / kMicrosPerDay != kDay0) expect.push_back(i);
  }
  EXPECT_EQ(ScanIds(*d), expect);
  EXPECT_EQ(PlanScan(d->metadata, {})->tasks.size(), files_before - 4);

  // A filter cutting through files: they are rewritten without the matching rows.
  auto o = DeleteWhere(*catalog_, id_, Where("id < 1000 OR name LIKE 'name-01%'"));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->metadata.CurrentSnapshot()->operation(), "overwrite");
  std::vector<int64_t> expect2;
  for (int64_t i : expect) {
    Row row = MakeRow(i);
    const bool match = i < 1000 || (row.name && row.name->starts_with("name-01"));
    if (!match) expect2.push_back(i);
  }
  EXPECT_EQ(ScanIds(*o), expect2);
  EXPECT_EQ(o->metadata.CurrentSnapshot()->summary.at("total-records"),
            std::to_string(expect2.size()));

  // Nothing matches: nothing is committed.
  const int64_t head = *o->metadata.current_snapshot_id;
  auto none = DeleteWhere(*catalog_, id_, Where("id > 1000000"));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none->metadata.current_snapshot_id, head);
  // The earlier snapshot still has every row.
  ScanOptions at_first;
  at_first.snapshot_id = *r->metadata.current_snapshot_id;
  auto plan = PlanScan(o->metadata, at_first);
  ASSERT_TRUE(plan.ok());
  int64_t rows = 0;
  for (const auto& t : plan->tasks) rows += t.data_file.record_count;
  EXPECT_EQ(rows, 3000);
}

TEST_F(TableWriteTest, OverwriteWhereReplacesRowsAndConflictsWithMatchingConcurrentAppends) {
  LoadedTable table = CreateTable(false);
  ASSERT_TRUE(AppendFiles(*catalog_, id_, WriteRows(table, 0, 1000)).ok());
  // Replace ids [0, 500) by a fresh copy of [0, 500): the row count stays 1000.
  auto o = OverwriteWhere(*catalog_, id_, Where("id < 500"), WriteRows(table, 0, 500));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->metadata.CurrentSnapshot()->operation(), "overwrite");
  EXPECT_EQ(ScanIds(*o), Range(0, 1000));

  // A concurrent append of rows the overwrite's filter matches makes it fail; one of rows
  // it does not match commutes. Simulated by committing between planning and commit via
  // a catalog wrapper that appends once before the first commit attempt.

  Interleaving commuting(*catalog_, [&] {
    ASSERT_TRUE(AppendFiles(*catalog_, id_, WriteRows(table, 5000, 5100)).ok());
  });
  auto ok =
      OverwriteWhere(commuting, id_, Where("id >= 900 AND id < 1000"), WriteRows(table, 900, 1000));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  std::vector<int64_t> expect = Range(0, 1000);
  for (int64_t i = 5000; i < 5100; ++i) expect.push_back(i);
  EXPECT_EQ(ScanIds(*catalog_->LoadTable(id_)), expect);

  Interleaving conflicting(*catalog_, [&] {
    ASSERT_TRUE(AppendFiles(*catalog_, id_, WriteRows(table, 950, 960)).ok());
  });
  auto conflict = OverwriteWhere(conflicting, id_, Where("id >= 900 AND id < 1000"),
                                 WriteRows(table, 900, 1000));
  ASSERT_FALSE(conflict.ok());
  EXPECT_TRUE(conflict.status().Is(StatusCode::kCommitConflict)) << conflict.status().ToString();
  // The table has the concurrent append and not the failed overwrite.
  for (int64_t i = 950; i < 960; ++i) expect.push_back(i);
  std::sort(expect.begin(), expect.end());
  EXPECT_EQ(ScanIds(*catalog_->LoadTable(id_)), expect);
}

std::vector<std::string> Paths(const std::vector<DataFile>& files) {
  std::vector<std::string> out;
  for (const DataFile& f : files) out.push_back(f.file_path);
  return out;
}

TEST_F(TableWriteTest, ReplaceFilesSwapsExactlyTheNamedFiles) {
  LoadedTable table = CreateTable(true);
  const std::vector<DataFile> a = WriteRows(table, 0, 1000);
  const std::vector<DataFile> b = WriteRows(table, 1000, 2000);
  ASSERT_TRUE(AppendFiles(*catalog_, id_, a).ok());
  ASSERT_TRUE(AppendFiles(*catalog_, id_, b).ok());

  // A's files give way to a smaller rewrite of A's rows; B's rows stay.
  const std::vector<DataFile> a2 = WriteRows(table, 0, 500);
  auto r = ReplaceFiles(*catalog_, id_, Paths(a), a2);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Snapshot* snap = r->metadata.CurrentSnapshot();
  EXPECT_EQ(snap->operation(), "overwrite");
  EXPECT_EQ(snap->summary.at("deleted-data-files"), std::to_string(a.size()));
  EXPECT_EQ(snap->summary.at("deleted-records"), "1000");
  EXPECT_EQ(snap->summary.at("added-records"), "500");
  EXPECT_EQ(snap->summary.at("total-records"), "1500");
  std::vector<int64_t> expect = Range(0, 500);
  for (int64_t i = 1000; i < 2000; ++i) expect.push_back(i);
  EXPECT_EQ(ScanIds(*r), expect);
  std::set<std::string> live;
  auto plan = PlanScan(r->metadata, {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  for (const FileScanTask& t : plan->tasks) live.insert(t.data_file.file_path);
  for (const DataFile& f : a) EXPECT_FALSE(live.count(f.file_path)) << f.file_path;
  for (const DataFile& f : b) EXPECT_TRUE(live.count(f.file_path)) << f.file_path;

  // A concurrent append does not conflict: the replace is rebuilt on it.
  const std::vector<DataFile> b2 = WriteRows(table, 1000, 1100);
  Interleaving commuting(*catalog_, [&] {
    ASSERT_TRUE(AppendFiles(*catalog_, id_, WriteRows(table, 5000, 5100)).ok());
  });
  auto c = ReplaceFiles(commuting, id_, Paths(b), b2);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(commuting.commits(), 2);
  expect = Range(0, 500);
  for (int64_t i = 1000; i < 1100; ++i) expect.push_back(i);
  for (int64_t i = 5000; i < 5100; ++i) expect.push_back(i);
  EXPECT_EQ(ScanIds(*c), expect);

  // Removing a file a concurrent commit already removed fails, not retryable, and commits
  // nothing.
  Interleaving racing(*catalog_,
                      [&] { ASSERT_TRUE(ReplaceFiles(*catalog_, id_, Paths(b2), {}).ok()); });
  auto lost = ReplaceFiles(racing, id_, Paths(b2), WriteRows(table, 1000, 1010));
  ASSERT_FALSE(lost.ok());
  EXPECT_TRUE(lost.status().Is(StatusCode::kCommitConflict)) << lost.status().ToString();
  EXPECT_FALSE(lost.status().retryable());
  auto now = catalog_->LoadTable(id_);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->metadata.CurrentSnapshot()->operation(), "delete");  // the racer's
  expect = Range(0, 500);
  for (int64_t i = 5000; i < 5100; ++i) expect.push_back(i);
  EXPECT_EQ(ScanIds(*now), expect);

  // A path that was never in the table is a conflict too.
  auto never = ReplaceFiles(*catalog_, id_, {"file:///nowhere/x.parquet"}, {});
  ASSERT_FALSE(never.ok());
  EXPECT_TRUE(never.status().Is(StatusCode::kCommitConflict)) << never.status().ToString();
  EXPECT_FALSE(never.status().retryable());

  // Nothing removed: an append; nothing at all: no commit.
  const int64_t head = *now->metadata.current_snapshot_id;
  auto same = ReplaceFiles(*catalog_, id_, {}, {});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same->metadata.current_snapshot_id, head);
  auto append = ReplaceFiles(*catalog_, id_, {}, WriteRows(table, 7000, 7010));
  ASSERT_TRUE(append.ok()) << append.status().ToString();
  EXPECT_EQ(append->metadata.CurrentSnapshot()->operation(), "append");
  EXPECT_EQ(ScanIds(*append).size(), expect.size() + 10);
}

TEST(DataFileMetricsTest, LongStringBoundsAreTruncatedTo16Bytes) {
  // Bounds of a long string column: a 16-byte prefix below, a raised prefix above.
  Schema schema(0, {MakeField(1, "s", types::String(), false)});
  floe::SchemaPtr columnar = std::make_shared<const floe::Schema>(*schema.ToColumnar());
  auto w = parquet::FileWriter::Open(std::make_unique<io::BufferSink>(), columnar);
  ASSERT_TRUE(w.ok());
  BatchBuilder b(columnar);
  b.column(0).AppendBytes("aaaaaaaaaaaaaaaaaaaa-low");
  b.column(0).AppendBytes("zzzzzzzzzzzzzzzzzzzz-high");
  ASSERT_TRUE((*w)->Write(b.Finish()).ok());
  auto footer = (*w)->Close();
  ASSERT_TRUE(footer.ok());
  auto f = DataFileFromFooter(schema, **footer);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->lower_bounds.at(1), std::string(16, 'a'));
  EXPECT_EQ(f->upper_bounds.at(1), std::string(15, 'z') + "{");
  EXPECT_EQ(f->record_count, 2);
}

}  // namespace
}  // namespace floe::iceberg
