// VARIANT decoding against independent truth: hand-encoded values from the examples and
// tables of VariantEncoding.md / VariantShredding.md (bytes and expected values worked out
// by hand or with Python's struct/datetime), the upstream exact encodings of the shredded
// fixtures (*.variant.bin) checked against DuckDB's rows, the fixture files read end to
// end, and hostile inputs.
#include "floe/format/parquet/variant.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "floe/format/parquet/file_reader.h"

namespace floe::parquet {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;  // compares key order too

std::string Hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// ---- A small encoder, written from the spec, to build inputs. ----

// Metadata with 1-byte offsets (header 0x01: version 1, unsorted).
std::string Meta(const std::vector<std::string>& keys) {
  std::string m = "\x01";
  m.push_back(static_cast<char>(keys.size()));
  size_t off = 0;
  m.push_back(0);
  for (const auto& k : keys) {
    off += k.size();
    m.push_back(static_cast<char>(off));
  }
  for (const auto& k : keys) m += k;
  return m;
}

std::string ShortStr(std::string_view s) {
  std::string v(1, static_cast<char>((s.size() << 2) | 1));
  v += s;
  return v;
}

std::string Int8(int v) { return std::string{'\x0C', static_cast<char>(v)}; }

const std::string kVariantNull(1, '\0');

// Object with 1-byte field ids and 1-byte offsets; fields given in key order.
std::string Obj(const std::vector<std::pair<int, std::string>>& fields) {
  std::string v = "\x02";
  v.push_back(static_cast<char>(fields.size()));
  for (const auto& f : fields) v.push_back(static_cast<char>(f.first));
  size_t off = 0;
  v.push_back(0);
  for (const auto& f : fields) {
    off += f.second.size();
    v.push_back(static_cast<char>(off));
  }
  for (const auto& f : fields) v += f.second;
  return v;
}

// Array with 4-byte offsets.
std::string Arr(const std::vector<std::string>& items) {
  std::string v = "\x0F";  // basic 3, offset size 4, not large
  v.push_back(static_cast<char>(items.size()));
  uint32_t off = 0;
  auto put = [&](uint32_t x) {
    for (int i = 0; i < 4; ++i) v.push_back(static_cast<char>(x >> (8 * i)));
  };
  put(0);
  for (const auto& it : items) {
    off += static_cast<uint32_t>(it.size());
    put(off);
  }
  for (const auto& it : items) v += it;
  return v;
}

std::string Json(std::string_view metadata, std::string_view value) {
  std::string out;
  const Status s = AppendVariantJson(metadata, value, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

Status JsonError(std::string_view metadata, std::string_view value, size_t limit = 1 << 20) {
  std::string out;
  return AppendVariantJson(metadata, value, &out, limit);
}

const std::string kEmptyMeta = Hex("010000");

// ---- Metadata ----

TEST(VariantMetadata, SizesAndHeaderFlags) {
  EXPECT_EQ(*VariantMetadataSize(kEmptyMeta + "trailing"), 3u);
  // Sorted flag set, 1-byte offsets, five one-letter keys (case-045 row 2's metadata).
  EXPECT_EQ(*VariantMetadataSize(Hex("11050001020304056162636465") + "xx"), 13u);
  // 2-byte offsets (offset_size_minus_one = 1 in bits 6-7): {"abc": 1}.
  const std::string m2 = Hex("41"
                             "0100"
                             "0000"
                             "0300") +
                         "abc";
  EXPECT_EQ(*VariantMetadataSize(m2), m2.size());
  EXPECT_EQ(Json(m2, Hex("0201"
                         "00"
                         "0002"
                         "0C01")),
            R"({"abc":1})");
  // 4-byte offsets.
  const std::string m4 = Hex("C1"
                             "01000000"
                             "00000000"
                             "02000000") +
                         "xy";
  EXPECT_EQ(Json(m4, Hex("0201"
                         "00"
                         "0002"
                         "0C07")),
            R"({"xy":7})");
  // The shredding spec writes an empty dictionary as "01 00" (offset list left out).
  EXPECT_EQ(Json(Hex("0100"), Int8(34)), "34");
}

TEST(VariantMetadata, RejectsMalformed) {
  EXPECT_TRUE(JsonError("", kVariantNull).Is(StatusCode::kCorruption));
  EXPECT_TRUE(JsonError(Hex("020000"), kVariantNull).Is(StatusCode::kNotSupported));
  // A dictionary of 2^32 - 1 strings in 12 bytes: bounded, not allocated.
  EXPECT_TRUE(JsonError(Hex("C1FFFFFFFF00000000"), kVariantNull).Is(StatusCode::kCorruption));
  // Strings end past the metadata.
  EXPECT_TRUE(JsonError(Hex("0101000561"), kVariantNull).Is(StatusCode::kCorruption));
  EXPECT_FALSE(VariantMetadataSize(Hex("01")).ok());
}

// ---- Primitives (VariantEncoding.md "Encoding types"), rendered as DuckDB does. ----

TEST(VariantValue, Primitives) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"00", "null"},
      {"04", "true"},
      {"08", "false"},
      {"0CDE", "-34"},
      {"102EFB", "-1234"},
      {"14C7CFFFFF", "-12345"},
      {"18EA16B04C02000000", "9876543210"},
      {"1C9A99999999992C40", "14.3"},
      {"388FC221C1", "-10.109999656677246"},                  // float -10.11
      {"200315CD5B07", R"("123456.789")"},                    // decimal4
      {"24094F05AD1FB46449FE", R"("-123456789.987654321")"},  // decimal8
      {"2809157134B0B887108900000000000000000000", R"("9876543210.123456789")"},
      {"200200000000", R"("0.00")"},
      {"2C424E0000", R"("2024-11-07")"},
      {"2CAAEEFFFF", R"("1957-11-07")"},
      {"2C5805F5FF", R"x("0001-01-01 (BC)")x"},  // year 0
      {"2CA1C02C00", R"("10000-01-01")"},
      {"30C0B2F0D851260600", R"("2024-11-07 12:33:54.123456+00")"},  // timestamp UTC
      {"34C0B26F344DA3FEFF", R"("1957-11-07 12:33:54.123456")"},     // timestamp NTZ
      {"340000000000000000", R"("1970-01-01 00:00:00")"},
      {"44C0F229880A000000", R"("12:33:54.123456")"},                // time NTZ
      {"48154152D494E5ADFA", R"("1957-11-07 12:33:54.123457+00")"},  // nanos UTC, truncated
      {"4C15413A6CB7AF0518", R"("2024-11-07 12:33:54.123456789")"},  // nanos NTZ
      {"3C040000000A0B0C0D", R"("CgsMDQ==")"},                       // binary as base64
      {"3C00000000", R"("")"},
      {"3C01000000FF", R"("/w==")"},
      {"400300000061C3A9", R"("aé")"},  // long string
      {"50F24F9B6481FA49D1B74E8C09A6E31C56", R"("f24f9b64-81fa-49d1-b74e-8c09a6e31c56")"},
      {"1D69636562657267", R"("iceberg")"},  // short string
      {"01", R"("")"},
  };
  for (const auto& [hex, want] : cases) {
    EXPECT_EQ(Json(kEmptyMeta, Hex(hex)), want) << hex;
  }
  // Quotes and controls are escaped.
  EXPECT_EQ(Json(kEmptyMeta, ShortStr("a\"b\n")), R"("a\"b\n")");
}

TEST(VariantValue, ObjectsAndArrays) {
  const std::string meta = Meta({"c", "a", "b"});
  // Field ids in key order (a, b, c) with values stored in another order.
  // ids a=1, b=2, c=0; values at c:0, b:2, a:4.
  const std::string obj = Hex("0203"
                              "010200"
                              "04020006") +
                          Int8(3) + Int8(2) + Int8(1);
  EXPECT_EQ(Json(meta, obj), R"({"a":1,"b":2,"c":3})");
  EXPECT_EQ(Json(meta, Obj({})), "{}");
  EXPECT_EQ(Json(meta, Arr({})), "[]");
  EXPECT_EQ(Json(meta, Arr({Int8(1), Arr({ShortStr("s"), kVariantNull}), Obj({{1, Int8(5)}})})),
            R"([1,["s",null],{"a":5}])");
  // Unsorted ids are written sorted; a repeated key keeps its first value.
  EXPECT_EQ(Json(meta, Obj({{2, Int8(2)}, {1, Int8(1)}, {2, Int8(9)}})), R"({"a":1,"b":2})");
  // Large array (4-byte count), 1-byte offsets: header (1 << 2 | 0) << 2 | 3 = 0x13.
  EXPECT_EQ(Json(meta, Hex("130200000000010204"
                           "08")),
            "[true,false]");
  // Large object: header 0x42 (is_large), 2-byte ids, 3-byte offsets: 0b0_1_01_10 << 2 | 2.
  EXPECT_EQ(Json(meta, Hex("5A01000000"
                           "0100"
                           "000000"
                           "020000"
                           "0C07")),
            R"({"a":7})");
}

// ---- Hostile values ----

TEST(VariantValue, RejectsTruncatedAndOutOfRange) {
  const std::string meta = Meta({"a"});
  const std::vector<std::string> bad = {
      "",                // no header
      "0C",              // int8 without its byte
      "18010203",        // int64 short
      "2003",            // decimal without value
      "20270000000000",  // decimal scale 39
      "3C05000000AA",    // binary longer than the value
      "4000000010",      // string length 2^28
      "05",              // short string of 1 byte without it
      "0201",            // object without ids
      "02010000",        // object: offsets missing
      "0201000005"
      "0C01",                    // object: fields end at 5, 2 bytes there
      "02010100020C01",          // object: field id 1 outside a 1-string dictionary
      "0F01000000000000000000",  // array whose only element starts at its end
      "03FF00",                  // array of 255 with no offsets
      "0302000102"
      "0C",  // array: fields end past the value
  };
  for (const auto& hex : bad) {
    const Status s = JsonError(meta, Hex(hex));
    EXPECT_TRUE(s.Is(StatusCode::kCorruption)) << hex << ": " << s.ToString();
  }
  EXPECT_TRUE(JsonError(meta, Hex("54")).Is(StatusCode::kNotSupported));  // primitive 21
  // Errors say where.
  const Status s = JsonError(meta, Arr({Int8(1), Hex("18")}));
  EXPECT_NE(s.message().find("byte 16"), std::string::npos) << s.ToString();
}

TEST(VariantValue, LimitsDepthAndSize) {
  std::string v = Int8(1);
  for (int i = 0; i < kMaxVariantDepth; ++i) v = Arr({v});
  EXPECT_EQ(Json(kEmptyMeta, v).size(), 2u * kMaxVariantDepth + 1);
  const Status deep = JsonError(kEmptyMeta, Arr({v}), size_t{1} << 30);
  EXPECT_TRUE(deep.Is(StatusCode::kCorruption)) << deep.ToString();
  EXPECT_NE(deep.message().find("deeper"), std::string::npos);

  // 255 elements all pointing at the same inner array, four levels: 255^4 values from
  // ~5 KB. The budget stops it.
  std::string level = Int8(7);
  for (int d = 0; d < 4; ++d) {
    std::string a = "\x0F";  // 4-byte offsets
    a.push_back(static_cast<char>(255));
    a.append(255 * 4, '\0');
    const uint32_t len = static_cast<uint32_t>(level.size());
    for (int i = 0; i < 4; ++i) a.push_back(static_cast<char>(len >> (8 * i)));
    level = a + level;
  }
  const std::string big = level;
  const Status s = JsonError(kEmptyMeta, big, 1 << 20);
  EXPECT_TRUE(s.Is(StatusCode::kResourceExhausted)) << s.ToString();
}

// ---- Upstream exact encodings (*.variant.bin) against DuckDB's expected rows. ----

fs::path FixturesDir() { return fs::path(FLOE_FIXTURES_DIR) / "parquet"; }

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<json> ExpectedVar(const std::string& name) {
  std::vector<json> rows;
  std::istringstream in(Slurp(FixturesDir() / (name + ".expected.jsonl")));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(json::parse(line)["var"]);
  }
  return rows;
}

const char* const kVariantFixtures[] = {"case-001", "case-004", "case-045"};

TEST(VariantFixture, UpstreamBinaryMatchesExpectedRows) {
  int checked = 0;
  for (const char* name : kVariantFixtures) {
    if (!fs::exists(FixturesDir() / (std::string(name) + ".expected.jsonl"))) continue;
    const std::vector<json> want = ExpectedVar(name);
    for (size_t row = 0; row < want.size(); ++row) {
      const fs::path bin =
          FixturesDir() / (std::string(name) + "_row-" + std::to_string(row) + ".variant.bin");
      if (!fs::exists(bin)) continue;
      const std::string bytes = Slurp(bin);
      auto msize = VariantMetadataSize(bytes);
      ASSERT_TRUE(msize.ok()) << bin << ": " << msize.status().ToString();
      const std::string text =
          Json(std::string_view(bytes).substr(0, *msize), std::string_view(bytes).substr(*msize));
      EXPECT_EQ(json::parse(text), want[row]) << bin << ": " << text;
      ++checked;
    }
  }
  if (checked == 0) GTEST_SKIP() << "no variant fixtures";
  EXPECT_EQ(checked, 6);
}

TEST(VariantFixture, ShreddedFilesReadAsExpected) {
  for (const char* name : kVariantFixtures) {
    const fs::path file = FixturesDir() / (std::string(name) + ".parquet");
    if (!fs::exists(file)) GTEST_SKIP() << "no variant fixtures";
    const std::vector<json> want = ExpectedVar(name);
    auto reader = OpenParquetFile(file.string());
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    size_t row = 0;
    while (true) {
      auto batch = (*reader)->Next();
      ASSERT_TRUE(batch.ok()) << name << ": " << batch.status().ToString();
      if (!batch->has_value()) break;
      const RecordBatch& b = **batch;
      const int idx = b.schema->IndexOf("var");
      ASSERT_GE(idx, 0);
      const Column& var = *b.columns[static_cast<size_t>(idx)];
      ASSERT_EQ(var.type->id, TypeId::kVariant);
      ASSERT_TRUE(var.Validate().ok());
      for (int64_t i = 0; i < b.num_rows; ++i, ++row) {
        ASSERT_LT(row, want.size());
        const json got = var.IsNull(i) ? json(nullptr) : json::parse(var.StringAt(i));
        EXPECT_EQ(got, want[row]) << name << " row " << row;
      }
    }
    EXPECT_EQ(row, want.size()) << name;
  }
}

// ---- Shredding reconstruction (VariantShredding.md) ----

// Parts columns built row by row.
class PartsBuilder {
 public:
  explicit PartsBuilder(TypePtr typed)
      : type_(types::Struct({Field{"metadata", types::Binary(), false},
                             Field{"value", types::Binary(), true},
                             Field{"typed_value", std::move(typed), true}})),
        b_(type_) {}

  ColumnBuilder& typed() { return b_.child(2); }
  // Appends metadata and value (empty optional = null); the caller has appended typed_value.
  void Row(const std::string& metadata, const std::string* value) {
    b_.child(0).AppendBytes(metadata);
    if (value) {
      b_.child(1).AppendBytes(*value);
    } else {
      b_.child(1).AppendNull();
    }
    b_.CloseStruct();
  }
  void NullRow() { b_.AppendNull(); }
  ColumnPtr Finish() { return b_.Finish(); }

 private:
  TypePtr type_;
  ColumnBuilder b_;
};

// A shredded field group {value: binary, typed_value: T}.
TypePtr FieldGroup(TypePtr typed) {
  return types::Struct(
      {Field{"value", types::Binary(), true}, Field{"typed_value", std::move(typed), true}});
}

// Appends one field group value: binary `value` (or null) and typed_value via `typed`
// (or null).
template <typename F>
void AppendField(ColumnBuilder& group, const std::string* value, F typed) {
  if (value) {
    group.child(0).AppendBytes(*value);
  } else {
    group.child(0).AppendNull();
  }
  typed(group.child(1));
  group.CloseStruct();
}

std::vector<std::string> Rows(const Column& c) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < c.length; ++i)
    out.push_back(c.IsNull(i) ? "NULL" : std::string(c.StringAt(i)));
  return out;
}

TEST(VariantShredded, ObjectTableFromTheSpec) {
  // The `event` example: event_type (string) and event_ts (int64 here) shredded.
  const std::string meta = Meta({"event_type", "event_ts", "email", "error_msg", "click"});
  const int kEmail = 2, kErrorMsg = 3, kClick = 4;
  PartsBuilder p(types::Struct({Field{"event_type", FieldGroup(types::String()), false},
                                Field{"event_ts", FieldGroup(types::Int64()), false}}));
  auto row = [&](const std::string* value, const std::string* type_value, const char* type_typed,
                 const std::string* ts_value, int64_t ts_typed, bool typed_null = false) {
    ColumnBuilder& t = p.typed();
    if (typed_null) {
      t.AppendNull();
    } else {
      AppendField(t.child(0), type_value, [&](ColumnBuilder& b) {
        type_typed ? b.AppendBytes(type_typed) : b.AppendNull();
      });
      AppendField(t.child(1), ts_value, [&](ColumnBuilder& b) {
        ts_typed >= 0 ? b.AppendInt(ts_typed) : b.AppendNull();
      });
      t.CloseStruct();
    }
    p.Row(meta, value);
  };
  const std::string email = Obj({{kEmail, ShortStr("user@example.com")}});
  const std::string error = Obj({{kErrorMsg, ShortStr("malformed: ...")}});
  const std::string not_object = ShortStr("malformed: not an object");
  const std::string click = Obj({{kClick, ShortStr("_button")}});
  const std::string date_text = ShortStr("2024-10-24");
  row(nullptr, nullptr, "noop", nullptr, 1729794114937);         // fully shredded
  row(&email, nullptr, "login", nullptr, 1729794146402);         // partially shredded
  row(&error, nullptr, nullptr, nullptr, -1);                    // all shredded fields missing
  row(&not_object, nullptr, nullptr, nullptr, -1, true);         // not an object
  row(&click, nullptr, nullptr, nullptr, 1729794240241);         // event_type missing
  row(nullptr, &kVariantNull, nullptr, nullptr, 1729794954163);  // event_type null
  row(nullptr, nullptr, "noop", &date_text, -1);                 // event_ts not an int
  row(nullptr, nullptr, nullptr, nullptr, -1);                   // {}
  row(&kVariantNull, nullptr, nullptr, nullptr, -1, true);       // null
  row(nullptr, nullptr, nullptr, nullptr, -1, true);             // missing
  p.NullRow();                                                   // the group is null
  auto col = VariantColumnToJson(*p.Finish());
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  ASSERT_TRUE((*col)->Validate().ok());
  EXPECT_EQ(Rows(**col),
            (std::vector<std::string>{
                R"({"event_ts":1729794114937,"event_type":"noop"})",
                R"({"email":"user@example.com","event_ts":1729794146402,"event_type":"login"})",
                R"({"error_msg":"malformed: ..."})",
                R"("malformed: not an object")",
                R"({"click":"_button","event_ts":1729794240241})",
                R"({"event_ts":1729794954163,"event_type":null})",
                R"({"event_ts":"2024-10-24","event_type":"noop"})",
                "{}",
                "NULL",
                "NULL",
                "NULL",
            }));
}

TEST(VariantShredded, ArraysFromTheSpec) {
  // tags: ["comedy", "drama"], ["horror", null], ["comedy", "drama", "romance"], null.
  PartsBuilder p(types::List(Field{"element", FieldGroup(types::String()), false}));
  auto list = [&](const std::vector<const char*>& typed, const std::vector<bool>& value_null) {
    ColumnBuilder& l = p.typed();
    for (size_t i = 0; i < typed.size(); ++i) {
      AppendField(l.child(0), value_null[i] ? &kVariantNull : nullptr,
                  [&](ColumnBuilder& b) { typed[i] ? b.AppendBytes(typed[i]) : b.AppendNull(); });
    }
    l.CloseList();
    p.Row(kEmptyMeta, nullptr);
  };
  list({"comedy", "drama"}, {false, false});
  list({"horror", nullptr}, {false, true});
  list({"comedy", "drama", "romance"}, {false, false, false});
  p.typed().AppendNull();
  p.Row(kEmptyMeta, &kVariantNull);
  // An empty list.
  list({}, {});
  auto col = VariantColumnToJson(*p.Finish());
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  EXPECT_EQ(Rows(**col),
            (std::vector<std::string>{R"(["comedy","drama"])", R"(["horror",null])",
                                      R"(["comedy","drama","romance"])", "NULL", "[]"}));
}

TEST(VariantShredded, Primitives) {
  // The measurement example: 34, null, "n/a", 100 with typed_value int64.
  {
    PartsBuilder p(types::Int64());
    // The spec writes "n/a" as `13 6E 2F 61`, but 0x13 is an array header; a 3-byte short
    // string is (3 << 2) | 1 = 0x0D.
    const std::string na = Hex("0D6E2F61");
    p.typed().AppendInt(34);
    p.Row(Hex("0100"), nullptr);
    p.typed().AppendNull();
    p.Row(Hex("0100"), &kVariantNull);
    p.typed().AppendNull();
    p.Row(Hex("0100"), &na);
    p.typed().AppendInt(100);
    p.Row(Hex("0100"), nullptr);
    auto col = VariantColumnToJson(*p.Finish());
    ASSERT_TRUE(col.ok()) << col.status().ToString();
    EXPECT_EQ(Rows(**col), (std::vector<std::string>{"34", "NULL", R"("n/a")", "100"}));
  }
  struct Case {
    TypePtr type;
    std::function<void(ColumnBuilder&)> append;
    std::string want;
  };
  const std::vector<Case> cases = {
      {types::Bool(), [](ColumnBuilder& b) { b.AppendBool(false); }, "false"},
      {types::Int8(), [](ColumnBuilder& b) { b.AppendInt(-34); }, "-34"},
      {types::Float32(), [](ColumnBuilder& b) { b.AppendDouble(-10.11); }, "-10.109999656677246"},
      // A shredded decimal stays a DECIMAL in DuckDB: a JSON number.
      {types::Decimal(9, 3), [](ColumnBuilder& b) { b.AppendDecimal(123456789); }, "123456.789"},
      {types::Decimal(9, 3), [](ColumnBuilder& b) { b.AppendDecimal(-5); }, "-0.005"},
      {types::Date(), [](ColumnBuilder& b) { b.AppendInt(-4438); }, R"("1957-11-07")"},
      {types::Time(floe::TimeUnit::kMicro), [](ColumnBuilder& b) { b.AppendInt(45234123456); },
       R"("12:33:54.123456")"},
      {types::Timestamp(floe::TimeUnit::kMicro, true),
       [](ColumnBuilder& b) { b.AppendInt(1730982834123456); },
       R"("2024-11-07 12:33:54.123456+00")"},
      {types::Timestamp(floe::TimeUnit::kMicro, false),
       [](ColumnBuilder& b) { b.AppendInt(-383397965876544); }, R"("1957-11-07 12:33:54.123456")"},
      {types::Timestamp(floe::TimeUnit::kNano, false),
       [](ColumnBuilder& b) { b.AppendInt(1730982834123456789); },
       R"("2024-11-07 12:33:54.123456789")"},
      {types::Binary(), [](ColumnBuilder& b) { b.AppendBytes(Hex("0A0B0C0D")); }, R"("CgsMDQ==")"},
      {types::String(), [](ColumnBuilder& b) { b.AppendBytes("iceberg"); }, R"("iceberg")"},
      {types::Uuid(),
       [](ColumnBuilder& b) { b.AppendBytes(Hex("f24f9b6481fa49d1b74e8c09a6e31c56")); },
       R"("f24f9b64-81fa-49d1-b74e-8c09a6e31c56")"},
  };
  for (const Case& c : cases) {
    PartsBuilder p(c.type);
    c.append(p.typed());
    p.Row(kEmptyMeta, nullptr);
    auto col = VariantColumnToJson(*p.Finish());
    ASSERT_TRUE(col.ok()) << c.type->ToString() << ": " << col.status().ToString();
    EXPECT_EQ(Rows(**col)[0], c.want) << c.type->ToString();
  }
}

TEST(VariantShredded, NestedObjectInArrayAndUnshreddedColumn) {
  // typed_value: list<{a: {value, typed_value int32}}>; elements mix shredded and not.
  const std::string meta = Meta({"a", "b"});
  PartsBuilder p(types::List(
      Field{"element", FieldGroup(types::Struct({Field{"a", FieldGroup(types::Int32()), false}})),
            false}));
  ColumnBuilder& l = p.typed();
  ColumnBuilder& el = l.child(0);
  // [{"a": 1, "b": 2}, 5, {"a": "x"}]
  el.child(0).AppendBytes(Obj({{1, Int8(2)}}));  // residual {"b": 2}
  AppendField(el.child(1).child(0), nullptr, [](ColumnBuilder& b) { b.AppendInt(1); });
  el.child(1).CloseStruct();
  el.CloseStruct();
  el.child(0).AppendBytes(Int8(5));
  el.child(1).AppendNull();
  el.CloseStruct();
  el.child(0).AppendNull();
  const std::string x = ShortStr("x");
  AppendField(el.child(1).child(0), &x, [](ColumnBuilder& b) { b.AppendNull(); });
  el.child(1).CloseStruct();
  el.CloseStruct();
  l.CloseList();
  p.Row(meta, nullptr);
  auto col = VariantColumnToJson(*p.Finish());
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  EXPECT_EQ(Rows(**col)[0], R"([{"a":1,"b":2},5,{"a":"x"}])");

  // Unshredded: metadata and value only.
  ColumnBuilder b(types::Struct(
      {Field{"metadata", types::Binary(), false}, Field{"value", types::Binary(), false}}));
  b.child(0).AppendBytes(meta);
  b.child(1).AppendBytes(Obj({{0, Arr({Int8(1)})}, {1, kVariantNull}}));
  b.CloseStruct();
  auto plain = VariantColumnToJson(*b.Finish());
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(Rows(**plain)[0], R"({"a":[1],"b":null})");
}

TEST(VariantShredded, ErrorsNameTheRowAndPath) {
  const std::string meta = Meta({"a"});
  PartsBuilder p(types::Struct({Field{"a", FieldGroup(types::Int32()), false}}));
  auto fine = [&] {
    AppendField(p.typed().child(0), nullptr, [](ColumnBuilder& b) { b.AppendInt(1); });
    p.typed().CloseStruct();
  };
  fine();
  p.Row(meta, nullptr);
  fine();
  const std::string not_object = Int8(3);
  p.Row(meta, &not_object);  // typed_value is an object, value is not
  auto col = VariantColumnToJson(*p.Finish());
  ASSERT_FALSE(col.ok());
  EXPECT_NE(col.status().message().find("row 1"), std::string::npos) << col.status().ToString();
  EXPECT_NE(col.status().message().find("value"), std::string::npos) << col.status().ToString();

  // A truncated value inside a shredded field names the field.
  PartsBuilder q(types::Struct({Field{"a", FieldGroup(types::Int32()), false}}));
  const std::string truncated = Hex("18");
  AppendField(q.typed().child(0), &truncated, [](ColumnBuilder& b) { b.AppendNull(); });
  q.typed().CloseStruct();
  q.Row(meta, nullptr);
  auto bad = VariantColumnToJson(*q.Finish());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("typed_value.a.value"), std::string::npos)
      << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("row 0"), std::string::npos) << bad.status().ToString();

  // Metadata: a bad version is named with its row.
  PartsBuilder r(types::Int32());
  r.typed().AppendInt(1);
  r.Row(Hex("030000"), nullptr);
  auto ver = VariantColumnToJson(*r.Finish());
  ASSERT_FALSE(ver.ok());
  EXPECT_TRUE(ver.status().Is(StatusCode::kNotSupported));
  EXPECT_NE(ver.status().message().find("row 0"), std::string::npos);
}

}  // namespace
}  // namespace floe::parquet
