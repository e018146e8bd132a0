#include "floe/format/parquet/encoding/delta_length_byte_array.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "floe/format/parquet/encoding/encoding_testing.h"

namespace floe::parquet {
namespace {

using testing::Bytes;
using testing::DecodeAllStrings;
using testing::ToVector;

std::vector<uint8_t> Encode(const std::vector<std::string>& strings) {
  DeltaLengthByteArrayEncoder encoder;
  encoder.Put(testing::Views(strings));
  Buffer out;
  encoder.Finish(&out);
  return ToVector(out);
}

// Encodings.md: "Hello", "World", "Foobar", "ABCDEF" -> DeltaEncoding(5, 5, 6, 6) followed by
// "HelloWorldFoobarABCDEF". The lengths stream, by hand: header 128/4/4 values/first zigzag(5);
// deltas 0,1,0, min 0, relative 0,1,0 at width 1 in a 32-value (4-byte) miniblock.
std::vector<uint8_t> SpecExample() {
  auto data = Bytes({0x80, 0x01, 0x04, 0x04, 0x0a,  // header
                     0x00,                          // min delta 0
                     0x01, 0x00, 0x00, 0x00,        // widths
                     0b010, 0x00, 0x00, 0x00});     // 0,1,0 LSB first
  const std::string bytes = "HelloWorldFoobarABCDEF";
  data.insert(data.end(), bytes.begin(), bytes.end());
  return data;
}

TEST(DeltaLengthByteArrayTest, SpecExample) {
  const std::vector<std::string> strings = {"Hello", "World", "Foobar", "ABCDEF"};
  EXPECT_EQ(Encode(strings), SpecExample());
  const auto data = SpecExample();
  DeltaLengthByteArrayDecoder decoder(data, 4);
  auto r = DecodeAllStrings(decoder, 4, 3);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, strings);
}

TEST(DeltaLengthByteArrayTest, ViewsPointIntoThePage) {
  const auto data = SpecExample();
  DeltaLengthByteArrayDecoder decoder(data, 4);
  ByteArray out[4];
  ASSERT_EQ(*decoder.Decode(out, 4), 4u);
  EXPECT_EQ(out[0].ptr, data.data() + 14);
  EXPECT_EQ(out[3].ptr, data.data() + 14 + 16);
}

TEST(DeltaLengthByteArrayTest, RoundTrips) {
  for (size_t n : testing::kSizes) {
    for (int max_len : {0, 3, 40, 300}) {
      const auto strings = testing::RandomStrings(n, n + max_len, max_len, 26);
      const auto data = Encode(strings);
      for (size_t batch : {1000, 7}) {
        if (batch == 7 && n > 1000) continue;
        DeltaLengthByteArrayDecoder decoder(data, n);
        auto r = DecodeAllStrings(decoder, n, batch);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        ASSERT_EQ(*r, strings) << "n=" << n << " max_len=" << max_len;
      }
    }
  }
}

TEST(DeltaLengthByteArrayTest, TruncationFails) {
  for (size_t n : {1, 9, 129, 300}) {
    const auto strings = testing::RandomStrings(n, n, 10, 26);
    const auto data = Encode(strings);
    for (size_t cut = 0; cut < data.size(); ++cut) {
      std::vector<uint8_t> prefix(data.begin(), data.begin() + cut);
      DeltaLengthByteArrayDecoder decoder(prefix, n);
      auto r = DecodeAllStrings(decoder, n, 64);
      ASSERT_FALSE(r.ok()) << "n=" << n << " cut=" << cut;
      ASSERT_EQ(r.status().code(), StatusCode::kCorruption);
    }
  }
}

TEST(DeltaLengthByteArrayTest, RejectsBadLengths) {
  // Lengths -1 (first value zigzag(-1) = 1), one value.
  const auto negative = Bytes({0x80, 0x01, 0x04, 0x01, 0x01, 'x'});
  DeltaLengthByteArrayDecoder d1(negative, 1);
  ByteArray out[2];
  auto r = d1.Decode(out, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("value 0 has length -1"), std::string::npos)
      << r.status().ToString();
  // Length 5 with 2 bytes of data.
  const auto longer = Bytes({0x80, 0x01, 0x04, 0x01, 0x0a, 'x', 'y'});
  DeltaLengthByteArrayDecoder d2(longer, 1);
  r = d2.Decode(out, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("value 0 has length 5, 2 bytes remain at byte 5"),
            std::string::npos)
      << r.status().ToString();
  // Fewer lengths than values.
  DeltaLengthByteArrayDecoder d3(longer, 2);
  EXPECT_FALSE(d3.Decode(out, 2).ok());
}

}  // namespace
}  // namespace floe::parquet
