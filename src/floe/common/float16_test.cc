#include "floe/common/float16.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include <gtest/gtest.h>

namespace floe {
namespace {

uint32_t FloatBits(float f) { return std::bit_cast<uint32_t>(f); }

// Independent reference for a half's value: decode the fields arithmetically with ldexp.
double ReferenceHalfValue(uint16_t h) {
  const int sign = (h & 0x8000) ? -1 : 1;
  const int exp = (h >> 10) & 0x1f;
  const int mant = h & 0x3ff;
  if (exp == 0) return sign * std::ldexp(static_cast<double>(mant), -24);
  if (exp == 31) {
    return mant == 0 ? sign * std::numeric_limits<double>::infinity()
                     : std::numeric_limits<double>::quiet_NaN();
  }
  return sign * std::ldexp(static_cast<double>(1024 + mant), exp - 25);
}

TEST(Float16Test, KnownValues) {
  EXPECT_EQ(HalfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(HalfToFloat(0xc000), -2.0f);
  EXPECT_EQ(HalfToFloat(0x7bff), 65504.0f);               // largest finite half
  EXPECT_EQ(HalfToFloat(0x0400), std::ldexp(1.0f, -14));  // smallest normal
  EXPECT_EQ(HalfToFloat(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
  EXPECT_EQ(HalfToFloat(0x03ff), std::ldexp(1023.0f, -24));
  EXPECT_EQ(HalfToDouble(0x3555), 0.333251953125);         // 1365/4096
  EXPECT_EQ(FloatBits(HalfToFloat(0x8000)), 0x80000000u);  // -0 keeps its sign
  EXPECT_TRUE(std::isinf(HalfToFloat(0x7c00)) && HalfToFloat(0x7c00) > 0);
  EXPECT_TRUE(std::isinf(HalfToFloat(0xfc00)) && HalfToFloat(0xfc00) < 0);
  EXPECT_TRUE(std::isnan(HalfToFloat(0x7e00)));
  EXPECT_TRUE(std::isnan(HalfToDouble(0xfd01)));
  static_assert(HalfToFloat(0x3c00) == 1.0f);
  static_assert(FloatToHalf(1.0f) == 0x3c00);
}

TEST(Float16Test, WideningIsExactForEveryHalf) {
  for (uint32_t h = 0; h <= 0xffff; ++h) {
    const auto bits = static_cast<uint16_t>(h);
    const double want = ReferenceHalfValue(bits);
    const float f = HalfToFloat(bits);
    const double d = HalfToDouble(bits);
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(f)) << h;
      ASSERT_TRUE(std::isnan(d)) << h;
      ASSERT_EQ(std::signbit(f), (h & 0x8000) != 0) << h;
      continue;
    }
    ASSERT_EQ(static_cast<double>(f), want) << h;
    ASSERT_EQ(d, want) << h;
    ASSERT_EQ(std::signbit(d), (h & 0x8000) != 0) << h;
  }
}

TEST(Float16Test, NarrowingRoundTripsEveryHalf) {
  for (uint32_t h = 0; h <= 0xffff; ++h) {
    const auto bits = static_cast<uint16_t>(h);
    const bool nan = ((h >> 10) & 0x1f) == 0x1f && (h & 0x3ff) != 0;
    if (nan) {
      // Quiet NaNs keep sign and payload; signalling ones come back quiet.
      ASSERT_EQ(FloatToHalf(HalfToFloat(bits)), bits | 0x200) << h;
      ASSERT_EQ(DoubleToHalf(HalfToDouble(bits)), bits | 0x200) << h;
      continue;
    }
    ASSERT_EQ(FloatToHalf(HalfToFloat(bits)), bits) << h;
    ASSERT_EQ(DoubleToHalf(HalfToDouble(bits)), bits) << h;
  }
}

// Exhaustive rounding check over all pairs of adjacent finite halves: the midpoint rounds to
// the even one, anything just above/below to the nearer one.
TEST(Float16Test, RoundsToNearestEven) {
  for (uint32_t h = 0; h < 0x7bff; ++h) {
    const auto lo = static_cast<uint16_t>(h);
    const auto hi = static_cast<uint16_t>(h + 1);
    const double a = ReferenceHalfValue(lo);
    const double b = ReferenceHalfValue(hi);
    const double mid = (a + b) / 2;  // exact in double
    const uint16_t even = (lo & 1) == 0 ? lo : hi;
    ASSERT_EQ(DoubleToHalf(mid), even) << h;
    ASSERT_EQ(FloatToHalf(static_cast<float>(mid)), even) << h;  // mid is exact in float too
    ASSERT_EQ(DoubleToHalf(std::nextafter(mid, a)), lo) << h;
    ASSERT_EQ(DoubleToHalf(std::nextafter(mid, b)), hi) << h;
    ASSERT_EQ(FloatToHalf(std::nextafter(static_cast<float>(mid), static_cast<float>(a))), lo) << h;
    ASSERT_EQ(FloatToHalf(std::nextafter(static_cast<float>(mid), static_cast<float>(b))), hi) << h;
    // Negative side mirrors.
    ASSERT_EQ(DoubleToHalf(-mid), even | 0x8000) << h;
  }
}

TEST(Float16Test, OverflowUnderflowAndSpecials) {
  // 65520 is the midpoint between 65504 and the (unrepresentable) 65536: ties to even -> Inf.
  EXPECT_EQ(FloatToHalf(65519.996f), 0x7bff);
  EXPECT_EQ(FloatToHalf(65520.0f), 0x7c00);
  EXPECT_EQ(DoubleToHalf(65519.99999), 0x7bff);
  EXPECT_EQ(DoubleToHalf(65520.0), 0x7c00);
  EXPECT_EQ(FloatToHalf(1e10f), 0x7c00);
  EXPECT_EQ(FloatToHalf(-1e10f), 0xfc00);
  EXPECT_EQ(DoubleToHalf(1e300), 0x7c00);
  EXPECT_EQ(FloatToHalf(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_EQ(DoubleToHalf(-std::numeric_limits<double>::infinity()), 0xfc00);
  // 2^-25 is halfway between 0 and the smallest subnormal: ties to even -> 0.
  EXPECT_EQ(FloatToHalf(std::ldexp(1.0f, -25)), 0x0000);
  EXPECT_EQ(FloatToHalf(std::nextafter(std::ldexp(1.0f, -25), 1.0f)), 0x0001);
  EXPECT_EQ(DoubleToHalf(-std::ldexp(1.0, -25)), 0x8000);
  EXPECT_EQ(FloatToHalf(1e-30f), 0x0000);
  EXPECT_EQ(FloatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(DoubleToHalf(std::numeric_limits<double>::denorm_min()), 0x0000);
  EXPECT_EQ(FloatToHalf(std::numeric_limits<float>::denorm_min()), 0x0000);
  const uint16_t qnan = FloatToHalf(std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(qnan & 0x7c00, 0x7c00);
  EXPECT_NE(qnan & 0x3ff, 0);
  const uint16_t snan = FloatToHalf(std::numeric_limits<float>::signaling_NaN());
  EXPECT_NE(snan & 0x3ff, 0);  // never collapses to Inf
  EXPECT_EQ(DoubleToHalf(-std::numeric_limits<double>::quiet_NaN()) & 0x8000, 0x8000);
}

#if defined(__FLT16_MAX__)
// The compiler's own _Float16 conversions (libgcc/compiler-rt, round-to-nearest-even) as an
// independent oracle on random inputs across the whole float range.
TEST(Float16Test, MatchesCompilerFloat16) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<uint32_t> bits;
  for (int i = 0; i < 2'000'000; ++i) {
    uint32_t x = bits(rng);
    // Concentrate half of the samples on the half range (|exponent| small).
    if (i & 1) x = (x & 0x807fffffu) | ((100 + (x >> 23) % 50) << 23);
    const float f = std::bit_cast<float>(x);
    if (std::isnan(f)) continue;
    const _Float16 ref = static_cast<_Float16>(f);
    uint16_t ref_bits;
    std::memcpy(&ref_bits, &ref, 2);
    ASSERT_EQ(FloatToHalf(f), ref_bits) << std::hex << x;
    const double d = static_cast<double>(f) * (1.0 + 1e-12);
    const _Float16 ref_d = static_cast<_Float16>(d);
    std::memcpy(&ref_bits, &ref_d, 2);
    ASSERT_EQ(DoubleToHalf(d), ref_bits) << std::hex << x;
  }
}
#endif

}  // namespace
}  // namespace floe
