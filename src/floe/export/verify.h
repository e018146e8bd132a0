// Verifying exported files: per-column checksums computed over the batches as they are
// written, compared with the same checksums over the rows read back from the published
// files (row counts and every column).
//
// A column checksum is the wrapping sum over its rows of XXH3-64 of the value's canonical
// bytes (nulls hash to a fixed marker; lists hash their elements in order, structs their
// fields), so it does not depend on how rows are cut into batches or row groups. Not a
// cryptographic check: it finds lost, duplicated or altered values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "floe/columnar/column.h"
#include "floe/common/status.h"

namespace floe::exporter {

struct TableChecksum {
  int64_t rows = 0;
  std::vector<uint64_t> columns;  // one per top-level column

  // Adds the rows of `batch`.
  void Add(const RecordBatch& batch);
  bool operator==(const TableChecksum&) const = default;
};

// The checksum of value `row` of `column`.
uint64_t ValueHash(const Column& column, int64_t row);

// Reads the Parquet file at `uri` and checks it holds `expected`: the row count first, then
// every column's checksum. Corruption names the file and the column that differs.
Status VerifyParquetFile(const std::string& uri, const TableChecksum& expected);

}  // namespace floe::exporter
