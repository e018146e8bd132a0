// Partition projection: specific projections worked out by hand from the spec's transform
// definitions (and Java Iceberg's ProjectionUtil), and a brute-force soundness check
// over boundary values: whenever a row matches, the inclusive projection accepts its
// partition; whenever the strict projection accepts a partition, the row matches.
#include "floe/iceberg/projection.h"

#include <gtest/gtest.h>

#include <functional>

#include "floe/iceberg/expression_parser.h"

namespace floe::iceberg {
namespace {

Schema TestSchema() {
  std::vector<NestedField> fields;
  fields.push_back(MakeField(1, "ts", types::Timestamp(), false));
  fields.push_back(MakeField(2, "d", types::Date(), false));
  fields.push_back(MakeField(3, "id", types::Int(), false));
  fields.push_back(MakeField(4, "name", types::String(), false));
  fields.push_back(MakeField(5, "l", types::Long(), false));
  fields.push_back(MakeField(6, "dec", types::Decimal(9, 2), false));
  fields.push_back(MakeField(7, "x", types::Double(), false));
  return Schema(1, std::move(fields));
}

PartitionSpec Spec(int32_t source, Transform t, std::string name) {
  PartitionSpec spec;
  spec.spec_id = 1;
  spec.fields.push_back({source, {}, 1000, std::move(name), t});
  return spec;
}

ExprPtr BindText(const std::string& text) {
  Result<ExprPtr> e = ParseExpression(text);
  EXPECT_TRUE(e.ok()) << text << ": " << e.status().ToString();
  Result<ExprPtr> b = Bind(*e, TestSchema());
  EXPECT_TRUE(b.ok()) << text << ": " << b.status().ToString();
  return b.ok() ? *b : expr::False();
}

std::string Incl(const std::string& text, const PartitionSpec& spec) {
  return ProjectInclusive(BindText(text), spec, TestSchema())->ToString();
}
std::string Strict(const std::string& text, const PartitionSpec& spec) {
  return ProjectStrict(BindText(text), spec, TestSchema())->ToString();
}

constexpr int64_t kDay = 19723;  // 2024-01-01

TEST(IcebergProjectionTest, TimeTransforms) {
  const PartitionSpec day = Spec(1, Transform::Day(), "ts_day");
  const PartitionSpec hour = Spec(1, Transform::Hour(), "ts_hour");
  const PartitionSpec month = Spec(1, Transform::Month(), "ts_month");
  const PartitionSpec year = Spec(1, Transform::Year(), "ts_year");
  // ts > X through day: day >= day(X + 1us).
  EXPECT_EQ(Incl("ts > '2024-01-01T23:59:59.999999'", day), "ts_day >= 19724");
  EXPECT_EQ(Incl("ts > '2024-01-01T23:59:59.999998'", day), "ts_day >= 19723");
  EXPECT_EQ(Incl("ts >= '2024-01-01T00:00:00'", day), "ts_day >= 19723");
  EXPECT_EQ(Incl("ts < '2024-01-02T00:00:00'", day), "ts_day <= 19723");
  EXPECT_EQ(Incl("ts <= '2024-01-02T00:00:00'", day), "ts_day <= 19724");
  EXPECT_EQ(Incl("ts = '2024-01-01T10:00:00'", hour),
            "ts_hour = " + std::to_string(kDay * 24 + 10));
  EXPECT_EQ(Incl("ts IN ('2024-01-01T10:00:00', '2024-01-01T10:59:59')", hour),
            "ts_hour = " + std::to_string(kDay * 24 + 10));                  // one distinct hour
  EXPECT_EQ(Incl("ts >= '2024-03-01T00:00:00'", month), "ts_month >= 650");  // 54*12 + 2
  EXPECT_EQ(Incl("ts < '2024-01-01T00:00:00'", year), "ts_year <= 53");
  EXPECT_EQ(Incl("ts != '2024-01-01T00:00:00'", day), "true");
  EXPECT_EQ(Incl("ts IS NULL", day), "ts_day IS NULL");
  // Before 1970: widened as Java does for its old round-towards-zero transform.
  EXPECT_EQ(Incl("ts = '1969-12-31T23:59:59.999999'", day), "ts_day IN (-1, 0)");
  EXPECT_EQ(Incl("ts < '1970-01-01T00:00:00'", day), "ts_day <= 0");
  EXPECT_EQ(Incl("ts > '1969-12-30T12:00:00'", day), "ts_day >= -2");
  // Strict.
  EXPECT_EQ(Strict("ts >= '2024-01-01T00:00:00'", day), "ts_day > 19722");
  EXPECT_EQ(Strict("ts > '2024-01-01T00:00:00'", day), "ts_day > 19723");
  EXPECT_EQ(Strict("ts < '2024-01-02T00:00:00'", day), "ts_day < 19724");
  EXPECT_EQ(Strict("ts <= '2024-01-01T23:59:59.999999'", day), "ts_day < 19724");
  EXPECT_EQ(Strict("ts = '2024-01-01T00:00:00'", day), "false");
  EXPECT_EQ(Strict("ts != '2024-01-01T00:00:00'", day), "ts_day != 19723");
  EXPECT_EQ(Strict("ts != '1969-12-31T00:00:00'", day), "ts_day NOT IN (-1, 0)");
  EXPECT_EQ(Strict("ts > '1969-12-31T00:00:00'", day), "ts_day > 0");
  // Dates through day are the identity on days; through month by calendar.
  EXPECT_EQ(Incl("d > '2024-01-31'", Spec(2, Transform::Month(), "d_month")), "d_month >= 649");
  EXPECT_EQ(Incl("d >= '2024-01-31'", Spec(2, Transform::Month(), "d_month")), "d_month >= 648");
}

TEST(IcebergProjectionTest, TruncateBucketIdentityVoid) {
  const PartitionSpec ti = Spec(3, Transform::Truncate(10), "id_t");
  EXPECT_EQ(Incl("id < 5", ti), "id_t <= 0");
  EXPECT_EQ(Incl("id < 0", ti), "id_t <= -10");
  EXPECT_EQ(Incl("id >= -1", ti), "id_t >= -10");
  EXPECT_EQ(Incl("id > 9", ti), "id_t >= 10");
  EXPECT_EQ(Incl("id = -11", ti), "id_t = -20");
  EXPECT_EQ(Incl("id IN (1, 5, 12)", ti), "id_t IN (0, 10)");
  EXPECT_EQ(Incl("id != 5", ti), "true");
  EXPECT_EQ(Strict("id < 10", ti), "id_t < 10");
  EXPECT_EQ(Strict("id <= 9", ti), "id_t < 10");
  EXPECT_EQ(Strict("id > 9", ti), "id_t > 0");
  EXPECT_EQ(Strict("id >= 10", ti), "id_t > 0");
  EXPECT_EQ(Strict("id != 5", ti), "id_t != 0");
  EXPECT_EQ(Strict("id = 5", ti), "false");
  // Overflowing v + 1 gives no projection rather than a wrong one.
  EXPECT_EQ(Incl("id > 2147483647", ti), "true");

  const PartitionSpec ts = Spec(4, Transform::Truncate(3), "name_t");
  EXPECT_EQ(Incl("name LIKE 'abcdef%'", ts), "name_t LIKE 'abc%'");
  EXPECT_EQ(Incl("name LIKE 'ab%'", ts), "name_t LIKE 'ab%'");
  EXPECT_EQ(Incl("name = 'abcdef'", ts), "name_t = 'abc'");
  EXPECT_EQ(Incl("name < 'abcdef'", ts), "name_t <= 'abc'");
  EXPECT_EQ(Incl("name NOT LIKE 'ab%'", ts), "name_t NOT LIKE 'ab%'");
  EXPECT_EQ(Incl("name NOT LIKE 'abc%'", ts), "name_t != 'abc'");
  EXPECT_EQ(Incl("name NOT LIKE 'abcd%'", ts), "true");
  // Code points, not bytes: 'é' is two bytes but one character.
  EXPECT_EQ(Incl("name = '\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9'", ts),
            "name_t = '\xc3\xa9\xc3\xa9\xc3\xa9'");
  EXPECT_EQ(Strict("name < 'abcd'", ts), "name_t < 'abc'");
  EXPECT_EQ(Strict("name LIKE 'ab%'", ts), "name_t LIKE 'ab%'");
  EXPECT_EQ(Strict("name LIKE 'abcd%'", ts), "false");

  // bucket[16] of 34L: murmur3 hash 2017239379 (spec Appendix B), & INT_MAX % 16 = 3.
  const PartitionSpec b = Spec(5, Transform::Bucket(16), "l_b");
  EXPECT_EQ(Incl("l = 34", b), "l_b = 3");
  EXPECT_EQ(Incl("l < 34", b), "true");
  EXPECT_EQ(Incl("l != 34", b), "true");
  EXPECT_EQ(Strict("l != 34", b), "l_b != 3");
  EXPECT_EQ(Strict("l = 34", b), "false");

  const PartitionSpec ident = Spec(7, Transform::Identity(), "x");
  EXPECT_EQ(Incl("is_nan(x) OR x > 1", ident), "(is_nan(x) OR x > 1)");
  EXPECT_EQ(Incl("is_nan(x)", Spec(7, Transform::Void(), "v")), "true");
  EXPECT_EQ(Strict("x > 1", Spec(7, Transform::Void(), "v")), "false");
  EXPECT_EQ(Incl("id = 1", ident), "true");  // not a partition source
  EXPECT_EQ(Incl("NOT (x > 1)", ident), "x <= 1");

  // Two fields on one source: inclusive ANDs, strict ORs.
  PartitionSpec two = Spec(1, Transform::Day(), "ts_day");
  two.fields.push_back({1, {}, 1001, "ts_hour", Transform::Hour()});
  EXPECT_EQ(Incl("ts >= '2024-01-01T10:00:00'", two),
            "(ts_day >= 19723 AND ts_hour >= " + std::to_string(kDay * 24 + 10) + ")");
}

TEST(IcebergProjectionTest, EvaluatesTuplesAndSummaries) {
  const Schema schema = TestSchema();
  PartitionSpec spec = Spec(1, Transform::Day(), "ts_day");
  spec.fields.push_back({4, {}, 1001, "name", Transform::Identity()});
  auto incl = [&](const std::string& text) {
    return PartitionEvaluator(ProjectInclusive(BindText(text), spec, schema), spec, schema);
  };
  PartitionEvaluator e = incl("ts >= '2024-01-02T00:00:00' AND name = 'b'");
  EXPECT_TRUE(e.Matches({Value(int32_t{19724}), Value(std::string("b"))}));
  EXPECT_FALSE(e.Matches({Value(int32_t{19723}), Value(std::string("b"))}));
  EXPECT_FALSE(e.Matches({Value(int32_t{19724}), Value(std::string("a"))}));
  EXPECT_FALSE(e.Matches({Value(), Value(std::string("b"))}));  // null day: ts is null
  EXPECT_TRUE(incl("ts IS NULL").Matches({Value(), Value()}));
  PartitionEvaluator neg = incl("ts = '1969-12-31T23:59:59.999999'");
  EXPECT_TRUE(neg.Matches({Value(int32_t{-1}), Value()}));
  EXPECT_TRUE(neg.Matches({Value(int32_t{0}), Value()}));
  EXPECT_FALSE(neg.Matches({Value(int32_t{-2}), Value()}));

  // Summaries: day in [19723, 19725] (4-byte little-endian ints, 19723 = 0x4D0B), names in
  // ["apple", "banana"] with some nulls.
  std::vector<PartitionFieldSummary> s(2);
  s[0].lower_bound = std::string("\x0b\x4d\x00\x00", 4);
  s[0].upper_bound = std::string("\x0d\x4d\x00\x00", 4);
  s[1].contains_null = true;
  s[1].lower_bound = "apple";
  s[1].upper_bound = "banana";
  EXPECT_FALSE(incl("ts >= '2024-01-04T00:00:00'").SummariesMightMatch(s));
  EXPECT_TRUE(incl("ts >= '2024-01-03T00:00:00'").SummariesMightMatch(s));
  EXPECT_TRUE(incl("ts < '2024-01-02T00:00:00'").SummariesMightMatch(s));
  EXPECT_FALSE(incl("ts < '2024-01-01T00:00:00'").SummariesMightMatch(s));
  EXPECT_FALSE(incl("ts IS NULL").SummariesMightMatch(s));  // contains_null false
  EXPECT_TRUE(incl("name IS NULL").SummariesMightMatch(s));
  EXPECT_FALSE(incl("name LIKE 'c%'").SummariesMightMatch(s));
  EXPECT_TRUE(incl("name LIKE 'b%'").SummariesMightMatch(s));
  EXPECT_FALSE(incl("name IN ('aa', 'c')").SummariesMightMatch(s));
  EXPECT_TRUE(incl("name IN ('aa', 'avocado')").SummariesMightMatch(s));
  EXPECT_TRUE(incl("name = 'x' OR ts > '2024-01-02T00:00:00'").SummariesMightMatch(s));
  // All null: no bounds, contains_null.
  std::vector<PartitionFieldSummary> nulls(2);
  nulls[0].contains_null = true;
  nulls[1].contains_null = true;
  EXPECT_FALSE(incl("ts > '2024-01-01T00:00:00'").SummariesMightMatch(nulls));
  EXPECT_TRUE(incl("ts IS NULL").SummariesMightMatch(nulls));
  EXPECT_FALSE(incl("name IS NOT NULL").SummariesMightMatch(nulls));
  // Missing summaries never prune.
  EXPECT_TRUE(incl("ts > '2024-01-01T00:00:00'").SummariesMightMatch({}));
}

// Soundness by brute force over boundary values, with the predicate computed directly.
struct Case {
  std::string op;  // "<", "<=", ">", ">=", "=", "!="
  bool Holds(int64_t x, int64_t v) const {
    if (op == "<") return x < v;
    if (op == "<=") return x <= v;
    if (op == ">") return x > v;
    if (op == ">=") return x >= v;
    if (op == "=") return x == v;
    return x != v;
  }
};

void CheckSound(int32_t source, const TypePtr& type, Transform t, const std::vector<int64_t>& xs,
                const std::vector<int64_t>& vs) {
  const Schema schema = TestSchema();
  const PartitionSpec spec = Spec(source, t, "p");
  const std::string col = schema.NameOf(source);
  auto value = [&](int64_t x) {
    return type->kind == TypeKind::kInt || type->kind == TypeKind::kDate
               ? Value(static_cast<int32_t>(x))
               : Value(x);
  };
  for (const char* op : {"<", "<=", ">", ">=", "=", "!="}) {
    for (int64_t v : vs) {
      const std::string text = col + " " + op + " " + std::to_string(v);
      ExprPtr bound = BindText(text);
      PartitionEvaluator incl(ProjectInclusive(bound, spec, schema), spec, schema);
      PartitionEvaluator strict(ProjectStrict(bound, spec, schema), spec, schema);
      for (int64_t x : xs) {
        Result<Value> p = t.Apply(*type, value(x));
        ASSERT_TRUE(p.ok());
        const bool holds = Case{op}.Holds(x, v);
        if (holds) {
          EXPECT_TRUE(incl.Matches({*p})) << text << " x=" << x << " " << t.ToString();
        }
        if (strict.Matches({*p})) {
          EXPECT_TRUE(holds) << text << " x=" << x << " " << t.ToString();
        }
      }
    }
  }
}

TEST(IcebergProjectionTest, ProjectionsAreSoundAtBoundaries) {
  const int64_t hour = 3600LL * 1000000, day = 24 * hour;
  std::vector<int64_t> ts;
  for (int64_t base : {int64_t{0}, -day, -400 * day, 19723 * day, -31 * day, 59 * day}) {
    const std::vector<int64_t> deltas = {-hour - 1, -hour, -1,      0,   1,
                                         hour - 1,  hour,  day - 1, day, 7 * hour + 3};
    for (int64_t d : deltas) {
      ts.push_back(base + d);
    }
  }
  for (Transform t : {Transform::Year(), Transform::Month(), Transform::Day(), Transform::Hour()}) {
    CheckSound(1, types::Timestamp(), t, ts, ts);
  }
  std::vector<int64_t> days = {-800, -366, -365, -32, -31, -1, 0, 1, 30, 31, 59, 60, 365, 19723};
  for (Transform t : {Transform::Year(), Transform::Month(), Transform::Day()}) {
    CheckSound(2, types::Date(), t, days, days);
  }
  std::vector<int64_t> ints = {-21, -20, -19, -11, -10, -9, -1, 0, 1, 9, 10, 11, 19, 20};
  CheckSound(3, types::Int(), Transform::Truncate(10), ints, ints);
  CheckSound(5, types::Long(), Transform::Truncate(10), ints, ints);
  CheckSound(5, types::Long(), Transform::Bucket(4), ints, ints);
  CheckSound(3, types::Int(), Transform::Identity(), ints, ints);
}

TEST(IcebergProjectionTest, StringProjectionsAreSound) {
  const Schema schema = TestSchema();
  const std::vector<std::string> words = {"", "a", "ab", "abc", "abcd", "abd", "b", "abb", "ac"};
  const PartitionSpec spec = Spec(4, Transform::Truncate(2), "p");
  for (const std::string& v : words) {
    for (const char* op : {"<", "<=", ">", ">=", "=", "!=", "LIKE", "NOT LIKE"}) {
      const bool like = std::string(op).find("LIKE") != std::string::npos;
      const std::string text = "name " + std::string(op) + " '" + v + (like ? "%'" : "'");
      ExprPtr bound = BindText(text);
      PartitionEvaluator incl(ProjectInclusive(bound, spec, schema), spec, schema);
      PartitionEvaluator strict(ProjectStrict(bound, spec, schema), spec, schema);
      for (const std::string& x : words) {
        const int c = x.compare(v);
        bool holds = false;
        const std::string o = op;
        if (o == "<") holds = c < 0;
        if (o == "<=") holds = c <= 0;
        if (o == ">") holds = c > 0;
        if (o == ">=") holds = c >= 0;
        if (o == "=") holds = c == 0;
        if (o == "!=") holds = c != 0;
        if (o == "LIKE") holds = x.starts_with(v);
        if (o == "NOT LIKE") holds = !x.starts_with(v);
        Value p(x.substr(0, 2));
        if (holds) {
          EXPECT_TRUE(incl.Matches({p})) << text << " x=" << x;
        }
        if (strict.Matches({p})) {
          EXPECT_TRUE(holds) << text << " x=" << x;
        }
      }
    }
  }
}

}  // namespace
}  // namespace floe::iceberg
