#include "floe/format/parquet/statistics.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "floe/common/float16.h"

namespace floe::parquet {

namespace {

bool HasLogical(const SchemaElement& e, LogicalType::Kind k) {
  return e.logical_type && e.logical_type->kind == k;
}
bool HasConverted(const SchemaElement& e, ConvertedType c) {
  return !e.logical_type && e.converted_type && *e.converted_type == c;
}
bool IsDecimal(const SchemaElement& e) {
  return HasLogical(e, LogicalType::Kind::kDecimal) || HasConverted(e, ConvertedType::kDecimal);
}
bool IsText(const SchemaElement& e) {
  return HasLogical(e, LogicalType::Kind::kString) || HasLogical(e, LogicalType::Kind::kEnum) ||
         HasLogical(e, LogicalType::Kind::kJson) || HasConverted(e, ConvertedType::kUtf8) ||
         HasConverted(e, ConvertedType::kEnum) || HasConverted(e, ConvertedType::kJson);
}

template <typename T>
T Load(std::string_view s) {
  T v;
  std::memcpy(&v, s.data(), sizeof(T));
  return v;
}
template <typename T>
std::string_view AsBytes(const T& v) {
  return {reinterpret_cast<const char*>(&v), sizeof(T)};
}

int CompareUnsignedBytes(const uint8_t* a, size_t la, const uint8_t* b, size_t lb) {
  const size_t n = std::min(la, lb);
  if (n > 0) {
    const int c = std::memcmp(a, b, n);
    if (c != 0) return c;
  }
  return la < lb ? -1 : (la > lb ? 1 : 0);
}

// Big-endian two's complement values of any lengths (sign-extended to a common length).
int CompareSignedBytes(const uint8_t* a, size_t la, const uint8_t* b, size_t lb) {
  const bool neg_a = la > 0 && (a[0] & 0x80);
  const bool neg_b = lb > 0 && (b[0] & 0x80);
  if (neg_a != neg_b) return neg_a ? -1 : 1;
  const size_t n = std::max(la, lb);
  const uint8_t pad_a = neg_a ? 0xFF : 0x00;
  const uint8_t pad_b = neg_b ? 0xFF : 0x00;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t x = i < n - la ? pad_a : a[i - (n - la)];
    const uint8_t y = i < n - lb ? pad_b : b[i - (n - lb)];
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

bool HalfIsNan(uint16_t h) { return (h & 0x7FFF) > 0x7C00; }
// A key whose integer order is the numeric order of non-NaN halves (-0 and +0 equal).
int32_t HalfKey(uint16_t h) {
  const int32_t mag = h & 0x7FFF;
  return (h & 0x8000) ? -mag : mag;
}

template <typename T>
int Compare3(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Length of the UTF-8 sequence starting with byte `b`, or 0 when `b` cannot start one.
int Utf8SeqLen(uint8_t b) {
  if (b < 0x80) return 1;
  if ((b & 0xE0) == 0xC0) return 2;
  if ((b & 0xF0) == 0xE0) return 3;
  if ((b & 0xF8) == 0xF0) return 4;
  return 0;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Cut position <= max_bytes that does not split a UTF-8 sequence.
size_t Utf8Cut(std::string_view v, size_t max_bytes) {
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<uint8_t>(v[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

std::optional<std::string> IncrementBytes(std::string_view prefix) {
  std::string s(prefix);
  for (size_t i = s.size(); i-- > 0;) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    if (b != 0xFF) {
      s[i] = static_cast<char>(b + 1);
      s.resize(i + 1);
      return s;
    }
  }
  return std::nullopt;
}

// Increments the last code point of a valid UTF-8 `prefix` that can be incremented,
// dropping what follows it. nullopt if the tail is not valid UTF-8 or nothing can be.
std::optional<std::string> IncrementUtf8(std::string_view prefix, bool* invalid) {
  size_t end = prefix.size();
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && (static_cast<uint8_t>(prefix[start]) & 0xC0) == 0x80) --start;
    const uint8_t lead = static_cast<uint8_t>(prefix[start]);
    const int len = Utf8SeqLen(lead);
    if (len == 0 || static_cast<size_t>(len) != end - start) {
      *invalid = true;
      return std::nullopt;
    }
    uint32_t cp = len == 1 ? lead : (lead & (0xFF >> (len + 1)));
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<uint8_t>(prefix[start + k]) & 0x3F);
    if (cp < 0x10FFFF) {
      uint32_t next = cp + 1;
      if (next >= 0xD800 && next <= 0xDFFF) next = 0xE000;
      std::string s(prefix.substr(0, start));
      AppendUtf8(next, &s);
      return s;
    }
    end = start;
  }
  return std::nullopt;
}

}  // namespace

StatsOrder StatsOrderOf(Type physical, const SchemaElement& e) {
  if (e.logical_type) {
    switch (e.logical_type->kind) {
      case LogicalType::Kind::kUnrecognized:
      case LogicalType::Kind::kVariant:
      case LogicalType::Kind::kGeometry:
      case LogicalType::Kind::kGeography:
      case LogicalType::Kind::kUnknown:
        return StatsOrder::kNone;
      default:
        break;
    }
  }
  switch (physical) {
    case Type::kBoolean:
      return StatsOrder::kBoolean;
    case Type::kInt32: {
      if (HasLogical(e, LogicalType::Kind::kInteger) && !e.logical_type->integer.is_signed) {
        return StatsOrder::kUInt32;
      }
      if (HasConverted(e, ConvertedType::kUint8) || HasConverted(e, ConvertedType::kUint16) ||
          HasConverted(e, ConvertedType::kUint32)) {
        return StatsOrder::kUInt32;
      }
      return StatsOrder::kInt32;
    }
    case Type::kInt64: {
      if (HasLogical(e, LogicalType::Kind::kInteger) && !e.logical_type->integer.is_signed) {
        return StatsOrder::kUInt64;
      }
      if (HasConverted(e, ConvertedType::kUint64)) return StatsOrder::kUInt64;
      return StatsOrder::kInt64;
    }
    case Type::kInt96:
      return StatsOrder::kNone;
    case Type::kFloat:
      return StatsOrder::kFloat;
    case Type::kDouble:
      return StatsOrder::kDouble;
    case Type::kByteArray:
      return IsDecimal(e) ? StatsOrder::kSignedBytes : StatsOrder::kBytes;
    case Type::kFixedLenByteArray:
      if (IsDecimal(e)) return StatsOrder::kSignedBytes;
      if (HasLogical(e, LogicalType::Kind::kFloat16)) {
        return e.type_length.value_or(0) == 2 ? StatsOrder::kFloat16 : StatsOrder::kNone;
      }
      if (e.converted_type && *e.converted_type == ConvertedType::kInterval) {
        return StatsOrder::kNone;
      }
      return StatsOrder::kBytes;
  }
  return StatsOrder::kNone;
}

int CompareEncoded(StatsOrder order, std::string_view a, std::string_view b) {
  const auto* pa = reinterpret_cast<const uint8_t*>(a.data());
  const auto* pb = reinterpret_cast<const uint8_t*>(b.data());
  auto sized = [&](size_t n) { return a.size() == n && b.size() == n; };
  switch (order) {
    case StatsOrder::kInt32:
      if (sized(4)) return Compare3(Load<int32_t>(a), Load<int32_t>(b));
      break;
    case StatsOrder::kUInt32:
      if (sized(4)) return Compare3(Load<uint32_t>(a), Load<uint32_t>(b));
      break;
    case StatsOrder::kInt64:
      if (sized(8)) return Compare3(Load<int64_t>(a), Load<int64_t>(b));
      break;
    case StatsOrder::kUInt64:
      if (sized(8)) return Compare3(Load<uint64_t>(a), Load<uint64_t>(b));
      break;
    case StatsOrder::kFloat:
      if (sized(4)) return Compare3(Load<float>(a), Load<float>(b));
      break;
    case StatsOrder::kDouble:
      if (sized(8)) return Compare3(Load<double>(a), Load<double>(b));
      break;
    case StatsOrder::kFloat16:
      if (sized(2)) return Compare3(HalfKey(Load<uint16_t>(a)), HalfKey(Load<uint16_t>(b)));
      break;
    case StatsOrder::kSignedBytes:
      return CompareSignedBytes(pa, a.size(), pb, b.size());
    case StatsOrder::kBoolean:
    case StatsOrder::kBytes:
    case StatsOrder::kNone:
      break;
  }
  return CompareUnsignedBytes(pa, a.size(), pb, b.size());
}

Result<StatValue> DecodeStatValue(const ColumnDescriptor& column, std::string_view s) {
  StatValue v;
  const SchemaElement& e = column.element;
  auto need = [&](size_t n) -> Status {
    if (s.size() != n) {
      return Status::Corruption("column '{}': statistics value of {} bytes, expected {}",
                                column.dotted_path, s.size(), n);
    }
    return Status::OK();
  };
  if (IsDecimal(e)) {
    v.kind = StatValue::Kind::kDecimal;
    switch (column.physical_type) {
      case Type::kInt32:
        FLOE_RETURN_IF_ERROR(need(4));
        v.decimal = Load<int32_t>(s);
        return v;
      case Type::kInt64:
        FLOE_RETURN_IF_ERROR(need(8));
        v.decimal = Load<int64_t>(s);
        return v;
      case Type::kByteArray:
      case Type::kFixedLenByteArray: {
        if (s.empty() || s.size() > 16) {
          return Status::Corruption("column '{}': decimal statistics value of {} bytes",
                                    column.dotted_path, s.size());
        }
        unsigned __int128 u =
            (static_cast<uint8_t>(s[0]) & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
        for (char c : s) u = (u << 8) | static_cast<uint8_t>(c);
        v.decimal = static_cast<__int128>(u);
        return v;
      }
      default:
        break;
    }
  }
  switch (column.physical_type) {
    case Type::kBoolean:
      FLOE_RETURN_IF_ERROR(need(1));
      v.kind = StatValue::Kind::kBool;
      v.b = s[0] != 0;
      return v;
    case Type::kInt32:
      FLOE_RETURN_IF_ERROR(need(4));
      if (StatsOrderOf(column) == StatsOrder::kUInt32) {
        v.kind = StatValue::Kind::kUInt;
        v.u = Load<uint32_t>(s);
      } else {
        v.kind = StatValue::Kind::kInt;
        v.i = Load<int32_t>(s);
      }
      return v;
    case Type::kInt64:
      FLOE_RETURN_IF_ERROR(need(8));
      if (StatsOrderOf(column) == StatsOrder::kUInt64) {
        v.kind = StatValue::Kind::kUInt;
        v.u = Load<uint64_t>(s);
      } else {
        v.kind = StatValue::Kind::kInt;
        v.i = Load<int64_t>(s);
      }
      return v;
    case Type::kFloat:
      FLOE_RETURN_IF_ERROR(need(4));
      v.kind = StatValue::Kind::kDouble;
      v.d = Load<float>(s);
      return v;
    case Type::kDouble:
      FLOE_RETURN_IF_ERROR(need(8));
      v.kind = StatValue::Kind::kDouble;
      v.d = Load<double>(s);
      return v;
    case Type::kFixedLenByteArray:
      if (StatsOrderOf(column) == StatsOrder::kFloat16) {
        FLOE_RETURN_IF_ERROR(need(2));
        v.kind = StatValue::Kind::kDouble;
        v.d = floe::HalfToDouble(Load<uint16_t>(s));
        return v;
      }
      [[fallthrough]];
    default:
      v.kind = StatValue::Kind::kBytes;
      v.bytes.assign(s.data(), s.size());
      return v;
  }
}

std::string TruncateMin(std::string_view value, size_t max_bytes, bool utf8) {
  if (value.size() <= max_bytes) return std::string(value);
  const size_t cut = utf8 ? Utf8Cut(value, max_bytes) : max_bytes;
  return std::string(value.substr(0, cut));
}

std::optional<std::string> TruncateMax(std::string_view value, size_t max_bytes, bool utf8) {
  if (value.size() <= max_bytes) return std::string(value);
  if (utf8) {
    bool invalid = false;
    auto r = IncrementUtf8(value.substr(0, Utf8Cut(value, max_bytes)), &invalid);
    if (!invalid) return r;
  }
  return IncrementBytes(value.substr(0, max_bytes));
}

// ---------------------------------------------------------------------------------------

ColumnStatistics::ColumnStatistics(const ColumnDescriptor& column)
    : order_(StatsOrderOf(column)),
      truncatable_(column.physical_type == Type::kByteArray && order_ == StatsOrder::kBytes),
      utf8_(IsText(column.element)) {}

void ColumnStatistics::Reset() {
  has_min_max_ = false;
  min_.clear();
  max_.clear();
  null_count_ = 0;
  nan_count_ = 0;
  num_values_ = 0;
}

void ColumnStatistics::Offer(std::string_view lo, std::string_view hi) {
  if (!has_min_max_) {
    SetMin(lo);
    SetMax(hi);
    has_min_max_ = true;
    return;
  }
  if (CompareEncoded(order_, lo, min_) < 0) SetMin(lo);
  if (CompareEncoded(order_, hi, max_) > 0) SetMax(hi);
}

void ColumnStatistics::Update(std::span<const int32_t> values) {
  num_values_ += static_cast<int64_t>(values.size());
  if (values.empty() || order_ == StatsOrder::kNone) return;
  if (order_ == StatsOrder::kUInt32) {
    uint32_t lo = std::numeric_limits<uint32_t>::max(), hi = 0;
    for (int32_t x : values) {
      const uint32_t u = static_cast<uint32_t>(x);
      lo = u < lo ? u : lo;
      hi = u > hi ? u : hi;
    }
    Offer(AsBytes(lo), AsBytes(hi));
  } else {
    int32_t lo = std::numeric_limits<int32_t>::max(), hi = std::numeric_limits<int32_t>::min();
    for (int32_t x : values) {
      lo = x < lo ? x : lo;
      hi = x > hi ? x : hi;
    }
    Offer(AsBytes(lo), AsBytes(hi));
  }
}

void ColumnStatistics::Update(std::span<const int64_t> values) {
  num_values_ += static_cast<int64_t>(values.size());
  if (values.empty() || order_ == StatsOrder::kNone) return;
  if (order_ == StatsOrder::kUInt64) {
    uint64_t lo = std::numeric_limits<uint64_t>::max(), hi = 0;
    for (int64_t x : values) {
      const uint64_t u = static_cast<uint64_t>(x);
      lo = u < lo ? u : lo;
      hi = u > hi ? u : hi;
    }
    Offer(AsBytes(lo), AsBytes(hi));
  } else {
    int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
    for (int64_t x : values) {
      lo = x < lo ? x : lo;
      hi = x > hi ? x : hi;
    }
    Offer(AsBytes(lo), AsBytes(hi));
  }
}

namespace {
template <typename T>
void FloatMinMax(std::span<const T> values, T* lo, T* hi, int64_t* nans) {
  T mn = std::numeric_limits<T>::infinity();
  T mx = -std::numeric_limits<T>::infinity();
  int64_t n_nan = 0;
  for (T x : values) {
    n_nan += x != x;
    mn = x < mn ? x : mn;  // false for NaN
    mx = x > mx ? x : mx;
  }
  if (mn == 0) mn = -static_cast<T>(0);
  if (mx == 0) mx = static_cast<T>(0);
  *lo = mn;
  *hi = mx;
  *nans = n_nan;
}
}  // namespace

void ColumnStatistics::Update(std::span<const float> values) {
  num_values_ += static_cast<int64_t>(values.size());
  if (values.empty()) return;
  float lo, hi;
  int64_t nans;
  FloatMinMax(values, &lo, &hi, &nans);
  nan_count_ += nans;
  if (nans < static_cast<int64_t>(values.size())) Offer(AsBytes(lo), AsBytes(hi));
}

void ColumnStatistics::Update(std::span<const double> values) {
  num_values_ += static_cast<int64_t>(values.size());
  if (values.empty()) return;
  double lo, hi;
  int64_t nans;
  FloatMinMax(values, &lo, &hi, &nans);
  nan_count_ += nans;
  if (nans < static_cast<int64_t>(values.size())) Offer(AsBytes(lo), AsBytes(hi));
}

void ColumnStatistics::UpdateBooleans(std::span<const uint8_t> values) {
  num_values_ += static_cast<int64_t>(values.size());
  if (values.empty()) return;
  uint8_t lo = 1, hi = 0;
  for (uint8_t x : values) {
    const uint8_t b = x != 0;
    lo &= b;
    hi |= b;
  }
  Offer(AsBytes(lo), AsBytes(hi));
}

void ColumnStatistics::Update(std::span<const ByteArray> values) {
  num_values_ += static_cast<int64_t>(values.size());
  if (values.empty() || order_ == StatsOrder::kNone) return;
  if (order_ == StatsOrder::kFloat16) {
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    uint16_t lo_bits = 0, hi_bits = 0;
    int64_t nans = 0;
    for (const ByteArray& v : values) {
      uint16_t h = 0;
      if (v.len == 2) std::memcpy(&h, v.ptr, 2);
      if (HalfIsNan(h)) {
        ++nans;
        continue;
      }
      const int32_t k = HalfKey(h);
      if (k < lo) {
        lo = k;
        lo_bits = h;
      }
      if (k > hi) {
        hi = k;
        hi_bits = h;
      }
    }
    nan_count_ += nans;
    if (nans == static_cast<int64_t>(values.size())) return;
    if (lo == 0) lo_bits = 0x8000;
    if (hi == 0) hi_bits = 0x0000;
    Offer(AsBytes(lo_bits), AsBytes(hi_bits));
    return;
  }
  const ByteArray* lo = &values[0];
  const ByteArray* hi = &values[0];
  if (order_ == StatsOrder::kSignedBytes) {
    for (const ByteArray& v : values) {
      if (CompareSignedBytes(v.ptr, v.len, lo->ptr, lo->len) < 0) lo = &v;
      if (CompareSignedBytes(v.ptr, v.len, hi->ptr, hi->len) > 0) hi = &v;
    }
  } else {
    // Compare 8-byte big-endian prefixes first; only equal prefixes need the bytes.
    auto prefix = [](const ByteArray& v) {
      uint64_t k = 0;
      if (v.len >= 8) {
        std::memcpy(&k, v.ptr, 8);  // a fixed size: one load, not a library call
      } else if (v.len > 0) {       // "" may be null
        std::memcpy(&k, v.ptr, v.len);
      }
      return __builtin_bswap64(k);
    };
    uint64_t lo_key = prefix(*lo), hi_key = lo_key;
    for (const ByteArray& v : values) {
      const uint64_t k = prefix(v);
      if (k < lo_key || (k == lo_key && CompareUnsignedBytes(v.ptr, v.len, lo->ptr, lo->len) < 0)) {
        lo = &v;
        lo_key = k;
      }
      if (k > hi_key || (k == hi_key && CompareUnsignedBytes(v.ptr, v.len, hi->ptr, hi->len) > 0)) {
        hi = &v;
        hi_key = k;
      }
    }
  }
  Offer(lo->view(), hi->view());
}

void ColumnStatistics::UpdateDistinct(std::span<const ByteArray> distinct, int64_t count) {
  Update(distinct);
  num_values_ += count - static_cast<int64_t>(distinct.size());
}

void ColumnStatistics::Merge(const ColumnStatistics& other) {
  null_count_ += other.null_count_;
  nan_count_ += other.nan_count_;
  num_values_ += other.num_values_;
  if (other.has_min_max_) Offer(other.min_, other.max_);
}

std::string ColumnStatistics::TruncatedMin(size_t max_bytes) const {
  if (!truncatable_) return min_;
  return TruncateMin(min_, max_bytes, utf8_);
}

std::optional<std::string> ColumnStatistics::TruncatedMax(size_t max_bytes) const {
  if (!truncatable_) return max_;
  return TruncateMax(max_, max_bytes, utf8_);
}

Statistics ColumnStatistics::ToThrift(size_t max_bytes) const {
  Statistics s;
  s.null_count = null_count_;
  if (IsFloating()) s.nan_count = nan_count_;
  if (!has_min_max_ || order_ == StatsOrder::kNone) return s;
  std::string lo = TruncatedMin(max_bytes);
  std::optional<std::string> hi = TruncatedMax(max_bytes);
  s.is_min_value_exact = lo.size() == min_.size();
  if (hi) s.is_max_value_exact = hi->size() == max_.size() && *hi == max_;
  switch (order_) {
    case StatsOrder::kBoolean:
    case StatsOrder::kInt32:
    case StatsOrder::kInt64:
    case StatsOrder::kFloat:
    case StatsOrder::kDouble:
      s.min = lo;
      s.max = *hi;
      break;
    default:
      break;
  }
  s.min_value = std::move(lo);
  if (hi) s.max_value = std::move(*hi);
  return s;
}

}  // namespace floe::parquet
