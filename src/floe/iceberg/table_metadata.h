// Table metadata (spec "Table Metadata", Appendix C "Table Metadata and Snapshots"):
// parsed from format versions 1, 2 and 3 and written for the table's version with every
// field the spec requires for it. v1 inputs are normalised to the v2 model (schemas +
// current-schema-id, partition-specs + default-spec-id, an unsorted sort order, a main
// branch ref for the current snapshot); statistics, partition statistics and encryption
// keys are kept as JSON.
//
// TableMetadata is a plain value; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "floe/common/status.h"
#include "floe/iceberg/partition_spec.h"
#include "floe/iceberg/schema.h"
#include "floe/iceberg/snapshot.h"
#include "floe/iceberg/sort_order.h"

namespace floe::iceberg {

// The highest format version floe reads.
inline constexpr int kMaxSupportedFormatVersion = 3;

struct SnapshotLogEntry {
  int64_t timestamp_ms = 0;
  int64_t snapshot_id = 0;
  bool operator==(const SnapshotLogEntry&) const = default;
};

struct MetadataLogEntry {
  int64_t timestamp_ms = 0;
  std::string metadata_file;
  bool operator==(const MetadataLogEntry&) const = default;
};

struct TableMetadata {
  int format_version = 2;
  std::string table_uuid;  // may be empty only in v1
  std::string location;
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int32_t last_column_id = 0;
  std::vector<Schema> schemas;
  int32_t current_schema_id = 0;
  std::vector<PartitionSpec> partition_specs;
  int32_t default_spec_id = 0;
  int32_t last_partition_id = kUnpartitionedLastAssignedId;
  std::map<std::string, std::string> properties;
  std::optional<int64_t> current_snapshot_id;  // none when absent, null or -1
  std::vector<Snapshot> snapshots;
  std::vector<SnapshotLogEntry> snapshot_log;
  std::vector<MetadataLogEntry> metadata_log;
  std::vector<SortOrder> sort_orders;
  int32_t default_sort_order_id = kUnsortedOrderId;
  std::map<std::string, SnapshotRef> refs;
  nlohmann::json statistics = nlohmann::json::array();
  nlohmann::json partition_statistics = nlohmann::json::array();
  std::optional<int64_t> next_row_id;             // v3
  std::optional<nlohmann::json> encryption_keys;  // v3, kept verbatim

  // Lookups; nullptr when absent.
  const Schema* SchemaById(int32_t id) const;
  const Schema* CurrentSchema() const { return SchemaById(current_schema_id); }
  const PartitionSpec* SpecById(int32_t id) const;
  const PartitionSpec* DefaultSpec() const { return SpecById(default_spec_id); }
  const SortOrder* SortOrderById(int32_t id) const;
  const Snapshot* SnapshotById(int64_t id) const;
  const Snapshot* CurrentSnapshot() const;
  // The snapshot a branch or tag points at.
  const Snapshot* SnapshotForRef(std::string_view name) const;
  // The snapshot that was current at `timestamp_ms` per the snapshot log (the last entry
  // at or before it), or nullptr (spec Appendix F, "Point in Time Reads").
  const Snapshot* SnapshotAsOf(int64_t timestamp_ms) const;

  // Cross-field consistency: current schema/spec/sort order exist, the current snapshot and
  // every ref target exist, main agrees with current-snapshot-id, every spec is valid for
  // the current schema... (only what a reader can rely on; lax writers' quirks pass).
  Status Validate() const;

  bool operator==(const TableMetadata&) const = default;
};

// The integer value of table property `key`; `fallback` when it is absent. InvalidArgument
// naming the key and the text when it is not an integer.
Result<int64_t> IntProperty(const std::map<std::string, std::string>& properties,
                            std::string_view key, int64_t fallback);

// Parses metadata JSON text (not gzip-compressed). Errors name the JSON path.
Result<TableMetadata> ParseTableMetadata(std::string_view json_text);
Result<TableMetadata> TableMetadataFromJson(const nlohmann::json& j);

// The JSON for `metadata.format_version` (1, 2 or 3) with every field the spec requires
// for that version; v1 output also carries the deprecated `schema` and `partition-spec`.
nlohmann::json TableMetadataToJson(const TableMetadata& metadata);
// Compact JSON text of TableMetadataToJson.
std::string WriteTableMetadata(const TableMetadata& metadata);

}  // namespace floe::iceberg
