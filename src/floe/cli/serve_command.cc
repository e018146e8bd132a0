#include <cstdlib>
#include <string>

#include "floe/cli/commands.h"
#include "floe/ingest/config.h"
#include "floe/server/http_server.h"

namespace floe::cli {

namespace {

struct ServeFlags {
  std::string config;
  std::string listen;
  std::string warehouse;
};

Status RunServe(const ServeFlags& f) {
  ingest::IngestConfig config;
  if (!f.config.empty()) {
    FLOE_ASSIGN_OR_RETURN(config, ingest::LoadConfig(f.config));
    if (!f.warehouse.empty()) config.server.warehouse = f.warehouse;
  } else {
    config = ingest::DefaultConfig(f.warehouse.empty() ? "./floe-data" : f.warehouse);
  }
  if (!f.listen.empty()) {
    const size_t colon = f.listen.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return Status::InvalidArgument("--listen '{}' is not ADDR:PORT", f.listen);
    }
    char* end = nullptr;
    const long port = std::strtol(f.listen.c_str() + colon + 1, &end, 10);
    if (end == f.listen.c_str() + colon + 1 || *end != '\0' || port < 0 || port > 65535) {
      return Status::InvalidArgument("--listen '{}': bad port", f.listen);
    }
    config.server.host = f.listen.substr(0, colon);
    config.server.port = static_cast<int>(port);
  }
  FLOE_RETURN_IF_ERROR(ingest::ValidateConfig(config));
  return server::Serve(config);
}

}  // namespace

void AddServeCommand(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "serve",
      "Start the floe HTTP service: streaming ingest into Iceberg tables and files "
      "(without --config: stream 'events' into table default.events)");
  auto f = std::make_shared<ServeFlags>();
  cmd->add_option("-c,--config", f->config, "floe.toml with streams, sinks and pipelines");
  cmd->add_option("--listen", f->listen,
                  "Address and port to listen on (default 127.0.0.1:8181, or the config's)");
  cmd->add_option("--warehouse", f->warehouse,
                  "Warehouse location, path or URI (default ./floe-data, or the config's)");
  cmd->callback([&action, f] { action = [f] { return ReportStatus(RunServe(*f)); }; });
}

}  // namespace floe::cli
