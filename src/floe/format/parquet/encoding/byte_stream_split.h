// BYTE_STREAM_SPLIT (= 9) for FLOAT, DOUBLE, INT32, INT64 and FIXED_LEN_BYTE_ARRAY
// (apache/parquet-format Encodings.md): for values of K bytes, byte k of every value goes to
// stream k, and the K streams of N bytes each are concatenated. N is the page's value count,
// so a page is encoded in one call. No header; the page is exactly K * N bytes.
//
// Stateless functions are thread-safe; the decoder is not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/format/parquet/types.h"

namespace floe::parquet {

template <typename T>
concept ByteStreamSplitType = std::is_same_v<T, float> || std::is_same_v<T, double> ||
    std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>;

// Appends the split form of `num_values` values of `width` bytes stored back to back at
// `values`. REQUIRES: width > 0.
void ByteStreamSplitEncodeBytes(const uint8_t* values, size_t num_values, int width, Buffer* out);

template <ByteStreamSplitType T>
void ByteStreamSplitEncode(std::span<const T> values, Buffer* out) {
  ByteStreamSplitEncodeBytes(reinterpret_cast<const uint8_t*>(values.data()), values.size(),
                             sizeof(T), out);
}

// FIXED_LEN_BYTE_ARRAY. InvalidArgument (nothing appended) if width <= 0 or a value's length
// differs from width.
Status ByteStreamSplitEncodeFixed(std::span<const ByteArray> values, int width, Buffer* out);

// Decodes a page of values `width` bytes wide. The page must be a whole number of values
// (data.size() % width == 0) and hold at least num_values; the stream length N is
// data.size() / width. Errors are kCorruption.
class ByteStreamSplitDecoder {
 public:
  ByteStreamSplitDecoder() = default;
  // `data` must outlive the decoder. A bad width or size is reported by Decode.
  ByteStreamSplitDecoder(std::span<const uint8_t> data, int width, size_t num_values);

  // Writes min(n, values left) values as width bytes each, back to back; returns the count.
  Result<size_t> DecodeBytes(uint8_t* out, size_t n);

  // Typed values; InvalidArgument unless sizeof(T) == width.
  template <ByteStreamSplitType T>
  Result<size_t> Decode(T* out, size_t n) {
    if (sizeof(T) != static_cast<size_t>(width_)) {
      return Status::InvalidArgument("BYTE_STREAM_SPLIT: {}-byte output for {}-byte values",
                                     sizeof(T), width_);
    }
    return DecodeBytes(reinterpret_cast<uint8_t*>(out), n);
  }

  // FIXED_LEN_BYTE_ARRAY views into a buffer the decoder owns. LIFETIME: valid until the
  // next Decode call or the decoder's destruction.
  Result<size_t> Decode(ByteArray* out, size_t n);

  size_t values_left() const { return values_left_; }

 private:
  std::span<const uint8_t> data_;
  int width_ = 0;
  size_t stride_ = 0;  // N, the length of each stream
  size_t next_ = 0;    // index of the next value
  size_t values_left_ = 0;
  Status status_;
  Buffer values_;  // materialized FIXED_LEN_BYTE_ARRAY values
};

}  // namespace floe::parquet
