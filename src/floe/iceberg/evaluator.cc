#include "floe/iceberg/evaluator.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>
#include <type_traits>

#include "floe/iceberg/single_value.h"

namespace floe::iceberg {

namespace {

// Total order used by the evaluators: NaN after every number, -0.0 == 0.0.
template <typename T>
inline int Cmp(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) {
    const bool an = std::isnan(a), bn = std::isnan(b);
    if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  }
  return a < b ? -1 : (b < a ? 1 : 0);
}

bool IsNanValue(const Value& v) {
  if (const double* d = std::get_if<double>(&v)) return std::isnan(*d);
  if (const float* f = std::get_if<float>(&v)) return std::isnan(*f);
  return false;
}

bool IsIntegral(const Value& v) {
  return std::holds_alternative<int32_t>(v) || std::holds_alternative<int64_t>(v) ||
         std::holds_alternative<__int128>(v);
}
__int128 AsInt128(const Value& v) {
  if (const int32_t* i = std::get_if<int32_t>(&v)) return *i;
  if (const int64_t* l = std::get_if<int64_t>(&v)) return *l;
  return std::get<__int128>(v);
}
bool IsFloating(const Value& v) {
  return std::holds_alternative<float>(v) || std::holds_alternative<double>(v);
}
double AsDouble(const Value& v) {
  if (const float* f = std::get_if<float>(&v)) return *f;
  return std::get<double>(v);
}

// Compares non-null values that may differ in width (int vs long, float vs double, as
// after type promotion). False when they are not comparable.
bool CompareMixed(const Value& a, const Value& b, int* out) {
  if (IsNull(a) || IsNull(b)) return false;
  if (a.index() == b.index()) {
    *out = CompareValues(a, b);
    return true;
  }
  if (IsIntegral(a) && IsIntegral(b)) {
    *out = Cmp(AsInt128(a), AsInt128(b));
    return true;
  }
  if (IsFloating(a) && IsFloating(b)) {
    *out = Cmp(AsDouble(a), AsDouble(b));
    return true;
  }
  return false;
}

bool StartsWith(const Value& v, const Value& prefix) {
  const std::string* s = std::get_if<std::string>(&v);
  const std::string* p = std::get_if<std::string>(&prefix);
  return s != nullptr && p != nullptr && std::string_view(*s).starts_with(*p);
}

}  // namespace

bool TestValue(ExprOp op, const Value& v, const std::vector<Value>& values) {
  if (IsNull(v)) return op == ExprOp::kIsNull || op == ExprOp::kNotNan;
  int c = 0;
  auto cmp0 = [&]() { return !values.empty() && CompareMixed(v, values[0], &c); };
  auto in_set = [&]() {
    for (const Value& x : values) {
      if (CompareMixed(v, x, &c) && c == 0) return true;
    }
    return false;
  };
  switch (op) {
    case ExprOp::kIsNull:
      return false;
    case ExprOp::kNotNull:
      return true;
    case ExprOp::kIsNan:
      return IsNanValue(v);
    case ExprOp::kNotNan:
      return !IsNanValue(v);
    case ExprOp::kLt:
      return cmp0() && c < 0;
    case ExprOp::kLtEq:
      return cmp0() && c <= 0;
    case ExprOp::kGt:
      return cmp0() && c > 0;
    case ExprOp::kGtEq:
      return cmp0() && c >= 0;
    case ExprOp::kEq:
      return cmp0() && c == 0;
    case ExprOp::kNotEq:
      return cmp0() && c != 0;
    case ExprOp::kIn:
      return in_set();
    case ExprOp::kNotIn:
      return !in_set();
    case ExprOp::kStartsWith:
      return !values.empty() && StartsWith(v, values[0]);
    case ExprOp::kNotStartsWith:
      return !values.empty() && std::holds_alternative<std::string>(v) && !StartsWith(v, values[0]);
    default:
      return op == ExprOp::kTrue;
  }
}

// ---- Rows ----------------------------------------------------------------------------

namespace {

// Finds the column of field `id` in `fields`/`columns`, descending into structs; the path
// of columns from the top level to the leaf goes to *path.
bool FindColumn(const std::vector<floe::Field>& fields, const std::vector<ColumnPtr>& columns,
                int32_t id, std::vector<const Column*>* path) {
  for (size_t i = 0; i < fields.size() && i < columns.size(); ++i) {
    if (fields[i].id == id) {
      path->push_back(columns[i].get());
      return true;
    }
    if (fields[i].type->id == TypeId::kStruct) {
      path->push_back(columns[i].get());
      if (FindColumn(fields[i].type->children, columns[i]->children, id, path)) return true;
      path->pop_back();
    }
  }
  return false;
}

// out[i] = op(load(i), lits) for every row, ignoring nulls. L is the comparison type.
template <typename L, typename Load>
void CompareRows(ExprOp op, int64_t n, Load&& load, const std::vector<L>& lits, uint8_t* out) {
  const L lit = lits.empty() ? L{} : lits[0];
  switch (op) {
    case ExprOp::kLt:
      for (int64_t i = 0; i < n; ++i) out[i] = Cmp<L>(load(i), lit) < 0;
      return;
    case ExprOp::kLtEq:
      for (int64_t i = 0; i < n; ++i) out[i] = Cmp<L>(load(i), lit) <= 0;
      return;
    case ExprOp::kGt:
      for (int64_t i = 0; i < n; ++i) out[i] = Cmp<L>(load(i), lit) > 0;
      return;
    case ExprOp::kGtEq:
      for (int64_t i = 0; i < n; ++i) out[i] = Cmp<L>(load(i), lit) >= 0;
      return;
    case ExprOp::kEq:
      for (int64_t i = 0; i < n; ++i) out[i] = Cmp<L>(load(i), lit) == 0;
      return;
    case ExprOp::kNotEq:
      for (int64_t i = 0; i < n; ++i) out[i] = Cmp<L>(load(i), lit) != 0;
      return;
    case ExprOp::kIn:
    case ExprOp::kNotIn: {
      const bool in = op == ExprOp::kIn;
      auto less = [](const L& a, const L& b) { return Cmp<L>(a, b) < 0; };
      if (lits.size() <= 8) {
        for (int64_t i = 0; i < n; ++i) {
          const L v = load(i);
          bool found = false;
          for (const L& x : lits) found |= Cmp<L>(v, x) == 0;
          out[i] = found == in;
        }
      } else {
        for (int64_t i = 0; i < n; ++i) {
          out[i] = std::binary_search(lits.begin(), lits.end(), load(i), less) == in;
        }
      }
      return;
    }
    default:
      for (int64_t i = 0; i < n; ++i) out[i] = 0;
      return;
  }
}

template <typename T>
std::vector<T> LiteralsAs(const std::vector<Value>& values) {
  std::vector<T> out;
  out.reserve(values.size());
  for (const Value& v : values) {
    if constexpr (std::is_same_v<T, int64_t>) {
      out.push_back(static_cast<int64_t>(AsInt128(v)));
    } else if constexpr (std::is_same_v<T, double>) {
      out.push_back(AsDouble(v));
    } else if constexpr (std::is_same_v<T, __int128>) {
      out.push_back(AsInt128(v));
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      out.push_back(std::get<std::string>(v));
    } else if constexpr (std::is_same_v<T, uint8_t>) {
      out.push_back(std::get<bool>(v) ? 1 : 0);
    }
  }
  return out;
}

// The columnar time unit an Iceberg type reads as, for unit checks.
std::optional<TimeUnit> ExpectedUnit(const Type& t) {
  switch (t.kind) {
    case TypeKind::kTime:
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampTz:
      return TimeUnit::kMicro;
    case TypeKind::kTimestampNs:
    case TypeKind::kTimestampTzNs:
      return TimeUnit::kNano;
    default:
      return std::nullopt;
  }
}

Status EvalLeaf(const Expression& e, const Column& col, int64_t n, uint8_t* out) {
  const DataType& t = *col.type;
  const ExprOp op = e.op;
  auto mismatch = [&]() {
    return Status::InvalidArgument("filter on '{}' ({}): batch column has type {}", e.column,
                                   e.type->ToString(), t.ToString());
  };
  if (op == ExprOp::kIsNan || op == ExprOp::kNotNan) {
    const bool is = op == ExprOp::kIsNan;
    if (t.id == TypeId::kFloat32) {
      const float* v = col.Values<float>();
      for (int64_t i = 0; i < n; ++i) out[i] = std::isnan(v[i]) == is;
    } else if (t.id == TypeId::kFloat64) {
      const double* v = col.Values<double>();
      for (int64_t i = 0; i < n; ++i) out[i] = std::isnan(v[i]) == is;
    } else {
      return mismatch();
    }
    return Status::OK();
  }
  if (op == ExprOp::kStartsWith || op == ExprOp::kNotStartsWith) {
    if (!t.IsVarBinary() || e.values.empty()) return mismatch();
    const std::string& p = std::get<std::string>(e.values[0]);
    const bool is = op == ExprOp::kStartsWith;
    for (int64_t i = 0; i < n; ++i) out[i] = col.StringAt(i).starts_with(p) == is;
    return Status::OK();
  }
  if (std::optional<TimeUnit> unit = ExpectedUnit(*e.type)) {
    if ((t.id != TypeId::kTimestamp && t.id != TypeId::kTime) || t.unit != *unit) {
      return mismatch();
    }
  }
  switch (t.id) {
    case TypeId::kBool: {
      if (e.type->kind != TypeKind::kBoolean) return mismatch();
      const uint8_t* v = col.Values<uint8_t>();
      CompareRows<uint8_t>(
          op, n, [&](int64_t i) -> uint8_t { return v[i] != 0; }, LiteralsAs<uint8_t>(e.values),
          out);
      return Status::OK();
    }
    case TypeId::kInt8: {
      const int8_t* v = col.Values<int8_t>();
      CompareRows<int64_t>(
          op, n, [&](int64_t i) -> int64_t { return v[i]; }, LiteralsAs<int64_t>(e.values), out);
      return Status::OK();
    }
    case TypeId::kInt16: {
      const int16_t* v = col.Values<int16_t>();
      CompareRows<int64_t>(
          op, n, [&](int64_t i) -> int64_t { return v[i]; }, LiteralsAs<int64_t>(e.values), out);
      return Status::OK();
    }
    case TypeId::kInt32:
    case TypeId::kDate: {
      if (e.values.empty() ? false : !IsIntegral(e.values[0])) return mismatch();
      const int32_t* v = col.Values<int32_t>();
      CompareRows<int64_t>(
          op, n, [&](int64_t i) -> int64_t { return v[i]; }, LiteralsAs<int64_t>(e.values), out);
      return Status::OK();
    }
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp: {
      if (e.values.empty() ? false : !IsIntegral(e.values[0])) return mismatch();
      const int64_t* v = col.Values<int64_t>();
      CompareRows<int64_t>(
          op, n, [&](int64_t i) -> int64_t { return v[i]; }, LiteralsAs<int64_t>(e.values), out);
      return Status::OK();
    }
    case TypeId::kFloat32: {
      if (e.values.empty() ? false : !IsFloating(e.values[0])) return mismatch();
      const float* v = col.Values<float>();
      CompareRows<double>(
          op, n, [&](int64_t i) -> double { return v[i]; }, LiteralsAs<double>(e.values), out);
      return Status::OK();
    }
    case TypeId::kFloat64: {
      if (e.values.empty() ? false : !IsFloating(e.values[0])) return mismatch();
      const double* v = col.Values<double>();
      CompareRows<double>(
          op, n, [&](int64_t i) -> double { return v[i]; }, LiteralsAs<double>(e.values), out);
      return Status::OK();
    }
    case TypeId::kDecimal: {
      if (e.type->kind != TypeKind::kDecimal || t.scale != e.type->scale) return mismatch();
      const __int128* v = col.Values<__int128>();
      CompareRows<__int128>(
          op, n, [&](int64_t i) -> __int128 { return v[i]; }, LiteralsAs<__int128>(e.values), out);
      return Status::OK();
    }
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kEnum:
    case TypeId::kJson: {
      if (e.values.empty() ? false : !std::holds_alternative<std::string>(e.values[0])) {
        return mismatch();
      }
      CompareRows<std::string_view>(
          op, n, [&](int64_t i) { return col.StringAt(i); }, LiteralsAs<std::string_view>(e.values),
          out);
      return Status::OK();
    }
    case TypeId::kFixedBinary:
    case TypeId::kUuid: {
      if (e.values.empty() ? false : !std::holds_alternative<std::string>(e.values[0])) {
        return mismatch();
      }
      CompareRows<std::string_view>(
          op, n, [&](int64_t i) { return col.FixedAt(i); }, LiteralsAs<std::string_view>(e.values),
          out);
      return Status::OK();
    }
    default:
      return mismatch();
  }
}

Status EvalRows(const Expression& e, const RecordBatch& batch, uint8_t* out, int depth) {
  const int64_t n = batch.num_rows;
  if (depth > 10000) return Status::InvalidArgument("filter is nested too deeply");
  switch (e.op) {
    case ExprOp::kTrue:
    case ExprOp::kFalse:
      std::fill(out, out + n, e.op == ExprOp::kTrue ? 1 : 0);
      return Status::OK();
    case ExprOp::kAnd:
    case ExprOp::kOr: {
      FLOE_RETURN_IF_ERROR(EvalRows(*e.left, batch, out, depth + 1));
      std::vector<uint8_t> rhs(static_cast<size_t>(n));
      FLOE_RETURN_IF_ERROR(EvalRows(*e.right, batch, rhs.data(), depth + 1));
      if (e.op == ExprOp::kAnd) {
        for (int64_t i = 0; i < n; ++i) out[i] &= rhs[static_cast<size_t>(i)];
      } else {
        for (int64_t i = 0; i < n; ++i) out[i] |= rhs[static_cast<size_t>(i)];
      }
      return Status::OK();
    }
    case ExprOp::kNot:
      return Status::InvalidArgument("internal: NOT reached the row evaluator");
    default:
      break;
  }
  if (!e.bound) return Status::InvalidArgument("filter on '{}' is not bound", e.column);
  std::vector<const Column*> path;
  const bool found =
      batch.schema != nullptr && FindColumn(batch.schema->fields, batch.columns, e.field_id, &path);
  // Validity of each row: every column on the path present.
  std::vector<uint8_t> valid;
  bool all_valid = found;
  if (found) {
    for (const Column* c : path) {
      if (c->length < n) {
        return Status::InvalidArgument("filter on '{}': column shorter than the batch", e.column);
      }
      if (c->null_count == 0) continue;
      if (all_valid) valid.assign(static_cast<size_t>(n), 1);
      all_valid = false;
      const uint8_t* bits = c->validity.data();
      for (int64_t i = 0; i < n; ++i) valid[static_cast<size_t>(i)] &= GetBit(bits, i);
    }
  } else {
    valid.assign(static_cast<size_t>(n), 0);
  }
  if (e.op == ExprOp::kIsNull || e.op == ExprOp::kNotNull) {
    const uint8_t want = e.op == ExprOp::kNotNull;
    for (int64_t i = 0; i < n; ++i) {
      out[i] = (all_valid ? 1 : valid[static_cast<size_t>(i)]) == want;
    }
    return Status::OK();
  }
  if (!found) {
    std::fill(out, out + n, e.op == ExprOp::kNotNan ? 1 : 0);
    return Status::OK();
  }
  FLOE_RETURN_IF_ERROR(EvalLeaf(e, *path.back(), n, out));
  if (!all_valid) {
    if (e.op == ExprOp::kNotNan) {
      for (int64_t i = 0; i < n; ++i) out[i] |= !valid[static_cast<size_t>(i)];
    } else {
      for (int64_t i = 0; i < n; ++i) out[i] &= valid[static_cast<size_t>(i)];
    }
  }
  return Status::OK();
}

}  // namespace

Status EvaluateRows(const Expression& bound, const RecordBatch& batch,
                    std::vector<uint8_t>* match) {
  match->assign(static_cast<size_t>(std::max<int64_t>(batch.num_rows, 0)), 0);
  // Shares the tree when there is no NOT to rewrite.
  ExprPtr rewritten = RewriteNot(std::make_shared<const Expression>(bound));
  return EvalRows(*rewritten, batch, match->data(), 0);
}

std::vector<RowRange> MatchToRanges(const std::vector<uint8_t>& match) {
  std::vector<RowRange> out;
  const int64_t n = static_cast<int64_t>(match.size());
  for (int64_t i = 0; i < n;) {
    if (!match[static_cast<size_t>(i)]) {
      ++i;
      continue;
    }
    int64_t j = i + 1;
    while (j < n && match[static_cast<size_t>(j)]) ++j;
    out.push_back({i, j});
    i = j;
  }
  return out;
}

// ---- Metrics -------------------------------------------------------------------------

namespace {

struct FieldMetrics {
  std::optional<int64_t> values, nulls, nans;
  std::optional<Value> lower, upper;  // decoded, never NaN
  bool floating = false;

  bool AllNull() const { return values && nulls && *nulls == *values; }
  bool AllNan() const { return values && nans && *nans == *values; }
  bool NoNulls() const { return nulls && *nulls == 0; }
  // No NaN can be present: known zero NaNs, or not a float column.
  bool NoNans() const { return !floating || (nans && *nans == 0); }
};

std::optional<int64_t> Find(const std::map<int32_t, int64_t>& m, int32_t id) {
  auto it = m.find(id);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

std::optional<Value> Bound(const std::map<int32_t, std::string>& m, const Type& type, int32_t id) {
  if (type.kind == TypeKind::kUuid) return std::nullopt;  // writers disagree on uuid order
  auto it = m.find(id);
  if (it == m.end()) return std::nullopt;
  Result<Value> v = DecodeSingleValue(type, it->second);
  if (!v.ok() || IsNanValue(*v)) return std::nullopt;
  return std::move(*v);
}

FieldMetrics MetricsOf(const DataFile& f, const Expression& e) {
  FieldMetrics m;
  m.values = Find(f.value_counts, e.field_id);
  m.nulls = Find(f.null_value_counts, e.field_id);
  m.nans = Find(f.nan_value_counts, e.field_id);
  m.floating = e.type->kind == TypeKind::kFloat || e.type->kind == TypeKind::kDouble;
  if (!IsUnaryPredicate(e.op)) {
    m.lower = Bound(f.lower_bounds, *e.type, e.field_id);
    m.upper = Bound(f.upper_bounds, *e.type, e.field_id);
  }
  return m;
}

// cmp(a, b) when both are comparable.
std::optional<int> CmpOpt(const std::optional<Value>& a, const Value& b) {
  if (!a) return std::nullopt;
  int c = 0;
  if (!CompareMixed(*a, b, &c)) return std::nullopt;
  return c;
}

// The first `n` bytes of a string bound compared with `prefix` (bytes).
std::optional<int> PrefixCmp(const std::optional<Value>& bound, const std::string& prefix) {
  if (!bound) return std::nullopt;
  const std::string* s = std::get_if<std::string>(&*bound);
  if (s == nullptr) return std::nullopt;
  const int c = std::string_view(*s).substr(0, prefix.size()).compare(prefix);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool PredicateMightMatch(const Expression& e, const DataFile& f) {
  const FieldMetrics m = MetricsOf(f, e);
  const std::vector<Value>& lits = e.values;
  switch (e.op) {
    case ExprOp::kIsNull:
      return !(m.nulls && *m.nulls == 0);
    case ExprOp::kNotNull:
      return !m.AllNull();
    case ExprOp::kIsNan:
      if (m.nans && *m.nans == 0) return false;
      return !m.AllNull();
    case ExprOp::kNotNan:
      return !m.AllNan();
    default:
      break;
  }
  if (m.AllNull()) return false;  // every remaining predicate is unknown on null
  switch (e.op) {
    case ExprOp::kLt:
    case ExprOp::kLtEq: {
      if (m.AllNan()) return false;
      std::optional<int> c = CmpOpt(m.lower, lits[0]);
      if (c && (e.op == ExprOp::kLt ? *c >= 0 : *c > 0)) return false;
      return true;
    }
    case ExprOp::kGt:
    case ExprOp::kGtEq: {
      if (!m.NoNans()) return true;  // NaN sorts after every number
      std::optional<int> c = CmpOpt(m.upper, lits[0]);
      if (c && (e.op == ExprOp::kGt ? *c <= 0 : *c < 0)) return false;
      return true;
    }
    case ExprOp::kEq: {
      if (m.AllNan()) return false;
      std::optional<int> lo = CmpOpt(m.lower, lits[0]);
      if (lo && *lo > 0) return false;
      std::optional<int> hi = CmpOpt(m.upper, lits[0]);
      if (hi && *hi < 0) return false;
      return true;
    }
    case ExprOp::kNotEq: {
      if (!m.NoNans()) return true;
      std::optional<int> lo = CmpOpt(m.lower, lits[0]);
      std::optional<int> hi = CmpOpt(m.upper, lits[0]);
      return !(lo && hi && *lo == 0 && *hi == 0);  // every non-null value equals it
    }
    case ExprOp::kIn: {
      if (m.AllNan()) return false;
      for (const Value& v : lits) {
        std::optional<int> lo = CmpOpt(m.lower, v);
        std::optional<int> hi = CmpOpt(m.upper, v);
        if ((!lo || *lo <= 0) && (!hi || *hi >= 0)) return true;
      }
      return false;
    }
    case ExprOp::kNotIn: {
      if (!m.NoNans()) return true;
      std::optional<int> lo = CmpOpt(m.lower, lits[0]);
      std::optional<int> hi = CmpOpt(m.upper, lits[0]);
      // Only a file holding one value, which is in the set, is ruled out.
      if (lo && hi && *lo == 0 && *hi == 0) return false;
      if (m.lower && m.upper && CompareValues(*m.lower, *m.upper) == 0) {
        for (const Value& v : lits) {
          int c = 0;
          if (CompareMixed(*m.lower, v, &c) && c == 0) return false;
        }
      }
      return true;
    }
    case ExprOp::kStartsWith: {
      const std::string& p = std::get<std::string>(lits[0]);
      std::optional<int> lo = PrefixCmp(m.lower, p);
      if (lo && *lo > 0) return false;
      std::optional<int> hi = PrefixCmp(m.upper, p);
      if (hi && *hi < 0) return false;
      return true;
    }
    case ExprOp::kNotStartsWith: {
      const std::string& p = std::get<std::string>(lits[0]);
      std::optional<int> lo = PrefixCmp(m.lower, p);
      std::optional<int> hi = PrefixCmp(m.upper, p);
      // Bounds sharing the prefix enclose only values with it.
      return !(lo && hi && *lo == 0 && *hi == 0);
    }
    default:
      return true;
  }
}

bool PredicateAllMatch(const Expression& e, const DataFile& f) {
  const FieldMetrics m = MetricsOf(f, e);
  const std::vector<Value>& lits = e.values;
  switch (e.op) {
    case ExprOp::kIsNull:
      return m.AllNull();
    case ExprOp::kNotNull:
      return m.NoNulls();
    case ExprOp::kIsNan:
      return m.AllNan();
    case ExprOp::kNotNan:
      return (m.nans && *m.nans == 0) || m.AllNull();
    default:
      break;
  }
  if (!m.NoNulls()) return false;  // a null row is unknown
  switch (e.op) {
    case ExprOp::kLt:
    case ExprOp::kLtEq: {
      if (!m.NoNans()) return false;
      std::optional<int> c = CmpOpt(m.upper, lits[0]);
      return c && (e.op == ExprOp::kLt ? *c < 0 : *c <= 0);
    }
    case ExprOp::kGt:
    case ExprOp::kGtEq: {
      if (m.AllNan()) return true;
      std::optional<int> c = CmpOpt(m.lower, lits[0]);
      return c && (e.op == ExprOp::kGt ? *c > 0 : *c >= 0);
    }
    case ExprOp::kEq:
    case ExprOp::kIn: {
      if (!m.NoNans()) return false;
      if (!m.lower || !m.upper || CompareValues(*m.lower, *m.upper) != 0) return false;
      for (const Value& v : lits) {
        int c = 0;
        if (CompareMixed(*m.lower, v, &c) && c == 0) return true;
      }
      return false;
    }
    case ExprOp::kNotEq:
    case ExprOp::kNotIn: {
      for (const Value& v : lits) {
        std::optional<int> lo = CmpOpt(m.lower, v);
        std::optional<int> hi = CmpOpt(m.upper, v);
        if (!((lo && *lo > 0) || (hi && *hi < 0))) return false;
      }
      return true;
    }
    case ExprOp::kStartsWith: {
      const std::string& p = std::get<std::string>(lits[0]);
      std::optional<int> lo = PrefixCmp(m.lower, p);
      std::optional<int> hi = PrefixCmp(m.upper, p);
      return lo && hi && *lo == 0 && *hi == 0;
    }
    case ExprOp::kNotStartsWith: {
      const std::string& p = std::get<std::string>(lits[0]);
      std::optional<int> lo = PrefixCmp(m.lower, p);
      std::optional<int> hi = PrefixCmp(m.upper, p);
      return (lo && *lo > 0) || (hi && *hi < 0);
    }
    default:
      return false;
  }
}

}  // namespace

MetricsEvaluator::MetricsEvaluator(const ExprPtr& bound)
    : expr_(bound == nullptr ? expr::True() : RewriteNot(bound)) {}

bool MetricsEvaluator::MightMatch(const DataFile& file) const {
  if (file.record_count == 0) return false;
  // NOT is rewritten away; were one left, "might match" is the safe answer.
  return FoldPredicates(*expr_, /*on_not=*/true, [&file](const Expression& p) {
    return !p.bound || PredicateMightMatch(p, file);
  });
}

bool MetricsEvaluator::AllMatch(const DataFile& file) const {
  if (file.record_count == 0) return true;
  return FoldPredicates(*expr_, /*on_not=*/false, [&file](const Expression& p) {
    return p.bound && PredicateAllMatch(p, file);
  });
}

// ---- Parquet -------------------------------------------------------------------------

namespace {

bool FindPath(const std::vector<floe::Field>& fields, int32_t id, std::string prefix,
              std::string* path, const floe::DataType** type) {
  for (const floe::Field& f : fields) {
    std::string name = prefix.empty() ? f.name : prefix + "." + f.name;
    if (f.id == id) {
      *path = std::move(name);
      *type = f.type.get();
      return true;
    }
    if (f.type->id == TypeId::kStruct && FindPath(f.type->children, id, name, path, type)) {
      return true;
    }
  }
  return false;
}

std::optional<parquet::Literal> ToParquetLiteral(const Value& v, const Type& itype,
                                                 const floe::DataType& col) {
  switch (col.id) {
    case TypeId::kBool:
      if (const bool* b = std::get_if<bool>(&v)) return parquet::Literal::Bool(*b);
      return std::nullopt;
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDate:
      if (!IsIntegral(v) || ExpectedUnit(itype)) return std::nullopt;
      return parquet::Literal::Int(static_cast<int64_t>(AsInt128(v)));
    case TypeId::kTime:
    case TypeId::kTimestamp: {
      std::optional<TimeUnit> unit = ExpectedUnit(itype);
      const int64_t* x = std::get_if<int64_t>(&v);
      if (!unit || x == nullptr) return std::nullopt;
      const int64_t from = UnitsPerSecond(*unit), to = UnitsPerSecond(col.unit);
      if (from == to) return parquet::Literal::Int(*x);
      if (to > from) {
        const int64_t k = to / from;
        if (*x > INT64_MAX / k || *x < INT64_MIN / k) return std::nullopt;
        return parquet::Literal::Int(*x * k);
      }
      const int64_t k = from / to;
      if (*x % k != 0) return std::nullopt;  // not exact in the coarser unit
      return parquet::Literal::Int(*x / k);
    }
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      if (!IsFloating(v)) return std::nullopt;
      return parquet::Literal::Double(AsDouble(v));
    case TypeId::kDecimal:
      if (!std::holds_alternative<__int128>(v) || itype.kind != TypeKind::kDecimal ||
          itype.scale != col.scale) {
        return std::nullopt;
      }
      return parquet::Literal::Decimal(std::get<__int128>(v));
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kFixedBinary:
    case TypeId::kUuid:
      if (const std::string* s = std::get_if<std::string>(&v)) return parquet::Literal::Bytes(*s);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

void CollectConjuncts(const ExprPtr& e, std::vector<const Expression*>* out) {
  if (e->op == ExprOp::kAnd) {
    CollectConjuncts(e->left, out);
    CollectConjuncts(e->right, out);
  } else {
    out->push_back(e.get());
  }
}

}  // namespace

std::vector<parquet::ColumnPredicate> ToParquetPredicates(const ExprPtr& bound,
                                                          const floe::Schema& file_schema) {
  std::vector<parquet::ColumnPredicate> out;
  if (bound == nullptr) return out;
  std::vector<const Expression*> conjuncts;
  ExprPtr rewritten = RewriteNot(bound);
  CollectConjuncts(rewritten, &conjuncts);
  using Op = parquet::ColumnPredicate::Op;
  for (const Expression* e : conjuncts) {
    if (!e->bound || !IsPredicate(e->op)) continue;
    std::string path;
    const floe::DataType* col = nullptr;
    if (!FindPath(file_schema.fields, e->field_id, "", &path, &col) || col->IsNested()) continue;
    const bool floating = col->IsFloating();
    parquet::ColumnPredicate p;
    p.column = std::move(path);
    switch (e->op) {
      case ExprOp::kIsNull:
        p.op = Op::kIsNull;
        break;
      case ExprOp::kNotNull:
        p.op = Op::kIsNotNull;
        break;
      case ExprOp::kEq:
        p.op = Op::kEq;
        break;
      case ExprOp::kLt:
        p.op = Op::kLt;
        break;
      case ExprOp::kLtEq:
        p.op = Op::kLtEq;
        break;
      case ExprOp::kIn:
        p.op = Op::kIn;
        break;
      // NaN satisfies these under floe's order; Parquet statistics leave NaN out.
      case ExprOp::kNotEq:
        if (floating) continue;
        p.op = Op::kNotEq;
        break;
      case ExprOp::kGt:
        if (floating) continue;
        p.op = Op::kGt;
        break;
      case ExprOp::kGtEq:
        if (floating) continue;
        p.op = Op::kGtEq;
        break;
      default:
        continue;
    }
    bool ok = true;
    for (const Value& v : e->values) {
      std::optional<parquet::Literal> l = ToParquetLiteral(v, *e->type, *col);
      if (!l) {
        ok = false;
        break;
      }
      p.values.push_back(std::move(*l));
    }
    if (ok) out.push_back(std::move(p));
  }
  return out;
}

bool SamePredicates(const std::vector<parquet::ColumnPredicate>& a,
                    const std::vector<parquet::ColumnPredicate>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].column != b[i].column || a[i].op != b[i].op ||
        a[i].values.size() != b[i].values.size()) {
      return false;
    }
    for (size_t j = 0; j < a[i].values.size(); ++j) {
      const parquet::Literal& x = a[i].values[j];
      const parquet::Literal& y = b[i].values[j];
      if (x.kind != y.kind || x.b != y.b || x.i != y.i || x.u != y.u || x.bytes != y.bytes ||
          x.decimal != y.decimal || !(x.d == y.d || (std::isnan(x.d) && std::isnan(y.d)))) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace floe::iceberg
