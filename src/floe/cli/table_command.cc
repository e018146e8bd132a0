// `floe table create|describe|snapshots|history|set|rollback|append|scan|files`: table
// commands over the embedded catalog (iceberg/sqlite_catalog.h) of a warehouse
// (--warehouse, default ./floe-data, any storage URI). Every change is a commit of
// updates + requirements through CommitWithRetry, so concurrent writers are safe.
#include <cctype>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "floe/cli/commands.h"
#include "floe/columnar/json_reader.h"
#include "floe/columnar/json_writer.h"
#include "floe/columnar/schema_json.h"
#include "floe/format/parquet/file_reader.h"
#include "floe/iceberg/data_file_writer.h"
#include "floe/iceberg/expression_parser.h"
#include "floe/iceberg/scan.h"
#include "floe/iceberg/sqlite_catalog.h"
#include "floe/iceberg/table_write.h"
#include "floe/io/object_store.h"

namespace floe::cli {
namespace {

struct TableFlags {
  std::string warehouse = "./floe-data";
  std::string table;
  std::string schema;
  std::string partition;
  std::string location;
  std::vector<std::string> properties;  // KEY=VALUE
  std::vector<std::string> unset;
  int64_t snapshot_id = -1;
  // scan / files
  std::string metadata;                   // a metadata file instead of a catalog table
  std::vector<std::string> map_prefixes;  // FROM=TO
  std::string columns;                    // a,b
  std::string as_of;                      // epoch ms or ISO-8601 UTC
  std::string ref;
  int64_t limit = -1;
  // append
  std::vector<std::string> inputs;
  std::string format = "auto";  // auto | parquet | jsonl
  // scan / delete / append --overwrite-where
  std::string where;
  bool stats = false;
};

Status Create(const TableFlags& f) {
  FLOE_ASSIGN_OR_RETURN(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(f.table));
  FLOE_ASSIGN_OR_RETURN(io::ResolvedUri schema_file, io::ResolveUri(f.schema));
  FLOE_ASSIGN_OR_RETURN(std::string schema_text, schema_file.store->Get(schema_file.key));
  Result<floe::Schema> columnar = ParseSchemaJson(schema_text);
  if (!columnar.ok()) return columnar.status().WithContext(f.schema);
  int32_t last_column_id = 0;
  iceberg::AssignFieldIds(&columnar->fields, &last_column_id);
  iceberg::CreateTableRequest req;
  FLOE_ASSIGN_OR_RETURN(req.schema, iceberg::Schema::FromColumnar(*columnar, 0));
  FLOE_RETURN_IF_ERROR(req.schema.Validate());
  if (!f.partition.empty()) {
    FLOE_ASSIGN_OR_RETURN(req.spec, iceberg::ParsePartitionSpecText(f.partition, req.schema));
  }
  FLOE_ASSIGN_OR_RETURN(req.properties, ParseProperties(f.properties));
  req.location = f.location;
  FLOE_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(f.warehouse));
  FLOE_ASSIGN_OR_RETURN(iceberg::LoadedTable t, catalog->CreateTable(id, req));
  std::printf("%s\n", t.metadata_location.c_str());
  return Status::OK();
}

std::string FormatTime(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  struct tm tm;
  if (gmtime_r(&t, &tm) == nullptr) return std::to_string(ms);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, static_cast<int>(((ms % 1000) + 1000) % 1000));
}

std::string SummaryValue(const iceberg::Snapshot& s, const std::string& key) {
  auto it = s.summary.find(key);
  return it == s.summary.end() ? "-" : it->second;
}

Status Describe(const TableFlags& f) {
  FLOE_ASSIGN_OR_RETURN(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(f.table));
  FLOE_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(f.warehouse));
  FLOE_ASSIGN_OR_RETURN(iceberg::LoadedTable t, catalog->LoadTable(id));
  const iceberg::TableMetadata& m = t.metadata;
  std::string out;
  out += fmt::format("table: {}\n", id.ToString());
  out += fmt::format("uuid: {}\n", m.table_uuid);
  out += fmt::format("format-version: {}\n", m.format_version);
  out += fmt::format("location: {}\n", m.location);
  out += fmt::format("metadata: {}\n", t.metadata_location);
  out += fmt::format("last-updated: {}\n", FormatTime(m.last_updated_ms));
  out += fmt::format("current-snapshot: {}\n",
                     m.current_snapshot_id ? std::to_string(*m.current_snapshot_id) : "none");
  out += fmt::format("snapshots: {}\n", m.snapshots.size());
  if (const iceberg::Schema* schema = m.CurrentSchema()) {
    out += fmt::format("schema (id {}):\n", schema->schema_id());
    for (const iceberg::NestedField& field : schema->fields()) {
      out += fmt::format("  {:>4}  {}: {}{}\n", field.id, field.name, field.type->ToString(),
                         field.required ? " not null" : "");
    }
  }
  if (const iceberg::PartitionSpec* spec = m.DefaultSpec()) {
    out += fmt::format("partition spec (id {}):{}\n", spec->spec_id,
                       spec->IsUnpartitioned() ? " unpartitioned" : "");
    for (const iceberg::PartitionField& pf : spec->fields) {
      const iceberg::Schema* schema = m.CurrentSchema();
      out += fmt::format("  {:>4}  {}: {}({})\n", pf.field_id, pf.name, pf.transform.ToString(),
                         schema ? schema->NameOf(pf.source_id) : std::to_string(pf.source_id));
    }
  }
  if (!m.refs.empty()) {
    out += "refs:\n";
    for (const auto& [name, ref] : m.refs) {
      out += fmt::format("  {} ({}): {}\n", name,
                         ref.type == iceberg::SnapshotRefType::kBranch ? "branch" : "tag",
                         ref.snapshot_id);
    }
  }
  out += "properties:\n";
  for (const auto& [k, v] : m.properties) out += fmt::format("  {}={}\n", k, v);
  std::fputs(out.c_str(), stdout);
  if (std::fflush(stdout) != 0) return Status::IOError("writing to stdout failed");
  return Status::OK();
}

Status Snapshots(const TableFlags& f) {
  FLOE_ASSIGN_OR_RETURN(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(f.table));
  FLOE_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(f.warehouse));
  FLOE_ASSIGN_OR_RETURN(iceberg::LoadedTable t, catalog->LoadTable(id));
  std::string out =
      "snapshot_id\tparent_id\tsequence\ttimestamp\toperation\tadded_records\ttotal_"
      "records\tmanifest_list\n";
  for (const iceberg::Snapshot& s : t.metadata.snapshots) {
    out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", s.snapshot_id,
                       s.parent_snapshot_id ? std::to_string(*s.parent_snapshot_id) : "-",
                       s.sequence_number, FormatTime(s.timestamp_ms),
                       s.operation().empty() ? "-" : std::string(s.operation()),
                       SummaryValue(s, "added-records"), SummaryValue(s, "total-records"),
                       s.manifest_list.empty() ? "-" : s.manifest_list);
  }
  std::fputs(out.c_str(), stdout);
  if (std::fflush(stdout) != 0) return Status::IOError("writing to stdout failed");
  return Status::OK();
}

// The snapshot log, marking entries that are ancestors of the current snapshot.
Status History(const TableFlags& f) {
  FLOE_ASSIGN_OR_RETURN(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(f.table));
  FLOE_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(f.warehouse));
  FLOE_ASSIGN_OR_RETURN(iceberg::LoadedTable t, catalog->LoadTable(id));
  const iceberg::TableMetadata& m = t.metadata;
  std::set<int64_t> ancestors;
  std::optional<int64_t> cur = m.current_snapshot_id;
  while (cur && ancestors.size() <= m.snapshots.size() && ancestors.insert(*cur).second) {
    const iceberg::Snapshot* s = m.SnapshotById(*cur);
    cur = s ? s->parent_snapshot_id : std::nullopt;
  }
  std::string out = "made_current_at\tsnapshot_id\tparent_id\tis_current_ancestor\n";
  for (const iceberg::SnapshotLogEntry& e : m.snapshot_log) {
    const iceberg::Snapshot* s = m.SnapshotById(e.snapshot_id);
    out += fmt::format("{}\t{}\t{}\t{}\n", FormatTime(e.timestamp_ms), e.snapshot_id,
                       s && s->parent_snapshot_id ? std::to_string(*s->parent_snapshot_id) : "-",
                       ancestors.count(e.snapshot_id) ? "true" : "false");
  }
  std::fputs(out.c_str(), stdout);
  if (std::fflush(stdout) != 0) return Status::IOError("writing to stdout failed");
  return Status::OK();
}

Status Set(const TableFlags& f) {
  FLOE_ASSIGN_OR_RETURN(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(f.table));
  FLOE_ASSIGN_OR_RETURN(iceberg::Properties props, ParseProperties(f.properties));
  if (props.empty() && f.unset.empty()) {
    return Status::InvalidArgument("nothing to set: give KEY=VALUE or --unset KEY");
  }
  FLOE_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(f.warehouse));
  // Property changes commute with any concurrent commit: no requirement beyond identity.
  FLOE_ASSIGN_OR_RETURN(
      iceberg::LoadedTable t,
      iceberg::CommitWithRetry(
          *catalog, id, [&](const iceberg::LoadedTable& cur) -> Result<iceberg::TableCommit> {
            iceberg::TableCommit c;
            c.requirements = {iceberg::AssertTableUuid{cur.metadata.table_uuid}};
            if (!props.empty()) c.updates.push_back(iceberg::SetProperties{props});
            if (!f.unset.empty()) {
              c.updates.push_back(iceberg::RemoveProperties{f.unset});
            }
            return c;
          }));
  std::printf("%s\n", t.metadata_location.c_str());
  return Status::OK();
}

// Moves main back to an ancestor of the current snapshot (Java's rollbackTo).
Status Rollback(const TableFlags& f) {
  FLOE_ASSIGN_OR_RETURN(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(f.table));
  FLOE_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(f.warehouse));
  const int64_t target = f.snapshot_id;
  FLOE_ASSIGN_OR_RETURN(
      iceberg::LoadedTable t,
      iceberg::CommitWithRetry(
          *catalog, id, [&](const iceberg::LoadedTable& cur) -> Result<iceberg::TableCommit> {
            const iceberg::TableMetadata& m = cur.metadata;
            if (m.SnapshotById(target) == nullptr) {
              return Status::NotFound("table {} has no snapshot {}", id.ToString(), target);
            }
            bool ancestor = false;
            std::optional<int64_t> at = m.current_snapshot_id;
            for (size_t steps = 0; at && steps <= m.snapshots.size(); ++steps) {
              if (*at == target) {
                ancestor = true;
                break;
              }
              const iceberg::Snapshot* s = m.SnapshotById(*at);
              at = s ? s->parent_snapshot_id : std::nullopt;
            }
            if (!ancestor) {
              return Status::InvalidArgument(
                  "snapshot {} is not an ancestor of the current snapshot of {}", target,
                  id.ToString());
            }
            iceberg::SnapshotRef main;
            auto it = m.refs.find(std::string(iceberg::kMainBranch));
            if (it != m.refs.end()) main = it->second;
            main.snapshot_id = target;
            iceberg::TableCommit c;
            c.requirements = {iceberg::AssertRefSnapshotId{std::string(iceberg::kMainBranch),
                                                           m.current_snapshot_id}};
            c.updates = {iceberg::SetSnapshotRef{std::string(iceberg::kMainBranch), main}};
            return c;
          }));
  std::printf("%s\n", t.metadata_location.c_str());
  return Status::OK();
}

// The table a scan reads: from --metadata (a static table) or the catalog.
Result<iceberg::TableMetadata> LoadForScan(const TableFlags& f) {
  if (!f.metadata.empty()) {
    if (!f.table.empty()) {
      return Status::InvalidArgument("give either NAMESPACE.TABLE or --metadata, not both");
    }
    return iceberg::ReadTableMetadataFile(f.metadata);
  }
  if (f.table.empty())
    return Status::InvalidArgument("name a table (NAMESPACE.TABLE) or --metadata");
  FLOE_ASSIGN_OR_RETURN(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(f.table));
  FLOE_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(f.warehouse));
  FLOE_ASSIGN_OR_RETURN(iceberg::LoadedTable t, catalog->LoadTable(id));
  return std::move(t.metadata);
}

// "1700000000000" (epoch ms) or "2024-01-02T03:04:05[.fff][Z]" (UTC).
Result<int64_t> ParseTimestampMs(const std::string& text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    return std::stoll(text);
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double sec = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%lf", &y, &mo, &d, &h, &mi, &sec) != 6 &&
      std::sscanf(text.c_str(), "%d-%d-%d %d:%d:%lf", &y, &mo, &d, &h, &mi, &sec) != 6) {
    return Status::InvalidArgument(
        "--as-of '{}': expected epoch milliseconds or "
        "YYYY-MM-DDTHH:MM:SS[.fff]Z",
        text);
  }
  const int64_t days = DaysFromCivil(y, mo, d);
  return ((days * 24 + h) * 60 + mi) * 60000 + static_cast<int64_t>(sec * 1000 + 0.5);
}

Result<iceberg::ScanOptions> ScanOptionsOf(const TableFlags& f) {
  iceberg::ScanOptions opts;
  const int chosen = (f.snapshot_id >= 0) + !f.as_of.empty() + !f.ref.empty();
  if (chosen > 1) return Status::InvalidArgument("give at most one of --snapshot, --as-of, --ref");
  if (f.snapshot_id >= 0) opts.snapshot_id = f.snapshot_id;
  if (!f.as_of.empty()) {
    FLOE_ASSIGN_OR_RETURN(int64_t ms, ParseTimestampMs(f.as_of));
    opts.as_of_timestamp_ms = ms;
  }
  if (!f.ref.empty()) opts.ref = f.ref;
  for (const std::string& rule : f.map_prefixes) FLOE_RETURN_IF_ERROR(opts.paths.AddRule(rule));
  if (!f.where.empty()) {
    auto filter = iceberg::ParseExpression(f.where);
    if (!filter.ok()) return filter.status().WithContext("--where");
    opts.filter = std::move(*filter);
  }
  return opts;
}

Status Scan(const TableFlags& f) {
  FLOE_ASSIGN_OR_RETURN(iceberg::TableMetadata metadata, LoadForScan(f));
  FLOE_ASSIGN_OR_RETURN(iceberg::ScanOptions opts, ScanOptionsOf(f));
  FLOE_ASSIGN_OR_RETURN(iceberg::ScanPlan plan, iceberg::PlanScan(metadata, opts));
  iceberg::TableReader reader(std::move(plan), opts.paths);
  FLOE_ASSIGN_OR_RETURN(SchemaPtr schema, reader.schema());
  // Projection of top-level columns, in the order asked.
  std::vector<int> keep;
  std::vector<std::string> names;
  for (size_t start = 0; start <= f.columns.size() && !f.columns.empty();) {
    const size_t comma = std::min(f.columns.find(',', start), f.columns.size());
    names.push_back(f.columns.substr(start, comma - start));
    start = comma + 1;
  }
  for (const std::string& n : names) {
    const int i = schema->IndexOf(n);
    if (i < 0) return Status::InvalidArgument("--columns: the table has no column '{}'", n);
    keep.push_back(i);
  }
  auto projected = std::make_shared<Schema>();
  for (int i : keep) projected->fields.push_back(schema->fields[i]);
  std::string out;
  int64_t printed = 0;
  for (size_t t = 0; t < reader.plan().tasks.size() && (f.limit < 0 || printed < f.limit); ++t) {
    FLOE_ASSIGN_OR_RETURN(std::vector<RecordBatch> batches, reader.ReadTask(t));
    for (RecordBatch& b : batches) {
      if (!keep.empty()) {
        RecordBatch p;
        p.schema = projected;
        p.num_rows = b.num_rows;
        for (int i : keep) p.columns.push_back(b.columns[i]);
        b = std::move(p);
      }
      for (int64_t r = 0; r < b.num_rows && (f.limit < 0 || printed < f.limit); ++r, ++printed) {
        AppendRowJson(b, r, &out);
        out += '\n';
      }
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  if (f.stats) {
    const iceberg::ScanMetrics& m = reader.plan().metrics;
    std::fprintf(stderr,
                 "manifests %lld (skipped %lld), data files %lld (skipped: partition %lld, "
                 "metrics %lld), files read %zu, rows printed %lld, rows filtered %lld\n",
                 static_cast<long long>(m.manifests), static_cast<long long>(m.manifests_skipped),
                 static_cast<long long>(m.data_files),
                 static_cast<long long>(m.data_files_skipped_by_partition),
                 static_cast<long long>(m.data_files_skipped_by_metrics),
                 reader.plan().tasks.size(), static_cast<long long>(printed),
                 static_cast<long long>(reader.rows_filtered()));
  }
  return Status::OK();
}

Status Files(const TableFlags& f) {
  FLOE_ASSIGN_OR_RETURN(iceberg::TableMetadata metadata, LoadForScan(f));
  FLOE_ASSIGN_OR_RETURN(iceberg::ScanOptions opts, ScanOptionsOf(f));
  FLOE_ASSIGN_OR_RETURN(iceberg::ScanPlan plan, iceberg::PlanScan(metadata, opts));
  std::string out = "content\tsequence\trecords\tbytes\tpath\n";
  for (const iceberg::FileScanTask& t : plan.tasks) {
    out += fmt::format("data\t{}\t{}\t{}\t{}\n", t.sequence_number, t.data_file.record_count,
                       t.data_file.file_size_in_bytes, t.data_file.file_path);
  }
  for (const iceberg::DeleteFileEntry& d : plan.delete_files) {
    const char* kind = d.file.content == iceberg::DataFileContent::kEqualityDeletes
                           ? "equality-deletes"
                           : "position-deletes";
    out += fmt::format("{}\t{}\t{}\t{}\t{}\n", kind, d.sequence_number, d.file.record_count,
                       d.file.file_size_in_bytes, d.file.file_path);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return Status::OK();
}

// Whether `path` holds Parquet: by --format, else by its leading magic bytes.
Result<bool> IsParquetInput(const std::string& path, const std::string& format) {
  if (format == "parquet") return true;
  if (format == "jsonl" || format == "json" || format == "ndjson") return false;
  if (format != "auto") {
    return Status::InvalidArgument("--format '{}': expected auto, parquet or jsonl", format);
  }
  if (path == "-") return false;
  FLOE_ASSIGN_OR_RETURN(auto file, io::OpenForRead(path));
  FLOE_ASSIGN_OR_RETURN(uint64_t size, file->Size());
  if (size < 4) return false;
  FLOE_ASSIGN_OR_RETURN(std::string magic, file->ReadAt(0, 4));
  return magic == "PAR1";
}

// Conforms a batch read from a Parquet file to the table's columns: by field id when the
// file has ids, else by name; absent nullable columns are null, promotions as in scans.
Result<RecordBatch> ConformToTable(const RecordBatch& in, const SchemaPtr& table,
                                   const std::string& source) {
  RecordBatch out;
  out.schema = table;
  out.num_rows = in.num_rows;
  std::vector<bool> used(in.schema->fields.size(), false);
  for (const Field& want : table->fields) {
    int found = -1;
    for (size_t i = 0; i < in.schema->fields.size() && found < 0; ++i) {
      const Field& have = in.schema->fields[i];
      if (have.id >= 0 ? have.id == want.id : have.name == want.name) found = static_cast<int>(i);
    }
    if (found < 0) {
      if (!want.nullable) {
        return Status::InvalidArgument("{}: required column '{}' is missing", source, want.name);
      }
      ColumnBuilder nulls(want.type);
      for (int64_t r = 0; r < in.num_rows; ++r) nulls.AppendNull();
      out.columns.push_back(nulls.Finish());
      continue;
    }
    used[found] = true;
    const ColumnPtr& col = in.columns[found];
    if (!want.nullable && col->null_count > 0) {
      return Status::InvalidArgument("{}: column '{}' is required but holds {} nulls", source,
                                     want.name, col->null_count);
    }
    if (*col->type == *want.type) {
      out.columns.push_back(col);
      continue;
    }
    // The reader's batch is ours alone, so its column may be retagged in place.
    auto promoted = iceberg::PromoteColumn(col, want.type);
    if (!promoted.ok()) {
      return Status::InvalidArgument("{}: column '{}' is {}, the table's is {}", source, want.name,
                                     col->type->ToString(), want.type->ToString());
    }
    out.columns.push_back(*promoted);
  }
  for (size_t i = 0; i < used.size(); ++i) {
    if (!used[i]) {
      return Status::InvalidArgument("{}: column '{}' is not in the table", source,
                                     in.schema->fields[i].name);
    }
  }
  return out;
}

Status WriteInput(const std::string& path, const std::string& format,
                  iceberg::DataFileWriter& writer) {
  FLOE_ASSIGN_OR_RETURN(bool parquet, IsParquetInput(path, format));
  if (parquet) {
    FLOE_ASSIGN_OR_RETURN(auto file, io::OpenForRead(path));
    FLOE_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(std::move(file)));
    while (true) {
      FLOE_ASSIGN_OR_RETURN(std::optional<RecordBatch> batch, reader->Next());
      if (!batch) return Status::OK();
      FLOE_ASSIGN_OR_RETURN(RecordBatch conformed, ConformToTable(*batch, writer.schema(), path));
      FLOE_RETURN_IF_ERROR(writer.Write(conformed));
    }
  }
  JsonReadOptions options;
  options.unknown_fields = JsonReadOptions::UnknownFields::kError;
  FLOE_ASSIGN_OR_RETURN(auto reader, JsonStreamReader::OpenFile(path, writer.schema(), options));
  while (true) {
    FLOE_ASSIGN_OR_RETURN(std::optional<RecordBatch> batch, reader->Next());
    if (!batch) return Status::OK();
    FLOE_RETURN_IF_ERROR(writer.Write(*batch));
  }
}

// Writes every input as data files of the table, then commits them as one append: either
// all inputs land or none do.
Status Append(const TableFlags& f) {
  FLOE_ASSIGN_OR_RETURN(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(f.table));
  FLOE_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(f.warehouse));
  FLOE_ASSIGN_OR_RETURN(iceberg::LoadedTable table, catalog->LoadTable(id));
  FLOE_ASSIGN_OR_RETURN(iceberg::DataFileWriterOptions options,
                        iceberg::DataFileWriterOptionsFromProperties(table.metadata.properties));
  FLOE_ASSIGN_OR_RETURN(auto writer, iceberg::DataFileWriter::Open(table.metadata, options));
  for (const std::string& input : f.inputs) {
    if (Status s = WriteInput(input, f.format, *writer); !s.ok()) {
      (void)writer->Abort();
      return s;
    }
  }
  FLOE_ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> files, writer->Finish());
  int64_t rows = 0;
  for (const auto& df : files) rows += df.record_count;
  Result<iceberg::LoadedTable> committed = Status::OK();
  if (f.where.empty()) {
    committed = iceberg::AppendFiles(*catalog, id, files);
  } else {
    auto filter = iceberg::ParseExpression(f.where);
    committed = filter.ok() ? iceberg::OverwriteWhere(*catalog, id, *filter, files, {}, options)
                            : filter.status().WithContext("--overwrite-where");
  }
  if (!committed.ok()) {
    for (const auto& df : files) {
      (void)io::Delete(df.file_path);
    }
    return committed.status();
  }
  const auto* snap = committed->metadata.CurrentSnapshot();
  std::fprintf(stderr, "appended %lld rows in %zu files to %s (snapshot %lld)\n",
               static_cast<long long>(rows), files.size(), f.table.c_str(),
               static_cast<long long>(snap ? snap->snapshot_id : -1));
  return Status::OK();
}

// Removes the rows matching --where in one commit.
Status Delete(const TableFlags& f) {
  FLOE_ASSIGN_OR_RETURN(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(f.table));
  auto filter = iceberg::ParseExpression(f.where);
  if (!filter.ok()) return filter.status().WithContext("--where");
  FLOE_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(f.warehouse));
  FLOE_ASSIGN_OR_RETURN(iceberg::LoadedTable before, catalog->LoadTable(id));
  FLOE_ASSIGN_OR_RETURN(iceberg::DataFileWriterOptions options,
                        iceberg::DataFileWriterOptionsFromProperties(before.metadata.properties));
  FLOE_ASSIGN_OR_RETURN(iceberg::LoadedTable after,
                        iceberg::DeleteWhere(*catalog, id, *filter, {}, options));
  if (after.metadata.current_snapshot_id == before.metadata.current_snapshot_id) {
    std::fprintf(stderr, "no rows of %s match; nothing committed\n", f.table.c_str());
    return Status::OK();
  }
  const iceberg::Snapshot* s = after.metadata.CurrentSnapshot();
  auto get = [s](const char* key) {
    auto it = s->summary.find(key);
    return it == s->summary.end() ? std::string("0") : it->second;
  };
  std::fprintf(stderr, "%s: removed %s files (%s rows), wrote %s files (%s rows); snapshot %lld\n",
               f.table.c_str(), get("deleted-data-files").c_str(), get("deleted-records").c_str(),
               get("added-data-files").c_str(), get("added-records").c_str(),
               static_cast<long long>(s->snapshot_id));
  return Status::OK();
}

}  // namespace

void AddTableCommands(CLI::App& app, Action& action) {
  auto flags = std::make_shared<TableFlags>();
  CLI::App* group = app.add_subcommand("table", "Create, inspect and change Iceberg tables");
  group->require_subcommand(1);
  group->fallthrough();  // --warehouse may follow the subcommand too
  group
      ->add_option("--warehouse", flags->warehouse,
                   "warehouse URI (a directory, s3://bucket/prefix, ...)")
      ->capture_default_str();

  CLI::App* create = group->add_subcommand("create", "Create a table from a floe schema file");
  create->add_option("table", flags->table, "NAMESPACE.TABLE")->required();
  create->add_option("--schema", flags->schema, "schema file (JSON, see schema_json.h)")
      ->required();
  create->add_option("--partition", flags->partition,
                     "partition spec, e.g. 'day(ts), bucket(16, id), truncate(4, name), region'");
  create->add_option("--location", flags->location, "table location (default: in the warehouse)");
  create->add_option("-p,--property", flags->properties, "KEY=VALUE table property (repeatable)");
  create->callback([flags, &action] { action = [flags] { return ReportStatus(Create(*flags)); }; });

  CLI::App* describe = group->add_subcommand("describe", "Print a table's schema, spec and state");
  describe->add_option("table", flags->table, "NAMESPACE.TABLE")->required();
  describe->callback(
      [flags, &action] { action = [flags] { return ReportStatus(Describe(*flags)); }; });

  CLI::App* snapshots = group->add_subcommand("snapshots", "List a table's snapshots");
  snapshots->add_option("table", flags->table, "NAMESPACE.TABLE")->required();
  snapshots->callback(
      [flags, &action] { action = [flags] { return ReportStatus(Snapshots(*flags)); }; });

  CLI::App* history = group->add_subcommand("history", "Print when each snapshot became current");
  history->add_option("table", flags->table, "NAMESPACE.TABLE")->required();
  history->callback(
      [flags, &action] { action = [flags] { return ReportStatus(History(*flags)); }; });

  CLI::App* set = group->add_subcommand("set", "Set (or --unset) table properties");
  set->add_option("table", flags->table, "NAMESPACE.TABLE")->required();
  set->add_option("properties", flags->properties, "KEY=VALUE ...");
  set->add_option("--unset", flags->unset, "property to remove (repeatable)");
  set->callback([flags, &action] { action = [flags] { return ReportStatus(Set(*flags)); }; });

  CLI::App* rollback = group->add_subcommand("rollback", "Point main back at an earlier snapshot");
  rollback->add_option("table", flags->table, "NAMESPACE.TABLE")->required();
  rollback->add_option("--snapshot", flags->snapshot_id, "snapshot id (an ancestor of current)")
      ->required();
  rollback->callback(
      [flags, &action] { action = [flags] { return ReportStatus(Rollback(*flags)); }; });

  CLI::App* append = group->add_subcommand(
      "append", "Append Parquet or JSON Lines files (with the table's columns) in one commit");
  append->add_option("table", flags->table, "NAMESPACE.TABLE")->required();
  append->add_option("files", flags->inputs, "input files (- for JSON Lines on stdin)")->required();
  append->add_option("--format", flags->format, "auto (by content), parquet or jsonl")
      ->capture_default_str();
  append->add_option("--overwrite-where", flags->where,
                     "replace the rows matching this filter (one overwrite commit)");
  append->callback([flags, &action] { action = [flags] { return ReportStatus(Append(*flags)); }; });

  // Scans read the catalog's table or, with --metadata, a table outside the catalog.
  auto add_scan_flags = [flags](CLI::App* cmd) {
    cmd->add_option("table", flags->table, "NAMESPACE.TABLE (or use --metadata)");
    cmd->add_option("--metadata", flags->metadata, "a table metadata file (path or URI)");
    cmd->add_option("--map-prefix", flags->map_prefixes,
                    "FROM=TO: read paths recorded under FROM at TO (repeatable; applies to "
                    "paths inside position delete files too)");
    cmd->add_option("--snapshot", flags->snapshot_id, "read this snapshot id");
    cmd->add_option("--as-of", flags->as_of,
                    "read the snapshot current at this time (epoch ms "
                    "or YYYY-MM-DDTHH:MM:SSZ)");
    cmd->add_option("--ref", flags->ref, "read this branch or tag");
    cmd->add_option("--where", flags->where,
                    "filter, e.g. \"id = 5 AND ts >= '2024-01-01T00:00:00Z'\" (=, !=, <, <=, >, "
                    ">=, IN, NOT IN, IS [NOT] NULL, is_nan(c), LIKE 'prefix%', AND, OR, NOT)");
  };
  CLI::App* scan = group->add_subcommand("scan", "Print a table's rows as JSON Lines");
  add_scan_flags(scan);
  scan->add_option("--columns", flags->columns, "top-level columns to print: a,b");
  scan->add_option("--limit", flags->limit, "print at most N rows");
  scan->add_flag("--stats", flags->stats, "print what planning pruned to stderr");
  scan->callback([flags, &action] { action = [flags] { return ReportStatus(Scan(*flags)); }; });

  CLI::App* del = group->add_subcommand("delete", "Delete the rows matching a filter");
  del->add_option("table", flags->table, "NAMESPACE.TABLE")->required();
  del->add_option("--where", flags->where, "filter (see `floe table scan --help`)")->required();
  del->callback([flags, &action] { action = [flags] { return ReportStatus(Delete(*flags)); }; });

  CLI::App* files = group->add_subcommand("files", "List the live data and delete files");
  add_scan_flags(files);
  files->callback([flags, &action] { action = [flags] { return ReportStatus(Files(*flags)); }; });
}

}  // namespace floe::cli
