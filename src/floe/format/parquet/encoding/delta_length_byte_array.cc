#include "floe/format/parquet/encoding/delta_length_byte_array.h"

#include <algorithm>
#include <cstring>

#include "floe/format/parquet/encoding/bit_util.h"

namespace floe::parquet {

namespace {
constexpr size_t kChunk = 256;
}

void DeltaLengthByteArrayEncoder::Put(std::span<const ByteArray> values) {
  int32_t lengths[kChunk];
  for (size_t i = 0; i < values.size(); i += kChunk) {
    const size_t k = std::min(kChunk, values.size() - i);
    size_t bytes = 0;
    for (size_t j = 0; j < k; ++j) {
      lengths[j] = static_cast<int32_t>(values[i + j].len);
      bytes += values[i + j].len;
    }
    lengths_.Put(std::span<const int32_t>(lengths, k));
    size_t offset = data_.size();
    data_.Resize(offset + bytes);
    for (size_t j = 0; j < k; ++j) {
      const ByteArray& v = values[i + j];
      CopyBytes(data_.data() + offset, v.ptr, v.len);
      offset += v.len;
    }
  }
}

void DeltaLengthByteArrayEncoder::Finish(Buffer* out) {
  lengths_.Finish(out);
  out->Append(data_.data(), data_.size());
  data_.Clear();
}

DeltaLengthByteArrayDecoder::DeltaLengthByteArrayDecoder(std::span<const uint8_t> data,
                                                         size_t num_values)
    : values_left_(num_values) {
  if (num_values == 0) return;  // nothing to read; some writers leave such pages empty
  Result<size_t> lengths_size = DeltaBinaryPackedDecoder<int32_t>::EncodedSize(data);
  if (!lengths_size.ok()) {
    status_ = lengths_size.status().WithContext("DELTA_LENGTH_BYTE_ARRAY lengths");
    return;
  }
  lengths_ = DeltaBinaryPackedDecoder<int32_t>(data.first(*lengths_size), num_values);
  bytes_ = data.data() + *lengths_size;
  size_ = data.size() - *lengths_size;
  bytes_offset_ = *lengths_size;
}

Result<size_t> DeltaLengthByteArrayDecoder::Decode(ByteArray* out, size_t n) {
  if (!status_.ok()) return status_;
  n = std::min(n, values_left_);
  int32_t lengths[kChunk];
  size_t done = 0;
  while (done < n) {
    const size_t k = std::min(kChunk, n - done);
    Result<size_t> got = lengths_.Decode(lengths, k);
    if (!got.ok()) {
      status_ = got.status().WithContext("DELTA_LENGTH_BYTE_ARRAY lengths");
      return status_;
    }
    // Branch-free validation of the whole chunk; the slow scan only names the culprit.
    int64_t sum = 0;
    int32_t sign = 0;
    for (size_t j = 0; j < k; ++j) {
      sum += lengths[j];
      sign |= lengths[j];
    }
    if (sign < 0 || static_cast<uint64_t>(sum) > size_ - pos_) {
      size_t pos = pos_;
      for (size_t j = 0; j < k; ++j) {
        if (lengths[j] < 0 || static_cast<size_t>(lengths[j]) > size_ - pos) {
          status_ = Status::Corruption(
              "DELTA_LENGTH_BYTE_ARRAY: value {} has length {}, {} bytes remain at byte {}",
              decoded_ + done + j, lengths[j], size_ - pos, bytes_offset_ + pos);
          return status_;
        }
        pos += static_cast<size_t>(lengths[j]);
      }
    }
    size_t pos = pos_;
    for (size_t j = 0; j < k; ++j) {
      const uint32_t len = static_cast<uint32_t>(lengths[j]);
      out[done + j] = ByteArray{bytes_ + pos, len};
      pos += len;
    }
    pos_ = pos;
    done += k;
  }
  values_left_ -= done;
  decoded_ += done;
  return done;
}

}  // namespace floe::parquet
