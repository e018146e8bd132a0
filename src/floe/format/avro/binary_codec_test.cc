#include "floe/format/avro/binary_codec.h"

#include <gtest/gtest.h>

namespace floe::avro {
namespace {

std::string Hex(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += fmt::format("{:02x}", c);
  return out;
}

SchemaPtr MustParse(std::string_view json) {
  auto s = Schema::Parse(json);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : nullptr;
}

// The spec's zigzag table: 0->00, -1->01, 1->02, -2->03, 2->04, -64->7f, 64->80 01.
TEST(AvroBinaryCodec, ZigZagSpecTable) {
  const std::pair<int64_t, std::string> cases[] = {{0, "00"}, {-1, "01"},  {1, "02"},   {-2, "03"},
                                                   {2, "04"}, {-64, "7f"}, {64, "8001"}};
  for (const auto& [v, hex] : cases) {
    std::string out;
    BinaryEncoder(&out).WriteLong(v);
    EXPECT_EQ(Hex(out), hex) << v;
    BinaryDecoder dec(out);
    auto back = dec.ReadLong();
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, v);
  }
  for (int64_t v : {INT64_MIN, INT64_MAX, int64_t{INT32_MIN}, int64_t{1} << 40}) {
    std::string out;
    BinaryEncoder(&out).WriteLong(v);
    BinaryDecoder dec(out);
    EXPECT_EQ(*dec.ReadLong(), v);
    EXPECT_EQ(dec.remaining(), 0u);
  }
}

TEST(AvroBinaryCodec, BadVarints) {
  // 11 continuation bytes; a 10th byte with bits beyond 64; a cut-off varint.
  EXPECT_FALSE(BinaryDecoder(std::string(11, '\x80')).ReadLong().ok());
  EXPECT_FALSE(BinaryDecoder(std::string(9, '\xff') + "\x02").ReadLong().ok());
  BinaryDecoder cut(std::string_view("\x80\x80", 2));
  EXPECT_FALSE(cut.ReadLong().ok());
  EXPECT_TRUE(cut.hit_end());
  // An int outside int32.
  std::string big;
  BinaryEncoder(&big).WriteLong(int64_t{1} << 33);
  EXPECT_FALSE(BinaryDecoder(big).ReadInt().ok());
}

// The spec's examples: the string "foo" is 06 66 6f 6f; the record {a: 27, b: "foo"} of
// {"type":"record","name":"test","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]}
// is 36 06 66 6f 6f; the array [3, 27] of longs is 04 06 36 00; the union ["null","string"]
// encodes null as 00 and "a" as 02 02 61.
TEST(AvroBinaryCodec, SpecExamples) {
  auto rec = MustParse(
      R"({"type":"record","name":"test","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]})");
  std::string out;
  ASSERT_TRUE(
      BinaryEncoder(&out)
          .Encode(rec->root(), Datum::Record(&rec->root(), {Datum::Long(27), Datum::String("foo")}))
          .ok());
  EXPECT_EQ(Hex(out), "3606666f6f");
  Datum back;
  BinaryDecoder dec(out);
  ASSERT_TRUE(dec.Decode(rec->root(), &back).ok());
  EXPECT_EQ(back.Find("a")->long_value(), 27);
  EXPECT_EQ(back.Find("b")->bytes(), "foo");

  auto arr = MustParse(R"({"type":"array","items":"long"})");
  out.clear();
  ASSERT_TRUE(BinaryEncoder(&out)
                  .Encode(arr->root(), Datum::Array({Datum::Long(3), Datum::Long(27)}))
                  .ok());
  EXPECT_EQ(Hex(out), "04063600");

  auto uni = MustParse(R"(["null","string"])");
  out.clear();
  ASSERT_TRUE(BinaryEncoder(&out).Encode(uni->root(), Datum::Null()).ok());
  ASSERT_TRUE(BinaryEncoder(&out).Encode(uni->root(), Datum::String("a")).ok());
  EXPECT_EQ(Hex(out), "00020261");
  BinaryDecoder udec(out);
  Datum u;
  ASSERT_TRUE(udec.Decode(uni->root(), &u).ok());
  EXPECT_TRUE(u.is_null());
  ASSERT_TRUE(udec.Decode(uni->root(), &u).ok());
  EXPECT_EQ(u.branch(), 1);
  EXPECT_EQ(u.bytes(), "a");
}

// Blocks with a negative count carry their byte size; several blocks concatenate.
TEST(AvroBinaryCodec, NegativeBlockCounts) {
  auto arr = MustParse(R"({"type":"array","items":"long"})");
  // Block 1: count -2 (03), size 2 (04), items 3 (06), 27 (36); block 2: count 1 (02), 5 (0a);
  // end (00).
  const std::string bytes("\x03\x04\x06\x36\x02\x0a\x00", 7);
  Datum d;
  BinaryDecoder dec(bytes);
  ASSERT_TRUE(dec.Decode(arr->root(), &d).ok());
  ASSERT_EQ(d.items().size(), 3u);
  EXPECT_EQ(d.items()[1].long_value(), 27);
  EXPECT_EQ(d.items()[2].long_value(), 5);

  auto map = MustParse(R"({"type":"map","values":"int"})");
  // count -1, size 3, key "k" (02 6b), value 1 (02), end.
  const std::string mbytes("\x01\x06\x02k\x02\x00", 6);
  BinaryDecoder mdec(mbytes);
  ASSERT_TRUE(mdec.Decode(map->root(), &d).ok());
  ASSERT_EQ(d.map().size(), 1u);
  EXPECT_EQ(d.map()[0].first, "k");
  EXPECT_EQ(d.map()[0].second.int_value(), 1);
}

TEST(AvroBinaryCodec, HostileCountsAndLengths) {
  auto arr = MustParse(R"({"type":"array","items":"long"})");
  std::string huge;
  BinaryEncoder(&huge).WriteLong(int64_t{1} << 50);
  Datum d;
  EXPECT_FALSE(BinaryDecoder(huge).Decode(arr->root(), &d).ok());
  // Billions of nulls that take no bytes are capped.
  auto nulls = MustParse(R"({"type":"array","items":"null"})");
  EXPECT_FALSE(BinaryDecoder(huge).Decode(nulls->root(), &d).ok());
  // A string longer than the input.
  auto str = MustParse(R"("string")");
  EXPECT_FALSE(BinaryDecoder(huge).Decode(str->root(), &d).ok());
  // A negative length.
  EXPECT_FALSE(BinaryDecoder(std::string_view("\x01", 1)).Decode(str->root(), &d).ok());
  // Union branch out of range, enum index out of range, boolean byte 2.
  EXPECT_FALSE(BinaryDecoder(std::string_view("\x04", 1))
                   .Decode(MustParse(R"(["null","int"])")->root(), &d)
                   .ok());
  EXPECT_FALSE(BinaryDecoder(std::string_view("\x04", 1))
                   .Decode(MustParse(R"({"type":"enum","name":"E","symbols":["A"]})")->root(), &d)
                   .ok());
  EXPECT_FALSE(BinaryDecoder(std::string_view("\x02", 1))
                   .Decode(MustParse(R"("boolean")")->root(), &d)
                   .ok());
}

TEST(AvroBinaryCodec, ErrorsNameTheFieldPath) {
  auto s = MustParse(R"({"type":"record","name":"r","fields":[
      {"name":"a","type":"int"},
      {"name":"inner","type":{"type":"record","name":"i","fields":[{"name":"s","type":"string"}]}}]})");
  // a = 1, then inner.s with length 50 and no bytes.
  Datum d;
  Status st = BinaryDecoder(std::string_view("\x02\x64", 2)).Decode(s->root(), &d);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("inner.s"), std::string::npos) << st.message();

  std::string out;
  const Node& root = s->root();
  Datum bad =
      Datum::Record(&root, {Datum::Int(1), Datum::Record(root.fields[1].type, {Datum::Long(5)})});
  st = BinaryEncoder(&out).Encode(root, bad);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("inner.s"), std::string::npos) << st.message();
}

TEST(AvroBinaryCodec, RecursionDepthIsBounded) {
  auto s = MustParse(R"({"type":"record","name":"node","fields":[
      {"name":"next","type":["null","node"]}]})");
  // 1000 nested "branch 1" bytes: deeper than kMaxDatumDepth.
  const std::string deep(1000, '\x02');
  Datum d;
  Status st = BinaryDecoder(deep).Decode(s->root(), &d);
  ASSERT_FALSE(st.ok());
  // A shallow list decodes.
  ASSERT_TRUE(BinaryDecoder(std::string_view("\x02\x02\x00", 3)).Decode(s->root(), &d).ok());
  EXPECT_TRUE(d.Find("next")->Find("next")->Find("next")->is_null());
}

TEST(AvroBinaryCodec, FloatsAndDoublesAreLittleEndian) {
  std::string out;
  BinaryEncoder enc(&out);
  enc.WriteFloat(1.0f);   // 0x3f800000
  enc.WriteDouble(-2.0);  // 0xc000000000000000
  EXPECT_EQ(Hex(out),
            "0000803f"
            "000000000000"
            "00c0");
  BinaryDecoder dec(out);
  EXPECT_EQ(*dec.ReadFloat(), 1.0f);
  EXPECT_EQ(*dec.ReadDouble(), -2.0);
}

}  // namespace
}  // namespace floe::avro
