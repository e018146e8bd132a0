#include "floe/ingest/validator.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "floe/columnar/json_reader.h"

namespace floe::ingest {
namespace {

using Type = StreamField::Type;
using Unit = StreamField::EpochUnit;

constexpr int64_t kArrival = 1700000000000000;  // 2023-11-14T22:13:20Z
const std::string kSuffix = "\"arrival_time\":1700000000000000}\n";

StreamField F(std::string name, Type type, bool required = false) {
  StreamField f;
  f.name = std::move(name);
  f.type = type;
  f.required = required;
  return f;
}

StreamField Ts(std::string name, Unit unit) {
  StreamField f = F(std::move(name), Type::kTimestamp);
  f.epoch_unit = unit;
  return f;
}

StreamField ListOf(std::string name, StreamField element) {
  StreamField f = F(std::move(name), Type::kList);
  f.children.push_back(std::move(element));
  return f;
}

StreamField StructOf(std::string name, std::vector<StreamField> members, bool required = false) {
  StreamField f = F(std::move(name), Type::kStruct, required);
  f.children = std::move(members);
  return f;
}

StreamConfig Stream(std::vector<StreamField> fields,
                    UnknownFields unknown = UnknownFields::kReject) {
  StreamConfig s;
  s.name = "test";
  s.fields = std::move(fields);
  s.unknown_fields = unknown;
  return s;
}

std::shared_ptr<const StreamValidator> Make(const StreamConfig& stream,
                                            ValidatorLimits limits = {}) {
  auto v = StreamValidator::Make(stream, limits);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : nullptr;
}

ValidationResult Judge(const StreamValidator& v, std::string_view body,
                       BodyFormat format = BodyFormat::kNdjson) {
  auto r = v.Validate(body, format, kArrival);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : ValidationResult{};
}

// The normalized line of a single valid record (without the newline and arrival time), or
// "REJECTED <field>: <error>".
std::string One(const StreamValidator& v, std::string_view record) {
  ValidationResult r = Judge(v, record);
  if (!r.rejected.empty()) return "REJECTED " + r.rejected[0].field + ": " + r.rejected[0].error;
  if (r.accepted != 1) return "ACCEPTED " + std::to_string(r.accepted);
  const std::string& s = r.records;
  if (s.size() < kSuffix.size() || s.compare(s.size() - kSuffix.size(), kSuffix.size(), kSuffix))
    return "BAD SUFFIX " + s;
  return s.substr(0, s.size() - kSuffix.size());
}

// A stream with one field `v` of the given declaration.
std::shared_ptr<const StreamValidator> OneField(StreamField f) {
  f.name = "v";
  return Make(Stream({std::move(f)}));
}

// ----- declaration and schema -----

TEST(StreamValidator, SchemaOfDeclaredFields) {
  StreamConfig s = Stream(
      {
          F("id", Type::kInt64, true),
          Ts("ts", Unit::kMillis),
          F("url", Type::kString),
          F("n", Type::kInt32),
          F("f", Type::kFloat32),
          F("d", Type::kFloat64),
          F("ok", Type::kBool),
          F("payload", Type::kJson),
          F("blob", Type::kBinary),
          ListOf("tags", F("", Type::kString, true)),
          StructOf("geo", {F("lat", Type::kFloat64, true), F("lon", Type::kFloat64)}),
      },
      UnknownFields::kKeep);
  auto v = Make(s);
  ASSERT_TRUE(v);
  const Schema expected({
      Field{"id", types::Int64(), false},
      Field{"ts", types::Timestamp(TimeUnit::kMicro, true), true},
      Field{"url", types::String(), true},
      Field{"n", types::Int32(), true},
      Field{"f", types::Float32(), true},
      Field{"d", types::Float64(), true},
      Field{"ok", types::Bool(), true},
      Field{"payload", types::Json(), true},
      Field{"blob", types::Binary(), true},
      Field{"tags", types::List(Field{"element", types::String(), false}), true},
      Field{"geo",
            types::Struct(
                {Field{"lat", types::Float64(), false}, Field{"lon", types::Float64(), true}}),
            true},
      Field{"_extra", types::Json(), true},
      Field{"arrival_time", types::Timestamp(TimeUnit::kMicro, true), false},
  });
  EXPECT_EQ(*v->schema(), expected) << v->schema()->ToString();
}

TEST(StreamValidator, SchemaOfUnstructuredStream) {
  StreamConfig s;
  s.name = "raw";
  s.unstructured = true;
  auto v = Make(s);
  ASSERT_TRUE(v);
  const Schema expected({Field{"value", types::Json(), false},
                         Field{"arrival_time", types::Timestamp(TimeUnit::kMicro, true), false}});
  EXPECT_EQ(*v->schema(), expected);
}

TEST(StreamValidator, RejectsUnusableDeclarations) {
  auto error = [](const StreamConfig& s, ValidatorLimits limits = {}) {
    auto v = StreamValidator::Make(s, limits);
    return v.ok() ? std::string("OK") : v.status().message();
  };
  EXPECT_NE(error(Stream({F("a", Type::kInt32), F("a", Type::kString)})).find("declared twice"),
            std::string::npos);
  EXPECT_NE(error(Stream({F("a", Type::kList)})).find("exactly one element"), std::string::npos);
  EXPECT_NE(error(Stream({StructOf("s", {})})).find("at least one field"), std::string::npos);
  EXPECT_NE(error(Stream({StructOf("s", {F("x", Type::kInt32), F("x", Type::kBool)})}))
                .find("\"s.x\": declared twice"),
            std::string::npos);
  EXPECT_NE(error(Stream({F("arrival_time", Type::kInt64)})).find("reserved"), std::string::npos);
  EXPECT_NE(error(Stream({F("", Type::kInt64)})).find("no name"), std::string::npos);
  StreamField scalar_with_child = F("a", Type::kInt32);
  scalar_with_child.children.push_back(F("b", Type::kInt32));
  EXPECT_NE(error(Stream({scalar_with_child})).find("has no children"), std::string::npos);
  EXPECT_NE(error(Stream({F("_extra", Type::kJson)}, UnknownFields::kKeep)).find("keep_column"),
            std::string::npos);
  EXPECT_NE(error(Stream({F("a", Type::kInt32)}), ValidatorLimits{0}).find("max_depth"),
            std::string::npos);
  StreamConfig unstructured = Stream({F("a", Type::kInt32)});
  unstructured.unstructured = true;
  EXPECT_NE(error(unstructured).find("declares no fields"), std::string::npos);
  // The error names the stream.
  EXPECT_NE(error(Stream({F("a", Type::kList)})).find("stream \"test\""), std::string::npos);
}

// ----- types -----

TEST(StreamValidator, Strings) {
  auto v = OneField(F("", Type::kString));
  EXPECT_EQ(One(*v, R"({"v": "abc"})"), R"({"v":"abc",)");
  // Escapes are kept as written; non-ASCII text passes through.
  EXPECT_EQ(One(*v, R"({"v":"a\"b\\c\u00e9\n"})"), R"({"v":"a\"b\\c\u00e9\n",)");
  EXPECT_EQ(One(*v, "{\"v\":\"h\xc3\xa9llo \xf0\x9f\x98\x80\"}"),
            "{\"v\":\"h\xc3\xa9llo \xf0\x9f\x98\x80\",");
  EXPECT_EQ(One(*v, R"({"v":""})"), R"({"v":"",)");
  EXPECT_EQ(One(*v, R"({"v":5})"), "REJECTED v: expected string, got number 5");
  EXPECT_EQ(One(*v, R"({"v":true})"), "REJECTED v: expected string, got bool true");
  EXPECT_EQ(One(*v, R"({"v":{"a":1}})"), "REJECTED v: expected string, got object");
  EXPECT_EQ(One(*v, R"({"v":[1]})"), "REJECTED v: expected string, got array");
  // Absent and null are the same: omitted.
  EXPECT_EQ(One(*v, R"({"v":null})"), "{");
  EXPECT_EQ(One(*v, R"({})"), "{");
  // A bad escape is malformed JSON, even in a string whose content is not otherwise needed.
  EXPECT_EQ(One(*v, R"({"v":"a\qb"})").rfind("REJECTED : malformed JSON: ", 0), 0u);
  EXPECT_EQ(One(*v, R"({"v":"\ud800"})").rfind("REJECTED : malformed JSON: ", 0), 0u);
  // A long value is shortened in the message.
  const std::string long_number = "{\"v\":" + std::string(100, '7') + "}";
  EXPECT_EQ(One(*v, long_number),
            "REJECTED v: expected string, got number " + std::string(40, '7') + "...");
}

TEST(StreamValidator, Int32) {
  auto v = OneField(F("", Type::kInt32));
  EXPECT_EQ(One(*v, R"({"v":2147483647})"), R"({"v":2147483647,)");
  EXPECT_EQ(One(*v, R"({"v":-2147483648})"), R"({"v":-2147483648,)");
  EXPECT_EQ(One(*v, R"({"v":0})"), R"({"v":0,)");
  EXPECT_EQ(One(*v, R"({"v":2.0})"), R"({"v":2,)");
  EXPECT_EQ(One(*v, R"({"v":1e3})"), R"({"v":1000,)");
  EXPECT_EQ(One(*v, R"({"v":-0.0})"), R"({"v":0,)");
  EXPECT_EQ(One(*v, R"({"v":25E-1})"), "REJECTED v: expected int32, got number 25E-1");
  EXPECT_EQ(One(*v, R"({"v":3000000000})"), "REJECTED v: value 3000000000 out of range for int32");
  EXPECT_EQ(One(*v, R"({"v":2147483648})"), "REJECTED v: value 2147483648 out of range for int32");
  EXPECT_EQ(One(*v, R"({"v":-2147483649})"),
            "REJECTED v: value -2147483649 out of range for int32");
  EXPECT_EQ(One(*v, R"({"v":2.5})"), "REJECTED v: expected int32, got number 2.5");
  EXPECT_EQ(One(*v, R"({"v":"abc"})"), R"(REJECTED v: expected int32, got string "abc")");
  EXPECT_EQ(One(*v, R"({"v":"12"})"), R"(REJECTED v: expected int32, got string "12")");
  EXPECT_EQ(One(*v, R"({"v":01})").rfind("REJECTED : malformed JSON", 0), 0u);
  EXPECT_EQ(One(*v, R"({"v":-})").rfind("REJECTED : malformed JSON", 0), 0u);
}

TEST(StreamValidator, Int64) {
  auto v = OneField(F("", Type::kInt64));
  EXPECT_EQ(One(*v, R"({"v":9223372036854775807})"), R"({"v":9223372036854775807,)");
  EXPECT_EQ(One(*v, R"({"v":-9223372036854775808})"), R"({"v":-9223372036854775808,)");
  EXPECT_EQ(One(*v, R"({"v":9223372036854775808})"),
            "REJECTED v: value 9223372036854775808 out of range for int64");
  EXPECT_EQ(One(*v, R"({"v":-9223372036854775809})"),
            "REJECTED v: value -9223372036854775809 out of range for int64");
  EXPECT_EQ(One(*v, R"({"v":18446744073709551616})"),
            "REJECTED v: value 18446744073709551616 out of range for int64");
  EXPECT_EQ(One(*v, R"({"v":1e19})"), "REJECTED v: value 1e19 out of range for int64");
  EXPECT_EQ(One(*v, R"({"v":1e400})"), "REJECTED v: value 1e400 out of range for int64");
  // Integral floating forms are exact, not rounded through a double.
  EXPECT_EQ(One(*v, R"({"v":12345678901234567.0})"), R"({"v":12345678901234567,)");
  EXPECT_EQ(One(*v, R"({"v":9.223372036854775807e18})"), R"({"v":9223372036854775807,)");
  EXPECT_EQ(One(*v, R"({"v":true})"), "REJECTED v: expected int64, got bool true");
}

TEST(StreamValidator, Floats) {
  auto f32 = OneField(F("", Type::kFloat32));
  EXPECT_EQ(One(*f32, R"({"v":1.5})"), R"({"v":1.5,)");
  EXPECT_EQ(One(*f32, R"({"v":-2E+3})"), R"({"v":-2E+3,)");
  EXPECT_EQ(One(*f32, R"({"v":3.4028234e38})"), R"({"v":3.4028234e38,)");
  EXPECT_EQ(One(*f32, R"({"v":3.5e38})"), "REJECTED v: value 3.5e38 out of range for float32");
  EXPECT_EQ(One(*f32, R"({"v":-1e39})"), "REJECTED v: value -1e39 out of range for float32");
  EXPECT_EQ(One(*f32, R"({"v":1e-50})"), R"({"v":1e-50,)");  // underflows to zero: in range
  EXPECT_EQ(One(*f32, R"({"v":"1.5"})"), R"(REJECTED v: expected float32, got string "1.5")");
  auto f64 = OneField(F("", Type::kFloat64));
  EXPECT_EQ(One(*f64, R"({"v":1e308})"), R"({"v":1e308,)");
  EXPECT_EQ(One(*f64, R"({"v":7})"), R"({"v":7,)");
  EXPECT_EQ(One(*f64, R"({"v":1e400})"), "REJECTED v: value 1e400 out of range for float64");
  EXPECT_EQ(One(*f64, R"({"v":false})"), "REJECTED v: expected float64, got bool false");
}

TEST(StreamValidator, Bools) {
  auto v = OneField(F("", Type::kBool));
  EXPECT_EQ(One(*v, R"({"v":true})"), R"({"v":true,)");
  EXPECT_EQ(One(*v, R"({"v":false})"), R"({"v":false,)");
  EXPECT_EQ(One(*v, R"({"v":"true"})"), R"(REJECTED v: expected bool, got string "true")");
  EXPECT_EQ(One(*v, R"({"v":1})"), "REJECTED v: expected bool, got number 1");
  EXPECT_EQ(One(*v, R"({"v":tru})").rfind("REJECTED : malformed JSON", 0), 0u);
}

// Epoch values below were computed by hand: 2024-01-01 is day 19723 since 1970-01-01
// (54 years, 13 of them leap), so 2024-02-29 is day 19723 + 31 + 28 = 19782, i.e.
// 19782 * 86400 = 1709164800 s.
TEST(StreamValidator, TimestampText) {
  auto v = OneField(Ts("", Unit::kMillis));
  EXPECT_EQ(One(*v, R"({"v":"2024-02-29T10:00:00Z"})"), R"({"v":1709200800000000,)");
  EXPECT_EQ(One(*v, R"({"v":"2024-02-29t10:00:00z"})"), R"({"v":1709200800000000,)");
  EXPECT_EQ(One(*v, R"({"v":"2024-02-29 10:00:00Z"})"), R"({"v":1709200800000000,)");
  // Offsets are applied: 10:00+05:30 is 04:30 UTC; 10:00-08:00 is 18:00 UTC.
  EXPECT_EQ(One(*v, R"({"v":"2024-02-29T10:00:00+05:30"})"), R"({"v":1709181000000000,)");
  EXPECT_EQ(One(*v, R"({"v":"2024-02-29T10:00:00-08:00"})"), R"({"v":1709229600000000,)");
  // Across a day boundary: 2024-03-01T01:00+02:00 is 2024-02-29T23:00Z.
  EXPECT_EQ(One(*v, R"({"v":"2024-03-01T01:00:00+02:00"})"), R"({"v":1709247600000000,)");
  EXPECT_EQ(One(*v, R"({"v":"2024-02-29T10:00:00.123456Z"})"), R"({"v":1709200800123456,)");
  EXPECT_EQ(One(*v, R"({"v":"2024-02-29T10:00:00.5Z"})"), R"({"v":1709200800500000,)");
  // Digits beyond the microsecond are dropped (floor), before and after the epoch.
  EXPECT_EQ(One(*v, R"({"v":"2024-02-29T10:00:00.123456789Z"})"), R"({"v":1709200800123456,)");
  EXPECT_EQ(One(*v, R"({"v":"1969-12-31T23:59:59.9999999Z"})"), R"({"v":-1,)");
  EXPECT_EQ(One(*v, R"({"v":"1970-01-01T00:00:00Z"})"), R"({"v":0,)");
  // Escaped text is unescaped first.
  EXPECT_EQ(One(*v, R"({"v":"2024-02-29T10:00:00\u005a"})"), R"({"v":1709200800000000,)");
  EXPECT_EQ(One(*v, R"({"v":"2024-13-01"})"), R"(REJECTED v: invalid timestamp "2024-13-01")");
  EXPECT_EQ(One(*v, R"({"v":"2024-13-01T00:00:00Z"})"),
            R"(REJECTED v: invalid timestamp "2024-13-01T00:00:00Z")");
  EXPECT_EQ(One(*v, R"({"v":"2023-02-29T00:00:00Z"})"),
            R"(REJECTED v: invalid timestamp "2023-02-29T00:00:00Z")");
  EXPECT_EQ(One(*v, R"({"v":"yesterday"})"), R"(REJECTED v: invalid timestamp "yesterday")");
  EXPECT_EQ(
      One(*v, R"({"v":"2024-02-29T10:00:00"})"),
      R"(REJECTED v: invalid timestamp "2024-02-29T10:00:00": no UTC offset (RFC 3339 needs "Z" or "+HH:MM"))");
  EXPECT_EQ(One(*v, R"({"v":true})"), "REJECTED v: expected timestamp, got bool true");
  EXPECT_EQ(One(*v, R"({"v":[1]})"), "REJECTED v: expected timestamp, got array");
}

TEST(StreamValidator, TimestampEpochNumbers) {
  auto s = OneField(Ts("", Unit::kSeconds));
  auto ms = OneField(Ts("", Unit::kMillis));
  auto us = OneField(Ts("", Unit::kMicros));
  EXPECT_EQ(One(*s, R"({"v":1709200800})"), R"({"v":1709200800000000,)");
  EXPECT_EQ(One(*ms, R"({"v":1709200800123})"), R"({"v":1709200800123000,)");
  EXPECT_EQ(One(*us, R"({"v":1709200800123456})"), R"({"v":1709200800123456,)");
  EXPECT_EQ(One(*s, R"({"v":-1})"), R"({"v":-1000000,)");
  // Fractions are exact from the text; beyond the microsecond they are floored.
  EXPECT_EQ(One(*s, R"({"v":1709200800.123456})"), R"({"v":1709200800123456,)");
  EXPECT_EQ(One(*s, R"({"v":1718035200.8251543})"), R"({"v":1718035200825154,)");
  EXPECT_EQ(One(*s, R"({"v":-1.5})"), R"({"v":-1500000,)");
  EXPECT_EQ(One(*s, R"({"v":-0.0000015})"), R"({"v":-2,)");
  EXPECT_EQ(One(*ms, R"({"v":1.7092008e12})"), R"({"v":1709200800000000,)");
  EXPECT_EQ(One(*ms, R"({"v":1.5})"), R"({"v":1500,)");
  EXPECT_EQ(One(*us, R"({"v":2.0})"), R"({"v":2,)");
  EXPECT_EQ(One(*us, R"({"v":2.9})"), R"({"v":2,)");
  // Overflow of int64 microseconds.
  EXPECT_EQ(One(*ms, R"({"v":9223372036854775807})"),
            "REJECTED v: value 9223372036854775807 out of range for timestamp");
  EXPECT_EQ(One(*s, R"({"v":1e300})"), "REJECTED v: value 1e300 out of range for timestamp");
  EXPECT_EQ(One(*us, R"({"v":9223372036854775807})"), R"({"v":9223372036854775807,)");
  EXPECT_EQ(One(*us, R"({"v":9223372036854775808})"),
            "REJECTED v: value 9223372036854775808 out of range for timestamp");
}

TEST(StreamValidator, Json) {
  auto v = OneField(F("", Type::kJson));
  EXPECT_EQ(One(*v, R"({"v": { "b" : [ 1 , 2.50, {"c": null} ], "d": "x\ty" } })"),
            R"({"v":{"b":[1,2.50,{"c":null}],"d":"x\ty"},)");
  EXPECT_EQ(One(*v, R"({"v":"text"})"), R"({"v":"text",)");
  EXPECT_EQ(One(*v, R"({"v":1.5e3})"), R"({"v":1.5e3,)");
  EXPECT_EQ(One(*v, R"({"v":[]})"), R"({"v":[],)");
  EXPECT_EQ(One(*v, R"({"v":{}})"), R"({"v":{},)");
  EXPECT_EQ(One(*v, R"({"v":false})"), R"({"v":false,)");
  EXPECT_EQ(One(*v, R"({"v":null})"), "{");  // null: absent
  // Keys with escapes are written escaped.
  EXPECT_EQ(One(*v, R"({"v":{"a\"b":1}})"), R"({"v":{"a\"b":1},)");
  EXPECT_EQ(One(*v, R"({"v":{"a":1,"b":{"c":2,"c":3}}})"), "REJECTED v.b.c: duplicate key");
  EXPECT_EQ(One(*v, R"({"v":[0,{"x":[1e400]}]})"),
            "REJECTED v[1].x[0]: number 1e400 out of range (JSON numbers must fit a float64)");
  EXPECT_EQ(One(*v, R"({"v":[1,]})").rfind("REJECTED : malformed JSON", 0), 0u);
}

TEST(StreamValidator, Binary) {
  auto v = OneField(F("", Type::kBinary));
  // "hello" = 68 65 6c 6c 6f.
  EXPECT_EQ(One(*v, R"({"v":"aGVsbG8="})"), R"({"v":"68656c6c6f",)");
  EXPECT_EQ(One(*v, R"({"v":"aGVsbG8"})"), R"({"v":"68656c6c6f",)");
  EXPECT_EQ(One(*v, R"({"v":"aGVsbA=="})"), R"({"v":"68656c6c",)");
  EXPECT_EQ(One(*v, R"({"v":"aGVsbA"})"), R"({"v":"68656c6c",)");
  EXPECT_EQ(One(*v, R"({"v":"aGVs"})"), R"({"v":"68656c",)");
  EXPECT_EQ(One(*v, R"({"v":""})"), R"({"v":"",)");
  // '+' and '/' are 62 and 63: "+/+/" = 111110 111111 111110 111111 = fb ff bf.
  EXPECT_EQ(One(*v, R"({"v":"+/+/"})"), R"({"v":"fbffbf",)");
  EXPECT_EQ(One(*v, R"({"v":"\/w=="})"), R"({"v":"ff",)");  // an escaped '/'
  EXPECT_EQ(One(*v, R"({"v":"aGVsbG8$"})"), R"(REJECTED v: invalid base64 "aGVsbG8$")");
  EXPECT_EQ(One(*v, R"({"v":"a"})"), R"(REJECTED v: invalid base64 "a")");
  EXPECT_EQ(One(*v, R"({"v":"aGV-"})"), R"(REJECTED v: invalid base64 "aGV-")");  // base64url
  EXPECT_EQ(One(*v, R"({"v":"aG=s"})"), R"(REJECTED v: invalid base64 "aG=s")");
  EXPECT_EQ(One(*v, R"({"v":"aGVsbG9="})"), R"(REJECTED v: invalid base64 "aGVsbG9=")");
  EXPECT_EQ(One(*v, R"({"v":"aGVs bG8="})"), R"(REJECTED v: invalid base64 "aGVs bG8=")");
  EXPECT_EQ(One(*v, R"({"v":12})"), "REJECTED v: expected binary, got number 12");
  // A longer value: 48 bytes 00..2f.
  std::string b64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v";
  std::string hex;
  for (int i = 0; i < 48; ++i) hex += fmt::format("{:02x}", i);
  EXPECT_EQ(One(*v, "{\"v\":\"" + b64 + "\"}"), "{\"v\":\"" + hex + "\",");
}

TEST(StreamValidator, Lists) {
  auto v = OneField(ListOf("", F("", Type::kString)));
  EXPECT_EQ(One(*v, R"({"v":["a", "b"]})"), R"({"v":["a","b"],)");
  EXPECT_EQ(One(*v, R"({"v":[]})"), R"({"v":[],)");
  EXPECT_EQ(One(*v, R"({"v":["a",null]})"), R"({"v":["a",null],)");
  EXPECT_EQ(One(*v, R"({"v":["a","b","c",4]})"), "REJECTED v[3]: expected string, got number 4");
  EXPECT_EQ(One(*v, R"({"v":"a"})"), R"(REJECTED v: expected list, got string "a")");
  auto required = OneField(ListOf("", F("", Type::kInt32, true)));
  EXPECT_EQ(One(*required, R"({"v":[1,null]})"), "REJECTED v[1]: null for a required element");
  auto nested = OneField(ListOf("", ListOf("", F("", Type::kInt64))));
  EXPECT_EQ(One(*nested, R"({"v":[[1,2],[],[3]]})"), R"({"v":[[1,2],[],[3]],)");
  EXPECT_EQ(One(*nested, R"({"v":[[1,2],[3,"x"]]})"),
            R"(REJECTED v[1][1]: expected int64, got string "x")");
  auto of_structs = OneField(ListOf("", StructOf("", {F("a", Type::kInt32, true)})));
  EXPECT_EQ(One(*of_structs, R"({"v":[{"a":1},{"a":2}]})"), R"({"v":[{"a":1},{"a":2}],)");
  EXPECT_EQ(One(*of_structs, R"({"v":[{"a":1},{}]})"), "REJECTED v[1].a: missing required field");
}

TEST(StreamValidator, StructsAndNestedUnknownMembers) {
  std::vector<StreamField> geo = {F("lat", Type::kFloat64, true), F("lon", Type::kFloat64)};
  auto reject = Make(Stream({StructOf("geo", geo)}, UnknownFields::kReject));
  auto drop = Make(Stream({StructOf("geo", geo)}, UnknownFields::kDrop));
  auto keep = Make(Stream({StructOf("geo", geo)}, UnknownFields::kKeep));
  EXPECT_EQ(One(*reject, R"({"geo":{"lat":1.5,"lon":-2}})"), R"({"geo":{"lat":1.5,"lon":-2},)");
  EXPECT_EQ(One(*reject, R"({"geo":{"lat":1.5}})"), R"({"geo":{"lat":1.5},)");
  EXPECT_EQ(One(*reject, R"({"geo":{"lon":1.5}})"), "REJECTED geo.lat: missing required field");
  EXPECT_EQ(One(*reject, R"({"geo":{"lat":null}})"), "REJECTED geo.lat: null for a required field");
  EXPECT_EQ(One(*reject, R"({"geo":[]})"), "REJECTED geo: expected struct, got array");
  EXPECT_EQ(One(*reject, R"({"geo":{"lat":1,"alt":3}})"),
            "REJECTED geo.alt: unknown field (stream rejects unknown fields)");
  EXPECT_EQ(One(*drop, R"({"geo":{"alt":{"x":[1]},"lat":1}})"), R"({"geo":{"lat":1},)");
  // Nested unknown members are kept under their path.
  EXPECT_EQ(One(*keep, R"({"geo":{"lat":1,"alt":3},"x":[2]})"),
            R"({"geo":{"lat":1},"_extra":{"geo.alt":3,"x":[2]},)");
  // The struct itself is optional: absent, it needs none of its required members.
  EXPECT_EQ(One(*reject, R"({})"), "{");
}

// ----- records -----

TEST(StreamValidator, RequiredFields) {
  auto v = Make(Stream({F("id", Type::kInt64, true), F("name", Type::kString)}));
  EXPECT_EQ(One(*v, R"({"id":1})"), R"({"id":1,)");
  EXPECT_EQ(One(*v, R"({"name":"x"})"), "REJECTED id: missing required field");
  EXPECT_EQ(One(*v, R"({"id":null,"name":"x"})"), "REJECTED id: null for a required field");
}

TEST(StreamValidator, UnknownMembersPerPolicy) {
  std::vector<StreamField> fields = {F("id", Type::kInt64, true)};
  auto reject = Make(Stream(fields, UnknownFields::kReject));
  auto drop = Make(Stream(fields, UnknownFields::kDrop));
  StreamConfig keep_config = Stream(fields, UnknownFields::kKeep);
  keep_config.keep_column = "rest";
  auto keep = Make(keep_config);
  const std::string record = R"({"a":1, "id":7, "b":{"c": [true, null]}, "d":"x"})";
  EXPECT_EQ(One(*reject, record), "REJECTED a: unknown field (stream rejects unknown fields)");
  EXPECT_EQ(One(*drop, record), R"({"id":7,)");
  EXPECT_EQ(One(*keep, record), R"({"id":7,"rest":{"a":1,"b":{"c":[true,null]},"d":"x"},)");
  // No unknown members: no keep column.
  EXPECT_EQ(One(*keep, R"({"id":7})"), R"({"id":7,)");
  // Unknown members are still checked.
  EXPECT_EQ(One(*drop, R"({"id":7,"x":{"y":1,"y":2}})"), "REJECTED x.y: duplicate key");
  EXPECT_EQ(One(*drop, R"({"id":7,"x":1,"x":2})"), "REJECTED x: duplicate key");
  EXPECT_EQ(One(*keep, R"({"id":7,"x":1,"x":2})"), "REJECTED x: duplicate key");
  EXPECT_EQ(One(*drop, R"({"id":7,"x":[1,}]})").rfind("REJECTED : malformed JSON", 0), 0u);
}

TEST(StreamValidator, DuplicateKeys) {
  auto v = Make(Stream({F("id", Type::kInt64), F("p", Type::kJson)}));
  EXPECT_EQ(One(*v, R"({"id":1,"id":1})"), "REJECTED id: duplicate key");
  EXPECT_EQ(One(*v, R"({"id":1,"id":null})"), "REJECTED id: duplicate key");
  EXPECT_EQ(One(*v, R"({"id":1,"\u0069d":2})"), "REJECTED id: duplicate key");  // "\u0069" = i
  // Objects with many keys are checked too.
  std::string wide = "{\"p\":{";
  for (int i = 0; i < 40; ++i) wide += fmt::format("\"k{}\":{},", i, i);
  EXPECT_EQ(One(*v, wide + "\"k0\":1}}"), "REJECTED p.k0: duplicate key");
  EXPECT_EQ(One(*v, wide + "\"k40\":1}}").rfind("{\"p\":{\"k0\":0,", 0), 0u);
}

TEST(StreamValidator, WritesFieldsInDeclarationOrder) {
  auto v = Make(
      Stream({F("a", Type::kInt32), F("b", Type::kString),
              StructOf("c", {F("x", Type::kInt32), F("y", Type::kInt32)}), F("d", Type::kBool)}));
  EXPECT_EQ(One(*v, R"({"d":true,"c":{"y":2,"x":1},"b":"s","a":1})"),
            R"({"a":1,"b":"s","c":{"x":1,"y":2},"d":true,)");
  EXPECT_EQ(One(*v, R"({"c":{"y":2},"a":1})"), R"({"a":1,"c":{"y":2},)");
  EXPECT_EQ(One(*v, R"({"a":1,"c":{},"d":false})"), R"({"a":1,"c":{},"d":false,)");
}

TEST(StreamValidator, WideStructsLookMembersUpByName) {
  std::vector<StreamField> fields;
  for (int i = 0; i < 30; ++i) fields.push_back(F(fmt::format("f{}", i), Type::kInt32));
  auto v = Make(Stream(fields));
  EXPECT_EQ(One(*v, R"({"f29":29,"f3":3,"f0":0})"), R"({"f0":0,"f3":3,"f29":29,)");
  EXPECT_EQ(One(*v, R"({"f29":29,"f30":3})"),
            "REJECTED f30: unknown field (stream rejects unknown fields)");
}

TEST(StreamValidator, NestingDepth) {
  auto v = Make(Stream({F("j", Type::kJson)}), ValidatorLimits{8});
  // The record object is level 1; "j"'s arrays are levels 2 and up.
  auto nest = [](int levels) {
    return "{\"j\":" + std::string(levels, '[') + std::string(levels, ']') + "}";
  };
  EXPECT_EQ(One(*v, nest(7)), "{\"j\":" + std::string(7, '[') + std::string(7, ']') + ",");
  EXPECT_EQ(One(*v, nest(8)), "REJECTED j[0][0][0][0][0][0][0]: nested deeper than 8 levels");
  // Far deeper than anything: no stack overflow, one clean answer per record.
  const std::string deep = nest(200000);
  ValidationResult r = Judge(*v, deep + "\n{\"j\":1}\n");
  EXPECT_EQ(r.accepted, 1);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(r.rejected[0].error, "nested deeper than 8 levels");
  // The same in a JSON array body.
  r = Judge(*v, "[" + deep + ",{\"j\":2}]", BodyFormat::kJson);
  EXPECT_EQ(r.accepted, 1);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(r.rejected[0].index, 0);
  // Declared structure counts the same way.
  auto structs =
      Make(Stream({StructOf("a", {StructOf("b", {F("c", Type::kJson)})})}), ValidatorLimits{3});
  EXPECT_EQ(One(*structs, R"({"a":{"b":{"c":1}}})"), R"({"a":{"b":{"c":1}},)");
  EXPECT_EQ(One(*structs, R"({"a":{"b":{"c":[]}}})"),
            "REJECTED a.b.c: nested deeper than 3 levels");
  // Unstructured streams too.
  StreamConfig raw;
  raw.name = "raw";
  raw.unstructured = true;
  auto u = Make(raw, ValidatorLimits{2});
  EXPECT_EQ(One(*u, R"({"a":{"b":1}})"), R"({"value":{"a":{"b":1}},)");
  EXPECT_EQ(One(*u, R"({"a":{"b":[]}})"), "REJECTED a.b: nested deeper than 2 levels");
}

TEST(StreamValidator, InvalidUtf8) {
  auto v = Make(Stream({F("s", Type::kString)}, UnknownFields::kDrop));
  ValidationResult r = Judge(*v, "{\"s\":\"ok\"}\n{\"s\":\"bad \xff\"}\n{\"x\":\"\xc0\xaf\"}\n");
  EXPECT_EQ(r.accepted, 1);
  ASSERT_EQ(r.rejected.size(), 2u);
  EXPECT_EQ(r.rejected[0].index, 1);
  EXPECT_EQ(r.rejected[0].field, "");
  EXPECT_EQ(r.rejected[0].error, "invalid UTF-8");
  EXPECT_EQ(r.rejected[1].index, 2);
  EXPECT_EQ(r.rejected[1].error, "invalid UTF-8");
  // In a JSON body: the whole body, with the offset of the first bad byte.
  auto body = v->Validate("[{\"s\":\"ok\"},{\"s\":\"\xed\xa0\x80\"}]", BodyFormat::kJson, kArrival);
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.status().message(), "invalid UTF-8 in the body at byte 18");
}

TEST(StreamValidator, UnstructuredStreams) {
  StreamConfig raw;
  raw.name = "raw";
  raw.unstructured = true;
  auto v = Make(raw);
  EXPECT_EQ(One(*v, R"({ "a" : [1, {"b": "c"}], "n": null })"),
            R"({"value":{"a":[1,{"b":"c"}],"n":null},)");
  EXPECT_EQ(One(*v, R"({})"), R"({"value":{},)");
  EXPECT_EQ(One(*v, R"([1])"), "REJECTED : expected a JSON object, got array");
  EXPECT_EQ(One(*v, R"({"a":1,"a":2})"), "REJECTED a: duplicate key");
  // Read back: one json column holding each record whole.
  ValidationResult r = Judge(*v, "{\"k\": [1, \"two\"]}\n{\"e\":{}}\n");
  ASSERT_EQ(r.accepted, 2);
  JsonReadOptions opts;
  opts.json_strings_as_text = false;
  auto batch = ParseJsonLines(r.records, v->schema(), opts);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->columns[0]->StringAt(0), R"({"k":[1,"two"]})");
  EXPECT_EQ(batch->columns[0]->StringAt(1), R"({"e":{}})");
  EXPECT_EQ(batch->columns[1]->Value<int64_t>(1), kArrival);
}

// ----- bodies: indexes, paths, raw text, whole-body errors -----

TEST(StreamValidator, NdjsonIndexesAndPaths) {
  auto v = Make(Stream({F("id", Type::kInt64, true), ListOf("tags", F("", Type::kString))}));
  const std::string body =
      "{\"id\":1}\r\n"
      "\n"
      "   \r\n"
      "{\"id\":2,\"tags\":[\"a\",\"b\",\"c\",7]}\n"
      "{\"id\":3\n"
      "5\n"
      "\t\n"
      "{\"id\":4,\"tags\":[\"x\"]}";  // no final newline
  ValidationResult r = Judge(*v, body);
  EXPECT_EQ(r.accepted, 2);
  EXPECT_EQ(r.records, "{\"id\":1," + kSuffix + "{\"id\":4,\"tags\":[\"x\"]," + kSuffix);
  ASSERT_EQ(r.rejected.size(), 3u);
  ASSERT_EQ(r.rejected_raw.size(), 3u);
  EXPECT_EQ(r.rejected[0].index, 1);  // blank lines are not counted
  EXPECT_EQ(r.rejected[0].field, "tags[3]");
  EXPECT_EQ(r.rejected[0].error, "expected string, got number 7");
  EXPECT_EQ(r.rejected_raw[0], "{\"id\":2,\"tags\":[\"a\",\"b\",\"c\",7]}");
  EXPECT_EQ(r.rejected[1].index, 2);
  EXPECT_EQ(r.rejected[1].field, "");
  EXPECT_EQ(r.rejected[1].error.rfind("malformed JSON: ", 0), 0u) << r.rejected[1].error;
  EXPECT_EQ(r.rejected_raw[1], "{\"id\":3");
  EXPECT_EQ(r.rejected[2].index, 3);
  EXPECT_EQ(r.rejected[2].error, "expected a JSON object, got number 5");
  EXPECT_EQ(r.rejected_raw[2], "5");
}

TEST(StreamValidator, SyntaxErrorAfterSemanticErrorIsMalformed) {
  auto v = Make(Stream({F("a", Type::kInt32), F("b", Type::kInt32)}));
  ValidationResult r = Judge(*v, "{\"a\":\"x\",\"b\":1,}\n{\"a\":\"x\",\"b\":1} {}\n");
  ASSERT_EQ(r.rejected.size(), 2u);
  EXPECT_EQ(r.rejected[0].error.rfind("malformed JSON: ", 0), 0u) << r.rejected[0].error;
  EXPECT_EQ(r.rejected[1].error.rfind("malformed JSON: ", 0), 0u) << r.rejected[1].error;
}

TEST(StreamValidator, JsonArrayIndexesAndPaths) {
  auto v = Make(Stream({F("id", Type::kInt64, true),
                        StructOf("geo", {F("lat", Type::kFloat64), F("lon", Type::kFloat64)})}));
  const std::string body = R"( [ {"id":1}, 7, {"id":2,"geo":{"lat":"n"}} , "s",
      [1, {"a":"]"}], {"geo":{}}, {"id":3,"geo":{"lon":2.5}} ] )";
  ValidationResult r = Judge(*v, body, BodyFormat::kJson);
  EXPECT_EQ(r.accepted, 2);
  EXPECT_EQ(r.records, "{\"id\":1," + kSuffix + "{\"id\":3,\"geo\":{\"lon\":2.5}," + kSuffix);
  ASSERT_EQ(r.rejected.size(), 5u);
  EXPECT_EQ(r.rejected[0].index, 1);
  EXPECT_EQ(r.rejected[0].error, "expected a JSON object, got number 7");
  EXPECT_EQ(r.rejected_raw[0], "7");
  EXPECT_EQ(r.rejected[1].index, 2);
  EXPECT_EQ(r.rejected[1].field, "geo.lat");
  EXPECT_EQ(r.rejected[1].error, R"(expected float64, got string "n")");
  EXPECT_EQ(r.rejected_raw[1], R"({"id":2,"geo":{"lat":"n"}})");
  EXPECT_EQ(r.rejected[2].index, 3);
  EXPECT_EQ(r.rejected_raw[2], R"("s")");
  EXPECT_EQ(r.rejected[3].index, 4);
  EXPECT_EQ(r.rejected[3].error, "expected a JSON object, got array");
  EXPECT_EQ(r.rejected_raw[3], R"([1, {"a":"]"}])");
  EXPECT_EQ(r.rejected[4].index, 5);
  EXPECT_EQ(r.rejected[4].field, "id");
  EXPECT_EQ(r.rejected[4].error, "missing required field");
}

TEST(StreamValidator, SingleObjectBody) {
  auto v = Make(Stream({F("id", Type::kInt64, true)}));
  ValidationResult r = Judge(*v, " {\"id\": 5}\n", BodyFormat::kJson);
  EXPECT_EQ(r.accepted, 1);
  EXPECT_EQ(r.records, "{\"id\":5," + kSuffix);
  r = Judge(*v, "{\"id\":\"5\"}", BodyFormat::kJson);
  EXPECT_EQ(r.accepted, 0);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(r.rejected[0].index, 0);
  EXPECT_EQ(r.rejected[0].field, "id");
  EXPECT_EQ(r.rejected_raw[0], "{\"id\":\"5\"}");
  EXPECT_TRUE(r.records.empty());
}

TEST(StreamValidator, WholeBodyErrors) {
  auto v = Make(Stream({F("id", Type::kInt64)}));
  auto error = [&](std::string_view body, BodyFormat format) {
    auto r = v->Validate(body, format, kArrival);
    if (r.ok()) return std::string("OK");
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    return r.status().message();
  };
  EXPECT_EQ(error("", BodyFormat::kJson), "empty body: no records");
  EXPECT_EQ(error(" \r\n\t", BodyFormat::kJson), "empty body: no records");
  EXPECT_EQ(error("", BodyFormat::kNdjson), "empty body: no records");
  EXPECT_EQ(error("\n \r\n\n", BodyFormat::kNdjson), "empty body: no records");
  EXPECT_EQ(error("  5", BodyFormat::kJson), "body is not a JSON object or array: byte 2 is '5'");
  EXPECT_EQ(error("\xef\xbb\xbf{}", BodyFormat::kJson),
            "body is not a JSON object or array: byte 0 is 0xef");
  EXPECT_EQ(error("[{\"id\":1},{\"id\":tru}]", BodyFormat::kJson)
                .rfind("malformed JSON body at byte 16: ", 0),
            0u)
      << error("[{\"id\":1},{\"id\":tru}]", BodyFormat::kJson);
  EXPECT_EQ(error("[{\"id\":1}] x", BodyFormat::kJson),
            "malformed JSON body at byte 11: a body that starts with '[' ends with ']'");
  EXPECT_EQ(error("[{\"id\":1}] [1] ", BodyFormat::kJson),
            "malformed JSON body at byte 11: content after the JSON array");
  EXPECT_EQ(error("{\"id\":1}{}", BodyFormat::kJson),
            "malformed JSON body at byte 8: content after the JSON object");
  EXPECT_EQ(error("[{\"id\":1},{\"id\":\"abc}]", BodyFormat::kJson)
                .rfind("malformed JSON body at byte 16: ", 0),
            0u);
  EXPECT_EQ(error("[{\"id\":1}", BodyFormat::kJson).rfind("malformed JSON body", 0), 0u);
  EXPECT_EQ(error("{\"id\":1", BodyFormat::kJson).rfind("malformed JSON body", 0), 0u);
  EXPECT_EQ(error("[]", BodyFormat::kJson), "OK");  // an empty array: nothing to judge
}

TEST(StreamValidator, RejectedRawTextIsBounded) {
  auto v = Make(Stream({F("s", Type::kString)}));
  const std::string big(100000, 'x');
  ValidationResult r = Judge(*v, "{\"s\":1,\"t\":\"" + big + "\"}\n");
  ASSERT_EQ(r.rejected_raw.size(), 1u);
  EXPECT_EQ(r.rejected_raw[0].size(), size_t{64} << 10);
  r = Judge(*v, "[{\"s\":1,\"t\":\"" + big + "\"}]", BodyFormat::kJson);
  ASSERT_EQ(r.rejected_raw.size(), 1u);
  EXPECT_EQ(r.rejected_raw[0].size(), size_t{64} << 10);
}

TEST(StreamValidator, LargeValuesNearTheEndOfTheBody) {
  // Strings and numbers that end within simdjson's padding distance of the body's end, and
  // long strings with escapes: parsed correctly whether or not the body is copied.
  auto v = Make(Stream({F("s", Type::kString), F("n", Type::kFloat64)}));
  for (size_t len : {0, 1, 30, 63, 64, 65, 200, 5000}) {
    const std::string s(len, 'a');
    const std::string esc = s + "\\\"" + s;
    ValidationResult r = Judge(*v, "{\"n\":1.25,\"s\":\"" + esc + "\"}\n{\"s\":\"" + s +
                                       "\",\"n\":" + std::to_string(len) + "}");
    EXPECT_EQ(r.records, "{\"s\":\"" + esc + "\",\"n\":1.25," + kSuffix + "{\"s\":\"" + s +
                             "\",\"n\":" + std::to_string(len) + "," + kSuffix);
  }
}

// ----- normalized records read back -----

TEST(StreamValidator, NormalizedRecordsReadBackAsColumns) {
  StreamConfig s = Stream(
      {
          F("id", Type::kInt64, true),
          Ts("ts", Unit::kMillis),
          F("n", Type::kInt32),
          F("f", Type::kFloat32),
          F("ok", Type::kBool),
          F("payload", Type::kJson),
          F("blob", Type::kBinary),
          ListOf("tags", F("", Type::kString)),
          StructOf("geo", {F("lat", Type::kFloat64, true), F("lon", Type::kFloat64)}),
      },
      UnknownFields::kKeep);
  auto v = Make(s);
  const std::string body =
      R"({"geo":{"lon":2.5,"lat":-1},"id":1,"ts":"2024-02-29T10:00:00+05:30","n":2.0,)"
      R"("f":0.5,"ok":true,"payload":{"a":[1,"x"]},"blob":"AP8=","tags":["p","q"],"zz":1})"
      "\n"
      R"({"id":2,"ts":1709200800123,"payload":"text","tags":[],"extra":{"k":null}})"
      "\n";
  ValidationResult r = Judge(*v, body);
  ASSERT_EQ(r.accepted, 2) << (r.rejected.empty() ? "" : r.rejected[0].error);
  JsonReadOptions opts;
  opts.json_strings_as_text = false;
  opts.unknown_fields = JsonReadOptions::UnknownFields::kError;
  auto batch = ParseJsonLines(r.records, v->schema(), opts);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString() << "\n" << r.records;
  ASSERT_TRUE(batch->Validate().ok());
  ASSERT_EQ(batch->num_rows, 2);
  const auto& c = batch->columns;
  EXPECT_EQ(c[0]->Value<int64_t>(0), 1);
  EXPECT_EQ(c[0]->Value<int64_t>(1), 2);
  EXPECT_EQ(c[1]->Value<int64_t>(0), 1709181000000000);  // 04:30 UTC
  EXPECT_EQ(c[1]->Value<int64_t>(1), 1709200800123000);
  EXPECT_EQ(c[2]->Value<int32_t>(0), 2);
  EXPECT_TRUE(c[2]->IsNull(1));
  EXPECT_EQ(c[3]->Value<float>(0), 0.5f);
  EXPECT_EQ(c[4]->Value<uint8_t>(0), 1);
  EXPECT_EQ(c[5]->StringAt(0), R"({"a":[1,"x"]})");
  EXPECT_EQ(c[5]->StringAt(1), R"("text")");
  EXPECT_EQ(c[6]->StringAt(0), std::string("\x00\xff", 2));
  EXPECT_TRUE(c[6]->IsNull(1));
  const Column& tags = *c[7];
  EXPECT_EQ(tags.ListEnd(0) - tags.ListBegin(0), 2);
  EXPECT_EQ(tags.children[0]->StringAt(tags.ListBegin(0)), "p");
  EXPECT_EQ(tags.children[0]->StringAt(tags.ListBegin(0) + 1), "q");
  EXPECT_EQ(tags.ListEnd(1) - tags.ListBegin(1), 0);
  const Column& geo = *c[8];
  EXPECT_EQ(geo.children[0]->Value<double>(0), -1.0);
  EXPECT_EQ(geo.children[1]->Value<double>(0), 2.5);
  EXPECT_TRUE(geo.IsNull(1));
  EXPECT_EQ(c[9]->StringAt(0), R"({"zz":1})");
  EXPECT_EQ(c[9]->StringAt(1), R"({"extra":{"k":null}})");
  EXPECT_EQ(c[10]->Value<int64_t>(0), kArrival);
  EXPECT_EQ(c[10]->Value<int64_t>(1), kArrival);
}

TEST(StreamValidator, ConcurrentCallsAgree) {
  auto v = Make(Stream({F("id", Type::kInt64, true), F("p", Type::kJson)}, UnknownFields::kKeep));
  std::string body;
  for (int i = 0; i < 200; ++i) {
    body += fmt::format("{{\"id\":{},\"p\":{{\"i\":[{}]}},\"x{}\":{}}}\n", i, i, i % 7, i);
  }
  const ValidationResult expected = Judge(*v, body);
  EXPECT_EQ(expected.accepted, 200);
  std::vector<std::thread> threads;
  std::vector<int> same(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 20; ++k) {
        auto r = v->Validate(body, BodyFormat::kNdjson, kArrival);
        same[t] += r.ok() && r->records == expected.records;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(same[t], 20);
}

}  // namespace
}  // namespace floe::ingest
