// DELTA_BINARY_PACKED (= 5) for INT32 and INT64 (apache/parquet-format Encodings.md):
//
//   header := uleb(block size) uleb(miniblocks per block) uleb(total values) zigzag(first value)
//   block  := zigzag(min delta) <one bit-width byte per miniblock> <miniblocks>
//
// Each miniblock bit-packs (delta - min delta) LSB-first at its own width. All arithmetic is
// done in the unsigned type of T, so deltas wrap in two's complement exactly as the spec
// intends (INT64 min/max neighbours round-trip).
//
// Not thread-safe; distinct instances are independent.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "floe/common/buffer.h"
#include "floe/common/status.h"

namespace floe::parquet {

template <typename T>
concept DeltaInt = std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>;

// Writes blocks of 128 values in 4 miniblocks of 32. T is int32_t or int64_t.
template <DeltaInt T>
class DeltaBinaryPackedEncoder {
 public:
  static constexpr size_t kBlockSize = 128;
  static constexpr size_t kMiniblocks = 4;
  static constexpr size_t kMiniblockSize = kBlockSize / kMiniblocks;

  void Put(std::span<const T> values);
  void Put(T value) { Put(std::span<const T>(&value, 1)); }

  // Appends the header and every block for the values put since the last Finish (an empty
  // sequence is a header alone), then resets.
  void Finish(Buffer* out);

  size_t num_values() const { return total_; }
  // Bytes Finish would append now, approximately (the open block counted at full width).
  size_t EstimatedSize() const { return blocks_.size() + 32 + num_deltas_ * sizeof(T); }

 private:
  using U = std::make_unsigned_t<T>;
  void FlushBlock();

  Buffer blocks_;  // encoded full blocks
  U deltas_[kBlockSize];
  size_t num_deltas_ = 0;
  U first_ = 0;
  U last_ = 0;
  size_t total_ = 0;
};

// Decodes one DELTA_BINARY_PACKED stream. T is int32_t or int64_t.
//
// Validation: block size a positive multiple of 128 (at most 2^31), miniblock count dividing
// it into multiples of 32 values, header value count >= num_values, every miniblock bit width
// <= 8 * sizeof(T) and every miniblock's bytes (padded to a whole miniblock, as the spec
// requires) present. Bit widths of miniblocks past the last value are not checked (the spec
// lets them hold anything). Errors are kCorruption and sticky.
template <DeltaInt T>
class DeltaBinaryPackedDecoder {
 public:
  DeltaBinaryPackedDecoder() = default;
  // `data` must outlive the decoder; it may extend past the stream's end. With num_values
  // == 0 nothing is read (some writers leave the values of an all-null page empty).
  DeltaBinaryPackedDecoder(std::span<const uint8_t> data, size_t num_values);

  // Decodes min(n, values left) values; returns the count.
  Result<size_t> Decode(T* out, size_t n);

  size_t values_left() const { return values_left_; }

  // Bytes the whole stream at the start of `data` occupies (header, then every block up to
  // the header's value count), found by walking the block headers without unpacking. The
  // DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY decoders use it to find what follows.
  static Result<size_t> EncodedSize(std::span<const uint8_t> data);

 private:
  using U = std::make_unsigned_t<T>;
  Status StartMiniblock();
  Status Fail(Status s) {
    status_ = s;
    return s;
  }

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  size_t values_left_ = 0;  // values not yet returned
  uint64_t miniblocks_per_block_ = 0;
  uint64_t values_per_miniblock_ = 0;
  bool first_pending_ = false;
  U last_ = 0;
  U min_delta_ = 0;
  size_t widths_pos_ = 0;         // offset of the current block's bit-width bytes
  uint64_t miniblock_index_ = 0;  // next miniblock of the current block
  bool in_block_ = false;
  int bit_width_ = 0;            // of the current miniblock
  uint64_t miniblock_left_ = 0;  // values of the current miniblock not yet unpacked
  size_t buffered_pos_ = 0;      // unpacked deltas in buffer_[buffered_pos_, 32)
  size_t buffered_end_ = 0;
  Status status_;
  U buffer_[32];
};

extern template class DeltaBinaryPackedEncoder<int32_t>;
extern template class DeltaBinaryPackedEncoder<int64_t>;
extern template class DeltaBinaryPackedDecoder<int32_t>;
extern template class DeltaBinaryPackedDecoder<int64_t>;

}  // namespace floe::parquet
