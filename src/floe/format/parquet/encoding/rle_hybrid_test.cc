#include "floe/format/parquet/encoding/rle_hybrid.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "floe/format/parquet/encoding/encoding_testing.h"

namespace floe::parquet {
namespace {

using testing::Bytes;
using testing::DecodeAll;
using testing::ToVector;

std::vector<uint8_t> Encode(const std::vector<uint32_t>& values, int width) {
  RleHybridEncoder encoder(width);
  encoder.Put(std::span<const uint32_t>(values));
  Buffer out;
  encoder.Finish(&out);
  return ToVector(out);
}

template <typename T = uint32_t>
Result<std::vector<T>> Decode(const std::vector<uint8_t>& data, int width, size_t n,
                              size_t batch = 1 << 20) {
  RleHybridDecoder decoder(data, width, n);
  return DecodeAll<RleHybridDecoder, T>(decoder, n, batch);
}

// Value patterns: random, runs of random length, all equal, alternating.
std::vector<uint32_t> Pattern(int kind, size_t n, int width, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const uint64_t mask = (width == 32) ? 0xffffffffu : ((uint64_t{1} << width) - 1);
  std::vector<uint32_t> v(n);
  switch (kind) {
    case 0:
      for (auto& x : v) x = static_cast<uint32_t>(rng() & mask);
      break;
    case 1:
      for (size_t i = 0; i < n;) {
        const size_t run = 1 + rng() % 40;
        const uint32_t x = static_cast<uint32_t>(rng() & mask);
        for (size_t j = 0; j < run && i < n; ++j) v[i++] = x;
      }
      break;
    case 2:
      std::fill(v.begin(), v.end(), static_cast<uint32_t>(mask));
      break;
    default:
      for (size_t i = 0; i < n; ++i) v[i] = (i % 2) ? static_cast<uint32_t>(mask) : 0;
  }
  return v;
}

TEST(RleHybridTest, SpecBitPackedExampleDecodes) {
  // Encodings.md: 0..7 at width 3 bit-pack to 10001000 11000110 11111010; one group of 8
  // gives the header varint(1 << 1 | 1) = 0x03.
  const auto data = Bytes({0x03, 0b10001000, 0b11000110, 0b11111010});
  auto r = Decode(data, 3, 8);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(RleHybridTest, EncoderReproducesSpecBitPackedExample) {
  EXPECT_EQ(Encode({0, 1, 2, 3, 4, 5, 6, 7}, 3), Bytes({0x03, 0b10001000, 0b11000110, 0b11111010}));
}

TEST(RleHybridTest, HandWrittenRleRuns) {
  // rle-header = varint(10 << 1) = 0x14; value in ceil(3/8) = 1 byte.
  auto r = Decode(Bytes({0x14, 0x05}), 3, 10);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, std::vector<uint32_t>(10, 5));
  // Width 9: the value takes 2 bytes, little-endian: 300 = 0x012c.
  r = Decode(Bytes({0x14, 0x2c, 0x01}), 9, 10);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, std::vector<uint32_t>(10, 300));
  // Width 0: no value bytes at all.
  r = Decode(Bytes({0x14}), 0, 10);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, std::vector<uint32_t>(10, 0));
}

TEST(RleHybridTest, HandWrittenMixedRuns) {
  // 4 x 1 as an RLE run (0x08 0x01), then one bit-packed group 1,0,1,0,1,0,1,0 (0x03 0x55).
  auto r = Decode(Bytes({0x08, 0x01, 0x03, 0x55}), 1, 12);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (std::vector<uint32_t>{1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0}));
  auto b = Decode<bool>(Bytes({0x08, 0x01, 0x03, 0x55}), 1, 12, 5);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(*b, (std::vector<bool>{1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0}));
}

TEST(RleHybridTest, EncoderUsesRleForLongRuns) {
  // 100 fives: varint(100 << 1) = 0xc8 0x01, then the value.
  EXPECT_EQ(Encode(std::vector<uint32_t>(100, 5), 3), Bytes({0xc8, 0x01, 0x05}));
  // A group 0..7 bit-packed, then nine 3s as an RLE run: 0x12 = varint(9 << 1).
  std::vector<uint32_t> v = {0, 1, 2, 3, 4, 5, 6, 7};
  v.insert(v.end(), 9, 3);
  EXPECT_EQ(Encode(v, 3), Bytes({0x03, 0b10001000, 0b11000110, 0b11111010, 0x12, 0x03}));
  // Seven equal values stay bit-packed (zero-padded to a group of 8).
  EXPECT_EQ(Encode(std::vector<uint32_t>(7, 1), 1), Bytes({0x03, 0x7f}));
  // Empty input, empty output.
  EXPECT_TRUE(Encode({}, 5).empty());
}

TEST(RleHybridTest, EncoderCapsBitPackedRunsAt63Groups) {
  std::vector<uint32_t> v(64 * 8);
  for (size_t i = 0; i < v.size(); ++i) v[i] = i % 2;
  const auto data = Encode(v, 1);
  // 63 groups (header 63 << 1 | 1 = 0x7f, 63 bytes), then 1 group (0x03, 1 byte).
  ASSERT_EQ(data.size(), 1u + 63 + 1 + 1);
  EXPECT_EQ(data[0], 0x7f);
  EXPECT_EQ(data[64], 0x03);
  auto r = Decode(data, 1, v.size());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, v);
}

TEST(RleHybridTest, RoundTripsEveryWidthSizeAndPattern) {
  for (int width : {0, 1, 2, 3, 5, 8, 13, 15, 16, 20, 31, 32}) {
    for (size_t n : testing::kSizes) {
      for (int kind = 0; kind < 4; ++kind) {
        const auto values = Pattern(kind, n, width, n * 131 + width * 7 + kind);
        const auto data = Encode(values, width);
        for (size_t batch : {size_t{1} << 20, size_t{1000}, size_t{7}}) {
          if (batch == 7 && n > 1000) continue;
          auto r = Decode(data, width, n, batch);
          ASSERT_TRUE(r.ok()) << r.status().ToString();
          ASSERT_EQ(*r, values) << "width=" << width << " n=" << n << " kind=" << kind;
        }
        if (width <= 15) {
          auto r16 = Decode<int16_t>(data, width, n, 333);
          ASSERT_TRUE(r16.ok()) << r16.status().ToString();
          ASSERT_EQ(r16->size(), n);
          for (size_t i = 0; i < n; ++i) ASSERT_EQ(static_cast<uint32_t>((*r16)[i]), values[i]);
        }
      }
    }
  }
}

TEST(RleHybridTest, BatchPutMatchesValueByValuePut) {
  for (int width : {1, 4, 32}) {
    for (int kind = 0; kind < 4; ++kind) {
      auto values = Pattern(kind, 5000, width, kind * 11 + width);
      // Runs of exactly 7, 8 and 9 around group boundaries.
      for (size_t i = 100; i < 200; ++i) values[i] = 1;
      for (size_t i = 203; i < 211; ++i) values[i] = 0;
      RleHybridEncoder one_by_one(width);
      for (uint32_t v : values) one_by_one.Put(v);
      Buffer expected;
      one_by_one.Finish(&expected);
      RleHybridEncoder batched(width);
      std::mt19937_64 rng(kind);
      for (size_t i = 0; i < values.size();) {
        const size_t k = std::min<size_t>(values.size() - i, rng() % 50);
        batched.Put(std::span<const uint32_t>(values).subspan(i, k));
        i += k;
      }
      Buffer got;
      batched.Finish(&got);
      ASSERT_EQ(ToVector(got), ToVector(expected)) << "width=" << width << " kind=" << kind;
    }
  }
}

TEST(RleHybridTest, PutsLevelsAndBooleans) {
  const std::vector<int16_t> levels = {0, 1, 2, 3, 4, 5, 6, 7};
  RleHybridEncoder encoder(3);
  encoder.Put(std::span<const int16_t>(levels));
  Buffer out;
  encoder.Finish(&out);
  EXPECT_EQ(ToVector(out), Bytes({0x03, 0b10001000, 0b11000110, 0b11111010}));
  const bool bools[] = {true, true, true, true, false, true, false, true, false};
  RleHybridEncoder bits(1);
  bits.Put(std::span<const bool>(bools));
  Buffer bout;
  bits.Finish(&bout);
  // Two groups: 1,1,1,1,0,1,0,1 = 0b10101111 and 0 + padding.
  EXPECT_EQ(ToVector(bout), Bytes({0x05, 0b10101111, 0x00}));
}

TEST(RleHybridTest, LengthPrefix) {
  RleHybridEncoder encoder(2);
  for (uint32_t v : {0u, 1u, 2u, 3u}) encoder.Put(v);
  Buffer out;
  encoder.FinishWithLengthPrefix(&out);
  auto data = ToVector(out);
  // Body: one group, header 0x03, then 0,1,2,3,0,0,0,0 at 2 bits: 0b11100100 0x00.
  EXPECT_EQ(data, Bytes({3, 0, 0, 0, 0x03, 0b11100100, 0x00}));
  data.push_back(0xee);  // whatever follows the levels
  auto body = ReadLengthPrefixedRle(data);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->size(), 3u);
  EXPECT_EQ(body->data(), data.data() + 4);
  EXPECT_FALSE(ReadLengthPrefixedRle(Bytes({3, 0, 0})).ok());
  EXPECT_EQ(ReadLengthPrefixedRle(Bytes({4, 0, 0, 0, 1, 2, 3})).status().code(),
            StatusCode::kCorruption);
}

TEST(RleHybridTest, RunsClampToTheValueCount) {
  // An RLE run of 1000 and a bit-packed run of 8 both serve only the 3 values asked for.
  auto r = Decode(Bytes({0xd0, 0x0f, 0x01}), 1, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, std::vector<uint32_t>(3, 1));
  r = Decode(Bytes({0x03, 0xff}), 1, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, std::vector<uint32_t>(3, 1));
}

TEST(RleHybridTest, DecodeRunsReportsRuns) {
  struct Recorder {
    std::vector<std::pair<uint32_t, size_t>> repeats;
    std::vector<uint32_t> literals;
    Status Repeat(uint32_t v, size_t n) {
      repeats.emplace_back(v, n);
      return Status::OK();
    }
    Status Literal(const uint32_t* v, size_t n) {
      literals.insert(literals.end(), v, v + n);
      return Status::OK();
    }
  } rec;
  const auto data = Bytes({0x14, 0x05, 0x03, 0b10001000, 0b11000110, 0b11111010});
  RleHybridDecoder decoder(data, 3, 18);
  auto r = decoder.DecodeRuns(100, rec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 18u);
  ASSERT_EQ(rec.repeats.size(), 1u);
  EXPECT_EQ(rec.repeats[0], std::make_pair(5u, size_t{10}));
  EXPECT_EQ(rec.literals, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(RleHybridTest, RejectsMalformedStreams) {
  auto expect_corrupt = [](const std::vector<uint8_t>& data, int width, size_t n,
                           const std::string& needle) {
    auto r = Decode(data, width, n);
    ASSERT_FALSE(r.ok()) << needle;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().ToString();
  };
  expect_corrupt(Bytes({0x14, 0x05}), 33, 10, "bit width 33");
  expect_corrupt(Bytes({0x00, 0x01}), 1, 1, "run of 0 values");
  expect_corrupt(Bytes({0x01}), 1, 1, "bit-packed run of 0 groups");
  expect_corrupt(Bytes({0x14, 0x08}), 3, 10, "does not fit bit width 3");
  expect_corrupt(Bytes({0x14}), 3, 10, "run value at byte 1 needs 1 bytes");
  expect_corrupt(Bytes({0x05, 0xff}), 3, 16, "needs 6 bytes");
  expect_corrupt(Bytes({0x14, 0x05}), 3, 11, "data ends at byte 2 with 1 values still expected");
  expect_corrupt(Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}), 3, 1,
                 "over-long run header");
  // 2^31 repeats is one more than a run may hold: varint(2^32).
  expect_corrupt(Bytes({0x80, 0x80, 0x80, 0x80, 0x10, 0x01}), 1, 1, "outside [1, 2^31 - 1]");

  const auto wide = Bytes({0x14, 0xff, 0xff});
  RleHybridDecoder decoder(wide, 16, 10);
  int16_t out[10];
  EXPECT_EQ(decoder.Decode(out, 10).status().code(), StatusCode::kInvalidArgument);
}

TEST(RleHybridTest, ErrorsAreSticky) {
  const auto data = Bytes({0x14, 0x05, 0x00});
  RleHybridDecoder decoder(data, 3, 20);
  uint32_t out[20];
  auto r = decoder.Decode(out, 5);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(decoder.Decode(out, 20).ok());
  EXPECT_FALSE(decoder.Decode(out, 1).ok());
}

TEST(RleHybridTest, TruncationNeverCrashesNorInventsValues) {
  for (int width : {1, 3, 8, 17, 32}) {
    for (size_t n : {1, 9, 129, 1000}) {
      for (int kind = 0; kind < 2; ++kind) {
        const auto values = Pattern(kind, n, width, n + width + kind);
        const auto data = Encode(values, width);
        size_t lenient = 0;
        for (size_t cut = 0; cut < data.size(); ++cut) {
          // Copy the prefix so ASan catches any read past it.
          std::vector<uint8_t> prefix(data.begin(), data.begin() + cut);
          auto r = Decode(prefix, width, n, 100);
          if (r.ok()) {
            // Only the zero padding of the final bit-packed group may be missing.
            ASSERT_EQ(*r, values) << "width=" << width << " n=" << n << " cut=" << cut;
            ++lenient;
          } else {
            ASSERT_EQ(r.status().code(), StatusCode::kCorruption);
          }
        }
        EXPECT_LT(lenient, static_cast<size_t>(width)) << "width=" << width << " n=" << n;
      }
    }
  }
}

// ----- BIT_PACKED (deprecated) -----

// Reference MSB-first packer, one bit at a time.
std::vector<uint8_t> PackMsbFirst(const std::vector<uint32_t>& values, int width) {
  std::vector<uint8_t> out((values.size() * width + 7) / 8, 0);
  size_t bit = 0;
  for (uint32_t v : values) {
    for (int b = width - 1; b >= 0; --b, ++bit) {
      if ((v >> b) & 1) out[bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
    }
  }
  return out;
}

TEST(BitPackedLevelTest, SpecExample) {
  // Encodings.md: 0..7 at width 3 -> 00000101 00111001 01110111.
  const auto data = Bytes({0b00000101, 0b00111001, 0b01110111});
  EXPECT_EQ(PackMsbFirst({0, 1, 2, 3, 4, 5, 6, 7}, 3), data);
  BitPackedLevelDecoder decoder(data, 3, 8);
  auto r = DecodeAll<BitPackedLevelDecoder, int16_t>(decoder, 8, 3);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (std::vector<int16_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  // "to encode 30 values [at 2 bits], we would have 30 * 2 = 60 bits = 8 bytes".
  EXPECT_EQ(BitPackedLevelDecoder::EncodedSize(30, 2), 8u);
}

TEST(BitPackedLevelTest, RoundTripsAndRejectsTruncation) {
  for (int width : {0, 1, 2, 5, 9, 16, 31}) {
    for (size_t n : {0, 1, 7, 8, 9, 127, 1000}) {
      const auto values = Pattern(0, n, width, width * 1000 + n);
      const auto data = PackMsbFirst(values, width);
      ASSERT_EQ(data.size(), BitPackedLevelDecoder::EncodedSize(n, width));
      BitPackedLevelDecoder decoder(data, width, n);
      auto r = DecodeAll<BitPackedLevelDecoder, uint32_t>(decoder, n, 77);
      ASSERT_TRUE(r.ok());
      ASSERT_EQ(*r, values);
      for (size_t cut = 0; cut < data.size(); ++cut) {
        std::vector<uint8_t> prefix(data.begin(), data.begin() + cut);
        BitPackedLevelDecoder d(prefix, width, n);
        EXPECT_FALSE((DecodeAll<BitPackedLevelDecoder, uint32_t>(d, n, 77).ok()));
      }
    }
  }
  const auto zero = Bytes({0});
  BitPackedLevelDecoder bad(zero, 33, 1);
  uint32_t out;
  EXPECT_EQ(bad.Decode(&out, 1).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace floe::parquet
