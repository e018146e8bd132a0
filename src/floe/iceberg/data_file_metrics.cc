#include "floe/iceberg/data_file_metrics.h"

#include <algorithm>
#include <cmath>

#include "floe/format/parquet/schema.h"
#include "floe/format/parquet/statistics.h"
#include "floe/iceberg/expression.h"
#include "floe/iceberg/single_value.h"

namespace floe::iceberg {
namespace {

// One Parquet statistics value of `column` as an Iceberg value of `type`; nullopt when
// the pair is not one floe can translate exactly (the bound is then left out).
std::optional<Value> ToBound(const parquet::ColumnDescriptor& column, const Type& type,
                             std::string_view raw) {
  using parquet::StatValue;
  using parquet::Type;
  auto decoded = parquet::DecodeStatValue(column, raw);
  if (!decoded.ok()) return std::nullopt;
  const StatValue& v = *decoded;
  const auto physical = column.physical_type;
  switch (type.kind) {
    case TypeKind::kBoolean:
      if (v.kind != StatValue::Kind::kBool) return std::nullopt;
      return Value(v.b);
    case TypeKind::kInt:
    case TypeKind::kDate:
      if (physical != Type::kInt32 || v.kind != StatValue::Kind::kInt) return std::nullopt;
      return Value(static_cast<int32_t>(v.i));
    case TypeKind::kLong:
      if ((physical != Type::kInt32 && physical != Type::kInt64) ||
          v.kind != StatValue::Kind::kInt) {
        return std::nullopt;
      }
      return Value(v.i);
    case TypeKind::kTime:
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampTz:
    case TypeKind::kTimestampNs:
    case TypeKind::kTimestampTzNs: {
      const bool nanos =
          type.kind == TypeKind::kTimestampNs || type.kind == TypeKind::kTimestampTzNs;
      if (physical != Type::kInt64 || v.kind != StatValue::Kind::kInt || column.type == nullptr ||
          column.type->unit != (nanos ? TimeUnit::kNano : TimeUnit::kMicro)) {
        return std::nullopt;
      }
      return Value(v.i);
    }
    case TypeKind::kFloat:
    case TypeKind::kDouble:
      if ((physical != Type::kFloat && physical != Type::kDouble) ||
          v.kind != StatValue::Kind::kDouble || std::isnan(v.d)) {
        return std::nullopt;
      }
      return type.kind == TypeKind::kFloat ? Value(static_cast<float>(v.d)) : Value(v.d);
    case TypeKind::kDecimal:
      if (v.kind != StatValue::Kind::kDecimal) return std::nullopt;
      return Value(v.decimal);
    case TypeKind::kString:
    case TypeKind::kBinary:
      if (physical != Type::kByteArray || v.kind != StatValue::Kind::kBytes) return std::nullopt;
      return Value(v.bytes);
    case TypeKind::kUuid:
    case TypeKind::kFixed:
      if (physical != Type::kFixedLenByteArray || v.kind != StatValue::Kind::kBytes) {
        return std::nullopt;
      }
      return Value(v.bytes);
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
    std::optional<Value> lower, upper;
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
      if (!lower || CompareValues(*lo, *lower) < 0) lower = std::move(lo);
      if (!upper || CompareValues(*upper, *hi) < 0) upper = std::move(hi);
    }
    out.column_sizes[*id] = size;
    out.value_counts[*id] = values;
    if (nulls_known) out.null_value_counts[*id] = nulls;
    if (nans_known) out.nan_value_counts[*id] = nans;
    if (!bounds_known || !lower || !upper) continue;
    FLOE_ASSIGN_OR_RETURN(std::string lo, EncodeSingleValue(*field->type, *lower));
    FLOE_ASSIGN_OR_RETURN(std::string hi, EncodeSingleValue(*field->type, *upper));
    const TypeKind kind = field->type->kind;
    if (kind == TypeKind::kString || kind == TypeKind::kBinary) {
      const bool is_string = kind == TypeKind::kString;
      out.lower_bounds[*id] = parquet::TruncateMin(lo, kDefaultBoundTruncateLength, is_string);
      if (auto u = parquet::TruncateMax(hi, kDefaultBoundTruncateLength, is_string)) {
        out.upper_bounds[*id] = std::move(*u);
      }
    } else {
      out.lower_bounds[*id] = std::move(lo);
      out.upper_bounds[*id] = std::move(hi);
    }
  }
  return out;
}

}  // namespace floe::iceberg
