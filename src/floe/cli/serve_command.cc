#include <string>

#include "floe/cli/commands.h"
#include "floe/server/http_server.h"

namespace floe::cli {

void AddServeCommand(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("serve", "Start the floe HTTP service");
  auto opts = std::make_shared<server::ServerOptions>();
  auto listen = std::make_shared<std::string>("127.0.0.1:8181");
  cmd->add_option("--listen", *listen, "Address and port to listen on")->capture_default_str();
  cmd->add_option("--warehouse", opts->warehouse, "Warehouse location (path or URI)")
      ->capture_default_str();
  cmd->callback([&action, opts, listen] {
    action = [opts, listen] {
      const size_t colon = listen->rfind(':');
      if (colon == std::string::npos) {
        return ReportStatus(Status::InvalidArgument("--listen '{}' is not ADDR:PORT", *listen));
      }
      opts->host = listen->substr(0, colon);
      try {
        opts->port = std::stoi(listen->substr(colon + 1));
      } catch (const std::exception&) {
        return ReportStatus(Status::InvalidArgument("--listen '{}': bad port", *listen));
      }
      return ReportStatus(server::Serve(*opts));
    };
  });
}

}  // namespace floe::cli
