#include "floe/format/avro/container.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace floe::avro {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kEverything = R"({"type":"record","name":"everything","namespace":"t",
  "fields":[
    {"name":"n","type":"null"},
    {"name":"b","type":"boolean","field-id":1},
    {"name":"i","type":"int","field-id":2},
    {"name":"l","type":"long","field-id":3},
    {"name":"f","type":"float"},
    {"name":"d","type":"double"},
    {"name":"by","type":"bytes"},
    {"name":"s","type":"string"},
    {"name":"fx","type":{"type":"fixed","name":"f3","size":3}},
    {"name":"e","type":{"type":"enum","name":"color","symbols":["RED","GREEN"]}},
    {"name":"arr","type":{"type":"array","items":["null","long"],"element-id":10}},
    {"name":"m","type":{"type":"map","values":{"type":"array","items":"string"}}},
    {"name":"u","type":["null","string","t.f3"]},
    {"name":"date","type":{"type":"int","logicalType":"date"}},
    {"name":"ts","type":{"type":"long","logicalType":"timestamp-micros"}},
    {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
    {"name":"inner","type":{"type":"record","name":"inner","fields":[
       {"name":"x","type":"double"},{"name":"again","type":["null","inner"]}]}}]})";

SchemaPtr Everything() {
  auto s = Schema::Parse(kEverything);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

std::vector<Datum> EverythingRows(const Schema& schema, int n) {
  const Node& root = schema.root();
  const Node* inner = root.fields[16].type;
  std::vector<Datum> rows;
  for (int k = 0; k < n; ++k) {
    std::vector<Datum> arr;
    for (int j = 0; j < k % 4; ++j) arr.push_back(j == 1 ? Datum::Null() : Datum::Long(k * j));
    MapEntries m;
    if (k % 3 == 0) m.emplace_back("key" + std::to_string(k), Datum::Array({Datum::String("v")}));
    Datum u = k % 3 == 0   ? Datum::Null()
              : k % 3 == 1 ? Datum::String("str" + std::to_string(k))
                           : Datum::Fixed("xyz").set_branch(2);
    Datum nested = Datum::Record(inner, {Datum::Double(-k), Datum::Null()});
    rows.push_back(Datum::Record(
        &root, {Datum::Null(), Datum::Boolean(k % 2 == 0), Datum::Int(-k * 1000),
                Datum::Long(int64_t{k} << 40), Datum::Float(k * 0.5f),
                Datum::Double(k == 3 ? NAN : k / 3.0),
                Datum::Bytes(std::string(k % 5, static_cast<char>(0xF0 + k % 16))),
                Datum::String("row " + std::to_string(k)),
                Datum::Fixed("ab" + std::string(1, 'a' + k % 26)), Datum::Enum(k % 2),
                Datum::Array(std::move(arr)), Datum::Map(std::move(m)), std::move(u),
                Datum::Int(19000 + k), Datum::Long(1700000000000000 + k), Datum::Bytes("\x01\x02"),
                Datum::Record(inner, {Datum::Double(k), std::move(nested)})}));
  }
  return rows;
}

TEST(AvroContainer, RoundTripEveryTypeAndCodec) {
  auto schema = Everything();
  const auto rows = EverythingRows(*schema, 300);
  for (Codec codec : {Codec::kNull, Codec::kDeflate, Codec::kSnappy, Codec::kZstd}) {
    SCOPED_TRACE(std::string(CodecName(codec)));
    ContainerWriterOptions opts;
    opts.codec = codec;
    opts.block_size_bytes = 2000;  // many blocks
    opts.metadata = {{"format-version", "2"}, {"content", "data"}};
    auto bytes = WriteContainer(schema, rows, opts);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    auto reader = ContainerReader::Open(*bytes, "rt.avro");
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->codec(), codec);
    EXPECT_EQ((*reader)->GetMetadata("format-version"), "2");
    EXPECT_EQ((*reader)->GetMetadata("content"), "data");
    EXPECT_EQ((*reader)->GetMetadata("avro.codec"), CodecName(codec));
    EXPECT_EQ((*reader)->schema()->root().fields[1].field_id(), 1);
    EXPECT_EQ((*reader)->schema()->root().fields[10].type->IntAttribute("element-id"), 10);
    auto back = (*reader)->ReadAll();
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    ASSERT_EQ(back->size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) ASSERT_EQ((*back)[i], rows[i]) << i;
    EXPECT_GT((*reader)->block_index(), 5);
    EXPECT_EQ((*back)[4].Find("s")->bytes(), "row 4");
    EXPECT_EQ((*back)[2].Find("u")->branch(), 2);
  }
}

TEST(AvroContainer, BlockByBlockStreaming) {
  auto schema = Schema::Parse(R"("long")");
  ASSERT_TRUE(schema.ok());
  std::vector<Datum> rows;
  for (int i = 0; i < 1000; ++i) rows.push_back(Datum::Long(i));
  ContainerWriterOptions opts;
  opts.block_size_bytes = 100;
  auto bytes = WriteContainer(*schema, rows, opts);
  ASSERT_TRUE(bytes.ok());
  auto reader = ContainerReader::Open(*bytes);
  ASSERT_TRUE(reader.ok());
  int64_t total = 0, blocks = 0;
  while (true) {
    auto more = (*reader)->NextBlock();
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ++blocks;
    total += (*reader)->block_object_count();
    EXPECT_LE((*reader)->block_data().size(), 100u + 10u);
  }
  EXPECT_EQ(total, 1000);
  EXPECT_GT(blocks, 10);
}

TEST(AvroContainer, WriterRejectsValuesThatDoNotFit) {
  auto schema = Everything();
  io::BufferSink sink;
  auto writer = ContainerWriter::Open(&sink, schema);
  ASSERT_TRUE(writer.ok());
  EXPECT_FALSE((*writer)->Append(Datum::Long(1)).ok());
  auto rows = EverythingRows(*schema, 1);
  rows[0].mutable_fields()[8] = Datum::Fixed("toolong");
  Status st = (*writer)->Append(rows[0]);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("fx"), std::string::npos) << st.message();
  ASSERT_TRUE((*writer)->Append(EverythingRows(*schema, 1)[0]).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  auto back = ContainerReader::Open(sink.buffer());
  ASSERT_TRUE(back.ok());
  auto all = (*back)->ReadAll();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
  ContainerWriterOptions reserved;
  reserved.metadata = {{"avro.x", "y"}};
  EXPECT_FALSE(ContainerWriter::Open(&sink, schema, reserved).ok());
}

// Cutting a small file at every byte must give an error (or, at a block boundary, fewer
// rows), never a crash.
TEST(AvroContainer, TruncationAtEveryByte) {
  auto schema = Everything();
  const auto rows = EverythingRows(*schema, 12);
  for (Codec codec : {Codec::kNull, Codec::kDeflate, Codec::kSnappy, Codec::kZstd}) {
    ContainerWriterOptions opts;
    opts.codec = codec;
    opts.block_size_bytes = 300;
    auto bytes = WriteContainer(schema, rows, opts);
    ASSERT_TRUE(bytes.ok());
    for (size_t cut = 0; cut < bytes->size(); ++cut) {
      const std::string part = bytes->substr(0, cut);
      auto reader = ContainerReader::Open(part);
      if (!reader.ok()) continue;
      auto all = (*reader)->ReadAll();
      if (all.ok()) {
        EXPECT_LT(all->size(), rows.size()) << "cut " << cut;
      } else {
        EXPECT_NE(all.status().message().find("block"), std::string::npos);
      }
    }
  }
}

TEST(AvroContainer, CorruptionIsDetected) {
  auto schema = Schema::Parse(R"({"type":"array","items":"string"})");
  ASSERT_TRUE(schema.ok());
  const std::vector<Datum> rows = {Datum::Array({Datum::String("hello"), Datum::String("world")})};
  for (Codec codec : {Codec::kNull, Codec::kSnappy}) {
    ContainerWriterOptions opts;
    opts.codec = codec;
    auto bytes = WriteContainer(*schema, rows, opts);
    ASSERT_TRUE(bytes.ok());
    // Flip the last byte of the sync marker after the block.
    std::string bad_sync = *bytes;
    bad_sync.back() ^= 1;
    auto r = ContainerReader::Open(bad_sync, "bad.avro");
    ASSERT_TRUE(r.ok());
    auto all = (*r)->ReadAll();
    ASSERT_FALSE(all.ok());
    EXPECT_NE(all.status().message().find("bad.avro: block 0 at byte"), std::string::npos)
        << all.status().message();
    EXPECT_NE(all.status().message().find("sync"), std::string::npos);
    // Flip a byte of the payload ("world" -> "worle"): only the snappy CRC notices.
    std::string bad_data = *bytes;
    const size_t at = bad_data.find("world");
    if (codec == Codec::kSnappy && at != std::string::npos) {
      bad_data[at + 4] ^= 1;
      auto r2 = ContainerReader::Open(bad_data);
      ASSERT_TRUE(r2.ok());
      auto all2 = (*r2)->ReadAll();
      ASSERT_FALSE(all2.ok());
      EXPECT_NE(all2.status().message().find("CRC"), std::string::npos) << all2.status().message();
    }
  }
  EXPECT_FALSE(ContainerReader::Open(std::string_view("Obj\x02" + std::string(40, '\0'))).ok());
}

TEST(AvroContainer, HostileBlockHeaders) {
  auto schema = Schema::Parse(R"("null")");
  ASSERT_TRUE(schema.ok());
  ContainerWriterOptions opts;
  opts.codec = Codec::kNull;
  auto bytes = WriteContainer(*schema, {}, opts);
  ASSERT_TRUE(bytes.ok());
  auto with_block = [&](int64_t count, int64_t size) {
    std::string f = *bytes;
    BinaryEncoder enc(&f);
    enc.WriteLong(count);
    enc.WriteLong(size);
    f.append(bytes->substr(bytes->size() - kSyncSize));
    return f;
  };
  for (auto [count, size] : std::vector<std::pair<int64_t, int64_t>>{
           {int64_t{1} << 60, 0}, {-1, 0}, {1, int64_t{1} << 60}, {1, -5}}) {
    const std::string f = with_block(count, size);
    auto r = ContainerReader::Open(f);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE((*r)->ReadAll().ok()) << count << " " << size;
  }
  // A modest count of nulls in an empty block is fine.
  const std::string three_nulls = with_block(3, 0);  // the reader views the bytes
  auto r = ContainerReader::Open(three_nulls);
  ASSERT_TRUE(r.ok());
  auto all = (*r)->ReadAll();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), 3u);
}

// ---- Iceberg fixtures written by Spark/Java, Flink and PyIceberg ----

std::string ReadFileText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::vector<Datum>> ReadFixture(const fs::path& p, SchemaPtr* schema,
                                       std::unique_ptr<ContainerReader>* keep) {
  // Through the RandomAccessFile seam (ranged reads), as a remote file would be read.
  auto file = std::make_shared<io::BufferFile>(ReadFileText(p), p.string());
  FLOE_ASSIGN_OR_RETURN(*keep, ContainerReader::Open(file));
  *schema = (*keep)->schema();
  return (*keep)->ReadAll();
}

std::string BaseName(std::string_view p) {
  const size_t slash = p.rfind('/');
  return std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
}

TEST(AvroIcebergFixtures, ReadsEveryManifestAndManifestList) {
  const fs::path root = fs::path(FLOE_FIXTURES_DIR) / "iceberg";
  if (!fs::exists(root)) GTEST_SKIP() << "no fixtures at " << root;
  int files = 0, tables = 0, with_table_schema = 0;
  for (const auto& table : fs::directory_iterator(root)) {
    const fs::path meta = table.path() / "table" / "metadata";
    if (!fs::exists(meta)) continue;
    ++tables;
    SCOPED_TRACE(table.path().filename().string());
    // Every manifest entry, by data file name: (content, record_count, partition json).
    std::map<std::string, std::vector<const Datum*>> entries_by_file;
    std::vector<std::vector<Datum>> keep_rows;
    std::vector<SchemaPtr> keep_schemas;
    std::vector<std::unique_ptr<ContainerReader>> keep_readers;
    for (const auto& entry : fs::directory_iterator(meta)) {
      if (entry.path().extension() != ".avro") continue;
      ++files;
      SCOPED_TRACE(entry.path().filename().string());
      SchemaPtr schema;
      std::unique_ptr<ContainerReader> reader;
      auto rows = ReadFixture(entry.path(), &schema, &reader);
      ASSERT_TRUE(rows.ok()) << rows.status().ToString();
      EXPECT_FALSE(rows->empty());
      const Node& top = schema->root();
      ASSERT_EQ(top.type, Type::kRecord);
      // Every top-level field carries an Iceberg field id.
      for (const Field& f : top.fields) EXPECT_TRUE(f.field_id().has_value()) << f.name;
      const bool is_list = entry.path().filename().string().starts_with("snap-");
      if (is_list) {
        EXPECT_EQ(top.name, "manifest_file");
        for (const Datum& r : *rows) {
          const Datum* path = r.Find("manifest_path");
          ASSERT_NE(path, nullptr);
          EXPECT_TRUE(fs::exists(meta / BaseName(path->bytes()))) << path->bytes();
          EXPECT_EQ(r.Find("manifest_length")->long_value(),
                    static_cast<int64_t>(fs::file_size(meta / BaseName(path->bytes()))));
        }
      } else {
        EXPECT_EQ(top.name, "manifest_entry");
        // Iceberg puts the table schema and partition spec in the file metadata as JSON
        // (Java and PyIceberg do; some older Flink writers leave them out).
        if (auto table_schema = reader->GetMetadata("schema")) {
          ++with_table_schema;
          auto parsed = Json::parse(table_schema->begin(), table_schema->end(), nullptr, false);
          EXPECT_FALSE(parsed.is_discarded());
          EXPECT_TRUE(parsed.contains("fields"));
          EXPECT_TRUE(reader->GetMetadata("partition-spec").has_value());
        }
        const Node* data_file = top.fields[top.FieldIndex("data_file")].type;
        EXPECT_EQ(top.fields[top.FieldIndex("data_file")].field_id(), 2);
        EXPECT_EQ(data_file->fields[data_file->FieldIndex("file_path")].field_id(), 100);
        for (const Datum& r : *rows) {
          const Datum* df = r.Find("data_file");
          ASSERT_NE(df, nullptr);
          entries_by_file[BaseName(df->Find("file_path")->bytes())].push_back(&r);
        }
      }
      keep_rows.push_back(std::move(*rows));
      keep_schemas.push_back(schema);
      keep_readers.push_back(std::move(reader));
    }
    // expected.json lists every live data and delete file: each is in some manifest with the
    // same record count, content and partition values.
    const fs::path expected_path = table.path() / "expected.json";
    if (!fs::exists(expected_path)) continue;
    const Json expected = Json::parse(ReadFileText(expected_path));
    ASSERT_TRUE(expected.contains("files"));
    for (const Json& f : expected["files"]) {
      const std::string name = BaseName(f["path"].get<std::string>());
      auto it = entries_by_file.find(name);
      ASSERT_NE(it, entries_by_file.end()) << name;
      bool matched = false;
      for (const Datum* e : it->second) {
        const Datum* df = e->Find("data_file");
        const int64_t status = e->Find("status")->AsInt64();
        if (status == 2) continue;  // DELETED
        if (df->Find("record_count")->long_value() != f["records"].get<int64_t>()) continue;
        const Datum* content = df->Find("content");
        if (content && content->AsInt64() != f["content"].get<int64_t>()) continue;
        const Json partition = Json::parse(f["partition"].get<std::string>());
        const Datum* p = df->Find("partition");
        bool same = true;
        for (auto pv = partition.begin(); pv != partition.end(); ++pv) {
          const Datum* v = p->Find(pv.key());
          if (v == nullptr) {
            same = false;
          } else if (pv->is_number_integer()) {
            same &= !v->is_null() && v->AsInt64() == pv->get<int64_t>();
          } else if (pv->is_string()) {
            same &= !v->is_null() && v->bytes() == pv->get<std::string>();
          }
        }
        matched |= same;
      }
      EXPECT_TRUE(matched) << name << " " << f.dump();
    }
  }
  EXPECT_GE(tables, 8);
  EXPECT_GE(files, 50);
  EXPECT_GE(with_table_schema, 10);
}

// Re-encoding what we read from the fixtures with each codec gives the same records back.
TEST(AvroIcebergFixtures, RewriteRoundTrips) {
  const fs::path root = fs::path(FLOE_FIXTURES_DIR) / "iceberg";
  if (!fs::exists(root)) GTEST_SKIP();
  for (const auto& table : fs::directory_iterator(root)) {
    const fs::path meta = table.path() / "table" / "metadata";
    if (!fs::exists(meta)) continue;
    for (const auto& entry : fs::directory_iterator(meta)) {
      if (entry.path().extension() != ".avro") continue;
      SchemaPtr schema;
      std::unique_ptr<ContainerReader> reader;
      auto rows = ReadFixture(entry.path(), &schema, &reader);
      ASSERT_TRUE(rows.ok());
      ContainerWriterOptions opts;
      opts.codec = Codec::kZstd;
      for (const auto& [k, v] : reader->metadata()) {
        if (!k.starts_with("avro.")) opts.metadata.emplace_back(k, v);
      }
      auto bytes = WriteContainer(schema, *rows, opts);
      ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
      auto again = ContainerReader::Open(*bytes);
      ASSERT_TRUE(again.ok());
      auto rows2 = (*again)->ReadAll();
      ASSERT_TRUE(rows2.ok());
      EXPECT_EQ(*rows2, *rows) << entry.path();
      EXPECT_EQ((*again)->schema()->ToJson(), schema->ToJson());
      EXPECT_EQ((*again)->GetMetadata("partition-spec"), reader->GetMetadata("partition-spec"));
    }
  }
}

}  // namespace
}  // namespace floe::avro
