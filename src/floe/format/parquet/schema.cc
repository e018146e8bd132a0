#include "floe/format/parquet/schema.h"

#include <fmt/format.h>

namespace floe::parquet {

namespace {

constexpr int kMaxSchemaDepth = 128;

floe::TimeUnit ToColumnarUnit(const TimeUnit& u) {
  switch (u.kind) {
    case TimeUnit::Kind::kMillis:
      return floe::TimeUnit::kMilli;
    case TimeUnit::Kind::kNanos:
      return floe::TimeUnit::kNano;
    default:
      return floe::TimeUnit::kMicro;
  }
}

TimeUnit::Kind ToParquetUnit(floe::TimeUnit u) {
  switch (u) {
    case floe::TimeUnit::kMilli:
      return TimeUnit::Kind::kMillis;
    case floe::TimeUnit::kNano:
      return TimeUnit::Kind::kNanos;
    default:
      return TimeUnit::Kind::kMicros;
  }
}

bool IsRepeated(const SchemaElement& e) {
  return e.repetition_type == FieldRepetitionType::kRepeated;
}
bool IsOptional(const SchemaElement& e) {
  return e.repetition_type.value_or(FieldRepetitionType::kOptional) ==
         FieldRepetitionType::kOptional;
}
bool IsGroup(const SchemaElement& e) { return !e.type.has_value(); }

bool HasLogical(const SchemaElement& e, LogicalType::Kind k) {
  return e.logical_type && e.logical_type->kind == k;
}
bool HasConverted(const SchemaElement& e, ConvertedType c) {
  return e.converted_type && *e.converted_type == c;
}

Result<TypePtr> DecimalType(const SchemaElement& e, const std::string& path) {
  int32_t precision = e.precision.value_or(0);
  int32_t scale = e.scale.value_or(0);
  if (HasLogical(e, LogicalType::Kind::kDecimal)) {
    precision = e.logical_type->decimal.precision;
    scale = e.logical_type->decimal.scale;
  }
  if (precision <= 0 || precision > 38 || scale < 0 || scale > precision) {
    return Status::NotSupported(
        "column '{}': decimal({}, {}) is outside what floe reads (1..38 "
        "digits, 0 <= scale <= precision)",
        path, precision, scale);
  }
  return types::Decimal(precision, scale);
}

// The columnar type of a leaf, from its physical type and annotations.
Result<TypePtr> LeafType(const SchemaElement& e, const std::string& path) {
  const Type physical = *e.type;
  const LogicalType::Kind lk =
      e.logical_type ? e.logical_type->kind : LogicalType::Kind::kUnrecognized;
  const bool decimal =
      lk == LogicalType::Kind::kDecimal || HasConverted(e, ConvertedType::kDecimal);
  switch (physical) {
    case Type::kBoolean:
      return types::Bool();
    case Type::kInt32: {
      if (decimal) return DecimalType(e, path);
      if (lk == LogicalType::Kind::kInteger) {
        const IntType& it = e.logical_type->integer;
        switch (it.bit_width) {
          case 8:
            return it.is_signed ? types::Int8() : types::UInt8();
          case 16:
            return it.is_signed ? types::Int16() : types::UInt16();
          case 32:
            return it.is_signed ? types::Int32() : types::UInt32();
          default:
            return Status::Corruption("column '{}': INT({}) annotation on INT32", path,
                                      it.bit_width);
        }
      }
      if (lk == LogicalType::Kind::kDate || HasConverted(e, ConvertedType::kDate)) {
        return types::Date();
      }
      if (lk == LogicalType::Kind::kTime) {
        return types::Time(ToColumnarUnit(e.logical_type->time.unit),
                           e.logical_type->time.is_adjusted_to_utc);
      }
      if (e.converted_type) {
        switch (*e.converted_type) {
          case ConvertedType::kInt8:
            return types::Int8();
          case ConvertedType::kInt16:
            return types::Int16();
          case ConvertedType::kUint8:
            return types::UInt8();
          case ConvertedType::kUint16:
            return types::UInt16();
          case ConvertedType::kUint32:
            return types::UInt32();
          case ConvertedType::kTimeMillis:
            return types::Time(floe::TimeUnit::kMilli, true);
          default:
            break;
        }
      }
      return types::Int32();
    }
    case Type::kInt64: {
      if (decimal) return DecimalType(e, path);
      if (lk == LogicalType::Kind::kInteger) {
        return e.logical_type->integer.is_signed ? types::Int64() : types::UInt64();
      }
      if (lk == LogicalType::Kind::kTimestamp) {
        return types::Timestamp(ToColumnarUnit(e.logical_type->timestamp.unit),
                                e.logical_type->timestamp.is_adjusted_to_utc);
      }
      if (lk == LogicalType::Kind::kTime) {
        return types::Time(ToColumnarUnit(e.logical_type->time.unit),
                           e.logical_type->time.is_adjusted_to_utc);
      }
      if (e.converted_type) {
        switch (*e.converted_type) {
          case ConvertedType::kUint64:
            return types::UInt64();
          case ConvertedType::kTimestampMillis:
            return types::Timestamp(floe::TimeUnit::kMilli, true);
          case ConvertedType::kTimestampMicros:
            return types::Timestamp(floe::TimeUnit::kMicro, true);
          case ConvertedType::kTimeMicros:
            return types::Time(floe::TimeUnit::kMicro, true);
          default:
            break;
        }
      }
      return types::Int64();
    }
    case Type::kInt96:
      // Legacy Impala/Hive/Spark timestamps. Read in microseconds (Spark's own precision):
      // int64 nanoseconds would only reach the years 1677..2262, and these files carry
      // dates up to 9999 and beyond. Like other readers, floe does not mark them
      // UTC-adjusted: writers disagree on what the wall-clock values mean.
      return types::Timestamp(floe::TimeUnit::kMicro, false);
    case Type::kFloat:
      return types::Float32();
    case Type::kDouble:
      return types::Float64();
    case Type::kByteArray: {
      if (decimal) return DecimalType(e, path);
      if (lk == LogicalType::Kind::kString || HasConverted(e, ConvertedType::kUtf8)) {
        return types::String();
      }
      if (lk == LogicalType::Kind::kEnum || HasConverted(e, ConvertedType::kEnum)) {
        return types::Enum();
      }
      if (lk == LogicalType::Kind::kJson || HasConverted(e, ConvertedType::kJson)) {
        return types::Json();
      }
      return types::Binary();
    }
    case Type::kFixedLenByteArray: {
      const int32_t width = e.type_length.value_or(-1);
      if (width < 0 || width > (1 << 20)) {
        return Status::Corruption("column '{}': FIXED_LEN_BYTE_ARRAY length {} is invalid", path,
                                  width);
      }
      if (decimal) return DecimalType(e, path);
      if (lk == LogicalType::Kind::kUuid && width == 16) return types::Uuid();
      if (lk == LogicalType::Kind::kFloat16 && width == 2) return types::Float16();
      if (HasConverted(e, ConvertedType::kInterval) && width == 12) return types::Interval();
      return types::FixedBinary(width);
    }
  }
  return Status::Corruption("column '{}': unknown physical type {}", path,
                            static_cast<int>(physical));
}

// Builds the read-side tree from the flattened elements.
class TreeReader {
 public:
  TreeReader(const std::vector<SchemaElement>& elements, std::vector<ColumnDescriptor>* columns)
      : elements_(elements), columns_(columns) {}

  // Parses the subtree starting at elements_[pos_] into its raw form (no level logic yet).
  struct Raw {
    size_t index;
    std::vector<Raw> children;
  };

  Result<Raw> ParseRaw(int depth) {
    if (pos_ >= elements_.size()) {
      return Status::Corruption("schema: element {} is missing (num_children overstates)", pos_);
    }
    if (depth > kMaxSchemaDepth) {
      return Status::Corruption("schema: nesting deeper than {} levels", kMaxSchemaDepth);
    }
    Raw raw{pos_++, {}};
    const SchemaElement& e = elements_[raw.index];
    if (IsGroup(e)) {
      const int32_t n = e.num_children.value_or(0);
      if (n < 0 || static_cast<size_t>(n) > elements_.size() - pos_) {
        return Status::Corruption("schema: group '{}' claims {} children, {} elements remain",
                                  e.name, n, elements_.size() - pos_);
      }
      raw.children.reserve(n);
      for (int32_t i = 0; i < n; ++i) {
        FLOE_ASSIGN_OR_RETURN(Raw child, ParseRaw(depth + 1));
        raw.children.push_back(std::move(child));
      }
    }
    return raw;
  }

  // Converts a field whose own repetition still has to be applied.
  // `def` and `rep` are the levels of the parent value.
  Result<SchemaNode> ConvertField(const Raw& raw, int16_t def, int16_t rep,
                                  std::vector<std::string>& path) {
    const SchemaElement& e = elements_[raw.index];
    if (IsRepeated(e)) {
      // An unannotated repeated field: a required list of required elements.
      SchemaNode list;
      list.kind = NodeKind::kList;
      list.name = e.name;
      list.nullable = false;
      list.def_level = def;
      list.repeated_def_level = static_cast<int16_t>(def + 1);
      list.rep_level = static_cast<int16_t>(rep + 1);
      list.field_id = e.field_id.value_or(-1);
      path.push_back(e.name);
      FLOE_ASSIGN_OR_RETURN(SchemaNode element,
                            ConvertValue(raw, list.repeated_def_level, list.rep_level, path));
      path.pop_back();
      element.name = "element";
      element.nullable = false;
      list.type = types::List(Field{"element", element.type, false, element.field_id});
      list.children.push_back(std::move(element));
      return list;
    }
    const bool optional = IsOptional(e);
    path.push_back(e.name);
    auto node = ConvertValue(raw, static_cast<int16_t>(def + (optional ? 1 : 0)), rep, path);
    path.pop_back();
    if (!node.ok()) return node.status();
    node->nullable = optional;
    return node;
  }

  // Converts the value of `raw`, whose repetition has been applied: `def` is the
  // definition level when the value is present, `rep` its repetition level.
  Result<SchemaNode> ConvertValue(const Raw& raw, int16_t def, int16_t rep,
                                  std::vector<std::string>& path) {
    const SchemaElement& e = elements_[raw.index];
    SchemaNode node;
    node.name = e.name;
    node.def_level = def;
    node.rep_level = rep;
    node.field_id = e.field_id.value_or(-1);
    if (!IsGroup(e)) return ConvertLeaf(e, std::move(node), path);

    const bool is_list =
        HasLogical(e, LogicalType::Kind::kList) || HasConverted(e, ConvertedType::kList);
    const bool is_map = HasLogical(e, LogicalType::Kind::kMap) ||
                        HasConverted(e, ConvertedType::kMap) ||
                        HasConverted(e, ConvertedType::kMapKeyValue);
    if (HasLogical(e, LogicalType::Kind::kVariant)) {
      // Assembled as its struct of parts, then decoded to JSON text (variant.h).
      FLOE_ASSIGN_OR_RETURN(SchemaNode group, ConvertStruct(raw, std::move(node), def, rep, path));
      group.kind = NodeKind::kVariant;
      group.type = types::Variant();
      return group;
    }
    if (is_list && raw.children.size() == 1 && IsRepeated(elements_[raw.children[0].index])) {
      return ConvertList(raw, std::move(node), path);
    }
    if (is_map && raw.children.size() == 1 && IsRepeated(elements_[raw.children[0].index]) &&
        raw.children[0].children.size() == 2) {
      return ConvertMap(raw, std::move(node), path);
    }
    if (is_map && raw.children.size() == 1 && IsRepeated(elements_[raw.children[0].index]) &&
        raw.children[0].children.size() == 1) {
      // A map whose entries have a key and no value: read as the list of its keys.
      return ConvertList(raw, std::move(node), path);
    }
    // A plain group (or an annotation that does not fit its shape): a struct.
    return ConvertStruct(raw, std::move(node), def, rep, path);
  }

  Result<SchemaNode> ConvertStruct(const Raw& raw, SchemaNode node, int16_t def, int16_t rep,
                                   std::vector<std::string>& path) {
    node.kind = NodeKind::kStruct;
    std::vector<Field> fields;
    for (const Raw& c : raw.children) {
      FLOE_ASSIGN_OR_RETURN(SchemaNode child, ConvertField(c, def, rep, path));
      fields.push_back(Field{child.name, child.type, child.nullable, child.field_id});
      node.children.push_back(std::move(child));
    }
    if (fields.empty()) {
      return Status::Corruption("schema: group '{}' has no children", elements_[raw.index].name);
    }
    node.type = types::Struct(std::move(fields));
    return node;
  }

 private:
  Result<SchemaNode> ConvertLeaf(const SchemaElement& e, SchemaNode node,
                                 std::vector<std::string>& path) {
    ColumnDescriptor col;
    col.index = static_cast<int>(columns_->size());
    col.path = path;
    col.dotted_path = fmt::format("{}", fmt::join(path, "."));
    col.physical_type = *e.type;
    if (static_cast<int32_t>(col.physical_type) < 0 ||
        static_cast<int32_t>(col.physical_type) > 7) {
      return Status::Corruption("column '{}': unknown physical type {}", col.dotted_path,
                                static_cast<int>(col.physical_type));
    }
    col.type_length = e.type_length.value_or(0);
    col.max_def_level = node.def_level;
    col.max_rep_level = node.rep_level;
    FLOE_ASSIGN_OR_RETURN(col.type, LeafType(e, col.dotted_path));
    if (col.physical_type == Type::kFixedLenByteArray && col.type_length <= 0 &&
        col.type->id != TypeId::kFixedBinary) {
      return Status::Corruption("column '{}': FIXED_LEN_BYTE_ARRAY without a length",
                                col.dotted_path);
    }
    col.element = e;
    node.kind = NodeKind::kPrimitive;
    node.type = col.type;
    node.leaf_index = col.index;
    columns_->push_back(std::move(col));
    return node;
  }

  // A LIST-annotated group whose single child is repeated. Chooses the element per the
  // format's backward-compatibility rules (LogicalTypes.md, "Lists").
  Result<SchemaNode> ConvertList(const Raw& raw, SchemaNode node, std::vector<std::string>& path) {
    const Raw& repeated = raw.children[0];
    const SchemaElement& r = elements_[repeated.index];
    node.kind = NodeKind::kList;
    node.repeated_def_level = static_cast<int16_t>(node.def_level + 1);
    const int16_t rep = static_cast<int16_t>(node.rep_level + 1);
    const int16_t saved_rep = node.rep_level;
    node.rep_level = rep;

    // The repeated field itself is the element when it is a primitive, a group with
    // several children, or a one-child group named "array" or "<list>_tuple".
    const bool repeated_is_element = !IsGroup(r) || repeated.children.size() != 1 ||
                                     r.name == "array" ||
                                     r.name == elements_[raw.index].name + "_tuple";
    path.push_back(r.name);
    SchemaNode element;
    if (repeated_is_element) {
      FLOE_ASSIGN_OR_RETURN(element, ConvertValue(repeated, node.repeated_def_level, rep, path));
      element.nullable = false;
    } else {
      FLOE_ASSIGN_OR_RETURN(element,
                            ConvertField(repeated.children[0], node.repeated_def_level, rep, path));
    }
    path.pop_back();
    (void)saved_rep;
    node.type = types::List(Field{"element", element.type, element.nullable, element.field_id});
    node.children.push_back(std::move(element));
    return node;
  }

  Result<SchemaNode> ConvertMap(const Raw& raw, SchemaNode node, std::vector<std::string>& path) {
    const Raw& kv = raw.children[0];
    node.kind = NodeKind::kMap;
    node.repeated_def_level = static_cast<int16_t>(node.def_level + 1);
    node.rep_level = static_cast<int16_t>(node.rep_level + 1);
    path.push_back(elements_[kv.index].name);
    FLOE_ASSIGN_OR_RETURN(SchemaNode key, ConvertField(kv.children[0], node.repeated_def_level,
                                                       node.rep_level, path));
    FLOE_ASSIGN_OR_RETURN(SchemaNode value, ConvertField(kv.children[1], node.repeated_def_level,
                                                         node.rep_level, path));
    path.pop_back();
    node.type = types::Map(Field{"key", key.type, false, key.field_id},
                           Field{"value", value.type, value.nullable, value.field_id});
    node.children.push_back(std::move(key));
    node.children.push_back(std::move(value));
    return node;
  }

  const std::vector<SchemaElement>& elements_;
  std::vector<ColumnDescriptor>* columns_;
  size_t pos_ = 0;
};

// Builds elements (write side) for one field, appending to `out`.
class TreeWriter {
 public:
  TreeWriter(const SchemaWriteOptions& opts, std::vector<SchemaElement>* elements,
             std::vector<ColumnDescriptor>* columns)
      : opts_(opts), elements_(elements), columns_(columns) {}

  Result<SchemaNode> WriteField(const Field& f, int16_t def, int16_t rep,
                                std::vector<std::string>& path) {
    if (path.size() > kMaxSchemaDepth) {
      return Status::InvalidArgument("schema: nesting deeper than {} levels", kMaxSchemaDepth);
    }
    SchemaElement e;
    e.name = f.name;
    e.repetition_type =
        f.nullable ? FieldRepetitionType::kOptional : FieldRepetitionType::kRequired;
    if (opts_.write_field_ids && f.id >= 0) e.field_id = f.id;
    SchemaNode node;
    node.name = f.name;
    node.type = f.type;
    node.nullable = f.nullable;
    node.field_id = f.id;
    node.def_level = static_cast<int16_t>(def + (f.nullable ? 1 : 0));
    node.rep_level = rep;
    path.push_back(f.name);
    const DataType& t = *f.type;
    switch (t.id) {
      case TypeId::kStruct: {
        if (t.children.empty()) {
          return Status::InvalidArgument("schema: struct '{}' has no fields", f.name);
        }
        node.kind = NodeKind::kStruct;
        e.num_children = static_cast<int32_t>(t.children.size());
        elements_->push_back(std::move(e));
        for (const Field& c : t.children) {
          FLOE_ASSIGN_OR_RETURN(SchemaNode child, WriteField(c, node.def_level, rep, path));
          node.children.push_back(std::move(child));
        }
        break;
      }
      case TypeId::kList:
      case TypeId::kMap: {
        const bool is_map = t.id == TypeId::kMap;
        node.kind = is_map ? NodeKind::kMap : NodeKind::kList;
        node.repeated_def_level = static_cast<int16_t>(node.def_level + 1);
        node.rep_level = static_cast<int16_t>(rep + 1);
        e.num_children = 1;
        e.converted_type = is_map ? ConvertedType::kMap : ConvertedType::kList;
        e.logical_type =
            LogicalType::Of(is_map ? LogicalType::Kind::kMap : LogicalType::Kind::kList);
        elements_->push_back(std::move(e));
        SchemaElement repeated;
        repeated.name = is_map ? "key_value" : "list";
        repeated.repetition_type = FieldRepetitionType::kRepeated;
        repeated.num_children = is_map ? 2 : 1;
        elements_->push_back(std::move(repeated));
        path.push_back(is_map ? "key_value" : "list");
        if (is_map) {
          Field key = t.children[0];
          key.name = "key";
          key.nullable = false;
          Field value = t.children[1];
          value.name = "value";
          FLOE_ASSIGN_OR_RETURN(SchemaNode k,
                                WriteField(key, node.repeated_def_level, node.rep_level, path));
          FLOE_ASSIGN_OR_RETURN(SchemaNode v,
                                WriteField(value, node.repeated_def_level, node.rep_level, path));
          node.children.push_back(std::move(k));
          node.children.push_back(std::move(v));
        } else {
          Field element = t.children[0];
          element.name = "element";
          FLOE_ASSIGN_OR_RETURN(SchemaNode el,
                                WriteField(element, node.repeated_def_level, node.rep_level, path));
          node.children.push_back(std::move(el));
        }
        path.pop_back();
        break;
      }
      default: {
        FLOE_RETURN_IF_ERROR(AnnotateLeaf(t, &e, path));
        ColumnDescriptor col;
        col.index = static_cast<int>(columns_->size());
        col.path = path;
        col.dotted_path = fmt::format("{}", fmt::join(path, "."));
        col.physical_type = *e.type;
        col.type_length = e.type_length.value_or(0);
        col.max_def_level = node.def_level;
        col.max_rep_level = node.rep_level;
        col.type = f.type;
        col.element = e;
        node.kind = NodeKind::kPrimitive;
        node.leaf_index = col.index;
        columns_->push_back(std::move(col));
        elements_->push_back(std::move(e));
        break;
      }
    }
    path.pop_back();
    return node;
  }

 private:
  static int32_t DecimalBytes(int32_t precision) {
    // Smallest n with 2^(8n-1) > 10^precision.
    int32_t n = 1;
    while (n < 16) {
      const double max_digits = (8.0 * n - 1) * 0.30102999566398120;  // log10(2)
      if (max_digits >= precision) break;
      ++n;
    }
    return n;
  }

  Status AnnotateLeaf(const DataType& t, SchemaElement* e, const std::vector<std::string>& path) {
    auto integer = [&](Type phys, int8_t bits, bool is_signed, std::optional<ConvertedType> ct) {
      e->type = phys;
      e->logical_type = LogicalType::Integer(bits, is_signed);
      if (ct) e->converted_type = *ct;
    };
    switch (t.id) {
      case TypeId::kBool:
        e->type = Type::kBoolean;
        break;
      case TypeId::kInt8:
        integer(Type::kInt32, 8, true, ConvertedType::kInt8);
        break;
      case TypeId::kInt16:
        integer(Type::kInt32, 16, true, ConvertedType::kInt16);
        break;
      case TypeId::kInt32:
        e->type = Type::kInt32;
        break;
      case TypeId::kInt64:
        e->type = Type::kInt64;
        break;
      case TypeId::kUInt8:
        integer(Type::kInt32, 8, false, ConvertedType::kUint8);
        break;
      case TypeId::kUInt16:
        integer(Type::kInt32, 16, false, ConvertedType::kUint16);
        break;
      case TypeId::kUInt32:
        integer(Type::kInt32, 32, false, ConvertedType::kUint32);
        break;
      case TypeId::kUInt64:
        integer(Type::kInt64, 64, false, ConvertedType::kUint64);
        break;
      case TypeId::kFloat16:
        e->type = Type::kFixedLenByteArray;
        e->type_length = 2;
        e->logical_type = LogicalType::Of(LogicalType::Kind::kFloat16);
        break;
      case TypeId::kFloat32:
        e->type = Type::kFloat;
        break;
      case TypeId::kFloat64:
        e->type = Type::kDouble;
        break;
      case TypeId::kDecimal:
        if (t.precision < 1 || t.precision > 38 || t.scale < 0 || t.scale > t.precision) {
          return Status::InvalidArgument("column '{}': decimal({}, {}) is invalid",
                                         fmt::join(path, "."), t.precision, t.scale);
        }
        if (t.precision <= 9) {
          e->type = Type::kInt32;
        } else if (t.precision <= 18) {
          e->type = Type::kInt64;
        } else {
          e->type = Type::kFixedLenByteArray;
          e->type_length = DecimalBytes(t.precision);
        }
        e->logical_type = LogicalType::Decimal(t.scale, t.precision);
        e->converted_type = ConvertedType::kDecimal;
        e->scale = t.scale;
        e->precision = t.precision;
        break;
      case TypeId::kDate:
        e->type = Type::kInt32;
        e->logical_type = LogicalType::Of(LogicalType::Kind::kDate);
        e->converted_type = ConvertedType::kDate;
        break;
      case TypeId::kTime:
        e->type = t.unit == floe::TimeUnit::kMilli ? Type::kInt32 : Type::kInt64;
        e->logical_type = LogicalType::Time(t.utc, ToParquetUnit(t.unit));
        if (t.utc && t.unit == floe::TimeUnit::kMilli)
          e->converted_type = ConvertedType::kTimeMillis;
        if (t.utc && t.unit == floe::TimeUnit::kMicro)
          e->converted_type = ConvertedType::kTimeMicros;
        break;
      case TypeId::kTimestamp:
        e->type = Type::kInt64;
        e->logical_type = LogicalType::Timestamp(t.utc, ToParquetUnit(t.unit));
        if (t.utc && t.unit == floe::TimeUnit::kMilli) {
          e->converted_type = ConvertedType::kTimestampMillis;
        }
        if (t.utc && t.unit == floe::TimeUnit::kMicro) {
          e->converted_type = ConvertedType::kTimestampMicros;
        }
        break;
      case TypeId::kInterval:
        e->type = Type::kFixedLenByteArray;
        e->type_length = 12;
        e->converted_type = ConvertedType::kInterval;
        break;
      case TypeId::kString:
        e->type = Type::kByteArray;
        e->logical_type = LogicalType::Of(LogicalType::Kind::kString);
        e->converted_type = ConvertedType::kUtf8;
        break;
      case TypeId::kEnum:
        e->type = Type::kByteArray;
        e->logical_type = LogicalType::Of(LogicalType::Kind::kEnum);
        e->converted_type = ConvertedType::kEnum;
        break;
      case TypeId::kJson:
        e->type = Type::kByteArray;
        e->logical_type = LogicalType::Of(LogicalType::Kind::kJson);
        e->converted_type = ConvertedType::kJson;
        break;
      case TypeId::kBinary:
        e->type = Type::kByteArray;
        break;
      case TypeId::kFixedBinary:
        if (t.byte_width <= 0) {
          return Status::InvalidArgument("column '{}': fixed({}) needs a positive width",
                                         fmt::join(path, "."), t.byte_width);
        }
        e->type = Type::kFixedLenByteArray;
        e->type_length = t.byte_width;
        break;
      case TypeId::kUuid:
        e->type = Type::kFixedLenByteArray;
        e->type_length = 16;
        e->logical_type = LogicalType::Of(LogicalType::Kind::kUuid);
        break;
      case TypeId::kVariant:
        return Status::NotSupported(
            "column '{}': writing VARIANT columns is not supported yet "
            "(declare it json to store the documents as text)",
            fmt::join(path, "."));
      default:
        return Status::Internal("column '{}': {} is not a leaf type", fmt::join(path, "."),
                                t.ToString());
    }
    return Status::OK();
  }

  const SchemaWriteOptions& opts_;
  std::vector<SchemaElement>* elements_;
  std::vector<ColumnDescriptor>* columns_;
};

}  // namespace

Result<std::shared_ptr<const SchemaDescriptor>> SchemaDescriptor::FromElements(
    const std::vector<SchemaElement>& elements) {
  if (elements.empty()) return Status::Corruption("schema: no elements");
  auto desc = std::make_shared<SchemaDescriptor>();
  desc->elements_ = elements;
  TreeReader reader(desc->elements_, &desc->columns_);
  FLOE_ASSIGN_OR_RETURN(TreeReader::Raw root, reader.ParseRaw(0));
  if (root.index != 0 || !IsGroup(elements[0])) {
    return Status::Corruption("schema: the root element is not a group");
  }
  std::vector<Field> fields;
  std::vector<std::string> path;
  for (const TreeReader::Raw& c : root.children) {
    FLOE_ASSIGN_OR_RETURN(SchemaNode node, reader.ConvertField(c, 0, 0, path));
    fields.push_back(Field{node.name, node.type, node.nullable, node.field_id});
    desc->fields_.push_back(std::move(node));
  }
  auto schema = std::make_shared<Schema>(std::move(fields));
  desc->schema_ = std::move(schema);
  return std::shared_ptr<const SchemaDescriptor>(std::move(desc));
}

Result<std::shared_ptr<const SchemaDescriptor>> SchemaDescriptor::FromSchema(
    const Schema& schema, const SchemaWriteOptions& options) {
  auto desc = std::make_shared<SchemaDescriptor>();
  SchemaElement root;
  root.name = "schema";
  root.num_children = schema.num_fields();
  desc->elements_.push_back(root);
  TreeWriter writer(options, &desc->elements_, &desc->columns_);
  std::vector<std::string> path;
  for (const Field& f : schema.fields) {
    if (!f.type) return Status::InvalidArgument("schema: field '{}' has no type", f.name);
    FLOE_ASSIGN_OR_RETURN(SchemaNode node, writer.WriteField(f, 0, 0, path));
    desc->fields_.push_back(std::move(node));
  }
  desc->schema_ = std::make_shared<Schema>(schema);
  return std::shared_ptr<const SchemaDescriptor>(std::move(desc));
}

Result<std::vector<int>> SchemaDescriptor::LeavesUnder(std::string_view dotted_path) const {
  std::vector<int> out;
  // Match against the columnar field path (names of fields, skipping the Parquet-only
  // repeated wrappers) as well as the raw Parquet path.
  for (const ColumnDescriptor& c : columns_) {
    const std::string& p = c.dotted_path;
    if (p == dotted_path ||
        (p.size() > dotted_path.size() && p.compare(0, dotted_path.size(), dotted_path) == 0 &&
         p[dotted_path.size()] == '.')) {
      out.push_back(c.index);
    }
  }
  if (out.empty()) return Status::NotFound("no column '{}' in the schema", dotted_path);
  return out;
}

}  // namespace floe::parquet
