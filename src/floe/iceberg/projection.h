// Partition pruning (spec "Scan Planning", "Partition Transforms"; Java Iceberg's
// ProjectionUtil semantics): a bound row filter projected through each partition field's
// transform into a filter on partition tuples, then evaluated on a data file's partition
// tuple or on a manifest list entry's partition field summaries.
//
//   Inclusive projection: holds for every partition that might hold a matching row
//   (prunes files). Strict projection: holds only for partitions whose rows all match
//   (drops the residual; whole-file deletes).
//
// Per transform (v the literal, f the transform, p the partition value):
//   identity          the predicate itself
//   bucket[N]         inclusive: = and IN (p = f(v)); strict: != and NOT IN
//   truncate[W]       ints/decimals: x < v -> p <= f(v-1), x > v -> p >= f(v+1), ...;
//                     strings: x < v -> p <= f(v), starts_with by prefix length
//   year/month/day/hour  like truncate on the source (dates in days, timestamps in their
//                     unit), widened for negative values as Java does for files written by
//                     its pre-1.0 transform (which rounded towards zero before 1970)
//   void, unknown     nothing (inclusive: true; strict: false)
// IS NULL / IS NOT NULL project through every transform but void; IS NAN / NOT NAN only
// through identity. Predicates on columns no partition field uses give true (inclusive)
// or false (strict).
//
// Projected expressions are bound predicates whose field_id is the partition field id
// and whose type is the transform's result type. All functions are thread-safe.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "floe/common/status.h"
#include "floe/iceberg/expression.h"
#include "floe/iceberg/manifest.h"
#include "floe/iceberg/partition_spec.h"
#include "floe/iceberg/schema.h"

namespace floe::iceberg {

// `bound` is bound to `schema`, which resolves the spec's source columns.
ExprPtr ProjectInclusive(const ExprPtr& bound, const PartitionSpec& spec, const Schema& schema);
ExprPtr ProjectStrict(const ExprPtr& bound, const PartitionSpec& spec, const Schema& schema);

// Evaluates a projected expression on the partitions of one spec. Immutable after
// construction; thread-safe.
class PartitionEvaluator {
 public:
  // `projected` comes from ProjectInclusive/ProjectStrict with the same spec and schema.
  PartitionEvaluator(ExprPtr projected, const PartitionSpec& spec, const Schema& schema);

  // Whether the projected expression holds for `partition` (one value per spec field).
  bool Matches(const std::vector<Value>& partition) const;
  // Inclusive only: false when no partition summarized by `summaries` (a manifest list
  // entry's, one per spec field) can satisfy the projected expression. Missing summaries
  // or bounds never prune.
  bool SummariesMightMatch(const std::vector<PartitionFieldSummary>& summaries) const;
  // True when the projected expression is the constant true (every partition matches).
  bool AlwaysTrue() const { return expr_->op == ExprOp::kTrue; }
  bool AlwaysFalse() const { return expr_->op == ExprOp::kFalse; }

 private:
  // One predicate of the projected expression against the summaries.
  bool SummaryMightMatch(const Expression& predicate,
                         const std::vector<PartitionFieldSummary>& s) const;

  ExprPtr expr_;
  std::unordered_map<int32_t, size_t> index_;  // partition field id -> tuple position
};

}  // namespace floe::iceberg
