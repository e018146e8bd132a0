// Snapshots and snapshot references (spec "Snapshots", "Snapshot References",
// Appendix C). Plain value types; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "floe/common/status.h"

namespace floe::iceberg {

// Snapshot summary "operation" values.
inline constexpr std::string_view kOperationAppend = "append";
inline constexpr std::string_view kOperationReplace = "replace";
inline constexpr std::string_view kOperationOverwrite = "overwrite";
inline constexpr std::string_view kOperationDelete = "delete";

struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;  // v1: 0
  int64_t timestamp_ms = 0;
  std::string manifest_list;           // empty when a v1 snapshot lists `manifests` instead
  std::vector<std::string> manifests;  // v1 only
  // String map including "operation" (required whenever a summary is present).
  std::map<std::string, std::string> summary;
  std::optional<int32_t> schema_id;
  std::optional<int64_t> first_row_id;  // v3
  std::optional<int64_t> added_rows;    // v3
  std::optional<std::string> key_id;    // v3 encryption

  // summary["operation"], or "" when absent (v1 without summary).
  std::string_view operation() const;
  bool operator==(const Snapshot&) const = default;
};

enum class SnapshotRefType : uint8_t { kBranch, kTag };

struct SnapshotRef {
  int64_t snapshot_id = 0;
  SnapshotRefType type = SnapshotRefType::kBranch;
  std::optional<int32_t> min_snapshots_to_keep;  // branches only
  std::optional<int64_t> max_snapshot_age_ms;    // branches only
  std::optional<int64_t> max_ref_age_ms;

  bool operator==(const SnapshotRef&) const = default;
};

inline constexpr std::string_view kMainBranch = "main";

// Fields written for `format_version` (1: no sequence-number; 3: row lineage fields).
nlohmann::json SnapshotToJson(const Snapshot& snapshot, int format_version);
Result<Snapshot> SnapshotFromJson(const nlohmann::json& j, std::string_view path,
                                  int format_version);
nlohmann::json SnapshotRefToJson(const SnapshotRef& ref);
Result<SnapshotRef> SnapshotRefFromJson(const nlohmann::json& j, std::string_view path);

}  // namespace floe::iceberg
