#include "floe/iceberg/schema.h"

#include <gtest/gtest.h>

#include "floe/iceberg/partition_spec.h"
#include "floe/iceberg/sort_order.h"

namespace floe::iceberg {
namespace {

using nlohmann::json;

// The nested example shapes of the spec's Appendix C, plus every primitive.
constexpr const char* kSchemaJson = R"J({
  "type": "struct", "schema-id": 3, "identifier-field-ids": [1],
  "fields": [
    {"id": 1, "name": "id", "required": true, "type": "long", "doc": "row id"},
    {"id": 2, "name": "data", "required": false, "type": {
      "type": "list", "element-id": 3, "element-required": true, "element": "string"}},
    {"id": 4, "name": "props", "required": false, "type": {
      "type": "map", "key-id": 5, "key": "string", "value-id": 6, "value-required": false,
      "value": "double"}},
    {"id": 7, "name": "point", "required": false, "type": {"type": "struct", "fields": [
      {"id": 8, "name": "x", "required": true, "type": "float", "initial-default": 0.0,
       "write-default": 1.5},
      {"id": 9, "name": "y", "required": true, "type": "decimal(9, 2)"}]}},
    {"id": 10, "name": "b", "required": false, "type": "boolean"},
    {"id": 11, "name": "i", "required": false, "type": "int"},
    {"id": 12, "name": "dt", "required": false, "type": "date"},
    {"id": 13, "name": "t", "required": false, "type": "time"},
    {"id": 14, "name": "ts", "required": false, "type": "timestamp"},
    {"id": 15, "name": "tstz", "required": false, "type": "timestamptz"},
    {"id": 16, "name": "tsn", "required": false, "type": "timestamp_ns"},
    {"id": 17, "name": "tstzn", "required": false, "type": "timestamptz_ns"},
    {"id": 18, "name": "u", "required": false, "type": "uuid"},
    {"id": 19, "name": "f", "required": false, "type": "fixed[16]"},
    {"id": 20, "name": "bin", "required": false, "type": "binary"},
    {"id": 21, "name": "dbl", "required": false, "type": "double"}
  ]})J";

TEST(IcebergSchemaTest, ParsesSpecJsonAndLooksUpByIdAndName) {
  auto s = SchemaFromJson(json::parse(kSchemaJson), "");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->schema_id(), 3);
  EXPECT_EQ(s->identifier_field_ids(), std::vector<int32_t>{1});
  EXPECT_EQ(s->HighestFieldId(), 21);
  ASSERT_NE(s->FindById(9), nullptr);
  EXPECT_EQ(*s->FindById(9)->type, *types::Decimal(9, 2));
  EXPECT_EQ(s->FindByName("point.y"), s->FindById(9));
  EXPECT_EQ(s->FindByName("data.element")->id, 3);
  EXPECT_EQ(s->FindByName("props.key")->id, 5);
  EXPECT_EQ(s->FindByName("props.value")->id, 6);
  EXPECT_EQ(s->NameOf(8), "point.x");
  EXPECT_EQ(s->FindById(1)->doc, "row id");
  EXPECT_EQ(*s->FindById(8)->write_default, json(1.5));
  EXPECT_EQ(*s->FindById(19)->type, *types::Fixed(16));
  EXPECT_EQ(*s->FindById(17)->type, *types::TimestampTzNs());
  EXPECT_EQ(s->FindByName("nope"), nullptr);
  // Copies share valid indexes.
  Schema copy = *s;
  EXPECT_EQ(copy.FindByName("point.x")->id, 8);
}

TEST(IcebergSchemaTest, JsonRoundTrip) {
  auto s = SchemaFromJson(json::parse(kSchemaJson), "");
  ASSERT_TRUE(s.ok());
  json out = SchemaToJson(*s);
  EXPECT_EQ(out["type"], "struct");
  EXPECT_EQ(out["schema-id"], 3);
  EXPECT_EQ(out["fields"][1]["type"]["element-id"], 3);
  EXPECT_EQ(out["fields"][2]["type"]["value-required"], false);
  EXPECT_EQ(out["fields"][3]["type"]["fields"][1]["type"], "decimal(9,2)");
  auto again = SchemaFromJson(out, "");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *s);
}

TEST(IcebergSchemaTest, ErrorsNameTheJsonPath) {
  json j = json::parse(kSchemaJson);
  j["fields"][3]["type"]["fields"][1].erase("required");
  auto s = SchemaFromJson(j, "schemas[2]");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("schemas[2].fields[3].type.fields[1].required: missing"),
            std::string::npos)
      << s.status().message();
  j = json::parse(kSchemaJson);
  j["fields"][0]["type"] = "decimal(99,2)";
  EXPECT_FALSE(SchemaFromJson(j, "").ok());
  j = json::parse(kSchemaJson);
  j["fields"][1]["id"] = 1;  // duplicate id
  EXPECT_FALSE(SchemaFromJson(j, "").ok());
  j = json::parse(kSchemaJson);
  j["identifier-field-ids"] = {21};  // optional double cannot identify rows
  EXPECT_FALSE(SchemaFromJson(j, "").ok());
  // Hostile nesting is bounded, not a stack overflow.
  json deep = "int";
  for (int i = 0; i < 1000; ++i) {
    deep = json{
        {"type", "list"}, {"element-id", i + 2}, {"element-required", true}, {"element", deep}};
  }
  json root = {{"type", "struct"},
               {"fields", {{{"id", 1}, {"name", "x"}, {"required", true}, {"type", deep}}}}};
  EXPECT_FALSE(SchemaFromJson(root, "").ok());
}

TEST(IcebergSchemaTest, ColumnarConversionCarriesFieldIds) {
  auto s = SchemaFromJson(json::parse(kSchemaJson), "");
  ASSERT_TRUE(s.ok());
  auto c = s->ToColumnar();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->num_fields(), 21 - 5);  // top-level fields only
  EXPECT_EQ(c->fields[0].id, 1);
  EXPECT_FALSE(c->fields[0].nullable);
  EXPECT_EQ(c->fields[0].type->id, TypeId::kInt64);
  EXPECT_EQ(c->fields[1].type->children[0].id, 3);
  EXPECT_EQ(c->fields[2].type->children[1].id, 6);
  EXPECT_EQ(*c->fields[8].type, *floe::types::Timestamp(TimeUnit::kMicro, false));
  EXPECT_EQ(*c->fields[9].type, *floe::types::Timestamp(TimeUnit::kMicro, true));
  EXPECT_EQ(*c->fields[11].type, *floe::types::Timestamp(TimeUnit::kNano, true));
  auto back = Schema::FromColumnar(*c, 3, {1});
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  // Docs and defaults do not live in columnar types; everything else survives.
  EXPECT_EQ(back->NameOf(9), "point.y");
  EXPECT_EQ(*back->FindById(4)->type, *s->FindById(4)->type);
  EXPECT_EQ(*back->FindById(19)->type, *types::Fixed(16));
}

TEST(IcebergSchemaTest, AssignFieldIdsStructFirst) {
  std::vector<floe::Field> fields = {
      {"a", floe::types::Int64(), true, -1},
      {"s", floe::types::Struct({{"x", floe::types::Int32(), true, -1}}), true, -1},
      {"l", floe::types::List(floe::types::String()), true, -1},
  };
  int32_t last = 0;
  AssignFieldIds(&fields, &last);
  EXPECT_EQ(fields[0].id, 1);
  EXPECT_EQ(fields[1].id, 2);
  EXPECT_EQ(fields[2].id, 3);
  EXPECT_EQ(fields[1].type->children[0].id, 4);
  EXPECT_EQ(fields[2].type->children[0].id, 5);
  EXPECT_EQ(last, 5);
  EXPECT_FALSE(Schema::FromColumnar(floe::Schema({{"z", floe::types::Int32(), true, -1}}), 0).ok());
}

TEST(IcebergPartitionSpecTest, JsonTypesAndPaths) {
  auto schema = SchemaFromJson(json::parse(kSchemaJson), "");
  ASSERT_TRUE(schema.ok());
  // The spec's Appendix C example shape.
  json j = json::parse(R"J({"spec-id": 1, "fields": [
      {"source-id": 14, "field-id": 1000, "name": "ts_day", "transform": "day"},
      {"source-id": 1, "field-id": 1001, "name": "id_bucket", "transform": "bucket[16]"},
      {"source-id": 20, "field-id": 1002, "name": "bin trunc", "transform": "truncate[2]"}]})J");
  auto spec = PartitionSpecFromJson(j, "partition-specs[0]");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_TRUE(spec->Validate(*schema).ok());
  EXPECT_EQ(spec->LastAssignedFieldId(), 1002);
  EXPECT_EQ(PartitionSpecToJson(*spec), j);
  auto type = spec->PartitionType(*schema);
  ASSERT_TRUE(type.ok());
  EXPECT_EQ((*type)[0].id, 1000);
  EXPECT_EQ(*(*type)[0].type, *types::Int());
  EXPECT_EQ(*(*type)[2].type, *types::Binary());
  const int64_t ts = (int64_t{17486} * 86400 + 22 * 3600) * 1000000;
  auto tuple = spec->PartitionTuple(*schema, [&](int32_t id) -> Value {
    if (id == 14) return ts;
    if (id == 1) return int64_t{34};
    return std::string("\x00\x01\x02", 3);
  });
  ASSERT_TRUE(tuple.ok()) << tuple.status().ToString();
  EXPECT_EQ(std::get<int32_t>((*tuple)[0]), 17486);
  EXPECT_EQ(std::get<int32_t>((*tuple)[1]), 2017239379 % 16);
  auto path = spec->PartitionPath(*schema, *tuple);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*path, "ts_day=2017-11-16/id_bucket=3/bin+trunc=AAE%3D");

  // v1 field arrays without field ids are numbered from 1000.
  auto v1 = PartitionFieldsFromJson(json::parse(R"J([
      {"source-id": 14, "name": "h", "transform": "hour"},
      {"source-id": 11, "name": "i", "transform": "identity"}])J"),
                                    "partition-spec");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ((*v1)[1].field_id, 1001);
  // Bad transform parameter names its path; bad source fails validation.
  j["fields"][1]["transform"] = "bucket[-1]";
  auto bad = PartitionSpecFromJson(j, "partition-specs[0]");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("partition-specs[0].fields[1].transform"),
            std::string::npos);
  PartitionSpec wrong{0, {{21, {}, 1000, "d", Transform::Bucket(2)}}};
  EXPECT_FALSE(wrong.Validate(*schema).ok());
}

TEST(IcebergSortOrderTest, JsonRoundTrip) {
  json j = json::parse(R"J({"order-id": 1, "fields": [
      {"transform": "identity", "source-id": 2, "direction": "asc", "null-order": "nulls-first"},
      {"transform": "bucket[4]", "source-id": 3, "direction": "desc", "null-order": "nulls-last"}]})J");
  auto o = SortOrderFromJson(j, "sort-orders[0]");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->fields[1].direction, SortDirection::kDesc);
  EXPECT_EQ(o->fields[1].transform, Transform::Bucket(4));
  EXPECT_EQ(SortOrderToJson(*o), j);
  j["fields"][0]["null-order"] = "nulls-middle";
  auto bad = SortOrderFromJson(j, "sort-orders[0]");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("sort-orders[0].fields[0].null-order"), std::string::npos);
}

}  // namespace
}  // namespace floe::iceberg
