#include "floe/columnar/schema_inference.h"

#include <gtest/gtest.h>

#include "floe/columnar/schema_json.h"

namespace floe {
namespace {

// "name: type[?]" per field, '?' when nullable.
std::string Describe(const Result<Schema>& r) {
  if (!r.ok()) return "ERROR " + r.status().message();
  std::string out;
  for (const Field& f : r->fields) {
    if (!out.empty()) out += ", ";
    out += f.name + ": " + f.type->ToString() + (f.nullable ? "?" : "");
  }
  return out;
}

InferOptions Exact() {
  InferOptions o;
  o.nullable_always = false;
  return o;
}

TEST(InferCsvSchema, NarrowestTypePerColumn) {
  const std::string text =
      "b,i,f,d,ts,tz,s,n,mixed_bool_int,date_ts\n"
      "true,1,1,2024-01-01,2024-01-01 10:00:00,2024-01-01T10:00:00Z,x,,true,2024-01-01\n"
      "FALSE,-9223372036854775808,2.5,2024-02-29,2024-01-01T10:00:00.5,2024-01-01T10:00+02:00,"
      "1,,1,2024-01-01T00:00:00\n"
      ",3,NaN,,,,2024-01-01,,,\n";
  EXPECT_EQ(Describe(InferCsvSchema(text, {}, Exact())),
            "b: bool?, i: int64, f: float64, d: date?, ts: timestamp(us)?, "
            "tz: timestamp(us, utc)?, s: string, n: string?, mixed_bool_int: string?, "
            "date_ts: timestamp(us)?");
  // nullable_always (the default) makes every column nullable.
  EXPECT_EQ(Describe(InferCsvSchema("a\n1\n", {})), "a: int64?");
}

TEST(InferCsvSchema, WideningAndEdgeValues) {
  // Beyond int64 -> float64; an invalid date -> string; nanosecond fractions -> timestamp(ns);
  // zone and no zone mixed -> string; a quoted empty string is a value, not a null.
  const std::string text =
      "big,bad_date,ns,mixed_zone,quoted\n"
      "9223372036854775808,2023-02-28,2024-01-01T00:00:00.123456789,2024-01-01T00:00Z,\"\"\n"
      "1,2023-02-29,2024-01-01T00:00:00.1,2024-01-01T00:00,\"\"\n";
  EXPECT_EQ(Describe(InferCsvSchema(text, {}, Exact())),
            "big: float64, bad_date: string, ns: timestamp(ns), mixed_zone: string, "
            "quoted: string");
}

TEST(InferCsvSchema, HeaderlessSampleAndLimits) {
  CsvReadOptions no_header;
  no_header.header = false;
  EXPECT_EQ(Describe(InferCsvSchema("1,a\n2,b\n", no_header, Exact())),
            "column1: int64, column2: string");
  // Only the first max_records records count.
  InferOptions two = Exact();
  two.max_records = 2;
  EXPECT_EQ(Describe(InferCsvSchema("v\n1\n2\nx\n", {}, two)), "v: int64");
  // An incomplete sample drops its cut-off last record ("2.5" could be "2.5e3..." or anything).
  EXPECT_EQ(Describe(InferCsvSchema("v\n1\n2.", {}, Exact(), /*complete=*/false)), "v: int64");
  EXPECT_EQ(Describe(InferCsvSchema("v\n1\n2.", {}, Exact(), /*complete=*/true)), "v: float64");
  // Empty and duplicate header names.
  EXPECT_EQ(Describe(InferCsvSchema("a,,c\n1,2,3\n", {}, Exact())),
            "a: int64, column2: int64, c: int64");
  EXPECT_EQ(Describe(InferCsvSchema("a,a\n", {}, Exact())),
            "ERROR CSV header: column 2 is named \"a\" like an earlier one");
  // Syntax errors come from the reader with their place.
  CsvReadOptions named;
  named.source_name = "s.csv";
  EXPECT_EQ(Describe(InferCsvSchema("a\n\"x\n", named, Exact())),
            "ERROR s.csv:2:1: unterminated quoted field (opened here, still open at end of "
            "input)");
  // No records: every column is a nullable string.
  EXPECT_EQ(Describe(InferCsvSchema("a,b\n", {}, Exact())), "a: string?, b: string?");
}

TEST(InferCsvSchema, PrintsAsSchemaFile) {
  Result<Schema> r = InferCsvSchema("id,at\n1,2024-01-01T00:00:00Z\n", {});
  ASSERT_TRUE(r.ok());
  Result<Schema> back = ParseSchemaJson(SchemaToJson(*r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, *r);
}

TEST(InferJsonSchema, RecordsMergeIntoStructsAndLists) {
  const std::string lines =
      "{\"id\": 1, \"name\": \"a\", \"score\": 1, \"tags\": [\"x\"], \"loc\": {\"lat\": 1.5},"
      " \"day\": \"2024-01-01\", \"odd\": 1}\n"
      "{\"id\": 2, \"score\": 2.5, \"tags\": [], \"loc\": {\"lat\": 2, \"lon\": 3},"
      " \"day\": \"2024-02-29\", \"odd\": \"x\", \"later\": null}\n";
  EXPECT_EQ(Describe(InferJsonSchema(lines, Exact())),
            "id: int64, name: string?, score: float64, tags: list<string not null>, "
            "loc: struct<lat: float64 not null, lon: int64>, day: date, odd: json, later: string?");
  // The same records in an array.
  EXPECT_EQ(Describe(InferJsonSchema("[{\"a\": 1}, {\"a\": 2}]", Exact())), "a: int64");
  // An incomplete sample ignores its unfinished last record.
  EXPECT_EQ(Describe(InferJsonSchema("{\"a\": 1}\n{\"a\": \"x", Exact(), false)), "a: int64");
  EXPECT_EQ(Describe(InferJsonSchema("[{\"a\": 1}, {\"a\": [", Exact(), false)), "a: int64");
  EXPECT_EQ(Describe(InferJsonSchema("{\"a\": 1}\n[1]\n", Exact())),
            "ERROR JSON sample line 2: a record must be an object");
  EXPECT_NE(Describe(InferJsonSchema("{\"a\": 1}\n{\"a\": }\n", Exact())).substr(0, 5), "a: in");
  // Timestamps with zones in strings.
  EXPECT_EQ(Describe(InferJsonSchema("{\"t\": \"2024-01-01T00:00:00Z\"}", Exact())),
            "t: timestamp(us, utc)");
}

}  // namespace
}  // namespace floe
