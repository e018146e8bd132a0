#include "floe/iceberg/transform.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace floe::iceberg {

namespace {

constexpr int64_t kMicrosPerHour = 3600LL * 1000000;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

bool IsTimestampKind(TypeKind k) {
  return k == TypeKind::kTimestamp || k == TypeKind::kTimestampTz || k == TypeKind::kTimestampNs ||
         k == TypeKind::kTimestampTzNs;
}
bool IsNanos(TypeKind k) { return k == TypeKind::kTimestampNs || k == TypeKind::kTimestampTzNs; }

uint32_t Rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

int32_t HashLong(int64_t v) {
  uint8_t b[8];
  uint64_t u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(u >> (8 * i));
  return Murmur3Hash32(b, 8);
}

template <typename T>
const T* Get(const Value& v) {
  return std::get_if<T>(&v);
}

Status WrongValue(const Type& source, const Value& v) {
  return Status::InvalidArgument("value of variant index {} does not match type {}", v.index(),
                                 source.ToString());
}

// Reads the value as a long in its type's unit (int/date widen).
bool AsInteger(const Value& v, int64_t* out) {
  if (auto* i = Get<int32_t>(v)) {
    *out = *i;
    return true;
  }
  if (auto* l = Get<int64_t>(v)) {
    *out = *l;
    return true;
  }
  return false;
}

// Number of bytes of the first `n` UTF-8 code points of `s`.
size_t Utf8PrefixBytes(std::string_view s, int64_t n) {
  int64_t count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    bool continuation = (static_cast<uint8_t>(s[i]) & 0xC0) == 0x80;
    if (!continuation) {
      if (count == n) return i;
      ++count;
    }
  }
  return s.size();
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) |
                 (static_cast<uint8_t>(bytes[i + 1]) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string UuidString(std::string_view b) {
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[static_cast<uint8_t>(b[i]) >> 4];
    out += kHex[static_cast<uint8_t>(b[i]) & 15];
  }
  return out;
}

std::string DateString(int64_t days) {
  CivilDate d = CivilFromDays(days);
  return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day);
}

// java.time.LocalTime.toString: HH:mm, then :ss and a 3/6/9-digit fraction when non-zero.
std::string TimeString(int64_t nanos_of_day) {
  int64_t h = nanos_of_day / 3600000000000LL;
  int64_t m = nanos_of_day / 60000000000LL % 60;
  int64_t s = nanos_of_day / 1000000000LL % 60;
  int64_t frac = nanos_of_day % 1000000000LL;
  std::string out = fmt::format("{:02d}:{:02d}", h, m);
  if (s != 0 || frac != 0) out += fmt::format(":{:02d}", s);
  if (frac != 0) {
    if (frac % 1000000 == 0) {
      out += fmt::format(".{:03d}", frac / 1000000);
    } else if (frac % 1000 == 0) {
      out += fmt::format(".{:06d}", frac / 1000);
    } else {
      out += fmt::format(".{:09d}", frac);
    }
  }
  return out;
}

std::string TimestampString(int64_t value, bool nanos, bool utc) {
  int64_t per_day = nanos ? kMicrosPerDay * 1000 : kMicrosPerDay;
  int64_t days = FloorDiv(value, per_day);
  int64_t in_day = FloorMod(value, per_day) * (nanos ? 1 : 1000);
  return DateString(days) + "T" + TimeString(in_day) + (utc ? "Z" : "");
}

std::string DoubleString(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  std::string s = fmt::format("{}", d);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

int32_t Murmur3Hash32(const void* data, size_t len) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  constexpr uint32_t c1 = 0xcc9e2d51;
  constexpr uint32_t c2 = 0x1b873593;
  uint32_t h = 0;
  size_t nblocks = len / 4;
  for (size_t i = 0; i < nblocks; ++i) {
    uint32_t k = static_cast<uint32_t>(p[4 * i]) | (static_cast<uint32_t>(p[4 * i + 1]) << 8) |
                 (static_cast<uint32_t>(p[4 * i + 2]) << 16) |
                 (static_cast<uint32_t>(p[4 * i + 3]) << 24);
    k *= c1;
    k = Rotl(k, 15);
    k *= c2;
    h ^= k;
    h = Rotl(h, 13);
    h = h * 5 + 0xe6546b64;
  }
  const uint8_t* tail = p + nblocks * 4;
  uint32_t k1 = 0;
  switch (len & 3) {
    case 3:
      k1 ^= static_cast<uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      k1 ^= static_cast<uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      k1 ^= tail[0];
      k1 *= c1;
      k1 = Rotl(k1, 15);
      k1 *= c2;
      h ^= k1;
  }
  h ^= static_cast<uint32_t>(len);
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return static_cast<int32_t>(h);
}

std::string DecimalToMinimalBytes(__int128 unscaled) {
  int n = 1;
  for (; n < 16; ++n) {
    __int128 limit = static_cast<__int128>(1) << (8 * n - 1);
    if (unscaled >= -limit && unscaled < limit) break;
  }
  std::string out(static_cast<size_t>(n), '\0');
  unsigned __int128 u = static_cast<unsigned __int128>(unscaled);
  for (int i = 0; i < n; ++i)
    out[n - 1 - i] = static_cast<char>(static_cast<uint8_t>(u >> (8 * i)));
  return out;
}

std::string DecimalToString(__int128 unscaled, int32_t scale) {
  bool negative = unscaled < 0;
  unsigned __int128 u =
      negative ? static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(unscaled)
               : static_cast<unsigned __int128>(unscaled);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u != 0);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) - digits.size() + 1, '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return negative ? "-" + digits : digits;
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<uint8_t>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '.' ||
        u == '-' || u == '*' || u == '_') {
      out += c;
    } else if (u == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

Result<int32_t> BucketHash(const Type& source, const Value& v) {
  if (IsNull(v)) return Status::InvalidArgument("cannot hash a null value");
  int64_t i = 0;
  switch (source.kind) {
    case TypeKind::kBoolean:
      if (auto* b = Get<bool>(v)) return HashLong(*b ? 1 : 0);
      break;
    case TypeKind::kInt:
    case TypeKind::kLong:
    case TypeKind::kDate:
    case TypeKind::kTime:
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampTz:
      if (AsInteger(v, &i)) return HashLong(i);
      break;
    case TypeKind::kTimestampNs:
    case TypeKind::kTimestampTzNs:
      if (AsInteger(v, &i)) return HashLong(FloorDiv(i, 1000));
      break;
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      double d;
      if (auto* f = Get<float>(v)) {
        d = *f;
      } else if (auto* dd = Get<double>(v)) {
        d = *dd;
      } else {
        break;
      }
      if (std::isnan(d)) return HashLong(0x7ff8000000000000LL);
      if (d == 0.0) d = 0.0;  // -0.0 -> 0.0
      int64_t bits;
      std::memcpy(&bits, &d, 8);
      return HashLong(bits);
    }
    case TypeKind::kDecimal:
      if (auto* d = Get<__int128>(v)) {
        std::string b = DecimalToMinimalBytes(*d);
        return Murmur3Hash32(b.data(), b.size());
      }
      break;
    case TypeKind::kString:
    case TypeKind::kUuid:
    case TypeKind::kFixed:
    case TypeKind::kBinary:
      if (auto* s = Get<std::string>(v)) return Murmur3Hash32(s->data(), s->size());
      break;
    default:
      return Status::InvalidArgument("type {} cannot be hashed", source.ToString());
  }
  return WrongValue(source, v);
}

Result<Transform> Transform::Parse(std::string_view text) {
  struct Named {
    std::string_view name;
    TransformKind kind;
  };
  static constexpr Named kNamed[] = {
      {"identity", TransformKind::kIdentity}, {"year", TransformKind::kYear},
      {"month", TransformKind::kMonth},       {"day", TransformKind::kDay},
      {"hour", TransformKind::kHour},         {"void", TransformKind::kVoid},
  };
  for (const Named& n : kNamed) {
    if (text == n.name) return Transform(n.kind, 0);
  }
  for (auto [prefix, kind] :
       {std::pair<std::string_view, TransformKind>{"bucket[", TransformKind::kBucket},
        {"truncate[", TransformKind::kTruncate}}) {
    if (!text.starts_with(prefix)) continue;
    std::string_view arg = text.substr(prefix.size());
    int32_t n = 0;
    if (!arg.empty() && arg.back() == ']') {
      arg.remove_suffix(1);
      auto [p, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), n);
      if (ec == std::errc() && p == arg.data() + arg.size() && n > 0) return Transform(kind, n);
    }
    return Status::InvalidArgument("malformed transform '{}': expected {}N] with N > 0", text,
                                   prefix);
  }
  Transform t(TransformKind::kUnknown, 0);
  t.raw_ = std::string(text);
  return t;
}

std::string Transform::ToString() const {
  switch (kind_) {
    case TransformKind::kIdentity:
      return "identity";
    case TransformKind::kBucket:
      return fmt::format("bucket[{}]", param_);
    case TransformKind::kTruncate:
      return fmt::format("truncate[{}]", param_);
    case TransformKind::kYear:
      return "year";
    case TransformKind::kMonth:
      return "month";
    case TransformKind::kDay:
      return "day";
    case TransformKind::kHour:
      return "hour";
    case TransformKind::kVoid:
      return "void";
    case TransformKind::kUnknown:
      return raw_;
  }
  return raw_;
}

bool Transform::CanTransform(const Type& source) const {
  TypeKind k = source.kind;
  switch (kind_) {
    case TransformKind::kIdentity:
      return source.IsPrimitive() && k != TypeKind::kVariant;
    case TransformKind::kVoid:
      return true;
    case TransformKind::kBucket:
      return k == TypeKind::kInt || k == TypeKind::kLong || k == TypeKind::kDecimal ||
             k == TypeKind::kDate || k == TypeKind::kTime || IsTimestampKind(k) ||
             k == TypeKind::kString || k == TypeKind::kUuid || k == TypeKind::kFixed ||
             k == TypeKind::kBinary;
    case TransformKind::kTruncate:
      return k == TypeKind::kInt || k == TypeKind::kLong || k == TypeKind::kDecimal ||
             k == TypeKind::kString || k == TypeKind::kBinary;
    case TransformKind::kYear:
    case TransformKind::kMonth:
    case TransformKind::kDay:
      return k == TypeKind::kDate || IsTimestampKind(k);
    case TransformKind::kHour:
      return IsTimestampKind(k);
    case TransformKind::kUnknown:
      return true;
  }
  return false;
}

Result<TypePtr> Transform::ResultType(const TypePtr& source) const {
  if (!source || !CanTransform(*source)) {
    return Status::InvalidArgument("transform {} cannot be applied to {}", ToString(),
                                   source ? source->ToString() : "null type");
  }
  switch (kind_) {
    case TransformKind::kIdentity:
    case TransformKind::kTruncate:
    case TransformKind::kVoid:
      return source;
    case TransformKind::kUnknown:
      return types::String();
    default:
      return types::Int();
  }
}

Result<Value> Transform::Apply(const Type& source, const Value& v) const {
  if (!CanTransform(source) || kind_ == TransformKind::kUnknown) {
    return Status::InvalidArgument("transform {} cannot be applied to {}", ToString(),
                                   source.ToString());
  }
  if (IsNull(v) || kind_ == TransformKind::kVoid) return Value();
  switch (kind_) {
    case TransformKind::kIdentity:
      return v;
    case TransformKind::kBucket: {
      FLOE_ASSIGN_OR_RETURN(int32_t h, BucketHash(source, v));
      return Value(BucketOf(h, param_));
    }
    case TransformKind::kTruncate: {
      int64_t w = param_;
      if (auto* i = Get<int32_t>(v)) {
        int64_t x = *i;
        return Value(static_cast<int32_t>(x - (((x % w) + w) % w)));
      }
      if (auto* l = Get<int64_t>(v)) {
        int64_t r = ((*l % w) + w) % w;
        return Value(static_cast<int64_t>(static_cast<uint64_t>(*l) - static_cast<uint64_t>(r)));
      }
      if (auto* d = Get<__int128>(v)) {
        __int128 w128 = w;
        return Value(static_cast<__int128>(*d - (((*d % w128) + w128) % w128)));
      }
      if (auto* s = Get<std::string>(v)) {
        size_t n = source.kind == TypeKind::kString ? Utf8PrefixBytes(*s, w)
                                                    : std::min<size_t>(s->size(), w);
        return Value(s->substr(0, n));
      }
      return WrongValue(source, v);
    }
    case TransformKind::kYear:
    case TransformKind::kMonth:
    case TransformKind::kDay:
    case TransformKind::kHour: {
      int64_t x = 0;
      if (!AsInteger(v, &x)) return WrongValue(source, v);
      int64_t days;
      int64_t hours = 0;
      if (source.kind == TypeKind::kDate) {
        days = x;
      } else {
        int64_t micros = IsNanos(source.kind) ? FloorDiv(x, 1000) : x;
        days = FloorDiv(micros, kMicrosPerDay);
        hours = FloorDiv(micros, kMicrosPerHour);
      }
      int64_t out;
      if (kind_ == TransformKind::kHour) {
        out = hours;
      } else if (kind_ == TransformKind::kDay) {
        out = days;
      } else {
        CivilDate c = CivilFromDays(days);
        out = kind_ == TransformKind::kYear ? c.year - 1970 : (c.year - 1970) * 12 + c.month - 1;
      }
      if (out < std::numeric_limits<int32_t>::min() || out > std::numeric_limits<int32_t>::max()) {
        return Status::InvalidArgument("{} of {} overflows an int", ToString(), x);
      }
      return Value(static_cast<int32_t>(out));
    }
    default:
      break;
  }
  return Status::Internal("unhandled transform {}", ToString());
}

Result<std::string> Transform::ToHumanString(const Type& source, const Value& v) const {
  if (IsNull(v)) return std::string("null");
  auto as_int = [&]() -> Result<int64_t> {
    int64_t x = 0;
    if (!AsInteger(v, &x)) return WrongValue(source, v);
    return x;
  };
  switch (kind_) {
    case TransformKind::kYear: {
      FLOE_ASSIGN_OR_RETURN(int64_t x, as_int());
      return fmt::format("{:04d}", 1970 + x);
    }
    case TransformKind::kMonth: {
      FLOE_ASSIGN_OR_RETURN(int64_t x, as_int());
      return fmt::format("{:04d}-{:02d}", 1970 + FloorDiv(x, 12), FloorMod(x, 12) + 1);
    }
    case TransformKind::kDay: {
      FLOE_ASSIGN_OR_RETURN(int64_t x, as_int());
      return DateString(x);
    }
    case TransformKind::kHour: {
      FLOE_ASSIGN_OR_RETURN(int64_t x, as_int());
      return fmt::format("{}-{:02d}", DateString(FloorDiv(x, 24)), FloorMod(x, 24));
    }
    case TransformKind::kBucket: {
      FLOE_ASSIGN_OR_RETURN(int64_t x, as_int());
      return fmt::format("{}", x);
    }
    default:
      break;
  }
  // identity, truncate, void, unknown: render by the source type.
  switch (source.kind) {
    case TypeKind::kBoolean:
      if (auto* b = Get<bool>(v)) return std::string(*b ? "true" : "false");
      break;
    case TypeKind::kInt:
    case TypeKind::kLong: {
      FLOE_ASSIGN_OR_RETURN(int64_t x, as_int());
      return fmt::format("{}", x);
    }
    case TypeKind::kFloat:
      if (auto* f = Get<float>(v)) return DoubleString(*f);
      break;
    case TypeKind::kDouble:
      if (auto* d = Get<double>(v)) return DoubleString(*d);
      break;
    case TypeKind::kDecimal:
      if (auto* d = Get<__int128>(v)) return DecimalToString(*d, source.scale);
      break;
    case TypeKind::kDate: {
      FLOE_ASSIGN_OR_RETURN(int64_t x, as_int());
      return DateString(x);
    }
    case TypeKind::kTime: {
      FLOE_ASSIGN_OR_RETURN(int64_t x, as_int());
      if (x < 0 || x >= kMicrosPerDay) {
        return Status::InvalidArgument("time value {} is outside one day", x);
      }
      return TimeString(x * 1000);
    }
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampTz:
    case TypeKind::kTimestampNs:
    case TypeKind::kTimestampTzNs: {
      FLOE_ASSIGN_OR_RETURN(int64_t x, as_int());
      return TimestampString(
          x, IsNanos(source.kind),
          source.kind == TypeKind::kTimestampTz || source.kind == TypeKind::kTimestampTzNs);
    }
    case TypeKind::kString:
      if (auto* s = Get<std::string>(v)) return *s;
      break;
    case TypeKind::kUuid:
      if (auto* s = Get<std::string>(v)) {
        if (s->size() != 16) return Status::InvalidArgument("uuid value has {} bytes", s->size());
        return UuidString(*s);
      }
      break;
    case TypeKind::kFixed:
    case TypeKind::kBinary:
      if (auto* s = Get<std::string>(v)) return Base64(*s);
      break;
    default:
      return Status::InvalidArgument("no human string for type {}", source.ToString());
  }
  return WrongValue(source, v);
}

}  // namespace floe::iceberg
