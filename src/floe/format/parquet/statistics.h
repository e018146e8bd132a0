// Column statistics: min/max under each column's sort order, null and NaN counts, the
// truncation of long binary bounds, and the decoding of stored bounds back to values.
//
// The order is parquet.thrift's ColumnOrder TYPE_ORDER: signed integers compare signed,
// INT(bits, false) unsigned; DECIMAL on INT32/INT64 signed, on BYTE_ARRAY and
// FIXED_LEN_BYTE_ARRAY as signed big-endian two's complement; STRING, ENUM, JSON, UUID
// and unannotated binary unsigned byte-wise; FLOAT, DOUBLE and FLOAT16 by value with NaN
// excluded (written: a zero min as -0.0, a zero max as +0.0; a NaN-only set has no
// bounds); BOOLEAN false < true; INT96 and INTERVAL have no defined order and get no
// bounds.
//
// Bounds are kept PLAIN-encoded without a length prefix (the footer's form). Nothing
// here is thread-safe; ColumnStatistics is a value type.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "floe/common/status.h"
#include "floe/format/parquet/metadata.h"
#include "floe/format/parquet/schema.h"
#include "floe/format/parquet/types.h"

namespace floe::parquet {

// How a column's values compare.
enum class StatsOrder : uint8_t {
  kNone,         // undefined order: no min/max (INT96, INTERVAL)
  kBoolean,      // false < true
  kInt32,        // INT32 signed
  kUInt32,       // INT32 with INT(8|16|32, false)
  kInt64,        // INT64 signed
  kUInt64,       // INT64 with INT(64, false)
  kFloat,        // FLOAT, NaN excluded
  kDouble,       // DOUBLE, NaN excluded
  kFloat16,      // FIXED_LEN_BYTE_ARRAY(2) FLOAT16 (little-endian half), NaN excluded
  kBytes,        // unsigned lexicographic (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY)
  kSignedBytes,  // big-endian two's complement (DECIMAL on BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY)
};

// The order of a leaf from its physical type and schema element (logical type first,
// converted type when there is no logical type).
StatsOrder StatsOrderOf(Type physical, const SchemaElement& element);
inline StatsOrder StatsOrderOf(const ColumnDescriptor& column) {
  return StatsOrderOf(column.physical_type, column.element);
}

// Compares two encoded values under `order`: negative, zero or positive. Values of the
// wrong size for a fixed-width order compare by their bytes (never out of bounds).
int CompareEncoded(StatsOrder order, std::string_view a, std::string_view b);

// A bound decoded to a value (for pruning). Decimals of every physical type decode to
// kDecimal (the unscaled value); FLOAT16 decodes to kDouble.
struct StatValue {
  enum class Kind : uint8_t { kBool, kInt, kUInt, kDouble, kBytes, kDecimal };
  Kind kind = Kind::kInt;
  bool b = false;        // kBool
  int64_t i = 0;         // kInt (INT32 and INT64 signed, dates, times, timestamps)
  uint64_t u = 0;        // kUInt (unsigned INT annotations)
  double d = 0;          // kDouble (FLOAT, DOUBLE, FLOAT16)
  std::string bytes;     // kBytes (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT96)
  __int128 decimal = 0;  // kDecimal
};

// Decodes a stored bound of `column`. Corruption when the size does not fit the type
// (e.g. 3 bytes for an INT32, more than 16 bytes for a decimal).
Result<StatValue> DecodeStatValue(const ColumnDescriptor& column, std::string_view encoded);

// Truncation of binary bounds to at most `max_bytes` bytes. `utf8`: the value is text, so
// the cut falls on a character boundary and the max is raised by incrementing a code
// point (keeping the bound valid UTF-8). A min truncates to a prefix (always <= the
// value). A max becomes a value >= every string with the prefix, or nullopt when there
// is none (all bytes 0xFF, or only U+10FFFF characters). Values within the limit come
// back unchanged.
std::string TruncateMin(std::string_view value, size_t max_bytes, bool utf8);
std::optional<std::string> TruncateMax(std::string_view value, size_t max_bytes, bool utf8);

// Accumulates statistics of one column over pages or chunks. Values are given dense
// (non-null only) in their physical representation.
class ColumnStatistics {
 public:
  ColumnStatistics() = default;
  // `truncatable`: bounds may be shortened (BYTE_ARRAY columns under kBytes order; never
  // FIXED_LEN_BYTE_ARRAY, whose values have one length, nor decimals). `utf8`: the values
  // are text (see TruncateMax).
  explicit ColumnStatistics(StatsOrder order, bool truncatable = false, bool utf8 = false)
      : order_(order), truncatable_(truncatable), utf8_(utf8) {}
  // The order and truncation rules of `column`.
  explicit ColumnStatistics(const ColumnDescriptor& column);

  StatsOrder order() const { return order_; }
  void Reset();

  // INT32 (kInt32 or kUInt32), INT64 (kInt64 or kUInt64), FLOAT, DOUBLE.
  void Update(std::span<const int32_t> values);
  void Update(std::span<const int64_t> values);
  void Update(std::span<const float> values);
  void Update(std::span<const double> values);
  // BOOLEAN: one byte per value, 0 or 1.
  void UpdateBooleans(std::span<const uint8_t> values);
  // BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY (kBytes, kSignedBytes, kFloat16).
  void Update(std::span<const ByteArray> values);
  // `count` values whose distinct ones are `distinct` (kBytes or kSignedBytes order only: the
  // others count NaNs per value): min and max from the distinct values, the count from
  // `count`. For dictionary-encoded pages, where the distinct values are at hand.
  void UpdateDistinct(std::span<const ByteArray> distinct, int64_t count);
  void AddNulls(int64_t n) { null_count_ += n; }
  // Folds in another accumulator of the same order.
  void Merge(const ColumnStatistics& other);

  int64_t null_count() const { return null_count_; }
  int64_t nan_count() const { return nan_count_; }
  // Non-null values seen (NaNs included).
  int64_t num_values() const { return num_values_; }
  // True when min()/max() hold bounds: some non-null, non-NaN value was seen and the
  // order is defined.
  bool has_min_max() const { return has_min_max_; }
  const std::string& min() const { return min_; }
  const std::string& max() const { return max_; }

  // Bounds as written: truncated to `max_bytes` when truncatable. TruncatedMax is
  // nullopt when no short upper bound exists. REQUIRES: has_min_max().
  std::string TruncatedMin(size_t max_bytes) const;
  std::optional<std::string> TruncatedMax(size_t max_bytes) const;

  // The footer form: min_value/max_value (truncated to `max_bytes` when truncatable,
  // with is_*_exact telling whether they were), null_count, nan_count for floating types,
  // and the deprecated min/max for the signed orders old readers understand (INT32,
  // INT64, FLOAT, DOUBLE, BOOLEAN).
  Statistics ToThrift(size_t max_bytes) const;

 private:
  void SetMin(std::string_view v) { min_.assign(v.data(), v.size()); }
  void SetMax(std::string_view v) { max_.assign(v.data(), v.size()); }
  void Offer(std::string_view lo, std::string_view hi);
  bool IsFloating() const {
    return order_ == StatsOrder::kFloat || order_ == StatsOrder::kDouble ||
           order_ == StatsOrder::kFloat16;
  }

  StatsOrder order_ = StatsOrder::kNone;
  bool truncatable_ = false;
  bool utf8_ = false;
  bool has_min_max_ = false;
  std::string min_;
  std::string max_;
  int64_t null_count_ = 0;
  int64_t nan_count_ = 0;
  int64_t num_values_ = 0;
};

}  // namespace floe::parquet
