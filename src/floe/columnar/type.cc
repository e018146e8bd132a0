#include "floe/columnar/type.h"

#include <fmt/format.h>

namespace floe {

std::string_view TimeUnitName(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMilli:
      return "ms";
    case TimeUnit::kMicro:
      return "us";
    case TimeUnit::kNano:
      return "ns";
  }
  return "?";
}

bool Field::operator==(const Field& o) const {
  return name == o.name && nullable == o.nullable && id == o.id &&
         (type == o.type || (type && o.type && *type == *o.type));
}

bool DataType::operator==(const DataType& o) const {
  if (id != o.id) return false;
  switch (id) {
    case TypeId::kTime:
    case TypeId::kTimestamp:
      return unit == o.unit && utc == o.utc;
    case TypeId::kDecimal:
      return precision == o.precision && scale == o.scale;
    case TypeId::kFixedBinary:
      return byte_width == o.byte_width;
    case TypeId::kList:
    case TypeId::kStruct:
    case TypeId::kMap:
      return children == o.children;
    default:
      return true;
  }
}

int DataType::FixedWidth() const {
  switch (id) {
    case TypeId::kBool:
    case TypeId::kInt8:
    case TypeId::kUInt8:
      return 1;
    case TypeId::kInt16:
    case TypeId::kUInt16:
    case TypeId::kFloat16:
      return 2;
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kFloat32:
    case TypeId::kDate:
      return 4;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
      return 8;
    case TypeId::kDecimal:
      return 16;
    case TypeId::kInterval:
      return 12;
    case TypeId::kUuid:
      return 16;
    case TypeId::kFixedBinary:
      return byte_width;
    default:
      return 0;
  }
}

namespace {
std::string FieldToString(const Field& f) {
  return fmt::format("{}: {}{}", f.name, f.type ? f.type->ToString() : "?",
                     f.nullable ? "" : " not null");
}
}  // namespace

std::string DataType::ToString() const {
  switch (id) {
    case TypeId::kBool:
      return "bool";
    case TypeId::kInt8:
      return "int8";
    case TypeId::kInt16:
      return "int16";
    case TypeId::kInt32:
      return "int32";
    case TypeId::kInt64:
      return "int64";
    case TypeId::kUInt8:
      return "uint8";
    case TypeId::kUInt16:
      return "uint16";
    case TypeId::kUInt32:
      return "uint32";
    case TypeId::kUInt64:
      return "uint64";
    case TypeId::kFloat16:
      return "float16";
    case TypeId::kFloat32:
      return "float32";
    case TypeId::kFloat64:
      return "float64";
    case TypeId::kDecimal:
      return fmt::format("decimal({}, {})", precision, scale);
    case TypeId::kDate:
      return "date";
    case TypeId::kTime:
      return fmt::format("time({}{})", TimeUnitName(unit), utc ? ", utc" : "");
    case TypeId::kTimestamp:
      return fmt::format("timestamp({}{})", TimeUnitName(unit), utc ? ", utc" : "");
    case TypeId::kInterval:
      return "interval";
    case TypeId::kString:
      return "string";
    case TypeId::kEnum:
      return "enum";
    case TypeId::kJson:
      return "json";
    case TypeId::kVariant:
      return "variant";
    case TypeId::kBinary:
      return "binary";
    case TypeId::kFixedBinary:
      return fmt::format("fixed({})", byte_width);
    case TypeId::kUuid:
      return "uuid";
    case TypeId::kList:
      return fmt::format("list<{}{}>", children[0].type->ToString(),
                         children[0].nullable ? "" : " not null");
    case TypeId::kMap:
      return fmt::format("map<{}, {}{}>", children[0].type->ToString(),
                         children[1].type->ToString(), children[1].nullable ? "" : " not null");
    case TypeId::kStruct: {
      std::string out = "struct<";
      for (size_t i = 0; i < children.size(); ++i) {
        if (i) out += ", ";
        out += FieldToString(children[i]);
      }
      return out + ">";
    }
  }
  return "?";
}

namespace types {
namespace {
TypePtr Make(TypeId id) {
  auto t = std::make_shared<DataType>();
  t->id = id;
  return t;
}
#define FLOE_SIMPLE_TYPE(Name, Id)         \
  TypePtr Name() {                         \
    static const TypePtr kType = Make(Id); \
    return kType;                          \
  }
}  // namespace
FLOE_SIMPLE_TYPE(Bool, TypeId::kBool)
FLOE_SIMPLE_TYPE(Int8, TypeId::kInt8)
FLOE_SIMPLE_TYPE(Int16, TypeId::kInt16)
FLOE_SIMPLE_TYPE(Int32, TypeId::kInt32)
FLOE_SIMPLE_TYPE(Int64, TypeId::kInt64)
FLOE_SIMPLE_TYPE(UInt8, TypeId::kUInt8)
FLOE_SIMPLE_TYPE(UInt16, TypeId::kUInt16)
FLOE_SIMPLE_TYPE(UInt32, TypeId::kUInt32)
FLOE_SIMPLE_TYPE(UInt64, TypeId::kUInt64)
FLOE_SIMPLE_TYPE(Float16, TypeId::kFloat16)
FLOE_SIMPLE_TYPE(Float32, TypeId::kFloat32)
FLOE_SIMPLE_TYPE(Float64, TypeId::kFloat64)
FLOE_SIMPLE_TYPE(Date, TypeId::kDate)
FLOE_SIMPLE_TYPE(String, TypeId::kString)
FLOE_SIMPLE_TYPE(Enum, TypeId::kEnum)
FLOE_SIMPLE_TYPE(Json, TypeId::kJson)
FLOE_SIMPLE_TYPE(Variant, TypeId::kVariant)
FLOE_SIMPLE_TYPE(Binary, TypeId::kBinary)
#undef FLOE_SIMPLE_TYPE

TypePtr Decimal(int32_t precision, int32_t scale) {
  auto t = std::make_shared<DataType>();
  t->id = TypeId::kDecimal;
  t->precision = precision;
  t->scale = scale;
  return t;
}
TypePtr Time(TimeUnit unit, bool utc) {
  auto t = std::make_shared<DataType>();
  t->id = TypeId::kTime;
  t->unit = unit;
  t->utc = utc;
  return t;
}
TypePtr Timestamp(TimeUnit unit, bool utc) {
  auto t = std::make_shared<DataType>();
  t->id = TypeId::kTimestamp;
  t->unit = unit;
  t->utc = utc;
  return t;
}
TypePtr Interval() {
  auto t = std::make_shared<DataType>();
  t->id = TypeId::kInterval;
  t->byte_width = 12;
  return t;
}
TypePtr FixedBinary(int32_t width) {
  auto t = std::make_shared<DataType>();
  t->id = TypeId::kFixedBinary;
  t->byte_width = width;
  return t;
}
TypePtr Uuid() {
  auto t = std::make_shared<DataType>();
  t->id = TypeId::kUuid;
  t->byte_width = 16;
  return t;
}
TypePtr List(Field element) {
  auto t = std::make_shared<DataType>();
  t->id = TypeId::kList;
  t->children.push_back(std::move(element));
  return t;
}
TypePtr List(TypePtr element, bool element_nullable) {
  return List(Field{"element", std::move(element), element_nullable});
}
TypePtr Struct(std::vector<Field> fields) {
  auto t = std::make_shared<DataType>();
  t->id = TypeId::kStruct;
  t->children = std::move(fields);
  return t;
}
TypePtr Map(Field key, Field value) {
  auto t = std::make_shared<DataType>();
  t->id = TypeId::kMap;
  key.nullable = false;
  t->children.push_back(std::move(key));
  t->children.push_back(std::move(value));
  return t;
}
TypePtr Map(TypePtr key, TypePtr value, bool value_nullable) {
  return Map(Field{"key", std::move(key), false}, Field{"value", std::move(value), value_nullable});
}
}  // namespace types

int Schema::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Schema::ToString() const {
  std::string out;
  for (const Field& f : fields) out += FieldToString(f) + "\n";
  return out;
}

}  // namespace floe
