#include "floe/format/avro/block_codec.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <memory>

namespace floe::avro {

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kNull:
      return "null";
    case Codec::kDeflate:
      return "deflate";
    case Codec::kSnappy:
      return "snappy";
    case Codec::kZstd:
      return "zstandard";
  }
  return "?";
}

Result<Codec> CodecFromName(std::string_view name) {
  if (name == "null" || name.empty()) return Codec::kNull;
  if (name == "deflate") return Codec::kDeflate;
  if (name == "snappy") return Codec::kSnappy;
  if (name == "zstandard") return Codec::kZstd;
  return Status::NotSupported("avro codec '{}'", name);
}

namespace {

uint32_t Crc32(std::string_view data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  size_t pos = 0;
  while (pos < data.size()) {
    const uInt n = static_cast<uInt>(std::min<size_t>(data.size() - pos, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data() + pos), n);
    pos += n;
  }
  return static_cast<uint32_t>(crc);
}

Status Deflate(std::string_view data, int level, std::string* out) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::Internal("avro deflate: deflateInit2 failed");
  }
  const size_t start = out->size();
  out->resize(start + deflateBound(&zs, static_cast<uLong>(data.size())) + 16);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out->data() + start);
  zs.avail_out = static_cast<uInt>(out->size() - start);
  const int rc = deflate(&zs, Z_FINISH);
  const size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status::Internal("avro deflate: deflate returned {}", rc);
  out->resize(start + produced);
  return Status::OK();
}

Status Inflate(std::string_view data, size_t max_size, std::string* out) {
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) return Status::Internal("avro deflate: inflateInit2 failed");
  out->clear();
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  size_t produced = 0;
  int rc = Z_OK;
  while (true) {
    if (produced == out->size()) {
      if (out->size() >= max_size) break;
      const size_t grow = std::max<size_t>(out->size(), std::min<size_t>(data.size() * 4, 1 << 20));
      out->resize(std::min(max_size, std::max<size_t>(out->size() + grow, 4096)));
    }
    zs.next_out = reinterpret_cast<Bytef*>(out->data() + produced);
    zs.avail_out = static_cast<uInt>(std::min<size_t>(out->size() - produced, 1u << 30));
    const uInt before = zs.avail_out;
    rc = inflate(&zs, Z_NO_FLUSH);
    produced += before - zs.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;
  }
  inflateEnd(&zs);
  if (rc == Z_STREAM_END) {
    out->resize(produced);
    return Status::OK();
  }
  if (produced >= max_size) {
    return Status::ResourceExhausted("avro deflate: block inflates past {} bytes", max_size);
  }
  return Status::Corruption("avro deflate: bad or truncated deflate stream (zlib {})", rc);
}

}  // namespace

Status CompressBlock(Codec codec, std::string_view data, std::optional<int> level,
                     std::string* out) {
  switch (codec) {
    case Codec::kNull:
      out->append(data);
      return Status::OK();
    case Codec::kDeflate:
      return Deflate(data, level.value_or(Z_DEFAULT_COMPRESSION), out);
    case Codec::kSnappy: {
      const size_t start = out->size();
      out->resize(start + snappy::MaxCompressedLength(data.size()));
      size_t n = 0;
      snappy::RawCompress(data.data(), data.size(), out->data() + start, &n);
      out->resize(start + n);
      const uint32_t crc = Crc32(data);
      const char be[4] = {static_cast<char>(crc >> 24), static_cast<char>(crc >> 16),
                          static_cast<char>(crc >> 8), static_cast<char>(crc)};
      out->append(be, 4);
      return Status::OK();
    }
    case Codec::kZstd: {
      const size_t start = out->size();
      out->resize(start + ZSTD_compressBound(data.size()));
      const size_t n = ZSTD_compress(out->data() + start, out->size() - start, data.data(),
                                     data.size(), level.value_or(ZSTD_CLEVEL_DEFAULT));
      if (ZSTD_isError(n)) {
        return Status::Internal("avro zstandard: {}", ZSTD_getErrorName(n));
      }
      out->resize(start + n);
      return Status::OK();
    }
  }
  return Status::Internal("avro: unknown codec");
}

Status DecompressBlock(Codec codec, std::string_view data, size_t max_size, std::string* out) {
  switch (codec) {
    case Codec::kNull:
      if (data.size() > max_size) {
        return Status::ResourceExhausted("avro: block of {} bytes exceeds {}", data.size(),
                                         max_size);
      }
      out->assign(data);
      return Status::OK();
    case Codec::kDeflate:
      return Inflate(data, max_size, out);
    case Codec::kSnappy: {
      if (data.size() < 4) return Status::Corruption("avro snappy: block shorter than its CRC");
      const std::string_view body = data.substr(0, data.size() - 4);
      size_t n = 0;
      if (!snappy::GetUncompressedLength(body.data(), body.size(), &n)) {
        return Status::Corruption("avro snappy: bad length header");
      }
      if (n > max_size) {
        return Status::ResourceExhausted("avro snappy: block of {} bytes exceeds {}", n, max_size);
      }
      out->resize(n);
      if (!snappy::RawUncompress(body.data(), body.size(), out->data())) {
        return Status::Corruption("avro snappy: bad compressed data");
      }
      const auto* c = reinterpret_cast<const uint8_t*>(data.data() + body.size());
      const uint32_t want =
          (uint32_t{c[0]} << 24) | (uint32_t{c[1]} << 16) | (uint32_t{c[2]} << 8) | uint32_t{c[3]};
      const uint32_t got = Crc32(*out);
      if (want != got) {
        return Status::Corruption("avro snappy: CRC mismatch (stored {:08x}, computed {:08x})",
                                  want, got);
      }
      return Status::OK();
    }
    case Codec::kZstd: {
      std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream*)> ds(ZSTD_createDStream(),
                                                                  ZSTD_freeDStream);
      if (!ds) return Status::Internal("avro zstandard: out of memory");
      // Bound the window a hostile frame may ask for (2^27 = 128 MiB, zstd's default limit).
      ZSTD_DCtx_setParameter(ds.get(), ZSTD_d_windowLogMax, 27);
      out->clear();
      ZSTD_inBuffer in{data.data(), data.size(), 0};
      size_t produced = 0;
      size_t last = 1;
      while (in.pos < in.size) {
        if (produced == out->size()) {
          if (out->size() >= max_size) {
            return Status::ResourceExhausted("avro zstandard: block exceeds {} bytes", max_size);
          }
          out->resize(std::min(max_size, std::max<size_t>(out->size() * 2, 64 * 1024)));
        }
        ZSTD_outBuffer ob{out->data(), out->size(), produced};
        last = ZSTD_decompressStream(ds.get(), &ob, &in);
        if (ZSTD_isError(last)) {
          return Status::Corruption("avro zstandard: {}", ZSTD_getErrorName(last));
        }
        produced = ob.pos;
      }
      // Drain output the decoder still holds.
      while (last != 0) {
        if (produced == out->size()) {
          if (out->size() >= max_size) {
            return Status::ResourceExhausted("avro zstandard: block exceeds {} bytes", max_size);
          }
          out->resize(std::min(max_size, std::max<size_t>(out->size() * 2, 64 * 1024)));
        }
        ZSTD_outBuffer ob{out->data(), out->size(), produced};
        const size_t before = produced;
        last = ZSTD_decompressStream(ds.get(), &ob, &in);
        if (ZSTD_isError(last)) {
          return Status::Corruption("avro zstandard: {}", ZSTD_getErrorName(last));
        }
        produced = ob.pos;
        if (last != 0 && produced == before && produced < out->size()) {
          return Status::Corruption("avro zstandard: truncated frame");
        }
      }
      out->resize(produced);
      return Status::OK();
    }
  }
  return Status::Internal("avro: unknown codec");
}

}  // namespace floe::avro
