// Page checksums (parquet.thrift, PageHeader.crc): the standard CRC-32 (polynomial 0x04C11DB7,
// reflected, as in gzip and zlib's crc32) of the page bytes exactly as stored after the page
// header — for compressed pages the compressed bytes, and for DataPageV2 the uncompressed
// levels followed by the (compressed) values. Any page type may carry one. The thrift field is
// an i32 holding these 32 bits.
#pragma once

#include <cstdint>
#include <span>

namespace floe::parquet {

// CRC-32 of `bytes`. Thread-safe, allocation-free (zlib's table-driven crc32).
uint32_t PageCrc(std::span<const uint8_t> bytes);

// Continues `crc` (a previous PageCrc/PageCrcExtend result; 0 for none) over `bytes`, so a
// page held in several pieces is checksummed without a copy:
// PageCrcExtend(PageCrc(a), b) == PageCrc(a ++ b).
uint32_t PageCrcExtend(uint32_t crc, std::span<const uint8_t> bytes);

// True when the i32 `stored` in a PageHeader matches the checksum of `page`.
inline bool PageCrcMatches(int32_t stored, std::span<const uint8_t> page) {
  return static_cast<uint32_t>(stored) == PageCrc(page);
}

}  // namespace floe::parquet
