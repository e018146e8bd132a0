// IngestService: the streaming ingest engine behind `floe serve`, independent of HTTP.
//
// Data flow of one request (Ingest):
//   body ─► StreamValidator (per-record verdicts, normalized NDJSON) ─► write-ahead log
//   (one record per request and stream, plus one for its dead letters) ─► fsync shared with
//   concurrent requests (group commit) ─► reply. Only then is anything acknowledged.
// Behind the log, each sink has a worker thread: it takes the records routed to it in log
// order, parses them into columnar batches (projected to the pipeline's fields), writes
// them into open data files, and commits (Sink::Commit) when the sink's interval, size or
// inactivity limit is reached, when the log grows past half its limit, or on Flush. A
// commit records the log position it covers; the log is released up to the smallest
// position every sink has committed (a sink with nothing pending counts as caught up).
//
// Restart: Open reads each sink's committed position (Sink::Open) and replays the log from
// the smallest, handing each sink only the records past its own position, so nothing
// acknowledged is lost and nothing is written twice.
//
// Thread-safety: every public method may be called from any thread, concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "floe/common/status.h"
#include "floe/ingest/config.h"
#include "floe/ingest/validator.h"

namespace floe::ingest {

struct IngestReply {
  int status = 200;         // HTTP status
  nlohmann::json body;      // {"accepted", "rejected", ...} or {"error", ...}
  int64_t retry_after = 0;  // seconds, for 429
};

class IngestService {
 public:
  // Opens the catalog, the log (recovering it) and every sink (creating tables), then
  // replays what the sinks have not committed. Errors name the sink or file at fault.
  static Result<std::unique_ptr<IngestService>> Open(const IngestConfig& config);
  // Stops the workers without committing (Shutdown first for a clean stop).
  ~IngestService();

  const IngestConfig& config() const;

  // Takes one request body for `stream` (already authorized, inflated and size-checked by
  // the caller). Blocks until the accepted records are durable. 404 for an unknown
  // stream, 400 for invalid input (per the stream's policy), 429 past the log or buffer
  // limits, 503 after Shutdown or a log failure.
  IngestReply Ingest(std::string_view stream, std::string_view body, BodyFormat format);

  // Commits everything acknowledged on `stream` (every stream when empty) before the call
  // to all its sinks, and returns their positions: {"stream", "sinks": [{"sink",
  // "committed_lsn"}]}. NotFound for an unknown stream; the sink's error when a commit
  // fails.
  Result<nlohmann::json> Flush(std::string_view stream);

  // Refuses new requests (503), commits everything acknowledged, stops the workers.
  Status Shutdown();

  // Prometheus text exposition of the counters (see README, "Streaming ingest").
  std::string Metrics() const;
  // The status document of GET /v1/streams.
  nlohmann::json StatusJson() const;

  struct Impl;

 private:
  explicit IngestService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace floe::ingest
