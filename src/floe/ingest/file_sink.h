// The file sink (sink.h, SinkConfig::Kind::kFiles): Parquet or NDJSON files in time
// partition folders under a storage URI, with a commit marker per commit. Internal to
// ingest/: the service reaches it through Sink::Open.
//
// Layout under SinkConfig::uri:
//   <folder>/<file_prefix><start:020>-<end:020>[-<n>].parquet|.ndjson   data files
//   _floe_commits/<start:020>-<end:020>.json                            commit markers
// A folder is SinkConfig::partition_pattern (strftime, UTC; leading and trailing '/'
// ignored; empty: no folders) over the row's time: the timestamp or date field
// SinkConfig::time_field, else `arrival_time`; a row whose time is null takes its
// arrival_time (the epoch when the input has none). A marker is the JSON object
//   {"log_id": "...", "sink": "...", "start_lsn": S, "end_lsn": E,
//    "files": [{"path": "<folder>/<name>", "rows": R, "bytes": B}, ...]}
// with paths relative to the URI, written (create-if-absent) only after every data file of
// the commit is in place: a commit is visible when its marker is.
//
// Files being written are held in memory, encoded and compressed, until Commit (their
// names carry the commit's end position, unknown before), then published with
// create-if-absent puts (atomic on local disk, memory and S3: a reader never sees part of
// a file, and a file never replaces another). The service commits once pending_bytes()
// reaches max_file_mb, which bounds that memory to about max_file_mb plus one batch; a
// folder's file is also rolled (-2, -3, ...) at max_file_mb within one commit.
//
// Open: committed_lsn() is the largest end of the markers whose log_id and sink are this
// sink's (markers of other logs are ignored). Data files named by this sink's prefix whose
// range starts at or after it and that no marker names (leftovers of a commit cut short)
// are deleted; the replay writes the same names again. Markers beyond the newest 1,000 (by
// position) are deleted, never the one committed_lsn() comes from.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "floe/columnar/type.h"
#include "floe/common/status.h"
#include "floe/ingest/config.h"
#include "floe/ingest/sink.h"
#include "floe/wal/wal_format.h"

namespace floe::ingest {

// The folder under a file sink's URI that holds its commit markers.
inline constexpr std::string_view kCommitMarkerFolder = "_floe_commits";
// Markers kept (the newest by position).
inline constexpr size_t kCommitMarkersKept = 1000;

// REQUIRES: config.kind == SinkConfig::Kind::kFiles.
Result<std::unique_ptr<Sink>> OpenFileSink(const SinkConfig& config, SchemaPtr input_schema,
                                           const Sink::Context& context);

// "<prefix><start:020>-<end:020>[-<n>].parquet" (".ndjson"); the suffix only for n > 1.
std::string FileSinkDataFileName(std::string_view prefix, wal::Lsn start, wal::Lsn end, int n,
                                 SinkConfig::FileFormat format);
// "<start:020>-<end:020>.json".
std::string FileSinkMarkerName(wal::Lsn start, wal::Lsn end);

// The parts of a data file name made by FileSinkDataFileName with `prefix` (either
// extension); nullopt for any other name.
struct FileSinkDataFileParts {
  wal::Lsn start = 0;
  wal::Lsn end = 0;
  int n = 1;
};
std::optional<FileSinkDataFileParts> ParseFileSinkDataFileName(std::string_view name,
                                                               std::string_view prefix);

}  // namespace floe::ingest
