// Manifest and manifest-list reading on Avro files built here from the spec's field
// layout (Manifests: manifest_entry / data_file; Manifest Lists: manifest_file), checking
// every data_file field and the spec's inheritance rules.
#include "floe/iceberg/manifest.h"

#include <gtest/gtest.h>

#include <memory>

#include "floe/format/avro/container.h"

namespace floe::iceberg {
namespace {

using avro::Datum;

// The v2 manifest_entry schema (field ids per the spec), partition struct {d: date}.
constexpr std::string_view kEntrySchema = R"({
 "type": "record", "name": "manifest_entry", "fields": [
  {"name": "status", "type": "int", "field-id": 0},
  {"name": "snapshot_id", "type": ["null", "long"], "field-id": 1},
  {"name": "sequence_number", "type": ["null", "long"], "field-id": 3},
  {"name": "file_sequence_number", "type": ["null", "long"], "field-id": 4},
  {"name": "data_file", "field-id": 2, "type": {"type": "record", "name": "r2", "fields": [
   {"name": "content", "type": "int", "field-id": 134},
   {"name": "file_path", "type": "string", "field-id": 100},
   {"name": "file_format", "type": "string", "field-id": 101},
   {"name": "partition", "field-id": 102, "type": {"type": "record", "name": "r102",
     "fields": [{"name": "d", "type": ["null", "int"], "field-id": 1000}]}},
   {"name": "record_count", "type": "long", "field-id": 103},
   {"name": "file_size_in_bytes", "type": "long", "field-id": 104},
   {"name": "column_sizes", "field-id": 108, "type": ["null", {"type": "array", "items":
     {"type": "record", "name": "k117_v118", "fields": [
      {"name": "key", "type": "int", "field-id": 117},
      {"name": "value", "type": "long", "field-id": 118}]}, "logicalType": "map"}]},
   {"name": "lower_bounds", "field-id": 125, "type": ["null", {"type": "array", "items":
     {"type": "record", "name": "k126_v127", "fields": [
      {"name": "key", "type": "int", "field-id": 126},
      {"name": "value", "type": "bytes", "field-id": 127}]}, "logicalType": "map"}]},
   {"name": "split_offsets", "type": ["null", {"type": "array", "items": "long",
     "element-id": 133}], "field-id": 132},
   {"name": "equality_ids", "type": ["null", {"type": "array", "items": "long",
     "element-id": 136}], "field-id": 135},
   {"name": "sort_order_id", "type": ["null", "int"], "field-id": 140},
   {"name": "referenced_data_file", "type": ["null", "string"], "field-id": 143}
  ]}}]})";

TableMetadata Metadata() {
  TableMetadata md;
  md.format_version = 2;
  NestedField id;
  id.id = 1;
  id.name = "id";
  id.type = types::Long();
  id.required = true;
  NestedField d;
  d.id = 2;
  d.name = "d";
  d.type = types::Date();
  md.schemas.push_back(Schema(0, {id, d}));
  PartitionSpec spec;
  spec.spec_id = 0;
  Result<Transform> identity = Transform::Parse("identity");
  EXPECT_TRUE(identity.ok());
  PartitionField pf;
  pf.source_id = 2;
  pf.field_id = 1000;
  pf.name = "d";
  pf.transform = *identity;
  spec.fields.push_back(pf);
  md.partition_specs.push_back(spec);
  return md;
}

Datum KeyValue(const avro::Node* schema, int32_t key, Datum value) {
  return Datum::Record(schema, {Datum::Int(key), std::move(value)});
}

TEST(IcebergManifestTest, ReadsEntriesWithInheritance) {
  Result<avro::SchemaPtr> schema = avro::Schema::Parse(kEntrySchema);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  const avro::Node& root = (*schema)->root();
  const avro::Node* df = root.fields[4].type;
  const avro::Node* part = df->fields[3].type;
  const avro::Node* sizes_kv = df->fields[6].type->branches[1]->items;
  const avro::Node* bounds_kv = df->fields[7].type->branches[1]->items;

  auto data_file = [&](int content, std::string path, Datum d, std::vector<Datum> eq) {
    return Datum::Record(
        df,
        {Datum::Int(content), Datum::String(std::move(path)), Datum::String("PARQUET"),
         Datum::Record(part, {std::move(d)}), Datum::Long(10), Datum::Long(1234),
         Datum::Array({KeyValue(sizes_kv, 1, Datum::Long(77))}),
         Datum::Array({KeyValue(bounds_kv, 1, Datum::Bytes(std::string("\x05\0\0\0\0\0\0\0", 8)))}),
         Datum::Array({Datum::Long(4)}), eq.empty() ? Datum::Null() : Datum::Array(eq),
         Datum::Int(0), Datum::Null()});
  };
  std::vector<Datum> entries;
  // ADDED, everything inherited.
  entries.push_back(
      Datum::Record(&root, {Datum::Int(1), Datum::Null(), Datum::Null(), Datum::Null(),
                            data_file(0, "a.parquet", Datum::Int(19716), {})}));
  // EXISTING with explicit values.
  entries.push_back(
      Datum::Record(&root, {Datum::Int(0), Datum::Long(11), Datum::Long(3), Datum::Long(4),
                            data_file(0, "b.parquet", Datum::Null(), {})}));
  // DELETED equality delete with equality_ids written as long.
  entries.push_back(Datum::Record(
      &root, {Datum::Int(2), Datum::Long(12), Datum::Long(5), Datum::Long(5),
              data_file(2, "c.parquet", Datum::Int(1), {Datum::Long(1), Datum::Long(2)})}));
  Result<std::string> bytes = avro::WriteContainer(*schema, entries);  // no key-value metadata
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();

  ManifestFile m;
  m.manifest_path = "m.avro";
  m.sequence_number = 9;
  m.added_snapshot_id = 99;
  Result<std::vector<ManifestEntry>> read =
      ReadManifest(std::make_shared<io::BufferFile>(*bytes, "m.avro"), m, Metadata());
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 3u);
  const ManifestEntry& a = (*read)[0];
  EXPECT_EQ(a.status, ManifestEntryStatus::kAdded);
  EXPECT_EQ(a.snapshot_id, 99);
  EXPECT_EQ(a.sequence_number, 9);
  EXPECT_EQ(a.file_sequence_number, 9);
  EXPECT_EQ(a.data_file.file_path, "a.parquet");
  EXPECT_EQ(a.data_file.file_format, "PARQUET");
  ASSERT_EQ(a.data_file.partition.size(), 1u);
  EXPECT_EQ(a.data_file.partition[0], Value{int32_t{19716}});
  EXPECT_EQ(a.data_file.record_count, 10);
  EXPECT_EQ(a.data_file.file_size_in_bytes, 1234);
  EXPECT_EQ(a.data_file.column_sizes.at(1), 77);
  EXPECT_EQ(a.data_file.lower_bounds.at(1), std::string("\x05\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(a.data_file.split_offsets, std::vector<int64_t>{4});
  EXPECT_EQ(a.data_file.sort_order_id, 0);
  EXPECT_FALSE(a.data_file.referenced_data_file.has_value());
  const ManifestEntry& b = (*read)[1];
  EXPECT_EQ(b.status, ManifestEntryStatus::kExisting);
  EXPECT_EQ(b.snapshot_id, 11);
  EXPECT_EQ(b.sequence_number, 3);
  EXPECT_EQ(b.file_sequence_number, 4);
  EXPECT_TRUE(IsNull(b.data_file.partition[0]));
  const ManifestEntry& c = (*read)[2];
  EXPECT_EQ(c.status, ManifestEntryStatus::kDeleted);
  EXPECT_EQ(c.data_file.content, DataFileContent::kEqualityDeletes);
  EXPECT_EQ(c.data_file.equality_ids, (std::vector<int32_t>{1, 2}));
}

TEST(IcebergManifestTest, ReadsManifestListAndRejectsGarbage) {
  constexpr std::string_view kListSchema =
      R"({"type": "record", "name": "manifest_file", "fields": [
    {"name": "manifest_path", "type": "string", "field-id": 500},
    {"name": "manifest_length", "type": "long", "field-id": 501},
    {"name": "partition_spec_id", "type": "int", "field-id": 502},
    {"name": "content", "type": "int", "field-id": 517},
    {"name": "sequence_number", "type": "long", "field-id": 515},
    {"name": "min_sequence_number", "type": "long", "field-id": 516},
    {"name": "added_snapshot_id", "type": "long", "field-id": 503},
    {"name": "added_files_count", "type": "int", "field-id": 504},
    {"name": "partitions", "type": ["null", {"type": "array", "element-id": 508, "items":
      {"type": "record", "name": "r508", "fields": [
       {"name": "contains_null", "type": "boolean", "field-id": 509},
       {"name": "contains_nan", "type": ["null", "boolean"], "field-id": 518},
       {"name": "lower_bound", "type": ["null", "bytes"], "field-id": 510},
       {"name": "upper_bound", "type": ["null", "bytes"], "field-id": 511}]}}], "field-id": 507}]})";
  Result<avro::SchemaPtr> schema = avro::Schema::Parse(kListSchema);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  const avro::Node& root = (*schema)->root();
  const avro::Node* summary = root.fields[8].type->branches[1]->items;
  Datum entry = Datum::Record(
      &root, {Datum::String("m1.avro"), Datum::Long(4096), Datum::Int(0), Datum::Int(1),
              Datum::Long(7), Datum::Long(2), Datum::Long(55), Datum::Int(3),
              Datum::Array({Datum::Record(summary, {Datum::Boolean(true), Datum::Null(),
                                                    Datum::Bytes("lo"), Datum::Bytes("hi")})})});
  Result<std::string> bytes = avro::WriteContainer(*schema, {entry});
  ASSERT_TRUE(bytes.ok());
  Snapshot snap;
  snap.snapshot_id = 55;
  snap.sequence_number = 7;
  Result<std::vector<ManifestFile>> list =
      ReadManifestList(std::make_shared<io::BufferFile>(*bytes, "list.avro"), snap);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  const ManifestFile& m = (*list)[0];
  EXPECT_EQ(m.manifest_path, "m1.avro");
  EXPECT_EQ(m.manifest_length, 4096);
  EXPECT_EQ(m.content, ManifestContent::kDeletes);
  EXPECT_EQ(m.sequence_number, 7);
  EXPECT_EQ(m.min_sequence_number, 2);
  EXPECT_EQ(m.added_snapshot_id, 55);
  EXPECT_EQ(m.added_files_count, 3);
  ASSERT_EQ(m.partitions.size(), 1u);
  EXPECT_TRUE(m.partitions[0].contains_null);
  EXPECT_FALSE(m.partitions[0].contains_nan.has_value());
  EXPECT_EQ(m.partitions[0].lower_bound, "lo");
  EXPECT_EQ(m.partitions[0].upper_bound, "hi");

  std::string truncated = bytes->substr(0, bytes->size() - 7);
  EXPECT_FALSE(ReadManifestList(std::make_shared<io::BufferFile>(truncated, "t.avro"), snap).ok());
  EXPECT_FALSE(
      ReadManifestList(std::make_shared<io::BufferFile>(std::string("garbage"), "g.avro"), snap)
          .ok());
}

}  // namespace
}  // namespace floe::iceberg
