// The floe command line: each part registers its subcommands here. A subcommand's
// callback stores the action to run in `action`; main() runs it after parsing and
// exits with its code (0 success, 1 failure, 2 usage, 3 partial success where documented).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "floe/common/status.h"
#include "floe/iceberg/sqlite_catalog.h"

namespace floe::cli {

using Action = std::function<int()>;

void AddParquetCommands(CLI::App& app, Action& action);
void AddStorageCommands(CLI::App& app, Action& action);
void AddServeCommand(CLI::App& app, Action& action);
void AddStreamsCommands(CLI::App& app, Action& action);
void AddNamespaceCommands(CLI::App& app, Action& action);
void AddTableCommands(CLI::App& app, Action& action);
void AddExportCommand(CLI::App& app, Action& action);

// The embedded catalog of a warehouse (`--warehouse`), for the namespace and table commands.
Result<std::unique_ptr<iceberg::SqliteCatalog>> OpenCatalog(const std::string& warehouse);
// Parses repeated KEY=VALUE options (`-p, --property`) into properties.
Result<iceberg::Properties> ParseProperties(const std::vector<std::string>& kvs);

// Prints "floe: <error>" to stderr and returns exit code 1 (0 when OK).
int ReportStatus(const Status& status);

}  // namespace floe::cli
