// Evaluating bound filter expressions (expression.h) at three levels of a scan:
//
//   - rows of a RecordBatch (the residual), vectorized per column;
//   - a data file's column metrics (value/null/NaN counts, lower/upper bounds): whether
//     some row might match (inclusive) or every row must match (strict);
//   - a single tuple of Values (a partition tuple), see projection.h for partitions;
//
// and converting a filter to the Parquet reader's ColumnPredicates.
//
// All take bound expressions; NOT is rewritten away internally (RewriteNot). Evaluators
// are immutable after construction and thread-safe for concurrent use.
#pragma once

#include <cstdint>
#include <vector>

#include "floe/columnar/column.h"
#include "floe/columnar/take.h"
#include "floe/common/status.h"
#include "floe/format/parquet/predicate.h"
#include "floe/iceberg/data_file.h"
#include "floe/iceberg/expression.h"

namespace floe::iceberg {

// ---- Rows ----------------------------------------------------------------------------

// Sets (*match)[i] to 1 when row i of `batch` satisfies `bound` (SQL three-valued logic:
// rows where it is false or unknown get 0). Columns are found by field id (floe::Field::id)
// at the top level and through struct children; a predicate whose column is absent from
// the batch sees only nulls. Column types must be the columnar form of the predicate's
// Iceberg type (ToColumnarType), as TableReader produces; InvalidArgument otherwise.
Status EvaluateRows(const Expression& bound, const RecordBatch& batch, std::vector<uint8_t>* match);

// The rows with match[i] != 0 as ascending, merged ranges.
std::vector<RowRange> MatchToRanges(const std::vector<uint8_t>& match);

// ---- One tuple of values -------------------------------------------------------------

// Whether `bound` holds for the values `value_of(field_id)` returns (a const Value*;
// nullptr reads as null). Integers of different widths and float/double compare by value.
template <typename ValueOfFn>
bool EvaluateValues(const Expression& bound, ValueOfFn&& value_of);

// Folds the true/false/and/or skeleton of a NOT-free `e` (RewriteNot), answering each
// predicate with `leaf(predicate)` and a NOT node (not expected) with `on_not`, which a
// pruning walker sets to its safe answer.
template <typename LeafFn>
bool FoldPredicates(const Expression& e, bool on_not, LeafFn&& leaf) {
  switch (e.op) {
    case ExprOp::kTrue:
      return true;
    case ExprOp::kFalse:
      return false;
    case ExprOp::kAnd:
      return FoldPredicates(*e.left, on_not, leaf) && FoldPredicates(*e.right, on_not, leaf);
    case ExprOp::kOr:
      return FoldPredicates(*e.left, on_not, leaf) || FoldPredicates(*e.right, on_not, leaf);
    case ExprOp::kNot:
      return on_not;
    default:
      return leaf(e);
  }
}

// Whether predicate `op` with literals `values` holds for `v` (null: only IS NULL and
// NOT NAN hold).
bool TestValue(ExprOp op, const Value& v, const std::vector<Value>& values);

// ---- Column metrics ------------------------------------------------------------------

// Judges data files by their metrics. Missing or undecodable metrics never prune.
class MetricsEvaluator {
 public:
  // `bound` is bound to the scan schema.
  explicit MetricsEvaluator(const ExprPtr& bound);

  // False only when no row of `file` can match (spec "Scan Planning": inclusive).
  bool MightMatch(const DataFile& file) const;
  // True only when every row of `file` matches (strict; used to drop residuals and to
  // delete whole files).
  bool AllMatch(const DataFile& file) const;

 private:
  ExprPtr expr_;  // NOT-free
};

// ---- Parquet -------------------------------------------------------------------------

// The AND-ed conjuncts of `bound` that a Parquet reader can prune with, for a file whose
// columnar schema is `file_schema` (fields matched by id, so renamed columns work):
// comparisons, IN, IS [NOT] NULL on primitive, non-repeated columns, paths as in
// `file_schema` ("a", "s.b"), literals in the file column's units (timestamps in its
// unit, decimals unscaled at its scale). Conjuncts that do not map are left out (the
// residual still applies them). Never fails.
std::vector<parquet::ColumnPredicate> ToParquetPredicates(const ExprPtr& bound,
                                                          const floe::Schema& file_schema);

// Structural equality of two predicate lists (for deciding whether a filter built from
// one schema holds for another).
bool SamePredicates(const std::vector<parquet::ColumnPredicate>& a,
                    const std::vector<parquet::ColumnPredicate>& b);

// ---- Implementation ------------------------------------------------------------------

template <typename ValueOfFn>
bool EvaluateValues(const Expression& e, ValueOfFn&& value_of) {
  switch (e.op) {
    case ExprOp::kTrue:
      return true;
    case ExprOp::kFalse:
      return false;
    case ExprOp::kAnd:
      return EvaluateValues(*e.left, value_of) && EvaluateValues(*e.right, value_of);
    case ExprOp::kOr:
      return EvaluateValues(*e.left, value_of) || EvaluateValues(*e.right, value_of);
    case ExprOp::kNot:
      // Three-valued: NOT is exact only over the rewritten form; callers pass NOT-free
      // trees (RewriteNot). Kept for robustness on two-valued predicates.
      return !EvaluateValues(*e.left, value_of);
    default: {
      const Value* v = value_of(e.field_id);
      static const Value kNull;
      return TestValue(e.op, v == nullptr ? kNull : *v, e.values);
    }
  }
}

}  // namespace floe::iceberg
