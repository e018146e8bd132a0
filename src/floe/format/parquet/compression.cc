#include "floe/format/parquet/compression.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <string>

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <lz4hc.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

namespace floe::parquet {

namespace {

constexpr int kZstdDefaultLevel = 3;
constexpr int kGzipDefaultLevel = 6;
constexpr int kBrotliDefaultLevel = 6;
constexpr int kLz4DefaultLevel = 1;
constexpr int kLz4MaxLevel = LZ4HC_CLEVEL_MAX;
// Uncompressed bytes per block of the legacy Hadoop LZ4 framing we write; below Hadoop's
// default 256 KiB codec buffer so parquet-mr's BlockDecompressorStream reads it.
constexpr size_t kHadoopLz4BlockBytes = 128 * 1024;
constexpr size_t kHadoopLz4PrefixBytes = 8;

uint32_t LoadBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void StoreBigEndian32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

Status SizeMismatch(CompressionCodec codec, size_t actual, size_t expected) {
  return Status::Corruption("{} page decompressed to {} bytes, but the page header declares {}",
                            CodecName(codec), actual, expected);
}

Status TooLarge(CompressionCodec codec, size_t expected) {
  return Status::Corruption(
      "{} page decompresses to more than the {} bytes the page header declares", CodecName(codec),
      expected);
}

// Decodes the legacy Hadoop LZ4 framing into exactly out.size() bytes; false when the input
// is not well-formed Hadoop framing of that size (the caller then tries a raw block).
bool TryDecompressHadoopLz4(std::span<const uint8_t> in, std::span<uint8_t> out) {
  size_t ip = 0;
  size_t op = 0;
  while (ip < in.size()) {
    if (in.size() - ip < kHadoopLz4PrefixBytes) return false;
    const uint32_t block_size = LoadBigEndian32(in.data() + ip);
    ip += 4;
    if (block_size > out.size() - op) return false;
    const size_t block_end = op + block_size;
    // One or more chunks, each an independent LZ4 block, fill the block; every chunk
    // consumes at least its 4-byte prefix, so the loop ends.
    do {
      if (in.size() - ip < 4) return false;
      const uint32_t chunk_size = LoadBigEndian32(in.data() + ip);
      ip += 4;
      if (chunk_size == 0 || chunk_size > in.size() - ip) return false;
      const int n = LZ4_decompress_safe(
          reinterpret_cast<const char*>(in.data() + ip), reinterpret_cast<char*>(out.data() + op),
          static_cast<int>(chunk_size), static_cast<int>(block_end - op));
      if (n < 0) return false;
      ip += chunk_size;
      op += static_cast<size_t>(n);
    } while (op < block_end);
  }
  return op == out.size();
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

int DefaultCompressionLevel(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kZstd:
      return kZstdDefaultLevel;
    case CompressionCodec::kGzip:
      return kGzipDefaultLevel;
    case CompressionCodec::kBrotli:
      return kBrotliDefaultLevel;
    case CompressionCodec::kLz4:
    case CompressionCodec::kLz4Raw:
      return kLz4DefaultLevel;
    default:
      return 0;
  }
}

Status ValidateCompressionLevel(CompressionCodec codec, int level) {
  if (level == kDefaultCompressionLevel) return Status::OK();
  int lo = 0;
  int hi = 0;
  switch (codec) {
    case CompressionCodec::kZstd:
      lo = ZSTD_minCLevel();
      hi = ZSTD_maxCLevel();
      break;
    case CompressionCodec::kGzip:
      hi = 9;
      break;
    case CompressionCodec::kBrotli:
      hi = BROTLI_MAX_QUALITY;
      break;
    case CompressionCodec::kLz4:
    case CompressionCodec::kLz4Raw:
      lo = 1;
      hi = kLz4MaxLevel;
      break;
    case CompressionCodec::kUncompressed:
    case CompressionCodec::kSnappy:
      break;
    case CompressionCodec::kLzo:
      return Status::NotSupported("the LZO compression codec is not supported");
    default:
      return Status::NotSupported("unknown compression codec {}", static_cast<int>(codec));
  }
  if (level < lo || level > hi) {
    if (lo == hi) {
      return Status::InvalidArgument("{} takes no compression level (got {})", CodecName(codec),
                                     level);
    }
    return Status::InvalidArgument("{} compression level {} is outside [{}, {}]", CodecName(codec),
                                   level, lo, hi);
  }
  return Status::OK();
}

Result<std::pair<CompressionCodec, int>> ParseCompression(std::string_view text) {
  std::string_view name = text;
  std::string_view level_text;
  const size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    name = text.substr(0, colon);
    level_text = text.substr(colon + 1);
  }
  static constexpr std::pair<std::string_view, CompressionCodec> kNames[] = {
      {"none", CompressionCodec::kUncompressed}, {"uncompressed", CompressionCodec::kUncompressed},
      {"snappy", CompressionCodec::kSnappy},     {"gzip", CompressionCodec::kGzip},
      {"zstd", CompressionCodec::kZstd},         {"brotli", CompressionCodec::kBrotli},
      {"lz4", CompressionCodec::kLz4Raw},        {"lz4_raw", CompressionCodec::kLz4Raw},
      {"lzo", CompressionCodec::kLzo},
  };
  const auto* it = std::find_if(std::begin(kNames), std::end(kNames),
                                [&](const auto& e) { return EqualsIgnoreCase(e.first, name); });
  if (it == std::end(kNames)) {
    return Status::InvalidArgument(
        "unknown compression '{}' (expected none, snappy, gzip[:level], zstd[:level], "
        "brotli[:level] or lz4[:level])",
        text);
  }
  const CompressionCodec codec = it->second;
  if (codec == CompressionCodec::kLzo) {
    return Status::NotSupported("the LZO compression codec is not supported");
  }
  int level = DefaultCompressionLevel(codec);
  if (colon != std::string_view::npos) {
    const char* first = level_text.data();
    const char* last = first + level_text.size();
    auto [ptr, ec] = std::from_chars(first, last, level);
    if (level_text.empty() || ec != std::errc() || ptr != last) {
      return Status::InvalidArgument("compression '{}': level '{}' is not an integer", text,
                                     level_text);
    }
    FLOE_RETURN_IF_ERROR(
        ValidateCompressionLevel(codec, level).WithContext(fmt::format("compression '{}'", text)));
  }
  return std::make_pair(codec, level);
}

size_t MaxCompressedLength(CompressionCodec codec, size_t n) {
  if (n > kMaxCodecBytes) return 0;
  switch (codec) {
    case CompressionCodec::kUncompressed:
      return n;
    case CompressionCodec::kSnappy:
      return snappy::MaxCompressedLength(n);
    case CompressionCodec::kGzip:
      // zlib's deflateBound for the default memLevel/windowBits plus the gzip wrapper.
      return compressBound(static_cast<uLong>(n)) + 18;
    case CompressionCodec::kZstd:
      return ZSTD_compressBound(n);
    case CompressionCodec::kLz4Raw:
      return static_cast<size_t>(LZ4_compressBound(static_cast<int>(n)));
    case CompressionCodec::kLz4: {
      const size_t blocks =
          std::max<size_t>(1, (n + kHadoopLz4BlockBytes - 1) / kHadoopLz4BlockBytes);
      return blocks * (kHadoopLz4PrefixBytes + static_cast<size_t>(LZ4_compressBound(
                                                   static_cast<int>(kHadoopLz4BlockBytes))));
    }
    case CompressionCodec::kBrotli:
      return BrotliEncoderMaxCompressedSize(n);
    default:
      return 0;
  }
}

// Library contexts, created lazily on first use of each codec.
struct Codec::State {
  ZSTD_CCtx* zstd_c = nullptr;
  ZSTD_DCtx* zstd_d = nullptr;
  z_stream deflater{};
  bool deflater_ready = false;
  int deflater_level = 0;
  z_stream inflater{};
  bool inflater_ready = false;
  std::unique_ptr<char[]> lz4_state;     // LZ4_sizeofState() bytes
  std::unique_ptr<char[]> lz4_hc_state;  // LZ4_sizeofStateHC() bytes

  ~State() {
    ZSTD_freeCCtx(zstd_c);
    ZSTD_freeDCtx(zstd_d);
    if (deflater_ready) deflateEnd(&deflater);
    if (inflater_ready) inflateEnd(&inflater);
  }

  Status CompressSnappy(std::span<const uint8_t> in, Buffer* out);
  Status CompressGzip(int level, std::span<const uint8_t> in, Buffer* out);
  Status CompressZstd(int level, std::span<const uint8_t> in, Buffer* out);
  // Compresses one LZ4 block into dst (capacity LZ4_compressBound(in.size())); returns its size.
  Result<size_t> CompressLz4Block(int level, std::span<const uint8_t> in, uint8_t* dst);
  Status CompressLz4Raw(int level, std::span<const uint8_t> in, Buffer* out);
  Status CompressLz4Hadoop(int level, std::span<const uint8_t> in, Buffer* out);
  Status CompressBrotli(int level, std::span<const uint8_t> in, Buffer* out);

  Status DecompressSnappy(std::span<const uint8_t> in, std::span<uint8_t> out);
  Status DecompressGzip(std::span<const uint8_t> in, std::span<uint8_t> out);
  Status DecompressZstd(std::span<const uint8_t> in, std::span<uint8_t> out);
  Status DecompressLz4Raw(CompressionCodec codec, std::span<const uint8_t> in,
                          std::span<uint8_t> out);
  Status DecompressLz4Legacy(std::span<const uint8_t> in, std::span<uint8_t> out);
  Status DecompressBrotli(std::span<const uint8_t> in, std::span<uint8_t> out);
};

Codec::Codec() = default;
Codec::~Codec() = default;
Codec::Codec(Codec&&) noexcept = default;
Codec& Codec::operator=(Codec&&) noexcept = default;

Status Codec::Compress(CompressionCodec codec, int level, std::span<const uint8_t> in,
                       Buffer* out) {
  FLOE_RETURN_IF_ERROR(ValidateCompressionLevel(codec, level));
  if (in.size() > kMaxCodecBytes) {
    return Status::InvalidArgument("{}: cannot compress {} bytes (a page holds at most {})",
                                   CodecName(codec), in.size(), kMaxCodecBytes);
  }
  if (level == kDefaultCompressionLevel) level = DefaultCompressionLevel(codec);
  if (!state_) state_ = std::make_unique<State>();
  out->Clear();
  switch (codec) {
    case CompressionCodec::kUncompressed:
      out->Append(in.data(), in.size());
      return Status::OK();
    case CompressionCodec::kSnappy:
      return state_->CompressSnappy(in, out);
    case CompressionCodec::kGzip:
      return state_->CompressGzip(level, in, out);
    case CompressionCodec::kZstd:
      return state_->CompressZstd(level, in, out);
    case CompressionCodec::kLz4Raw:
      return state_->CompressLz4Raw(level, in, out);
    case CompressionCodec::kLz4:
      return state_->CompressLz4Hadoop(level, in, out);
    case CompressionCodec::kBrotli:
      return state_->CompressBrotli(level, in, out);
    default:
      return Status::NotSupported("compression codec {} is not supported", CodecName(codec));
  }
}

Status Codec::Decompress(CompressionCodec codec, std::span<const uint8_t> in,
                         size_t uncompressed_size, Buffer* out) {
  if (uncompressed_size > kMaxCodecBytes) {
    return Status::Corruption("{} page declares {} uncompressed bytes (at most {} allowed)",
                              CodecName(codec), uncompressed_size, kMaxCodecBytes);
  }
  out->Clear();  // so growing does not copy stale bytes
  out->Resize(uncompressed_size);
  Status st = DecompressInto(codec, in, {out->data(), uncompressed_size});
  if (!st.ok()) out->Clear();
  return st;
}

Status Codec::DecompressInto(CompressionCodec codec, std::span<const uint8_t> in,
                             std::span<uint8_t> out) {
  if (out.size() > kMaxCodecBytes || in.size() > kMaxCodecBytes) {
    return Status::Corruption("{} page of {} compressed / {} uncompressed bytes is too large",
                              CodecName(codec), in.size(), out.size());
  }
  if (in.empty() && out.empty() && codec != CompressionCodec::kLzo) return Status::OK();
  if (!state_) state_ = std::make_unique<State>();
  switch (codec) {
    case CompressionCodec::kUncompressed:
      if (in.size() != out.size()) return SizeMismatch(codec, in.size(), out.size());
      if (!in.empty()) std::memcpy(out.data(), in.data(), in.size());
      return Status::OK();
    case CompressionCodec::kSnappy:
      return state_->DecompressSnappy(in, out);
    case CompressionCodec::kGzip:
      return state_->DecompressGzip(in, out);
    case CompressionCodec::kZstd:
      return state_->DecompressZstd(in, out);
    case CompressionCodec::kLz4Raw:
      return state_->DecompressLz4Raw(codec, in, out);
    case CompressionCodec::kLz4:
      return state_->DecompressLz4Legacy(in, out);
    case CompressionCodec::kBrotli:
      return state_->DecompressBrotli(in, out);
    case CompressionCodec::kLzo:
      return Status::NotSupported("the LZO compression codec is not supported");
    default:
      return Status::NotSupported("unknown compression codec {}", static_cast<int>(codec));
  }
}

// --- SNAPPY ----------------------------------------------------------------------------------

Status Codec::State::CompressSnappy(std::span<const uint8_t> in, Buffer* out) {
  out->Resize(snappy::MaxCompressedLength(in.size()));
  size_t n = 0;
  snappy::RawCompress(reinterpret_cast<const char*>(in.data()), in.size(),
                      reinterpret_cast<char*>(out->data()), &n);
  out->Resize(n);
  return Status::OK();
}

Status Codec::State::DecompressSnappy(std::span<const uint8_t> in, std::span<uint8_t> out) {
  const auto* src = reinterpret_cast<const char*>(in.data());
  size_t declared = 0;
  if (!snappy::GetUncompressedLength(src, in.size(), &declared)) {
    return Status::Corruption("SNAPPY page of {} bytes has a malformed length preamble", in.size());
  }
  if (declared != out.size()) return SizeMismatch(CompressionCodec::kSnappy, declared, out.size());
  if (!snappy::RawUncompress(src, in.size(), reinterpret_cast<char*>(out.data()))) {
    return Status::Corruption("SNAPPY page of {} bytes is corrupt", in.size());
  }
  return Status::OK();
}

// --- GZIP ------------------------------------------------------------------------------------

Status Codec::State::CompressGzip(int level, std::span<const uint8_t> in, Buffer* out) {
  if (!deflater_ready) {
    // windowBits 15 + 16: write a gzip (RFC 1952) wrapper, as the spec asks.
    const int rc = deflateInit2(&deflater, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) return Status::ResourceExhausted("GZIP: deflateInit2 failed ({})", rc);
    deflater_ready = true;
    deflater_level = level;
  } else {
    deflateReset(&deflater);
    if (level != deflater_level) {
      // Right after a reset nothing is pending, so this only changes the parameters.
      const int rc = deflateParams(&deflater, level, Z_DEFAULT_STRATEGY);
      if (rc != Z_OK) return Status::Internal("GZIP: deflateParams failed ({})", rc);
      deflater_level = level;
    }
  }
  const uLong bound = deflateBound(&deflater, static_cast<uLong>(in.size()));
  out->Resize(bound);
  deflater.next_in = const_cast<Bytef*>(in.data());
  deflater.avail_in = static_cast<uInt>(in.size());
  deflater.next_out = out->data();
  deflater.avail_out = static_cast<uInt>(bound);
  const int rc = deflate(&deflater, Z_FINISH);
  if (rc != Z_STREAM_END) {
    out->Clear();
    return Status::Internal("GZIP: deflate did not finish ({})", rc);
  }
  out->Resize(bound - deflater.avail_out);
  return Status::OK();
}

Status Codec::State::DecompressGzip(std::span<const uint8_t> in, std::span<uint8_t> out) {
  if (!inflater_ready) {
    // windowBits 15 + 32: accept a gzip or a zlib header (some writers used zlib framing).
    const int rc = inflateInit2(&inflater, 15 + 32);
    if (rc != Z_OK) return Status::ResourceExhausted("GZIP: inflateInit2 failed ({})", rc);
    inflater_ready = true;
  } else {
    inflateReset(&inflater);
  }
  inflater.next_in = const_cast<Bytef*>(in.data());
  inflater.avail_in = static_cast<uInt>(in.size());
  inflater.next_out = out.data();
  inflater.avail_out = static_cast<uInt>(out.size());
  // Once `out` is full, output goes to `probe`: any byte landing there means the page is
  // larger than declared.
  uint8_t probe[1];
  bool probing = false;
  for (;;) {
    if (!probing && inflater.avail_out == 0) {
      probing = true;
      inflater.next_out = probe;
      inflater.avail_out = sizeof(probe);
    }
    const int rc = inflate(&inflater, Z_NO_FLUSH);
    if (probing && inflater.avail_out == 0) return TooLarge(CompressionCodec::kGzip, out.size());
    if (rc == Z_STREAM_END) {
      if (inflater.avail_in == 0) break;
      // Another gzip member follows (Compression.md: readers should accept several).
      inflateReset(&inflater);
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR) {  // no progress possible: the input ended inside a stream
      return Status::Corruption("GZIP page of {} bytes is truncated", in.size());
    }
    return Status::Corruption("GZIP page of {} bytes is corrupt: {}", in.size(),
                              inflater.msg != nullptr ? inflater.msg : "inflate error");
  }
  const size_t produced = probing ? out.size() : out.size() - inflater.avail_out;
  if (produced != out.size()) return SizeMismatch(CompressionCodec::kGzip, produced, out.size());
  return Status::OK();
}

// --- ZSTD ------------------------------------------------------------------------------------

Status Codec::State::CompressZstd(int level, std::span<const uint8_t> in, Buffer* out) {
  if (zstd_c == nullptr) {
    zstd_c = ZSTD_createCCtx();
    if (zstd_c == nullptr) return Status::ResourceExhausted("ZSTD: cannot create a context");
  }
  size_t rc = ZSTD_CCtx_setParameter(zstd_c, ZSTD_c_compressionLevel, level);
  if (ZSTD_isError(rc)) {
    return Status::InvalidArgument("ZSTD level {}: {}", level, ZSTD_getErrorName(rc));
  }
  out->Resize(ZSTD_compressBound(in.size()));
  rc = ZSTD_compress2(zstd_c, out->data(), out->size(), in.data(), in.size());
  if (ZSTD_isError(rc)) {
    out->Clear();
    return Status::Internal("ZSTD compression failed: {}", ZSTD_getErrorName(rc));
  }
  out->Resize(rc);
  return Status::OK();
}

Status Codec::State::DecompressZstd(std::span<const uint8_t> in, std::span<uint8_t> out) {
  if (zstd_d == nullptr) {
    zstd_d = ZSTD_createDCtx();
    if (zstd_d == nullptr) return Status::ResourceExhausted("ZSTD: cannot create a context");
  }
  // One-shot decompression decodes every frame straight into `out` (it needs no window
  // buffer), with or without a content size in the frame header.
  const size_t rc = ZSTD_decompressDCtx(zstd_d, out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(rc)) {
    if (ZSTD_getErrorCode(rc) == ZSTD_error_dstSize_tooSmall) {
      // A single frame that records its size lets the message say how large it really is.
      const unsigned long long declared = ZSTD_getFrameContentSize(in.data(), in.size());
      if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR &&
          ZSTD_findFrameCompressedSize(in.data(), in.size()) == in.size()) {
        return SizeMismatch(CompressionCodec::kZstd, declared, out.size());
      }
      return TooLarge(CompressionCodec::kZstd, out.size());
    }
    return Status::Corruption("ZSTD page of {} bytes is corrupt: {}", in.size(),
                              ZSTD_getErrorName(rc));
  }
  if (rc != out.size()) return SizeMismatch(CompressionCodec::kZstd, rc, out.size());
  return Status::OK();
}

// --- LZ4 -------------------------------------------------------------------------------------

Result<size_t> Codec::State::CompressLz4Block(int level, std::span<const uint8_t> in,
                                              uint8_t* dst) {
  const auto* src = reinterpret_cast<const char*>(in.data());
  const int capacity = LZ4_compressBound(static_cast<int>(in.size()));
  int n = 0;
  if (level <= 1) {
    if (!lz4_state) lz4_state = std::make_unique<char[]>(LZ4_sizeofState());
    n = LZ4_compress_fast_extState(lz4_state.get(), src, reinterpret_cast<char*>(dst),
                                   static_cast<int>(in.size()), capacity, /*acceleration=*/1);
  } else {
    if (!lz4_hc_state) lz4_hc_state = std::make_unique<char[]>(LZ4_sizeofStateHC());
    n = LZ4_compress_HC_extStateHC(lz4_hc_state.get(), src, reinterpret_cast<char*>(dst),
                                   static_cast<int>(in.size()), capacity, level);
  }
  if (n <= 0) return Status::Internal("LZ4 compression of {} bytes failed", in.size());
  return static_cast<size_t>(n);
}

Status Codec::State::CompressLz4Raw(int level, std::span<const uint8_t> in, Buffer* out) {
  out->Resize(static_cast<size_t>(LZ4_compressBound(static_cast<int>(in.size()))));
  FLOE_ASSIGN_OR_RETURN(const size_t n, CompressLz4Block(level, in, out->data()));
  out->Resize(n);
  return Status::OK();
}

Status Codec::State::CompressLz4Hadoop(int level, std::span<const uint8_t> in, Buffer* out) {
  out->Resize(MaxCompressedLength(CompressionCodec::kLz4, in.size()));
  size_t op = 0;
  size_t ip = 0;
  do {  // an empty page still gets one (empty) block, as Hadoop writes it
    const size_t len = std::min(kHadoopLz4BlockBytes, in.size() - ip);
    FLOE_ASSIGN_OR_RETURN(
        const size_t n,
        CompressLz4Block(level, in.subspan(ip, len), out->data() + op + kHadoopLz4PrefixBytes));
    StoreBigEndian32(out->data() + op, static_cast<uint32_t>(len));
    StoreBigEndian32(out->data() + op + 4, static_cast<uint32_t>(n));
    op += kHadoopLz4PrefixBytes + n;
    ip += len;
  } while (ip < in.size());
  out->Resize(op);
  return Status::OK();
}

Status Codec::State::DecompressLz4Raw(CompressionCodec codec, std::span<const uint8_t> in,
                                      std::span<uint8_t> out) {
  const int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in.data()),
                                    reinterpret_cast<char*>(out.data()),
                                    static_cast<int>(in.size()), static_cast<int>(out.size()));
  if (n < 0) {
    return Status::Corruption(
        "{} page of {} bytes is corrupt or decompresses to more than the {} bytes its header "
        "declares",
        CodecName(codec), in.size(), out.size());
  }
  if (static_cast<size_t>(n) != out.size()) {
    return SizeMismatch(codec, static_cast<size_t>(n), out.size());
  }
  return Status::OK();
}

Status Codec::State::DecompressLz4Legacy(std::span<const uint8_t> in, std::span<uint8_t> out) {
  if (TryDecompressHadoopLz4(in, out)) return Status::OK();
  Status raw = DecompressLz4Raw(CompressionCodec::kLz4, in, out);
  if (raw.ok()) return raw;
  return Status::Corruption(
      "LZ4 page of {} bytes is neither Hadoop-framed LZ4 nor a raw LZ4 "
      "block of {} bytes ({})",
      in.size(), out.size(), raw.message());
}

// --- BROTLI ----------------------------------------------------------------------------------

Status Codec::State::CompressBrotli(int level, std::span<const uint8_t> in, Buffer* out) {
  size_t n = BrotliEncoderMaxCompressedSize(in.size());
  if (n == 0) return Status::InvalidArgument("BROTLI: input of {} bytes too large", in.size());
  out->Resize(n);
  if (!BrotliEncoderCompress(level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, in.size(),
                             in.data(), &n, out->data())) {
    out->Clear();
    return Status::Internal("BROTLI compression of {} bytes failed", in.size());
  }
  out->Resize(n);
  return Status::OK();
}

Status Codec::State::DecompressBrotli(std::span<const uint8_t> in, std::span<uint8_t> out) {
  // The streaming API (unlike the one-shot call) tells "needs more output" from corruption.
  // Brotli has no reset, so each page gets a fresh decoder.
  BrotliDecoderState* dec = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  if (dec == nullptr) return Status::ResourceExhausted("BROTLI: cannot create a decoder");
  size_t avail_in = in.size();
  const uint8_t* next_in = in.data();
  size_t avail_out = out.size();
  uint8_t* next_out = out.data();
  BrotliDecoderResult rc =
      BrotliDecoderDecompressStream(dec, &avail_in, &next_in, &avail_out, &next_out, nullptr);
  if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
    // `out` is full; see whether the stream really has more (a final empty metablock may
    // still be pending) by offering one more byte.
    uint8_t probe[1];
    size_t probe_avail = sizeof(probe);
    uint8_t* probe_next = probe;
    rc =
        BrotliDecoderDecompressStream(dec, &avail_in, &next_in, &probe_avail, &probe_next, nullptr);
    if (probe_avail == 0) rc = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
  }
  const BrotliDecoderErrorCode error = BrotliDecoderGetErrorCode(dec);
  BrotliDecoderDestroyInstance(dec);
  switch (rc) {
    case BROTLI_DECODER_RESULT_SUCCESS:
      if (avail_out != 0) {
        return SizeMismatch(CompressionCodec::kBrotli, out.size() - avail_out, out.size());
      }
      if (avail_in != 0) {
        return Status::Corruption("BROTLI page has {} trailing bytes after the stream", avail_in);
      }
      return Status::OK();
    case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
      return TooLarge(CompressionCodec::kBrotli, out.size());
    case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
      return Status::Corruption("BROTLI page of {} bytes is truncated", in.size());
    default:
      return Status::Corruption("BROTLI page of {} bytes is corrupt: {}", in.size(),
                                BrotliDecoderErrorString(error));
  }
}

// --- thread-local convenience ------------------------------------------------------------------

namespace {
Codec& ThreadCodec() {
  thread_local Codec codec;
  return codec;
}
}  // namespace

Status Compress(CompressionCodec codec, int level, std::span<const uint8_t> in, Buffer* out) {
  return ThreadCodec().Compress(codec, level, in, out);
}

Status Decompress(CompressionCodec codec, std::span<const uint8_t> in, size_t uncompressed_size,
                  Buffer* out) {
  return ThreadCodec().Decompress(codec, in, uncompressed_size, out);
}

}  // namespace floe::parquet
