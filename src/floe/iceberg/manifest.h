// Manifest lists and manifests (spec "Manifests", "Manifest Lists"): reading the Avro
// files into plain structs, with sequence-number and snapshot-id inheritance.
//
// Tolerant of what real writers leave: manifests without the key-value metadata the spec
// requires (the spec id then comes from the manifest list, the partition spec and schema
// from the table metadata), equality_ids written as long, optional fields absent from
// old writers' schemas. Functions are thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "floe/common/status.h"
#include "floe/iceberg/data_file.h"
#include "floe/iceberg/table_metadata.h"
#include "floe/io/file.h"

namespace floe::iceberg {

enum class ManifestContent : int32_t { kData = 0, kDeletes = 1 };

struct PartitionFieldSummary {
  bool contains_null = false;
  std::optional<bool> contains_nan;
  std::optional<std::string> lower_bound;  // single-value binary form
  std::optional<std::string> upper_bound;
};

// One manifest_file entry of a manifest list.
struct ManifestFile {
  std::string manifest_path;  // as recorded (not mapped)
  int64_t manifest_length = 0;
  int32_t partition_spec_id = 0;
  ManifestContent content = ManifestContent::kData;
  int64_t sequence_number = 0;      // v1: 0
  int64_t min_sequence_number = 0;  // v1: 0
  int64_t added_snapshot_id = 0;
  std::optional<int32_t> added_files_count;
  std::optional<int32_t> existing_files_count;
  std::optional<int32_t> deleted_files_count;
  std::optional<int64_t> added_rows_count;
  std::optional<int64_t> existing_rows_count;
  std::optional<int64_t> deleted_rows_count;
  std::vector<PartitionFieldSummary> partitions;
  std::optional<std::string> key_metadata;
  std::optional<int64_t> first_row_id;  // v3
};

// Reads a manifest list. `snapshot` supplies inheritance for v1 lists (sequence number 0,
// added_snapshot_id from the snapshot when absent). Errors name file->name().
Result<std::vector<ManifestFile>> ReadManifestList(std::shared_ptr<io::RandomAccessFile> file,
                                                   const Snapshot& snapshot);

// Reads every entry of a manifest listed by `manifest`. Partition tuples are typed by the
// spec `manifest.partition_spec_id` of `metadata` resolved against the manifest's schema
// (or the table's current schema when the manifest carries none). Inheritance per the
// spec: null snapshot_id takes manifest.added_snapshot_id; null sequence numbers of ADDED
// entries take manifest.sequence_number. v3 first_row_id of ADDED data files without one
// is assigned from manifest.first_row_id in order.
Result<std::vector<ManifestEntry>> ReadManifest(std::shared_ptr<io::RandomAccessFile> file,
                                                const ManifestFile& manifest,
                                                const TableMetadata& metadata);

}  // namespace floe::iceberg
