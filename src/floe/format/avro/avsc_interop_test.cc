// Interop: files floe's ContainerWriter produces are decoded by an independent Avro
// implementation, npm `avsc` (tests/interop/avro_read.js), and compared record by record;
// the schema avsc parses must keep Iceberg's field ids. avsc supports the null and deflate
// codecs; snappy and zstandard are checked by floe round trips in container_test.cc
// (no pure-JS implementation of either is installed). Skipped when node or avsc is missing.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "floe/format/avro/container.h"

namespace floe::avro {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSchema = R"({"type":"record","name":"manifest_entry","fields":[
  {"name":"status","type":"int","field-id":0},
  {"name":"snapshot_id","type":["null","long"],"default":null,"field-id":1},
  {"name":"data_file","type":{"type":"record","name":"r2","fields":[
    {"name":"file_path","type":"string","field-id":100},
    {"name":"file_format","type":{"type":"enum","name":"fmt","symbols":["AVRO","PARQUET"]},"field-id":101},
    {"name":"record_count","type":"long","field-id":103},
    {"name":"ratio","type":"float","field-id":900},
    {"name":"score","type":"double","field-id":901},
    {"name":"flag","type":"boolean","field-id":902},
    {"name":"key_metadata","type":["null","bytes"],"default":null,"field-id":131},
    {"name":"digest","type":{"type":"fixed","name":"md5","size":4},"field-id":903},
    {"name":"split_offsets","type":["null",{"type":"array","items":"long","element-id":133}],
     "default":null,"field-id":132},
    {"name":"props","type":{"type":"map","values":"string","key-id":904,"value-id":905},"field-id":906}
  ]},"field-id":2}]})";

std::string Hex(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += fmt::format("{:02x}", c);
  return out;
}

// What avsc prints for `d` of `schema`: unions unwrapped, enums as symbols, bytes/fixed as
// hex, longs as numbers (or decimal strings beyond 2^53), floats widened to double.
Json AvscJson(const Node& schema, const Datum& d) {
  const Node* chosen = &schema;
  if (schema.type == Type::kUnion) {
    chosen = schema.branches[0];
    for (const Node* b : schema.branches) {
      if (b->type == d.type()) chosen = b;
    }
  }
  const Node& s = *chosen;
  switch (d.type()) {
    case Type::kNull:
      return nullptr;
    case Type::kEnum:
      return s.symbols[d.enum_index()];
    case Type::kBytes:
    case Type::kFixed:
      return Hex(d.bytes());
    case Type::kLong: {
      const int64_t v = d.long_value();
      constexpr int64_t kSafe = (int64_t{1} << 53) - 1;
      if (v >= -kSafe && v <= kSafe) return v;
      return std::to_string(v);
    }
    case Type::kFloat:
      return static_cast<double>(d.float_value());
    case Type::kRecord: {
      Json out = Json::object();
      for (size_t i = 0; i < s.fields.size(); ++i) {
        out[s.fields[i].name] = AvscJson(*s.fields[i].type, d.fields()[i]);
      }
      return out;
    }
    case Type::kArray: {
      Json out = Json::array();
      for (const Datum& x : d.items()) out.push_back(AvscJson(*s.items, x));
      return out;
    }
    case Type::kMap: {
      Json out = Json::object();
      for (const auto& [k, v] : d.map()) out[k] = AvscJson(*s.values, v);
      return out;
    }
    default:
      return d.ToJson();
  }
}

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

TEST(AvroAvscInterop, AvscReadsWhatFloeWrites) {
  const fs::path modules = fs::path(FLOE_SOURCE_DIR) / "tests/node_modules/avsc";
  if (!fs::exists(modules)) GTEST_SKIP() << "npm avsc not installed at " << modules;
  if (std::system("node --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no node";

  auto schema = Schema::Parse(kSchema);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  const Node& root = (*schema)->root();
  const Node* df = root.fields[2].type;
  std::vector<Datum> rows;
  for (int i = 0; i < 500; ++i) {
    std::vector<Datum> splits;
    for (int j = 0; j < i % 3; ++j) splits.push_back(Datum::Long(int64_t{4} << (20 + j)));
    MapEntries props;
    if (i % 2)
      props.emplace_back("k" + std::to_string(i), Datum::String("välue " + std::to_string(i)));
    rows.push_back(Datum::Record(
        &root,
        {Datum::Int(i % 3), i % 4 == 0 ? Datum::Null() : Datum::Long(8792170059756986233 - i),
         Datum::Record(df,
                       {Datum::String("s3://bucket/data/file-" + std::to_string(i) + ".parquet"),
                        Datum::Enum(i % 2), Datum::Long(i * 1000003LL), Datum::Float(i * 0.25f),
                        Datum::Double(i / 7.0), Datum::Boolean(i % 5 == 0),
                        i % 3 == 0 ? Datum::Null() : Datum::Bytes(std::string("\x00\xff\x10", 3)),
                        Datum::Fixed(std::string("\xde\xad\xbe", 3) + static_cast<char>(i)),
                        i % 7 == 0 ? Datum::Null() : Datum::Array(std::move(splits)),
                        Datum::Map(std::move(props))})}));
  }

  for (Codec codec : {Codec::kNull, Codec::kDeflate}) {
    SCOPED_TRACE(std::string(CodecName(codec)));
    ContainerWriterOptions opts;
    opts.codec = codec;
    opts.block_size_bytes = 4096;
    opts.metadata = {
        {"format-version", "2"},
        {"content", "data"},
        {"partition-spec", R"([{"name":"d","transform":"day","source-id":1,"field-id":1000}])"}};
    auto bytes = WriteContainer(*schema, rows, opts);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    const fs::path path = fs::temp_directory_path() /
                          fmt::format("floe_avsc_{}_{}.avro", CodecName(codec), ::getpid());
    {
      std::ofstream out(path, std::ios::binary);
      out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    }
    int rc = 0;
    const std::string out = RunCommand(
        "node " + std::string(FLOE_SOURCE_DIR) + "/tests/interop/avro_read.js " + path.string(),
        &rc);
    fs::remove(path);
    ASSERT_EQ(rc, 0) << out;
    Json got = Json::parse(out, nullptr, false);  // non-const: a missing key reads as null
    ASSERT_FALSE(got.is_discarded()) << out.substr(0, 500);
    EXPECT_EQ(got["codec"], CodecName(codec));
    EXPECT_EQ(got["meta"]["format-version"], "2");
    EXPECT_EQ(got["meta"]["content"], "data");
    EXPECT_EQ(got["meta"]["partition-spec"], opts.metadata[2].second);

    // The ids avsc saw while parsing the written schema (its type hook; avsc keeps no custom
    // attributes on parsed types).
    Json& ids = got["ids"];
    EXPECT_EQ(ids["fields"]["status"], 0);
    EXPECT_EQ(ids["fields"]["data_file"], 2);
    EXPECT_EQ(ids["fields"]["file_path"], 100);
    EXPECT_EQ(ids["fields"]["split_offsets"], 132);
    EXPECT_EQ(ids["fields"]["props"], 906);
    EXPECT_EQ(ids["element-id"], Json::array({133}));
    EXPECT_EQ(ids["key-id"], Json::array({904}));
    EXPECT_EQ(ids["value-id"], Json::array({905}));
    EXPECT_EQ(got["schema"]["fields"][2]["type"]["fields"][1]["type"]["symbols"][1], "PARQUET");
    Json raw = Json::parse(got["meta"]["avro.schema"].get<std::string>(), nullptr, false);
    ASSERT_FALSE(raw.is_discarded());
    EXPECT_EQ(raw["fields"][0]["field-id"], 0);
    EXPECT_EQ(raw["fields"][2]["field-id"], 2);
    Json& rdf = raw["fields"][2]["type"];
    EXPECT_EQ(rdf["fields"][0]["field-id"], 100);
    EXPECT_EQ(rdf["fields"][8]["field-id"], 132);
    EXPECT_EQ(rdf["fields"][8]["type"][1]["element-id"], 133);
    EXPECT_EQ(rdf["fields"][9]["field-id"], 906);

    ASSERT_EQ(got["records"].size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      ASSERT_EQ(got["records"][i], AvscJson(root, rows[i])) << i;
    }
  }
}

}  // namespace
}  // namespace floe::avro
