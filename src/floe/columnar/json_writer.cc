#include "floe/columnar/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "floe/common/float16.h"

namespace floe {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Bytes a JSON string cannot carry as they are: controls, '"', '\\', and every non-ASCII
// byte (checked for UTF-8 validity on the slow path).
constexpr auto kNeedsCare = [] {
  struct Table {
    bool v[256] = {};
  } t;
  for (int c = 0; c < 0x20; ++c) t.v[c] = true;
  t.v[static_cast<int>('"')] = true;
  t.v[static_cast<int>('\\')] = true;
  for (int c = 0x80; c < 0x100; ++c) t.v[c] = true;
  return t;
}();

// Length of the well-formed UTF-8 sequence at p (Unicode Table 3-7), or, when it is
// ill-formed, minus the length of its maximal subpart (at least 1).
int Utf8Sequence(const uint8_t* p, size_t avail) {
  const uint8_t c = p[0];
  int need;
  uint8_t lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return -1;
  }
  int i = 1;
  for (; i <= need; ++i) {
    if (static_cast<size_t>(i) >= avail) return -i;
    const uint8_t b = p[i];
    const uint8_t l = i == 1 ? lo : 0x80;
    const uint8_t h = i == 1 ? hi : 0xBF;
    if (b < l || b > h) return -i;
  }
  return need + 1;
}

// Writers into a caller-provided buffer with room; each returns the new end.
char* WriteUInt(uint64_t v, char* p) { return std::to_chars(p, p + 20, v).ptr; }
char* WriteInt(int64_t v, char* p) { return std::to_chars(p, p + 20, v).ptr; }

// v with at least `width` digits (zero-padded); at most 20 characters.
char* WritePadded(uint64_t v, int width, char* p) {
  char digits[20];
  const int n = static_cast<int>(std::to_chars(digits, digits + 20, v).ptr - digits);
  for (int i = n; i < width; ++i) *p++ = '0';
  std::memcpy(p, digits, n);
  return p + n;
}

char* WriteTwo(int64_t v, char* p) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

// "HH:MM:SS" for a second of the day (0..86399), then ".fffffffff" trimmed when nanos > 0.
// At most 18 characters.
char* WriteClock(int64_t sec_of_day, int64_t nanos, char* p) {
  p = WriteTwo(sec_of_day / 3600, p);
  *p++ = ':';
  p = WriteTwo(sec_of_day / 60 % 60, p);
  *p++ = ':';
  p = WriteTwo(sec_of_day % 60, p);
  if (nanos > 0) {
    *p++ = '.';
    for (int i = 8; i >= 0; --i) {
      p[i] = static_cast<char>('0' + nanos % 10);
      nanos /= 10;
    }
    p += 9;
    while (p[-1] == '0') --p;
  }
  return p;
}

// Room a date needs: sign, up to 17 year digits (int64 days), "-MM-DD".
constexpr size_t kMaxDate = 24;
// Room a timestamp needs: date, 'T', clock, 'Z'.
constexpr size_t kMaxTimestamp = kMaxDate + 20;

char* WriteDate(int64_t days, char* p) {
  const CivilDate c = CivilFromDays(days);
  if (c.year >= 0 && c.year <= 9999) {
    p = WritePadded(static_cast<uint64_t>(c.year), 4, p);
  } else {
    *p++ = c.year < 0 ? '-' : '+';
    p = WritePadded(c.year < 0 ? 0 - static_cast<uint64_t>(c.year) : static_cast<uint64_t>(c.year),
                    6, p);
  }
  *p++ = '-';
  p = WriteTwo(c.month, p);
  *p++ = '-';
  return WriteTwo(c.day, p);
}

// Floor division and modulo.
inline void FloorDivMod(int64_t a, int64_t b, int64_t* q, int64_t* r) {
  *q = a / b;
  *r = a % b;
  if (*r < 0) {
    *r += b;
    --*q;
  }
}

char* WriteTimestamp(int64_t value, TimeUnit unit, bool utc, char* p) {
  const int64_t ups = UnitsPerSecond(unit);
  int64_t secs, sub, days, sod;
  FloorDivMod(value, ups, &secs, &sub);
  FloorDivMod(secs, 86400, &days, &sod);
  p = WriteDate(days, p);
  *p++ = 'T';
  p = WriteClock(sod, sub * (1000000000 / ups), p);
  if (utc) *p++ = 'Z';
  return p;
}

// Room a number needs: sign, 17 digits, '.', up to 21 zeros or "e+308".
constexpr size_t kMaxNumber = 48;

char* WriteNumber(double v, char* w) {
  if (std::isnan(v)) {
    std::memcpy(w, "\"NaN\"", 5);
    return w + 5;
  }
  if (std::isinf(v)) {
    const std::string_view s = v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    std::memcpy(w, s.data(), s.size());
    return w + s.size();
  }
  if (v == 0) {
    const std::string_view s = std::signbit(v) ? "-0.0" : "0";
    std::memcpy(w, s.data(), s.size());
    return w + s.size();
  }
  // Shortest round-trip digits d1.d2...dk and exponent e, so v = 0.d1...dk x 10^n, n = e + 1.
  char sci[32];
  const auto r = std::to_chars(sci, sci + sizeof(sci), v, std::chars_format::scientific);
  const char* p = sci;
  if (*p == '-') {
    *w++ = '-';
    ++p;
  }
  char digits[20];
  int k = 0;
  for (; p < r.ptr && *p != 'e'; ++p) {
    if (*p != '.') digits[k++] = *p;
  }
  int e = 0;
  std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), r.ptr, e);
  const int n = e + 1;
  // ECMAScript Number::toString, steps for k, n (ECMA-262 section 6.1.6.1.20).
  if (k <= n && n <= 21) {
    std::memcpy(w, digits, k);
    w += k;
    for (int i = k; i < n; ++i) *w++ = '0';
  } else if (0 < n && n <= 21) {
    std::memcpy(w, digits, n);
    w += n;
    *w++ = '.';
    std::memcpy(w, digits + n, k - n);
    w += k - n;
  } else if (-6 < n && n <= 0) {
    *w++ = '0';
    *w++ = '.';
    for (int i = 0; i < -n; ++i) *w++ = '0';
    std::memcpy(w, digits, k);
    w += k;
  } else {
    *w++ = digits[0];
    if (k > 1) {
      *w++ = '.';
      std::memcpy(w, digits + 1, k - 1);
      w += k - 1;
    }
    *w++ = 'e';
    *w++ = e < 0 ? '-' : '+';
    w = std::to_chars(w, w + 8, e < 0 ? -e : e).ptr;
  }
  return w;
}

void AppendHex(std::string_view bytes, std::string* out) {
  const size_t at = out->size();
  out->resize(at + 2 * bytes.size());
  char* p = out->data() + at;
  for (unsigned char c : bytes) {
    *p++ = kHexDigits[c >> 4];
    *p++ = kHexDigits[c & 15];
  }
}

void AppendUuid(std::string_view b, std::string* out) {
  out->push_back('"');
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
    const auto c = static_cast<unsigned char>(b[i]);
    out->push_back(kHexDigits[c >> 4]);
    out->push_back(kHexDigits[c & 15]);
  }
  out->push_back('"');
}

uint32_t LoadU32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return uint32_t{u[0]} | uint32_t{u[1]} << 8 | uint32_t{u[2]} << 16 | uint32_t{u[3]} << 24;
}

}  // namespace

void AppendDateText(int64_t days, std::string* out) {
  char buf[kMaxDate];
  out->append(buf, WriteDate(days, buf));
}

void AppendTimeText(int64_t value, TimeUnit unit, bool utc, std::string* out) {
  const int64_t ups = UnitsPerSecond(unit);
  char buf[48];
  char* p = buf;
  if (value >= 0 && value < 86400 * ups) {
    p = WriteClock(value / ups, value % ups * (1000000000 / ups), p);
  } else {
    // Out of the day (invalid data): keep every digit rather than wrap. Hours may exceed 23.
    const uint64_t mag =
        value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
    if (value < 0) *p++ = '-';
    const uint64_t sec = mag / static_cast<uint64_t>(ups);
    p = WritePadded(sec / 3600, 2, p);
    char clock[20];
    const char* end = WriteClock(
        static_cast<int64_t>(sec % 3600),
        static_cast<int64_t>(mag % static_cast<uint64_t>(ups)) * (1000000000 / ups), clock);
    std::memcpy(p, clock + 2, end - clock - 2);  // ":MM:SS[.f]" of the rest of the hour
    p += end - clock - 2;
  }
  if (utc) {
    std::memcpy(p, "+00:00", 6);
    p += 6;
  }
  out->append(buf, p);
}

void AppendTimestampText(int64_t value, TimeUnit unit, bool utc, std::string* out) {
  char buf[kMaxTimestamp];
  out->append(buf, WriteTimestamp(value, unit, utc, buf));
}

void AppendDecimalText(__int128 unscaled, int32_t scale, std::string* out) {
  using U128 = unsigned __int128;
  const bool negative = unscaled < 0;
  U128 mag = negative ? U128(0) - static_cast<U128>(unscaled) : static_cast<U128>(unscaled);
  // Digits, least significant first, in 19-digit chunks (at most 39 digits).
  char digits[40];
  int n = 0;
  constexpr uint64_t kChunk = 10000000000000000000ull;  // 1e19
  do {
    uint64_t part = static_cast<uint64_t>(mag % kChunk);
    mag /= kChunk;
    for (int i = 0; i < 19 && (part != 0 || mag != 0); ++i) {
      digits[n++] = static_cast<char>('0' + part % 10);
      part /= 10;
    }
  } while (mag != 0);
  if (n == 0) digits[n++] = '0';
  if (negative) out->push_back('-');
  if (scale <= 0) {
    for (int i = n - 1; i >= 0; --i) out->push_back(digits[i]);
    if (!(n == 1 && digits[0] == '0')) out->append(static_cast<size_t>(-scale), '0');
    return;
  }
  const int int_digits = n - scale;
  if (int_digits <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-int_digits), '0');
    for (int i = n - 1; i >= 0; --i) out->push_back(digits[i]);
  } else {
    for (int i = n - 1; i >= scale; --i) out->push_back(digits[i]);
    out->push_back('.');
    for (int i = scale - 1; i >= 0; --i) out->push_back(digits[i]);
  }
}

void AppendJsonNumber(double v, std::string* out) {
  char buf[kMaxNumber];
  out->append(buf, WriteNumber(v, buf));
}

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t run = 0;  // start of the pending run of bytes copied as they are
  size_t i = 0;
  while (i < n) {
    const uint8_t c = p[i];
    if (!kNeedsCare.v[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const int len = Utf8Sequence(p + i, n - i);
      if (len > 0) {
        i += static_cast<size_t>(len);
        continue;
      }
      out->append(s.data() + run, i - run);
      out->append("\xEF\xBF\xBD");  // U+FFFD
      i += static_cast<size_t>(-len);
      run = i;
      continue;
    }
    out->append(s.data() + run, i - run);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 15]};
        out->append(esc, 6);
      }
    }
    run = ++i;
  }
  out->append(s.data() + run, n - run);
  out->push_back('"');
}

namespace {

// Struct member names rendered once per batch: prefix[i] is `{"name":` for the first member
// and `,"name":` for the others. Children follow the type's children.
struct KeyPlan {
  std::vector<std::string> prefix;
  std::vector<KeyPlan> children;
};

void BuildKeys(const std::vector<Field>& fields, bool is_struct, KeyPlan* plan) {
  if (is_struct) {
    for (size_t i = 0; i < fields.size(); ++i) {
      std::string key(i == 0 ? "{" : ",");
      AppendJsonString(fields[i].name, &key);
      key.push_back(':');
      plan->prefix.push_back(std::move(key));
    }
  }
  plan->children.resize(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    const DataType& t = *fields[i].type;
    BuildKeys(t.children, t.id == TypeId::kStruct, &plan->children[i]);
  }
}

void AppendStructKey(const std::vector<Field>& fields, size_t i, const KeyPlan* keys,
                     std::string* out) {
  if (keys != nullptr) {
    out->append(keys->prefix[i]);
  } else {
    out->push_back(i == 0 ? '{' : ',');
    AppendJsonString(fields[i].name, out);
    out->push_back(':');
  }
}

// `keys` mirrors col's type (or is null: names are escaped on the fly).
void AppendValue(const Column& col, int64_t row, const KeyPlan* keys, std::string* out) {
  if (col.IsNull(row)) {
    out->append("null", 4);
    return;
  }
  const DataType& t = *col.type;
  char buf[kMaxTimestamp + 8];
  char* p = buf;
  switch (t.id) {
    case TypeId::kBool:
      if (col.Value<uint8_t>(row)) {
        out->append("true", 4);
      } else {
        out->append("false", 5);
      }
      return;
    case TypeId::kInt8:
      p = WriteInt(col.Value<int8_t>(row), p);
      break;
    case TypeId::kInt16:
      p = WriteInt(col.Value<int16_t>(row), p);
      break;
    case TypeId::kInt32:
      p = WriteInt(col.Value<int32_t>(row), p);
      break;
    case TypeId::kInt64:
      p = WriteInt(col.Value<int64_t>(row), p);
      break;
    case TypeId::kUInt8:
      p = WriteUInt(col.Value<uint8_t>(row), p);
      break;
    case TypeId::kUInt16:
      p = WriteUInt(col.Value<uint16_t>(row), p);
      break;
    case TypeId::kUInt32:
      p = WriteUInt(col.Value<uint32_t>(row), p);
      break;
    case TypeId::kUInt64:
      p = WriteUInt(col.Value<uint64_t>(row), p);
      break;
    case TypeId::kFloat16:
      p = WriteNumber(HalfToDouble(col.Value<uint16_t>(row)), p);
      break;
    case TypeId::kFloat32:
      p = WriteNumber(static_cast<double>(col.Value<float>(row)), p);
      break;
    case TypeId::kFloat64:
      p = WriteNumber(col.Value<double>(row), p);
      break;
    case TypeId::kDecimal: {
      __int128 v;
      std::memcpy(&v, col.values.data() + row * 16, 16);
      out->push_back('"');
      AppendDecimalText(v, t.scale, out);
      out->push_back('"');
      return;
    }
    case TypeId::kDate:
      *p++ = '"';
      p = WriteDate(col.Value<int32_t>(row), p);
      *p++ = '"';
      break;
    case TypeId::kTime:
      out->push_back('"');
      AppendTimeText(col.Value<int64_t>(row), t.unit, t.utc, out);
      out->push_back('"');
      return;
    case TypeId::kTimestamp:
      *p++ = '"';
      p = WriteTimestamp(col.Value<int64_t>(row), t.unit, t.utc, p);
      *p++ = '"';
      break;
    case TypeId::kInterval: {
      const std::string_view b = col.FixedAt(row);
      out->append("{\"months\":");
      out->append(buf, WriteUInt(LoadU32(b.data()), buf));
      out->append(",\"days\":");
      out->append(buf, WriteUInt(LoadU32(b.data() + 4), buf));
      out->append(",\"micros\":");
      out->append(buf, WriteUInt(uint64_t{LoadU32(b.data() + 8)} * 1000, buf));
      out->push_back('}');
      return;
    }
    case TypeId::kString:
    case TypeId::kEnum:
    case TypeId::kJson:
      AppendJsonString(col.StringAt(row), out);
      return;
    case TypeId::kVariant: {
      // Each value is a JSON document (the reader and VARIANT decoding guarantee it).
      const std::string_view doc = col.StringAt(row);
      if (doc.empty()) {
        out->append("null");
      } else {
        out->append(doc);
      }
      return;
    }
    case TypeId::kBinary:
      out->push_back('"');
      AppendHex(col.StringAt(row), out);
      out->push_back('"');
      return;
    case TypeId::kFixedBinary:
      out->push_back('"');
      AppendHex(col.FixedAt(row), out);
      out->push_back('"');
      return;
    case TypeId::kUuid:
      AppendUuid(col.FixedAt(row), out);
      return;
    case TypeId::kList: {
      const Column& child = *col.children[0];
      const KeyPlan* child_keys = keys != nullptr ? &keys->children[0] : nullptr;
      const int64_t begin = col.ListBegin(row), end = col.ListEnd(row);
      out->push_back('[');
      for (int64_t i = begin; i < end; ++i) {
        if (i != begin) out->push_back(',');
        AppendValue(child, i, child_keys, out);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      const Column& k = *col.children[0];
      const Column& v = *col.children[1];
      const KeyPlan* k_keys = keys != nullptr ? &keys->children[0] : nullptr;
      const KeyPlan* v_keys = keys != nullptr ? &keys->children[1] : nullptr;
      const int64_t begin = col.ListBegin(row), end = col.ListEnd(row);
      out->push_back('[');
      for (int64_t i = begin; i < end; ++i) {
        out->append(i != begin ? ",{\"key\":" : "{\"key\":");
        AppendValue(k, i, k_keys, out);
        out->append(",\"value\":");
        AppendValue(v, i, v_keys, out);
        out->push_back('}');
      }
      out->push_back(']');
      return;
    }
    case TypeId::kStruct: {
      if (t.children.empty()) {
        out->append("{}");
        return;
      }
      for (size_t i = 0; i < t.children.size(); ++i) {
        AppendStructKey(t.children, i, keys, out);
        AppendValue(*col.children[i], row, keys != nullptr ? &keys->children[i] : nullptr, out);
      }
      out->push_back('}');
      return;
    }
  }
  out->append(buf, p);
}

void AppendRow(const RecordBatch& batch, int64_t row, const KeyPlan* keys, std::string* out) {
  const std::vector<Field>& fields = batch.schema->fields;
  if (fields.empty()) {
    out->append("{}");
    return;
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    AppendStructKey(fields, i, keys, out);
    AppendValue(*batch.columns[i], row, keys != nullptr ? &keys->children[i] : nullptr, out);
  }
  out->push_back('}');
}

}  // namespace

void AppendValueJson(const Column& col, int64_t row, std::string* out) {
  AppendValue(col, row, nullptr, out);
}

void AppendRowJson(const RecordBatch& batch, int64_t row, std::string* out) {
  AppendRow(batch, row, nullptr, out);
}

void AppendBatchJsonLines(const RecordBatch& batch, std::string* out) {
  KeyPlan keys;
  BuildKeys(batch.schema->fields, /*is_struct=*/true, &keys);
  for (int64_t r = 0; r < batch.num_rows; ++r) {
    AppendRow(batch, r, &keys, out);
    out->push_back('\n');
  }
}

}  // namespace floe
