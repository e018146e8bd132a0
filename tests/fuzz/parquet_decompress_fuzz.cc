// libFuzzer target for the page codecs: byte 0 picks the codec, bytes 1-3 the declared
// uncompressed size (bounded to 1 MiB, as a page reader bounds it), the rest is the page.
// A successful decode must produce exactly the declared size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "floe/format/parquet/compression.h"

using floe::parquet::CompressionCodec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  static constexpr CompressionCodec kCodecs[] = {
      CompressionCodec::kUncompressed, CompressionCodec::kSnappy, CompressionCodec::kGzip,
      CompressionCodec::kLzo,          CompressionCodec::kBrotli, CompressionCodec::kLz4,
      CompressionCodec::kZstd,         CompressionCodec::kLz4Raw,
  };
  const CompressionCodec codec = kCodecs[data[0] % 8];
  const size_t expected = ((size_t{data[1]} << 16) | (size_t{data[2]} << 8) | data[3]) & 0xfffff;
  const std::span<const uint8_t> page(data + 4, size - 4);

  static floe::parquet::Codec codecs;  // reused contexts, as in a column reader
  floe::Buffer out;
  const floe::Status st = codecs.Decompress(codec, page, expected, &out);
  if (st.ok() && out.size() != expected) std::abort();
  return 0;
}
