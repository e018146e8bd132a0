#include "floe/columnar/schema_json.h"

#include <gtest/gtest.h>

namespace floe {
namespace {

std::string ErrorOf(std::string_view text) {
  Result<Schema> r = ParseSchemaJson(text);
  return r.ok() ? "OK" : r.status().message();
}

TEST(SchemaJson, ParsesTheDocumentedExample) {
  Result<Schema> r = ParseSchemaJson(R"j({"fields": [
    {"name": "id", "type": "int64", "nullable": false, "id": 1},
    {"name": "tags", "type": {"type": "list", "element": "string", "element_nullable": true}},
    {"name": "attrs", "type": {"type": "map", "key": "string", "value": "int64"}},
    {"name": "loc", "type": {"type": "struct", "fields": [
      {"name": "lat", "type": "double", "nullable": false},
      {"name": "lon", "type": "float"}]}},
    {"name": "amount", "type": "decimal(10,2)"},
    {"name": "ts", "type": "timestamp(us, utc)"}]})j");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Schema expected({
      Field{"id", types::Int64(), false, 1},
      Field{"tags", types::List(types::String(), true)},
      Field{"attrs", types::Map(types::String(), types::Int64())},
      Field{"loc",
            types::Struct({Field{"lat", types::Float64(), false}, Field{"lon", types::Float32()}})},
      Field{"amount", types::Decimal(10, 2)},
      Field{"ts", types::Timestamp(TimeUnit::kMicro, true)},
  });
  EXPECT_EQ(*r, expected);
}

TEST(SchemaJson, TypeStrings) {
  struct Case {
    const char* text;
    TypePtr type;
  } cases[] = {
      {"bool", types::Bool()},
      {"boolean", types::Bool()},
      {"int8", types::Int8()},
      {"int16", types::Int16()},
      {"int32", types::Int32()},
      {"int64", types::Int64()},
      {"uint8", types::UInt8()},
      {"uint16", types::UInt16()},
      {"uint32", types::UInt32()},
      {"uint64", types::UInt64()},
      {"float16", types::Float16()},
      {"float32", types::Float32()},
      {"float", types::Float32()},
      {"float64", types::Float64()},
      {"double", types::Float64()},
      {"decimal(38,0)", types::Decimal(38, 0)},
      {" decimal( 5 , 5 ) ", types::Decimal(5, 5)},
      {"date", types::Date()},
      {"time", types::Time(TimeUnit::kMicro, false)},
      {"time(ms)", types::Time(TimeUnit::kMilli, false)},
      {"time(ns, utc)", types::Time(TimeUnit::kNano, true)},
      {"timestamp", types::Timestamp(TimeUnit::kMicro, false)},
      {"timestamp(ms)", types::Timestamp(TimeUnit::kMilli, false)},
      {"TIMESTAMP(NS,UTC)", types::Timestamp(TimeUnit::kNano, true)},
      {"timestamptz", types::Timestamp(TimeUnit::kMicro, true)},
      {"timestamp_ns", types::Timestamp(TimeUnit::kNano, false)},
      {"timestamptz_ns", types::Timestamp(TimeUnit::kNano, true)},
      {"interval", types::Interval()},
      {"string", types::String()},
      {"enum", types::Enum()},
      {"json", types::Json()},
      {"binary", types::Binary()},
      {"fixed(16)", types::FixedBinary(16)},
      {"uuid", types::Uuid()},
  };
  for (const Case& c : cases) {
    Result<TypePtr> t = ParseTypeString(c.text);
    ASSERT_TRUE(t.ok()) << c.text << ": " << t.status().ToString();
    EXPECT_EQ(**t, *c.type) << c.text;
    // The canonical string parses back to the same type.
    Result<TypePtr> again = ParseTypeString(TypeToString(**t));
    ASSERT_TRUE(again.ok()) << TypeToString(**t);
    EXPECT_EQ(**again, *c.type);
  }
  EXPECT_EQ(TypeToString(*types::Decimal(10, 2)), "decimal(10,2)");
  EXPECT_EQ(TypeToString(*types::Timestamp(TimeUnit::kMicro, true)), "timestamp(us, utc)");
  EXPECT_EQ(TypeToString(*types::Time(TimeUnit::kMilli, false)), "time(ms)");
  EXPECT_EQ(TypeToString(*types::FixedBinary(4)), "fixed(4)");

  for (const char* bad :
       {"flaot", "int", "decimal(39,2)", "decimal(5,6)", "decimal(0,0)", "decimal(10)",
        "decimal(a,b)", "decimal(10,2", "time(s)", "timestamp(us, local)", "timestamp(us,utc,x)",
        "fixed(0)", "fixed(-1)", "fixed(99999999999)", "fixed()", "", "list"}) {
    EXPECT_FALSE(ParseTypeString(bad).ok()) << bad;
  }
}

TEST(SchemaJson, RoundTripsThroughSchemaToJson) {
  Schema schema({
      Field{"id", types::Int64(), false, 1},
      Field{"tags", types::List(Field{"element", types::String(), false, 7}), true, 2},
      Field{"m",
            types::Map(Field{"key", types::Uuid(), false, 8},
                       Field{"value", types::List(types::Decimal(38, 10)), false, 9}),
            true, 3},
      Field{"s",
            types::Struct({Field{"a\"b", types::Time(TimeUnit::kNano, true), false, 4},
                           Field{"deep", types::Struct({Field{"x", types::Interval()}})}}),
            false},
      Field{"f", types::FixedBinary(3)},
      Field{"j", types::Json()},
      Field{"e", types::Enum()},
      Field{"h", types::Float16()},
  });
  schema.metadata["owner"] = "team \"data\"";
  schema.metadata["k"] = "";
  const std::string text = SchemaToJson(schema);
  Result<Schema> back = ParseSchemaJson(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << text;
  EXPECT_EQ(*back, schema) << text;
  EXPECT_EQ(back->metadata, schema.metadata);
  EXPECT_EQ(SchemaToJson(*back), text);
  EXPECT_EQ(text.back(), '\n');
}

TEST(SchemaJson, PrettyLayout) {
  Schema schema({Field{"id", types::Int64(), false, 1},
                 Field{"loc", types::Struct({Field{"lat", types::Float64()},
                                             Field{"tags", types::List(types::String())}})},
                 Field{"amount", types::Decimal(10, 2)}});
  schema.metadata["owner"] = "data";
  EXPECT_EQ(SchemaToJson(schema),
            R"j({
  "fields": [
    {"name": "id", "nullable": false, "id": 1, "type": "int64"},
    {"name": "loc", "nullable": true, "type": {"type": "struct", "fields": [
      {"name": "lat", "nullable": true, "type": "float64"},
      {"name": "tags", "nullable": true, "type": {"type": "list", "element_nullable": true, "element": "string"}}
    ]}},
    {"name": "amount", "nullable": true, "type": "decimal(10,2)"}
  ],
  "metadata": {"owner": "data"}
}
)j");
  EXPECT_EQ(SchemaToJson(Schema()), "{\n  \"fields\": []\n}\n");
}

TEST(SchemaJson, ErrorsNameTheFieldPath) {
  EXPECT_EQ(ErrorOf(R"({"fields":[{"name":"loc","type":{"type":"struct","fields":[
      {"name":"lat","type":"flaot"}]}}]})"),
            "schema field \"loc.lat\": unknown type \"flaot\"");
  EXPECT_EQ(ErrorOf(R"({"fields":[{"name":"tags","type":{"type":"list","element":"strin"}}]})"),
            "schema field \"tags.element\": unknown type \"strin\"");
  EXPECT_EQ(
      ErrorOf(
          R"({"fields":[{"name":"m","type":{"type":"map","key":"string","value":{"type":"list"}}}]})"),
      "schema field \"m.value\": list type needs \"element\"");
  EXPECT_EQ(ErrorOf(R"({"fields":[{"name":"a","type":"int32","nulable":false}]})"),
            "schema field \"a\": unknown key \"nulable\" (expected name, type, nullable, id, doc)");
  EXPECT_EQ(ErrorOf(R"({"fields":[{"name":"a","type":"int32"},{"name":"a","type":"int64"}]})"),
            "schema field \"a\": duplicate field name");
  EXPECT_EQ(
      ErrorOf(
          R"({"fields":[{"name":"a","type":"int32","id":1},{"name":"b","type":"int64","id":1}]})"),
      "schema field \"b\": duplicate field id 1");
  EXPECT_EQ(ErrorOf(R"({"fields":[{"name":"a","type":"int32","id":-2}]})"),
            "schema field \"a\": \"id\" -2 out of range 0..2147483647");
  EXPECT_EQ(ErrorOf(R"({"fields":[{"name":"a","type":"int32","id":"1"}]})"),
            "schema field \"a\": \"id\" must be an integer, got string \"1\"");
  EXPECT_EQ(ErrorOf(R"({"fields":[{"name":"a"}]})"), "schema field \"a\": missing \"type\"");
  EXPECT_EQ(ErrorOf(R"({"fields":[{"type":"int32"}]})"),
            "schema field \"#0\": \"name\" must be a non-empty string");
  EXPECT_EQ(ErrorOf(R"({"fields":[{"name":"a","type":"int32","nullable":"no"}]})"),
            "schema field \"a\": \"nullable\" must be true or false, got string \"no\"");
  EXPECT_EQ(ErrorOf(R"({"fields":[{"name":"a","type":[1]}]})"),
            "schema field \"a\": \"type\" must be a string or an object, got array");
  EXPECT_EQ(
      ErrorOf(
          R"({"fields":[{"name":"s","type":{"type":"struct","fields":[{"name":"x","type":"int8"}],"extra":1}}]})"),
      "schema field \"s\": unknown key \"extra\" in struct type");
  EXPECT_EQ(ErrorOf(R"({"fields":{}})"), "schema: \"fields\" must be an array, got object");
  EXPECT_EQ(ErrorOf(R"({"felds":[]})"),
            "schema: unknown key \"felds\" (expected fields, metadata)");
  EXPECT_EQ(ErrorOf(R"({})"), "schema: missing \"fields\"");
  EXPECT_EQ(ErrorOf(R"([])"), "schema: expected an object with \"fields\", got array");
  EXPECT_EQ(ErrorOf(R"({"fields":[],"metadata":{"a":1}})"),
            "schema: metadata \"a\" must be a string, got number 1");
  EXPECT_EQ(ErrorOf(R"({"fields":[}")").substr(0, 34), "schema: invalid JSON at byte 12: [");
  // Nesting is bounded.
  std::string deep = "{\"fields\":[{\"name\":\"a\",\"type\":";
  for (int i = 0; i < 100; ++i) deep += "{\"type\":\"list\",\"element\":";
  deep += "\"int32\"" + std::string(100, '}') + "}]}";
  EXPECT_EQ(ErrorOf(deep).substr(0, 24), "schema field \"a.element.");
  EXPECT_NE(ErrorOf(deep).find("nested deeper than 64 levels"), std::string::npos);
}

TEST(SchemaJson, AcceptsObjectFormPrimitivesAndDoc) {
  Result<Schema> r = ParseSchemaJson(
      R"j({"fields":[{"name":"a","type":{"type":"decimal(9,3)"},"doc":"amount"},
                    {"name":"m","type":{"type":"map","key":"int32","value":"string",
                     "value_nullable":false,"key_id":5,"value_id":6}}],
          "metadata":{"x":"y"}})j");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r->fields[0].type, *types::Decimal(9, 3));
  const DataType& m = *r->fields[1].type;
  ASSERT_EQ(m.id, TypeId::kMap);
  EXPECT_FALSE(m.children[0].nullable);
  EXPECT_EQ(m.children[0].id, 5);
  EXPECT_FALSE(m.children[1].nullable);
  EXPECT_EQ(m.children[1].id, 6);
  EXPECT_EQ(r->metadata.at("x"), "y");
}

}  // namespace
}  // namespace floe
