// The embedded catalog: a SQLite database holding namespaces (with properties) and
// tables (with their current and previous metadata locations), in the layout of
// Iceberg's JDBC catalog (tables `iceberg_tables` and `iceberg_namespace_properties`,
// keyed by catalog name), so the JDBC catalog of Spark/Flink can open it too.
//
// Where the database lives: for a local warehouse, `<warehouse>/floe-catalog.db`. A
// non-local warehouse (s3://, memory://) cannot hold a SQLite file, so the database goes
// to a local state directory: `$FLOE_STATE_DIR`, else `$XDG_STATE_HOME/floe`, else
// `~/.local/state/floe`, file `catalog-<hash of the warehouse URI>.db`; options can name
// it explicitly. Every process sharing the warehouse must then share that file.
//
// Metadata files are written as `<table location>/metadata/<version, 5 digits>-<uuid>
// .metadata.json` with PutIfAbsent before the pointer swap, which is a conditional
// `UPDATE ... WHERE metadata_location = <base>` in a transaction (WAL mode, busy
// timeout). After a successful swap, metadata files that fell off the metadata-log are
// deleted when `write.metadata.delete-after-commit.enabled` is true.
//
// Thread-safe (one connection behind a mutex); several processes may share the file.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "floe/iceberg/catalog.h"

struct sqlite3;

namespace floe::iceberg {

struct SqliteCatalogOptions {
  // The warehouse URI; tables default to `<warehouse>/<ns levels joined by '/'>/<name>`.
  std::string warehouse = "./floe-data";
  // The SQLite file; empty: chosen as described above.
  std::string database_path;
  // The catalog_name column (one database can hold several catalogs).
  std::string catalog_name = "floe";
  // How long a statement waits for another connection's lock.
  int busy_timeout_ms = 10000;
};

class SqliteCatalog final : public Catalog {
 public:
  // Opens (creating when absent) the database and its tables.
  static Result<std::unique_ptr<SqliteCatalog>> Open(const SqliteCatalogOptions& options);
  ~SqliteCatalog() override;

  SqliteCatalog(const SqliteCatalog&) = delete;
  SqliteCatalog& operator=(const SqliteCatalog&) = delete;

  const std::string& database_path() const { return database_path_; }
  // The location a new table gets when the request names none.
  std::string DefaultTableLocation(const TableIdentifier& id) const;

  Status CreateNamespace(const Namespace& ns, const Properties& properties) override;
  Result<std::vector<Namespace>> ListNamespaces(const Namespace& parent) override;
  Result<Properties> LoadNamespaceProperties(const Namespace& ns) override;
  Status UpdateNamespaceProperties(const Namespace& ns, const Properties& updates,
                                   const std::vector<std::string>& removals) override;
  Status DropNamespace(const Namespace& ns) override;

  Result<std::vector<TableIdentifier>> ListTables(const Namespace& ns) override;
  Result<LoadedTable> CreateTable(const TableIdentifier& id,
                                  const CreateTableRequest& request) override;
  Result<LoadedTable> LoadTable(const TableIdentifier& id) override;
  Result<LoadedTable> CommitTable(const TableIdentifier& id,
                                  const std::vector<TableRequirement>& requirements,
                                  const std::vector<TableUpdate>& updates) override;
  Status DropTable(const TableIdentifier& id, bool purge) override;
  Status RenameTable(const TableIdentifier& from, const TableIdentifier& to) override;

 private:
  SqliteCatalog(SqliteCatalogOptions options, std::string database_path, sqlite3* db);

  // Requires mu_ held.
  Result<bool> NamespaceExistsLocked(const std::string& ns);
  Result<std::optional<std::string>> MetadataLocationLocked(const TableIdentifier& id);
  // Metadata files never change once written, so parsed ones are kept by location (the
  // few most recent) to spare re-reading and re-parsing large histories on every commit.
  Result<TableMetadata> ReadMetadataCached(const std::string& location);
  void RememberMetadata(const std::string& location, const TableMetadata& metadata);

  SqliteCatalogOptions options_;
  std::string database_path_;
  std::mutex mu_;
  sqlite3* db_;
  std::mutex cache_mu_;
  std::vector<std::pair<std::string, std::shared_ptr<const TableMetadata>>> cache_;
};

// Reads and parses the metadata file at `uri`.
Result<TableMetadata> ReadTableMetadataFile(const std::string& uri);

// `<location>/metadata/<version:05d>-<uuid>.metadata.json`.
std::string MetadataFileLocation(const std::string& table_location, int64_t version);
// The version number of a metadata file named `<digits>-...metadata.json` (also
// `v<digits>.metadata.json`), or -1.
int64_t ParseMetadataVersion(std::string_view location);

}  // namespace floe::iceberg
