// Commits as data: a table change is a list of TableUpdates plus the TableRequirements a
// catalog checks against the table's current metadata before it applies them. Both are
// the shapes of the Iceberg REST catalog protocol (open-api/rest-catalog-open-api.yaml:
// TableUpdate with an "action" discriminator, TableRequirement with a "type"
// discriminator), so the embedded catalog, a PostgreSQL catalog and the REST server all
// speak the same objects.
//
// Plain value types; thread-compatible. Check and ApplyUpdates are pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "floe/common/status.h"
#include "floe/iceberg/table_metadata.h"

namespace floe::iceberg {

// ---- Updates ("action") -------------------------------------------------------------

// In set-current-schema / set-default-spec / set-default-sort-order: "the one added
// earlier in this same commit".
inline constexpr int32_t kLastAdded = -1;

struct AssignUuid {  // assign-uuid
  std::string uuid;
  bool operator==(const AssignUuid&) const = default;
};
struct UpgradeFormatVersion {  // upgrade-format-version
  int format_version = 2;
  bool operator==(const UpgradeFormatVersion&) const = default;
};
struct AddSchema {  // add-schema; the schema id is reassigned (an equal schema is reused)
  Schema schema;
  std::optional<int32_t> last_column_id;  // deprecated in the protocol; accepted
  bool operator==(const AddSchema&) const = default;
};
struct SetCurrentSchema {  // set-current-schema
  int32_t schema_id = kLastAdded;
  bool operator==(const SetCurrentSchema&) const = default;
};
struct AddSpec {  // add-spec; the spec id is reassigned (an equal spec is reused)
  PartitionSpec spec;
  bool operator==(const AddSpec&) const = default;
};
struct SetDefaultSpec {  // set-default-spec
  int32_t spec_id = kLastAdded;
  bool operator==(const SetDefaultSpec&) const = default;
};
struct AddSortOrder {  // add-sort-order; the order id is reassigned (unsorted is always 0)
  SortOrder sort_order;
  bool operator==(const AddSortOrder&) const = default;
};
struct SetDefaultSortOrder {  // set-default-sort-order
  int32_t sort_order_id = kLastAdded;
  bool operator==(const SetDefaultSortOrder&) const = default;
};
struct AddSnapshot {  // add-snapshot
  Snapshot snapshot;
  bool operator==(const AddSnapshot&) const = default;
};
struct SetSnapshotRef {  // set-snapshot-ref (ref fields inline in the JSON)
  std::string ref_name;
  SnapshotRef ref;
  bool operator==(const SetSnapshotRef&) const = default;
};
struct RemoveSnapshotRef {  // remove-snapshot-ref
  std::string ref_name;
  bool operator==(const RemoveSnapshotRef&) const = default;
};
struct RemoveSnapshots {  // remove-snapshots
  std::vector<int64_t> snapshot_ids;
  bool operator==(const RemoveSnapshots&) const = default;
};
struct SetLocation {  // set-location
  std::string location;
  bool operator==(const SetLocation&) const = default;
};
struct SetProperties {  // set-properties
  std::map<std::string, std::string> updates;
  bool operator==(const SetProperties&) const = default;
};
struct RemoveProperties {  // remove-properties
  std::vector<std::string> removals;
  bool operator==(const RemoveProperties&) const = default;
};

using TableUpdate =
    std::variant<AssignUuid, UpgradeFormatVersion, AddSchema, SetCurrentSchema, AddSpec,
                 SetDefaultSpec, AddSortOrder, SetDefaultSortOrder, AddSnapshot, SetSnapshotRef,
                 RemoveSnapshotRef, RemoveSnapshots, SetLocation, SetProperties, RemoveProperties>;

// ---- Requirements ("type") ----------------------------------------------------------

struct AssertCreate {  // assert-create: the table must not exist
  bool operator==(const AssertCreate&) const = default;
};
struct AssertTableUuid {  // assert-table-uuid
  std::string uuid;
  bool operator==(const AssertTableUuid&) const = default;
};
// assert-ref-snapshot-id: the ref points at `snapshot_id`; nullopt (JSON null) means the
// ref must not exist.
struct AssertRefSnapshotId {
  std::string ref;
  std::optional<int64_t> snapshot_id;
  bool operator==(const AssertRefSnapshotId&) const = default;
};
struct AssertLastAssignedFieldId {  // assert-last-assigned-field-id
  int32_t last_assigned_field_id = 0;
  bool operator==(const AssertLastAssignedFieldId&) const = default;
};
struct AssertCurrentSchemaId {  // assert-current-schema-id
  int32_t current_schema_id = 0;
  bool operator==(const AssertCurrentSchemaId&) const = default;
};
struct AssertLastAssignedPartitionId {  // assert-last-assigned-partition-id
  int32_t last_assigned_partition_id = 0;
  bool operator==(const AssertLastAssignedPartitionId&) const = default;
};
struct AssertDefaultSpecId {  // assert-default-spec-id
  int32_t default_spec_id = 0;
  bool operator==(const AssertDefaultSpecId&) const = default;
};
struct AssertDefaultSortOrderId {  // assert-default-sort-order-id
  int32_t default_sort_order_id = 0;
  bool operator==(const AssertDefaultSortOrderId&) const = default;
};

using TableRequirement =
    std::variant<AssertCreate, AssertTableUuid, AssertRefSnapshotId, AssertLastAssignedFieldId,
                 AssertCurrentSchemaId, AssertLastAssignedPartitionId, AssertDefaultSpecId,
                 AssertDefaultSortOrderId>;

// ---- JSON (REST shapes) ---------------------------------------------------------------

// Snapshots inside add-snapshot are written for `format_version`.
nlohmann::json TableUpdateToJson(const TableUpdate& update, int format_version = 2);
Result<TableUpdate> TableUpdateFromJson(const nlohmann::json& j, std::string_view path,
                                        int format_version = 2);
nlohmann::json TableRequirementToJson(const TableRequirement& requirement);
Result<TableRequirement> TableRequirementFromJson(const nlohmann::json& j, std::string_view path);

// ---- Semantics --------------------------------------------------------------------------

// OK when every requirement holds for `base` (nullptr: the table does not exist).
// A failed requirement is CommitConflict (retryable after a refresh), naming it.
Status CheckRequirements(const std::vector<TableRequirement>& requirements,
                         const TableMetadata* base);

struct ApplyOptions {
  // last-updated-ms of the result (and timestamp of its metadata-log entry for the base).
  int64_t now_ms = 0;
  // Where `base` was read from; when non-empty it joins the result's metadata-log, which
  // is then trimmed to `write.metadata.previous-versions-max` (default 100) entries.
  std::string base_metadata_location;
};

// The metadata after applying `updates` in order to `base` (an empty TableMetadata with
// format_version 2 when creating), validated with TableMetadata::Validate. Maintains
// last-updated-ms, last-sequence-number, last-column-id, last-partition-id,
// current-snapshot-id (follows the main branch), the snapshot-log (an entry whenever main
// moves) and the metadata-log. InvalidArgument names the offending update by index.
Result<TableMetadata> ApplyUpdates(const TableMetadata& base,
                                   const std::vector<TableUpdate>& updates,
                                   const ApplyOptions& options);

// Metadata-log entries of `before` that ApplyUpdates dropped from `after` (trimmed by
// previous-versions-max): the files a committer may delete when
// write.metadata.delete-after-commit.enabled is true.
std::vector<std::string> DroppedMetadataFiles(const TableMetadata& before,
                                              const TableMetadata& after);

// Table property names and defaults (spec "Table Properties", Java TableProperties).
inline constexpr std::string_view kMetadataDeleteAfterCommit =
    "write.metadata.delete-after-commit.enabled";
inline constexpr bool kMetadataDeleteAfterCommitDefault = false;
inline constexpr std::string_view kMetadataPreviousVersionsMax =
    "write.metadata.previous-versions-max";
inline constexpr int kMetadataPreviousVersionsMaxDefault = 100;

// A random (version 4) UUID in canonical 8-4-4-4-12 lowercase hex form.
std::string NewUuid();

// The current wall-clock time in ms since the Unix epoch.
int64_t NowMs();

}  // namespace floe::iceberg
