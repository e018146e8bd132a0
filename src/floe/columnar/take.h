// Selecting rows of a column by ranges: the reader uses it to trim pages read for a
// filter down to the rows their page index selected.
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

}  // namespace floe
