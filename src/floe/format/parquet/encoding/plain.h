// The PLAIN encoding (= 0), for every physical type (apache/parquet-format Encodings.md):
//   BOOLEAN               bit-packed, LSB first, last byte zero-padded
//   INT32/INT64/INT96     4/8/12 bytes little-endian
//   FLOAT/DOUBLE          IEEE 754, 4/8 bytes little-endian
//   BYTE_ARRAY            4-byte little-endian length, then the bytes
//   FIXED_LEN_BYTE_ARRAY  the bytes (the width is in the schema)
// Dictionary pages are PLAIN-encoded too.
//
// Encoders append to a Buffer. Decoders are constructed over one page's value bytes and the
// number of values the caller expects in it; `data` must outlive the decoder and, for byte
// arrays, every ByteArray view it returns. Decode(out, n) writes min(n, values left) values
// and returns that count (0 once the page is exhausted); a page too short for the values
// requested is kCorruption. Decoders are not thread-safe; distinct instances are independent.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/format/parquet/types.h"

namespace floe::parquet {

// An INT96 value (deprecated; legacy timestamps: 8 bytes nanoseconds-of-day, then a 4-byte
// Julian day), as three little-endian 32-bit words.
struct Int96 {
  uint32_t value[3] = {0, 0, 0};
  bool operator==(const Int96&) const = default;
};
static_assert(sizeof(Int96) == 12);

// The fixed-width physical types PlainEncode/PlainDecoder take.
template <typename T>
concept PlainFixedType = std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t> ||
    std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, Int96>;

// INT32, INT64, INT96, FLOAT, DOUBLE.
template <PlainFixedType T>
void PlainEncode(std::span<const T> values, Buffer* out) {
  out->Append(values.data(), values.size_bytes());
}

// BOOLEAN. The values start on a byte boundary and the last byte is zero-padded, so one call
// must hold a whole page's booleans; PlainBooleanEncoder accumulates across calls.
void PlainEncodeBooleans(std::span<const bool> values, Buffer* out);

// BYTE_ARRAY. REQUIRES: every value is shorter than 2^31 bytes.
void PlainEncodeByteArrays(std::span<const ByteArray> values, Buffer* out);

// FIXED_LEN_BYTE_ARRAY. InvalidArgument (and nothing appended) if a value's length != width.
Status PlainEncodeFixed(std::span<const ByteArray> values, int width, Buffer* out);

// Accumulates booleans for one page across calls.
class PlainBooleanEncoder {
 public:
  void Put(std::span<const bool> values);
  void Put(bool value) { Put(std::span<const bool>(&value, 1)); }
  size_t num_values() const { return num_values_; }
  // Appends the bit-packed values put since the last Finish and resets.
  void Finish(Buffer* out);

 private:
  Buffer bytes_;  // whole bytes
  uint8_t partial_ = 0;
  size_t num_values_ = 0;
};

// INT32, INT64, INT96, FLOAT, DOUBLE.
template <PlainFixedType T>
class PlainDecoder {
 public:
  PlainDecoder() = default;
  PlainDecoder(std::span<const uint8_t> data, size_t num_values)
      : data_(data), values_left_(num_values) {}

  Result<size_t> Decode(T* out, size_t n) {
    n = std::min(n, values_left_);
    const size_t bytes = n * sizeof(T);
    if (bytes > data_.size() - pos_) {
      return Status::Corruption(
          "PLAIN: {} values of {} bytes need {} bytes at byte {}, only {} remain", n, sizeof(T),
          bytes, pos_, data_.size() - pos_);
    }
    if (bytes > 0) std::memcpy(out, data_.data() + pos_, bytes);
    pos_ += bytes;
    values_left_ -= n;
    return n;
  }
  size_t values_left() const { return values_left_; }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  size_t values_left_ = 0;
};

// BOOLEAN.
class PlainBooleanDecoder {
 public:
  PlainBooleanDecoder() = default;
  PlainBooleanDecoder(std::span<const uint8_t> data, size_t num_values)
      : data_(data), values_left_(num_values) {}
  Result<size_t> Decode(bool* out, size_t n);
  size_t values_left() const { return values_left_; }

 private:
  std::span<const uint8_t> data_;
  uint64_t bit_pos_ = 0;
  size_t values_left_ = 0;
};

// BYTE_ARRAY. Returned views point into `data`.
class PlainByteArrayDecoder {
 public:
  PlainByteArrayDecoder() = default;
  PlainByteArrayDecoder(std::span<const uint8_t> data, size_t num_values)
      : data_(data), values_left_(num_values) {}
  Result<size_t> Decode(ByteArray* out, size_t n);
  size_t values_left() const { return values_left_; }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  size_t values_left_ = 0;
};

// FIXED_LEN_BYTE_ARRAY of `width` bytes. Returned views point into `data`.
class PlainFixedLenDecoder {
 public:
  PlainFixedLenDecoder() = default;
  // A negative width is reported by Decode.
  PlainFixedLenDecoder(std::span<const uint8_t> data, int width, size_t num_values)
      : data_(data), width_(width), values_left_(num_values) {}
  Result<size_t> Decode(ByteArray* out, size_t n);
  size_t values_left() const { return values_left_; }

 private:
  std::span<const uint8_t> data_;
  int width_ = 0;
  size_t pos_ = 0;
  size_t values_left_ = 0;
};

}  // namespace floe::parquet
