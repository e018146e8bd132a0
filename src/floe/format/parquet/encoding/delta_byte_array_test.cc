#include "floe/format/parquet/encoding/delta_byte_array.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "floe/format/parquet/encoding/encoding_testing.h"

namespace floe::parquet {
namespace {

using testing::Bytes;
using testing::DecodeAllStrings;
using testing::ToVector;

std::vector<uint8_t> Encode(const std::vector<std::string>& strings) {
  DeltaByteArrayEncoder encoder;
  encoder.Put(testing::Views(strings));
  Buffer out;
  encoder.Finish(&out);
  return ToVector(out);
}

// Encodings.md: "axis", "axle", "babble", "babyhood" -> prefix lengths DeltaEncoding(0, 2, 0,
// 3), suffix lengths DeltaEncoding(4, 2, 6, 5), then "axislebabbleyhood". Worked by hand:
//   prefixes: first 0; deltas 2,-2,3; min -2 (zigzag 3); relative 4,0,5 at width 3
//   suffixes: first 4 (zigzag 8); deltas -2,4,-1; min -2; relative 0,6,1 at width 3
std::vector<uint8_t> SpecExample() {
  auto data = Bytes({0x80, 0x01, 0x04, 0x04, 0x00, 0x03, 0x03, 0x00, 0x00, 0x00,        //
                     0x44, 0x01, 0,    0,    0,    0,    0,    0,    0,    0,    0, 0,  //
                     0x80, 0x01, 0x04, 0x04, 0x08, 0x03, 0x03, 0x00, 0x00, 0x00,        //
                     0x70, 0x00, 0,    0,    0,    0,    0,    0,    0,    0,    0, 0});
  const std::string suffixes = "axislebabbleyhood";
  data.insert(data.end(), suffixes.begin(), suffixes.end());
  return data;
}

TEST(DeltaByteArrayTest, SpecExample) {
  const std::vector<std::string> strings = {"axis", "axle", "babble", "babyhood"};
  EXPECT_EQ(Encode(strings), SpecExample());
  const auto data = SpecExample();
  for (size_t batch : {1, 3, 4}) {
    DeltaByteArrayDecoder decoder(data, 4);
    auto r = DecodeAllStrings(decoder, 4, batch);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, strings);
  }
}

TEST(DeltaByteArrayTest, RoundTrips) {
  for (size_t n : testing::kSizes) {
    for (int alphabet : {1, 2, 26}) {
      auto strings = testing::RandomStrings(n, n * 3 + alphabet, 30, alphabet);
      if (alphabet == 26) std::sort(strings.begin(), strings.end());  // long shared prefixes
      const auto data = Encode(strings);
      for (size_t batch : {1000, 7}) {
        if (batch == 7 && n > 1000) continue;
        DeltaByteArrayDecoder decoder(data, n);
        auto r = DecodeAllStrings(decoder, n, batch);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        ASSERT_EQ(*r, strings) << "n=" << n << " alphabet=" << alphabet;
      }
    }
  }
}

TEST(DeltaByteArrayTest, StreamingPutAcrossCallsKeepsThePredecessor) {
  const auto strings = testing::RandomStrings(500, 1, 20, 2);
  DeltaByteArrayEncoder encoder;
  for (size_t i = 0; i < strings.size(); i += 37) {
    // Views of a copy that dies after Put: the encoder must not keep pointers into it.
    std::vector<std::string> piece(strings.begin() + i,
                                   strings.begin() + std::min(strings.size(), i + 37));
    encoder.Put(testing::Views(piece));
  }
  Buffer out;
  encoder.Finish(&out);
  EXPECT_EQ(ToVector(out), Encode(strings));
}

TEST(DeltaByteArrayTest, FixedLenByteArray) {
  std::vector<std::string> strings;
  for (int i = 0; i < 300; ++i) strings.push_back("key-" + std::to_string(1000 + i % 50));
  const auto data = Encode(strings);
  DeltaByteArrayDecoder decoder(data, strings.size(), 8);
  auto r = DecodeAllStrings(decoder, strings.size(), 64);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, strings);
  DeltaByteArrayDecoder wrong(data, strings.size(), 9);
  auto w = DecodeAllStrings(wrong, strings.size(), 64);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("the column's width is 9"), std::string::npos);
}

TEST(DeltaByteArrayTest, RepeatedValuesShareBytes) {
  const std::vector<std::string> strings = {"abc", "abc", "abc", "ab", "abd"};
  const auto data = Encode(strings);
  DeltaByteArrayDecoder decoder(data, 5);
  ByteArray out[5];
  ASSERT_EQ(*decoder.Decode(out, 5), 5u);
  EXPECT_EQ(testing::Strings({out, out + 5}), strings);
  EXPECT_EQ(out[1].ptr, out[0].ptr);
  EXPECT_EQ(out[2].ptr, out[0].ptr);
  EXPECT_EQ(out[3].ptr, out[0].ptr);  // a pure prefix of its predecessor
  EXPECT_NE(out[4].ptr, out[0].ptr);
}

TEST(DeltaByteArrayTest, LongSharedPrefixesDecodeInBoundedSteps) {
  // Each value repeats a 1 MiB prefix and adds one byte: the page is small, the values are not.
  const std::string base(1 << 20, 'p');
  std::vector<std::string> strings;
  for (int i = 0; i < 40; ++i) strings.push_back(base + static_cast<char>('a' + i % 2));
  const auto data = Encode(strings);
  EXPECT_LT(data.size(), size_t{1} << 21);
  DeltaByteArrayDecoder decoder(data, strings.size());
  std::vector<ByteArray> out(strings.size());
  auto first = decoder.Decode(out.data(), out.size());
  ASSERT_TRUE(first.ok());
  EXPECT_GT(*first, 0u);
  EXPECT_LT(*first, strings.size());  // stopped at kMaxBytesPerDecode
  for (size_t i = 0; i < *first; ++i) ASSERT_EQ(out[i].view(), strings[i]);
  DeltaByteArrayDecoder again(data, strings.size());
  auto all = DecodeAllStrings(again, strings.size(), strings.size());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, strings);
}

TEST(DeltaByteArrayTest, RejectsPrefixLongerThanThePredecessor) {
  // One value, prefix length 1 (zigzag 2), suffix "a": the first value has no predecessor.
  const auto data = Bytes({0x80, 0x01, 0x04, 0x01, 0x02, 0x80, 0x01, 0x04, 0x01, 0x02, 'a'});
  DeltaByteArrayDecoder decoder(data, 1);
  ByteArray out;
  auto r = decoder.Decode(&out, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("value 0 has prefix length 1, its predecessor has 0 bytes"),
            std::string::npos)
      << r.status().ToString();
}

TEST(DeltaByteArrayTest, ZeroValuesNeedNoBytes) {
  DeltaByteArrayDecoder decoder({}, 0);
  ByteArray out;
  EXPECT_EQ(decoder.Decode(&out, 1).ValueOr(99), 0u);
  DeltaLengthByteArrayDecoder dlba({}, 0);
  EXPECT_EQ(dlba.Decode(&out, 1).ValueOr(99), 0u);
}

TEST(DeltaByteArrayTest, TruncationFails) {
  for (size_t n : {1, 9, 129, 300}) {
    const auto strings = testing::RandomStrings(n, n + 5, 12, 3);
    const auto data = Encode(strings);
    for (size_t cut = 0; cut < data.size(); ++cut) {
      std::vector<uint8_t> prefix(data.begin(), data.begin() + cut);
      DeltaByteArrayDecoder decoder(prefix, n);
      auto r = DecodeAllStrings(decoder, n, 50);
      ASSERT_FALSE(r.ok()) << "n=" << n << " cut=" << cut;
      ASSERT_EQ(r.status().code(), StatusCode::kCorruption);
    }
  }
}

}  // namespace
}  // namespace floe::parquet
