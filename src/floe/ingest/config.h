// The ingest service's configuration: `floe.toml` (streams, sinks, pipelines, the server's
// address, tokens and limits), or the defaults `floe serve` starts with when there is no
// file: one unstructured stream `events` landing in table `default.events`.
//
// The file format is documented, with a complete example, in the README ("Streaming
// ingest"). Parsing checks everything that can be checked without touching storage: names
// are unique, every pipeline names a stream and a sink that exist, every sink is fed by
// exactly one pipeline (a dead-letter sink by its streams instead), types and units are
// known. Errors name the file, the TOML path ("streams[2].fields[0].type") and, where
// toml++ knows it, the line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "floe/common/status.h"

namespace floe::ingest {

// One field of a stream's declared schema.
struct StreamField {
  enum class Type {
    kString,
    kInt32,
    kInt64,
    kFloat32,
    kFloat64,
    kBool,
    kTimestamp,  // RFC 3339 text, or a number in epoch_unit since 1970-01-01T00:00:00Z
    kJson,       // any JSON value, kept as JSON text
    kBinary,     // base64 text (RFC 4648, padding optional)
    kList,       // children: exactly one, the element (its name is "element")
    kStruct,     // children: the members
  };
  enum class EpochUnit { kSeconds, kMillis, kMicros };

  std::string name;
  Type type = Type::kString;
  bool required = false;
  EpochUnit epoch_unit = EpochUnit::kMillis;  // kTimestamp only
  std::vector<StreamField> children;
};

// What a stream does with object members its schema does not declare (at any depth).
enum class UnknownFields { kReject, kDrop, kKeep };

// What a request with some invalid records does.
enum class InvalidRecords {
  kRejectRequest,  // nothing of the request is written; 400 lists every bad record
  kDeadLetter,     // good records are written; bad ones go to the stream's dead-letter sink
};

struct StreamConfig {
  std::string name;
  // Unstructured: any JSON object is accepted and kept whole in a json column `value`.
  bool unstructured = false;
  std::vector<StreamField> fields;  // empty when unstructured
  UnknownFields unknown_fields = UnknownFields::kReject;
  // kKeep: unknown members go, as one JSON object, into this json column.
  std::string keep_column = "_extra";
  InvalidRecords invalid_records = InvalidRecords::kRejectRequest;
  // kDeadLetter: the sink that receives bad records (required then).
  std::string dead_letter_sink;
};

struct SinkConfig {
  enum class Kind { kTable, kFiles };
  enum class FileFormat { kParquet, kNdjson };

  std::string name;
  Kind kind = Kind::kTable;

  // kTable: "namespace.table", created when missing with `partition` (text as
  // iceberg::ParsePartitionSpecText takes it, e.g. "day(ts), bucket(16, id)") and
  // `properties`. An existing table keeps its own spec.
  std::string table;
  std::string partition;
  std::vector<std::pair<std::string, std::string>> properties;

  // kFiles: a storage URI (path, file://, s3://), the format, the Parquet compression
  // (zstd, snappy, gzip, lz4, none; ndjson files are written uncompressed), the strftime
  // pattern of partition folders, the time it formats (the named timestamp field of the
  // records, or arrival time when `time_field` is empty), and a file-name prefix.
  std::string uri;
  FileFormat format = FileFormat::kParquet;
  std::string compression = "zstd";
  std::string partition_pattern = "year=%Y/month=%m/day=%d";
  std::string time_field;
  std::string file_prefix = "part-";

  // Rolling: commit what is pending at least every interval_seconds, when pending data
  // files reach max_file_mb, and after inactivity_seconds without new records (0: off).
  int64_t interval_seconds = 300;
  int64_t max_file_mb = 128;
  int64_t inactivity_seconds = 0;
};

struct PipelineConfig {
  std::string stream;
  std::string sink;
  // Columns of the stream's normalized records to keep, in this order (empty: all). May
  // name `arrival_time` and the keep column.
  std::vector<std::string> fields;
};

struct TokenConfig {
  std::string token;
  // Streams this token may write to; "*" means all.
  std::vector<std::string> streams;
  bool Allows(std::string_view stream) const;
};

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8181;
  std::string warehouse = "./floe-data";
  // Write-ahead log directory on local disk. Empty: "<warehouse>/_wal" for a local
  // warehouse, "./floe-wal" for an object-store one (see ResolvedWalDir).
  std::string wal_dir;
  int64_t max_request_bytes = int64_t{5} << 20;   // larger bodies: 413
  int64_t max_log_bytes = int64_t{4} << 30;       // unreleased log past this: 429
  int64_t max_buffered_bytes = int64_t{1} << 30;  // records applied to no sink yet: 429
  int64_t retry_after_seconds = 1;                // the Retry-After of a 429
  int max_depth = 64;                             // deepest JSON nesting accepted
  // Bearer tokens. None configured: requests need no token.
  std::vector<TokenConfig> tokens;

  std::string ResolvedWalDir() const;
};

struct IngestConfig {
  ServerConfig server;
  std::vector<StreamConfig> streams;
  std::vector<SinkConfig> sinks;
  std::vector<PipelineConfig> pipelines;

  const StreamConfig* FindStream(std::string_view name) const;
  const SinkConfig* FindSink(std::string_view name) const;
};

// Parses and checks a floe.toml text; `source` names it in errors.
Result<IngestConfig> ParseConfig(std::string_view text, std::string_view source);
// Reads and parses a file.
Result<IngestConfig> LoadConfig(const std::string& path);
// The configuration `floe serve` uses without a file: stream `events` (unstructured,
// unknown members kept, invalid records reject the request) → sink `events` (table
// `default.events`, partitioned by day(arrival_time), 60-second interval) on `warehouse`.
IngestConfig DefaultConfig(const std::string& warehouse);
// Cross-checks a config built in code (ParseConfig calls it).
Status ValidateConfig(const IngestConfig& config);

}  // namespace floe::ingest
