// Sorting the rows of an export output (`--sort-by`): the sort keys, the sorted order of
// buffered batches as an index permutation, the gather that moves the values once, column
// by column, into that order, and SortBuffer, which holds one output's rows until they
// are written.
//
// Order: per key ascending or descending; nulls first or last independently of the
// direction (Iceberg's default: ascending with nulls first, descending with nulls last).
// Integers, dates, times, timestamps and decimals compare as numbers, booleans false
// before true, floats numerically with NaN above every number (-0.0 equals 0.0), strings
// and binary bytewise (unsigned). Ties keep the order the rows were added in (stable).
//
// Plain values and a single-threaded buffer; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "floe/columnar/column.h"
#include "floe/common/status.h"

namespace floe::exporter {

struct SortKey {
  std::string column;  // a top-level column name
  bool descending = false;
  bool nulls_first = true;
  bool operator==(const SortKey&) const = default;
};

// Parses `--sort-by`: comma-separated keys, each a column name optionally followed by a
// direction and a null order, separated by spaces or ':' and case-insensitive:
//   "ts", "ts DESC", "ts:desc", "a, b desc nulls first", "b:asc:nulls_last".
// InvalidArgument for an empty key or an unknown word.
Result<std::vector<SortKey>> ParseSortKeys(std::string_view text);

// "ts DESC NULLS LAST, id ASC NULLS FIRST": the canonical text of `keys`.
std::string SortKeysToString(const std::vector<SortKey>& keys);

// A key resolved against a schema: the top-level column index.
struct SortColumn {
  int column = 0;
  bool descending = false;
  bool nulls_first = true;
};

// InvalidArgument for a key naming no column, a column named twice, or a column of a type
// that has no order here (nested types, float16, interval, variant).
Result<std::vector<SortColumn>> ResolveSortKeys(const Schema& schema,
                                                const std::vector<SortKey>& keys);

// Row `row` of batch `batch` of a sequence of batches.
struct RowRef {
  uint32_t batch = 0;
  uint32_t row = 0;
  bool operator==(const RowRef&) const = default;
};

// The rows of `batches` (one schema; `keys` resolved against it; fewer than 2^32 rows in
// all) in key order, stable.
std::vector<RowRef> SortedOrder(std::span<const RecordBatch> batches,
                                std::span<const SortColumn> keys);

// A column holding the values `rows` name, in that order; `sources[i]` is the column of
// batch i (every source of one type). Nested columns are gathered with their elements.
ColumnPtr GatherRows(std::span<const Column* const> sources, std::span<const RowRef> rows);

// GatherRows over every column of `batches`.
RecordBatch GatherBatch(std::span<const RecordBatch> batches, std::span<const RowRef> rows);

// Bytes a batch holds in its buffers (all columns, nested children included).
int64_t BatchBytes(const RecordBatch& batch);

// The rows of one output, held until they are written in key order.
class SortBuffer {
 public:
  // The most rows a buffer holds (row references are 32-bit).
  static constexpr int64_t kMaxRows = int64_t{1} << 31;

  explicit SortBuffer(std::vector<SortColumn> keys) : keys_(std::move(keys)) {}

  // Holds `batch` (shares its columns; no copy).
  void Add(RecordBatch batch);
  int64_t rows() const { return rows_; }
  int64_t bytes() const { return bytes_; }
  bool empty() const { return rows_ == 0; }

  // Sorts the rows held and passes them to `write` in key order, in batches of at most
  // `batch_rows` rows; then holds nothing. The first error from `write` is returned.
  Status Drain(int64_t batch_rows, const std::function<Status(const RecordBatch&)>& write);

 private:
  std::vector<SortColumn> keys_;
  std::vector<RecordBatch> batches_;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace floe::exporter
