// Small byte-level helpers shared by the Parquet encodings: little-endian loads and
// stores, ULEB128 varints, zigzag, and bit widths. Header-only, no state, thread-safe.
//
// Parquet stores every multi-byte number little-endian; floe targets little-endian hosts
// only (checked below), so loads and stores are plain unaligned memcpy.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "floe/common/buffer.h"

namespace floe::parquet {

static_assert(std::endian::native == std::endian::little,
              "floe's Parquet encodings assume a little-endian host");

// Unaligned little-endian load of a trivially copyable T from p.
template <typename T>
inline T LoadLE(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Unaligned little-endian store.
template <typename T>
inline void StoreLE(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

// Number of bits needed to represent v (0 for v == 0).
inline int BitWidth(uint64_t v) { return static_cast<int>(std::bit_width(v)); }

// Bytes that `count` values of `bit_width` bits occupy when bit-packed back to back,
// rounded up to a whole byte. REQUIRES: count * bit_width does not overflow (count < 2^57).
inline uint64_t PackedBytes(uint64_t count, int bit_width) {
  return (count * static_cast<uint64_t>(bit_width) + 7) / 8;
}

inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

// memcpy tuned for the short values of string columns: sizes up to 32 are copied inline
// with two overlapping loads and stores (any n in [k, 2k]) instead of a call. Reads and
// writes exactly n bytes; dst and src must not overlap.
inline void CopyBytes(uint8_t* dst, const uint8_t* src, size_t n) {
  if (n > 32) {
    std::memcpy(dst, src, n);
  } else if (n >= 16) {
    uint8_t a[16], b[16];
    std::memcpy(a, src, 16);
    std::memcpy(b, src + n - 16, 16);
    std::memcpy(dst, a, 16);
    std::memcpy(dst + n - 16, b, 16);
  } else if (n >= 8) {
    const uint64_t a = LoadLE<uint64_t>(src), b = LoadLE<uint64_t>(src + n - 8);
    StoreLE(dst, a);
    StoreLE(dst + n - 8, b);
  } else if (n >= 4) {
    const uint32_t a = LoadLE<uint32_t>(src), b = LoadLE<uint32_t>(src + n - 4);
    StoreLE(dst, a);
    StoreLE(dst + n - 4, b);
  } else if (n > 0) {
    const uint8_t a = src[0], b = src[n / 2], c = src[n - 1];
    dst[0] = a;
    dst[n / 2] = b;
    dst[n - 1] = c;
  }
}

// memcmp(a, b, n) == 0 without a call for the short values of string columns.
inline bool BytesEqual(const uint8_t* a, const uint8_t* b, size_t n) {
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 < n; i += 8) {
      if (LoadLE<uint64_t>(a + i) != LoadLE<uint64_t>(b + i)) return false;
    }
    return LoadLE<uint64_t>(a + n - 8) == LoadLE<uint64_t>(b + n - 8);  // overlapping tail
  }
  if (n >= 4) {
    return LoadLE<uint32_t>(a) == LoadLE<uint32_t>(b) &&
           LoadLE<uint32_t>(a + n - 4) == LoadLE<uint32_t>(b + n - 4);
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Maximum length of a ULEB128-encoded 64-bit value.
inline constexpr int kMaxUleb128Bytes = 10;

// Reads a ULEB128 value from data[*pos, size). On success advances *pos and returns true.
// Returns false (leaving *pos unchanged) when the varint runs past `size`, is longer than
// 10 bytes, or does not fit in 64 bits.
inline bool ReadUleb128(const uint8_t* data, size_t size, size_t* pos, uint64_t* out) {
  uint64_t result = 0;
  size_t p = *pos;
  for (int i = 0; i < kMaxUleb128Bytes; ++i) {
    if (p >= size) return false;
    const uint8_t byte = data[p++];
    if (i == 9 && byte > 1) return false;  // bits beyond 64
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      *pos = p;
      *out = result;
      return true;
    }
  }
  return false;
}

// Appends v as ULEB128.
inline void WriteUleb128(uint64_t v, Buffer* out) {
  uint8_t tmp[kMaxUleb128Bytes];
  int n = 0;
  while (v >= 0x80) {
    tmp[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  tmp[n++] = static_cast<uint8_t>(v);
  out->Append(tmp, n);
}

}  // namespace floe::parquet
