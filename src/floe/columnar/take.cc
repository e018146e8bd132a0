#include "floe/columnar/take.h"

#include <algorithm>

namespace floe {

std::vector<RowRange> NormalizeRanges(std::vector<RowRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const RowRange& a, const RowRange& b) { return a.begin < b.begin; });
  std::vector<RowRange> out;
  for (const RowRange& r : ranges) {
    if (r.end <= r.begin) continue;
    if (!out.empty() && r.begin <= out.back().end) {
      out.back().end = std::max(out.back().end, r.end);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

std::vector<RowRange> IntersectRanges(const std::vector<RowRange>& a,
                                      const std::vector<RowRange>& b) {
  std::vector<RowRange> out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const int64_t lo = std::max(a[i].begin, b[j].begin);
    const int64_t hi = std::min(a[i].end, b[j].end);
    if (lo < hi) out.push_back({lo, hi});
    if (a[i].end < b[j].end) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

int64_t CountRows(std::span<const RowRange> ranges) {
  int64_t n = 0;
  for (const RowRange& r : ranges) n += r.size();
  return n;
}

ColumnPtr TakeRanges(const Column& col, std::span<const RowRange> ranges) {
  auto out = std::make_shared<Column>(col.type);
  const int64_t rows = CountRows(ranges);
  out->length = rows;
  const DataType& t = *col.type;

  if (col.null_count > 0) {
    out->validity.ResizeZeroed((rows + 7) / 8);
    int64_t at = 0, nulls = 0;
    for (const RowRange& r : ranges) {
      for (int64_t i = r.begin; i < r.end; ++i, ++at) {
        if (col.IsValid(i)) {
          SetBit(out->validity.data(), at);
        } else {
          ++nulls;
        }
      }
    }
    out->null_count = nulls;
    if (nulls == 0) out->validity.Clear();
  }

  const int width = t.FixedWidth();
  if (width > 0) {
    out->values.Reserve(static_cast<size_t>(rows) * width);
    for (const RowRange& r : ranges) {
      out->values.Append(col.values.data() + r.begin * width,
                         static_cast<size_t>(r.size()) * width);
    }
    return out;
  }
  if (t.IsVarBinary()) {
    const int64_t* o = col.Offsets();
    out->offsets.Reserve(static_cast<size_t>(rows + 1) * sizeof(int64_t));
    out->offsets.Push<int64_t>(0);
    for (const RowRange& r : ranges) {
      const int64_t base = static_cast<int64_t>(out->data.size()) - o[r.begin];
      out->data.Append(col.data.data() + o[r.begin], static_cast<size_t>(o[r.end] - o[r.begin]));
      for (int64_t i = r.begin + 1; i <= r.end; ++i) out->offsets.Push<int64_t>(o[i] + base);
    }
    return out;
  }
  if (t.id == TypeId::kList || t.id == TypeId::kMap) {
    const int64_t* o = col.Offsets();
    std::vector<RowRange> child_ranges;
    out->offsets.Push<int64_t>(0);
    int64_t taken = 0;
    for (const RowRange& r : ranges) {
      child_ranges.push_back({o[r.begin], o[r.end]});
      const int64_t base = taken - o[r.begin];
      for (int64_t i = r.begin + 1; i <= r.end; ++i) out->offsets.Push<int64_t>(o[i] + base);
      taken += o[r.end] - o[r.begin];
    }
    child_ranges = NormalizeRanges(std::move(child_ranges));
    for (const ColumnPtr& c : col.children) out->children.push_back(TakeRanges(*c, child_ranges));
    return out;
  }
  for (const ColumnPtr& c : col.children) out->children.push_back(TakeRanges(*c, ranges));
  return out;
}

}  // namespace floe
