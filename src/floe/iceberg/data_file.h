// Data and delete file entries of Iceberg manifests (spec "Manifests", data_file struct).
//
// Plain value types; thread-compatible. Metrics maps are keyed by column field id; bounds
// are in the spec's single-value binary form (Appendix D), kept as raw bytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/value.h"

namespace floe::iceberg {

enum class DataFileContent : int32_t { kData = 0, kPositionDeletes = 1, kEqualityDeletes = 2 };

enum class ManifestEntryStatus : int32_t { kExisting = 0, kAdded = 1, kDeleted = 2 };

// Field ids of the positional delete file columns (spec "Position Delete Files").
inline constexpr int32_t kDeleteFilePathFieldId = 2147483546;
inline constexpr int32_t kDeleteFilePosFieldId = 2147483545;

struct DataFile {
  DataFileContent content = DataFileContent::kData;
  std::string file_path;    // as recorded (not mapped)
  std::string file_format;  // upper case as written: "PARQUET", "AVRO", "ORC", "PUFFIN"
  int32_t spec_id = 0;      // the spec of the manifest that lists the file
  // The partition tuple, one value per field of the spec (null = monostate).
  std::vector<Value> partition;
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int32_t, int64_t> column_sizes;
  std::map<int32_t, int64_t> value_counts;
  std::map<int32_t, int64_t> null_value_counts;
  std::map<int32_t, int64_t> nan_value_counts;
  std::map<int32_t, std::string> lower_bounds;
  std::map<int32_t, std::string> upper_bounds;
  std::optional<std::string> key_metadata;
  std::vector<int64_t> split_offsets;
  std::vector<int32_t> equality_ids;  // equality deletes only
  std::optional<int32_t> sort_order_id;
  std::optional<int64_t> first_row_id;              // v3
  std::optional<std::string> referenced_data_file;  // v3 (DVs) and v2 position deletes
  std::optional<int64_t> content_offset;            // v3 DV: blob offset in the Puffin file
  std::optional<int64_t> content_size_in_bytes;     // v3 DV: blob length

  // A v3 deletion vector: a position delete stored as a Puffin blob.
  bool IsDeletionVector() const {
    return content == DataFileContent::kPositionDeletes && content_offset.has_value();
  }
};

// One manifest entry with inheritance already applied (see ReadManifest): snapshot_id,
// sequence_number and file_sequence_number are set for every ADDED/EXISTING entry of a
// v2+ manifest; v1 files have sequence number 0.
struct ManifestEntry {
  ManifestEntryStatus status = ManifestEntryStatus::kAdded;
  int64_t snapshot_id = 0;
  int64_t sequence_number = 0;       // the data sequence number
  int64_t file_sequence_number = 0;  // the sequence number of the commit that added it
  DataFile data_file;
};

}  // namespace floe::iceberg
