// Avro schemas (Apache Avro specification, "Schema Declaration"): parsed from their JSON
// form into an immutable graph of nodes, and serialized back.
//
// Supported: the primitive types, records, enums, arrays, maps, unions and fixed; named
// types with namespaces and references by (full) name, including recursive records;
// logical types decimal (bytes or fixed), uuid (string or fixed 16), date, time-millis,
// time-micros, timestamp-millis/-micros/-nanos, local-timestamp-millis/-micros/-nanos and
// duration. A logical type that does not fit its underlying type (e.g. decimal without a
// valid precision) is ignored as the spec asks; unknown logical types stay as attributes.
//
// Every JSON property the spec does not define is kept, in order, as an attribute of the
// node or field it was on, so Iceberg's "field-id" (on record fields), "element-id" (on
// arrays), "key-id"/"value-id" (on maps) survive a parse/serialize round trip.
//
// Ownership: a Schema owns all its nodes; Node and Field pointers (and Datums decoded with
// the schema) stay valid as long as the Schema does. Schemas are immutable after Parse
// and safe to share between threads; they are handed around as shared_ptr<const Schema>.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "floe/common/status.h"

namespace floe::avro {

using Json = nlohmann::ordered_json;

enum class Type : uint8_t {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,
  kEnum,
  kArray,
  kMap,
  kUnion,
  kFixed,
};

enum class LogicalType : uint8_t {
  kNone,
  kDecimal,               // bytes or fixed; precision, scale
  kUuid,                  // string or fixed(16)
  kDate,                  // int: days since 1970-01-01
  kTimeMillis,            // int
  kTimeMicros,            // long
  kTimestampMillis,       // long, UTC
  kTimestampMicros,       // long, UTC
  kTimestampNanos,        // long, UTC
  kLocalTimestampMillis,  // long, no zone
  kLocalTimestampMicros,  // long, no zone
  kLocalTimestampNanos,   // long, no zone
  kDuration,              // fixed(12)
};

std::string_view TypeName(Type type);
std::string_view LogicalTypeName(LogicalType type);

struct Node;

struct Field {
  std::string name;
  const Node* type = nullptr;
  std::optional<Json> default_value;
  std::string doc;
  std::string order;  // "ascending" (default, stored empty), "descending", "ignore"
  std::vector<std::string> aliases;
  Json attributes = Json::object();  // e.g. {"field-id": 1}

  // The integer attribute "field-id", if present and an int32.
  std::optional<int32_t> field_id() const;
};

struct Node {
  Type type = Type::kNull;
  LogicalType logical_type = LogicalType::kNone;
  // Named types (record, enum, fixed): short name and namespace ("" = none).
  std::string name;
  std::string name_space;
  std::string doc;
  std::vector<std::string> aliases;
  std::vector<Field> fields;         // record
  std::vector<std::string> symbols;  // enum
  std::optional<std::string> enum_default;
  const Node* items = nullptr;        // array
  const Node* values = nullptr;       // map (keys are strings)
  std::vector<const Node*> branches;  // union
  int32_t fixed_size = 0;             // fixed
  int32_t precision = 0;              // decimal
  int32_t scale = 0;                  // decimal
  Json attributes = Json::object();   // every property the spec does not define

  bool is_named() const {
    return type == Type::kRecord || type == Type::kEnum || type == Type::kFixed;
  }
  // "namespace.name", or the name when there is no namespace.
  std::string full_name() const;
  // Record only: the index of the field called `name`, or -1.
  int FieldIndex(std::string_view name) const;
  // An integer attribute (e.g. "element-id") if present and an int32.
  std::optional<int32_t> IntAttribute(std::string_view key) const;
  // Union only: the branch index of the null type, or -1.
  int NullBranch() const;
};

// Limits applied while parsing untrusted schema JSON.
inline constexpr int kMaxSchemaDepth = 64;
inline constexpr size_t kMaxSchemaNodes = 1 << 20;

class Schema {
 public:
  // Parses an Avro schema from its JSON text. kInvalidArgument names the JSON path of the
  // problem (e.g. "fields[3].type.items: unknown type 'strng'").
  static Result<std::shared_ptr<const Schema>> Parse(std::string_view json_text);
  static Result<std::shared_ptr<const Schema>> FromJson(const Json& json);

  const Node& root() const { return *root_; }
  // The named type with this full name, or nullptr.
  const Node* FindNamed(std::string_view full_name) const;

  // The schema as JSON: each named type defined in full at its first occurrence (in
  // depth-first order) and referenced by full name afterwards; attributes kept.
  Json ToJson() const;
  std::string ToJsonString() const { return ToJson().dump(); }

  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;
  Schema() = default;

 private:
  friend class SchemaParser;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<const Node*> named_;
  const Node* root_ = nullptr;
};

using SchemaPtr = std::shared_ptr<const Schema>;

}  // namespace floe::avro
