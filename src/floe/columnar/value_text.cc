#include "floe/columnar/value_text.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "floe/common/civil_date.h"

namespace floe {
namespace {

using Int128 = __int128;

// Reads exactly `count` digits at s[*pos] and advances past them.
bool ReadDigits(std::string_view s, size_t* pos, int count, int64_t* out) {
  if (*pos + count > s.size()) return false;
  int64_t v = 0;
  for (int i = 0; i < count; ++i) {
    const char c = s[*pos + i];
    if (!IsAsciiDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += count;
  *out = v;
  return true;
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// The date at s[*pos] (see ParseDateText) as days since the epoch; advances past it. At most 9
// year digits, so the day count stays far inside int64.
bool ParseDatePrefix(std::string_view s, size_t* pos, int64_t* days) {
  size_t i = *pos;
  int64_t sign = 1;
  size_t max_digits = 4;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    sign = s[i++] == '-' ? -1 : 1;
    max_digits = 9;
  }
  int64_t year = 0;
  size_t digits = 0;
  while (i < s.size() && IsAsciiDigit(s[i]) && digits < max_digits) {
    year = year * 10 + (s[i++] - '0');
    ++digits;
  }
  int64_t month = 0, day = 0;
  if (digits < 4 || i >= s.size() || s[i++] != '-' || !ReadDigits(s, &i, 2, &month) ||
      i >= s.size() || s[i++] != '-' || !ReadDigits(s, &i, 2, &day)) {
    return false;
  }
  year *= sign;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, static_cast<int>(month))) {
    return false;
  }
  *days = DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day));
  *pos = i;
  return true;
}

// "HH:MM[:SS[.f...]]" at s[*pos]; advances past it. `frac_digits` is the unit's number of
// fraction digits; `*frac` is the fraction in that unit. Extra fraction digits must be zero
// (`*lossy` is set otherwise; the text is still consumed).
bool ParseClockPrefix(std::string_view s, size_t* pos, int frac_digits, int64_t* sec_of_day,
                      int64_t* frac, bool* lossy) {
  size_t i = *pos;
  int64_t h = 0, m = 0, sec = 0, f = 0;
  if (!ReadDigits(s, &i, 2, &h) || i >= s.size() || s[i++] != ':' || !ReadDigits(s, &i, 2, &m)) {
    return false;
  }
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!ReadDigits(s, &i, 2, &sec)) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      int count = 0;
      for (; i < s.size() && IsAsciiDigit(s[i]); ++i, ++count) {
        if (count < frac_digits) {
          f = f * 10 + (s[i] - '0');
        } else if (s[i] != '0') {
          *lossy = true;
        }
      }
      if (count == 0) return false;
      for (; count < frac_digits; ++count) f *= 10;
    }
  }
  if (h > 23 || m > 59 || sec > 59) return false;
  *sec_of_day = h * 3600 + m * 60 + sec;
  *frac = f;
  *pos = i;
  return true;
}

// Nothing, "Z"/"z", or "+HH:MM" / "-HH:MM" / "+HHMM" at s[*pos]; seconds east of UTC.
bool ParseUtcOffsetPrefix(std::string_view s, size_t* pos, int64_t* offset) {
  size_t i = *pos;
  *offset = 0;
  if (i == s.size()) return true;
  if (s[i] == 'Z' || s[i] == 'z') {
    *pos = i + 1;
    return true;
  }
  if (s[i] != '+' && s[i] != '-') return false;
  const int64_t sign = s[i++] == '-' ? -1 : 1;
  int64_t h = 0, m = 0;
  if (!ReadDigits(s, &i, 2, &h)) return false;
  if (i < s.size() && s[i] == ':') ++i;
  if (!ReadDigits(s, &i, 2, &m) || h > 23 || m > 59) return false;
  *offset = sign * (h * 3600 + m * 60);
  *pos = i;
  return true;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

bool EqualsIgnoreAsciiCase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (AsciiLower(text[i]) != lower[i]) return false;
  }
  return true;
}

// ----- bool and numbers -----

bool ParseBoolText(std::string_view s, bool* out) {
  // By length first: one comparison per value, not one per accepted word.
  std::string_view t, f;
  switch (s.size()) {
    case 1:
      switch (AsciiLower(s[0])) {
        case '1':
        case 't':
        case 'y':
          *out = true;
          return true;
        case '0':
        case 'f':
        case 'n':
          *out = false;
          return true;
        default:
          return false;
      }
    case 2:
      f = "no";
      break;
    case 3:
      t = "yes";
      break;
    case 4:
      t = "true";
      break;
    case 5:
      f = "false";
      break;
    default:
      return false;
  }
  if (!t.empty() && EqualsIgnoreAsciiCase(s, t)) {
    *out = true;
    return true;
  }
  if (!f.empty() && EqualsIgnoreAsciiCase(s, f)) {
    *out = false;
    return true;
  }
  return false;
}

bool ParseIntegerText(std::string_view s, bool* negative, uint64_t* magnitude, bool* overflow) {
  size_t i = 0;
  const size_t n = s.size();
  *negative = false;
  *overflow = false;
  if (n > 0 && (s[0] == '-' || s[0] == '+')) {
    *negative = s[0] == '-';
    i = 1;
  }
  if (i == n) return false;
  uint64_t v = 0;
  // 19 digits never overflow uint64.
  const size_t fast_end = std::min(n, i + 19);
  for (; i < fast_end; ++i) {
    const unsigned d = static_cast<unsigned char>(s[i] - '0');
    if (d > 9) return false;
    v = v * 10 + d;
  }
  for (; i < n; ++i) {
    const unsigned d = static_cast<unsigned char>(s[i] - '0');
    if (d > 9) return false;
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, d, &v)) *overflow = true;
  }
  *magnitude = v;
  return true;
}

bool ParseSpecialFloatText(std::string_view s, double* out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (EqualsIgnoreAsciiCase(s, "nan")) {
    *out = negative ? -std::numeric_limits<double>::quiet_NaN()
                    : std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (EqualsIgnoreAsciiCase(s, "inf") || EqualsIgnoreAsciiCase(s, "infinity")) {
    *out = negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
    return true;
  }
  return false;
}

// Plain decimal text ("123", "0.626": digits, optionally a point and more digits, at most 15
// digits in all, no exponent) as a double, correctly rounded: the digits as an integer are
// below 2^53 and the power of ten at most 10^15, both exact in a double, so the one division
// rounds once, as the full conversion would (Clinger's fast path). False for any other text.
bool ParseShortDecimalDouble(std::string_view body, double* out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const size_t n = body.size();
  if (n == 0 || n > 16) return false;
  uint64_t digits = 0;
  size_t i = 0;
  for (; i < n && IsAsciiDigit(body[i]); ++i) digits = digits * 10 + (body[i] - '0');
  const size_t whole = i;
  size_t fraction = 0;
  if (i < n && body[i] == '.') {
    for (++i; i < n && IsAsciiDigit(body[i]); ++i, ++fraction) {
      digits = digits * 10 + (body[i] - '0');
    }
    if (fraction == 0) return false;
  }
  if (i != n || whole == 0 || whole + fraction > 15) return false;
  *out = static_cast<double>(digits) / kPow10[fraction];
  return true;
}

template <typename T>
TextParse ParseFloatText(std::string_view s, T* out) {
  if (s.empty()) return TextParse::kMalformed;
  std::string_view body = s;
  bool negative = false;
  if (body[0] == '-' || body[0] == '+') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return TextParse::kMalformed;
  if constexpr (std::is_same_v<T, double>) {
    double d;
    if (ParseShortDecimalDouble(body, &d)) {
      *out = negative ? -d : d;
      return TextParse::kOk;
    }
  }
  if (!IsAsciiDigit(body[0]) && body[0] != '.') {
    double d;
    if (!ParseSpecialFloatText(s, &d)) return TextParse::kMalformed;
    *out = static_cast<T>(d);
    return TextParse::kOk;
  }
  T v{};
  const auto [ptr, ec] =
      std::from_chars(body.data(), body.data() + body.size(), v, std::chars_format::general);
  if (ptr != body.data() + body.size()) return TextParse::kMalformed;
  if (ec == std::errc::result_out_of_range) {
    // from_chars does not say which way; strtod does (HUGE_VAL or a tiny value).
    std::string copy(body);
    errno = 0;
    const double d = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(d) || std::fabs(d) > static_cast<double>(std::numeric_limits<T>::max())) {
      return TextParse::kOutOfRange;
    }
    v = static_cast<T>(d);
  } else if (ec != std::errc()) {
    return TextParse::kMalformed;
  }
  *out = negative ? -v : v;
  return TextParse::kOk;
}

template TextParse ParseFloatText<float>(std::string_view s, float* out);
template TextParse ParseFloatText<double>(std::string_view s, double* out);

TextParse ParseDecimalText(std::string_view s, int32_t precision, int32_t scale, Int128* unscaled) {
  const size_t n = s.size();
  size_t i = 0;
  bool negative = false;
  if (i < n && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  const size_t int_begin = i;
  while (i < n && IsAsciiDigit(s[i])) ++i;
  const size_t int_len = i - int_begin;
  size_t frac_begin = i, frac_len = 0;
  if (i < n && s[i] == '.') {
    frac_begin = ++i;
    while (i < n && IsAsciiDigit(s[i])) ++i;
    frac_len = i - frac_begin;
  }
  int64_t exp = 0;
  bool ok = int_len + frac_len > 0;
  if (ok && i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) exp_negative = s[i++] == '-';
    ok = i < n && IsAsciiDigit(s[i]);
    for (; i < n && IsAsciiDigit(s[i]); ++i) {
      if (exp < 1000000) exp = exp * 10 + (s[i] - '0');  // saturates: beyond any real scale
    }
    if (exp_negative) exp = -exp;
  }
  if (!ok || i != n) return TextParse::kMalformed;
  // The significant digits D: the integer digits then the fraction digits.
  const auto len = static_cast<int64_t>(int_len + frac_len);
  auto digit = [&](int64_t k) {
    return k < static_cast<int64_t>(int_len) ? s[int_begin + k] : s[frac_begin + (k - int_len)];
  };
  int64_t lead = 0;
  while (lead < len && digit(lead) == '0') ++lead;
  if (lead == len) {
    *unscaled = 0;
    return TextParse::kOk;
  }
  // value = D x 10^(exp - frac_len); unscaled = D x 10^shift.
  int64_t shift = exp - static_cast<int64_t>(frac_len) + scale;
  int64_t keep_end = len;
  if (shift < 0) {
    const int64_t first_dropped = len + shift;
    for (int64_t k = std::max(first_dropped, lead); k < len; ++k) {
      if (digit(k) != '0') return TextParse::kTooPrecise;
    }
    keep_end = first_dropped;
    shift = 0;
  }
  if (keep_end - lead + shift > precision) return TextParse::kOutOfRange;
  Int128 v = 0;
  for (int64_t k = lead; k < keep_end; ++k) v = v * 10 + (digit(k) - '0');
  for (int64_t k = 0; k < shift; ++k) v *= 10;
  *unscaled = negative ? -v : v;
  return TextParse::kOk;
}

// ----- bytes -----

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool AppendHexBytes(std::string_view s, std::string* out) {
  if (s.size() % 2 != 0) return false;
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = HexDigitValue(s[i]);
    const int lo = HexDigitValue(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

bool AppendBase64Bytes(std::string_view s, std::string* out) {
  size_t n = s.size();
  if (n % 4 == 0 && n > 0 && s[n - 1] == '=') n -= (s[n - 2] == '=') ? 2 : 1;
  if (n % 4 == 1) return false;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    const int v = Base64Value(s[i]);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero (canonical encoding).
  return (acc & ((1u << bits) - 1)) == 0;
}

bool ParseUuidText(std::string_view s, char out[16]) {
  const bool dashed = s.size() == 36;
  if (!dashed && s.size() != 32) return false;
  char bytes[16];
  size_t j = 0;
  for (int b = 0; b < 16; ++b) {
    if (dashed && (j == 8 || j == 13 || j == 18 || j == 23)) {
      if (s[j] != '-') return false;
      ++j;
    }
    const int hi = HexDigitValue(s[j]);
    const int lo = HexDigitValue(s[j + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes[b] = static_cast<char>(hi << 4 | lo);
    j += 2;
  }
  std::copy(bytes, bytes + 16, out);
  return true;
}

// ----- dates and times -----

int FractionDigits(TimeUnit unit) {
  return unit == TimeUnit::kMilli ? 3 : unit == TimeUnit::kMicro ? 6 : 9;
}

TextParse ParseDateText(std::string_view s, int32_t* days) {
  size_t pos = 0;
  int64_t d = 0;
  if (!ParseDatePrefix(s, &pos, &d) || pos != s.size()) return TextParse::kMalformed;
  if (d < INT32_MIN || d > INT32_MAX) return TextParse::kOutOfRange;
  *days = static_cast<int32_t>(d);
  return TextParse::kOk;
}

TextParse ParseTimeText(std::string_view s, TimeUnit unit, int64_t* value) {
  size_t pos = 0;
  int64_t sec_of_day = 0, frac = 0, offset = 0;
  bool lossy = false;
  if (!ParseClockPrefix(s, &pos, FractionDigits(unit), &sec_of_day, &frac, &lossy) ||
      !ParseUtcOffsetPrefix(s, &pos, &offset) || pos != s.size()) {
    return TextParse::kMalformed;
  }
  if (offset != 0) return TextParse::kTimeWithOffset;
  if (lossy) return TextParse::kTooPrecise;
  *value = sec_of_day * UnitsPerSecond(unit) + frac;
  return TextParse::kOk;
}

namespace {

// The common layout "YYYY-MM-DD HH:MM:SS" ('T' or 't' for the space), then optionally '.' and
// 1 to 9 fraction digits (no more than the unit keeps), then optionally "Z" or "z", read at
// fixed places with no branch per digit. False (nothing stored) for any other text or a field
// out of range, which the general parser then reads or rejects.
//
// Timestamps of one file mostly share their date, so the last date read on this thread is
// kept with its day count: the same ten bytes again need no digits, calendar or leap-year
// arithmetic. (Only a date that read correctly is kept, so equal text is a valid date.)
bool ParseCommonTimestamp(std::string_view s, TimeUnit unit, int64_t* value) {
  struct LastDate {
    bool valid = false;
    char text[10] = {};
    int64_t days = 0;
  };
  thread_local LastDate last;

  const size_t n = s.size();
  if (n < 19 || (s[10] != ' ' && s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') {
    return false;
  }
  const char* p = s.data();
  unsigned bad = 0;
  auto d2 = [&](size_t at) {
    const unsigned hi = static_cast<unsigned char>(p[at] - '0');
    const unsigned lo = static_cast<unsigned char>(p[at + 1] - '0');
    bad |= (hi > 9) | (lo > 9);
    return static_cast<int>(hi * 10 + lo);
  };
  int64_t days;
  if (last.valid && std::memcmp(p, last.text, 10) == 0) {
    days = last.days;
  } else {
    if (s[4] != '-' || s[7] != '-') return false;
    const int year = d2(0) * 100 + d2(2);
    const int month = d2(5), day = d2(8);
    if (bad != 0 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
      return false;
    }
    days = DaysFromCivil(year, month, day);
    std::memcpy(last.text, p, 10);
    last.days = days;
    last.valid = true;
  }
  const int hour = d2(11), minute = d2(14), second = d2(17);
  if (bad != 0 || hour > 23 || minute > 59 || second > 59) return false;
  size_t i = 19;
  int64_t frac = 0;
  const int keep = FractionDigits(unit);
  if (i < n && s[i] == '.') {
    int count = 0;
    for (++i; i < n && IsAsciiDigit(s[i]); ++i, ++count) frac = frac * 10 + (s[i] - '0');
    if (count == 0 || count > keep) return false;
    for (; count < keep; ++count) frac *= 10;
  }
  if (i < n && (s[i] == 'Z' || s[i] == 'z')) ++i;
  if (i != n) return false;
  // |days| < 2^22 (years 0-9999), so the seconds fit; the units may not (nanoseconds past
  // 2262): the general parser then says so.
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second;
  int64_t v;
  if (__builtin_mul_overflow(seconds, UnitsPerSecond(unit), &v) ||
      __builtin_add_overflow(v, frac, &v)) {
    return false;
  }
  *value = v;
  return true;
}

}  // namespace

TextParse ParseTimestampText(std::string_view s, TimeUnit unit, int64_t* value) {
  if (ParseCommonTimestamp(s, unit, value)) return TextParse::kOk;
  size_t pos = 0;
  int64_t days = 0, sec_of_day = 0, frac = 0, offset = 0;
  bool lossy = false;
  bool ok = ParseDatePrefix(s, &pos, &days);
  if (ok && pos < s.size()) {
    const char sep = s[pos++];
    ok = (sep == 'T' || sep == 't' || sep == ' ') &&
         ParseClockPrefix(s, &pos, FractionDigits(unit), &sec_of_day, &frac, &lossy) &&
         ParseUtcOffsetPrefix(s, &pos, &offset);
  }
  if (!ok || pos != s.size()) return TextParse::kMalformed;
  if (lossy) return TextParse::kTooPrecise;
  const Int128 v = (Int128{days} * 86400 + sec_of_day - offset) * UnitsPerSecond(unit) + frac;
  if (v < INT64_MIN || v > INT64_MAX) return TextParse::kOutOfRange;
  *value = static_cast<int64_t>(v);
  return TextParse::kOk;
}

}  // namespace floe
