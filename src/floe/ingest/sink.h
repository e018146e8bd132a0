// Sinks: where a pipeline's records land, exactly once.
//
// The ingest service applies log records to a sink in log order (Write), and commits what
// it wrote now and then (Commit). A commit makes the rows visible in one step and records
// the log position it covers, so a restarted server knows where each sink ends and
// replays the log from there: nothing is lost and nothing is written twice.
//
//   Table sink (SinkConfig::Kind::kTable): an Iceberg table, created when missing from
//   the input schema (field ids assigned in order), SinkConfig::partition and
//   SinkConfig::properties. Rows go through iceberg::DataFileWriter (partition fan-out,
//   rolled at max_file_mb). A commit is one iceberg::AppendFiles whose snapshot summary
//   carries
//     floe.ingest.log-id   the log's identity (Context::log_id)
//     floe.ingest.sink     the sink's name
//     floe.ingest.end-lsn  the position covered (decimal)
//   Open walks the current snapshot and its ancestors and takes the end-lsn of the newest
//   snapshot whose log-id and sink match (other writers may have committed in between).
//   Input columns map to table columns by name; a table column the input lacks is
//   written null (it must be optional); an input column the table lacks, or a type that
//   cannot be promoted, is an error from Open.
//
//   File sink (SinkConfig::Kind::kFiles): Parquet or NDJSON files under SinkConfig::uri,
//   in partition folders formatted from SinkConfig::partition_pattern (strftime, UTC) over
//   the record's time (SinkConfig::time_field, else arrival_time). A commit covering log
//   range [start, end) writes, per folder,
//     <folder>/<file_prefix><start:020>-<end:020>[-<n>].parquet|.ndjson
//   (n counts files rolled within the commit, from 1, omitted for the first) with
//   create-if-absent puts, then the marker
//     <uri>/_floe_commits/<start:020>-<end:020>.json
//   ({"log_id", "sink", "start_lsn", "end_lsn", "files": [{"path", "rows", "bytes"}]}).
//   Open takes the largest end of the markers with this log id as committed_lsn, and
//   deletes data files of this sink's naming whose range starts at or after it (leftovers
//   of a commit cut short before its marker); a replay then writes the same names again.
//   Markers beyond the newest 1,000 are removed.
//
// Not thread-safe: the service drives each sink from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "floe/columnar/column.h"
#include "floe/common/status.h"
#include "floe/iceberg/catalog.h"
#include "floe/ingest/config.h"
#include "floe/wal/wal_format.h"

namespace floe::ingest {

struct SinkCommitStats {
  wal::Lsn start_lsn = 0;  // the previous committed_lsn
  wal::Lsn end_lsn = 0;    // the new committed_lsn
  int64_t rows = 0;
  int64_t files = 0;
  int64_t bytes = 0;  // data file bytes
};

class Sink {
 public:
  struct Context {
    iceberg::Catalog* catalog = nullptr;  // table sinks; outlives the sink
    std::string log_id;                   // identity of the write-ahead log (a UUID)
  };

  // Opens (creating the table if needed) and establishes committed_lsn().
  // `input_schema`: the schema of the batches Write receives.
  static Result<std::unique_ptr<Sink>> Open(const SinkConfig& config, SchemaPtr input_schema,
                                            const Context& context);
  virtual ~Sink() = default;

  const std::string& name() const { return name_; }
  // The position the committed output covers: every record of this sink's sources that
  // ends at or before it is in the output exactly once. 0 when nothing was committed.
  virtual wal::Lsn committed_lsn() const = 0;
  // The `end_lsn` of the last Write; committed_lsn() when nothing is pending.
  virtual wal::Lsn written_lsn() const = 0;
  // Rows and encoded bytes written since the last commit (bytes: what the open files hold,
  // buffered row groups included; drives max_file_mb).
  virtual int64_t pending_rows() const = 0;
  virtual int64_t pending_bytes() const = 0;

  // Adds rows taken from log records that end at or before `end_lsn`; end_lsn never
  // decreases across calls and is above committed_lsn(). Rows are encoded into open files
  // right away (memory bounded by the open row groups) and stay invisible until Commit.
  // An error leaves the sink needing Abort.
  virtual Status Write(const RecordBatch& batch, wal::Lsn end_lsn) = 0;

  // Makes every row written since the last commit visible in one step and records
  // written_lsn() as covered. Nothing pending: does nothing (stats with rows == 0). On
  // error no rows become visible (no marker written, or no snapshot committed), the
  // pending files are removed, committed_lsn() stays, and the caller replays from the log.
  virtual Result<SinkCommitStats> Commit() = 0;

  // Drops everything written since the last commit (files removed where possible).
  virtual void Abort() = 0;

 protected:
  explicit Sink(std::string name) : name_(std::move(name)) {}

 private:
  std::string name_;
};

}  // namespace floe::ingest
