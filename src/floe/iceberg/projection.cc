#include "floe/iceberg/projection.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "floe/iceberg/evaluator.h"
#include "floe/iceberg/single_value.h"

namespace floe::iceberg {

namespace {

bool IsTimeTransform(TransformKind k) {
  return k == TransformKind::kYear || k == TransformKind::kMonth || k == TransformKind::kDay ||
         k == TransformKind::kHour;
}

// v + delta for an integral source value (int, long, decimal, date, timestamp); nullopt
// on overflow or for non-integral values.
std::optional<Value> AddOne(const Value& v, int delta) {
  if (const int32_t* i = std::get_if<int32_t>(&v)) {
    const int64_t r = int64_t{*i} + delta;
    if (r < INT32_MIN || r > INT32_MAX) return std::nullopt;
    return Value(static_cast<int32_t>(r));
  }
  if (const int64_t* l = std::get_if<int64_t>(&v)) {
    if ((delta > 0 && *l == INT64_MAX) || (delta < 0 && *l == INT64_MIN)) return std::nullopt;
    return Value(*l + delta);
  }
  if (const __int128* d = std::get_if<__int128>(&v)) return Value(*d + delta);
  return std::nullopt;
}

// Projects one predicate through one partition field. nullptr: no projection.
class FieldProjector {
 public:
  FieldProjector(const Expression& pred, const PartitionField& field, TypePtr result_type)
      : pred_(pred),
        field_(field),
        transform_(field.transform),
        result_type_(std::move(result_type)) {}

  ExprPtr Project(bool strict) const {
    const TransformKind k = transform_.kind();
    const ExprOp op = pred_.op;
    if (k == TransformKind::kVoid || k == TransformKind::kUnknown) return nullptr;
    if (k == TransformKind::kIdentity) return Make(op, pred_.values);
    if (op == ExprOp::kIsNull || op == ExprOp::kNotNull) return Make(op, {});
    if (op == ExprOp::kIsNan || op == ExprOp::kNotNan) return nullptr;
    switch (k) {
      case TransformKind::kBucket:
        if (!strict && (op == ExprOp::kEq || op == ExprOp::kIn))
          return MakeApplied(op, pred_.values);
        if (strict && (op == ExprOp::kNotEq || op == ExprOp::kNotIn)) {
          return MakeApplied(op, pred_.values);
        }
        return nullptr;
      case TransformKind::kTruncate: {
        const TypeKind s = pred_.type->kind;
        if (s == TypeKind::kString || s == TypeKind::kBinary) {
          return strict ? TruncateBytesStrict() : TruncateBytes();
        }
        return strict ? OrderedStrict(false) : Ordered(false);
      }
      default:
        if (IsTimeTransform(k)) return strict ? OrderedStrict(true) : Ordered(true);
        return nullptr;
    }
  }

 private:
  std::optional<Value> Apply(const Value& v) const {
    Result<Value> r = transform_.Apply(*pred_.type, v);
    if (!r.ok() || IsNull(*r)) return std::nullopt;
    return std::move(*r);
  }

  ExprPtr Make(ExprOp op, std::vector<Value> values) const {
    if (IsSetPredicate(op)) {
      std::sort(values.begin(), values.end(),
                [](const Value& a, const Value& b) { return CompareValues(a, b) < 0; });
      values.erase(
          std::unique(values.begin(), values.end(),
                      [](const Value& a, const Value& b) { return CompareValues(a, b) == 0; }),
          values.end());
    }
    if (values.size() == 1 && op == ExprOp::kIn) op = ExprOp::kEq;
    if (values.size() == 1 && op == ExprOp::kNotIn) op = ExprOp::kNotEq;
    return expr::BoundPredicate(op, field_.field_id, field_.name, result_type_, std::move(values));
  }

  ExprPtr MakeApplied(ExprOp op, const std::vector<Value>& values) const {
    std::vector<Value> out;
    for (const Value& v : values) {
      std::optional<Value> t = Apply(v);
      if (!t) return nullptr;
      out.push_back(std::move(*t));
    }
    return Make(op, std::move(out));
  }

  // The transform of v + delta (delta on the source value).
  std::optional<Value> ApplyShifted(int delta) const {
    if (pred_.values.empty()) return std::nullopt;
    std::optional<Value> shifted = delta == 0 ? pred_.values[0] : AddOne(pred_.values[0], delta);
    if (!shifted) return std::nullopt;
    return Apply(*shifted);
  }

  static int32_t IntOf(const Value& v) { return std::get<int32_t>(v); }

  // Inclusive projection of a monotone transform of integral values (truncate of ints and
  // decimals; year/month/day/hour with `time` set, which adds Java's negative-value fix).
  ExprPtr Ordered(bool time) const {
    const ExprOp op = pred_.op;
    ExprPtr out;
    switch (op) {
      case ExprOp::kLt:
      case ExprOp::kLtEq:
      case ExprOp::kGt:
      case ExprOp::kGtEq:
      case ExprOp::kEq: {
        const int delta = op == ExprOp::kLt ? -1 : (op == ExprOp::kGt ? 1 : 0);
        std::optional<Value> p = ApplyShifted(delta);
        if (!p) return nullptr;
        const ExprOp pop =
            op == ExprOp::kLt ? ExprOp::kLtEq : (op == ExprOp::kGt ? ExprOp::kGtEq : op);
        if (time && std::holds_alternative<int32_t>(*p) && IntOf(*p) < 0) {
          const int32_t x = IntOf(*p);
          if (pop == ExprOp::kLtEq) return Make(pop, {Value(x + 1)});
          if (pop == ExprOp::kEq) return Make(ExprOp::kIn, {Value(x), Value(x + 1)});
        }
        return Make(pop, {std::move(*p)});
      }
      case ExprOp::kIn: {
        std::vector<Value> out_values;
        out_values.reserve(2 * pred_.values.size());
        for (const Value& v : pred_.values) {
          Result<Value> p = transform_.Apply(*pred_.type, v);
          if (!p.ok() || IsNull(*p)) return nullptr;
          const int32_t* x = std::get_if<int32_t>(&*p);
          if (time && x != nullptr && *x < 0) {
            out_values.emplace_back(std::in_place_type<int32_t>, *x + 1);
          }
          out_values.emplace_back(*p);
        }
        return Make(ExprOp::kIn, std::move(out_values));
      }
      default:
        return nullptr;
    }
  }

  ExprPtr OrderedStrict(bool time) const {
    const ExprOp op = pred_.op;
    switch (op) {
      case ExprOp::kLt:
      case ExprOp::kLtEq:
      case ExprOp::kGt:
      case ExprOp::kGtEq:
      case ExprOp::kNotEq: {
        const int delta = op == ExprOp::kLtEq ? 1 : (op == ExprOp::kGtEq ? -1 : 0);
        std::optional<Value> p = ApplyShifted(delta);
        if (!p) return nullptr;
        const ExprOp pop =
            op == ExprOp::kLtEq ? ExprOp::kLt : (op == ExprOp::kGtEq ? ExprOp::kGt : op);
        if (time && std::holds_alternative<int32_t>(*p)) {
          const int32_t x = IntOf(*p);
          if (pop == ExprOp::kGt && x <= 0) return Make(ExprOp::kGt, {Value(x + 1)});
          if (pop == ExprOp::kNotEq && x < 0) return Make(ExprOp::kNotIn, {Value(x), Value(x + 1)});
        }
        return Make(pop, {std::move(*p)});
      }
      case ExprOp::kNotIn: {
        std::vector<Value> out_values;
        out_values.reserve(2 * pred_.values.size());
        for (const Value& v : pred_.values) {
          Result<Value> p = transform_.Apply(*pred_.type, v);
          if (!p.ok() || IsNull(*p)) return nullptr;
          const int32_t* x = std::get_if<int32_t>(&*p);
          if (time && x != nullptr && *x < 0) {
            out_values.emplace_back(std::in_place_type<int32_t>, *x + 1);
          }
          out_values.emplace_back(*p);
        }
        return Make(ExprOp::kNotIn, std::move(out_values));
      }
      default:
        return nullptr;
    }
  }

  int64_t Length(const std::string& s) const {
    return pred_.type->kind == TypeKind::kString ? Utf8Length(s) : static_cast<int64_t>(s.size());
  }

  ExprPtr TruncateBytes() const {
    const ExprOp op = pred_.op;
    switch (op) {
      case ExprOp::kLt:
      case ExprOp::kLtEq:
      case ExprOp::kGt:
      case ExprOp::kGtEq:
      case ExprOp::kEq:
      case ExprOp::kStartsWith: {
        std::optional<Value> p = ApplyShifted(0);
        if (!p) return nullptr;
        ExprOp pop = op;
        if (op == ExprOp::kLt) pop = ExprOp::kLtEq;
        if (op == ExprOp::kGt) pop = ExprOp::kGtEq;
        return Make(pop, {std::move(*p)});
      }
      case ExprOp::kIn:
        return MakeApplied(ExprOp::kIn, pred_.values);
      case ExprOp::kNotStartsWith: {
        const std::string& v = std::get<std::string>(pred_.values[0]);
        const int64_t len = Length(v), w = transform_.param();
        if (len < w) return Make(ExprOp::kNotStartsWith, pred_.values);
        if (len == w) return Make(ExprOp::kNotEq, pred_.values);
        return nullptr;
      }
      default:
        return nullptr;
    }
  }

  ExprPtr TruncateBytesStrict() const {
    const ExprOp op = pred_.op;
    switch (op) {
      case ExprOp::kLt:
      case ExprOp::kLtEq:
      case ExprOp::kGt:
      case ExprOp::kGtEq:
      case ExprOp::kNotEq:
      case ExprOp::kNotStartsWith: {
        std::optional<Value> p = ApplyShifted(0);
        if (!p) return nullptr;
        ExprOp pop = op;
        if (op == ExprOp::kLtEq) pop = ExprOp::kLt;
        if (op == ExprOp::kGtEq) pop = ExprOp::kGt;
        return Make(pop, {std::move(*p)});
      }
      case ExprOp::kNotIn:
        return MakeApplied(ExprOp::kNotIn, pred_.values);
      case ExprOp::kStartsWith: {
        const std::string& v = std::get<std::string>(pred_.values[0]);
        if (Length(v) <= transform_.param()) return Make(ExprOp::kStartsWith, pred_.values);
        return nullptr;
      }
      default:
        return nullptr;
    }
  }

  const Expression& pred_;
  const PartitionField& field_;
  const Transform& transform_;
  TypePtr result_type_;
};

ExprPtr ProjectRec(const ExprPtr& e, const PartitionSpec& spec, const Schema& schema, bool strict) {
  switch (e->op) {
    case ExprOp::kTrue:
    case ExprOp::kFalse:
      return e;
    case ExprOp::kAnd:
      return expr::And(ProjectRec(e->left, spec, schema, strict),
                       ProjectRec(e->right, spec, schema, strict));
    case ExprOp::kOr:
      return expr::Or(ProjectRec(e->left, spec, schema, strict),
                      ProjectRec(e->right, spec, schema, strict));
    case ExprOp::kNot:
      return strict ? expr::False() : expr::True();  // not reached after RewriteNot
    default:
      break;
  }
  if (!e->bound) return strict ? expr::False() : expr::True();
  ExprPtr result = strict ? expr::False() : expr::True();
  for (const PartitionField& f : spec.fields) {
    if (f.source_id != e->field_id || !f.source_ids.empty()) continue;
    Result<TypePtr> rt = f.transform.ResultType(e->type);
    if (!rt.ok()) continue;
    ExprPtr p = FieldProjector(*e, f, *rt).Project(strict);
    if (p == nullptr) continue;
    result = strict ? expr::Or(result, p) : expr::And(result, p);
  }
  return result;
}

}  // namespace

ExprPtr ProjectInclusive(const ExprPtr& bound, const PartitionSpec& spec, const Schema& schema) {
  if (bound == nullptr) return expr::True();
  return ProjectRec(RewriteNot(bound), spec, schema, false);
}

ExprPtr ProjectStrict(const ExprPtr& bound, const PartitionSpec& spec, const Schema& schema) {
  if (bound == nullptr) return expr::False();
  return ProjectRec(RewriteNot(bound), spec, schema, true);
}

PartitionEvaluator::PartitionEvaluator(ExprPtr projected, const PartitionSpec& spec,
                                       const Schema& /*schema*/)
    : expr_(std::move(projected)) {
  for (size_t i = 0; i < spec.fields.size(); ++i) index_[spec.fields[i].field_id] = i;
}

bool PartitionEvaluator::Matches(const std::vector<Value>& partition) const {
  return EvaluateValues(*expr_, [&](int32_t field_id) -> const Value* {
    auto it = index_.find(field_id);
    if (it == index_.end() || it->second >= partition.size()) return nullptr;
    return &partition[it->second];
  });
}

bool PartitionEvaluator::SummariesMightMatch(
    const std::vector<PartitionFieldSummary>& summaries) const {
  return FoldPredicates(*expr_, /*on_not=*/true,
                        [&](const Expression& p) { return SummaryMightMatch(p, summaries); });
}

bool PartitionEvaluator::SummaryMightMatch(
    const Expression& e, const std::vector<PartitionFieldSummary>& summaries) const {
  auto it = index_.find(e.field_id);
  if (it == index_.end() || it->second >= summaries.size() || !e.bound) return true;
  const PartitionFieldSummary& s = summaries[it->second];
  const bool floating = e.type->kind == TypeKind::kFloat || e.type->kind == TypeKind::kDouble;
  auto decode = [&](const std::optional<std::string>& b) -> std::optional<Value> {
    if (!b || e.type->kind == TypeKind::kUuid) return std::nullopt;
    Result<Value> v = DecodeSingleValue(*e.type, *b);
    if (!v.ok()) return std::nullopt;
    if (const double* d = std::get_if<double>(&*v); d != nullptr && std::isnan(*d))
      return std::nullopt;
    if (const float* f = std::get_if<float>(&*v); f != nullptr && std::isnan(*f))
      return std::nullopt;
    return std::move(*v);
  };
  // Bounds absent with nulls present: every value is null (the spec's encoding), unless a
  // float column may hold NaNs, which bounds leave out.
  const bool no_bounds = !s.lower_bound && !s.upper_bound;
  const bool maybe_nan = floating && (!s.contains_nan || *s.contains_nan);
  const bool all_null = s.contains_null && no_bounds && !maybe_nan;
  const ExprOp op = e.op;
  switch (op) {
    case ExprOp::kIsNull:
      return s.contains_null;
    case ExprOp::kNotNull:
      return !all_null;
    case ExprOp::kIsNan:
      if (s.contains_nan && !*s.contains_nan) return false;
      return !all_null;
    case ExprOp::kNotNan:
      // Only NaNs: contains NaN, no nulls, no bounds.
      return !(s.contains_nan && *s.contains_nan && !s.contains_null && no_bounds);
    default:
      break;
  }
  if (all_null) return false;
  const std::optional<Value> lower = decode(s.lower_bound);
  const std::optional<Value> upper = decode(s.upper_bound);
  auto cmp = [](const std::optional<Value>& b, const Value& v) -> std::optional<int> {
    if (!b) return std::nullopt;
    if (IsNull(*b) || IsNull(v)) return std::nullopt;
    // Same-width comparison via TestValue semantics: use CompareValues when alike.
    if (b->index() == v.index()) return CompareValues(*b, v);
    int c = TestValue(ExprOp::kLt, *b, {v}) ? -1 : (TestValue(ExprOp::kEq, *b, {v}) ? 0 : 1);
    return c;
  };
  auto prefix_cmp = [](const std::optional<Value>& b, const std::string& p) -> std::optional<int> {
    if (!b) return std::nullopt;
    const std::string* s = std::get_if<std::string>(&*b);
    if (s == nullptr) return std::nullopt;
    const int c = std::string_view(*s).substr(0, p.size()).compare(p);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  };
  const std::vector<Value>& lits = e.values;
  switch (op) {
    case ExprOp::kLt:
    case ExprOp::kLtEq: {
      std::optional<int> c = cmp(lower, lits[0]);
      return !(c && (op == ExprOp::kLt ? *c >= 0 : *c > 0));
    }
    case ExprOp::kGt:
    case ExprOp::kGtEq: {
      if (maybe_nan) return true;
      std::optional<int> c = cmp(upper, lits[0]);
      return !(c && (op == ExprOp::kGt ? *c <= 0 : *c < 0));
    }
    case ExprOp::kEq: {
      std::optional<int> lo = cmp(lower, lits[0]);
      std::optional<int> hi = cmp(upper, lits[0]);
      return !((lo && *lo > 0) || (hi && *hi < 0));
    }
    case ExprOp::kIn:
      for (const Value& v : lits) {
        std::optional<int> lo = cmp(lower, v);
        std::optional<int> hi = cmp(upper, v);
        if (!((lo && *lo > 0) || (hi && *hi < 0))) return true;
      }
      return false;
    case ExprOp::kNotEq:
    case ExprOp::kNotIn: {
      if (maybe_nan) return true;
      if (!lower || !upper || CompareValues(*lower, *upper) != 0) return true;
      for (const Value& v : lits) {
        std::optional<int> c = cmp(lower, v);
        if (c && *c == 0) return false;  // the only value is excluded
      }
      return true;
    }
    case ExprOp::kStartsWith: {
      const std::string& p = std::get<std::string>(lits[0]);
      std::optional<int> lo = prefix_cmp(lower, p);
      std::optional<int> hi = prefix_cmp(upper, p);
      return !((lo && *lo > 0) || (hi && *hi < 0));
    }
    case ExprOp::kNotStartsWith: {
      const std::string& p = std::get<std::string>(lits[0]);
      std::optional<int> lo = prefix_cmp(lower, p);
      std::optional<int> hi = prefix_cmp(upper, p);
      return !(lo && hi && *lo == 0 && *hi == 0);
    }
    default:
      return true;
  }
}

}  // namespace floe::iceberg
