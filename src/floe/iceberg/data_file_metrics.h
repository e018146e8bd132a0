// Data-file metrics from a Parquet footer (spec "Manifests", data_file fields 108–133):
// per field id the column sizes, value, null and NaN counts, and lower/upper bounds in
// the single-value binary form, plus record count and split offsets. Bounds of strings
// and binary are truncated to 16 bytes (Iceberg's default metrics mode truncate(16)): the
// lower bound is a prefix, the upper bound a prefix with its last character incremented
// (omitted when no such bound exists; parquet::TruncateMin/TruncateMax). Columns inside lists and
// maps get counts but no bounds, as in Java Iceberg.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "floe/common/status.h"
#include "floe/format/parquet/metadata.h"
#include "floe/iceberg/data_file.h"
#include "floe/iceberg/schema.h"

namespace floe::iceberg {

// Default truncation length of string and binary bounds.
inline constexpr size_t kDefaultBoundTruncateLength = 16;

// A DataFile (content data, format PARQUET) with the footer's metrics. Leaves are matched
// to `schema` by their Parquet field ids; leaves without an id or unknown to the schema
// are skipped. file_path, file_size_in_bytes, spec_id and partition are left to the
// caller. InvalidArgument when the footer's schema cannot be read.
Result<DataFile> DataFileFromFooter(const Schema& schema, const parquet::FileMetaData& footer);

}  // namespace floe::iceberg
