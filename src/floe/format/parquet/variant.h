// VARIANT (apache/parquet-format VariantEncoding.md and VariantShredding.md): decoding a
// variant column's parts (metadata, value and the optional shredded typed_value) into
// JSON text, one value per row.
//
// The JSON follows what DuckDB 1.5 gives for CAST(v AS JSON) on a Parquet VARIANT (the
// convention of shared/fixtures/parquet/ORACLE-FORMAT.md), which differs from floe's own
// rendering of typed columns (json_writer.h) in places:
//
//   null, bool, int8..int64       null, true/false, integer literal
//   float, double                 JSON number (AppendJsonNumber; NaN/Inf as strings)
//   decimal4/8/16 (binary value)  string, exactly `scale` fraction digits: "123456.789"
//   decimal (shredded typed_value) number with `scale` fraction digits: 123456.789
//   date                          "YYYY-MM-DD"; years past 9999 in full, years <= 0 as
//                                 "YYYY-MM-DD (BC)" with YYYY = 1 - year
//   time                          "HH:MM:SS[.ffffff]", fraction trailing zeros trimmed
//   timestamp (UTC)               "YYYY-MM-DD HH:MM:SS[.ffffff]+00"
//   timestamp (no time zone)      "YYYY-MM-DD HH:MM:SS[.ffffff]"
//   timestamp nanos (UTC, binary) truncated toward zero to micros, then as above
//   timestamp nanos (shredded UTC, or no zone) "YYYY-MM-DD HH:MM:SS[.fffffffff]" (+ "+00")
//   string                        JSON string (invalid UTF-8 replaced, as AppendJsonString)
//   binary                        base64 string (RFC 4648, padded): "CgsMDQ=="
//   uuid                          "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
//   array                         JSON array
//   object                        JSON object, keys sorted bytewise; a repeated key keeps
//                                 its first value (a shredded field wins over `value`)
//
// (Read from DuckDB's Parquet reader of the VariantValue design; its later rewrite renders
// binary decimals as numbers and keeps UTC nanos. Only null/bool/int/string/array/object are
// pinned by fixtures so far.) Invalid-but-readable layouts are read leniently: typed_value
// wins over value, a null typed_value with an object value reads the object, a missing array
// element reads as null.
//
// Untrusted input: every size, offset and field id is bounded by the bytes it points into,
// nesting is limited to kMaxVariantDepth, and the JSON of one value to a byte budget, so a
// hostile value cannot crash, recurse without bound or blow up (arrays and objects may
// point several entries at the same bytes). Errors say what is wrong and where (the byte
// offset in the value, the row, the shredded field path).
//
// Thread-safety: the functions touch no shared state.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "floe/columnar/column.h"
#include "floe/common/status.h"

namespace floe::parquet {

// Deepest nesting of arrays and objects accepted in one variant value.
inline constexpr int kMaxVariantDepth = 256;
// Default budget for the JSON text of one variant value.
inline constexpr size_t kDefaultMaxVariantJsonBytes = size_t{64} << 20;

// `parts` is the assembled struct of a VARIANT group: a `metadata` binary child, an
// optional `value` binary child and an optional `typed_value` child of any shredded
// type. Returns a JSON column (type json) with the same length: row i holds the JSON text
// of the variant, or is null when the group is null, the value is missing or it is the
// variant null. Errors name the row (counted within `parts`) and the shredded path.
Result<ColumnPtr> VariantColumnToJson(const Column& parts);

// Appends to `out` the JSON text of one unshredded variant: `metadata` is exactly one
// metadata blob (header, dictionary size, offsets, strings), `value` one encoded value
// (bytes after the value are ignored). Fails with Corruption on malformed bytes,
// NotSupported on an unknown metadata version or primitive type, and ResourceExhausted
// when the text would pass `max_json_bytes`. On error `out` holds a partial text.
Status AppendVariantJson(std::string_view metadata, std::string_view value, std::string* out,
                         size_t max_json_bytes = kDefaultMaxVariantJsonBytes);

// Size in bytes of the metadata blob at the front of `bytes` (for the layout metadata
// immediately followed by value, as in upstream *.variant.bin files).
Result<size_t> VariantMetadataSize(std::string_view bytes);

}  // namespace floe::parquet
