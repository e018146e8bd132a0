// DELTA_LENGTH_BYTE_ARRAY (= 6) for BYTE_ARRAY (apache/parquet-format Encodings.md): the
// value lengths as one DELTA_BINARY_PACKED (INT32) stream, then every value's bytes back to
// back.
//
// Not thread-safe; distinct instances are independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/format/parquet/encoding/delta_binary_packed.h"
#include "floe/format/parquet/types.h"

namespace floe::parquet {

class DeltaLengthByteArrayEncoder {
 public:
  // Copies the values' bytes. REQUIRES: every value is shorter than 2^31 bytes.
  void Put(std::span<const ByteArray> values);
  // Appends the lengths stream and the bytes for the values put since the last Finish, then
  // resets.
  void Finish(Buffer* out);

  size_t num_values() const { return lengths_.num_values(); }
  size_t EstimatedSize() const { return lengths_.EstimatedSize() + data_.size(); }

 private:
  DeltaBinaryPackedEncoder<int32_t> lengths_;
  Buffer data_;
};

// Returned views point into `data`, which must outlive the decoder and the views.
// Validation: the lengths stream as DeltaBinaryPackedDecoder does, then every length
// non-negative and within the bytes that remain. Bytes after the last value are ignored.
// Errors are kCorruption and sticky.
class DeltaLengthByteArrayDecoder {
 public:
  DeltaLengthByteArrayDecoder() = default;
  // With num_values == 0 nothing is read.
  DeltaLengthByteArrayDecoder(std::span<const uint8_t> data, size_t num_values);

  // Decodes min(n, values left) values; returns the count.
  Result<size_t> Decode(ByteArray* out, size_t n);
  size_t values_left() const { return values_left_; }

 private:
  DeltaBinaryPackedDecoder<int32_t> lengths_;
  const uint8_t* bytes_ = nullptr;  // the concatenated values
  size_t size_ = 0;
  size_t pos_ = 0;
  size_t bytes_offset_ = 0;  // of bytes_ within the stream, for messages
  size_t values_left_ = 0;
  size_t decoded_ = 0;  // values returned so far, for messages
  Status status_;
};

}  // namespace floe::parquet
