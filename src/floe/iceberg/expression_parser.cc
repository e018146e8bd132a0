#include "floe/iceberg/expression_parser.h"

#include <string>
#include <utility>
#include <vector>

namespace floe::iceberg {

namespace {

enum class Tok : uint8_t { kEnd, kIdent, kQuotedIdent, kString, kNumber, kSymbol };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // identifier, unescaped string, number text, or the symbol
  size_t offset = 0;
};

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<ExprPtr> Parse() {
    FLOE_RETURN_IF_ERROR(Tokenize());
    FLOE_ASSIGN_OR_RETURN(ExprPtr e, ParseOr(0));
    if (Peek().kind != Tok::kEnd) return Error(Peek(), "expected AND, OR or the end");
    return e;
  }

 private:
  template <typename... Args>
  Status ErrorAt(size_t offset, fmt::format_string<Args...> f, Args&&... args) {
    return Status::InvalidArgument("filter: offset {}: {}", offset,
                                   fmt::format(f, std::forward<Args>(args)...));
  }
  Status Error(const Token& t, std::string_view what) {
    return ErrorAt(t.offset, "{}, found {}", what, Describe(t));
  }
  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case Tok::kEnd:
        return "the end";
      case Tok::kString:
        return "string '" + t.text + "'";
      case Tok::kQuotedIdent:
        return "\"" + t.text + "\"";
      default:
        return "'" + t.text + "'";
    }
  }

  Status Tokenize() {
    size_t i = 0;
    const size_t n = text_.size();
    while (true) {
      while (i < n &&
             (text_[i] == ' ' || text_[i] == '\t' || text_[i] == '\n' || text_[i] == '\r')) {
        ++i;
      }
      Token t;
      t.offset = i;
      if (i >= n) {
        tokens_.push_back(std::move(t));
        return Status::OK();
      }
      const char c = text_[i];
      if (IsIdentStart(c)) {
        size_t j = i;
        while (j < n && IsIdentChar(text_[j])) ++j;
        t.kind = Tok::kIdent;
        t.text = std::string(text_.substr(i, j - i));
        i = j;
      } else if (c == '"' || c == '\'') {
        t.kind = c == '"' ? Tok::kQuotedIdent : Tok::kString;
        size_t j = i + 1;
        bool closed = false;
        while (j < n) {
          if (text_[j] == c) {
            if (j + 1 < n && text_[j + 1] == c) {
              t.text += c;
              j += 2;
              continue;
            }
            closed = true;
            ++j;
            break;
          }
          t.text += text_[j++];
        }
        if (!closed) {
          return ErrorAt(i, "unterminated {}", c == '"' ? "quoted identifier" : "string");
        }
        if (t.kind == Tok::kQuotedIdent && t.text.empty()) return ErrorAt(i, "empty identifier");
        i = j;
      } else if (IsDigit(c) || (c == '.' && i + 1 < n && IsDigit(text_[i + 1]))) {
        size_t j = i;
        while (j < n && IsDigit(text_[j])) ++j;
        if (j < n && text_[j] == '.') {
          ++j;
          while (j < n && IsDigit(text_[j])) ++j;
        }
        if (j < n && (text_[j] == 'e' || text_[j] == 'E')) {
          size_t k = j + 1;
          if (k < n && (text_[k] == '+' || text_[k] == '-')) ++k;
          if (k < n && IsDigit(text_[k])) {
            while (k < n && IsDigit(text_[k])) ++k;
            j = k;
          }
        }
        if (j < n && IsIdentChar(text_[j])) return ErrorAt(j, "malformed number");
        t.kind = Tok::kNumber;
        t.text = std::string(text_.substr(i, j - i));
        i = j;
      } else {
        static const char* const kSymbols[] = {"<=", ">=", "<>", "!=", "==", "=", "<",
                                               ">",  "(",  ")",  ",",  ".",  "-", "+"};
        bool found = false;
        for (const char* s : kSymbols) {
          std::string_view sv(s);
          if (text_.substr(i).starts_with(sv)) {
            t.kind = Tok::kSymbol;
            t.text = std::string(sv);
            i += sv.size();
            found = true;
            break;
          }
        }
        if (!found) return ErrorAt(i, "unexpected character '{}'", c);
      }
      tokens_.push_back(std::move(t));
    }
  }

  const Token& Peek(size_t ahead = 0) const {
    const size_t k = pos_ + ahead;
    return k < tokens_.size() ? tokens_[k] : tokens_.back();
  }
  const Token& Next() {
    const Token& t = Peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  bool IsKeyword(const Token& t, std::string_view kw) const {
    return t.kind == Tok::kIdent && EqualsIgnoreCase(t.text, kw);
  }
  bool IsSymbol(const Token& t, std::string_view s) const {
    return t.kind == Tok::kSymbol && t.text == s;
  }
  bool AcceptKeyword(std::string_view kw) {
    if (!IsKeyword(Peek(), kw)) return false;
    Next();
    return true;
  }
  bool AcceptSymbol(std::string_view s) {
    if (!IsSymbol(Peek(), s)) return false;
    Next();
    return true;
  }
  Status ExpectSymbol(std::string_view s) {
    if (!AcceptSymbol(s)) return Error(Peek(), fmt::format("expected '{}'", s));
    return Status::OK();
  }

  // Chains of AND / OR build balanced trees, so long flat filters stay shallow.
  static ExprPtr Balanced(std::vector<ExprPtr>& v, size_t lo, size_t hi, bool is_and) {
    if (hi - lo == 1) return v[lo];
    const size_t mid = lo + (hi - lo + 1) / 2;
    ExprPtr l = Balanced(v, lo, mid, is_and);
    ExprPtr r = Balanced(v, mid, hi, is_and);
    return is_and ? expr::And(std::move(l), std::move(r)) : expr::Or(std::move(l), std::move(r));
  }

  Result<ExprPtr> ParseOr(int depth) {
    std::vector<ExprPtr> terms;
    FLOE_ASSIGN_OR_RETURN(ExprPtr first, ParseAnd(depth));
    terms.push_back(std::move(first));
    while (AcceptKeyword("or")) {
      FLOE_ASSIGN_OR_RETURN(ExprPtr next, ParseAnd(depth));
      terms.push_back(std::move(next));
    }
    return Balanced(terms, 0, terms.size(), false);
  }

  Result<ExprPtr> ParseAnd(int depth) {
    std::vector<ExprPtr> terms;
    FLOE_ASSIGN_OR_RETURN(ExprPtr first, ParseUnary(depth));
    terms.push_back(std::move(first));
    while (AcceptKeyword("and")) {
      FLOE_ASSIGN_OR_RETURN(ExprPtr next, ParseUnary(depth));
      terms.push_back(std::move(next));
    }
    return Balanced(terms, 0, terms.size(), true);
  }

  Result<ExprPtr> ParseUnary(int depth) {
    if (depth >= kMaxFilterDepth) return ErrorAt(Peek().offset, "nested too deeply");
    const Token& t = Peek();
    if (IsKeyword(t, "not")) {
      Next();
      FLOE_ASSIGN_OR_RETURN(ExprPtr e, ParseUnary(depth + 1));
      return expr::Not(std::move(e));
    }
    if (IsSymbol(t, "(")) {
      Next();
      FLOE_ASSIGN_OR_RETURN(ExprPtr e, ParseOr(depth + 1));
      FLOE_RETURN_IF_ERROR(ExpectSymbol(")"));
      return e;
    }
    if ((IsKeyword(t, "true") || IsKeyword(t, "false")) && !IsComparison(Peek(1))) {
      Next();
      return IsKeyword(t, "true") ? expr::True() : expr::False();
    }
    if ((IsKeyword(t, "is_nan") || IsKeyword(t, "isnan")) && IsSymbol(Peek(1), "(")) {
      Next();
      Next();
      FLOE_ASSIGN_OR_RETURN(std::string column, ParseColumn());
      FLOE_RETURN_IF_ERROR(ExpectSymbol(")"));
      return expr::IsNan(std::move(column));
    }
    if (IsKeyword(t, "starts_with") && IsSymbol(Peek(1), "(")) {
      Next();
      Next();
      FLOE_ASSIGN_OR_RETURN(std::string column, ParseColumn());
      FLOE_RETURN_IF_ERROR(ExpectSymbol(","));
      const Token& s = Next();
      if (s.kind != Tok::kString) return Error(s, "expected a string prefix");
      FLOE_RETURN_IF_ERROR(ExpectSymbol(")"));
      return expr::StartsWith(std::move(column), s.text);
    }
    if (t.kind == Tok::kNumber || t.kind == Tok::kString || IsSymbol(t, "-") || IsSymbol(t, "+") ||
        IsKeyword(t, "true") || IsKeyword(t, "false")) {
      // literal op column
      FLOE_ASSIGN_OR_RETURN(Literal lit, ParseLiteral());
      const Token& op_tok = Peek();
      FLOE_ASSIGN_OR_RETURN(ExprOp op, ParseComparison());
      (void)op_tok;
      FLOE_ASSIGN_OR_RETURN(std::string column, ParseColumn());
      return expr::Predicate(Flip(op), std::move(column), {std::move(lit)});
    }
    return ParsePredicate();
  }

  static ExprOp Flip(ExprOp op) {
    switch (op) {
      case ExprOp::kLt:
        return ExprOp::kGt;
      case ExprOp::kLtEq:
        return ExprOp::kGtEq;
      case ExprOp::kGt:
        return ExprOp::kLt;
      case ExprOp::kGtEq:
        return ExprOp::kLtEq;
      default:
        return op;
    }
  }

  bool IsComparison(const Token& t) const {
    return t.kind == Tok::kSymbol &&
           (t.text == "=" || t.text == "==" || t.text == "!=" || t.text == "<>" || t.text == "<" ||
            t.text == "<=" || t.text == ">" || t.text == ">=");
  }

  Result<ExprOp> ParseComparison() {
    const Token& t = Peek();
    if (!IsComparison(t)) return Error(t, "expected a comparison (=, !=, <, <=, >, >=)");
    Next();
    if (t.text == "=" || t.text == "==") return ExprOp::kEq;
    if (t.text == "!=" || t.text == "<>") return ExprOp::kNotEq;
    if (t.text == "<") return ExprOp::kLt;
    if (t.text == "<=") return ExprOp::kLtEq;
    if (t.text == ">") return ExprOp::kGt;
    return ExprOp::kGtEq;
  }

  Result<std::string> ParseColumn() {
    std::string name;
    while (true) {
      const Token& t = Peek();
      if (t.kind == Tok::kQuotedIdent) {
        name += t.text;
      } else if (t.kind == Tok::kIdent && !IsReserved(t)) {
        name += t.text;
      } else {
        return Error(t, "expected a column name");
      }
      Next();
      if (!AcceptSymbol(".")) return name;
      name += '.';
    }
  }

  bool IsReserved(const Token& t) const {
    static const char* const kReserved[] = {"and", "or", "not", "in", "is", "null", "like"};
    for (const char* k : kReserved) {
      if (IsKeyword(t, k)) return true;
    }
    return false;
  }

  Result<Literal> ParseLiteral() {
    const Token& t = Peek();
    if (t.kind == Tok::kString) {
      Next();
      return Literal::String(t.text);
    }
    if (IsKeyword(t, "true") || IsKeyword(t, "false")) {
      Next();
      return Literal::Bool(IsKeyword(t, "true"));
    }
    if (IsKeyword(t, "null")) {
      return ErrorAt(t.offset, "null is not a value to compare with; use IS NULL / IS NOT NULL");
    }
    std::string sign;
    if (IsSymbol(t, "-") || IsSymbol(t, "+")) {
      sign = t.text == "-" ? "-" : "";
      Next();
    }
    const Token& num = Peek();
    if (num.kind != Tok::kNumber)
      return Error(num, "expected a literal (number, 'string', true, false)");
    Next();
    return Literal::Number(sign + num.text);
  }

  Result<ExprPtr> ParsePredicate() {
    FLOE_ASSIGN_OR_RETURN(std::string column, ParseColumn());
    const Token& t = Peek();
    if (IsKeyword(t, "is")) {
      Next();
      const bool negated = AcceptKeyword("not");
      if (AcceptKeyword("null")) return negated ? expr::NotNull(column) : expr::IsNull(column);
      if (AcceptKeyword("nan")) return negated ? expr::NotNan(column) : expr::IsNan(column);
      return Error(Peek(), "expected NULL or NAN after IS");
    }
    bool negated = false;
    if (IsKeyword(t, "not")) {
      Next();
      negated = true;
      if (!IsKeyword(Peek(), "in") && !IsKeyword(Peek(), "like")) {
        return Error(Peek(), "expected IN or LIKE after NOT");
      }
    }
    if (AcceptKeyword("in")) {
      FLOE_RETURN_IF_ERROR(ExpectSymbol("("));
      std::vector<Literal> values;
      while (true) {
        FLOE_ASSIGN_OR_RETURN(Literal l, ParseLiteral());
        values.push_back(std::move(l));
        if (AcceptSymbol(")")) break;
        FLOE_RETURN_IF_ERROR(ExpectSymbol(","));
      }
      return negated ? expr::NotIn(column, std::move(values)) : expr::In(column, std::move(values));
    }
    if (IsKeyword(Peek(), "like")) {
      Next();
      const Token& p = Peek();
      if (p.kind != Tok::kString) return Error(p, "expected a 'pattern' after LIKE");
      Next();
      // The string token's offset is its opening quote; content starts one later.
      std::string prefix;
      bool trailing_percent = false;
      const std::string& s = p.text;
      for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\\' && i + 1 < s.size()) {
          prefix += s[++i];
        } else if (c == '%' && i + 1 == s.size()) {
          trailing_percent = true;
        } else if (c == '%' || c == '_') {
          return ErrorAt(p.offset,
                         "LIKE supports only prefix patterns ('abc%'); '{}' has a {} wildcard here",
                         s, c == '%' ? "non-trailing %" : "_");
        } else {
          prefix += c;
        }
      }
      if (trailing_percent) {
        return negated ? expr::NotStartsWith(column, prefix) : expr::StartsWith(column, prefix);
      }
      return negated ? expr::NotEqual(column, Literal::String(prefix))
                     : expr::Equal(column, Literal::String(prefix));
    }
    if (negated) return Error(Peek(), "expected IN or LIKE after NOT");
    FLOE_ASSIGN_OR_RETURN(ExprOp op, ParseComparison());
    FLOE_ASSIGN_OR_RETURN(Literal lit, ParseLiteral());
    return expr::Predicate(op, std::move(column), {std::move(lit)});
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

Result<ExprPtr> ParseExpression(std::string_view text) {
  if (text.size() > (size_t{1} << 24)) {
    return Status::InvalidArgument("filter: {} bytes is too long", text.size());
  }
  Parser p(text);
  return p.Parse();
}

}  // namespace floe::iceberg
