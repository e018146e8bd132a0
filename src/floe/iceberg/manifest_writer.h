// Writing manifests and manifest lists (spec "Manifests", "Manifest Lists", "Sequence
// Number Inheritance", "First Row ID Assignment") as Avro object container files that
// ReadManifest / ReadManifestList (manifest.h) and Java Iceberg read.
//
// Schemas follow the spec's field tables for format versions 1, 2 and 3, with every field
// id on the Avro schema ("field-id" on record fields, "element-id" on arrays); maps keyed
// by column id are arrays of {key, value} records named k<key-id>_v<value-id> with logical
// type "map" (Appendix A). Records are named as Java Iceberg names them (manifest_entry,
// r2 for data_file, r102 for the partition tuple, manifest_file, r508 for field_summary).
//
// Sequence numbers: a manifest is written before its snapshot commits, so its own
// sequence number is unknown then. WriteManifest writes null sequence numbers for ADDED
// entries of its own snapshot that carry kUnassignedSequenceNumber (they inherit the
// manifest's number when read) and returns a ManifestFile whose sequence_number is
// kUnassignedSequenceNumber; WriteManifestList fills in the snapshot's sequence number.
// A retried commit therefore rewrites only the manifest list.
//
// Stateless functions; thread-safe as long as callers do not share the output files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "floe/common/status.h"
#include "floe/format/avro/block_codec.h"
#include "floe/iceberg/data_file.h"
#include "floe/iceberg/manifest.h"
#include "floe/iceberg/snapshot.h"
#include "floe/iceberg/table_metadata.h"
#include "floe/io/file.h"

namespace floe::iceberg {

// A sequence number not yet assigned: the commit assigns it (Java's UNASSIGNED_SEQ).
inline constexpr int64_t kUnassignedSequenceNumber = -1;

// Data files of v1 manifests carry the deprecated block_size_in_bytes; Java writes this.
inline constexpr int64_t kV1DefaultBlockSizeInBytes = int64_t{64} << 20;

struct ManifestWriteOptions {
  // Table format version the files are written for: 1, 2 or 3.
  int format_version = 2;
  // Avro block codec. Deflate is Java Iceberg's default (write.avro.compression-codec =
  // gzip); every Avro reader supports it.
  avro::Codec codec = avro::Codec::kDeflate;
  // Codec level; nullopt = the codec's default.
  std::optional<int> compression_level;
};

// Writes one manifest holding `entries` to `file` (caller-owned; closed by this call on
// success, aborted on error) and returns the manifest_file entry describing it:
// manifest_path = `path`, manifest_length = bytes written, partition_spec_id = `spec_id`,
// `content`, added_snapshot_id = `snapshot_id`, per-status file and row counts, one
// partition field summary per spec field (contains_null, contains_nan — false for
// non-floating fields —, lower/upper bound of the non-null non-NaN values in single-value
// binary form, -0.0 ordered before +0.0), min_sequence_number = the least data sequence
// number of live (ADDED/EXISTING) entries that carry one, else kUnassignedSequenceNumber,
// and sequence_number = kUnassignedSequenceNumber (a new manifest takes its snapshot's).
//
// The file's key-value metadata holds schema (the current schema's JSON), schema-id,
// partition-spec (the fields array), partition-spec-id, format-version and, for v2+,
// content ("data" / "deletes").
//
// REQUIRES (else kInvalidArgument naming the entry): every entry's data_file.spec_id ==
// spec_id, its partition tuple has one value per spec field of the right kind, its content
// matches `content` (data files in data manifests, position/equality deletes in delete
// manifests; v1 has data only); equality deletes list equality_ids; v2+: EXISTING and
// DELETED entries, and ADDED entries of other snapshots, carry explicit sequence numbers
// (ADDED entries of `snapshot_id` may leave them kUnassignedSequenceNumber to inherit);
// v3-only fields (first_row_id, content_offset, content_size_in_bytes) only with v3.
// `metadata` must hold spec `spec_id` and a current schema.
Result<ManifestFile> WriteManifest(io::WritableFile* file, std::string path,
                                   const TableMetadata& metadata, int32_t spec_id,
                                   ManifestContent content, int64_t snapshot_id,
                                   const std::vector<ManifestEntry>& entries,
                                   const ManifestWriteOptions& options = {});

// Writes the manifest list of `snapshot` to `file` (caller-owned; closed on success,
// aborted on error) with `manifests` in order. Manifests whose sequence_number is
// kUnassignedSequenceNumber get snapshot.sequence_number (they must have been added by
// this snapshot: added_snapshot_id == snapshot.snapshot_id, else kInvalidArgument), and
// likewise an unassigned min_sequence_number. v1 lists carry no sequence numbers or
// content (delete manifests are then kInvalidArgument). v3: data manifests without a
// first_row_id are assigned one as AssignFirstRowIds does, starting at
// snapshot.first_row_id (required for v3).
//
// Key-value metadata: snapshot-id, parent-snapshot-id ("null" when none), sequence-number
// (v2+), first-row-id (v3), format-version — what Java Iceberg writes.
Status WriteManifestList(io::WritableFile* file, const Snapshot& snapshot,
                         const std::vector<ManifestFile>& manifests,
                         const ManifestWriteOptions& options = {});

// The spec's "First Row ID Assignment": every data manifest without a first_row_id gets
// the next id, starting at `first_row_id` and advancing by that manifest's added plus
// existing row counts (the spec's simple valid estimate). Delete manifests are left null.
// Returns the row-id space used: the snapshot's `added-rows`.
int64_t AssignFirstRowIds(std::vector<ManifestFile>* manifests, int64_t first_row_id);

}  // namespace floe::iceberg
