// Logical types, fields and schemas of floe's columnar batches: the in-memory
// currency that ingest, Parquet, Iceberg and SQL pass around.
//
// Types are immutable and shared (TypePtr). Each type has one physical layout in a
// Column (see column.h):
//   kBool                         1 byte per value (0 or 1)
//   kInt8..kUInt64                native width
//   kFloat16                      uint16 IEEE half bits
//   kFloat32, kFloat64            native
//   kDecimal(p<=38, s)            __int128, the unscaled value
//   kDate                         int32 days since 1970-01-01
//   kTime(unit)                   int64 in unit since midnight
//   kTimestamp(unit, utc)         int64 in unit since the epoch
//   kInterval                     12 bytes: months, days, millis (uint32 little-endian each)
//   kFixedBinary(n), kUuid        n (16) bytes per value
//   kString, kEnum, kJson, kBinary  int64 offsets (length + 1) + bytes
//   kVariant                      int64 offsets + bytes: each value one JSON document
//                                 (semi-structured; rendered as embedded JSON, not a string)
//   kList                         int64 offsets + one child (the element)
//   kMap                          int64 offsets + two children (key, value), entries in order
//   kStruct                       one child per field, each as long as the struct
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace floe {

enum class TypeId : uint8_t {
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat16,
  kFloat32,
  kFloat64,
  kDecimal,
  kDate,
  kTime,
  kTimestamp,
  kInterval,
  kString,
  kEnum,
  kJson,
  kVariant,
  kBinary,
  kFixedBinary,
  kUuid,
  kList,
  kStruct,
  kMap,
};

enum class TimeUnit : uint8_t { kMilli, kMicro, kNano };

// Units per second: 1e3, 1e6 or 1e9.
inline int64_t UnitsPerSecond(TimeUnit unit) {
  return unit == TimeUnit::kMilli ? 1000 : unit == TimeUnit::kMicro ? 1000000 : 1000000000;
}
std::string_view TimeUnitName(TimeUnit unit);  // "ms", "us", "ns"

struct DataType;
using TypePtr = std::shared_ptr<const DataType>;

struct Field {
  std::string name;
  TypePtr type;
  bool nullable = true;
  int32_t id = -1;  // Iceberg / Parquet field id; -1 when absent

  bool operator==(const Field& o) const;
};

struct DataType {
  TypeId id = TypeId::kInt32;
  TimeUnit unit = TimeUnit::kMicro;  // kTime, kTimestamp
  bool utc = false;                  // kTime, kTimestamp: adjusted to UTC
  int32_t precision = 0;             // kDecimal
  int32_t scale = 0;                 // kDecimal
  int32_t byte_width = 0;            // kFixedBinary (kUuid: 16, kInterval: 12)
  std::vector<Field> children;       // kList: {element}; kMap: {key, value}; kStruct: fields

  bool operator==(const DataType& o) const;
  // "int64", "timestamp(us, utc)", "decimal(10, 2)", "list<string>",
  // "struct<a: int32 not null, b: string>", "map<string, int64>".
  std::string ToString() const;
  // Bytes per value for fixed-width layouts; 0 for offset-based and nested types.
  int FixedWidth() const;
  bool IsInteger() const { return id >= TypeId::kInt8 && id <= TypeId::kUInt64; }
  bool IsSignedInteger() const { return id >= TypeId::kInt8 && id <= TypeId::kInt64; }
  bool IsFloating() const { return id >= TypeId::kFloat16 && id <= TypeId::kFloat64; }
  // String, enum, JSON and binary: offsets + bytes.
  bool IsVarBinary() const {
    return id == TypeId::kString || id == TypeId::kEnum || id == TypeId::kJson ||
           id == TypeId::kVariant || id == TypeId::kBinary;
  }
  bool IsNested() const {
    return id == TypeId::kList || id == TypeId::kStruct || id == TypeId::kMap;
  }
};

// Constructors of shared type instances.
namespace types {
TypePtr Bool();
TypePtr Int8();
TypePtr Int16();
TypePtr Int32();
TypePtr Int64();
TypePtr UInt8();
TypePtr UInt16();
TypePtr UInt32();
TypePtr UInt64();
TypePtr Float16();
TypePtr Float32();
TypePtr Float64();
TypePtr Decimal(int32_t precision, int32_t scale);
TypePtr Date();
TypePtr Time(TimeUnit unit, bool utc = false);
TypePtr Timestamp(TimeUnit unit, bool utc);
TypePtr Interval();
TypePtr String();
TypePtr Enum();
TypePtr Json();
TypePtr Variant();
TypePtr Binary();
TypePtr FixedBinary(int32_t width);
TypePtr Uuid();
TypePtr List(Field element);
TypePtr List(TypePtr element, bool element_nullable = true);
TypePtr Struct(std::vector<Field> fields);
TypePtr Map(Field key, Field value);
TypePtr Map(TypePtr key, TypePtr value, bool value_nullable = true);
}  // namespace types

struct Schema {
  std::vector<Field> fields;
  std::map<std::string, std::string> metadata;  // key-value metadata carried to files

  Schema() = default;
  explicit Schema(std::vector<Field> f) : fields(std::move(f)) {}
  int num_fields() const { return static_cast<int>(fields.size()); }
  // Index of the top-level field named `name`, or -1.
  int IndexOf(std::string_view name) const;
  std::string ToString() const;
  bool operator==(const Schema& o) const { return fields == o.fields; }
};
using SchemaPtr = std::shared_ptr<const Schema>;

}  // namespace floe
