// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every WAL
// record. Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at
// startup) and a slicing-by-8 table otherwise; both give identical results.
// Thread-safe; no state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace floe::wal {

// Continues a CRC-32C: `crc` is the value returned for the bytes before `data`
// (0 for none). Crc32cExtend(Crc32cExtend(0, a), b) == Crc32c(a ++ b).
uint32_t Crc32cExtend(uint32_t crc, const uint8_t* data, size_t n);

inline uint32_t Crc32c(const uint8_t* data, size_t n) { return Crc32cExtend(0, data, n); }
inline uint32_t Crc32c(std::span<const uint8_t> data) {
  return Crc32cExtend(0, data.data(), data.size());
}

namespace internal {
// The two implementations, exposed so tests can compare them. The hardware one
// returns the table result on CPUs without SSE4.2.
uint32_t Crc32cExtendTable(uint32_t crc, const uint8_t* data, size_t n);
uint32_t Crc32cExtendHardware(uint32_t crc, const uint8_t* data, size_t n);
bool Crc32cHasHardware();
}  // namespace internal

}  // namespace floe::wal
