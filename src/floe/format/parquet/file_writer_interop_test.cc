// Interop: files floe writes — across codecs, encodings, page versions, nesting, row
// group and page splits — are read by DuckDB (the independent oracle) with the contents
// floe was given, and DuckDB's filtered reads, which prune with floe's statistics, page
// index and Bloom filters, return the right counts.
//
// This test writes the files, the expected rows (JSON generated from the source batches,
// not from any Parquet reader) and a manifest into a temp dir, then runs
// tests/interop/duckdb_reads_floe.mjs on it. Skipped when node or @duckdb/node-api is
// missing (scripts/install-deps installs it).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "floe/format/parquet/file_writer.h"
#include "floe/format/parquet/writer_test_data.h"
#include "floe/io/local_file.h"

namespace floe::parquet {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::DataGen;
using testing::DuckType;
using testing::GenOptions;
using testing::ToJson;

struct Query {
  std::string sql;
  int64_t expect;
};

struct Dataset {
  std::string name;
  SchemaPtr schema;
  std::vector<RecordBatch> batches;
  std::vector<Query> queries;
};

class Interop : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path modules = fs::path(FLOE_SOURCE_DIR) / "tests/node_modules/@duckdb/node-api";
    if (!fs::exists(modules)) GTEST_SKIP() << "no " << modules << " (run scripts/install-deps)";
    if (std::system("node --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no node";
    char tmpl[] = "/tmp/floe-interop-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) fs::remove_all(dir_);
  }

  // Writes the expected rows of `d` once.
  std::string WriteExpected(const Dataset& d) {
    const std::string name = d.name + ".jsonl";
    std::ofstream out(dir_ / name);
    for (const RecordBatch& b : d.batches) {
      for (int64_t r = 0; r < b.num_rows; ++r) {
        nlohmann::ordered_json row = nlohmann::ordered_json::object();
        for (size_t c = 0; c < b.columns.size(); ++c) {
          row[d.schema->fields[c].name] = ToJson(*b.columns[c], r);
        }
        out << row.dump() << "\n";
      }
    }
    return name;
  }

  // Writes `d` with `opts` as case `label` and records it in the manifest.
  void AddCase(const Dataset& d, const std::string& expected, const std::string& label,
               const WriterOptions& opts) {
    const std::string file = d.name + "-" + label + ".parquet";
    auto out =
        io::NewLocalWritableFile((dir_ / file).string(), io::LocalWriteOptions{.sync = false});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    auto w = FileWriter::Open(std::move(out).value(), d.schema, opts);
    ASSERT_TRUE(w.ok()) << label << ": " << w.status().ToString();
    for (const RecordBatch& b : d.batches) {
      Status s = (*w)->Write(b);
      ASSERT_TRUE(s.ok()) << label << ": " << s.ToString();
    }
    auto md = (*w)->Close();
    ASSERT_TRUE(md.ok()) << label << ": " << md.status().ToString();
    json c;
    c["name"] = d.name + "-" + label;
    c["parquet"] = file;
    c["expected"] = expected;
    c["columns"] = json::array();
    for (const Field& f : d.schema->fields) {
      json col{{"name", f.name}, {"type", DuckType(*f.type)}};
      if (f.type->id == TypeId::kJson) {
        // Compared as text.
        col["json_type"] = "VARCHAR";
        col["cast"] = "VARCHAR";
      } else if (f.type->id == TypeId::kBinary || f.type->id == TypeId::kFixedBinary) {
        // The expected JSON holds BLOB literals ("\xAB..."): read as text, then cast.
        col["json_type"] = "VARCHAR";
      }
      c["columns"].push_back(col);
    }
    c["queries"] = json::array();
    for (const Query& q : d.queries) c["queries"].push_back({{"sql", q.sql}, {"expect", q.expect}});
    manifest_.push_back(c);
  }

  void RunNode() {
    {
      std::ofstream m(dir_ / "manifest.json");
      m << manifest_.dump(1);
    }
    const std::string cmd = "node " + std::string(FLOE_SOURCE_DIR) +
                            "/tests/interop/duckdb_reads_floe.mjs " + dir_.string() + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string output;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) output.append(buf, n);
    const int status = pclose(p);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
    if (::testing::Test::HasFailure()) std::cerr << "files kept in " << dir_ << "\n";
  }

  fs::path dir_;
  json manifest_ = json::array();
};

// Encodings by physical type for one variant of the matrix.
std::map<std::string, Encoding> EncodingsFor(const SchemaPtr& schema, const std::string& variant) {
  std::map<std::string, Encoding> out;
  auto desc = SchemaDescriptor::FromSchema(*schema);
  for (const ColumnDescriptor& c : (*desc)->columns()) {
    const Type t = c.physical_type;
    std::optional<Encoding> e;
    if (variant == "plain") {
      e = Encoding::kPlain;
    } else if (variant == "delta") {
      if (t == Type::kInt32 || t == Type::kInt64) e = Encoding::kDeltaBinaryPacked;
      if (t == Type::kByteArray) e = Encoding::kDeltaLengthByteArray;
    } else if (variant == "dba") {
      if (t == Type::kByteArray || t == Type::kFixedLenByteArray) e = Encoding::kDeltaByteArray;
    } else if (variant == "bss") {
      // DuckDB (1.5) reads BYTE_STREAM_SPLIT for FLOAT and DOUBLE only; the INT32, INT64
      // and FIXED_LEN_BYTE_ARRAY forms are covered by the round-trip tests.
      if (t == Type::kFloat || t == Type::kDouble) e = Encoding::kByteStreamSplit;
    } else if (variant == "rle") {
      if (t == Type::kBoolean) e = Encoding::kRle;
    }
    if (e) out[c.dotted_path] = *e;
  }
  return out;
}

Dataset AllTypes() {
  std::vector<Field> fields = {
      Field{"b", types::Bool(), true},
      Field{"i8", types::Int8(), true},
      Field{"i16", types::Int16(), true},
      Field{"i32", types::Int32(), false},
      Field{"i64", types::Int64(), true},
      Field{"u8", types::UInt8(), true},
      Field{"u16", types::UInt16(), true},
      Field{"u32", types::UInt32(), true},
      Field{"u64", types::UInt64(), true},
      Field{"f16", types::Float16(), true},
      Field{"f32", types::Float32(), true},
      Field{"f64", types::Float64(), true},
      Field{"dec4", types::Decimal(4, 2), true},
      Field{"dec15", types::Decimal(15, 3), true},
      Field{"dec30", types::Decimal(30, 5), true},
      Field{"dec38", types::Decimal(38, 0), true},
      Field{"d", types::Date(), true},
      Field{"t_ms", types::Time(floe::TimeUnit::kMilli), true},
      Field{"t_us", types::Time(floe::TimeUnit::kMicro), true},
      Field{"t_ns", types::Time(floe::TimeUnit::kNano), true},
      Field{"ts_ms", types::Timestamp(floe::TimeUnit::kMilli, false), true},
      Field{"ts_us", types::Timestamp(floe::TimeUnit::kMicro, false), true},
      Field{"ts_ns", types::Timestamp(floe::TimeUnit::kNano, false), true},
      Field{"tstz", types::Timestamp(floe::TimeUnit::kMicro, true), true},
      Field{"s", types::String(), true},
      Field{"e", types::Enum(), true},
      Field{"j", types::Json(), true},
      Field{"bin", types::Binary(), true},
      Field{"fx", types::FixedBinary(5), true},
      Field{"uuid", types::Uuid(), true},
      Field{"iv", types::Interval(), true},
  };
  Dataset d{"alltypes", std::make_shared<Schema>(std::move(fields)), {}, {}};
  DataGen gen(42);
  d.batches.push_back(gen.Batch(d.schema, 1700));
  d.batches.push_back(gen.Batch(d.schema, 800));
  return d;
}

Dataset Nested() {
  auto person =
      types::Struct({Field{"nick", types::String(), true}, Field{"age", types::Int16(), true},
                     Field{"emails", types::List(types::String(), true), true}});
  std::vector<Field> fields = {
      Field{"id", types::Int64(), false},
      Field{"tags", types::List(types::String(), true), true},
      Field{"matrix", types::List(types::List(types::Int32(), false), true), true},
      Field{"people", types::List(Field{"element", person, false}), true},
      Field{"attrs", types::Map(types::String(), types::Int64(), true), true},
      Field{"meta",
            types::Struct(
                {Field{"a", types::Int32(), true},
                 Field{"b",
                       types::Struct({Field{"c", types::String(), true},
                                      Field{"d", types::List(types::Float64(), true), true}}),
                       true},
                 Field{"e", types::Map(types::Int32(), types::String(), true), true}}),
            true},
      Field{"mlist", types::Map(types::String(), types::List(types::Int32(), true), false), true},
      Field{"req", types::Struct({Field{"x", types::Int32(), false}}), false},
  };
  Dataset d{"nested", std::make_shared<Schema>(std::move(fields)), {}, {}};
  DataGen gen(7, GenOptions{.null_probability = 0.15});
  BatchBuilder bb(d.schema);
  for (int64_t r = 0; r < 3000; ++r) {
    bb.column(0).AppendInt(r);
    for (size_t c = 1; c < d.schema->fields.size(); ++c) {
      gen.Append(bb.column(c), *d.schema->fields[c].type, d.schema->fields[c].nullable);
    }
  }
  d.batches.push_back(bb.Finish());
  int64_t with_tags = 0;
  const Column& tags = *d.batches[0].columns[1];
  for (int64_t r = 0; r < 3000; ++r)
    with_tags += !tags.IsNull(r) && tags.ListEnd(r) > tags.ListBegin(r);
  d.queries.push_back({"SELECT count(*) FROM {file} WHERE len(tags) > 0", with_tags});
  d.queries.push_back({"SELECT count(*) FROM {file} WHERE id BETWEEN 100 AND 1999", 1900});
  return d;
}

// Sorted and skewed columns in many row groups and pages, for pruning by statistics,
// the page index and Bloom filters.
Dataset Sorted() {
  std::vector<Field> fields = {
      Field{"id", types::Int64(), false},
      Field{"key", types::String(), false},
      Field{"neg", types::Int32(), false},
      Field{"u32", types::UInt32(), false},
      Field{"u64", types::UInt64(), false},
      Field{"dec", types::Decimal(20, 2), false},
      Field{"long_s", types::String(), true},
      Field{"ts", types::Timestamp(floe::TimeUnit::kMicro, true), false},
      Field{"f", types::Float64(), true},
      Field{"constant", types::String(), false},  // a one-entry dictionary (bit width 0)
      Field{"nothing", types::Int64(), true},     // all null
  };
  Dataset d{"sorted", std::make_shared<Schema>(std::move(fields)), {}, {}};
  const int64_t n = 60000;
  const std::string pad(90, 'p');
  BatchBuilder bb(d.schema);
  std::vector<std::string> keys, longs;
  for (int64_t i = 0; i < n; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "key-%07lld", static_cast<long long>(i));
    keys.push_back(key);
    bb.column(0).AppendInt(i);
    bb.column(1).AppendBytes(key);
    bb.column(2).AppendInt(i - 30000);
    bb.column(3).AppendUInt(3000000000u + static_cast<uint32_t>(i) * 16000u);
    bb.column(4).AppendUInt(uint64_t{1} << 63 | static_cast<uint64_t>(i));
    bb.column(5).AppendDecimal(static_cast<__int128>(i) * 1000000000000LL - 17);
    if (i % 10 == 0) {
      bb.column(6).AppendNull();
      longs.push_back("");
    } else {
      // Long values (stored truncated in statistics) whose order differs past byte 64.
      std::string v = pad + std::string(1, static_cast<char>('a' + i % 26)) + key;
      longs.push_back(v);
      bb.column(6).AppendBytes(v);
    }
    bb.column(7).AppendInt(1700000000000000LL + i * 1000000LL);
    if (i % 3 == 0) {
      bb.column(8).AppendNull();
    } else {
      bb.column(8).AppendDouble(static_cast<double>(i % 1000) - 500.5);
    }
    bb.column(9).AppendBytes("always the same");
    bb.column(10).AppendNull();
  }
  RecordBatch all = bb.Finish();
  d.batches.push_back(std::move(all));
  auto count = [&](auto pred) {
    int64_t c = 0;
    for (int64_t i = 0; i < n; ++i) c += pred(i);
    return c;
  };
  d.queries = {
      {"SELECT count(*) FROM {file} WHERE id BETWEEN 12345 AND 23456", 23456 - 12345 + 1},
      {"SELECT count(*) FROM {file} WHERE id = 59999", 1},
      {"SELECT count(*) FROM {file} WHERE key = 'key-0042137'", 1},
      {"SELECT count(*) FROM {file} WHERE key = 'key-0042137x'", 0},
      {"SELECT count(*) FROM {file} WHERE key >= 'key-0050000'", 10000},
      {"SELECT count(*) FROM {file} WHERE neg < -29000", 1000},
      {"SELECT count(*) FROM {file} WHERE u32 > 3900000000", count([](int64_t i) {
         return 3000000000u + static_cast<uint32_t>(i) * 16000u > 3900000000u;
       })},
      {"SELECT count(*) FROM {file} WHERE u64 >= 9223372036854775808 + 59000", 1000},
      {"SELECT count(*) FROM {file} WHERE dec > 40000000000.00", count([](int64_t i) {
         return static_cast<__int128>(i) * 1000000000000LL - 17 >
                static_cast<__int128>(4000000000000LL);
       })},
      {"SELECT count(*) FROM {file} WHERE dec < 0", 1},
      {"SELECT count(*) FROM {file} WHERE long_s = '" + longs[12345] + "'", 1},
      {"SELECT count(*) FROM {file} WHERE long_s >= '" + pad + "x'",
       count([&](int64_t i) { return i % 10 != 0 && longs[i] >= pad + "x"; })},
      {"SELECT count(*) FROM {file} WHERE ts >= '2023-11-14 22:13:20+00'::TIMESTAMPTZ + INTERVAL "
       "50000 SECOND",
       10000},
      {"SELECT count(*) FROM {file} WHERE f > 498",
       count([](int64_t i) { return i % 3 != 0 && static_cast<double>(i % 1000) - 500.5 > 498; })},
      {"SELECT count(*) FROM {file} WHERE long_s IS NULL", 6000},
      {"SELECT count(*) FROM {file} WHERE constant = 'always the same'", n},
      {"SELECT count(*) FROM {file} WHERE constant > 'always'", n},
      {"SELECT count(*) FROM {file} WHERE nothing IS NULL", n},
      {"SELECT count(*) FROM {file} WHERE nothing = 5", 0},
  };
  return d;
}

// High-cardinality strings with a small dictionary limit: pages switch from dictionary
// to PLAIN mid-chunk.
Dataset Fallback() {
  std::vector<Field> fields = {Field{"s", types::String(), true}, Field{"n", types::Int64(), true}};
  Dataset d{"fallback", std::make_shared<Schema>(std::move(fields)), {}, {}};
  DataGen gen(99);
  BatchBuilder bb(d.schema);
  for (int64_t i = 0; i < 20000; ++i) {
    if (i % 50 == 0) {
      bb.column(0).AppendNull();
    } else {
      bb.column(0).AppendBytes("value-" + std::to_string(i * 7919 % 20000) + "-" +
                               gen.RandomString(8));
    }
    bb.column(1).AppendInt(gen.Range(0, 1 << 20));
  }
  d.batches.push_back(bb.Finish());
  return d;
}

Dataset Empty() {
  std::vector<Field> fields = {Field{"a", types::Int32(), true},
                               Field{"b", types::List(types::String(), true), true}};
  return Dataset{"empty", std::make_shared<Schema>(std::move(fields)), {}, {}};
}

TEST_F(Interop, DuckDBReadsWhatFloeWrites) {
  const Dataset all = AllTypes();
  const std::string all_expected = WriteExpected(all);
  const std::pair<const char*, CompressionCodec> codecs[] = {
      {"none", CompressionCodec::kUncompressed}, {"snappy", CompressionCodec::kSnappy},
      {"gzip", CompressionCodec::kGzip},         {"zstd", CompressionCodec::kZstd},
      {"lz4raw", CompressionCodec::kLz4Raw},     {"brotli", CompressionCodec::kBrotli},
  };
  for (int version : {1, 2}) {
    for (const auto& [name, codec] : codecs) {
      WriterOptions o;
      o.compression = codec;
      o.compression_level = kDefaultCompressionLevel;
      o.data_page_version = version;
      o.row_group_rows = 1000;
      o.page_rows = 300;
      AddCase(all, all_expected, std::string(name) + "-v" + std::to_string(version), o);
    }
    for (const char* variant : {"plain", "delta", "dba", "bss", "rle"}) {
      WriterOptions o;
      o.data_page_version = version;
      o.page_bytes = 4096;
      o.column_encodings = EncodingsFor(all.schema, variant);
      AddCase(all, all_expected, std::string(variant) + "-v" + std::to_string(version), o);
    }
  }

  const Dataset nested = Nested();
  const std::string nested_expected = WriteExpected(nested);
  for (int version : {1, 2}) {
    for (bool dict : {true, false}) {
      WriterOptions o;
      o.data_page_version = version;
      o.dictionary = dict;
      o.page_rows = 250;
      o.row_group_rows = 1200;
      o.compression = dict ? CompressionCodec::kZstd : CompressionCodec::kSnappy;
      AddCase(nested, nested_expected,
              std::string(dict ? "dict" : "plain") + "-v" + std::to_string(version), o);
    }
    WriterOptions o;
    o.data_page_version = version;
    o.column_encodings = EncodingsFor(nested.schema, "delta");
    o.page_bytes = 2048;
    AddCase(nested, nested_expected, "delta-v" + std::to_string(version), o);
  }

  const Dataset sorted = Sorted();
  const std::string sorted_expected = WriteExpected(sorted);
  for (int version : {1, 2}) {
    WriterOptions o;
    o.data_page_version = version;
    o.row_group_rows = 10000;
    o.page_rows = 1000;
    o.bloom_filter_columns = {"key", "u64"};
    AddCase(sorted, sorted_expected, "v" + std::to_string(version), o);
  }
  {
    WriterOptions o;
    o.row_group_bytes = 256 * 1024;  // row groups by size
    o.page_bytes = 8 * 1024;
    o.dictionary = false;
    AddCase(sorted, sorted_expected, "bysize", o);
  }

  {
    WriterOptions o;
    o.fallback_encodings = FallbackEncodings::kDelta;
    o.row_group_rows = 10000;
    o.page_rows = 1000;
    AddCase(sorted, sorted_expected, "delta-fallback", o);
  }

  const Dataset fallback = Fallback();
  const std::string fallback_expected = WriteExpected(fallback);
  for (int version : {1, 2}) {
    WriterOptions o;
    o.data_page_version = version;
    o.dictionary_page_bytes = 16 * 1024;
    o.page_rows = 1000;
    o.column_encodings = {{"s", Encoding::kRleDictionary}};
    AddCase(fallback, fallback_expected, "v" + std::to_string(version), o);
    o.fallback_encodings = FallbackEncodings::kDelta;
    AddCase(fallback, fallback_expected, "delta-v" + std::to_string(version), o);
  }

  const Dataset empty = Empty();
  AddCase(empty, WriteExpected(empty), "v1", WriterOptions{});

  RunNode();
}

}  // namespace
}  // namespace floe::parquet
