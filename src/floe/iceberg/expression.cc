#include "floe/iceberg/expression.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "floe/iceberg/transform.h"

namespace floe::iceberg {

std::string_view ExprOpName(ExprOp op) {
  switch (op) {
    case ExprOp::kTrue:
      return "true";
    case ExprOp::kFalse:
      return "false";
    case ExprOp::kAnd:
      return "and";
    case ExprOp::kOr:
      return "or";
    case ExprOp::kNot:
      return "not";
    case ExprOp::kIsNull:
      return "is_null";
    case ExprOp::kNotNull:
      return "not_null";
    case ExprOp::kIsNan:
      return "is_nan";
    case ExprOp::kNotNan:
      return "not_nan";
    case ExprOp::kLt:
      return "<";
    case ExprOp::kLtEq:
      return "<=";
    case ExprOp::kGt:
      return ">";
    case ExprOp::kGtEq:
      return ">=";
    case ExprOp::kEq:
      return "=";
    case ExprOp::kNotEq:
      return "!=";
    case ExprOp::kIn:
      return "in";
    case ExprOp::kNotIn:
      return "not_in";
    case ExprOp::kStartsWith:
      return "starts_with";
    case ExprOp::kNotStartsWith:
      return "not_starts_with";
  }
  return "?";
}

ExprOp NegateOp(ExprOp op) {
  switch (op) {
    case ExprOp::kIsNull:
      return ExprOp::kNotNull;
    case ExprOp::kNotNull:
      return ExprOp::kIsNull;
    case ExprOp::kIsNan:
      return ExprOp::kNotNan;
    case ExprOp::kNotNan:
      return ExprOp::kIsNan;
    case ExprOp::kLt:
      return ExprOp::kGtEq;
    case ExprOp::kLtEq:
      return ExprOp::kGt;
    case ExprOp::kGt:
      return ExprOp::kLtEq;
    case ExprOp::kGtEq:
      return ExprOp::kLt;
    case ExprOp::kEq:
      return ExprOp::kNotEq;
    case ExprOp::kNotEq:
      return ExprOp::kEq;
    case ExprOp::kIn:
      return ExprOp::kNotIn;
    case ExprOp::kNotIn:
      return ExprOp::kIn;
    case ExprOp::kStartsWith:
      return ExprOp::kNotStartsWith;
    case ExprOp::kNotStartsWith:
      return ExprOp::kStartsWith;
    case ExprOp::kTrue:
      return ExprOp::kFalse;
    case ExprOp::kFalse:
      return ExprOp::kTrue;
    default:
      return op;
  }
}

// ---- Literals ------------------------------------------------------------------------

Literal Literal::Bool(bool v) {
  Literal l;
  l.kind = Kind::kBool;
  l.b = v;
  return l;
}
Literal Literal::Long(int64_t v) {
  Literal l;
  l.kind = Kind::kLong;
  l.i = v;
  return l;
}
Literal Literal::Double(double v) {
  Literal l;
  l.kind = Kind::kDouble;
  l.d = v;
  return l;
}
Literal Literal::Number(std::string text) {
  Literal l;
  l.kind = Kind::kNumber;
  l.text = std::move(text);
  return l;
}
Literal Literal::String(std::string v) {
  Literal l;
  l.kind = Kind::kString;
  l.text = std::move(v);
  return l;
}

namespace {

std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string QuoteIdentifier(std::string_view name) {
  bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.';
    if (!ok) plain = false;
  }
  // Keywords would read back as operators.
  static const char* const kKeywords[] = {"and",  "or",   "not",  "in",   "is",
                                          "null", "like", "true", "false"};
  for (const char* k : kKeywords) {
    if (name.size() == std::string_view(k).size() &&
        std::equal(name.begin(), name.end(), k, [](char a, char b) { return (a | 0x20) == b; })) {
      plain = false;
    }
  }
  if (plain) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "'NaN'";
  if (std::isinf(d)) return d > 0 ? "'Infinity'" : "'-Infinity'";
  std::string s = fmt::format("{}", d);
  return s;
}

}  // namespace

std::string Literal::ToString() const {
  switch (kind) {
    case Kind::kBool:
      return b ? "true" : "false";
    case Kind::kLong:
      return std::to_string(i);
    case Kind::kDouble:
      return FormatDouble(d);
    case Kind::kNumber:
      return text;
    case Kind::kString:
      return Quote(text);
  }
  return "?";
}

// ---- Values --------------------------------------------------------------------------

int CompareValues(const Value& a, const Value& b) {
  return std::visit(
      [&](const auto& x) -> int {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return 0;
        } else {
          const T* yp = std::get_if<T>(&b);
          if (yp == nullptr) return a.index() < b.index() ? -1 : 1;
          const T& y = *yp;
          if constexpr (std::is_same_v<T, std::string>) {
            const int c = x.compare(y);  // char_traits<char>: unsigned byte order
            return c < 0 ? -1 : (c > 0 ? 1 : 0);
          } else if constexpr (std::is_floating_point_v<T>) {
            const bool xn = std::isnan(x), yn = std::isnan(y);
            if (xn || yn) return xn == yn ? 0 : (xn ? 1 : -1);
            return x < y ? -1 : (y < x ? 1 : 0);
          } else {
            return x < y ? -1 : (y < x ? 1 : 0);
          }
        }
      },
      a);
}

int64_t Utf8Length(std::string_view s) {
  int64_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

namespace {

std::string TwoDigits(int64_t v) { return fmt::format("{:02d}", v); }

std::string DateString(int64_t days) {
  CivilDate d = CivilFromDays(days);
  return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day);
}

std::string TimeOfDayString(int64_t units, int64_t per_second) {
  const int64_t secs = units / per_second, frac = units % per_second;
  std::string out = fmt::format("{}:{}:{}", TwoDigits(secs / 3600), TwoDigits(secs / 60 % 60),
                                TwoDigits(secs % 60));
  if (frac != 0) {
    out += fmt::format(".{:0{}d}", frac, per_second == 1000000 ? 6 : 9);
  }
  return out;
}

std::string TimestampString(int64_t v, int64_t per_second, bool tz) {
  const int64_t per_day = per_second * 86400;
  int64_t days = v / per_day, rem = v % per_day;
  if (rem < 0) {
    rem += per_day;
    --days;
  }
  return DateString(days) + "T" + TimeOfDayString(rem, per_second) + (tz ? "+00:00" : "");
}

std::string HexBytes(std::string_view s) {
  std::string out;
  for (unsigned char c : s) out += fmt::format("{:02x}", c);
  return out;
}

}  // namespace

std::string ValueToString(const Type& type, const Value& v) {
  if (IsNull(v)) return "null";
  switch (type.kind) {
    case TypeKind::kBoolean:
      return std::get<bool>(v) ? "true" : "false";
    case TypeKind::kInt:
      return std::to_string(std::get<int32_t>(v));
    case TypeKind::kLong:
      return std::to_string(std::get<int64_t>(v));
    case TypeKind::kFloat:
      return FormatDouble(std::get<float>(v));
    case TypeKind::kDouble:
      return FormatDouble(std::get<double>(v));
    case TypeKind::kDecimal:
      return DecimalToString(std::get<__int128>(v), type.scale);
    case TypeKind::kDate:
      return Quote(DateString(std::get<int32_t>(v)));
    case TypeKind::kTime:
      return Quote(TimeOfDayString(std::get<int64_t>(v), 1000000));
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampTz:
      return Quote(
          TimestampString(std::get<int64_t>(v), 1000000, type.kind == TypeKind::kTimestampTz));
    case TypeKind::kTimestampNs:
    case TypeKind::kTimestampTzNs:
      return Quote(
          TimestampString(std::get<int64_t>(v), 1000000000, type.kind == TypeKind::kTimestampTzNs));
    case TypeKind::kUuid: {
      const std::string h = HexBytes(std::get<std::string>(v));
      if (h.size() != 32) return Quote(h);
      return Quote(h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
                   h.substr(16, 4) + "-" + h.substr(20));
    }
    case TypeKind::kString:
    case TypeKind::kFixed:
    case TypeKind::kBinary:
      return Quote(std::get<std::string>(v));
    default:
      return "?";
  }
}

// ---- Expressions ---------------------------------------------------------------------

std::string Expression::ToString() const {
  switch (op) {
    case ExprOp::kTrue:
      return "true";
    case ExprOp::kFalse:
      return "false";
    case ExprOp::kAnd:
      return "(" + left->ToString() + " AND " + right->ToString() + ")";
    case ExprOp::kOr:
      return "(" + left->ToString() + " OR " + right->ToString() + ")";
    case ExprOp::kNot:
      return "NOT " + left->ToString();
    default:
      break;
  }
  const std::string col = QuoteIdentifier(column);
  std::vector<std::string> lits;
  if (bound) {
    for (const Value& v : values) lits.push_back(ValueToString(*type, v));
  } else {
    for (const Literal& l : literals) lits.push_back(l.ToString());
  }
  auto lit = [&](size_t i) { return i < lits.size() ? lits[i] : std::string("?"); };
  auto like = [&]() {
    // LIKE 'prefix%': escape the wildcard characters of the prefix.
    std::string prefix;
    if (bound && !values.empty()) {
      prefix = std::get<std::string>(values[0]);
    } else if (!literals.empty()) {
      prefix = literals[0].text;
    }
    std::string pattern;
    for (char c : prefix) {
      if (c == '%' || c == '_' || c == '\\') pattern += '\\';
      pattern += c;
    }
    return Quote(pattern + "%");
  };
  switch (op) {
    case ExprOp::kIsNull:
      return col + " IS NULL";
    case ExprOp::kNotNull:
      return col + " IS NOT NULL";
    case ExprOp::kIsNan:
      return "is_nan(" + col + ")";
    case ExprOp::kNotNan:
      return "NOT is_nan(" + col + ")";
    case ExprOp::kIn:
    case ExprOp::kNotIn:
      return col + (op == ExprOp::kIn ? " IN (" : " NOT IN (") +
             fmt::format("{}", fmt::join(lits, ", ")) + ")";
    case ExprOp::kStartsWith:
      return col + " LIKE " + like();
    case ExprOp::kNotStartsWith:
      return col + " NOT LIKE " + like();
    default:
      return col + " " + std::string(ExprOpName(op)) + " " + lit(0);
  }
}

namespace expr {

namespace {
ExprPtr Make(Expression e) { return std::make_shared<const Expression>(std::move(e)); }
ExprPtr Constant(bool v) {
  static const ExprPtr kT = [] {
    Expression e;
    e.op = ExprOp::kTrue;
    return Make(std::move(e));
  }();
  static const ExprPtr kF = [] {
    Expression e;
    e.op = ExprOp::kFalse;
    return Make(std::move(e));
  }();
  return v ? kT : kF;
}
}  // namespace

ExprPtr True() { return Constant(true); }
ExprPtr False() { return Constant(false); }

ExprPtr And(ExprPtr a, ExprPtr b) {
  if (a->op == ExprOp::kFalse || b->op == ExprOp::kFalse) return False();
  if (a->op == ExprOp::kTrue) return b;
  if (b->op == ExprOp::kTrue) return a;
  Expression e;
  e.op = ExprOp::kAnd;
  e.left = std::move(a);
  e.right = std::move(b);
  return Make(std::move(e));
}

ExprPtr Or(ExprPtr a, ExprPtr b) {
  if (a->op == ExprOp::kTrue || b->op == ExprOp::kTrue) return True();
  if (a->op == ExprOp::kFalse) return b;
  if (b->op == ExprOp::kFalse) return a;
  Expression e;
  e.op = ExprOp::kOr;
  e.left = std::move(a);
  e.right = std::move(b);
  return Make(std::move(e));
}

ExprPtr Not(ExprPtr a) {
  if (a->op == ExprOp::kTrue) return False();
  if (a->op == ExprOp::kFalse) return True();
  if (a->op == ExprOp::kNot) return a->left;
  Expression e;
  e.op = ExprOp::kNot;
  e.left = std::move(a);
  return Make(std::move(e));
}

ExprPtr Predicate(ExprOp op, std::string column, std::vector<Literal> literals) {
  Expression e;
  e.op = op;
  e.column = std::move(column);
  e.literals = std::move(literals);
  return Make(std::move(e));
}

ExprPtr Equal(std::string c, Literal v) {
  return Predicate(ExprOp::kEq, std::move(c), {std::move(v)});
}
ExprPtr NotEqual(std::string c, Literal v) {
  return Predicate(ExprOp::kNotEq, std::move(c), {std::move(v)});
}
ExprPtr LessThan(std::string c, Literal v) {
  return Predicate(ExprOp::kLt, std::move(c), {std::move(v)});
}
ExprPtr LessThanOrEqual(std::string c, Literal v) {
  return Predicate(ExprOp::kLtEq, std::move(c), {std::move(v)});
}
ExprPtr GreaterThan(std::string c, Literal v) {
  return Predicate(ExprOp::kGt, std::move(c), {std::move(v)});
}
ExprPtr GreaterThanOrEqual(std::string c, Literal v) {
  return Predicate(ExprOp::kGtEq, std::move(c), {std::move(v)});
}
ExprPtr In(std::string c, std::vector<Literal> vs) {
  return Predicate(ExprOp::kIn, std::move(c), std::move(vs));
}
ExprPtr NotIn(std::string c, std::vector<Literal> vs) {
  return Predicate(ExprOp::kNotIn, std::move(c), std::move(vs));
}
ExprPtr IsNull(std::string c) { return Predicate(ExprOp::kIsNull, std::move(c)); }
ExprPtr NotNull(std::string c) { return Predicate(ExprOp::kNotNull, std::move(c)); }
ExprPtr IsNan(std::string c) { return Predicate(ExprOp::kIsNan, std::move(c)); }
ExprPtr NotNan(std::string c) { return Predicate(ExprOp::kNotNan, std::move(c)); }
ExprPtr StartsWith(std::string c, std::string prefix) {
  return Predicate(ExprOp::kStartsWith, std::move(c), {Literal::String(std::move(prefix))});
}
ExprPtr NotStartsWith(std::string c, std::string prefix) {
  return Predicate(ExprOp::kNotStartsWith, std::move(c), {Literal::String(std::move(prefix))});
}

ExprPtr BoundPredicate(ExprOp op, int32_t field_id, std::string column, TypePtr type,
                       std::vector<Value> values) {
  Expression e;
  e.op = op;
  e.column = std::move(column);
  e.bound = true;
  e.field_id = field_id;
  e.type = std::move(type);
  e.values = std::move(values);
  return Make(std::move(e));
}

}  // namespace expr

// ---- Literal conversion --------------------------------------------------------------

namespace {

// A cursor over literal text for the date/time grammar.
struct Cursor {
  std::string_view s;
  size_t pos = 0;
  bool Done() const { return pos >= s.size(); }
  bool Eat(char c) {
    if (pos < s.size() && s[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  // Exactly `n` digits (n = 0: one or more, at most 18).
  bool Digits(int n, int64_t* out, int* count = nullptr) {
    int64_t v = 0;
    int k = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && (n == 0 ? k < 18 : k < n)) {
      v = v * 10 + (s[pos] - '0');
      ++pos;
      ++k;
    }
    if (count != nullptr) *count = k;
    *out = v;
    return n == 0 ? k > 0 : k == n;
  }
};

bool ParseDate(Cursor* c, int64_t* days) {
  const bool neg = c->Eat('-');
  if (!neg) c->Eat('+');
  int64_t y, m, d;
  int ny = 0;
  if (!c->Digits(0, &y, &ny) || ny < 4 || ny > 6) return false;
  if (!c->Eat('-') || !c->Digits(2, &m) || !c->Eat('-') || !c->Digits(2, &d)) return false;
  if (neg) y = -y;
  if (m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int64_t max_day = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  if (d > max_day) return false;
  *days = DaysFromCivil(y, static_cast<int32_t>(m), static_cast<int32_t>(d));
  return true;
}

// HH:MM[:SS[.fffffffff]] as nanoseconds of the day.
bool ParseTimeOfDay(Cursor* c, int64_t* nanos) {
  int64_t h, mi, s = 0, frac = 0;
  if (!c->Digits(2, &h) || !c->Eat(':') || !c->Digits(2, &mi)) return false;
  if (c->Eat(':')) {
    if (!c->Digits(2, &s)) return false;
    if (c->Eat('.')) {
      int n = 0;
      if (!c->Digits(0, &frac, &n) || n > 9) return false;
      for (int i = n; i < 9; ++i) frac *= 10;
    }
  }
  if (h > 23 || mi > 59 || s > 59) return false;
  *nanos = ((h * 60 + mi) * 60 + s) * 1000000000 + frac;
  return true;
}

// Z, +HH:MM, -HH:MM, +HHMM, +HH: the offset in seconds east of UTC.
bool ParseOffset(Cursor* c, int64_t* seconds) {
  if (c->Eat('Z') || c->Eat('z')) {
    *seconds = 0;
    return true;
  }
  int sign = 0;
  if (c->Eat('+')) {
    sign = 1;
  } else if (c->Eat('-')) {
    sign = -1;
  } else {
    return false;
  }
  int64_t h, m = 0;
  if (!c->Digits(2, &h)) return false;
  if (c->Eat(':')) {
    if (!c->Digits(2, &m)) return false;
  } else if (!c->Done()) {
    if (!c->Digits(2, &m)) return false;
  }
  if (h > 18 || m > 59) return false;
  *seconds = sign * (h * 3600 + m * 60);
  return true;
}

// Exact decimal text -> unscaled at `scale`, |result| < 10^precision. Accepts sign,
// digits, optional fraction and exponent.
Status ParseDecimalText(std::string_view text, int32_t precision, int32_t scale, __int128* out) {
  size_t i = 0;
  bool neg = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) neg = text[i++] == '-';
  std::string digits;
  int64_t frac_digits = 0;
  bool seen_point = false, any = false;
  for (; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch >= '0' && ch <= '9') {
      any = true;
      if (digits.size() > 200) return Status::InvalidArgument("too many digits");
      if (!(digits.empty() && ch == '0')) digits += ch;
      if (seen_point) ++frac_digits;
    } else if (ch == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any) return Status::InvalidArgument("not a number");
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) eneg = text[i++] == '-';
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 6) {
      exponent = exponent * 10 + (text[i] - '0');
      ++i;
    }
    if (i == start) return Status::InvalidArgument("bad exponent");
    if (eneg) exponent = -exponent;
  }
  if (i != text.size()) return Status::InvalidArgument("unexpected characters");
  // value = digits * 10^(exponent - frac_digits); unscaled = value * 10^scale.
  int64_t shift = scale + exponent - frac_digits;
  while (shift < 0 && !digits.empty()) {
    if (digits.back() != '0') {
      return Status::InvalidArgument("more than {} digits after the decimal point", scale);
    }
    digits.pop_back();
    ++shift;
  }
  if (digits.empty()) {
    *out = 0;
    return Status::OK();
  }
  if (static_cast<int64_t>(digits.size()) + shift > precision) {
    return Status::InvalidArgument("does not fit precision {}", precision);
  }
  __int128 v = 0;
  for (char ch : digits) v = v * 10 + (ch - '0');
  for (int64_t k = 0; k < shift; ++k) v *= 10;
  *out = neg ? -v : v;
  return Status::OK();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<Value> ConvertLiteral(const Literal& lit, const Type& type, std::string_view column) {
  auto fail = [&](std::string_view why) {
    return Status::InvalidArgument("column '{}' ({}): literal {} {}", column, type.ToString(),
                                   lit.ToString(), why);
  };
  const bool numeric = lit.kind == Literal::Kind::kLong || lit.kind == Literal::Kind::kNumber ||
                       (lit.kind == Literal::Kind::kString && type.kind != TypeKind::kString &&
                        type.kind != TypeKind::kBinary && type.kind != TypeKind::kFixed);
  // Integer value of an integral literal (numbers, or strings holding a number).
  auto integral = [&](int64_t lo, int64_t hi) -> Result<int64_t> {
    if (lit.kind == Literal::Kind::kLong) {
      if (lit.i < lo || lit.i > hi) return fail("is out of range");
      return lit.i;
    }
    if (lit.kind == Literal::Kind::kDouble) return fail("is not an integer");
    __int128 v = 0;
    Status st = ParseDecimalText(lit.text, 38, 0, &v);
    if (!st.ok()) return fail(fmt::format("is not an integer ({})", st.message()));
    if (v < lo || v > hi) return fail("is out of range");
    return static_cast<int64_t>(v);
  };
  auto floating = [&]() -> Result<double> {
    if (lit.kind == Literal::Kind::kDouble) return lit.d;
    if (lit.kind == Literal::Kind::kLong) return static_cast<double>(lit.i);
    const std::string& t = lit.text;
    if (t == "NaN" || t == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (t == "Infinity" || t == "inf" || t == "+Infinity")
      return std::numeric_limits<double>::infinity();
    if (t == "-Infinity" || t == "-inf") return -std::numeric_limits<double>::infinity();
    double d = 0;
    const char* b = t.data();
    if (!t.empty() && t[0] == '+') ++b;
    auto [p, ec] = std::from_chars(b, t.data() + t.size(), d);
    if (ec != std::errc() || p != t.data() + t.size()) return fail("is not a number");
    return d;
  };
  if (lit.kind == Literal::Kind::kBool && type.kind != TypeKind::kBoolean) {
    return fail("is a boolean");
  }
  switch (type.kind) {
    case TypeKind::kBoolean:
      if (lit.kind == Literal::Kind::kBool) return Value(lit.b);
      if (lit.kind == Literal::Kind::kString && (lit.text == "true" || lit.text == "false")) {
        return Value(lit.text == "true");
      }
      return fail("is not a boolean");
    case TypeKind::kInt: {
      if (!numeric) return fail("is not an integer");
      FLOE_ASSIGN_OR_RETURN(int64_t v, integral(INT32_MIN, INT32_MAX));
      return Value(static_cast<int32_t>(v));
    }
    case TypeKind::kLong: {
      if (!numeric) return fail("is not an integer");
      FLOE_ASSIGN_OR_RETURN(int64_t v, integral(INT64_MIN, INT64_MAX));
      return Value(v);
    }
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      if (!numeric && lit.kind != Literal::Kind::kDouble) return fail("is not a number");
      FLOE_ASSIGN_OR_RETURN(double d, floating());
      if (type.kind == TypeKind::kFloat) return Value(static_cast<float>(d));
      return Value(d);
    }
    case TypeKind::kDecimal: {
      if (lit.kind == Literal::Kind::kDouble) {
        return fail("is a binary floating-point number; write it as decimal text");
      }
      if (!numeric) return fail("is not a decimal");
      const std::string text = lit.kind == Literal::Kind::kLong ? std::to_string(lit.i) : lit.text;
      __int128 v = 0;
      Status st = ParseDecimalText(text, type.precision, type.scale, &v);
      if (!st.ok()) return fail(st.message());
      return Value(v);
    }
    case TypeKind::kDate: {
      if (lit.kind == Literal::Kind::kLong || lit.kind == Literal::Kind::kNumber) {
        FLOE_ASSIGN_OR_RETURN(int64_t v, integral(INT32_MIN, INT32_MAX));
        return Value(static_cast<int32_t>(v));  // days from the epoch
      }
      if (lit.kind != Literal::Kind::kString) return fail("is not a date ('YYYY-MM-DD')");
      Cursor c{lit.text};
      int64_t days = 0;
      if (!ParseDate(&c, &days) || !c.Done()) return fail("is not a date ('YYYY-MM-DD')");
      if (days < INT32_MIN || days > INT32_MAX) return fail("is out of range");
      return Value(static_cast<int32_t>(days));
    }
    case TypeKind::kTime: {
      if (lit.kind == Literal::Kind::kLong || lit.kind == Literal::Kind::kNumber) {
        FLOE_ASSIGN_OR_RETURN(int64_t v, integral(INT64_MIN, INT64_MAX));
        return Value(v);  // micros from midnight
      }
      if (lit.kind != Literal::Kind::kString) return fail("is not a time ('HH:MM:SS')");
      Cursor c{lit.text};
      int64_t nanos = 0;
      if (!ParseTimeOfDay(&c, &nanos) || !c.Done()) return fail("is not a time ('HH:MM:SS')");
      if (nanos % 1000 != 0) return fail("has more than microsecond precision");
      return Value(nanos / 1000);
    }
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampTz:
    case TypeKind::kTimestampNs:
    case TypeKind::kTimestampTzNs: {
      const bool ns = type.kind == TypeKind::kTimestampNs || type.kind == TypeKind::kTimestampTzNs;
      const bool tz = type.kind == TypeKind::kTimestampTz || type.kind == TypeKind::kTimestampTzNs;
      if (lit.kind == Literal::Kind::kLong || lit.kind == Literal::Kind::kNumber) {
        FLOE_ASSIGN_OR_RETURN(int64_t v, integral(INT64_MIN, INT64_MAX));
        return Value(v);  // micros (nanos) from the epoch
      }
      if (lit.kind != Literal::Kind::kString) {
        return fail("is not a timestamp ('YYYY-MM-DDTHH:MM:SS')");
      }
      Cursor c{lit.text};
      int64_t days = 0, nanos = 0, offset = 0;
      if (!ParseDate(&c, &days)) return fail("is not a timestamp ('YYYY-MM-DDTHH:MM:SS')");
      if (c.Eat('T') || c.Eat('t') || c.Eat(' ')) {
        if (!ParseTimeOfDay(&c, &nanos)) return fail("has a malformed time of day");
      }
      if (!c.Done()) {
        if (!ParseOffset(&c, &offset) || !c.Done()) return fail("has a malformed zone offset");
        if (!tz) return fail("has a zone offset, but the column is a timestamp without zone");
      }
      // |days| < 2^31 keeps nanoseconds within int64 only near the epoch: check.
      const __int128 total = (static_cast<__int128>(days) * 86400 - offset) * 1000000000 + nanos;
      __int128 v = ns ? total : total / 1000;
      if (!ns && total % 1000 != 0) return fail("has more than microsecond precision");
      if (v < INT64_MIN || v > INT64_MAX) return fail("is out of range");
      return Value(static_cast<int64_t>(v));
    }
    case TypeKind::kString:
      if (lit.kind != Literal::Kind::kString) return fail("is not a string (quote it)");
      return Value(lit.text);
    case TypeKind::kBinary:
      if (lit.kind != Literal::Kind::kString) return fail("is not a string");
      return Value(lit.text);
    case TypeKind::kFixed:
      if (lit.kind != Literal::Kind::kString) return fail("is not a string");
      if (static_cast<int64_t>(lit.text.size()) != type.length) {
        return fail(fmt::format("is not {} bytes long", type.length));
      }
      return Value(lit.text);
    case TypeKind::kUuid: {
      if (lit.kind != Literal::Kind::kString) return fail("is not a uuid");
      std::string bytes;
      const std::string& t = lit.text;
      int hi = -1;
      for (size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '-' && (i == 8 || i == 13 || i == 18 || i == 23)) continue;
        const int h = HexValue(t[i]);
        if (h < 0) return fail("is not a uuid");
        if (hi < 0) {
          hi = h;
        } else {
          bytes += static_cast<char>(hi * 16 + h);
          hi = -1;
        }
      }
      if (bytes.size() != 16 || hi >= 0 || t.size() != 36) return fail("is not a uuid");
      return Value(std::move(bytes));
    }
    default:
      return fail("cannot be compared with a non-primitive column");
  }
}

// ---- Binding -------------------------------------------------------------------------

namespace {

constexpr int kMaxDepth = 1000;

Result<ExprPtr> BindRec(const ExprPtr& e, const Schema& schema, int depth) {
  if (depth > kMaxDepth) return Status::InvalidArgument("filter is nested too deeply");
  switch (e->op) {
    case ExprOp::kTrue:
    case ExprOp::kFalse:
      return e;
    case ExprOp::kAnd: {
      FLOE_ASSIGN_OR_RETURN(ExprPtr l, BindRec(e->left, schema, depth + 1));
      FLOE_ASSIGN_OR_RETURN(ExprPtr r, BindRec(e->right, schema, depth + 1));
      return expr::And(std::move(l), std::move(r));
    }
    case ExprOp::kOr: {
      FLOE_ASSIGN_OR_RETURN(ExprPtr l, BindRec(e->left, schema, depth + 1));
      FLOE_ASSIGN_OR_RETURN(ExprPtr r, BindRec(e->right, schema, depth + 1));
      return expr::Or(std::move(l), std::move(r));
    }
    case ExprOp::kNot: {
      FLOE_ASSIGN_OR_RETURN(ExprPtr l, BindRec(e->left, schema, depth + 1));
      return expr::Not(std::move(l));
    }
    default:
      break;
  }
  const NestedField* field = e->bound ? schema.FindById(e->field_id) : schema.FindByName(e->column);
  if (field == nullptr) {
    return Status::InvalidArgument("filter column '{}' is not in the table schema", e->column);
  }
  const std::string name = schema.NameOf(field->id);
  // Fields under lists or maps hold many values per row.
  for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
    const NestedField* parent = schema.FindByName(std::string_view(name).substr(0, dot));
    if (parent != nullptr && parent->type->kind != TypeKind::kStruct) {
      return Status::InvalidArgument("filter column '{}' is inside a list or map", name);
    }
  }
  if (!field->type->IsPrimitive() || field->type->kind == TypeKind::kVariant ||
      field->type->kind == TypeKind::kUnknown) {
    return Status::InvalidArgument("filter column '{}' has type {}, which cannot be filtered on",
                                   name, field->type->ToString());
  }
  const Type& type = *field->type;
  if (e->bound) {
    if (!(*e->type == type)) {
      return Status::InvalidArgument("filter column '{}' was bound as {} but is {}", name,
                                     e->type->ToString(), type.ToString());
    }
    return e;
  }
  const ExprOp op = e->op;
  const size_t n = e->literals.size();
  if (IsUnaryPredicate(op) && n != 0) {
    return Status::InvalidArgument("filter on '{}': {} takes no literal", name, ExprOpName(op));
  }
  if (!IsUnaryPredicate(op) && !IsSetPredicate(op) && n != 1) {
    return Status::InvalidArgument("filter on '{}': {} takes one literal", name, ExprOpName(op));
  }
  if ((op == ExprOp::kIsNan || op == ExprOp::kNotNan) && type.kind != TypeKind::kFloat &&
      type.kind != TypeKind::kDouble) {
    return Status::InvalidArgument("filter on '{}': is_nan needs a float or double column, not {}",
                                   name, type.ToString());
  }
  if ((op == ExprOp::kStartsWith || op == ExprOp::kNotStartsWith) &&
      type.kind != TypeKind::kString) {
    return Status::InvalidArgument(
        "filter on '{}': LIKE / starts_with needs a string column, not {}", name, type.ToString());
  }
  std::vector<Value> values;
  values.reserve(n);
  for (const Literal& l : e->literals) {
    FLOE_ASSIGN_OR_RETURN(Value v, ConvertLiteral(l, type, name));
    const bool nan = (std::holds_alternative<double>(v) && std::isnan(std::get<double>(v))) ||
                     (std::holds_alternative<float>(v) && std::isnan(std::get<float>(v)));
    if (nan) {
      return Status::InvalidArgument("filter on '{}': NaN cannot be compared; use is_nan({})", name,
                                     name);
    }
    values.push_back(std::move(v));
  }
  // Constant results the schema decides.
  if (field->required && op == ExprOp::kIsNull) return expr::False();
  if (field->required && op == ExprOp::kNotNull) return expr::True();
  if (IsSetPredicate(op)) {
    std::sort(values.begin(), values.end(),
              [](const Value& a, const Value& b) { return CompareValues(a, b) < 0; });
    values.erase(
        std::unique(values.begin(), values.end(),
                    [](const Value& a, const Value& b) { return CompareValues(a, b) == 0; }),
        values.end());
    if (values.empty()) return op == ExprOp::kIn ? expr::False() : expr::True();
  }
  ExprOp bound_op = op;
  if (values.size() == 1 && op == ExprOp::kIn) bound_op = ExprOp::kEq;
  if (values.size() == 1 && op == ExprOp::kNotIn) bound_op = ExprOp::kNotEq;
  return expr::BoundPredicate(bound_op, field->id, name, field->type, std::move(values));
}

ExprPtr RewriteNotRec(const ExprPtr& e, bool negate) {
  switch (e->op) {
    case ExprOp::kTrue:
    case ExprOp::kFalse:
      return negate ? expr::Not(e) : e;
    case ExprOp::kAnd:
    case ExprOp::kOr: {
      ExprPtr l = RewriteNotRec(e->left, negate);
      ExprPtr r = RewriteNotRec(e->right, negate);
      const bool is_and = (e->op == ExprOp::kAnd) != negate;
      return is_and ? expr::And(std::move(l), std::move(r)) : expr::Or(std::move(l), std::move(r));
    }
    case ExprOp::kNot:
      return RewriteNotRec(e->left, !negate);
    default: {
      if (!negate) return e;
      Expression n = *e;
      n.op = NegateOp(e->op);
      return std::make_shared<const Expression>(std::move(n));
    }
  }
}

}  // namespace

Result<ExprPtr> Bind(const ExprPtr& e, const Schema& schema) {
  if (e == nullptr) return expr::True();
  return BindRec(e, schema, 0);
}

ExprPtr RewriteNot(const ExprPtr& e) { return RewriteNotRec(e, false); }

}  // namespace floe::iceberg
