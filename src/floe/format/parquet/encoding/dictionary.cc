#include "floe/format/parquet/encoding/dictionary.h"

#include <algorithm>
#include <bit>
#include <cstring>

// Inline XXH3 (header-only build): no call through the shared library for short keys.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "floe/format/parquet/encoding/bit_util.h"

namespace floe::parquet {

namespace {

constexpr size_t kInitialSlots = 1024;

// Fibonacci hashing: the multiplier is odd, so distinct keys give distinct products, and the
// high bits are well mixed.
inline uint64_t MixBits(uint64_t key) { return key * 0x9E3779B97F4A7C15ULL; }

// Up to 16 bytes (most dictionary strings: codes, names, hex ids) hashed inline: the bytes as
// two words (overlapping when shorter), folded by one 64x64->128 multiply. XXH3 is not
// inlined at its call sites and costs a call per value.
inline uint64_t ShortBytesHash(const uint8_t* p, uint32_t len) {
  uint64_t lo = 0, hi = 0;
  if (len >= 8) {
    std::memcpy(&lo, p, 8);
    std::memcpy(&hi, p + len - 8, 8);
  } else if (len >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + len - 4, 4);
    lo = a;
    hi = b;
  } else if (len > 0) {
    lo = uint64_t{p[0]} | uint64_t{p[len / 2]} << 8 | uint64_t{p[len - 1]} << 16;
  }
  const unsigned __int128 m = static_cast<unsigned __int128>(lo ^ 0xA0761D6478BD642FULL) *
                              (hi ^ 0xE7037ED1A0B428DBULL ^ len);
  return MixBits(static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64));
}

template <typename T>
__attribute__((always_inline)) inline uint64_t HashValue(const T& v) {
  if constexpr (std::is_same_v<T, ByteArray>) {
    return v.len <= 16 ? ShortBytesHash(v.ptr, v.len) : XXH3_64bits(v.ptr, v.len);
  } else if constexpr (std::is_same_v<T, Int96>) {
    return XXH3_64bits(&v, sizeof(v));
  } else if constexpr (sizeof(T) == 4) {
    return MixBits(std::bit_cast<uint32_t>(v));
  } else {
    return MixBits(std::bit_cast<uint64_t>(v));
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------
// DictionaryEncoder

template <DictionaryType T>
DictionaryEncoder<T>::DictionaryEncoder(int fixed_width) : fixed_width_(fixed_width) {
  slots_.assign(kInitialSlots, Slot{0, kEmpty});
  mask_ = kInitialSlots - 1;
  shift_ = 64 - std::countr_zero(kInitialSlots);
  if constexpr (std::is_same_v<T, ByteArray>) offsets_.push_back(0);
}

template <DictionaryType T>
uint32_t DictionaryEncoder<T>::Insert(size_t slot, Key key, const T& value) {
  const uint32_t index = static_cast<uint32_t>(num_entries_++);
  slots_[slot] = Slot{key, index};
  if constexpr (std::is_same_v<T, ByteArray>) {
    bytes_.Append(value.ptr, value.len);
    offsets_.push_back(bytes_.size());
  } else {
    values_.push_back(value);
  }
  if (num_entries_ * 2 > slots_.size()) Grow();
  return index;
}

template <DictionaryType T>
__attribute__((always_inline)) inline uint32_t DictionaryEncoder<T>::GetOrInsert(const T& value,
                                                                                 uint64_t hash) {
  size_t slot = static_cast<size_t>(hash >> shift_);
  if constexpr (kInlineKey) {
    const Key key = std::bit_cast<Key>(value);
    while (true) {
      const Slot& s = slots_[slot];
      if (s.index == kEmpty) return Insert(slot, key, value);
      if (s.key == key) return s.index;
      slot = (slot + 1) & mask_;
    }
  } else {
    const Key tag = static_cast<Key>(hash);  // low half; the slot came from the high bits
    while (true) {
      const Slot& s = slots_[slot];
      if (s.index == kEmpty) return Insert(slot, tag, value);
      if (s.key == tag) {
        if constexpr (std::is_same_v<T, ByteArray>) {
          const ByteArray e = Entry(s.index);
          if (e.len == value.len && BytesEqual(e.ptr, value.ptr, value.len)) {
            return s.index;
          }
        } else if (values_[s.index] == value) {
          return s.index;
        }
      }
      slot = (slot + 1) & mask_;
    }
  }
}

template <DictionaryType T>
void DictionaryEncoder<T>::Grow() {
  std::vector<Slot> old = std::move(slots_);
  const size_t size = old.size() * 2;
  slots_.assign(size, Slot{0, kEmpty});
  mask_ = size - 1;
  shift_ = 64 - std::countr_zero(size);
  for (const Slot& s : old) {
    if (s.index == kEmpty) continue;
    uint64_t hash;
    if constexpr (kInlineKey) {
      hash = MixBits(s.key);
    } else if constexpr (std::is_same_v<T, ByteArray>) {
      hash = HashValue(Entry(s.index));
    } else {
      hash = HashValue(values_[s.index]);
    }
    size_t slot = static_cast<size_t>(hash >> shift_);
    while (slots_[slot].index != kEmpty) slot = (slot + 1) & mask_;
    slots_[slot] = s;
  }
}

template <DictionaryType T>
void DictionaryEncoder<T>::Put(std::span<const T> values) {
  const size_t offset = indices_.size();
  indices_.Resize(offset + values.size() * sizeof(uint32_t));
  // Re-read the data pointer per value: Insert never touches indices_, so this is stable.
  uint32_t* out = reinterpret_cast<uint32_t*>(indices_.data() + offset);
  const size_t n = values.size();
  if constexpr (kInlineKey) {
    for (size_t i = 0; i < n; ++i) out[i] = GetOrInsert(values[i], HashValue(values[i]));
  } else {
    // A hit on a large dictionary misses the cache up to three times in a row (slot, entry
    // offset, entry bytes). Hashing values early and hinting each of the three loads some
    // values before it is needed lets those misses overlap instead of queueing one after
    // another: the slot kAhead values ahead, what it names kEntryAhead values ahead, and the
    // bytes that names kBytesAhead values ahead.
    constexpr size_t kAhead = 32;  // a power of two: the ring of hashes is indexed by mask
    constexpr size_t kEntryAhead = 16;
    constexpr size_t kBytesAhead = 8;
    uint64_t hashes[kAhead];
    const size_t primed = std::min(n, kAhead);
    for (size_t i = 0; i < primed; ++i) {
      hashes[i] = HashValue(values[i]);
      PrefetchSlot(hashes[i]);
    }
    for (size_t i = 0; i < n; ++i) {
      if (i + kEntryAhead < n) PrefetchEntry(hashes[(i + kEntryAhead) % kAhead], false);
      if (i + kBytesAhead < n) PrefetchEntry(hashes[(i + kBytesAhead) % kAhead], true);
      const uint64_t hash = hashes[i % kAhead];
      if (i + kAhead < n) {
        const uint64_t next = HashValue(values[i + kAhead]);
        hashes[i % kAhead] = next;
        PrefetchSlot(next);
      }
      out[i] = GetOrInsert(values[i], hash);
    }
  }
}

template <DictionaryType T>
void DictionaryEncoder<T>::PrefetchSlot(uint64_t hash) const {
  __builtin_prefetch(&slots_[static_cast<size_t>(hash >> shift_)]);
}

template <DictionaryType T>
void DictionaryEncoder<T>::PrefetchEntry(uint64_t hash, bool bytes) const {
  const Slot& s = slots_[static_cast<size_t>(hash >> shift_)];
  if (s.index == kEmpty || s.key != static_cast<Key>(hash)) return;
  if constexpr (std::is_same_v<T, ByteArray>) {
    if (bytes) {
      __builtin_prefetch(bytes_.data() + offsets_[s.index]);
    } else {
      __builtin_prefetch(&offsets_[s.index]);
    }
  } else {
    if (!bytes) __builtin_prefetch(&values_[s.index]);
  }
}

template <DictionaryType T>
size_t DictionaryEncoder<T>::dictionary_size_bytes() const {
  if constexpr (std::is_same_v<T, ByteArray>) {
    return fixed_width_ > 0 ? bytes_.size() : bytes_.size() + 4 * num_entries_;
  } else {
    return num_entries_ * sizeof(T);
  }
}

template <DictionaryType T>
int DictionaryEncoder<T>::bit_width() const {
  return num_entries_ <= 1 ? 1 : BitWidth(num_entries_ - 1);
}

template <DictionaryType T>
void DictionaryEncoder<T>::WriteDictionaryPage(Buffer* out) const {
  if constexpr (std::is_same_v<T, ByteArray>) {
    if (fixed_width_ > 0) {
      out->Append(bytes_.data(), bytes_.size());
      return;
    }
    size_t pos = out->size();
    out->Resize(pos + dictionary_size_bytes());
    for (size_t i = 0; i < num_entries_; ++i) {
      const ByteArray e = Entry(i);
      StoreLE<uint32_t>(out->data() + pos, e.len);
      if (e.len > 0) std::memcpy(out->data() + pos + 4, e.ptr, e.len);
      pos += 4 + e.len;
    }
  } else {
    PlainEncode(std::span<const T>(values_), out);
  }
}

template <DictionaryType T>
void DictionaryEncoder<T>::WriteIndices(Buffer* out) {
  const int width = bit_width();
  out->Push(static_cast<uint8_t>(width));
  RleHybridEncoder encoder(width);
  encoder.Put(indices());
  encoder.Finish(out);
  indices_.Clear();
}

// ---------------------------------------------------------------------------------------
// DictionaryDecoder

namespace {

// Validates indices against the dictionary size and gathers values.
template <typename T>
struct GatherSink {
  const T* dictionary;
  uint32_t size;
  T* out;
  T* begin;
  size_t first_value;  // index of begin[0] within the page, for messages

  Status OutOfRange(uint32_t index, size_t at) const {
    return Status::Corruption("value {} has dictionary index {}, the dictionary has {} entries",
                              first_value + at, index, size);
  }
  Status Repeat(uint32_t index, size_t count) {
    if (index >= size) return OutOfRange(index, out - begin);
    std::fill_n(out, count, dictionary[index]);
    out += count;
    return Status::OK();
  }
  Status Literal(const uint32_t* indices, size_t count) {
    uint32_t max = 0;
    for (size_t i = 0; i < count; ++i) max = std::max(max, indices[i]);
    if (max >= size) {
      const size_t at =
          std::find_if(indices, indices + count, [&](uint32_t x) { return x >= size; }) - indices;
      return OutOfRange(indices[at], out - begin + at);
    }
    for (size_t i = 0; i < count; ++i) out[i] = dictionary[indices[i]];
    out += count;
    return Status::OK();
  }
};

struct IndexSink {
  uint32_t size;
  uint32_t* out;
  uint32_t* begin;
  size_t first_value;

  Status OutOfRange(uint32_t index, size_t at) const {
    return Status::Corruption("value {} has dictionary index {}, the dictionary has {} entries",
                              first_value + at, index, size);
  }
  Status Repeat(uint32_t index, size_t count) {
    if (index >= size) return OutOfRange(index, out - begin);
    std::fill_n(out, count, index);
    out += count;
    return Status::OK();
  }
  Status Literal(const uint32_t* indices, size_t count) {
    uint32_t max = 0;
    for (size_t i = 0; i < count; ++i) max = std::max(max, indices[i]);
    if (max >= size) {
      const size_t at =
          std::find_if(indices, indices + count, [&](uint32_t x) { return x >= size; }) - indices;
      return OutOfRange(indices[at], out - begin + at);
    }
    std::memcpy(out, indices, count * sizeof(uint32_t));
    out += count;
    return Status::OK();
  }
};

}  // namespace

template <DictionaryType T>
DictionaryDecoder<T>::DictionaryDecoder(std::span<const T> dictionary,
                                        std::span<const uint8_t> data, size_t num_values)
    : dictionary_(dictionary), num_values_(num_values) {
  if (data.empty()) {
    if (num_values > 0) {
      status_ =
          Status::Corruption("RLE_DICTIONARY: bit-width byte missing for {} values", num_values);
    }
    return;
  }
  const int width = data[0];
  if (width > 32) {
    status_ = Status::Corruption("RLE_DICTIONARY: index bit width {} > 32 at byte 0", width);
    return;
  }
  if (dictionary.size() > UINT32_MAX) {
    status_ = Status::Corruption("RLE_DICTIONARY: dictionary of {} entries is too large",
                                 dictionary.size());
    return;
  }
  indices_ = RleHybridDecoder(data.subspan(1), width, num_values);
}

template <DictionaryType T>
Result<size_t> DictionaryDecoder<T>::Decode(T* out, size_t n) {
  if (!status_.ok()) return status_;
  GatherSink<T> sink{dictionary_.data(), static_cast<uint32_t>(dictionary_.size()), out, out,
                     num_values_ - indices_.values_left()};
  Result<size_t> r = indices_.DecodeRuns(n, sink);
  if (!r.ok()) return r.status().WithContext("RLE_DICTIONARY indices");
  return r;
}

template <DictionaryType T>
Result<size_t> DictionaryDecoder<T>::DecodeIndices(uint32_t* out, size_t n) {
  if (!status_.ok()) return status_;
  IndexSink sink{static_cast<uint32_t>(dictionary_.size()), out, out,
                 num_values_ - indices_.values_left()};
  Result<size_t> r = indices_.DecodeRuns(n, sink);
  if (!r.ok()) return r.status().WithContext("RLE_DICTIONARY indices");
  return r;
}

template class DictionaryEncoder<int32_t>;
template class DictionaryEncoder<int64_t>;
template class DictionaryEncoder<float>;
template class DictionaryEncoder<double>;
template class DictionaryEncoder<Int96>;
template class DictionaryEncoder<ByteArray>;
template class DictionaryDecoder<int32_t>;
template class DictionaryDecoder<int64_t>;
template class DictionaryDecoder<float>;
template class DictionaryDecoder<double>;
template class DictionaryDecoder<Int96>;
template class DictionaryDecoder<ByteArray>;

}  // namespace floe::parquet
