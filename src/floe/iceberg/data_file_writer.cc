#include "floe/iceberg/data_file_writer.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "floe/columnar/take.h"
#include "floe/format/parquet/compression.h"
#include "floe/format/parquet/file_writer.h"
#include "floe/iceberg/data_file_metrics.h"
#include "floe/iceberg/update.h"
#include "floe/io/object_store.h"

namespace floe::iceberg {
namespace {

Result<int64_t> ParsePositive(const std::map<std::string, std::string>& properties,
                              std::string_view key, int64_t fallback) {
  auto v = IntProperty(properties, key, fallback);
  if (!v.ok() || *v <= 0) {
    return Status::InvalidArgument("table property {}: expected a positive integer, got '{}'", key,
                                   properties.at(std::string(key)));
  }
  return v;
}

// The value of row `row` of `column` (of the columnar form of `type`) as an Iceberg Value.
Value ValueAt(const Column& column, int64_t row) {
  if (column.IsNull(row)) return std::monostate{};
  switch (column.type->id) {
    case TypeId::kBool:
      return column.Value<uint8_t>(row) != 0;
    case TypeId::kInt32:
    case TypeId::kDate:
      return column.Value<int32_t>(row);
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
      return column.Value<int64_t>(row);
    case TypeId::kFloat32:
      return column.Value<float>(row);
    case TypeId::kFloat64:
      return column.Value<double>(row);
    case TypeId::kDecimal:
      return column.Value<__int128>(row);
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kJson:
    case TypeId::kEnum:
      return std::string(column.StringAt(row));
    case TypeId::kFixedBinary:
    case TypeId::kUuid:
      return std::string(column.FixedAt(row));
    default:
      return std::monostate{};
  }
}

// Where a partition source column sits in a batch: the path of child indexes from a
// top-level column down through structs.
struct SourcePath {
  std::vector<int> indexes;
  const Type* type = nullptr;  // the Iceberg source type
};

bool FindFieldPath(const std::vector<NestedField>& fields, int32_t id, std::vector<int>* path) {
  for (size_t i = 0; i < fields.size(); ++i) {
    path->push_back(static_cast<int>(i));
    if (fields[i].id == id) return true;
    if (fields[i].type->kind == TypeKind::kStruct &&
        FindFieldPath(fields[i].type->fields, id, path)) {
      return true;
    }
    path->pop_back();
  }
  return false;
}

// The source value of `row`: null when any struct on the way is null.
Value SourceValue(const RecordBatch& batch, const SourcePath& source, int64_t row) {
  const Column* c = batch.columns[source.indexes[0]].get();
  for (size_t d = 1; d < source.indexes.size(); ++d) {
    if (c->IsNull(row)) return std::monostate{};
    c = c->children[source.indexes[d]].get();
  }
  return ValueAt(*c, row);
}

// A byte key identifying a partition tuple (for grouping rows).
void AppendKey(const Value& v, std::string* key) {
  key->push_back(static_cast<char>(v.index()));
  std::visit(
      [key](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          uint32_t n = static_cast<uint32_t>(x.size());
          key->append(reinterpret_cast<const char*>(&n), sizeof n);
          key->append(x);
        } else if constexpr (!std::is_same_v<T, std::monostate>) {
          key->append(reinterpret_cast<const char*>(&x), sizeof x);
        }
      },
      v);
}

class WriterImpl final : public DataFileWriter {
 public:
  WriterImpl(Schema schema, PartitionSpec spec, floe::SchemaPtr columnar, std::string data_root,
             DataFileWriterOptions options, std::vector<SourcePath> sources)
      : schema_(std::move(schema)),
        spec_(std::move(spec)),
        columnar_(std::move(columnar)),
        data_root_(std::move(data_root)),
        options_(std::move(options)),
        sources_(std::move(sources)),
        write_id_(NewUuid()) {}

  ~WriterImpl() override {
    if (!finished_) (void)Abort();
  }

  const floe::SchemaPtr& schema() const override { return columnar_; }

  Status Write(const RecordBatch& batch) override {
    if (finished_) return Status::InvalidArgument("data file writer: already finished");
    if (batch.num_rows == 0) return Status::OK();
    if (batch.columns.size() != columnar_->fields.size()) {
      return Status::InvalidArgument("data file writer: batch has {} columns, the table {}",
                                     batch.columns.size(), columnar_->fields.size());
    }
    if (spec_.IsUnpartitioned()) return WriteTo({}, "", batch);

    // Group rows by partition tuple; rows of one partition usually come in runs.
    struct Group {
      std::vector<Value> tuple;
      std::vector<RowRange> ranges;
    };
    std::unordered_map<std::string, size_t> group_of;
    std::vector<Group> groups;
    std::vector<Value> tuple(spec_.fields.size());  // reused for every row
    std::string key;
    std::string previous_key;
    size_t current = 0;
    for (int64_t row = 0; row < batch.num_rows; ++row) {
      FLOE_RETURN_IF_ERROR(FillTuple(batch, row, &tuple));
      key.clear();
      for (const Value& v : tuple) AppendKey(v, &key);
      if (row > 0 && key == previous_key) {
        groups[current].ranges.back().end = row + 1;
        continue;
      }
      auto [it, inserted] = group_of.try_emplace(key, groups.size());
      if (inserted) groups.push_back(Group{tuple, {}});
      current = it->second;
      groups[current].ranges.push_back(RowRange{row, row + 1});
      previous_key.swap(key);
    }
    for (Group& g : groups) {
      FLOE_ASSIGN_OR_RETURN(std::string key_text, spec_.PartitionPath(schema_, g.tuple));
      if (g.ranges.size() == 1 && g.ranges[0].begin == 0 && g.ranges[0].end == batch.num_rows) {
        FLOE_RETURN_IF_ERROR(WriteTo(std::move(g.tuple), key_text, batch));
        continue;
      }
      RecordBatch part;
      part.schema = batch.schema;
      part.num_rows = CountRows(g.ranges);
      part.columns.reserve(batch.columns.size());
      for (const ColumnPtr& c : batch.columns) part.columns.push_back(TakeRanges(*c, g.ranges));
      FLOE_RETURN_IF_ERROR(WriteTo(std::move(g.tuple), key_text, part));
    }
    return Status::OK();
  }

  Result<std::vector<DataFile>> Finish() override {
    if (finished_) return Status::InvalidArgument("data file writer: already finished");
    while (!open_.empty()) FLOE_RETURN_IF_ERROR(CloseFile(open_.begin()));
    finished_ = true;
    return std::move(done_);
  }

  Status Abort() override {
    finished_ = true;
    open_.clear();  // a writer destroyed before Close never publishes its file
    Status first;
    for (const DataFile& f : done_) {
      Status s = io::Delete(f.file_path);
      if (!s.ok() && first.ok()) first = s;
    }
    done_.clear();
    return first;
  }

 private:
  struct OpenFile {
    std::string path;
    std::vector<Value> partition;
    std::unique_ptr<parquet::FileWriter> writer;
    uint64_t last_write = 0;
  };
  using OpenMap = std::unordered_map<std::string, OpenFile>;

  // The partition tuple of `row` into `tuple` (one value per spec field).
  Status FillTuple(const RecordBatch& batch, int64_t row, std::vector<Value>* tuple) const {
    for (size_t i = 0; i < spec_.fields.size(); ++i) {
      const PartitionField& f = spec_.fields[i];
      auto v = f.transform.Apply(*sources_[i].type, SourceValue(batch, sources_[i], row));
      if (!v.ok()) {
        return Status::InvalidArgument("row {}: partition field '{}': {}", row, f.name,
                                       v.status().message());
      }
      (*tuple)[i] = std::move(*v);
    }
    return Status::OK();
  }

  Status WriteTo(std::vector<Value> tuple, const std::string& partition_path,
                 const RecordBatch& batch) {
    auto it = open_.find(partition_path);
    if (it == open_.end()) {
      if (open_.size() >= options_.max_open_files) {
        auto oldest = std::min_element(
            open_.begin(), open_.end(),
            [](const auto& a, const auto& b) { return a.second.last_write < b.second.last_write; });
        FLOE_RETURN_IF_ERROR(CloseFile(oldest));
      }
      FLOE_ASSIGN_OR_RETURN(OpenFile file, StartFile(std::move(tuple), partition_path));
      it = open_.emplace(partition_path, std::move(file)).first;
    }
    it->second.last_write = ++clock_;
    FLOE_RETURN_IF_ERROR(it->second.writer->Write(batch));
    const parquet::FileWriter& w = *it->second.writer;
    if (static_cast<int64_t>(w.bytes_written()) + w.buffered_bytes() >=
        options_.target_file_size_bytes) {
      FLOE_RETURN_IF_ERROR(CloseFile(it));
    }
    return Status::OK();
  }

  Result<OpenFile> StartFile(std::vector<Value> tuple, const std::string& partition_path) {
    std::string name = fmt::format("{:05}-{}.parquet", ++file_counter_, write_id_);
    if (!options_.file_name_prefix.empty()) name = options_.file_name_prefix + "-" + name;
    std::string path = data_root_;
    if (!partition_path.empty()) path += "/" + partition_path;
    path += "/" + name;
    FLOE_ASSIGN_OR_RETURN(std::unique_ptr<io::WritableFile> out, io::OpenForWrite(path));
    parquet::WriterOptions parquet = options_.parquet;
    parquet.row_group_bytes = std::min(parquet.row_group_bytes, options_.target_file_size_bytes);
    FLOE_ASSIGN_OR_RETURN(std::unique_ptr<parquet::FileWriter> writer,
                          parquet::FileWriter::Open(std::move(out), columnar_, parquet));
    return OpenFile{std::move(path), std::move(tuple), std::move(writer), 0};
  }

  Status CloseFile(OpenMap::iterator it) {
    OpenFile file = std::move(it->second);
    open_.erase(it);
    FLOE_ASSIGN_OR_RETURN(std::shared_ptr<const parquet::FileMetaData> footer,
                          file.writer->Close());
    FLOE_ASSIGN_OR_RETURN(DataFile data_file, DataFileFromFooter(schema_, *footer));
    data_file.file_path = std::move(file.path);
    data_file.file_size_in_bytes = static_cast<int64_t>(file.writer->bytes_written());
    data_file.spec_id = spec_.spec_id;
    data_file.partition = std::move(file.partition);
    done_.push_back(std::move(data_file));
    return Status::OK();
  }

  Schema schema_;
  PartitionSpec spec_;
  floe::SchemaPtr columnar_;
  std::string data_root_;
  DataFileWriterOptions options_;
  std::vector<SourcePath> sources_;  // per spec field
  std::string write_id_;
  OpenMap open_;
  std::vector<DataFile> done_;
  uint64_t clock_ = 0;
  int file_counter_ = 0;
  bool finished_ = false;
};

}  // namespace

Result<DataFileWriterOptions> DataFileWriterOptionsFromProperties(
    const std::map<std::string, std::string>& properties) {
  DataFileWriterOptions o;
  FLOE_ASSIGN_OR_RETURN(
      o.target_file_size_bytes,
      ParsePositive(properties, "write.target-file-size-bytes", o.target_file_size_bytes));
  FLOE_ASSIGN_OR_RETURN(int64_t max_open, ParsePositive(properties, "write.floe.max-open-files",
                                                        static_cast<int64_t>(o.max_open_files)));
  o.max_open_files = static_cast<size_t>(max_open);
  FLOE_ASSIGN_OR_RETURN(
      o.parquet.row_group_bytes,
      ParsePositive(properties, "write.parquet.row-group-size-bytes", o.parquet.row_group_bytes));
  FLOE_ASSIGN_OR_RETURN(
      o.parquet.page_bytes,
      ParsePositive(properties, "write.parquet.page-size-bytes", o.parquet.page_bytes));
  std::string codec = "zstd";
  if (auto it = properties.find("write.parquet.compression-codec"); it != properties.end()) {
    codec = it->second;
  }
  if (auto it = properties.find("write.parquet.compression-level"); it != properties.end()) {
    codec += ":" + it->second;
  }
  auto parsed = parquet::ParseCompression(codec);
  if (!parsed.ok()) {
    return Status::InvalidArgument("table property write.parquet.compression-codec: {}",
                                   parsed.status().message());
  }
  o.parquet.compression = parsed->first;
  o.parquet.compression_level = parsed->second;
  static constexpr std::string_view kBloomPrefix = "write.parquet.bloom-filter-enabled.column.";
  for (const auto& [key, value] : properties) {
    if (key.starts_with(kBloomPrefix) && value == "true") {
      o.parquet.bloom_filter_columns.insert(key.substr(kBloomPrefix.size()));
    }
  }
  return o;
}

Result<std::unique_ptr<DataFileWriter>> DataFileWriter::Open(const TableMetadata& metadata,
                                                             DataFileWriterOptions options) {
  const Schema* schema = metadata.CurrentSchema();
  const PartitionSpec* spec = metadata.DefaultSpec();
  if (schema == nullptr || spec == nullptr) {
    return Status::InvalidArgument("table {}: no current schema or default partition spec",
                                   metadata.location);
  }
  if (options.target_file_size_bytes <= 0 || options.max_open_files == 0) {
    return Status::InvalidArgument("data file writer: target size and open files must be > 0");
  }
  FLOE_ASSIGN_OR_RETURN(floe::Schema columnar, schema->ToColumnar());
  std::vector<SourcePath> sources;
  for (const PartitionField& f : spec->fields) {
    SourcePath source;
    if (!FindFieldPath(schema->fields(), f.source_id, &source.indexes)) {
      return Status::InvalidArgument("partition field '{}': source column {} is not in the schema",
                                     f.name, f.source_id);
    }
    source.type = schema->FindById(f.source_id)->type.get();
    if (f.transform.kind() == TransformKind::kUnknown) {
      return Status::NotSupported("partition field '{}': cannot write transform {}", f.name,
                                  f.transform.ToString());
    }
    sources.push_back(std::move(source));
  }
  std::string root;
  if (auto it = metadata.properties.find("write.data.path"); it != metadata.properties.end()) {
    root = it->second;
  } else {
    root = metadata.location + "/data";
  }
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return std::unique_ptr<DataFileWriter>(
      new WriterImpl(*schema, *spec, std::make_shared<const floe::Schema>(std::move(columnar)),
                     std::move(root), std::move(options), std::move(sources)));
}

}  // namespace floe::iceberg
