// Iceberg data types (spec "Schemas and Data Types") and their JSON form (Appendix C),
// plus conversion to and from floe's columnar types (floe/columnar/type.h), where
// Field::id carries the Iceberg field id.
//
// Types are immutable and shared (TypePtr); all functions are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "floe/columnar/type.h"
#include "floe/common/status.h"

namespace floe::iceberg {

enum class TypeKind : uint8_t {
  kUnknown,  // v3: always null
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kDecimal,  // precision <= 38
  kDate,
  kTime,           // microseconds from midnight
  kTimestamp,      // microseconds, no zone
  kTimestampTz,    // microseconds, UTC
  kTimestampNs,    // v3: nanoseconds, no zone
  kTimestampTzNs,  // v3: nanoseconds, UTC
  kString,
  kUuid,
  kFixed,  // fixed[L]
  kBinary,
  kVariant,  // v3
  kStruct,
  kList,
  kMap,
};

struct Type;
using TypePtr = std::shared_ptr<const Type>;

// A struct field, list element or map key/value: an id, a name, a type and nullability.
struct NestedField {
  int32_t id = 0;
  std::string name;
  TypePtr type;
  bool required = false;
  std::string doc;  // empty when absent
  // v3 default values in the JSON single-value form (Appendix D); absent when nullopt.
  std::optional<nlohmann::json> initial_default;
  std::optional<nlohmann::json> write_default;

  bool operator==(const NestedField& o) const;  // deep: compares types by value
};

// A field with the given id, name, type and requiredness (no doc or defaults).
inline NestedField MakeField(int32_t id, std::string name, TypePtr type, bool required) {
  NestedField f;
  f.id = id;
  f.name = std::move(name);
  f.type = std::move(type);
  f.required = required;
  return f;
}

struct Type {
  TypeKind kind = TypeKind::kInt;
  int32_t precision = 0;  // kDecimal
  int32_t scale = 0;      // kDecimal
  int32_t length = 0;     // kFixed
  // kStruct: its fields; kList: {element} (named "element"); kMap: {key, value}.
  std::vector<NestedField> fields;

  bool IsPrimitive() const {
    return kind != TypeKind::kStruct && kind != TypeKind::kList && kind != TypeKind::kMap;
  }
  bool IsNested() const { return !IsPrimitive(); }
  // Primitive types: the spec's string ("decimal(9,2)", "fixed[16]", "timestamptz").
  // Nested types: "struct<1: a: required int, ...>", "list<...>", "map<...>" (for messages).
  std::string ToString() const;
  bool operator==(const Type& o) const;
};

// Constructors of shared type instances.
namespace types {
TypePtr Unknown();
TypePtr Boolean();
TypePtr Int();
TypePtr Long();
TypePtr Float();
TypePtr Double();
TypePtr Decimal(int32_t precision, int32_t scale);
TypePtr Date();
TypePtr Time();
TypePtr Timestamp();
TypePtr TimestampTz();
TypePtr TimestampNs();
TypePtr TimestampTzNs();
TypePtr String();
TypePtr Uuid();
TypePtr Fixed(int32_t length);
TypePtr Binary();
TypePtr Variant();
TypePtr Struct(std::vector<NestedField> fields);
TypePtr List(int32_t element_id, TypePtr element, bool element_required);
TypePtr Map(int32_t key_id, TypePtr key, int32_t value_id, TypePtr value, bool value_required);
}  // namespace types

// Parses a primitive type string ("int", "decimal(9, 2)", "fixed[16]", ...).
Result<TypePtr> ParsePrimitiveType(std::string_view text);

// Appendix C JSON of a type: a string for primitives, an object for struct/list/map.
nlohmann::json TypeToJson(const Type& type);
// `path` names `j` in error messages. Bounds nesting depth.
Result<TypePtr> TypeFromJson(const nlohmann::json& j, std::string_view path);
// One struct field object ({"id", "name", "required", "type", "doc", defaults}).
nlohmann::json FieldToJson(const NestedField& field);
Result<NestedField> FieldFromJson(const nlohmann::json& j, std::string_view path);

// Iceberg -> columnar. Nested Field::id carry the Iceberg ids; Field::nullable = !required.
// NotSupported for unknown.
Result<floe::TypePtr> ToColumnarType(const Type& type);
Result<floe::Field> ToColumnarField(const NestedField& field);

// Columnar -> Iceberg. Every field (including list elements and map keys/values) must
// carry an id >= 0 (see AssignFieldIds). Narrow integers widen to int, uint32 to long,
// float16 to float, enum/json to string, time/timestamp in ms to micros; uint64,
// interval, and nanosecond time are NotSupported.
Result<TypePtr> FromColumnarType(const floe::DataType& type);
Result<NestedField> FromColumnarField(const floe::Field& field);

// Assigns ids to every field with id < 0, depth-first in the spec's order (a struct's own
// fields first, then nested children), continuing from *last_column_id (updated).
void AssignFieldIds(std::vector<floe::Field>* fields, int32_t* last_column_id);

}  // namespace floe::iceberg
