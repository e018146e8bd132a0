// Dictionary encoding (RLE_DICTIONARY = 8, and the deprecated PLAIN_DICTIONARY = 2) for every
// physical type but BOOLEAN (apache/parquet-format Encodings.md):
//   dictionary page := the distinct values, PLAIN-encoded (plain.h)
//   data page       := <bit width: 1 byte, <= 32> <indices, RLE/bit-packed hybrid>
//
// T is int32_t, int64_t, float, double, Int96 or ByteArray (BYTE_ARRAY, and
// FIXED_LEN_BYTE_ARRAY given a fixed width). Floating-point values are keyed by their bits,
// so -0.0 and 0.0, and NaNs with different payloads, are distinct entries.
//
// Not thread-safe; distinct instances are independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/format/parquet/encoding/plain.h"
#include "floe/format/parquet/encoding/rle_hybrid.h"
#include "floe/format/parquet/types.h"

namespace floe::parquet {

template <typename T>
concept DictionaryType = PlainFixedType<T> || std::is_same_v<T, ByteArray>;

// Builds a column chunk's dictionary and the index stream of its current data page.
//
// Usage: Put() each batch; when a page is full, WriteIndices() into the page body; at the end
// of the chunk (or when dictionary_size_bytes() passes the writer's limit, after which the
// writer falls back to PLAIN for the rest of the chunk), WriteDictionaryPage().
// Lookups use an open-addressing table (linear probing, load <= 1/2); byte arrays are hashed
// with XXH3 and their bytes copied into the encoder.
template <DictionaryType T>
class DictionaryEncoder {
 public:
  // fixed_width > 0 makes a ByteArray encoder FIXED_LEN_BYTE_ARRAY: the dictionary page holds
  // the bytes without lengths. REQUIRES then: every value put is fixed_width bytes long.
  explicit DictionaryEncoder(int fixed_width = 0);

  // Appends one index per value, adding unseen values to the dictionary.
  void Put(std::span<const T> values);

  size_t num_entries() const { return num_entries_; }
  // Entry i of a ByteArray encoder: a view of the encoder's copy, valid until the next Put.
  ByteArray entry(size_t i) const requires std::is_same_v<T, ByteArray> { return Entry(i); }
  // Size of the PLAIN-encoded dictionary page body WriteDictionaryPage would append.
  size_t dictionary_size_bytes() const;
  // Indices buffered since the last WriteIndices/ClearIndices.
  std::span<const uint32_t> indices() const { return indices_.span<uint32_t>(); }
  // Bit width WriteIndices uses: enough for num_entries() - 1, and at least 1.
  int bit_width() const;

  // Appends the PLAIN-encoded dictionary values in index order.
  void WriteDictionaryPage(Buffer* out) const;
  // Appends the bit-width byte and the RLE/bit-packed hybrid indices, then clears them.
  void WriteIndices(Buffer* out);
  void ClearIndices() { indices_.Clear(); }

 private:
  // Keys of 4- and 8-byte types are their bits, stored in the slot; others keep a hash tag
  // and compare against the stored value.
  static constexpr bool kInlineKey = sizeof(T) <= 8 && !std::is_same_v<T, ByteArray>;
  using Key = std::conditional_t<kInlineKey && sizeof(T) == 8, uint64_t, uint32_t>;
  struct Slot {
    Key key;  // kInlineKey: the value's bits; otherwise the hash's high half
    uint32_t index;
  };
  static constexpr uint32_t kEmpty = UINT32_MAX;

  uint32_t GetOrInsert(const T& value, uint64_t hash);
  // Hints the cache lines a later GetOrInsert of a value with this hash will touch: the slot
  // it starts probing at; then, once that line is likely loaded, the entry's offset (or
  // value), and once that is, the entry's bytes. Reads only what is in bounds now; a stale
  // guess costs nothing but the hint.
  void PrefetchSlot(uint64_t hash) const;
  void PrefetchEntry(uint64_t hash, bool bytes) const;
  uint32_t Insert(size_t slot, Key key, const T& value);
  void Grow();
  ByteArray Entry(size_t i) const {
    return ByteArray{bytes_.data() + offsets_[i],
                     static_cast<uint32_t>(offsets_[i + 1] - offsets_[i])};
  }

  int fixed_width_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  int shift_ = 0;  // 64 - log2(slots_.size())
  size_t num_entries_ = 0;
  std::vector<T> values_;          // fixed-size types, in index order
  Buffer bytes_;                   // ByteArray: the entries' bytes
  std::vector<uint64_t> offsets_;  // ByteArray: entry i is bytes_[offsets_[i], offsets_[i+1])
  Buffer indices_;                 // uint32_t
};

// Decodes a data page of dictionary indices into values gathered from the dictionary.
// Every index is checked against the dictionary size (kCorruption, sticky).
template <DictionaryType T>
class DictionaryDecoder {
 public:
  DictionaryDecoder() = default;
  // `dictionary`: the decoded dictionary page (for ByteArray, views into the dictionary page's
  // bytes). The caller keeps it, and what it points into, alive while this decoder and the
  // values it returns are in use. `data`: the page's values section (bit-width byte, then
  // indices), which must outlive the decoder. A page of zero values may have no bit-width byte.
  DictionaryDecoder(std::span<const T> dictionary, std::span<const uint8_t> data,
                    size_t num_values);

  // Decodes min(n, values left) values; returns the count. ByteArray values are the
  // dictionary's views.
  Result<size_t> Decode(T* out, size_t n);
  // The validated indices themselves, for callers that keep data dictionary-encoded.
  Result<size_t> DecodeIndices(uint32_t* out, size_t n);

  size_t values_left() const { return indices_.values_left(); }

 private:
  std::span<const T> dictionary_;
  RleHybridDecoder indices_;
  size_t num_values_ = 0;
  Status status_;
};

extern template class DictionaryEncoder<int32_t>;
extern template class DictionaryEncoder<int64_t>;
extern template class DictionaryEncoder<float>;
extern template class DictionaryEncoder<double>;
extern template class DictionaryEncoder<Int96>;
extern template class DictionaryEncoder<ByteArray>;
extern template class DictionaryDecoder<int32_t>;
extern template class DictionaryDecoder<int64_t>;
extern template class DictionaryDecoder<float>;
extern template class DictionaryDecoder<double>;
extern template class DictionaryDecoder<Int96>;
extern template class DictionaryDecoder<ByteArray>;

}  // namespace floe::parquet
