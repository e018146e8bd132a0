#include "floe/iceberg/types.h"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "floe/iceberg/json_internal.h"

namespace floe::iceberg {

using internal::Json;

namespace {

constexpr int kMaxTypeDepth = 128;

bool SameType(const TypePtr& a, const TypePtr& b) { return a == b || (a && b && *a == *b); }

struct PrimitiveName {
  TypeKind kind;
  std::string_view name;
};
constexpr PrimitiveName kPrimitiveNames[] = {
    {TypeKind::kUnknown, "unknown"},
    {TypeKind::kBoolean, "boolean"},
    {TypeKind::kInt, "int"},
    {TypeKind::kLong, "long"},
    {TypeKind::kFloat, "float"},
    {TypeKind::kDouble, "double"},
    {TypeKind::kDate, "date"},
    {TypeKind::kTime, "time"},
    {TypeKind::kTimestamp, "timestamp"},
    {TypeKind::kTimestampTz, "timestamptz"},
    {TypeKind::kTimestampNs, "timestamp_ns"},
    {TypeKind::kTimestampTzNs, "timestamptz_ns"},
    {TypeKind::kString, "string"},
    {TypeKind::kUuid, "uuid"},
    {TypeKind::kBinary, "binary"},
    {TypeKind::kVariant, "variant"},
};

TypePtr MakePrimitive(TypeKind kind) {
  auto t = std::make_shared<Type>();
  t->kind = kind;
  return t;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool ParseInt32(std::string_view s, int32_t* out) {
  s = Trim(s);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

Result<TypePtr> TypeFromJsonAt(const Json& j, std::string_view path, int depth);

Result<NestedField> FieldFromJsonAt(const Json& j, std::string_view path, int depth) {
  FLOE_RETURN_IF_ERROR(internal::ExpectObject(j, path));
  NestedField f;
  FLOE_ASSIGN_OR_RETURN(f.id, internal::RequiredInt(j, "id", path));
  FLOE_ASSIGN_OR_RETURN(f.name, internal::RequiredString(j, "name", path));
  FLOE_ASSIGN_OR_RETURN(f.required, internal::RequiredBool(j, "required", path));
  FLOE_ASSIGN_OR_RETURN(const Json* type, internal::RequiredMember(j, "type", path));
  FLOE_ASSIGN_OR_RETURN(f.type, TypeFromJsonAt(*type, internal::JoinPath(path, "type"), depth + 1));
  FLOE_ASSIGN_OR_RETURN(auto doc, internal::OptionalString(j, "doc", path));
  if (doc) f.doc = std::move(*doc);
  if (const Json* d = internal::Find(j, "initial-default")) f.initial_default = *d;
  if (const Json* d = internal::Find(j, "write-default")) f.write_default = *d;
  return f;
}

Result<TypePtr> TypeFromJsonAt(const Json& j, std::string_view path, int depth) {
  if (depth > kMaxTypeDepth) {
    return Status::InvalidArgument("{}: types nested deeper than {}", path, kMaxTypeDepth);
  }
  if (j.is_string()) {
    auto t = ParsePrimitiveType(j.get_ref<const std::string&>());
    if (!t.ok()) return t.status().WithContext(path);
    return t;
  }
  FLOE_RETURN_IF_ERROR(internal::ExpectObject(j, path));
  FLOE_ASSIGN_OR_RETURN(std::string kind, internal::RequiredString(j, "type", path));
  if (kind == "struct") {
    FLOE_ASSIGN_OR_RETURN(const Json* fields, internal::RequiredMember(j, "fields", path));
    std::string fields_path = internal::JoinPath(path, "fields");
    FLOE_RETURN_IF_ERROR(internal::ExpectArray(*fields, fields_path));
    std::vector<NestedField> out;
    out.reserve(fields->size());
    for (size_t i = 0; i < fields->size(); ++i) {
      FLOE_ASSIGN_OR_RETURN(
          NestedField f, FieldFromJsonAt((*fields)[i], internal::IndexPath(fields_path, i), depth));
      out.push_back(std::move(f));
    }
    return types::Struct(std::move(out));
  }
  if (kind == "list") {
    FLOE_ASSIGN_OR_RETURN(int32_t id, internal::RequiredInt(j, "element-id", path));
    FLOE_ASSIGN_OR_RETURN(bool required, internal::RequiredBool(j, "element-required", path));
    FLOE_ASSIGN_OR_RETURN(const Json* e, internal::RequiredMember(j, "element", path));
    FLOE_ASSIGN_OR_RETURN(TypePtr et,
                          TypeFromJsonAt(*e, internal::JoinPath(path, "element"), depth + 1));
    return types::List(id, std::move(et), required);
  }
  if (kind == "map") {
    FLOE_ASSIGN_OR_RETURN(int32_t key_id, internal::RequiredInt(j, "key-id", path));
    FLOE_ASSIGN_OR_RETURN(int32_t value_id, internal::RequiredInt(j, "value-id", path));
    FLOE_ASSIGN_OR_RETURN(bool required, internal::RequiredBool(j, "value-required", path));
    FLOE_ASSIGN_OR_RETURN(const Json* k, internal::RequiredMember(j, "key", path));
    FLOE_ASSIGN_OR_RETURN(const Json* v, internal::RequiredMember(j, "value", path));
    FLOE_ASSIGN_OR_RETURN(TypePtr kt,
                          TypeFromJsonAt(*k, internal::JoinPath(path, "key"), depth + 1));
    FLOE_ASSIGN_OR_RETURN(TypePtr vt,
                          TypeFromJsonAt(*v, internal::JoinPath(path, "value"), depth + 1));
    return types::Map(key_id, std::move(kt), value_id, std::move(vt), required);
  }
  return Status::InvalidArgument("{}: unknown nested type '{}'", internal::JoinPath(path, "type"),
                                 kind);
}

}  // namespace

bool NestedField::operator==(const NestedField& o) const {
  return id == o.id && name == o.name && required == o.required && doc == o.doc &&
         initial_default == o.initial_default && write_default == o.write_default &&
         SameType(type, o.type);
}

bool Type::operator==(const Type& o) const {
  if (kind != o.kind) return false;
  switch (kind) {
    case TypeKind::kDecimal:
      return precision == o.precision && scale == o.scale;
    case TypeKind::kFixed:
      return length == o.length;
    case TypeKind::kStruct:
    case TypeKind::kList:
    case TypeKind::kMap:
      return fields == o.fields;
    default:
      return true;
  }
}

std::string Type::ToString() const {
  switch (kind) {
    case TypeKind::kDecimal:
      return fmt::format("decimal({},{})", precision, scale);
    case TypeKind::kFixed:
      return fmt::format("fixed[{}]", length);
    case TypeKind::kStruct:
    case TypeKind::kList:
    case TypeKind::kMap: {
      std::string out = kind == TypeKind::kStruct ? "struct<"
                        : kind == TypeKind::kList ? "list<"
                                                  : "map<";
      for (size_t i = 0; i < fields.size(); ++i) {
        const NestedField& f = fields[i];
        if (i > 0) out += ", ";
        out += fmt::format("{}: {}: {} {}", f.id, f.name, f.required ? "required" : "optional",
                           f.type ? f.type->ToString() : "?");
      }
      return out + ">";
    }
    default:
      for (const auto& p : kPrimitiveNames) {
        if (p.kind == kind) return std::string(p.name);
      }
      return "?";
  }
}

namespace types {
TypePtr Unknown() {
  static const TypePtr t = MakePrimitive(TypeKind::kUnknown);
  return t;
}
TypePtr Boolean() {
  static const TypePtr t = MakePrimitive(TypeKind::kBoolean);
  return t;
}
TypePtr Int() {
  static const TypePtr t = MakePrimitive(TypeKind::kInt);
  return t;
}
TypePtr Long() {
  static const TypePtr t = MakePrimitive(TypeKind::kLong);
  return t;
}
TypePtr Float() {
  static const TypePtr t = MakePrimitive(TypeKind::kFloat);
  return t;
}
TypePtr Double() {
  static const TypePtr t = MakePrimitive(TypeKind::kDouble);
  return t;
}
TypePtr Date() {
  static const TypePtr t = MakePrimitive(TypeKind::kDate);
  return t;
}
TypePtr Time() {
  static const TypePtr t = MakePrimitive(TypeKind::kTime);
  return t;
}
TypePtr Timestamp() {
  static const TypePtr t = MakePrimitive(TypeKind::kTimestamp);
  return t;
}
TypePtr TimestampTz() {
  static const TypePtr t = MakePrimitive(TypeKind::kTimestampTz);
  return t;
}
TypePtr TimestampNs() {
  static const TypePtr t = MakePrimitive(TypeKind::kTimestampNs);
  return t;
}
TypePtr TimestampTzNs() {
  static const TypePtr t = MakePrimitive(TypeKind::kTimestampTzNs);
  return t;
}
TypePtr String() {
  static const TypePtr t = MakePrimitive(TypeKind::kString);
  return t;
}
TypePtr Uuid() {
  static const TypePtr t = MakePrimitive(TypeKind::kUuid);
  return t;
}
TypePtr Binary() {
  static const TypePtr t = MakePrimitive(TypeKind::kBinary);
  return t;
}
TypePtr Variant() {
  static const TypePtr t = MakePrimitive(TypeKind::kVariant);
  return t;
}
TypePtr Decimal(int32_t precision, int32_t scale) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::kDecimal;
  t->precision = precision;
  t->scale = scale;
  return t;
}
TypePtr Fixed(int32_t length) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::kFixed;
  t->length = length;
  return t;
}
TypePtr Struct(std::vector<NestedField> fields) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::kStruct;
  t->fields = std::move(fields);
  return t;
}
TypePtr List(int32_t element_id, TypePtr element, bool element_required) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::kList;
  t->fields.push_back(NestedField{
      element_id, "element", std::move(element), element_required, {}, std::nullopt, std::nullopt});
  return t;
}
TypePtr Map(int32_t key_id, TypePtr key, int32_t value_id, TypePtr value, bool value_required) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::kMap;
  t->fields.push_back(
      NestedField{key_id, "key", std::move(key), true, {}, std::nullopt, std::nullopt});
  t->fields.push_back(NestedField{
      value_id, "value", std::move(value), value_required, {}, std::nullopt, std::nullopt});
  return t;
}
}  // namespace types

Result<TypePtr> ParsePrimitiveType(std::string_view text) {
  std::string_view s = Trim(text);
  for (const auto& p : kPrimitiveNames) {
    if (s == p.name) return MakePrimitive(p.kind);
  }
  if (s.starts_with("fixed[") && s.ends_with("]")) {
    int32_t len = 0;
    if (ParseInt32(s.substr(6, s.size() - 7), &len) && len > 0) return types::Fixed(len);
  } else if (s.starts_with("decimal(") && s.ends_with(")")) {
    std::string_view args = s.substr(8, s.size() - 9);
    size_t comma = args.find(',');
    int32_t p = 0, sc = 0;
    if (comma != std::string_view::npos && ParseInt32(args.substr(0, comma), &p) &&
        ParseInt32(args.substr(comma + 1), &sc) && p >= 1 && p <= 38 && sc >= 0 && sc <= p) {
      return types::Decimal(p, sc);
    }
  }
  return Status::InvalidArgument("unknown or malformed type '{}'", text);
}

Json FieldToJson(const NestedField& f) {
  Json j = Json::object();
  j["id"] = f.id;
  j["name"] = f.name;
  j["required"] = f.required;
  j["type"] = TypeToJson(*f.type);
  if (!f.doc.empty()) j["doc"] = f.doc;
  if (f.initial_default) j["initial-default"] = *f.initial_default;
  if (f.write_default) j["write-default"] = *f.write_default;
  return j;
}

Json TypeToJson(const Type& type) {
  switch (type.kind) {
    case TypeKind::kStruct: {
      Json fields = Json::array();
      for (const NestedField& f : type.fields) fields.push_back(FieldToJson(f));
      return Json{{"type", "struct"}, {"fields", std::move(fields)}};
    }
    case TypeKind::kList: {
      const NestedField& e = type.fields.at(0);
      return Json{{"type", "list"},
                  {"element-id", e.id},
                  {"element", TypeToJson(*e.type)},
                  {"element-required", e.required}};
    }
    case TypeKind::kMap: {
      const NestedField& k = type.fields.at(0);
      const NestedField& v = type.fields.at(1);
      return Json{{"type", "map"},
                  {"key-id", k.id},
                  {"key", TypeToJson(*k.type)},
                  {"value-id", v.id},
                  {"value", TypeToJson(*v.type)},
                  {"value-required", v.required}};
    }
    default:
      return type.ToString();
  }
}

Result<TypePtr> TypeFromJson(const Json& j, std::string_view path) {
  return TypeFromJsonAt(j, path, 0);
}

Result<NestedField> FieldFromJson(const Json& j, std::string_view path) {
  return FieldFromJsonAt(j, path, 0);
}

Result<floe::Field> ToColumnarField(const NestedField& field) {
  FLOE_ASSIGN_OR_RETURN(floe::TypePtr t, ToColumnarType(*field.type));
  return floe::Field{field.name, std::move(t), !field.required, field.id};
}

Result<floe::TypePtr> ToColumnarType(const Type& type) {
  switch (type.kind) {
    case TypeKind::kBoolean:
      return floe::types::Bool();
    case TypeKind::kInt:
      return floe::types::Int32();
    case TypeKind::kLong:
      return floe::types::Int64();
    case TypeKind::kFloat:
      return floe::types::Float32();
    case TypeKind::kDouble:
      return floe::types::Float64();
    case TypeKind::kDecimal:
      return floe::types::Decimal(type.precision, type.scale);
    case TypeKind::kDate:
      return floe::types::Date();
    case TypeKind::kTime:
      return floe::types::Time(TimeUnit::kMicro);
    case TypeKind::kTimestamp:
      return floe::types::Timestamp(TimeUnit::kMicro, false);
    case TypeKind::kTimestampTz:
      return floe::types::Timestamp(TimeUnit::kMicro, true);
    case TypeKind::kTimestampNs:
      return floe::types::Timestamp(TimeUnit::kNano, false);
    case TypeKind::kTimestampTzNs:
      return floe::types::Timestamp(TimeUnit::kNano, true);
    case TypeKind::kString:
      return floe::types::String();
    case TypeKind::kUuid:
      return floe::types::Uuid();
    case TypeKind::kFixed:
      return floe::types::FixedBinary(type.length);
    case TypeKind::kBinary:
      return floe::types::Binary();
    case TypeKind::kVariant:
      return floe::types::Variant();
    case TypeKind::kUnknown:
      return Status::NotSupported("Iceberg type 'unknown' has no columnar equivalent");
    case TypeKind::kStruct:
    case TypeKind::kList:
    case TypeKind::kMap: {
      std::vector<floe::Field> children;
      children.reserve(type.fields.size());
      for (const NestedField& f : type.fields) {
        auto c = ToColumnarField(f);
        if (!c.ok()) return c.status().WithContext(f.name);
        children.push_back(std::move(c).value());
      }
      if (type.kind == TypeKind::kStruct) return floe::types::Struct(std::move(children));
      if (type.kind == TypeKind::kList) return floe::types::List(std::move(children[0]));
      return floe::types::Map(std::move(children[0]), std::move(children[1]));
    }
  }
  return Status::Internal("unhandled Iceberg type kind {}", static_cast<int>(type.kind));
}

Result<NestedField> FromColumnarField(const floe::Field& field) {
  if (field.id < 0) {
    return Status::InvalidArgument("field '{}' has no field id", field.name);
  }
  auto t = FromColumnarType(*field.type);
  if (!t.ok()) return t.status().WithContext(field.name);
  return NestedField{field.id, field.name,   std::move(t).value(), !field.nullable,
                     {},       std::nullopt, std::nullopt};
}

Result<TypePtr> FromColumnarType(const floe::DataType& type) {
  switch (type.id) {
    case TypeId::kBool:
      return types::Boolean();
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
      return types::Int();
    case TypeId::kInt64:
    case TypeId::kUInt32:
      return types::Long();
    case TypeId::kFloat16:
    case TypeId::kFloat32:
      return types::Float();
    case TypeId::kFloat64:
      return types::Double();
    case TypeId::kDecimal:
      if (type.precision < 1 || type.precision > 38) {
        return Status::NotSupported("decimal precision {} is outside Iceberg's 1..38",
                                    type.precision);
      }
      return types::Decimal(type.precision, type.scale);
    case TypeId::kDate:
      return types::Date();
    case TypeId::kTime:
      if (type.unit == TimeUnit::kNano) {
        return Status::NotSupported("Iceberg time has microsecond precision; got time(ns)");
      }
      return types::Time();
    case TypeId::kTimestamp:
      if (type.unit == TimeUnit::kNano) {
        return type.utc ? types::TimestampTzNs() : types::TimestampNs();
      }
      return type.utc ? types::TimestampTz() : types::Timestamp();
    case TypeId::kString:
    case TypeId::kEnum:
    case TypeId::kJson:
      return types::String();
    case TypeId::kVariant:
      return types::Variant();
    case TypeId::kBinary:
      return types::Binary();
    case TypeId::kFixedBinary:
      return types::Fixed(type.byte_width);
    case TypeId::kUuid:
      return types::Uuid();
    case TypeId::kUInt64:
    case TypeId::kInterval:
      return Status::NotSupported("columnar type {} has no Iceberg equivalent", type.ToString());
    case TypeId::kStruct:
    case TypeId::kList:
    case TypeId::kMap: {
      std::vector<NestedField> fields;
      fields.reserve(type.children.size());
      for (const floe::Field& c : type.children) {
        FLOE_ASSIGN_OR_RETURN(NestedField f, FromColumnarField(c));
        fields.push_back(std::move(f));
      }
      if (type.id == TypeId::kStruct) return types::Struct(std::move(fields));
      if (type.id == TypeId::kList && fields.size() == 1) {
        return types::List(fields[0].id, fields[0].type, fields[0].required);
      }
      if (type.id == TypeId::kMap && fields.size() == 2) {
        return types::Map(fields[0].id, fields[0].type, fields[1].id, fields[1].type,
                          fields[1].required);
      }
      return Status::InvalidArgument("malformed columnar type {}", type.ToString());
    }
  }
  return Status::Internal("unhandled columnar type id {}", static_cast<int>(type.id));
}

namespace {
floe::TypePtr AssignIdsInType(const floe::TypePtr& type, int32_t* last_id) {
  if (!type || !type->IsNested()) return type;
  auto copy = std::make_shared<floe::DataType>(*type);
  AssignFieldIds(&copy->children, last_id);
  return copy;
}
}  // namespace

void AssignFieldIds(std::vector<floe::Field>* fields, int32_t* last_column_id) {
  for (floe::Field& f : *fields) {
    if (f.id < 0) f.id = ++*last_column_id;
  }
  for (floe::Field& f : *fields) f.type = AssignIdsInType(f.type, last_column_id);
}

}  // namespace floe::iceberg
