#include "floe/columnar/json_writer.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include "floe/common/float16.h"

namespace floe {
namespace {

std::string Num(double v) {
  std::string out;
  AppendJsonNumber(v, &out);
  return out;
}

std::string Str(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

std::string Value(const ColumnPtr& col, int64_t row) {
  std::string out;
  AppendValueJson(*col, row, &out);
  return out;
}

// Expected strings from Node.js v20 `Number.prototype.toString` (independent implementation).
TEST(JsonNumber, MatchesEcmaScriptToString) {
  EXPECT_EQ(Num(42), "42");
  EXPECT_EQ(Num(-1.5), "-1.5");
  EXPECT_EQ(Num(0.1), "0.1");
  EXPECT_EQ(Num(static_cast<double>(0.1f)), "0.10000000149011612");
  EXPECT_EQ(Num(1e21), "1e+21");
  EXPECT_EQ(Num(1e20), "100000000000000000000");
  EXPECT_EQ(Num(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(Num(1e-7), "1e-7");
  EXPECT_EQ(Num(1.5e-7), "1.5e-7");
  EXPECT_EQ(Num(1e-6), "0.000001");
  EXPECT_EQ(Num(0.000001234), "0.000001234");
  EXPECT_EQ(Num(5e-324), "5e-324");
  EXPECT_EQ(Num(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(Num(9007199254740992.0), "9007199254740992");
  EXPECT_EQ(Num(9007199254740994.0), "9007199254740994");
  EXPECT_EQ(Num(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(Num(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(Num(-1e-300), "-1e-300");
  EXPECT_EQ(Num(static_cast<double>(std::numeric_limits<float>::max())), "3.4028234663852886e+38");
  EXPECT_EQ(Num(static_cast<double>(std::numeric_limits<float>::denorm_min())),
            "1.401298464324817e-45");
  EXPECT_EQ(Num(100), "100");
  EXPECT_EQ(Num(123.456), "123.456");
  EXPECT_EQ(Num(-2.5e25), "-2.5e+25");
  EXPECT_EQ(Num(1.7e21), "1.7e+21");
  EXPECT_EQ(Num(9.999999999999999e20), "999999999999999900000");
  EXPECT_EQ(Num(HalfToDouble(0x3555)), "0.333251953125");
  EXPECT_EQ(Num(65504), "65504");
  EXPECT_EQ(Num(12345.6789e-10), "0.00000123456789");
}

TEST(JsonNumber, SpecialValuesPerOracleFormat) {
  EXPECT_EQ(Num(0.0), "0");
  EXPECT_EQ(Num(-0.0), "-0.0");
  EXPECT_EQ(Num(std::numeric_limits<double>::quiet_NaN()), "\"NaN\"");
  EXPECT_EQ(Num(-std::numeric_limits<double>::quiet_NaN()), "\"NaN\"");
  EXPECT_EQ(Num(std::numeric_limits<double>::infinity()), "\"Infinity\"");
  EXPECT_EQ(Num(-std::numeric_limits<double>::infinity()), "\"-Infinity\"");
}

// Independent truth: every JSON number the oracle (DuckDB + an ECMAScript-style formatter)
// wrote in the fixture files must come back identical after parsing to double and rendering.
TEST(JsonNumber, RoundTripsEveryNumberInFixtures) {
  const char* files[] = {"duckdb_scalars_v1_snappy",
                         "alltypes-java",
                         "byte_stream_split.zstd",
                         "byte_stream_split_extended.gzip",
                         "float16_nonzeros_and_nans",
                         "nan_in_stats",
                         "alltypes_plain",
                         "nested_structs.rust",
                         "datapage_v2.snappy",
                         "nonnullable.impala",
                         "lz4_raw_compressed"};
  int64_t checked = 0;
  for (const char* name : files) {
    const std::string path =
        std::string(FLOE_FIXTURES_DIR) + "/parquet/" + name + ".expected.jsonl";
    std::ifstream in(path);
    ASSERT_TRUE(in) << path;
    std::string line;
    while (std::getline(in, line)) {
      bool in_string = false;
      for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (in_string) {
          if (c == '\\') {
            ++i;
          } else if (c == '"') {
            in_string = false;
          }
          continue;
        }
        if (c == '"') {
          in_string = true;
          continue;
        }
        if (c != '-' && (c < '0' || c > '9')) continue;
        size_t j = i;
        bool fractional = false;
        while (j < line.size() && std::strchr("+-.eE0123456789", line[j]) != nullptr) {
          fractional = fractional || line[j] == '.' || line[j] == 'e' || line[j] == 'E';
          ++j;
        }
        const std::string token = line.substr(i, j - i);
        i = j - 1;
        double v = 0;
        const auto r = std::from_chars(token.data(), token.data() + token.size(), v);
        ASSERT_EQ(r.ec, std::errc()) << token;
        // Integer columns are exact 64-bit values, not doubles: only check those a double holds.
        if (!fractional && std::fabs(v) > 9007199254740992.0) continue;
        EXPECT_EQ(Num(v), token) << path;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 10000);
}

TEST(JsonString, Escapes) {
  EXPECT_EQ(Str("plain"), "\"plain\"");
  EXPECT_EQ(Str(""), "\"\"");
  // The fixture row: "quote \" backslash \\ tab\tnl\nend".
  EXPECT_EQ(Str("quote \" backslash \\ tab\tnl\nend"), R"("quote \" backslash \\ tab\tnl\nend")");
  EXPECT_EQ(Str(std::string_view("\b\f\r\x01\x1f\x7f\0", 7)), R"("\b\f\r\u0001\u001f)"
                                                              "\x7f"
                                                              R"(\u0000")");
  EXPECT_EQ(Str("héllo wörld ✓ 2"), "\"héllo wörld ✓ 2\"");  // UTF-8 kept as is
  EXPECT_EQ(Str("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");
}

TEST(JsonString, InvalidUtf8BecomesReplacementCharacters) {
  const std::string r = "\xEF\xBF\xBD";
  // Unicode 15 Table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 -> a FFFD FFFD FFFD b FFFD
  // c FFFD FFFD d.
  EXPECT_EQ(Str("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64"),
            "\"a" + r + r + r + "b" + r + "c" + r + r + "d\"");
  EXPECT_EQ(Str("\xC0\xAF"), "\"" + r + r + "\"");                  // overlong
  EXPECT_EQ(Str("\xED\xA0\x80"), "\"" + r + r + r + "\"");          // surrogate
  EXPECT_EQ(Str("\xF4\x90\x80\x80"), "\"" + r + r + r + r + "\"");  // above U+10FFFF
  EXPECT_EQ(Str("x\xF0\x9F\x98"), "\"x" + r + "\"");                // truncated at the end
  EXPECT_EQ(Str("\xFF"), "\"" + r + "\"");
}

TEST(JsonText, Decimals) {
  auto dec = [](__int128 v, int scale) {
    std::string out;
    AppendDecimalText(v, scale, &out);
    return out;
  };
  EXPECT_EQ(dec(-1, 2), "-0.01");
  EXPECT_EQ(dec(1200, 2), "12.00");
  EXPECT_EQ(dec(123, 0), "123");
  EXPECT_EQ(dec(0, 3), "0.000");
  EXPECT_EQ(dec(-9992, 2), "-99.92");
  EXPECT_EQ(dec(-999999999, 3), "-999999.999");
  // From the fixture: DECIMAL(38,10) "-10000000070286293355.5777941757".
  const __int128 big = static_cast<__int128>(10000000070286293355ull) * 10000000000ll + 5777941757;
  EXPECT_EQ(dec(-big, 10), "-10000000070286293355.5777941757");
  __int128 max38 = 0;
  for (int i = 0; i < 38; ++i) max38 = max38 * 10 + 9;
  EXPECT_EQ(dec(max38, 0), std::string(38, '9'));
  EXPECT_EQ(dec(-max38, 38), "-0." + std::string(38, '9'));
  const __int128 min128 = static_cast<__int128>(static_cast<unsigned __int128>(1) << 127);
  EXPECT_EQ(dec(min128, 0), "-170141183460469231731687303715884105728");
}

TEST(JsonText, DatesAcrossTheCalendar) {
  auto date = [](int64_t d) {
    std::string out;
    AppendDateText(d, &out);
    return out;
  };
  // Day counts from Python's datetime (proleptic Gregorian), shifted by 400-year cycles of
  // 146097 days outside its range.
  EXPECT_EQ(date(0), "1970-01-01");
  EXPECT_EQ(date(-719162), "0001-01-01");
  EXPECT_EQ(date(2932896), "9999-12-31");
  EXPECT_EQ(date(2932897), "+010000-01-01");
  EXPECT_EQ(date(-39889), "1860-10-15");
  EXPECT_EQ(date(11016), "2000-02-29");
  EXPECT_EQ(date(105201161), "+290000-12-30");
  EXPECT_EQ(date(-719893), "-000001-01-01");
  EXPECT_EQ(date(-719468), "0000-03-01");
  EXPECT_EQ(date(-719469), "0000-02-29");
  EXPECT_EQ(date(std::numeric_limits<int32_t>::max()), "+5881580-07-11");
  EXPECT_EQ(date(std::numeric_limits<int32_t>::min()), "-5877641-06-23");
  for (int64_t d = -800000; d < 3000000; d += 997) {
    const CivilDate c = CivilFromDays(d);
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
}

TEST(JsonText, TimesAndTimestamps) {
  auto ts = [](int64_t v, TimeUnit u, bool utc) {
    std::string out;
    AppendTimestampText(v, u, utc, &out);
    return out;
  };
  auto time = [](int64_t v, TimeUnit u, bool utc) {
    std::string out;
    AppendTimeText(v, u, utc, &out);
    return out;
  };
  // Values from Python's datetime arithmetic; texts from the fixture files.
  EXPECT_EQ(ts(-3999012345678013, TimeUnit::kMicro, false), "1843-04-12T03:14:14.321987");
  EXPECT_EQ(ts(950284800123457, TimeUnit::kMicro, true), "2000-02-11T16:00:00.123457Z");
  EXPECT_EQ(ts(-3999998765432109877, TimeUnit::kNano, false), "1843-03-31T17:13:54.567890123");
  EXPECT_EQ(ts(981259506123, TimeUnit::kMilli, false), "2001-02-04T04:05:06.123");
  EXPECT_EQ(ts(9089380393200000000, TimeUnit::kMicro, false), "+290000-12-30T23:00:00");
  EXPECT_EQ(ts(0, TimeUnit::kNano, true), "1970-01-01T00:00:00Z");
  EXPECT_EQ(ts(-1, TimeUnit::kMilli, false), "1969-12-31T23:59:59.999");
  EXPECT_EQ(ts(1500, TimeUnit::kMilli, false), "1970-01-01T00:00:01.5");
  EXPECT_EQ(ts(std::numeric_limits<int64_t>::min(), TimeUnit::kMicro, false),
            "-290308-12-21T19:59:05.224192");
  EXPECT_EQ(ts(std::numeric_limits<int64_t>::max(), TimeUnit::kNano, false),
            "2262-04-11T23:47:16.854775807");
  EXPECT_EQ(time(1234567891, TimeUnit::kMicro, false), "00:20:34.567891");
  EXPECT_EQ(time(0, TimeUnit::kMilli, true), "00:00:00+00:00");
  EXPECT_EQ(time(86399999999999, TimeUnit::kNano, false), "23:59:59.999999999");
  EXPECT_EQ(time(86400000, TimeUnit::kMilli, false), "24:00:00");  // out of the day: kept
}

TEST(JsonWriter, ScalarColumns) {
  ColumnBuilder i8(types::Int8());
  i8.AppendInt(-91);
  i8.AppendNull();
  auto c = i8.Finish();
  EXPECT_EQ(Value(c, 0), "-91");
  EXPECT_EQ(Value(c, 1), "null");

  ColumnBuilder u64(types::UInt64());
  u64.AppendUInt(11400714819323198485ull);
  EXPECT_EQ(Value(u64.Finish(), 0), "11400714819323198485");

  ColumnBuilder i64(types::Int64());
  i64.AppendInt(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Value(i64.Finish(), 0), "-9223372036854775808");

  ColumnBuilder b(types::Bool());
  b.AppendBool(true);
  b.AppendBool(false);
  c = b.Finish();
  EXPECT_EQ(Value(c, 0), "true");
  EXPECT_EQ(Value(c, 1), "false");

  ColumnBuilder f32(types::Float32());
  f32.AppendDouble(-50);
  f32.AppendDouble(0.1);
  c = f32.Finish();
  EXPECT_EQ(Value(c, 0), "-50");
  EXPECT_EQ(Value(c, 1), "0.10000000149011612");

  ColumnBuilder f16(types::Float16());
  f16.AppendFloat16Bits(0x3555);
  f16.AppendFloat16Bits(0x7e00);
  f16.AppendFloat16Bits(0x8000);
  c = f16.Finish();
  EXPECT_EQ(Value(c, 0), "0.333251953125");
  EXPECT_EQ(Value(c, 1), "\"NaN\"");
  EXPECT_EQ(Value(c, 2), "-0.0");

  ColumnBuilder d(types::Decimal(4, 2));
  d.AppendDecimal(-9992);
  EXPECT_EQ(Value(d.Finish(), 0), "\"-99.92\"");

  ColumnBuilder date(types::Date());
  date.AppendInt(-719162);
  EXPECT_EQ(Value(date.Finish(), 0), "\"0001-01-01\"");

  ColumnBuilder time(types::Time(TimeUnit::kMicro, true));
  time.AppendInt(1234567891);
  EXPECT_EQ(Value(time.Finish(), 0), "\"00:20:34.567891+00:00\"");

  ColumnBuilder ts(types::Timestamp(TimeUnit::kMicro, true));
  ts.AppendInt(950284800123457);
  EXPECT_EQ(Value(ts.Finish(), 0), "\"2000-02-11T16:00:00.123457Z\"");

  ColumnBuilder uuid(types::Uuid());
  uuid.AppendBytes(
      std::string_view("\xc4\xca\x42\x38\xa0\xb9\x23\x82\x0d\xcc\x50\x9a\x6f\x75\x84\x9b", 16));
  EXPECT_EQ(Value(uuid.Finish(), 0), "\"c4ca4238-a0b9-2382-0dcc-509a6f75849b\"");

  ColumnBuilder blob(types::Binary());
  blob.AppendBytes(std::string_view("\xc8\x1e\x72\x00\xff", 5));
  blob.AppendBytes("");
  c = blob.Finish();
  EXPECT_EQ(Value(c, 0), "\"c81e7200ff\"");
  EXPECT_EQ(Value(c, 1), "\"\"");

  ColumnBuilder fixed(types::FixedBinary(3));
  fixed.AppendBytes(std::string_view("\x00\xAB\x10", 3));
  EXPECT_EQ(Value(fixed.Finish(), 0), "\"00ab10\"");

  ColumnBuilder iv(types::Interval());
  // months 1, days 1, millis 1001 (fixture: {"months":1,"days":1,"micros":1001000}).
  iv.AppendBytes(std::string_view("\x01\0\0\0\x01\0\0\0\xe9\x03\0\0", 12));
  EXPECT_EQ(Value(iv.Finish(), 0), R"({"months":1,"days":1,"micros":1001000})");

  ColumnBuilder json(types::Json());
  json.AppendBytes(R"({"k":1,"s":"v1"})");
  EXPECT_EQ(Value(json.Finish(), 0), R"("{\"k\":1,\"s\":\"v1\"}")");

  ColumnBuilder e(types::Enum());
  e.AppendBytes("happy");
  EXPECT_EQ(Value(e.Finish(), 0), "\"happy\"");
}

TEST(JsonWriter, NestedColumnsAndRows) {
  // struct<a: int32, tags: list<string>, m: map<string, int64>>
  auto type =
      types::Struct({Field{"a", types::Int32()}, Field{"tags", types::List(types::String())},
                     Field{"m", types::Map(types::String(), types::Int64())}});
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{Field{"id", types::Int64(), false}, Field{"s", type},
                         Field{"ll", types::List(types::List(types::Int32()))}});
  BatchBuilder bb(schema);
  // Row 0: full.
  bb.column(0).AppendInt(1);
  ColumnBuilder& s = bb.column(1);
  s.child(0).AppendInt(7);
  s.child(1).child(0).AppendBytes("x");
  s.child(1).child(0).AppendNull();
  s.child(1).CloseList();
  s.child(2).child(0).AppendBytes("k1");
  s.child(2).child(1).AppendInt(10);
  s.child(2).child(0).AppendBytes("k2");
  s.child(2).child(1).AppendNull();
  s.child(2).CloseList();
  s.CloseStruct();
  ColumnBuilder& ll = bb.column(2);
  ll.child(0).child(0).AppendInt(1);
  ll.child(0).child(0).AppendInt(2);
  ll.child(0).CloseList();
  ll.child(0).CloseList();
  ll.child(0).AppendNull();
  ll.CloseList();
  // Row 1: null struct, empty list.
  bb.column(0).AppendInt(2);
  bb.column(1).AppendNull();
  bb.column(2).CloseList();
  // Row 2: struct with null members, null list.
  bb.column(0).AppendInt(3);
  s.child(0).AppendNull();
  s.child(1).AppendNull();
  s.child(2).CloseList();
  s.CloseStruct();
  bb.column(2).AppendNull();
  RecordBatch batch = bb.Finish();
  ASSERT_TRUE(batch.Validate().ok()) << batch.Validate().ToString();

  std::string out;
  AppendBatchJsonLines(batch, &out);
  EXPECT_EQ(
      out,
      R"({"id":1,"s":{"a":7,"tags":["x",null],"m":[{"key":"k1","value":10},{"key":"k2","value":null}]},"ll":[[1,2],[],null]})"
      "\n"
      R"({"id":2,"s":null,"ll":[]})"
      "\n"
      R"({"id":3,"s":{"a":null,"tags":null,"m":[]},"ll":null})"
      "\n");
}

TEST(JsonWriter, EscapesFieldNames) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{Field{"a\"b\n", types::Int32()}});
  BatchBuilder bb(schema);
  bb.column(0).AppendInt(1);
  RecordBatch batch = bb.Finish();
  std::string out;
  AppendRowJson(batch, 0, &out);
  EXPECT_EQ(out, R"({"a\"b\n":1})");
}

}  // namespace
}  // namespace floe
