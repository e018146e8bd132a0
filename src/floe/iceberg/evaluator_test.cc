// Row evaluation with SQL three-valued logic, metrics evaluation over bounds encoded by
// hand per the spec's Appendix D, and conversion to Parquet predicates. Expected answers
// are worked out by hand in the comments.
#include "floe/iceberg/evaluator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "floe/iceberg/expression_parser.h"

namespace floe::iceberg {
namespace {

Schema RowSchema() {
  std::vector<NestedField> fields;
  fields.push_back(MakeField(1, "id", types::Long(), false));
  fields.push_back(MakeField(2, "name", types::String(), false));
  fields.push_back(MakeField(3, "x", types::Double(), false));
  fields.push_back(
      MakeField(4, "s", types::Struct({MakeField(5, "b", types::Int(), false)}), false));
  fields.push_back(MakeField(6, "price", types::Decimal(9, 2), false));
  fields.push_back(MakeField(7, "ts", types::Timestamp(), false));
  fields.push_back(MakeField(8, "c", types::Int(), false));
  return Schema(1, std::move(fields));
}

ExprPtr BindText(const std::string& text, const Schema& schema = RowSchema()) {
  Result<ExprPtr> e = ParseExpression(text);
  EXPECT_TRUE(e.ok()) << text << ": " << e.status().ToString();
  if (!e.ok()) return expr::False();
  Result<ExprPtr> b = Bind(*e, schema);
  EXPECT_TRUE(b.ok()) << text << ": " << b.status().ToString();
  return b.ok() ? *b : expr::False();
}

// r0: id=1,    name=apple,   x=1.0,  s={b=10}
// r1: id=null, name=banana,  x=NaN,  s={b=null}
// r2: id=3,    name=null,    x=-2.5, s=null
// r3: id=4,    name=apricot, x=null, s={b=30}
RecordBatch Rows() {
  Result<floe::Schema> cs = RowSchema().ToColumnar();
  EXPECT_TRUE(cs.ok());
  // Keep only the first four columns.
  floe::Schema four(std::vector<floe::Field>(cs->fields.begin(), cs->fields.begin() + 4));
  BatchBuilder b(std::make_shared<floe::Schema>(four));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto row = [&](std::optional<int64_t> id, std::optional<std::string> name,
                 std::optional<double> x, int s /* 0 null struct, -1 null b, else b */) {
    id ? b.column(0).AppendInt(*id) : b.column(0).AppendNull();
    name ? b.column(1).AppendBytes(*name) : b.column(1).AppendNull();
    x ? b.column(2).AppendDouble(*x) : b.column(2).AppendNull();
    if (s == 0) {
      b.column(3).AppendNull();
    } else {
      s < 0 ? b.column(3).child(0).AppendNull() : b.column(3).child(0).AppendInt(s);
      b.column(3).CloseStruct();
    }
  };
  row(1, "apple", 1.0, 10);
  row(std::nullopt, "banana", nan, -1);
  row(3, std::nullopt, -2.5, 0);
  row(4, "apricot", std::nullopt, 30);
  return b.Finish();
}

std::string Match(const std::string& text) {
  std::vector<uint8_t> m;
  Status st = EvaluateRows(*BindText(text), Rows(), &m);
  if (!st.ok()) return "ERROR " + st.ToString();
  std::string out;
  for (uint8_t v : m) out += v ? '1' : '0';
  return out;
}

TEST(IcebergEvaluatorTest, RowsUseThreeValuedLogic) {
  EXPECT_EQ(Match("id > 1"), "0011");
  EXPECT_EQ(Match("NOT (id > 1)"), "1000");  // null stays unknown under NOT
  EXPECT_EQ(Match("id != 3"), "1001");
  EXPECT_EQ(Match("id IS NULL"), "0100");
  EXPECT_EQ(Match("id IS NOT NULL"), "1011");
  EXPECT_EQ(Match("id IN (1, 4)"), "1001");
  EXPECT_EQ(Match("id NOT IN (1, 4)"), "0010");
  EXPECT_EQ(Match("x > 0"), "1100");  // NaN sorts after every number
  EXPECT_EQ(Match("x < 0"), "0010");
  EXPECT_EQ(Match("NOT (x < 0)"), "1100");
  EXPECT_EQ(Match("is_nan(x)"), "0100");
  EXPECT_EQ(Match("NOT is_nan(x)"), "1011");
  EXPECT_EQ(Match("name LIKE 'ap%'"), "1001");
  EXPECT_EQ(Match("name NOT LIKE 'ap%'"), "0100");
  EXPECT_EQ(Match("s.b = 10 OR s.b IS NULL"), "1110");  // a null struct nulls its fields
  EXPECT_EQ(Match("s.b > 10"), "0001");
  EXPECT_EQ(Match("(id > 1 OR name = 'banana') AND NOT is_nan(x)"), "0011");
  EXPECT_EQ(Match("NOT (id > 1 AND name = 'apple')"), "1101");
  EXPECT_EQ(Match("true"), "1111");
  EXPECT_EQ(Match("false"), "0000");
  // A column the batch lacks reads as null.
  EXPECT_EQ(Match("c IS NULL"), "1111");
  EXPECT_EQ(Match("c = 1"), "0000");
}

TEST(IcebergEvaluatorTest, ManyInValuesUseBinarySearch) {
  std::string list;
  for (int i = 100; i < 140; ++i) list += std::to_string(i) + ", ";
  EXPECT_EQ(Match("id IN (" + list + "4)"), "0001");
  EXPECT_EQ(Match("id NOT IN (" + list + "4)"), "1010");
  EXPECT_EQ(MatchToRanges({1, 1, 0, 1, 0, 0, 1}), (std::vector<RowRange>{{0, 2}, {3, 4}, {6, 7}}));
}

// Appendix D by hand.
std::string Long(uint64_t v) {
  std::string s;
  for (int i = 0; i < 8; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}
std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s += static_cast<char>(c);
  return s;
}

DataFile MetricsFile() {
  DataFile f;
  f.record_count = 100;
  // id: 100 values, no nulls, in [10, 20].
  f.value_counts[1] = 100;
  f.null_value_counts[1] = 0;
  f.lower_bounds[1] = Long(10);
  f.upper_bounds[1] = Long(20);
  // name: 5 nulls, in ["apple", "banana"].
  f.value_counts[2] = 100;
  f.null_value_counts[2] = 5;
  f.lower_bounds[2] = "apple";
  f.upper_bounds[2] = "banana";
  // x: 3 NaNs, no nulls, in [-1.0, 1.0]: -1.0 = 0xBFF0000000000000, 1.0 = 0x3FF0...
  f.value_counts[3] = 100;
  f.null_value_counts[3] = 0;
  f.nan_value_counts[3] = 3;
  f.lower_bounds[3] = Bytes({0, 0, 0, 0, 0, 0, 0xf0, 0xbf});
  f.upper_bounds[3] = Bytes({0, 0, 0, 0, 0, 0, 0xf0, 0x3f});
  // price decimal(9,2) in [-12.50, 99.99]: unscaled -1250 = 0xFB1E, 9999 = 0x270F.
  f.value_counts[6] = 100;
  f.null_value_counts[6] = 0;
  f.lower_bounds[6] = Bytes({0xfb, 0x1e});
  f.upper_bounds[6] = Bytes({0x27, 0x0f});
  // c: every value null.
  f.value_counts[8] = 100;
  f.null_value_counts[8] = 100;
  return f;
}

bool Might(const std::string& text, const DataFile& f = MetricsFile()) {
  return MetricsEvaluator(BindText(text)).MightMatch(f);
}
bool All(const std::string& text, const DataFile& f = MetricsFile()) {
  return MetricsEvaluator(BindText(text)).AllMatch(f);
}

TEST(IcebergEvaluatorTest, InclusiveMetrics) {
  EXPECT_FALSE(Might("id < 10"));
  EXPECT_TRUE(Might("id <= 10"));
  EXPECT_FALSE(Might("id > 20"));
  EXPECT_TRUE(Might("id >= 20"));
  EXPECT_FALSE(Might("id = 25"));
  EXPECT_FALSE(Might("id = 9"));
  EXPECT_TRUE(Might("id = 15"));
  EXPECT_FALSE(Might("id IN (1, 25)"));
  EXPECT_TRUE(Might("id IN (1, 15)"));
  EXPECT_TRUE(Might("id != 15"));
  EXPECT_FALSE(Might("id IS NULL"));
  EXPECT_TRUE(Might("id IS NOT NULL"));
  EXPECT_FALSE(Might("NOT (id >= 10)"));  // rewritten to id < 10
  EXPECT_TRUE(Might("id < 10 OR id = 15"));
  EXPECT_FALSE(Might("id < 10 OR id > 20"));
  EXPECT_TRUE(Might("name LIKE 'b%'"));
  EXPECT_TRUE(Might("name LIKE 'a%'"));
  EXPECT_FALSE(Might("name LIKE 'c%'"));
  EXPECT_FALSE(Might("name LIKE 'aa%'"));
  EXPECT_TRUE(Might("name IS NULL"));
  // NaN rows satisfy x > 5; without NaNs the upper bound rules it out.
  EXPECT_TRUE(Might("x > 5"));
  EXPECT_FALSE(Might("x < -2"));
  EXPECT_TRUE(Might("is_nan(x)"));
  DataFile no_nan = MetricsFile();
  no_nan.nan_value_counts[3] = 0;
  EXPECT_FALSE(Might("x > 5", no_nan));
  EXPECT_FALSE(Might("is_nan(x)", no_nan));
  EXPECT_FALSE(Might("price < -20"));
  EXPECT_FALSE(Might("price > 100"));
  EXPECT_TRUE(Might("price = 0"));
  EXPECT_TRUE(Might("price = -12.5"));
  // All null: only IS NULL might match.
  EXPECT_FALSE(Might("c = 1"));
  EXPECT_FALSE(Might("c IS NOT NULL"));
  EXPECT_FALSE(Might("c NOT IN (1)"));
  EXPECT_TRUE(Might("c IS NULL"));
  // No metrics: cannot tell.
  EXPECT_TRUE(Might("ts > '2024-01-01T00:00:00'"));
  EXPECT_TRUE(Might("s.b = 1"));
  // An empty file matches nothing.
  DataFile empty;
  EXPECT_FALSE(Might("true", empty));
  // Truncated string bounds: upper "ac" may stand for "ab...".
  DataFile trunc;
  trunc.record_count = 10;
  trunc.lower_bounds[2] = "ab";
  trunc.upper_bounds[2] = "ac";
  EXPECT_TRUE(Might("name = 'abz'", trunc));
  EXPECT_FALSE(Might("name = 'ad'", trunc));
  EXPECT_FALSE(Might("name NOT LIKE 'a%'", trunc));  // both bounds start with 'a'
  EXPECT_TRUE(Might("name NOT LIKE 'ab%'", trunc));
  // Malformed bounds do not prune (nor crash).
  DataFile bad = MetricsFile();
  bad.lower_bounds[1] = "xyz";
  EXPECT_TRUE(Might("id < 10", bad));
}

TEST(IcebergEvaluatorTest, StrictMetrics) {
  EXPECT_TRUE(All("id >= 10"));
  EXPECT_FALSE(All("id > 10"));
  EXPECT_TRUE(All("id < 21"));
  EXPECT_FALSE(All("id < 20"));
  EXPECT_TRUE(All("id != 25"));
  EXPECT_FALSE(All("id != 15"));
  EXPECT_TRUE(All("id NOT IN (1, 25)"));
  EXPECT_TRUE(All("id IS NOT NULL"));
  EXPECT_TRUE(All("id >= 10 AND price > -13"));
  EXPECT_FALSE(All("id >= 10 AND price > -12"));
  EXPECT_TRUE(All("id = 1 OR id >= 10"));
  EXPECT_FALSE(All("name LIKE 'a%'"));  // 5 nulls
  EXPECT_TRUE(All("x > -2"));           // NaN > -2 as well
  EXPECT_FALSE(All("x < 2"));           // but not NaN < 2
  DataFile no_nan = MetricsFile();
  no_nan.nan_value_counts[3] = 0;
  EXPECT_TRUE(All("x < 2", no_nan));
  EXPECT_TRUE(All("NOT is_nan(x)", no_nan));
  EXPECT_TRUE(All("c IS NULL"));
  EXPECT_FALSE(All("s.b = 1"));
  DataFile one;  // every value 15
  one.record_count = 4;
  one.value_counts[1] = 4;
  one.null_value_counts[1] = 0;
  one.lower_bounds[1] = Long(15);
  one.upper_bounds[1] = Long(15);
  EXPECT_TRUE(All("id = 15", one));
  EXPECT_TRUE(All("id IN (3, 15)", one));
  EXPECT_FALSE(Might("id != 15", one));
  EXPECT_FALSE(Might("id NOT IN (15, 16)", one));
}

TEST(IcebergEvaluatorTest, ParquetPredicatesFollowTheFileSchema) {
  // The file calls field 2 "label" (renamed since) and stores ts in milliseconds.
  std::vector<floe::Field> fields;
  fields.push_back({"id", floe::types::Int64(), true, 1});
  fields.push_back({"label", floe::types::String(), true, 2});
  fields.push_back({"x", floe::types::Float64(), true, 3});
  fields.push_back({"s", floe::types::Struct({{"b", floe::types::Int32(), true, 5}}), true, 4});
  fields.push_back({"price", floe::types::Decimal(9, 2), true, 6});
  fields.push_back({"ts", floe::types::Timestamp(TimeUnit::kMilli, false), true, 7});
  floe::Schema file(fields);
  using Op = parquet::ColumnPredicate::Op;
  std::vector<parquet::ColumnPredicate> p = ToParquetPredicates(
      BindText("id = 5 AND name IS NOT NULL AND (x > 1 OR id < 3) AND x > 2 AND x <= 3 AND "
               "s.b IN (1, 2) AND price >= 1.5 AND ts >= '1970-01-01T00:00:01' AND "
               "ts < '1970-01-01T00:00:00.0005' AND c = 1"),
      file);
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(p[0].column, "id");
  EXPECT_EQ(p[0].op, Op::kEq);
  EXPECT_EQ(p[0].values[0].i, 5);
  EXPECT_EQ(p[1].column, "label");
  EXPECT_EQ(p[1].op, Op::kIsNotNull);
  EXPECT_EQ(p[2].column, "x");  // x > 2 is left out (NaN), x <= 3 kept
  EXPECT_EQ(p[2].op, Op::kLtEq);
  EXPECT_EQ(p[2].values[0].d, 3.0);
  EXPECT_EQ(p[3].column, "s.b");
  EXPECT_EQ(p[3].op, Op::kIn);
  ASSERT_EQ(p[3].values.size(), 2u);
  EXPECT_EQ(p[4].column, "price");
  EXPECT_TRUE(p[4].values[0].decimal == 150);
  EXPECT_EQ(p[5].column, "ts");  // 1 s = 1000 ms; 500 us is not whole ms: left out
  EXPECT_EQ(p[5].values[0].i, 1000);
  EXPECT_TRUE(SamePredicates(p, p));
  std::vector<parquet::ColumnPredicate> q = p;
  q[0].values[0].i = 6;
  EXPECT_FALSE(SamePredicates(p, q));
  // Negated conjuncts are rewritten first; OR is left to the residual.
  EXPECT_EQ(ToParquetPredicates(BindText("NOT (id < 5 OR id > 9)"), file).size(), 2u);
  EXPECT_TRUE(ToParquetPredicates(BindText("id < 5 OR id > 9"), file).empty());
}

}  // namespace
}  // namespace floe::iceberg
