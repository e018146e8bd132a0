#include "floe/export/row_sort.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <numeric>
#include <set>

#include "floe/columnar/take.h"

namespace floe::exporter {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits `s` at any of `separators`, dropping empty pieces.
std::vector<std::string_view> Words(std::string_view s, std::string_view separators) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < s.size()) {
    const size_t end = std::min(s.find_first_of(separators, start), s.size());
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool Orderable(const DataType& t) {
  if (t.IsInteger()) return true;
  switch (t.id) {
    case TypeId::kBool:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kDecimal:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kString:
    case TypeId::kEnum:
    case TypeId::kJson:
    case TypeId::kBinary:
    case TypeId::kFixedBinary:
    case TypeId::kUuid:
      return true;
    default:
      return false;
  }
}

// One key's values over every buffered row (indexed by the row's global number), in the
// representation it compares in.
struct KeyValues {
  enum class Kind : uint8_t { kInt, kUInt, kInt128, kDouble, kBytes };
  Kind kind = Kind::kInt;
  bool descending = false;
  bool nulls_first = true;
  std::vector<uint8_t> valid;  // empty: no nulls
  std::vector<int64_t> ints;
  std::vector<uint64_t> uints;
  std::vector<__int128> wide;
  std::vector<double> doubles;
  std::vector<std::string_view> bytes;

  template <typename T>
  static int Cmp(const T& a, const T& b) {
    return (b < a) - (a < b);
  }
  // NaN above every number.
  static int CmpDouble(double a, double b) {
    const bool na = std::isnan(a), nb = std::isnan(b);
    if (na || nb) return static_cast<int>(na) - static_cast<int>(nb);
    return Cmp(a, b);
  }

  int Compare(uint32_t a, uint32_t b) const {
    if (!valid.empty()) {
      const bool va = valid[a] != 0, vb = valid[b] != 0;
      if (!va || !vb) {
        if (va == vb) return 0;
        return (!va) == nulls_first ? -1 : 1;
      }
    }
    int c = 0;
    switch (kind) {
      case Kind::kInt:
        c = Cmp(ints[a], ints[b]);
        break;
      case Kind::kUInt:
        c = Cmp(uints[a], uints[b]);
        break;
      case Kind::kInt128:
        c = Cmp(wide[a], wide[b]);
        break;
      case Kind::kDouble:
        c = CmpDouble(doubles[a], doubles[b]);
        break;
      case Kind::kBytes:
        c = bytes[a].compare(bytes[b]);
        c = (c > 0) - (c < 0);
        break;
    }
    return descending ? -c : c;
  }
};

template <typename T, typename Out>
void AppendAs(const Column& c, std::vector<Out>* out) {
  const T* v = c.Values<T>();
  for (int64_t i = 0; i < c.length; ++i) out->push_back(static_cast<Out>(v[i]));
}

KeyValues ExtractKey(std::span<const RecordBatch> batches, const SortColumn& key, size_t rows) {
  KeyValues k;
  k.descending = key.descending;
  k.nulls_first = key.nulls_first;
  bool any_null = false;
  for (const RecordBatch& b : batches) any_null |= b.columns[key.column]->null_count > 0;
  if (any_null) {
    k.valid.reserve(rows);
    for (const RecordBatch& b : batches) {
      const Column& c = *b.columns[key.column];
      for (int64_t i = 0; i < c.length; ++i) k.valid.push_back(c.IsValid(i) ? 1 : 0);
    }
  }
  const TypeId id = batches.front().columns[key.column]->type->id;
  using Kind = KeyValues::Kind;
  switch (id) {
    case TypeId::kUInt64:
      k.kind = Kind::kUInt;
      break;
    case TypeId::kDecimal:
      k.kind = Kind::kInt128;
      break;
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      k.kind = Kind::kDouble;
      break;
    case TypeId::kString:
    case TypeId::kEnum:
    case TypeId::kJson:
    case TypeId::kBinary:
    case TypeId::kFixedBinary:
    case TypeId::kUuid:
      k.kind = Kind::kBytes;
      break;
    default:
      k.kind = Kind::kInt;
      break;
  }
  switch (k.kind) {
    case Kind::kInt:
      k.ints.reserve(rows);
      break;
    case Kind::kUInt:
      k.uints.reserve(rows);
      break;
    case Kind::kInt128:
      k.wide.reserve(rows);
      break;
    case Kind::kDouble:
      k.doubles.reserve(rows);
      break;
    case Kind::kBytes:
      k.bytes.reserve(rows);
      break;
  }
  for (const RecordBatch& b : batches) {
    const Column& c = *b.columns[key.column];
    switch (id) {
      case TypeId::kBool:
      case TypeId::kUInt8:
        AppendAs<uint8_t>(c, &k.ints);
        break;
      case TypeId::kInt8:
        AppendAs<int8_t>(c, &k.ints);
        break;
      case TypeId::kInt16:
        AppendAs<int16_t>(c, &k.ints);
        break;
      case TypeId::kUInt16:
        AppendAs<uint16_t>(c, &k.ints);
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        AppendAs<int32_t>(c, &k.ints);
        break;
      case TypeId::kUInt32:
        AppendAs<uint32_t>(c, &k.ints);
        break;
      case TypeId::kInt64:
      case TypeId::kTime:
      case TypeId::kTimestamp:
        AppendAs<int64_t>(c, &k.ints);
        break;
      case TypeId::kUInt64:
        AppendAs<uint64_t>(c, &k.uints);
        break;
      case TypeId::kDecimal:
        AppendAs<__int128>(c, &k.wide);
        break;
      case TypeId::kFloat32:
        AppendAs<float>(c, &k.doubles);
        break;
      case TypeId::kFloat64:
        AppendAs<double>(c, &k.doubles);
        break;
      case TypeId::kFixedBinary:
      case TypeId::kUuid:
        for (int64_t i = 0; i < c.length; ++i) k.bytes.push_back(c.FixedAt(i));
        break;
      default:  // var-binary
        for (int64_t i = 0; i < c.length; ++i) k.bytes.push_back(c.StringAt(i));
        break;
    }
  }
  return k;
}

// Runs of consecutive rows of one batch become one range.
std::vector<SourceRange> ToRanges(std::span<const RowRef> rows) {
  std::vector<SourceRange> ranges;
  ranges.reserve(rows.size());
  for (const RowRef& r : rows) {
    if (!ranges.empty() && ranges.back().source == r.batch && ranges.back().end == r.row) {
      ++ranges.back().end;
    } else {
      ranges.push_back({r.batch, r.row, int64_t{r.row} + 1});
    }
  }
  return ranges;
}

int64_t ColumnBytes(const Column& c) {
  int64_t n =
      static_cast<int64_t>(c.values.size() + c.data.size() + c.offsets.size() + c.validity.size());
  for (const ColumnPtr& child : c.children) n += ColumnBytes(*child);
  return n;
}

}  // namespace

Result<std::vector<SortKey>> ParseSortKeys(std::string_view text) {
  std::vector<SortKey> keys;
  for (std::string_view item : Words(text, ",")) {
    std::vector<std::string_view> words = Words(item, " \t:");
    if (words.empty()) continue;
    SortKey k;
    k.column = std::string(words[0]);
    bool direction_seen = false, nulls_seen = false;
    for (size_t i = 1; i < words.size(); ++i) {
      const std::string w = Lower(words[i]);
      if ((w == "asc" || w == "desc") && !direction_seen && !nulls_seen) {
        k.descending = w == "desc";
        k.nulls_first = !k.descending;
        direction_seen = true;
      } else if ((w == "nulls_first" || w == "nulls_last") && !nulls_seen) {
        k.nulls_first = w == "nulls_first";
        nulls_seen = true;
      } else if (w == "nulls" && i + 1 < words.size() && !nulls_seen &&
                 (Lower(words[i + 1]) == "first" || Lower(words[i + 1]) == "last")) {
        k.nulls_first = Lower(words[++i]) == "first";
        nulls_seen = true;
      } else {
        return Status::InvalidArgument(
            "--sort-by: '{}' in \"{}\" is not ASC, DESC, NULLS FIRST or NULLS LAST", words[i],
            item);
      }
    }
    keys.push_back(std::move(k));
  }
  if (keys.empty() && !text.empty()) {
    return Status::InvalidArgument("--sort-by: no column in \"{}\"", text);
  }
  return keys;
}

std::string SortKeysToString(const std::vector<SortKey>& keys) {
  std::string out;
  for (const SortKey& k : keys) {
    if (!out.empty()) out += ", ";
    out += k.column;
    out += k.descending ? " DESC" : " ASC";
    out += k.nulls_first ? " NULLS FIRST" : " NULLS LAST";
  }
  return out;
}

Result<std::vector<SortColumn>> ResolveSortKeys(const Schema& schema,
                                                const std::vector<SortKey>& keys) {
  std::vector<SortColumn> out;
  std::set<int> seen;
  for (const SortKey& k : keys) {
    const int i = schema.IndexOf(k.column);
    if (i < 0) return Status::InvalidArgument("--sort-by: no column named '{}'", k.column);
    if (!seen.insert(i).second) {
      return Status::InvalidArgument("--sort-by: column '{}' is named twice", k.column);
    }
    if (!Orderable(*schema.fields[i].type)) {
      return Status::InvalidArgument("--sort-by: column '{}' is {}, which has no sort order",
                                     k.column, schema.fields[i].type->ToString());
    }
    out.push_back({i, k.descending, k.nulls_first});
  }
  return out;
}

std::vector<RowRef> SortedOrder(std::span<const RecordBatch> batches,
                                std::span<const SortColumn> keys) {
  std::vector<uint32_t> first_row;  // global number of each batch's first row
  size_t rows = 0;
  for (const RecordBatch& b : batches) {
    first_row.push_back(static_cast<uint32_t>(rows));
    rows += static_cast<size_t>(b.num_rows);
  }
  std::vector<uint32_t> order(rows);
  std::iota(order.begin(), order.end(), 0u);
  if (rows > 1 && !keys.empty()) {
    std::vector<KeyValues> values;
    for (const SortColumn& k : keys) values.push_back(ExtractKey(batches, k, rows));
    // Ties broken by the row number: a total order, so std::sort is stable here.
    std::sort(order.begin(), order.end(), [&values](uint32_t a, uint32_t b) {
      for (const KeyValues& k : values) {
        const int c = k.Compare(a, b);
        if (c != 0) return c < 0;
      }
      return a < b;
    });
  }
  std::vector<RowRef> out(rows);
  for (size_t i = 0; i < rows; ++i) {
    const uint32_t g = order[i];
    const size_t b = static_cast<size_t>(std::upper_bound(first_row.begin(), first_row.end(), g) -
                                         first_row.begin() - 1);
    out[i] = {static_cast<uint32_t>(b), g - first_row[b]};
  }
  return out;
}

ColumnPtr GatherRows(std::span<const Column* const> sources, std::span<const RowRef> rows) {
  const std::vector<SourceRange> ranges = ToRanges(rows);
  return GatherRanges(sources.front()->type, sources, ranges);
}

RecordBatch GatherBatch(std::span<const RecordBatch> batches, std::span<const RowRef> rows) {
  RecordBatch out;
  out.schema = batches.front().schema;
  out.num_rows = static_cast<int64_t>(rows.size());
  const std::vector<SourceRange> ranges = ToRanges(rows);
  std::vector<const Column*> sources(batches.size());
  for (size_t c = 0; c < batches.front().columns.size(); ++c) {
    for (size_t b = 0; b < batches.size(); ++b) sources[b] = batches[b].columns[c].get();
    out.columns.push_back(GatherRanges(sources.front()->type, sources, ranges));
  }
  return out;
}

int64_t BatchBytes(const RecordBatch& batch) {
  int64_t n = 0;
  for (const ColumnPtr& c : batch.columns) n += ColumnBytes(*c);
  return n;
}

void SortBuffer::Add(RecordBatch batch) {
  if (batch.num_rows == 0) return;
  rows_ += batch.num_rows;
  bytes_ += BatchBytes(batch);
  batches_.push_back(std::move(batch));
}

Status SortBuffer::Drain(int64_t batch_rows,
                         const std::function<Status(const RecordBatch&)>& write) {
  if (rows_ == 0) return Status::OK();
  const std::vector<RowRef> order = SortedOrder(batches_, keys_);
  batch_rows = std::max<int64_t>(batch_rows, 1);
  Status status;
  for (size_t begin = 0; begin < order.size() && status.ok();
       begin += static_cast<size_t>(batch_rows)) {
    const size_t n = std::min(order.size() - begin, static_cast<size_t>(batch_rows));
    status = write(GatherBatch(batches_, std::span<const RowRef>(order).subspan(begin, n)));
  }
  batches_.clear();
  rows_ = 0;
  bytes_ = 0;
  return status;
}

}  // namespace floe::exporter
