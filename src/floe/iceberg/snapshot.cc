#include "floe/iceberg/snapshot.h"

#include "floe/iceberg/json_internal.h"

namespace floe::iceberg {

using internal::Json;

std::string_view Snapshot::operation() const {
  auto it = summary.find("operation");
  return it == summary.end() ? std::string_view() : std::string_view(it->second);
}

Json SnapshotToJson(const Snapshot& s, int format_version) {
  Json j = Json::object();
  j["snapshot-id"] = s.snapshot_id;
  if (s.parent_snapshot_id) j["parent-snapshot-id"] = *s.parent_snapshot_id;
  if (format_version >= 2) j["sequence-number"] = s.sequence_number;
  j["timestamp-ms"] = s.timestamp_ms;
  if (!s.manifest_list.empty()) {
    j["manifest-list"] = s.manifest_list;
  } else if (!s.manifests.empty()) {
    j["manifests"] = s.manifests;
  }
  if (!s.summary.empty() || format_version >= 2) {
    Json summary = Json::object();
    for (const auto& [k, v] : s.summary) summary[k] = v;
    j["summary"] = std::move(summary);
  }
  if (s.schema_id) j["schema-id"] = *s.schema_id;
  if (format_version >= 3) {
    j["first-row-id"] = s.first_row_id.value_or(0);
    j["added-rows"] = s.added_rows.value_or(0);
    if (s.key_id) j["key-id"] = *s.key_id;
  }
  return j;
}

Result<Snapshot> SnapshotFromJson(const Json& j, std::string_view path, int format_version) {
  FLOE_RETURN_IF_ERROR(internal::ExpectObject(j, path));
  Snapshot s;
  FLOE_ASSIGN_OR_RETURN(s.snapshot_id, internal::RequiredLong(j, "snapshot-id", path));
  FLOE_ASSIGN_OR_RETURN(s.parent_snapshot_id,
                        internal::OptionalLong(j, "parent-snapshot-id", path));
  if (format_version >= 2) {
    FLOE_ASSIGN_OR_RETURN(s.sequence_number, internal::RequiredLong(j, "sequence-number", path));
  } else {
    FLOE_ASSIGN_OR_RETURN(auto seq, internal::OptionalLong(j, "sequence-number", path));
    s.sequence_number = seq.value_or(0);
  }
  FLOE_ASSIGN_OR_RETURN(s.timestamp_ms, internal::RequiredLong(j, "timestamp-ms", path));
  if (const Json* ml = internal::Find(j, "manifest-list")) {
    FLOE_ASSIGN_OR_RETURN(s.manifest_list,
                          internal::AsString(*ml, internal::JoinPath(path, "manifest-list")));
  } else if (const Json* ms = internal::Find(j, "manifests");
             ms != nullptr && format_version == 1) {
    std::string ms_path = internal::JoinPath(path, "manifests");
    FLOE_RETURN_IF_ERROR(internal::ExpectArray(*ms, ms_path));
    for (size_t i = 0; i < ms->size(); ++i) {
      FLOE_ASSIGN_OR_RETURN(std::string m,
                            internal::AsString((*ms)[i], internal::IndexPath(ms_path, i)));
      s.manifests.push_back(std::move(m));
    }
  } else {
    return Status::InvalidArgument("{}: missing", internal::JoinPath(path, "manifest-list"));
  }
  const Json* summary = internal::Find(j, "summary");
  std::string summary_path = internal::JoinPath(path, "summary");
  if (summary == nullptr && format_version >= 2) {
    return Status::InvalidArgument("{}: missing", summary_path);
  }
  if (summary != nullptr) {
    FLOE_RETURN_IF_ERROR(internal::ExpectObject(*summary, summary_path));
    for (const auto& [k, v] : summary->items()) {
      // The spec says string values; tolerate other scalars from lax writers.
      s.summary[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
    if (!s.summary.contains("operation")) {
      return Status::InvalidArgument("{}: missing", internal::JoinPath(summary_path, "operation"));
    }
  }
  FLOE_ASSIGN_OR_RETURN(s.schema_id, internal::OptionalInt(j, "schema-id", path));
  FLOE_ASSIGN_OR_RETURN(s.first_row_id, internal::OptionalLong(j, "first-row-id", path));
  FLOE_ASSIGN_OR_RETURN(s.added_rows, internal::OptionalLong(j, "added-rows", path));
  FLOE_ASSIGN_OR_RETURN(s.key_id, internal::OptionalString(j, "key-id", path));
  return s;
}

Json SnapshotRefToJson(const SnapshotRef& ref) {
  Json j = Json::object();
  j["snapshot-id"] = ref.snapshot_id;
  j["type"] = ref.type == SnapshotRefType::kBranch ? "branch" : "tag";
  if (ref.min_snapshots_to_keep) j["min-snapshots-to-keep"] = *ref.min_snapshots_to_keep;
  if (ref.max_snapshot_age_ms) j["max-snapshot-age-ms"] = *ref.max_snapshot_age_ms;
  if (ref.max_ref_age_ms) j["max-ref-age-ms"] = *ref.max_ref_age_ms;
  return j;
}

Result<SnapshotRef> SnapshotRefFromJson(const Json& j, std::string_view path) {
  FLOE_RETURN_IF_ERROR(internal::ExpectObject(j, path));
  SnapshotRef ref;
  FLOE_ASSIGN_OR_RETURN(ref.snapshot_id, internal::RequiredLong(j, "snapshot-id", path));
  FLOE_ASSIGN_OR_RETURN(std::string type, internal::RequiredString(j, "type", path));
  if (type == "branch") {
    ref.type = SnapshotRefType::kBranch;
  } else if (type == "tag") {
    ref.type = SnapshotRefType::kTag;
  } else {
    return Status::InvalidArgument("{}: unknown ref type '{}'", internal::JoinPath(path, "type"),
                                   type);
  }
  FLOE_ASSIGN_OR_RETURN(ref.min_snapshots_to_keep,
                        internal::OptionalInt(j, "min-snapshots-to-keep", path));
  FLOE_ASSIGN_OR_RETURN(ref.max_snapshot_age_ms,
                        internal::OptionalLong(j, "max-snapshot-age-ms", path));
  FLOE_ASSIGN_OR_RETURN(ref.max_ref_age_ms, internal::OptionalLong(j, "max-ref-age-ms", path));
  if (ref.type == SnapshotRefType::kTag && (ref.min_snapshots_to_keep || ref.max_snapshot_age_ms)) {
    return Status::InvalidArgument("{}: tags cannot set branch retention fields", path);
  }
  return ref;
}

}  // namespace floe::iceberg
