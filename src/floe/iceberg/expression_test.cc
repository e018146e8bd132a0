// Binding and literal conversion (expected values computed by hand from the spec's
// physical representations: days / micros / nanos from the epoch, unscaled decimals).
#include "floe/iceberg/expression.h"

#include <gtest/gtest.h>

#include "floe/iceberg/expression_parser.h"

namespace floe::iceberg {
namespace {

Schema TestSchema() {
  std::vector<NestedField> fields;
  fields.push_back(MakeField(1, "id", types::Long(), true));
  fields.push_back(MakeField(2, "name", types::String(), false));
  fields.push_back(MakeField(3, "d", types::Date(), false));
  fields.push_back(MakeField(4, "ts", types::Timestamp(), false));
  fields.push_back(MakeField(5, "tstz", types::TimestampTz(), false));
  fields.push_back(MakeField(6, "ns", types::TimestampTzNs(), false));
  fields.push_back(MakeField(7, "price", types::Decimal(9, 2), false));
  fields.push_back(MakeField(8, "x", types::Double(), false));
  fields.push_back(MakeField(9, "i", types::Int(), false));
  fields.push_back(
      MakeField(10, "s", types::Struct({MakeField(11, "b", types::Int(), false)}), false));
  fields.push_back(MakeField(12, "l", types::List(13, types::Int(), false), false));
  fields.push_back(MakeField(14, "u", types::Uuid(), false));
  fields.push_back(MakeField(15, "t", types::Time(), false));
  fields.push_back(MakeField(16, "flag", types::Boolean(), false));
  return Schema(1, std::move(fields));
}

Result<Value> Conv(const Literal& l, const TypePtr& t) { return ConvertLiteral(l, *t, "c"); }

TEST(IcebergExpressionTest, ConvertsDatesAndTimestamps) {
  // 2024-01-01 is 19723 days after 1970-01-01 (54 years, 13 leap days: 54*365+13).
  Result<Value> d = Conv(Literal::String("2024-01-01"), types::Date());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(std::get<int32_t>(*d), 19723);
  EXPECT_EQ(std::get<int32_t>(*Conv(Literal::String("1969-12-31"), types::Date())), -1);

  const int64_t day_us = 86400LL * 1000000;
  Result<Value> ts = Conv(Literal::String("2024-01-01T10:00:00"), types::Timestamp());
  ASSERT_TRUE(ts.ok()) << ts.status().ToString();
  EXPECT_EQ(std::get<int64_t>(*ts), 19723 * day_us + 10LL * 3600 * 1000000);
  // Space separator, fraction.
  EXPECT_EQ(
      std::get<int64_t>(*Conv(Literal::String("1970-01-01 00:00:00.000001"), types::Timestamp())),
      1);
  // Offsets convert to UTC for timestamptz: 10:00+02:00 is 08:00Z.
  Result<Value> tz = Conv(Literal::String("2024-01-01T10:00:00+02:00"), types::TimestampTz());
  ASSERT_TRUE(tz.ok()) << tz.status().ToString();
  EXPECT_EQ(std::get<int64_t>(*tz), 19723 * day_us + 8LL * 3600 * 1000000);
  EXPECT_EQ(std::get<int64_t>(*Conv(Literal::String("2024-01-01T08:00:00Z"), types::TimestampTz())),
            19723 * day_us + 8LL * 3600 * 1000000);
  // No offset on a zone-less timestamp.
  Result<Value> bad = Conv(Literal::String("2024-01-01T10:00:00+02:00"), types::Timestamp());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("zone"), std::string::npos);
  // Nanoseconds keep all nine digits; micros reject a tenth digit of precision.
  EXPECT_EQ(std::get<int64_t>(
                *Conv(Literal::String("1970-01-01T00:00:00.000000001Z"), types::TimestampTzNs())),
            1);
  EXPECT_FALSE(Conv(Literal::String("1970-01-01T00:00:00.0000001"), types::Timestamp()).ok());
  // Before the epoch: 1969-12-31T23:59:59 is -1 s.
  EXPECT_EQ(std::get<int64_t>(*Conv(Literal::String("1969-12-31T23:59:59"), types::Timestamp())),
            -1000000);
  EXPECT_EQ(std::get<int64_t>(*Conv(Literal::String("01:02:03.5"), types::Time())),
            3723LL * 1000000 + 500000);
  EXPECT_FALSE(Conv(Literal::String("2024-02-30"), types::Date()).ok());
  EXPECT_FALSE(Conv(Literal::String("2024-1-01"), types::Date()).ok());
}

TEST(IcebergExpressionTest, ConvertsNumbers) {
  Result<Value> dec = Conv(Literal::Number("-12.5"), types::Decimal(9, 2));
  ASSERT_TRUE(dec.ok()) << dec.status().ToString();
  EXPECT_TRUE(std::get<__int128>(*dec) == -1250);
  EXPECT_TRUE(std::get<__int128>(*Conv(Literal::Number("1.2e1"), types::Decimal(9, 2))) == 1200);
  EXPECT_TRUE(std::get<__int128>(*Conv(Literal::Number("0.050"), types::Decimal(9, 2))) == 5);
  EXPECT_FALSE(Conv(Literal::Number("0.055"), types::Decimal(9, 2)).ok());       // scale
  EXPECT_FALSE(Conv(Literal::Number("12345678.9"), types::Decimal(9, 2)).ok());  // precision
  EXPECT_EQ(std::get<int32_t>(*Conv(Literal::Number("2147483647"), types::Int())), 2147483647);
  EXPECT_FALSE(Conv(Literal::Number("2147483648"), types::Int()).ok());
  EXPECT_FALSE(Conv(Literal::Number("1.5"), types::Long()).ok());
  EXPECT_EQ(std::get<int64_t>(*Conv(Literal::Number("-9223372036854775808"), types::Long())),
            INT64_MIN);
  EXPECT_EQ(std::get<double>(*Conv(Literal::Number("1e-3"), types::Double())), 0.001);
  EXPECT_EQ(std::get<float>(*Conv(Literal::Number("2.5"), types::Float())), 2.5f);
  EXPECT_FALSE(Conv(Literal::String("abc"), types::Long()).ok());
  EXPECT_FALSE(Conv(Literal::Number("5"), types::String()).ok());
  Result<Value> u = Conv(Literal::String("f79c3e09-677c-4bbd-a479-3f349cb785e7"), types::Uuid());
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(std::get<std::string>(*u).size(), 16u);
  EXPECT_EQ(static_cast<uint8_t>(std::get<std::string>(*u)[0]), 0xf7);
  EXPECT_TRUE(std::get<bool>(*Conv(Literal::Bool(true), types::Boolean())));
}

TEST(IcebergExpressionTest, BindsByNameWithClearErrors) {
  Schema schema = TestSchema();
  Result<ExprPtr> b = Bind(expr::Equal("s.b", Literal::Long(3)), schema);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_TRUE((*b)->bound);
  EXPECT_EQ((*b)->field_id, 11);
  EXPECT_EQ(std::get<int32_t>((*b)->values[0]), 3);

  Result<ExprPtr> missing = Bind(expr::Equal("nope", Literal::Long(3)), schema);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);

  Result<ExprPtr> wrong = Bind(expr::Equal("d", Literal::String("yesterday")), schema);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("'d'"), std::string::npos);
  EXPECT_NE(wrong.status().message().find("yesterday"), std::string::npos);

  EXPECT_FALSE(Bind(expr::Equal("l.element", Literal::Long(1)), schema).ok());  // in a list
  EXPECT_FALSE(Bind(expr::Equal("s", Literal::Long(1)), schema).ok());          // a struct
  EXPECT_FALSE(Bind(expr::IsNan("id"), schema).ok());
  EXPECT_FALSE(Bind(expr::StartsWith("id", "1"), schema).ok());
  EXPECT_FALSE(Bind(expr::Equal("x", Literal::Number("NaN")), schema).ok());
  // id is required: IS NULL is false, IS NOT NULL true.
  EXPECT_EQ((*Bind(expr::IsNull("id"), schema))->op, ExprOp::kFalse);
  EXPECT_EQ((*Bind(expr::NotNull("id"), schema))->op, ExprOp::kTrue);
  // IN lists are sorted, de-duplicated; one value becomes =.
  Result<ExprPtr> in =
      Bind(expr::In("id", {Literal::Long(3), Literal::Long(1), Literal::Long(3), Literal::Long(2)}),
           schema);
  ASSERT_TRUE(in.ok());
  ASSERT_EQ((*in)->values.size(), 3u);
  EXPECT_EQ(std::get<int64_t>((*in)->values[0]), 1);
  EXPECT_EQ(std::get<int64_t>((*in)->values[2]), 3);
  EXPECT_EQ((*Bind(expr::In("id", {Literal::Long(3)}), schema))->op, ExprOp::kEq);
  EXPECT_EQ((*Bind(expr::NotIn("id", {Literal::Long(3), Literal::Long(3)}), schema))->op,
            ExprOp::kNotEq);
}

TEST(IcebergExpressionTest, RewriteNotAppliesDeMorgan) {
  Result<ExprPtr> e = ParseExpression("NOT (id < 5 OR name IS NULL) AND NOT x IN (1, 2)");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ExprPtr r = RewriteNot(*e);
  EXPECT_EQ(r->ToString(), "((id >= 5 AND name IS NOT NULL) AND x NOT IN (1, 2))");
  // Bound values render by type.
  Result<ExprPtr> b = Bind(*ParseExpression("d = '2024-01-01' AND price > 1.5"), TestSchema());
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ((*b)->ToString(), "(d = '2024-01-01' AND price > 1.50)");
}

TEST(IcebergExpressionTest, CompareValuesOrdersNanLast) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_LT(CompareValues(Value(1e300), Value(nan)), 0);
  EXPECT_EQ(CompareValues(Value(-0.0), Value(0.0)), 0);
  EXPECT_LT(CompareValues(Value(std::string("a")), Value(std::string("\xc3\xa9"))), 0);  // unsigned
  EXPECT_GT(CompareValues(Value(__int128{1} << 100), Value(__int128{-1})), 0);
}

}  // namespace
}  // namespace floe::iceberg
