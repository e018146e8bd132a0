#include "floe/iceberg/data_file_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "floe/format/parquet/schema.h"
#include "floe/format/parquet/statistics.h"
#include "floe/iceberg/transform.h"

namespace floe::iceberg {
namespace {

template <typename T>
T LoadLe(std::string_view b) {
  T v;
  std::memcpy(&v, b.data(), sizeof v);
  return v;
}

template <typename T>
std::string StoreLe(T v) {
  std::string out(sizeof v, '\0');
  std::memcpy(out.data(), &v, sizeof v);
  return out;
}

// A bound decoded for comparison, with its encoded (single-value) form.
struct Bound {
  enum class Kind : uint8_t { kInt, kDouble, kDecimal, kBytes };
  Kind kind = Kind::kInt;
  int64_t i = 0;
  double d = 0;
  __int128 dec = 0;
  std::string encoded;  // kBytes: also the comparison key (unsigned lexicographic)

  bool LessThan(const Bound& o) const {
    switch (kind) {
      case Kind::kInt:
        return i < o.i;
      case Kind::kDouble:
        return d < o.d;
      case Kind::kDecimal:
        return dec < o.dec;
      case Kind::kBytes:
        return encoded < o.encoded;
    }
    return false;
  }
};

__int128 BigEndianToInt128(std::string_view b) {
  __int128 v = (!b.empty() && (static_cast<uint8_t>(b[0]) & 0x80)) ? -1 : 0;
  for (unsigned char c : b) v = static_cast<__int128>(static_cast<unsigned __int128>(v) << 8) | c;
  return v;
}

// Converts one Parquet statistics value of `column` to an Iceberg bound of `type`;
// nullopt when the pair is not one floe can translate exactly (the bound is then left out).
std::optional<Bound> ToBound(const parquet::ColumnDescriptor& column, const Type& type,
                             std::string_view raw) {
  using parquet::Type;
  const auto physical = column.physical_type;
  Bound b;
  switch (type.kind) {
    case TypeKind::kBoolean:
      if (physical != Type::kBoolean || raw.empty()) return std::nullopt;
      b.i = raw[0] & 1;
      b.encoded.assign(1, static_cast<char>(b.i));
      return b;
    case TypeKind::kInt:
    case TypeKind::kDate:
      if (physical != Type::kInt32 || raw.size() != 4) return std::nullopt;
      b.i = LoadLe<int32_t>(raw);
      b.encoded = StoreLe(static_cast<int32_t>(b.i));
      return b;
    case TypeKind::kLong:
      if (physical == Type::kInt32 && raw.size() == 4) {
        b.i = LoadLe<int32_t>(raw);
      } else if (physical == Type::kInt64 && raw.size() == 8) {
        b.i = LoadLe<int64_t>(raw);
      } else {
        return std::nullopt;
      }
      b.encoded = StoreLe(b.i);
      return b;
    case TypeKind::kTime:
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampTz:
    case TypeKind::kTimestampNs:
    case TypeKind::kTimestampTzNs: {
      const bool nanos =
          type.kind == TypeKind::kTimestampNs || type.kind == TypeKind::kTimestampTzNs;
      const TimeUnit want = nanos ? TimeUnit::kNano : TimeUnit::kMicro;
      if (physical != Type::kInt64 || raw.size() != 8 || column.type == nullptr ||
          column.type->unit != want) {
        return std::nullopt;
      }
      b.i = LoadLe<int64_t>(raw);
      b.encoded = StoreLe(b.i);
      return b;
    }
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      b.kind = Bound::Kind::kDouble;
      if (physical == Type::kFloat && raw.size() == 4) {
        b.d = LoadLe<float>(raw);
      } else if (physical == Type::kDouble && raw.size() == 8) {
        b.d = LoadLe<double>(raw);
      } else {
        return std::nullopt;
      }
      if (std::isnan(b.d)) return std::nullopt;
      b.encoded = type.kind == TypeKind::kFloat ? StoreLe(static_cast<float>(b.d)) : StoreLe(b.d);
      return b;
    }
    case TypeKind::kDecimal:
      b.kind = Bound::Kind::kDecimal;
      if (physical == Type::kInt32 && raw.size() == 4) {
        b.dec = LoadLe<int32_t>(raw);
      } else if (physical == Type::kInt64 && raw.size() == 8) {
        b.dec = LoadLe<int64_t>(raw);
      } else if ((physical == Type::kFixedLenByteArray || physical == Type::kByteArray) &&
                 !raw.empty() && raw.size() <= 16) {
        b.dec = BigEndianToInt128(raw);
      } else {
        return std::nullopt;
      }
      b.encoded = DecimalToMinimalBytes(b.dec);
      return b;
    case TypeKind::kString:
    case TypeKind::kBinary:
      if (physical != Type::kByteArray) return std::nullopt;
      b.kind = Bound::Kind::kBytes;
      b.encoded.assign(raw);
      return b;
    case TypeKind::kUuid:
    case TypeKind::kFixed:
      if (physical != Type::kFixedLenByteArray) return std::nullopt;
      b.kind = Bound::Kind::kBytes;
      b.encoded.assign(raw);
      return b;
    default:
      return std::nullopt;
  }
}

}  // namespace

Result<DataFile> DataFileFromFooter(const Schema& schema, const parquet::FileMetaData& footer) {
  FLOE_ASSIGN_OR_RETURN(auto descriptor, parquet::SchemaDescriptor::FromElements(footer.schema));
  DataFile out;
  out.content = DataFileContent::kData;
  out.file_format = "PARQUET";
  out.record_count = footer.num_rows;

  for (const parquet::RowGroup& rg : footer.row_groups) {
    if (rg.columns.empty() || !rg.columns[0].meta_data) continue;
    const parquet::ColumnMetaData& first = *rg.columns[0].meta_data;
    int64_t offset = first.data_page_offset;
    if (first.dictionary_page_offset && *first.dictionary_page_offset > 0) {
      offset = std::min(offset, *first.dictionary_page_offset);
    }
    out.split_offsets.push_back(rg.file_offset.value_or(offset));
  }
  std::sort(out.split_offsets.begin(), out.split_offsets.end());

  for (const parquet::ColumnDescriptor& column : descriptor->columns()) {
    const auto& id = column.element.field_id;
    if (!id) continue;
    const NestedField* field = schema.FindById(*id);
    if (field == nullptr || !field->type->IsPrimitive()) continue;
    const bool float_type =
        field->type->kind == TypeKind::kFloat || field->type->kind == TypeKind::kDouble;
    const bool want_bounds = column.max_rep_level == 0;
    int64_t size = 0, values = 0, nulls = 0, nans = 0;
    bool nulls_known = true, nans_known = float_type, bounds_known = want_bounds;
    std::optional<Bound> lower, upper;
    for (const parquet::RowGroup& rg : footer.row_groups) {
      if (column.index >= static_cast<int>(rg.columns.size()) ||
          !rg.columns[column.index].meta_data) {
        return Status::InvalidArgument("Parquet footer: row group lacks column {}",
                                       column.dotted_path);
      }
      const parquet::ColumnMetaData& meta = *rg.columns[column.index].meta_data;
      size += meta.total_compressed_size;
      values += meta.num_values;
      const parquet::Statistics* stats = meta.statistics ? &*meta.statistics : nullptr;
      if (stats != nullptr && stats->null_count) {
        nulls += *stats->null_count;
      } else {
        nulls_known = false;
      }
      if (stats != nullptr && stats->nan_count) {
        nans += *stats->nan_count;
      } else {
        nans_known = false;
      }
      if (!bounds_known) continue;
      const bool all_null =
          stats != nullptr && stats->null_count && *stats->null_count == meta.num_values;
      if (all_null) continue;
      if (stats == nullptr || !stats->min_value || !stats->max_value) {
        bounds_known = false;
        continue;
      }
      auto lo = ToBound(column, *field->type, *stats->min_value);
      auto hi = ToBound(column, *field->type, *stats->max_value);
      if (!lo || !hi) {
        bounds_known = false;
        continue;
      }
      if (!lower || lo->LessThan(*lower)) lower = std::move(lo);
      if (!upper || upper->LessThan(*hi)) upper = std::move(hi);
    }
    out.column_sizes[*id] = size;
    out.value_counts[*id] = values;
    if (nulls_known) out.null_value_counts[*id] = nulls;
    if (nans_known) out.nan_value_counts[*id] = nans;
    if (!bounds_known || !lower || !upper) continue;
    const TypeKind kind = field->type->kind;
    if (kind == TypeKind::kString || kind == TypeKind::kBinary) {
      const bool is_string = kind == TypeKind::kString;
      out.lower_bounds[*id] =
          parquet::TruncateMin(lower->encoded, kDefaultBoundTruncateLength, is_string);
      if (auto u = parquet::TruncateMax(upper->encoded, kDefaultBoundTruncateLength, is_string)) {
        out.upper_bounds[*id] = std::move(*u);
      }
    } else {
      out.lower_bounds[*id] = std::move(lower->encoded);
      out.upper_bounds[*id] = std::move(upper->encoded);
    }
  }
  return out;
}

}  // namespace floe::iceberg
