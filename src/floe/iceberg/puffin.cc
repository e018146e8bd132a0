#include "floe/iceberg/puffin.h"

#include <zlib.h>

namespace floe::iceberg {
namespace {

constexpr uint32_t kSerialCookieNoRun = 12346;
constexpr uint32_t kSerialCookie = 12347;
constexpr uint32_t kNoOffsetThreshold = 4;
constexpr uint32_t kMaxArrayCardinality = 4096;
constexpr size_t kBitmapContainerBytes = 8192;

uint32_t Le32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return u[0] | (u[1] << 8) | (u[2] << 16) | (static_cast<uint32_t>(u[3]) << 24);
}
uint16_t Le16(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return static_cast<uint16_t>(u[0] | (u[1] << 8));
}
uint32_t Be32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return (static_cast<uint32_t>(u[0]) << 24) | (u[1] << 16) | (u[2] << 8) | u[3];
}

}  // namespace

Status DecodePortableRoaring32(std::string_view data, uint64_t high, std::vector<int64_t>* out,
                               size_t* consumed) {
  size_t pos = 0;
  auto need = [&](size_t n) -> Status {
    if (n > data.size() - pos) {
      return Status::Corruption("roaring bitmap: {} bytes needed at offset {}, {} left", n, pos,
                                data.size() - pos);
    }
    return Status::OK();
  };
  FLOE_RETURN_IF_ERROR(need(4));
  uint32_t cookie = Le32(data.data());
  pos += 4;
  uint32_t size = 0;
  std::string_view run_bitmap;
  bool has_offsets = true;
  if ((cookie & 0xFFFF) == kSerialCookie) {
    size = (cookie >> 16) + 1;
    size_t run_bytes = (size + 7) / 8;
    FLOE_RETURN_IF_ERROR(need(run_bytes));
    run_bitmap = data.substr(pos, run_bytes);
    pos += run_bytes;
    has_offsets = size >= kNoOffsetThreshold;
  } else if (cookie == kSerialCookieNoRun) {
    FLOE_RETURN_IF_ERROR(need(4));
    size = Le32(data.data() + pos);
    pos += 4;
  } else {
    return Status::Corruption("roaring bitmap: bad cookie {:#x}", cookie);
  }
  if (size > 65536) return Status::Corruption("roaring bitmap: {} containers", size);
  FLOE_RETURN_IF_ERROR(need(size_t{size} * 4));
  std::vector<uint16_t> keys(size);
  std::vector<uint32_t> cards(size);
  for (uint32_t i = 0; i < size; ++i) {
    keys[i] = Le16(data.data() + pos + 4 * i);
    cards[i] = uint32_t{Le16(data.data() + pos + 4 * i + 2)} + 1;
  }
  pos += size_t{size} * 4;
  if (has_offsets) {
    FLOE_RETURN_IF_ERROR(need(size_t{size} * 4));
    pos += size_t{size} * 4;  // containers follow in order; offsets are redundant here
  }
  for (uint32_t i = 0; i < size; ++i) {
    const uint64_t base = high | (uint64_t{keys[i]} << 16);
    const bool is_run =
        !run_bitmap.empty() && ((static_cast<uint8_t>(run_bitmap[i / 8]) >> (i % 8)) & 1);
    if (is_run) {
      FLOE_RETURN_IF_ERROR(need(2));
      uint16_t runs = Le16(data.data() + pos);
      pos += 2;
      FLOE_RETURN_IF_ERROR(need(size_t{runs} * 4));
      for (uint16_t r = 0; r < runs; ++r) {
        uint32_t start = Le16(data.data() + pos + 4 * r);
        uint32_t len = Le16(data.data() + pos + 4 * r + 2);
        if (start + len > 0xFFFF) return Status::Corruption("roaring bitmap: run past 65535");
        for (uint32_t v = start; v <= start + len; ++v)
          out->push_back(static_cast<int64_t>(base | v));
      }
      pos += size_t{runs} * 4;
    } else if (cards[i] <= kMaxArrayCardinality) {
      FLOE_RETURN_IF_ERROR(need(size_t{cards[i]} * 2));
      for (uint32_t k = 0; k < cards[i]; ++k) {
        out->push_back(static_cast<int64_t>(base | Le16(data.data() + pos + 2 * k)));
      }
      pos += size_t{cards[i]} * 2;
    } else {
      FLOE_RETURN_IF_ERROR(need(kBitmapContainerBytes));
      for (size_t b = 0; b < kBitmapContainerBytes * 8; ++b) {
        if ((static_cast<uint8_t>(data[pos + b / 8]) >> (b % 8)) & 1) {
          out->push_back(static_cast<int64_t>(base | b));
        }
      }
      pos += kBitmapContainerBytes;
    }
  }
  *consumed = pos;
  return Status::OK();
}

Result<std::vector<int64_t>> DecodeDeletionVector(std::string_view blob, std::string_view name) {
  if (blob.size() < 12)
    return Status::Corruption("deletion vector {}: {} bytes", name, blob.size());
  uint32_t length = Be32(blob.data());
  if (length < 4 || length > blob.size() - 8) {
    return Status::Corruption("deletion vector {}: length {} does not fit blob of {} bytes", name,
                              length, blob.size());
  }
  std::string_view body = blob.substr(4, length);
  if (static_cast<uint8_t>(body[0]) != 0xD1 || static_cast<uint8_t>(body[1]) != 0xD3 ||
      static_cast<uint8_t>(body[2]) != 0x39 || static_cast<uint8_t>(body[3]) != 0x64) {
    return Status::Corruption("deletion vector {}: bad magic", name);
  }
  uint32_t crc = Be32(blob.data() + 4 + length);
  uint32_t actual = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
  if (crc != actual) {
    return Status::Corruption("deletion vector {}: CRC {:#x}, computed {:#x}", name, crc, actual);
  }
  std::string_view bitmap = body.substr(4);
  if (bitmap.size() < 8) return Status::Corruption("deletion vector {}: truncated bitmap", name);
  uint64_t buckets = 0;
  for (int i = 7; i >= 0; --i) buckets = (buckets << 8) | static_cast<uint8_t>(bitmap[i]);
  size_t pos = 8;
  if (buckets > bitmap.size() / 8) {
    return Status::Corruption("deletion vector {}: {} buckets in {} bytes", name, buckets,
                              bitmap.size());
  }
  std::vector<int64_t> out;
  for (uint64_t b = 0; b < buckets; ++b) {
    if (bitmap.size() - pos < 4) return Status::Corruption("deletion vector {}: truncated", name);
    uint64_t key = Le32(bitmap.data() + pos);
    pos += 4;
    size_t used = 0;
    Status s = DecodePortableRoaring32(bitmap.substr(pos), key << 32, &out, &used);
    if (!s.ok()) return Status::Corruption("deletion vector {}: {}", name, s.message());
    pos += used;
  }
  return out;
}

}  // namespace floe::iceberg
