// floe's schema file: a JSON description of a Schema, read by `floe parquet write --schema`,
// the exporter and `floe table create`, and written back by SchemaToJson.
//
//   {"fields": [
//     {"name": "id", "type": "int64", "nullable": false, "id": 1},
//     {"name": "tags", "type": {"type": "list", "element": "string", "element_nullable": true}},
//     {"name": "attrs", "type": {"type": "map", "key": "string", "value": "int64"}},
//     {"name": "loc", "type": {"type": "struct", "fields": [...]}},
//     {"name": "amount", "type": "decimal(10,2)"},
//     {"name": "ts", "type": "timestamp(us, utc)"}],
//    "metadata": {"key": "value"}}
//
// A field object has "name" (required, non-empty, unique among its siblings), "type"
// (required), "nullable" (default true), "id" (Iceberg/Parquet field id, >= 0, unique in the
// schema; absent means none) and "doc" (accepted and ignored). Other keys are errors, so typos
// such as "nulable" do not pass silently.
//
// Type strings: bool (boolean), int8, int16, int32, int64, uint8, uint16, uint32, uint64,
// float16, float32 (float), float64 (double), decimal(p,s) (1 <= p <= 38, 0 <= s <= p), date,
// time / time(ms|us|ns[, utc]) (plain "time" is time(us)), timestamp / timestamp(ms|us|ns[, utc])
// (plain "timestamp" is timestamp(us)), timestamptz (= timestamp(us, utc)), timestamp_ns,
// timestamptz_ns, interval, string, enum, json, binary, fixed(n) (1 <= n <= 16 MiB), uuid.
// Spaces inside the parentheses are optional. A primitive may also be written {"type": "int64"}.
//
// Nested type objects:
//   {"type": "list", "element": T, "element_nullable": bool = true, "element_id": int}
//   {"type": "map", "key": T, "value": T, "value_nullable": bool = true,
//    "key_id": int, "value_id": int}                     (map keys are never null)
//   {"type": "struct", "fields": [field, ...]}
// Nesting is limited to 64 levels.
//
// List elements are named "element" and map children "key"/"value"; SchemaToJson does not
// carry other child names, so a Schema whose list element is named e.g. "item" comes back
// with "element".
#pragma once

#include <string>
#include <string_view>

#include "floe/columnar/type.h"
#include "floe/common/status.h"

namespace floe {

// Parses a schema file. Errors (InvalidArgument) name the field path, e.g.
// `schema field "loc.lat": unknown type "flaot"`, or the byte offset of a JSON syntax error.
Result<Schema> ParseSchemaJson(std::string_view text);

// Parses one type string such as "decimal(10,2)" or "timestamp(ms, utc)".
Result<TypePtr> ParseTypeString(std::string_view text);

// The canonical type string of a primitive type ("decimal(10,2)", "timestamp(us, utc)").
// Nested types have no type string; for them this returns DataType::ToString().
std::string TypeToString(const DataType& type);

// Renders `schema` as a schema file that ParseSchemaJson reads back to an equal Schema
// (including metadata): one field per line, the fields of nested structs on lines of their
// own, a field's type last:
//   {
//     "fields": [
//       {"name": "id", "nullable": false, "id": 1, "type": "int64"},
//       {"name": "loc", "nullable": true, "type": {"type": "struct", "fields": [
//         {"name": "lat", "nullable": true, "type": "float64"}
//       ]}}
//     ],
//     "metadata": {"owner": "data"}
//   }
// Invalid UTF-8 in names or metadata is replaced by U+FFFD.
std::string SchemaToJson(const Schema& schema);

}  // namespace floe
