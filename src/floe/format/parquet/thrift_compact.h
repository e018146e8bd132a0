// The Thrift compact protocol (apache/thrift doc/specs/thrift-compact-protocol.md), the
// serialization of every Parquet metadata struct: a bounds-checked reader over a byte span
// and a writer that appends to a floe::Buffer.
//
// Wire summary:
//   * i16/i32/i64 are zigzag-encoded, then written as unsigned LEB128 varints; i8 is one
//     byte; double is 8 bytes little-endian; binary/string is a varint length + bytes.
//   * A struct is a sequence of fields ended by a 0x00 stop byte. A field header is one
//     byte `ddddtttt` (id delta 1..15 from the previous field of the same struct, type) or
//     `0000tttt` followed by the zigzag-varint id. A bool field carries its value in the
//     type nibble (1 = true, 2 = false) and has no value bytes.
//   * A list/set header is `sssstttt` (size 0..14, element type) or `1111tttt` + varint
//     size. Bool elements are one byte (1 = true, 0 = false).
//   * A map header is 0x00 (empty) or varint size + `kkkkvvvv` (key, value types).
//
// The reader uses a sticky error: the first problem (truncation, oversized length, bad
// type, nesting too deep) records a Corruption status naming the byte offset, moves the
// cursor to the end, and every later read returns a zero value. Callers check ok() after
// a struct instead of after every value, which keeps the hot decode loop branch-light.
// Limits: nesting depth (structs, lists, maps) is capped at max_depth; every container
// size and byte length is checked against the bytes that remain, so nothing is allocated
// for data the input cannot contain.
//
// Neither class is thread-safe; both are cheap to construct. The reader's input and the
// writer's output buffer must outlive them.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "floe/common/buffer.h"
#include "floe/common/status.h"

namespace floe::parquet::thrift {

// Type ids of the compact protocol. Element types (lists, sets, maps) use the same
// numbers; for bool elements the spec text says 2 while the reference implementations
// (C++, Java) write 1. The reader accepts both; the writer callers here use 1.
enum class CompactType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
  kUuid = 13,
};

inline bool IsBoolType(CompactType t) {
  return t == CompactType::kBoolTrue || t == CompactType::kBoolFalse;
}

struct FieldHeader {
  int16_t id = 0;
  CompactType type = CompactType::kStop;
  // For bool fields (type kBoolTrue/kBoolFalse): the value.
  bool bool_value() const { return type == CompactType::kBoolTrue; }
};

struct ListHeader {
  CompactType element_type = CompactType::kStop;
  uint32_t size = 0;
};

struct MapHeader {
  CompactType key_type = CompactType::kStop;
  CompactType value_type = CompactType::kStop;
  uint32_t size = 0;
};

inline uint32_t ZigzagEncode32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
inline uint64_t ZigzagEncode64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int32_t ZigzagDecode32(uint32_t v) {
  return static_cast<int32_t>((v >> 1) ^ (~(v & 1) + 1));
}
inline int64_t ZigzagDecode64(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

class CompactReader {
 public:
  static constexpr int kDefaultMaxDepth = 64;

  explicit CompactReader(std::span<const uint8_t> bytes, int max_depth = kDefaultMaxDepth)
      : begin_(bytes.data()),
        pos_(bytes.data()),
        end_(bytes.data() + bytes.size()),
        max_depth_(max_depth) {}

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  // Bytes consumed so far (the offset of the next read).
  size_t position() const { return static_cast<size_t>(pos_ - begin_); }
  size_t remaining() const { return static_cast<size_t>(end_ - pos_); }

  // Records Corruption("thrift compact: <what> at offset N") unless an error is already
  // recorded, and stops the reader. Decoders use it for semantic errors too.
  void Fail(std::string_view what);
  // Fails with a message naming a missing required field.
  void FailMissingField(std::string_view struct_name, std::string_view field_name,
                        int16_t field_id);

  // --- Structs --------------------------------------------------------------------
  // Enter before reading a struct's fields, Leave after its stop byte. Enter fails (and
  // returns false) beyond max_depth.
  bool EnterStruct() {
    if (++depth_ > max_depth_) {
      FailDepth();
      return false;
    }
    return true;
  }
  void LeaveStruct() { --depth_; }

  // Reads the next field header of the current struct. `last_id` is the struct's
  // previous field id (start at 0). Returns false at the stop byte or on error.
  bool ReadFieldHeader(int16_t* last_id, FieldHeader* field) {
    if (pos_ >= end_) {
      Fail("truncated struct (no stop field)");
      return false;
    }
    const uint8_t byte = *pos_++;
    if (byte == 0) return false;
    const uint8_t type = byte & 0x0f;
    if (type == 0 || type > static_cast<uint8_t>(CompactType::kUuid)) {
      Fail("invalid field type");
      return false;
    }
    field->type = static_cast<CompactType>(type);
    const uint8_t delta = byte >> 4;
    if (delta != 0) {
      field->id = static_cast<int16_t>(*last_id + delta);
    } else {
      const int32_t id = ZigzagDecode32(ReadVarint32());
      if (id < INT16_MIN || id > INT16_MAX) {
        Fail("field id out of range");
        return false;
      }
      field->id = static_cast<int16_t>(id);
    }
    *last_id = field->id;
    return ok();
  }

  // --- Scalars ----------------------------------------------------------------------
  uint64_t ReadVarint64() {
    if (pos_ < end_ && *pos_ < 0x80) return *pos_++;
    return ReadVarint64Slow();
  }
  uint32_t ReadVarint32() {
    if (pos_ < end_ && *pos_ < 0x80) return *pos_++;
    const uint64_t v = ReadVarint64Slow();
    if (v > UINT32_MAX) {
      Fail("varint exceeds 32 bits");
      return 0;
    }
    return static_cast<uint32_t>(v);
  }
  int8_t ReadI8() {
    if (pos_ >= end_) {
      Fail("truncated i8");
      return 0;
    }
    return static_cast<int8_t>(*pos_++);
  }
  int16_t ReadI16() {
    const int32_t v = ZigzagDecode32(ReadVarint32());
    if (v < INT16_MIN || v > INT16_MAX) {
      Fail("i16 out of range");
      return 0;
    }
    return static_cast<int16_t>(v);
  }
  int32_t ReadI32() { return ZigzagDecode32(ReadVarint32()); }
  int64_t ReadI64() { return ZigzagDecode64(ReadVarint64()); }
  double ReadDouble() {
    if (remaining() < 8) {
      Fail("truncated double");
      return 0;
    }
    uint64_t bits;
    std::memcpy(&bits, pos_, 8);
    pos_ += 8;
    if constexpr (std::endian::native == std::endian::big) bits = __builtin_bswap64(bits);
    return std::bit_cast<double>(bits);
  }
  // A bool list/set/map element (one byte).
  bool ReadBoolElement() {
    if (pos_ >= end_) {
      Fail("truncated bool");
      return false;
    }
    return *pos_++ == 1;
  }
  // A binary/string value as a view into the input (valid while the input lives).
  std::string_view ReadBinary() {
    const uint32_t len = ReadVarint32();
    if (len > remaining()) {
      Fail("binary length exceeds remaining bytes");
      return {};
    }
    std::string_view v(reinterpret_cast<const char*>(pos_), len);
    pos_ += len;
    return v;
  }
  void ReadString(std::string* out) {
    const std::string_view v = ReadBinary();
    out->assign(v.data(), v.size());
  }

  // --- Containers -------------------------------------------------------------------
  // Reads a list or set header. The size is checked against the remaining bytes (each
  // element needs at least the minimum encoded size of its type) and the element type
  // must be valid for a non-empty list. Counts as one nesting level: call LeaveContainer
  // after the elements.
  ListHeader ReadListHeader();
  // Reads a map header (same checks, two elements per entry). Call LeaveContainer after.
  MapHeader ReadMapHeader();
  void LeaveContainer() { --depth_; }

  // Skips one value of type `type` (for a bool field: nothing to skip). Used for unknown
  // fields; containers and structs are skipped recursively within the depth limit.
  void Skip(CompactType type);
  // Skips a value of element type `type` (bools are one byte here).
  void SkipElement(CompactType type);

  // The smallest number of bytes a value of element type `t` occupies.
  static size_t MinElementSize(CompactType t) {
    switch (t) {
      case CompactType::kDouble:
        return 8;
      case CompactType::kUuid:
        return 16;
      default:
        return 1;
    }
  }

 private:
  uint64_t ReadVarint64Slow();
  void FailDepth();

  const uint8_t* begin_;
  const uint8_t* pos_;
  const uint8_t* end_;
  int depth_ = 0;
  int max_depth_;
  Status status_;
};

// Appends compact-protocol values to a Buffer. Field ids must increase within a struct
// only if the caller wants the short header form; any order is valid Thrift.
class CompactWriter {
 public:
  explicit CompactWriter(Buffer* out) : out_(out) {}

  // Writes a field header. `last_id` is the previous field id of the same struct (start
  // at 0) and is updated. Use WriteBoolField for bools.
  void WriteFieldHeader(int16_t* last_id, int16_t id, CompactType type) {
    const int delta = id - *last_id;
    if (delta > 0 && delta <= 15) {
      PutByte(static_cast<uint8_t>((delta << 4) | static_cast<uint8_t>(type)));
    } else {
      PutByte(static_cast<uint8_t>(type));
      WriteVarint(ZigzagEncode32(id));
    }
    *last_id = id;
  }
  void WriteBoolField(int16_t* last_id, int16_t id, bool value) {
    WriteFieldHeader(last_id, id, value ? CompactType::kBoolTrue : CompactType::kBoolFalse);
  }
  void WriteStop() { PutByte(0); }

  void WriteVarint(uint64_t v) {
    uint8_t tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
      tmp[n++] = static_cast<uint8_t>(v | 0x80);
      v >>= 7;
    }
    tmp[n++] = static_cast<uint8_t>(v);
    out_->Append(tmp, n);
  }
  void WriteI8(int8_t v) { PutByte(static_cast<uint8_t>(v)); }
  void WriteI16(int16_t v) { WriteVarint(ZigzagEncode32(v)); }
  void WriteI32(int32_t v) { WriteVarint(ZigzagEncode32(v)); }
  void WriteI64(int64_t v) { WriteVarint(ZigzagEncode64(v)); }
  void WriteDouble(double v) {
    uint64_t bits = std::bit_cast<uint64_t>(v);
    if constexpr (std::endian::native == std::endian::big) bits = __builtin_bswap64(bits);
    out_->Append(&bits, 8);
  }
  void WriteBoolElement(bool v) { PutByte(v ? 1 : 0); }
  void WriteBinary(std::string_view v) {
    WriteVarint(v.size());
    out_->Append(v.data(), v.size());
  }
  // List/set header.
  void WriteListHeader(CompactType element_type, uint32_t size) {
    if (size < 15) {
      PutByte(static_cast<uint8_t>((size << 4) | static_cast<uint8_t>(element_type)));
    } else {
      PutByte(static_cast<uint8_t>(0xf0 | static_cast<uint8_t>(element_type)));
      WriteVarint(size);
    }
  }
  void WriteMapHeader(CompactType key_type, CompactType value_type, uint32_t size) {
    if (size == 0) {
      PutByte(0);
      return;
    }
    WriteVarint(size);
    PutByte(static_cast<uint8_t>((static_cast<uint8_t>(key_type) << 4) |
                                 static_cast<uint8_t>(value_type)));
  }

  Buffer* buffer() { return out_; }

 private:
  void PutByte(uint8_t b) { out_->Push(b); }

  Buffer* out_;
};

}  // namespace floe::parquet::thrift
