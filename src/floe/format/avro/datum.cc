#include "floe/format/avro/datum.h"

#include <cstring>

namespace floe::avro {

Datum Datum::Record(const Node* schema, std::vector<Datum> fields) {
  Datum d(Type::kRecord, std::move(fields));
  d.record_schema_ = schema;
  return d;
}

const Datum* Datum::Find(std::string_view name) const {
  if (type_ != Type::kRecord || record_schema_ == nullptr) return nullptr;
  const int i = record_schema_->FieldIndex(name);
  const auto& f = fields();
  if (i < 0 || static_cast<size_t>(i) >= f.size()) return nullptr;
  return &f[i];
}

int64_t Datum::AsInt64() const {
  switch (type_) {
    case Type::kInt:
    case Type::kEnum:
      return int_value();
    case Type::kLong:
      return long_value();
    default:
      return 0;
  }
}

bool Datum::operator==(const Datum& o) const {
  if (type_ != o.type_) return false;
  switch (type_) {
    case Type::kFloat: {
      const float a = float_value(), b = o.float_value();
      return std::memcmp(&a, &b, sizeof a) == 0;
    }
    case Type::kDouble: {
      const double a = double_value(), b = o.double_value();
      return std::memcmp(&a, &b, sizeof a) == 0;
    }
    default:
      return v_ == o.v_;
  }
}

Json Datum::ToJson() const {
  switch (type_) {
    case Type::kNull:
      return nullptr;
    case Type::kBoolean:
      return boolean();
    case Type::kInt:
    case Type::kEnum:
      return int_value();
    case Type::kLong:
      return long_value();
    case Type::kFloat:
      return float_value();
    case Type::kDouble:
      return double_value();
    case Type::kString:
      return bytes();
    case Type::kBytes:
    case Type::kFixed: {
      // Avro's JSON encoding: each byte as the code point of the same value, in UTF-8.
      std::string out;
      for (unsigned char c : bytes()) {
        if (c < 0x80) {
          out.push_back(static_cast<char>(c));
        } else {
          out.push_back(static_cast<char>(0xC0 | (c >> 6)));
          out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
      }
      return out;
    }
    case Type::kRecord: {
      Json out = Json::object();
      const auto& f = fields();
      for (size_t i = 0; i < f.size(); ++i) {
        const std::string key = record_schema_ && i < record_schema_->fields.size()
                                    ? record_schema_->fields[i].name
                                    : std::to_string(i);
        out[key] = f[i].ToJson();
      }
      return out;
    }
    case Type::kArray: {
      Json out = Json::array();
      for (const Datum& d : items()) out.push_back(d.ToJson());
      return out;
    }
    case Type::kMap: {
      Json out = Json::object();
      for (const auto& [k, v] : map()) out[k] = v.ToJson();
      return out;
    }
    case Type::kUnion:
      break;
  }
  return nullptr;
}

}  // namespace floe::avro
