// Split-block Bloom filter (apache/parquet-format BloomFilter.md): the bitset that follows a
// BloomFilterHeader in the file. The header itself (numBytes, algorithm BLOCK, hash XXHASH,
// compression UNCOMPRESSED) is a thrift struct handled by metadata.h; this file owns the bits.
//
// Layout: z blocks of 256 bits, each eight 32-bit little-endian words. A value is hashed
// with XXH64 (seed 0) over its PLAIN encoding; the upper 32 bits of the hash pick the block
// ((hash >> 32) * z >> 32), the lower 32 bits times eight SALT constants pick one bit in each
// word (the top 5 bits of each 32-bit product).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/format/parquet/types.h"

namespace floe::parquet {

// Owns its bitset. Insert mutates; MightContain and the accessors are const and may be called
// concurrently with each other (not with Insert).
class BloomFilter {
 public:
  static constexpr size_t kBytesPerBlock = 32;
  static constexpr size_t kMinBytes = kBytesPerBlock;
  // Upper bound on a bitset we build or accept from a file (parquet-java uses the same).
  static constexpr size_t kMaxBytes = size_t{128} * 1024 * 1024;

  // Bitset size for `ndv` distinct values at false-positive probability `fpp`, from
  // BloomFilter.md's bits-per-value formula c = -8 / ln(1 - fpp^(1/8)): a power of two in
  // [kMinBytes, kMaxBytes]. fpp outside (0, 1) is clamped to [1e-10, 0.5].
  static size_t OptimalNumBytes(uint64_t ndv, double fpp);

  // An empty filter of `num_bytes` rounded up to a power of two and clamped to
  // [kMinBytes, kMaxBytes].
  explicit BloomFilter(size_t num_bytes);

  // A filter over a copy of the bitset read from a file (the bytes after BloomFilterHeader,
  // numBytes of them). The size must be a positive multiple of 32 and at most kMaxBytes
  // (kCorruption otherwise). The block count need not be a power of two.
  static Result<BloomFilter> FromBitset(std::span<const uint8_t> bitset);

  BloomFilter(BloomFilter&&) noexcept = default;
  BloomFilter& operator=(BloomFilter&&) noexcept = default;

  void Insert(uint64_t hash);
  void Insert(std::span<const uint64_t> hashes) {
    for (uint64_t h : hashes) Insert(h);
  }
  // False means the value is certainly absent; true means it may be present.
  bool MightContain(uint64_t hash) const;

  // The bitset as written to the file (after the header); its size is the header's numBytes.
  std::span<const uint8_t> bitset() const { return {bits_.data(), bits_.size()}; }
  size_t num_bytes() const { return bits_.size(); }

  // XXH64(seed 0) of a value's PLAIN encoding: fixed-width values as their little-endian
  // bytes (FLOAT/DOUBLE by bit pattern, so -0.0 and +0.0, and NaN payloads, hash differently);
  // BYTE_ARRAY as its bytes without the 4-byte length prefix; FIXED_LEN_BYTE_ARRAY and INT96
  // as their bytes. BOOLEAN columns have no Bloom filters.
  static uint64_t Hash(int32_t v);
  static uint64_t Hash(int64_t v);
  static uint64_t Hash(float v);
  static uint64_t Hash(double v);
  static uint64_t Hash(ByteArray v);
  static uint64_t Hash(std::string_view v);
  static uint64_t Hash(std::span<const uint8_t> bytes);

  // Batch forms for column writers: out[i] = Hash(values[i]); `out` holds values.size().
  static void Hashes(std::span<const int32_t> values, uint64_t* out);
  static void Hashes(std::span<const int64_t> values, uint64_t* out);
  static void Hashes(std::span<const float> values, uint64_t* out);
  static void Hashes(std::span<const double> values, uint64_t* out);
  static void Hashes(std::span<const ByteArray> values, uint64_t* out);

 private:
  BloomFilter() = default;
  uint32_t* Block(uint64_t hash) {
    return bits_.as<uint32_t>() + 8 * (((hash >> 32) * num_blocks_) >> 32);
  }
  const uint32_t* Block(uint64_t hash) const {
    return bits_.as<uint32_t>() + 8 * (((hash >> 32) * num_blocks_) >> 32);
  }

  Buffer bits_;  // 64-byte aligned, so each 32-byte block sits inside one cache line
  uint64_t num_blocks_ = 0;
};

}  // namespace floe::parquet
