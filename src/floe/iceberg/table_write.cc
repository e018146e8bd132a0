#include "floe/iceberg/table_write.h"

#include <charconv>
#include <random>
#include <set>

#include "floe/columnar/take.h"
#include "floe/iceberg/evaluator.h"
#include "floe/iceberg/manifest_writer.h"
#include "floe/iceberg/projection.h"
#include "floe/iceberg/scan.h"
#include "floe/iceberg/update.h"
#include "floe/io/object_store.h"

namespace floe::iceberg {
namespace {

// Java's TableProperties for manifest merging on append.
constexpr std::string_view kManifestMergeEnabled = "commit.manifest-merge.enabled";
constexpr std::string_view kManifestMinMergeCount = "commit.manifest.min-count-to-merge";
constexpr std::string_view kManifestTargetSize = "commit.manifest.target-size-bytes";

// Malformed values fall back to the default (as Java's PropertyUtil does).
int64_t PropertyInt(const TableMetadata& m, std::string_view key, int64_t fallback) {
  Result<int64_t> v = IntProperty(m.properties, key, fallback);
  return v.ok() ? *v : fallback;
}

bool PropertyBool(const TableMetadata& m, std::string_view key, bool fallback) {
  auto it = m.properties.find(std::string(key));
  if (it == m.properties.end()) return fallback;
  return it->second == "true";
}

int64_t NewSnapshotId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  int64_t id = 0;
  while (id == 0) id = static_cast<int64_t>(rng() >> 1);
  return id;
}

std::string MetadataDir(const TableMetadata& m) {
  auto it = m.properties.find("write.metadata.path");
  std::string dir = it != m.properties.end() ? it->second : m.location + "/metadata";
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// Removes files this commit wrote but did not publish (best effort).
void DeleteQuietly(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) (void)io::Delete(p);
}

Result<ManifestFile> WriteManifestAt(const std::string& path, const TableMetadata& metadata,
                                     int32_t spec_id, ManifestContent content, int64_t snapshot_id,
                                     const std::vector<ManifestEntry>& entries) {
  FLOE_ASSIGN_OR_RETURN(std::unique_ptr<io::WritableFile> out, io::OpenForWrite(path));
  ManifestWriteOptions options;
  options.format_version = metadata.format_version;
  return WriteManifest(out.get(), path, metadata, spec_id, content, snapshot_id, entries, options);
}

// Totals carried from the parent's summary; absent totals stay absent.
void AddTotal(const std::map<std::string, std::string>& parent, const std::string& key,
              int64_t delta, std::map<std::string, std::string>* summary) {
  int64_t base = 0;
  if (auto it = parent.find(key); it != parent.end()) {
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), base);
    if (ec != std::errc()) return;
  } else if (!parent.empty()) {
    return;
  }
  (*summary)[key] = std::to_string(base + delta);
}

// What a snapshot adds and removes, and how it commits; shared by append, overwrite and
// delete.
struct SnapshotChange {
  std::string operation;
  std::vector<DataFile> added;
  // Live files the commit removes (by path).
  std::set<std::string> removed_paths;
  // Overwrites and deletes: the snapshot the change was computed on, and the bound filter
  // that files added since then must not match (else the change conflicts).
  std::optional<int64_t> base_snapshot_id;
  ExprPtr conflict_filter;
};

// CommitConflict (not retryable) when a data file added to the branch after
// `change.base_snapshot_id` might hold rows matching `change.conflict_filter`.
Status ValidateNoConflictingAppends(const LoadedTable& current, const SnapshotChange& change,
                                    const std::string& branch) {
  if (change.conflict_filter == nullptr) return Status::OK();
  const TableMetadata& m = current.metadata;
  const Schema* schema = m.CurrentSchema();
  FLOE_ASSIGN_OR_RETURN(ExprPtr bound, Bind(change.conflict_filter, *schema));
  MetricsEvaluator metrics(bound);
  for (const Snapshot* s = m.SnapshotForRef(branch);
       s != nullptr && (!change.base_snapshot_id || s->snapshot_id != *change.base_snapshot_id);
       s = s->parent_snapshot_id ? m.SnapshotById(*s->parent_snapshot_id) : nullptr) {
    FLOE_ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests,
                          ReadSnapshotManifests(m, *s, PathMapping{}));
    for (const ManifestFile& mf : manifests) {
      if (mf.added_snapshot_id != s->snapshot_id || mf.content != ManifestContent::kData) continue;
      const PartitionSpec* spec = m.SpecById(mf.partition_spec_id);
      if (spec == nullptr) continue;
      PartitionEvaluator partitions(ProjectInclusive(bound, *spec, *schema), *spec, *schema);
      FLOE_ASSIGN_OR_RETURN(auto file, io::OpenForRead(mf.manifest_path));
      FLOE_ASSIGN_OR_RETURN(
          std::vector<ManifestEntry> entries,
          ReadManifest(std::shared_ptr<io::RandomAccessFile>(std::move(file)), mf, m));
      for (const ManifestEntry& e : entries) {
        if (e.status != ManifestEntryStatus::kAdded || e.snapshot_id != s->snapshot_id) continue;
        if (partitions.Matches(e.data_file.partition) && metrics.MightMatch(e.data_file)) {
          return Status::CommitConflict(
                     "table {}: snapshot {} committed meanwhile added {}, which may hold rows "
                     "matching the {} filter",
                     current.identifier.ToString(), s->snapshot_id, e.data_file.file_path,
                     change.operation)
              .WithRetryable(false);
        }
      }
    }
  }
  return Status::OK();
}

struct Prepared {
  std::vector<ManifestFile> new_manifests;  // manifests written for this change
  std::vector<std::string> written;         // every file written, for cleanup on failure
};

// Merges `data` manifests of `spec_id` (Java's MergingSnapshotProducer, simplified): when
// at least min-count-to-merge small manifests of the default spec exist, they are
// rewritten into one whose entries are EXISTING (ADDED entries of `snapshot_id` stay ADDED;
// entries DELETED by earlier snapshots are dropped).
Result<std::vector<ManifestFile>> MaybeMergeManifests(const TableMetadata& metadata,
                                                      std::vector<ManifestFile> manifests,
                                                      int64_t snapshot_id,
                                                      const std::string& metadata_dir,
                                                      std::vector<std::string>* written) {
  if (!PropertyBool(metadata, kManifestMergeEnabled, true)) return manifests;
  const int64_t min_count = PropertyInt(metadata, kManifestMinMergeCount, 100);
  const int64_t target = PropertyInt(metadata, kManifestTargetSize, int64_t{8} << 20);
  const int32_t spec_id = metadata.default_spec_id;
  std::vector<size_t> small;
  for (size_t i = 0; i < manifests.size(); ++i) {
    const ManifestFile& m = manifests[i];
    if (m.content == ManifestContent::kData && m.partition_spec_id == spec_id &&
        m.manifest_length < target) {
      small.push_back(i);
    }
  }
  if (static_cast<int64_t>(small.size()) < min_count || small.size() < 2) return manifests;
  std::vector<ManifestEntry> entries;
  for (size_t i : small) {
    const ManifestFile& m = manifests[i];
    FLOE_ASSIGN_OR_RETURN(auto file, io::OpenForRead(m.manifest_path));
    // Manifests of this commit carry unassigned sequence numbers; reading them with the
    // unassigned number keeps them unassigned for inheritance at commit.
    FLOE_ASSIGN_OR_RETURN(
        std::vector<ManifestEntry> read,
        ReadManifest(std::shared_ptr<io::RandomAccessFile>(std::move(file)), m, metadata));
    for (ManifestEntry& e : read) {
      if (e.status == ManifestEntryStatus::kDeleted) continue;
      if (m.added_snapshot_id == snapshot_id) {
        e.sequence_number = kUnassignedSequenceNumber;
        e.file_sequence_number = kUnassignedSequenceNumber;
      } else if (e.status == ManifestEntryStatus::kAdded) {
        e.status = ManifestEntryStatus::kExisting;
      }
      entries.push_back(std::move(e));
    }
  }
  const std::string path = fmt::format("{}/{}-m-merged.avro", metadata_dir, NewUuid());
  written->push_back(path);
  FLOE_ASSIGN_OR_RETURN(
      ManifestFile merged,
      WriteManifestAt(path, metadata, spec_id, ManifestContent::kData, snapshot_id, entries));
  std::vector<ManifestFile> out;
  out.push_back(std::move(merged));
  std::set<size_t> merged_set(small.begin(), small.end());
  for (size_t i = 0; i < manifests.size(); ++i) {
    if (!merged_set.count(i)) out.push_back(std::move(manifests[i]));
  }
  return out;
}

// Builds the commit of `change` on top of `current` (the manifests of `change.added` are
// already in `prepared`). Manifests of the parent that list removed files are rewritten
// with those entries DELETED.
Result<TableCommit> BuildSnapshotCommit(const LoadedTable& current, const SnapshotChange& change,
                                        const Prepared& prepared, int64_t snapshot_id,
                                        const WriteCommitOptions& options, int attempt,
                                        std::vector<std::string>* written) {
  const TableMetadata& m = current.metadata;
  const Snapshot* parent = m.SnapshotForRef(options.branch);
  std::vector<ManifestFile> manifests = prepared.new_manifests;
  const std::string metadata_dir = MetadataDir(m);
  size_t removed_found = 0;
  int64_t removed_records = 0, removed_bytes = 0;
  if (parent != nullptr) {
    FLOE_ASSIGN_OR_RETURN(std::vector<ManifestFile> base,
                          ReadSnapshotManifests(m, *parent, PathMapping{}));
    for (ManifestFile& mf : base) {
      if (change.removed_paths.empty() || mf.content != ManifestContent::kData) {
        manifests.push_back(std::move(mf));
        continue;
      }
      FLOE_ASSIGN_OR_RETURN(auto file, io::OpenForRead(mf.manifest_path));
      FLOE_ASSIGN_OR_RETURN(
          std::vector<ManifestEntry> entries,
          ReadManifest(std::shared_ptr<io::RandomAccessFile>(std::move(file)), mf, m));
      bool touched = false;
      std::vector<ManifestEntry> rewritten;
      for (ManifestEntry& e : entries) {
        if (e.status == ManifestEntryStatus::kDeleted) continue;
        if (change.removed_paths.count(e.data_file.file_path)) {
          touched = true;
          ++removed_found;
          removed_records += e.data_file.record_count;
          removed_bytes += e.data_file.file_size_in_bytes;
          e.status = ManifestEntryStatus::kDeleted;
          e.snapshot_id = snapshot_id;
        } else {
          e.status = ManifestEntryStatus::kExisting;
        }
        rewritten.push_back(std::move(e));
      }
      if (!touched) {
        manifests.push_back(std::move(mf));
        continue;
      }
      const std::string path = fmt::format("{}/{}-m-rewrite.avro", metadata_dir, NewUuid());
      written->push_back(path);
      FLOE_ASSIGN_OR_RETURN(ManifestFile out, WriteManifestAt(path, m, mf.partition_spec_id,
                                                              mf.content, snapshot_id, rewritten));
      manifests.push_back(std::move(out));
    }
  }
  if (removed_found != change.removed_paths.size()) {
    return Status::CommitConflict(
               "table {}: {} of the {} files this {} removes are no longer live (a concurrent "
               "commit "
               "removed them)",
               current.identifier.ToString(), change.removed_paths.size() - removed_found,
               change.removed_paths.size(), change.operation)
        .WithRetryable(false);
  }
  if (change.removed_paths.empty() && change.operation == kOperationAppend) {
    FLOE_ASSIGN_OR_RETURN(manifests, MaybeMergeManifests(m, std::move(manifests), snapshot_id,
                                                         metadata_dir, written));
  }

  Snapshot snap;
  snap.snapshot_id = snapshot_id;
  if (parent != nullptr) snap.parent_snapshot_id = parent->snapshot_id;
  snap.sequence_number = m.last_sequence_number + 1;
  snap.timestamp_ms = std::max(NowMs(), m.last_updated_ms);
  snap.schema_id = m.current_schema_id;
  snap.manifest_list =
      fmt::format("{}/snap-{}-{}-{}.avro", metadata_dir, snapshot_id, attempt, NewUuid());
  if (m.format_version >= 3) snap.first_row_id = m.next_row_id.value_or(0);

  int64_t added_records = 0, added_bytes = 0;
  std::set<std::vector<std::string>> partitions;
  for (const DataFile& f : change.added) {
    added_records += f.record_count;
    added_bytes += f.file_size_in_bytes;
  }
  std::map<std::string, std::string>& s = snap.summary;
  s["operation"] = change.operation;
  if (!change.added.empty()) {
    s["added-data-files"] = std::to_string(change.added.size());
    s["added-records"] = std::to_string(added_records);
    s["added-files-size"] = std::to_string(added_bytes);
  }
  if (removed_found > 0) {
    s["deleted-data-files"] = std::to_string(removed_found);
    s["deleted-records"] = std::to_string(removed_records);
    s["removed-files-size"] = std::to_string(removed_bytes);
  }
  const std::map<std::string, std::string> empty;
  const auto& ps = parent != nullptr ? parent->summary : empty;
  AddTotal(ps, "total-records", added_records - removed_records, &s);
  AddTotal(ps, "total-files-size", added_bytes - removed_bytes, &s);
  AddTotal(ps, "total-data-files",
           static_cast<int64_t>(change.added.size()) - static_cast<int64_t>(removed_found), &s);
  AddTotal(ps, "total-delete-files", 0, &s);
  AddTotal(ps, "total-position-deletes", 0, &s);
  AddTotal(ps, "total-equality-deletes", 0, &s);
  for (const auto& [k, v] : options.summary) s[k] = v;

  written->push_back(snap.manifest_list);
  {
    FLOE_ASSIGN_OR_RETURN(std::unique_ptr<io::WritableFile> out,
                          io::OpenForWrite(snap.manifest_list));
    ManifestWriteOptions wo;
    wo.format_version = m.format_version;
    if (m.format_version >= 3) {
      int64_t added_rows = AssignFirstRowIds(&manifests, *snap.first_row_id);
      snap.added_rows = added_rows;
    }
    FLOE_RETURN_IF_ERROR(WriteManifestList(out.get(), snap, manifests, wo));
  }

  TableCommit commit;
  commit.requirements.push_back(AssertTableUuid{m.table_uuid});
  commit.requirements.push_back(AssertRefSnapshotId{
      options.branch, parent ? std::optional<int64_t>(parent->snapshot_id) : std::nullopt});
  commit.updates.push_back(AddSnapshot{std::move(snap)});
  SnapshotRef ref;
  ref.snapshot_id = snapshot_id;
  ref.type = SnapshotRefType::kBranch;
  if (auto it = m.refs.find(options.branch); it != m.refs.end()) {
    ref.min_snapshots_to_keep = it->second.min_snapshots_to_keep;
    ref.max_snapshot_age_ms = it->second.max_snapshot_age_ms;
    ref.max_ref_age_ms = it->second.max_ref_age_ms;
  }
  commit.updates.push_back(SetSnapshotRef{options.branch, ref});
  return commit;
}

// Writes the manifests of `change.added` once, then commits with retry; each attempt
// rebuilds the manifest list on the fresh table. An attempt whose snapshot is already in
// the table (an earlier attempt committed but its answer was lost) is not applied again.
Result<LoadedTable> CommitSnapshotChange(Catalog& catalog, const TableIdentifier& id,
                                         const SnapshotChange& change,
                                         const WriteCommitOptions& options) {
  FLOE_ASSIGN_OR_RETURN(LoadedTable table, catalog.LoadTable(id));
  const int64_t snapshot_id = NewSnapshotId();
  Prepared prepared;
  std::map<int32_t, std::vector<ManifestEntry>> by_spec;
  for (const DataFile& f : change.added) {
    if (table.metadata.SpecById(f.spec_id) == nullptr) {
      return Status::InvalidArgument("data file {}: partition spec {} is not in table {}",
                                     f.file_path, f.spec_id, id.ToString());
    }
    ManifestEntry e;
    e.status = ManifestEntryStatus::kAdded;
    e.snapshot_id = snapshot_id;
    e.sequence_number = kUnassignedSequenceNumber;
    e.file_sequence_number = kUnassignedSequenceNumber;
    e.data_file = f;
    by_spec[f.spec_id].push_back(std::move(e));
  }
  const std::string metadata_dir = MetadataDir(table.metadata);
  for (const auto& [spec_id, entries] : by_spec) {
    const std::string path = fmt::format("{}/{}-m0.avro", metadata_dir, NewUuid());
    prepared.written.push_back(path);
    auto mf = WriteManifestAt(path, table.metadata, spec_id, ManifestContent::kData, snapshot_id,
                              entries);
    if (!mf.ok()) {
      DeleteQuietly(prepared.written);
      return mf.status();
    }
    prepared.new_manifests.push_back(std::move(*mf));
  }

  int attempt = 0;
  std::vector<std::string> attempt_files;  // manifest lists and rewrites of failed attempts
  std::vector<std::string> last_attempt_files;
  auto build = [&](const LoadedTable& current) -> Result<TableCommit> {
    if (current.metadata.SnapshotById(snapshot_id) != nullptr) {
      TableCommit done;
      done.already_applied = true;
      return done;
    }
    attempt_files.insert(attempt_files.end(), last_attempt_files.begin(), last_attempt_files.end());
    last_attempt_files.clear();
    FLOE_RETURN_IF_ERROR(ValidateNoConflictingAppends(current, change, options.branch));
    return BuildSnapshotCommit(current, change, prepared, snapshot_id, options, attempt++,
                               &last_attempt_files);
  };
  Result<LoadedTable> result = CommitWithRetry(catalog, id, build, options.retry);
  DeleteQuietly(attempt_files);
  if (result.ok()) return result;
  // The last attempt may have landed although its answer was an error that is not retried
  // (a connection cut after the catalog applied it): its manifest list and manifests are
  // then the table's. Only the table can tell; clean up only once it says the snapshot is
  // not there, and leave the files when it cannot be read (orphans at worst).
  Result<LoadedTable> now = catalog.LoadTable(id);
  if (!now.ok()) {
    return result.status().WithContext(fmt::format(
        "the commit's outcome is unknown (reloading the table failed: {}); its files are kept",
        now.status().message()));
  }
  if (now->metadata.SnapshotById(snapshot_id) != nullptr) return now;
  DeleteQuietly(last_attempt_files);
  DeleteQuietly(prepared.written);
  return result;
}

// The removals of a delete by `filter` on `table`'s branch, computed from its current
// snapshot: whole files, and rewritten replacements (written by a DataFileWriter) for
// files with some matching rows. Rewritten files go to `change.added`.
Status PlanDelete(const LoadedTable& table, const ExprPtr& filter, const std::string& branch,
                  const DataFileWriterOptions& writer_options, SnapshotChange* change,
                  std::unique_ptr<DataFileWriter>* rewrite) {
  const TableMetadata& m = table.metadata;
  const Snapshot* head = m.SnapshotForRef(branch);
  if (head == nullptr) return Status::OK();
  change->base_snapshot_id = head->snapshot_id;
  ScanOptions options;
  options.ref = branch;
  options.filter = filter;
  FLOE_ASSIGN_OR_RETURN(ScanPlan plan, PlanScan(m, options));
  change->conflict_filter = plan.filter;
  // Reading for a rewrite needs every live row of the file, not just the kept pages.
  ScanPlan full = plan;
  full.filter = nullptr;
  full.apply_residual = false;
  TableReader reader(std::move(full), PathMapping{});
  for (size_t t = 0; t < plan.tasks.size(); ++t) {
    const FileScanTask& task = plan.tasks[t];
    if (task.data_file.spec_id != m.default_spec_id) {
      return Status::NotSupported(
          "delete from {}: file {} was written for partition spec {}, not the current one; "
          "rewriting across specs is not supported yet",
          table.identifier.ToString(), task.data_file.file_path, task.data_file.spec_id);
    }
    if (task.all_rows_match && task.deletes.empty()) {
      change->removed_paths.insert(task.data_file.file_path);
      continue;
    }
    FLOE_ASSIGN_OR_RETURN(std::vector<RecordBatch> batches, reader.ReadTask(t));
    std::vector<RecordBatch> kept;
    bool any_match = false;
    std::vector<uint8_t> match;
    for (const RecordBatch& b : batches) {
      FLOE_RETURN_IF_ERROR(EvaluateRows(*plan.filter, b, &match));
      for (uint8_t& x : match) {
        any_match |= x != 0;
        x = !x;
      }
      std::vector<RowRange> keep = MatchToRanges(match);
      if (CountRows(keep) == 0) continue;
      RecordBatch part;
      part.schema = b.schema;
      part.num_rows = CountRows(keep);
      for (const ColumnPtr& c : b.columns) part.columns.push_back(TakeRanges(*c, keep));
      kept.push_back(std::move(part));
    }
    if (!any_match) continue;
    change->removed_paths.insert(task.data_file.file_path);
    if (kept.empty()) continue;
    if (*rewrite == nullptr) {
      FLOE_ASSIGN_OR_RETURN(*rewrite, DataFileWriter::Open(m, writer_options));
    }
    for (const RecordBatch& b : kept) FLOE_RETURN_IF_ERROR((*rewrite)->Write(b));
  }
  return Status::OK();
}

Result<LoadedTable> CommitFilteredChange(Catalog& catalog, const TableIdentifier& id,
                                         const ExprPtr& filter, std::vector<DataFile> files,
                                         const WriteCommitOptions& options,
                                         const DataFileWriterOptions& writer_options) {
  if (filter == nullptr) return Status::InvalidArgument("a delete or overwrite needs a filter");
  FLOE_ASSIGN_OR_RETURN(LoadedTable table, catalog.LoadTable(id));
  SnapshotChange change;
  std::unique_ptr<DataFileWriter> rewrite;
  Status planned = PlanDelete(table, filter, options.branch, writer_options, &change, &rewrite);
  std::vector<DataFile> rewritten;
  if (planned.ok() && rewrite != nullptr) {
    auto finished = rewrite->Finish();
    if (finished.ok()) {
      rewritten = std::move(*finished);
    } else {
      planned = finished.status();
    }
  }
  std::vector<std::string> rewritten_paths;
  for (const DataFile& f : rewritten) rewritten_paths.push_back(f.file_path);
  auto drop_rewritten = [&rewritten_paths] { DeleteQuietly(rewritten_paths); };
  if (!planned.ok()) {
    if (rewrite != nullptr) (void)rewrite->Abort();
    drop_rewritten();
    return planned;
  }
  if (change.removed_paths.empty() && files.empty()) return table;
  const bool only_drops = rewritten.empty() && files.empty();
  change.operation = std::string(only_drops ? kOperationDelete : kOperationOverwrite);
  change.added = std::move(rewritten);
  for (DataFile& f : files) change.added.push_back(std::move(f));
  Result<LoadedTable> result = CommitSnapshotChange(catalog, id, change, options);
  if (!result.ok()) drop_rewritten();
  return result;
}

}  // namespace

Result<LoadedTable> DeleteWhere(Catalog& catalog, const TableIdentifier& id, const ExprPtr& filter,
                                const WriteCommitOptions& options,
                                const DataFileWriterOptions& writer_options) {
  return CommitFilteredChange(catalog, id, filter, {}, options, writer_options);
}

Result<LoadedTable> OverwriteWhere(Catalog& catalog, const TableIdentifier& id,
                                   const ExprPtr& filter, std::vector<DataFile> files,
                                   const WriteCommitOptions& options,
                                   const DataFileWriterOptions& writer_options) {
  return CommitFilteredChange(catalog, id, filter, std::move(files), options, writer_options);
}

Result<LoadedTable> AppendFiles(Catalog& catalog, const TableIdentifier& id,
                                std::vector<DataFile> files, const WriteCommitOptions& options) {
  if (files.empty()) return catalog.LoadTable(id);
  SnapshotChange change;
  change.operation = std::string(kOperationAppend);
  change.added = std::move(files);
  return CommitSnapshotChange(catalog, id, change, options);
}

Result<LoadedTable> ReplaceFiles(Catalog& catalog, const TableIdentifier& id,
                                 const std::vector<std::string>& removed_paths,
                                 std::vector<DataFile> added_files,
                                 const WriteCommitOptions& options) {
  if (removed_paths.empty()) return AppendFiles(catalog, id, std::move(added_files), options);
  SnapshotChange change;
  change.operation = std::string(added_files.empty() ? kOperationDelete : kOperationOverwrite);
  change.removed_paths.insert(removed_paths.begin(), removed_paths.end());
  change.added = std::move(added_files);
  return CommitSnapshotChange(catalog, id, change, options);
}

}  // namespace floe::iceberg
