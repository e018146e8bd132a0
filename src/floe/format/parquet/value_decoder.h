// ValueDecoder: decodes the values section of data pages (any encoding) and
// dictionary pages for one leaf column, converting Parquet physical values into the
// leaf's columnar layout (INT96 → nanoseconds, decimals → __int128, TIME(MILLIS) →
// int64, ...) and appending them to a LeafData. Not thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/format/parquet/column_reader.h"
#include "floe/format/parquet/schema.h"
#include "floe/format/parquet/types.h"

namespace floe::parquet {

class ValueDecoder {
 public:
  explicit ValueDecoder(const ColumnDescriptor& column);

  // Decodes a dictionary page's PLAIN values (the page payload, decompressed).
  Status SetDictionary(const uint8_t* data, size_t size, int32_t num_values);
  // Decodes `count` non-null values of a data page's values section.
  Status DecodePage(Encoding encoding, std::span<const uint8_t> data, int64_t count);
  // Moves the accumulated values into `out`.
  Status Finish(LeafData* out);

 private:
  // Physical values staged before conversion: fixed-width bytes, or byte-array views.
  struct Staged {
    Buffer fixed;                   // count * physical width (BOOLEAN: 1 byte each)
    std::vector<ByteArray> arrays;  // BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY
    Buffer owned;                   // bytes `arrays` point into, when copied
    int64_t count = 0;
  };
  Status DecodeStaged(Encoding encoding, std::span<const uint8_t> data, int64_t count, Staged* out);
  Status Gather(std::span<const uint8_t> data, int64_t count, Staged* out);
  Status Convert(const Staged& s);

  const ColumnDescriptor& col_;
  int physical_width_;  // bytes per fixed-width physical value; 0 for byte arrays
  bool has_dictionary_ = false;
  Staged dictionary_;
  Staged page_;
  Buffer dict_bytes_;  // owned copy of the dictionary page
  Buffer indices_;
  int64_t num_values_ = 0;
  Buffer values_;
  Buffer offsets_;
  Buffer data_;
};

}  // namespace floe::parquet
