#include "floe/iceberg/update.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <set>

#include "floe/iceberg/json_internal.h"

namespace floe::iceberg {

using internal::Json;

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

Json StringMapToJson(const std::map<std::string, std::string>& m) {
  Json j = Json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}

Result<std::map<std::string, std::string>> StringMapFromJson(const Json& j, std::string_view path) {
  FLOE_RETURN_IF_ERROR(internal::ExpectObject(j, path));
  std::map<std::string, std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    FLOE_ASSIGN_OR_RETURN(out[it.key()],
                          internal::AsString(it.value(), internal::JoinPath(path, it.key())));
  }
  return out;
}

}  // namespace

Json TableUpdateToJson(const TableUpdate& update, int format_version) {
  return std::visit(
      Overloaded{
          [](const AssignUuid& u) {
            return Json{{"action", "assign-uuid"}, {"uuid", u.uuid}};
          },
          [](const UpgradeFormatVersion& u) {
            return Json{{"action", "upgrade-format-version"}, {"format-version", u.format_version}};
          },
          [](const AddSchema& u) {
            Json j{{"action", "add-schema"}, {"schema", SchemaToJson(u.schema)}};
            if (u.last_column_id) j["last-column-id"] = *u.last_column_id;
            return j;
          },
          [](const SetCurrentSchema& u) {
            return Json{{"action", "set-current-schema"}, {"schema-id", u.schema_id}};
          },
          [](const AddSpec& u) {
            return Json{{"action", "add-spec"}, {"spec", PartitionSpecToJson(u.spec)}};
          },
          [](const SetDefaultSpec& u) {
            return Json{{"action", "set-default-spec"}, {"spec-id", u.spec_id}};
          },
          [](const AddSortOrder& u) {
            return Json{{"action", "add-sort-order"},
                        {"sort-order", SortOrderToJson(u.sort_order)}};
          },
          [](const SetDefaultSortOrder& u) {
            return Json{{"action", "set-default-sort-order"}, {"sort-order-id", u.sort_order_id}};
          },
          [&](const AddSnapshot& u) {
            return Json{{"action", "add-snapshot"},
                        {"snapshot", SnapshotToJson(u.snapshot, format_version)}};
          },
          [](const SetSnapshotRef& u) {
            Json j = SnapshotRefToJson(u.ref);
            j["action"] = "set-snapshot-ref";
            j["ref-name"] = u.ref_name;
            return j;
          },
          [](const RemoveSnapshotRef& u) {
            return Json{{"action", "remove-snapshot-ref"}, {"ref-name", u.ref_name}};
          },
          [](const RemoveSnapshots& u) {
            return Json{{"action", "remove-snapshots"}, {"snapshot-ids", u.snapshot_ids}};
          },
          [](const SetLocation& u) {
            return Json{{"action", "set-location"}, {"location", u.location}};
          },
          [](const SetProperties& u) {
            return Json{{"action", "set-properties"}, {"updates", StringMapToJson(u.updates)}};
          },
          [](const RemoveProperties& u) {
            return Json{{"action", "remove-properties"}, {"removals", u.removals}};
          },
      },
      update);
}

Result<TableUpdate> TableUpdateFromJson(const Json& j, std::string_view path, int format_version) {
  FLOE_RETURN_IF_ERROR(internal::ExpectObject(j, path));
  FLOE_ASSIGN_OR_RETURN(std::string action, internal::RequiredString(j, "action", path));
  if (action == "assign-uuid") {
    FLOE_ASSIGN_OR_RETURN(std::string uuid, internal::RequiredString(j, "uuid", path));
    return TableUpdate{AssignUuid{std::move(uuid)}};
  }
  if (action == "upgrade-format-version") {
    FLOE_ASSIGN_OR_RETURN(int32_t v, internal::RequiredInt(j, "format-version", path));
    return TableUpdate{UpgradeFormatVersion{v}};
  }
  if (action == "add-schema") {
    FLOE_ASSIGN_OR_RETURN(const Json* s, internal::RequiredMember(j, "schema", path));
    FLOE_ASSIGN_OR_RETURN(Schema schema, SchemaFromJson(*s, internal::JoinPath(path, "schema")));
    FLOE_ASSIGN_OR_RETURN(std::optional<int32_t> last,
                          internal::OptionalInt(j, "last-column-id", path));
    return TableUpdate{AddSchema{std::move(schema), last}};
  }
  if (action == "set-current-schema") {
    FLOE_ASSIGN_OR_RETURN(int32_t id, internal::RequiredInt(j, "schema-id", path));
    return TableUpdate{SetCurrentSchema{id}};
  }
  if (action == "add-spec") {
    FLOE_ASSIGN_OR_RETURN(const Json* s, internal::RequiredMember(j, "spec", path));
    FLOE_ASSIGN_OR_RETURN(PartitionSpec spec,
                          PartitionSpecFromJson(*s, internal::JoinPath(path, "spec")));
    return TableUpdate{AddSpec{std::move(spec)}};
  }
  if (action == "set-default-spec") {
    FLOE_ASSIGN_OR_RETURN(int32_t id, internal::RequiredInt(j, "spec-id", path));
    return TableUpdate{SetDefaultSpec{id}};
  }
  if (action == "add-sort-order") {
    FLOE_ASSIGN_OR_RETURN(const Json* s, internal::RequiredMember(j, "sort-order", path));
    FLOE_ASSIGN_OR_RETURN(SortOrder order,
                          SortOrderFromJson(*s, internal::JoinPath(path, "sort-order")));
    return TableUpdate{AddSortOrder{std::move(order)}};
  }
  if (action == "set-default-sort-order") {
    FLOE_ASSIGN_OR_RETURN(int32_t id, internal::RequiredInt(j, "sort-order-id", path));
    return TableUpdate{SetDefaultSortOrder{id}};
  }
  if (action == "add-snapshot") {
    FLOE_ASSIGN_OR_RETURN(const Json* s, internal::RequiredMember(j, "snapshot", path));
    FLOE_ASSIGN_OR_RETURN(
        Snapshot snap, SnapshotFromJson(*s, internal::JoinPath(path, "snapshot"), format_version));
    return TableUpdate{AddSnapshot{std::move(snap)}};
  }
  if (action == "set-snapshot-ref") {
    FLOE_ASSIGN_OR_RETURN(std::string name, internal::RequiredString(j, "ref-name", path));
    FLOE_ASSIGN_OR_RETURN(SnapshotRef ref, SnapshotRefFromJson(j, path));
    return TableUpdate{SetSnapshotRef{std::move(name), ref}};
  }
  if (action == "remove-snapshot-ref") {
    FLOE_ASSIGN_OR_RETURN(std::string name, internal::RequiredString(j, "ref-name", path));
    return TableUpdate{RemoveSnapshotRef{std::move(name)}};
  }
  if (action == "remove-snapshots") {
    FLOE_ASSIGN_OR_RETURN(const Json* ids, internal::RequiredMember(j, "snapshot-ids", path));
    const std::string p = internal::JoinPath(path, "snapshot-ids");
    FLOE_RETURN_IF_ERROR(internal::ExpectArray(*ids, p));
    RemoveSnapshots u;
    for (size_t i = 0; i < ids->size(); ++i) {
      FLOE_ASSIGN_OR_RETURN(int64_t id, internal::AsLong((*ids)[i], internal::IndexPath(p, i)));
      u.snapshot_ids.push_back(id);
    }
    return TableUpdate{std::move(u)};
  }
  if (action == "set-location") {
    FLOE_ASSIGN_OR_RETURN(std::string loc, internal::RequiredString(j, "location", path));
    return TableUpdate{SetLocation{std::move(loc)}};
  }
  if (action == "set-properties") {
    FLOE_ASSIGN_OR_RETURN(const Json* m, internal::RequiredMember(j, "updates", path));
    FLOE_ASSIGN_OR_RETURN(auto updates, StringMapFromJson(*m, internal::JoinPath(path, "updates")));
    return TableUpdate{SetProperties{std::move(updates)}};
  }
  if (action == "remove-properties") {
    FLOE_ASSIGN_OR_RETURN(const Json* r, internal::RequiredMember(j, "removals", path));
    const std::string p = internal::JoinPath(path, "removals");
    FLOE_RETURN_IF_ERROR(internal::ExpectArray(*r, p));
    RemoveProperties u;
    for (size_t i = 0; i < r->size(); ++i) {
      FLOE_ASSIGN_OR_RETURN(std::string key,
                            internal::AsString((*r)[i], internal::IndexPath(p, i)));
      u.removals.push_back(std::move(key));
    }
    return TableUpdate{std::move(u)};
  }
  return Status::NotSupported("{}: unknown table update action '{}'",
                              internal::JoinPath(path, "action"), action);
}

Json TableRequirementToJson(const TableRequirement& requirement) {
  return std::visit(
      Overloaded{
          [](const AssertCreate&) {
            return Json{{"type", "assert-create"}};
          },
          [](const AssertTableUuid& r) {
            return Json{{"type", "assert-table-uuid"}, {"uuid", r.uuid}};
          },
          [](const AssertRefSnapshotId& r) {
            Json j{{"type", "assert-ref-snapshot-id"}, {"ref", r.ref}};
            j["snapshot-id"] = r.snapshot_id ? Json(*r.snapshot_id) : Json(nullptr);
            return j;
          },
          [](const AssertLastAssignedFieldId& r) {
            return Json{{"type", "assert-last-assigned-field-id"},
                        {"last-assigned-field-id", r.last_assigned_field_id}};
          },
          [](const AssertCurrentSchemaId& r) {
            return Json{{"type", "assert-current-schema-id"},
                        {"current-schema-id", r.current_schema_id}};
          },
          [](const AssertLastAssignedPartitionId& r) {
            return Json{{"type", "assert-last-assigned-partition-id"},
                        {"last-assigned-partition-id", r.last_assigned_partition_id}};
          },
          [](const AssertDefaultSpecId& r) {
            return Json{{"type", "assert-default-spec-id"}, {"default-spec-id", r.default_spec_id}};
          },
          [](const AssertDefaultSortOrderId& r) {
            return Json{{"type", "assert-default-sort-order-id"},
                        {"default-sort-order-id", r.default_sort_order_id}};
          },
      },
      requirement);
}

Result<TableRequirement> TableRequirementFromJson(const Json& j, std::string_view path) {
  FLOE_RETURN_IF_ERROR(internal::ExpectObject(j, path));
  FLOE_ASSIGN_OR_RETURN(std::string type, internal::RequiredString(j, "type", path));
  if (type == "assert-create") return TableRequirement{AssertCreate{}};
  if (type == "assert-table-uuid") {
    FLOE_ASSIGN_OR_RETURN(std::string uuid, internal::RequiredString(j, "uuid", path));
    return TableRequirement{AssertTableUuid{std::move(uuid)}};
  }
  if (type == "assert-ref-snapshot-id") {
    FLOE_ASSIGN_OR_RETURN(std::string ref, internal::RequiredString(j, "ref", path));
    FLOE_ASSIGN_OR_RETURN(std::optional<int64_t> id,
                          internal::OptionalLong(j, "snapshot-id", path));
    return TableRequirement{AssertRefSnapshotId{std::move(ref), id}};
  }
  if (type == "assert-last-assigned-field-id") {
    FLOE_ASSIGN_OR_RETURN(int32_t v, internal::RequiredInt(j, "last-assigned-field-id", path));
    return TableRequirement{AssertLastAssignedFieldId{v}};
  }
  if (type == "assert-current-schema-id") {
    FLOE_ASSIGN_OR_RETURN(int32_t v, internal::RequiredInt(j, "current-schema-id", path));
    return TableRequirement{AssertCurrentSchemaId{v}};
  }
  if (type == "assert-last-assigned-partition-id") {
    FLOE_ASSIGN_OR_RETURN(int32_t v, internal::RequiredInt(j, "last-assigned-partition-id", path));
    return TableRequirement{AssertLastAssignedPartitionId{v}};
  }
  if (type == "assert-default-spec-id") {
    FLOE_ASSIGN_OR_RETURN(int32_t v, internal::RequiredInt(j, "default-spec-id", path));
    return TableRequirement{AssertDefaultSpecId{v}};
  }
  if (type == "assert-default-sort-order-id") {
    FLOE_ASSIGN_OR_RETURN(int32_t v, internal::RequiredInt(j, "default-sort-order-id", path));
    return TableRequirement{AssertDefaultSortOrderId{v}};
  }
  return Status::NotSupported("{}: unknown table requirement type '{}'",
                              internal::JoinPath(path, "type"), type);
}

Status CheckRequirements(const std::vector<TableRequirement>& requirements,
                         const TableMetadata* base) {
  for (const TableRequirement& req : requirements) {
    if (std::holds_alternative<AssertCreate>(req)) {
      if (base != nullptr) return Status::CommitConflict("assert-create failed: the table exists");
      continue;
    }
    if (base == nullptr) {
      return Status::NotFound("{} failed: the table does not exist",
                              TableRequirementToJson(req)["type"].get<std::string>());
    }
    const TableMetadata& m = *base;
    Status st = std::visit(
        Overloaded{
            [](const AssertCreate&) { return Status::OK(); },
            [&](const AssertTableUuid& r) {
              if (m.table_uuid == r.uuid) return Status::OK();
              return Status::CommitConflict("assert-table-uuid failed: expected {}, found {}",
                                            r.uuid, m.table_uuid);
            },
            [&](const AssertRefSnapshotId& r) {
              auto it = m.refs.find(r.ref);
              std::optional<int64_t> actual;
              if (it != m.refs.end()) actual = it->second.snapshot_id;
              if (actual == r.snapshot_id) return Status::OK();
              return Status::CommitConflict(
                  "assert-ref-snapshot-id failed: ref '{}' expected at {}, found {}", r.ref,
                  r.snapshot_id ? std::to_string(*r.snapshot_id) : "none",
                  actual ? std::to_string(*actual) : "none");
            },
            [&](const AssertLastAssignedFieldId& r) {
              if (m.last_column_id == r.last_assigned_field_id) return Status::OK();
              return Status::CommitConflict(
                  "assert-last-assigned-field-id failed: expected {}, found {}",
                  r.last_assigned_field_id, m.last_column_id);
            },
            [&](const AssertCurrentSchemaId& r) {
              if (m.current_schema_id == r.current_schema_id) return Status::OK();
              return Status::CommitConflict(
                  "assert-current-schema-id failed: expected {}, found {}", r.current_schema_id,
                  m.current_schema_id);
            },
            [&](const AssertLastAssignedPartitionId& r) {
              if (m.last_partition_id == r.last_assigned_partition_id) return Status::OK();
              return Status::CommitConflict(
                  "assert-last-assigned-partition-id failed: expected {}, found {}",
                  r.last_assigned_partition_id, m.last_partition_id);
            },
            [&](const AssertDefaultSpecId& r) {
              if (m.default_spec_id == r.default_spec_id) return Status::OK();
              return Status::CommitConflict("assert-default-spec-id failed: expected {}, found {}",
                                            r.default_spec_id, m.default_spec_id);
            },
            [&](const AssertDefaultSortOrderId& r) {
              if (m.default_sort_order_id == r.default_sort_order_id) return Status::OK();
              return Status::CommitConflict(
                  "assert-default-sort-order-id failed: expected {}, found {}",
                  r.default_sort_order_id, m.default_sort_order_id);
            },
        },
        req);
    FLOE_RETURN_IF_ERROR(st);
  }
  return Status::OK();
}

namespace {

// Applies one update at a time, remembering what "last added" means.
class MetadataBuilder {
 public:
  explicit MetadataBuilder(TableMetadata m) : m_(std::move(m)) {}

  Status Apply(const TableUpdate& u) {
    return std::visit([this](const auto& x) { return Do(x); }, u);
  }
  TableMetadata& metadata() { return m_; }

 private:
  Status Do(const AssignUuid& u) {
    if (u.uuid.empty()) return Status::InvalidArgument("assign-uuid: empty uuid");
    if (!m_.table_uuid.empty() && m_.table_uuid != u.uuid) {
      return Status::InvalidArgument("assign-uuid: the table already has uuid {}", m_.table_uuid);
    }
    m_.table_uuid = u.uuid;
    return Status::OK();
  }
  Status Do(const UpgradeFormatVersion& u) {
    if (u.format_version < m_.format_version) {
      return Status::InvalidArgument("upgrade-format-version: cannot downgrade v{} to v{}",
                                     m_.format_version, u.format_version);
    }
    if (u.format_version > kMaxSupportedFormatVersion) {
      return Status::NotSupported("upgrade-format-version: v{} is not supported", u.format_version);
    }
    m_.format_version = u.format_version;
    return Status::OK();
  }
  Status Do(const AddSchema& u) {
    FLOE_RETURN_IF_ERROR(u.schema.Validate());
    int32_t id = -1;
    int32_t max_id = -1;
    for (const Schema& s : m_.schemas) {
      max_id = std::max(max_id, s.schema_id());
      if (s.fields() == u.schema.fields() &&
          s.identifier_field_ids() == u.schema.identifier_field_ids()) {
        id = s.schema_id();
      }
    }
    if (id < 0) {
      id = max_id + 1;
      m_.schemas.emplace_back(id, u.schema.fields(), u.schema.identifier_field_ids());
    }
    m_.last_column_id =
        std::max({m_.last_column_id, u.schema.HighestFieldId(), u.last_column_id.value_or(0)});
    last_schema_id_ = id;
    return Status::OK();
  }
  Status Do(const SetCurrentSchema& u) {
    int32_t id = u.schema_id;
    if (id == kLastAdded) {
      if (!last_schema_id_)
        return Status::InvalidArgument("set-current-schema -1: no schema added");
      id = *last_schema_id_;
    }
    if (m_.SchemaById(id) == nullptr) {
      return Status::InvalidArgument("set-current-schema: unknown schema id {}", id);
    }
    m_.current_schema_id = id;
    return Status::OK();
  }
  Status Do(const AddSpec& u) {
    int32_t id = -1;
    int32_t max_id = -1;
    for (const PartitionSpec& s : m_.partition_specs) {
      max_id = std::max(max_id, s.spec_id);
      if (s.fields == u.spec.fields) id = s.spec_id;
    }
    if (id < 0) {
      PartitionSpec spec = u.spec;
      spec.spec_id = id = max_id + 1;
      m_.partition_specs.push_back(std::move(spec));
    }
    m_.last_partition_id = std::max(m_.last_partition_id, u.spec.LastAssignedFieldId());
    last_spec_id_ = id;
    return Status::OK();
  }
  Status Do(const SetDefaultSpec& u) {
    int32_t id = u.spec_id;
    if (id == kLastAdded) {
      if (!last_spec_id_) return Status::InvalidArgument("set-default-spec -1: no spec added");
      id = *last_spec_id_;
    }
    if (m_.SpecById(id) == nullptr) {
      return Status::InvalidArgument("set-default-spec: unknown spec id {}", id);
    }
    m_.default_spec_id = id;
    return Status::OK();
  }
  Status Do(const AddSortOrder& u) {
    int32_t id = -1;
    int32_t max_id = kUnsortedOrderId;
    for (const SortOrder& s : m_.sort_orders) {
      max_id = std::max(max_id, s.order_id);
      if (s.fields == u.sort_order.fields) id = s.order_id;
    }
    if (id < 0) {
      SortOrder order = u.sort_order;
      order.order_id = id = order.IsUnsorted() ? kUnsortedOrderId : max_id + 1;
      m_.sort_orders.push_back(std::move(order));
    }
    last_order_id_ = id;
    return Status::OK();
  }
  Status Do(const SetDefaultSortOrder& u) {
    int32_t id = u.sort_order_id;
    if (id == kLastAdded) {
      if (!last_order_id_) return Status::InvalidArgument("set-default-sort-order -1: none added");
      id = *last_order_id_;
    }
    if (m_.SortOrderById(id) == nullptr) {
      return Status::InvalidArgument("set-default-sort-order: unknown sort order id {}", id);
    }
    m_.default_sort_order_id = id;
    return Status::OK();
  }
  Status Do(const AddSnapshot& u) {
    const Snapshot& s = u.snapshot;
    if (m_.SnapshotById(s.snapshot_id) != nullptr) {
      return Status::InvalidArgument("add-snapshot: snapshot {} already exists", s.snapshot_id);
    }
    if (m_.format_version >= 2 && s.sequence_number <= m_.last_sequence_number &&
        s.parent_snapshot_id.has_value()) {
      return Status::InvalidArgument(
          "add-snapshot: snapshot {} has sequence number {}, not above the table's last {}",
          s.snapshot_id, s.sequence_number, m_.last_sequence_number);
    }
    if (s.parent_snapshot_id && m_.SnapshotById(*s.parent_snapshot_id) == nullptr) {
      return Status::InvalidArgument("add-snapshot: snapshot {} has unknown parent {}",
                                     s.snapshot_id, *s.parent_snapshot_id);
    }
    m_.snapshots.push_back(s);
    m_.last_sequence_number = std::max(m_.last_sequence_number, s.sequence_number);
    if (m_.format_version >= 3 && s.first_row_id && s.added_rows) {
      m_.next_row_id = std::max(m_.next_row_id.value_or(0), *s.first_row_id + *s.added_rows);
    }
    added_snapshot_ts_[s.snapshot_id] = s.timestamp_ms;
    return Status::OK();
  }
  Status Do(const SetSnapshotRef& u) {
    if (u.ref_name.empty()) return Status::InvalidArgument("set-snapshot-ref: empty ref name");
    const Snapshot* s = m_.SnapshotById(u.ref.snapshot_id);
    if (s == nullptr) {
      return Status::InvalidArgument("set-snapshot-ref '{}': unknown snapshot {}", u.ref_name,
                                     u.ref.snapshot_id);
    }
    if (u.ref_name == kMainBranch && u.ref.type != SnapshotRefType::kBranch) {
      return Status::InvalidArgument("set-snapshot-ref: main must be a branch");
    }
    m_.refs[u.ref_name] = u.ref;
    if (u.ref_name == kMainBranch && m_.current_snapshot_id != u.ref.snapshot_id) {
      m_.current_snapshot_id = u.ref.snapshot_id;
      // A snapshot added in this commit is logged at its own timestamp (as Java does);
      // a rollback to an older one at the commit time.
      auto it = added_snapshot_ts_.find(u.ref.snapshot_id);
      main_moved_.push_back({it != added_snapshot_ts_.end() ? it->second : -1, s->snapshot_id});
    }
    return Status::OK();
  }
  Status Do(const RemoveSnapshotRef& u) {
    if (m_.refs.erase(u.ref_name) == 0) return Status::OK();
    if (u.ref_name == kMainBranch) m_.current_snapshot_id.reset();
    return Status::OK();
  }
  Status Do(const RemoveSnapshots& u) {
    std::set<int64_t> ids(u.snapshot_ids.begin(), u.snapshot_ids.end());
    std::erase_if(m_.snapshots, [&](const Snapshot& s) { return ids.count(s.snapshot_id) > 0; });
    std::erase_if(m_.refs, [&](const auto& kv) { return ids.count(kv.second.snapshot_id) > 0; });
    if (m_.current_snapshot_id && ids.count(*m_.current_snapshot_id))
      m_.current_snapshot_id.reset();
    std::erase_if(m_.snapshot_log,
                  [&](const SnapshotLogEntry& e) { return ids.count(e.snapshot_id) > 0; });
    return Status::OK();
  }
  Status Do(const SetLocation& u) {
    if (u.location.empty()) return Status::InvalidArgument("set-location: empty location");
    m_.location = u.location;
    while (m_.location.size() > 1 && m_.location.back() == '/') m_.location.pop_back();
    return Status::OK();
  }
  Status Do(const SetProperties& u) {
    for (const auto& [k, v] : u.updates) m_.properties[k] = v;
    return Status::OK();
  }
  Status Do(const RemoveProperties& u) {
    for (const std::string& k : u.removals) m_.properties.erase(k);
    return Status::OK();
  }

 public:
  std::vector<SnapshotLogEntry> main_moved_;

 private:
  TableMetadata m_;
  std::optional<int32_t> last_schema_id_;
  std::optional<int32_t> last_spec_id_;
  std::optional<int32_t> last_order_id_;
  std::map<int64_t, int64_t> added_snapshot_ts_;
};

int PreviousVersionsMax(const TableMetadata& m) {
  auto it = m.properties.find(std::string(kMetadataPreviousVersionsMax));
  if (it == m.properties.end()) return kMetadataPreviousVersionsMaxDefault;
  int v = 0;
  for (char c : it->second) {
    if (c < '0' || c > '9' || v > 1000000) return kMetadataPreviousVersionsMaxDefault;
    v = v * 10 + (c - '0');
  }
  return it->second.empty() ? kMetadataPreviousVersionsMaxDefault : std::max(v, 1);
}

}  // namespace

Result<TableMetadata> ApplyUpdates(const TableMetadata& base,
                                   const std::vector<TableUpdate>& updates,
                                   const ApplyOptions& options) {
  MetadataBuilder b(base);
  for (size_t i = 0; i < updates.size(); ++i) {
    Status st = b.Apply(updates[i]);
    if (!st.ok()) return st.WithContext(fmt::format("table update {}", i));
  }
  TableMetadata& m = b.metadata();
  m.last_updated_ms = std::max(options.now_ms, base.last_updated_ms);
  for (SnapshotLogEntry e : b.main_moved_) {
    if (e.timestamp_ms < 0) e.timestamp_ms = m.last_updated_ms;
    m.snapshot_log.push_back(e);
  }
  if (!options.base_metadata_location.empty()) {
    m.metadata_log.push_back({base.last_updated_ms, options.base_metadata_location});
  }
  const size_t max_log = static_cast<size_t>(PreviousVersionsMax(m));
  if (m.metadata_log.size() > max_log) {
    m.metadata_log.erase(m.metadata_log.begin(),
                         m.metadata_log.end() - static_cast<std::ptrdiff_t>(max_log));
  }
  FLOE_RETURN_IF_ERROR(m.Validate());
  return std::move(m);
}

std::vector<std::string> DroppedMetadataFiles(const TableMetadata& before,
                                              const TableMetadata& after) {
  std::set<std::string> kept;
  for (const MetadataLogEntry& e : after.metadata_log) kept.insert(e.metadata_file);
  std::vector<std::string> out;
  for (const MetadataLogEntry& e : before.metadata_log) {
    if (!kept.count(e.metadata_file)) out.push_back(e.metadata_file);
  }
  return out;
}

std::string NewUuid() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
           static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }());
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace floe::iceberg
