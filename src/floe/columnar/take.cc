#include "floe/columnar/take.h"

#include <algorithm>
#include <cstring>

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

namespace {

template <int W>
void CopyFixed(std::span<const Column* const> sources, std::span<const SourceRange> ranges,
               uint8_t* out) {
  for (const SourceRange& r : ranges) {
    const uint8_t* src = sources[r.source]->values.data() + r.begin * W;
    if (r.end - r.begin == 1) {
      std::memcpy(out, src, W);
      out += W;
    } else {
      const size_t n = static_cast<size_t>(r.end - r.begin) * W;
      std::memcpy(out, src, n);
      out += n;
    }
  }
}

}  // namespace

ColumnPtr GatherRanges(const TypePtr& type, std::span<const Column* const> sources,
                       std::span<const SourceRange> ranges) {
  auto out = std::make_shared<Column>(type);
  int64_t rows = 0;
  for (const SourceRange& r : ranges) rows += r.end - r.begin;
  out->length = rows;
  bool any_null = false;
  for (const Column* c : sources) any_null |= c->null_count > 0;
  if (any_null) {
    out->validity.ResizeZeroed(static_cast<size_t>((rows + 7) / 8));
    uint8_t* bits = out->validity.data();
    int64_t at = 0, nulls = 0;
    for (const SourceRange& r : ranges) {
      const Column& c = *sources[r.source];
      if (c.null_count == 0) {
        for (int64_t i = r.begin; i < r.end; ++i) SetBit(bits, at++);
        continue;
      }
      for (int64_t i = r.begin; i < r.end; ++i, ++at) {
        if (c.IsValid(i)) {
          SetBit(bits, at);
        } else {
          ++nulls;
        }
      }
    }
    out->null_count = nulls;
    if (nulls == 0) out->validity = Buffer();
  }

  const DataType& t = *type;
  const int width = t.FixedWidth();
  if (width > 0) {
    out->values.Resize(static_cast<size_t>(rows) * width);
    uint8_t* dst = out->values.data();
    switch (width) {
      case 1:
        CopyFixed<1>(sources, ranges, dst);
        break;
      case 2:
        CopyFixed<2>(sources, ranges, dst);
        break;
      case 4:
        CopyFixed<4>(sources, ranges, dst);
        break;
      case 8:
        CopyFixed<8>(sources, ranges, dst);
        break;
      case 16:
        CopyFixed<16>(sources, ranges, dst);
        break;
      default:
        for (const SourceRange& r : ranges) {
          const size_t n = static_cast<size_t>(r.end - r.begin) * width;
          std::memcpy(dst, sources[r.source]->values.data() + r.begin * width, n);
          dst += n;
        }
        break;
    }
    return out;
  }
  if (t.IsVarBinary()) {
    size_t bytes = 0;
    for (const SourceRange& r : ranges) {
      const int64_t* o = sources[r.source]->Offsets();
      bytes += static_cast<size_t>(o[r.end] - o[r.begin]);
    }
    out->data.Resize(bytes);
    out->offsets.Resize(static_cast<size_t>(rows + 1) * sizeof(int64_t));
    int64_t* offsets = out->offsets.as<int64_t>();
    uint8_t* data = out->data.data();
    int64_t pos = 0;
    *offsets++ = 0;
    for (const SourceRange& r : ranges) {
      const Column& c = *sources[r.source];
      const int64_t* o = c.Offsets();
      const int64_t n = o[r.end] - o[r.begin];
      if (n > 0) std::memcpy(data + pos, c.data.data() + o[r.begin], static_cast<size_t>(n));
      const int64_t shift = pos - o[r.begin];
      for (int64_t i = r.begin + 1; i <= r.end; ++i) *offsets++ = o[i] + shift;
      pos += n;
    }
    return out;
  }
  if (t.id == TypeId::kList || t.id == TypeId::kMap) {
    out->offsets.Resize(static_cast<size_t>(rows + 1) * sizeof(int64_t));
    int64_t* offsets = out->offsets.as<int64_t>();
    *offsets++ = 0;
    std::vector<SourceRange> child_ranges;
    child_ranges.reserve(ranges.size());
    int64_t taken = 0;
    for (const SourceRange& r : ranges) {
      const int64_t* o = sources[r.source]->Offsets();
      const int64_t shift = taken - o[r.begin];
      for (int64_t i = r.begin + 1; i <= r.end; ++i) *offsets++ = o[i] + shift;
      taken += o[r.end] - o[r.begin];
      if (o[r.end] == o[r.begin]) continue;
      if (!child_ranges.empty() && child_ranges.back().source == r.source &&
          child_ranges.back().end == o[r.begin]) {
        child_ranges.back().end = o[r.end];
      } else {
        child_ranges.push_back({r.source, o[r.begin], o[r.end]});
      }
    }
    std::vector<const Column*> child_sources(sources.size());
    for (size_t k = 0; k < t.children.size(); ++k) {
      for (size_t s = 0; s < sources.size(); ++s) child_sources[s] = sources[s]->children[k].get();
      out->children.push_back(GatherRanges(t.children[k].type, child_sources, child_ranges));
    }
    return out;
  }
  // Struct: every child takes the same rows.
  std::vector<const Column*> child_sources(sources.size());
  for (size_t k = 0; k < t.children.size(); ++k) {
    for (size_t s = 0; s < sources.size(); ++s) child_sources[s] = sources[s]->children[k].get();
    out->children.push_back(GatherRanges(t.children[k].type, child_sources, ranges));
  }
  return out;
}

ColumnPtr TakeRanges(const Column& col, std::span<const RowRange> ranges) {
  std::vector<SourceRange> from_col;
  from_col.reserve(ranges.size());
  for (const RowRange& r : ranges) from_col.push_back({0, r.begin, r.end});
  const Column* const source = &col;
  return GatherRanges(col.type, std::span<const Column* const>(&source, 1), from_col);
}

}  // namespace floe
