#include "floe/iceberg/sqlite_catalog.h"

#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <system_error>

#include "floe/io/object_store.h"

namespace floe::iceberg {
namespace {

constexpr const char* kSchemaSql =
    "CREATE TABLE IF NOT EXISTS iceberg_tables ("
    " catalog_name VARCHAR(255) NOT NULL,"
    " table_namespace VARCHAR(255) NOT NULL,"
    " table_name VARCHAR(255) NOT NULL,"
    " metadata_location VARCHAR(1000),"
    " previous_metadata_location VARCHAR(1000),"
    " iceberg_type VARCHAR(5),"
    " PRIMARY KEY (catalog_name, table_namespace, table_name));"
    "CREATE TABLE IF NOT EXISTS iceberg_namespace_properties ("
    " catalog_name VARCHAR(255) NOT NULL,"
    " namespace VARCHAR(255) NOT NULL,"
    " property_key VARCHAR(255),"
    " property_value VARCHAR(1000),"
    " PRIMARY KEY (catalog_name, namespace, property_key));";

// The JDBC catalog marks a namespace that has no other properties with this key.
constexpr const char* kExistsKey = "exists";

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  const bool busy = rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
  return Status(StatusCode::kIOError,
                fmt::format("catalog database: {}: {} ({})", what,
                            db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), rc),
                /*retryable=*/busy);
}

// A prepared statement with positional text/int binding; finalized on destruction.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db), sql_(sql) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Status status() const { return rc_ == SQLITE_OK ? Status::OK() : SqliteError(db_, rc_, sql_); }
  Statement& Bind(std::string_view text) {
    sqlite3_bind_text(stmt_, ++bound_, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  // Steps once: true when a row is available, false when done.
  Result<bool> Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    if ((rc & 0xFF) == SQLITE_CONSTRAINT) {
      return Status::AlreadyExists("catalog database: {}", sqlite3_errmsg(db_));
    }
    return SqliteError(db_, rc, sql_);
  }
  std::string Text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  const char* sql_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
  int bound_ = 0;
};

Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::OK();
  Status st = SqliteError(db, rc, sql);
  sqlite3_free(err);
  return st;
}

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back when it fails.
Status InTransaction(sqlite3* db, const std::function<Status()>& body) {
  FLOE_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
  Status st = body();
  if (st.ok()) st = Exec(db, "COMMIT");
  if (!st.ok()) (void)Exec(db, "ROLLBACK");
  return st;
}

Status CheckLevels(const Namespace& ns) {
  if (ns.empty()) return Status::InvalidArgument("empty namespace");
  for (const std::string& level : ns) {
    if (level.empty() || level.find('.') != std::string::npos) {
      return Status::InvalidArgument("namespace '{}': levels must be non-empty and hold no '.'",
                                     NamespaceToString(ns));
    }
  }
  return Status::OK();
}

Status CheckIdentifier(const TableIdentifier& id) {
  FLOE_RETURN_IF_ERROR(CheckLevels(id.ns));
  if (id.name.empty()) return Status::InvalidArgument("empty table name");
  return Status::OK();
}

std::string StateDirectory() {
  if (const char* d = std::getenv("FLOE_STATE_DIR"); d && *d) return d;
  if (const char* d = std::getenv("XDG_STATE_HOME"); d && *d) return std::string(d) + "/floe";
  if (const char* d = std::getenv("HOME"); d && *d) return std::string(d) + "/.local/state/floe";
  return ".floe-state";
}

Status WriteMetadataFile(const std::string& uri, const TableMetadata& metadata) {
  FLOE_ASSIGN_OR_RETURN(io::ResolvedUri r, io::ResolveUri(uri));
  return r.store->PutIfAbsent(r.key, WriteTableMetadata(metadata));
}

}  // namespace

Result<TableMetadata> ReadTableMetadataFile(const std::string& uri) {
  FLOE_ASSIGN_OR_RETURN(io::ResolvedUri r, io::ResolveUri(uri));
  FLOE_ASSIGN_OR_RETURN(std::string text, r.store->Get(r.key));
  Result<TableMetadata> m = ParseTableMetadata(text);
  if (!m.ok()) return m.status().WithContext(uri);
  return m;
}

std::string MetadataFileLocation(const std::string& table_location, int64_t version) {
  return fmt::format("{}/metadata/{:05d}-{}.metadata.json", table_location, version, NewUuid());
}

int64_t ParseMetadataVersion(std::string_view location) {
  const size_t slash = location.rfind('/');
  std::string_view name = slash == std::string_view::npos ? location : location.substr(slash + 1);
  if (!name.empty() && name[0] == 'v') name.remove_prefix(1);
  int64_t v = 0;
  size_t i = 0;
  for (; i < name.size() && i < 18 && name[i] >= '0' && name[i] <= '9'; ++i) {
    v = v * 10 + (name[i] - '0');
  }
  if (i == 0 || i == name.size() || (name[i] != '-' && name[i] != '.')) return -1;
  return v;
}

SqliteCatalog::SqliteCatalog(SqliteCatalogOptions options, std::string database_path, sqlite3* db)
    : options_(std::move(options)), database_path_(std::move(database_path)), db_(db) {}

SqliteCatalog::~SqliteCatalog() { sqlite3_close_v2(db_); }

Result<std::unique_ptr<SqliteCatalog>> SqliteCatalog::Open(const SqliteCatalogOptions& options) {
  SqliteCatalogOptions opts = options;
  FLOE_ASSIGN_OR_RETURN(io::ParsedUri parsed, io::ParseUri(opts.warehouse));
  std::string warehouse;
  if (parsed.scheme == "file") {
    warehouse = "file://" + parsed.path;
  } else {
    warehouse = opts.warehouse;
  }
  while (warehouse.size() > 1 && warehouse.back() == '/') warehouse.pop_back();
  opts.warehouse = warehouse;

  std::string db_path = opts.database_path;
  if (db_path.empty()) {
    if (parsed.scheme == "file") {
      db_path = parsed.path + "/floe-catalog.db";
    } else {
      db_path = fmt::format("{}/catalog-{:016x}.db", StateDirectory(),
                            std::hash<std::string>{}(warehouse));
    }
  }
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(db_path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status::IOError("creating {}: {}", parent.string(), ec.message());

  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(db_path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status st = SqliteError(db, rc, "open " + db_path);
    sqlite3_close_v2(db);
    return st;
  }
  std::unique_ptr<SqliteCatalog> cat(new SqliteCatalog(opts, db_path, db));
  sqlite3_busy_timeout(db, opts.busy_timeout_ms);
  FLOE_RETURN_IF_ERROR(Exec(db, "PRAGMA journal_mode=WAL"));
  FLOE_RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous=NORMAL"));
  FLOE_RETURN_IF_ERROR(InTransaction(db, [&] { return Exec(db, kSchemaSql); }));
  return cat;
}

std::string SqliteCatalog::DefaultTableLocation(const TableIdentifier& id) const {
  std::string loc = options_.warehouse;
  for (const std::string& level : id.ns) loc += "/" + level;
  return loc + "/" + id.name;
}

Result<bool> SqliteCatalog::NamespaceExistsLocked(const std::string& ns) {
  Statement s(db_,
              "SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ? "
              "UNION ALL SELECT 1 FROM iceberg_tables WHERE catalog_name = ? AND "
              "table_namespace = ? LIMIT 1");
  FLOE_RETURN_IF_ERROR(s.status());
  s.Bind(options_.catalog_name).Bind(ns).Bind(options_.catalog_name).Bind(ns);
  return s.Step();
}

Result<std::optional<std::string>> SqliteCatalog::MetadataLocationLocked(
    const TableIdentifier& id) {
  Statement s(db_,
              "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND "
              "table_namespace = ? AND table_name = ?");
  FLOE_RETURN_IF_ERROR(s.status());
  s.Bind(options_.catalog_name).Bind(NamespaceToString(id.ns)).Bind(id.name);
  FLOE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.Text(0));
}

Status SqliteCatalog::CreateNamespace(const Namespace& ns, const Properties& properties) {
  FLOE_RETURN_IF_ERROR(CheckLevels(ns));
  const std::string name = NamespaceToString(ns);
  std::lock_guard lock(mu_);
  return InTransaction(db_, [&]() -> Status {
    FLOE_ASSIGN_OR_RETURN(bool exists, NamespaceExistsLocked(name));
    if (exists) return Status::AlreadyExists("namespace '{}' already exists", name);
    Properties props = properties;
    props.emplace(kExistsKey, "true");
    for (const auto& [k, v] : props) {
      Statement s(db_,
                  "INSERT INTO iceberg_namespace_properties (catalog_name, namespace, "
                  "property_key, property_value) VALUES (?, ?, ?, ?)");
      FLOE_RETURN_IF_ERROR(s.status());
      s.Bind(options_.catalog_name).Bind(name).Bind(k).Bind(v);
      FLOE_RETURN_IF_ERROR(s.Step().status());
    }
    return Status::OK();
  });
}

Result<std::vector<Namespace>> SqliteCatalog::ListNamespaces(const Namespace& parent) {
  std::set<Namespace> found;
  {
    std::lock_guard lock(mu_);
    Statement s(db_,
                "SELECT namespace FROM iceberg_namespace_properties WHERE catalog_name = ? "
                "UNION SELECT table_namespace FROM iceberg_tables WHERE catalog_name = ?");
    FLOE_RETURN_IF_ERROR(s.status());
    s.Bind(options_.catalog_name).Bind(options_.catalog_name);
    while (true) {
      FLOE_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      Result<Namespace> ns = ParseNamespace(s.Text(0));
      if (!ns.ok() || ns->size() <= parent.size()) continue;
      if (!std::equal(parent.begin(), parent.end(), ns->begin())) continue;
      ns->resize(parent.size() + 1);
      found.insert(std::move(*ns));
    }
  }
  return std::vector<Namespace>(found.begin(), found.end());
}

Result<Properties> SqliteCatalog::LoadNamespaceProperties(const Namespace& ns) {
  const std::string name = NamespaceToString(ns);
  std::lock_guard lock(mu_);
  FLOE_ASSIGN_OR_RETURN(bool exists, NamespaceExistsLocked(name));
  if (!exists) return Status::NotFound("namespace '{}' does not exist", name);
  Statement s(db_,
              "SELECT property_key, property_value FROM iceberg_namespace_properties WHERE "
              "catalog_name = ? AND namespace = ?");
  FLOE_RETURN_IF_ERROR(s.status());
  s.Bind(options_.catalog_name).Bind(name);
  Properties props;
  while (true) {
    FLOE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    std::string key = s.Text(0);
    if (key != kExistsKey) props[std::move(key)] = s.Text(1);
  }
  return props;
}

Status SqliteCatalog::UpdateNamespaceProperties(const Namespace& ns, const Properties& updates,
                                                const std::vector<std::string>& removals) {
  const std::string name = NamespaceToString(ns);
  std::lock_guard lock(mu_);
  return InTransaction(db_, [&]() -> Status {
    FLOE_ASSIGN_OR_RETURN(bool exists, NamespaceExistsLocked(name));
    if (!exists) return Status::NotFound("namespace '{}' does not exist", name);
    for (const std::string& k : removals) {
      if (k == kExistsKey) continue;
      Statement s(db_,
                  "DELETE FROM iceberg_namespace_properties WHERE catalog_name = ? AND "
                  "namespace = ? AND property_key = ?");
      FLOE_RETURN_IF_ERROR(s.status());
      s.Bind(options_.catalog_name).Bind(name).Bind(k);
      FLOE_RETURN_IF_ERROR(s.Step().status());
    }
    for (const auto& [k, v] : updates) {
      Statement s(db_,
                  "INSERT OR REPLACE INTO iceberg_namespace_properties (catalog_name, namespace, "
                  "property_key, property_value) VALUES (?, ?, ?, ?)");
      FLOE_RETURN_IF_ERROR(s.status());
      s.Bind(options_.catalog_name).Bind(name).Bind(k).Bind(v);
      FLOE_RETURN_IF_ERROR(s.Step().status());
    }
    return Status::OK();
  });
}

Status SqliteCatalog::DropNamespace(const Namespace& ns) {
  const std::string name = NamespaceToString(ns);
  FLOE_ASSIGN_OR_RETURN(std::vector<Namespace> children, ListNamespaces(ns));
  if (!children.empty()) {
    return Status::InvalidArgument("namespace '{}' is not empty: it holds namespace '{}'", name,
                                   NamespaceToString(children.front()));
  }
  std::lock_guard lock(mu_);
  return InTransaction(db_, [&]() -> Status {
    FLOE_ASSIGN_OR_RETURN(bool exists, NamespaceExistsLocked(name));
    if (!exists) return Status::NotFound("namespace '{}' does not exist", name);
    Statement t(db_,
                "SELECT table_name FROM iceberg_tables WHERE catalog_name = ? AND "
                "table_namespace = ? LIMIT 1");
    FLOE_RETURN_IF_ERROR(t.status());
    t.Bind(options_.catalog_name).Bind(name);
    FLOE_ASSIGN_OR_RETURN(bool has_table, t.Step());
    if (has_table) {
      return Status::InvalidArgument("namespace '{}' is not empty: it holds table '{}'", name,
                                     t.Text(0));
    }
    Statement s(db_,
                "DELETE FROM iceberg_namespace_properties WHERE catalog_name = ? AND "
                "namespace = ?");
    FLOE_RETURN_IF_ERROR(s.status());
    s.Bind(options_.catalog_name).Bind(name);
    return s.Step().status();
  });
}

Result<std::vector<TableIdentifier>> SqliteCatalog::ListTables(const Namespace& ns) {
  const std::string name = NamespaceToString(ns);
  std::lock_guard lock(mu_);
  FLOE_ASSIGN_OR_RETURN(bool exists, NamespaceExistsLocked(name));
  if (!exists) return Status::NotFound("namespace '{}' does not exist", name);
  Statement s(db_,
              "SELECT table_name FROM iceberg_tables WHERE catalog_name = ? AND "
              "table_namespace = ? ORDER BY table_name");
  FLOE_RETURN_IF_ERROR(s.status());
  s.Bind(options_.catalog_name).Bind(name);
  std::vector<TableIdentifier> out;
  while (true) {
    FLOE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(TableIdentifier{ns, s.Text(0)});
  }
  return out;
}

Result<LoadedTable> SqliteCatalog::CreateTable(const TableIdentifier& id,
                                               const CreateTableRequest& request) {
  FLOE_RETURN_IF_ERROR(CheckIdentifier(id));
  const std::string ns = NamespaceToString(id.ns);
  {
    std::lock_guard lock(mu_);
    FLOE_ASSIGN_OR_RETURN(bool exists, NamespaceExistsLocked(ns));
    if (!exists) return Status::NotFound("namespace '{}' does not exist", ns);
    FLOE_ASSIGN_OR_RETURN(std::optional<std::string> loc, MetadataLocationLocked(id));
    if (loc) return Status::AlreadyExists("table '{}' already exists", id.ToString());
  }
  std::string location = request.location.empty() ? DefaultTableLocation(id) : request.location;
  TableMetadata base;
  base.format_version = request.format_version;
  FLOE_ASSIGN_OR_RETURN(
      TableMetadata metadata,
      ApplyUpdates(base, CreateTableUpdates(request, location), ApplyOptions{NowMs(), ""}));
  const std::string metadata_location = MetadataFileLocation(metadata.location, 0);
  FLOE_RETURN_IF_ERROR(WriteMetadataFile(metadata_location, metadata));
  Status st;
  {
    std::lock_guard lock(mu_);
    st = InTransaction(db_, [&]() -> Status {
      FLOE_ASSIGN_OR_RETURN(bool exists, NamespaceExistsLocked(ns));
      if (!exists) return Status::NotFound("namespace '{}' does not exist", ns);
      Statement s(db_,
                  "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
                  "metadata_location, previous_metadata_location, iceberg_type) "
                  "VALUES (?, ?, ?, ?, NULL, 'TABLE')");
      FLOE_RETURN_IF_ERROR(s.status());
      s.Bind(options_.catalog_name).Bind(ns).Bind(id.name).Bind(metadata_location);
      Result<bool> r = s.Step();
      if (r.status().IsAlreadyExists()) {
        return Status::AlreadyExists("table '{}' already exists", id.ToString());
      }
      return r.status();
    });
  }
  if (!st.ok()) {
    (void)io::Delete(metadata_location);
    return st;
  }
  return LoadedTable{id, metadata_location, std::move(metadata)};
}

Result<LoadedTable> SqliteCatalog::LoadTable(const TableIdentifier& id) {
  std::optional<std::string> loc;
  {
    std::lock_guard lock(mu_);
    FLOE_ASSIGN_OR_RETURN(loc, MetadataLocationLocked(id));
  }
  if (!loc) return Status::NotFound("table '{}' does not exist", id.ToString());
  FLOE_ASSIGN_OR_RETURN(TableMetadata metadata, ReadMetadataCached(*loc));
  return LoadedTable{id, std::move(*loc), std::move(metadata)};
}

Result<TableMetadata> SqliteCatalog::ReadMetadataCached(const std::string& location) {
  {
    std::lock_guard lock(cache_mu_);
    for (const auto& [loc, metadata] : cache_) {
      if (loc == location) return *metadata;
    }
  }
  FLOE_ASSIGN_OR_RETURN(TableMetadata metadata, ReadTableMetadataFile(location));
  RememberMetadata(location, metadata);
  return metadata;
}

void SqliteCatalog::RememberMetadata(const std::string& location, const TableMetadata& metadata) {
  constexpr size_t kCachedFiles = 8;
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= kCachedFiles) cache_.erase(cache_.begin());
  cache_.emplace_back(location, std::make_shared<const TableMetadata>(metadata));
}

Result<LoadedTable> SqliteCatalog::CommitTable(const TableIdentifier& id,
                                               const std::vector<TableRequirement>& requirements,
                                               const std::vector<TableUpdate>& updates) {
  Result<LoadedTable> base = LoadTable(id);
  if (!base.ok()) {
    if (base.status().IsNotFound()) FLOE_RETURN_IF_ERROR(CheckRequirements(requirements, nullptr));
    return base.status();
  }
  FLOE_RETURN_IF_ERROR(CheckRequirements(requirements, &base->metadata));
  FLOE_ASSIGN_OR_RETURN(
      TableMetadata metadata,
      ApplyUpdates(base->metadata, updates, ApplyOptions{NowMs(), base->metadata_location}));
  const int64_t version = ParseMetadataVersion(base->metadata_location);
  const std::string metadata_location =
      MetadataFileLocation(metadata.location, version < 0 ? 1 : version + 1);
  FLOE_RETURN_IF_ERROR(WriteMetadataFile(metadata_location, metadata));

  Status st;
  {
    std::lock_guard lock(mu_);
    st = InTransaction(db_, [&]() -> Status {
      Statement s(db_,
                  "UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ? "
                  "WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND "
                  "metadata_location = ?");
      FLOE_RETURN_IF_ERROR(s.status());
      s.Bind(metadata_location)
          .Bind(base->metadata_location)
          .Bind(options_.catalog_name)
          .Bind(NamespaceToString(id.ns))
          .Bind(id.name)
          .Bind(base->metadata_location);
      FLOE_RETURN_IF_ERROR(s.Step().status());
      if (sqlite3_changes(db_) != 1) {
        return Status::CommitConflict("table '{}' changed since {} was read", id.ToString(),
                                      base->metadata_location);
      }
      return Status::OK();
    });
  }
  if (!st.ok()) {
    // The swap did not happen (or its outcome is a failed transaction): the new file is
    // unreferenced.
    (void)io::Delete(metadata_location);
    return st;
  }
  auto it = metadata.properties.find(std::string(kMetadataDeleteAfterCommit));
  if (it != metadata.properties.end() && it->second == "true") {
    // Best effort: a file left behind is garbage, not corruption.
    for (const std::string& old : DroppedMetadataFiles(base->metadata, metadata)) {
      (void)io::Delete(old);
    }
  }
  RememberMetadata(metadata_location, metadata);
  return LoadedTable{id, metadata_location, std::move(metadata)};
}

Status SqliteCatalog::DropTable(const TableIdentifier& id, bool purge) {
  // A table whose metadata cannot be read can still be dropped (not purged).
  Result<LoadedTable> table = LoadTable(id);
  {
    std::lock_guard lock(mu_);
    Statement s(db_,
                "DELETE FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND "
                "table_name = ?");
    FLOE_RETURN_IF_ERROR(s.status());
    s.Bind(options_.catalog_name).Bind(NamespaceToString(id.ns)).Bind(id.name);
    FLOE_RETURN_IF_ERROR(s.Step().status());
    if (sqlite3_changes(db_) != 1) {
      return Status::NotFound("table '{}' does not exist", id.ToString());
    }
  }
  if (purge && table.ok()) {
    for (const MetadataLogEntry& e : table->metadata.metadata_log)
      (void)io::Delete(e.metadata_file);
    (void)io::Delete(table->metadata_location);
  }
  return Status::OK();
}

Status SqliteCatalog::RenameTable(const TableIdentifier& from, const TableIdentifier& to) {
  FLOE_RETURN_IF_ERROR(CheckIdentifier(to));
  const std::string to_ns = NamespaceToString(to.ns);
  std::lock_guard lock(mu_);
  return InTransaction(db_, [&]() -> Status {
    FLOE_ASSIGN_OR_RETURN(bool exists, NamespaceExistsLocked(to_ns));
    if (!exists) return Status::NotFound("namespace '{}' does not exist", to_ns);
    Statement s(db_,
                "UPDATE iceberg_tables SET table_namespace = ?, table_name = ? WHERE "
                "catalog_name = ? AND table_namespace = ? AND table_name = ?");
    FLOE_RETURN_IF_ERROR(s.status());
    s.Bind(to_ns)
        .Bind(to.name)
        .Bind(options_.catalog_name)
        .Bind(NamespaceToString(from.ns))
        .Bind(from.name);
    Result<bool> r = s.Step();
    if (r.status().IsAlreadyExists()) {
      return Status::AlreadyExists("table '{}' already exists", to.ToString());
    }
    FLOE_RETURN_IF_ERROR(r.status());
    if (sqlite3_changes(db_) != 1) {
      return Status::NotFound("table '{}' does not exist", from.ToString());
    }
    return Status::OK();
  });
}

}  // namespace floe::iceberg
