#include "floe/iceberg/scan.h"

#include <utility>

#include "floe/columnar/take.h"
#include "floe/format/parquet/file_reader.h"
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
  if (snapshot == nullptr) return plan;
  plan.snapshot_id = snapshot->snapshot_id;

  FLOE_ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests,
                        ReadSnapshotManifests(metadata, *snapshot, options.paths));
  for (const ManifestFile& m : manifests) {
    const std::string path = options.paths.Map(m.manifest_path);
    FLOE_ASSIGN_OR_RETURN(std::unique_ptr<io::RandomAccessFile> file, io::OpenForRead(path));
    FLOE_ASSIGN_OR_RETURN(
        std::vector<ManifestEntry> entries,
        ReadManifest(std::shared_ptr<io::RandomAccessFile>(std::move(file)), m, metadata));
    for (ManifestEntry& e : entries) {
      if (e.status == ManifestEntryStatus::kDeleted) continue;
      if (e.data_file.content == DataFileContent::kData) {
        FileScanTask t;
        t.sequence_number = e.sequence_number;
        t.file_sequence_number = e.file_sequence_number;
        t.data_file = std::move(e.data_file);
        plan.tasks.push_back(std::move(t));
      } else {
        plan.delete_files.push_back({std::move(e.data_file), e.sequence_number});
      }
    }
  }

  for (FileScanTask& t : plan.tasks) {
    std::string data_path;  // mapped, computed on demand
    for (size_t i = 0; i < plan.delete_files.size(); ++i) {
      const DeleteFileEntry& d = plan.delete_files[i];
      if (d.file.content == DataFileContent::kEqualityDeletes) {
        if (d.sequence_number <= t.sequence_number) continue;
        const PartitionSpec* spec = metadata.SpecById(d.file.spec_id);
        const bool global = spec != nullptr && spec->IsUnpartitioned();
        if (!global &&
            (d.file.spec_id != t.data_file.spec_id || d.file.partition != t.data_file.partition)) {
          continue;
        }
      } else {
        if (d.sequence_number < t.sequence_number) continue;
        if (d.file.referenced_data_file) {
          if (data_path.empty()) data_path = options.paths.Map(t.data_file.file_path);
          if (options.paths.Map(*d.file.referenced_data_file) != data_path) continue;
        } else if (d.file.IsDeletionVector()) {
          continue;
        }
      }
      t.deletes.push_back(i);
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
                        parquet::OpenParquetFile(path));
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
  int64_t base = 0;
  while (true) {
    FLOE_ASSIGN_OR_RETURN(std::optional<RecordBatch> batch, reader->Next());
    if (!batch) break;
    RecordBatch conformed;
    auto fields = std::make_shared<floe::Schema>(*out_schema);
    conformed.num_rows = batch->num_rows;
    for (size_t i = 0; i < out_schema->fields.size(); ++i) {
      floe::Field& field = fields->fields[i];
      if (source[i] < 0) {
        ColumnBuilder b(field.type);
        for (int64_t r = 0; r < batch->num_rows; ++r) b.AppendNull();
        conformed.columns.push_back(b.Finish());
        continue;
      }
      Result<ColumnPtr> c =
          PromoteColumn(batch->columns[static_cast<size_t>(source[i])], field.type);
      if (!c.ok()) {
        return Status::NotSupported("data file {}, column '{}' (field id {}): {}", path, field.name,
                                    field.id, c.status().message());
      }
      field.type = (*c)->type;
      conformed.columns.push_back(std::move(*c));
    }
    conformed.schema = fields;
    for (const DataFile* f : equality) {
      FLOE_RETURN_IF_ERROR(deletes_.ApplyEqualityDeletes(*f, conformed, base, &deleted));
    }
    std::vector<RowRange> keep;
    if (!deleted.any()) keep.push_back({0, conformed.num_rows});
    for (int64_t r = 0; deleted.any() && r < conformed.num_rows; ++r) {
      if (deleted.IsDeleted(base + r)) continue;
      if (!keep.empty() && keep.back().end == r) {
        keep.back().end = r + 1;
      } else {
        keep.push_back({r, r + 1});
      }
    }
    base += batch->num_rows;
    const int64_t kept = CountRows(keep);
    if (kept != conformed.num_rows) {
      for (ColumnPtr& c : conformed.columns) c = TakeRanges(*c, keep);
      conformed.num_rows = kept;
    }
    out.push_back(std::move(conformed));
  }
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
