// Partition and sort transforms (spec "Partition Transforms", Appendix B hashing):
// identity, bucket[N], truncate[W], year, month, day, hour, void. Transforms whose name
// floe does not know parse as kUnknown and keep their text, so tables using them can
// still be read (they cannot be applied).
//
// Transform is a small immutable value; all functions are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "floe/common/civil_date.h"
#include "floe/common/status.h"
#include "floe/iceberg/types.h"
#include "floe/iceberg/value.h"

namespace floe::iceberg {

enum class TransformKind : uint8_t {
  kIdentity,
  kBucket,
  kTruncate,
  kYear,
  kMonth,
  kDay,
  kHour,
  kVoid,
  kUnknown,
};

class Transform {
 public:
  Transform() = default;
  static Transform Identity() { return Transform(TransformKind::kIdentity, 0); }
  static Transform Bucket(int32_t num_buckets) {
    return Transform(TransformKind::kBucket, num_buckets);
  }
  static Transform Truncate(int32_t width) { return Transform(TransformKind::kTruncate, width); }
  static Transform Year() { return Transform(TransformKind::kYear, 0); }
  static Transform Month() { return Transform(TransformKind::kMonth, 0); }
  static Transform Day() { return Transform(TransformKind::kDay, 0); }
  static Transform Hour() { return Transform(TransformKind::kHour, 0); }
  static Transform Void() { return Transform(TransformKind::kVoid, 0); }

  // "identity", "bucket[16]", "truncate[4]", "year", ..., "void". Unknown names give
  // kUnknown; a bucket/truncate with a missing or non-positive parameter is an error.
  static Result<Transform> Parse(std::string_view text);

  TransformKind kind() const { return kind_; }
  // N for bucket, W for truncate, 0 otherwise.
  int32_t param() const { return param_; }
  // The spec's string form (round-trips Parse, including unknown transforms).
  std::string ToString() const;

  // Whether the transform accepts `source` (the spec's "Source types" column).
  bool CanTransform(const Type& source) const;
  // int for bucket/year/month/day/hour; the source type for identity/truncate/void;
  // string for unknown. InvalidArgument when the source type is not accepted.
  Result<TypePtr> ResultType(const TypePtr& source) const;
  // Applies the transform to `v` of type `source`. Null gives null.
  Result<Value> Apply(const Type& source, const Value& v) const;
  // The human-readable form of a transformed value `v` (as Java Iceberg renders partition
  // paths): "2017-11-16" for day, "2017-11-16-22" for hour, "2017-11" for month, "2017"
  // for year; identity renders by source type (ISO dates/times, base64 for binary);
  // null is "null".
  Result<std::string> ToHumanString(const Type& source, const Value& v) const;

  bool operator==(const Transform& o) const {
    return kind_ == o.kind_ && param_ == o.param_ &&
           (kind_ != TransformKind::kUnknown || raw_ == o.raw_);
  }

 private:
  Transform(TransformKind kind, int32_t param) : kind_(kind), param_(param) {}

  TransformKind kind_ = TransformKind::kIdentity;
  int32_t param_ = 0;
  std::string raw_;  // kUnknown: the original text
};

// 32-bit Murmur3, x86 variant, seed 0, as a signed Java int.
int32_t Murmur3Hash32(const void* data, size_t len);
// Appendix B: the hash of `v` of type `source` (int as long, decimal as minimal
// big-endian two's complement, nanosecond timestamps as micros, floats as doubles with
// NaN and -0.0 canonicalized). Null and nested types are InvalidArgument.
Result<int32_t> BucketHash(const Type& source, const Value& v);
// (hash & INT32_MAX) % n.
inline int32_t BucketOf(int32_t hash, int32_t n) { return (hash & 0x7fffffff) % n; }

// Minimal big-endian two's complement bytes of `unscaled` (Java BigInteger.toByteArray).
std::string DecimalToMinimalBytes(__int128 unscaled);
// "-12.34" from unscaled -1234 and scale 2.
std::string DecimalToString(__int128 unscaled, int32_t scale);

// Calendar helpers (CivilDate, CivilFromDays, DaysFromCivil): floe/common/civil_date.h.

// Java URLEncoder.encode(s, UTF-8): alphanumerics and ".-*_" kept, ' ' as '+', else %XX.
std::string UrlEncode(std::string_view s);

}  // namespace floe::iceberg
