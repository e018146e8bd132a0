#include "floe/ingest/table_sink.h"

#include <charconv>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "floe/columnar/column.h"
#include "floe/iceberg/catalog.h"
#include "floe/iceberg/data_file_writer.h"
#include "floe/iceberg/partition_spec.h"
#include "floe/iceberg/schema.h"
#include "floe/iceberg/table_write.h"
#include "floe/iceberg/types.h"
#include "floe/io/object_store.h"

namespace floe::ingest {
namespace {

using wal::Lsn;

// ---- Column mapping: input type -> table type.

bool IntegerFitsInt32(TypeId id) {
  return id == TypeId::kInt8 || id == TypeId::kInt16 || id == TypeId::kInt32 ||
         id == TypeId::kUInt8 || id == TypeId::kUInt16;
}
bool IntegerFitsInt64(TypeId id) {
  return IntegerFitsInt32(id) || id == TypeId::kInt64 || id == TypeId::kUInt32;
}

int FindChild(const DataType& type, std::string_view name) {
  for (size_t i = 0; i < type.children.size(); ++i) {
    if (type.children[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Status CheckField(const Field& from, const Field& to, const std::string& path);

// Whether values of `from` can be written as `to` (see table_sink.h). `path` names the column.
Status CheckType(const DataType& from, const DataType& to, const std::string& path) {
  auto mismatch = [&] {
    return Status::InvalidArgument("column '{}' is {} in the input, {} in the table", path,
                                   from.ToString(), to.ToString());
  };
  bool ok = false;
  switch (to.id) {
    case TypeId::kInt32:
      ok = IntegerFitsInt32(from.id);
      break;
    case TypeId::kInt64:
      ok = IntegerFitsInt64(from.id);
      break;
    case TypeId::kFloat64:
      ok = from.id == TypeId::kFloat32 || from.id == TypeId::kFloat64;
      break;
    case TypeId::kString:
      ok = from.id == TypeId::kString || from.id == TypeId::kEnum || from.id == TypeId::kJson;
      break;
    case TypeId::kDecimal:
      ok = from.id == TypeId::kDecimal && from.scale == to.scale && from.precision <= to.precision;
      break;
    case TypeId::kFixedBinary:
      ok = from.id == TypeId::kFixedBinary && from.byte_width == to.byte_width;
      break;
    case TypeId::kTime:
      ok = from.id == TypeId::kTime && UnitsPerSecond(from.unit) <= UnitsPerSecond(to.unit);
      break;
    case TypeId::kTimestamp:
      ok = from.id == TypeId::kTimestamp && (from.utc == to.utc || to.utc) &&
           UnitsPerSecond(from.unit) <= UnitsPerSecond(to.unit);
      break;
    case TypeId::kStruct: {
      if (from.id != TypeId::kStruct) return mismatch();
      for (const Field& f : from.children) {
        if (FindChild(to, f.name) < 0) {
          return Status::InvalidArgument("column '{}.{}' is not in the table", path, f.name);
        }
      }
      for (const Field& t : to.children) {
        const int i = FindChild(from, t.name);
        const std::string child = path + "." + t.name;
        if (i < 0) {
          if (!t.nullable) {
            return Status::InvalidArgument(
                "column '{}' is required in the table but the input lacks it", child);
          }
          continue;
        }
        FLOE_RETURN_IF_ERROR(CheckField(from.children[static_cast<size_t>(i)], t, child));
      }
      return Status::OK();
    }
    case TypeId::kList:
      if (from.id != TypeId::kList) return mismatch();
      return CheckField(from.children[0], to.children[0], path + ".element");
    case TypeId::kMap:
      if (from.id != TypeId::kMap) return mismatch();
      FLOE_RETURN_IF_ERROR(CheckField(from.children[0], to.children[0], path + ".key"));
      return CheckField(from.children[1], to.children[1], path + ".value");
    default:
      ok = from.id == to.id;
      break;
  }
  return ok ? Status::OK() : mismatch();
}

Status CheckField(const Field& from, const Field& to, const std::string& path) {
  if (from.nullable && !to.nullable) {
    return Status::InvalidArgument("column '{}' is required in the table but optional in the input",
                                   path);
  }
  return CheckType(*from.type, *to.type, path);
}

// ---- Column conversion (only what CheckType accepted).

ColumnPtr NullColumn(const floe::TypePtr& type, int64_t rows) {
  ColumnBuilder b(type);
  b.Reserve(rows);
  for (int64_t i = 0; i < rows; ++i) b.AppendNull();
  return b.Finish();
}

// A column of type `to` with `c`'s length, nulls and validity (copied); no values yet.
std::shared_ptr<Column> Shell(const Column& c, const floe::TypePtr& to) {
  auto out = std::make_shared<Column>(to);
  out->length = c.length;
  out->null_count = c.null_count;
  if (c.null_count > 0) out->validity = c.validity.Clone();
  return out;
}

// `c` under type `to`, same layout: every buffer copied, children shared.
ColumnPtr Retyped(const Column& c, const floe::TypePtr& to) {
  std::shared_ptr<Column> out = Shell(c, to);
  out->values = c.values.Clone();
  out->offsets = c.offsets.Clone();
  out->data = c.data.Clone();
  out->children = c.children;
  return out;
}

template <typename From, typename To>
void WidenValues(const Column& c, Column* out) {
  out->values.Resize(static_cast<size_t>(c.length) * sizeof(To));
  const From* in = c.Values<From>();
  To* dst = out->values.as<To>();
  for (int64_t i = 0; i < c.length; ++i) dst[i] = static_cast<To>(in[i]);
}

template <typename To>
ColumnPtr WidenInteger(const Column& c, const floe::TypePtr& to) {
  std::shared_ptr<Column> out = Shell(c, to);
  switch (c.type->id) {
    case TypeId::kInt8:
      WidenValues<int8_t, To>(c, out.get());
      break;
    case TypeId::kInt16:
      WidenValues<int16_t, To>(c, out.get());
      break;
    case TypeId::kInt32:
      WidenValues<int32_t, To>(c, out.get());
      break;
    case TypeId::kUInt8:
      WidenValues<uint8_t, To>(c, out.get());
      break;
    case TypeId::kUInt16:
      WidenValues<uint16_t, To>(c, out.get());
      break;
    case TypeId::kUInt32:
      WidenValues<uint32_t, To>(c, out.get());
      break;
    default:
      WidenValues<int64_t, To>(c, out.get());
      break;
  }
  return out;
}

// int64 values in a coarser unit, multiplied into `to`'s.
Result<ColumnPtr> ScaleInt64(const Column& c, const floe::TypePtr& to, int64_t factor,
                             const std::string& path) {
  std::shared_ptr<Column> out = Shell(c, to);
  out->values.Resize(static_cast<size_t>(c.length) * sizeof(int64_t));
  const int64_t* in = c.Values<int64_t>();
  int64_t* dst = out->values.as<int64_t>();
  for (int64_t i = 0; i < c.length; ++i) {
    if (__builtin_mul_overflow(in[i], factor, &dst[i]) && c.IsValid(i)) {
      return Status::InvalidArgument("column '{}', row {}: {} does not fit {}", path, i, in[i],
                                     to->ToString());
    }
  }
  return ColumnPtr(std::move(out));
}

// `column` as a column of `to` (CheckType accepted the pair). Columns already of the
// table's type are shared, not copied.
Result<ColumnPtr> ConformColumn(const ColumnPtr& column, const Field& to, const std::string& path) {
  const Column& c = *column;
  const DataType& from = *c.type;
  const DataType& t = *to.type;
  if (from == t) return column;
  switch (t.id) {
    case TypeId::kInt32:
      if (from.id != TypeId::kInt32) return WidenInteger<int32_t>(c, to.type);
      break;
    case TypeId::kInt64:
      if (from.id != TypeId::kInt64) return WidenInteger<int64_t>(c, to.type);
      break;
    case TypeId::kFloat64:
      if (from.id == TypeId::kFloat32) {
        std::shared_ptr<Column> out = Shell(c, to.type);
        WidenValues<float, double>(c, out.get());
        return ColumnPtr(std::move(out));
      }
      break;
    case TypeId::kTime:
    case TypeId::kTimestamp:
      if (from.unit != t.unit) {
        return ScaleInt64(c, to.type, UnitsPerSecond(t.unit) / UnitsPerSecond(from.unit), path);
      }
      break;
    case TypeId::kStruct: {
      std::shared_ptr<Column> out = Shell(c, to.type);
      out->children.reserve(t.children.size());
      for (const Field& child : t.children) {
        const int i = FindChild(from, child.name);
        if (i < 0) {
          out->children.push_back(NullColumn(child.type, c.length));
          continue;
        }
        FLOE_ASSIGN_OR_RETURN(ColumnPtr conformed, ConformColumn(c.children[static_cast<size_t>(i)],
                                                                 child, path + "." + child.name));
        out->children.push_back(std::move(conformed));
      }
      return ColumnPtr(std::move(out));
    }
    case TypeId::kList:
    case TypeId::kMap: {
      std::shared_ptr<Column> out = Shell(c, to.type);
      out->offsets = c.offsets.Clone();
      static constexpr const char* kNames[2][2] = {{".element", ""}, {".key", ".value"}};
      const int which = t.id == TypeId::kList ? 0 : 1;
      for (size_t k = 0; k < t.children.size(); ++k) {
        FLOE_ASSIGN_OR_RETURN(ColumnPtr conformed,
                              ConformColumn(c.children[k], t.children[k], path + kNames[which][k]));
        out->children.push_back(std::move(conformed));
      }
      return ColumnPtr(std::move(out));
    }
    default:
      break;
  }
  return Retyped(c, to.type);
}

// In-memory bytes of a column: what a batch costs before encoding.
int64_t ColumnBytes(const Column& c) {
  int64_t n =
      static_cast<int64_t>(c.validity.size() + c.values.size() + c.offsets.size() + c.data.size());
  for (const ColumnPtr& child : c.children) n += ColumnBytes(*child);
  return n;
}

// ---- Table creation.

// `type` with field ids cleared (so AssignFieldIds numbers every field) and timestamps
// marked UTC (ingest times are instants).
floe::TypePtr TableTypeOf(const floe::TypePtr& type) {
  if (type->id == TypeId::kTimestamp && !type->utc) return floe::types::Timestamp(type->unit, true);
  if (!type->IsNested()) return type;
  auto copy = std::make_shared<DataType>(*type);
  for (Field& f : copy->children) {
    f.id = -1;
    f.type = TableTypeOf(f.type);
  }
  return copy;
}

Status EnsureNamespace(iceberg::Catalog& catalog, const iceberg::Namespace& ns) {
  iceberg::Namespace level;
  for (const std::string& part : ns) {
    level.push_back(part);
    Status s = catalog.CreateNamespace(level, {});
    if (!s.ok() && !s.IsAlreadyExists()) return s;
  }
  return Status::OK();
}

Result<iceberg::LoadedTable> LoadOrCreateTable(iceberg::Catalog& catalog,
                                               const iceberg::TableIdentifier& id,
                                               const SinkConfig& config,
                                               const floe::Schema& input) {
  Result<iceberg::LoadedTable> loaded = catalog.LoadTable(id);
  if (loaded.ok() || !loaded.status().IsNotFound()) return loaded;

  floe::Schema columnar = input;
  for (Field& f : columnar.fields) {
    f.id = -1;
    f.type = TableTypeOf(f.type);
  }
  int32_t last_column_id = 0;
  iceberg::AssignFieldIds(&columnar.fields, &last_column_id);
  iceberg::CreateTableRequest request;
  Result<iceberg::Schema> schema = iceberg::Schema::FromColumnar(columnar, 0);
  if (!schema.ok()) {
    return schema.status().WithContext("the input schema does not fit an Iceberg table");
  }
  request.schema = std::move(*schema);
  FLOE_RETURN_IF_ERROR(request.schema.Validate());
  if (!config.partition.empty()) {
    Result<iceberg::PartitionSpec> spec =
        iceberg::ParsePartitionSpecText(config.partition, request.schema);
    if (!spec.ok()) {
      return spec.status().WithContext(fmt::format("partition '{}'", config.partition));
    }
    request.spec = std::move(*spec);
  }
  for (const auto& [key, value] : config.properties) request.properties[key] = value;
  FLOE_RETURN_IF_ERROR(EnsureNamespace(catalog, id.ns));
  Result<iceberg::LoadedTable> created = catalog.CreateTable(id, request);
  if (created.status().IsAlreadyExists()) return catalog.LoadTable(id);  // lost a race
  return created;
}

// ---- The sink's position in a table's history.

std::string_view SummaryValue(const iceberg::Snapshot& s, std::string_view key) {
  auto it = s.summary.find(std::string(key));
  return it == s.summary.end() ? std::string_view() : std::string_view(it->second);
}

// The end-lsn of the newest snapshot on the current snapshot's ancestry committed by this
// sink for this log; 0 when there is none.
Result<Lsn> CommittedLsn(const iceberg::TableMetadata& metadata, std::string_view log_id,
                         std::string_view sink) {
  std::unordered_map<int64_t, const iceberg::Snapshot*> by_id;
  by_id.reserve(metadata.snapshots.size());
  for (const iceberg::Snapshot& s : metadata.snapshots) by_id.emplace(s.snapshot_id, &s);
  const iceberg::Snapshot* s = metadata.CurrentSnapshot();
  for (size_t steps = 0; s != nullptr && steps <= metadata.snapshots.size(); ++steps) {
    if (SummaryValue(*s, kSummaryLogId) == log_id && SummaryValue(*s, kSummarySink) == sink) {
      const std::string_view text = SummaryValue(*s, kSummaryEndLsn);
      Lsn lsn = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), lsn);
      if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return Status::Corruption("snapshot {}: summary {} is '{}', not a position", s->snapshot_id,
                                  kSummaryEndLsn, text);
      }
      return lsn;
    }
    if (!s->parent_snapshot_id) break;
    auto it = by_id.find(*s->parent_snapshot_id);
    s = it == by_id.end() ? nullptr : it->second;  // expired ancestors end the walk
  }
  return Lsn{0};
}

class TableSink final : public Sink {
 public:
  TableSink(const SinkConfig& config, SchemaPtr input, const Sink::Context& context,
            iceberg::TableIdentifier id, iceberg::LoadedTable table, floe::SchemaPtr table_schema,
            std::vector<int> sources, iceberg::DataFileWriterOptions writer_options, Lsn committed)
      : Sink(config.name),
        input_(std::move(input)),
        catalog_(context.catalog),
        log_id_(context.log_id),
        id_(std::move(id)),
        table_(std::move(table)),
        table_schema_(std::move(table_schema)),
        sources_(std::move(sources)),
        writer_options_(std::move(writer_options)),
        committed_(committed),
        written_(committed) {}

  ~TableSink() override { Abort(); }

  Lsn committed_lsn() const override { return committed_; }
  Lsn written_lsn() const override { return written_; }
  int64_t pending_rows() const override { return pending_rows_; }
  int64_t pending_bytes() const override { return pending_bytes_; }

  Status Write(const RecordBatch& batch, Lsn end_lsn) override {
    if (failed_) return Error("an earlier write failed; Abort first");
    if (end_lsn < written_ || end_lsn <= committed_) {
      return Status::InvalidArgument(
          "sink '{}': write ending at {} after position {} (committed {}); positions must grow",
          name(), end_lsn, written_, committed_);
    }
    if (batch.columns.size() != input_->fields.size()) {
      return Status::InvalidArgument("sink '{}': batch has {} columns, the input schema {}", name(),
                                     batch.columns.size(), input_->fields.size());
    }
    if (batch.num_rows > 0) {
      Status s = WriteRows(batch);
      if (!s.ok()) {
        failed_ = true;
        return s.WithContext(Where());
      }
    }
    written_ = end_lsn;
    return Status::OK();
  }

  Result<SinkCommitStats> Commit() override {
    if (failed_) return Error("an earlier write failed; Abort first");
    SinkCommitStats stats;
    stats.start_lsn = committed_;
    FLOE_RETURN_IF_ERROR(ResolveUncertainCommit());
    if (pending_rows_ == 0) {
      // The writes since the last commit carried no rows: the table already holds all
      // they did (nothing), so the position advances without a snapshot.
      const Lsn end = written_;
      DropPending();
      committed_ = written_ = end;
      stats.end_lsn = end;
      return stats;
    }
    const Lsn end = written_;
    Result<std::vector<iceberg::DataFile>> files = writer_->Finish();
    writer_.reset();
    if (!files.ok()) {
      DropPending();
      return files.status().WithContext(Where());
    }
    for (const iceberg::DataFile& f : *files) {
      stats.rows += f.record_count;
      stats.bytes += f.file_size_in_bytes;
    }
    stats.files = static_cast<int64_t>(files->size());

    iceberg::WriteCommitOptions options;
    options.summary[std::string(kSummaryLogId)] = log_id_;
    options.summary[std::string(kSummarySink)] = name();
    options.summary[std::string(kSummaryEndLsn)] = std::to_string(end);
    Result<iceberg::LoadedTable> committed = iceberg::AppendFiles(*catalog_, id_, *files, options);
    if (!committed.ok()) {
      // The answer may have been lost after the commit landed: the table decides.
      Result<iceberg::LoadedTable> now = catalog_->LoadTable(id_);
      Result<Lsn> landed =
          now.ok() ? CommittedLsn(now->metadata, log_id_, name()) : Result<Lsn>(now.status());
      if (!landed.ok() || *landed != end) {
        if (landed.ok()) {
          DeleteFiles(*files);  // not referenced by the table: safe to remove
        } else {
          uncertain_end_ = end;  // decided at the next commit
          for (const iceberg::DataFile& f : *files) uncertain_files_.push_back(f.file_path);
        }
        DropPending();
        return committed.status().WithContext(Where());
      }
    }
    committed_ = end;
    stats.end_lsn = end;
    DropPending();
    return stats;
  }

  void Abort() override {
    DropPending();
    failed_ = false;
  }

 private:
  std::string Where() const { return fmt::format("sink '{}', table {}", name(), id_.ToString()); }
  Status Error(std::string_view what) const {
    return Status::InvalidArgument("{}: {}", Where(), what);
  }

  Status WriteRows(const RecordBatch& batch) {
    if (writer_ == nullptr) {
      FLOE_ASSIGN_OR_RETURN(writer_,
                            iceberg::DataFileWriter::Open(table_.metadata, writer_options_));
    }
    RecordBatch conformed;
    conformed.schema = writer_->schema();
    conformed.num_rows = batch.num_rows;
    conformed.columns.reserve(table_schema_->fields.size());
    for (size_t i = 0; i < table_schema_->fields.size(); ++i) {
      const Field& field = table_schema_->fields[i];
      if (sources_[i] < 0) {
        conformed.columns.push_back(NullColumn(field.type, batch.num_rows));
        continue;
      }
      const ColumnPtr& column = batch.columns[static_cast<size_t>(sources_[i])];
      if (column == nullptr || column->length != batch.num_rows) {
        return Status::InvalidArgument("column '{}' has {} rows, the batch {}", field.name,
                                       column ? column->length : 0, batch.num_rows);
      }
      FLOE_ASSIGN_OR_RETURN(ColumnPtr c, ConformColumn(column, field, field.name));
      conformed.columns.push_back(std::move(c));
      pending_bytes_ += ColumnBytes(*column);
    }
    FLOE_RETURN_IF_ERROR(writer_->Write(conformed));
    pending_rows_ += batch.num_rows;
    return Status::OK();
  }

  // An earlier commit failed and the table could not be read to tell whether it landed:
  // read it now. Landed: the pending rows (replayed from before it) would be written twice,
  // so the sink must be reopened. Not landed: its files are orphans, removed.
  Status ResolveUncertainCommit() {
    if (!uncertain_end_) return Status::OK();
    FLOE_ASSIGN_OR_RETURN(iceberg::LoadedTable now, catalog_->LoadTable(id_));
    FLOE_ASSIGN_OR_RETURN(Lsn landed, CommittedLsn(now.metadata, log_id_, name()));
    if (landed > committed_) {
      return Status::Internal(
          "{}: the commit up to {} reported an error but is in the table; reopen the sink to "
          "resume from it",
          Where(), landed);
    }
    for (const std::string& path : uncertain_files_) (void)io::Delete(path);
    uncertain_files_.clear();
    uncertain_end_.reset();
    return Status::OK();
  }

  static void DeleteFiles(const std::vector<iceberg::DataFile>& files) {
    for (const iceberg::DataFile& f : files) (void)io::Delete(f.file_path);
  }

  void DropPending() {
    if (writer_ != nullptr) (void)writer_->Abort();
    writer_.reset();
    pending_rows_ = 0;
    pending_bytes_ = 0;
    written_ = committed_;
  }

  const SchemaPtr input_;
  iceberg::Catalog* const catalog_;
  const std::string log_id_;
  const iceberg::TableIdentifier id_;
  // The table as opened: files are written for its schema and default spec.
  const iceberg::LoadedTable table_;
  const floe::SchemaPtr table_schema_;  // its columnar form, field ids set
  const std::vector<int> sources_;      // per table column: the input column, or -1
  const iceberg::DataFileWriterOptions writer_options_;

  std::unique_ptr<iceberg::DataFileWriter> writer_;  // open while rows are pending
  Lsn committed_ = 0;
  Lsn written_ = 0;
  int64_t pending_rows_ = 0;
  int64_t pending_bytes_ = 0;  // in-memory bytes of the rows written (an upper bound)
  bool failed_ = false;
  std::optional<Lsn> uncertain_end_;
  std::vector<std::string> uncertain_files_;
};

}  // namespace

Result<std::unique_ptr<Sink>> OpenTableSink(const SinkConfig& config, SchemaPtr input_schema,
                                            const Sink::Context& context) {
  const std::string sink = fmt::format("sink '{}'", config.name);
  if (context.catalog == nullptr) return Status::InvalidArgument("{}: no catalog given", sink);
  if (input_schema == nullptr) return Status::InvalidArgument("{}: no input schema", sink);
  if (config.max_file_mb <= 0) {
    return Status::InvalidArgument("{}: max_file_mb must be positive, got {}", sink,
                                   config.max_file_mb);
  }
  Result<iceberg::TableIdentifier> id = iceberg::TableIdentifier::Parse(config.table);
  if (!id.ok()) return id.status().WithContext(sink);
  const std::string where = fmt::format("{}, table {}", sink, id->ToString());

  Result<iceberg::LoadedTable> table =
      LoadOrCreateTable(*context.catalog, *id, config, *input_schema);
  if (!table.ok()) return table.status().WithContext(where);
  const iceberg::Schema* schema = table->metadata.CurrentSchema();
  if (schema == nullptr) return Status::Corruption("{}: the table has no current schema", where);
  Result<floe::Schema> columnar = schema->ToColumnar();
  if (!columnar.ok()) return columnar.status().WithContext(where);

  // Map every table column to its input column (by name) and check the types.
  std::vector<int> sources;
  for (const Field& t : columnar->fields) {
    const int i = input_schema->IndexOf(t.name);
    sources.push_back(i);
    if (i < 0) {
      if (!t.nullable) {
        return Status::InvalidArgument(
            "{}: column '{}' is required in the table but the input lacks it", where, t.name);
      }
      continue;
    }
    Status s = CheckField(input_schema->fields[static_cast<size_t>(i)], t, t.name);
    if (!s.ok()) return s.WithContext(where);
  }
  for (const Field& f : input_schema->fields) {
    if (columnar->IndexOf(f.name) < 0) {
      return Status::InvalidArgument("{}: input column '{}' is not in the table", where, f.name);
    }
  }

  Result<iceberg::DataFileWriterOptions> options =
      iceberg::DataFileWriterOptionsFromProperties(table->metadata.properties);
  if (!options.ok()) return options.status().WithContext(where);
  options->target_file_size_bytes = config.max_file_mb << 20;
  Result<Lsn> committed = CommittedLsn(table->metadata, context.log_id, config.name);
  if (!committed.ok()) return committed.status().WithContext(where);

  auto table_schema = std::make_shared<const floe::Schema>(std::move(*columnar));
  return std::unique_ptr<Sink>(
      new TableSink(config, std::move(input_schema), context, std::move(*id), std::move(*table),
                    std::move(table_schema), std::move(sources), std::move(*options), *committed));
}

}  // namespace floe::ingest
