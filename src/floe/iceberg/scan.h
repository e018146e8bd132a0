// Table scans: choosing a snapshot (current, by id, as of a timestamp, by ref), planning
// the live data files with the delete files that apply to each (spec "Scan Planning",
// sequence-number rules), and reading them into RecordBatches of the scan schema with
// deletes applied.
//
// Columns resolve by Parquet field id: fields a file lacks read as null; int->long,
// float->double and decimal widening are promoted. Paths go through ScanOptions::paths.
// Functions are thread-safe; a TableReader is not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "floe/columnar/column.h"
#include "floe/common/status.h"
#include "floe/iceberg/data_file.h"
#include "floe/iceberg/delete_filter.h"
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
  std::vector<size_t> deletes;  // indexes into ScanPlan::delete_files
};

struct ScanPlan {
  std::optional<int64_t> snapshot_id;  // none: the table has no snapshot (empty scan)
  Schema schema;                       // the schema rows are read as
  std::vector<FileScanTask> tasks;
  std::vector<DeleteFileEntry> delete_files;  // every live delete file of the snapshot
};

// The snapshot `options` selects; nullptr when the table has no current snapshot and none
// was asked for. NotFound naming the id, timestamp or ref otherwise.
Result<const Snapshot*> SelectSnapshot(const TableMetadata& metadata, const ScanOptions& options);

// Every manifest of `snapshot` (from its manifest list, or v1's inline list). A missing
// manifest list is an error naming the snapshot and the file.
Result<std::vector<ManifestFile>> ReadSnapshotManifests(const TableMetadata& metadata,
                                                        const Snapshot& snapshot,
                                                        const PathMapping& paths);

// Plans the scan: live (ADDED/EXISTING) files; each data file gets the delete files that
// apply to it: position deletes and DVs with a data sequence number >= its own (a DV or a
// delete with referenced_data_file only for that file), equality deletes with a strictly
// greater one from an unpartitioned spec or the same spec and partition.
Result<ScanPlan> PlanScan(const TableMetadata& metadata, const ScanOptions& options);

// Reads a planned scan file by file. Not thread-safe.
class TableReader {
 public:
  TableReader(ScanPlan plan, PathMapping paths);

  // The schema of the batches (the plan's schema in columnar form).
  Result<floe::SchemaPtr> schema();
  // The live rows of task `index` (one batch per Parquet row group, deletes applied).
  Result<std::vector<RecordBatch>> ReadTask(size_t index);
  // Every task in order.
  Result<std::vector<RecordBatch>> ReadAll();
  const ScanPlan& plan() const { return plan_; }

 private:
  ScanPlan plan_;
  PathMapping paths_;
  DeleteFilter deletes_;
  floe::SchemaPtr schema_;
};

// Conforms a file's column to the scan type: same type (or decimal of other precision)
// as is, int->long, float->double, timestamp unit changes. NotSupported otherwise.
// REQUIRES: the caller owns `column` exclusively (it may be retagged in place).
Result<ColumnPtr> PromoteColumn(const ColumnPtr& column, const floe::TypePtr& to);

}  // namespace floe::iceberg
