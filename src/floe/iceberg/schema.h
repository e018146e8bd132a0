// An Iceberg table schema: a struct type with a schema id and identifier field ids,
// indexed by field id and by dotted name. JSON per the spec's Appendix C.
//
// Schema is an immutable value; copies share the type tree and the indexes, so copying
// is cheap and lookups on copies are valid. Thread-safe for concurrent reads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "floe/columnar/type.h"
#include "floe/common/status.h"
#include "floe/iceberg/types.h"

namespace floe::iceberg {

class Schema {
 public:
  // An empty schema with id 0.
  Schema();
  Schema(int32_t schema_id, std::vector<NestedField> fields,
         std::vector<int32_t> identifier_field_ids = {});

  int32_t schema_id() const { return schema_id_; }
  const std::vector<NestedField>& fields() const { return struct_type_->fields; }
  const TypePtr& struct_type() const { return struct_type_; }
  const std::vector<int32_t>& identifier_field_ids() const { return identifier_field_ids_; }

  // The field with `id` at any depth, or nullptr. The pointer lives as long as any copy.
  const NestedField* FindById(int32_t id) const;
  // The field named by its full dotted name ("a", "s.b", "l.element", "m.key", "m.value"),
  // or nullptr. Names match exactly (case-sensitive).
  const NestedField* FindByName(std::string_view name) const;
  // The full dotted name of field `id`, or "" when there is none.
  std::string NameOf(int32_t id) const;
  // The highest field id at any depth (0 when empty).
  int32_t HighestFieldId() const;

  // Field ids are unique and positive, identifier fields exist and are required primitives.
  Status Validate() const;

  // Columnar schema with Field::id carrying the field ids.
  Result<floe::Schema> ToColumnar() const;
  // From a columnar schema whose fields all carry ids (see AssignFieldIds).
  static Result<Schema> FromColumnar(const floe::Schema& schema, int32_t schema_id,
                                     std::vector<int32_t> identifier_field_ids = {});

  // Deep comparison of id, fields and identifier fields.
  bool operator==(const Schema& o) const;

 private:
  struct Index {
    std::unordered_map<int32_t, const NestedField*> by_id;
    std::unordered_map<std::string, int32_t> by_name;
    std::unordered_map<int32_t, std::string> name_of;
    int32_t highest_id = 0;
    bool duplicate_ids = false;
  };
  void BuildIndex();

  int32_t schema_id_ = 0;
  TypePtr struct_type_;
  std::vector<int32_t> identifier_field_ids_;
  std::shared_ptr<const Index> index_;
};

// {"type": "struct", "schema-id": N, "identifier-field-ids": [...], "fields": [...]}.
// "identifier-field-ids" is written only when non-empty.
nlohmann::json SchemaToJson(const Schema& schema);
// `path` names `j` in errors. "schema-id" defaults to 0 when absent (v1).
Result<Schema> SchemaFromJson(const nlohmann::json& j, std::string_view path);

}  // namespace floe::iceberg
