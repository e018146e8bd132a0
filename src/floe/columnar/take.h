// Selecting rows of a column by ranges: the reader uses it to trim pages read for a
// filter down to the rows their page index selected, the exporter's sort to merge sorted runs.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "floe/columnar/column.h"

namespace floe {

struct RowRange {
  int64_t begin = 0;  // first row
  int64_t end = 0;    // one past the last row
  int64_t size() const { return end - begin; }
  bool operator==(const RowRange&) const = default;
};

// Sorts, merges overlapping or touching ranges and drops empty ones.
std::vector<RowRange> NormalizeRanges(std::vector<RowRange> ranges);
// Rows in both sets (each normalized).
std::vector<RowRange> IntersectRanges(const std::vector<RowRange>& a,
                                      const std::vector<RowRange>& b);
int64_t CountRows(std::span<const RowRange> ranges);

// A new column holding the rows of `column` in `ranges` (normalized, within its length),
// in order. Nested children are cut to the elements those rows own.
ColumnPtr TakeRanges(const Column& column, std::span<const RowRange> ranges);

// Rows [begin, end) of source column `source`.
struct SourceRange {
  uint32_t source = 0;
  int64_t begin = 0;
  int64_t end = 0;
};

// A new column of `type` holding, in order, the rows each range names of its source (every
// source of `type`, every range within its source's length): a gather from several columns,
// as a k-way merge of sorted runs needs. Nested children are cut to the elements those rows
// own. TakeRanges is the one-source case.
ColumnPtr GatherRanges(const TypePtr& type, std::span<const Column* const> sources,
                       std::span<const SourceRange> ranges);

}  // namespace floe
