#include "floe/format/parquet/encoding/bit_pack.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "floe/format/parquet/encoding/bit_util.h"

namespace floe::parquet {

namespace {

// Value I of a 32-value batch packed at width W. The batch is read as W little-endian
// 32-bit words; every shift and word index is a compile-time constant.
template <typename Out, int W, int I>
inline __attribute__((always_inline)) Out UnpackValue(const uint8_t* in) {
  constexpr int kStart = I * W;
  constexpr int kWord = kStart / 32;
  constexpr int kShift = kStart % 32;
  Out v = static_cast<Out>(LoadLE<uint32_t>(in + 4 * kWord) >> kShift);
  if constexpr (kShift + W > 32) {
    v |= static_cast<Out>(LoadLE<uint32_t>(in + 4 * (kWord + 1))) << (32 - kShift);
  }
  if constexpr (kShift + W > 64) {
    v |= static_cast<Out>(LoadLE<uint32_t>(in + 4 * (kWord + 2))) << (64 - kShift);
  }
  if constexpr (W < static_cast<int>(sizeof(Out) * 8)) v &= (Out{1} << W) - 1;
  return v;
}

template <typename Out, int W, size_t... I>
inline __attribute__((always_inline)) void UnpackBatch(const uint8_t* in, Out* out,
                                                       std::index_sequence<I...>) {
  ((out[I] = UnpackValue<Out, W, static_cast<int>(I)>(in)), ...);
}

template <typename Out, int W>
void UnpackBatches(const uint8_t* in, size_t num_batches, Out* out) {
  if constexpr (W == 0) {
    std::fill_n(out, num_batches * kUnpackBatch, Out{0});
  } else {
    for (size_t b = 0; b < num_batches; ++b) {
      UnpackBatch<Out, W>(in, out, std::make_index_sequence<kUnpackBatch>{});
      in += 4 * W;
      out += kUnpackBatch;
    }
  }
}

template <typename Out>
using UnpackFn = void (*)(const uint8_t*, size_t, Out*);

template <typename Out, size_t... W>
constexpr auto MakeUnpackTable(std::index_sequence<W...>) {
  return std::array<UnpackFn<Out>, sizeof...(W)>{&UnpackBatches<Out, static_cast<int>(W)>...};
}

constexpr auto kUnpack32 = MakeUnpackTable<uint32_t>(std::make_index_sequence<33>{});
constexpr auto kUnpack64 = MakeUnpackTable<uint64_t>(std::make_index_sequence<65>{});

// Generic LSB-first packer with a 64-bit accumulator.
template <typename In>
void PackGeneric(const In* in, size_t count, int bit_width, uint8_t* out) {
  if (bit_width == 0 || count == 0) return;
  uint64_t acc = 0;
  int bits = 0;  // valid bits in acc, always < 64 between iterations
  for (size_t i = 0; i < count; ++i) {
    const uint64_t v = in[i];
    acc |= v << bits;
    bits += bit_width;
    if (bits >= 64) {
      StoreLE<uint64_t>(out, acc);
      out += 8;
      bits -= 64;
      // The high `bits` bits of v did not fit; they start the next word.
      acc = bits == 0 ? 0 : v >> (bit_width - bits);
    }
  }
  const int tail = (bits + 7) / 8;
  for (int i = 0; i < tail; ++i) out[i] = static_cast<uint8_t>(acc >> (8 * i));
}

}  // namespace

void Unpack32(const uint8_t* in, int bit_width, size_t num_batches, uint32_t* out) {
  kUnpack32[bit_width](in, num_batches, out);
}

void Unpack64(const uint8_t* in, int bit_width, size_t num_batches, uint64_t* out) {
  kUnpack64[bit_width](in, num_batches, out);
}

void Pack32(const uint32_t* in, size_t count, int bit_width, uint8_t* out) {
  PackGeneric(in, count, bit_width, out);
}

void Pack64(const uint64_t* in, size_t count, int bit_width, uint8_t* out) {
  PackGeneric(in, count, bit_width, out);
}

}  // namespace floe::parquet
