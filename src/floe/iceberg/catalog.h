// The catalog interface: namespaces (with properties) and tables (each a pointer to its
// current metadata file). A commit is data (update.h): CommitTable checks the
// requirements against the current metadata, applies the updates, writes a new metadata
// file and swaps the pointer only if it still names the base it read, so concurrent
// committers never lose each other's work; the loser gets CommitConflict (retryable).
// CommitWithRetry wraps the refresh / re-validate / retry loop.
//
// Backends: the embedded SQLite catalog (sqlite_catalog.h); PostgreSQL and REST later.
// Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "floe/common/status.h"
#include "floe/iceberg/table_metadata.h"
#include "floe/iceberg/update.h"

namespace floe::iceberg {

// A namespace is a list of levels ("a.b" is {"a", "b"}); levels are non-empty and hold no '.'.
using Namespace = std::vector<std::string>;
using Properties = std::map<std::string, std::string>;

// "a.b"; levels joined by '.'.
std::string NamespaceToString(const Namespace& ns);
// Splits "a.b" at '.'; InvalidArgument for empty levels.
Result<Namespace> ParseNamespace(std::string_view text);

struct TableIdentifier {
  Namespace ns;
  std::string name;

  // "ns.name" (namespace levels and name joined by '.').
  std::string ToString() const;
  // "a.b.t": the last dot separates the name; at least one namespace level is required.
  static Result<TableIdentifier> Parse(std::string_view text);
  bool operator==(const TableIdentifier&) const = default;
  auto operator<=>(const TableIdentifier&) const = default;
};

// A table as the catalog has it now.
struct LoadedTable {
  TableIdentifier identifier;
  std::string metadata_location;
  TableMetadata metadata;
};

// What CreateTable needs. `schema`, `spec` and `sort_order` carry field ids already
// (the spec's source ids refer to the schema); their own ids are reassigned.
struct CreateTableRequest {
  Schema schema;
  PartitionSpec spec;    // empty: unpartitioned
  SortOrder sort_order;  // empty: unsorted
  Properties properties;
  std::string location;  // empty: the catalog's default for the identifier
  int format_version = 2;
};

// The updates that create a table from `request` at `location` (assign-uuid, the
// format version, schema, spec, sort order, location, properties), REST style.
std::vector<TableUpdate> CreateTableUpdates(const CreateTableRequest& request,
                                            const std::string& location);

class Catalog {
 public:
  virtual ~Catalog() = default;

  // ---- Namespaces. NotFound / AlreadyExists as the names say.
  virtual Status CreateNamespace(const Namespace& ns, const Properties& properties) = 0;
  // Namespaces directly under `parent` ({} lists the top level).
  virtual Result<std::vector<Namespace>> ListNamespaces(const Namespace& parent) = 0;
  virtual Result<Properties> LoadNamespaceProperties(const Namespace& ns) = 0;
  virtual Status UpdateNamespaceProperties(const Namespace& ns, const Properties& updates,
                                           const std::vector<std::string>& removals) = 0;
  // InvalidArgument when the namespace still holds tables or child namespaces.
  virtual Status DropNamespace(const Namespace& ns) = 0;

  // ---- Tables.
  virtual Result<std::vector<TableIdentifier>> ListTables(const Namespace& ns) = 0;
  // NotFound when the namespace is missing, AlreadyExists when the table is there.
  virtual Result<LoadedTable> CreateTable(const TableIdentifier& id,
                                          const CreateTableRequest& request) = 0;
  virtual Result<LoadedTable> LoadTable(const TableIdentifier& id) = 0;
  // One optimistic attempt: reads the current metadata, checks `requirements`, applies
  // `updates`, writes the next metadata file and swaps the pointer if nobody else did
  // meanwhile. CommitConflict (retryable) when a requirement fails or the swap loses.
  virtual Result<LoadedTable> CommitTable(const TableIdentifier& id,
                                          const std::vector<TableRequirement>& requirements,
                                          const std::vector<TableUpdate>& updates) = 0;
  // Forgets the table; with `purge` also deletes its metadata files (data files are
  // left to maintenance).
  virtual Status DropTable(const TableIdentifier& id, bool purge) = 0;
  virtual Status RenameTable(const TableIdentifier& from, const TableIdentifier& to) = 0;
};

// One commit built against a given state of the table.
struct TableCommit {
  std::vector<TableRequirement> requirements;
  std::vector<TableUpdate> updates;
  // The change is already in the table (an earlier attempt committed it but its answer
  // was lost): nothing is committed and the current table is returned.
  bool already_applied = false;
};

struct CommitRetryOptions {
  int max_attempts = 20;           // including the first
  int64_t initial_backoff_ms = 5;  // doubled per retry, with jitter
  int64_t max_backoff_ms = 1000;
  int64_t total_timeout_ms = 60000;  // give up (with the last conflict) after this
};

// Loads the table, asks `build` for a commit against it, commits; on CommitConflict (or
// another retryable error, such as a throttled store) sleeps (exponential backoff with jitter),
// reloads and calls `build` again with the fresh table, which re-validates (appends rebuild on the
// new base; an overwrite returns an error when a concurrent commit touched its files). Errors from
// `build` end the loop.
using BuildCommit = std::function<Result<TableCommit>(const LoadedTable& current)>;
Result<LoadedTable> CommitWithRetry(Catalog& catalog, const TableIdentifier& id,
                                    const BuildCommit& build,
                                    const CommitRetryOptions& options = {});

}  // namespace floe::iceberg
