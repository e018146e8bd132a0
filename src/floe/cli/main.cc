#include <cstdio>

#include "floe/cli/commands.h"
#include "floe/common/version.h"

namespace floe::cli {

int ReportStatus(const Status& status) {
  if (status.ok()) return 0;
  std::fprintf(stderr, "floe: %s\n", status.ToString().c_str());
  return 1;
}

}  // namespace floe::cli

int main(int argc, char** argv) {
  CLI::App app{"floe: an open event lakehouse (Parquet files in Apache Iceberg tables)", "floe"};
  app.set_version_flag("--version", std::string("floe ") + floe::kVersion);
  app.require_subcommand(1);
  floe::cli::Action action;
  floe::cli::AddParquetCommands(app, action);
  floe::cli::AddStorageCommands(app, action);
  floe::cli::AddServeCommand(app, action);
  floe::cli::AddStreamsCommands(app, action);
  floe::cli::AddNamespaceCommands(app, action);
  floe::cli::AddTableCommands(app, action);
  floe::cli::AddExportCommand(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (!action) return 0;
  try {
    return action();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "floe: internal error: %s\n", e.what());
    return 1;
  }
}
