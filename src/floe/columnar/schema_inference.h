// Inferring a columnar Schema from a sample of the input, for `floe export` without a schema
// file. The result is meant to be printed (schema_json.h SchemaToJson), saved, edited and
// passed back as a schema file, so inference is deliberately simple and predictable.
//
// CSV: every column starts at the narrowest type and is widened as values are seen, along
//   bool < int64 < float64 < string   and   date < timestamp < string
// (int64 and date, or any number and any temporal, meet at string). Values are read with the
// csv_reader.h conventions; a column is:
//   bool          true/false (ASCII case-insensitive; 1/0 and yes/no stay int64 / string)
//   int64         optional sign and digits, fitting in int64
//   float64       any other number csv_reader.h accepts (incl. NaN / Inf / Infinity)
//   date          YYYY-MM-DD
//   timestamp     timestamp(us), or timestamp(us, utc) when every value has a zone
//                 designator (Z or an offset); a mix gives string. Values with more than 6
//                 fraction digits give timestamp(ns, ...) instead.
//   string        anything else
// Timestamps and dates whose years the reader's types cannot hold (beyond int32 days, int64
// microseconds, or 1679..2261 for nanoseconds) make the column string. Records whose field
// count differs from the header (or the first record) are not examined; the reader reports them
// as short or long rows. Consequently a schema inferred from a whole input reads that input with
// no value errors (the fuzz target checks this).
// A column with only nulls (or no records at all) is string. A column is nullable when a null
// was seen in the sample, and always nullable when options.nullable_always is set (the
// default: a sample cannot prove the rest of the input has no nulls). Names come from the
// header, or are "column1", "column2", ... without one; an empty header name becomes
// "columnN" and duplicate names are an error.
//
// JSON (JSON Lines or one array of objects, as json_reader.h reads): members in order of
// first appearance; numbers widen int64 < float64 (integers beyond int64 are float64); strings are
// string unless every value is a date (date) or a timestamp (as above); objects become structs
// (members merged), arrays lists (elements merged); conflicting kinds (a number here, an object
// there) give json. null-only members are string; empty objects and values nested deeper than 32
// levels are json. With nullable_always false, a member is nullable when it was null or missing in
// some record.
#pragma once

#include <cstdint>
#include <string_view>

#include "floe/columnar/csv_reader.h"
#include "floe/columnar/type.h"
#include "floe/common/status.h"

namespace floe {

struct InferOptions {
  // Records examined (after the header).
  int64_t max_records = 10000;
  // Fields are nullable whatever the sample shows (see above).
  bool nullable_always = true;
};

// Infers the schema of CSV `sample` (a prefix of the input when `complete` is false: a last
// record without line ending is then ignored). Syntax errors in the sample are returned as by
// CsvBatchReader (file:line:column).
Result<Schema> InferCsvSchema(std::string_view sample, const CsvReadOptions& csv_options,
                              const InferOptions& options = {}, bool complete = true);

// Infers the schema of a JSON Lines or JSON array sample (same `complete` rule: an unfinished
// last line or array element is ignored). Records must be objects.
Result<Schema> InferJsonSchema(std::string_view sample, const InferOptions& options = {},
                               bool complete = true);

}  // namespace floe
