// Table writes as commits: append files, replace files, overwrite by filter, delete by
// filter. Each builds a snapshot (a manifest for the new files, a manifest list reusing the
// unchanged manifests of the base) and commits it through the catalog with retry: appends
// commute with concurrent commits and are rebuilt on the fresh base; a replace fails with
// CommitConflict when a file it removes is gone; an overwrite or delete fails with
// CommitConflict when a concurrent commit added or removed files its filter matches.
//
// Thread-safe as the catalog is.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "floe/common/status.h"
#include "floe/iceberg/catalog.h"
#include "floe/iceberg/data_file.h"
#include "floe/iceberg/data_file_writer.h"
#include "floe/iceberg/expression.h"

namespace floe::iceberg {

struct WriteCommitOptions {
  // Added to the snapshot summary (for instance the ingest log position a commit covers).
  std::map<std::string, std::string> summary;
  // Branch to commit to.
  std::string branch = "main";
  CommitRetryOptions retry;
};

// Commits `files` (data files written for the table's current spec) as one append.
// An empty list commits nothing and returns the table as loaded.
Result<LoadedTable> AppendFiles(Catalog& catalog, const TableIdentifier& id,
                                std::vector<DataFile> files,
                                const WriteCommitOptions& options = {});

// Removes the rows of the branch that match `filter` (unbound; names resolve against the
// current schema). Files whose every row matches are dropped whole; files with some
// matching rows are rewritten without them (copy-on-write, deletes already applied).
// One snapshot: operation "delete" when files are only dropped, "overwrite" when some are
// rewritten. No matching row: nothing is committed. On a concurrent commit the change is
// re-validated: CommitConflict (not retryable) when a file it removes is gone or a file
// added meanwhile might hold matching rows.
Result<LoadedTable> DeleteWhere(Catalog& catalog, const TableIdentifier& id, const ExprPtr& filter,
                                const WriteCommitOptions& options = {},
                                const DataFileWriterOptions& writer_options = {});

// Replaces the rows matching `filter` with `files` in one "overwrite" snapshot (the
// delete of DeleteWhere plus an append), validated the same way.
Result<LoadedTable> OverwriteWhere(Catalog& catalog, const TableIdentifier& id,
                                   const ExprPtr& filter, std::vector<DataFile> files,
                                   const WriteCommitOptions& options = {},
                                   const DataFileWriterOptions& writer_options = {});

// Replaces exactly the live data files `removed_paths` (paths as the table records them)
// with `added_files` in one "overwrite" snapshot ("delete" when nothing is added): the files of a
// source re-exported after it changed, for instance. Unlike OverwriteWhere nothing is matched by
// value, so files others append meanwhile never conflict; the commit is retried on them.
// CommitConflict (not retryable) when a removed file is not live at commit time (never there, or
// removed or rewritten by a concurrent commit); nothing is committed then. No removed paths: the
// same as AppendFiles (an "append"); nothing to remove or add: nothing is committed and the
// table is returned as loaded.
Result<LoadedTable> ReplaceFiles(Catalog& catalog, const TableIdentifier& id,
                                 const std::vector<std::string>& removed_paths,
                                 std::vector<DataFile> added_files,
                                 const WriteCommitOptions& options = {});

}  // namespace floe::iceberg
