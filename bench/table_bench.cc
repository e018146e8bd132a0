// Iceberg table benchmark on local disk with the embedded catalog:
//
// 1. Commit latency as history grows: appends to a table that already has 1, 100 and
//    1,000 snapshots. The floor beside it: writing the same table metadata JSON as one
//    file (write, fsync, rename), the part of a commit no catalog can skip.
// 2. Scan planning over a table of 10,000 data files (each with its own id range) with a
//    point predicate `id = X`, beside planning the same snapshot with no filter (every
//    manifest read, every file listed).
//
//   build/bench/table_bench [--commits N] [--files N]
//
// Appends here are metadata-only (the data files are described, not written): the
// benchmark measures the table layer, not Parquet.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "floe/iceberg/expression_parser.h"
#include "floe/iceberg/scan.h"
#include "floe/iceberg/single_value.h"
#include "floe/iceberg/sqlite_catalog.h"
#include "floe/iceberg/table_write.h"
#include "floe/io/object_store.h"

namespace floe::iceberg {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// A described (not written) data file holding ids [first, first + rows).
// Files are clustered by day: file n of `per_day` files a day lies in day n / per_day.
DataFile FakeFile(const std::string& location, int64_t n, int64_t first, int64_t rows,
                  int64_t per_day = 1) {
  DataFile f;
  f.file_path = fmt::format("{}/data/bench-{:06}.parquet", location, n);
  f.file_format = "PARQUET";
  f.record_count = rows;
  f.file_size_in_bytes = rows * 40;
  f.partition = {Value(static_cast<int32_t>(19'723 + n / per_day))};
  f.value_counts = {{1, rows}, {2, rows}};
  f.null_value_counts = {{1, 0}, {2, 0}};
  f.column_sizes = {{1, rows * 8}, {2, rows * 8}};
  f.lower_bounds[1] = EncodeSingleValue(*types::Long(), Value(first)).value();
  f.upper_bounds[1] = EncodeSingleValue(*types::Long(), Value(first + rows - 1)).value();
  f.split_offsets = {4};
  return f;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Writes `text` as a new file: write, fsync, rename (what publishing metadata costs).
double PublishFloorMs(const fs::path& dir, const std::string& text) {
  const fs::path tmp = dir / "floor.tmp", dst = dir / "floor.json";
  const auto start = Clock::now();
  FILE* f = std::fopen(tmp.c_str(), "wb");
  std::fwrite(text.data(), 1, text.size(), f);
  std::fflush(f);
  ::fsync(fileno(f));
  std::fclose(f);
  fs::rename(tmp, dst);
  return Millis(Clock::now() - start);
}

int Run(int commits_per_point, int num_files) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("floe_table_bench_{}", ::getpid());
  fs::remove_all(dir);
  SqliteCatalogOptions options;
  options.warehouse = dir.string();
  auto catalog = SqliteCatalog::Open(options).value();
  (void)catalog->CreateNamespace({"bench"}, {});
  CreateTableRequest req;
  req.schema = Schema(
      0, {MakeField(1, "id", types::Long(), true), MakeField(2, "ts", types::TimestampTz(), true)});
  req.spec.fields.push_back(PartitionField{2, {}, 1000, "ts_day", Transform::Day()});
  const TableIdentifier history_id{{"bench"}, "history"};
  LoadedTable table = catalog->CreateTable(history_id, req).value();

  std::printf("commit latency (metadata-only appends, local disk, SQLite catalog)\n");
  std::printf("%10s %10s %10s %14s %14s %8s\n", "history", "p50 ms", "p99 ms", "metadata KB",
              "floor p50 ms", "ratio");
  int64_t n = 0;
  for (int history : {1, 100, 1000}) {
    while (static_cast<int>(table.metadata.snapshots.size()) < history) {
      table =
          AppendFiles(*catalog, history_id, {FakeFile(table.metadata.location, n, n * 100, 100)})
              .value();
      ++n;
    }
    std::vector<double> commit_ms, floor_ms;
    const std::string metadata_text = WriteTableMetadata(table.metadata);
    for (int i = 0; i < commits_per_point; ++i) {
      const auto start = Clock::now();
      table =
          AppendFiles(*catalog, history_id, {FakeFile(table.metadata.location, n, n * 100, 100)})
              .value();
      commit_ms.push_back(Millis(Clock::now() - start));
      ++n;
      floor_ms.push_back(PublishFloorMs(dir, metadata_text));
    }
    const double p50 = Percentile(commit_ms, 0.5), floor = Percentile(floor_ms, 0.5);
    std::printf("%10d %10.2f %10.2f %14.1f %14.2f %7.1fx\n", history, p50,
                Percentile(commit_ms, 0.99), static_cast<double>(metadata_text.size()) / 1024,
                floor, p50 / floor);
  }

  // Planning over many files: ten appends of num_files / 10 files each.
  const TableIdentifier wide_id{{"bench"}, "wide"};
  LoadedTable wide = catalog->CreateTable(wide_id, req).value();
  const int per_commit = std::max(1, num_files / 10);
  for (int f = 0; f < num_files; f += per_commit) {
    std::vector<DataFile> files;
    for (int k = f; k < std::min(num_files, f + per_commit); ++k) {
      files.push_back(FakeFile(wide.metadata.location, k, int64_t{k} * 1000, 1000, num_files / 30));
    }
    wide = AppendFiles(*catalog, wide_id, std::move(files)).value();
  }
  const int64_t needle = int64_t{num_files / 2} * 1000 + 17;
  ScanOptions point;
  point.filter = ParseExpression(fmt::format("id = {}", needle)).value();
  // A point in time: day(ts) partitions prune whole manifests by their summaries.
  ScanOptions day_point;
  day_point.filter = ParseExpression("ts = '2024-01-16T12:00:00Z'").value();
  std::vector<double> point_ms, day_ms, full_ms;
  size_t point_tasks = 0, day_tasks = 0, full_tasks = 0;
  for (int i = 0; i < 5; ++i) {
    auto start = Clock::now();
    ScanPlan p = PlanScan(wide.metadata, point).value();
    point_ms.push_back(Millis(Clock::now() - start));
    point_tasks = p.tasks.size();
    start = Clock::now();
    ScanPlan d = PlanScan(wide.metadata, day_point).value();
    day_ms.push_back(Millis(Clock::now() - start));
    day_tasks = d.tasks.size();
    start = Clock::now();
    ScanPlan all = PlanScan(wide.metadata, ScanOptions{}).value();
    full_ms.push_back(Millis(Clock::now() - start));
    full_tasks = all.tasks.size();
  }
  std::printf("\nscan planning over %d data files (%d manifests)\n", num_files,
              static_cast<int>(ReadSnapshotManifests(
                                   wide.metadata, *wide.metadata.CurrentSnapshot(), PathMapping{})
                                   .value()
                                   .size()));
  std::printf("%-24s %10s %10s\n", "", "p50 ms", "files");
  std::printf("%-24s %10.2f %10zu\n", fmt::format("id = {}", needle).c_str(),
              Percentile(point_ms, 0.5), point_tasks);
  std::printf("%-24s %10.2f %10zu\n", "ts = 2024-01-16T12:00Z", Percentile(day_ms, 0.5), day_tasks);
  std::printf("%-24s %10.2f %10zu\n", "no filter (peer)", Percentile(full_ms, 0.5), full_tasks);
  std::printf("ratio id point/full: %.2fx, ts point/full: %.2fx\n",
              Percentile(point_ms, 0.5) / Percentile(full_ms, 0.5),
              Percentile(day_ms, 0.5) / Percentile(full_ms, 0.5));
  fs::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace floe::iceberg

int main(int argc, char** argv) {
  int commits = 20, files = 10000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--commits") == 0) commits = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--files") == 0) files = std::atoi(argv[i + 1]);
  }
  return floe::iceberg::Run(commits, files);
}
