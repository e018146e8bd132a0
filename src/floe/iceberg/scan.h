// Table scans: choosing a snapshot (current, by id, as of a timestamp, by ref), planning
// the live data files with the delete files that apply to each (spec "Scan Planning",
// sequence-number rules), and reading them into RecordBatches of the scan schema with
// deletes applied.
//
// Columns resolve by Parquet field id: fields a file lacks read as null; int->long,
// float->double and decimal widening are promoted. Paths go through ScanOptions::paths.
//
// A filter (ScanOptions::filter, expression.h) prunes in turn: manifests by their
// partition field summaries, data files by the filter projected onto their partition
// tuple (projection.h) and by their column metrics (evaluator.h), then row groups and
// pages by Parquet statistics, page indexes and bloom filters; the reader applies the
// residual so the rows returned are exactly the matching live rows.
//
// Delete files are matched to data files through indexes (by referenced data file, by
// spec and partition, and for global equality deletes by sequence number), so planning
// costs O((data files + delete files) log(delete files)) plus the matches.
//
// Functions are thread-safe; a TableReader is not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "floe/columnar/column.h"
#include "floe/common/status.h"
#include "floe/format/parquet/file_reader.h"
#include "floe/iceberg/data_file.h"
#include "floe/iceberg/delete_filter.h"
#include "floe/iceberg/expression.h"
#include "floe/iceberg/manifest.h"
#include "floe/iceberg/path_mapping.h"
#include "floe/iceberg/table_metadata.h"

namespace floe::iceberg {

struct ScanOptions {
  // Which snapshot: at most one of these; none = the current snapshot.
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> as_of_timestamp_ms;
  std::optional<std::string> ref;  // branch or tag name
  // Applied to every path the table records.
  PathMapping paths;
  // Rows to return: an unbound expression (names resolve against the scan schema, see
  // Bind) or one already bound to it. nullptr: every row.
  ExprPtr filter;
  // Set false to skip the residual: the reader then returns every live row of the row
  // groups and pages that pruning kept (a superset of the matching rows).
  bool apply_residual = true;
};

// What planning pruned (for tests, `inspect` and metrics). Counts are of manifests and
// of live (ADDED/EXISTING) entries in the manifests read.
struct ScanMetrics {
  int64_t manifests = 0;          // in the snapshot's manifest list
  int64_t manifests_skipped = 0;  // ruled out by partition summaries (not read)
  int64_t data_files = 0;         // live data files in the manifests read
  int64_t data_files_skipped_by_partition = 0;
  int64_t data_files_skipped_by_metrics = 0;
  int64_t data_files_all_rows_match = 0;  // planned tasks needing no residual
  int64_t delete_files = 0;               // live delete files in the manifests read
  int64_t delete_files_skipped_by_partition = 0;
};

// A delete file with the data sequence number it applies under.
struct DeleteFileEntry {
  DataFile file;
  int64_t sequence_number = 0;
};

// One live data file and the delete files that apply to it.
struct FileScanTask {
  DataFile data_file;
  int64_t sequence_number = 0;  // data sequence number
  int64_t file_sequence_number = 0;
  std::vector<size_t> deletes;  // indexes into ScanPlan::delete_files, ascending
  // The filter holds for every row of the file (strict partition projection or strict
  // metrics): the reader need not evaluate it.
  bool all_rows_match = true;
};

struct ScanPlan {
  std::optional<int64_t> snapshot_id;  // none: the table has no snapshot (empty scan)
  Schema schema;                       // the schema rows are read as
  std::vector<FileScanTask> tasks;
  // The live delete files of the snapshot that may apply to a planned task (delete files
  // in partitions the filter rules out are left out).
  std::vector<DeleteFileEntry> delete_files;
  // ScanOptions::filter bound to `schema`; nullptr when the scan has none.
  ExprPtr filter;
  bool apply_residual = true;
  ScanMetrics metrics;
};

// The snapshot `options` selects; nullptr when the table has no current snapshot and none
// was asked for. NotFound naming the id, timestamp or ref otherwise.
Result<const Snapshot*> SelectSnapshot(const TableMetadata& metadata, const ScanOptions& options);

// Every manifest of `snapshot` (from its manifest list, or v1's inline list). A missing
// manifest list is an error naming the snapshot and the file.
Result<std::vector<ManifestFile>> ReadSnapshotManifests(const TableMetadata& metadata,
                                                        const Snapshot& snapshot,
                                                        const PathMapping& paths);

// Plans the scan: live (ADDED/EXISTING) data files the filter might match; each gets the
// delete files that apply to it: position deletes and DVs with a data sequence number >=
// its own (a DV or a delete with referenced_data_file only for that file, others only
// within the same spec and partition), equality deletes with a strictly greater one from
// an unpartitioned spec or the same spec and partition. InvalidArgument when the filter
// does not bind to the scan schema.
Result<ScanPlan> PlanScan(const TableMetadata& metadata, const ScanOptions& options);

// Reads a planned scan file by file. Not thread-safe.
class TableReader {
 public:
  TableReader(ScanPlan plan, PathMapping paths);

  // The schema of the batches (the plan's schema in columnar form).
  Result<floe::SchemaPtr> schema();
  // The live rows of task `index` that match the plan's filter (one batch per Parquet row
  // group read, deletes and the residual applied; row groups pruned away give no batch).
  Result<std::vector<RecordBatch>> ReadTask(size_t index);
  // Every task in order.
  Result<std::vector<RecordBatch>> ReadAll();
  const ScanPlan& plan() const { return plan_; }

  // Pruning in the Parquet reader, summed over the tasks read so far (row_groups_read and
  // rows_returned count what this reader decoded, before deletes and the residual).
  const parquet::ReadStats& read_stats() const { return read_stats_; }
  // Rows the residual removed, summed over the tasks read so far.
  int64_t rows_filtered() const { return rows_filtered_; }

 private:
  Result<std::unique_ptr<parquet::FileReader>> OpenDataFile(const std::string& path,
                                                            const FileScanTask& task,
                                                            const floe::Schema& scan_schema);

  ScanPlan plan_;
  PathMapping paths_;
  DeleteFilter deletes_;
  floe::SchemaPtr schema_;
  parquet::ReadStats read_stats_;
  int64_t rows_filtered_ = 0;
};

// Conforms a file's column to the scan type: same type (or decimal of other precision)
// as is, int->long, float->double, timestamp unit changes. NotSupported otherwise.
// REQUIRES: the caller owns `column` exclusively (it may be retagged in place).
Result<ColumnPtr> PromoteColumn(const ColumnPtr& column, const floe::TypePtr& to);

}  // namespace floe::iceberg
