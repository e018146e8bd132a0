#include "floe/iceberg/update.h"

#include <gtest/gtest.h>

#include "floe/iceberg/catalog.h"

namespace floe::iceberg {
namespace {

using Json = nlohmann::json;

SnapshotRef Branch(int64_t snapshot_id) {
  SnapshotRef r;
  r.snapshot_id = snapshot_id;
  return r;
}

Schema TwoColumnSchema() {
  return Schema(0, {MakeField(1, "id", types::Long(), true),
                    MakeField(2, "ts", types::TimestampTz(), false)});
}

TableMetadata Created(const CreateTableRequest& req = {}) {
  CreateTableRequest r = req;
  if (r.schema.fields().empty()) r.schema = TwoColumnSchema();
  TableMetadata base;
  auto m = ApplyUpdates(base, CreateTableUpdates(r, "file:///wh/ns/t"), ApplyOptions{1000, ""});
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *m;
}

Snapshot MakeSnapshot(int64_t id, std::optional<int64_t> parent, int64_t seq, int64_t ts) {
  Snapshot s;
  s.snapshot_id = id;
  s.parent_snapshot_id = parent;
  s.sequence_number = seq;
  s.timestamp_ms = ts;
  s.manifest_list = "file:///wh/ns/t/metadata/snap-" + std::to_string(id) + ".avro";
  s.summary = {{"operation", "append"}};
  return s;
}

// Shapes written by hand from the REST spec (rest-catalog-open-api.yaml).
TEST(IcebergCommitJson, ParsesRestShapes) {
  auto u = TableUpdateFromJson(
      Json::parse(R"({"action":"set-snapshot-ref","ref-name":"main","type":"branch",
                      "snapshot-id":42,"max-ref-age-ms":1000})"),
      "updates[0]");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  const auto& ref = std::get<SetSnapshotRef>(*u);
  EXPECT_EQ(ref.ref_name, "main");
  EXPECT_EQ(ref.ref.snapshot_id, 42);
  EXPECT_EQ(ref.ref.max_ref_age_ms, 1000);

  u = TableUpdateFromJson(Json::parse(R"({"action":"set-properties","updates":{"a":"1"}})"), "u");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(std::get<SetProperties>(*u).updates.at("a"), "1");

  u = TableUpdateFromJson(Json::parse(R"({"action":"remove-snapshots","snapshot-ids":[1,2]})"),
                          "u");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(std::get<RemoveSnapshots>(*u).snapshot_ids, (std::vector<int64_t>{1, 2}));

  auto r = TableRequirementFromJson(
      Json::parse(R"({"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":null})"), "r");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<AssertRefSnapshotId>(*r).snapshot_id, std::nullopt);

  r = TableRequirementFromJson(
      Json::parse(
          R"({"type":"assert-last-assigned-partition-id","last-assigned-partition-id":1001})"),
      "r");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<AssertLastAssignedPartitionId>(*r).last_assigned_partition_id, 1001);

  EXPECT_EQ(TableUpdateFromJson(Json::parse(R"({"action":"explode"})"), "u").status().code(),
            StatusCode::kNotSupported);
  EXPECT_FALSE(TableUpdateFromJson(Json::parse(R"({"action":"set-location"})"), "u").ok());
  EXPECT_FALSE(TableRequirementFromJson(Json::parse(R"([1])"), "r").ok());
}

TEST(IcebergCommitJson, RoundTripsEveryVariant) {
  PartitionSpec spec;
  spec.fields.push_back(PartitionField{2, {}, 1000, "ts_day", *Transform::Parse("day")});
  SortOrder order;
  order.fields.push_back(
      SortField{*Transform::Parse("identity"), 1, {}, SortDirection::kDesc, NullOrder::kNullsLast});
  const std::vector<TableUpdate> updates = {
      AssignUuid{"9c12d441-03fe-4693-9a96-a0705ddf69c1"},
      UpgradeFormatVersion{2},
      AddSchema{TwoColumnSchema(), 2},
      SetCurrentSchema{-1},
      AddSpec{spec},
      SetDefaultSpec{0},
      AddSortOrder{order},
      SetDefaultSortOrder{1},
      AddSnapshot{MakeSnapshot(7, std::nullopt, 1, 5)},
      SetSnapshotRef{"tag1", SnapshotRef{7, SnapshotRefType::kTag, std::nullopt, std::nullopt, 99}},
      RemoveSnapshotRef{"b"},
      RemoveSnapshots{{1, 2, 3}},
      SetLocation{"s3://b/t"},
      SetProperties{{{"k", "v"}}},
      RemoveProperties{{"k", "x"}},
  };
  for (const TableUpdate& u : updates) {
    const Json j = TableUpdateToJson(u);
    auto back = TableUpdateFromJson(Json::parse(j.dump()), "u");
    ASSERT_TRUE(back.ok()) << j.dump() << ": " << back.status().ToString();
    EXPECT_TRUE(*back == u) << j.dump();
  }
  const std::vector<TableRequirement> reqs = {
      AssertCreate{},
      AssertTableUuid{"u"},
      AssertRefSnapshotId{"main", 5},
      AssertRefSnapshotId{"main", std::nullopt},
      AssertLastAssignedFieldId{3},
      AssertCurrentSchemaId{1},
      AssertLastAssignedPartitionId{1000},
      AssertDefaultSpecId{0},
      AssertDefaultSortOrderId{0},
  };
  for (const TableRequirement& r : reqs) {
    const Json j = TableRequirementToJson(r);
    auto back = TableRequirementFromJson(Json::parse(j.dump()), "r");
    ASSERT_TRUE(back.ok()) << j.dump();
    EXPECT_TRUE(*back == r) << j.dump();
  }
  EXPECT_EQ(TableRequirementToJson(AssertRefSnapshotId{"main", std::nullopt}).dump(),
            R"({"ref":"main","snapshot-id":null,"type":"assert-ref-snapshot-id"})");
}

TEST(IcebergCommitApply, CreateAssignsIdsAndLocation) {
  CreateTableRequest req;
  req.schema = TwoColumnSchema();
  req.spec.spec_id = 77;  // reassigned
  req.spec.fields.push_back(PartitionField{2, {}, 1000, "ts_day", *Transform::Parse("day")});
  req.spec.fields.push_back(
      PartitionField{1, {}, 1001, "id_bucket", *Transform::Parse("bucket[16]")});
  req.properties = {{"owner", "me"}};
  TableMetadata m = Created(req);
  EXPECT_EQ(m.format_version, 2);
  EXPECT_EQ(m.table_uuid.size(), 36u);
  EXPECT_EQ(m.location, "file:///wh/ns/t");
  EXPECT_EQ(m.last_column_id, 2);
  EXPECT_EQ(m.current_schema_id, 0);
  ASSERT_EQ(m.partition_specs.size(), 1u);
  EXPECT_EQ(m.partition_specs[0].spec_id, 0);
  EXPECT_EQ(m.default_spec_id, 0);
  EXPECT_EQ(m.last_partition_id, 1001);
  ASSERT_EQ(m.sort_orders.size(), 1u);
  EXPECT_EQ(m.default_sort_order_id, 0);
  EXPECT_EQ(m.properties.at("owner"), "me");
  EXPECT_EQ(m.last_updated_ms, 1000);
  EXPECT_FALSE(m.current_snapshot_id.has_value());
  EXPECT_TRUE(m.metadata_log.empty());
  // The result survives a write/parse round trip.
  auto parsed = ParseTableMetadata(WriteTableMetadata(m));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, m);
}

TEST(IcebergCommitApply, SnapshotsRefsAndLogs) {
  TableMetadata m = Created();
  auto r = ApplyUpdates(
      m, {AddSnapshot{MakeSnapshot(10, std::nullopt, 1, 2000)}, SetSnapshotRef{"main", Branch(10)}},
      ApplyOptions{3000, "file:///wh/ns/t/metadata/00000-a.metadata.json"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->current_snapshot_id, 10);
  EXPECT_EQ(r->last_sequence_number, 1);
  ASSERT_EQ(r->snapshot_log.size(), 1u);
  EXPECT_EQ(r->snapshot_log[0], (SnapshotLogEntry{2000, 10}));
  ASSERT_EQ(r->metadata_log.size(), 1u);
  EXPECT_EQ(r->metadata_log[0],
            (MetadataLogEntry{1000, "file:///wh/ns/t/metadata/00000-a.metadata.json"}));
  EXPECT_EQ(r->last_updated_ms, 3000);

  // A stale sequence number is refused; so is a duplicate id or an unknown parent.
  EXPECT_FALSE(ApplyUpdates(*r, {AddSnapshot{MakeSnapshot(11, 10, 1, 4000)}}, {}).ok());
  EXPECT_FALSE(ApplyUpdates(*r, {AddSnapshot{MakeSnapshot(10, 10, 2, 4000)}}, {}).ok());
  EXPECT_FALSE(ApplyUpdates(*r, {AddSnapshot{MakeSnapshot(11, 99, 2, 4000)}}, {}).ok());
  EXPECT_FALSE(ApplyUpdates(*r, {SetSnapshotRef{"main", Branch(12345)}}, {}).ok());

  auto r2 = ApplyUpdates(
      *r, {AddSnapshot{MakeSnapshot(11, 10, 2, 4000)}, SetSnapshotRef{"main", Branch(11)}},
      ApplyOptions{5000, "m1"});
  ASSERT_TRUE(r2.ok());
  // Rollback: main moves to an older snapshot, logged at the commit time.
  auto r3 = ApplyUpdates(*r2, {SetSnapshotRef{"main", Branch(10)}}, ApplyOptions{6000, "m2"});
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(r3->current_snapshot_id, 10);
  ASSERT_EQ(r3->snapshot_log.size(), 3u);
  EXPECT_EQ(r3->snapshot_log[2], (SnapshotLogEntry{6000, 10}));
  EXPECT_EQ(r3->last_sequence_number, 2);

  // Removing snapshot 11 drops it from snapshots and the log; removing main's ref clears
  // the current snapshot.
  auto r4 = ApplyUpdates(*r3, {RemoveSnapshots{{11}}}, ApplyOptions{7000, "m3"});
  ASSERT_TRUE(r4.ok());
  EXPECT_EQ(r4->snapshots.size(), 1u);
  EXPECT_EQ(r4->snapshot_log.size(), 2u);
  auto r5 = ApplyUpdates(*r4, {RemoveSnapshotRef{"main"}}, ApplyOptions{8000, "m4"});
  ASSERT_TRUE(r5.ok());
  EXPECT_FALSE(r5->current_snapshot_id.has_value());
}

TEST(IcebergCommitApply, MetadataLogTrimmedByPreviousVersionsMax) {
  TableMetadata m = Created();
  auto r = ApplyUpdates(m, {SetProperties{{{"write.metadata.previous-versions-max", "2"}}}},
                        ApplyOptions{2000, "v0"});
  ASSERT_TRUE(r.ok());
  TableMetadata cur = *r;
  for (int i = 1; i <= 3; ++i) {
    auto next = ApplyUpdates(cur, {SetProperties{{{"i", std::to_string(i)}}}},
                             ApplyOptions{2000 + i, "v" + std::to_string(i)});
    ASSERT_TRUE(next.ok());
    if (i == 2) {
      EXPECT_EQ(DroppedMetadataFiles(cur, *next), std::vector<std::string>{"v0"});
    }
    cur = *next;
  }
  ASSERT_EQ(cur.metadata_log.size(), 2u);
  EXPECT_EQ(cur.metadata_log[0].metadata_file, "v2");
  EXPECT_EQ(cur.metadata_log[1].metadata_file, "v3");
}

TEST(IcebergCommitApply, SchemaAndSpecEvolution) {
  TableMetadata m = Created();
  Schema wider(
      5, {MakeField(1, "id", types::Long(), true), MakeField(2, "ts", types::TimestampTz(), false),
          MakeField(3, "name", types::String(), false)});
  auto r = ApplyUpdates(m, {AddSchema{wider, 3}, SetCurrentSchema{-1}}, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->current_schema_id, 1);  // reassigned from 5
  EXPECT_EQ(r->last_column_id, 3);
  // Adding an equal schema reuses its id.
  auto again = ApplyUpdates(*r, {AddSchema{TwoColumnSchema(), 2}, SetCurrentSchema{-1}}, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->current_schema_id, 0);
  EXPECT_EQ(again->schemas.size(), 2u);

  EXPECT_FALSE(ApplyUpdates(m, {SetCurrentSchema{-1}}, {}).ok());
  EXPECT_FALSE(ApplyUpdates(m, {SetCurrentSchema{9}}, {}).ok());
  EXPECT_FALSE(ApplyUpdates(m, {SetDefaultSpec{3}}, {}).ok());
  EXPECT_FALSE(ApplyUpdates(m, {UpgradeFormatVersion{1}}, {}).ok());
  EXPECT_FALSE(ApplyUpdates(m, {AssignUuid{"other"}}, {}).ok());
}

TEST(IcebergCommitCheck, Requirements) {
  TableMetadata m = Created();
  EXPECT_TRUE(CheckRequirements({AssertCreate{}}, nullptr).ok());
  EXPECT_EQ(CheckRequirements({AssertCreate{}}, &m).code(), StatusCode::kCommitConflict);
  EXPECT_TRUE(
      CheckRequirements(
          {AssertTableUuid{m.table_uuid}, AssertRefSnapshotId{"main", std::nullopt},
           AssertLastAssignedFieldId{2}, AssertCurrentSchemaId{0},
           AssertLastAssignedPartitionId{999}, AssertDefaultSpecId{0}, AssertDefaultSortOrderId{0}},
          &m)
          .ok());
  const Status st = CheckRequirements({AssertRefSnapshotId{"main", 5}}, &m);
  EXPECT_EQ(st.code(), StatusCode::kCommitConflict);
  EXPECT_TRUE(st.retryable());
  EXPECT_FALSE(CheckRequirements({AssertTableUuid{"x"}}, &m).ok());
  EXPECT_FALSE(CheckRequirements({AssertLastAssignedFieldId{3}}, &m).ok());
  EXPECT_FALSE(CheckRequirements({AssertCurrentSchemaId{1}}, &m).ok());
  EXPECT_FALSE(CheckRequirements({AssertLastAssignedPartitionId{1000}}, &m).ok());
  EXPECT_FALSE(CheckRequirements({AssertDefaultSpecId{1}}, &m).ok());
  EXPECT_FALSE(CheckRequirements({AssertDefaultSortOrderId{1}}, &m).ok());
  EXPECT_FALSE(CheckRequirements({AssertTableUuid{"x"}}, nullptr).ok());
}

TEST(IcebergCommitUuid, Format) {
  const std::string a = NewUuid();
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[8], '-');
  EXPECT_EQ(a[14], '4');
  EXPECT_TRUE(a[19] == '8' || a[19] == '9' || a[19] == 'a' || a[19] == 'b');
  EXPECT_NE(a, NewUuid());
}

}  // namespace
}  // namespace floe::iceberg
