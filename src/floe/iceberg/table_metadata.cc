#include "floe/iceberg/table_metadata.h"

#include <algorithm>
#include <charconv>

#include "floe/iceberg/json_internal.h"

namespace floe::iceberg {

using internal::Json;

const Schema* TableMetadata::SchemaById(int32_t id) const {
  for (const Schema& s : schemas) {
    if (s.schema_id() == id) return &s;
  }
  return nullptr;
}

const PartitionSpec* TableMetadata::SpecById(int32_t id) const {
  for (const PartitionSpec& s : partition_specs) {
    if (s.spec_id == id) return &s;
  }
  return nullptr;
}

const SortOrder* TableMetadata::SortOrderById(int32_t id) const {
  for (const SortOrder& s : sort_orders) {
    if (s.order_id == id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::SnapshotById(int64_t id) const {
  for (const Snapshot& s : snapshots) {
    if (s.snapshot_id == id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::CurrentSnapshot() const {
  return current_snapshot_id ? SnapshotById(*current_snapshot_id) : nullptr;
}

const Snapshot* TableMetadata::SnapshotForRef(std::string_view name) const {
  auto it = refs.find(std::string(name));
  return it == refs.end() ? nullptr : SnapshotById(it->second.snapshot_id);
}

const Snapshot* TableMetadata::SnapshotAsOf(int64_t timestamp_ms) const {
  const SnapshotLogEntry* best = nullptr;
  for (const SnapshotLogEntry& e : snapshot_log) {
    if (e.timestamp_ms <= timestamp_ms) best = &e;
  }
  return best ? SnapshotById(best->snapshot_id) : nullptr;
}

Status TableMetadata::Validate() const {
  if (format_version < 1 || format_version > kMaxSupportedFormatVersion) {
    return Status::NotSupported("format-version {} is not supported (max {})", format_version,
                                kMaxSupportedFormatVersion);
  }
  if (format_version >= 2 && table_uuid.empty()) {
    return Status::InvalidArgument("table-uuid: required for format v{}", format_version);
  }
  const Schema* schema = CurrentSchema();
  if (schema == nullptr) {
    return Status::InvalidArgument("current-schema-id: {} is not in schemas", current_schema_id);
  }
  if (DefaultSpec() == nullptr) {
    return Status::InvalidArgument("default-spec-id: {} is not in partition-specs",
                                   default_spec_id);
  }
  if (SortOrderById(default_sort_order_id) == nullptr) {
    return Status::InvalidArgument("default-sort-order-id: {} is not in sort-orders",
                                   default_sort_order_id);
  }
  for (const PartitionSpec& spec : partition_specs) {
    if (format_version >= 2 && spec.LastAssignedFieldId() > last_partition_id) {
      return Status::InvalidArgument("partition spec {} uses field id {} > last-partition-id {}",
                                     spec.spec_id, spec.LastAssignedFieldId(), last_partition_id);
    }
  }
  if (current_snapshot_id && CurrentSnapshot() == nullptr) {
    return Status::InvalidArgument("current-snapshot-id: {} is not in snapshots",
                                   *current_snapshot_id);
  }
  for (const auto& [name, ref] : refs) {
    if (SnapshotById(ref.snapshot_id) == nullptr) {
      return Status::InvalidArgument("refs.{}: snapshot {} is not in snapshots", name,
                                     ref.snapshot_id);
    }
  }
  auto main = refs.find(std::string(kMainBranch));
  if (main != refs.end() && current_snapshot_id &&
      main->second.snapshot_id != *current_snapshot_id) {
    return Status::InvalidArgument("refs.main: snapshot {} differs from current-snapshot-id {}",
                                   main->second.snapshot_id, *current_snapshot_id);
  }
  if (format_version >= 3 && !next_row_id) {
    return Status::InvalidArgument("next-row-id: required for format v3");
  }
  return Status::OK();
}

namespace {

Result<std::map<std::string, std::string>> StringMapFromJson(const Json& j, std::string_view path) {
  FLOE_RETURN_IF_ERROR(internal::ExpectObject(j, path));
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : j.items()) {
    FLOE_ASSIGN_OR_RETURN(out[k], internal::AsString(v, internal::JoinPath(path, k)));
  }
  return out;
}

template <typename T, typename ParseFn>
Result<std::vector<T>> ListFromJson(const Json& j, std::string_view path, ParseFn&& parse) {
  FLOE_RETURN_IF_ERROR(internal::ExpectArray(j, path));
  std::vector<T> out;
  out.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    FLOE_ASSIGN_OR_RETURN(T v, parse(j[i], internal::IndexPath(path, i)));
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

Result<TableMetadata> TableMetadataFromJson(const Json& j) {
  FLOE_RETURN_IF_ERROR(internal::ExpectObject(j, ""));
  TableMetadata m;
  FLOE_ASSIGN_OR_RETURN(m.format_version, internal::RequiredInt(j, "format-version", ""));
  if (m.format_version < 1 || m.format_version > kMaxSupportedFormatVersion) {
    return Status::NotSupported("format-version: {} is not supported (max {})", m.format_version,
                                kMaxSupportedFormatVersion);
  }
  const int v = m.format_version;
  if (v >= 2) {
    FLOE_ASSIGN_OR_RETURN(m.table_uuid, internal::RequiredString(j, "table-uuid", ""));
  } else {
    FLOE_ASSIGN_OR_RETURN(auto uuid, internal::OptionalString(j, "table-uuid", ""));
    m.table_uuid = uuid.value_or("");
  }
  FLOE_ASSIGN_OR_RETURN(m.location, internal::RequiredString(j, "location", ""));
  if (v >= 2) {
    FLOE_ASSIGN_OR_RETURN(m.last_sequence_number,
                          internal::RequiredLong(j, "last-sequence-number", ""));
  } else {
    FLOE_ASSIGN_OR_RETURN(auto seq, internal::OptionalLong(j, "last-sequence-number", ""));
    m.last_sequence_number = seq.value_or(0);
  }
  FLOE_ASSIGN_OR_RETURN(m.last_updated_ms, internal::RequiredLong(j, "last-updated-ms", ""));
  FLOE_ASSIGN_OR_RETURN(m.last_column_id, internal::RequiredInt(j, "last-column-id", ""));

  // Schemas.
  const Json* schemas = internal::Find(j, "schemas");
  if (schemas != nullptr || v >= 2) {
    if (schemas == nullptr) return Status::InvalidArgument("schemas: missing");
    FLOE_ASSIGN_OR_RETURN(m.schemas, ListFromJson<Schema>(*schemas, "schemas", SchemaFromJson));
    FLOE_ASSIGN_OR_RETURN(m.current_schema_id, internal::RequiredInt(j, "current-schema-id", ""));
  } else {
    FLOE_ASSIGN_OR_RETURN(const Json* schema, internal::RequiredMember(j, "schema", ""));
    FLOE_ASSIGN_OR_RETURN(Schema s, SchemaFromJson(*schema, "schema"));
    FLOE_ASSIGN_OR_RETURN(auto current, internal::OptionalInt(j, "current-schema-id", ""));
    m.current_schema_id = current.value_or(s.schema_id());
    m.schemas.push_back(std::move(s));
  }

  // Partition specs.
  const Json* specs = internal::Find(j, "partition-specs");
  if (specs != nullptr || v >= 2) {
    if (specs == nullptr) return Status::InvalidArgument("partition-specs: missing");
    FLOE_ASSIGN_OR_RETURN(m.partition_specs, ListFromJson<PartitionSpec>(*specs, "partition-specs",
                                                                         PartitionSpecFromJson));
    FLOE_ASSIGN_OR_RETURN(m.default_spec_id, internal::RequiredInt(j, "default-spec-id", ""));
  } else {
    FLOE_ASSIGN_OR_RETURN(const Json* spec, internal::RequiredMember(j, "partition-spec", ""));
    PartitionSpec ps;
    FLOE_ASSIGN_OR_RETURN(ps.fields, PartitionFieldsFromJson(*spec, "partition-spec"));
    FLOE_ASSIGN_OR_RETURN(auto default_id, internal::OptionalInt(j, "default-spec-id", ""));
    ps.spec_id = default_id.value_or(0);
    m.default_spec_id = ps.spec_id;
    m.partition_specs.push_back(std::move(ps));
  }
  if (v >= 2) {
    FLOE_ASSIGN_OR_RETURN(m.last_partition_id, internal::RequiredInt(j, "last-partition-id", ""));
  } else {
    FLOE_ASSIGN_OR_RETURN(auto last, internal::OptionalInt(j, "last-partition-id", ""));
    int32_t computed = kUnpartitionedLastAssignedId;
    for (const PartitionSpec& s : m.partition_specs) {
      computed = std::max(computed, s.LastAssignedFieldId());
    }
    m.last_partition_id = last.value_or(computed);
  }

  if (const Json* props = internal::Find(j, "properties")) {
    FLOE_ASSIGN_OR_RETURN(m.properties, StringMapFromJson(*props, "properties"));
  }
  FLOE_ASSIGN_OR_RETURN(m.current_snapshot_id,
                        internal::OptionalLong(j, "current-snapshot-id", ""));
  if (m.current_snapshot_id == -1) m.current_snapshot_id.reset();

  if (const Json* snaps = internal::Find(j, "snapshots")) {
    FLOE_ASSIGN_OR_RETURN(
        m.snapshots,
        ListFromJson<Snapshot>(*snaps, "snapshots", [v](const Json& s, std::string_view p) {
          return SnapshotFromJson(s, p, v);
        }));
  }
  if (const Json* log = internal::Find(j, "snapshot-log")) {
    FLOE_ASSIGN_OR_RETURN(
        m.snapshot_log,
        ListFromJson<SnapshotLogEntry>(
            *log, "snapshot-log",
            [](const Json& e, std::string_view p) -> Result<SnapshotLogEntry> {
              FLOE_RETURN_IF_ERROR(internal::ExpectObject(e, p));
              SnapshotLogEntry out;
              FLOE_ASSIGN_OR_RETURN(out.timestamp_ms, internal::RequiredLong(e, "timestamp-ms", p));
              FLOE_ASSIGN_OR_RETURN(out.snapshot_id, internal::RequiredLong(e, "snapshot-id", p));
              return out;
            }));
  }
  if (const Json* log = internal::Find(j, "metadata-log")) {
    FLOE_ASSIGN_OR_RETURN(
        m.metadata_log,
        ListFromJson<MetadataLogEntry>(
            *log, "metadata-log",
            [](const Json& e, std::string_view p) -> Result<MetadataLogEntry> {
              FLOE_RETURN_IF_ERROR(internal::ExpectObject(e, p));
              MetadataLogEntry out;
              FLOE_ASSIGN_OR_RETURN(out.timestamp_ms, internal::RequiredLong(e, "timestamp-ms", p));
              FLOE_ASSIGN_OR_RETURN(out.metadata_file,
                                    internal::RequiredString(e, "metadata-file", p));
              return out;
            }));
  }

  const Json* orders = internal::Find(j, "sort-orders");
  if (orders != nullptr || v >= 2) {
    if (orders == nullptr) return Status::InvalidArgument("sort-orders: missing");
    FLOE_ASSIGN_OR_RETURN(m.sort_orders,
                          ListFromJson<SortOrder>(*orders, "sort-orders", SortOrderFromJson));
    FLOE_ASSIGN_OR_RETURN(m.default_sort_order_id,
                          internal::RequiredInt(j, "default-sort-order-id", ""));
  } else {
    m.sort_orders.push_back(SortOrder{});
    m.default_sort_order_id = kUnsortedOrderId;
  }

  if (const Json* refs = internal::Find(j, "refs")) {
    FLOE_RETURN_IF_ERROR(internal::ExpectObject(*refs, "refs"));
    for (const auto& [name, ref] : refs->items()) {
      FLOE_ASSIGN_OR_RETURN(m.refs[name],
                            SnapshotRefFromJson(ref, internal::JoinPath("refs", name)));
    }
  }
  // "Always a main branch reference, even if refs is null."
  if (m.current_snapshot_id && !m.refs.contains(std::string(kMainBranch))) {
    m.refs[std::string(kMainBranch)] = SnapshotRef{*m.current_snapshot_id, SnapshotRefType::kBranch,
                                                   std::nullopt, std::nullopt, std::nullopt};
  }

  if (const Json* stats = internal::Find(j, "statistics")) {
    FLOE_RETURN_IF_ERROR(internal::ExpectArray(*stats, "statistics"));
    m.statistics = *stats;
  }
  if (const Json* stats = internal::Find(j, "partition-statistics")) {
    FLOE_RETURN_IF_ERROR(internal::ExpectArray(*stats, "partition-statistics"));
    m.partition_statistics = *stats;
  }
  if (v >= 3) {
    FLOE_ASSIGN_OR_RETURN(m.next_row_id, internal::RequiredLong(j, "next-row-id", ""));
  } else {
    FLOE_ASSIGN_OR_RETURN(m.next_row_id, internal::OptionalLong(j, "next-row-id", ""));
  }
  if (const Json* keys = internal::Find(j, "encryption-keys")) {
    FLOE_RETURN_IF_ERROR(internal::ExpectArray(*keys, "encryption-keys"));
    m.encryption_keys = *keys;
  }
  FLOE_RETURN_IF_ERROR(m.Validate());
  return m;
}

Result<int64_t> IntProperty(const std::map<std::string, std::string>& properties,
                            std::string_view key, int64_t fallback) {
  auto it = properties.find(std::string(key));
  if (it == properties.end()) return fallback;
  int64_t v = 0;
  const char* end = it->second.data() + it->second.size();
  auto [p, ec] = std::from_chars(it->second.data(), end, v);
  if (ec != std::errc() || p != end) {
    return Status::InvalidArgument("table property {}: expected an integer, got '{}'", key,
                                   it->second);
  }
  return v;
}

Result<TableMetadata> ParseTableMetadata(std::string_view json_text) {
  Json j = Json::parse(json_text.begin(), json_text.end(), /*cb=*/nullptr,
                       /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::InvalidArgument("table metadata is not valid JSON ({} bytes)", json_text.size());
  }
  return TableMetadataFromJson(j);
}

Json TableMetadataToJson(const TableMetadata& m) {
  const int v = m.format_version;
  Json j = Json::object();
  j["format-version"] = v;
  if (!m.table_uuid.empty() || v >= 2) j["table-uuid"] = m.table_uuid;
  j["location"] = m.location;
  if (v >= 2) j["last-sequence-number"] = m.last_sequence_number;
  j["last-updated-ms"] = m.last_updated_ms;
  j["last-column-id"] = m.last_column_id;
  if (v == 1) {
    if (const Schema* s = m.CurrentSchema()) j["schema"] = SchemaToJson(*s);
    if (const PartitionSpec* s = m.DefaultSpec())
      j["partition-spec"] = PartitionFieldsToJson(s->fields);
  }
  Json schemas = Json::array();
  for (const Schema& s : m.schemas) schemas.push_back(SchemaToJson(s));
  j["schemas"] = std::move(schemas);
  j["current-schema-id"] = m.current_schema_id;
  Json specs = Json::array();
  for (const PartitionSpec& s : m.partition_specs) specs.push_back(PartitionSpecToJson(s));
  j["partition-specs"] = std::move(specs);
  j["default-spec-id"] = m.default_spec_id;
  j["last-partition-id"] = m.last_partition_id;
  Json props = Json::object();
  for (const auto& [k, val] : m.properties) props[k] = val;
  j["properties"] = std::move(props);
  if (m.current_snapshot_id) j["current-snapshot-id"] = *m.current_snapshot_id;
  Json snaps = Json::array();
  for (const Snapshot& s : m.snapshots) snaps.push_back(SnapshotToJson(s, v));
  j["snapshots"] = std::move(snaps);
  Json slog = Json::array();
  for (const SnapshotLogEntry& e : m.snapshot_log) {
    slog.push_back(Json{{"timestamp-ms", e.timestamp_ms}, {"snapshot-id", e.snapshot_id}});
  }
  j["snapshot-log"] = std::move(slog);
  Json mlog = Json::array();
  for (const MetadataLogEntry& e : m.metadata_log) {
    mlog.push_back(Json{{"timestamp-ms", e.timestamp_ms}, {"metadata-file", e.metadata_file}});
  }
  j["metadata-log"] = std::move(mlog);
  Json orders = Json::array();
  for (const SortOrder& o : m.sort_orders) orders.push_back(SortOrderToJson(o));
  j["sort-orders"] = std::move(orders);
  j["default-sort-order-id"] = m.default_sort_order_id;
  Json refs = Json::object();
  for (const auto& [name, ref] : m.refs) refs[name] = SnapshotRefToJson(ref);
  j["refs"] = std::move(refs);
  j["statistics"] = m.statistics;
  j["partition-statistics"] = m.partition_statistics;
  if (v >= 3) j["next-row-id"] = m.next_row_id.value_or(0);
  if (m.encryption_keys) j["encryption-keys"] = *m.encryption_keys;
  return j;
}

std::string WriteTableMetadata(const TableMetadata& m) { return TableMetadataToJson(m).dump(); }

}  // namespace floe::iceberg
