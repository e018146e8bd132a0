#include "floe/format/avro/schema.h"

#include <gtest/gtest.h>

namespace floe::avro {
namespace {

// The manifest-list schema shape of the Iceberg spec (format/spec.md, "Manifest Lists"),
// abridged, with field ids on fields and element ids on arrays.
constexpr std::string_view kManifestFile = R"({
  "type": "record", "name": "manifest_file", "fields": [
    {"name": "manifest_path", "type": "string", "doc": "Location URI", "field-id": 500},
    {"name": "manifest_length", "type": "long", "field-id": 501},
    {"name": "partitions", "type": ["null", {"type": "array", "items": {
        "type": "record", "name": "r508", "fields": [
          {"name": "contains_null", "type": "boolean", "field-id": 509},
          {"name": "lower_bound", "type": ["null", "bytes"], "default": null, "field-id": 510}]},
        "element-id": 508}], "default": null, "field-id": 507},
    {"name": "key_metadata", "type": ["null", "bytes"], "default": null, "field-id": 519}]})";

TEST(AvroSchema, ParsesIcebergManifestListWithFieldIds) {
  auto s = Schema::Parse(kManifestFile);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const Node& root = (*s)->root();
  ASSERT_EQ(root.type, Type::kRecord);
  EXPECT_EQ(root.name, "manifest_file");
  ASSERT_EQ(root.fields.size(), 4u);
  EXPECT_EQ(root.fields[0].field_id(), 500);
  EXPECT_EQ(root.fields[0].doc, "Location URI");
  const Field& partitions = root.fields[2];
  EXPECT_EQ(partitions.field_id(), 507);
  ASSERT_EQ(partitions.type->type, Type::kUnion);
  EXPECT_EQ(partitions.type->NullBranch(), 0);
  const Node* arr = partitions.type->branches[1];
  ASSERT_EQ(arr->type, Type::kArray);
  EXPECT_EQ(arr->IntAttribute("element-id"), 508);
  EXPECT_EQ(arr->items->fields[1].field_id(), 510);
  ASSERT_TRUE(arr->items->fields[1].default_value.has_value());
  EXPECT_TRUE(arr->items->fields[1].default_value->is_null());

  // Serialize and parse again: the ids, docs and defaults survive.
  auto again = Schema::Parse((*s)->ToJsonString());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->ToJson(), (*s)->ToJson());
  EXPECT_EQ((*again)->root().fields[2].type->branches[1]->IntAttribute("element-id"), 508);
  EXPECT_EQ((*again)->root().fields[3].field_id(), 519);
}

TEST(AvroSchema, MapsKeepKeyAndValueIds) {
  auto s = Schema::Parse(R"({"type":"map","values":"long","key-id":117,"value-id":118})");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->root().IntAttribute("key-id"), 117);
  EXPECT_EQ((*s)->root().IntAttribute("value-id"), 118);
  // Iceberg's non-string-keyed maps: arrays of k/v records with logicalType "map", which is
  // not an Avro logical type and so stays an attribute.
  auto m = Schema::Parse(R"({"type":"array","logicalType":"map","items":{"type":"record",
      "name":"k1_v2","fields":[{"name":"key","type":"int","field-id":1},
      {"name":"value","type":"long","field-id":2}]}})");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)->root().attributes["logicalType"], "map");
  EXPECT_NE((*m)->ToJsonString().find("\"logicalType\":\"map\""), std::string::npos);
}

TEST(AvroSchema, NamedTypesNamespacesAndRecursion) {
  auto s = Schema::Parse(R"({"type":"record","name":"List","namespace":"a.b","fields":[
      {"name":"value","type":{"type":"fixed","name":"F","size":4}},
      {"name":"again","type":"F"},
      {"name":"full","type":"a.b.F"},
      {"name":"e","type":{"type":"enum","name":"c.E","symbols":["X","Y"],"default":"Y"}},
      {"name":"e2","type":"c.E"},
      {"name":"next","type":["null","List"]}]})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const Node& root = (*s)->root();
  EXPECT_EQ(root.full_name(), "a.b.List");
  EXPECT_EQ(root.fields[0].type, root.fields[1].type);
  EXPECT_EQ(root.fields[0].type, root.fields[2].type);
  EXPECT_EQ(root.fields[0].type->full_name(), "a.b.F");
  EXPECT_EQ(root.fields[3].type->full_name(), "c.E");
  EXPECT_EQ(root.fields[3].type->enum_default, "Y");
  EXPECT_EQ(root.fields[4].type, root.fields[3].type);
  EXPECT_EQ(root.fields[5].type->branches[1], &root);
  EXPECT_EQ((*s)->FindNamed("c.E"), root.fields[3].type);
  auto again = Schema::Parse((*s)->ToJsonString());
  ASSERT_TRUE(again.ok()) << (*s)->ToJsonString();
  EXPECT_EQ((*again)->ToJson(), (*s)->ToJson());
  EXPECT_EQ((*again)->root().fields[5].type->branches[1], &(*again)->root());
}

TEST(AvroSchema, LogicalTypes) {
  auto s = Schema::Parse(R"({"type":"record","name":"r","fields":[
      {"name":"d","type":{"type":"int","logicalType":"date"}},
      {"name":"t","type":{"type":"long","logicalType":"time-micros"}},
      {"name":"ts","type":{"type":"long","logicalType":"timestamp-micros","adjust-to-utc":true}},
      {"name":"tn","type":{"type":"long","logicalType":"timestamp-nanos"}},
      {"name":"lt","type":{"type":"long","logicalType":"local-timestamp-micros"}},
      {"name":"u","type":{"type":"string","logicalType":"uuid"}},
      {"name":"uf","type":{"type":"fixed","name":"uf16","size":16,"logicalType":"uuid"}},
      {"name":"dec","type":{"type":"fixed","name":"dec9","size":9,"logicalType":"decimal","precision":20,"scale":2}},
      {"name":"decb","type":{"type":"bytes","logicalType":"decimal","precision":38,"scale":10}},
      {"name":"bad","type":{"type":"bytes","logicalType":"decimal","precision":0}},
      {"name":"toobig","type":{"type":"fixed","name":"f2","size":2,"logicalType":"decimal","precision":9}},
      {"name":"wrong","type":{"type":"string","logicalType":"date"}}]})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const auto& f = (*s)->root().fields;
  EXPECT_EQ(f[0].type->logical_type, LogicalType::kDate);
  EXPECT_EQ(f[1].type->logical_type, LogicalType::kTimeMicros);
  EXPECT_EQ(f[2].type->logical_type, LogicalType::kTimestampMicros);
  EXPECT_EQ(f[2].type->attributes["adjust-to-utc"], true);
  EXPECT_EQ(f[3].type->logical_type, LogicalType::kTimestampNanos);
  EXPECT_EQ(f[4].type->logical_type, LogicalType::kLocalTimestampMicros);
  EXPECT_EQ(f[5].type->logical_type, LogicalType::kUuid);
  EXPECT_EQ(f[6].type->logical_type, LogicalType::kUuid);
  EXPECT_EQ(f[7].type->logical_type, LogicalType::kDecimal);
  EXPECT_EQ(f[7].type->precision, 20);  // fixed(9) holds up to 20 digits
  EXPECT_EQ(f[7].type->scale, 2);
  EXPECT_EQ(f[8].type->precision, 38);
  // Invalid logical types are ignored (the spec says to fall back to the underlying type).
  EXPECT_EQ(f[9].type->logical_type, LogicalType::kNone);
  EXPECT_EQ(f[10].type->logical_type, LogicalType::kNone);  // fixed(2) holds at most 4 digits
  EXPECT_EQ(f[11].type->logical_type, LogicalType::kNone);
  auto again = Schema::Parse((*s)->ToJsonString());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->ToJson(), (*s)->ToJson());
  EXPECT_EQ((*again)->root().fields[7].type->precision, 20);
}

TEST(AvroSchema, RejectsInvalidSchemas) {
  const char* bad[] = {
      R"("strng")",
      R"({"type":"record","name":"r"})",
      R"({"type":"record","name":"r","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]})",
      R"({"type":"record","name":"1r","fields":[]})",
      R"(["int","int"])",
      R"(["null",["int"]])",
      R"([])",
      R"({"type":"enum","name":"E","symbols":[]})",
      R"({"type":"enum","name":"E","symbols":["A","A"]})",
      R"({"type":"fixed","name":"F","size":-1})",
      R"({"type":"array"})",
      R"({"type":"record","name":"r","fields":[{"name":"a","type":{"type":"fixed","name":"r","size":1}}]})",
      R"(not json)",
      R"(42)",
  };
  for (const char* json : bad) EXPECT_FALSE(Schema::Parse(json).ok()) << json;
  // Nesting is bounded.
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += R"({"type":"array","items":)";
  deep += "\"int\"";
  for (int i = 0; i < 200; ++i) deep += "}";
  EXPECT_FALSE(Schema::Parse(deep).ok());
}

TEST(AvroSchema, ErrorsNameThePath) {
  auto s = Schema::Parse(R"({"type":"record","name":"r","fields":[
      {"name":"outer","type":{"type":"array","items":"strng"}}]})");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("outer.items"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace floe::avro
