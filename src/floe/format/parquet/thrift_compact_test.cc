// Thrift compact protocol: byte sequences written by hand from the protocol spec
// (apache/thrift doc/specs/thrift-compact-protocol.md), decoded and re-encoded.
#include "floe/format/parquet/thrift_compact.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace floe::parquet::thrift {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Written(const Buffer& b) { return Bytes(b.data(), b.data() + b.size()); }

TEST(ThriftCompactTest, VarintSpecExample) {
  // The spec's worked example: 50399 = 0xDF 0x89 0x03.
  const Bytes bytes = {0xDF, 0x89, 0x03};
  CompactReader r(bytes);
  EXPECT_EQ(r.ReadVarint64(), 50399u);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);

  Buffer out;
  CompactWriter w(&out);
  w.WriteVarint(50399);
  EXPECT_EQ(Written(out), bytes);
}

TEST(ThriftCompactTest, VarintLimits) {
  // UINT64_MAX is nine 0xFF bytes and a final 0x01.
  Bytes max = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  CompactReader r(max);
  EXPECT_EQ(r.ReadVarint64(), UINT64_MAX);
  EXPECT_TRUE(r.ok());

  Buffer out;
  CompactWriter w(&out);
  w.WriteVarint(UINT64_MAX);
  EXPECT_EQ(Written(out), max);

  // An 11th continuation byte, or a 10th byte carrying more than one bit, is corrupt.
  Bytes too_long = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x00};
  CompactReader r2(too_long);
  r2.ReadVarint64();
  EXPECT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().code(), StatusCode::kCorruption);
  Bytes wide = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02};
  CompactReader r3(wide);
  r3.ReadVarint64();
  EXPECT_FALSE(r3.ok());

  // A 32-bit read of a value above UINT32_MAX is corrupt.
  Bytes big = {0x80, 0x80, 0x80, 0x80, 0x10};  // 2^32
  CompactReader r4(big);
  r4.ReadVarint32();
  EXPECT_FALSE(r4.ok());

  // Truncated in the middle.
  Bytes cut = {0x80, 0x80};
  CompactReader r5(cut);
  EXPECT_EQ(r5.ReadVarint64(), 0u);
  EXPECT_FALSE(r5.ok());
  EXPECT_NE(r5.status().message().find("truncated varint"), std::string::npos);
}

TEST(ThriftCompactTest, Zigzag) {
  // The spec: 0, -1, 1, -2, 2 map to 0, 1, 2, 3, 4.
  EXPECT_EQ(ZigzagEncode32(0), 0u);
  EXPECT_EQ(ZigzagEncode32(-1), 1u);
  EXPECT_EQ(ZigzagEncode32(1), 2u);
  EXPECT_EQ(ZigzagEncode32(-2), 3u);
  EXPECT_EQ(ZigzagEncode32(2), 4u);
  EXPECT_EQ(ZigzagEncode32(INT32_MAX), 0xFFFFFFFEu);
  EXPECT_EQ(ZigzagEncode32(INT32_MIN), 0xFFFFFFFFu);
  EXPECT_EQ(ZigzagEncode64(INT64_MIN), UINT64_MAX);
  EXPECT_EQ(ZigzagEncode64(INT64_MAX), UINT64_MAX - 1);
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, int64_t{-64}, int64_t{63},
                    int64_t{1} << 40, -(int64_t{1} << 40), INT64_MIN, INT64_MAX}) {
    EXPECT_EQ(ZigzagDecode64(ZigzagEncode64(v)), v);
  }
  for (int32_t v : {0, -1, 1, -300, 300, INT32_MIN, INT32_MAX}) {
    EXPECT_EQ(ZigzagDecode32(ZigzagEncode32(v)), v);
  }
}

TEST(ThriftCompactTest, NegativeIntegers) {
  // i32 -1 is zigzag 1 = 0x01; i32 -65 is zigzag 129 = 0x81 0x01; i64 INT64_MIN is
  // zigzag UINT64_MAX.
  Bytes bytes = {0x01, 0x81, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  CompactReader r(bytes);
  EXPECT_EQ(r.ReadI32(), -1);
  EXPECT_EQ(r.ReadI32(), -65);
  EXPECT_EQ(r.ReadI64(), INT64_MIN);
  EXPECT_TRUE(r.ok());

  Buffer out;
  CompactWriter w(&out);
  w.WriteI32(-1);
  w.WriteI32(-65);
  w.WriteI64(INT64_MIN);
  EXPECT_EQ(Written(out), bytes);
}

TEST(ThriftCompactTest, I16AndI8) {
  Bytes bytes = {0xFE, 0xFF, 0x03,  // i16 32767 (zigzag 65534)
                 0xFF, 0xFF, 0x03,  // i16 -32768 (zigzag 65535)
                 0x80};             // i8 -128
  CompactReader r(bytes);
  EXPECT_EQ(r.ReadI16(), 32767);
  EXPECT_EQ(r.ReadI16(), -32768);
  EXPECT_EQ(r.ReadI8(), -128);
  EXPECT_TRUE(r.ok());

  Bytes too_big = {0x80, 0x80, 0x04};  // zigzag 65536 = i16 32768
  CompactReader r2(too_big);
  r2.ReadI16();
  EXPECT_FALSE(r2.ok());
}

TEST(ThriftCompactTest, DoubleIsLittleEndian) {
  // 1.0 = 0x3FF0000000000000, written little-endian.
  Bytes bytes = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F};
  CompactReader r(bytes);
  EXPECT_EQ(r.ReadDouble(), 1.0);
  Buffer out;
  CompactWriter w(&out);
  w.WriteDouble(1.0);
  EXPECT_EQ(Written(out), bytes);

  Bytes short_double = {0x00, 0x00, 0x00};
  CompactReader r2(short_double);
  r2.ReadDouble();
  EXPECT_FALSE(r2.ok());
}

TEST(ThriftCompactTest, Binary) {
  Bytes bytes = {0x03, 'a', 'b', 'c', 0x00};
  CompactReader r(bytes);
  EXPECT_EQ(r.ReadBinary(), "abc");
  EXPECT_EQ(r.ReadBinary(), "");
  EXPECT_TRUE(r.ok());

  // A length beyond the input is rejected, not read.
  Bytes lying = {0x7F, 'a'};
  CompactReader r2(lying);
  EXPECT_EQ(r2.ReadBinary(), "");
  EXPECT_FALSE(r2.ok());
}

TEST(ThriftCompactTest, FieldHeaderShortForm) {
  // struct { 1: i32 = 2; 2: i32 = -1; 5: binary "x" } — deltas 1, 1, 3.
  Bytes bytes = {0x15, 0x04, 0x15, 0x01, 0x38, 0x01, 'x', 0x00};
  CompactReader r(bytes);
  ASSERT_TRUE(r.EnterStruct());
  int16_t last = 0;
  FieldHeader f;
  ASSERT_TRUE(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.id, 1);
  EXPECT_EQ(f.type, CompactType::kI32);
  EXPECT_EQ(r.ReadI32(), 2);
  ASSERT_TRUE(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.id, 2);
  EXPECT_EQ(r.ReadI32(), -1);
  ASSERT_TRUE(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.id, 5);
  EXPECT_EQ(f.type, CompactType::kBinary);
  EXPECT_EQ(r.ReadBinary(), "x");
  EXPECT_FALSE(r.ReadFieldHeader(&last, &f));  // stop
  r.LeaveStruct();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);

  Buffer out;
  CompactWriter w(&out);
  int16_t wlast = 0;
  w.WriteFieldHeader(&wlast, 1, CompactType::kI32);
  w.WriteI32(2);
  w.WriteFieldHeader(&wlast, 2, CompactType::kI32);
  w.WriteI32(-1);
  w.WriteFieldHeader(&wlast, 5, CompactType::kBinary);
  w.WriteBinary("x");
  w.WriteStop();
  EXPECT_EQ(Written(out), bytes);
}

TEST(ThriftCompactTest, FieldHeaderLongForm) {
  // Field 20 (delta 20 > 15): 0x05 then zigzag(20) = 40 = 0x28. Then field 3 after 20
  // (negative delta) also needs the long form: 0x06, zigzag(3) = 6. Field -2 (negative
  // id): 0x08, zigzag(-2) = 3.
  Bytes bytes = {0x05, 0x28, 0x02,  // 20: i32 1
                 0x06, 0x06, 0x04,  // 3: i64 2
                 0x08, 0x03, 0x00,  // -2: binary ""
                 0x00};
  CompactReader r(bytes);
  int16_t last = 0;
  FieldHeader f;
  ASSERT_TRUE(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.id, 20);
  EXPECT_EQ(f.type, CompactType::kI32);
  EXPECT_EQ(r.ReadI32(), 1);
  ASSERT_TRUE(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.id, 3);
  EXPECT_EQ(f.type, CompactType::kI64);
  EXPECT_EQ(r.ReadI64(), 2);
  ASSERT_TRUE(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.id, -2);
  EXPECT_EQ(r.ReadBinary(), "");
  EXPECT_FALSE(r.ReadFieldHeader(&last, &f));
  EXPECT_TRUE(r.ok());

  Buffer out;
  CompactWriter w(&out);
  int16_t wlast = 0;
  w.WriteFieldHeader(&wlast, 20, CompactType::kI32);
  w.WriteI32(1);
  w.WriteFieldHeader(&wlast, 3, CompactType::kI64);
  w.WriteI64(2);
  w.WriteFieldHeader(&wlast, -2, CompactType::kBinary);
  w.WriteBinary("");
  w.WriteStop();
  EXPECT_EQ(Written(out), bytes);

  // After a long-form header the delta continues from the long id: field 21 = 0x15.
  Bytes after = {0x05, 0x28, 0x00, 0x15, 0x02, 0x00};
  CompactReader r2(after);
  last = 0;
  ASSERT_TRUE(r2.ReadFieldHeader(&last, &f));
  r2.ReadI32();
  ASSERT_TRUE(r2.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.id, 21);
}

TEST(ThriftCompactTest, BoolFieldsCarryValueInType) {
  // 1: true (type 1), 2: false (type 2); no value bytes.
  Bytes bytes = {0x11, 0x12, 0x00};
  CompactReader r(bytes);
  int16_t last = 0;
  FieldHeader f;
  ASSERT_TRUE(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.id, 1);
  EXPECT_TRUE(IsBoolType(f.type));
  EXPECT_TRUE(f.bool_value());
  ASSERT_TRUE(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.id, 2);
  EXPECT_FALSE(f.bool_value());
  EXPECT_FALSE(r.ReadFieldHeader(&last, &f));
  EXPECT_TRUE(r.ok());

  Buffer out;
  CompactWriter w(&out);
  int16_t wlast = 0;
  w.WriteBoolField(&wlast, 1, true);
  w.WriteBoolField(&wlast, 2, false);
  w.WriteStop();
  EXPECT_EQ(Written(out), bytes);
}

TEST(ThriftCompactTest, ListShortAndLongForm) {
  // Short form: size 3, i32 elements 1, -1, 2 -> 0x35 0x02 0x01 0x04.
  Bytes shortl = {0x35, 0x02, 0x01, 0x04};
  CompactReader r(shortl);
  ListHeader h = r.ReadListHeader();
  EXPECT_EQ(h.size, 3u);
  EXPECT_EQ(h.element_type, CompactType::kI32);
  EXPECT_EQ(r.ReadI32(), 1);
  EXPECT_EQ(r.ReadI32(), -1);
  EXPECT_EQ(r.ReadI32(), 2);
  r.LeaveContainer();
  EXPECT_TRUE(r.ok());

  // Long form: 0xF8 (size follows, binary elements), varint 15, fifteen empty strings.
  Bytes longl = {0xF8, 0x0F};
  longl.insert(longl.end(), 15, 0x00);
  CompactReader r2(longl);
  h = r2.ReadListHeader();
  EXPECT_EQ(h.size, 15u);
  EXPECT_EQ(h.element_type, CompactType::kBinary);
  for (int i = 0; i < 15; ++i) EXPECT_EQ(r2.ReadBinary(), "");
  r2.LeaveContainer();
  EXPECT_TRUE(r2.ok());
  EXPECT_EQ(r2.remaining(), 0u);

  Buffer out;
  CompactWriter w(&out);
  w.WriteListHeader(CompactType::kI32, 3);
  w.WriteI32(1);
  w.WriteI32(-1);
  w.WriteI32(2);
  EXPECT_EQ(Written(out), shortl);
  out.Clear();
  w.WriteListHeader(CompactType::kBinary, 15);
  for (int i = 0; i < 15; ++i) w.WriteBinary("");
  EXPECT_EQ(Written(out), longl);

  // Size 14 still uses the short form.
  out.Clear();
  w.WriteListHeader(CompactType::kByte, 14);
  EXPECT_EQ(out.data()[0], 0xE3);
}

TEST(ThriftCompactTest, BoolListElementsAreBytes) {
  // Element type 2 (the spec's BOOL) and 1 (what C++/Java Thrift write) both mean bool;
  // values are 1 = true, 0 = false.
  for (uint8_t elem_type : {uint8_t{1}, uint8_t{2}}) {
    Bytes bytes = {static_cast<uint8_t>(0x30 | elem_type), 0x01, 0x00, 0x01};
    CompactReader r(bytes);
    const ListHeader h = r.ReadListHeader();
    EXPECT_EQ(h.size, 3u);
    EXPECT_TRUE(IsBoolType(h.element_type));
    EXPECT_TRUE(r.ReadBoolElement());
    EXPECT_FALSE(r.ReadBoolElement());
    EXPECT_TRUE(r.ReadBoolElement());
    r.LeaveContainer();
    EXPECT_TRUE(r.ok());
  }
}

TEST(ThriftCompactTest, NestedLists) {
  // list<list<i64>> = [[1, -1], []]: outer 0x29 (2 x list), inner 0x26 0x02 0x01, 0x06.
  Bytes bytes = {0x29, 0x26, 0x02, 0x01, 0x06};
  CompactReader r(bytes);
  ListHeader outer = r.ReadListHeader();
  ASSERT_EQ(outer.size, 2u);
  EXPECT_EQ(outer.element_type, CompactType::kList);
  ListHeader a = r.ReadListHeader();
  ASSERT_EQ(a.size, 2u);
  EXPECT_EQ(r.ReadI64(), 1);
  EXPECT_EQ(r.ReadI64(), -1);
  r.LeaveContainer();
  ListHeader b = r.ReadListHeader();
  EXPECT_EQ(b.size, 0u);
  r.LeaveContainer();
  r.LeaveContainer();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);

  // Skipping the same value consumes exactly the same bytes.
  CompactReader s(bytes);
  s.Skip(CompactType::kList);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.remaining(), 0u);
}

TEST(ThriftCompactTest, Maps) {
  // Empty map: 0x00. Map<binary, i32> {"k": 7}: size 1, types 0x85, "k", 14.
  Bytes bytes = {0x00, 0x01, 0x85, 0x01, 'k', 0x0E};
  CompactReader r(bytes);
  MapHeader h = r.ReadMapHeader();
  EXPECT_EQ(h.size, 0u);
  r.LeaveContainer();
  h = r.ReadMapHeader();
  ASSERT_EQ(h.size, 1u);
  EXPECT_EQ(h.key_type, CompactType::kBinary);
  EXPECT_EQ(h.value_type, CompactType::kI32);
  EXPECT_EQ(r.ReadBinary(), "k");
  EXPECT_EQ(r.ReadI32(), 7);
  r.LeaveContainer();
  EXPECT_TRUE(r.ok());

  Buffer out;
  CompactWriter w(&out);
  w.WriteMapHeader(CompactType::kBinary, CompactType::kI32, 0);
  w.WriteMapHeader(CompactType::kBinary, CompactType::kI32, 1);
  w.WriteBinary("k");
  w.WriteI32(7);
  EXPECT_EQ(Written(out), bytes);
}

// A struct holding one field of every type, each followed by field 100 = i32 42, so a
// skip that consumes the wrong number of bytes shows up as a wrong value.
TEST(ThriftCompactTest, SkipEveryType) {
  struct Case {
    const char* name;
    Bytes value_with_header;  // field 1 header + value
  };
  const std::vector<Case> cases = {
      {"bool true", {0x11}},
      {"bool false", {0x12}},
      {"byte", {0x13, 0xFF}},
      {"i16", {0x14, 0xFE, 0xFF, 0x03}},
      {"i32", {0x15, 0x81, 0x01}},
      {"i64", {0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}},
      {"double", {0x17, 1, 2, 3, 4, 5, 6, 7, 8}},
      {"binary", {0x18, 0x02, 'h', 'i'}},
      {"list<i32>", {0x19, 0x25, 0x02, 0x04}},
      {"list<bool>", {0x19, 0x21, 0x01, 0x00}},
      {"list<double> long form",
       {0x19, 0xF7, 0x0F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
      {"set<binary>", {0x1A, 0x28, 0x01, 'a', 0x00}},
      {"map<i32,struct>", {0x1B, 0x02, 0x5C, 0x02, 0x15, 0x02, 0x00, 0x04, 0x00}},
      {"empty map", {0x1B, 0x00}},
      {"struct", {0x1C, 0x15, 0x02, 0x11, 0x1C, 0x18, 0x01, 'z', 0x00, 0x00}},
      {"uuid", {0x1D, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}},
      {"list<list<i32>>", {0x19, 0x29, 0x15, 0x02, 0x05}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Bytes bytes = c.value_with_header;
    // Field 100 (long form from field 1): 0x05, zigzag(100) = 200 = 0xC8 0x01, i32 42 = 84.
    bytes.insert(bytes.end(), {0x05, 0xC8, 0x01, 0x54, 0x00});
    CompactReader r(bytes);
    int16_t last = 0;
    FieldHeader f;
    ASSERT_TRUE(r.ReadFieldHeader(&last, &f));
    EXPECT_EQ(f.id, 1);
    r.Skip(f.type);
    ASSERT_TRUE(r.ReadFieldHeader(&last, &f)) << r.status().ToString();
    EXPECT_EQ(f.id, 100);
    EXPECT_EQ(r.ReadI32(), 42);
    EXPECT_FALSE(r.ReadFieldHeader(&last, &f));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r.remaining(), 0u);
  }
}

TEST(ThriftCompactTest, InvalidTypesAreCorruption) {
  // Field type 14 does not exist.
  Bytes bad_field = {0x1E, 0x00};
  CompactReader r(bad_field);
  int16_t last = 0;
  FieldHeader f;
  EXPECT_FALSE(r.ReadFieldHeader(&last, &f));
  EXPECT_FALSE(r.ok());
  // List element type 0 with a non-zero size.
  Bytes bad_list = {0x10, 0x00};
  CompactReader r2(bad_list);
  r2.ReadListHeader();
  r2.LeaveContainer();
  EXPECT_FALSE(r2.ok());
  // Map key type 15.
  Bytes bad_map = {0x01, 0xF5, 0x00, 0x00};
  CompactReader r3(bad_map);
  r3.ReadMapHeader();
  r3.LeaveContainer();
  EXPECT_FALSE(r3.ok());
  // A struct with no stop byte.
  Bytes no_stop = {0x15, 0x02};
  CompactReader r4(no_stop);
  r4.Skip(CompactType::kStruct);
  EXPECT_FALSE(r4.ok());
}

TEST(ThriftCompactTest, AbsurdContainerSizesAreRejectedBeforeUse) {
  // list<struct> claiming INT32_MAX elements, with 3 bytes left.
  Bytes huge_list = {0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x00, 0x00};
  CompactReader r(huge_list);
  const ListHeader h = r.ReadListHeader();
  r.LeaveContainer();
  EXPECT_EQ(h.size, 0u);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("exceeds"), std::string::npos) << r.status().ToString();

  // Size above INT32_MAX.
  Bytes over = {0xF5, 0x80, 0x80, 0x80, 0x80, 0x08};
  CompactReader r2(over);
  r2.ReadListHeader();
  r2.LeaveContainer();
  EXPECT_FALSE(r2.ok());

  // list<double> of 2 elements needs 16 bytes; 15 are there.
  Bytes doubles = {0x27};
  doubles.insert(doubles.end(), 15, 0);
  CompactReader r3(doubles);
  r3.ReadListHeader();
  r3.LeaveContainer();
  EXPECT_FALSE(r3.ok());

  // map of 1000 entries with 10 bytes left.
  Bytes map = {0xE8, 0x07, 0x55};
  map.insert(map.end(), 10, 0);
  CompactReader r4(map);
  r4.ReadMapHeader();
  r4.LeaveContainer();
  EXPECT_FALSE(r4.ok());

  // Skipping an absurd list inside an unknown field fails quickly too.
  Bytes field = {0x19, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00};
  CompactReader r5(field);
  int16_t last = 0;
  FieldHeader f;
  ASSERT_TRUE(r5.ReadFieldHeader(&last, &f));
  r5.Skip(f.type);
  EXPECT_FALSE(r5.ok());
}

TEST(ThriftCompactTest, NestingDepthIsLimited) {
  // 200 nested structs (field 1 of type struct, each), then 200 stops.
  Bytes deep;
  for (int i = 0; i < 200; ++i) deep.push_back(0x1C);
  deep.insert(deep.end(), 201, 0x00);
  CompactReader r(deep);
  r.Skip(CompactType::kStruct);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nesting"), std::string::npos);

  // 200 nested lists.
  Bytes lists(200, 0x19);
  lists.push_back(0x00);
  CompactReader r2(lists);
  r2.Skip(CompactType::kList);
  EXPECT_FALSE(r2.ok());

  // Within the limit it works: 10 nested structs.
  Bytes ok_depth;
  for (int i = 0; i < 10; ++i) ok_depth.push_back(0x1C);
  ok_depth.insert(ok_depth.end(), 11, 0x00);
  CompactReader r3(ok_depth);
  r3.Skip(CompactType::kStruct);
  EXPECT_TRUE(r3.ok());
  EXPECT_EQ(r3.remaining(), 0u);

  // A custom limit.
  CompactReader r4(ok_depth, /*max_depth=*/5);
  r4.Skip(CompactType::kStruct);
  EXPECT_FALSE(r4.ok());
}

TEST(ThriftCompactTest, ErrorsAreStickyAndNameTheOffset) {
  Bytes bytes = {0x15, 0x80};  // field 1 i32 with a truncated varint
  CompactReader r(bytes);
  int16_t last = 0;
  FieldHeader f;
  ASSERT_TRUE(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(r.ReadI32(), 0);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("offset"), std::string::npos);
  // Later reads return zero values and keep the first error.
  const std::string first = r.status().message();
  EXPECT_EQ(r.ReadI64(), 0);
  EXPECT_EQ(r.ReadBinary(), "");
  EXPECT_FALSE(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(r.status().message(), first);
}

TEST(ThriftCompactTest, RandomRoundTrip) {
  // A deterministic mix of values written then read back.
  uint64_t seed = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  std::vector<int64_t> i64s;
  std::vector<int32_t> i32s;
  std::vector<double> doubles;
  Buffer out;
  CompactWriter w(&out);
  for (int i = 0; i < 1000; ++i) {
    const int shift = static_cast<int>(next() % 64);
    const int64_t v = static_cast<int64_t>(next()) >> shift;
    i64s.push_back(v);
    i32s.push_back(static_cast<int32_t>(v));
    doubles.push_back(static_cast<double>(v) / 3.0);
    w.WriteI64(i64s.back());
    w.WriteI32(i32s.back());
    w.WriteDouble(doubles.back());
  }
  CompactReader r(std::span<const uint8_t>(out.data(), out.size()));
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(r.ReadI64(), i64s[i]);
    ASSERT_EQ(r.ReadI32(), i32s[i]);
    ASSERT_EQ(r.ReadDouble(), doubles[i]);
  }
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

}  // namespace
}  // namespace floe::parquet::thrift
