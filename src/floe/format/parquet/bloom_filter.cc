#include "floe/format/parquet/bloom_filter.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

// Inline xxHash so the 4- and 8-byte hashes in the batch loops compile to straight-line code.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace floe::parquet {

// The bitset's words are little-endian in the file and used in place.
static_assert(std::endian::native == std::endian::little, "BloomFilter assumes little-endian");

namespace {

// BloomFilter.md's eight SALT constants.
constexpr uint32_t kSalt[8] = {0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
                               0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};

size_t ClampedPowerOfTwo(size_t n) {
  n = std::clamp(n, BloomFilter::kMinBytes, BloomFilter::kMaxBytes);
  return std::bit_ceil(n);  // kMaxBytes is a power of two, so this stays within bounds
}

template <typename T>
uint64_t HashFixed(T v) {
  return XXH64(&v, sizeof(v), /*seed=*/0);
}

}  // namespace

size_t BloomFilter::OptimalNumBytes(uint64_t ndv, double fpp) {
  if (!(fpp > 0)) fpp = 1e-10;  // also catches NaN
  fpp = std::clamp(fpp, 1e-10, 0.5);
  const double bits_per_value = -8.0 / std::log(1.0 - std::pow(fpp, 1.0 / 8.0));
  const double bytes = bits_per_value * static_cast<double>(ndv) / 8.0;
  if (!(bytes < static_cast<double>(kMaxBytes))) return kMaxBytes;
  return ClampedPowerOfTwo(static_cast<size_t>(std::ceil(bytes)));
}

BloomFilter::BloomFilter(size_t num_bytes) {
  bits_.ResizeZeroed(ClampedPowerOfTwo(num_bytes));
  num_blocks_ = bits_.size() / kBytesPerBlock;
}

Result<BloomFilter> BloomFilter::FromBitset(std::span<const uint8_t> bitset) {
  if (bitset.empty() || bitset.size() % kBytesPerBlock != 0 || bitset.size() > kMaxBytes) {
    return Status::Corruption(
        "Bloom filter bitset of {} bytes: must be a positive multiple of {} and at most {}",
        bitset.size(), kBytesPerBlock, kMaxBytes);
  }
  BloomFilter f;
  f.bits_.Append(bitset.data(), bitset.size());
  f.num_blocks_ = bitset.size() / kBytesPerBlock;
  return f;
}

void BloomFilter::Insert(uint64_t hash) {
  uint32_t* block = Block(hash);
  const auto key = static_cast<uint32_t>(hash);
  for (int i = 0; i < 8; ++i) block[i] |= uint32_t{1} << ((key * kSalt[i]) >> 27);
}

bool BloomFilter::MightContain(uint64_t hash) const {
  const uint32_t* block = Block(hash);
  const auto key = static_cast<uint32_t>(hash);
  uint32_t missing = 0;
  for (int i = 0; i < 8; ++i) missing |= ~block[i] & (uint32_t{1} << ((key * kSalt[i]) >> 27));
  return missing == 0;
}

uint64_t BloomFilter::Hash(int32_t v) { return HashFixed(v); }
uint64_t BloomFilter::Hash(int64_t v) { return HashFixed(v); }
uint64_t BloomFilter::Hash(float v) { return HashFixed(v); }
uint64_t BloomFilter::Hash(double v) { return HashFixed(v); }
uint64_t BloomFilter::Hash(ByteArray v) { return XXH64(v.ptr, v.len, 0); }
uint64_t BloomFilter::Hash(std::string_view v) { return XXH64(v.data(), v.size(), 0); }
uint64_t BloomFilter::Hash(std::span<const uint8_t> bytes) {
  return XXH64(bytes.data(), bytes.size(), 0);
}

void BloomFilter::Hashes(std::span<const int32_t> values, uint64_t* out) {
  for (size_t i = 0; i < values.size(); ++i) out[i] = HashFixed(values[i]);
}
void BloomFilter::Hashes(std::span<const int64_t> values, uint64_t* out) {
  for (size_t i = 0; i < values.size(); ++i) out[i] = HashFixed(values[i]);
}
void BloomFilter::Hashes(std::span<const float> values, uint64_t* out) {
  for (size_t i = 0; i < values.size(); ++i) out[i] = HashFixed(values[i]);
}
void BloomFilter::Hashes(std::span<const double> values, uint64_t* out) {
  for (size_t i = 0; i < values.size(); ++i) out[i] = HashFixed(values[i]);
}
void BloomFilter::Hashes(std::span<const ByteArray> values, uint64_t* out) {
  for (size_t i = 0; i < values.size(); ++i) out[i] = XXH64(values[i].ptr, values[i].len, 0);
}

}  // namespace floe::parquet
