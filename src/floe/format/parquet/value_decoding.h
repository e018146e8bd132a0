// The dispatch from a page's value encoding to the decoders in encoding/, producing
// physical values: fixed-width bytes (BOOLEAN one byte per value) or byte-array views.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/format/parquet/types.h"

namespace floe::parquet {

struct PhysicalValues {
  Type type = Type::kInt32;
  int32_t type_length = 0;                   // FIXED_LEN_BYTE_ARRAY width
  Buffer* fixed = nullptr;                   // appended: fixed-width values
  std::vector<ByteArray>* arrays = nullptr;  // appended: byte-array views
  // Bytes that `arrays` may point into when a decoder materializes values
  // (DELTA_BYTE_ARRAY); otherwise views point into the page data.
  Buffer* owned = nullptr;
};

// Decodes exactly `count` values of `encoding` from `data` into `out`.
Status DecodeValues(Encoding encoding, std::span<const uint8_t> data, int64_t count,
                    PhysicalValues* out);

// Decodes `count` dictionary indices (a bit-width byte, then RLE/bit-packed hybrid).
Status DecodeDictionaryIndices(std::span<const uint8_t> data, int64_t count, uint32_t* out);

}  // namespace floe::parquet
