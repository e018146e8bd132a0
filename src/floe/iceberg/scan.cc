#include "floe/iceberg/scan.h"

#include <algorithm>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "floe/columnar/take.h"
#include "floe/format/parquet/file_reader.h"
#include "floe/iceberg/evaluator.h"
#include "floe/iceberg/projection.h"
#include "floe/io/object_store.h"

namespace floe::iceberg {

Result<const Snapshot*> SelectSnapshot(const TableMetadata& metadata, const ScanOptions& options) {
  int chosen = options.snapshot_id.has_value() + options.as_of_timestamp_ms.has_value() +
               options.ref.has_value();
  if (chosen > 1) {
    return Status::InvalidArgument("scan: choose at most one of snapshot id, timestamp and ref");
  }
  if (options.snapshot_id) {
    const Snapshot* s = metadata.SnapshotById(*options.snapshot_id);
    if (s == nullptr) return Status::NotFound("snapshot {} not in the table", *options.snapshot_id);
    return s;
  }
  if (options.as_of_timestamp_ms) {
    const Snapshot* s = metadata.SnapshotAsOf(*options.as_of_timestamp_ms);
    if (s == nullptr) {
      return Status::NotFound("no snapshot was current at {} ms", *options.as_of_timestamp_ms);
    }
    return s;
  }
  if (options.ref) {
    const Snapshot* s = metadata.SnapshotForRef(*options.ref);
    if (s == nullptr) return Status::NotFound("ref '{}' not in the table", *options.ref);
    return s;
  }
  return metadata.CurrentSnapshot();
}

Result<std::vector<ManifestFile>> ReadSnapshotManifests(const TableMetadata& metadata,
                                                        const Snapshot& snapshot,
                                                        const PathMapping& paths) {
  if (!snapshot.manifest_list.empty()) {
    const std::string path = paths.Map(snapshot.manifest_list);
    Result<std::unique_ptr<io::RandomAccessFile>> file = io::OpenForRead(path);
    if (!file.ok()) {
      return Status::NotFound("snapshot {}: manifest list {} cannot be read: {}",
                              snapshot.snapshot_id, path, file.status().message());
    }
    return ReadManifestList(std::shared_ptr<io::RandomAccessFile>(std::move(*file)), snapshot);
  }
  // v1 snapshots may list manifests inline: data manifests of the default spec.
  std::vector<ManifestFile> out;
  for (const std::string& m : snapshot.manifests) {
    ManifestFile f;
    f.manifest_path = m;
    f.partition_spec_id = metadata.default_spec_id;
    f.added_snapshot_id = snapshot.snapshot_id;
    out.push_back(std::move(f));
  }
  return out;
}

namespace {

// A byte string identifying (spec id, partition tuple), for hashing.
std::string PartitionKey(int32_t spec_id, const std::vector<Value>& partition) {
  std::string key(reinterpret_cast<const char*>(&spec_id), sizeof(spec_id));
  for (const Value& v : partition) {
    key += static_cast<char>(v.index());
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::string>) {
            const uint64_t n = x.size();
            key.append(reinterpret_cast<const char*>(&n), sizeof(n));
            key += x;
          } else if constexpr (!std::is_same_v<T, std::monostate>) {
            key.append(reinterpret_cast<const char*>(&x), sizeof(x));
          }
        },
        v);
  }
  return key;
}

// Delete files indexed for matching: each list is sorted by data sequence number, so the
// deletes newer than a data file are a suffix found by binary search.
class DeleteIndex {
 public:
  DeleteIndex(const TableMetadata& metadata, const std::vector<DeleteFileEntry>& deletes,
              const PathMapping& paths) {
    for (size_t i = 0; i < deletes.size(); ++i) {
      const DataFile& f = deletes[i].file;
      const Item item{deletes[i].sequence_number, i};
      if (f.content == DataFileContent::kEqualityDeletes) {
        const PartitionSpec* spec = metadata.SpecById(f.spec_id);
        if (spec != nullptr && spec->IsUnpartitioned()) {
          global_equality_.push_back(item);
        } else {
          equality_[PartitionKey(f.spec_id, f.partition)].push_back(item);
        }
      } else if (f.referenced_data_file) {
        by_file_[paths.Map(*f.referenced_data_file)].push_back(item);
      } else if (!f.IsDeletionVector()) {
        position_[PartitionKey(f.spec_id, f.partition)].push_back(item);
      }
    }
    Sort(&global_equality_);
    for (auto& [k, v] : equality_) Sort(&v);
    for (auto& [k, v] : position_) Sort(&v);
    for (auto& [k, v] : by_file_) Sort(&v);
  }

  // The deletes that apply to data file `f` with data sequence number `seq`, whose mapped
  // path is `mapped_path`, ascending.
  std::vector<size_t> Match(const DataFile& f, int64_t seq, const std::string& mapped_path) const {
    std::vector<size_t> out;
    if (global_equality_.empty() && equality_.empty() && position_.empty() && by_file_.empty()) {
      return out;
    }
    Take(global_equality_, seq, /*strictly_newer=*/true, &out);
    if (!equality_.empty() || !position_.empty()) {
      const std::string key = PartitionKey(f.spec_id, f.partition);
      if (auto it = equality_.find(key); it != equality_.end()) Take(it->second, seq, true, &out);
      if (auto it = position_.find(key); it != position_.end()) Take(it->second, seq, false, &out);
    }
    if (auto it = by_file_.find(mapped_path); it != by_file_.end())
      Take(it->second, seq, false, &out);
    std::sort(out.begin(), out.end());
    return out;
  }

  bool empty() const {
    return global_equality_.empty() && equality_.empty() && position_.empty() && by_file_.empty();
  }

 private:
  struct Item {
    int64_t seq;
    size_t index;
  };
  static void Sort(std::vector<Item>* v) {
    std::sort(v->begin(), v->end(), [](const Item& a, const Item& b) { return a.seq < b.seq; });
  }
  static void Take(const std::vector<Item>& v, int64_t seq, bool strictly_newer,
                   std::vector<size_t>* out) {
    auto it = strictly_newer ? std::upper_bound(v.begin(), v.end(), seq,
                                                [](int64_t s, const Item& i) { return s < i.seq; })
                             : std::lower_bound(v.begin(), v.end(), seq,
                                                [](const Item& i, int64_t s) { return i.seq < s; });
    for (; it != v.end(); ++it) out->push_back(it->index);
  }

  std::vector<Item> global_equality_;
  std::unordered_map<std::string, std::vector<Item>> equality_;
  std::unordered_map<std::string, std::vector<Item>> position_;
  std::unordered_map<std::string, std::vector<Item>> by_file_;
};

// The partition evaluators of one spec for a filter.
struct SpecFilter {
  std::optional<PartitionEvaluator> inclusive;
  std::optional<PartitionEvaluator> strict;
};

}  // namespace

Result<ScanPlan> PlanScan(const TableMetadata& metadata, const ScanOptions& options) {
  FLOE_ASSIGN_OR_RETURN(const Snapshot* snapshot, SelectSnapshot(metadata, options));
  ScanPlan plan;
  // Time travel by id or timestamp reads the snapshot's schema; current and refs read the
  // table's current schema.
  const Schema* schema = metadata.CurrentSchema();
  if ((options.snapshot_id || options.as_of_timestamp_ms) && snapshot != nullptr &&
      snapshot->schema_id) {
    if (const Schema* s = metadata.SchemaById(*snapshot->schema_id)) schema = s;
  }
  if (schema == nullptr) return Status::Corruption("table metadata has no current schema");
  plan.schema = *schema;
  plan.apply_residual = options.apply_residual;
  if (options.filter != nullptr) {
    FLOE_ASSIGN_OR_RETURN(ExprPtr bound, Bind(options.filter, plan.schema));
    if (bound->op != ExprOp::kTrue) plan.filter = RewriteNot(bound);
  }
  if (snapshot == nullptr) return plan;
  plan.snapshot_id = snapshot->snapshot_id;

  const ExprPtr& filter = plan.filter;
  std::optional<MetricsEvaluator> metrics;
  if (filter != nullptr) metrics.emplace(filter);
  std::unordered_map<int32_t, SpecFilter> spec_filters;
  auto spec_filter = [&](int32_t spec_id) -> const SpecFilter& {
    auto [it, inserted] = spec_filters.try_emplace(spec_id);
    if (inserted && filter != nullptr) {
      if (const PartitionSpec* spec = metadata.SpecById(spec_id)) {
        it->second.inclusive.emplace(ProjectInclusive(filter, *spec, plan.schema), *spec,
                                     plan.schema);
        it->second.strict.emplace(ProjectStrict(filter, *spec, plan.schema), *spec, plan.schema);
      }
    }
    return it->second;
  };

  FLOE_ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests,
                        ReadSnapshotManifests(metadata, *snapshot, options.paths));
  ScanMetrics& counts = plan.metrics;
  counts.manifests = static_cast<int64_t>(manifests.size());
  for (const ManifestFile& m : manifests) {
    const SpecFilter& sf = spec_filter(m.partition_spec_id);
    if (sf.inclusive && !sf.inclusive->SummariesMightMatch(m.partitions)) {
      counts.manifests_skipped++;
      continue;
    }
    const std::string path = options.paths.Map(m.manifest_path);
    FLOE_ASSIGN_OR_RETURN(std::unique_ptr<io::RandomAccessFile> file, io::OpenForRead(path));
    FLOE_ASSIGN_OR_RETURN(
        std::vector<ManifestEntry> entries,
        ReadManifest(std::shared_ptr<io::RandomAccessFile>(std::move(file)), m, metadata));
    for (ManifestEntry& e : entries) {
      if (e.status == ManifestEntryStatus::kDeleted) continue;
      const bool is_data = e.data_file.content == DataFileContent::kData;
      (is_data ? counts.data_files : counts.delete_files)++;
      const SpecFilter& ef =
          e.data_file.spec_id == m.partition_spec_id ? sf : spec_filter(e.data_file.spec_id);
      if (ef.inclusive && !ef.inclusive->Matches(e.data_file.partition)) {
        (is_data ? counts.data_files_skipped_by_partition
                 : counts.delete_files_skipped_by_partition)++;
        continue;
      }
      if (is_data) {
        FileScanTask t;
        if (metrics) {
          if (!metrics->MightMatch(e.data_file)) {
            counts.data_files_skipped_by_metrics++;
            continue;
          }
          t.all_rows_match = (ef.strict && ef.strict->Matches(e.data_file.partition)) ||
                             metrics->AllMatch(e.data_file);
          if (t.all_rows_match) counts.data_files_all_rows_match++;
        }
        t.sequence_number = e.sequence_number;
        t.file_sequence_number = e.file_sequence_number;
        t.data_file = std::move(e.data_file);
        plan.tasks.push_back(std::move(t));
      } else {
        plan.delete_files.push_back({std::move(e.data_file), e.sequence_number});
      }
    }
  }

  const DeleteIndex index(metadata, plan.delete_files, options.paths);
  if (!index.empty()) {
    for (FileScanTask& t : plan.tasks) {
      t.deletes =
          index.Match(t.data_file, t.sequence_number, options.paths.Map(t.data_file.file_path));
    }
  }
  return plan;
}

Result<ColumnPtr> PromoteColumn(const ColumnPtr& column, const floe::TypePtr& to) {
  const floe::TypePtr from_type = column->type;  // kept alive across a retag
  const DataType& from = *from_type;
  if (from == *to) return column;
  auto retag = [&]() {
    column->type = to;
    return column;
  };
  if (from.id == TypeId::kDecimal && to->id == TypeId::kDecimal && from.scale == to->scale &&
      from.precision <= to->precision) {
    return retag();
  }
  const int64_t n = column->length;
  if (to->id == TypeId::kInt64 && from.IsSignedInteger()) {
    ColumnBuilder b(to);
    for (int64_t i = 0; i < n; ++i) {
      if (column->IsNull(i)) {
        b.AppendNull();
        continue;
      }
      switch (from.id) {
        case TypeId::kInt8:
          b.AppendInt(column->Value<int8_t>(i));
          break;
        case TypeId::kInt16:
          b.AppendInt(column->Value<int16_t>(i));
          break;
        default:
          b.AppendInt(column->Value<int32_t>(i));
          break;
      }
    }
    return b.Finish();
  }
  if (to->id == TypeId::kFloat64 && from.id == TypeId::kFloat32) {
    ColumnBuilder b(to);
    for (int64_t i = 0; i < n; ++i) {
      if (column->IsNull(i)) {
        b.AppendNull();
      } else {
        b.AppendDouble(column->Value<float>(i));
      }
    }
    return b.Finish();
  }
  if (to->id == TypeId::kTimestamp && from.id == TypeId::kTimestamp) {
    const int64_t f = UnitsPerSecond(from.unit), t = UnitsPerSecond(to->unit);
    ColumnPtr c = retag();
    int64_t* v = c->values.as<int64_t>();
    for (int64_t i = 0; i < n; ++i) v[i] = f < t ? v[i] * (t / f) : v[i] / (f / t);
    return ColumnPtr(c);
  }
  if (from.IsNested() && from.id == to->id) return column;  // names inside may differ
  if (from.IsVarBinary() && to->IsVarBinary()) return retag();
  return Status::NotSupported("cannot read a column of type {} as {}", from.ToString(),
                              to->ToString());
}

TableReader::TableReader(ScanPlan plan, PathMapping paths)
    : plan_(std::move(plan)), paths_(paths), deletes_(std::move(paths)) {}

Result<floe::SchemaPtr> TableReader::schema() {
  if (schema_ == nullptr) {
    FLOE_ASSIGN_OR_RETURN(floe::Schema s, plan_.schema.ToColumnar());
    schema_ = std::make_shared<floe::Schema>(std::move(s));
  }
  return schema_;
}

Result<std::unique_ptr<parquet::FileReader>> TableReader::OpenDataFile(
    const std::string& path, const FileScanTask& task, const floe::Schema& scan_schema) {
  FLOE_ASSIGN_OR_RETURN(std::unique_ptr<io::RandomAccessFile> raw, io::OpenForRead(path));
  std::shared_ptr<io::RandomAccessFile> file(std::move(raw));
  parquet::ReaderOptions options;
  if (plan_.filter == nullptr || task.all_rows_match) {
    return parquet::FileReader::Open(std::move(file), std::move(options));
  }
  // Page-index pruning returns rows whose file positions are lost; position deletes
  // need them.
  for (size_t d : task.deletes) {
    if (plan_.delete_files[d].file.content == DataFileContent::kPositionDeletes) {
      options.use_page_index = false;
    }
  }
  // Predicates name columns as the file does. Try the scan schema's names (usually the
  // same) and confirm against the file's schema; rebuild from the file when they differ
  // (renamed columns, other units) or did not bind.
  const parquet::ReaderOptions plain = options;
  options.filter = ToParquetPredicates(plan_.filter, scan_schema);
  Result<std::unique_ptr<parquet::FileReader>> reader = parquet::FileReader::Open(file, options);
  std::vector<parquet::ColumnPredicate> from_file;
  if (reader.ok()) {
    from_file = ToParquetPredicates(plan_.filter, *(*reader)->schema());
    if (SamePredicates(from_file, options.filter)) return reader;
  } else {
    reader = parquet::FileReader::Open(file, plain);
    if (!reader.ok()) return reader;
    from_file = ToParquetPredicates(plan_.filter, *(*reader)->schema());
  }
  if (from_file.empty()) return parquet::FileReader::Open(file, plain);
  options.filter = std::move(from_file);
  Result<std::unique_ptr<parquet::FileReader>> refiltered =
      parquet::FileReader::Open(file, options);
  if (refiltered.ok()) return refiltered;
  return parquet::FileReader::Open(file, plain);
}

Result<std::vector<RecordBatch>> TableReader::ReadTask(size_t index) {
  if (index >= plan_.tasks.size()) {
    return Status::InvalidArgument("scan task {} of {}", index, plan_.tasks.size());
  }
  FLOE_ASSIGN_OR_RETURN(floe::SchemaPtr out_schema, schema());
  const FileScanTask& task = plan_.tasks[index];
  const std::string path = paths_.Map(task.data_file.file_path);
  if (!task.data_file.file_format.empty() && task.data_file.file_format != "PARQUET" &&
      task.data_file.file_format != "parquet") {
    return Status::NotSupported("data file {}: format {} not supported", path,
                                task.data_file.file_format);
  }
  FLOE_ASSIGN_OR_RETURN(std::unique_ptr<parquet::FileReader> reader,
                        OpenDataFile(path, task, *out_schema));
  const bool residual = plan_.filter != nullptr && !task.all_rows_match && plan_.apply_residual;
  DeletedRows deleted(reader->num_rows());
  std::vector<const DataFile*> equality;
  for (size_t d : task.deletes) {
    const DataFile& f = plan_.delete_files[d].file;
    if (f.content == DataFileContent::kEqualityDeletes) {
      equality.push_back(&f);
    } else {
      FLOE_RETURN_IF_ERROR(deletes_.ApplyPositionDeletes(f, task.data_file.file_path, &deleted));
    }
  }
  // Column i of the output: its index in the file batch by field id (-1 = absent).
  const floe::Schema& file_schema = *reader->schema();
  std::vector<int> source(out_schema->fields.size(), -1);
  for (size_t i = 0; i < out_schema->fields.size(); ++i) {
    for (size_t j = 0; j < file_schema.fields.size(); ++j) {
      if (file_schema.fields[j].id == out_schema->fields[i].id) source[i] = static_cast<int>(j);
    }
  }

  std::vector<RecordBatch> out;
  std::vector<uint8_t> match;
  const bool pruning = plan_.filter != nullptr && !task.all_rows_match;
  int64_t base = 0;  // file position of the row group's first row
  for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
    const int64_t rg_rows = reader->metadata().row_groups[static_cast<size_t>(rg)].num_rows;
    const int64_t rg_base = base;
    base += rg_rows;
    if (pruning) {
      FLOE_ASSIGN_OR_RETURN(bool might_match, reader->RowGroupMightMatch(rg));
      if (!might_match) continue;
    }
    FLOE_ASSIGN_OR_RETURN(RecordBatch batch, reader->ReadRowGroup(rg));
    read_stats_.row_groups_read++;
    read_stats_.rows_returned += batch.num_rows;
    if (batch.num_rows == 0 && pruning) continue;
    RecordBatch conformed;
    auto fields = std::make_shared<floe::Schema>(*out_schema);
    conformed.num_rows = batch.num_rows;
    for (size_t i = 0; i < out_schema->fields.size(); ++i) {
      floe::Field& field = fields->fields[i];
      if (source[i] < 0) {
        ColumnBuilder b(field.type);
        for (int64_t r = 0; r < batch.num_rows; ++r) b.AppendNull();
        conformed.columns.push_back(b.Finish());
        continue;
      }
      Result<ColumnPtr> c =
          PromoteColumn(batch.columns[static_cast<size_t>(source[i])], field.type);
      if (!c.ok()) {
        return Status::NotSupported("data file {}, column '{}' (field id {}): {}", path, field.name,
                                    field.id, c.status().message());
      }
      field.type = (*c)->type;
      conformed.columns.push_back(std::move(*c));
    }
    conformed.schema = fields;
    for (const DataFile* f : equality) {
      FLOE_RETURN_IF_ERROR(deletes_.ApplyEqualityDeletes(*f, conformed, rg_base, &deleted));
    }
    if (residual) {
      Status st = EvaluateRows(*plan_.filter, conformed, &match);
      if (!st.ok()) return st.WithContext(fmt::format("data file {}", path));
    }
    std::vector<RowRange> keep;
    if (!deleted.any() && !residual) {
      keep.push_back({0, conformed.num_rows});
    } else {
      int64_t filtered = 0;
      for (int64_t r = 0; r < conformed.num_rows; ++r) {
        if (deleted.IsDeleted(rg_base + r)) continue;
        if (residual && !match[static_cast<size_t>(r)]) {
          ++filtered;
          continue;
        }
        if (!keep.empty() && keep.back().end == r) {
          keep.back().end = r + 1;
        } else {
          keep.push_back({r, r + 1});
        }
      }
      rows_filtered_ += filtered;
    }
    const int64_t kept = CountRows(keep);
    if (kept == 0 && residual) continue;
    if (kept != conformed.num_rows) {
      for (ColumnPtr& c : conformed.columns) c = TakeRanges(*c, keep);
      conformed.num_rows = kept;
    }
    out.push_back(std::move(conformed));
  }
  const parquet::ReadStats& rs = reader->stats();
  read_stats_.row_groups_pruned_by_statistics += rs.row_groups_pruned_by_statistics;
  read_stats_.row_groups_pruned_by_bloom_filter += rs.row_groups_pruned_by_bloom_filter;
  read_stats_.row_groups_pruned_by_page_index += rs.row_groups_pruned_by_page_index;
  read_stats_.pages_skipped += rs.pages_skipped;
  return out;
}

Result<std::vector<RecordBatch>> TableReader::ReadAll() {
  std::vector<RecordBatch> out;
  for (size_t i = 0; i < plan_.tasks.size(); ++i) {
    FLOE_ASSIGN_OR_RETURN(std::vector<RecordBatch> batches, ReadTask(i));
    for (RecordBatch& b : batches) out.push_back(std::move(b));
  }
  return out;
}

}  // namespace floe::iceberg
