// Builders of the page index (apache/parquet-format PageIndex.md): one ColumnIndex (per
// page: null_pages, min/max bounds, null counts, and the boundary order) and one
// OffsetIndex (per page: file offset, stored size including the header, first row) per
// column chunk. The file writer stores all column indexes, then all offset indexes,
// after the row groups and before the footer.
//
// Not thread-safe; one builder per column chunk.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "floe/format/parquet/metadata.h"
#include "floe/format/parquet/statistics.h"

namespace floe::parquet {

// ASCENDING when the non-null pages' mins and maxes both never decrease, DESCENDING
// when both never increase, UNORDERED otherwise (two or more equal pages count as
// ascending). Null pages are skipped.
BoundaryOrder DetectBoundaryOrder(StatsOrder order, const std::vector<bool>& null_pages,
                                  const std::vector<std::string>& min_values,
                                  const std::vector<std::string>& max_values);

class ColumnIndexBuilder {
 public:
  // `max_bytes`: bounds of truncatable columns are cut to this length (see statistics.h).
  ColumnIndexBuilder(StatsOrder order, size_t max_bytes) : order_(order), max_bytes_(max_bytes) {}

  // Records one data page's statistics, in page order.
  void AddPage(const ColumnStatistics& page);
  // The index, or nullopt when the column cannot have one: undefined sort order, or a
  // page whose non-null values are all NaN (its bounds would be missing; the format then
  // forbids a column index for the chunk).
  std::optional<ColumnIndex> Finish() const;
  void Reset();
  int num_pages() const { return static_cast<int>(null_pages_.size()); }

 private:
  StatsOrder order_;
  size_t max_bytes_;
  bool valid_ = true;
  std::vector<bool> null_pages_;
  std::vector<std::string> min_values_;
  std::vector<std::string> max_values_;
  std::vector<int64_t> null_counts_;
  std::vector<int64_t> nan_counts_;
};

class OffsetIndexBuilder {
 public:
  // Records one data page: `offset` relative to the start of its column chunk,
  // `size` the page's stored bytes including the header, `first_row` its first row
  // within the row group.
  void AddPage(int64_t offset, int32_t size, int64_t first_row);
  // The index with offsets made absolute by adding `chunk_offset` (the file offset of
  // the chunk's first page).
  OffsetIndex Finish(int64_t chunk_offset) const;
  void Reset() { pages_.clear(); }
  int num_pages() const { return static_cast<int>(pages_.size()); }

 private:
  std::vector<PageLocation> pages_;
};

}  // namespace floe::parquet
