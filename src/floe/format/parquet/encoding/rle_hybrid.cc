#include "floe/format/parquet/encoding/rle_hybrid.h"

#include <cstring>
#include <type_traits>

#include "floe/format/parquet/encoding/bit_pack.h"
#include "floe/format/parquet/encoding/bit_util.h"

namespace floe::parquet {

namespace {

// Encodings.md: run lengths must lie in [1, 2^31 - 1].
constexpr uint64_t kMaxRunLength = (uint64_t{1} << 31) - 1;

// Largest bit width a T can hold without changing value (bool holds 0 and 1).
template <typename T>
constexpr int MaxBitWidthFor() {
  if constexpr (std::is_same_v<T, bool>) {
    return 1;
  } else {
    return static_cast<int>(sizeof(T) * 8) - (std::is_signed_v<T> ? 1 : 0);
  }
}

}  // namespace

Result<std::span<const uint8_t>> ReadLengthPrefixedRle(std::span<const uint8_t> data) {
  if (data.size() < 4) {
    return Status::Corruption("RLE: 4-byte length prefix missing, only {} bytes present",
                              data.size());
  }
  const uint32_t length = LoadLE<uint32_t>(data.data());
  if (length > data.size() - 4) {
    return Status::Corruption("RLE: length prefix {} exceeds the {} bytes that follow it", length,
                              data.size() - 4);
  }
  return data.subspan(4, length);
}

// ---------------------------------------------------------------------------------------
// RleHybridEncoder

RleHybridEncoder::RleHybridEncoder(int bit_width) : bit_width_(bit_width) {}

void RleHybridEncoder::Put(std::span<const uint32_t> values) {
  const uint32_t* v = values.data();
  const size_t n = values.size();
  size_t i = 0;
  while (i < n) {
    if (num_buffered_ == 0 && repeat_count_ == 0) {
      // At a group boundary with no pending run, a group of 8 that is not all one value
      // would be buffered and bit-packed value by value; pack it directly.
      while (i + 8 <= n) {
        uint32_t diff = 0;
        for (int k = 1; k < 8; ++k) diff |= v[i + k] ^ v[i];
        if (diff == 0) break;  // a possible RLE run: take the slow path
        WriteGroup(v + i);
        previous_ = v[i + 7];
        i += 8;
      }
    } else if (repeat_count_ >= 8) {
      // Inside an RLE run: count the repeats in one scan.
      size_t j = i;
      while (j < n && v[j] == previous_) ++j;
      if (repeat_count_ + (j - i) < kMaxRunLength) {
        repeat_count_ += j - i;
        i = j;
      }
    }
    if (i < n) Put(v[i++]);
  }
}

void RleHybridEncoder::WriteGroup(const uint32_t* group) {
  if (bit_packed_groups_ >= 63) EndBitPackedRun();
  if (bit_packed_header_ < 0) {
    bit_packed_header_ = static_cast<int64_t>(out_.size());
    out_.Push<uint8_t>(0);  // patched by EndBitPackedRun
  }
  const size_t offset = out_.size();
  out_.Resize(offset + static_cast<size_t>(bit_width_));
  Pack32(group, 8, bit_width_, out_.data() + offset);
  num_buffered_ = 0;
  repeat_count_ = 0;
  ++bit_packed_groups_;
}

void RleHybridEncoder::EndBitPackedRun() {
  if (bit_packed_header_ < 0) return;
  out_.data()[bit_packed_header_] = static_cast<uint8_t>(bit_packed_groups_ << 1 | 1);
  bit_packed_header_ = -1;
  bit_packed_groups_ = 0;
}

void RleHybridEncoder::WriteRleRun() {
  EndBitPackedRun();
  WriteUleb128(repeat_count_ << 1, &out_);
  const int value_bytes = (bit_width_ + 7) / 8;
  for (int i = 0; i < value_bytes; ++i) out_.Push(static_cast<uint8_t>(previous_ >> (8 * i)));
  repeat_count_ = 0;
  num_buffered_ = 0;
}

void RleHybridEncoder::Flush() {
  if (repeat_count_ >= 8) {
    WriteRleRun();
  } else if (num_buffered_ > 0) {
    std::fill(buffered_ + num_buffered_, buffered_ + 8, 0u);
    WriteBufferedGroup();
  }
  EndBitPackedRun();
}

void RleHybridEncoder::Finish(Buffer* out) {
  Flush();
  out->Append(out_.data(), out_.size());
  out_.Clear();
  num_buffered_ = 0;
  repeat_count_ = 0;
  previous_ = 0;
}

void RleHybridEncoder::FinishWithLengthPrefix(Buffer* out) {
  Flush();
  out->Push(static_cast<uint32_t>(out_.size()));
  Finish(out);
}

// ---------------------------------------------------------------------------------------
// RleHybridDecoder

RleHybridDecoder::RleHybridDecoder(std::span<const uint8_t> data, int bit_width, size_t num_values)
    : data_(data.data()), size_(data.size()), bit_width_(bit_width), values_left_(num_values) {
  if (bit_width < 0 || bit_width > 32) {
    status_ = Status::Corruption("RLE: bit width {} outside [0, 32]", bit_width);
  }
}

Status RleHybridDecoder::NextRun(size_t owed) {
  const size_t start = pos_;
  uint64_t header;
  if (!ReadUleb128(data_, size_, &pos_, &header)) {
    if (pos_ >= size_) {
      return Status::Corruption("RLE: data ends at byte {} with {} values still expected", pos_,
                                owed);
    }
    return Status::Corruption("RLE: truncated or over-long run header at byte {}", start);
  }
  const size_t available = size_ - pos_;
  if (header & 1) {
    const uint64_t groups = header >> 1;
    if (groups == 0 || groups > kMaxRunLength / 8) {
      return Status::Corruption(
          "RLE: bit-packed run of {} groups at byte {} outside [1 value, 2^31 - 1 values]", groups,
          start);
    }
    const uint64_t run_bytes = groups * static_cast<uint64_t>(bit_width_);
    literal_left_ = static_cast<size_t>(std::min<uint64_t>(groups * 8, owed));
    const uint64_t needed = PackedBytes(literal_left_, bit_width_);
    if (needed > available) {
      const size_t wanted = literal_left_;
      literal_left_ = 0;
      return Status::Corruption(
          "RLE: bit-packed run at byte {} needs {} bytes for {} values of bit width {}, only {} "
          "remain",
          start, needed, wanted, bit_width_, available);
    }
    literal_bytes_left_ = static_cast<size_t>(std::min<uint64_t>(run_bytes, available));
  } else {
    const uint64_t count = header >> 1;
    if (count == 0 || count > kMaxRunLength) {
      return Status::Corruption("RLE: run of {} values at byte {} outside [1, 2^31 - 1]", count,
                                start);
    }
    const size_t value_bytes = static_cast<size_t>(bit_width_ + 7) / 8;
    if (value_bytes > available) {
      return Status::Corruption("RLE: run value at byte {} needs {} bytes, only {} remain", pos_,
                                value_bytes, available);
    }
    uint32_t value = 0;
    for (size_t i = 0; i < value_bytes; ++i) value |= uint32_t{data_[pos_ + i]} << (8 * i);
    if (bit_width_ < 32 && (value >> bit_width_) != 0) {
      return Status::Corruption("RLE: run value {} at byte {} does not fit bit width {}", value,
                                pos_, bit_width_);
    }
    pos_ += value_bytes;
    rle_value_ = value;
    rle_left_ = static_cast<size_t>(std::min<uint64_t>(count, owed));
  }
  return Status::OK();
}

void RleHybridDecoder::FillBuffer() {
  const size_t k = std::min(literal_left_, kBufferSize);
  const size_t full = k / kUnpackBatch;
  const size_t batch_bytes = 4 * static_cast<size_t>(bit_width_);
  // NextRun checked that the bytes for literal_left_ values are present, which covers
  // every full batch.
  Unpack32(data_ + pos_, bit_width_, full, buffer_);
  pos_ += full * batch_bytes;
  literal_bytes_left_ -= full * batch_bytes;
  if (k > full * kUnpackBatch) {
    // Tail of the run: unpack from a zero-padded copy so a short final run is never
    // over-read. k < kBufferSize here, so buffer_ has room for a whole batch.
    uint8_t tmp[4 * 32] = {};
    const size_t take = std::min(literal_bytes_left_, batch_bytes);
    if (take > 0) std::memcpy(tmp, data_ + pos_, take);
    Unpack32(tmp, bit_width_, 1, buffer_ + full * kUnpackBatch);
    pos_ += take;
    literal_bytes_left_ -= take;
  }
  literal_left_ -= k;
  if (literal_left_ == 0) {  // skip the run's padding
    pos_ += literal_bytes_left_;
    literal_bytes_left_ = 0;
  }
  buffered_pos_ = 0;
  buffered_end_ = k;
}

template <typename T>
Result<size_t> RleHybridDecoder::Decode(T* out, size_t n) {
  if (!status_.ok()) return status_;
  if (bit_width_ > MaxBitWidthFor<T>()) {
    return Status::InvalidArgument("RLE: bit width {} does not fit a {}-bit output", bit_width_,
                                   MaxBitWidthFor<T>());
  }
  if constexpr (sizeof(T) == 4) {
    // 32-bit outputs: whole batches of a bit-packed run unpack straight into `out`.
    auto* out32 = reinterpret_cast<uint32_t*>(out);
    n = std::min(n, values_left_);
    size_t done = 0;
    while (done < n) {
      const size_t want = n - done;
      if (buffered_pos_ < buffered_end_) {
        const size_t k = std::min(want, buffered_end_ - buffered_pos_);
        std::memcpy(out32 + done, buffer_ + buffered_pos_, k * sizeof(uint32_t));
        buffered_pos_ += k;
        done += k;
      } else if (rle_left_ > 0) {
        const size_t k = std::min(want, rle_left_);
        std::fill_n(out32 + done, k, rle_value_);
        rle_left_ -= k;
        done += k;
      } else if (literal_left_ >= kUnpackBatch && want >= kUnpackBatch) {
        const size_t batches = std::min(literal_left_, want) / kUnpackBatch;
        const size_t bytes = batches * 4 * static_cast<size_t>(bit_width_);
        Unpack32(data_ + pos_, bit_width_, batches, out32 + done);
        pos_ += bytes;
        literal_bytes_left_ -= bytes;
        literal_left_ -= batches * kUnpackBatch;
        done += batches * kUnpackBatch;
        if (literal_left_ == 0) {
          pos_ += literal_bytes_left_;
          literal_bytes_left_ = 0;
        }
      } else if (literal_left_ > 0) {
        FillBuffer();
      } else {
        Status s = NextRun(values_left_ - done);
        if (!s.ok()) return Fail(std::move(s));
      }
    }
    values_left_ -= done;
    return done;
  } else {
    struct ConvertSink {
      T* out;
      Status Repeat(uint32_t value, size_t count) {
        std::fill_n(out, count, static_cast<T>(value));
        out += count;
        return Status::OK();
      }
      Status Literal(const uint32_t* values, size_t count) {
        for (size_t i = 0; i < count; ++i) out[i] = static_cast<T>(values[i]);
        out += count;
        return Status::OK();
      }
    };
    ConvertSink sink{out};
    return DecodeRuns(n, sink);
  }
}

template Result<size_t> RleHybridDecoder::Decode<bool>(bool*, size_t);
template Result<size_t> RleHybridDecoder::Decode<uint8_t>(uint8_t*, size_t);
template Result<size_t> RleHybridDecoder::Decode<int16_t>(int16_t*, size_t);
template Result<size_t> RleHybridDecoder::Decode<uint16_t>(uint16_t*, size_t);
template Result<size_t> RleHybridDecoder::Decode<int32_t>(int32_t*, size_t);
template Result<size_t> RleHybridDecoder::Decode<uint32_t>(uint32_t*, size_t);

// ---------------------------------------------------------------------------------------
// BitPackedLevelDecoder

BitPackedLevelDecoder::BitPackedLevelDecoder(std::span<const uint8_t> data, int bit_width,
                                             size_t num_values)
    : data_(data), bit_width_(bit_width), num_values_(num_values) {}

uint64_t BitPackedLevelDecoder::EncodedSize(uint64_t num_values, int bit_width) {
  return PackedBytes(num_values, bit_width);
}

template <typename T>
Result<size_t> BitPackedLevelDecoder::Decode(T* out, size_t n) {
  if (bit_width_ < 0 || bit_width_ > 32) {
    return Status::Corruption("BIT_PACKED: bit width {} outside [0, 32]", bit_width_);
  }
  if (bit_width_ > MaxBitWidthFor<T>()) {
    return Status::InvalidArgument("BIT_PACKED: bit width {} does not fit a {}-bit output",
                                   bit_width_, MaxBitWidthFor<T>());
  }
  n = std::min(n, num_values_ - next_);
  const uint64_t needed = PackedBytes(next_ + n, bit_width_);
  if (needed > data_.size()) {
    return Status::Corruption(
        "BIT_PACKED: {} values of bit width {} need {} bytes, only {} present", next_ + n,
        bit_width_, needed, data_.size());
  }
  const uint8_t* data = data_.data();
  const int w = bit_width_;
  const uint64_t mask = (uint64_t{1} << w) - 1;
  uint64_t bit = static_cast<uint64_t>(next_) * w;
  for (size_t i = 0; i < n; ++i, bit += w) {
    // Values are packed from the most significant bit of each byte down.
    const size_t byte = bit / 8;
    const int shift = static_cast<int>(bit % 8);
    const int nbytes = (shift + w + 7) / 8;  // <= 5
    uint64_t window = 0;
    for (int j = 0; j < nbytes; ++j) window = window << 8 | data[byte + j];
    out[i] = static_cast<T>((window >> (nbytes * 8 - shift - w)) & mask);
  }
  next_ += n;
  return n;
}

template Result<size_t> BitPackedLevelDecoder::Decode<bool>(bool*, size_t);
template Result<size_t> BitPackedLevelDecoder::Decode<uint8_t>(uint8_t*, size_t);
template Result<size_t> BitPackedLevelDecoder::Decode<int16_t>(int16_t*, size_t);
template Result<size_t> BitPackedLevelDecoder::Decode<uint16_t>(uint16_t*, size_t);
template Result<size_t> BitPackedLevelDecoder::Decode<int32_t>(int32_t*, size_t);
template Result<size_t> BitPackedLevelDecoder::Decode<uint32_t>(uint32_t*, size_t);

}  // namespace floe::parquet
