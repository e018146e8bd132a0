#include "floe/format/parquet/page_index.h"

namespace floe::parquet {

BoundaryOrder DetectBoundaryOrder(StatsOrder order, const std::vector<bool>& null_pages,
                                  const std::vector<std::string>& min_values,
                                  const std::vector<std::string>& max_values) {
  bool ascending = true;
  bool descending = true;
  int prev = -1;
  for (size_t i = 0; i < null_pages.size(); ++i) {
    if (null_pages[i]) continue;
    if (prev >= 0) {
      const int cmin = CompareEncoded(order, min_values[prev], min_values[i]);
      const int cmax = CompareEncoded(order, max_values[prev], max_values[i]);
      if (cmin > 0 || cmax > 0) ascending = false;
      if (cmin < 0 || cmax < 0) descending = false;
      if (!ascending && !descending) break;
    }
    prev = static_cast<int>(i);
  }
  if (ascending) return BoundaryOrder::kAscending;
  if (descending) return BoundaryOrder::kDescending;
  return BoundaryOrder::kUnordered;
}

void ColumnIndexBuilder::AddPage(const ColumnStatistics& page) {
  if (order_ == StatsOrder::kNone) valid_ = false;
  const bool null_page = page.num_values() == 0;
  null_pages_.push_back(null_page);
  null_counts_.push_back(page.null_count());
  nan_counts_.push_back(page.nan_count());
  if (null_page) {
    min_values_.emplace_back();
    max_values_.emplace_back();
    return;
  }
  if (!page.has_min_max()) {
    valid_ = false;  // all values NaN
    min_values_.emplace_back();
    max_values_.emplace_back();
    return;
  }
  min_values_.push_back(page.TruncatedMin(max_bytes_));
  std::optional<std::string> hi = page.TruncatedMax(max_bytes_);
  // No short upper bound exists: the untruncated max is always a valid bound.
  max_values_.push_back(hi ? std::move(*hi) : page.max());
}

std::optional<ColumnIndex> ColumnIndexBuilder::Finish() const {
  if (!valid_ || null_pages_.empty()) return std::nullopt;
  ColumnIndex ci;
  ci.null_pages = null_pages_;
  ci.min_values = min_values_;
  ci.max_values = max_values_;
  ci.boundary_order = DetectBoundaryOrder(order_, null_pages_, min_values_, max_values_);
  ci.null_counts = null_counts_;
  const bool floating = order_ == StatsOrder::kFloat || order_ == StatsOrder::kDouble ||
                        order_ == StatsOrder::kFloat16;
  if (floating) ci.nan_counts = nan_counts_;
  return ci;
}

void ColumnIndexBuilder::Reset() {
  valid_ = true;
  null_pages_.clear();
  min_values_.clear();
  max_values_.clear();
  null_counts_.clear();
  nan_counts_.clear();
}

void OffsetIndexBuilder::AddPage(int64_t offset, int32_t size, int64_t first_row) {
  pages_.push_back(PageLocation{offset, size, first_row});
}

OffsetIndex OffsetIndexBuilder::Finish(int64_t chunk_offset) const {
  OffsetIndex oi;
  oi.page_locations = pages_;
  for (PageLocation& p : oi.page_locations) p.offset += chunk_offset;
  return oi;
}

}  // namespace floe::parquet
