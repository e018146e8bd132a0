#include "floe/format/parquet/encoding/delta_binary_packed.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

#include "floe/format/parquet/encoding/encoding_testing.h"

namespace floe::parquet {
namespace {

using testing::Bytes;
using testing::DecodeAll;
using testing::ToVector;

template <typename T>
std::vector<uint8_t> Encode(const std::vector<T>& values) {
  DeltaBinaryPackedEncoder<T> encoder;
  encoder.Put(std::span<const T>(values));
  Buffer out;
  encoder.Finish(&out);
  return ToVector(out);
}

template <typename T>
Result<std::vector<T>> Decode(const std::vector<uint8_t>& data, size_t n, size_t batch = 1 << 20) {
  DeltaBinaryPackedDecoder<T> decoder(data, n);
  return DecodeAll<DeltaBinaryPackedDecoder<T>, T>(decoder, n, batch);
}

// Encodings.md's examples use block size 8 "to keep the examples short, but in real cases it
// would be invalid"; here they are worked out by hand for block size 128 with 4 miniblocks.

// Example 1: 1, 2, 3, 4, 5. Deltas 1,1,1,1; min delta 1; every miniblock width 0.
const std::vector<uint8_t> kExample1 = Bytes({
    0x80, 0x01,             // block size 128
    0x04,                   // 4 miniblocks
    0x05,                   // 5 values
    0x02,                   // first value zigzag(1)
    0x02,                   // min delta zigzag(1)
    0x00, 0x00, 0x00, 0x00  // bit widths, no miniblock data
});

// Example 2: 7, 5, 3, 1, 2, 3, 4, 5. Deltas -2,-2,-2,1,1,1,1; min delta -2; relative deltas
// 0,0,0,3,3,3,3 at 2 bits, the miniblock padded to 32 values (8 bytes).
const std::vector<uint8_t> kExample2 = Bytes({
    0x80,
    0x01,
    0x04,
    0x08,
    0x0e,  // first value zigzag(7)
    0x03,  // min delta zigzag(-2)
    0x02,
    0x00,
    0x00,
    0x00,        // widths
    0b11000000,  // 0,0,0,3 LSB first
    0b00111111,  // 3,3,3,0(pad)
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
});

TEST(DeltaBinaryPackedTest, SpecExamplesDecode) {
  auto r = Decode<int32_t>(kExample1, 5);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (std::vector<int32_t>{1, 2, 3, 4, 5}));
  auto r64 = Decode<int64_t>(kExample2, 8, 3);
  ASSERT_TRUE(r64.ok()) << r64.status().ToString();
  EXPECT_EQ(*r64, (std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5}));
}

TEST(DeltaBinaryPackedTest, EncoderReproducesSpecExamples) {
  EXPECT_EQ(Encode<int32_t>({1, 2, 3, 4, 5}), kExample1);
  EXPECT_EQ(Encode<int64_t>({7, 5, 3, 1, 2, 3, 4, 5}), kExample2);
  EXPECT_EQ(DeltaBinaryPackedDecoder<int32_t>::EncodedSize(kExample2).ValueOr(0), kExample2.size());
}

TEST(DeltaBinaryPackedTest, SpecLiteralBlockSizeEightIsRejected) {
  // The spec's own example header, block size 8 and 1 miniblock, is declared invalid.
  const auto data = Bytes({0x08, 0x01, 0x05, 0x02, 0x02, 0x00});
  auto r = Decode<int32_t>(data, 5);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("block size 8"), std::string::npos);
}

TEST(DeltaBinaryPackedTest, UnusedMiniblockWidthsMayHoldAnything) {
  // "readers must accept arbitrary values": widths of miniblocks 2-4 are junk here.
  auto data = kExample1;
  data[7] = 0xff;
  data[8] = 0x41;
  data[9] = 0x99;
  auto r = Decode<int64_t>(data, 5);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(DeltaBinaryPackedDecoder<int64_t>::EncodedSize(data).ValueOr(0), data.size());
}

TEST(DeltaBinaryPackedTest, EmptyAndSingleValueStreams) {
  EXPECT_EQ(Encode<int32_t>({}), Bytes({0x80, 0x01, 0x04, 0x00, 0x00}));
  EXPECT_EQ(Encode<int64_t>({-3}), Bytes({0x80, 0x01, 0x04, 0x01, 0x05}));
  auto r = Decode<int64_t>(Bytes({0x80, 0x01, 0x04, 0x01, 0x05}), 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, std::vector<int64_t>{-3});
}

// An independent reference encoder with any block layout, packing bit by bit.
void PutUleb(uint64_t v, std::vector<uint8_t>* out) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out->push_back(b);
  } while (v);
}

template <typename T>
std::vector<uint8_t> ReferenceEncode(const std::vector<T>& values, uint64_t block_size,
                                     uint64_t miniblocks) {
  using U = std::make_unsigned_t<T>;
  auto zigzag = [](int64_t x) {
    return (static_cast<uint64_t>(x) << 1) ^ static_cast<uint64_t>(x >> 63);
  };
  std::vector<uint8_t> out;
  PutUleb(block_size, &out);
  PutUleb(miniblocks, &out);
  PutUleb(values.size(), &out);
  PutUleb(zigzag(values.empty() ? 0 : values[0]), &out);
  const uint64_t per_mb = block_size / miniblocks;
  for (size_t start = 1; start < values.size(); start += block_size) {
    const size_t end = std::min<size_t>(values.size(), start + block_size);
    std::vector<T> deltas;
    for (size_t i = start; i < end; ++i) {
      deltas.push_back(static_cast<T>(static_cast<U>(values[i]) - static_cast<U>(values[i - 1])));
    }
    const T min = *std::min_element(deltas.begin(), deltas.end());
    PutUleb(zigzag(min), &out);
    std::vector<U> rel;
    for (T d : deltas) rel.push_back(static_cast<U>(d) - static_cast<U>(min));
    const size_t used = (rel.size() + per_mb - 1) / per_mb;
    std::vector<int> widths(miniblocks, 0);
    for (size_t m = 0; m < used; ++m) {
      U max = 0;
      for (size_t i = m * per_mb; i < std::min<size_t>(rel.size(), (m + 1) * per_mb); ++i) {
        max = std::max(max, rel[i]);
      }
      while (widths[m] < static_cast<int>(sizeof(T) * 8) && (max >> widths[m]) != 0) ++widths[m];
    }
    for (int w : widths) out.push_back(static_cast<uint8_t>(w));
    for (size_t m = 0; m < used; ++m) {
      std::vector<uint8_t> bytes(per_mb * widths[m] / 8, 0);
      for (size_t i = 0; i < per_mb; ++i) {
        const U v = (m * per_mb + i < rel.size()) ? rel[m * per_mb + i] : 0;
        for (int b = 0; b < widths[m]; ++b) {
          const size_t bit = i * widths[m] + b;
          if ((v >> b) & 1) bytes[bit / 8] |= static_cast<uint8_t>(1 << (bit % 8));
        }
      }
      out.insert(out.end(), bytes.begin(), bytes.end());
    }
  }
  return out;
}

template <typename T>
std::vector<std::vector<T>> Patterns(size_t n, uint64_t seed) {
  constexpr T kMin = std::numeric_limits<T>::min();
  constexpr T kMax = std::numeric_limits<T>::max();
  std::vector<std::vector<T>> p;
  p.push_back(testing::RandomInts<T>(n, seed));                  // full range
  p.push_back(testing::RandomInts<T>(n, seed + 1, -100, 1000));  // small range
  p.push_back(std::vector<T>(n, kMin + 3));                      // all equal
  std::vector<T> alt(n), asc(n), desc(n), mixed(n);
  for (size_t i = 0; i < n; ++i) {
    alt[i] = (i % 2) ? kMax : kMin;  // deltas wrap around both ways
    asc[i] = static_cast<T>(1000 + 3 * i);
    desc[i] = static_cast<T>(kMax - static_cast<T>(7 * i));
    mixed[i] = (i % 3 == 0) ? kMin : (i % 3 == 1 ? 0 : kMax);
  }
  p.push_back(alt);
  p.push_back(asc);
  p.push_back(desc);
  p.push_back(mixed);
  return p;
}

template <typename T>
void RoundTripAll() {
  for (size_t n : testing::kSizes) {
    int k = 0;
    for (const auto& values : Patterns<T>(n, n * 17)) {
      const auto data = Encode(values);
      ASSERT_EQ(data, ReferenceEncode(values, 128, 4)) << "n=" << n << " pattern=" << k;
      ASSERT_EQ(DeltaBinaryPackedDecoder<T>::EncodedSize(data).ValueOr(0), data.size());
      for (size_t batch : {size_t{1} << 20, size_t{100}, size_t{33}, size_t{1}}) {
        if (batch < 100 && n > 1000) continue;
        auto r = Decode<T>(data, n, batch);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        ASSERT_EQ(*r, values) << "n=" << n << " pattern=" << k << " batch=" << batch;
      }
      ++k;
    }
  }
}

TEST(DeltaBinaryPackedTest, RoundTripInt32) { RoundTripAll<int32_t>(); }
TEST(DeltaBinaryPackedTest, RoundTripInt64) { RoundTripAll<int64_t>(); }

TEST(DeltaBinaryPackedTest, DecodesOtherBlockLayouts) {
  // Other writers may pick other legal layouts.
  const std::pair<uint64_t, uint64_t> layouts[] = {
      {128, 1}, {128, 2}, {256, 8}, {512, 4}, {1024, 32}};
  for (auto [block, mbs] : layouts) {
    for (size_t n : {1, 2, 33, 129, 1000, 5000}) {
      const auto v64 = testing::RandomInts<int64_t>(n, n + block);
      const auto d64 = ReferenceEncode(v64, block, mbs);
      ASSERT_EQ(DeltaBinaryPackedDecoder<int64_t>::EncodedSize(d64).ValueOr(0), d64.size());
      auto r64 = Decode<int64_t>(d64, n, 77);
      ASSERT_TRUE(r64.ok()) << r64.status().ToString();
      ASSERT_EQ(*r64, v64) << "block=" << block << " mbs=" << mbs << " n=" << n;
      const auto v32 = testing::RandomInts<int32_t>(n, n + block + 1, -5000, 5000);
      auto r32 = Decode<int32_t>(ReferenceEncode(v32, block, mbs), n, 1 << 20);
      ASSERT_TRUE(r32.ok()) << r32.status().ToString();
      ASSERT_EQ(*r32, v32);
    }
  }
}

TEST(DeltaBinaryPackedTest, StreamingPutMatchesOneShot) {
  const auto values = testing::RandomInts<int64_t>(1000, 9, -1000000, 1000000);
  DeltaBinaryPackedEncoder<int64_t> encoder;
  std::mt19937_64 rng(3);
  for (size_t i = 0; i < values.size();) {
    const size_t k = std::min<size_t>(values.size() - i, rng() % 200);
    encoder.Put(std::span<const int64_t>(values).subspan(i, k));
    i += k;
  }
  Buffer out;
  encoder.Finish(&out);
  EXPECT_EQ(ToVector(out), Encode(values));
  // Finish resets: the encoder is reusable.
  encoder.Put(std::span<const int64_t>(values).first(5));
  Buffer again;
  encoder.Finish(&again);
  EXPECT_EQ(ToVector(again), Encode(std::vector<int64_t>(values.begin(), values.begin() + 5)));
}

TEST(DeltaBinaryPackedTest, ZeroValuesNeedNoBytes) {
  DeltaBinaryPackedDecoder<int32_t> decoder({}, 0);
  int32_t out;
  auto r = decoder.Decode(&out, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0u);
}

TEST(DeltaBinaryPackedTest, FewerValuesThanTheHeaderAreFine) {
  auto r = Decode<int32_t>(kExample1, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (std::vector<int32_t>{1, 2, 3}));
}

TEST(DeltaBinaryPackedTest, RejectsMalformedStreams) {
  auto expect_corrupt = [](const std::vector<uint8_t>& data, size_t n, bool int64,
                           const std::string& needle) {
    Status s = int64 ? Decode<int64_t>(data, n).status() : Decode<int32_t>(data, n).status();
    ASSERT_FALSE(s.ok()) << needle;
    EXPECT_EQ(s.code(), StatusCode::kCorruption);
    EXPECT_NE(s.message().find(needle), std::string::npos) << s.ToString();
  };
  // A miniblock width of 70 (byte 6 of the stream) for INT64, 33 for INT32.
  auto wide = kExample2;
  wide[6] = 70;
  expect_corrupt(wide, 8, true, "DELTA_BINARY_PACKED: miniblock bit width 70 > 64 at byte 6");
  wide[6] = 33;
  expect_corrupt(wide, 8, false, "miniblock bit width 33 > 32 at byte 6");
  EXPECT_FALSE(DeltaBinaryPackedDecoder<int32_t>::EncodedSize(wide).ok());
  expect_corrupt(kExample1, 6, false, "header holds 5 values, the page needs 6");
  expect_corrupt(Bytes({0x00, 0x04, 0x05, 0x02}), 5, false, "block size 0");
  expect_corrupt(Bytes({0xc0, 0x01, 0x04, 0x05, 0x02}), 5, false, "block size 192");
  expect_corrupt(Bytes({0x80, 0x01, 0x03, 0x05, 0x02}), 5, false, "3 miniblocks");
  expect_corrupt(Bytes({0x80, 0x01, 0x08, 0x05, 0x02}), 5, false, "8 miniblocks");
  expect_corrupt(Bytes({0x80, 0x01, 0x04, 0x05}), 5, false, "header first value");
}

template <typename T>
void TruncationFails() {
  for (size_t n : {1, 2, 9, 129, 1000}) {
    for (const auto& values : Patterns<T>(n, n)) {
      const auto data = Encode(values);
      for (size_t cut = 0; cut < data.size(); ++cut) {
        std::vector<uint8_t> prefix(data.begin(), data.begin() + cut);
        auto r = Decode<T>(prefix, n, 50);
        ASSERT_FALSE(r.ok()) << "n=" << n << " cut=" << cut;
        ASSERT_EQ(r.status().code(), StatusCode::kCorruption);
        ASSERT_FALSE(DeltaBinaryPackedDecoder<T>::EncodedSize(prefix).ok()) << "cut=" << cut;
      }
    }
  }
}

TEST(DeltaBinaryPackedTest, TruncationFailsInt32) { TruncationFails<int32_t>(); }
TEST(DeltaBinaryPackedTest, TruncationFailsInt64) { TruncationFails<int64_t>(); }

TEST(DeltaBinaryPackedTest, HugeDeclaredCountsAreBoundedByTheInput) {
  // Block size 2^31 with width-0 miniblocks: a few bytes claim billions of values. Decoding a
  // bounded number is fine; EncodedSize walks blocks, not values.
  auto data =
      Bytes({0x80, 0x80, 0x80, 0x80, 0x08, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x02, 0x00});
  auto size = DeltaBinaryPackedDecoder<int64_t>::EncodedSize(data);
  ASSERT_FALSE(size.ok());  // the second block is missing
  DeltaBinaryPackedDecoder<int64_t> decoder(data, 1000);
  std::vector<int64_t> out(1000);
  auto r = decoder.Decode(out.data(), 1000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (size_t i = 0; i < 1000; ++i) ASSERT_EQ(out[i], static_cast<int64_t>(i));
}

}  // namespace
}  // namespace floe::parquet
