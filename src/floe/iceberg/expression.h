// Iceberg filter expressions (spec "Scan Planning"): a tree of and/or/not over predicates
// on one column each (comparisons, in / not in, is null, is nan, starts with).
//
// An expression is built unbound (column by dotted name, literals as written) and bound to
// a Schema: the column resolves to a field id and a primitive type, and every literal is
// converted to that type's physical Value (value.h): dates as days, timestamps as micros
// (nanos for the _ns types) from the epoch, decimals unscaled at the column's scale, uuids
// as 16 big-endian bytes. Binding also simplifies constant sub-trees and sorts and
// de-duplicates IN lists.
//
// Semantics are SQL's three-valued logic: a comparison, IN, NOT IN, STARTS WITH or NOT
// STARTS WITH with a null operand is unknown (never true). IS NULL / IS NOT NULL and
// IS NAN / NOT NAN are never unknown (a null is not NaN, so NOT NAN holds for nulls). Floats
// order as in Spark SQL and Java's Double.compare, except that -0.0 equals 0.0: NaN sorts
// after every number (so NaN > 5 and NaN != 5 hold, NaN < 5 does not), which keeps
// NOT (x < 5) equal to x >= 5. Comparison literals may not be NaN (use IS NAN).
//
// Expressions are immutable and shared (ExprPtr); all functions are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "floe/common/status.h"
#include "floe/iceberg/schema.h"
#include "floe/iceberg/types.h"
#include "floe/iceberg/value.h"

namespace floe::iceberg {

enum class ExprOp : uint8_t {
  kTrue,
  kFalse,
  kAnd,
  kOr,
  kNot,
  kIsNull,
  kNotNull,
  kIsNan,
  kNotNan,
  kLt,
  kLtEq,
  kGt,
  kGtEq,
  kEq,
  kNotEq,
  kIn,
  kNotIn,
  kStartsWith,
  kNotStartsWith,
};

// "and", "<=", "in", "is_null", "starts_with", ...
std::string_view ExprOpName(ExprOp op);
// The predicate op that holds exactly when `op` is false for a non-null operand
// (kLt <-> kGtEq, kIn <-> kNotIn, kIsNull <-> kNotNull, ...). REQUIRES: IsPredicate(op).
ExprOp NegateOp(ExprOp op);
inline bool IsPredicate(ExprOp op) { return op >= ExprOp::kIsNull; }
inline bool IsUnaryPredicate(ExprOp op) { return op >= ExprOp::kIsNull && op <= ExprOp::kNotNan; }
inline bool IsSetPredicate(ExprOp op) { return op == ExprOp::kIn || op == ExprOp::kNotIn; }

// A literal as written, before binding gives it a type. Numbers from text keep their text
// so decimals convert exactly.
struct Literal {
  enum class Kind : uint8_t { kBool, kLong, kDouble, kNumber, kString };
  Kind kind = Kind::kLong;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string text;  // kNumber: the digits as written ("-12.50", "1e3"); kString: the value

  static Literal Bool(bool v);
  static Literal Long(int64_t v);
  static Literal Double(double v);
  static Literal Number(std::string text);
  static Literal String(std::string v);
  // SQL form: 5, 1.5, 'it''s', true.
  std::string ToString() const;
  bool operator==(const Literal&) const = default;
};

struct Expression;
using ExprPtr = std::shared_ptr<const Expression>;

struct Expression {
  ExprOp op = ExprOp::kTrue;
  // kAnd/kOr: both; kNot: left only.
  ExprPtr left;
  ExprPtr right;

  // Predicates: the column's full dotted name.
  std::string column;
  // Unbound predicates: the literals as written (one for comparisons and starts-with,
  // any number for IN / NOT IN, none for unary predicates).
  std::vector<Literal> literals;

  // Bound predicates: the field, its type and the converted literals. For IN / NOT IN the
  // values are sorted (by CompareValues) and distinct.
  bool bound = false;
  int32_t field_id = 0;
  TypePtr type;
  std::vector<Value> values;

  // SQL-like text: "(id = 5 AND name LIKE 'a%')"; bound literals render by type
  // (dates and timestamps in ISO form). ParseExpression accepts it back.
  std::string ToString() const;
};

// Constructors (unbound). And/Or/Not fold constants: And(True, x) = x, Not(Not(x)) = x.
namespace expr {
ExprPtr True();
ExprPtr False();
ExprPtr And(ExprPtr a, ExprPtr b);
ExprPtr Or(ExprPtr a, ExprPtr b);
ExprPtr Not(ExprPtr a);
// Any predicate op; `literals` must fit the op (checked by Bind).
ExprPtr Predicate(ExprOp op, std::string column, std::vector<Literal> literals = {});
ExprPtr Equal(std::string column, Literal v);
ExprPtr NotEqual(std::string column, Literal v);
ExprPtr LessThan(std::string column, Literal v);
ExprPtr LessThanOrEqual(std::string column, Literal v);
ExprPtr GreaterThan(std::string column, Literal v);
ExprPtr GreaterThanOrEqual(std::string column, Literal v);
ExprPtr In(std::string column, std::vector<Literal> vs);
ExprPtr NotIn(std::string column, std::vector<Literal> vs);
ExprPtr IsNull(std::string column);
ExprPtr NotNull(std::string column);
ExprPtr IsNan(std::string column);
ExprPtr NotNan(std::string column);
ExprPtr StartsWith(std::string column, std::string prefix);
ExprPtr NotStartsWith(std::string column, std::string prefix);

// A bound predicate built directly (used by projections): `values` already in the
// physical form of `type`.
ExprPtr BoundPredicate(ExprOp op, int32_t field_id, std::string column, TypePtr type,
                       std::vector<Value> values);
}  // namespace expr

// Binds `e` to `schema`: every column must name a primitive field (dotted names reach into
// structs; fields inside lists and maps cannot be filtered on), every literal must convert
// to its type. InvalidArgument naming the column and the literal otherwise. Already-bound
// predicates are checked to exist in `schema` with the same type.
Result<ExprPtr> Bind(const ExprPtr& e, const Schema& schema);

// Converts literal `lit` to the physical Value of `type` (a primitive): integers with range
// checks; decimals exactly from text at the type's scale; dates "YYYY-MM-DD"; times
// "HH:MM:SS[.ffffff]"; timestamps "YYYY-MM-DD[(T| )HH:MM[:SS[.fffffffff]]]", with an
// offset ("Z", "+02:00") only for the tz types (converted to UTC); uuids in 8-4-4-4-12 hex;
// fixed[L] strings of exactly L bytes. `column` names the column in errors.
Result<Value> ConvertLiteral(const Literal& lit, const Type& type, std::string_view column);

// Pushes NOT down to the predicates (De Morgan, NegateOp), so the result has no kNot.
ExprPtr RewriteNot(const ExprPtr& e);

// Orders two values of the same primitive type: integers and decimals numerically,
// floats numerically with NaN after every number (-0.0 == 0.0), booleans false <
// true, strings and binary by unsigned bytes. Returns <0, 0, >0.
// REQUIRES: a and b hold the same alternative and are not null.
int CompareValues(const Value& a, const Value& b);

// Renders a bound value of `type` for messages and ToString: '2024-01-01', 12.50, 'abc'.
std::string ValueToString(const Type& type, const Value& v);

// Number of Unicode code points in UTF-8 text (invalid bytes count one each).
int64_t Utf8Length(std::string_view s);

}  // namespace floe::iceberg
