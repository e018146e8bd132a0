#include "floe/format/parquet/encoding/plain.h"

#include <array>

#include "floe/format/parquet/encoding/bit_util.h"

namespace floe::parquet {

namespace {

// Byte b expanded to 8 bools: byte j of kExpandBits[b] is bit j of b.
constexpr std::array<uint64_t, 256> MakeExpandTable() {
  std::array<uint64_t, 256> t{};
  for (int b = 0; b < 256; ++b) {
    uint64_t v = 0;
    for (int j = 0; j < 8; ++j) v |= static_cast<uint64_t>((b >> j) & 1) << (8 * j);
    t[b] = v;
  }
  return t;
}
constexpr std::array<uint64_t, 256> kExpandBits = MakeExpandTable();

// Eight bools (bytes 0 or 1) gathered into one byte, bool j -> bit j. The multiply moves
// byte j's low bit to bit 56 + j; the other partial products land on distinct bits below 56,
// so nothing carries into the top byte.
inline uint8_t PackEightBools(const bool* p) {
  return static_cast<uint8_t>(
      (LoadLE<uint64_t>(reinterpret_cast<const uint8_t*>(p)) * 0x0102040810204080ULL) >> 56);
}

}  // namespace

void PlainEncodeBooleans(std::span<const bool> values, Buffer* out) {
  const size_t n = values.size();
  const size_t offset = out->size();
  out->Resize(offset + (n + 7) / 8);
  uint8_t* dst = out->data() + offset;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) *dst++ = PackEightBools(values.data() + i);
  if (i < n) {
    uint8_t b = 0;
    for (int j = 0; i < n; ++i, ++j) b |= static_cast<uint8_t>(values[i]) << j;
    *dst = b;
  }
}

void PlainEncodeByteArrays(std::span<const ByteArray> values, Buffer* out) {
  size_t total = 0;
  for (const ByteArray& v : values) total += 4 + v.len;
  size_t pos = out->size();
  out->Resize(pos + total);
  uint8_t* dst = out->data();
  for (const ByteArray& v : values) {
    StoreLE<uint32_t>(dst + pos, v.len);
    CopyBytes(dst + pos + 4, v.ptr, v.len);
    pos += 4 + v.len;
  }
}

Status PlainEncodeFixed(std::span<const ByteArray> values, int width, Buffer* out) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].len != static_cast<uint32_t>(width) || width < 0) {
      return Status::InvalidArgument(
          "PLAIN FIXED_LEN_BYTE_ARRAY: value {} has {} bytes, the column's width is {}", i,
          values[i].len, width);
    }
  }
  size_t pos = out->size();
  out->Resize(pos + values.size() * static_cast<size_t>(width));
  if (width == 0) return Status::OK();
  for (const ByteArray& v : values) {
    std::memcpy(out->data() + pos, v.ptr, width);
    pos += width;
  }
  return Status::OK();
}

void PlainBooleanEncoder::Put(std::span<const bool> values) {
  size_t i = 0;
  const size_t n = values.size();
  // Fill the partial byte bit by bit, then whole bytes eight bools at a time.
  while (i < n && (num_values_ % 8) != 0) {
    partial_ |= static_cast<uint8_t>(values[i]) << (num_values_ % 8);
    ++i;
    ++num_values_;
    if (num_values_ % 8 == 0) {
      bytes_.Push(partial_);
      partial_ = 0;
    }
  }
  if (n - i >= 8) {
    const size_t whole = (n - i) / 8;
    const size_t offset = bytes_.size();
    bytes_.Resize(offset + whole);
    uint8_t* dst = bytes_.data() + offset;
    for (size_t b = 0; b < whole; ++b, i += 8) dst[b] = PackEightBools(values.data() + i);
    num_values_ += whole * 8;
  }
  for (; i < n; ++i, ++num_values_) {
    partial_ |= static_cast<uint8_t>(values[i]) << (num_values_ % 8);
  }
}

void PlainBooleanEncoder::Finish(Buffer* out) {
  out->Append(bytes_.data(), bytes_.size());
  if (num_values_ % 8 != 0) out->Push(partial_);
  bytes_.Clear();
  partial_ = 0;
  num_values_ = 0;
}

Result<size_t> PlainBooleanDecoder::Decode(bool* out, size_t n) {
  n = std::min(n, values_left_);
  const uint64_t end_bit = bit_pos_ + n;
  if ((end_bit + 7) / 8 > data_.size()) {
    return Status::Corruption("PLAIN BOOLEAN: {} values need {} bytes, only {} present", end_bit,
                              (end_bit + 7) / 8, data_.size());
  }
  const uint8_t* data = data_.data();
  size_t i = 0;
  uint64_t bit = bit_pos_;
  for (; i < n && (bit % 8) != 0; ++i, ++bit) out[i] = (data[bit / 8] >> (bit % 8)) & 1;
  for (; i + 8 <= n; i += 8, bit += 8) std::memcpy(out + i, &kExpandBits[data[bit / 8]], 8);
  for (; i < n; ++i, ++bit) out[i] = (data[bit / 8] >> (bit % 8)) & 1;
  bit_pos_ = end_bit;
  values_left_ -= n;
  return n;
}

Result<size_t> PlainByteArrayDecoder::Decode(ByteArray* out, size_t n) {
  n = std::min(n, values_left_);
  const uint8_t* data = data_.data();
  const size_t size = data_.size();
  size_t pos = pos_;
  for (size_t i = 0; i < n; ++i) {
    if (size - pos < 4) {
      return Status::Corruption(
          "PLAIN BYTE_ARRAY: length of a value at byte {} truncated ({} of 4 bytes)", pos,
          size - pos);
    }
    const uint32_t len = LoadLE<uint32_t>(data + pos);
    pos += 4;
    if (len > size - pos) {
      return Status::Corruption(
          "PLAIN BYTE_ARRAY: value at byte {} has length {}, only {} bytes remain", pos - 4, len,
          size - pos);
    }
    out[i] = ByteArray{data + pos, len};
    pos += len;
  }
  pos_ = pos;
  values_left_ -= n;
  return n;
}

Result<size_t> PlainFixedLenDecoder::Decode(ByteArray* out, size_t n) {
  if (width_ < 0) {
    return Status::Corruption("PLAIN FIXED_LEN_BYTE_ARRAY: negative width {}", width_);
  }
  n = std::min(n, values_left_);
  const uint64_t bytes = static_cast<uint64_t>(n) * static_cast<uint64_t>(width_);
  if (bytes > data_.size() - pos_) {
    return Status::Corruption(
        "PLAIN FIXED_LEN_BYTE_ARRAY: {} values of width {} need {} bytes at byte {}, only {} "
        "remain",
        n, width_, bytes, pos_, data_.size() - pos_);
  }
  const uint8_t* p = data_.data() + pos_;
  const uint32_t w = static_cast<uint32_t>(width_);
  for (size_t i = 0; i < n; ++i, p += w) out[i] = ByteArray{p, w};
  pos_ += bytes;
  values_left_ -= n;
  return n;
}

}  // namespace floe::parquet
