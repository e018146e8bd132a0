// Datum: a generic Avro value, the unit the container reader yields and the writer takes.
//
// A Datum holds one value of a non-union Avro type: null, boolean, int (also enum
// indices), long, float, double, bytes/string/fixed (as bytes), a record (its field values
// in schema order), an array, or a map (string keys with values). Logical types keep their
// underlying representation (a date is an int, a decimal its two's-complement bytes).
//
// Unions are not a Datum kind: a value read from a union remembers the branch index it was
// read from (branch()); a value written into a union goes to branch() when set, else to
// the first branch whose type matches the value's type.
//
// A record Datum read from a file points at its schema Node (record_schema()), so fields
// can be found by name; that pointer is valid while the Schema lives. Not thread-safe for
// mutation; const access is safe from several threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "floe/format/avro/schema.h"

namespace floe::avro {

class Datum;
using MapEntries = std::vector<std::pair<std::string, Datum>>;

class Datum {
 public:
  Datum() = default;  // null

  static Datum Null() { return Datum(); }
  static Datum Boolean(bool v) { return Datum(Type::kBoolean, v); }
  static Datum Int(int32_t v) { return Datum(Type::kInt, v); }
  static Datum Long(int64_t v) { return Datum(Type::kLong, v); }
  static Datum Float(float v) { return Datum(Type::kFloat, v); }
  static Datum Double(double v) { return Datum(Type::kDouble, v); }
  static Datum String(std::string v) { return Datum(Type::kString, std::move(v)); }
  static Datum Bytes(std::string v) { return Datum(Type::kBytes, std::move(v)); }
  static Datum Fixed(std::string v) { return Datum(Type::kFixed, std::move(v)); }
  static Datum Enum(int32_t index) { return Datum(Type::kEnum, index); }
  // A record of `schema` (a kRecord node) with its field values in schema order.
  static Datum Record(const Node* schema, std::vector<Datum> fields);
  static Datum Array(std::vector<Datum> items) { return Datum(Type::kArray, std::move(items)); }
  static Datum Map(MapEntries entries) { return Datum(Type::kMap, std::move(entries)); }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  // The union branch this value was read from or should be written to; -1 = choose by type.
  int branch() const { return branch_; }
  Datum& set_branch(int b) {
    branch_ = b;
    return *this;
  }

  // Accessors; each REQUIRES the matching type().
  bool boolean() const { return std::get<bool>(v_); }
  int32_t int_value() const { return std::get<int32_t>(v_); }  // int, enum
  int64_t long_value() const { return std::get<int64_t>(v_); }
  float float_value() const { return std::get<float>(v_); }
  double double_value() const { return std::get<double>(v_); }
  const std::string& bytes() const { return std::get<std::string>(v_); }  // bytes/string/fixed
  std::string& mutable_bytes() { return std::get<std::string>(v_); }
  int32_t enum_index() const { return std::get<int32_t>(v_); }
  const std::vector<Datum>& fields() const { return std::get<std::vector<Datum>>(v_); }  // record
  std::vector<Datum>& mutable_fields() { return std::get<std::vector<Datum>>(v_); }
  const std::vector<Datum>& items() const { return std::get<std::vector<Datum>>(v_); }  // array
  std::vector<Datum>& mutable_items() { return std::get<std::vector<Datum>>(v_); }
  const MapEntries& map() const { return std::get<MapEntries>(v_); }
  MapEntries& mutable_map() { return std::get<MapEntries>(v_); }

  // Record only: the schema node, and the value of the field called `name` (nullptr when
  // this is not a record with a schema or has no such field).
  const Node* record_schema() const { return record_schema_; }
  const Datum* Find(std::string_view name) const;

  // Lenient integer view: int, long and enum as int64 (for fields promoted int->long).
  int64_t AsInt64() const;

  // Deep equality; floats and doubles compare by bit pattern (so NaN == NaN); the union
  // branch and record schema pointer are not compared.
  bool operator==(const Datum& other) const;

  // A JSON rendering for tests and debugging: bytes/fixed as "\u00XX" strings the way Avro's
  // JSON encoding does, records as objects (field names from the schema when known).
  Json ToJson() const;

 private:
  using Value = std::variant<std::monostate, bool, int32_t, int64_t, float, double, std::string,
                             std::vector<Datum>, MapEntries>;
  template <typename T>
  Datum(Type t, T&& v) : type_(t), v_(std::forward<T>(v)) {}

  Type type_ = Type::kNull;
  int branch_ = -1;
  const Node* record_schema_ = nullptr;
  Value v_;
};

}  // namespace floe::avro
