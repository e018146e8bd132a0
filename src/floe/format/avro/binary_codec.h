// Avro binary encoding (specification, "Binary Encoding").
//
//   int, long   zigzag, then little-endian base-128 varint (at most 5 / 10 bytes)
//   float/double  4 / 8 bytes little-endian IEEE 754
//   boolean     one byte, 0 or 1
//   bytes/string  long length, then the bytes
//   fixed       exactly `size` bytes
//   enum        int symbol index
//   union       long branch index, then the branch's value
//   array/map   blocks: long count, then count items (map: string key then value); a
//               negative count -n means n items preceded by a long byte size of the
//               block; a zero count ends the array/map
//   record      the fields in schema order, no framing
//
// BinaryDecoder reads untrusted bytes: every length and count is bounded by the bytes that
// remain (items that take no bytes, like null, are capped at kMaxZeroWidthItems), nesting
// is bounded by kMaxDatumDepth, and errors are kCorruption naming the byte offset and the
// field path (e.g. "data_file.partition.d"). Not thread-safe; cheap to create.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "floe/common/status.h"
#include "floe/format/avro/datum.h"
#include "floe/format/avro/schema.h"

namespace floe::avro {

inline constexpr int kMaxDatumDepth = 128;
// A hostile block could declare billions of nulls that take no bytes; this caps them.
inline constexpr int64_t kMaxZeroWidthItems = 1 << 20;

class BinaryDecoder {
 public:
  explicit BinaryDecoder(std::span<const uint8_t> data) : data_(data) {}
  explicit BinaryDecoder(std::string_view data)
      : data_(reinterpret_cast<const uint8_t*>(data.data()), data.size()) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  // True once a read failed because the input ended (as opposed to invalid bytes).
  bool hit_end() const { return hit_end_; }

  Result<int64_t> ReadLong();
  Result<int32_t> ReadInt();
  Result<bool> ReadBoolean();
  Result<float> ReadFloat();
  Result<double> ReadDouble();
  // A length-prefixed byte string; the view points into the input.
  Result<std::string_view> ReadBytes();
  Result<std::string_view> ReadFixed(size_t size);

  // Decodes one value of `schema` into *out.
  Status Decode(const Node& schema, Datum* out);

 private:
  Status Truncated(std::string_view what);
  Status DecodeValue(const Node& schema, Datum* out, int depth);
  // Reads a block header of an array or map; returns the item count (0 = end).
  Result<int64_t> ReadBlockCount(const Node& item_schema);
  Status Fail(Status s);

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  bool hit_end_ = false;
  std::vector<std::string_view> path_;
};

// Appends encodings to a caller-owned string.
class BinaryEncoder {
 public:
  explicit BinaryEncoder(std::string* out) : out_(out) {}

  void WriteLong(int64_t v);
  void WriteInt(int32_t v) { WriteLong(v); }
  void WriteBoolean(bool v) { out_->push_back(v ? 1 : 0); }
  void WriteFloat(float v);
  void WriteDouble(double v);
  void WriteBytes(std::string_view v) {
    WriteLong(static_cast<int64_t>(v.size()));
    out_->append(v);
  }
  void WriteFixed(std::string_view v) { out_->append(v); }

  // Encodes `value` as `schema`. kInvalidArgument (naming the field path) when the value
  // does not fit the schema; *out may then hold a partial encoding.
  Status Encode(const Node& schema, const Datum& value);

 private:
  Status EncodeValue(const Node& schema, const Datum& value, int depth);
  Status Mismatch(const Node& schema, const Datum& value, std::string_view why);

  std::string* out_;
  std::vector<std::string_view> path_;
};

// The fewest bytes any value of `schema` encodes to (0 for null, empty records, fixed(0));
// used to bound counts read from untrusted input.
size_t MinEncodedSize(const Node& schema);

}  // namespace floe::avro
