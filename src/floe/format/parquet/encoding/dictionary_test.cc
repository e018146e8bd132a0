#include "floe/format/parquet/encoding/dictionary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <vector>

#include "floe/format/parquet/encoding/encoding_testing.h"

namespace floe::parquet {
namespace {

using testing::Bytes;
using testing::DecodeAll;
using testing::DecodeAllStrings;
using testing::ToVector;

TEST(DictionaryTest, HandWrittenPagesDecode) {
  // Dictionary page: PLAIN INT32 10, 20, 30. Data page: bit width 2, then an RLE run of
  // three 2s (0x06 0x02) and a bit-packed group 0,1,2,0,0,0,0,0 (0x03, 0b100100, 0x00).
  const auto dict_page = Bytes({10, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0});
  PlainDecoder<int32_t> plain(dict_page, 3);
  int32_t dict[3];
  ASSERT_EQ(*plain.Decode(dict, 3), 3u);
  const auto data = Bytes({2, 0x06, 0x02, 0x03, 0b100100, 0x00});
  DictionaryDecoder<int32_t> decoder(dict, data, 6);
  auto r = DecodeAll<DictionaryDecoder<int32_t>, int32_t>(decoder, 6, 4);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (std::vector<int32_t>{30, 30, 30, 10, 20, 30}));

  DictionaryDecoder<int32_t> indices(dict, data, 6);
  uint32_t idx[6];
  ASSERT_EQ(*indices.DecodeIndices(idx, 6), 6u);
  EXPECT_EQ(std::vector<uint32_t>(idx, idx + 6), (std::vector<uint32_t>{2, 2, 2, 0, 1, 2}));
}

TEST(DictionaryTest, EncoderWritesHandComputedPages) {
  DictionaryEncoder<int32_t> encoder;
  const std::vector<int32_t> values = {7, 7, 9, 7, 9, 11};
  encoder.Put(values);
  EXPECT_EQ(encoder.num_entries(), 3u);
  EXPECT_EQ(encoder.dictionary_size_bytes(), 12u);
  EXPECT_EQ(encoder.bit_width(), 2);
  Buffer dict;
  encoder.WriteDictionaryPage(&dict);
  EXPECT_EQ(ToVector(dict), Bytes({7, 0, 0, 0, 9, 0, 0, 0, 11, 0, 0, 0}));
  Buffer indices;
  encoder.WriteIndices(&indices);
  // Indices 0,0,1,0,1,2 (+ two padding zeros) at 2 bits, LSB first: 0b00010000 0b00001001.
  EXPECT_EQ(ToVector(indices), Bytes({2, 0x03, 0b00010000, 0b00001001}));
  EXPECT_TRUE(encoder.indices().empty());
}

TEST(DictionaryTest, ByteArrayEncoderWritesHandComputedPages) {
  DictionaryEncoder<ByteArray> encoder;
  const std::vector<std::string> strings = {"x", "yy", "x", "", "yy"};
  encoder.Put(testing::Views(strings));
  EXPECT_EQ(encoder.num_entries(), 3u);
  EXPECT_EQ(encoder.dictionary_size_bytes(), 4u + 1 + 4 + 2 + 4);
  Buffer dict;
  encoder.WriteDictionaryPage(&dict);
  EXPECT_EQ(ToVector(dict), Bytes({1, 0, 0, 0, 'x', 2, 0, 0, 0, 'y', 'y', 0, 0, 0, 0}));

  DictionaryEncoder<ByteArray> fixed(2);
  fixed.Put(testing::Views({"ab", "cd", "ab"}));
  EXPECT_EQ(fixed.dictionary_size_bytes(), 4u);
  Buffer fdict;
  fixed.WriteDictionaryPage(&fdict);
  EXPECT_EQ(fdict.view(), "abcd");
}

TEST(DictionaryTest, SingleEntryUsesBitWidthOne) {
  DictionaryEncoder<int64_t> encoder;
  const std::vector<int64_t> values(20, 42);
  encoder.Put(values);
  Buffer indices;
  encoder.WriteIndices(&indices);
  // Width 1, one RLE run of 20 zeros: varint(40) = 0x28, value byte 0.
  EXPECT_EQ(ToVector(indices), Bytes({1, 0x28, 0x00}));
}

TEST(DictionaryTest, FloatsAreKeyedByBits) {
  DictionaryEncoder<double> encoder;
  const double nan1 = std::numeric_limits<double>::quiet_NaN();
  double nan2;
  const uint64_t bits = 0x7ff8000000000001ULL;
  std::memcpy(&nan2, &bits, 8);
  const std::vector<double> values = {0.0, -0.0, nan1, nan2, nan1, 0.0, 1.5};
  encoder.Put(values);
  EXPECT_EQ(encoder.num_entries(), 5u);
  EXPECT_EQ(std::vector<uint32_t>(encoder.indices().begin(), encoder.indices().end()),
            (std::vector<uint32_t>{0, 1, 2, 3, 2, 0, 4}));
}

// Encodes values through a DictionaryEncoder, decodes the dictionary page with PLAIN and the
// indices with DictionaryDecoder, and compares.
template <typename T>
void RoundTrip(const std::vector<T>& values, size_t batch) {
  DictionaryEncoder<T> encoder;
  // Feed in two pieces and write the indices as two pages, as a column writer would.
  const size_t half = values.size() / 2;
  std::vector<std::vector<uint8_t>> pages;
  for (auto piece :
       {std::span<const T>(values).first(half), std::span<const T>(values).subspan(half)}) {
    encoder.Put(piece);
    Buffer page;
    encoder.WriteIndices(&page);
    pages.push_back(ToVector(page));
  }
  Buffer dict_page;
  encoder.WriteDictionaryPage(&dict_page);
  ASSERT_EQ(dict_page.size(), encoder.dictionary_size_bytes());
  PlainDecoder<T> plain(std::span<const uint8_t>(dict_page.data(), dict_page.size()),
                        encoder.num_entries());
  std::vector<T> dict(encoder.num_entries());
  ASSERT_EQ(*plain.Decode(dict.data(), dict.size()), dict.size());

  std::vector<T> decoded;
  size_t sizes[2] = {half, values.size() - half};
  for (int p = 0; p < 2; ++p) {
    DictionaryDecoder<T> decoder(dict, pages[p], sizes[p]);
    auto r = DecodeAll<DictionaryDecoder<T>, T>(decoder, sizes[p], batch);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->size(), sizes[p]);
    decoded.insert(decoded.end(), r->begin(), r->end());
  }
  ASSERT_EQ(decoded.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(std::memcmp(&decoded[i], &values[i], sizeof(T)), 0) << "i=" << i;
  }
}

template <typename T>
T MakeValue(uint64_t x) {
  if constexpr (std::is_same_v<T, Int96>) {
    return Int96{{static_cast<uint32_t>(x), static_cast<uint32_t>(x >> 32), 7}};
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(static_cast<int64_t>(x)) / 8;
  } else {
    return static_cast<T>(x);
  }
}

template <typename T>
void RoundTripAllSizes() {
  for (size_t n : testing::kSizes) {
    for (uint64_t cardinality : {uint64_t{1}, uint64_t{3}, uint64_t{200}, uint64_t{1} << 40}) {
      std::mt19937_64 rng(n + cardinality);
      std::vector<T> values(n);
      for (auto& v : values) v = MakeValue<T>(rng() % cardinality);
      RoundTrip(values, n > 1000 ? 4096 : 7);
    }
  }
}

TEST(DictionaryTest, RoundTripInt32) { RoundTripAllSizes<int32_t>(); }
TEST(DictionaryTest, RoundTripInt64) { RoundTripAllSizes<int64_t>(); }
TEST(DictionaryTest, RoundTripFloat) { RoundTripAllSizes<float>(); }
TEST(DictionaryTest, RoundTripDouble) { RoundTripAllSizes<double>(); }
TEST(DictionaryTest, RoundTripInt96) { RoundTripAllSizes<Int96>(); }

TEST(DictionaryTest, RoundTripExtremes) {
  RoundTrip<int64_t>({INT64_MIN, INT64_MAX, 0, -1, INT64_MIN, INT64_MAX}, 2);
  RoundTrip<int32_t>({INT32_MIN, INT32_MAX, 0, -1, INT32_MIN, INT32_MAX}, 2);
}

TEST(DictionaryTest, RoundTripByteArrays) {
  for (size_t n : testing::kSizes) {
    for (int alphabet : {1, 3, 26}) {
      const auto strings =
          testing::RandomStrings(n, n * alphabet, alphabet == 26 ? 12 : 3, alphabet);
      DictionaryEncoder<ByteArray> encoder;
      encoder.Put(testing::Views(strings));
      std::set<std::string> distinct(strings.begin(), strings.end());
      ASSERT_EQ(encoder.num_entries(), distinct.size());
      Buffer dict_page, page;
      encoder.WriteDictionaryPage(&dict_page);
      encoder.WriteIndices(&page);
      ASSERT_EQ(dict_page.size(), encoder.dictionary_size_bytes());
      PlainByteArrayDecoder plain(std::span<const uint8_t>(dict_page.data(), dict_page.size()),
                                  encoder.num_entries());
      std::vector<ByteArray> dict(encoder.num_entries());
      ASSERT_EQ(*plain.Decode(dict.data(), dict.size()), dict.size());
      DictionaryDecoder<ByteArray> decoder(dict, std::span<const uint8_t>(page.data(), page.size()),
                                           n);
      auto r = DecodeAllStrings(decoder, n, 100);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ(*r, strings);
    }
  }
}

TEST(DictionaryTest, RejectsOutOfRangeIndices) {
  const int32_t dict[3] = {1, 2, 3};
  // RLE run of index 3 (width 2).
  const auto rle_page = Bytes({2, 0x04, 0x03});
  DictionaryDecoder<int32_t> rle(dict, rle_page, 2);
  int32_t out[8];
  auto r = rle.Decode(out, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("value 0 has dictionary index 3, the dictionary has 3"),
            std::string::npos)
      << r.status().ToString();
  // Bit-packed: 0,1,2,3 -> the fourth is out of range.
  const auto packed_page = Bytes({2, 0x03, 0b11100100, 0x00});
  DictionaryDecoder<int32_t> packed(dict, packed_page, 8);
  r = packed.Decode(out, 8);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("value 3 has dictionary index 3"), std::string::npos)
      << r.status().ToString();
  uint32_t idx[8];
  DictionaryDecoder<int32_t> packed2(dict, packed_page, 8);
  EXPECT_FALSE(packed2.DecodeIndices(idx, 8).ok());
  // An empty dictionary rejects every index.
  const auto zero_page = Bytes({1, 0x02, 0x00});
  DictionaryDecoder<int32_t> empty({}, zero_page, 1);
  EXPECT_FALSE(empty.Decode(out, 1).ok());
}

TEST(DictionaryTest, RejectsBadHeaders) {
  const int32_t dict[1] = {1};
  int32_t out[1];
  const auto wide_page = Bytes({33, 0x02, 0, 0, 0, 0, 0});
  DictionaryDecoder<int32_t> wide(dict, wide_page, 1);
  auto r = wide.Decode(out, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bit width 33 > 32"), std::string::npos);
  DictionaryDecoder<int32_t> missing(dict, {}, 1);
  EXPECT_FALSE(missing.Decode(out, 1).ok());
  DictionaryDecoder<int32_t> none(dict, {}, 0);
  EXPECT_EQ(*none.Decode(out, 1), 0u);
}

TEST(DictionaryTest, TruncatedIndicesFail) {
  DictionaryEncoder<int32_t> encoder;
  auto values = testing::RandomInts<int32_t>(1000, 5, 0, 99);
  encoder.Put(values);
  Buffer page;
  encoder.WriteIndices(&page);
  const auto data = ToVector(page);
  std::vector<int32_t> dict(encoder.num_entries());
  Buffer dict_page;
  encoder.WriteDictionaryPage(&dict_page);
  std::memcpy(dict.data(), dict_page.data(), dict_page.size());
  for (size_t cut = 0; cut < data.size(); ++cut) {
    std::vector<uint8_t> prefix(data.begin(), data.begin() + cut);
    DictionaryDecoder<int32_t> decoder(dict, prefix, values.size());
    auto r = DecodeAll<DictionaryDecoder<int32_t>, int32_t>(decoder, values.size(), 64);
    if (r.ok()) {
      ASSERT_EQ(*r, values);  // only the last group's padding was cut
    } else {
      ASSERT_EQ(r.status().code(), StatusCode::kCorruption);
    }
  }
}

}  // namespace
}  // namespace floe::parquet
