#include "floe/format/parquet/encoding/delta_binary_packed.h"

#include <cstring>

#include "floe/format/parquet/encoding/bit_pack.h"
#include "floe/format/parquet/encoding/bit_util.h"

namespace floe::parquet {

namespace {

constexpr uint64_t kMaxBlockSize = uint64_t{1} << 31;

struct DeltaHeader {
  uint64_t block_size = 0;
  uint64_t miniblocks = 0;
  uint64_t values_per_miniblock = 0;
  uint64_t total = 0;
  uint64_t first_zigzag = 0;
  size_t end = 0;  // offset of the first block
};

Status ParseHeader(const uint8_t* data, size_t size, DeltaHeader* h) {
  size_t pos = 0;
  const char* field = nullptr;
  if (!ReadUleb128(data, size, &pos, &h->block_size)) {
    field = "block size";
  } else if (!ReadUleb128(data, size, &pos, &h->miniblocks)) {
    field = "miniblock count";
  } else if (!ReadUleb128(data, size, &pos, &h->total)) {
    field = "value count";
  } else if (!ReadUleb128(data, size, &pos, &h->first_zigzag)) {
    field = "first value";
  }
  if (field != nullptr) {
    return Status::Corruption("DELTA_BINARY_PACKED: header {} at byte {} truncated or malformed",
                              field, pos);
  }
  if (h->block_size == 0 || h->block_size % 128 != 0 || h->block_size > kMaxBlockSize) {
    return Status::Corruption(
        "DELTA_BINARY_PACKED: block size {} is not a positive multiple of 128 (at most 2^31)",
        h->block_size);
  }
  if (h->miniblocks == 0 || h->block_size % h->miniblocks != 0 ||
      (h->block_size / h->miniblocks) % 32 != 0) {
    return Status::Corruption(
        "DELTA_BINARY_PACKED: {} miniblocks do not split a block of {} values into multiples of "
        "32",
        h->miniblocks, h->block_size);
  }
  h->values_per_miniblock = h->block_size / h->miniblocks;
  h->end = pos;
  return Status::OK();
}

template <typename U>
void Unpack(const uint8_t* in, int bit_width, size_t num_batches, U* out) {
  if constexpr (sizeof(U) == 4) {
    Unpack32(in, bit_width, num_batches, out);
  } else {
    Unpack64(in, bit_width, num_batches, out);
  }
}

template <typename U>
void Pack(const U* in, size_t count, int bit_width, uint8_t* out) {
  if constexpr (sizeof(U) == 4) {
    Pack32(in, count, bit_width, out);
  } else {
    Pack64(in, count, bit_width, out);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Encoder

template <DeltaInt T>
void DeltaBinaryPackedEncoder<T>::Put(std::span<const T> values) {
  size_t i = 0;
  if (total_ == 0 && !values.empty()) {
    first_ = last_ = static_cast<U>(values[0]);
    i = 1;
  }
  for (; i < values.size(); ++i) {
    const U v = static_cast<U>(values[i]);
    deltas_[num_deltas_++] = v - last_;
    last_ = v;
    if (num_deltas_ == kBlockSize) FlushBlock();
  }
  total_ += values.size();
}

template <DeltaInt T>
void DeltaBinaryPackedEncoder<T>::FlushBlock() {
  if (num_deltas_ == 0) return;
  T min_delta = static_cast<T>(deltas_[0]);
  for (size_t i = 1; i < num_deltas_; ++i)
    min_delta = std::min(min_delta, static_cast<T>(deltas_[i]));
  const U md = static_cast<U>(min_delta);
  for (size_t i = 0; i < num_deltas_; ++i) deltas_[i] -= md;
  std::fill(deltas_ + num_deltas_, deltas_ + kBlockSize, U{0});  // padding packs as zeros

  WriteUleb128(ZigZagEncode(static_cast<int64_t>(min_delta)), &blocks_);
  const size_t used = (num_deltas_ + kMiniblockSize - 1) / kMiniblockSize;
  uint8_t widths[kMiniblocks] = {};
  size_t data_bytes = 0;
  for (size_t m = 0; m < used; ++m) {
    U bits = 0;
    for (size_t i = 0; i < kMiniblockSize; ++i) bits |= deltas_[m * kMiniblockSize + i];
    widths[m] = static_cast<uint8_t>(BitWidth(bits));
    data_bytes += 4 * widths[m];
  }
  blocks_.Append(widths, kMiniblocks);
  size_t offset = blocks_.size();
  blocks_.Resize(offset + data_bytes);
  for (size_t m = 0; m < used; ++m) {
    Pack(deltas_ + m * kMiniblockSize, kMiniblockSize, widths[m], blocks_.data() + offset);
    offset += 4 * widths[m];
  }
  num_deltas_ = 0;
}

template <DeltaInt T>
void DeltaBinaryPackedEncoder<T>::Finish(Buffer* out) {
  FlushBlock();
  WriteUleb128(kBlockSize, out);
  WriteUleb128(kMiniblocks, out);
  WriteUleb128(total_, out);
  WriteUleb128(ZigZagEncode(static_cast<int64_t>(static_cast<T>(first_))), out);
  out->Append(blocks_.data(), blocks_.size());
  blocks_.Clear();
  num_deltas_ = 0;
  first_ = last_ = 0;
  total_ = 0;
}

// ---------------------------------------------------------------------------------------
// Decoder

template <DeltaInt T>
DeltaBinaryPackedDecoder<T>::DeltaBinaryPackedDecoder(std::span<const uint8_t> data,
                                                      size_t num_values)
    : data_(data.data()), size_(data.size()), values_left_(num_values) {
  if (num_values == 0) return;  // nothing to read; some writers leave such pages empty
  DeltaHeader h;
  Status s = ParseHeader(data_, size_, &h);
  if (s.ok() && h.total < num_values) {
    s = Status::Corruption("DELTA_BINARY_PACKED: header holds {} values, the page needs {}",
                           h.total, num_values);
  }
  if (!s.ok()) {
    status_ = std::move(s);
    return;
  }
  pos_ = h.end;
  miniblocks_per_block_ = h.miniblocks;
  values_per_miniblock_ = h.values_per_miniblock;
  last_ = static_cast<U>(ZigZagDecode(h.first_zigzag));
  first_pending_ = true;
}

template <DeltaInt T>
Status DeltaBinaryPackedDecoder<T>::StartMiniblock() {
  if (!in_block_ || miniblock_index_ == miniblocks_per_block_) {
    const size_t start = pos_;
    uint64_t zigzag;
    if (!ReadUleb128(data_, size_, &pos_, &zigzag)) {
      return Status::Corruption(
          "DELTA_BINARY_PACKED: block min delta at byte {} truncated or malformed", start);
    }
    min_delta_ = static_cast<U>(ZigZagDecode(zigzag));
    if (miniblocks_per_block_ > size_ - pos_) {
      return Status::Corruption(
          "DELTA_BINARY_PACKED: {} miniblock bit widths at byte {} truncated, only {} bytes "
          "remain",
          miniblocks_per_block_, pos_, size_ - pos_);
    }
    widths_pos_ = pos_;
    pos_ += miniblocks_per_block_;
    miniblock_index_ = 0;
    in_block_ = true;
  }
  const size_t width_pos = widths_pos_ + miniblock_index_;
  const int w = data_[width_pos];
  constexpr int kMaxWidth = static_cast<int>(sizeof(T) * 8);
  if (w > kMaxWidth) {
    return Status::Corruption("DELTA_BINARY_PACKED: miniblock bit width {} > {} at byte {}", w,
                              kMaxWidth, width_pos);
  }
  const uint64_t bytes = values_per_miniblock_ * static_cast<uint64_t>(w) / 8;
  if (bytes > size_ - pos_) {
    return Status::Corruption(
        "DELTA_BINARY_PACKED: miniblock at byte {} needs {} bytes ({} values of bit width {}), "
        "only {} remain",
        pos_, bytes, values_per_miniblock_, w, size_ - pos_);
  }
  ++miniblock_index_;
  bit_width_ = w;
  miniblock_left_ = values_per_miniblock_;
  return Status::OK();
}

template <DeltaInt T>
Result<size_t> DeltaBinaryPackedDecoder<T>::Decode(T* out, size_t n) {
  if (!status_.ok()) return status_;
  n = std::min(n, values_left_);
  size_t done = 0;
  if (n > 0 && first_pending_) {
    out[0] = static_cast<T>(last_);
    first_pending_ = false;
    done = 1;
  }
  U* o = reinterpret_cast<U*>(out);
  while (done < n) {
    const size_t want = n - done;
    if (buffered_pos_ < buffered_end_) {
      const size_t k = std::min(want, buffered_end_ - buffered_pos_);
      const U md = min_delta_;
      U last = last_;
      for (size_t j = 0; j < k; ++j) {
        last += md + buffer_[buffered_pos_ + j];
        o[done + j] = last;
      }
      last_ = last;
      buffered_pos_ += k;
      done += k;
    } else if (miniblock_left_ > 0) {
      const size_t batch_bytes = 4 * static_cast<size_t>(bit_width_);
      if (want >= 32 && miniblock_left_ >= 32) {
        // Whole batches unpack into `out` and are prefix-summed in place.
        const size_t batches = static_cast<size_t>(std::min<uint64_t>(want, miniblock_left_) / 32);
        Unpack(data_ + pos_, bit_width_, batches, o + done);
        const U md = min_delta_;
        U last = last_;
        const size_t k = batches * 32;
        for (size_t j = 0; j < k; ++j) {
          last += md + o[done + j];
          o[done + j] = last;
        }
        last_ = last;
        pos_ += batches * batch_bytes;
        miniblock_left_ -= k;
        done += k;
      } else {
        Unpack(data_ + pos_, bit_width_, 1, buffer_);
        pos_ += batch_bytes;
        miniblock_left_ -= 32;
        buffered_pos_ = 0;
        buffered_end_ = 32;
      }
    } else {
      Status s = StartMiniblock();
      if (!s.ok()) return Fail(std::move(s));
    }
  }
  values_left_ -= done;
  return done;
}

template <DeltaInt T>
Result<size_t> DeltaBinaryPackedDecoder<T>::EncodedSize(std::span<const uint8_t> data) {
  const uint8_t* p = data.data();
  const size_t size = data.size();
  DeltaHeader h;
  FLOE_RETURN_IF_ERROR(ParseHeader(p, size, &h));
  constexpr int kMaxWidth = static_cast<int>(sizeof(T) * 8);
  size_t pos = h.end;
  uint64_t deltas = h.total > 0 ? h.total - 1 : 0;
  // Every block takes at least two bytes, so this loop is bounded by the input size.
  while (deltas > 0) {
    const size_t start = pos;
    uint64_t zigzag;
    if (!ReadUleb128(p, size, &pos, &zigzag)) {
      return Status::Corruption(
          "DELTA_BINARY_PACKED: block min delta at byte {} truncated or malformed", start);
    }
    if (h.miniblocks > size - pos) {
      return Status::Corruption(
          "DELTA_BINARY_PACKED: {} miniblock bit widths at byte {} truncated, only {} bytes "
          "remain",
          h.miniblocks, pos, size - pos);
    }
    const size_t widths = pos;
    pos += h.miniblocks;
    const uint64_t in_block = std::min(deltas, h.block_size);
    const uint64_t needed = (in_block + h.values_per_miniblock - 1) / h.values_per_miniblock;
    for (uint64_t m = 0; m < needed; ++m) {
      const int w = p[widths + m];
      if (w > kMaxWidth) {
        return Status::Corruption("DELTA_BINARY_PACKED: miniblock bit width {} > {} at byte {}", w,
                                  kMaxWidth, widths + m);
      }
      const uint64_t bytes = h.values_per_miniblock * static_cast<uint64_t>(w) / 8;
      if (bytes > size - pos) {
        return Status::Corruption(
            "DELTA_BINARY_PACKED: miniblock at byte {} needs {} bytes ({} values of bit width "
            "{}), only {} remain",
            pos, bytes, h.values_per_miniblock, w, size - pos);
      }
      pos += bytes;
    }
    deltas -= in_block;
  }
  return pos;
}

template class DeltaBinaryPackedEncoder<int32_t>;
template class DeltaBinaryPackedEncoder<int64_t>;
template class DeltaBinaryPackedDecoder<int32_t>;
template class DeltaBinaryPackedDecoder<int64_t>;

}  // namespace floe::parquet
