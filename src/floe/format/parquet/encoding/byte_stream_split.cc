#include "floe/format/parquet/encoding/byte_stream_split.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "floe/format/parquet/encoding/bit_util.h"

namespace floe::parquet {

namespace {

// Gathers values [begin, begin + n) from K streams of length `stride` into `out`.
template <int K>
void GatherFixed(const uint8_t* data, size_t stride, size_t begin, size_t n, uint8_t* out) {
  const uint8_t* s[K];
  for (int k = 0; k < K; ++k) s[k] = data + k * stride + begin;
  size_t i = 0;
#if defined(__SSE2__)
  if constexpr (K == 4) {
    for (; i + 16 <= n; i += 16) {
      const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s[0] + i));
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s[1] + i));
      const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s[2] + i));
      const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s[3] + i));
      const __m128i ab_lo = _mm_unpacklo_epi8(a, b);  // a0 b0 a1 b1 ... a7 b7
      const __m128i ab_hi = _mm_unpackhi_epi8(a, b);
      const __m128i cd_lo = _mm_unpacklo_epi8(c, d);
      const __m128i cd_hi = _mm_unpackhi_epi8(c, d);
      __m128i* dst = reinterpret_cast<__m128i*>(out + i * 4);
      _mm_storeu_si128(dst + 0, _mm_unpacklo_epi16(ab_lo, cd_lo));  // values 0-3
      _mm_storeu_si128(dst + 1, _mm_unpackhi_epi16(ab_lo, cd_lo));  // 4-7
      _mm_storeu_si128(dst + 2, _mm_unpacklo_epi16(ab_hi, cd_hi));  // 8-11
      _mm_storeu_si128(dst + 3, _mm_unpackhi_epi16(ab_hi, cd_hi));  // 12-15
    }
  } else if constexpr (K == 8) {
    for (; i + 16 <= n; i += 16) {
      __m128i v[8];
      for (int k = 0; k < 8; ++k)
        v[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s[k] + i));
      // Three rounds of interleaving: bytes, then byte pairs, then byte quads.
      __m128i p[8];
      for (int k = 0; k < 4; ++k) {
        p[2 * k] = _mm_unpacklo_epi8(v[2 * k], v[2 * k + 1]);      // values 0-7, streams 2k,2k+1
        p[2 * k + 1] = _mm_unpackhi_epi8(v[2 * k], v[2 * k + 1]);  // values 8-15
      }
      __m128i q[8];
      for (int h = 0; h < 2; ++h) {  // h: values 0-7 or 8-15
        // q[4h + 0..1]: streams 0-3, q[4h + 2..3]: streams 4-7
        q[4 * h + 0] = _mm_unpacklo_epi16(p[0 + h], p[2 + h]);  // values 8h+0..3, streams 0-3
        q[4 * h + 1] = _mm_unpackhi_epi16(p[0 + h], p[2 + h]);  // values 8h+4..7
        q[4 * h + 2] = _mm_unpacklo_epi16(p[4 + h], p[6 + h]);  // streams 4-7
        q[4 * h + 3] = _mm_unpackhi_epi16(p[4 + h], p[6 + h]);
      }
      __m128i* dst = reinterpret_cast<__m128i*>(out + i * 8);
      for (int h = 0; h < 2; ++h) {
        _mm_storeu_si128(dst + 4 * h + 0, _mm_unpacklo_epi32(q[4 * h + 0], q[4 * h + 2]));
        _mm_storeu_si128(dst + 4 * h + 1, _mm_unpackhi_epi32(q[4 * h + 0], q[4 * h + 2]));
        _mm_storeu_si128(dst + 4 * h + 2, _mm_unpacklo_epi32(q[4 * h + 1], q[4 * h + 3]));
        _mm_storeu_si128(dst + 4 * h + 3, _mm_unpackhi_epi32(q[4 * h + 1], q[4 * h + 3]));
      }
    }
  }
#endif
  for (; i < n; ++i) {
    for (int k = 0; k < K; ++k) out[i * K + k] = s[k][i];
  }
}

void GatherGeneric(const uint8_t* data, size_t stride, int width, size_t begin, size_t n,
                   uint8_t* out) {
  for (int k = 0; k < width; ++k) {
    const uint8_t* s = data + k * stride + begin;
    for (size_t i = 0; i < n; ++i) out[i * width + k] = s[i];
  }
}

// Scatters n values of K bytes into K streams of length n.
template <int K>
void ScatterFixed(const uint8_t* values, size_t n, uint8_t* out) {
  uint8_t* s[K];
  for (int k = 0; k < K; ++k) s[k] = out + k * n;
  size_t i = 0;
#if defined(__SSE2__)
  if constexpr (K == 4) {
    // 16 values per step; three rounds of byte interleaving transpose them into 4 streams.
    for (; i + 16 <= n; i += 16) {
      const __m128i* src = reinterpret_cast<const __m128i*>(values + i * 4);
      const __m128i r0 = _mm_loadu_si128(src + 0), r1 = _mm_loadu_si128(src + 1);
      const __m128i r2 = _mm_loadu_si128(src + 2), r3 = _mm_loadu_si128(src + 3);
      const __m128i t0 = _mm_unpacklo_epi8(r0, r1), t1 = _mm_unpackhi_epi8(r0, r1);
      const __m128i t2 = _mm_unpacklo_epi8(r2, r3), t3 = _mm_unpackhi_epi8(r2, r3);
      // u0: values 0,2,4,6 byte-interleaved; u1: 1,3,5,7; u2, u3: the same for 8..15.
      const __m128i u0 = _mm_unpacklo_epi8(t0, t1), u1 = _mm_unpackhi_epi8(t0, t1);
      const __m128i u2 = _mm_unpacklo_epi8(t2, t3), u3 = _mm_unpackhi_epi8(t2, t3);
      // w0: streams 0 and 1 of values 0..7; w1: streams 2 and 3; w2, w3: values 8..15.
      const __m128i w0 = _mm_unpacklo_epi8(u0, u1), w1 = _mm_unpackhi_epi8(u0, u1);
      const __m128i w2 = _mm_unpacklo_epi8(u2, u3), w3 = _mm_unpackhi_epi8(u2, u3);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(s[0] + i), _mm_unpacklo_epi64(w0, w2));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(s[1] + i), _mm_unpackhi_epi64(w0, w2));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(s[2] + i), _mm_unpacklo_epi64(w1, w3));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(s[3] + i), _mm_unpackhi_epi64(w1, w3));
    }
  } else if constexpr (K == 8) {
    // 16 values (8 registers) per step. Byte (value i, byte k) starts in register i >> 1,
    // lane (i & 1) << 3 | k. Interleaving the register pairs that differ in register bit b
    // rotates the lane bits left by one, the register bit entering at the bottom and the
    // lane's top bit taking its place; four rounds (bits 4, 2, 1, 4) leave lane = i and
    // stream k in register (k & 1) << 2 | (k >> 2 & 1) << 1 | (k >> 1 & 1).
    for (; i + 16 <= n; i += 16) {
      __m128i r[8];
      for (int j = 0; j < 8; ++j) {
        r[j] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(values + i * 8) + j);
      }
      for (int bit : {4, 2, 1, 4}) {
        for (int j = 0; j < 8; ++j) {
          if (j & bit) continue;
          const __m128i a = r[j], b = r[j | bit];
          r[j] = _mm_unpacklo_epi8(a, b);
          r[j | bit] = _mm_unpackhi_epi8(a, b);
        }
      }
      for (int k = 0; k < 8; ++k) {
        const int reg = (k & 1) << 2 | ((k >> 2) & 1) << 1 | ((k >> 1) & 1);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(s[k] + i), r[reg]);
      }
    }
  }
#endif
  for (; i < n; ++i) {
    uint64_t v = 0;
    std::memcpy(&v, values + i * K, K);
    for (int k = 0; k < K; ++k) s[k][i] = static_cast<uint8_t>(v >> (8 * k));
  }
}

}  // namespace

void ByteStreamSplitEncodeBytes(const uint8_t* values, size_t num_values, int width, Buffer* out) {
  const size_t offset = out->size();
  const size_t bytes = num_values * static_cast<size_t>(width);
  out->Resize(offset + bytes);
  if (bytes == 0) return;
  uint8_t* dst = out->data() + offset;
  switch (width) {
    case 4:
      ScatterFixed<4>(values, num_values, dst);
      return;
    case 8:
      ScatterFixed<8>(values, num_values, dst);
      return;
    default:
      for (int k = 0; k < width; ++k) {
        uint8_t* s = dst + k * num_values;
        for (size_t i = 0; i < num_values; ++i) s[i] = values[i * width + k];
      }
  }
}

Status ByteStreamSplitEncodeFixed(std::span<const ByteArray> values, int width, Buffer* out) {
  if (width <= 0) {
    return Status::InvalidArgument("BYTE_STREAM_SPLIT: width {} must be positive", width);
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].len != static_cast<uint32_t>(width)) {
      return Status::InvalidArgument(
          "BYTE_STREAM_SPLIT FIXED_LEN_BYTE_ARRAY: value {} has {} bytes, the column's width is {}",
          i, values[i].len, width);
    }
  }
  const size_t n = values.size();
  const size_t offset = out->size();
  out->Resize(offset + n * static_cast<size_t>(width));
  uint8_t* dst = out->data() + offset;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* v = values[i].ptr;
    for (int k = 0; k < width; ++k) dst[k * n + i] = v[k];
  }
  return Status::OK();
}

ByteStreamSplitDecoder::ByteStreamSplitDecoder(std::span<const uint8_t> data, int width,
                                               size_t num_values)
    : data_(data), width_(width), values_left_(num_values) {
  if (width <= 0) {
    status_ = Status::Corruption("BYTE_STREAM_SPLIT: value width {} must be positive", width);
  } else if (data.size() % static_cast<size_t>(width) != 0) {
    status_ = Status::Corruption(
        "BYTE_STREAM_SPLIT: page of {} bytes is not a whole number of {}-byte values", data.size(),
        width);
  } else if (data.size() / static_cast<size_t>(width) < num_values) {
    status_ = Status::Corruption(
        "BYTE_STREAM_SPLIT: page of {} bytes holds {} values of {} bytes, the page needs {}",
        data.size(), data.size() / static_cast<size_t>(width), width, num_values);
  } else {
    stride_ = data.size() / static_cast<size_t>(width);
  }
}

Result<size_t> ByteStreamSplitDecoder::DecodeBytes(uint8_t* out, size_t n) {
  if (!status_.ok()) return status_;
  n = std::min(n, values_left_);
  switch (width_) {
    case 4:
      GatherFixed<4>(data_.data(), stride_, next_, n, out);
      break;
    case 8:
      GatherFixed<8>(data_.data(), stride_, next_, n, out);
      break;
    default:
      GatherGeneric(data_.data(), stride_, width_, next_, n, out);
  }
  next_ += n;
  values_left_ -= n;
  return n;
}

Result<size_t> ByteStreamSplitDecoder::Decode(ByteArray* out, size_t n) {
  if (!status_.ok()) return status_;
  n = std::min(n, values_left_);
  const size_t w = static_cast<size_t>(width_);
  values_.Resize(n * w);
  FLOE_ASSIGN_OR_RETURN(size_t got, DecodeBytes(values_.data(), n));
  const uint8_t* p = values_.data();
  for (size_t i = 0; i < got; ++i) out[i] = ByteArray{p + i * w, static_cast<uint32_t>(w)};
  return got;
}

}  // namespace floe::parquet
