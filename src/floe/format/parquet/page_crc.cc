#include "floe/format/parquet/page_crc.h"

#include <zlib.h>

namespace floe::parquet {

uint32_t PageCrcExtend(uint32_t crc, std::span<const uint8_t> bytes) {
  if (bytes.empty()) return crc;
  return static_cast<uint32_t>(crc32_z(crc, bytes.data(), bytes.size()));
}

uint32_t PageCrc(std::span<const uint8_t> bytes) { return PageCrcExtend(0, bytes); }

}  // namespace floe::parquet
