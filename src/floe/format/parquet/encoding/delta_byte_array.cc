#include "floe/format/parquet/encoding/delta_byte_array.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "floe/format/parquet/encoding/bit_util.h"

namespace floe::parquet {

namespace {

constexpr size_t kEncodeChunk = 256;

// Length of the longest common prefix of a and b, eight bytes at a time.
size_t CommonPrefix(const uint8_t* a, size_t a_len, const uint8_t* b, size_t b_len) {
  const size_t n = std::min(a_len, b_len);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint64_t x = LoadLE<uint64_t>(a + i) ^ LoadLE<uint64_t>(b + i);
    if (x != 0) return i + static_cast<size_t>(std::countr_zero(x)) / 8;
  }
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

void DeltaByteArrayEncoder::Put(std::span<const ByteArray> values) {
  if (values.empty()) return;
  int32_t prefixes[kEncodeChunk];
  ByteArray suffixes[kEncodeChunk];
  ByteArray prev{last_.data(), static_cast<uint32_t>(last_.size())};
  for (size_t i = 0; i < values.size(); i += kEncodeChunk) {
    const size_t k = std::min(kEncodeChunk, values.size() - i);
    for (size_t j = 0; j < k; ++j) {
      const ByteArray& v = values[i + j];
      const size_t p = CommonPrefix(prev.ptr, prev.len, v.ptr, v.len);
      prefixes[j] = static_cast<int32_t>(p);
      suffixes[j] = ByteArray{v.ptr + p, static_cast<uint32_t>(v.len - p)};
      prev = v;
    }
    prefix_lengths_.Put(std::span<const int32_t>(prefixes, k));
    suffixes_.Put(std::span<const ByteArray>(suffixes, k));
  }
  // The caller's values may die after this call; keep the last one.
  const ByteArray& back = values.back();
  last_.Clear();
  last_.Append(back.ptr, back.len);
}

void DeltaByteArrayEncoder::Finish(Buffer* out) {
  prefix_lengths_.Finish(out);
  suffixes_.Finish(out);
  last_.Clear();
}

DeltaByteArrayDecoder::DeltaByteArrayDecoder(std::span<const uint8_t> data, size_t num_values,
                                             int fixed_width)
    : values_left_(num_values), undecoded_(num_values), fixed_width_(fixed_width) {
  if (num_values == 0) return;  // nothing to read; some writers leave such pages empty
  Result<size_t> prefixes_size = DeltaBinaryPackedDecoder<int32_t>::EncodedSize(data);
  if (!prefixes_size.ok()) {
    status_ = prefixes_size.status().WithContext("DELTA_BYTE_ARRAY prefix lengths");
    return;
  }
  prefixes_ = DeltaBinaryPackedDecoder<int32_t>(data.first(*prefixes_size), num_values);
  suffixes_ = DeltaLengthByteArrayDecoder(data.subspan(*prefixes_size), num_values);
}

Status DeltaByteArrayDecoder::FillPending() {
  const size_t k = std::min(kChunk, undecoded_);
  Result<size_t> got = prefixes_.Decode(pending_prefix_, k);
  if (!got.ok()) return got.status().WithContext("DELTA_BYTE_ARRAY prefix lengths");
  got = suffixes_.Decode(pending_suffix_, k);
  if (!got.ok()) return got.status().WithContext("DELTA_BYTE_ARRAY suffixes");
  undecoded_ -= k;
  pending_pos_ = 0;
  pending_end_ = k;
  return Status::OK();
}

Result<size_t> DeltaByteArrayDecoder::Decode(ByteArray* out, size_t n) {
  if (!status_.ok()) return status_;
  n = std::min(n, values_left_);
  values_.Clear();
  values_.Append(last_.data(), last_.size());
  offsets_.Resize(n * sizeof(uint64_t));
  uint64_t* offsets = offsets_.as<uint64_t>();
  uint64_t prev_offset = 0;
  uint64_t prev_len = last_.size();
  size_t i = 0;
  while (i < n) {
    if (pending_pos_ == pending_end_) {
      Status s = FillPending();
      if (!s.ok()) {
        status_ = std::move(s);
        return status_;
      }
    }
    const int32_t prefix = pending_prefix_[pending_pos_];
    const ByteArray suffix = pending_suffix_[pending_pos_];
    if (prefix < 0 || static_cast<uint64_t>(prefix) > prev_len) {
      status_ = Status::Corruption(
          "DELTA_BYTE_ARRAY: value {} has prefix length {}, its predecessor has {} bytes",
          decoded_ + i, prefix, prev_len);
      return status_;
    }
    const uint64_t len = static_cast<uint64_t>(prefix) + suffix.len;
    if (len > INT32_MAX || (fixed_width_ >= 0 && len != static_cast<uint64_t>(fixed_width_))) {
      status_ = Status::Corruption(
          "DELTA_BYTE_ARRAY: value {} is {} bytes long (prefix {} + suffix {}){}", decoded_ + i,
          len, prefix, suffix.len,
          fixed_width_ >= 0 ? fmt::format(", the column's width is {}", fixed_width_) : "");
      return status_;
    }
    uint64_t offset = prev_offset;  // an empty suffix shares the predecessor's bytes
    if (suffix.len > 0) {
      offset = values_.size();
      values_.Resize(offset + len);
      uint8_t* dst = values_.data() + offset;
      CopyBytes(dst, values_.data() + prev_offset, static_cast<size_t>(prefix));
      CopyBytes(dst + prefix, suffix.ptr, suffix.len);
    }
    offsets[i] = offset;
    out[i].len = static_cast<uint32_t>(len);
    prev_offset = offset;
    prev_len = len;
    ++pending_pos_;
    ++i;
    if (values_.size() > kMaxBytesPerDecode) break;
  }
  const uint8_t* base = values_.data();
  for (size_t j = 0; j < i; ++j) out[j].ptr = base + offsets[j];
  if (i > 0) {
    last_.Clear();
    last_.Append(out[i - 1].ptr, out[i - 1].len);
  }
  values_left_ -= i;
  decoded_ += i;
  return i;
}

}  // namespace floe::parquet
