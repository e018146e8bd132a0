// Rendering columnar values as JSON, in the conventions of the Parquet oracle files
// (shared/fixtures/parquet/ORACLE-FORMAT.md), which are also floe's JSON output format:
//
//   null                 null (at any level)
//   bool                 true / false
//   int8..uint64         exact integer literal
//   float16/32/64        ECMAScript Number#toString of the value widened exactly to double
//                        (42, 0.10000000149011612, 1e+21, 1.5e-7); -0 is -0.0; NaN and the
//                        infinities are the strings "NaN", "Infinity", "-Infinity"
//   decimal(p, s)        string with exactly s fraction digits: "-0.01", "12.00", "123"
//   date                 "YYYY-MM-DD" (proleptic Gregorian)
//   time                 "HH:MM:SS[.fffffffff]" fraction trimmed; "+00:00" appended when utc
//   timestamp            "YYYY-MM-DDTHH:MM:SS[.fffffffff]" fraction trimmed; "Z" when utc
//                        Years outside 0000..9999 (dates too) are written with a sign and at
//                        least six digits: "+052951-07-27T10:00:00", "-000001-01-01".
//   interval             {"months":m,"days":d,"micros":us} (micros = stored millis x 1000)
//   string, enum         JSON string
//   json                 the stored JSON text, as a JSON string
//   binary, fixed        lowercase hex string ("" when empty)
//   uuid                 "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lowercase)
//   list                 array
//   struct               object, fields in schema order
//   map                  array of {"key":k,"value":v}, in stored order
//
// JSON strings escape '"', '\\' and the control characters below U+0020 (\b \f \n \r \t, the
// rest as \u00XX); other characters are written as UTF-8. Invalid UTF-8 is replaced by U+FFFD,
// one per maximal ill-formed subsequence (Unicode 15, section 3.9), so output is always valid.
//
// All functions append to a caller-owned string and allocate only to grow it
// (AppendBatchJsonLines also escapes the member names once per call). The columns must be
// valid (Column::Validate); the functions do not check bounds beyond that. Thread-safe: they
// touch no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "floe/columnar/column.h"
#include "floe/common/civil_date.h"

namespace floe {

// One row of `batch` as a JSON object, keys in schema order. No trailing newline.
void AppendRowJson(const RecordBatch& batch, int64_t row, std::string* out);

// Every row of `batch`, one JSON object per line, each followed by '\n' (JSON Lines).
void AppendBatchJsonLines(const RecordBatch& batch, std::string* out);

// Value `row` of `column` (null when the value is null).
void AppendValueJson(const Column& column, int64_t row, std::string* out);

// Scalar renderers, shared with json_reader and usable on their own.

// A double as a JSON number in ECMAScript Number#toString form (see above).
void AppendJsonNumber(double value, std::string* out);
// A quoted, escaped JSON string (see above for escaping and invalid UTF-8).
void AppendJsonString(std::string_view utf8, std::string* out);
// The unscaled decimal `unscaled` with `scale` fraction digits, unquoted.
void AppendDecimalText(__int128 unscaled, int32_t scale, std::string* out);
// Unquoted temporal text. `days` since 1970-01-01; `value` in `unit`.
void AppendDateText(int64_t days, std::string* out);
void AppendTimeText(int64_t value, TimeUnit unit, bool utc, std::string* out);
void AppendTimestampText(int64_t value, TimeUnit unit, bool utc, std::string* out);

}  // namespace floe
