#include "floe/iceberg/schema.h"

#include <algorithm>

#include "floe/iceberg/json_internal.h"

namespace floe::iceberg {

using internal::Json;

Schema::Schema() : Schema(0, {}) {}

Schema::Schema(int32_t schema_id, std::vector<NestedField> fields,
               std::vector<int32_t> identifier_field_ids)
    : schema_id_(schema_id),
      struct_type_(types::Struct(std::move(fields))),
      identifier_field_ids_(std::move(identifier_field_ids)) {
  BuildIndex();
}

void Schema::BuildIndex() {
  auto index = std::make_shared<Index>();
  struct Walker {
    Index* index;
    void Visit(const std::vector<NestedField>& fields, const std::string& prefix) {
      for (const NestedField& f : fields) {
        std::string name = prefix.empty() ? f.name : prefix + "." + f.name;
        if (!index->by_id.emplace(f.id, &f).second) index->duplicate_ids = true;
        index->by_name.emplace(name, f.id);
        index->name_of.emplace(f.id, name);
        index->highest_id = std::max(index->highest_id, f.id);
        if (f.type && f.type->IsNested()) Visit(f.type->fields, name);
      }
    }
  };
  Walker{index.get()}.Visit(struct_type_->fields, "");
  index_ = std::move(index);
}

const NestedField* Schema::FindById(int32_t id) const {
  auto it = index_->by_id.find(id);
  return it == index_->by_id.end() ? nullptr : it->second;
}

const NestedField* Schema::FindByName(std::string_view name) const {
  auto it = index_->by_name.find(std::string(name));
  return it == index_->by_name.end() ? nullptr : FindById(it->second);
}

std::string Schema::NameOf(int32_t id) const {
  auto it = index_->name_of.find(id);
  return it == index_->name_of.end() ? std::string() : it->second;
}

int32_t Schema::HighestFieldId() const { return index_->highest_id; }

Status Schema::Validate() const {
  if (index_->duplicate_ids) {
    return Status::InvalidArgument("schema {}: field ids are not unique", schema_id_);
  }
  for (const auto& [id, f] : index_->by_id) {
    if (id <= 0) {
      return Status::InvalidArgument("schema {}: field '{}' has invalid id {}", schema_id_,
                                     NameOf(id), id);
    }
    if (!f->type) {
      return Status::InvalidArgument("schema {}: field '{}' has no type", schema_id_, NameOf(id));
    }
  }
  for (int32_t id : identifier_field_ids_) {
    const NestedField* f = FindById(id);
    if (f == nullptr) {
      return Status::InvalidArgument("schema {}: identifier field {} does not exist", schema_id_,
                                     id);
    }
    if (!f->required || !f->type->IsPrimitive() || f->type->kind == TypeKind::kFloat ||
        f->type->kind == TypeKind::kDouble) {
      return Status::InvalidArgument(
          "schema {}: identifier field '{}' must be a required non-floating primitive", schema_id_,
          NameOf(id));
    }
  }
  return Status::OK();
}

Result<floe::Schema> Schema::ToColumnar() const {
  floe::Schema out;
  out.fields.reserve(fields().size());
  for (const NestedField& f : fields()) {
    FLOE_ASSIGN_OR_RETURN(floe::Field c, ToColumnarField(f));
    out.fields.push_back(std::move(c));
  }
  return out;
}

Result<Schema> Schema::FromColumnar(const floe::Schema& schema, int32_t schema_id,
                                    std::vector<int32_t> identifier_field_ids) {
  std::vector<NestedField> fields;
  fields.reserve(schema.fields.size());
  for (const floe::Field& c : schema.fields) {
    FLOE_ASSIGN_OR_RETURN(NestedField f, FromColumnarField(c));
    fields.push_back(std::move(f));
  }
  Schema out(schema_id, std::move(fields), std::move(identifier_field_ids));
  FLOE_RETURN_IF_ERROR(out.Validate());
  return out;
}

bool Schema::operator==(const Schema& o) const {
  return schema_id_ == o.schema_id_ && identifier_field_ids_ == o.identifier_field_ids_ &&
         *struct_type_ == *o.struct_type_;
}

Json SchemaToJson(const Schema& schema) {
  Json j = TypeToJson(*schema.struct_type());
  j["schema-id"] = schema.schema_id();
  if (!schema.identifier_field_ids().empty()) {
    j["identifier-field-ids"] = schema.identifier_field_ids();
  }
  return j;
}

Result<Schema> SchemaFromJson(const Json& j, std::string_view path) {
  FLOE_RETURN_IF_ERROR(internal::ExpectObject(j, path));
  FLOE_ASSIGN_OR_RETURN(std::string kind, internal::RequiredString(j, "type", path));
  if (kind != "struct") {
    return Status::InvalidArgument("{}: a schema must have type 'struct', got '{}'",
                                   internal::JoinPath(path, "type"), kind);
  }
  FLOE_ASSIGN_OR_RETURN(TypePtr st, TypeFromJson(j, path));
  FLOE_ASSIGN_OR_RETURN(auto id, internal::OptionalInt(j, "schema-id", path));
  std::vector<int32_t> identifiers;
  if (const Json* ids = internal::Find(j, "identifier-field-ids")) {
    std::string ids_path = internal::JoinPath(path, "identifier-field-ids");
    FLOE_RETURN_IF_ERROR(internal::ExpectArray(*ids, ids_path));
    for (size_t i = 0; i < ids->size(); ++i) {
      FLOE_ASSIGN_OR_RETURN(int32_t v,
                            internal::AsInt((*ids)[i], internal::IndexPath(ids_path, i)));
      identifiers.push_back(v);
    }
  }
  Schema schema(id.value_or(0), st->fields, std::move(identifiers));
  Status valid = schema.Validate();
  if (!valid.ok()) return valid.WithContext(path.empty() ? "schema" : path);
  return schema;
}

}  // namespace floe::iceberg
