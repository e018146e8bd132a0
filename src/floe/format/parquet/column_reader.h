// Decoding one column chunk: pages (dictionary, data v1 and v2) → repetition and
// definition levels plus the non-null leaf values, converted to the leaf's columnar
// layout (type.h). record_assembler.h turns those into nested columns.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "floe/columnar/type.h"
#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/format/parquet/metadata.h"
#include "floe/format/parquet/schema.h"

namespace floe::parquet {

// The decoded contents of one leaf column over some rows.
struct LeafData {
  const ColumnDescriptor* column = nullptr;
  // One entry per level slot; empty when the max level is 0 (then every entry is a value).
  std::vector<int16_t> def_levels;
  std::vector<int16_t> rep_levels;
  int64_t num_entries = 0;
  // Non-null values in the columnar layout of column->type: fixed-width `values`, or
  // `offsets` (int64, num_values + 1) and `data` for var-binary types.
  int64_t num_values = 0;
  Buffer values;
  Buffer offsets;
  Buffer data;
};

struct ColumnReadOptions {
  bool verify_page_crc = true;
  // A page may not declare an uncompressed size above this (hostile files).
  int64_t max_page_bytes = int64_t{1} << 30;
};

// Decodes every page of a column chunk held in `chunk` (the bytes from the chunk's first
// page to its end). `where` names the file for error messages; `chunk_offset` is the
// chunk's position in the file, so errors can give absolute offsets.
//
// With `whole_chunk` false, `chunk` holds only some of the chunk's pages (the dictionary
// page, if any, then a selection of data pages, back to back; offsets in errors are then
// positions within that selection) and every page in it is decoded.
Result<LeafData> ReadColumnChunk(const ColumnDescriptor& column, const ColumnMetaData& meta,
                                 std::span<const uint8_t> chunk, uint64_t chunk_offset,
                                 const std::string& where, const ColumnReadOptions& options,
                                 bool whole_chunk = true);

}  // namespace floe::parquet
