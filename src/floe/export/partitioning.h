// How export rows are laid out: derived columns added to each batch, the partition a row
// belongs to (Hive-style directories), and the output file name pattern.
//
// Partition parts (`--partition-by`, comma-separated, in directory order):
//   year, month, day, hour   from the time column (timestamp or date):
//                            year=2024/month=01/day=05/hour=07 (zero-padded)
//   COL (or col:COL)         a column's value: COL=value, escaped as Hive does (%XX for
//                            '/', '=', '%', control bytes and a few more); null is
//                            COL=__HIVE_DEFAULT_PARTITION__
// Time parts use the stored value (UTC for zoned timestamps, as written for naive ones).
//
// Derived columns (`--derive NAME=FUNC(COL)`) are appended after the schema's columns:
//   date(COL) -> date      year(COL), month(COL), day(COL), hour(COL) -> int32
// COL is a timestamp or date column (hour needs a timestamp). A null source gives null.
//
// Output names (`--name`): the file name (it may contain '/') under the partition
// directories, with placeholders
//   {stem}          the input's name without directory and extensions ("q_2024-01-02")
//   {date:FORMAT}   the rows' date, FORMAT with %Y %m %d %H (%% for '%'); the rows are
//                   split by day when the partitioning does not already do it
//   {input_hash}    8 hex digits identifying the input path (to tell equal stems apart)
// Default: "{stem}.parquet".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "floe/columnar/column.h"
#include "floe/common/status.h"

namespace floe::exporter {

struct DerivedColumn {
  enum class Func : uint8_t { kDate, kYear, kMonth, kDay, kHour };
  std::string name;
  Func func = Func::kDate;
  std::string source;  // the column it is computed from
};

// Parses "NAME=FUNC(COL)".
Result<DerivedColumn> ParseDerivedColumn(std::string_view text);

// `schema` with the derived columns appended (InvalidArgument for an unknown or unsuitable
// source column, or a name already taken).
Result<SchemaPtr> SchemaWithDerived(const SchemaPtr& schema,
                                    const std::vector<DerivedColumn>& derived);

// Appends the derived columns to `batch` (whose schema is the base schema); the result has
// `out_schema` (from SchemaWithDerived).
Result<RecordBatch> AddDerivedColumns(RecordBatch batch, const std::vector<DerivedColumn>& derived,
                                      const SchemaPtr& out_schema);

struct PartitionPart {
  enum class Kind : uint8_t { kYear, kMonth, kDay, kHour, kColumn };
  Kind kind = Kind::kColumn;
  int column = -1;      // schema index: the time column for time parts
  std::string name;     // directory key ("year", or the column name)
  bool hidden = false;  // splits rows without a directory level (for {date} names)
};

struct OutputLayout {
  std::vector<PartitionPart> parts;
  std::string name_pattern = "{stem}.parquet";
  int time_column = -1;  // -1 when none is needed

  bool partitioned() const { return !parts.empty(); }
};

// Builds the layout from --partition-by (may be empty), --time-column (empty: the first
// timestamp column, else the first date column) and --name. InvalidArgument names what
// does not fit (an unknown column, a nested partition column, time parts without a time
// column, a bad placeholder).
Result<OutputLayout> MakeOutputLayout(const Schema& schema, std::string_view partition_by,
                                      std::string_view time_column, std::string_view name);

// Assigns rows to partitions. Rows of one partition share their key; each distinct key gets
// a small integer id in order of first appearance (ids are stable across batches of one
// Partitioner). Not thread-safe.
class Partitioner {
 public:
  explicit Partitioner(const OutputLayout* layout) : layout_(layout) {}

  // Partition id of each row of `batch`, into *ids (resized).
  Status Assign(const RecordBatch& batch, std::vector<int32_t>* ids);
  // The directory of partition `id` ("year=2024/month=01/", "" when unpartitioned).
  const std::string& Directory(int32_t id) const { return partitions_[id].directory; }
  // The file name of partition `id` for an input with `stem` and `input_hash`.
  std::string FileName(int32_t id, std::string_view stem, std::string_view input_hash) const;
  size_t size() const { return partitions_.size(); }

 private:
  struct Partition {
    std::string directory;
    int year = 0, month = 1, day = 1, hour = 0;
    bool has_date = false;
  };
  int32_t Intern(const RecordBatch& batch, int64_t row);

  const OutputLayout* layout_;
  std::vector<Partition> partitions_;
  std::unordered_map<std::string, int32_t> ids_;
  std::string key_;       // scratch: the key of the current row
  std::string last_key_;  // key of the previous row
  int32_t last_id_ = -1;
};

// Hive path escaping of a partition value.
std::string EscapePartitionValue(std::string_view value);

// Splits `batch` by `ids` (one per row, values < num_partitions): returns (id, rows) for
// every id present, in order of first appearance. A batch of one partition is returned
// as it is (no copy).
std::vector<std::pair<int32_t, RecordBatch>> SplitBatch(const RecordBatch& batch,
                                                        const std::vector<int32_t>& ids);

}  // namespace floe::exporter
