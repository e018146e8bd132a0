#include "floe/iceberg/single_value.h"

#include <bit>
#include <cstdint>

#include "floe/iceberg/transform.h"

namespace floe::iceberg {
namespace {

void AppendLittleEndian(uint64_t bits, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

uint64_t ReadLittleEndian(std::string_view b) {
  uint64_t v = 0;
  for (size_t i = b.size(); i-- > 0;) v = (v << 8) | static_cast<uint8_t>(b[i]);
  return v;
}

Status Mismatch(const Type& type, const Value& value) {
  static constexpr std::string_view kKinds[] = {"null",  "boolean", "int32",  "int64",
                                                "float", "double",  "int128", "bytes"};
  return Status::InvalidArgument("single value of type {}: cannot encode a {} value",
                                 type.ToString(), kKinds[value.index()]);
}

Status BadLength(const Type& type, size_t length) {
  return Status::Corruption("single value of type {}: {} bytes do not fit the type",
                            type.ToString(), length);
}

// int64 from a Value holding int32 or int64.
const int64_t* AsLong(const Value& v, int64_t* storage) {
  if (const int64_t* l = std::get_if<int64_t>(&v)) return l;
  if (const int32_t* i = std::get_if<int32_t>(&v)) {
    *storage = *i;
    return storage;
  }
  return nullptr;
}

}  // namespace

Status AppendSingleValue(const Type& type, const Value& value, std::string* out) {
  if (IsNull(value)) {
    return Status::InvalidArgument("single value of type {}: null has no binary form",
                                   type.ToString());
  }
  switch (type.kind) {
    case TypeKind::kBoolean: {
      const bool* b = std::get_if<bool>(&value);
      if (b == nullptr) return Mismatch(type, value);
      out->push_back(*b ? '\x01' : '\x00');
      return Status::OK();
    }
    case TypeKind::kInt:
    case TypeKind::kDate: {
      const int32_t* i = std::get_if<int32_t>(&value);
      if (i == nullptr) return Mismatch(type, value);
      AppendLittleEndian(static_cast<uint32_t>(*i), 4, out);
      return Status::OK();
    }
    case TypeKind::kLong:
    case TypeKind::kTime:
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampTz:
    case TypeKind::kTimestampNs:
    case TypeKind::kTimestampTzNs: {
      int64_t storage = 0;
      const int64_t* l = AsLong(value, &storage);
      if (l == nullptr) return Mismatch(type, value);
      AppendLittleEndian(static_cast<uint64_t>(*l), 8, out);
      return Status::OK();
    }
    case TypeKind::kFloat: {
      const float* f = std::get_if<float>(&value);
      if (f == nullptr) return Mismatch(type, value);
      AppendLittleEndian(std::bit_cast<uint32_t>(*f), 4, out);
      return Status::OK();
    }
    case TypeKind::kDouble: {
      double d = 0;
      if (const double* pd = std::get_if<double>(&value)) {
        d = *pd;
      } else if (const float* pf = std::get_if<float>(&value)) {
        d = *pf;
      } else {
        return Mismatch(type, value);
      }
      AppendLittleEndian(std::bit_cast<uint64_t>(d), 8, out);
      return Status::OK();
    }
    case TypeKind::kDecimal: {
      const __int128* d = std::get_if<__int128>(&value);
      if (d == nullptr) return Mismatch(type, value);
      out->append(DecimalToMinimalBytes(*d));
      return Status::OK();
    }
    case TypeKind::kString:
    case TypeKind::kBinary:
    case TypeKind::kFixed:
    case TypeKind::kUuid: {
      const std::string* s = std::get_if<std::string>(&value);
      if (s == nullptr) return Mismatch(type, value);
      if (type.kind == TypeKind::kFixed && s->size() != static_cast<size_t>(type.length)) {
        return Status::InvalidArgument("single value of type {}: value has {} bytes",
                                       type.ToString(), s->size());
      }
      if (type.kind == TypeKind::kUuid && s->size() != 16) {
        return Status::InvalidArgument("single value of type uuid: value has {} bytes, not 16",
                                       s->size());
      }
      out->append(*s);
      return Status::OK();
    }
    default:
      return Status::NotSupported("single value of type {}: no binary serialization",
                                  type.ToString());
  }
}

Result<std::string> EncodeSingleValue(const Type& type, const Value& value) {
  std::string out;
  FLOE_RETURN_IF_ERROR(AppendSingleValue(type, value, &out));
  return out;
}

Result<Value> DecodeSingleValue(const Type& type, std::string_view bytes) {
  const size_t n = bytes.size();
  switch (type.kind) {
    case TypeKind::kBoolean:
      if (n != 1) return BadLength(type, n);
      return Value{bytes[0] != 0};
    case TypeKind::kInt:
    case TypeKind::kDate:
      if (n != 4) return BadLength(type, n);
      return Value{static_cast<int32_t>(static_cast<uint32_t>(ReadLittleEndian(bytes)))};
    case TypeKind::kLong:
    case TypeKind::kTime:
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampTz:
    case TypeKind::kTimestampNs:
    case TypeKind::kTimestampTzNs:
      if (n == 4 && type.kind == TypeKind::kLong) {  // written as int before promotion
        return Value{static_cast<int64_t>(static_cast<int32_t>(ReadLittleEndian(bytes)))};
      }
      if (n != 8) return BadLength(type, n);
      return Value{static_cast<int64_t>(ReadLittleEndian(bytes))};
    case TypeKind::kFloat:
      if (n != 4) return BadLength(type, n);
      return Value{std::bit_cast<float>(static_cast<uint32_t>(ReadLittleEndian(bytes)))};
    case TypeKind::kDouble:
      if (n == 4) {  // written as float before promotion
        return Value{static_cast<double>(
            std::bit_cast<float>(static_cast<uint32_t>(ReadLittleEndian(bytes))))};
      }
      if (n != 8) return BadLength(type, n);
      return Value{std::bit_cast<double>(ReadLittleEndian(bytes))};
    case TypeKind::kDecimal: {
      if (n == 0 || n > 16) return BadLength(type, n);
      unsigned __int128 u =
          (static_cast<uint8_t>(bytes[0]) & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
      for (char c : bytes) u = (u << 8) | static_cast<uint8_t>(c);
      return Value{static_cast<__int128>(u)};
    }
    case TypeKind::kUuid:
      if (n != 16) return BadLength(type, n);
      return Value{std::string(bytes)};
    case TypeKind::kFixed:
      if (n != static_cast<size_t>(type.length)) return BadLength(type, n);
      return Value{std::string(bytes)};
    case TypeKind::kString:
    case TypeKind::kBinary:
      return Value{std::string(bytes)};
    default:
      return Status::NotSupported("single value of type {}: no binary serialization",
                                  type.ToString());
  }
}

}  // namespace floe::iceberg
