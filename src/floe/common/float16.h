// IEEE 754 binary16 ("half") conversions, used by Parquet FLOAT16 columns
// (FIXED_LEN_BYTE_ARRAY(2), little-endian). Widening is exact (every half is a float and a
// double); narrowing rounds to nearest, ties to even, overflows to infinity, keeps the sign
// of zeros, and maps NaN to a quiet NaN that keeps the sign and the top 9 payload bits.
// All functions are constexpr, branch-light and allocation-free.
#pragma once

#include <bit>
#include <cstdint>

namespace floe {

// The exact float value of the half with bits `h`.
constexpr float HalfToFloat(uint16_t h) {
  const uint32_t sign = uint32_t{h & 0x8000u} << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ffu;
  if (exp == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (mant << 13));  // Inf/NaN
  if (exp == 0) {
    if (mant == 0) return std::bit_cast<float>(sign);  // +-0
    // Subnormal: mant * 2^-24. Normalize so the leading 1 moves to bit 10.
    int e = -14;
    while ((mant & 0x400u) == 0) {
      mant <<= 1;
      --e;
    }
    return std::bit_cast<float>(sign | (static_cast<uint32_t>(e + 127) << 23) |
                                ((mant & 0x3ffu) << 13));
  }
  return std::bit_cast<float>(sign | ((exp - 15 + 127) << 23) | (mant << 13));
}

// The exact double value of the half with bits `h`.
constexpr double HalfToDouble(uint16_t h) {
  // float -> double widening is exact, including subnormal halves (normal as floats) and NaN
  // payloads (shifted into the top mantissa bits).
  return static_cast<double>(HalfToFloat(h));
}

// The half nearest to `f` (ties to even).
constexpr uint16_t FloatToHalf(float f) {
  const uint32_t x = std::bit_cast<uint32_t>(f);
  const auto sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t abs = x & 0x7fffffffu;
  if (abs >= 0x7f800000u) {  // Inf or NaN
    if (abs == 0x7f800000u) return sign | 0x7c00u;
    return static_cast<uint16_t>(sign | 0x7e00u | ((abs >> 13) & 0x3ffu));
  }
  const int e = static_cast<int>(abs >> 23) - 127;  // unbiased exponent
  if (e > 15) return sign | 0x7c00u;                // >= 2^16: beyond the largest half
  if (e >= -14) {                                   // a normal half (or rounds up to Inf)
    uint32_t half = (static_cast<uint32_t>(e + 15) << 10) | ((abs & 0x7fffffu) >> 13);
    const uint32_t rest = abs & 0x1fffu;                             // the 13 dropped bits
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;  // may carry into Inf
    return static_cast<uint16_t>(sign | half);
  }
  if (e < -25) return sign;  // below half the smallest subnormal: rounds to zero
  // Subnormal half: the value is m * 2^(e-23); in units of 2^-24 that is m >> (-e - 1).
  const uint32_t m = (abs & 0x7fffffu) | 0x800000u;
  const int shift = -e - 1;  // 14..24
  uint32_t half = m >> shift;
  const uint32_t rest = m & ((uint32_t{1} << shift) - 1);
  const uint32_t halfway = uint32_t{1} << (shift - 1);
  if (rest > halfway || (rest == halfway && (half & 1u))) ++half;  // may become the min normal
  return static_cast<uint16_t>(sign | half);
}

// The half nearest to `d` (ties to even), rounded once (not via float).
constexpr uint16_t DoubleToHalf(double d) {
  const uint64_t x = std::bit_cast<uint64_t>(d);
  const auto sign = static_cast<uint16_t>((x >> 48) & 0x8000u);
  const uint64_t abs = x & 0x7fffffffffffffffull;
  if (abs >= 0x7ff0000000000000ull) {  // Inf or NaN
    if (abs == 0x7ff0000000000000ull) return sign | 0x7c00u;
    return static_cast<uint16_t>(sign | 0x7e00u | ((abs >> 42) & 0x3ffu));
  }
  const int e = static_cast<int>(abs >> 52) - 1023;
  if (e > 15) return sign | 0x7c00u;
  constexpr uint64_t kMantMask = (uint64_t{1} << 52) - 1;
  if (e >= -14) {
    uint64_t half = (static_cast<uint64_t>(e + 15) << 10) | ((abs & kMantMask) >> 42);
    const uint64_t rest = abs & ((uint64_t{1} << 42) - 1);
    const uint64_t halfway = uint64_t{1} << 41;
    if (rest > halfway || (rest == halfway && (half & 1u))) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  if (e < -25) return sign;
  // value = m * 2^(e-52); in units of 2^-24: m >> (28 - e).
  const uint64_t m = (abs & kMantMask) | (uint64_t{1} << 52);
  const int shift = 28 - e;  // 43..53
  uint64_t half = m >> shift;
  const uint64_t rest = m & ((uint64_t{1} << shift) - 1);
  const uint64_t halfway = uint64_t{1} << (shift - 1);
  if (rest > halfway || (rest == halfway && (half & 1u))) ++half;
  return static_cast<uint16_t>(sign | half);
}

}  // namespace floe
