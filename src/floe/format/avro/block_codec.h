// The compression codecs of Avro object container files (specification, "Required Codecs"
// and "Optional Codecs"), applied to each block's serialized objects:
//   null        bytes as-is
//   deflate     RFC 1951 raw deflate (no zlib or gzip framing)
//   snappy      snappy raw format, followed by the big-endian CRC-32 (ISO 3309, zlib's
//               crc32) of the uncompressed bytes; the reader checks it
//   zstandard   one or more RFC 8878 zstd frames
// Decompression never produces more than `max_size` bytes (kResourceExhausted if the data
// would); stateless and thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "floe/common/status.h"

namespace floe::avro {

enum class Codec : uint8_t { kNull, kDeflate, kSnappy, kZstd };

// The name written under "avro.codec": "null", "deflate", "snappy", "zstandard".
std::string_view CodecName(Codec codec);
// Parses an "avro.codec" value; kNotSupported for bzip2, xz and unknown names.
Result<Codec> CodecFromName(std::string_view name);

// Appends the compressed form of `data` to *out. `level` of nullopt uses the codec default.
Status CompressBlock(Codec codec, std::string_view data, std::optional<int> level,
                     std::string* out);
// Replaces *out with the decompressed form of `data`.
Status DecompressBlock(Codec codec, std::string_view data, size_t max_size, std::string* out);

}  // namespace floe::avro
