#include "floe/format/parquet/predicate.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "floe/common/float16.h"
#include "floe/format/parquet/bloom_filter.h"

namespace floe::parquet {

namespace {

using Op = ColumnPredicate::Op;

template <typename T>
std::string LittleEndian(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

// Big-endian two's complement of `v` in exactly `width` bytes.
std::string BigEndian(__int128 v, int width) {
  std::string s(static_cast<size_t>(width), '\0');
  auto u = static_cast<unsigned __int128>(v);
  for (int i = width - 1; i >= 0; --i) {
    s[i] = static_cast<char>(static_cast<uint8_t>(u & 0xFF));
    u >>= 8;
  }
  return s;
}

// Fewest big-endian bytes holding `v` (as writers store BYTE_ARRAY decimals).
std::string MinimalBigEndian(__int128 v) {
  int width = 1;
  while (width < 16) {
    const __int128 lo = -(static_cast<__int128>(1) << (8 * width - 1));
    const __int128 hi = (static_cast<__int128>(1) << (8 * width - 1)) - 1;
    if (v >= lo && v <= hi) break;
    ++width;
  }
  return BigEndian(v, width);
}

// The literal as a signed integer when it is integral.
std::optional<__int128> AsInteger(const Literal& l) {
  switch (l.kind) {
    case Literal::Kind::kInt:
      return l.i;
    case Literal::Kind::kUInt:
      return static_cast<__int128>(l.u);
    case Literal::Kind::kDecimal:
      return l.decimal;
    case Literal::Kind::kBool:
      return l.b ? 1 : 0;
    case Literal::Kind::kDouble:
      if (std::isfinite(l.d) && std::trunc(l.d) == l.d && std::fabs(l.d) < 9.2e18) {
        return static_cast<__int128>(static_cast<int64_t>(l.d));
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

Status OutOfRange(const ColumnDescriptor& c, const char* what) {
  return Status::InvalidArgument("column '{}': literal does not fit {} ({})", c.dotted_path,
                                 c.type->ToString(), what);
}

}  // namespace

Result<std::string> EncodeLiteral(const ColumnDescriptor& c, const Literal& l) {
  const DataType& t = *c.type;
  switch (c.physical_type) {
    case Type::kBoolean: {
      auto v = AsInteger(l);
      if (!v || *v < 0 || *v > 1) return OutOfRange(c, "a boolean");
      return std::string(1, static_cast<char>(*v));
    }
    case Type::kInt32: {
      auto v = AsInteger(l);
      if (!v) return OutOfRange(c, "an integer");
      const bool is_unsigned =
          t.id == TypeId::kUInt8 || t.id == TypeId::kUInt16 || t.id == TypeId::kUInt32;
      const __int128 lo = is_unsigned ? 0 : std::numeric_limits<int32_t>::min();
      const __int128 hi = is_unsigned ? __int128{std::numeric_limits<uint32_t>::max()}
                                      : __int128{std::numeric_limits<int32_t>::max()};
      if (*v < lo || *v > hi) return OutOfRange(c, "32 bits");
      return LittleEndian(static_cast<uint32_t>(static_cast<int64_t>(*v)));
    }
    case Type::kInt64: {
      auto v = AsInteger(l);
      if (!v) return OutOfRange(c, "an integer");
      const bool is_unsigned = t.id == TypeId::kUInt64;
      const __int128 lo = is_unsigned ? 0 : std::numeric_limits<int64_t>::min();
      const __int128 hi = is_unsigned ? __int128{std::numeric_limits<uint64_t>::max()}
                                      : __int128{std::numeric_limits<int64_t>::max()};
      if (*v < lo || *v > hi) return OutOfRange(c, "64 bits");
      return LittleEndian(static_cast<uint64_t>(*v));
    }
    case Type::kFloat:
    case Type::kDouble: {
      double d;
      if (l.kind == Literal::Kind::kDouble) {
        d = l.d;
      } else if (auto v = AsInteger(l)) {
        d = static_cast<double>(*v);
      } else {
        return OutOfRange(c, "a number");
      }
      if (c.physical_type == Type::kFloat) return LittleEndian(static_cast<float>(d));
      return LittleEndian(d);
    }
    case Type::kByteArray:
      if (t.id == TypeId::kDecimal) {
        auto v = AsInteger(l);
        if (!v) return OutOfRange(c, "a decimal");
        return MinimalBigEndian(*v);
      }
      if (l.kind != Literal::Kind::kBytes) return OutOfRange(c, "bytes");
      return l.bytes;
    case Type::kFixedLenByteArray:
      if (t.id == TypeId::kDecimal) {
        auto v = AsInteger(l);
        if (!v) return OutOfRange(c, "a decimal");
        return BigEndian(*v, c.type_length);
      }
      if (t.id == TypeId::kFloat16) {
        if (l.kind != Literal::Kind::kDouble && !AsInteger(l)) return OutOfRange(c, "a number");
        const double d =
            l.kind == Literal::Kind::kDouble ? l.d : static_cast<double>(*AsInteger(l));
        return LittleEndian(DoubleToHalf(d));
      }
      if (l.kind != Literal::Kind::kBytes ||
          static_cast<int32_t>(l.bytes.size()) != c.type_length) {
        return OutOfRange(c, "fixed-size bytes");
      }
      return l.bytes;
    case Type::kInt96:
      break;
  }
  return Status::NotSupported("column '{}': {} cannot be compared", c.dotted_path,
                              TypeName(c.physical_type));
}

Result<BoundPredicate> BoundPredicate::Bind(const ColumnPredicate& p,
                                            const SchemaDescriptor& schema) {
  BoundPredicate b;
  for (const ColumnDescriptor& c : schema.columns()) {
    // Columnar path: the Parquet path of a non-repeated leaf equals the columnar one.
    if (c.dotted_path == p.column) {
      b.leaf_ = c.index;
      break;
    }
  }
  if (b.leaf_ < 0) return Status::InvalidArgument("filter: no column '{}'", p.column);
  const ColumnDescriptor& c = schema.columns()[b.leaf_];
  if (c.max_rep_level > 0) {
    return Status::InvalidArgument("filter: column '{}' is inside a list or map", p.column);
  }
  b.op_ = p.op;
  b.order_ = StatsOrderOf(c);
  const bool needs_values = p.op != Op::kIsNull && p.op != Op::kIsNotNull;
  if (needs_values && p.values.empty()) {
    return Status::InvalidArgument("filter on '{}': no value to compare with", p.column);
  }
  if (needs_values && p.op != Op::kIn && p.values.size() != 1) {
    return Status::InvalidArgument("filter on '{}': one value expected", p.column);
  }
  for (const Literal& l : p.values) {
    if (l.kind == Literal::Kind::kDouble && std::isnan(l.d)) b.has_nan_ = true;
    if (b.order_ == StatsOrder::kNone) continue;
    FLOE_ASSIGN_OR_RETURN(std::string e, EncodeLiteral(c, l));
    b.encoded_.push_back(std::move(e));
  }
  if (b.order_ == StatsOrder::kNone) b.encoded_.clear();
  return b;
}

bool BoundPredicate::MightMatch(const std::optional<std::string>& min,
                                const std::optional<std::string>& max,
                                std::optional<int64_t> null_count,
                                std::optional<int64_t> num_values, bool all_null) const {
  switch (op_) {
    case Op::kIsNull:
      return all_null || !null_count || *null_count > 0;
    case Op::kIsNotNull:
      if (all_null) return false;
      return !(null_count && num_values && *null_count >= *num_values);
    default:
      break;
  }
  if (all_null) return false;  // comparisons never match null
  if (has_nan_ || order_ == StatsOrder::kNone || encoded_.empty() || !min || !max) return true;
  auto cmp = [&](const std::string& a, const std::string& b) {
    return CompareEncoded(order_, a, b);
  };
  const std::string& v = encoded_[0];
  switch (op_) {
    case Op::kEq:
      return cmp(v, *min) >= 0 && cmp(v, *max) <= 0;
    case Op::kNotEq:
      // Only a chunk whose every value equals v (and that has no nulls... which never
      // match either) can be ruled out.
      return !(cmp(*min, v) == 0 && cmp(*max, v) == 0);
    case Op::kLt:
      return cmp(*min, v) < 0;
    case Op::kLtEq:
      return cmp(*min, v) <= 0;
    case Op::kGt:
      return cmp(*max, v) > 0;
    case Op::kGtEq:
      return cmp(*max, v) >= 0;
    case Op::kIn:
      for (const std::string& e : encoded_) {
        if (cmp(e, *min) >= 0 && cmp(e, *max) <= 0) return true;
      }
      return false;
    default:
      return true;
  }
}

bool BoundPredicate::MightMatchChunk(const ColumnMetaData& meta, const FileMetaData& file) const {
  if (!meta.statistics) return true;
  const Statistics& s = *meta.statistics;
  std::optional<std::string> min = s.min_value, max = s.max_value;
  if (file.column_orders && static_cast<size_t>(leaf_) < file.column_orders->size() &&
      (*file.column_orders)[leaf_].kind != ColumnOrder::Kind::kTypeOrder) {
    min.reset();  // an order floe does not know: the bounds cannot be trusted
    max.reset();
  }
  if (!min && !max && !file.column_orders) {
    // Deprecated min/max were written with signed comparison: usable for signed orders.
    switch (order_) {
      case StatsOrder::kBoolean:
      case StatsOrder::kInt32:
      case StatsOrder::kInt64:
      case StatsOrder::kFloat:
      case StatsOrder::kDouble:
        min = s.min;
        max = s.max;
        break;
      default:
        break;
    }
  }
  const bool all_null = s.null_count && *s.null_count == meta.num_values && meta.num_values > 0;
  return MightMatch(min, max, s.null_count, meta.num_values, all_null);
}

std::vector<bool> BoundPredicate::MightMatchPages(const ColumnIndex& index) const {
  const size_t n = index.null_pages.size();
  std::vector<bool> out(n, true);
  if (index.min_values.size() != n || index.max_values.size() != n) return out;
  for (size_t i = 0; i < n; ++i) {
    std::optional<int64_t> nulls;
    if (index.null_counts && index.null_counts->size() == n) nulls = (*index.null_counts)[i];
    const bool all_null = index.null_pages[i];
    out[i] = MightMatch(all_null ? std::nullopt : std::optional<std::string>(index.min_values[i]),
                        all_null ? std::nullopt : std::optional<std::string>(index.max_values[i]),
                        nulls, std::nullopt, all_null);
  }
  return out;
}

bool BoundPredicate::UsesBloomFilter() const {
  return (op_ == Op::kEq || op_ == Op::kIn) && !encoded_.empty() && !has_nan_;
}

bool BoundPredicate::MightMatchBloom(const BloomFilter& filter) const {
  for (const std::string& e : encoded_) {
    if (filter.MightContain(BloomFilter::Hash(std::string_view(e)))) return true;
  }
  return false;
}

}  // namespace floe::parquet
