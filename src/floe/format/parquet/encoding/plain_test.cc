#include "floe/format/parquet/encoding/plain.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "floe/format/parquet/encoding/encoding_testing.h"

namespace floe::parquet {
namespace {

using testing::Bytes;
using testing::DecodeAll;
using testing::DecodeAllStrings;
using testing::ToVector;

template <typename T>
std::vector<uint8_t> EncodeFixed(const std::vector<T>& v) {
  Buffer out;
  PlainEncode(std::span<const T>(v), &out);
  return ToVector(out);
}

TEST(PlainTest, HandWrittenBytes) {
  EXPECT_EQ(EncodeFixed<int32_t>({1, -2}), Bytes({1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff}));
  EXPECT_EQ(EncodeFixed<int64_t>({0x0102030405060708}), Bytes({8, 7, 6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(EncodeFixed<float>({1.0f}), Bytes({0, 0, 0x80, 0x3f}));
  EXPECT_EQ(EncodeFixed<double>({1.0}), Bytes({0, 0, 0, 0, 0, 0, 0xf0, 0x3f}));
  EXPECT_EQ(EncodeFixed<Int96>({Int96{{1, 2, 3}}}), Bytes({1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0}));

  // Booleans pack LSB first: 1,0,1,1 -> 0b1101; the ninth value starts byte 2.
  const bool bools[] = {true, false, true, true, false, false, false, false, true};
  Buffer out;
  PlainEncodeBooleans(bools, &out);
  EXPECT_EQ(ToVector(out), Bytes({0x0d, 0x01}));

  out.Clear();
  PlainEncodeByteArrays(testing::Views({"ab", ""}), &out);
  EXPECT_EQ(ToVector(out), Bytes({2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0}));

  out.Clear();
  ASSERT_TRUE(PlainEncodeFixed(testing::Views({"abc", "def"}), 3, &out).ok());
  EXPECT_EQ(out.view(), "abcdef");
}

TEST(PlainTest, DecodesHandWrittenBytes) {
  const auto ints = Bytes({1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff});
  PlainDecoder<int32_t> d(ints, 2);
  auto r = DecodeAll<PlainDecoder<int32_t>, int32_t>(d, 2, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (std::vector<int32_t>{1, -2}));

  const auto bools = Bytes({0x0d, 0x01});
  PlainBooleanDecoder b(bools, 9);
  auto rb = DecodeAll<PlainBooleanDecoder, bool>(b, 9, 3);
  ASSERT_TRUE(rb.ok());
  EXPECT_EQ(*rb, (std::vector<bool>{1, 0, 1, 1, 0, 0, 0, 0, 1}));

  const auto arrays = Bytes({2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0, 1, 0, 0, 0, 'z'});
  PlainByteArrayDecoder s(arrays, 3);
  auto rs = DecodeAllStrings(s, 3, 2);
  ASSERT_TRUE(rs.ok());
  EXPECT_EQ(*rs, (std::vector<std::string>{"ab", "", "z"}));
}

template <typename T>
std::vector<T> RandomValues(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<T> v(n);
  for (auto& x : v) {
    if constexpr (std::is_same_v<T, Int96>) {
      x = Int96{{static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng()),
                 static_cast<uint32_t>(rng())}};
    } else if constexpr (std::is_floating_point_v<T>) {
      x = static_cast<T>(std::ldexp(static_cast<double>(rng() % 2000001) - 1000000.0,
                                    static_cast<int>(rng() % 40) - 20));
    } else {
      x = static_cast<T>(rng());
    }
  }
  return v;
}

template <typename T>
void RoundTripFixed() {
  for (size_t n : testing::kSizes) {
    const auto values = RandomValues<T>(n, n + sizeof(T));
    const auto data = EncodeFixed(values);
    ASSERT_EQ(data.size(), n * sizeof(T));
    PlainDecoder<T> decoder(data, n);
    auto r = DecodeAll<PlainDecoder<T>, T>(decoder, n, 1000);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(*r == values) << "n=" << n;
    if (n <= 129) {
      for (size_t cut = 0; cut < data.size(); ++cut) {
        std::vector<uint8_t> prefix(data.begin(), data.begin() + cut);
        PlainDecoder<T> d(prefix, n);
        auto t = DecodeAll<PlainDecoder<T>, T>(d, n, 1000);
        ASSERT_FALSE(t.ok()) << "cut=" << cut;
        EXPECT_EQ(t.status().code(), StatusCode::kCorruption);
      }
    }
  }
}

TEST(PlainTest, RoundTripInt32) { RoundTripFixed<int32_t>(); }
TEST(PlainTest, RoundTripInt64) { RoundTripFixed<int64_t>(); }
TEST(PlainTest, RoundTripInt96) { RoundTripFixed<Int96>(); }
TEST(PlainTest, RoundTripFloat) { RoundTripFixed<float>(); }
TEST(PlainTest, RoundTripDouble) { RoundTripFixed<double>(); }

TEST(PlainTest, RoundTripBooleans) {
  for (size_t n : testing::kSizes) {
    std::mt19937_64 rng(n);
    std::unique_ptr<bool[]> values(new bool[n + 1]);
    for (size_t i = 0; i < n; ++i) values[i] = rng() & 1;
    Buffer one_shot;
    PlainEncodeBooleans(std::span<const bool>(values.get(), n), &one_shot);
    ASSERT_EQ(one_shot.size(), (n + 7) / 8);

    // The streaming encoder, fed in uneven pieces, writes the same bytes.
    PlainBooleanEncoder encoder;
    for (size_t i = 0; i < n;) {
      const size_t k = std::min<size_t>(n - i, 1 + rng() % 13);
      encoder.Put(std::span<const bool>(values.get() + i, k));
      i += k;
    }
    Buffer streamed;
    encoder.Finish(&streamed);
    ASSERT_EQ(ToVector(streamed), ToVector(one_shot)) << "n=" << n;

    for (size_t batch : {1, 5, 8, 1000}) {
      PlainBooleanDecoder decoder(std::span<const uint8_t>(one_shot.data(), one_shot.size()), n);
      auto r = DecodeAll<PlainBooleanDecoder, bool>(decoder, n, batch);
      ASSERT_TRUE(r.ok());
      ASSERT_EQ(r->size(), n);
      for (size_t i = 0; i < n; ++i) ASSERT_EQ((*r)[i], values[i]) << "i=" << i;
    }
    if (n > 0) {
      const auto data = ToVector(one_shot);
      std::vector<uint8_t> prefix(data.begin(), data.end() - 1);
      PlainBooleanDecoder d(prefix, n);
      EXPECT_FALSE((DecodeAll<PlainBooleanDecoder, bool>(d, n, 1000).ok()));
    }
  }
}

TEST(PlainTest, RoundTripByteArrays) {
  for (size_t n : testing::kSizes) {
    const auto strings = testing::RandomStrings(n, n, 40, 26);
    Buffer out;
    PlainEncodeByteArrays(testing::Views(strings), &out);
    const auto data = ToVector(out);
    for (size_t batch : {3, 1000}) {
      PlainByteArrayDecoder decoder(data, n);
      auto r = DecodeAllStrings(decoder, n, batch);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ(*r, strings);
    }
    if (n <= 129) {
      for (size_t cut = 0; cut < data.size(); ++cut) {
        std::vector<uint8_t> prefix(data.begin(), data.begin() + cut);
        PlainByteArrayDecoder d(prefix, n);
        auto t = DecodeAllStrings(d, n, 1000);
        ASSERT_FALSE(t.ok()) << "cut=" << cut;
        EXPECT_EQ(t.status().code(), StatusCode::kCorruption);
      }
    }
  }
}

TEST(PlainTest, RoundTripFixedLenByteArrays) {
  for (int width : {0, 1, 3, 16}) {
    for (size_t n : testing::kSizes) {
      auto strings = testing::RandomStrings(n, n + width, 0);
      for (auto& s : strings) s = std::string(width, 'x') + s;  // all `width` long
      std::mt19937_64 rng(n);
      for (auto& s : strings) {
        for (auto& c : s) c = static_cast<char>(rng());
      }
      Buffer out;
      ASSERT_TRUE(PlainEncodeFixed(testing::Views(strings), width, &out).ok());
      ASSERT_EQ(out.size(), n * width);
      const auto data = ToVector(out);
      PlainFixedLenDecoder decoder(data, width, n);
      auto r = DecodeAllStrings(decoder, n, 100);
      ASSERT_TRUE(r.ok());
      ASSERT_EQ(*r, strings);
      if (n > 0 && width > 0) {
        std::vector<uint8_t> prefix(data.begin(), data.end() - 1);
        PlainFixedLenDecoder d(prefix, width, n);
        EXPECT_FALSE(DecodeAllStrings(d, n, 100).ok());
      }
    }
  }
  Buffer out;
  EXPECT_EQ(PlainEncodeFixed(testing::Views({"abc", "de"}), 3, &out).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(out.empty());
}

TEST(PlainTest, ByteArrayLengthPastEndIsCorruption) {
  const auto data = Bytes({5, 0, 0, 0, 'a', 'b'});
  PlainByteArrayDecoder d(data, 1);
  ByteArray v;
  auto r = d.Decode(&v, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("length 5, only 2 bytes remain"), std::string::npos)
      << r.status().ToString();
  const auto huge = Bytes({0xff, 0xff, 0xff, 0xff, 'a'});
  PlainByteArrayDecoder h(huge, 1);
  EXPECT_FALSE(h.Decode(&v, 1).ok());
}

}  // namespace
}  // namespace floe::parquet
