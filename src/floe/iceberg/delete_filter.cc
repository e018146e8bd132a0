#include "floe/iceberg/delete_filter.h"

#include <cstring>

#include "floe/format/parquet/file_reader.h"
#include "floe/iceberg/puffin.h"
#include "floe/io/object_store.h"

namespace floe::iceberg {
namespace {

void AppendRaw(std::string* key, const void* p, size_t n) {
  key->append(static_cast<const char*>(p), n);
}

int FieldIndexById(const floe::Schema& schema, int32_t id) {
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (schema.fields[static_cast<size_t>(i)].id == id) return i;
  }
  return -1;
}

}  // namespace

Status AppendEqualityKey(const Column& c, int64_t row, std::string* key) {
  if (c.IsNull(row)) {
    key->push_back('\0');
    return Status::OK();
  }
  key->push_back('\1');
  const DataType& t = *c.type;
  int64_t i64 = 0;
  switch (t.id) {
    case TypeId::kBool:
      key->push_back(c.Value<uint8_t>(row) ? '\1' : '\0');
      return Status::OK();
    case TypeId::kInt8:
      i64 = c.Value<int8_t>(row);
      break;
    case TypeId::kInt16:
      i64 = c.Value<int16_t>(row);
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      i64 = c.Value<int32_t>(row);
      break;
    case TypeId::kUInt8:
      i64 = c.Value<uint8_t>(row);
      break;
    case TypeId::kUInt16:
      i64 = c.Value<uint16_t>(row);
      break;
    case TypeId::kUInt32:
      i64 = c.Value<uint32_t>(row);
      break;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
      i64 = c.Value<int64_t>(row);
      break;
    case TypeId::kFloat32: {
      double d = c.Value<float>(row);
      AppendRaw(key, &d, sizeof d);
      return Status::OK();
    }
    case TypeId::kFloat64: {
      double d = c.Value<double>(row);
      AppendRaw(key, &d, sizeof d);
      return Status::OK();
    }
    case TypeId::kDecimal:
      AppendRaw(key, c.values.data() + row * 16, 16);
      return Status::OK();
    case TypeId::kUuid:
    case TypeId::kFixedBinary: {
      std::string_view v = c.FixedAt(row);
      key->append(v);
      return Status::OK();
    }
    default:
      if (t.IsVarBinary()) {
        std::string_view v = c.StringAt(row);
        uint64_t n = v.size();
        AppendRaw(key, &n, sizeof n);
        key->append(v);
        return Status::OK();
      }
      return Status::NotSupported("equality delete on a column of type {}", t.ToString());
  }
  AppendRaw(key, &i64, sizeof i64);
  return Status::OK();
}

Result<const std::unordered_map<std::string, std::vector<int64_t>>*> DeleteFilter::LoadPositions(
    const DataFile& deletes) {
  // A Puffin file holds several DVs: key each by its blob offset too.
  std::string cache_key = deletes.file_path;
  if (deletes.content_offset) cache_key += "#" + std::to_string(*deletes.content_offset);
  auto it = positions_.find(cache_key);
  if (it != positions_.end()) return &it->second;
  std::unordered_map<std::string, std::vector<int64_t>> by_path;
  const std::string path = mapping_.Map(deletes.file_path);
  if (deletes.IsDeletionVector()) {
    if (!deletes.referenced_data_file) {
      return Status::Corruption("deletion vector in {} has no referenced_data_file", path);
    }
    if (*deletes.content_offset < 0 || !deletes.content_size_in_bytes ||
        *deletes.content_size_in_bytes < 0) {
      return Status::Corruption("deletion vector in {}: bad content offset/size", path);
    }
    FLOE_ASSIGN_OR_RETURN(std::unique_ptr<io::RandomAccessFile> file, io::OpenForRead(path));
    FLOE_ASSIGN_OR_RETURN(std::string blob,
                          file->ReadAt(static_cast<uint64_t>(*deletes.content_offset),
                                       static_cast<uint64_t>(*deletes.content_size_in_bytes)));
    FLOE_ASSIGN_OR_RETURN(std::vector<int64_t> rows, DecodeDeletionVector(blob, path));
    by_path[mapping_.Map(*deletes.referenced_data_file)] = std::move(rows);
  } else {
    FLOE_ASSIGN_OR_RETURN(std::unique_ptr<parquet::FileReader> reader,
                          parquet::OpenParquetFile(path));
    const floe::Schema& schema = *reader->schema();
    int path_col = FieldIndexById(schema, kDeleteFilePathFieldId);
    int pos_col = FieldIndexById(schema, kDeleteFilePosFieldId);
    if (path_col < 0) path_col = schema.IndexOf("file_path");
    if (pos_col < 0) pos_col = schema.IndexOf("pos");
    if (path_col < 0 || pos_col < 0) {
      return Status::Corruption("position delete file {}: no file_path/pos columns", path);
    }
    std::string last_recorded;
    std::vector<int64_t>* last = nullptr;
    while (true) {
      FLOE_ASSIGN_OR_RETURN(std::optional<RecordBatch> batch, reader->Next());
      if (!batch) break;
      const Column& paths = *batch->columns[static_cast<size_t>(path_col)];
      const Column& pos = *batch->columns[static_cast<size_t>(pos_col)];
      if (!paths.type->IsVarBinary() || pos.type->id != TypeId::kInt64) {
        return Status::Corruption("position delete file {}: file_path/pos of types {}/{}", path,
                                  paths.type->ToString(), pos.type->ToString());
      }
      for (int64_t r = 0; r < batch->num_rows; ++r) {
        if (paths.IsNull(r) || pos.IsNull(r)) continue;
        std::string_view recorded = paths.StringAt(r);
        if (last == nullptr || recorded != last_recorded) {
          last_recorded = std::string(recorded);
          last = &by_path[mapping_.Map(recorded)];
        }
        last->push_back(pos.Value<int64_t>(r));
      }
    }
  }
  auto [ins, _] = positions_.emplace(std::move(cache_key), std::move(by_path));
  return &ins->second;
}

Status DeleteFilter::ApplyPositionDeletes(const DataFile& deletes, const std::string& data_path,
                                          DeletedRows* rows) {
  FLOE_ASSIGN_OR_RETURN(const auto* by_path, LoadPositions(deletes));
  auto it = by_path->find(mapping_.Map(data_path));
  if (it == by_path->end()) return Status::OK();
  for (int64_t p : it->second) rows->Mark(p);
  return Status::OK();
}

Result<const DeleteFilter::EqualitySet*> DeleteFilter::LoadEquality(const DataFile& deletes) {
  auto it = equality_.find(deletes.file_path);
  if (it != equality_.end()) return &it->second;
  const std::string path = mapping_.Map(deletes.file_path);
  if (deletes.equality_ids.empty()) {
    return Status::Corruption("equality delete file {} without equality_ids", path);
  }
  FLOE_ASSIGN_OR_RETURN(std::unique_ptr<parquet::FileReader> reader,
                        parquet::OpenParquetFile(path));
  std::vector<int> cols;
  for (int32_t id : deletes.equality_ids) {
    int c = FieldIndexById(*reader->schema(), id);
    if (c < 0) {
      return Status::Corruption("equality delete file {}: no column with field id {}", path, id);
    }
    cols.push_back(c);
  }
  EqualitySet set;
  std::string key;
  while (true) {
    FLOE_ASSIGN_OR_RETURN(std::optional<RecordBatch> batch, reader->Next());
    if (!batch) break;
    for (int64_t r = 0; r < batch->num_rows; ++r) {
      key.clear();
      for (int c : cols) {
        FLOE_RETURN_IF_ERROR(AppendEqualityKey(*batch->columns[static_cast<size_t>(c)], r, &key));
      }
      set.keys.insert(key);
    }
  }
  auto [ins, _] = equality_.emplace(deletes.file_path, std::move(set));
  return &ins->second;
}

Status DeleteFilter::ApplyEqualityDeletes(const DataFile& deletes, const RecordBatch& batch,
                                          int64_t base, DeletedRows* rows) {
  FLOE_ASSIGN_OR_RETURN(const EqualitySet* set, LoadEquality(deletes));
  if (set->keys.empty()) return Status::OK();
  std::vector<const Column*> cols;
  for (int32_t id : deletes.equality_ids) {
    int c = FieldIndexById(*batch.schema, id);
    if (c < 0) {
      return Status::InvalidArgument("equality delete {}: field id {} not in the scanned columns",
                                     deletes.file_path, id);
    }
    cols.push_back(batch.columns[static_cast<size_t>(c)].get());
  }
  std::string key;
  for (int64_t r = 0; r < batch.num_rows; ++r) {
    key.clear();
    for (const Column* c : cols) FLOE_RETURN_IF_ERROR(AppendEqualityKey(*c, r, &key));
    if (set->keys.contains(key)) rows->Mark(base + r);
  }
  return Status::OK();
}

}  // namespace floe::iceberg
