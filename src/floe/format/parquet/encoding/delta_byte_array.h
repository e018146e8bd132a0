// DELTA_BYTE_ARRAY (= 7) for BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY (apache/parquet-format
// Encodings.md), a.k.a. front compression: each value is stored as the length of the prefix
// it shares with the previous value (a DELTA_BINARY_PACKED INT32 stream) and its remaining
// suffix (a DELTA_LENGTH_BYTE_ARRAY stream after it). The first value of a page has an empty
// predecessor.
//
// Not thread-safe; distinct instances are independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/format/parquet/encoding/delta_binary_packed.h"
#include "floe/format/parquet/encoding/delta_length_byte_array.h"
#include "floe/format/parquet/types.h"

namespace floe::parquet {

class DeltaByteArrayEncoder {
 public:
  // Copies what it needs of the values. REQUIRES: every value is shorter than 2^31 bytes.
  void Put(std::span<const ByteArray> values);
  // Appends the prefix-lengths stream and the suffixes for the values put since the last
  // Finish, then resets (the next page starts from an empty predecessor).
  void Finish(Buffer* out);

  size_t num_values() const { return prefix_lengths_.num_values(); }
  size_t EstimatedSize() const {
    return prefix_lengths_.EstimatedSize() + suffixes_.EstimatedSize();
  }

 private:
  DeltaBinaryPackedEncoder<int32_t> prefix_lengths_;
  DeltaLengthByteArrayEncoder suffixes_;
  Buffer last_;  // the previous value, kept across Put calls
};

// Values are rebuilt from prefix + suffix, so they are materialized into a buffer the decoder
// owns. LIFETIME: the views Decode returns stay valid until the next Decode call or the
// decoder's destruction, whichever comes first; callers that keep values longer copy them.
//
// A value whose suffix is empty is a prefix of its predecessor and shares its bytes, so runs
// of repeated values cost no copying. To bound memory on hostile input (long shared prefixes
// cost the encoder almost nothing), one Decode call stops early once it has materialized
// kMaxBytesPerDecode bytes: it then returns fewer than n values (at least one), and the
// caller calls again for the rest.
//
// Validation: both streams as their decoders do; every prefix length within the previous
// value; with fixed_width >= 0 (FIXED_LEN_BYTE_ARRAY), every value exactly that long.
// Errors are kCorruption and sticky.
class DeltaByteArrayDecoder {
 public:
  static constexpr size_t kMaxBytesPerDecode = size_t{16} << 20;

  DeltaByteArrayDecoder() = default;
  // `data` must outlive the decoder. With num_values == 0 nothing is read.
  DeltaByteArrayDecoder(std::span<const uint8_t> data, size_t num_values, int fixed_width = -1);

  // Decodes up to min(n, values left) values; returns the count (see above for early stops).
  Result<size_t> Decode(ByteArray* out, size_t n);
  size_t values_left() const { return values_left_; }

 private:
  static constexpr size_t kChunk = 256;
  Status FillPending();

  DeltaBinaryPackedDecoder<int32_t> prefixes_;
  DeltaLengthByteArrayDecoder suffixes_;
  size_t values_left_ = 0;  // values not yet returned
  size_t undecoded_ = 0;    // values not yet pulled from prefixes_ / suffixes_
  size_t decoded_ = 0;      // values returned so far, for messages
  int fixed_width_ = -1;
  Status status_;
  Buffer values_;           // the bytes of the last Decode call's values (first: the predecessor)
  Buffer last_;             // the last value returned
  Buffer offsets_;          // per-value offsets into values_ during a Decode call
  size_t pending_pos_ = 0;  // decoded but unreturned prefix/suffix pairs
  size_t pending_end_ = 0;
  int32_t pending_prefix_[kChunk];
  ByteArray pending_suffix_[kChunk];
};

}  // namespace floe::parquet
