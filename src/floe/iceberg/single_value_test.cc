// Appendix D binary single-value serialization: hand-computed bytes from the spec's table
// (little-endian numbers, IEEE bits, big-endian uuid and minimal two's-complement
// decimals), round trips for every primitive type, and length errors.
#include "floe/iceberg/single_value.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

namespace floe::iceberg {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

std::string Hex(std::string_view s) {
  std::string out;
  for (unsigned char c : s) out += fmt::format("{:02x}", c);
  return out;
}

void ExpectEncodes(const TypePtr& type, const Value& v, const std::string& want) {
  Result<std::string> got = EncodeSingleValue(*type, v);
  ASSERT_TRUE(got.ok()) << type->ToString() << ": " << got.status().ToString();
  EXPECT_EQ(Hex(*got), Hex(want)) << type->ToString();
  Result<Value> back = DecodeSingleValue(*type, want);
  ASSERT_TRUE(back.ok()) << type->ToString() << ": " << back.status().ToString();
  EXPECT_TRUE(*back == v) << type->ToString() << " did not round trip";
}

TEST(SingleValue, SpecByteLayouts) {
  ExpectEncodes(types::Boolean(), Value{false}, Bytes({0x00}));
  ExpectEncodes(types::Boolean(), Value{true}, Bytes({0x01}));
  ExpectEncodes(types::Int(), Value{int32_t{1}}, Bytes({0x01, 0, 0, 0}));
  ExpectEncodes(types::Int(), Value{int32_t{-2}}, Bytes({0xfe, 0xff, 0xff, 0xff}));
  ExpectEncodes(types::Int(), Value{int32_t{0x01020304}}, Bytes({0x04, 0x03, 0x02, 0x01}));
  ExpectEncodes(types::Long(), Value{int64_t{1}}, Bytes({0x01, 0, 0, 0, 0, 0, 0, 0}));
  ExpectEncodes(types::Long(), Value{int64_t{0x0102030405060708}},
                Bytes({0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01}));
  ExpectEncodes(types::Long(), Value{int64_t{-1}},
                Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
  // IEEE 754: 1.0f = 0x3f800000, -2.5f = 0xc0200000, 1.0 = 0x3ff0000000000000.
  ExpectEncodes(types::Float(), Value{1.0f}, Bytes({0x00, 0x00, 0x80, 0x3f}));
  ExpectEncodes(types::Float(), Value{-2.5f}, Bytes({0x00, 0x00, 0x20, 0xc0}));
  ExpectEncodes(types::Double(), Value{1.0}, Bytes({0, 0, 0, 0, 0, 0, 0xf0, 0x3f}));
  ExpectEncodes(types::Double(), Value{-0.0}, Bytes({0, 0, 0, 0, 0, 0, 0, 0x80}));
  // 2017-11-16 is day 17486 = 0x444e.
  ExpectEncodes(types::Date(), Value{int32_t{17486}}, Bytes({0x4e, 0x44, 0, 0}));
  // 22:31:08 = 81068000000 us = 0x12e0078300.
  ExpectEncodes(types::Time(), Value{int64_t{81068000000}},
                Bytes({0x00, 0x83, 0x07, 0xe0, 0x12, 0, 0, 0}));
  // 2017-11-16T22:31:08Z = 1510871468000000 us = 0x55e212d26c300.
  const std::string ts = Bytes({0x00, 0xc3, 0x26, 0x2d, 0x21, 0x5e, 0x05, 0x00});
  ExpectEncodes(types::Timestamp(), Value{int64_t{1510871468000000}}, ts);
  ExpectEncodes(types::TimestampTz(), Value{int64_t{1510871468000000}}, ts);
  ExpectEncodes(types::TimestampNs(), Value{int64_t{1}}, Bytes({1, 0, 0, 0, 0, 0, 0, 0}));
  ExpectEncodes(types::TimestampTzNs(), Value{int64_t{256}}, Bytes({0, 1, 0, 0, 0, 0, 0, 0}));
  // Strings: UTF-8 without a length.
  ExpectEncodes(types::String(), Value{std::string("iceberg")}, "iceberg");
  ExpectEncodes(types::String(), Value{std::string("\xc3\xa9")}, Bytes({0xc3, 0xa9}));
  ExpectEncodes(types::String(), Value{std::string()}, "");
  // The spec's uuid f79c3e09-677c-4bbd-a479-3f349cb785e7 (Appendix B), big-endian.
  const std::string uuid = Bytes({0xF7, 0x9C, 0x3E, 0x09, 0x67, 0x7C, 0x4B, 0xBD, 0xA4, 0x79, 0x3F,
                                  0x34, 0x9C, 0xB7, 0x85, 0xE7});
  ExpectEncodes(types::Uuid(), Value{uuid}, uuid);
  ExpectEncodes(types::Fixed(4), Value{Bytes({0, 1, 2, 3})}, Bytes({0, 1, 2, 3}));
  ExpectEncodes(types::Binary(), Value{Bytes({0, 1, 2, 0xff})}, Bytes({0, 1, 2, 0xff}));
  // Decimals: unscaled value, minimal big-endian two's complement.
  const TypePtr dec = types::Decimal(9, 2);
  ExpectEncodes(dec, Value{__int128{1420}}, Bytes({0x05, 0x8c}));  // 14.20
  ExpectEncodes(dec, Value{__int128{0}}, Bytes({0x00}));
  ExpectEncodes(dec, Value{__int128{-1}}, Bytes({0xff}));
  ExpectEncodes(dec, Value{__int128{127}}, Bytes({0x7f}));
  ExpectEncodes(dec, Value{__int128{128}}, Bytes({0x00, 0x80}));
  ExpectEncodes(dec, Value{__int128{-128}}, Bytes({0x80}));
  ExpectEncodes(dec, Value{__int128{-129}}, Bytes({0xff, 0x7f}));
  // 10^38 - 1 needs all 16 bytes: 0x4b3b4ca85a86c47a098a223fffffffff.
  __int128 max38 = 1;
  for (int i = 0; i < 38; ++i) max38 *= 10;
  max38 -= 1;
  ExpectEncodes(types::Decimal(38, 0), Value{max38},
                Bytes({0x4b, 0x3b, 0x4c, 0xa8, 0x5a, 0x86, 0xc4, 0x7a, 0x09, 0x8a, 0x22, 0x3f, 0xff,
                       0xff, 0xff, 0xff}));
  ExpectEncodes(types::Decimal(38, 0), Value{-max38},
                Bytes({0xb4, 0xc4, 0xb3, 0x57, 0xa5, 0x79, 0x3b, 0x85, 0xf6, 0x75, 0xdd, 0xc0, 0x00,
                       0x00, 0x00, 0x01}));
}

TEST(SingleValue, RoundTripsExtremes) {
  struct Case {
    TypePtr type;
    Value value;
  };
  const std::vector<Case> cases = {
      {types::Int(), Value{std::numeric_limits<int32_t>::min()}},
      {types::Int(), Value{std::numeric_limits<int32_t>::max()}},
      {types::Long(), Value{std::numeric_limits<int64_t>::min()}},
      {types::Long(), Value{std::numeric_limits<int64_t>::max()}},
      {types::Date(), Value{int32_t{-719162}}},
      {types::Float(), Value{std::numeric_limits<float>::infinity()}},
      {types::Float(), Value{-std::numeric_limits<float>::denorm_min()}},
      {types::Double(), Value{-std::numeric_limits<double>::infinity()}},
      {types::Double(), Value{std::numeric_limits<double>::max()}},
      {types::Decimal(38, 10), Value{static_cast<__int128>(-1) << 100}},
      {types::String(), Value{std::string("a\0b", 3)}},
      {types::Binary(), Value{std::string()}},
  };
  for (const Case& c : cases) {
    Result<std::string> enc = EncodeSingleValue(*c.type, c.value);
    ASSERT_TRUE(enc.ok()) << enc.status().ToString();
    Result<Value> dec = DecodeSingleValue(*c.type, *enc);
    ASSERT_TRUE(dec.ok()) << dec.status().ToString();
    EXPECT_TRUE(*dec == c.value) << c.type->ToString();
  }
  // NaN keeps its bits.
  const float nan = std::bit_cast<float>(uint32_t{0x7fc00001});
  Result<std::string> enc = EncodeSingleValue(*types::Float(), Value{nan});
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(Hex(*enc), "0100c07f");
  Result<Value> dec = DecodeSingleValue(*types::Float(), *enc);
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(std::bit_cast<uint32_t>(std::get<float>(*dec)), 0x7fc00001u);
}

TEST(SingleValue, DecodeTolerances) {
  // Any non-zero byte is true.
  Result<Value> b = DecodeSingleValue(*types::Boolean(), Bytes({0x02}));
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(std::get<bool>(*b));
  // A bound written for an int column read after promotion to long.
  Result<Value> l = DecodeSingleValue(*types::Long(), Bytes({0xfe, 0xff, 0xff, 0xff}));
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(std::get<int64_t>(*l), -2);
  // A float bound read after promotion to double.
  Result<Value> d = DecodeSingleValue(*types::Double(), Bytes({0x00, 0x00, 0x20, 0xc0}));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(std::get<double>(*d), -2.5);
}

TEST(SingleValue, EncodeWidensIntegersForLongTypes) {
  Result<std::string> e = EncodeSingleValue(*types::Long(), Value{int32_t{-2}});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(Hex(*e), "feffffffffffffff");
  Result<std::string> f = EncodeSingleValue(*types::Double(), Value{1.0f});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(Hex(*f), "000000000000f03f");
}

TEST(SingleValue, Errors) {
  // Null has no binary form.
  Result<std::string> n = EncodeSingleValue(*types::Int(), Value{});
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), StatusCode::kInvalidArgument);
  // Wrong Value kind.
  Result<std::string> k = EncodeSingleValue(*types::Int(), Value{std::string("x")});
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.status().message().find("int"), std::string::npos) << k.status().ToString();
  EXPECT_FALSE(EncodeSingleValue(*types::Fixed(4), Value{std::string("abc")}).ok());
  EXPECT_FALSE(EncodeSingleValue(*types::Uuid(), Value{std::string(15, 'x')}).ok());
  NestedField a;
  a.id = 1;
  a.name = "a";
  a.type = types::Int();
  Result<std::string> st = EncodeSingleValue(*types::Struct({a}), Value{int32_t{1}});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().code(), StatusCode::kNotSupported);

  // Lengths that do not fit: the message names the type and the length.
  Result<Value> i3 = DecodeSingleValue(*types::Int(), Bytes({1, 2, 3}));
  ASSERT_FALSE(i3.ok());
  EXPECT_EQ(i3.status().code(), StatusCode::kCorruption);
  EXPECT_NE(i3.status().message().find("int"), std::string::npos) << i3.status().ToString();
  EXPECT_NE(i3.status().message().find("3 bytes"), std::string::npos) << i3.status().ToString();
  EXPECT_FALSE(DecodeSingleValue(*types::Long(), Bytes({1, 2, 3, 4, 5})).ok());
  EXPECT_FALSE(DecodeSingleValue(*types::Timestamp(), Bytes({1, 2, 3, 4})).ok());
  EXPECT_FALSE(DecodeSingleValue(*types::Boolean(), "").ok());
  EXPECT_FALSE(DecodeSingleValue(*types::Boolean(), Bytes({0, 0})).ok());
  EXPECT_FALSE(DecodeSingleValue(*types::Float(), Bytes({0, 0, 0, 0, 0, 0, 0, 0})).ok());
  EXPECT_FALSE(DecodeSingleValue(*types::Double(), Bytes({0, 0})).ok());
  EXPECT_FALSE(DecodeSingleValue(*types::Decimal(9, 2), "").ok());
  EXPECT_FALSE(DecodeSingleValue(*types::Decimal(38, 2), std::string(17, '\x01')).ok());
  EXPECT_FALSE(DecodeSingleValue(*types::Uuid(), std::string(15, 'x')).ok());
  EXPECT_FALSE(DecodeSingleValue(*types::Fixed(3), std::string(4, 'x')).ok());
  Result<Value> var = DecodeSingleValue(*types::Variant(), "x");
  ASSERT_FALSE(var.ok());
  EXPECT_EQ(var.status().code(), StatusCode::kNotSupported);
}

}  // namespace
}  // namespace floe::iceberg
