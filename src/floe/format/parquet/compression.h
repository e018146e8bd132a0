// Page compression codecs (apache/parquet-format Compression.md).
//
// Every codec except the deprecated LZ4 feeds the page bytes as-is to its library:
//   SNAPPY   snappy raw format.
//   GZIP     RFC 1952 gzip. We write one gzip member; we read gzip or zlib framing and
//            pages made of several concatenated gzip members.
//   ZSTD     RFC 8878 frames (one or more; with or without a content size).
//   LZ4_RAW  one LZ4 block, no framing.
//   BROTLI   RFC 7932 stream.
//   LZ4      deprecated. Hadoop's BlockCompressorStream framing, which the spec calls an
//            "undocumented framing scheme": a sequence of blocks, each a big-endian u32
//            uncompressed block size followed by one or more chunks of (big-endian u32
//            compressed size, LZ4 block). Old parquet-cpp wrote a bare LZ4 block under the
//            same codec id instead, so the reader tries the Hadoop framing first and falls back
//            to a raw block when the framing does not parse exactly. The writer emits Hadoop
//            framing (one chunk per block, blocks of at most 128 KiB) but new files should
//            use LZ4_RAW.
//   LZO      kNotSupported.
//
// Decompression never writes or allocates beyond the uncompressed size the page header
// declares (the caller bounds that size before calling); library-internal state is bounded
// (zlib: 32 KiB window; brotli: at most its 16 MiB window; zstd/snappy/lz4 one-shot: none).
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <utility>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/format/parquet/types.h"

namespace floe::parquet {

// Pass as `level` to use the codec's default level (DefaultCompressionLevel).
inline constexpr int kDefaultCompressionLevel = INT_MIN;

// Largest page (compressed or uncompressed) the codecs accept: Parquet page sizes are i32.
inline constexpr size_t kMaxCodecBytes = INT32_MAX;

// The level a codec uses when given kDefaultCompressionLevel: ZSTD 3, GZIP 6, BROTLI 6,
// LZ4/LZ4_RAW 1 (the fast block compressor); 0 for codecs without levels.
int DefaultCompressionLevel(CompressionCodec codec);

// Accepted explicit levels per codec: ZSTD [ZSTD_minCLevel(), ZSTD_maxCLevel()] (negative =
// faster), GZIP [0, 9], BROTLI [0, 11], LZ4/LZ4_RAW [1, 12] (levels >= 2 use LZ4 HC; the format
// is the same). SNAPPY and UNCOMPRESSED accept only kDefaultCompressionLevel (or 0).
Status ValidateCompressionLevel(CompressionCodec codec, int level);

// Parses a CLI/config string: "none" | "uncompressed" | "snappy" | "gzip[:L]" | "zstd[:L]" |
// "brotli[:L]" | "lz4[:L]" | "lz4_raw[:L]" (both LZ4_RAW). Case-insensitive. Returns the codec
// and a concrete level (the default when none is given). "lzo" is kNotSupported; anything
// else, or a level out of range, is kInvalidArgument.
Result<std::pair<CompressionCodec, int>> ParseCompression(std::string_view text);

// An upper bound on Compress's output for `n` input bytes (0 for LZO or n too large).
size_t MaxCompressedLength(CompressionCodec codec, size_t n);

// Compression and decompression with reusable library contexts (ZSTD_CCtx/DCtx, zlib
// streams, LZ4 states), created on first use and kept for the object's life, so steady-state
// calls do not allocate (except inside snappy's and brotli's one-shot APIs). One per column
// writer/reader or per thread. Not thread-safe; movable.
class Codec {
 public:
  Codec();
  ~Codec();
  Codec(Codec&&) noexcept;
  Codec& operator=(Codec&&) noexcept;
  Codec(const Codec&) = delete;
  Codec& operator=(const Codec&) = delete;

  // Replaces *out with the compressed form of `in`. `level` is kDefaultCompressionLevel or a
  // level ValidateCompressionLevel accepts. in.size() must be <= kMaxCodecBytes.
  Status Compress(CompressionCodec codec, int level, std::span<const uint8_t> in, Buffer* out);

  // Replaces *out with the decompressed page, exactly `uncompressed_size` bytes (the page
  // header's uncompressed size). Output of any other size is kCorruption naming the codec and
  // both sizes; malformed or truncated input is kCorruption. An empty `in` with
  // uncompressed_size 0 is accepted for every codec.
  Status Decompress(CompressionCodec codec, std::span<const uint8_t> in, size_t uncompressed_size,
                    Buffer* out);

  // As Decompress, into caller memory: the output must be exactly out.size() bytes. Lets a
  // DataPageV2 reader decompress the values behind its uncompressed levels in one buffer.
  Status DecompressInto(CompressionCodec codec, std::span<const uint8_t> in,
                        std::span<uint8_t> out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Convenience forms using a thread_local Codec (contexts are reused per thread).
Status Compress(CompressionCodec codec, int level, std::span<const uint8_t> in, Buffer* out);
Status Decompress(CompressionCodec codec, std::span<const uint8_t> in, size_t uncompressed_size,
                  Buffer* out);

}  // namespace floe::parquet
