#include "floe/iceberg/manifest.h"

#include <charconv>
#include <utility>

#include "floe/format/avro/container.h"

namespace floe::iceberg {
namespace {

using avro::Datum;

// The non-null value of field `name` of `record`, or nullptr when absent or null.
const Datum* Get(const Datum& record, std::string_view name) {
  const Datum* d = record.Find(name);
  if (d == nullptr || d->is_null()) return nullptr;
  return d;
}

bool IsIntegral(const Datum& d) {
  return d.type() == avro::Type::kInt || d.type() == avro::Type::kLong ||
         d.type() == avro::Type::kEnum;
}
bool IsBytes(const Datum& d) {
  return d.type() == avro::Type::kBytes || d.type() == avro::Type::kString ||
         d.type() == avro::Type::kFixed;
}

Result<int64_t> RequiredInt(const Datum& record, std::string_view name, std::string_view where) {
  const Datum* d = Get(record, name);
  if (d == nullptr || !IsIntegral(*d)) {
    return Status::Corruption("{}: field '{}' missing or not an integer", where, name);
  }
  return d->AsInt64();
}

std::optional<int64_t> OptionalInt(const Datum& record, std::string_view name) {
  const Datum* d = Get(record, name);
  if (d == nullptr || !IsIntegral(*d)) return std::nullopt;
  return d->AsInt64();
}

std::optional<std::string> OptionalBytes(const Datum& record, std::string_view name) {
  const Datum* d = Get(record, name);
  if (d == nullptr || !IsBytes(*d)) return std::nullopt;
  return d->bytes();
}

// Iceberg maps with non-string keys are Avro arrays of {key, value} records.
template <typename V, typename F>
Status ReadIdMap(const Datum& record, std::string_view name, std::string_view where,
                 std::map<int32_t, V>* out, F&& value_of) {
  const Datum* d = Get(record, name);
  if (d == nullptr) return Status::OK();
  if (d->type() != avro::Type::kArray) {
    return Status::Corruption("{}: field '{}' is not an array of key/value records", where, name);
  }
  for (const Datum& kv : d->items()) {
    const Datum* k = Get(kv, "key");
    const Datum* v = Get(kv, "value");
    if (k == nullptr || !IsIntegral(*k)) {
      return Status::Corruption("{}: '{}' entry without an integer key", where, name);
    }
    if (v == nullptr) continue;
    std::optional<V> value = value_of(*v);
    if (!value) return Status::Corruption("{}: '{}' entry of wrong value type", where, name);
    (*out)[static_cast<int32_t>(k->AsInt64())] = std::move(*value);
  }
  return Status::OK();
}

std::optional<int64_t> IntOf(const Datum& d) {
  if (!IsIntegral(d)) return std::nullopt;
  return d.AsInt64();
}
std::optional<std::string> BytesOf(const Datum& d) {
  if (!IsBytes(d)) return std::nullopt;
  return d.bytes();
}

// Big-endian two's-complement bytes to an unscaled decimal (at most 16 bytes).
Result<__int128> DecimalFromBytes(std::string_view b, std::string_view where) {
  if (b.empty() || b.size() > 16) {
    return Status::Corruption("{}: decimal of {} bytes", where, b.size());
  }
  unsigned __int128 u =
      (static_cast<uint8_t>(b[0]) & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
  for (char c : b) u = (u << 8) | static_cast<uint8_t>(c);
  return static_cast<__int128>(u);
}

Result<Value> PartitionValue(const Datum& d, const NestedField* field, std::string_view where) {
  if (d.is_null()) return Value{};
  switch (d.type()) {
    case avro::Type::kBoolean:
      return Value{d.boolean()};
    case avro::Type::kInt:
      return Value{d.int_value()};
    case avro::Type::kLong: {
      if (field != nullptr &&
          (field->type->kind == TypeKind::kInt || field->type->kind == TypeKind::kDate)) {
        return Value{static_cast<int32_t>(d.long_value())};
      }
      return Value{d.long_value()};
    }
    case avro::Type::kFloat:
      return Value{d.float_value()};
    case avro::Type::kDouble:
      return Value{d.double_value()};
    case avro::Type::kBytes:
    case avro::Type::kFixed:
    case avro::Type::kString:
      if (field != nullptr && field->type->kind == TypeKind::kDecimal) {
        FLOE_ASSIGN_OR_RETURN(__int128 v, DecimalFromBytes(d.bytes(), where));
        return Value{v};
      }
      return Value{d.bytes()};
    default:
      return Status::Corruption("{}: partition value of unsupported Avro type", where);
  }
}

Result<DataFile> ReadDataFile(const Datum& df, int32_t spec_id,
                              const std::vector<NestedField>& partition_type,
                              const std::string& where) {
  DataFile f;
  f.spec_id = spec_id;
  const int64_t content = OptionalInt(df, "content").value_or(0);
  if (content < 0 || content > 2) {
    return Status::Corruption("{}: data_file.content {} out of range", where, content);
  }
  f.content = static_cast<DataFileContent>(content);

  std::optional<std::string> path = OptionalBytes(df, "file_path");
  if (!path) return Status::Corruption("{}: data_file.file_path missing", where);
  f.file_path = std::move(*path);
  f.file_format = OptionalBytes(df, "file_format").value_or("");
  FLOE_ASSIGN_OR_RETURN(f.record_count, RequiredInt(df, "record_count", where));
  f.file_size_in_bytes = OptionalInt(df, "file_size_in_bytes").value_or(0);
  if (const Datum* p = Get(df, "partition"); p != nullptr && p->type() == avro::Type::kRecord) {
    const std::vector<Datum>& values = p->fields();
    f.partition.reserve(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      const NestedField* pf = i < partition_type.size() ? &partition_type[i] : nullptr;
      FLOE_ASSIGN_OR_RETURN(Value v, PartitionValue(values[i], pf, where));
      f.partition.push_back(std::move(v));
    }
  }
  FLOE_RETURN_IF_ERROR(ReadIdMap(df, "column_sizes", where, &f.column_sizes, IntOf));
  FLOE_RETURN_IF_ERROR(ReadIdMap(df, "value_counts", where, &f.value_counts, IntOf));
  FLOE_RETURN_IF_ERROR(ReadIdMap(df, "null_value_counts", where, &f.null_value_counts, IntOf));
  FLOE_RETURN_IF_ERROR(ReadIdMap(df, "nan_value_counts", where, &f.nan_value_counts, IntOf));
  FLOE_RETURN_IF_ERROR(ReadIdMap(df, "lower_bounds", where, &f.lower_bounds, BytesOf));
  FLOE_RETURN_IF_ERROR(ReadIdMap(df, "upper_bounds", where, &f.upper_bounds, BytesOf));
  f.key_metadata = OptionalBytes(df, "key_metadata");
  if (const Datum* s = Get(df, "split_offsets"); s != nullptr && s->type() == avro::Type::kArray) {
    for (const Datum& o : s->items()) {
      if (IsIntegral(o)) f.split_offsets.push_back(o.AsInt64());
    }
  }
  if (const Datum* e = Get(df, "equality_ids"); e != nullptr && e->type() == avro::Type::kArray) {
    for (const Datum& id : e->items()) {
      if (!IsIntegral(id))
        return Status::Corruption("{}: equality_ids entry not an integer", where);
      f.equality_ids.push_back(static_cast<int32_t>(id.AsInt64()));  // PyIceberg writes long
    }
  }
  if (std::optional<int64_t> s = OptionalInt(df, "sort_order_id")) {
    f.sort_order_id = static_cast<int32_t>(*s);
  }
  f.first_row_id = OptionalInt(df, "first_row_id");
  f.referenced_data_file = OptionalBytes(df, "referenced_data_file");
  f.content_offset = OptionalInt(df, "content_offset");
  f.content_size_in_bytes = OptionalInt(df, "content_size_in_bytes");
  return f;
}

}  // namespace

Result<std::vector<ManifestFile>> ReadManifestList(std::shared_ptr<io::RandomAccessFile> file,
                                                   const Snapshot& snapshot) {
  const std::string name = file->name();
  FLOE_ASSIGN_OR_RETURN(std::unique_ptr<avro::ContainerReader> reader,
                        avro::ContainerReader::Open(std::move(file)));
  std::vector<ManifestFile> out;
  Datum d;
  while (true) {
    FLOE_ASSIGN_OR_RETURN(bool more, reader->Next(&d));
    if (!more) break;
    const std::string where = fmt::format("manifest list {} entry {}", name, out.size());
    ManifestFile m;
    std::optional<std::string> path = OptionalBytes(d, "manifest_path");
    if (!path) return Status::Corruption("{}: manifest_path missing", where);
    m.manifest_path = std::move(*path);
    m.manifest_length = OptionalInt(d, "manifest_length").value_or(0);
    m.partition_spec_id = static_cast<int32_t>(OptionalInt(d, "partition_spec_id").value_or(0));
    const int64_t content = OptionalInt(d, "content").value_or(0);
    if (content != 0 && content != 1) {
      return Status::Corruption("{}: content {} is neither data (0) nor deletes (1)", where,
                                content);
    }
    m.content = static_cast<ManifestContent>(content);
    m.sequence_number = OptionalInt(d, "sequence_number").value_or(snapshot.sequence_number);
    m.min_sequence_number = OptionalInt(d, "min_sequence_number").value_or(m.sequence_number);
    m.added_snapshot_id = OptionalInt(d, "added_snapshot_id").value_or(snapshot.snapshot_id);
    auto count32 = [&](std::string_view a, std::string_view b) -> std::optional<int32_t> {
      std::optional<int64_t> v = OptionalInt(d, a);
      if (!v) v = OptionalInt(d, b);  // v1 names
      if (!v) return std::nullopt;
      return static_cast<int32_t>(*v);
    };
    m.added_files_count = count32("added_files_count", "added_data_files_count");
    m.existing_files_count = count32("existing_files_count", "existing_data_files_count");
    m.deleted_files_count = count32("deleted_files_count", "deleted_data_files_count");
    m.added_rows_count = OptionalInt(d, "added_rows_count");
    m.existing_rows_count = OptionalInt(d, "existing_rows_count");
    m.deleted_rows_count = OptionalInt(d, "deleted_rows_count");
    if (const Datum* ps = Get(d, "partitions"); ps != nullptr && ps->type() == avro::Type::kArray) {
      for (const Datum& s : ps->items()) {
        PartitionFieldSummary summary;
        const Datum* cn = Get(s, "contains_null");
        summary.contains_null =
            cn != nullptr && cn->type() == avro::Type::kBoolean && cn->boolean();
        if (const Datum* nan = Get(s, "contains_nan");
            nan != nullptr && nan->type() == avro::Type::kBoolean) {
          summary.contains_nan = nan->boolean();
        }
        summary.lower_bound = OptionalBytes(s, "lower_bound");
        summary.upper_bound = OptionalBytes(s, "upper_bound");
        m.partitions.push_back(std::move(summary));
      }
    }
    m.key_metadata = OptionalBytes(d, "key_metadata");
    m.first_row_id = OptionalInt(d, "first_row_id");
    out.push_back(std::move(m));
  }
  return out;
}

Result<std::vector<ManifestEntry>> ReadManifest(std::shared_ptr<io::RandomAccessFile> file,
                                                const ManifestFile& manifest,
                                                const TableMetadata& metadata) {
  const std::string name = file->name();
  FLOE_ASSIGN_OR_RETURN(std::unique_ptr<avro::ContainerReader> reader,
                        avro::ContainerReader::Open(std::move(file)));
  // The partition type: the spec from the table metadata (manifest metadata may be absent),
  // resolved against the manifest's schema when it names one, else the current schema.
  const PartitionSpec* spec = metadata.SpecById(manifest.partition_spec_id);
  const Schema* schema = nullptr;
  if (std::optional<std::string_view> sid = reader->GetMetadata("schema-id")) {
    int32_t id = 0;
    if (std::from_chars(sid->data(), sid->data() + sid->size(), id).ec == std::errc()) {
      schema = metadata.SchemaById(id);
    }
  }
  if (schema == nullptr) schema = metadata.CurrentSchema();
  std::vector<NestedField> partition_type;
  if (spec != nullptr && schema != nullptr) {
    Result<std::vector<NestedField>> pt = spec->PartitionType(*schema);
    if (pt.ok()) partition_type = std::move(*pt);
  }

  std::vector<ManifestEntry> out;
  std::optional<int64_t> next_row_id = manifest.first_row_id;
  Datum d;
  while (true) {
    FLOE_ASSIGN_OR_RETURN(bool more, reader->Next(&d));
    if (!more) break;
    const std::string where = fmt::format("manifest {} entry {}", name, out.size());
    ManifestEntry e;
    FLOE_ASSIGN_OR_RETURN(int64_t status, RequiredInt(d, "status", where));
    if (status < 0 || status > 2)
      return Status::Corruption("{}: status {} out of range", where, status);
    e.status = static_cast<ManifestEntryStatus>(status);
    e.snapshot_id = OptionalInt(d, "snapshot_id").value_or(manifest.added_snapshot_id);
    std::optional<int64_t> seq = OptionalInt(d, "sequence_number");
    std::optional<int64_t> file_seq = OptionalInt(d, "file_sequence_number");
    // Inheritance applies to ADDED entries; v1 manifests (no field) are sequence number 0.
    const bool inherit = e.status == ManifestEntryStatus::kAdded || metadata.format_version == 1;
    e.sequence_number = seq.value_or(inherit ? manifest.sequence_number : 0);
    e.file_sequence_number = file_seq.value_or(inherit ? manifest.sequence_number : 0);
    const Datum* df = Get(d, "data_file");
    if (df == nullptr || df->type() != avro::Type::kRecord) {
      return Status::Corruption("{}: data_file missing", where);
    }
    FLOE_ASSIGN_OR_RETURN(e.data_file,
                          ReadDataFile(*df, manifest.partition_spec_id, partition_type, where));
    if (manifest.content == ManifestContent::kDeletes &&
        e.data_file.content == DataFileContent::kData) {
      // Old writers may omit content in delete manifests; position deletes are the default.
      e.data_file.content = DataFileContent::kPositionDeletes;
    }
    if (e.data_file.content == DataFileContent::kData && !e.data_file.first_row_id && next_row_id &&
        e.status == ManifestEntryStatus::kAdded) {
      e.data_file.first_row_id = *next_row_id;
      *next_row_id += e.data_file.record_count;
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace floe::iceberg
