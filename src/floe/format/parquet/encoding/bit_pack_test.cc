#include "floe/format/parquet/encoding/bit_pack.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "floe/format/parquet/encoding/bit_util.h"
#include "floe/format/parquet/encoding/encoding_testing.h"

namespace floe::parquet {
namespace {

using testing::Bytes;

// Reference: one bit at a time, LSB-first, exactly as Encodings.md describes.
std::vector<uint8_t> ReferencePack(const std::vector<uint64_t>& values, int width) {
  std::vector<uint8_t> out((values.size() * width + 7) / 8, 0);
  size_t bit = 0;
  for (uint64_t v : values) {
    for (int b = 0; b < width; ++b, ++bit) {
      if ((v >> b) & 1) out[bit / 8] |= static_cast<uint8_t>(1 << (bit % 8));
    }
  }
  return out;
}

std::vector<uint64_t> RandomValues(size_t n, int width, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> v(n);
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  for (auto& x : v) x = rng() & mask;
  if (n > 0) v[0] = mask;  // always exercise the top bit
  return v;
}

TEST(BitPackTest, SpecExampleWidth3) {
  // Encodings.md, RLE/bit-packing note 1: 0..7 at width 3 -> 10001000 11000110 11111010.
  const std::vector<uint64_t> values = {0, 1, 2, 3, 4, 5, 6, 7};
  const auto expected = Bytes({0b10001000, 0b11000110, 0b11111010});
  EXPECT_EQ(ReferencePack(values, 3), expected);
  std::vector<uint32_t> v32(values.begin(), values.end());
  std::vector<uint8_t> packed(3);
  Pack32(v32.data(), 8, 3, packed.data());
  EXPECT_EQ(packed, expected);
}

TEST(BitPackTest, Unpack32MatchesReferenceForEveryWidth) {
  for (int w = 0; w <= 32; ++w) {
    const auto values = RandomValues(96, w, 100 + w);
    const auto packed = ReferencePack(values, w);
    ASSERT_EQ(packed.size(), 3u * 4 * w);
    std::vector<uint32_t> out(96, 0xdeadbeef);
    Unpack32(packed.data(), w, 3, out.data());
    for (size_t i = 0; i < values.size(); ++i)
      ASSERT_EQ(out[i], values[i]) << "w=" << w << " i=" << i;

    std::vector<uint32_t> in(values.begin(), values.end());
    std::vector<uint8_t> ours(packed.size() + 1, 0xab);
    Pack32(in.data(), in.size(), w, ours.data());
    EXPECT_EQ(std::vector<uint8_t>(ours.begin(), ours.begin() + packed.size()), packed)
        << "w=" << w;
    EXPECT_EQ(ours.back(), 0xab) << "Pack32 wrote past its output, w=" << w;
  }
}

TEST(BitPackTest, Unpack64MatchesReferenceForEveryWidth) {
  for (int w = 0; w <= 64; ++w) {
    const auto values = RandomValues(64, w, 200 + w);
    const auto packed = ReferencePack(values, w);
    std::vector<uint64_t> out(64, 0xdeadbeef);
    Unpack64(packed.data(), w, 2, out.data());
    for (size_t i = 0; i < values.size(); ++i)
      ASSERT_EQ(out[i], values[i]) << "w=" << w << " i=" << i;

    std::vector<uint8_t> ours(packed.size());
    Pack64(values.data(), values.size(), w, ours.data());
    EXPECT_EQ(ours, packed) << "w=" << w;
  }
}

TEST(BitPackTest, PackOddCountsZeroPadsLastByte) {
  for (int w : {1, 3, 7, 13, 31}) {
    for (size_t n : {1, 3, 5, 9}) {
      const auto values = RandomValues(n, w, n * 7 + w);
      std::vector<uint32_t> in(values.begin(), values.end());
      std::vector<uint8_t> ours(PackedBytes(n, w));
      Pack32(in.data(), n, w, ours.data());
      EXPECT_EQ(ours, ReferencePack(values, w)) << "w=" << w << " n=" << n;
    }
  }
}

TEST(BitUtilTest, Uleb128AndZigZag) {
  Buffer b;
  WriteUleb128(0, &b);
  WriteUleb128(127, &b);
  WriteUleb128(128, &b);
  WriteUleb128(~uint64_t{0}, &b);
  EXPECT_EQ(testing::ToVector(b), Bytes({0x00, 0x7f, 0x80, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                         0xff, 0xff, 0xff, 0x01}));
  size_t pos = 0;
  uint64_t v;
  ASSERT_TRUE(ReadUleb128(b.data(), b.size(), &pos, &v));
  EXPECT_EQ(v, 0u);
  ASSERT_TRUE(ReadUleb128(b.data(), b.size(), &pos, &v));
  EXPECT_EQ(v, 127u);
  ASSERT_TRUE(ReadUleb128(b.data(), b.size(), &pos, &v));
  EXPECT_EQ(v, 128u);
  ASSERT_TRUE(ReadUleb128(b.data(), b.size(), &pos, &v));
  EXPECT_EQ(v, ~uint64_t{0});
  // Truncated, and too long for 64 bits.
  const auto truncated = Bytes({0x80, 0x80});
  pos = 0;
  EXPECT_FALSE(ReadUleb128(truncated.data(), truncated.size(), &pos, &v));
  EXPECT_EQ(pos, 0u);
  const auto overlong = Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02});
  EXPECT_FALSE(ReadUleb128(overlong.data(), overlong.size(), &pos, &v));

  // Protocol Buffers' zigzag table.
  EXPECT_EQ(ZigZagEncode(0), 0u);
  EXPECT_EQ(ZigZagEncode(-1), 1u);
  EXPECT_EQ(ZigZagEncode(1), 2u);
  EXPECT_EQ(ZigZagEncode(-2), 3u);
  EXPECT_EQ(ZigZagEncode(INT64_MAX), ~uint64_t{0} - 1);
  EXPECT_EQ(ZigZagEncode(INT64_MIN), ~uint64_t{0});
  for (int64_t x : {int64_t{0}, int64_t{-1}, int64_t{5}, INT64_MIN, INT64_MAX}) {
    EXPECT_EQ(ZigZagDecode(ZigZagEncode(x)), x);
  }
}

}  // namespace
}  // namespace floe::parquet
