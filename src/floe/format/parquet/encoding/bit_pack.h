// Bit-packing kernels in the LSB-first order shared by the RLE/bit-packed hybrid and
// DELTA_BINARY_PACKED encodings (Encodings.md, "Run Length Encoding / Bit-Packing Hybrid",
// note 1): value i occupies bits [i*w, (i+1)*w) of the little-endian bit stream, where bit
// k is bit (k % 8) of byte k / 8.
//
// The unpackers work on batches of 32 values, which occupy exactly 4 * bit_width bytes, and
// are specialized per bit width at compile time (no per-value branches). Stateless and
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace floe::parquet {

// Values per unpack batch.
inline constexpr size_t kUnpackBatch = 32;

// Unpacks num_batches * 32 values of bit_width bits from `in` into `out`.
// REQUIRES: 0 <= bit_width <= 32; `in` holds num_batches * 4 * bit_width readable bytes.
void Unpack32(const uint8_t* in, int bit_width, size_t num_batches, uint32_t* out);

// As Unpack32, for 64-bit outputs. REQUIRES: 0 <= bit_width <= 64.
void Unpack64(const uint8_t* in, int bit_width, size_t num_batches, uint64_t* out);

// Packs `count` values into PackedBytes(count, bit_width) bytes at `out` (the last byte's
// unused high bits are zero). REQUIRES: every value < 2^bit_width; 0 <= bit_width <= 32 (64).
void Pack32(const uint32_t* in, size_t count, int bit_width, uint8_t* out);
void Pack64(const uint64_t* in, size_t count, int bit_width, uint8_t* out);

}  // namespace floe::parquet
