// Predicates the Parquet reader prunes with: comparisons of one primitive column with
// literals, ANDed together. Pruning is conservative: a row group or page is skipped
// only when no row in it can match. Rows are not filtered here; the caller applies the
// full predicate (the Iceberg scan's residual) to what comes back.
//
// Literals are given in the column's columnar terms: integers, dates (days), times and
// timestamps (in the column's unit) as kInt; unsigned integers as kUInt; floats as
// kDouble; strings and binary as kBytes; decimals as the unscaled kDecimal at the
// column's scale; booleans as kBool.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "floe/common/status.h"
#include "floe/format/parquet/metadata.h"
#include "floe/format/parquet/schema.h"
#include "floe/format/parquet/statistics.h"

namespace floe::parquet {

struct Literal {
  enum class Kind : uint8_t { kBool, kInt, kUInt, kDouble, kBytes, kDecimal };
  Kind kind = Kind::kInt;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  std::string bytes;
  __int128 decimal = 0;

  static Literal Bool(bool v) {
    Literal l;
    l.kind = Kind::kBool;
    l.b = v;
    return l;
  }
  static Literal Int(int64_t v) {
    Literal l;
    l.kind = Kind::kInt;
    l.i = v;
    return l;
  }
  static Literal UInt(uint64_t v) {
    Literal l;
    l.kind = Kind::kUInt;
    l.u = v;
    return l;
  }
  static Literal Double(double v) {
    Literal l;
    l.kind = Kind::kDouble;
    l.d = v;
    return l;
  }
  static Literal Bytes(std::string v) {
    Literal l;
    l.kind = Kind::kBytes;
    l.bytes = std::move(v);
    return l;
  }
  static Literal Decimal(__int128 v) {
    Literal l;
    l.kind = Kind::kDecimal;
    l.decimal = v;
    return l;
  }
};

struct ColumnPredicate {
  enum class Op : uint8_t { kEq, kNotEq, kLt, kLtEq, kGt, kGtEq, kIn, kIsNull, kIsNotNull };
  std::string column;  // columnar path of a non-repeated primitive: "a", "s.b"
  Op op = Op::kEq;
  std::vector<Literal> values;  // one for comparisons, several for kIn, none for null tests
};

// A predicate bound to a leaf column, with its literals in the column's stored form.
class BoundPredicate {
 public:
  static Result<BoundPredicate> Bind(const ColumnPredicate& p, const SchemaDescriptor& schema);

  int leaf() const { return leaf_; }
  ColumnPredicate::Op op() const { return op_; }

  // False when no value in [min, max] with `null_count` nulls out of `num_values` can
  // match. Missing bounds or counts make it true (cannot tell).
  bool MightMatch(const std::optional<std::string>& min, const std::optional<std::string>& max,
                  std::optional<int64_t> null_count, std::optional<int64_t> num_values,
                  bool all_null) const;
  // For a row group's chunk statistics (honouring the column order and the deprecated
  // min/max rules).
  bool MightMatchChunk(const ColumnMetaData& meta, const FileMetaData& file) const;
  // Per page of a column index: which pages might match.
  std::vector<bool> MightMatchPages(const ColumnIndex& index) const;
  // True when the op is a point lookup a bloom filter can answer (kEq, kIn).
  bool UsesBloomFilter() const;
  // False when the bloom filter shows none of the literals is present.
  bool MightMatchBloom(const class BloomFilter& filter) const;

 private:
  int leaf_ = -1;
  StatsOrder order_ = StatsOrder::kNone;
  ColumnPredicate::Op op_ = ColumnPredicate::Op::kEq;
  std::vector<std::string> encoded_;  // plain-encoded literals
  bool has_nan_ = false;              // a literal is NaN: bounds cannot rule it out
};

// PLAIN encoding (no length prefix) of `literal` for `column`; InvalidArgument when the
// literal does not fit the column's type.
Result<std::string> EncodeLiteral(const ColumnDescriptor& column, const Literal& literal);

}  // namespace floe::parquet
