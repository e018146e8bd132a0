// floe's HTTP service: the streaming ingest API over an ingest::IngestService, plus health,
// version, status and Prometheus metrics. Routes, status codes and reply shapes are listed
// in the README ("Streaming ingest"); the engine behind them is ingest/service.h.
#pragma once

#include "floe/common/status.h"
#include "floe/ingest/config.h"

namespace floe::server {

// Opens the ingest service (replaying its log), listens on config.server.host:port and
// serves until SIGINT or SIGTERM; then stops taking requests, commits everything
// acknowledged, and returns. Errors: the service cannot open, the address cannot be bound,
// or the final commit failed (what was acknowledged stays in the log for the next start).
Status Serve(const ingest::IngestConfig& config);

}  // namespace floe::server
