// floe's HTTP service. Today it answers health and version; the ingest API
// (streams, flush, metrics) grows here.
#pragma once

#include <cstdint>
#include <string>

#include "floe/common/status.h"

namespace floe::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8181;
  std::string warehouse = "./floe-data";
};

// Serves until SIGINT or SIGTERM. Returns an error when the address cannot be bound.
Status Serve(const ServerOptions& options);

}  // namespace floe::server
