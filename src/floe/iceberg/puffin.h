// Puffin deletion-vector blobs (Iceberg v3 "Deletion Vectors", Puffin spec
// "deletion-vector-v1"): the blob a DV manifest entry points at with content_offset and
// content_size_in_bytes.
//
//   blob := u32 big-endian length of (magic + bitmap), magic D1 D3 39 64,
//           64-bit portable Roaring bitmap, u32 big-endian CRC-32 of (magic + bitmap)
// The 64-bit bitmap: u64 LE bucket count, then per bucket a u32 LE key (the high 32 bits)
// and a 32-bit portable Roaring bitmap of the low bits. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "floe/common/status.h"

namespace floe::iceberg {

// Decodes one deletion-vector blob into the deleted row positions, ascending. Every count
// and length is bounded by the blob size; errors are kCorruption naming `name`.
Result<std::vector<int64_t>> DecodeDeletionVector(std::string_view blob, std::string_view name);

// Decodes a 32-bit portable Roaring bitmap starting at `data`, appending `high | value` for
// each value to *out. *consumed receives the bytes used.
Status DecodePortableRoaring32(std::string_view data, uint64_t high, std::vector<int64_t>* out,
                               size_t* consumed);

}  // namespace floe::iceberg
