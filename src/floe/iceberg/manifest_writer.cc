#include "floe/iceberg/manifest_writer.h"

#include <bit>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "floe/format/avro/container.h"
#include "floe/iceberg/single_value.h"

namespace floe::iceberg {
namespace {

using avro::Datum;
using avro::Json;

// ---- Avro schema pieces (spec Appendix A) ----

Json Field(std::string_view name, Json type, int32_t id) {
  return Json{{"name", name}, {"type", std::move(type)}, {"field-id", id}};
}
Json OptionalField(std::string_view name, Json type, int32_t id) {
  return Json{{"name", name},
              {"type", Json::array({"null", std::move(type)})},
              {"default", nullptr},
              {"field-id", id}};
}
// An Iceberg map<int, V> as an array of k<key>_v<value> records with logical type "map".
Json IdMap(int32_t key_id, int32_t value_id, std::string_view value_type) {
  return Json{{"type", "array"},
              {"items", Json{{"type", "record"},
                             {"name", fmt::format("k{}_v{}", key_id, value_id)},
                             {"fields", Json::array({Field("key", "int", key_id),
                                                     Field("value", value_type, value_id)})}}},
              {"logicalType", "map"}};
}
Json List(std::string_view element_type, int32_t element_id) {
  return Json{{"type", "array"}, {"items", element_type}, {"element-id", element_id}};
}

// Java's AvroSchemaUtil.makeCompatibleName: characters Avro names cannot hold become
// "_x<HEX>", a leading digit becomes "_<digit>".
std::string AvroName(std::string_view name) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (letter(c) || (i > 0 && digit(c))) {
      out.push_back(c);
    } else if (digit(c)) {
      out += '_';
      out.push_back(c);
    } else {
      out += fmt::format("_x{:X}", static_cast<uint8_t>(c));
    }
  }
  if (out.empty()) out.push_back('_');
  return out;
}

// Bytes of the fixed type Java uses for decimal(P, S): the fewest that hold 10^P - 1.
int32_t DecimalRequiredBytes(int32_t precision) {
  unsigned __int128 max = 1;
  for (int32_t i = 0; i < precision && i < 38; ++i) max *= 10;
  max -= 1;
  for (int32_t n = 1; n < 16; ++n) {
    if (max < (static_cast<unsigned __int128>(1) << (8 * n - 1))) return n;
  }
  return 16;
}

// The Avro type of a partition field of Iceberg type `t`. Named types (fixed) are defined
// once and referenced by name afterwards (`defined` tracks the names).
Result<Json> PartitionAvroType(const Type& t, std::set<std::string>* defined) {
  auto named = [&](std::string name, Json def) -> Json {
    if (!defined->insert(name).second) return name;
    def["name"] = std::move(name);
    return def;
  };
  switch (t.kind) {
    case TypeKind::kBoolean:
      return Json("boolean");
    case TypeKind::kInt:
      return Json("int");
    case TypeKind::kLong:
      return Json("long");
    case TypeKind::kFloat:
      return Json("float");
    case TypeKind::kDouble:
      return Json("double");
    case TypeKind::kDate:
      return Json{{"type", "int"}, {"logicalType", "date"}};
    case TypeKind::kTime:
      return Json{{"type", "long"}, {"logicalType", "time-micros"}};
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampTz:
      return Json{{"type", "long"},
                  {"logicalType", "timestamp-micros"},
                  {"adjust-to-utc", t.kind == TypeKind::kTimestampTz}};
    case TypeKind::kTimestampNs:
    case TypeKind::kTimestampTzNs:
      return Json{{"type", "long"},
                  {"logicalType", "timestamp-nanos"},
                  {"adjust-to-utc", t.kind == TypeKind::kTimestampTzNs}};
    case TypeKind::kString:
      return Json("string");
    case TypeKind::kBinary:
      return Json("bytes");
    case TypeKind::kUuid:
      return named("uuid_fixed", Json{{"type", "fixed"}, {"size", 16}, {"logicalType", "uuid"}});
    case TypeKind::kFixed:
      return named(fmt::format("fixed_{}", t.length), Json{{"type", "fixed"}, {"size", t.length}});
    case TypeKind::kDecimal:
      return named(fmt::format("decimal_{}_{}", t.precision, t.scale),
                   Json{{"type", "fixed"},
                        {"size", DecimalRequiredBytes(t.precision)},
                        {"logicalType", "decimal"},
                        {"precision", t.precision},
                        {"scale", t.scale}});
    default:
      return Status::NotSupported("partition field of type {} cannot be written to a manifest",
                                  t.ToString());
  }
}

Result<Json> ManifestEntrySchema(int version, const std::vector<NestedField>& partition_type) {
  Json partition_fields = Json::array();
  std::set<std::string> defined;
  for (const NestedField& f : partition_type) {
    FLOE_ASSIGN_OR_RETURN(Json t, PartitionAvroType(*f.type, &defined));
    partition_fields.push_back(OptionalField(AvroName(f.name), std::move(t), f.id));
  }
  Json partition{{"type", "record"}, {"name", "r102"}, {"fields", std::move(partition_fields)}};

  Json df = Json::array();
  if (version >= 2) df.push_back(Field("content", "int", 134));
  df.push_back(Field("file_path", "string", 100));
  df.push_back(Field("file_format", "string", 101));
  df.push_back(Field("partition", std::move(partition), 102));
  df.push_back(Field("record_count", "long", 103));
  df.push_back(Field("file_size_in_bytes", "long", 104));
  if (version == 1) df.push_back(Field("block_size_in_bytes", "long", 105));
  df.push_back(OptionalField("column_sizes", IdMap(117, 118, "long"), 108));
  df.push_back(OptionalField("value_counts", IdMap(119, 120, "long"), 109));
  df.push_back(OptionalField("null_value_counts", IdMap(121, 122, "long"), 110));
  df.push_back(OptionalField("nan_value_counts", IdMap(138, 139, "long"), 137));
  df.push_back(OptionalField("lower_bounds", IdMap(126, 127, "bytes"), 125));
  df.push_back(OptionalField("upper_bounds", IdMap(129, 130, "bytes"), 128));
  df.push_back(OptionalField("key_metadata", "bytes", 131));
  df.push_back(OptionalField("split_offsets", List("long", 133), 132));
  if (version >= 2) df.push_back(OptionalField("equality_ids", List("int", 136), 135));
  df.push_back(OptionalField("sort_order_id", "int", 140));
  if (version >= 3) df.push_back(OptionalField("first_row_id", "long", 142));
  if (version >= 2) df.push_back(OptionalField("referenced_data_file", "string", 143));
  if (version >= 3) {
    df.push_back(OptionalField("content_offset", "long", 144));
    df.push_back(OptionalField("content_size_in_bytes", "long", 145));
  }

  Json fields = Json::array();
  fields.push_back(Field("status", "int", 0));
  if (version == 1) {
    fields.push_back(Field("snapshot_id", "long", 1));
  } else {
    fields.push_back(OptionalField("snapshot_id", "long", 1));
    fields.push_back(OptionalField("sequence_number", "long", 3));
    fields.push_back(OptionalField("file_sequence_number", "long", 4));
  }
  fields.push_back(
      Field("data_file", Json{{"type", "record"}, {"name", "r2"}, {"fields", std::move(df)}}, 2));
  return Json{{"type", "record"}, {"name", "manifest_entry"}, {"fields", std::move(fields)}};
}

Json ManifestListSchema(int version) {
  Json summary{{"type", "record"},
               {"name", "r508"},
               {"fields", Json::array({Field("contains_null", "boolean", 509),
                                       OptionalField("contains_nan", "boolean", 518),
                                       OptionalField("lower_bound", "bytes", 510),
                                       OptionalField("upper_bound", "bytes", 511)})}};
  Json partitions{{"type", "array"}, {"items", std::move(summary)}, {"element-id", 508}};
  Json f = Json::array();
  f.push_back(Field("manifest_path", "string", 500));
  f.push_back(Field("manifest_length", "long", 501));
  f.push_back(Field("partition_spec_id", "int", 502));
  if (version == 1) {
    f.push_back(Field("added_snapshot_id", "long", 503));
    f.push_back(OptionalField("added_files_count", "int", 504));
    f.push_back(OptionalField("existing_files_count", "int", 505));
    f.push_back(OptionalField("deleted_files_count", "int", 506));
    f.push_back(OptionalField("partitions", std::move(partitions), 507));
    f.push_back(OptionalField("added_rows_count", "long", 512));
    f.push_back(OptionalField("existing_rows_count", "long", 513));
    f.push_back(OptionalField("deleted_rows_count", "long", 514));
  } else {
    f.push_back(Field("content", "int", 517));
    f.push_back(Field("sequence_number", "long", 515));
    f.push_back(Field("min_sequence_number", "long", 516));
    f.push_back(Field("added_snapshot_id", "long", 503));
    f.push_back(Field("added_files_count", "int", 504));
    f.push_back(Field("existing_files_count", "int", 505));
    f.push_back(Field("deleted_files_count", "int", 506));
    f.push_back(Field("added_rows_count", "long", 512));
    f.push_back(Field("existing_rows_count", "long", 513));
    f.push_back(Field("deleted_rows_count", "long", 514));
    f.push_back(OptionalField("partitions", std::move(partitions), 507));
  }
  f.push_back(OptionalField("key_metadata", "bytes", 519));
  if (version >= 3) f.push_back(OptionalField("first_row_id", "long", 520));
  return Json{{"type", "record"}, {"name", "manifest_file"}, {"fields", std::move(f)}};
}

// The non-null branch of an optional field's union.
const avro::Node* Inner(const avro::Node* n) {
  if (n->type != avro::Type::kUnion) return n;
  for (const avro::Node* b : n->branches) {
    if (b->type != avro::Type::kNull) return b;
  }
  return n;
}

const avro::Node* FieldType(const avro::Node& record, std::string_view name) {
  const int i = record.FieldIndex(name);
  return i < 0 ? nullptr : Inner(record.fields[static_cast<size_t>(i)].type);
}

Datum OptLong(const std::optional<int64_t>& v) { return v ? Datum::Long(*v) : Datum::Null(); }
Datum OptInt(const std::optional<int32_t>& v) { return v ? Datum::Int(*v) : Datum::Null(); }
Datum OptBytes(const std::optional<std::string>& v) { return v ? Datum::Bytes(*v) : Datum::Null(); }

template <typename V, typename F>
Datum IdMapDatum(const avro::Node* array, const std::map<int32_t, V>& m, F&& value_datum) {
  if (m.empty()) return Datum::Null();
  std::vector<Datum> items;
  items.reserve(m.size());
  for (const auto& [k, v] : m) {
    items.push_back(Datum::Record(array->items, {Datum::Int(k), value_datum(v)}));
  }
  return Datum::Array(std::move(items));
}

// The Avro value of partition value `v` of Iceberg type `t` (see PartitionAvroType).
Result<Datum> PartitionDatum(const Type& t, const Value& v, int32_t decimal_bytes) {
  if (IsNull(v)) return Datum::Null();
  auto mismatch = [&]() {
    return Status::InvalidArgument("partition value does not fit type {}", t.ToString());
  };
  switch (t.kind) {
    case TypeKind::kBoolean:
      if (const bool* b = std::get_if<bool>(&v)) return Datum::Boolean(*b);
      return mismatch();
    case TypeKind::kInt:
    case TypeKind::kDate:
      if (const int32_t* i = std::get_if<int32_t>(&v)) return Datum::Int(*i);
      return mismatch();
    case TypeKind::kLong:
    case TypeKind::kTime:
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampTz:
    case TypeKind::kTimestampNs:
    case TypeKind::kTimestampTzNs:
      if (const int64_t* l = std::get_if<int64_t>(&v)) return Datum::Long(*l);
      if (const int32_t* i = std::get_if<int32_t>(&v)) return Datum::Long(*i);
      return mismatch();
    case TypeKind::kFloat:
      if (const float* f = std::get_if<float>(&v)) return Datum::Float(*f);
      return mismatch();
    case TypeKind::kDouble:
      if (const double* d = std::get_if<double>(&v)) return Datum::Double(*d);
      if (const float* f = std::get_if<float>(&v)) return Datum::Double(*f);
      return mismatch();
    case TypeKind::kString:
      if (const std::string* s = std::get_if<std::string>(&v)) return Datum::String(*s);
      return mismatch();
    case TypeKind::kBinary:
      if (const std::string* s = std::get_if<std::string>(&v)) return Datum::Bytes(*s);
      return mismatch();
    case TypeKind::kUuid:
    case TypeKind::kFixed: {
      const std::string* s = std::get_if<std::string>(&v);
      const size_t want = t.kind == TypeKind::kUuid ? 16 : static_cast<size_t>(t.length);
      if (s == nullptr || s->size() != want) return mismatch();
      return Datum::Fixed(*s);
    }
    case TypeKind::kDecimal: {
      const __int128* d = std::get_if<__int128>(&v);
      if (d == nullptr) return mismatch();
      // Sign-extended big-endian two's complement in the fixed size.
      std::string out(static_cast<size_t>(decimal_bytes), '\0');
      const unsigned __int128 u = static_cast<unsigned __int128>(*d);
      for (int i = 0; i < decimal_bytes; ++i) {
        out[static_cast<size_t>(decimal_bytes - 1 - i)] =
            static_cast<char>(static_cast<uint8_t>(u >> (8 * i)));
      }
      // The value must survive the narrowing (its precision fits the type).
      const std::string minimal = DecimalToMinimalBytes(*d);
      if (minimal.size() > out.size()) return mismatch();
      return Datum::Fixed(std::move(out));
    }
    default:
      return mismatch();
  }
}

// ---- partition field summaries ----

bool IsNaN(const Value& v) {
  if (const float* f = std::get_if<float>(&v)) return std::isnan(*f);
  if (const double* d = std::get_if<double>(&v)) return std::isnan(*d);
  return false;
}

// IEEE 754 totalOrder key of a non-NaN double (-0.0 < +0.0).
int64_t TotalOrderKey(double d) {
  const int64_t bits = std::bit_cast<int64_t>(d);
  return bits < 0 ? bits ^ std::numeric_limits<int64_t>::max() : bits;
}

// <0, 0, >0 comparing two non-null, non-NaN values of the same partition type.
int Compare(const Value& a, const Value& b) {
  auto cmp = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (a.index() != b.index()) return cmp(a.index(), b.index());
  switch (a.index()) {
    case 1:
      return cmp(std::get<bool>(a), std::get<bool>(b));
    case 2:
      return cmp(std::get<int32_t>(a), std::get<int32_t>(b));
    case 3:
      return cmp(std::get<int64_t>(a), std::get<int64_t>(b));
    case 4:
      return cmp(TotalOrderKey(std::get<float>(a)), TotalOrderKey(std::get<float>(b)));
    case 5:
      return cmp(TotalOrderKey(std::get<double>(a)), TotalOrderKey(std::get<double>(b)));
    case 6:
      return cmp(std::get<__int128>(a), std::get<__int128>(b));
    case 7: {
      // Unsigned byte order: UTF-8 code point order for strings.
      const int c = std::get<std::string>(a).compare(std::get<std::string>(b));
      return cmp(c, 0);
    }
    default:
      return 0;
  }
}

struct FieldStats {
  bool contains_null = false;
  bool contains_nan = false;
  std::optional<Value> lower;
  std::optional<Value> upper;

  void Update(const Value& v) {
    if (IsNull(v)) {
      contains_null = true;
    } else if (IsNaN(v)) {
      contains_nan = true;
    } else {
      if (!lower || Compare(v, *lower) < 0) lower = v;
      if (!upper || Compare(v, *upper) > 0) upper = v;
    }
  }
};

// Normalizes a partition value to the Value kind its type decodes to (int32 widened to
// int64 for long types, float to double for double), so comparisons see one kind.
Value Normalized(const Type& t, const Value& v) {
  if (const int32_t* i = std::get_if<int32_t>(&v)) {
    if (t.kind != TypeKind::kInt && t.kind != TypeKind::kDate) return Value{int64_t{*i}};
  }
  if (const float* f = std::get_if<float>(&v); f != nullptr && t.kind == TypeKind::kDouble) {
    return Value{static_cast<double>(*f)};
  }
  return v;
}

Status CheckContent(const DataFile& f, ManifestContent content, int version,
                    std::string_view where) {
  if (content == ManifestContent::kData) {
    if (f.content != DataFileContent::kData) {
      return Status::InvalidArgument("{}: delete file {} in a data manifest", where, f.file_path);
    }
  } else if (f.content == DataFileContent::kData) {
    return Status::InvalidArgument("{}: data file {} in a delete manifest", where, f.file_path);
  }
  if (f.content == DataFileContent::kEqualityDeletes && f.equality_ids.empty()) {
    return Status::InvalidArgument("{}: equality delete file {} without equality_ids", where,
                                   f.file_path);
  }
  if (version < 3 && (f.first_row_id || f.content_offset || f.content_size_in_bytes)) {
    return Status::InvalidArgument(
        "{}: {} sets first_row_id/content_offset/content_size_in_bytes, which need format "
        "version 3 (writing {})",
        where, f.file_path, version);
  }
  return Status::OK();
}

Status CheckVersion(int version) {
  if (version < 1 || version > 3) {
    return Status::InvalidArgument("manifest format version {} is not 1, 2 or 3", version);
  }
  return Status::OK();
}

// Runs `body` writing through a container writer on `file`; aborts `file` on error.
template <typename Body>
Status WithAbortOnError(io::WritableFile* file, Body&& body) {
  Status s = body();
  if (!s.ok()) file->Abort();
  return s;
}

}  // namespace

Result<ManifestFile> WriteManifest(io::WritableFile* file, std::string path,
                                   const TableMetadata& metadata, int32_t spec_id,
                                   ManifestContent content, int64_t snapshot_id,
                                   const std::vector<ManifestEntry>& entries,
                                   const ManifestWriteOptions& options) {
  const int version = options.format_version;
  ManifestFile out;
  Status s = WithAbortOnError(file, [&]() -> Status {
    FLOE_RETURN_IF_ERROR(CheckVersion(version));
    if (version == 1 && content == ManifestContent::kDeletes) {
      return Status::InvalidArgument("manifest {}: format version 1 has no delete manifests", path);
    }
    const PartitionSpec* spec = metadata.SpecById(spec_id);
    if (spec == nullptr) {
      return Status::InvalidArgument("manifest {}: partition spec {} not in table metadata", path,
                                     spec_id);
    }
    const Schema* schema = metadata.CurrentSchema();
    if (schema == nullptr) {
      return Status::InvalidArgument("manifest {}: table metadata has no current schema {}", path,
                                     metadata.current_schema_id);
    }
    Result<std::vector<NestedField>> ptype = spec->PartitionType(*schema);
    if (!ptype.ok()) return ptype.status().WithContext(fmt::format("manifest {}", path));
    const std::vector<NestedField>& partition_type = *ptype;

    FLOE_ASSIGN_OR_RETURN(Json schema_json, ManifestEntrySchema(version, partition_type));
    FLOE_ASSIGN_OR_RETURN(avro::SchemaPtr avro_schema, avro::Schema::FromJson(schema_json));
    const avro::Node& root = avro_schema->root();
    const avro::Node* df_node = FieldType(root, "data_file");
    const avro::Node* part_node = FieldType(*df_node, "partition");
    auto map_node = [&](std::string_view name) { return FieldType(*df_node, name); };
    const avro::Node* column_sizes_node = map_node("column_sizes");
    const avro::Node* value_counts_node = map_node("value_counts");
    const avro::Node* null_counts_node = map_node("null_value_counts");
    const avro::Node* nan_counts_node = map_node("nan_value_counts");
    const avro::Node* lower_node = map_node("lower_bounds");
    const avro::Node* upper_node = map_node("upper_bounds");
    std::vector<int32_t> decimal_bytes(partition_type.size(), 0);
    for (size_t i = 0; i < partition_type.size(); ++i) {
      if (partition_type[i].type->kind == TypeKind::kDecimal) {
        decimal_bytes[i] = DecimalRequiredBytes(partition_type[i].type->precision);
      }
    }

    avro::ContainerWriterOptions wopts;
    wopts.codec = options.codec;
    wopts.level = options.compression_level;
    wopts.metadata = {{"schema", SchemaToJson(*schema).dump()},
                      {"schema-id", std::to_string(schema->schema_id())},
                      {"partition-spec", PartitionFieldsToJson(spec->fields).dump()},
                      {"partition-spec-id", std::to_string(spec_id)},
                      {"format-version", std::to_string(version)}};
    if (version >= 2) {
      wopts.metadata.emplace_back("content",
                                  content == ManifestContent::kData ? "data" : "deletes");
    }
    FLOE_ASSIGN_OR_RETURN(std::unique_ptr<avro::ContainerWriter> writer,
                          avro::ContainerWriter::Open(file, avro_schema, std::move(wopts)));

    std::vector<FieldStats> stats(partition_type.size());
    int64_t counts[3] = {0, 0, 0};  // by ManifestEntryStatus
    int64_t rows[3] = {0, 0, 0};
    std::optional<int64_t> min_seq;
    auto long_datum = [](int64_t v) { return Datum::Long(v); };
    auto bytes_datum = [](const std::string& v) { return Datum::Bytes(v); };

    for (size_t n = 0; n < entries.size(); ++n) {
      const ManifestEntry& e = entries[n];
      const DataFile& f = e.data_file;
      const std::string where = fmt::format("manifest {} entry {}", path, n);
      if (f.spec_id != spec_id) {
        return Status::InvalidArgument("{}: {} has spec id {}, the manifest's is {}", where,
                                       f.file_path, f.spec_id, spec_id);
      }
      FLOE_RETURN_IF_ERROR(CheckContent(f, content, version, where));
      if (f.partition.size() != partition_type.size()) {
        return Status::InvalidArgument("{}: {} has {} partition values, spec {} has {} fields",
                                       where, f.file_path, f.partition.size(), spec_id,
                                       partition_type.size());
      }
      const int status = static_cast<int>(e.status);
      if (status < 0 || status > 2) {
        return Status::InvalidArgument("{}: status {} out of range", where, status);
      }

      // Sequence numbers: null (inherited) only for ADDED entries of this snapshot.
      Datum seq, file_seq;
      if (version >= 2) {
        const bool may_inherit =
            e.status == ManifestEntryStatus::kAdded && e.snapshot_id == snapshot_id;
        auto seq_datum = [&](int64_t v, std::string_view name) -> Result<Datum> {
          if (v != kUnassignedSequenceNumber) return Datum::Long(v);
          if (may_inherit) return Datum::Null();
          return Status::InvalidArgument(
              "{}: {} of {} is unassigned; only ADDED entries of snapshot {} may inherit it", where,
              name, f.file_path, snapshot_id);
        };
        FLOE_ASSIGN_OR_RETURN(seq, seq_datum(e.sequence_number, "sequence_number"));
        FLOE_ASSIGN_OR_RETURN(file_seq, seq_datum(e.file_sequence_number, "file_sequence_number"));
        if (e.status != ManifestEntryStatus::kDeleted && !seq.is_null()) {
          min_seq = std::min(min_seq.value_or(e.sequence_number), e.sequence_number);
        }
      }

      std::vector<Datum> part;
      part.reserve(partition_type.size());
      for (size_t i = 0; i < partition_type.size(); ++i) {
        const Type& t = *partition_type[i].type;
        Result<Datum> d = PartitionDatum(t, f.partition[i], decimal_bytes[i]);
        if (!d.ok()) {
          return d.status().WithContext(
              fmt::format("{}: partition field '{}'", where, partition_type[i].name));
        }
        part.push_back(std::move(*d));
        stats[i].Update(Normalized(t, f.partition[i]));
      }

      std::vector<Datum> dfv;
      dfv.reserve(df_node->fields.size());
      if (version >= 2) dfv.push_back(Datum::Int(static_cast<int32_t>(f.content)));
      dfv.push_back(Datum::String(f.file_path));
      dfv.push_back(Datum::String(f.file_format));
      dfv.push_back(Datum::Record(part_node, std::move(part)));
      dfv.push_back(Datum::Long(f.record_count));
      dfv.push_back(Datum::Long(f.file_size_in_bytes));
      if (version == 1) dfv.push_back(Datum::Long(kV1DefaultBlockSizeInBytes));
      dfv.push_back(IdMapDatum(column_sizes_node, f.column_sizes, long_datum));
      dfv.push_back(IdMapDatum(value_counts_node, f.value_counts, long_datum));
      dfv.push_back(IdMapDatum(null_counts_node, f.null_value_counts, long_datum));
      dfv.push_back(IdMapDatum(nan_counts_node, f.nan_value_counts, long_datum));
      dfv.push_back(IdMapDatum(lower_node, f.lower_bounds, bytes_datum));
      dfv.push_back(IdMapDatum(upper_node, f.upper_bounds, bytes_datum));
      dfv.push_back(OptBytes(f.key_metadata));
      if (f.split_offsets.empty()) {
        dfv.push_back(Datum::Null());
      } else {
        std::vector<Datum> items;
        items.reserve(f.split_offsets.size());
        for (int64_t o : f.split_offsets) items.push_back(Datum::Long(o));
        dfv.push_back(Datum::Array(std::move(items)));
      }
      if (version >= 2) {
        if (f.equality_ids.empty()) {
          dfv.push_back(Datum::Null());
        } else {
          std::vector<Datum> items;
          items.reserve(f.equality_ids.size());
          for (int32_t id : f.equality_ids) items.push_back(Datum::Int(id));
          dfv.push_back(Datum::Array(std::move(items)));
        }
      }
      dfv.push_back(OptInt(f.sort_order_id));
      if (version >= 3) dfv.push_back(OptLong(f.first_row_id));
      if (version >= 2) {
        dfv.push_back(f.referenced_data_file ? Datum::String(*f.referenced_data_file)
                                             : Datum::Null());
      }
      if (version >= 3) {
        dfv.push_back(OptLong(f.content_offset));
        dfv.push_back(OptLong(f.content_size_in_bytes));
      }

      std::vector<Datum> entry;
      entry.reserve(5);
      entry.push_back(Datum::Int(status));
      entry.push_back(Datum::Long(e.snapshot_id));
      if (version >= 2) {
        entry.push_back(std::move(seq));
        entry.push_back(std::move(file_seq));
      }
      entry.push_back(Datum::Record(df_node, std::move(dfv)));
      Status appended = writer->Append(Datum::Record(&root, std::move(entry)));
      if (!appended.ok()) return appended.WithContext(where);

      counts[status] += 1;
      rows[status] += f.record_count;
    }
    FLOE_RETURN_IF_ERROR(writer->Flush());
    out.manifest_length = static_cast<int64_t>(file->Tell());
    FLOE_RETURN_IF_ERROR(writer->Close());

    for (int64_t c : counts) {
      if (c > std::numeric_limits<int32_t>::max()) {
        return Status::InvalidArgument("manifest {}: {} entries of one status exceed int", path, c);
      }
    }
    out.manifest_path = std::move(path);
    out.partition_spec_id = spec_id;
    out.content = content;
    out.sequence_number = kUnassignedSequenceNumber;
    out.min_sequence_number = min_seq.value_or(kUnassignedSequenceNumber);
    out.added_snapshot_id = snapshot_id;
    out.added_files_count = static_cast<int32_t>(counts[1]);
    out.existing_files_count = static_cast<int32_t>(counts[0]);
    out.deleted_files_count = static_cast<int32_t>(counts[2]);
    out.added_rows_count = rows[1];
    out.existing_rows_count = rows[0];
    out.deleted_rows_count = rows[2];
    out.partitions.reserve(stats.size());
    for (size_t i = 0; i < stats.size(); ++i) {
      const Type& t = *partition_type[i].type;
      PartitionFieldSummary summary;
      summary.contains_null = stats[i].contains_null;
      summary.contains_nan = stats[i].contains_nan;
      if (stats[i].lower) {
        FLOE_ASSIGN_OR_RETURN(summary.lower_bound, EncodeSingleValue(t, *stats[i].lower));
        FLOE_ASSIGN_OR_RETURN(summary.upper_bound, EncodeSingleValue(t, *stats[i].upper));
      }
      out.partitions.push_back(std::move(summary));
    }
    return Status::OK();
  });
  if (!s.ok()) return s;
  return out;
}

int64_t AssignFirstRowIds(std::vector<ManifestFile>* manifests, int64_t first_row_id) {
  int64_t next = first_row_id;
  for (ManifestFile& m : *manifests) {
    if (m.content != ManifestContent::kData || m.first_row_id) continue;
    m.first_row_id = next;
    next += m.added_rows_count.value_or(0) + m.existing_rows_count.value_or(0);
  }
  return next - first_row_id;
}

Status WriteManifestList(io::WritableFile* file, const Snapshot& snapshot,
                         const std::vector<ManifestFile>& manifests,
                         const ManifestWriteOptions& options) {
  const int version = options.format_version;
  return WithAbortOnError(file, [&]() -> Status {
    FLOE_RETURN_IF_ERROR(CheckVersion(version));
    const std::string where = fmt::format("manifest list {}", file->name());
    std::vector<ManifestFile> list = manifests;
    for (size_t i = 0; i < list.size(); ++i) {
      ManifestFile& m = list[i];
      if (version == 1 && m.content != ManifestContent::kData) {
        return Status::InvalidArgument("{}: delete manifest {} in a v1 manifest list", where,
                                       m.manifest_path);
      }
      if (version >= 2 && m.sequence_number == kUnassignedSequenceNumber) {
        if (m.added_snapshot_id != snapshot.snapshot_id) {
          return Status::InvalidArgument(
              "{}: manifest {} has no sequence number but was added by snapshot {}, not {}", where,
              m.manifest_path, m.added_snapshot_id, snapshot.snapshot_id);
        }
        m.sequence_number = snapshot.sequence_number;
      }
      if (version >= 2 && m.min_sequence_number == kUnassignedSequenceNumber) {
        m.min_sequence_number = m.sequence_number;
      }
    }
    if (version >= 3) {
      if (!snapshot.first_row_id) {
        return Status::InvalidArgument("{}: v3 snapshot {} has no first-row-id", where,
                                       snapshot.snapshot_id);
      }
      AssignFirstRowIds(&list, *snapshot.first_row_id);
    }

    FLOE_ASSIGN_OR_RETURN(avro::SchemaPtr avro_schema,
                          avro::Schema::FromJson(ManifestListSchema(version)));
    const avro::Node& root = avro_schema->root();
    const avro::Node* summary_node = FieldType(root, "partitions")->items;

    avro::ContainerWriterOptions wopts;
    wopts.codec = options.codec;
    wopts.level = options.compression_level;
    wopts.metadata = {{"snapshot-id", std::to_string(snapshot.snapshot_id)},
                      {"parent-snapshot-id", snapshot.parent_snapshot_id
                                                 ? std::to_string(*snapshot.parent_snapshot_id)
                                                 : std::string("null")}};
    if (version >= 2) {
      wopts.metadata.emplace_back("sequence-number", std::to_string(snapshot.sequence_number));
    }
    if (version >= 3) {
      wopts.metadata.emplace_back("first-row-id", std::to_string(*snapshot.first_row_id));
    }
    wopts.metadata.emplace_back("format-version", std::to_string(version));
    FLOE_ASSIGN_OR_RETURN(std::unique_ptr<avro::ContainerWriter> writer,
                          avro::ContainerWriter::Open(file, avro_schema, std::move(wopts)));

    for (size_t i = 0; i < list.size(); ++i) {
      const ManifestFile& m = list[i];
      std::vector<Datum> summaries;
      summaries.reserve(m.partitions.size());
      for (const PartitionFieldSummary& p : m.partitions) {
        summaries.push_back(Datum::Record(
            summary_node, {Datum::Boolean(p.contains_null),
                           p.contains_nan ? Datum::Boolean(*p.contains_nan) : Datum::Null(),
                           OptBytes(p.lower_bound), OptBytes(p.upper_bound)}));
      }
      Datum partitions = Datum::Array(std::move(summaries));
      std::vector<Datum> f;
      f.reserve(root.fields.size());
      f.push_back(Datum::String(m.manifest_path));
      f.push_back(Datum::Long(m.manifest_length));
      f.push_back(Datum::Int(m.partition_spec_id));
      if (version == 1) {
        f.push_back(Datum::Long(m.added_snapshot_id));
        f.push_back(OptInt(m.added_files_count));
        f.push_back(OptInt(m.existing_files_count));
        f.push_back(OptInt(m.deleted_files_count));
        f.push_back(std::move(partitions));
        f.push_back(OptLong(m.added_rows_count));
        f.push_back(OptLong(m.existing_rows_count));
        f.push_back(OptLong(m.deleted_rows_count));
      } else {
        if (!m.added_files_count || !m.existing_files_count || !m.deleted_files_count ||
            !m.added_rows_count || !m.existing_rows_count || !m.deleted_rows_count) {
          return Status::InvalidArgument(
              "{}: manifest {} lacks file or row counts (required from format version 2)", where,
              m.manifest_path);
        }
        f.push_back(Datum::Int(static_cast<int32_t>(m.content)));
        f.push_back(Datum::Long(m.sequence_number));
        f.push_back(Datum::Long(m.min_sequence_number));
        f.push_back(Datum::Long(m.added_snapshot_id));
        f.push_back(Datum::Int(*m.added_files_count));
        f.push_back(Datum::Int(*m.existing_files_count));
        f.push_back(Datum::Int(*m.deleted_files_count));
        f.push_back(Datum::Long(*m.added_rows_count));
        f.push_back(Datum::Long(*m.existing_rows_count));
        f.push_back(Datum::Long(*m.deleted_rows_count));
        f.push_back(std::move(partitions));
      }
      f.push_back(OptBytes(m.key_metadata));
      if (version >= 3) f.push_back(OptLong(m.first_row_id));
      Status appended = writer->Append(Datum::Record(&root, std::move(f)));
      if (!appended.ok()) {
        return appended.WithContext(fmt::format("{} entry {} ({})", where, i, m.manifest_path));
      }
    }
    return writer->Close();
  });
}

}  // namespace floe::iceberg
