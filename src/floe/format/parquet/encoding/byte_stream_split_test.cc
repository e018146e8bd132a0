#include "floe/format/parquet/encoding/byte_stream_split.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "floe/format/parquet/encoding/encoding_testing.h"

namespace floe::parquet {
namespace {

using testing::Bytes;
using testing::DecodeAll;
using testing::DecodeAllStrings;
using testing::ToVector;

TEST(ByteStreamSplitTest, SpecExample) {
  // Encodings.md: elements AA BB CC DD, 00 11 22 33, A3 B4 C5 D6 (as FLOAT) become
  // AA 00 A3 BB 11 B4 CC 22 C5 DD 33 D6.
  const auto raw = Bytes({0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x11, 0x22, 0x33, 0xA3, 0xB4, 0xC5, 0xD6});
  const auto split =
      Bytes({0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4, 0xCC, 0x22, 0xC5, 0xDD, 0x33, 0xD6});
  float floats[3];
  std::memcpy(floats, raw.data(), 12);
  Buffer out;
  ByteStreamSplitEncode(std::span<const float>(floats, 3), &out);
  EXPECT_EQ(ToVector(out), split);

  ByteStreamSplitDecoder decoder(split, 4, 3);
  float decoded[3];
  ASSERT_EQ(*decoder.Decode(decoded, 3), 3u);
  EXPECT_EQ(std::memcmp(decoded, raw.data(), 12), 0);
}

template <typename T>
void RoundTrip() {
  for (size_t n : testing::kSizes) {
    std::mt19937_64 rng(n * sizeof(T));
    std::vector<T> values(n);
    for (auto& v : values) {
      const uint64_t bits = rng();
      std::memcpy(&v, &bits, sizeof(T));
    }
    Buffer out;
    ByteStreamSplitEncode(std::span<const T>(values), &out);
    ASSERT_EQ(out.size(), n * sizeof(T));
    // Independent check of the layout: byte k of value i sits at k * n + i.
    for (size_t i = 0; i < std::min<size_t>(n, 50); ++i) {
      for (size_t k = 0; k < sizeof(T); ++k) {
        ASSERT_EQ(out.data()[k * n + i], reinterpret_cast<const uint8_t*>(&values[i])[k]);
      }
    }
    for (size_t batch : {100000, 17, 1}) {
      if (batch == 1 && n > 1000) continue;
      ByteStreamSplitDecoder decoder(std::span<const uint8_t>(out.data(), out.size()), sizeof(T),
                                     n);
      auto r = DecodeAll<ByteStreamSplitDecoder, T>(decoder, n, batch);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ(r->size(), n);
      if (n > 0) {
        ASSERT_EQ(std::memcmp(r->data(), values.data(), n * sizeof(T)), 0) << "n=" << n;
      }
    }
  }
}

TEST(ByteStreamSplitTest, RoundTripFloat) { RoundTrip<float>(); }
TEST(ByteStreamSplitTest, RoundTripDouble) { RoundTrip<double>(); }
TEST(ByteStreamSplitTest, RoundTripInt32) { RoundTrip<int32_t>(); }
TEST(ByteStreamSplitTest, RoundTripInt64) { RoundTrip<int64_t>(); }

TEST(ByteStreamSplitTest, RoundTripFixedLenByteArray) {
  for (int width : {1, 2, 3, 4, 8, 16}) {
    for (size_t n : testing::kSizes) {
      std::mt19937_64 rng(n + width);
      std::vector<std::string> strings(n, std::string(width, '\0'));
      for (auto& s : strings) {
        for (auto& c : s) c = static_cast<char>(rng());
      }
      Buffer out;
      ASSERT_TRUE(ByteStreamSplitEncodeFixed(testing::Views(strings), width, &out).ok());
      ASSERT_EQ(out.size(), n * width);
      ByteStreamSplitDecoder decoder(std::span<const uint8_t>(out.data(), out.size()), width, n);
      auto r = DecodeAllStrings(decoder, n, 33);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ(*r, strings) << "width=" << width << " n=" << n;
    }
  }
  Buffer out;
  EXPECT_EQ(ByteStreamSplitEncodeFixed(testing::Views({"ab", "c"}), 2, &out).code(),
            StatusCode::kInvalidArgument);
}

TEST(ByteStreamSplitTest, RejectsBadPages) {
  const auto seven = Bytes({1, 2, 3, 4, 5, 6, 7});
  ByteStreamSplitDecoder ragged(seven, 4, 1);
  float f;
  auto r = ragged.Decode(&f, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a whole number of 4-byte values"), std::string::npos);
  // Every truncation of a page is either ragged or too short for the values.
  const auto eight = Bytes({1, 2, 3, 4, 5, 6, 7, 8});
  for (size_t cut = 0; cut < eight.size(); ++cut) {
    std::vector<uint8_t> prefix(eight.begin(), eight.begin() + cut);
    ByteStreamSplitDecoder d(prefix, 4, 2);
    float out[2];
    EXPECT_EQ(d.Decode(out, 2).status().code(), StatusCode::kCorruption) << cut;
  }
  ByteStreamSplitDecoder zero(eight, 0, 1);
  EXPECT_FALSE(zero.DecodeBytes(nullptr, 1).ok());
  ByteStreamSplitDecoder typed(eight, 4, 2);
  double d;
  EXPECT_EQ(typed.Decode(&d, 1).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace floe::parquet
