#include "floe/export/verify.h"

#include <xxhash.h>

#include "floe/format/parquet/file_reader.h"

namespace floe::exporter {

namespace {
constexpr uint64_t kNullHash = 0x9e3779b97f4a7c15ull;

uint64_t Mix(uint64_t h, uint64_t v) { return XXH3_64bits_withSeed(&v, sizeof v, h); }
}  // namespace

uint64_t ValueHash(const Column& c, int64_t i) {
  if (c.IsNull(i)) return kNullHash;
  const DataType& t = *c.type;
  switch (t.id) {
    case TypeId::kList:
    case TypeId::kMap: {
      uint64_t h = XXH3_64bits("list", 4);
      for (int64_t k = c.ListBegin(i); k < c.ListEnd(i); ++k) {
        for (const ColumnPtr& child : c.children) h = Mix(h, ValueHash(*child, k));
      }
      return h;
    }
    case TypeId::kStruct: {
      uint64_t h = XXH3_64bits("struct", 6);
      for (const ColumnPtr& child : c.children) h = Mix(h, ValueHash(*child, i));
      return h;
    }
    default:
      break;
  }
  if (t.IsVarBinary()) {
    const std::string_view s = c.StringAt(i);
    return XXH3_64bits(s.data(), s.size());
  }
  const int w = t.FixedWidth();
  return XXH3_64bits(c.values.data() + i * w, static_cast<size_t>(w));
}

void TableChecksum::Add(const RecordBatch& batch) {
  if (columns.size() < batch.columns.size()) columns.resize(batch.columns.size(), 0);
  rows += batch.num_rows;
  for (size_t k = 0; k < batch.columns.size(); ++k) {
    const Column& c = *batch.columns[k];
    uint64_t sum = 0;
    for (int64_t i = 0; i < c.length; ++i) sum += ValueHash(c, i);
    columns[k] += sum;
  }
}

Status VerifyParquetFile(const std::string& uri, const TableChecksum& expected) {
  FLOE_ASSIGN_OR_RETURN(auto reader, parquet::OpenParquetFile(uri));
  if (reader->num_rows() != expected.rows) {
    return Status::Corruption("verify {}: {} rows in the footer, {} written", uri,
                              reader->num_rows(), expected.rows);
  }
  TableChecksum got;
  got.columns.assign(expected.columns.size(), 0);
  while (true) {
    FLOE_ASSIGN_OR_RETURN(auto batch, reader->Next());
    if (!batch) break;
    got.Add(*batch);
  }
  if (got.rows != expected.rows) {
    return Status::Corruption("verify {}: read back {} rows, {} written", uri, got.rows,
                              expected.rows);
  }
  const Schema& schema = *reader->schema();
  for (size_t k = 0; k < expected.columns.size(); ++k) {
    if (k >= got.columns.size() || got.columns[k] != expected.columns[k]) {
      return Status::Corruption("verify {}: column \"{}\" reads back different values", uri,
                                k < schema.fields.size() ? schema.fields[k].name : "?");
    }
  }
  return Status::OK();
}

}  // namespace floe::exporter
