#include "floe/columnar/value_text.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace floe {
namespace {

// Expected day counts and instants below were computed with Python's datetime (proleptic
// Gregorian), e.g. (date(2024, 2, 29) - date(1970, 1, 1)).days == 19782; dates outside
// datetime's years 1..9999 are derived from those by counting whole years by hand.

// The value parse(s, &value) reads, which must be kOk.
template <typename T, typename Parse>
T ValueOf(std::string_view s, Parse parse) {
  T v{};
  EXPECT_EQ(parse(s, &v), TextParse::kOk) << s;
  return v;
}

// The outcome of parse(s, &value).
template <typename T, typename Parse>
TextParse OutcomeOf(std::string_view s, Parse parse) {
  T v{};
  return parse(s, &v);
}

int32_t Days(std::string_view s) { return ValueOf<int32_t>(s, ParseDateText); }
TextParse DateOutcome(std::string_view s) { return OutcomeOf<int32_t>(s, ParseDateText); }

auto TimeIn(TimeUnit unit) {
  return [unit](std::string_view s, int64_t* v) { return ParseTimeText(s, unit, v); };
}
auto TimestampIn(TimeUnit unit) {
  return [unit](std::string_view s, int64_t* v) { return ParseTimestampText(s, unit, v); };
}
auto DecimalOf(int32_t precision, int32_t scale) {
  return [=](std::string_view s, __int128* v) { return ParseDecimalText(s, precision, scale, v); };
}

int64_t Time(std::string_view s, TimeUnit unit) { return ValueOf<int64_t>(s, TimeIn(unit)); }
TextParse TimeOutcome(std::string_view s, TimeUnit unit = TimeUnit::kMicro) {
  return OutcomeOf<int64_t>(s, TimeIn(unit));
}
int64_t Timestamp(std::string_view s, TimeUnit unit) {
  return ValueOf<int64_t>(s, TimestampIn(unit));
}
TextParse TimestampOutcome(std::string_view s, TimeUnit unit = TimeUnit::kMicro) {
  return OutcomeOf<int64_t>(s, TimestampIn(unit));
}
__int128 Decimal(std::string_view s, int32_t precision, int32_t scale) {
  return ValueOf<__int128>(s, DecimalOf(precision, scale));
}
TextParse DecimalOutcome(std::string_view s, int32_t precision, int32_t scale) {
  return OutcomeOf<__int128>(s, DecimalOf(precision, scale));
}

TEST(ValueTextTest, DatesAndLeapYears) {
  EXPECT_EQ(Days("1970-01-01"), 0);
  EXPECT_EQ(Days("1969-12-31"), -1);
  EXPECT_EQ(Days("2024-02-29"), 19782);
  EXPECT_EQ(Days("2000-02-29"), 11016);  // divisible by 400: leap
  EXPECT_EQ(Days("1600-02-29"), -135081);
  EXPECT_EQ(Days("0001-01-01"), -719162);
  EXPECT_EQ(Days("9999-12-31"), 2932896);

  EXPECT_EQ(DateOutcome("2023-02-29"), TextParse::kMalformed);  // 2023 is not a leap year
  EXPECT_EQ(DateOutcome("1900-02-29"), TextParse::kMalformed);  // divisible by 100, not 400
  EXPECT_EQ(DateOutcome("2024-04-31"), TextParse::kMalformed);
  EXPECT_EQ(DateOutcome("2024-13-01"), TextParse::kMalformed);
  EXPECT_EQ(DateOutcome("2024-00-10"), TextParse::kMalformed);
  EXPECT_EQ(DateOutcome("2024-01-00"), TextParse::kMalformed);
  EXPECT_EQ(DateOutcome("2024-1-01"), TextParse::kMalformed);
  EXPECT_EQ(DateOutcome("24-01-01"), TextParse::kMalformed);
  EXPECT_EQ(DateOutcome("2024-01-01 "), TextParse::kMalformed);
  EXPECT_EQ(DateOutcome(" 2024-01-01"), TextParse::kMalformed);
  EXPECT_EQ(DateOutcome("2024/01/01"), TextParse::kMalformed);
  EXPECT_EQ(DateOutcome("2024-01-01T00:00"), TextParse::kMalformed);
  EXPECT_EQ(DateOutcome(""), TextParse::kMalformed);
  EXPECT_EQ(DateOutcome("2024-01-"), TextParse::kMalformed);
}

TEST(ValueTextTest, ExtendedYears) {
  // Five or more year digits need a sign.
  EXPECT_EQ(DateOutcome("10000-01-01"), TextParse::kMalformed);
  EXPECT_EQ(Days("+10000-01-01"), 2932896 + 1);
  EXPECT_EQ(Days("+2024-02-29"), 19782);  // a sign with 4 digits is fine too
  // Year 0 (1 BC) is a leap year of 366 days; year -1 has 365.
  EXPECT_EQ(Days("+0000-01-01"), -719162 - 366);
  EXPECT_EQ(Days("-0000-01-01"), -719162 - 366);
  EXPECT_EQ(Days("+0000-02-29"), -719162 - 366 + 31 + 28);
  EXPECT_EQ(Days("-0001-01-01"), -719162 - 366 - 365);
  EXPECT_EQ(DateOutcome("-0001-02-29"), TextParse::kMalformed);
  EXPECT_EQ(DateOutcome("-004-01-01"), TextParse::kMalformed);
  // int32 days reach about year 5.88 million; nine digits are accepted but out of range.
  EXPECT_EQ(DateOutcome("+999999999-12-31"), TextParse::kOutOfRange);
  EXPECT_EQ(DateOutcome("-999999999-01-01"), TextParse::kOutOfRange);
  EXPECT_EQ(DateOutcome("+1000000000-01-01"), TextParse::kMalformed);  // ten digits
}

TEST(ValueTextTest, TimesOfDay) {
  EXPECT_EQ(Time("00:00", TimeUnit::kMilli), 0);
  EXPECT_EQ(Time("12:34", TimeUnit::kMilli), (12 * 3600 + 34 * 60) * 1000);
  EXPECT_EQ(Time("23:59:59", TimeUnit::kMicro), 86399 * int64_t{1000000});
  EXPECT_EQ(Time("23:59:59.999999999", TimeUnit::kNano), 86400 * int64_t{1000000000} - 1);
  EXPECT_EQ(Time("12:00:00.5", TimeUnit::kMilli), 43200500);          // short fractions are scaled
  EXPECT_EQ(Time("12:00:00.123000000", TimeUnit::kMilli), 43200123);  // zeros beyond: fine
  EXPECT_EQ(Time("01:02:03Z", TimeUnit::kMilli), 3723000);
  EXPECT_EQ(Time("01:02:03+00:00", TimeUnit::kMilli), 3723000);
  EXPECT_EQ(Time("01:02:03-00:00", TimeUnit::kMilli), 3723000);

  EXPECT_EQ(TimeOutcome("12:00:00.1234", TimeUnit::kMilli), TextParse::kTooPrecise);
  EXPECT_EQ(TimeOutcome("12:00:00.0000001", TimeUnit::kMicro), TextParse::kTooPrecise);
  EXPECT_EQ(TimeOutcome("10:00:00+01:00"), TextParse::kTimeWithOffset);
  EXPECT_EQ(TimeOutcome("10:00-00:30"), TextParse::kTimeWithOffset);
  EXPECT_EQ(TimeOutcome("24:00:00"), TextParse::kMalformed);
  EXPECT_EQ(TimeOutcome("12:60"), TextParse::kMalformed);
  EXPECT_EQ(TimeOutcome("12:00:60"), TextParse::kMalformed);  // no leap seconds
  EXPECT_EQ(TimeOutcome("12:00:00."), TextParse::kMalformed);
  EXPECT_EQ(TimeOutcome("1:00"), TextParse::kMalformed);
  EXPECT_EQ(TimeOutcome("12"), TextParse::kMalformed);
  EXPECT_EQ(TimeOutcome("12:00:00 "), TextParse::kMalformed);
  EXPECT_EQ(TimeOutcome("12:00:00+5"), TextParse::kMalformed);
}

TEST(ValueTextTest, TimestampsWithOffsets) {
  // 2024-03-10T04:30:00Z; Python: 1710045000 seconds.
  constexpr int64_t kUtcMicros = int64_t{1710045000} * 1000000;
  EXPECT_EQ(Timestamp("2024-03-10T04:30:00Z", TimeUnit::kMicro), kUtcMicros);
  EXPECT_EQ(Timestamp("2024-03-10T04:30:00z", TimeUnit::kMicro), kUtcMicros);
  EXPECT_EQ(Timestamp("2024-03-10t04:30:00", TimeUnit::kMicro), kUtcMicros);  // no zone: as is
  EXPECT_EQ(Timestamp("2024-03-10 04:30", TimeUnit::kMicro), kUtcMicros);     // SQL form
  EXPECT_EQ(Timestamp("2024-03-10T04:30:00-00:00", TimeUnit::kMicro), kUtcMicros);
  EXPECT_EQ(Timestamp("2024-03-10T10:00:00+05:30", TimeUnit::kMicro), kUtcMicros);
  EXPECT_EQ(Timestamp("2024-03-10T10:00:00+0530", TimeUnit::kMicro), kUtcMicros);
  EXPECT_EQ(Timestamp("2024-03-09T23:30:00-05:00", TimeUnit::kMicro), kUtcMicros);
  // An offset moves the instant across a date line.
  EXPECT_EQ(Timestamp("1970-01-01T00:30:00+01:00", TimeUnit::kMilli), -30 * 60 * 1000);
  EXPECT_EQ(Timestamp("1969-12-31T23:59:59Z", TimeUnit::kMilli), -1000);
  EXPECT_EQ(Timestamp("1969-12-31T23:59:59.999Z", TimeUnit::kMilli), -1);
  EXPECT_EQ(Timestamp("2024-02-29", TimeUnit::kMilli), int64_t{19782} * 86400 * 1000);
  EXPECT_EQ(Timestamp("+10000-01-01T00:00:00Z", TimeUnit::kMilli), int64_t{2932897} * 86400 * 1000);

  EXPECT_EQ(TimestampOutcome("2024-03-10T04:30:00.1234Z", TimeUnit::kMilli),
            TextParse::kTooPrecise);
  EXPECT_EQ(Timestamp("2024-03-10T04:30:00.123000Z", TimeUnit::kMilli), kUtcMicros / 1000 + 123);
  EXPECT_EQ(TimestampOutcome("2023-02-29T00:00:00Z"), TextParse::kMalformed);
  EXPECT_EQ(TimestampOutcome("2024-03-10T"), TextParse::kMalformed);
  EXPECT_EQ(TimestampOutcome("2024-03-10X04:30"), TextParse::kMalformed);
  EXPECT_EQ(TimestampOutcome("2024-03-10T04:30:00+24:00"), TextParse::kMalformed);
  EXPECT_EQ(TimestampOutcome("2024-03-10T04:30:00+05:60"), TextParse::kMalformed);
  EXPECT_EQ(TimestampOutcome("2024-03-10T04:30:00+05:3"), TextParse::kMalformed);
  EXPECT_EQ(TimestampOutcome("2024-03-10T04:30:00ZZ"), TextParse::kMalformed);
  EXPECT_EQ(TimestampOutcome("2024-03-10T04:30:00 Z"), TextParse::kMalformed);
}

TEST(ValueTextTest, TimestampRangeIsInt64) {
  // int64 nanoseconds end at 2262-04-11T23:47:16.854775807Z (9223372036854775807 ns).
  EXPECT_EQ(Timestamp("2262-04-11T23:47:16.854775807Z", TimeUnit::kNano), INT64_MAX);
  EXPECT_EQ(TimestampOutcome("2262-04-11T23:47:16.854775808Z", TimeUnit::kNano),
            TextParse::kOutOfRange);
  EXPECT_EQ(Timestamp("1677-09-21T00:12:43.145224192Z", TimeUnit::kNano), INT64_MIN);
  EXPECT_EQ(TimestampOutcome("1677-09-21T00:12:43.145224191Z", TimeUnit::kNano),
            TextParse::kOutOfRange);
  // The same instants fit easily in microseconds.
  EXPECT_EQ(TimestampOutcome("2263-01-01T00:00:00Z", TimeUnit::kMicro), TextParse::kOk);
  EXPECT_EQ(TimestampOutcome("+999999999-12-31T00:00:00Z", TimeUnit::kMilli),
            TextParse::kOutOfRange);
}

// Timestamps in the common "YYYY-MM-DD HH:MM:SS[.f]" layout are read at fixed places; every
// field value, fraction length and unit must read as the date and the time of day read
// separately (their own parsers) say, and fields out of range must still be rejected.
TEST(ValueTextTest, CommonTimestampLayoutMatchesDateAndTimeRead) {
  std::mt19937_64 rng(7);
  for (const TimeUnit unit : {TimeUnit::kMilli, TimeUnit::kMicro, TimeUnit::kNano}) {
    for (int k = 0; k < 20000; ++k) {
      const int year = static_cast<int>(rng() % 10000);
      const int month = 1 + static_cast<int>(rng() % 13);  // 13: out of range
      const int day = 1 + static_cast<int>(rng() % 31);    // 29-31: not in every month
      std::string date = fmt::format("{:04}-{:02}-{:02}", year, month, day);
      // Several times of day per date: the second and later reuse the date just read.
      for (int again = 0; again < 3; ++again) {
        const int hour = static_cast<int>(rng() % 25);  // 24: out of range
        const int minute = static_cast<int>(rng() % 60);
        const int second = static_cast<int>(rng() % 61);  // 60: out of range
        const int digits = static_cast<int>(rng() % 11);  // 0: no fraction; 10: too many
        std::string time = fmt::format("{:02}:{:02}:{:02}", hour, minute, second);
        if (digits > 0) {
          time += '.';
          for (int d = 0; d < digits; ++d) time += static_cast<char>('0' + rng() % 10);
        }
        const char sep = " Tt"[rng() % 3];
        const std::string zone = rng() % 2 == 0 ? "" : "Z";
        const std::string text = date + sep + time + zone;

        int32_t days = 0;
        int64_t of_day = 0, got = 0;
        const TextParse date_ok = ParseDateText(date, &days);
        const TextParse time_ok = ParseTimeText(time, unit, &of_day);
        const TextParse outcome = ParseTimestampText(text, unit, &got);
        if (date_ok != TextParse::kOk || time_ok == TextParse::kMalformed) {
          EXPECT_EQ(outcome, TextParse::kMalformed) << text;
          continue;
        }
        if (time_ok == TextParse::kTooPrecise) {
          EXPECT_EQ(outcome, TextParse::kTooPrecise) << text;
          continue;
        }
        const __int128 want = __int128{days} * 86400 *
                                  (unit == TimeUnit::kMilli   ? 1000
                                   : unit == TimeUnit::kMicro ? 1000000
                                                              : 1000000000) +
                              of_day;
        if (want < INT64_MIN || want > INT64_MAX) {
          EXPECT_EQ(outcome, TextParse::kOutOfRange) << text;
          continue;
        }
        ASSERT_EQ(outcome, TextParse::kOk) << text;
        EXPECT_EQ(got, static_cast<int64_t>(want)) << text;
      }
    }
  }
  // A date read before does not vouch for other text, nor for bytes that are not a date.
  EXPECT_EQ(TimestampOutcome("2024-02-29 00:00:00"), TextParse::kOk);
  EXPECT_EQ(TimestampOutcome("2023-02-29 00:00:00"), TextParse::kMalformed);
  EXPECT_EQ(TimestampOutcome(std::string(10, '\0') + " 00:00:00"), TextParse::kMalformed);
  // Near misses of the layout go to the general reader, which reads or rejects them whole.
  EXPECT_EQ(Timestamp("2024-03-10 04:30:00.5+00:00", TimeUnit::kMilli),
            int64_t{1710045000} * 1000 + 500);
  EXPECT_EQ(TimestampOutcome("2024-03-10 04:30:00."), TextParse::kMalformed);
  EXPECT_EQ(TimestampOutcome("2024-03-10 04:30:00.5Zx"), TextParse::kMalformed);
  EXPECT_EQ(TimestampOutcome("2024-03-10 04:3a:00"), TextParse::kMalformed);
  EXPECT_EQ(TimestampOutcome("2024-03-1004:30:00:00"), TextParse::kMalformed);
}

// Short plain decimals take a shortcut (one division); it must give strtod's correctly
// rounded double for every length, point position and sign.
TEST(ValueTextTest, ShortDecimalsRoundAsStrtod) {
  std::mt19937_64 rng(11);
  for (int k = 0; k < 200000; ++k) {
    const int digits = 1 + static_cast<int>(rng() % 17);  // 16 and 17: past the shortcut
    std::string text = rng() % 4 == 0 ? "-" : "";
    const int point = static_cast<int>(rng() % (digits + 1));  // == digits: no point
    for (int d = 0; d < digits; ++d) {
      if (d == point && d > 0) text += '.';
      text += static_cast<char>('0' + rng() % 10);
    }
    double got = 0;
    ASSERT_EQ(ParseFloatText(text, &got), TextParse::kOk) << text;
    const double want = std::strtod(text.c_str(), nullptr);
    ASSERT_EQ(std::memcmp(&got, &want, sizeof(double)), 0) << text << ": " << got << " vs " << want;
  }
  double d = 0;
  EXPECT_EQ(ParseFloatText("5.", &d), TextParse::kOk);  // the general reader's forms
  EXPECT_EQ(d, 5.0);
  EXPECT_EQ(ParseFloatText("-0.0", &d), TextParse::kOk);
  EXPECT_TRUE(d == 0 && std::signbit(d));
  EXPECT_EQ(ParseFloatText("1.5.2", &d), TextParse::kMalformed);
  EXPECT_EQ(ParseFloatText("12a", &d), TextParse::kMalformed);
}

TEST(ValueTextTest, DecimalsWithoutRounding) {
  EXPECT_EQ(Decimal("123.45", 5, 2), 12345);
  EXPECT_EQ(Decimal("-0.5", 5, 2), -50);
  EXPECT_EQ(Decimal("+.5", 5, 2), 50);
  EXPECT_EQ(Decimal("7.", 5, 2), 700);
  EXPECT_EQ(Decimal("1.2e2", 5, 2), 12000);
  EXPECT_EQ(Decimal("12300E-4", 5, 2), 123);     // 1.23
  EXPECT_EQ(Decimal("1.230", 5, 2), 123);        // a trailing zero beyond the scale is dropped
  EXPECT_EQ(Decimal("000123.45", 5, 2), 12345);  // leading zeros do not count as digits
  EXPECT_EQ(Decimal("0", 5, 2), 0);
  EXPECT_EQ(Decimal("-0.000", 5, 2), 0);
  EXPECT_EQ(Decimal("0e999999999999", 5, 2), 0);
  EXPECT_EQ(Decimal("100", 3, 0), 100);

  EXPECT_EQ(DecimalOutcome("999.999", 5, 2), TextParse::kTooPrecise);
  EXPECT_EQ(DecimalOutcome("0.001", 5, 2), TextParse::kTooPrecise);
  EXPECT_EQ(DecimalOutcome("1e-1000000000", 5, 2), TextParse::kTooPrecise);
  EXPECT_EQ(DecimalOutcome("1000.00", 5, 2), TextParse::kOutOfRange);  // 6 digits
  EXPECT_EQ(DecimalOutcome("-1000", 5, 2), TextParse::kOutOfRange);
  EXPECT_EQ(DecimalOutcome("1e3", 5, 2), TextParse::kOutOfRange);
  EXPECT_EQ(DecimalOutcome("1e1000000000", 38, 0), TextParse::kOutOfRange);

  for (const char* bad : {"", ".", "-", "+", "1e", "1e+", "--1", "1.2.3", "1,5", " 1", "1 ", "0x10",
                          "NaN", "Infinity", "1e5x"}) {
    EXPECT_EQ(DecimalOutcome(bad, 10, 2), TextParse::kMalformed) << bad;
  }
}

TEST(ValueTextTest, DecimalAtFullPrecision) {
  // 38 nines fit decimal(38, 0); 39 do not. The expected value is built digit by digit.
  const std::string nines38(38, '9');
  __int128 expected = 0;
  for (int i = 0; i < 38; ++i) expected = expected * 10 + 9;
  EXPECT_TRUE(Decimal(nines38, 38, 0) == expected);
  EXPECT_TRUE(Decimal("-" + nines38, 38, 0) == -expected);
  EXPECT_EQ(DecimalOutcome(nines38 + "9", 38, 0), TextParse::kOutOfRange);
  // Scaling counts: 10^37 at scale 1 needs 39 digits.
  EXPECT_EQ(DecimalOutcome("1" + std::string(37, '0'), 38, 1), TextParse::kOutOfRange);
  EXPECT_EQ(DecimalOutcome("1" + std::string(36, '0'), 38, 1), TextParse::kOk);
}

TEST(ValueTextTest, Integers) {
  bool negative = false, overflow = false;
  uint64_t mag = 0;
  ASSERT_TRUE(ParseIntegerText("18446744073709551615", &negative, &mag, &overflow));
  EXPECT_FALSE(negative);
  EXPECT_FALSE(overflow);
  EXPECT_EQ(mag, UINT64_MAX);
  ASSERT_TRUE(ParseIntegerText("18446744073709551616", &negative, &mag, &overflow));
  EXPECT_TRUE(overflow);
  ASSERT_TRUE(ParseIntegerText("-9223372036854775808", &negative, &mag, &overflow));
  EXPECT_TRUE(negative);
  EXPECT_FALSE(overflow);
  EXPECT_EQ(mag, uint64_t{1} << 63);
  ASSERT_TRUE(ParseIntegerText("+0005", &negative, &mag, &overflow));
  EXPECT_EQ(mag, 5u);
  ASSERT_TRUE(ParseIntegerText(std::string(100, '9'), &negative, &mag, &overflow));
  EXPECT_TRUE(overflow);
  for (const char* bad : {"", "-", "+", "1.0", "1e3", " 1", "1 ", "0x1", "--1", "1_000"}) {
    EXPECT_FALSE(ParseIntegerText(bad, &negative, &mag, &overflow)) << bad;
  }
}

TEST(ValueTextTest, Floats) {
  double d = 0;
  float f = 0;
  EXPECT_EQ(ParseFloatText("-2.5", &d), TextParse::kOk);
  EXPECT_EQ(d, -2.5);
  EXPECT_EQ(ParseFloatText(".5", &d), TextParse::kOk);
  EXPECT_EQ(d, 0.5);
  EXPECT_EQ(ParseFloatText("+1e3", &d), TextParse::kOk);
  EXPECT_EQ(d, 1000.0);
  // 0.1 rounds once, straight to float (not via double).
  EXPECT_EQ(ParseFloatText("0.1", &f), TextParse::kOk);
  EXPECT_EQ(f, 0.1f);
  EXPECT_EQ(ParseFloatText("1e39", &f), TextParse::kOutOfRange);  // FLT_MAX is ~3.4e38
  EXPECT_EQ(ParseFloatText("1e39", &d), TextParse::kOk);
  EXPECT_EQ(ParseFloatText("-1e400", &d), TextParse::kOutOfRange);
  EXPECT_EQ(ParseFloatText("1e-400", &d), TextParse::kOk);  // underflow rounds to zero
  EXPECT_EQ(d, 0.0);
  EXPECT_EQ(ParseFloatText("-inf", &d), TextParse::kOk);
  EXPECT_TRUE(std::isinf(d) && d < 0);
  EXPECT_EQ(ParseFloatText("Infinity", &f), TextParse::kOk);
  EXPECT_TRUE(std::isinf(f) && f > 0);
  EXPECT_EQ(ParseFloatText("NaN", &d), TextParse::kOk);
  EXPECT_TRUE(std::isnan(d));
  for (const char* bad : {"", "-", "nan1", "infinit", "1,5", "0x10", " 1", "1 ", "1e", "--1"}) {
    EXPECT_EQ(ParseFloatText(bad, &d), TextParse::kMalformed) << bad;
  }
}

TEST(ValueTextTest, Bools) {
  bool b = false;
  for (const char* t : {"true", "TRUE", "True", "t", "T", "yes", "Y", "1"}) {
    b = false;
    EXPECT_TRUE(ParseBoolText(t, &b)) << t;
    EXPECT_TRUE(b) << t;
  }
  for (const char* f : {"false", "FaLsE", "f", "no", "N", "0"}) {
    b = true;
    EXPECT_TRUE(ParseBoolText(f, &b)) << f;
    EXPECT_FALSE(b) << f;
  }
  for (const char* bad : {"", "2", "tru", "yess", "on", "off", " true"}) {
    EXPECT_FALSE(ParseBoolText(bad, &b)) << bad;
  }
}

TEST(ValueTextTest, HexAndBase64) {
  std::string out = "x";
  EXPECT_TRUE(AppendHexBytes("0aFf", &out));  // appends
  EXPECT_EQ(out, std::string("x\x0a\xff", 3));
  out.clear();
  EXPECT_TRUE(AppendHexBytes("", &out));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(AppendHexBytes("abc", &out));
  EXPECT_FALSE(AppendHexBytes("zz", &out));
  EXPECT_FALSE(AppendHexBytes("0g", &out));

  // RFC 4648 section 10 test vectors.
  const std::pair<const char*, const char*> kVectors[] = {{"", ""},
                                                          {"Zg==", "f"},
                                                          {"Zm8=", "fo"},
                                                          {"Zm9v", "foo"},
                                                          {"Zm9vYg==", "foob"},
                                                          {"Zm9vYmE=", "fooba"},
                                                          {"Zm9vYmFy", "foobar"}};
  for (const auto& [text, bytes] : kVectors) {
    out.clear();
    EXPECT_TRUE(AppendBase64Bytes(text, &out)) << text;
    EXPECT_EQ(out, bytes) << text;
  }
  out.clear();
  EXPECT_TRUE(AppendBase64Bytes("Zm8", &out));  // padding optional
  EXPECT_EQ(out, "fo");
  out.clear();
  EXPECT_TRUE(AppendBase64Bytes("+/+/", &out));
  EXPECT_EQ(out, std::string("\xfb\xff\xbf", 3));
  for (const char* bad : {"Z", "Zh==", "Zm9=", "Zm9v!", "Zm 9v", "Zm9v-_"}) {
    out.clear();
    EXPECT_FALSE(AppendBase64Bytes(bad, &out)) << bad;
  }
}

TEST(ValueTextTest, Uuids) {
  const std::string expected("\x12\x3e\x45\x67\xe8\x9b\x12\xd3\xa4\x56\x42\x66\x14\x17\x40\x00",
                             16);
  char b[16];
  ASSERT_TRUE(ParseUuidText("123e4567-e89b-12d3-a456-426614174000", b));
  EXPECT_EQ(std::string(b, 16), expected);
  ASSERT_TRUE(ParseUuidText("123E4567E89B12D3A456426614174000", b));
  EXPECT_EQ(std::string(b, 16), expected);
  for (const char* bad :
       {"", "123e4567-e89b-12d3-a456-42661417400", "123e4567-e89b-12d3-a456-4266141740000",
        "123e4567e-89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456_426614174000",
        "g23e4567-e89b-12d3-a456-426614174000", "123e4567e89b12d3a45642661417400"}) {
    EXPECT_FALSE(ParseUuidText(bad, b)) << bad;
  }
}

TEST(ValueTextTest, HostileInputIsSafe) {
  // Long runs of digits and separators: every function answers without reading past the end.
  const std::string digits(100000, '1');
  int64_t v = 0;
  int32_t d = 0;
  __int128 dec = 0;
  EXPECT_EQ(ParseDateText(digits, &d), TextParse::kMalformed);
  EXPECT_EQ(ParseTimeText(digits, TimeUnit::kNano, &v), TextParse::kMalformed);
  EXPECT_EQ(ParseTimestampText(digits, TimeUnit::kNano, &v), TextParse::kMalformed);
  EXPECT_EQ(ParseDecimalText(digits, 38, 0, &dec), TextParse::kOutOfRange);
  EXPECT_EQ(ParseTimeText("12:00:00." + digits, TimeUnit::kNano, &v), TextParse::kTooPrecise);
  EXPECT_EQ(ParseDecimalText("0." + std::string(100000, '0'), 38, 2, &dec), TextParse::kOk);
  // Every prefix of a full timestamp: only the complete forms parse.
  const std::string_view full = "+2024-03-10T10:00:00.123+05:30";
  for (size_t cut = 0; cut <= full.size(); ++cut) {
    const bool complete =
        cut == 11 || cut == 17 || cut == 20 || (cut >= 22 && cut <= 24) || cut == full.size();
    EXPECT_EQ(ParseTimestampText(full.substr(0, cut), TimeUnit::kMilli, &v) == TextParse::kOk,
              complete)
        << full.substr(0, cut);
  }
}

}  // namespace
}  // namespace floe
