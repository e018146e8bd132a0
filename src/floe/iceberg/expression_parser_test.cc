#include "floe/iceberg/expression_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace floe::iceberg {
namespace {

std::string Parsed(std::string_view text) {
  Result<ExprPtr> e = ParseExpression(text);
  if (!e.ok()) return "ERROR: " + e.status().message();
  return (*e)->ToString();
}

// The offset the error message names ("filter: offset N: ...").
int ErrorOffset(std::string_view text) {
  Result<ExprPtr> e = ParseExpression(text);
  if (e.ok()) return -1;
  const std::string& m = e.status().message();
  const size_t at = m.find("offset ");
  if (at == std::string::npos) return -2;
  return std::stoi(m.substr(at + 7));
}

TEST(IcebergExpressionParserTest, ParsesTheGrammar) {
  EXPECT_EQ(Parsed("id = 5 AND (ts >= '2024-01-01T00:00:00' OR name LIKE 'abc%')"),
            "(id = 5 AND (ts >= '2024-01-01T00:00:00' OR name LIKE 'abc%'))");
  EXPECT_EQ(Parsed("x IN (1,2,3)"), "x IN (1, 2, 3)");
  EXPECT_EQ(Parsed("x not in (-1, 2.5e3)"), "x NOT IN (-1, 2.5e3)");
  EXPECT_EQ(Parsed("x IS NULL or y is not null"), "(x IS NULL OR y IS NOT NULL)");
  EXPECT_EQ(Parsed("is_nan(x)"), "is_nan(x)");
  EXPECT_EQ(Parsed("NOT is_nan(x)"), "NOT is_nan(x)");
  EXPECT_EQ(Parsed("x is not nan"), "NOT is_nan(x)");
  EXPECT_EQ(Parsed("NOT (a <> 1)"), "NOT a != 1");
  EXPECT_EQ(Parsed("name = 'it''s'"), "name = 'it''s'");
  EXPECT_EQ(Parsed("\"weird col\" = 1"), "\"weird col\" = 1");
  EXPECT_EQ(Parsed("\"and\" = 1"), "\"and\" = 1");
  EXPECT_EQ(Parsed("s.b >= 2"), "s.b >= 2");
  EXPECT_EQ(Parsed("\"s\".\"b\" == 2"), "s.b = 2");
  EXPECT_EQ(Parsed("5 < x"), "x > 5");
  EXPECT_EQ(Parsed("flag = true"), "flag = true");
  EXPECT_EQ(Parsed("true"), "true");
  EXPECT_EQ(Parsed("a = 1 AND true"), "a = 1");                                   // constants fold
  EXPECT_EQ(Parsed("a = 1 OR b = 2 AND c = 3"), "(a = 1 OR (b = 2 AND c = 3))");  // precedence
  EXPECT_EQ(Parsed("name LIKE 'a\\%b%'"), "name LIKE 'a\\%b%'");
  EXPECT_EQ(Parsed("name LIKE 'exact'"), "name = 'exact'");
  EXPECT_EQ(Parsed("name NOT LIKE 'ab%'"), "name NOT LIKE 'ab%'");
  EXPECT_EQ(Parsed("starts_with(name, 'ab')"), "name LIKE 'ab%'");
}

TEST(IcebergExpressionParserTest, RoundTripsThroughToString) {
  for (const char* text :
       {"(id = 5 AND (ts >= '2024-01-01' OR name LIKE 'a''b%'))", "x NOT IN (1, 2)",
        "NOT (a IS NULL OR b < -3.25)", "is_nan(f) AND NOT is_nan(g)", "\"a b\".c != 'x'"}) {
    Result<ExprPtr> a = ParseExpression(text);
    ASSERT_TRUE(a.ok()) << text << ": " << a.status().ToString();
    const std::string once = (*a)->ToString();
    Result<ExprPtr> b = ParseExpression(once);
    ASSERT_TRUE(b.ok()) << once << ": " << b.status().ToString();
    EXPECT_EQ((*b)->ToString(), once) << text;
  }
}

TEST(IcebergExpressionParserTest, ErrorsNameTheOffset) {
  EXPECT_EQ(ErrorOffset("id = "), 5);
  EXPECT_EQ(ErrorOffset("id = 5 AND"), 10);
  EXPECT_EQ(ErrorOffset("id == = 5"), 6);
  EXPECT_EQ(ErrorOffset("(id = 5"), 7);
  EXPECT_EQ(ErrorOffset("id = 'abc"), 5);
  EXPECT_EQ(ErrorOffset("id = 5 5"), 7);
  EXPECT_EQ(ErrorOffset("id # 5"), 3);
  EXPECT_EQ(ErrorOffset("name LIKE '%abc'"), 10);
  EXPECT_EQ(ErrorOffset("name LIKE 'a_c%'"), 10);
  EXPECT_EQ(ErrorOffset("x IN ()"), 6);
  EXPECT_EQ(ErrorOffset("x = NULL"), 4);
  EXPECT_EQ(ErrorOffset("x IS 5"), 5);
  EXPECT_EQ(ErrorOffset("12abc = 1"), 2);
  EXPECT_EQ(ErrorOffset(""), 0);
  Result<ExprPtr> like = ParseExpression("name LIKE '%abc'");
  EXPECT_NE(like.status().message().find("prefix"), std::string::npos);
}

TEST(IcebergExpressionParserTest, HostileInputDoesNotCrash) {
  std::string deep(100000, '(');
  EXPECT_FALSE(ParseExpression(deep + "a = 1").ok());
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "NOT ";
  EXPECT_FALSE(ParseExpression(nots + "a = 1").ok());
  // Long flat chains are fine (no recursion per AND).
  std::string chain = "a = 1";
  for (int i = 0; i < 2000; ++i) chain += " AND a = 1";
  EXPECT_TRUE(ParseExpression(chain).ok());
  // Every prefix of a valid filter parses or fails cleanly.
  const std::string text = "(id = 5 AND \"x\".y IN (1, 'a''b', -2e3)) OR NOT name LIKE 'p\\%%'";
  for (size_t n = 0; n <= text.size(); ++n) (void)ParseExpression(text.substr(0, n));
  for (int c = 0; c < 256; ++c) (void)ParseExpression(std::string("a = ") + static_cast<char>(c));
}

}  // namespace
}  // namespace floe::iceberg
