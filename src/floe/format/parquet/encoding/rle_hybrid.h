// The RLE/bit-packed hybrid encoding (RLE = 3) used for repetition and definition levels,
// dictionary indices and RLE-encoded booleans, and the deprecated BIT_PACKED (= 4) level
// encoding. Byte formats: apache/parquet-format Encodings.md.
//
//   encoded-data := <run>*
//   run          := varint(count/8 << 1 | 1) <count values bit-packed LSB-first>   (bit-packed)
//                 | varint(count << 1) <value in ceil(bit_width/8) bytes, LE>      (RLE)
//
// Length prefix: in data page v1 the levels, and in both page versions RLE booleans, are
// preceded by a 4-byte little-endian byte length. The classes here never read or write that
// prefix; the caller strips it with ReadLengthPrefixedRle() and writes it with
// RleHybridEncoder::FinishWithLengthPrefix(). Dictionary indices are preceded by a one-byte
// bit width instead, which DictionaryDecoder (dictionary.h) reads.
//
// Thread-safety: none of these classes is thread-safe; distinct instances are independent.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "floe/common/buffer.h"
#include "floe/common/status.h"

namespace floe::parquet {

// Splits a length-prefixed RLE stream: returns data[4, 4 + length) where length is the
// little-endian uint32 in data[0, 4). The stream occupies 4 + result.size() bytes of `data`.
// Corruption if the prefix is missing or the length runs past data.
Result<std::span<const uint8_t>> ReadLengthPrefixedRle(std::span<const uint8_t> data);

// Encodes unsigned values of a fixed bit width. A run of 8 or more equal values that starts
// on an 8-value boundary of the literal stream becomes an RLE run; everything else is
// bit-packed in groups of 8 (the final group zero-padded). Bit-packed runs are capped at 63
// groups so their header is one byte.
class RleHybridEncoder {
 public:
  // Encodings.md: a run holds at most 2^31 - 1 values.
  static constexpr uint64_t kMaxRunLength = (uint64_t{1} << 31) - 1;

  // REQUIRES: 0 <= bit_width <= 32.
  explicit RleHybridEncoder(int bit_width);

  // REQUIRES: value < 2^bit_width.
  void Put(uint32_t value) {
    if (value == previous_ && repeat_count_ > 0) {
      ++repeat_count_;
      if (repeat_count_ >= 8) {  // inside an RLE run: nothing to buffer
        if (repeat_count_ == kMaxRunLength) WriteRleRun();
        return;
      }
    } else {
      if (repeat_count_ >= 8) WriteRleRun();
      repeat_count_ = 1;
      previous_ = value;
    }
    buffered_[num_buffered_++] = value;
    if (num_buffered_ == 8) WriteBufferedGroup();
  }
  // As Put(value) for each value, with fast paths for whole bit-packed groups and RLE runs.
  void Put(std::span<const uint32_t> values);
  // Levels (int16_t), booleans and other small integers, converted in chunks.
  // REQUIRES: every value is in [0, 2^bit_width).
  template <typename T>
  requires(std::is_integral_v<T> &&
           !std::is_same_v<T, uint32_t>) void Put(std::span<const T> values) {
    uint32_t chunk[256];
    for (size_t i = 0; i < values.size(); i += 256) {
      const size_t k = std::min<size_t>(256, values.size() - i);
      for (size_t j = 0; j < k; ++j) chunk[j] = static_cast<uint32_t>(values[i + j]);
      Put(std::span<const uint32_t>(chunk, k));
    }
  }

  // Appends the encoded-data (no length prefix) for every value put since construction or
  // the last Finish, and resets the encoder for reuse with the same bit width.
  void Finish(Buffer* out);
  // As Finish, preceded by the 4-byte little-endian length (v1 levels, RLE booleans).
  void FinishWithLengthPrefix(Buffer* out);

  int bit_width() const { return bit_width_; }
  // Bytes Finish would append now, up to the final partial group and run headers.
  size_t EstimatedSize() const { return out_.size() + num_buffered_ * 4 + 16; }

 private:
  void WriteBufferedGroup() { WriteGroup(buffered_); }
  void WriteGroup(const uint32_t* group);  // 8 values
  void WriteRleRun();
  void EndBitPackedRun();
  void Flush();

  int bit_width_;
  Buffer out_;
  uint32_t buffered_[8];
  int num_buffered_ = 0;
  uint32_t previous_ = 0;
  uint64_t repeat_count_ = 0;  // trailing equal values, counting from the last group boundary
  // Offset in out_ of the one-byte header reserved for the open bit-packed run, or -1.
  int64_t bit_packed_header_ = -1;
  int bit_packed_groups_ = 0;
};

// Decodes `num_values` values from RLE/bit-packed hybrid encoded-data (no length prefix).
//
// Validation: every run header, RLE value and bit-packed run is checked against the bytes
// that remain; run lengths must lie in [1, 2^31 - 1] and RLE values below 2^bit_width.
// Leniency: the final bit-packed run may stop short of its declared padding as long as the
// bytes for the values actually decoded are present (some writers trim it).
// Errors are kCorruption, sticky: once Decode fails, later calls return the same error.
class RleHybridDecoder {
 public:
  RleHybridDecoder() = default;
  // `data` must outlive the decoder. bit_width outside [0, 32] is reported by Decode.
  RleHybridDecoder(std::span<const uint8_t> data, int bit_width, size_t num_values);

  // Decodes min(n, values_left()) values into out and returns how many. T is one of bool,
  // uint8_t, int16_t, uint16_t, int32_t, uint32_t; InvalidArgument if bit_width does not fit
  // T (bool takes bit width <= 1).
  template <typename T>
  Result<size_t> Decode(T* out, size_t n);

  // Decodes min(n, values_left()) values as runs, calling
  //   Status sink.Repeat(uint32_t value, size_t count)
  //   Status sink.Literal(const uint32_t* values, size_t count)
  // in order. A sink error stops decoding and is returned (and becomes sticky).
  template <typename Sink>
  Result<size_t> DecodeRuns(size_t n, Sink& sink);

  size_t values_left() const { return values_left_; }
  int bit_width() const { return bit_width_; }

 private:
  static constexpr size_t kBufferSize = 256;

  // Reads the next run header; the run is clamped to `owed` values (the ones still to return).
  Status NextRun(size_t owed);
  // Unpacks up to kBufferSize values of the current bit-packed run into buffer_.
  void FillBuffer();
  Status Fail(Status s) {
    status_ = s;
    return s;
  }

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;  // next unread byte of data_
  int bit_width_ = 0;
  size_t values_left_ = 0;  // values not yet returned to the caller
  uint32_t rle_value_ = 0;
  size_t rle_left_ = 0;            // repeats of rle_value_ still to return
  size_t literal_left_ = 0;        // bit-packed values needed but not yet unpacked
  size_t literal_bytes_left_ = 0;  // bytes of the current bit-packed run present in data_
  size_t buffered_pos_ = 0;        // unpacked values in buffer_[buffered_pos_, buffered_end_)
  size_t buffered_end_ = 0;
  Status status_;
  uint32_t buffer_[kBufferSize];
};

template <typename Sink>
Result<size_t> RleHybridDecoder::DecodeRuns(size_t n, Sink& sink) {
  if (!status_.ok()) return status_;
  n = std::min(n, values_left_);
  size_t done = 0;
  while (done < n) {
    const size_t want = n - done;
    if (buffered_pos_ < buffered_end_) {
      const size_t k = std::min(want, buffered_end_ - buffered_pos_);
      Status s = sink.Literal(buffer_ + buffered_pos_, k);
      if (!s.ok()) return Fail(std::move(s));
      buffered_pos_ += k;
      done += k;
    } else if (rle_left_ > 0) {
      const size_t k = std::min(want, rle_left_);
      Status s = sink.Repeat(rle_value_, k);
      if (!s.ok()) return Fail(std::move(s));
      rle_left_ -= k;
      done += k;
    } else if (literal_left_ > 0) {
      FillBuffer();
    } else {
      Status s = NextRun(values_left_ - done);
      if (!s.ok()) return Fail(std::move(s));
    }
  }
  values_left_ -= done;
  return done;
}

// Decodes the deprecated BIT_PACKED level encoding: num_values values of bit_width bits
// packed back to back, most significant bit first, in EncodedSize(num_values, bit_width)
// bytes with no header or length prefix. Not thread-safe.
class BitPackedLevelDecoder {
 public:
  // `data` must outlive the decoder. bit_width outside [0, 32] is reported by Decode.
  BitPackedLevelDecoder(std::span<const uint8_t> data, int bit_width, size_t num_values);

  // Bytes num_values values occupy; a v1 data page's values start this far after the levels.
  static uint64_t EncodedSize(uint64_t num_values, int bit_width);

  // Decodes min(n, values left) values. T as for RleHybridDecoder::Decode.
  // Corruption if data is shorter than the values require.
  template <typename T>
  Result<size_t> Decode(T* out, size_t n);

 private:
  std::span<const uint8_t> data_;
  int bit_width_;
  size_t num_values_;
  size_t next_ = 0;  // index of the next value
};

}  // namespace floe::parquet
