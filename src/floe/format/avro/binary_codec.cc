#include "floe/format/avro/binary_codec.h"

#include <algorithm>
#include <cstring>

namespace floe::avro {

namespace {

std::string JoinPath(const std::vector<std::string_view>& path) {
  std::string out;
  for (std::string_view p : path) {
    if (!out.empty() && p.front() != '[') out.push_back('.');
    out.append(p);
  }
  return out.empty() ? "<root>" : out;
}

size_t MinSize(const Node& n, int depth) {
  if (depth > 32) return 0;
  switch (n.type) {
    case Type::kNull:
      return 0;
    case Type::kFloat:
      return 4;
    case Type::kDouble:
      return 8;
    case Type::kFixed:
      return static_cast<size_t>(n.fixed_size);
    case Type::kRecord: {
      size_t total = 0;
      for (const Field& f : n.fields) total += MinSize(*f.type, depth + 1);
      return total;
    }
    case Type::kUnion: {
      size_t best = SIZE_MAX;
      for (const Node* b : n.branches) best = std::min(best, MinSize(*b, depth + 1));
      return 1 + (best == SIZE_MAX ? 0 : best);
    }
    default:
      return 1;  // every varint-prefixed value takes at least one byte
  }
}

}  // namespace

size_t MinEncodedSize(const Node& schema) { return MinSize(schema, 0); }

Status BinaryDecoder::Truncated(std::string_view what) {
  hit_end_ = true;
  return Status::Corruption("avro: truncated {} at byte {}", what, pos_);
}

Result<int64_t> BinaryDecoder::ReadLong() {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (pos_ >= data_.size()) return Truncated("varint");
    const uint8_t b = data_[pos_++];
    if (shift == 63 && (b & 0x7E) != 0) {
      return Status::Corruption("avro: varint overflows 64 bits at byte {}", pos_ - 1);
    }
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  return Status::Corruption("avro: varint longer than 10 bytes at byte {}", pos_);
}

Result<int32_t> BinaryDecoder::ReadInt() {
  const size_t start = pos_;
  FLOE_ASSIGN_OR_RETURN(int64_t v, ReadLong());
  if (v < INT32_MIN || v > INT32_MAX) {
    return Status::Corruption("avro: int {} out of range at byte {}", v, start);
  }
  return static_cast<int32_t>(v);
}

Result<bool> BinaryDecoder::ReadBoolean() {
  if (pos_ >= data_.size()) return Truncated("boolean");
  const uint8_t b = data_[pos_];
  if (b > 1) return Status::Corruption("avro: boolean byte {} at byte {}", b, pos_);
  ++pos_;
  return b == 1;
}

Result<float> BinaryDecoder::ReadFloat() {
  if (remaining() < 4) return Truncated("float");
  uint32_t bits = 0;
  for (int i = 0; i < 4; ++i) bits |= static_cast<uint32_t>(data_[pos_ + i]) << (8 * i);
  pos_ += 4;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

Result<double> BinaryDecoder::ReadDouble() {
  if (remaining() < 8) return Truncated("double");
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
  pos_ += 8;
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

Result<std::string_view> BinaryDecoder::ReadBytes() {
  const size_t start = pos_;
  FLOE_ASSIGN_OR_RETURN(int64_t len, ReadLong());
  if (len < 0) return Status::Corruption("avro: negative length {} at byte {}", len, start);
  if (static_cast<uint64_t>(len) > remaining()) {
    hit_end_ = true;
    return Status::Corruption("avro: length {} at byte {} exceeds the {} bytes left", len, start,
                              remaining());
  }
  std::string_view v(reinterpret_cast<const char*>(data_.data()) + pos_, len);
  pos_ += len;
  return v;
}

Result<std::string_view> BinaryDecoder::ReadFixed(size_t size) {
  if (remaining() < size) return Truncated("fixed");
  std::string_view v(reinterpret_cast<const char*>(data_.data()) + pos_, size);
  pos_ += size;
  return v;
}

Result<int64_t> BinaryDecoder::ReadBlockCount(const Node& item_schema) {
  const size_t start = pos_;
  FLOE_ASSIGN_OR_RETURN(int64_t count, ReadLong());
  if (count < 0) {
    if (count == INT64_MIN) return Status::Corruption("avro: bad block count at byte {}", start);
    count = -count;
    FLOE_ASSIGN_OR_RETURN(int64_t size, ReadLong());
    if (size < 0 || static_cast<uint64_t>(size) > remaining()) {
      if (size >= 0) hit_end_ = true;
      return Status::Corruption("avro: block byte size {} at byte {} exceeds the {} bytes left",
                                size, start, remaining());
    }
  }
  const size_t min = MinEncodedSize(item_schema);
  const bool too_many =
      min == 0 ? count > kMaxZeroWidthItems : static_cast<uint64_t>(count) > remaining() / min;
  if (too_many) {
    if (min != 0) hit_end_ = true;
    return Status::Corruption("avro: block count {} at byte {} exceeds what {} bytes can hold",
                              count, start, remaining());
  }
  return count;
}

Status BinaryDecoder::Fail(Status s) {
  if (path_.empty()) return s;
  return Status(s.code(), fmt::format("{} (field {})", s.message(), JoinPath(path_)));
}

Status BinaryDecoder::Decode(const Node& schema, Datum* out) {
  path_.clear();
  return DecodeValue(schema, out, 0);
}

Status BinaryDecoder::DecodeValue(const Node& schema, Datum* out, int depth) {
  if (depth > kMaxDatumDepth) {
    return Fail(
        Status::Corruption("avro: value nested deeper than {} at byte {}", kMaxDatumDepth, pos_));
  }
#define FLOE_AVRO_TRY(lhs, expr)                                                        \
  auto FLOE_CONCAT(_r, __LINE__) = (expr);                                              \
  if (!FLOE_CONCAT(_r, __LINE__).ok()) return Fail(FLOE_CONCAT(_r, __LINE__).status()); \
  lhs = std::move(FLOE_CONCAT(_r, __LINE__)).value()

  switch (schema.type) {
    case Type::kNull:
      *out = Datum();
      return Status::OK();
    case Type::kBoolean: {
      FLOE_AVRO_TRY(bool v, ReadBoolean());
      *out = Datum::Boolean(v);
      return Status::OK();
    }
    case Type::kInt: {
      FLOE_AVRO_TRY(int32_t v, ReadInt());
      *out = Datum::Int(v);
      return Status::OK();
    }
    case Type::kLong: {
      FLOE_AVRO_TRY(int64_t v, ReadLong());
      *out = Datum::Long(v);
      return Status::OK();
    }
    case Type::kFloat: {
      FLOE_AVRO_TRY(float v, ReadFloat());
      *out = Datum::Float(v);
      return Status::OK();
    }
    case Type::kDouble: {
      FLOE_AVRO_TRY(double v, ReadDouble());
      *out = Datum::Double(v);
      return Status::OK();
    }
    case Type::kBytes:
    case Type::kString: {
      FLOE_AVRO_TRY(std::string_view v, ReadBytes());
      *out = schema.type == Type::kBytes ? Datum::Bytes(std::string(v))
                                         : Datum::String(std::string(v));
      return Status::OK();
    }
    case Type::kFixed: {
      FLOE_AVRO_TRY(std::string_view v, ReadFixed(static_cast<size_t>(schema.fixed_size)));
      *out = Datum::Fixed(std::string(v));
      return Status::OK();
    }
    case Type::kEnum: {
      const size_t start = pos_;
      FLOE_AVRO_TRY(int32_t v, ReadInt());
      if (v < 0 || static_cast<size_t>(v) >= schema.symbols.size()) {
        return Fail(Status::Corruption("avro: enum index {} at byte {} outside {} symbols", v,
                                       start, schema.symbols.size()));
      }
      *out = Datum::Enum(v);
      return Status::OK();
    }
    case Type::kUnion: {
      const size_t start = pos_;
      FLOE_AVRO_TRY(int64_t b, ReadLong());
      if (b < 0 || static_cast<size_t>(b) >= schema.branches.size()) {
        return Fail(Status::Corruption("avro: union branch {} at byte {} outside {} branches", b,
                                       start, schema.branches.size()));
      }
      FLOE_RETURN_IF_ERROR(DecodeValue(*schema.branches[b], out, depth + 1));
      out->set_branch(static_cast<int>(b));
      return Status::OK();
    }
    case Type::kRecord: {
      std::vector<Datum> fields(schema.fields.size());
      for (size_t i = 0; i < fields.size(); ++i) {
        path_.push_back(schema.fields[i].name);
        FLOE_RETURN_IF_ERROR(DecodeValue(*schema.fields[i].type, &fields[i], depth + 1));
        path_.pop_back();
      }
      *out = Datum::Record(&schema, std::move(fields));
      return Status::OK();
    }
    case Type::kArray: {
      std::vector<Datum> items;
      path_.push_back("[]");
      while (true) {
        FLOE_AVRO_TRY(int64_t count, ReadBlockCount(*schema.items));
        if (count == 0) break;
        const size_t base = items.size();
        if (base + count > static_cast<size_t>(kMaxZeroWidthItems) &&
            MinEncodedSize(*schema.items) == 0) {
          return Fail(Status::Corruption("avro: array longer than {} zero-width items",
                                         kMaxZeroWidthItems));
        }
        items.resize(base + count);
        for (int64_t i = 0; i < count; ++i) {
          FLOE_RETURN_IF_ERROR(DecodeValue(*schema.items, &items[base + i], depth + 1));
        }
      }
      path_.pop_back();
      *out = Datum::Array(std::move(items));
      return Status::OK();
    }
    case Type::kMap: {
      MapEntries entries;
      path_.push_back("{}");
      while (true) {
        // Each entry takes at least its key's length byte.
        FLOE_AVRO_TRY(int64_t count, ReadBlockCount(*schema.values));
        if (count == 0) break;
        if (static_cast<uint64_t>(count) > remaining()) {
          hit_end_ = true;
          return Fail(Status::Corruption("avro: map block of {} entries exceeds {} bytes left",
                                         count, remaining()));
        }
        const size_t base = entries.size();
        entries.resize(base + count);
        for (int64_t i = 0; i < count; ++i) {
          FLOE_AVRO_TRY(std::string_view key, ReadBytes());
          entries[base + i].first.assign(key);
          FLOE_RETURN_IF_ERROR(DecodeValue(*schema.values, &entries[base + i].second, depth + 1));
        }
      }
      path_.pop_back();
      *out = Datum::Map(std::move(entries));
      return Status::OK();
    }
  }
#undef FLOE_AVRO_TRY
  return Status::Internal("avro: unknown schema type");
}

void BinaryEncoder::WriteLong(int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  char buf[10];
  int n = 0;
  while (z >= 0x80) {
    buf[n++] = static_cast<char>((z & 0x7F) | 0x80);
    z >>= 7;
  }
  buf[n++] = static_cast<char>(z);
  out_->append(buf, n);
}

void BinaryEncoder::WriteFloat(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  char buf[4];
  for (int i = 0; i < 4; ++i) buf[i] = static_cast<char>(bits >> (8 * i));
  out_->append(buf, 4);
}

void BinaryEncoder::WriteDouble(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(bits >> (8 * i));
  out_->append(buf, 8);
}

Status BinaryEncoder::Mismatch(const Node& schema, const Datum& value, std::string_view why) {
  return Status::InvalidArgument("avro: cannot write a {} value as {}{}{} (field {})",
                                 TypeName(value.type()), TypeName(schema.type),
                                 why.empty() ? "" : ": ", why, JoinPath(path_));
}

Status BinaryEncoder::Encode(const Node& schema, const Datum& value) {
  path_.clear();
  return EncodeValue(schema, value, 0);
}

namespace {

// Whether a value of type `t` can be written as schema type `s` without conversion.
bool Fits(Type s, const Datum& v) {
  const Type t = v.type();
  if (s == t) return true;
  switch (s) {
    case Type::kLong:
      return t == Type::kInt;
    case Type::kDouble:
      return t == Type::kFloat || t == Type::kInt || t == Type::kLong;
    case Type::kFloat:
      return t == Type::kInt || t == Type::kLong;
    case Type::kBytes:
      return t == Type::kString || t == Type::kFixed;
    case Type::kString:
      return t == Type::kBytes;
    case Type::kEnum:
      return t == Type::kInt;
    case Type::kFixed:
      return t == Type::kBytes || t == Type::kString;
    default:
      return false;
  }
}

}  // namespace

Status BinaryEncoder::EncodeValue(const Node& schema, const Datum& value, int depth) {
  if (depth > kMaxDatumDepth) return Mismatch(schema, value, "nested too deeply");
  if (schema.type == Type::kUnion) {
    int b = value.branch();
    if (b >= 0 && (static_cast<size_t>(b) >= schema.branches.size() ||
                   !Fits(schema.branches[b]->type, value))) {
      return Mismatch(schema, value, fmt::format("branch {} does not take it", b));
    }
    if (b < 0) {
      for (size_t i = 0; i < schema.branches.size() && b < 0; ++i) {
        if (schema.branches[i]->type == value.type()) b = static_cast<int>(i);
      }
      for (size_t i = 0; i < schema.branches.size() && b < 0; ++i) {
        if (Fits(schema.branches[i]->type, value)) b = static_cast<int>(i);
      }
      if (b < 0) return Mismatch(schema, value, "no union branch takes it");
    }
    WriteLong(b);
    return EncodeValue(*schema.branches[b], value, depth + 1);
  }
  if (!Fits(schema.type, value)) return Mismatch(schema, value, "");
  switch (schema.type) {
    case Type::kNull:
      return Status::OK();
    case Type::kBoolean:
      WriteBoolean(value.boolean());
      return Status::OK();
    case Type::kInt:
      WriteLong(value.int_value());
      return Status::OK();
    case Type::kLong:
      WriteLong(value.AsInt64());
      return Status::OK();
    case Type::kFloat:
      WriteFloat(value.type() == Type::kFloat ? value.float_value()
                                              : static_cast<float>(value.AsInt64()));
      return Status::OK();
    case Type::kDouble:
      WriteDouble(value.type() == Type::kDouble  ? value.double_value()
                  : value.type() == Type::kFloat ? value.float_value()
                                                 : static_cast<double>(value.AsInt64()));
      return Status::OK();
    case Type::kBytes:
    case Type::kString:
      WriteBytes(value.bytes());
      return Status::OK();
    case Type::kFixed:
      if (value.bytes().size() != static_cast<size_t>(schema.fixed_size)) {
        return Mismatch(
            schema, value,
            fmt::format("{} bytes for fixed({})", value.bytes().size(), schema.fixed_size));
      }
      WriteFixed(value.bytes());
      return Status::OK();
    case Type::kEnum:
      if (value.int_value() < 0 ||
          static_cast<size_t>(value.int_value()) >= schema.symbols.size()) {
        return Mismatch(schema, value, fmt::format("symbol index {}", value.int_value()));
      }
      WriteLong(value.int_value());
      return Status::OK();
    case Type::kRecord: {
      const auto& fields = value.fields();
      if (fields.size() != schema.fields.size()) {
        return Mismatch(schema, value,
                        fmt::format("{} values for {} fields of {}", fields.size(),
                                    schema.fields.size(), schema.full_name()));
      }
      for (size_t i = 0; i < fields.size(); ++i) {
        path_.push_back(schema.fields[i].name);
        FLOE_RETURN_IF_ERROR(EncodeValue(*schema.fields[i].type, fields[i], depth + 1));
        path_.pop_back();
      }
      return Status::OK();
    }
    case Type::kArray: {
      const auto& items = value.items();
      path_.push_back("[]");
      if (!items.empty()) {
        WriteLong(static_cast<int64_t>(items.size()));
        for (const Datum& d : items) FLOE_RETURN_IF_ERROR(EncodeValue(*schema.items, d, depth + 1));
      }
      path_.pop_back();
      WriteLong(0);
      return Status::OK();
    }
    case Type::kMap: {
      const auto& entries = value.map();
      path_.push_back("{}");
      if (!entries.empty()) {
        WriteLong(static_cast<int64_t>(entries.size()));
        for (const auto& [k, v] : entries) {
          WriteBytes(k);
          FLOE_RETURN_IF_ERROR(EncodeValue(*schema.values, v, depth + 1));
        }
      }
      path_.pop_back();
      WriteLong(0);
      return Status::OK();
    }
    case Type::kUnion:
      break;
  }
  return Status::Internal("avro: unknown schema type");
}

}  // namespace floe::avro
