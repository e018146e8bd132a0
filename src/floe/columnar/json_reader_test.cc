#include "floe/columnar/json_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "floe/columnar/json_writer.h"
#include "floe/common/float16.h"

namespace floe {
namespace {

SchemaPtr MakeSchema(std::vector<Field> fields) {
  return std::make_shared<Schema>(std::move(fields));
}

std::string WriteLines(const RecordBatch& batch) {
  std::string out;
  AppendBatchJsonLines(batch, &out);
  return out;
}

// Parses `text` and renders it back (the writer is tested on its own against the oracle).
std::string Reparse(std::string_view text, const SchemaPtr& schema,
                    const JsonReadOptions& options = {}) {
  Result<RecordBatch> r = ParseJsonLines(text, schema, options);
  if (!r.ok()) return "ERROR " + r.status().message();
  Status v = r->Validate();
  if (!v.ok()) return "INVALID " + v.ToString();
  return WriteLines(*r);
}

std::string ErrorOf(std::string_view text, const SchemaPtr& schema,
                    const JsonReadOptions& options = {}) {
  Result<RecordBatch> r = ParseJsonLines(text, schema, options);
  return r.ok() ? "OK" : r.status().message();
}

SchemaPtr One(TypePtr type, bool nullable = true) {
  return MakeSchema({Field{"v", std::move(type), nullable}});
}

// ---------------------------------------------------------------------------------------------
// Write -> read -> write over every type, with extreme values.

TEST(JsonReader, RoundTripsEveryType) {
  auto schema = MakeSchema({
      Field{"b", types::Bool()},
      Field{"i8", types::Int8()},
      Field{"i16", types::Int16()},
      Field{"i32", types::Int32()},
      Field{"i64", types::Int64()},
      Field{"u8", types::UInt8()},
      Field{"u16", types::UInt16()},
      Field{"u32", types::UInt32()},
      Field{"u64", types::UInt64()},
      Field{"f16", types::Float16()},
      Field{"f32", types::Float32()},
      Field{"f64", types::Float64()},
      Field{"d38", types::Decimal(38, 10)},
      Field{"d4", types::Decimal(4, 2)},
      Field{"date", types::Date()},
      Field{"time", types::Time(TimeUnit::kNano, true)},
      Field{"ts_ms", types::Timestamp(TimeUnit::kMilli, false)},
      Field{"ts_us", types::Timestamp(TimeUnit::kMicro, true)},
      Field{"ts_ns", types::Timestamp(TimeUnit::kNano, false)},
      Field{"iv", types::Interval()},
      Field{"s", types::String()},
      Field{"e", types::Enum()},
      Field{"j", types::Json()},
      Field{"bin", types::Binary()},
      Field{"fx", types::FixedBinary(3)},
      Field{"u", types::Uuid()},
      Field{"l", types::List(types::List(types::Int32(), false))},
      Field{"st",
            types::Struct({Field{"x", types::Float64()}, Field{"y", types::String(), false}})},
      Field{"m", types::Map(types::String(), types::List(types::Int64()))},
      Field{"mi", types::Map(types::Int32(), types::Bool())},
  });
  BatchBuilder bb(schema);
  __int128 max38 = 0;
  for (int i = 0; i < 38; ++i) max38 = max38 * 10 + 9;
  for (int row = 0; row < 3; ++row) {
    const bool lo = row == 1;
    if (row == 2) {
      for (size_t c = 0; c < bb.num_columns(); ++c) bb.column(c).AppendNull();
      continue;
    }
    size_t c = 0;
    bb.column(c++).AppendBool(lo);
    bb.column(c++).AppendInt(lo ? INT8_MIN : INT8_MAX);
    bb.column(c++).AppendInt(lo ? INT16_MIN : INT16_MAX);
    bb.column(c++).AppendInt(lo ? INT32_MIN : INT32_MAX);
    bb.column(c++).AppendInt(lo ? INT64_MIN : INT64_MAX);
    bb.column(c++).AppendInt(lo ? 0 : UINT8_MAX);
    bb.column(c++).AppendInt(lo ? 0 : UINT16_MAX);
    bb.column(c++).AppendInt(lo ? 0 : UINT32_MAX);
    bb.column(c++).AppendUInt(lo ? 0 : UINT64_MAX);
    bb.column(c++).AppendFloat16Bits(lo ? 0x0001 : 0x7bff);  // smallest subnormal, 65504
    bb.column(c++).AppendDouble(lo ? -std::numeric_limits<float>::denorm_min()
                                   : std::numeric_limits<float>::infinity());
    bb.column(c++).AppendDouble(lo ? -0.0 : std::numeric_limits<double>::quiet_NaN());
    bb.column(c++).AppendDecimal(lo ? -max38 : max38);
    bb.column(c++).AppendDecimal(lo ? -1 : 1200);
    bb.column(c++).AppendInt(lo ? INT32_MIN : INT32_MAX);
    bb.column(c++).AppendInt(lo ? 0 : 86399999999999);
    bb.column(c++).AppendInt(lo ? INT64_MIN : INT64_MAX);
    bb.column(c++).AppendInt(lo ? INT64_MIN : INT64_MAX);
    bb.column(c++).AppendInt(lo ? INT64_MIN : 1);
    bb.column(c++).AppendBytes(
        lo ? std::string_view("\0\0\0\0\0\0\0\0\0\0\0\0", 12)
           : std::string_view("\xff\xff\xff\xff\x02\0\0\0\xff\xff\xff\xff", 12));
    bb.column(c++).AppendBytes(lo ? std::string_view("") : "tab\t \"q\" \\ \x01 é ✓ 😀");
    bb.column(c++).AppendBytes("sad");
    bb.column(c++).AppendBytes(lo ? R"("just a string")" : R"({"k":[1,2.5e3,{"z":null}],"s":"v"})");
    bb.column(c++).AppendBytes(lo ? std::string_view("") : std::string_view("\x00\xff\x10", 3));
    bb.column(c++).AppendBytes(std::string_view("\x00\xab\x10", 3));
    bb.column(c++).AppendBytes(
        std::string_view("\xc4\xca\x42\x38\xa0\xb9\x23\x82\x0d\xcc\x50\x9a\x6f\x75\x84\x9b", 16));
    ColumnBuilder& l = bb.column(c++);
    if (!lo) {
      l.child(0).child(0).AppendInt(1);
      l.child(0).child(0).AppendInt(-2);
      l.child(0).CloseList();
      l.child(0).AppendNull();
      l.child(0).CloseList();
    }
    l.CloseList();
    ColumnBuilder& st = bb.column(c++);
    st.child(0).AppendDouble(lo ? 1e300 : 0.1);
    st.child(1).AppendBytes("y");
    st.CloseStruct();
    ColumnBuilder& m = bb.column(c++);
    m.child(0).AppendBytes("k");
    m.child(1).child(0).AppendInt(5);
    m.child(1).CloseList();
    m.child(0).AppendBytes("k");  // duplicate keys are kept, in order
    m.child(1).AppendNull();
    m.CloseList();
    ColumnBuilder& mi = bb.column(c++);
    mi.child(0).AppendInt(-7);
    mi.child(1).AppendBool(true);
    mi.CloseList();
  }
  RecordBatch batch = bb.Finish();
  ASSERT_TRUE(batch.Validate().ok());
  const std::string text = WriteLines(batch);
  EXPECT_EQ(Reparse(text, schema), text);

  // Byte-level equality of the re-read batch, column by column.
  Result<RecordBatch> back = ParseJsonLines(text, schema);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->num_rows, 3);
  for (size_t c = 0; c < batch.columns.size(); ++c) {
    EXPECT_EQ(back->columns[c]->values.view(), batch.columns[c]->values.view())
        << schema->fields[c].name;
    EXPECT_EQ(back->columns[c]->data.view(), batch.columns[c]->data.view())
        << schema->fields[c].name;
  }
}

// ---------------------------------------------------------------------------------------------
// Independent truth: DuckDB's rows in the Parquet fixtures read and re-rendered byte for byte.

TypePtr FromDuckDb(std::string_view t);

std::vector<std::string_view> SplitTopLevel(std::string_view s) {
  std::vector<std::string_view> parts;
  int depth = 0;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '"') quoted = !quoted;
    if (quoted) continue;
    if (s[i] == '(') ++depth;
    if (s[i] == ')') --depth;
    if (s[i] == ',' && depth == 0) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(s.substr(start));
  for (auto& p : parts) {
    while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
  }
  return parts;
}

TypePtr FromDuckDb(std::string_view t) {
  if (t.size() > 2 && t.substr(t.size() - 2) == "[]") {
    TypePtr e = FromDuckDb(t.substr(0, t.size() - 2));
    return e ? types::List(e) : nullptr;
  }
  if (t.starts_with("STRUCT(") && t.back() == ')') {
    std::vector<Field> fields;
    for (std::string_view part : SplitTopLevel(t.substr(7, t.size() - 8))) {
      std::string name;
      size_t i = 0;
      if (part[0] == '"') {
        i = part.find('"', 1);
        name = std::string(part.substr(1, i - 1));
        ++i;
      } else {
        i = part.find(' ');
        name = std::string(part.substr(0, i));
      }
      TypePtr ft = FromDuckDb(part.substr(i + 1));
      if (!ft) return nullptr;
      fields.push_back(Field{name, ft});
    }
    return types::Struct(std::move(fields));
  }
  if (t.starts_with("MAP(") && t.back() == ')') {
    auto kv = SplitTopLevel(t.substr(4, t.size() - 5));
    TypePtr k = FromDuckDb(kv[0]), v = FromDuckDb(kv[1]);
    return k && v ? types::Map(k, v) : nullptr;
  }
  int p = 0, s = 0;
  if (std::sscanf(std::string(t).c_str(), "DECIMAL(%d,%d)", &p, &s) == 2) {
    return types::Decimal(p, s);
  }
  static const std::map<std::string_view, TypePtr> kSimple = {
      {"BOOLEAN", types::Bool()},
      {"TINYINT", types::Int8()},
      {"SMALLINT", types::Int16()},
      {"INTEGER", types::Int32()},
      {"BIGINT", types::Int64()},
      {"UTINYINT", types::UInt8()},
      {"USMALLINT", types::UInt16()},
      {"UINTEGER", types::UInt32()},
      {"UBIGINT", types::UInt64()},
      {"FLOAT", types::Float32()},
      {"DOUBLE", types::Float64()},
      {"DATE", types::Date()},
      {"TIME", types::Time(TimeUnit::kMicro)},
      {"TIME WITH TIME ZONE", types::Time(TimeUnit::kNano, true)},
      {"TIMESTAMP", types::Timestamp(TimeUnit::kMicro, false)},
      {"TIMESTAMP_NS", types::Timestamp(TimeUnit::kNano, false)},
      {"TIMESTAMP WITH TIME ZONE", types::Timestamp(TimeUnit::kMicro, true)},
      {"UUID", types::Uuid()},
      {"VARCHAR", types::String()},
      {"BLOB", types::Binary()},
      {"INTERVAL", types::Interval()},
      {"JSON", types::Json()},
  };
  auto it = kSimple.find(t);
  return it == kSimple.end() ? nullptr : it->second;
}

TEST(JsonReader, ReproducesDuckDbFixtureRowsExactly) {
  const std::filesystem::path dir = std::filesystem::path(FLOE_FIXTURES_DIR) / "parquet";
  std::set<std::string> covered;
  int64_t lines_checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".schema.json")) continue;
    const std::string stem = name.substr(0, name.size() - strlen(".schema.json"));
    std::ifstream schema_in(entry.path());
    const nlohmann::json meta = nlohmann::json::parse(schema_in);
    std::vector<Field> fields;
    bool supported = true;
    for (const auto& c : meta["columns"]) {
      TypePtr t =
          c["duckdb_type"].is_string() ? FromDuckDb(c["duckdb_type"].get<std::string>()) : nullptr;
      if (!t) {
        supported = false;
        break;
      }
      fields.push_back(Field{c["name"].get<std::string>(), t});
    }
    if (!supported) continue;
    std::ifstream rows_in(dir / (stem + ".expected.jsonl"));
    if (!rows_in) continue;
    std::stringstream buf;
    buf << rows_in.rdbuf();
    const std::string expected = buf.str();
    auto schema = MakeSchema(std::move(fields));
    Result<RecordBatch> batch = ParseJsonLines(expected, schema);
    ASSERT_TRUE(batch.ok()) << stem << ": " << batch.status().ToString();
    ASSERT_TRUE(batch->Validate().ok()) << stem;
    const std::string got = WriteLines(*batch);
    // Compare line by line for a readable failure.
    std::istringstream a(expected), b(got);
    std::string la, lb;
    int64_t n = 0;
    while (std::getline(a, la)) {
      ASSERT_TRUE(std::getline(b, lb)) << stem;
      ASSERT_EQ(lb, la) << stem << " line " << n + 1;
      ++n;
    }
    EXPECT_FALSE(std::getline(b, lb)) << stem;
    lines_checked += n;
    covered.insert(stem);
  }
  for (const char* must : {"duckdb_scalars_v1_snappy", "duckdb_nested_v2_brotli",
                           "nonnullable.impala", "nested_maps.snappy", "int96_from_spark",
                           "alltypes-java", "nested_structs.rust", "float16_nonzeros_and_nans"}) {
    EXPECT_TRUE(covered.count(must)) << must;
  }
  EXPECT_GE(covered.size(), 40u);
  EXPECT_GT(lines_checked, 10000);
}

// ---------------------------------------------------------------------------------------------
// Accepted alternative forms.

TEST(JsonReader, IntegersAcceptIntegralNumbersOnly) {
  EXPECT_EQ(Reparse(R"({"v":2.0}
{"v":1e3}
{"v":-0}
{"v":-5E+2})",
                    One(types::Int16())),
            "{\"v\":2}\n{\"v\":1000}\n{\"v\":0}\n{\"v\":-500}\n");
  EXPECT_EQ(Reparse(R"({"v":18446744073709551615})", One(types::UInt64())),
            "{\"v\":18446744073709551615}\n");
  EXPECT_EQ(ErrorOf(R"({"v":1.5})", One(types::Int32())),
            "line 1, field \"v\": expected int32, got number 1.5");
  EXPECT_EQ(ErrorOf(R"({"v":128})", One(types::Int8())),
            "line 1, field \"v\": 128 out of range for int8");
  EXPECT_EQ(ErrorOf(R"({"v":-1})", One(types::UInt64())),
            "line 1, field \"v\": -1 out of range for uint64");
  EXPECT_EQ(ErrorOf(R"({"v":18446744073709551616})", One(types::UInt64())),
            "line 1, field \"v\": 18446744073709551616 out of range for uint64");
  EXPECT_EQ(ErrorOf(R"({"v":9223372036854775808})", One(types::Int64())),
            "line 1, field \"v\": 9223372036854775808 out of range for int64");
  EXPECT_EQ(ErrorOf(R"({"v":1e30})", One(types::Int64())),
            "line 1, field \"v\": 1e30 out of range for int64");
  EXPECT_EQ(ErrorOf(R"({"v":"12"})", One(types::Int32())),
            "line 1, field \"v\": expected int32, got string \"12\"");
  EXPECT_EQ(ErrorOf(R"({"v":true})", One(types::UInt8())),
            "line 1, field \"v\": expected uint8, got boolean true");
}

TEST(JsonReader, Floats) {
  EXPECT_EQ(Reparse(R"({"v":0.1}
{"v":"NaN"}
{"v":"-Infinity"}
{"v":-0.0}
{"v":3})",
                    One(types::Float32())),
            "{\"v\":0.10000000149011612}\n{\"v\":\"NaN\"}\n{\"v\":\"-Infinity\"}\n"
            "{\"v\":-0.0}\n{\"v\":3}\n");
  // float16 rounds once from the double: 0.1 -> 0x2e66.
  Result<RecordBatch> h = ParseJsonLines(R"({"v":0.1})", One(types::Float16()));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->columns[0]->Value<uint16_t>(0), 0x2e66);
  EXPECT_EQ(ErrorOf(R"({"v":65520})", One(types::Float16())),
            "line 1, field \"v\": 65520 out of range for float16");
  EXPECT_EQ(Reparse(R"({"v":65519})", One(types::Float16())), "{\"v\":65504}\n");
  EXPECT_EQ(ErrorOf(R"({"v":1e39})", One(types::Float32())),
            "line 1, field \"v\": 1e39 out of range for float32");
  EXPECT_EQ(ErrorOf(R"({"v":1e400})", One(types::Float64())),
            "line 1, field \"v\": invalid or out-of-range number 1e400");
  EXPECT_EQ(ErrorOf(R"({"v":"nan"})", One(types::Float64())),
            "line 1, field \"v\": expected float64 (a number, \"NaN\", \"Infinity\" or "
            "\"-Infinity\"), got string \"nan\"");
}

TEST(JsonReader, Decimals) {
  auto d = One(types::Decimal(6, 2));
  EXPECT_EQ(Reparse(R"({"v":"1234.5"}
{"v":1234.50}
{"v":"-0.01"}
{"v":12e1}
{"v":"1.2345e3"}
{"v":"0.1000"}
{"v":0}
{"v":"+7"}
{"v":-0.00})",
                    d),
            "{\"v\":\"1234.50\"}\n{\"v\":\"1234.50\"}\n{\"v\":\"-0.01\"}\n{\"v\":\"120.00\"}\n"
            "{\"v\":\"1234.50\"}\n{\"v\":\"0.10\"}\n{\"v\":\"0.00\"}\n{\"v\":\"7.00\"}\n"
            "{\"v\":\"0.00\"}\n");
  EXPECT_EQ(ErrorOf(R"({"v":"1.234"})", d),
            "line 1, field \"v\": \"1.234\": more than 2 fraction digits for decimal(6,2)");
  EXPECT_EQ(ErrorOf(R"({"v":10000})", d),
            "line 1, field \"v\": \"10000\": out of range for decimal(6,2)");
  EXPECT_EQ(ErrorOf(R"({"v":"1e400"})", d),
            "line 1, field \"v\": \"1e400\": out of range for decimal(6,2)");
  EXPECT_EQ(ErrorOf(R"({"v":"abc"})", d),
            "line 1, field \"v\": \"abc\": not a decimal number for decimal(6,2)");
  EXPECT_EQ(ErrorOf(R"({"v":"1."})", d), "OK");
  EXPECT_EQ(ErrorOf(R"({"v":"."})", d),
            "line 1, field \"v\": \".\": not a decimal number for decimal(6,2)");
  // Every digit of a 38-digit number survives (no trip through double).
  EXPECT_EQ(
      Reparse(R"({"v":-1234567890123456789012345678.9012345678})", One(types::Decimal(38, 10))),
      "{\"v\":\"-1234567890123456789012345678.9012345678\"}\n");
}

TEST(JsonReader, DatesTimesTimestamps) {
  EXPECT_EQ(Reparse(R"({"v":"2024-02-29"}
{"v":0}
{"v":-719162}
{"v":"+290000-12-30"}
{"v":"-000001-01-01"})",
                    One(types::Date())),
            "{\"v\":\"2024-02-29\"}\n{\"v\":\"1970-01-01\"}\n{\"v\":\"0001-01-01\"}\n"
            "{\"v\":\"+290000-12-30\"}\n{\"v\":\"-000001-01-01\"}\n");
  EXPECT_EQ(ErrorOf(R"({"v":"2023-02-29"})", One(types::Date())),
            "line 1, field \"v\": \"2023-02-29\" is not a date (YYYY-MM-DD)");
  EXPECT_EQ(ErrorOf(R"({"v":2147483648})", One(types::Date())),
            "line 1, field \"v\": 2147483648 out of range for date");

  auto ts = One(types::Timestamp(TimeUnit::kMilli, true));
  EXPECT_EQ(Reparse(R"({"v":"2020-01-01T00:00:00+01:00"}
{"v":"2020-01-01 12:30Z"}
{"v":"2020-01-01t12:30:15.5-0230"}
{"v":"2020-01-01"}
{"v":"2020-01-01T00:00:00.123000000Z"}
{"v":1}
{"v":"+052951-07-27T10:00:00"})",
                    ts),
            "{\"v\":\"2019-12-31T23:00:00Z\"}\n{\"v\":\"2020-01-01T12:30:00Z\"}\n"
            "{\"v\":\"2020-01-01T15:00:15.5Z\"}\n{\"v\":\"2020-01-01T00:00:00Z\"}\n"
            "{\"v\":\"2020-01-01T00:00:00.123Z\"}\n{\"v\":\"1970-01-01T00:00:00.001Z\"}\n"
            "{\"v\":\"+052951-07-27T10:00:00Z\"}\n");
  EXPECT_EQ(ErrorOf(R"({"v":"2020-01-01T00:00:00.1234Z"})", ts),
            "line 1, field \"v\": \"2020-01-01T00:00:00.1234Z\" has more fraction digits than "
            "timestamp(ms, utc) keeps");
  EXPECT_EQ(ErrorOf(R"({"v":"2020-01-01T24:00:00"})", ts),
            "line 1, field \"v\": \"2020-01-01T24:00:00\" is not a timestamp "
            "(YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM])");
  EXPECT_EQ(
      ErrorOf(R"({"v":"+290000-01-01T00:00:00"})", One(types::Timestamp(TimeUnit::kNano, false))),
      "line 1, field \"v\": \"+290000-01-01T00:00:00\" out of range for timestamp(ns)");

  auto t = One(types::Time(TimeUnit::kMicro, false));
  EXPECT_EQ(Reparse(R"({"v":"00:20:34.567891"}
{"v":"23:59"}
{"v":"12:00:00Z"}
{"v":"12:00:00+00:00"}
{"v":86399999999})",
                    t),
            "{\"v\":\"00:20:34.567891\"}\n{\"v\":\"23:59:00\"}\n{\"v\":\"12:00:00\"}\n"
            "{\"v\":\"12:00:00\"}\n{\"v\":\"23:59:59.999999\"}\n");
  EXPECT_EQ(ErrorOf(R"({"v":86400000000})", t),
            "line 1, field \"v\": 86400000000 is not a time of day in us");
  EXPECT_EQ(ErrorOf(R"({"v":"12:00:00+01:00"})", t),
            "line 1, field \"v\": \"12:00:00+01:00\": a time of day with a non-zero UTC offset "
            "is not supported");
}

TEST(JsonReader, BytesUuidIntervalJson) {
  EXPECT_EQ(Reparse(R"({"v":"00FFaB"}
{"v":""})",
                    One(types::Binary())),
            "{\"v\":\"00ffab\"}\n{\"v\":\"\"}\n");
  EXPECT_EQ(ErrorOf(R"({"v":"abc"})", One(types::Binary())),
            "line 1, field \"v\": \"abc\" is not hex");
  EXPECT_EQ(ErrorOf(R"({"v":"0011"})", One(types::FixedBinary(3))),
            "line 1, field \"v\": \"0011\" has 2 bytes, fixed(3) needs 3");
  EXPECT_EQ(Reparse(R"({"v":"C4CA4238A0B923820DCC509A6F75849B"})", One(types::Uuid())),
            "{\"v\":\"c4ca4238-a0b9-2382-0dcc-509a6f75849b\"}\n");
  EXPECT_EQ(ErrorOf(R"({"v":"c4ca4238-a0b9-2382-0dcc-509a6f75849"})", One(types::Uuid())),
            "line 1, field \"v\": \"c4ca4238-a0b9-2382-0dcc-509a6f75849\" is not a UUID");

  EXPECT_EQ(Reparse(R"({"v":{"days":3}})", One(types::Interval())),
            "{\"v\":{\"months\":0,\"days\":3,\"micros\":0}}\n");
  EXPECT_EQ(ErrorOf(R"({"v":{"micros":1500}})", One(types::Interval())),
            "line 1, field \"v.micros\": 1500 micros is not a whole number of milliseconds "
            "(intervals keep milliseconds)");
  EXPECT_EQ(ErrorOf(R"({"v":{"years":1}})", One(types::Interval())),
            "line 1, field \"v.years\": unexpected member (an interval has months, days, micros)");

  // json: values are stored minified; strings holding JSON text are that text.
  EXPECT_EQ(Reparse(R"({"v": { "a" : [1, 2.50, "x\u0041"], "b":null } }
{"v":"{\"k\": 1}"}
{"v":"not json"}
{"v":"\"quoted\""}
{"v":12}
{"v":"12"}
{"v":true})",
                    One(types::Json())),
            R"({"v":"{\"a\":[1,2.50,\"xA\"],\"b\":null}"})"
            "\n"
            R"({"v":"{\"k\":1}"})"
            "\n"
            R"({"v":"\"not json\""})"
            "\n"
            R"({"v":"\"quoted\""})"
            "\n"
            R"({"v":"12"})"
            "\n"
            R"({"v":"12"})"
            "\n"
            R"({"v":"true"})"
            "\n");
  JsonReadOptions literal;
  literal.json_strings_as_text = false;
  EXPECT_EQ(Reparse(R"({"v":"{\"k\": 1}"})", One(types::Json()), literal),
            R"({"v":"\"{\\\"k\\\": 1}\""})"
            "\n");
  EXPECT_EQ(ErrorOf(R"({"v":[1, tru]})", One(types::Json())).substr(0, 33),
            "line 1, field \"v\": invalid JSON (");
  EXPECT_EQ(ErrorOf(R"({"v":[1, 2.]})", One(types::Json())).substr(0, 33),
            "line 1, field \"v\": invalid JSON (");
  EXPECT_EQ(ErrorOf(R"({"v":"x", "w": tru})", One(types::Json())), "OK");  // skipped, unchecked
}

TEST(JsonReader, NestedValuesAndPaths) {
  auto inner = types::Struct({Field{"b", types::List(types::Int32())}});
  auto schema =
      MakeSchema({Field{"a", inner}, Field{"m", types::Map(types::String(), types::Int64(), false)},
                  Field{"d", types::Map(types::Date(), types::String())}});
  EXPECT_EQ(
      Reparse(R"({"a":{"b":[1,null,3]},"m":{"x":1,"y":2},"d":{"2020-01-01":"n"}}
{"a":{},"m":[{"value":5,"key":"z"}],"d":[]}
{"a":null,"m":null,"d":null}
{})",
              schema),
      R"({"a":{"b":[1,null,3]},"m":[{"key":"x","value":1},{"key":"y","value":2}],"d":[{"key":"2020-01-01","value":"n"}]})"
      "\n"
      R"({"a":{"b":null},"m":[{"key":"z","value":5}],"d":[]})"
      "\n"
      R"({"a":null,"m":null,"d":null})"
      "\n"
      R"({"a":null,"m":null,"d":null})"
      "\n");

  EXPECT_EQ(ErrorOf("{}\n{}\n{\"a\":{\"b\":[1,2,3,\"x\"]}}", schema),
            "line 3, field \"a.b[3]\": expected int32, got string \"x\"");
  EXPECT_EQ(ErrorOf(R"({"m":[{"key":"k","value":null}]})", schema),
            "line 1, field \"m[0].value\": null for a non-nullable int64 field");
  EXPECT_EQ(ErrorOf(R"({"m":[{"key":null,"value":1}]})", schema),
            "line 1, field \"m[0].key\": null for a non-nullable string field");
  EXPECT_EQ(ErrorOf(R"({"m":[{"value":1}]})", schema),
            "line 1, field \"m[0]\": map entry has no \"key\"");
  EXPECT_EQ(ErrorOf(R"({"m":[{"key":"a","value":1,"x":2}]})", schema),
            "line 1, field \"m[0].x\": unexpected member (a map entry has key and value)");
  EXPECT_EQ(ErrorOf(R"({"m":[5]})", schema),
            "line 1, field \"m[0]\": expected a map entry {\"key\": ..., \"value\": ...}, got "
            "number 5");
  EXPECT_EQ(ErrorOf(R"({"d":{"soon":"x"}})", schema),
            "line 1, field \"d.soon\": \"soon\" is not a date (YYYY-MM-DD)");
  EXPECT_EQ(ErrorOf(R"({"a":[1]})", schema),
            "line 1, field \"a\": expected struct (JSON object), got array");
  EXPECT_EQ(ErrorOf(R"({"a":{"b":{"c":1}}})", schema),
            "line 1, field \"a.b\": expected list (JSON array), got object");
}

TEST(JsonReader, MissingUnknownDuplicateAndNulls) {
  auto schema = MakeSchema({Field{"id", types::Int64(), false}, Field{"s", types::String()}});
  EXPECT_EQ(ErrorOf(R"({"s":"x"})", schema),
            "line 1, field \"id\": missing, and the field is not nullable");
  EXPECT_EQ(ErrorOf(R"({"id":null})", schema),
            "line 1, field \"id\": null for a non-nullable int64 field");
  EXPECT_EQ(ErrorOf(R"({"id":1,"id":2})", schema), "line 1, field \"id\": duplicate key");
  EXPECT_EQ(Reparse(R"({"zz":[1,{"q":2}],"id":1,"extra":"x"})", schema), "{\"id\":1,\"s\":null}\n");
  JsonReadOptions strict;
  strict.unknown_fields = JsonReadOptions::UnknownFields::kError;
  EXPECT_EQ(ErrorOf(R"({"id":1,"extra":"x"})", schema, strict),
            "line 1, field \"extra\": unknown field (not in the schema)");
  // Keys in any order.
  EXPECT_EQ(Reparse(R"({"s":"a","id":5})", schema), "{\"id\":5,\"s\":\"a\"}\n");
}

TEST(JsonReader, EscapedKeysAndPrefixKeysMatchByTheirUnescapedText) {
  // Keys are first compared as they stand in the input; escapes, prefixes and names that
  // need escaping must still resolve by the unescaped text (RFC 8259 section 7).
  auto schema = MakeSchema({Field{"ab", types::Int64()}, Field{"a\\nb", types::Int64()},
                            Field{"q\"x", types::Int64()}, Field{"abcdefghijk", types::Int64()}});
  // "\u0061b" is "ab"; "a\\nb" is a-backslash-n-b; "a\nb" (an escaped line feed) is not it.
  EXPECT_EQ(Reparse(R"({"\u0061b":1,"a\\nb":2,"q\"x":3,"abcdefghijk":4})", schema),
            "{\"ab\":1,\"a\\\\nb\":2,\"q\\\"x\":3,\"abcdefghijk\":4}\n");
  EXPECT_EQ(Reparse(R"({"a":9,"a\nb":8,"abcdefghij":7,"abcdefghijkl":6})", schema),
            "{\"ab\":null,\"a\\\\nb\":null,\"q\\\"x\":null,\"abcdefghijk\":null}\n");
  EXPECT_EQ(ErrorOf(R"({"ab":1,"\u0061b":2})", schema), "line 1, field \"ab\": duplicate key");
}

TEST(JsonReader, WideStructsUseTheNameIndex) {
  std::vector<Field> fields;
  for (int i = 0; i < 40; ++i) fields.push_back(Field{"f" + std::to_string(i), types::Int32()});
  auto schema = MakeSchema(fields);
  EXPECT_EQ(Reparse(R"({"f39":39,"f0":0,"f20":20})", schema).substr(0, 30),
            "{\"f0\":0,\"f1\":null,\"f2\":null,\"f");
  Result<RecordBatch> r = ParseJsonLines(R"({"f39":39,"f0":0,"f20":20,"nope":1})", schema);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->columns[39]->Value<int32_t>(0), 39);
  EXPECT_EQ(r->columns[20]->Value<int32_t>(0), 20);
  EXPECT_TRUE(r->columns[21]->IsNull(0));
}

TEST(JsonReader, SyntaxErrorsNameTheLine) {
  auto schema = One(types::Int32());
  EXPECT_EQ(ErrorOf("{\"v\":1}\n\n{\"v\":2} x\n", schema).substr(0, 8), "line 3: ");
  EXPECT_EQ(ErrorOf("{\"v\":1}}", schema), "line 1: unexpected content after the JSON object");
  EXPECT_EQ(ErrorOf("{\"v\":1}\n[1]", schema).substr(0, 8), "line 2: ");
  EXPECT_EQ(ErrorOf("{\"v\":1}\n5\n", schema), "line 2: expected a JSON object, got number 5");
  EXPECT_EQ(ErrorOf("{\"v\":\"\xff\"}", schema).substr(0, 22), "line 1: invalid JSON (");
  EXPECT_EQ(ErrorOf("{\"v\":01}", schema), "line 1, field \"v\": invalid number 01");
  EXPECT_EQ(ErrorOf("{\"v\" 1}", schema).substr(0, 22), "line 1: invalid JSON (");
  EXPECT_EQ(ErrorOf("{\"v\":1", schema).substr(0, 22), "line 1: invalid JSON (");
}

TEST(JsonReader, LinesFraming) {
  auto schema = One(types::Int32());
  // CRLF, blank and whitespace-only lines, a byte-order mark, no final newline.
  EXPECT_EQ(Reparse("\xEF\xBB\xBF{\"v\":1}\r\n\r\n   \n{\"v\":2}", schema),
            "{\"v\":1}\n{\"v\":2}\n");
  EXPECT_EQ(Reparse("", schema), "");
  EXPECT_EQ(Reparse("\n\n  \n", schema), "");
  EXPECT_EQ(ErrorOf("\n\n{\"v\":\"x\"}\n", schema),
            "line 3, field \"v\": expected int32, got string \"x\"");
}

TEST(JsonReader, ArrayOfObjects) {
  auto schema = One(types::List(types::Int32()));
  EXPECT_EQ(Reparse(" [ {\"v\":[1,2]} ,\n{\"v\":\"]\"},{\"v\":[]} ]\n ", schema),
            "ERROR line 2 (array element 1), field \"v\": expected list (JSON array), got "
            "string \"]\"");
  EXPECT_EQ(Reparse("[{\"v\":[1,2]},\n{\"v\":[3]},{\"v\":[]}]", schema),
            "{\"v\":[1,2]}\n{\"v\":[3]}\n{\"v\":[]}\n");
  EXPECT_EQ(Reparse("[]", schema), "");
  EXPECT_EQ(ErrorOf("[{\"v\":[1]},]", schema),
            "line 1: expected a value after ',' in the JSON array");
  EXPECT_EQ(ErrorOf("[{\"v\":[1]}", schema),
            "line 1: unexpected end of input in the JSON array opened on line 1");
  EXPECT_EQ(ErrorOf("[{\"v\":[1]}] {}", schema), "line 1: unexpected content after the JSON array");
  EXPECT_EQ(ErrorOf("[\n{\"v\":[1]},\n{\"v\":\n[1,\n\"x\"]}]", schema),
            "line 5 (array element 1), field \"v[1]\": expected int32, got string \"x\"");
  EXPECT_EQ(ErrorOf("[1]", schema),
            "line 1 (array element 0): expected a JSON object, got number 1");
}

// Feeding the same input in every chunk size gives the same rows.
TEST(JsonReader, ChunkingDoesNotMatter) {
  auto schema = MakeSchema({Field{"s", types::String()}, Field{"n", types::Int64()}});
  std::string lines;
  for (int i = 0; i < 50; ++i) {
    lines += "{\"s\":\"row " + std::to_string(i) +
             " \\\" ]},[\",\"n\":" + std::to_string(i * 1000) + "}\n";
  }
  std::string array = "[" + lines + "]";
  for (size_t i = 0, n = 0; i < array.size(); ++i) {
    if (array[i] == '\n' && ++n < 50) array[i] = ',';
  }
  const std::string expected = Reparse(lines, schema);
  ASSERT_EQ(expected.substr(0, expected.find('\n')), R"({"s":"row 0 \" ]},[","n":0})");
  ASSERT_EQ(Reparse(array, schema), expected);
  for (const std::string* input : {&lines, &array}) {
    for (size_t chunk : {1, 2, 3, 7, 64, 1000}) {
      JsonReadOptions opt;
      opt.batch_rows = 7;
      JsonBatchReader reader(schema, opt);
      std::string got;
      int batches = 0;
      for (size_t i = 0; i < input->size(); i += chunk) {
        ASSERT_TRUE(reader.Feed(std::string_view(*input).substr(i, chunk)).ok());
        while (auto b = reader.NextBatch()) {
          EXPECT_LE(b->num_rows, 7);
          ASSERT_TRUE(b->Validate().ok());
          got += WriteLines(*b);
          ++batches;
        }
      }
      ASSERT_TRUE(reader.Finish().ok());
      while (auto b = reader.NextBatch()) {
        got += WriteLines(*b);
        ++batches;
      }
      EXPECT_EQ(got, expected) << "chunk " << chunk;
      EXPECT_EQ(batches, 8);
      EXPECT_EQ(reader.rows_read(), 50);
    }
  }
}

TEST(JsonReader, ErrorsAreFinalAndLimitsHold) {
  auto schema = One(types::Int32());
  JsonBatchReader reader(schema);
  EXPECT_TRUE(reader.Feed("{\"v\":1}\n{\"v\":").ok());
  Status s = reader.Feed("\"x\"}\n{\"v\":3}\n");
  EXPECT_EQ(s.message(), "line 2, field \"v\": expected int32, got string \"x\"");
  EXPECT_EQ(reader.Feed("{\"v\":4}\n").message(), s.message());
  EXPECT_EQ(reader.Finish().message(), s.message());

  JsonReadOptions small;
  small.max_document_bytes = 16;
  JsonBatchReader limited(schema, small);
  Status big = limited.Feed("{\"v\":1,\"padding\":\"xxxxxxxxxxxxxxx");
  EXPECT_TRUE(big.Is(StatusCode::kResourceExhausted)) << big.ToString();
  EXPECT_EQ(ErrorOf("[{\"v\":1,\"pad\":\"long enough\"}]", schema, small),
            "line 1: record longer than max_document_bytes (16)");

  JsonReadOptions shallow;
  shallow.max_json_depth = 10;
  const std::string deep = "{\"v\":" + std::string(50, '[') + std::string(50, ']') + "}";
  EXPECT_EQ(ErrorOf(deep, One(types::Json()), shallow),
            "line 1, field \"v\": JSON value nested deeper than max_json_depth");
  const std::string ok = "{\"v\":" + std::string(9, '[') + std::string(9, ']') + "}";
  EXPECT_EQ(ErrorOf(ok, One(types::Json()), shallow), "OK");
}

TEST(JsonStreamReader, ReadsAFileInBatches) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("floe_json_reader_" + std::to_string(getpid()) + ".jsonl"))
                               .string();
  {
    std::ofstream out(path);
    for (int i = 0; i < 1000; ++i)
      out << "{\"i\":" << i << ",\"s\":\"" << std::string(i % 50, 'x') << "\"}\n";
  }
  auto schema = MakeSchema({Field{"i", types::Int32(), false}, Field{"s", types::String()}});
  JsonReadOptions opt;
  opt.batch_rows = 300;
  Result<std::unique_ptr<JsonStreamReader>> r = JsonStreamReader::OpenFile(path, schema, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  int64_t rows = 0;
  std::vector<int64_t> sizes;
  for (;;) {
    Result<std::optional<RecordBatch>> b = (*r)->Next();
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    if (!b->has_value()) break;
    const RecordBatch& batch = **b;
    for (int64_t j = 0; j < batch.num_rows; ++j) {
      ASSERT_EQ(batch.columns[0]->Value<int32_t>(j), rows + j);
    }
    rows += batch.num_rows;
    sizes.push_back(batch.num_rows);
  }
  EXPECT_EQ(rows, 1000);
  EXPECT_EQ(sizes, (std::vector<int64_t>{300, 300, 300, 100}));
  std::filesystem::remove(path);

  EXPECT_TRUE(JsonStreamReader::OpenFile(path, schema).status().IsNotFound());

  // Errors carry the source name.
  std::string data = "{\"i\":1}\n{\"i\":\"no\"}\n";
  size_t pos = 0;
  JsonStreamReader pipe(schema, {}, [&](char* dst, size_t cap) -> Result<size_t> {
    const size_t n = std::min(cap, data.size() - pos);
    std::memcpy(dst, data.data() + pos, n);
    pos += n;
    return n;
  });
  Result<std::optional<RecordBatch>> b = pipe.Next();
  EXPECT_EQ(b.status().message(), "line 2, field \"i\": expected int32, got string \"no\"");
}

}  // namespace
}  // namespace floe
