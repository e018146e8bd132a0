// Helpers shared by `floe namespace` and `floe table`.
#include "floe/cli/commands.h"

namespace floe::cli {

Result<std::unique_ptr<iceberg::SqliteCatalog>> OpenCatalog(const std::string& warehouse) {
  iceberg::SqliteCatalogOptions opts;
  opts.warehouse = warehouse;
  return iceberg::SqliteCatalog::Open(opts);
}

Result<iceberg::Properties> ParseProperties(const std::vector<std::string>& kvs) {
  iceberg::Properties props;
  for (const std::string& kv : kvs) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("--property '{}': expected KEY=VALUE", kv);
    }
    props[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return props;
}

}  // namespace floe::cli
