// Value text: the text forms of scalar values shared by the text readers (json_reader.h for
// strings inside JSON, csv_reader.h for fields). One place decides what "2024-02-29T10:00:00Z"
// or "12.50" means, so the two readers cannot drift apart.
//
// Every function reads exactly its argument: no surrounding whitespace, no quotes, no trailing
// bytes (the caller trims or unquotes first). Inputs are untrusted: any byte string is safe to
// pass, nothing is read outside it, and work is linear in its length with no allocation except
// in the Append* decoders (which grow `out` by at most len/2 or 3*len/4 bytes). Outputs are
// meaningful only on success; on failure the Append* decoders may have appended part of the
// bytes (the caller truncates). The functions keep no state and are thread-safe.
//
// Errors are TextParse outcomes, not messages: each reader words its own errors (with its
// field, line and column), and the outcomes tell them apart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "floe/columnar/type.h"

namespace floe {

// Outcome of reading one value from its text.
enum class TextParse : uint8_t {
  kOk,
  // Not in the accepted form (including impossible dates such as 2023-02-29, 24:00, 12:60).
  kMalformed,
  // Well formed, but the value does not fit the target type (integer or float overflow,
  // decimal precision, date/timestamp beyond the storage width).
  kOutOfRange,
  // Non-zero digits beyond what the target keeps: decimal fraction digits beyond the scale,
  // second fractions beyond the time unit. Trailing zeros are never an error.
  kTooPrecise,
  // A time of day with a non-zero UTC offset (there is no date to carry the shift into).
  kTimeWithOffset,
};

inline bool IsAsciiDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }
inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c; }
// True when `text` equals `lower` ignoring ASCII case. REQUIRES: `lower` is lower-case ASCII.
bool EqualsIgnoreAsciiCase(std::string_view text, std::string_view lower);

// ----- bool and numbers -----

// true/false, t/f, yes/no, y/n, 1/0, ASCII case-insensitive. False (and *out untouched) for
// anything else.
bool ParseBoolText(std::string_view s, bool* out);

// An optionally signed ('+' or '-') run of decimal digits, at least one. Returns false when
// `s` is not one. On success sets `*negative` and `*magnitude`; `*overflow` is set when the
// magnitude does not fit in uint64 (`*magnitude` is then meaningless). The caller applies the
// target type's range ("-0" is a magnitude of 0 with *negative set).
bool ParseIntegerText(std::string_view s, bool* negative, uint64_t* magnitude, bool* overflow);

// "NaN", "Inf" or "Infinity" with an optional sign, ASCII case-insensitive. False otherwise.
bool ParseSpecialFloatText(std::string_view s, double* out);

// A number in decimal or exponent notation ("1", "-2.5", ".5", "1e-3", "+7"), or a special
// value as above. T is float or double: the text is rounded once, directly to T. A finite
// number beyond T's range is kOutOfRange; one too small for T rounds to a subnormal or zero
// (kOk). Anything else is kMalformed.
template <typename T>
TextParse ParseFloatText(std::string_view s, T* out);

// A decimal number in plain or exponent notation ("-12.50", "1.25e2", "+.5") as the unscaled
// value of decimal(precision, scale): value x 10^scale. No rounding: a non-zero digit beyond
// `scale` fraction digits is kTooPrecise; more than `precision` significant digits (after
// scaling, leading zeros not counted) is kOutOfRange; kMalformed otherwise. Exponents of any
// size are safe. REQUIRES: 1 <= precision <= 38, 0 <= scale.
TextParse ParseDecimalText(std::string_view s, int32_t precision, int32_t scale,
                           __int128* unscaled);

// ----- bytes -----

// The value of one hex digit (either case), or -1.
int HexDigitValue(char c);

// Appends the bytes of hex text (an even number of hex digits, either case) to `out`. False
// when `s` is not such text (part of the bytes may have been appended).
bool AppendHexBytes(std::string_view s, std::string* out);

// Appends the bytes of RFC 4648 base64 text (standard alphabet "+/", '=' padding optional,
// no line breaks) to `out`. The unused low bits of the last character must be zero (canonical
// encoding). False otherwise (part of the bytes may have been appended).
bool AppendBase64Bytes(std::string_view s, std::string* out);

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" or 32 hex digits (either case) as 16 bytes in text
// order. False otherwise.
bool ParseUuidText(std::string_view s, char out[16]);

// ----- dates and times (proleptic Gregorian calendar, no leap seconds) -----

// Fraction digits of a time unit: 3 (ms), 6 (us), 9 (ns).
int FractionDigits(TimeUnit unit);

// "YYYY-MM-DD", or an extended year "+YYYYY-MM-DD" / "-YYYYY-MM-DD" (a sign, then 4 to 9
// digits; year 0 is 1 BC) as days since 1970-01-01. The day must exist (2023-02-29 and
// 2024-04-31 are kMalformed). A date beyond int32 days is kOutOfRange.
TextParse ParseDateText(std::string_view s, int32_t* days);

// "HH:MM", "HH:MM:SS" or "HH:MM:SS.f..." (one or more fraction digits) with an optional UTC
// designator ("Z", "z", "+HH:MM", "-HH:MM", "+HHMM"), as a count of `unit` since midnight.
// HH 00-23, MM and SS 00-59. A non-zero offset is kTimeWithOffset ("+00:00" and "-00:00" are
// UTC); fraction digits beyond the unit must be zero (kTooPrecise otherwise).
TextParse ParseTimeText(std::string_view s, TimeUnit unit, int64_t* value);

// A date as in ParseDateText, alone (midnight) or followed by 'T', 't' or ' ' and a time of
// day with an optional UTC designator as in ParseTimeText (RFC 3339 and the SQL form), as a
// count of `unit` since 1970-01-01T00:00:00 UTC. An offset is applied (10:00+05:30 is 04:30
// UTC); text without one is taken as UTC. Fraction digits beyond the unit must be zero
// (kTooPrecise); a result beyond int64 is kOutOfRange.
TextParse ParseTimestampText(std::string_view s, TimeUnit unit, int64_t* value);

}  // namespace floe
