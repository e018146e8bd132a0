// Manifest and manifest-list writing: files written here are read back with the
// independent readers in manifest.h (ReadManifestList / ReadManifest, which apply the
// spec's inheritance), checked field by field against the entries that went in; partition
// summaries are checked against values worked out by hand; an interop test decodes the
// files with npm avsc (tests/interop/avro_read.js) and checks every field id in the
// embedded Avro schema against the ids of the spec's tables.
#include "floe/iceberg/manifest_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>

#include "floe/format/avro/container.h"
#include "floe/iceberg/single_value.h"

namespace floe::iceberg {
namespace {

NestedField Col(int32_t id, std::string name, TypePtr type, bool required = false) {
  return MakeField(id, std::move(name), std::move(type), required);
}

constexpr int64_t kSnapshotId = 8792170059756986233;
constexpr int64_t kParentId = 3051729675574597004;

std::string Hex(std::string_view s) {
  std::string out;
  for (unsigned char c : s) out += fmt::format("{:02x}", c);
  return out;
}

std::string Show(const Value& v) {
  struct V {
    std::string operator()(std::monostate) { return "null"; }
    std::string operator()(bool b) { return b ? "true" : "false"; }
    std::string operator()(int32_t i) { return fmt::format("int {}", i); }
    std::string operator()(int64_t l) { return fmt::format("long {}", l); }
    std::string operator()(float f) {
      return fmt::format("float {:08x}", std::bit_cast<uint32_t>(f));
    }
    std::string operator()(double d) {
      return fmt::format("double {:016x}", std::bit_cast<uint64_t>(d));
    }
    std::string operator()(__int128 d) { return "decimal " + DecimalToString(d, 0); }
    std::string operator()(const std::string& s) { return "bytes " + Hex(s); }
  };
  return std::visit(V{}, v);
}

// Schema: id long, category string, ts timestamptz, price double, amount decimal(9,2),
// tag fixed[2], flag boolean.
// Spec 0: identity(category), day(ts), bucket[16](id), identity(price), identity(amount),
// identity(tag), identity(flag). Spec 1: unpartitioned.
TableMetadata Metadata(int format_version = 2) {
  TableMetadata md;
  md.format_version = format_version;
  md.table_uuid = "9c12d441-03fe-4693-9a96-a0705ddf69c1";
  md.location = "s3://bucket/wh/t";
  md.schemas.push_back(
      Schema(3, {Col(1, "id", types::Long(), true), Col(2, "category", types::String()),
                 Col(3, "ts", types::TimestampTz()), Col(4, "price", types::Double()),
                 Col(5, "amount", types::Decimal(9, 2)), Col(6, "tag", types::Fixed(2)),
                 Col(7, "flag", types::Boolean())}));
  md.current_schema_id = 3;
  md.last_column_id = 7;
  PartitionSpec spec;
  spec.spec_id = 0;
  spec.fields = {
      PartitionField{2, {}, 1000, "category", Transform::Identity()},
      PartitionField{3, {}, 1001, "ts_day", Transform::Day()},
      PartitionField{1, {}, 1002, "id_bucket", Transform::Bucket(16)},
      PartitionField{4, {}, 1003, "price", Transform::Identity()},
      PartitionField{5, {}, 1004, "amount", Transform::Identity()},
      PartitionField{6, {}, 1005, "tag", Transform::Identity()},
      PartitionField{7, {}, 1006, "flag", Transform::Identity()},
  };
  PartitionSpec unpartitioned;
  unpartitioned.spec_id = 1;
  md.partition_specs = {spec, unpartitioned};
  md.last_partition_id = 1006;
  return md;
}

DataFile File(std::string path, std::vector<Value> partition, int64_t rows, int spec_id = 0) {
  DataFile f;
  f.file_path = std::move(path);
  f.file_format = "PARQUET";
  f.spec_id = spec_id;
  f.partition = std::move(partition);
  f.record_count = rows;
  f.file_size_in_bytes = rows * 100 + 7;
  return f;
}

ManifestEntry Entry(ManifestEntryStatus status, int64_t snapshot_id, int64_t seq, int64_t file_seq,
                    DataFile f) {
  ManifestEntry e;
  e.status = status;
  e.snapshot_id = snapshot_id;
  e.sequence_number = seq;
  e.file_sequence_number = file_seq;
  e.data_file = std::move(f);
  return e;
}

constexpr int32_t kDay = 17486;  // 2017-11-16
const double kNaN = std::numeric_limits<double>::quiet_NaN();

// Four entries of spec 0 covering nulls, NaN, -0.0, every status and every metric field.
std::vector<ManifestEntry> SampleEntries() {
  std::vector<ManifestEntry> out;
  DataFile a = File("s3://bucket/wh/t/data/a.parquet",
                    {Value{std::string("b")}, Value{kDay}, Value{int32_t{3}}, Value{1.5},
                     Value{__int128{1420}}, Value{std::string("\x01\x02", 2)}, Value{true}},
                    1000);
  a.column_sizes = {{1, 4000}, {2, 1234}, {3, 8000}};
  a.value_counts = {{1, 1000}, {2, 1000}};
  a.null_value_counts = {{1, 0}, {2, 17}};
  a.nan_value_counts = {{4, 2}};
  a.lower_bounds = {{1, std::string("\x01\0\0\0\0\0\0\0", 8)}, {2, "apple"}};
  a.upper_bounds = {{1, std::string("\xe8\x03\0\0\0\0\0\0", 8)}, {2, "pear"}};
  a.key_metadata = std::string("\x00\xffkey", 5);
  a.split_offsets = {4, 1048576, 2097152};
  a.sort_order_id = 0;
  out.push_back(Entry(ManifestEntryStatus::kAdded, kSnapshotId, kUnassignedSequenceNumber,
                      kUnassignedSequenceNumber, std::move(a)));

  DataFile b = File("s3://bucket/wh/t/data/b.parquet",
                    {Value{}, Value{kDay + 4}, Value{int32_t{0}}, Value{kNaN}, Value{__int128{-5}},
                     Value{std::string("\xff\x00", 2)}, Value{}},
                    20);
  out.push_back(Entry(ManifestEntryStatus::kAdded, kSnapshotId, kUnassignedSequenceNumber,
                      kUnassignedSequenceNumber, std::move(b)));

  DataFile c = File("s3://bucket/wh/t/data/c.parquet",
                    {Value{std::string("a")}, Value{kDay - 6}, Value{int32_t{15}}, Value{-0.0},
                     Value{}, Value{std::string("\x00\x10", 2)}, Value{false}},
                    300);
  c.sort_order_id = 1;
  out.push_back(Entry(ManifestEntryStatus::kExisting, kParentId, 3, 3, std::move(c)));

  DataFile d = File("s3://bucket/wh/t/data/d.parquet",
                    {Value{std::string("c")}, Value{kDay}, Value{int32_t{7}}, Value{0.0},
                     Value{__int128{99999}}, Value{std::string("\x00\x01", 2)}, Value{true}},
                    4000);
  out.push_back(Entry(ManifestEntryStatus::kDeleted, kSnapshotId, 2, 1, std::move(d)));
  return out;
}

void ExpectSameFile(const DataFile& got, const DataFile& want) {
  EXPECT_EQ(got.content, want.content);
  EXPECT_EQ(got.file_path, want.file_path);
  EXPECT_EQ(got.file_format, want.file_format);
  EXPECT_EQ(got.spec_id, want.spec_id);
  ASSERT_EQ(got.partition.size(), want.partition.size());
  for (size_t i = 0; i < want.partition.size(); ++i) {
    EXPECT_EQ(Show(got.partition[i]), Show(want.partition[i])) << "partition field " << i;
  }
  EXPECT_EQ(got.record_count, want.record_count);
  EXPECT_EQ(got.file_size_in_bytes, want.file_size_in_bytes);
  EXPECT_EQ(got.column_sizes, want.column_sizes);
  EXPECT_EQ(got.value_counts, want.value_counts);
  EXPECT_EQ(got.null_value_counts, want.null_value_counts);
  EXPECT_EQ(got.nan_value_counts, want.nan_value_counts);
  EXPECT_EQ(got.lower_bounds, want.lower_bounds);
  EXPECT_EQ(got.upper_bounds, want.upper_bounds);
  EXPECT_EQ(got.key_metadata, want.key_metadata);
  EXPECT_EQ(got.split_offsets, want.split_offsets);
  EXPECT_EQ(got.equality_ids, want.equality_ids);
  EXPECT_EQ(got.sort_order_id, want.sort_order_id);
  EXPECT_EQ(got.referenced_data_file, want.referenced_data_file);
  EXPECT_EQ(got.content_offset, want.content_offset);
  EXPECT_EQ(got.content_size_in_bytes, want.content_size_in_bytes);
}

Snapshot MakeSnapshot(int64_t seq) {
  Snapshot s;
  s.snapshot_id = kSnapshotId;
  s.parent_snapshot_id = kParentId;
  s.sequence_number = seq;
  s.timestamp_ms = 1515100955770;
  s.manifest_list = "s3://bucket/wh/t/metadata/snap.avro";
  return s;
}

struct Written {
  std::string bytes;
  ManifestFile manifest;
};

Written WriteSample(const TableMetadata& md, const std::vector<ManifestEntry>& entries,
                    ManifestWriteOptions opts = {}, int32_t spec_id = 0,
                    ManifestContent content = ManifestContent::kData) {
  io::BufferSink sink("mem://m0.avro");
  Result<ManifestFile> mf = WriteManifest(&sink, "s3://bucket/wh/t/metadata/m0.avro", md, spec_id,
                                          content, kSnapshotId, entries, opts);
  EXPECT_TRUE(mf.ok()) << mf.status().ToString();
  EXPECT_TRUE(sink.closed());
  if (!mf.ok()) return {};
  return {std::move(sink.buffer()), std::move(*mf)};
}

std::string WriteList(const Snapshot& snap, const std::vector<ManifestFile>& manifests,
                      ManifestWriteOptions opts = {}) {
  io::BufferSink sink("mem://snap.avro");
  Status s = WriteManifestList(&sink, snap, manifests, opts);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(s.ok() ? sink.closed() : true);
  return std::move(sink.buffer());
}

std::vector<ManifestFile> ReadList(const std::string& bytes, const Snapshot& snap) {
  auto r = ReadManifestList(std::make_shared<io::BufferFile>(bytes, "snap.avro"), snap);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<ManifestFile>{};
}

std::vector<ManifestEntry> ReadEntries(const std::string& bytes, const ManifestFile& mf,
                                       const TableMetadata& md) {
  auto r = ReadManifest(std::make_shared<io::BufferFile>(bytes, "m0.avro"), mf, md);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<ManifestEntry>{};
}

std::string Encode(const TypePtr& t, const Value& v) {
  Result<std::string> r = EncodeSingleValue(*t, v);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

TEST(ManifestWriter, ReturnedManifestFileAndSummaries) {
  const TableMetadata md = Metadata();
  const Written w = WriteSample(md, SampleEntries());
  const ManifestFile& m = w.manifest;
  EXPECT_EQ(m.manifest_path, "s3://bucket/wh/t/metadata/m0.avro");
  EXPECT_EQ(m.manifest_length, static_cast<int64_t>(w.bytes.size()));
  EXPECT_EQ(m.partition_spec_id, 0);
  EXPECT_EQ(m.content, ManifestContent::kData);
  EXPECT_EQ(m.added_snapshot_id, kSnapshotId);
  EXPECT_EQ(m.sequence_number, kUnassignedSequenceNumber);
  // Live entries with explicit numbers: only the EXISTING one (3); DELETED (2) is not live.
  EXPECT_EQ(m.min_sequence_number, 3);
  EXPECT_EQ(m.added_files_count, 2);
  EXPECT_EQ(m.existing_files_count, 1);
  EXPECT_EQ(m.deleted_files_count, 1);
  EXPECT_EQ(m.added_rows_count, 1020);
  EXPECT_EQ(m.existing_rows_count, 300);
  EXPECT_EQ(m.deleted_rows_count, 4000);

  // Summaries over all four entries (Java includes deleted entries too).
  ASSERT_EQ(m.partitions.size(), 7u);
  const PartitionFieldSummary& cat = m.partitions[0];
  EXPECT_TRUE(cat.contains_null);
  EXPECT_EQ(cat.contains_nan, false);
  EXPECT_EQ(cat.lower_bound, "a");
  EXPECT_EQ(cat.upper_bound, "c");
  const PartitionFieldSummary& day = m.partitions[1];
  EXPECT_FALSE(day.contains_null);
  EXPECT_EQ(Hex(day.lower_bound.value_or("")), "48440000");  // 17480 = 0x4448
  EXPECT_EQ(Hex(day.upper_bound.value_or("")), "52440000");  // 17490 = 0x4452
  const PartitionFieldSummary& bucket = m.partitions[2];
  EXPECT_EQ(Hex(bucket.lower_bound.value_or("")), "00000000");
  EXPECT_EQ(Hex(bucket.upper_bound.value_or("")), "0f000000");
  const PartitionFieldSummary& price = m.partitions[3];
  EXPECT_FALSE(price.contains_null);
  EXPECT_EQ(price.contains_nan, true);
  // -0.0 sorts before +0.0 (and NaN is no bound): lower -0.0, upper 1.5.
  EXPECT_EQ(Hex(price.lower_bound.value_or("")), "0000000000000080");
  EXPECT_EQ(Hex(price.upper_bound.value_or("")), "000000000000f83f");
  const PartitionFieldSummary& amount = m.partitions[4];
  EXPECT_TRUE(amount.contains_null);
  EXPECT_EQ(Hex(amount.lower_bound.value_or("")), "fb");      // -5
  EXPECT_EQ(Hex(amount.upper_bound.value_or("")), "01869f");  // 99999
  const PartitionFieldSummary& tag = m.partitions[5];         // unsigned byte order
  EXPECT_EQ(Hex(tag.lower_bound.value_or("")), "0001");
  EXPECT_EQ(Hex(tag.upper_bound.value_or("")), "ff00");
  const PartitionFieldSummary& flag = m.partitions[6];
  EXPECT_TRUE(flag.contains_null);
  EXPECT_EQ(Hex(flag.lower_bound.value_or("")), "00");
  EXPECT_EQ(Hex(flag.upper_bound.value_or("")), "01");
}

TEST(ManifestWriter, AllNullOrNaNFieldHasNoBounds) {
  const TableMetadata md = Metadata();
  std::vector<ManifestEntry> entries;
  entries.push_back(Entry(
      ManifestEntryStatus::kAdded, kSnapshotId, kUnassignedSequenceNumber,
      kUnassignedSequenceNumber,
      File("s3://x/1.parquet",
           {Value{}, Value{kDay}, Value{int32_t{1}}, Value{kNaN}, Value{}, Value{}, Value{}}, 1)));
  const Written w = WriteSample(md, entries);
  const ManifestFile& m = w.manifest;
  ASSERT_EQ(m.partitions.size(), 7u);
  EXPECT_TRUE(m.partitions[0].contains_null);
  EXPECT_FALSE(m.partitions[0].lower_bound.has_value());
  EXPECT_FALSE(m.partitions[0].upper_bound.has_value());
  EXPECT_EQ(m.partitions[3].contains_nan, true);
  EXPECT_FALSE(m.partitions[3].contains_null);
  EXPECT_FALSE(m.partitions[3].lower_bound.has_value());
  // All entries inherit: no min sequence number yet.
  EXPECT_EQ(m.min_sequence_number, kUnassignedSequenceNumber);
}

TEST(ManifestWriter, RoundTripThroughReadersWithInheritance) {
  const TableMetadata md = Metadata();
  const std::vector<ManifestEntry> entries = SampleEntries();
  const Written w = WriteSample(md, entries);

  // An older manifest kept from the parent snapshot, with explicit numbers.
  ManifestFile old;
  old.manifest_path = "s3://bucket/wh/t/metadata/old.avro";
  old.manifest_length = 4321;
  old.partition_spec_id = 1;
  old.content = ManifestContent::kDeletes;
  old.sequence_number = 3;
  old.min_sequence_number = 2;
  old.added_snapshot_id = kParentId;
  old.added_files_count = 0;
  old.existing_files_count = 5;
  old.deleted_files_count = 0;
  old.added_rows_count = 0;
  old.existing_rows_count = 50;
  old.deleted_rows_count = 0;
  old.key_metadata = "km";

  const Snapshot snap = MakeSnapshot(7);
  const std::string list_bytes = WriteList(snap, {w.manifest, old});
  // Read with a different snapshot argument: nothing may come from inheritance of the list.
  Snapshot other = snap;
  other.sequence_number = 99;
  other.snapshot_id = 1;
  const std::vector<ManifestFile> list = ReadList(list_bytes, other);
  ASSERT_EQ(list.size(), 2u);
  const ManifestFile& m = list[0];
  EXPECT_EQ(m.manifest_path, w.manifest.manifest_path);
  EXPECT_EQ(m.manifest_length, w.manifest.manifest_length);
  EXPECT_EQ(m.partition_spec_id, 0);
  EXPECT_EQ(m.content, ManifestContent::kData);
  EXPECT_EQ(m.sequence_number, 7);      // assigned from the snapshot
  EXPECT_EQ(m.min_sequence_number, 3);  // kept
  EXPECT_EQ(m.added_snapshot_id, kSnapshotId);
  EXPECT_EQ(m.added_files_count, 2);
  EXPECT_EQ(m.existing_files_count, 1);
  EXPECT_EQ(m.deleted_files_count, 1);
  EXPECT_EQ(m.added_rows_count, 1020);
  EXPECT_EQ(m.existing_rows_count, 300);
  EXPECT_EQ(m.deleted_rows_count, 4000);
  ASSERT_EQ(m.partitions.size(), w.manifest.partitions.size());
  for (size_t i = 0; i < m.partitions.size(); ++i) {
    EXPECT_EQ(m.partitions[i].contains_null, w.manifest.partitions[i].contains_null) << i;
    EXPECT_EQ(m.partitions[i].contains_nan, w.manifest.partitions[i].contains_nan) << i;
    EXPECT_EQ(m.partitions[i].lower_bound, w.manifest.partitions[i].lower_bound) << i;
    EXPECT_EQ(m.partitions[i].upper_bound, w.manifest.partitions[i].upper_bound) << i;
  }
  EXPECT_FALSE(m.key_metadata.has_value());
  const ManifestFile& o = list[1];
  EXPECT_EQ(o.manifest_path, old.manifest_path);
  EXPECT_EQ(o.manifest_length, 4321);
  EXPECT_EQ(o.partition_spec_id, 1);
  EXPECT_EQ(o.content, ManifestContent::kDeletes);
  EXPECT_EQ(o.sequence_number, 3);
  EXPECT_EQ(o.min_sequence_number, 2);
  EXPECT_EQ(o.added_snapshot_id, kParentId);
  EXPECT_EQ(o.existing_files_count, 5);
  EXPECT_EQ(o.existing_rows_count, 50);
  EXPECT_TRUE(o.partitions.empty());
  EXPECT_EQ(o.key_metadata, "km");

  const std::vector<ManifestEntry> got = ReadEntries(w.bytes, m, md);
  ASSERT_EQ(got.size(), entries.size());
  // ADDED entries inherit the list's sequence number 7; the others keep theirs.
  const int64_t want_seq[] = {7, 7, 3, 2};
  const int64_t want_file_seq[] = {7, 7, 3, 1};
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(got[i].status, entries[i].status);
    EXPECT_EQ(got[i].snapshot_id, entries[i].snapshot_id);
    EXPECT_EQ(got[i].sequence_number, want_seq[i]);
    EXPECT_EQ(got[i].file_sequence_number, want_file_seq[i]);
    ExpectSameFile(got[i].data_file, entries[i].data_file);
  }

  // A commit retry rewrites only the list: the same manifest now inherits 8.
  const std::string retry = WriteList(MakeSnapshot(8), {w.manifest});
  const std::vector<ManifestFile> list2 = ReadList(retry, other);
  ASSERT_EQ(list2.size(), 1u);
  EXPECT_EQ(list2[0].sequence_number, 8);
  const std::vector<ManifestEntry> got2 = ReadEntries(w.bytes, list2[0], md);
  ASSERT_EQ(got2.size(), 4u);
  EXPECT_EQ(got2[0].sequence_number, 8);
  EXPECT_EQ(got2[1].file_sequence_number, 8);
  EXPECT_EQ(got2[2].sequence_number, 3);
}

TEST(ManifestWriter, ManifestMetadataKeys) {
  const TableMetadata md = Metadata();
  const Written w = WriteSample(md, SampleEntries());
  auto reader = avro::ContainerReader::Open(w.bytes);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto get = [&](std::string_view k) {
    return std::string((*reader)->GetMetadata(k).value_or("<absent>"));
  };
  EXPECT_EQ(get("schema-id"), "3");
  EXPECT_EQ(get("partition-spec-id"), "0");
  EXPECT_EQ(get("format-version"), "2");
  EXPECT_EQ(get("content"), "data");
  EXPECT_EQ(get("avro.codec"), "deflate");
  // The schema and partition spec parse back to what the table holds.
  auto schema = SchemaFromJson(nlohmann::json::parse(get("schema")), "schema");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_TRUE(*schema == *md.CurrentSchema());
  auto fields = PartitionFieldsFromJson(nlohmann::json::parse(get("partition-spec")), "spec");
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  EXPECT_EQ(*fields, md.SpecById(0)->fields);

  // Delete manifests say so.
  std::vector<ManifestEntry> del;
  DataFile pd = File("s3://x/pos.parquet",
                     {Value{}, Value{}, Value{}, Value{}, Value{}, Value{}, Value{}}, 3);
  pd.content = DataFileContent::kPositionDeletes;
  del.push_back(Entry(ManifestEntryStatus::kAdded, kSnapshotId, kUnassignedSequenceNumber,
                      kUnassignedSequenceNumber, pd));
  const Written d = WriteSample(md, del, {}, 0, ManifestContent::kDeletes);
  auto dreader = avro::ContainerReader::Open(d.bytes);
  ASSERT_TRUE(dreader.ok());
  EXPECT_EQ((*dreader)->GetMetadata("content").value_or(""), "deletes");

  // Manifest list metadata (what Java writes).
  const std::string list = WriteList(MakeSnapshot(7), {w.manifest});
  auto lreader = avro::ContainerReader::Open(list);
  ASSERT_TRUE(lreader.ok());
  EXPECT_EQ((*lreader)->GetMetadata("snapshot-id").value_or(""), std::to_string(kSnapshotId));
  EXPECT_EQ((*lreader)->GetMetadata("parent-snapshot-id").value_or(""), std::to_string(kParentId));
  EXPECT_EQ((*lreader)->GetMetadata("sequence-number").value_or(""), "7");
  EXPECT_EQ((*lreader)->GetMetadata("format-version").value_or(""), "2");
}

TEST(ManifestWriter, DeleteManifestRoundTrip) {
  const TableMetadata md = Metadata();
  DataFile pos = File("s3://x/pos.parquet", {}, 12, 1);
  pos.content = DataFileContent::kPositionDeletes;
  pos.referenced_data_file = "s3://x/data.parquet";
  pos.lower_bounds = {{kDeleteFilePosFieldId, Encode(types::Long(), Value{int64_t{4}})}};
  DataFile eq = File("s3://x/eq.parquet", {}, 5, 1);
  eq.content = DataFileContent::kEqualityDeletes;
  eq.equality_ids = {1, 2};
  eq.sort_order_id = 0;
  std::vector<ManifestEntry> entries = {
      Entry(ManifestEntryStatus::kAdded, kSnapshotId, 4, kUnassignedSequenceNumber, pos),
      Entry(ManifestEntryStatus::kAdded, kSnapshotId, kUnassignedSequenceNumber,
            kUnassignedSequenceNumber, eq)};
  const Written w = WriteSample(md, entries, {}, 1, ManifestContent::kDeletes);
  EXPECT_EQ(w.manifest.content, ManifestContent::kDeletes);
  EXPECT_EQ(w.manifest.min_sequence_number, 4);  // the explicit data sequence number
  EXPECT_TRUE(w.manifest.partitions.empty());
  const std::string list = WriteList(MakeSnapshot(9), {w.manifest});
  const std::vector<ManifestFile> l = ReadList(list, MakeSnapshot(9));
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].sequence_number, 9);
  EXPECT_EQ(l[0].min_sequence_number, 4);
  const std::vector<ManifestEntry> got = ReadEntries(w.bytes, l[0], md);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].sequence_number, 4);       // explicit data sequence number kept
  EXPECT_EQ(got[0].file_sequence_number, 9);  // file sequence number inherited
  EXPECT_EQ(got[1].sequence_number, 9);
  ExpectSameFile(got[0].data_file, pos);
  ExpectSameFile(got[1].data_file, eq);
}

TEST(ManifestWriter, UnassignedMinSequenceNumberTakesSnapshots) {
  const TableMetadata md = Metadata();
  std::vector<ManifestEntry> entries = {Entry(ManifestEntryStatus::kAdded, kSnapshotId,
                                              kUnassignedSequenceNumber, kUnassignedSequenceNumber,
                                              File("s3://x/1.parquet", {}, 1, 1))};
  const Written w = WriteSample(md, entries, {}, 1);
  EXPECT_EQ(w.manifest.min_sequence_number, kUnassignedSequenceNumber);
  const std::vector<ManifestFile> l =
      ReadList(WriteList(MakeSnapshot(11), {w.manifest}), MakeSnapshot(0));
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].sequence_number, 11);
  EXPECT_EQ(l[0].min_sequence_number, 11);
}

TEST(ManifestWriter, V1FilesReadBack) {
  const TableMetadata md = Metadata(1);
  std::vector<ManifestEntry> entries = SampleEntries();
  ManifestWriteOptions v1;
  v1.format_version = 1;
  v1.codec = avro::Codec::kNull;
  const Written w = WriteSample(md, entries, v1);
  auto reader = avro::ContainerReader::Open(w.bytes);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->GetMetadata("format-version").value_or(""), "1");
  EXPECT_FALSE((*reader)->GetMetadata("content").has_value());
  EXPECT_EQ((*reader)->schema()->root().FieldIndex("sequence_number"), -1);

  Snapshot snap = MakeSnapshot(0);
  const std::string list_bytes = WriteList(snap, {w.manifest}, v1);
  auto lreader = avro::ContainerReader::Open(list_bytes);
  ASSERT_TRUE(lreader.ok());
  EXPECT_EQ((*lreader)->schema()->root().FieldIndex("sequence_number"), -1);
  const std::vector<ManifestFile> list = ReadList(list_bytes, snap);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].sequence_number, 0);
  EXPECT_EQ(list[0].added_files_count, 2);
  EXPECT_EQ(list[0].deleted_rows_count, 4000);
  const std::vector<ManifestEntry> got = ReadEntries(w.bytes, list[0], md);
  ASSERT_EQ(got.size(), entries.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].sequence_number, 0);
    EXPECT_EQ(got[i].snapshot_id, entries[i].snapshot_id);
    ExpectSameFile(got[i].data_file, entries[i].data_file);
  }
  // v1 has no delete manifests.
  io::BufferSink sink;
  EXPECT_FALSE(
      WriteManifest(&sink, "p", md, 0, ManifestContent::kDeletes, kSnapshotId, {}, v1).ok());
}

TEST(ManifestWriter, V3FirstRowIds) {
  TableMetadata md = Metadata(3);
  ManifestWriteOptions v3;
  v3.format_version = 3;
  std::vector<ManifestEntry> entries = {
      Entry(ManifestEntryStatus::kAdded, kSnapshotId, kUnassignedSequenceNumber,
            kUnassignedSequenceNumber, File("s3://x/1.parquet", {}, 10, 1)),
      Entry(ManifestEntryStatus::kAdded, kSnapshotId, kUnassignedSequenceNumber,
            kUnassignedSequenceNumber, File("s3://x/2.parquet", {}, 5, 1))};
  DataFile dv = File("s3://x/dv.puffin", {}, 3, 1);
  dv.content = DataFileContent::kPositionDeletes;
  dv.file_format = "PUFFIN";
  dv.referenced_data_file = "s3://x/0.parquet";
  dv.content_offset = 4;
  dv.content_size_in_bytes = 40;
  const Written a = WriteSample(md, entries, v3, 1);
  const Written b = WriteSample(md, entries, v3, 1);
  const Written d = WriteSample(md,
                                {Entry(ManifestEntryStatus::kAdded, kSnapshotId,
                                       kUnassignedSequenceNumber, kUnassignedSequenceNumber, dv)},
                                v3, 1, ManifestContent::kDeletes);
  Snapshot snap = MakeSnapshot(5);
  snap.first_row_id = 1000;
  std::vector<ManifestFile> expected = {a.manifest, d.manifest, b.manifest};
  EXPECT_EQ(AssignFirstRowIds(&expected, 1000), 30);
  EXPECT_EQ(expected[0].first_row_id, 1000);
  EXPECT_FALSE(expected[1].first_row_id.has_value());
  EXPECT_EQ(expected[2].first_row_id, 1015);

  const std::string list_bytes = WriteList(snap, {a.manifest, d.manifest, b.manifest}, v3);
  const std::vector<ManifestFile> list = ReadList(list_bytes, snap);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].first_row_id, 1000);
  EXPECT_FALSE(list[1].first_row_id.has_value());
  EXPECT_EQ(list[2].first_row_id, 1015);
  const std::vector<ManifestEntry> got = ReadEntries(b.bytes, list[2], md);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].data_file.first_row_id, 1015);
  EXPECT_EQ(got[1].data_file.first_row_id, 1025);
  const std::vector<ManifestEntry> dgot = ReadEntries(d.bytes, list[1], md);
  ASSERT_EQ(dgot.size(), 1u);
  ExpectSameFile(dgot[0].data_file, dv);
  EXPECT_TRUE(dgot[0].data_file.IsDeletionVector());

  // v3 lists need the snapshot's first-row-id.
  io::BufferSink sink;
  EXPECT_FALSE(WriteManifestList(&sink, MakeSnapshot(5), {a.manifest}, v3).ok());
  // v3 fields are refused in v2 manifests.
  io::BufferSink sink2;
  EXPECT_FALSE(WriteManifest(&sink2, "p", md, 1, ManifestContent::kDeletes, kSnapshotId,
                             {Entry(ManifestEntryStatus::kAdded, kSnapshotId, 1, 1, dv)})
                   .ok());
}

TEST(ManifestWriter, RejectsInvalidEntriesAndAbortsTheFile) {
  const TableMetadata md = Metadata();
  auto expect_invalid = [&](std::vector<ManifestEntry> entries, ManifestContent content,
                            int32_t spec_id, std::string_view needle) {
    io::BufferSink sink("mem://bad.avro");
    Result<ManifestFile> r =
        WriteManifest(&sink, "s3://x/bad.avro", md, spec_id, content, kSnapshotId, entries);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().ToString();
    EXPECT_FALSE(sink.closed());
    EXPECT_TRUE(sink.buffer().empty());  // aborted
  };
  const DataFile unpart = File("s3://x/1.parquet", {}, 1, 1);
  // EXISTING entries must carry explicit sequence numbers.
  expect_invalid(
      {Entry(ManifestEntryStatus::kExisting, kParentId, kUnassignedSequenceNumber, 3, unpart)},
      ManifestContent::kData, 1, "sequence_number");
  // ADDED entries of another snapshot cannot inherit this manifest's number.
  expect_invalid({Entry(ManifestEntryStatus::kAdded, kParentId, kUnassignedSequenceNumber,
                        kUnassignedSequenceNumber, unpart)},
                 ManifestContent::kData, 1, "unassigned");
  // Spec id mismatch.
  expect_invalid({Entry(ManifestEntryStatus::kAdded, kSnapshotId, 1, 1, unpart)},
                 ManifestContent::kData, 0, "spec id");
  // Data file in a delete manifest, delete file in a data manifest.
  expect_invalid({Entry(ManifestEntryStatus::kAdded, kSnapshotId, 1, 1, unpart)},
                 ManifestContent::kDeletes, 1, "data file");
  DataFile pos = unpart;
  pos.content = DataFileContent::kPositionDeletes;
  expect_invalid({Entry(ManifestEntryStatus::kAdded, kSnapshotId, 1, 1, pos)},
                 ManifestContent::kData, 1, "delete file");
  DataFile eq = unpart;
  eq.content = DataFileContent::kEqualityDeletes;
  expect_invalid({Entry(ManifestEntryStatus::kAdded, kSnapshotId, 1, 1, eq)},
                 ManifestContent::kDeletes, 1, "equality_ids");
  // Partition tuple of the wrong arity or kind.
  expect_invalid({Entry(ManifestEntryStatus::kAdded, kSnapshotId, 1, 1,
                        File("s3://x/2.parquet", {Value{std::string("a")}}, 1))},
                 ManifestContent::kData, 0, "partition values");
  expect_invalid(
      {Entry(ManifestEntryStatus::kAdded, kSnapshotId, 1, 1,
             File("s3://x/2.parquet",
                  {Value{int32_t{1}}, Value{}, Value{}, Value{}, Value{}, Value{}, Value{}}, 1))},
      ManifestContent::kData, 0, "category");
  // Unknown spec.
  expect_invalid({}, ManifestContent::kData, 42, "spec 42");

  // Manifest lists: an unassigned manifest from another snapshot.
  const Written w = WriteSample(md, SampleEntries());
  ManifestFile foreign = w.manifest;
  foreign.added_snapshot_id = kParentId;
  io::BufferSink sink;
  Status s = WriteManifestList(&sink, MakeSnapshot(7), {foreign});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_TRUE(sink.buffer().empty());
}

TEST(ManifestWriter, EmptyManifest) {
  const TableMetadata md = Metadata();
  const Written w = WriteSample(md, {});
  EXPECT_EQ(w.manifest.added_files_count, 0);
  EXPECT_EQ(w.manifest.partitions.size(), 7u);
  EXPECT_FALSE(w.manifest.partitions[0].contains_null);
  EXPECT_FALSE(w.manifest.partitions[0].lower_bound.has_value());
  const std::vector<ManifestFile> l =
      ReadList(WriteList(MakeSnapshot(1), {w.manifest}), MakeSnapshot(1));
  ASSERT_EQ(l.size(), 1u);
  EXPECT_TRUE(ReadEntries(w.bytes, l[0], md).empty());
}

// ---- interop with npm avsc ----

std::string RunCommand(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    *rc = -1;
    return out;
  }
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *rc = pclose(p);
  return out;
}

// Every id in an Avro schema JSON, keyed by dotted path of field names; array element ids
// as "<path>.element", map key/value record fields as "<path>.key" / "<path>.value".
void CollectIds(const nlohmann::json& type, const std::string& path,
                std::map<std::string, int>* out) {
  if (type.is_array()) {  // union
    for (const auto& b : type) CollectIds(b, path, out);
    return;
  }
  if (!type.is_object()) return;
  const std::string t = type.value("type", "");
  if (t == "record") {
    for (const auto& f : type["fields"]) {
      const std::string p =
          path.empty() ? f["name"].get<std::string>() : path + "." + f["name"].get<std::string>();
      if (f.contains("field-id")) (*out)[p] = f["field-id"].get<int>();
      CollectIds(f["type"], p, out);
    }
  } else if (t == "array") {
    if (type.contains("element-id")) (*out)[path + ".element"] = type["element-id"].get<int>();
    CollectIds(type["items"], path, out);
  }
}

nlohmann::json AvscRead(const std::string& bytes, const std::string& tag) {
  namespace fs = std::filesystem;
  const fs::path path =
      fs::temp_directory_path() / fmt::format("floe_manifest_{}_{}.avro", tag, ::getpid());
  {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  int rc = 0;
  const std::string out = RunCommand(
      "node " + std::string(FLOE_SOURCE_DIR) + "/tests/interop/avro_read.js " + path.string(), &rc);
  fs::remove(path);
  EXPECT_EQ(rc, 0) << out;
  nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << out.substr(0, 500);
  return j;
}

TEST(ManifestWriterInterop, AvscDecodesManifestAndListWithSpecFieldIds) {
  namespace fs = std::filesystem;
  if (!fs::exists(fs::path(FLOE_SOURCE_DIR) / "tests/node_modules/avsc")) {
    GTEST_SKIP() << "npm avsc not installed";
  }
  if (std::system("node --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no node";

  for (int version : {2, 3}) {
    SCOPED_TRACE(version);
    const TableMetadata md = Metadata(version);
    ManifestWriteOptions opts;
    opts.format_version = version;
    const std::vector<ManifestEntry> entries = SampleEntries();
    const Written w = WriteSample(md, entries, opts);
    Snapshot snap = MakeSnapshot(7);
    snap.first_row_id = 500;
    const std::string list = WriteList(snap, {w.manifest}, opts);

    // --- the manifest ---
    nlohmann::json got = AvscRead(w.bytes, "m" + std::to_string(version));
    ASSERT_TRUE(got.is_object());
    EXPECT_EQ(got["codec"], "deflate");
    EXPECT_EQ(got["meta"]["format-version"], std::to_string(version));
    EXPECT_EQ(got["meta"]["content"], "data");
    EXPECT_EQ(got["meta"]["partition-spec-id"], "0");
    EXPECT_EQ(got["meta"]["schema-id"], "3");
    EXPECT_TRUE(got["meta"].contains("schema"));
    EXPECT_TRUE(got["meta"].contains("partition-spec"));
    nlohmann::json raw = nlohmann::json::parse(got["meta"]["avro.schema"].get<std::string>());
    std::map<std::string, int> ids;
    CollectIds(raw, "", &ids);
    // The spec's tables ("Manifests": manifest_entry and data_file; Appendix A for maps).
    std::map<std::string, int> want = {
        {"status", 0},
        {"snapshot_id", 1},
        {"sequence_number", 3},
        {"file_sequence_number", 4},
        {"data_file", 2},
        {"data_file.content", 134},
        {"data_file.file_path", 100},
        {"data_file.file_format", 101},
        {"data_file.partition", 102},
        {"data_file.partition.category", 1000},
        {"data_file.partition.ts_day", 1001},
        {"data_file.partition.id_bucket", 1002},
        {"data_file.partition.price", 1003},
        {"data_file.partition.amount", 1004},
        {"data_file.partition.tag", 1005},
        {"data_file.partition.flag", 1006},
        {"data_file.record_count", 103},
        {"data_file.file_size_in_bytes", 104},
        {"data_file.column_sizes", 108},
        {"data_file.column_sizes.key", 117},
        {"data_file.column_sizes.value", 118},
        {"data_file.value_counts", 109},
        {"data_file.value_counts.key", 119},
        {"data_file.value_counts.value", 120},
        {"data_file.null_value_counts", 110},
        {"data_file.null_value_counts.key", 121},
        {"data_file.null_value_counts.value", 122},
        {"data_file.nan_value_counts", 137},
        {"data_file.nan_value_counts.key", 138},
        {"data_file.nan_value_counts.value", 139},
        {"data_file.lower_bounds", 125},
        {"data_file.lower_bounds.key", 126},
        {"data_file.lower_bounds.value", 127},
        {"data_file.upper_bounds", 128},
        {"data_file.upper_bounds.key", 129},
        {"data_file.upper_bounds.value", 130},
        {"data_file.key_metadata", 131},
        {"data_file.split_offsets", 132},
        {"data_file.split_offsets.element", 133},
        {"data_file.equality_ids", 135},
        {"data_file.equality_ids.element", 136},
        {"data_file.sort_order_id", 140},
        {"data_file.referenced_data_file", 143},
    };
    if (version >= 3) {
      want["data_file.first_row_id"] = 142;
      want["data_file.content_offset"] = 144;
      want["data_file.content_size_in_bytes"] = 145;
    }
    EXPECT_EQ(ids, want);
    // Maps keyed by column id: arrays of k<key>_v<value> records with logicalType "map".
    const nlohmann::json& df_fields = raw["fields"][4]["type"]["fields"];
    for (const auto& f : df_fields) {
      if (f["name"] == "column_sizes") {
        EXPECT_EQ(f["type"][1]["logicalType"], "map");
        EXPECT_EQ(f["type"][1]["items"]["name"], "k117_v118");
      }
      if (f["name"] == "partition") {
        // decimal(9,2) is fixed[4] (Appendix A minBytesRequired), tag fixed[2].
        EXPECT_EQ(f["type"]["fields"][4]["type"][1]["size"], 4);
        EXPECT_EQ(f["type"]["fields"][4]["type"][1]["logicalType"], "decimal");
        EXPECT_EQ(f["type"]["fields"][5]["type"][1]["size"], 2);
      }
    }

    const nlohmann::json& recs = got["records"];
    ASSERT_EQ(recs.size(), entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      SCOPED_TRACE(i);
      const nlohmann::json& r = recs[i];
      const ManifestEntry& e = entries[i];
      EXPECT_EQ(r["status"], static_cast<int>(e.status));
      EXPECT_EQ(r["snapshot_id"], std::to_string(e.snapshot_id));  // > 2^53: a string
      if (e.status == ManifestEntryStatus::kAdded) {
        EXPECT_TRUE(r["sequence_number"].is_null());
        EXPECT_TRUE(r["file_sequence_number"].is_null());
      } else {
        EXPECT_EQ(r["sequence_number"], e.sequence_number);
        EXPECT_EQ(r["file_sequence_number"], e.file_sequence_number);
      }
      const nlohmann::json& df = r["data_file"];
      EXPECT_EQ(df["content"], 0);
      EXPECT_EQ(df["file_path"], e.data_file.file_path);
      EXPECT_EQ(df["file_format"], "PARQUET");
      EXPECT_EQ(df["record_count"], e.data_file.record_count);
      EXPECT_EQ(df["file_size_in_bytes"], e.data_file.file_size_in_bytes);
      if (e.data_file.column_sizes.empty()) {
        EXPECT_TRUE(df["column_sizes"].is_null());
      } else {
        nlohmann::json want_cs = nlohmann::json::array();
        for (auto [k, v] : e.data_file.column_sizes) want_cs.push_back({{"key", k}, {"value", v}});
        EXPECT_EQ(df["column_sizes"], want_cs);
      }
      if (!e.data_file.lower_bounds.empty()) {
        nlohmann::json want_lb = nlohmann::json::array();
        for (const auto& [k, v] : e.data_file.lower_bounds)
          want_lb.push_back({{"key", k}, {"value", Hex(v)}});
        EXPECT_EQ(df["lower_bounds"], want_lb);
      }
      if (e.data_file.key_metadata) {
        EXPECT_EQ(df["key_metadata"], Hex(*e.data_file.key_metadata));
      }
      if (!e.data_file.split_offsets.empty()) {
        EXPECT_EQ(df["split_offsets"], nlohmann::json(e.data_file.split_offsets));
      }
      EXPECT_TRUE(df["equality_ids"].is_null());
      const nlohmann::json& p = df["partition"];
      const std::vector<Value>& pv = e.data_file.partition;
      if (IsNull(pv[0])) {
        EXPECT_TRUE(p["category"].is_null());
      } else {
        EXPECT_EQ(p["category"], std::get<std::string>(pv[0]));
      }
      EXPECT_EQ(p["ts_day"], std::get<int32_t>(pv[1]));
      EXPECT_EQ(p["id_bucket"], std::get<int32_t>(pv[2]));
      // Decimal: 4-byte big-endian two's complement (sign-extended).
      if (IsNull(pv[4])) {
        EXPECT_TRUE(p["amount"].is_null());
      } else {
        const __int128 v = std::get<__int128>(pv[4]);
        EXPECT_EQ(p["amount"],
                  fmt::format("{:08x}", static_cast<uint32_t>(static_cast<int32_t>(v))));
      }
      EXPECT_EQ(p["tag"], Hex(std::get<std::string>(pv[5])));
    }

    // --- the manifest list ---
    nlohmann::json lgot = AvscRead(list, "l" + std::to_string(version));
    ASSERT_TRUE(lgot.is_object());
    EXPECT_EQ(lgot["meta"]["snapshot-id"], std::to_string(kSnapshotId));
    EXPECT_EQ(lgot["meta"]["sequence-number"], "7");
    EXPECT_EQ(lgot["meta"]["format-version"], std::to_string(version));
    nlohmann::json lraw = nlohmann::json::parse(lgot["meta"]["avro.schema"].get<std::string>());
    std::map<std::string, int> lids;
    CollectIds(lraw, "", &lids);
    std::map<std::string, int> lwant = {
        {"manifest_path", 500},           {"manifest_length", 501},
        {"partition_spec_id", 502},       {"content", 517},
        {"sequence_number", 515},         {"min_sequence_number", 516},
        {"added_snapshot_id", 503},       {"added_files_count", 504},
        {"existing_files_count", 505},    {"deleted_files_count", 506},
        {"added_rows_count", 512},        {"existing_rows_count", 513},
        {"deleted_rows_count", 514},      {"partitions", 507},
        {"partitions.element", 508},      {"partitions.contains_null", 509},
        {"partitions.contains_nan", 518}, {"partitions.lower_bound", 510},
        {"partitions.upper_bound", 511},  {"key_metadata", 519},
    };
    if (version >= 3) lwant["first_row_id"] = 520;
    EXPECT_EQ(lids, lwant);
    ASSERT_EQ(lgot["records"].size(), 1u);
    const nlohmann::json& m = lgot["records"][0];
    EXPECT_EQ(m["manifest_path"], w.manifest.manifest_path);
    EXPECT_EQ(m["manifest_length"], w.manifest.manifest_length);
    EXPECT_EQ(m["partition_spec_id"], 0);
    EXPECT_EQ(m["content"], 0);
    EXPECT_EQ(m["sequence_number"], 7);
    EXPECT_EQ(m["min_sequence_number"], 3);
    EXPECT_EQ(m["added_snapshot_id"], std::to_string(kSnapshotId));
    EXPECT_EQ(m["added_files_count"], 2);
    EXPECT_EQ(m["existing_files_count"], 1);
    EXPECT_EQ(m["deleted_files_count"], 1);
    EXPECT_EQ(m["added_rows_count"], 1020);
    EXPECT_EQ(m["existing_rows_count"], 300);
    EXPECT_EQ(m["deleted_rows_count"], 4000);
    ASSERT_EQ(m["partitions"].size(), 7u);
    EXPECT_EQ(m["partitions"][0]["contains_null"], true);
    EXPECT_EQ(m["partitions"][0]["lower_bound"], Hex("a"));
    EXPECT_EQ(m["partitions"][0]["upper_bound"], Hex("c"));
    EXPECT_EQ(m["partitions"][3]["contains_nan"], true);
    EXPECT_EQ(m["partitions"][1]["lower_bound"], "48440000");
    if (version >= 3) {
      EXPECT_EQ(m["first_row_id"], 500);
    }
  }
}

}  // namespace
}  // namespace floe::iceberg
