#include "floe/format/parquet/column_writer.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <mutex>
#include <type_traits>
#include <vector>

#include "floe/format/parquet/bloom_filter.h"
#include "floe/format/parquet/compression.h"
#include "floe/format/parquet/encoding/bit_util.h"
#include "floe/format/parquet/encoding/byte_stream_split.h"
#include "floe/format/parquet/encoding/delta_binary_packed.h"
#include "floe/format/parquet/encoding/delta_byte_array.h"
#include "floe/format/parquet/encoding/delta_length_byte_array.h"
#include "floe/format/parquet/encoding/dictionary.h"
#include "floe/format/parquet/encoding/plain.h"
#include "floe/format/parquet/encoding/rle_hybrid.h"
#include "floe/format/parquet/page_crc.h"
#include "floe/format/parquet/page_index.h"
#include "floe/format/parquet/statistics.h"

namespace floe::parquet {

namespace {

// ---------------------------------------------------------------------------------------
// Distinct 64-bit hashes (Bloom filter input): open addressing, linear probing.

class HashSet {
 public:
  void Insert(uint64_t h) {
    if (h == 0) {
      has_zero_ = true;
      return;
    }
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    size_t i = Slot(h);
    while (slots_[i] != 0) {
      if (slots_[i] == h) return;
      i = (i + 1) & mask_;
    }
    slots_[i] = h;
    ++size_;
  }
  size_t size() const { return size_ + (has_zero_ ? 1 : 0); }
  template <typename F>
  void ForEach(F&& f) const {
    if (has_zero_) f(uint64_t{0});
    for (uint64_t h : slots_) {
      if (h != 0) f(h);
    }
  }
  void Clear() {
    slots_.clear();
    size_ = 0;
    mask_ = 0;
    has_zero_ = false;
  }

 private:
  size_t Slot(uint64_t h) const { return (h * 0x9E3779B97F4A7C15ull) >> shift_ & mask_; }
  void Grow() {
    std::vector<uint64_t> old = std::move(slots_);
    const size_t cap = old.empty() ? 1024 : old.size() * 2;
    slots_.assign(cap, 0);
    mask_ = cap - 1;
    shift_ = 64 - std::countr_zero(cap);
    size_ = 0;
    for (uint64_t h : old) {
      if (h != 0) Insert(h);
    }
  }

  std::vector<uint64_t> slots_;
  size_t size_ = 0;
  size_t mask_ = 0;
  int shift_ = 64;
  bool has_zero_ = false;
};

// ---------------------------------------------------------------------------------------
// Gathering leaf values into their physical type.

struct GatherScratch {
  Buffer values;  // dense T values
  Buffer bytes;   // bytes the ByteArrays point into (decimals as FIXED_LEN_BYTE_ARRAY)
};

// Calls f(row, k) for the k-th present value among ordinals [v0, v1) (slots [l0, l1)).
template <typename F>
inline void ForEachValueRow(const ShreddedLeaf& leaf, int64_t l0, int64_t l1, int64_t v0,
                            int64_t v1, F&& f) {
  switch (leaf.value_map) {
    case ShreddedLeaf::ValueMap::kAll: {
      const int64_t base = leaf.row_offset + l0;
      for (int64_t k = 0; k < v1 - v0; ++k) f(base + k, k);
      break;
    }
    case ShreddedLeaf::ValueMap::kLevels: {
      const int16_t* def = leaf.def_levels;
      const int16_t max_def = leaf.column->max_def_level;
      int64_t k = 0;
      for (int64_t l = l0; l < l1; ++l) {
        if (def[l] == max_def) f(leaf.row_offset + l, k++);
      }
      break;
    }
    case ShreddedLeaf::ValueMap::kIndices: {
      const int64_t* idx = leaf.indices + v0;
      for (int64_t k = 0; k < v1 - v0; ++k) f(idx[k], k);
      break;
    }
  }
}

template <typename T>
T* PrepareOut(GatherScratch* s, int64_t n) {
  s->values.Resize(static_cast<size_t>(n) * sizeof(T));
  return s->values.as<T>();
}

// Values whose columnar layout is already the physical one (same width and bits).
template <typename T, typename Stored = T>
std::span<const T> GatherSame(const ShreddedLeaf& leaf, int64_t l0, int64_t l1, int64_t v0,
                              int64_t v1, GatherScratch* s) {
  static_assert(sizeof(T) == sizeof(Stored));
  const T* src = reinterpret_cast<const T*>(leaf.values->values.data());
  const int64_t n = v1 - v0;
  if (leaf.value_map == ShreddedLeaf::ValueMap::kAll) {
    return {src + leaf.row_offset + l0, static_cast<size_t>(n)};
  }
  T* out = PrepareOut<T>(s, n);
  ForEachValueRow(leaf, l0, l1, v0, v1, [&](int64_t row, int64_t k) { out[k] = src[row]; });
  return {out, static_cast<size_t>(n)};
}

// Integers converted to INT32 (narrow ones widened; TIME(MILLIS) from int64).
template <typename From>
std::span<const int32_t> GatherCast(const ShreddedLeaf& leaf, int64_t l0, int64_t l1, int64_t v0,
                                    int64_t v1, GatherScratch* s) {
  const From* src = leaf.values->values.as<From>();
  const int64_t n = v1 - v0;
  int32_t* out = PrepareOut<int32_t>(s, n);
  ForEachValueRow(leaf, l0, l1, v0, v1,
                  [&](int64_t row, int64_t k) { out[k] = static_cast<int32_t>(src[row]); });
  return {out, static_cast<size_t>(n)};
}

// Var-binary values (string, enum, json, binary) as views.
std::span<const ByteArray> GatherVarBinary(const ShreddedLeaf& leaf, int64_t l0, int64_t l1,
                                           int64_t v0, int64_t v1, GatherScratch* s) {
  const int64_t* off = leaf.values->Offsets();
  const uint8_t* data = leaf.values->data.data();
  const int64_t n = v1 - v0;
  ByteArray* out = PrepareOut<ByteArray>(s, n);
  ForEachValueRow(leaf, l0, l1, v0, v1, [&](int64_t row, int64_t k) {
    out[k] = ByteArray{data + off[row], static_cast<uint32_t>(off[row + 1] - off[row])};
  });
  return {out, static_cast<size_t>(n)};
}

// Fixed-width binary values (fixed, uuid, interval, float16) as views.
std::span<const ByteArray> GatherFixedBinary(const ShreddedLeaf& leaf, int64_t l0, int64_t l1,
                                             int64_t v0, int64_t v1, GatherScratch* s) {
  const uint32_t w = static_cast<uint32_t>(leaf.values->type->FixedWidth());
  const uint8_t* data = leaf.values->values.data();
  const int64_t n = v1 - v0;
  ByteArray* out = PrepareOut<ByteArray>(s, n);
  ForEachValueRow(leaf, l0, l1, v0, v1, [&](int64_t row, int64_t k) {
    out[k] = ByteArray{data + row * w, w};
  });
  return {out, static_cast<size_t>(n)};
}

// Decimals as FIXED_LEN_BYTE_ARRAY: the low `width` bytes of the unscaled value, big-endian.
std::span<const ByteArray> GatherDecimalFixed(const ShreddedLeaf& leaf, int64_t l0, int64_t l1,
                                              int64_t v0, int64_t v1, GatherScratch* s) {
  const uint32_t w = static_cast<uint32_t>(leaf.column->type_length);
  const __int128* src = leaf.values->values.as<__int128>();
  const int64_t n = v1 - v0;
  ByteArray* out = PrepareOut<ByteArray>(s, n);
  s->bytes.Resize(static_cast<size_t>(n) * w);
  uint8_t* bytes = s->bytes.data();
  ForEachValueRow(leaf, l0, l1, v0, v1, [&](int64_t row, int64_t k) {
    unsigned __int128 u = static_cast<unsigned __int128>(src[row]);
    uint8_t* p = bytes + k * w;
    for (int i = static_cast<int>(w) - 1; i >= 0; --i) {
      p[i] = static_cast<uint8_t>(u);
      u >>= 8;
    }
    out[k] = ByteArray{p, w};
  });
  return {out, static_cast<size_t>(n)};
}

// Decimals as INT32 / INT64.
template <typename T>
std::span<const T> GatherDecimalInt(const ShreddedLeaf& leaf, int64_t l0, int64_t l1, int64_t v0,
                                    int64_t v1, GatherScratch* s) {
  const __int128* src = leaf.values->values.as<__int128>();
  const int64_t n = v1 - v0;
  T* out = PrepareOut<T>(s, n);
  ForEachValueRow(leaf, l0, l1, v0, v1,
                  [&](int64_t row, int64_t k) { out[k] = static_cast<T>(src[row]); });
  return {out, static_cast<size_t>(n)};
}

// Largest |unscaled| a decimal of `precision` digits may hold.
__int128 MaxUnscaled(int precision) {
  __int128 v = 1;
  for (int i = 0; i < precision; ++i) v *= 10;
  return v - 1;
}

// ---------------------------------------------------------------------------------------
// Levels.

void EncodeLevels(const int16_t* levels, int64_t n, int16_t max_level, bool length_prefix,
                  Buffer* out) {
  RleHybridEncoder enc(BitWidth(static_cast<uint64_t>(max_level)));
  for (int64_t i = 0; i < n; ++i) enc.Put(static_cast<uint32_t>(levels[i]));
  if (length_prefix) {
    enc.FinishWithLengthPrefix(out);
  } else {
    enc.Finish(out);
  }
}

// ---------------------------------------------------------------------------------------
// Pages on their way to the chunk: the raw (uncompressed) page, then, once sealed
// (compressed, checksummed, headed; possibly on a pool thread), the bytes as stored.

struct PendingPage {
  PageHeader header;       // type and the data page header; sizes and crc set by Seal
  Buffer raw;              // v1: levels + values; v2: levels, then values
  size_t level_bytes = 0;  // v2: the uncompressed levels at the front of `raw`
  int64_t first_row = 0;   // within the row group
  // After Seal: the page as stored is head + body (the encoded header, then for v2 the
  // levels; then the page bytes).
  Buffer head;
  Buffer body;
  int64_t uncompressed = 0;  // after Seal: header + uncompressed page size
  Status status;
  int64_t raw_size = 0;       // bytes of `raw` when sealing started
  WriterPool::Group sealing;  // the sealing task, when on a pool
  size_t stored_size() const { return head.size() + body.size(); }
};

// Compresses a page and prepends its header (with the CRC of the stored bytes). The raw
// buffer is consumed (moved into the body when stored uncompressed, else left for reuse).
void SealPage(const WriterOptions& options, const std::string& column, PendingPage* p) {
  thread_local Buffer compressed;  // reused: no allocation per page
  const std::span<const uint8_t> raw(p->raw.data(), p->raw.size());
  const std::span<const uint8_t> levels = raw.subspan(0, p->level_bytes);
  const std::span<const uint8_t> values = raw.subspan(p->level_bytes);
  bool is_compressed = false;
  if (options.compression != CompressionCodec::kUncompressed && !values.empty()) {
    const int level = options.compression == CompressionCodec::kSnappy ? kDefaultCompressionLevel
                                                                       : options.compression_level;
    Status s = Compress(options.compression, level, values, &compressed);
    if (!s.ok()) {
      p->status = s.WithContext(column);
      return;
    }
    // A v2 page may keep its values uncompressed when compression does not pay.
    is_compressed = p->header.type != PageType::kDataPageV2 || compressed.size() < values.size();
  }
  const std::span<const uint8_t> stored =
      is_compressed ? std::span<const uint8_t>(compressed.data(), compressed.size()) : values;
  if (p->header.data_page_header_v2) p->header.data_page_header_v2->is_compressed = is_compressed;
  p->header.uncompressed_page_size = static_cast<int32_t>(raw.size());
  p->header.compressed_page_size = static_cast<int32_t>(levels.size() + stored.size());
  if (options.page_crc) {
    p->header.crc = static_cast<int32_t>(PageCrcExtend(PageCrc(levels), stored));
  }
  p->head.Clear();
  EncodePageHeader(p->header, &p->head);
  p->uncompressed = static_cast<int64_t>(p->head.size() + raw.size());
  if (is_compressed) {
    p->head.Append(levels.data(), levels.size());
    p->body.Clear();
    p->body.Reserve(stored.size());
    p->body.Append(stored.data(), stored.size());
  } else {
    p->body = std::move(p->raw);  // levels (if any) and values, as they are
  }
}

// ---------------------------------------------------------------------------------------
// The part of a column writer that does not depend on the physical type: pages, levels,
// compression, page headers, the page index, chunk metadata.

class ColumnWriterBase : public ColumnWriter {
 public:
  ColumnWriterBase(const ColumnDescriptor& column, const WriterOptions& options, bool bloom,
                   WriterPool* pool)
      : column_(column),
        options_(options),
        page_stats_(column),
        pool_(pool),
        chunk_stats_(column),
        column_index_builder_(StatsOrderOf(column),
                              static_cast<size_t>(std::max(options.max_statistics_bytes, 1))) {
    if (bloom) hashes_ = std::make_unique<HashSet>();
    if (column.max_def_level > 0 || column.max_rep_level > 0) AddEncoding(Encoding::kRle);
    switch (column.physical_type) {
      case Type::kBoolean:
        value_width_ = 1;
        break;
      case Type::kInt32:
      case Type::kFloat:
        value_width_ = 4;
        break;
      case Type::kInt64:
      case Type::kDouble:
        value_width_ = 8;
        break;
      case Type::kInt96:
        value_width_ = 12;
        break;
      case Type::kFixedLenByteArray:
        value_width_ = std::max(column.type_length, 1);
        break;
      case Type::kByteArray:
        value_width_ = 0;
        break;
    }
    stats_on_ = options.statistics || options.page_index;
  }
  ~ColumnWriterBase() override {
    // Sealing tasks refer to this writer's pages.
    for (const auto& p : pages_) AwaitSealed(p.get());
    if (dict_page_) AwaitSealed(dict_page_.get());
  }

  Status Write(const ShreddedLeaf& leaf) override;
  int64_t buffered_bytes() const override {
    // Pages still compressing count at the column's ratio so far: only sizes that do not
    // depend on how far the compression threads have got, so that row groups are cut at
    // the same rows whatever the timing (and the thread count).
    const double ratio = settled_raw_total_ > 0 ? static_cast<double>(settled_stored_total_) /
                                                      static_cast<double>(settled_raw_total_)
                                                : 1.0;
    int64_t unsettled_raw = 0;
    for (size_t i = settled_; i < pages_.size(); ++i) unsettled_raw += pages_[i]->raw_size;
    return settled_stored_ + static_cast<int64_t>(static_cast<double>(unsettled_raw) * ratio) +
           page_value_bytes_ + DictionaryBytes();
  }
  int64_t chunk_rows() const override { return chunk_rows_ + page_rows_; }
  Status CloseChunk() override;
  Status WriteChunk(ChunkSink* sink, ColumnChunk* chunk) override;
  Status WriteBloomFilter(ChunkSink* sink, ColumnChunk* chunk) override;
  std::optional<ColumnIndex> TakeColumnIndex() override { return std::move(column_index_); }
  OffsetIndex TakeOffsetIndex() override { return std::move(offset_index_); }
  const ColumnDescriptor& column() const override { return column_; }

 protected:
  // Gathers the present values with ordinals [v0, v1) (slots [l0, l1)), updates
  // page_stats_ and hashes_, and encodes them into the open page.
  virtual Status AddValues(const ShreddedLeaf& leaf, int64_t l0, int64_t l1, int64_t v0,
                           int64_t v1) = 0;
  // Appends the open page's encoded values; returns their encoding. `first_page`: the
  // chunk's first data page (where a dictionary that does not pay off is dropped).
  virtual Result<Encoding> FinishValues(bool first_page, int64_t plain_bytes, Buffer* out) = 0;
  // The dictionary outgrew its limit: the open page must end, then FallBack (to the
  // fallback encoding, options.fallback_encodings).
  virtual bool DictionaryFull() const = 0;
  virtual void FallBack() = 0;
  // True when the open chunk's pages refer to a dictionary; WriteDictionary appends it
  // PLAIN-encoded and returns the number of entries.
  virtual bool HasDictionary() const = 0;
  virtual int32_t WriteDictionary(Buffer* out) = 0;
  virtual int64_t DictionaryBytes() const = 0;
  // Forgets the chunk's dictionary and returns to the initial encoding.
  virtual void ResetChunk() = 0;

  void AddEncoding(Encoding e) {
    if (std::find(encodings_.begin(), encodings_.end(), e) == encodings_.end()) {
      encodings_.push_back(e);
    }
  }

  const ColumnDescriptor& column_;
  const WriterOptions& options_;
  ColumnStatistics page_stats_;
  uint32_t page_number_ = 1;  // pages ended in the chunk, plus one: names the open page
  std::unique_ptr<HashSet> hashes_;
  bool stats_on_ = true;

 private:
  struct Plan {
    int64_t l1 = 0, v1 = 0, rows = 0, bytes = 0;
  };
  Plan PlanChunk(const ShreddedLeaf& leaf, int64_t l0, int64_t v0, int64_t max_rows,
                 int64_t budget) const;
  Status FinishPage();
  // Seals `page` now, or on the pool.
  void Seal(PendingPage* page);
  void AwaitSealed(PendingPage* page) {
    if (pool_) pool_->Wait(&page->sealing);
  }
  // Waits for the oldest unsettled page and counts its stored size (see buffered_bytes).
  void SettleOne();
  // Raw page buffers, recycled so large pages do not cost fresh memory (page faults)
  // each time. Thread-safe (sealing tasks give buffers back).
  Buffer TakeRaw() {
    std::lock_guard<std::mutex> l(free_mu_);
    if (free_raw_.empty()) return Buffer();
    Buffer b = std::move(free_raw_.back());
    free_raw_.pop_back();
    return b;
  }
  void GiveRaw(Buffer b) {
    b.Clear();
    std::lock_guard<std::mutex> l(free_mu_);
    if (free_raw_.size() < 4) free_raw_.push_back(std::move(b));
  }
  void CountPage(PageType type, Encoding encoding);

  int value_width_ = 0;  // PLAIN bytes per value; 0 for BYTE_ARRAY
  WriterPool* pool_;
  std::mutex free_mu_;
  std::vector<Buffer> free_raw_;

  // Open page.
  Buffer page_def_;
  Buffer page_rep_;
  int64_t page_levels_ = 0;
  int64_t page_values_ = 0;
  int64_t page_rows_ = 0;
  int64_t page_value_bytes_ = 0;

  // Open chunk.
  std::vector<std::unique_ptr<PendingPage>> pages_;  // data pages, in order
  std::unique_ptr<PendingPage> dict_page_;
  // The chunk's pages up to settled_ are sealed and counted by their stored size; the
  // newer ones (at most kUnsettledPages) by their raw size.
  size_t settled_ = 0;
  int64_t settled_stored_ = 0;
  // Over every chunk so far: the settled pages' bytes, stored and raw.
  int64_t settled_stored_total_ = 0;
  int64_t settled_raw_total_ = 0;
  int64_t chunk_rows_ = 0;
  int64_t chunk_levels_ = 0;
  ColumnStatistics chunk_stats_;
  ColumnIndexBuilder column_index_builder_;
  std::vector<Encoding> encodings_;
  std::vector<PageEncodingStats> encoding_stats_;
  bool closed_ = false;

  // Results of the last WriteChunk.
  std::optional<ColumnIndex> column_index_;
  OffsetIndex offset_index_;
};

// Rows encoded per step: page and dictionary limits are checked between steps, so they
// are exceeded by at most one step's values; small steps also keep the gathered values in
// cache.
constexpr int64_t kMaxChunkRows = 1024;

// Pages of a column that may still be compressing when the next one is finished: beyond
// that the writer waits for the oldest (or compresses it itself), which bounds the memory
// of raw pages and makes the size estimate deterministic (buffered_bytes).
constexpr size_t kUnsettledPages = 4;

ColumnWriterBase::Plan ColumnWriterBase::PlanChunk(const ShreddedLeaf& leaf, int64_t l0, int64_t v0,
                                                   int64_t max_rows, int64_t budget) const {
  Plan p;
  const int16_t max_def = column_.max_def_level;
  const int16_t* def = leaf.def_levels;
  const int16_t* rep = leaf.rep_levels;
  const int64_t n = leaf.num_levels;
  if (rep == nullptr && value_width_ > 0) {
    // Flat, fixed width: closed form.
    const int64_t rows = std::min(max_rows, (budget + value_width_ - 1) / value_width_);
    p.l1 = l0 + std::max<int64_t>(rows, 1);
    p.rows = p.l1 - l0;
    int64_t values = p.rows;
    if (leaf.value_map == ShreddedLeaf::ValueMap::kLevels) {
      values = 0;
      for (int64_t l = l0; l < p.l1; ++l) values += def[l] == max_def;
    }
    p.v1 = v0 + values;
    p.bytes = values * value_width_;
    return p;
  }
  // Walk rows, adding value bytes, until the row or byte budget is used.
  const int64_t* offsets = value_width_ == 0 ? leaf.values->Offsets() : nullptr;
  auto value_bytes = [&](int64_t l, int64_t v) -> int64_t {
    if (offsets == nullptr) return value_width_;
    int64_t row;
    if (leaf.value_map == ShreddedLeaf::ValueMap::kIndices) {
      row = leaf.indices[v];
    } else {
      row = leaf.row_offset + l;
    }
    return 4 + offsets[row + 1] - offsets[row];
  };
  int64_t l = l0, v = v0, rows = 0, bytes = 0;
  while (l < n) {
    if (rows == max_rows || (rows > 0 && bytes >= budget)) break;
    do {
      if (def == nullptr || def[l] == max_def) {
        bytes += value_bytes(l, v);
        ++v;
      }
      ++l;
    } while (l < n && rep != nullptr && rep[l] != 0);
    ++rows;
  }
  p.l1 = l;
  p.v1 = v;
  p.rows = rows;
  p.bytes = bytes;
  return p;
}

Status ColumnWriterBase::Write(const ShreddedLeaf& leaf) {
  if (closed_) return Status::Internal("column '{}': write after CloseChunk", column_.dotted_path);
  if (leaf.values == nullptr || leaf.values->type == nullptr ||
      leaf.values->type->id != column_.type->id ||
      leaf.values->type->FixedWidth() != column_.type->FixedWidth()) {
    return Status::InvalidArgument(
        "column '{}': batch column is {}, schema says {}", column_.dotted_path,
        leaf.values && leaf.values->type ? leaf.values->type->ToString() : "nothing",
        column_.type->ToString());
  }
  const int16_t max_def = column_.max_def_level;
  const int16_t max_rep = column_.max_rep_level;
  int64_t l = 0, v = 0, rows_left = leaf.num_rows;
  while (rows_left > 0) {
    const int64_t max_rows =
        std::min({rows_left, std::max<int64_t>(options_.page_rows - page_rows_, 1), kMaxChunkRows});
    const int64_t budget = std::max<int64_t>(options_.page_bytes - page_value_bytes_, 1);
    const Plan p = PlanChunk(leaf, l, v, max_rows, budget);
    const int64_t slots = p.l1 - l;
    if (max_def > 0) page_def_.Append(leaf.def_levels + l, slots * sizeof(int16_t));
    if (max_rep > 0) page_rep_.Append(leaf.rep_levels + l, slots * sizeof(int16_t));
    FLOE_RETURN_IF_ERROR(AddValues(leaf, l, p.l1, v, p.v1));
    page_stats_.AddNulls(slots - (p.v1 - v));
    page_levels_ += slots;
    page_values_ += p.v1 - v;
    page_rows_ += p.rows;
    page_value_bytes_ += p.bytes;
    l = p.l1;
    v = p.v1;
    rows_left -= p.rows;
    if (DictionaryFull()) {
      FLOE_RETURN_IF_ERROR(FinishPage());
      FallBack();
    } else if (page_rows_ >= options_.page_rows || page_value_bytes_ >= options_.page_bytes) {
      FLOE_RETURN_IF_ERROR(FinishPage());
    }
  }
  if (l != leaf.num_levels || v != leaf.num_values) {
    return Status::Internal("column '{}': shredded {} slots / {} values, wrote {} / {}",
                            column_.dotted_path, leaf.num_levels, leaf.num_values, l, v);
  }
  return Status::OK();
}

void ColumnWriterBase::Seal(PendingPage* page) {
  page->raw_size = static_cast<int64_t>(page->raw.size());
  auto task = [this, page] {
    SealPage(options_, column_.dotted_path, page);
    if (page->raw.capacity() > 0) GiveRaw(std::move(page->raw));
  };
  if (pool_) {
    pool_->Submit(&page->sealing, std::move(task), /*leaf=*/true);
  } else {
    task();
  }
}

void ColumnWriterBase::SettleOne() {
  PendingPage* p = pages_[settled_++].get();
  // Compression is what the writer waits for here: help with any of it (sealing tasks are
  // leaves: they never wait).
  if (pool_) pool_->Wait(&p->sealing, /*help_others=*/true);
  const int64_t stored = static_cast<int64_t>(p->stored_size());
  settled_stored_ += stored;
  settled_stored_total_ += stored;
  settled_raw_total_ += p->raw_size;
}

void ColumnWriterBase::CountPage(PageType type, Encoding encoding) {
  AddEncoding(encoding);
  for (PageEncodingStats& s : encoding_stats_) {
    if (s.page_type == type && s.encoding == encoding) {
      ++s.count;
      return;
    }
  }
  encoding_stats_.push_back(PageEncodingStats{type, encoding, 1});
}

Status ColumnWriterBase::FinishPage() {
  if (page_levels_ == 0) return Status::OK();
  if (page_levels_ > std::numeric_limits<int32_t>::max()) {
    return Status::InvalidArgument("column '{}': a page of {} values is too large",
                                   column_.dotted_path, page_levels_);
  }
  const int16_t max_def = column_.max_def_level;
  const int16_t max_rep = column_.max_rep_level;
  auto page = std::make_unique<PendingPage>();
  page->first_row = chunk_rows_;
  page->raw = TakeRaw();
  Buffer& raw = page->raw;
  // Levels: v1 length-prefixed, v2 bare (and left uncompressed).
  const bool v2 = options_.data_page_version == 2;
  raw.Reserve(static_cast<size_t>(page_value_bytes_ + page_levels_ / 2 + 64));
  if (max_rep > 0) EncodeLevels(page_rep_.as<int16_t>(), page_levels_, max_rep, !v2, &raw);
  const size_t rep_bytes = raw.size();
  if (max_def > 0) EncodeLevels(page_def_.as<int16_t>(), page_levels_, max_def, !v2, &raw);
  const size_t level_bytes = raw.size();
  FLOE_ASSIGN_OR_RETURN(const Encoding encoding,
                        FinishValues(pages_.empty(), page_value_bytes_, &raw));
  if (raw.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("column '{}': a page of {} bytes is too large",
                                   column_.dotted_path, raw.size());
  }
  if (v2) {
    page->level_bytes = level_bytes;
    page->header.type = PageType::kDataPageV2;
    DataPageHeaderV2 h;
    h.num_values = static_cast<int32_t>(page_levels_);
    h.num_nulls = static_cast<int32_t>(page_levels_ - page_values_);
    h.num_rows = static_cast<int32_t>(page_rows_);
    h.encoding = encoding;
    h.definition_levels_byte_length = static_cast<int32_t>(level_bytes - rep_bytes);
    h.repetition_levels_byte_length = static_cast<int32_t>(rep_bytes);
    page->header.data_page_header_v2 = h;
    CountPage(PageType::kDataPageV2, encoding);
  } else {
    page->header.type = PageType::kDataPage;
    DataPageHeader h;
    h.num_values = static_cast<int32_t>(page_levels_);
    h.encoding = encoding;
    h.definition_level_encoding = Encoding::kRle;
    h.repetition_level_encoding = Encoding::kRle;
    page->header.data_page_header = h;
    CountPage(PageType::kDataPage, encoding);
  }
  if (stats_on_) {
    column_index_builder_.AddPage(page_stats_);
    chunk_stats_.Merge(page_stats_);
  }
  page_stats_.Reset();
  ++page_number_;
  PendingPage* p = page.get();
  pages_.push_back(std::move(page));
  Seal(p);
  while (pages_.size() - settled_ > kUnsettledPages) SettleOne();
  chunk_rows_ += page_rows_;
  chunk_levels_ += page_levels_;
  page_def_.Clear();
  page_rep_.Clear();
  page_levels_ = 0;
  page_values_ = 0;
  page_rows_ = 0;
  page_value_bytes_ = 0;
  return Status::OK();
}

Status ColumnWriterBase::CloseChunk() {
  if (closed_) return Status::OK();
  FLOE_RETURN_IF_ERROR(FinishPage());
  dict_page_.reset();
  if (HasDictionary()) {
    auto page = std::make_unique<PendingPage>();
    const int32_t entries = WriteDictionary(&page->raw);
    if (page->raw.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
      return Status::InvalidArgument("column '{}': a dictionary of {} bytes is too large",
                                     column_.dotted_path, page->raw.size());
    }
    page->header.type = PageType::kDictionaryPage;
    DictionaryPageHeader dh;
    dh.num_values = entries;
    dh.encoding = Encoding::kPlain;
    page->header.dictionary_page_header = dh;
    dict_page_ = std::move(page);
    Seal(dict_page_.get());
    // The dictionary page's encoding and stats go first.
    std::vector<Encoding> encodings = {Encoding::kPlain};
    for (Encoding e : encodings_) {
      if (e != Encoding::kPlain) encodings.push_back(e);
    }
    encodings_ = std::move(encodings);
    encoding_stats_.insert(encoding_stats_.begin(),
                           PageEncodingStats{PageType::kDictionaryPage, Encoding::kPlain, 1});
  }
  closed_ = true;
  return Status::OK();
}

Status ColumnWriterBase::WriteChunk(ChunkSink* sink, ColumnChunk* chunk) {
  FLOE_RETURN_IF_ERROR(CloseChunk());
  // Every page sealed, in order; their sizes teach buffered_bytes the column's ratio.
  while (settled_ < pages_.size()) SettleOne();
  if (dict_page_) AwaitSealed(dict_page_.get());
  int64_t uncompressed = 0, compressed = 0;
  auto put = [&](PendingPage& p) -> Status {
    FLOE_RETURN_IF_ERROR(p.status);
    uncompressed += p.uncompressed;
    compressed += static_cast<int64_t>(p.stored_size());
    FLOE_RETURN_IF_ERROR(sink->Put(std::move(p.head)));
    return sink->Put(std::move(p.body));
  };
  const int64_t start = sink->position();
  if (dict_page_) FLOE_RETURN_IF_ERROR(put(*dict_page_));
  const int64_t data_start = sink->position();
  OffsetIndex offsets;
  for (const auto& p : pages_) {
    const int64_t position = sink->position();
    FLOE_RETURN_IF_ERROR(put(*p));
    offsets.page_locations.push_back(
        PageLocation{position, static_cast<int32_t>(sink->position() - position), p->first_row});
  }

  ColumnMetaData md;
  md.type = column_.physical_type;
  md.encodings = encodings_;
  if (md.encodings.empty()) md.encodings.push_back(Encoding::kPlain);
  md.path_in_schema = column_.path;
  md.codec = options_.compression;
  md.num_values = chunk_levels_;
  md.total_uncompressed_size = uncompressed;
  md.total_compressed_size = compressed;
  md.data_page_offset = data_start;
  if (dict_page_) md.dictionary_page_offset = start;
  if (options_.statistics) {
    md.statistics =
        chunk_stats_.ToThrift(static_cast<size_t>(std::max(options_.max_statistics_bytes, 1)));
  }
  md.encoding_stats = encoding_stats_;
  // Deprecated; the spec asks for 0 when no ColumnMetaData is written outside the footer.
  chunk->file_offset = 0;
  chunk->meta_data = std::move(md);

  column_index_.reset();
  if (options_.page_index) {
    column_index_ = column_index_builder_.Finish();
    offset_index_ = std::move(offsets);
  }

  // Ready for the next chunk.
  pages_.clear();
  dict_page_.reset();
  settled_ = 0;
  settled_stored_ = 0;
  chunk_rows_ = 0;
  chunk_levels_ = 0;
  chunk_stats_.Reset();
  column_index_builder_.Reset();
  encodings_.clear();
  if (column_.max_def_level > 0 || column_.max_rep_level > 0) AddEncoding(Encoding::kRle);
  encoding_stats_.clear();
  ResetChunk();
  closed_ = false;
  return Status::OK();
}

Status ColumnWriterBase::WriteBloomFilter(ChunkSink* sink, ColumnChunk* chunk) {
  if (!hashes_ || !chunk->meta_data) return Status::OK();
  BloomFilter filter(BloomFilter::OptimalNumBytes(hashes_->size(), options_.bloom_filter_fpp));
  hashes_->ForEach([&](uint64_t h) { filter.Insert(h); });
  hashes_->Clear();
  BloomFilterHeader bh;
  bh.num_bytes = static_cast<int32_t>(filter.num_bytes());
  Buffer bytes;
  EncodeBloomFilterHeader(bh, &bytes);
  const std::span<const uint8_t> bits = filter.bitset();
  bytes.Append(bits.data(), bits.size());
  chunk->meta_data->bloom_filter_offset = sink->position();
  chunk->meta_data->bloom_filter_length = static_cast<int32_t>(bytes.size());
  return sink->Put(std::move(bytes));
}

// ---------------------------------------------------------------------------------------
// Typed writers.

// How values reach the page.
enum class Mode : uint8_t {
  kDictionary,
  kPlain,
  kRle,  // booleans
  kDeltaBinaryPacked,
  kDeltaLengthByteArray,
  kDeltaByteArray,
  kByteStreamSplit,
};

Mode ModeOf(Encoding e) {
  switch (e) {
    case Encoding::kRleDictionary:
    case Encoding::kPlainDictionary:
      return Mode::kDictionary;
    case Encoding::kRle:
      return Mode::kRle;
    case Encoding::kDeltaBinaryPacked:
      return Mode::kDeltaBinaryPacked;
    case Encoding::kDeltaLengthByteArray:
      return Mode::kDeltaLengthByteArray;
    case Encoding::kDeltaByteArray:
      return Mode::kDeltaByteArray;
    case Encoding::kByteStreamSplit:
      return Mode::kByteStreamSplit;
    default:
      return Mode::kPlain;
  }
}

template <typename T>
using GatherFn = std::span<const T> (*)(const ShreddedLeaf&, int64_t, int64_t, int64_t, int64_t,
                                        GatherScratch*);

template <typename T>
class TypedColumnWriter final : public ColumnWriterBase {
 public:
  static constexpr bool kIsBytes = std::is_same_v<T, ByteArray>;
  static constexpr bool kIsBool = std::is_same_v<T, bool>;
  static constexpr bool kIsInt = std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>;
  using Dictionary = DictionaryEncoder<std::conditional_t<kIsBool, int32_t, T>>;

  TypedColumnWriter(const ColumnDescriptor& column, const WriterOptions& options, bool bloom,
                    WriterPool* pool, Mode mode, bool keep_dictionary, GatherFn<T> gather)
      : ColumnWriterBase(column, options, bloom, pool),
        initial_mode_(mode),
        mode_(mode),
        gather_(gather),
        keep_dictionary_(keep_dictionary) {
    if (options.fallback_encodings == FallbackEncodings::kDelta) {
      if constexpr (kIsInt) fallback_mode_ = Mode::kDeltaBinaryPacked;
      if (column.physical_type == Type::kByteArray) fallback_mode_ = Mode::kDeltaByteArray;
    }
    fixed_ = column.physical_type == Type::kFixedLenByteArray;
    width_ = column.type_length;
    if (column.type->id == TypeId::kDecimal) {
      check_decimal_ = true;
      decimal_max_ = MaxUnscaled(column.type->precision);
    }
    if constexpr (!kIsBool) dict_ = std::make_unique<Dictionary>(fixed_ ? width_ : 0);
  }

 protected:
  Status AddValues(const ShreddedLeaf& leaf, int64_t l0, int64_t l1, int64_t v0,
                   int64_t v1) override {
    if (v1 == v0) return Status::OK();
    if (check_decimal_) FLOE_RETURN_IF_ERROR(CheckDecimals(leaf, l0, l1, v0, v1));
    const std::span<const T> values = gather_(leaf, l0, l1, v0, v1, &scratch_);
    if constexpr (kIsBytes) {
      if (stats_on_ && mode_ == Mode::kDictionary && !fixed_ &&
          page_stats_.order() != StatsOrder::kFloat16) {
        // Statistics from the page's distinct values, found through their dictionary
        // indices: a string compare per distinct value, not per value.
        Encode(values);
        UpdateStatsFromIndices(values.size());
        AddBloomHashes(values);
        return Status::OK();
      }
    }
    if (stats_on_) {
      if constexpr (kIsBool) {
        page_stats_.UpdateBooleans(std::span<const uint8_t>(
            reinterpret_cast<const uint8_t*>(values.data()), values.size()));
      } else {
        page_stats_.Update(values);
      }
    }
    AddBloomHashes(values);
    Encode(values);
    return Status::OK();
  }

  void AddBloomHashes(std::span<const T> values) {
    if constexpr (!kIsBool) {
      if (hashes_) {
        hash_scratch_.resize(values.size());
        BloomFilter::Hashes(values, hash_scratch_.data());
        for (uint64_t h : hash_scratch_) hashes_->Insert(h);
      }
    }
  }

  // After Put of `n` values in dictionary mode: folds the entries their indices name, each
  // once per page (seen_page_[index] holds the page that last folded it), into page_stats_.
  void UpdateStatsFromIndices(size_t n) {
    if constexpr (kIsBytes) {
      const std::span<const uint32_t> all = dict_->indices();
      const std::span<const uint32_t> indices = all.subspan(all.size() - n);
      if (seen_page_.size() < dict_->num_entries()) seen_page_.resize(dict_->num_entries(), 0);
      distinct_.clear();
      for (const uint32_t i : indices) {
        if (seen_page_[i] == page_number_) continue;
        seen_page_[i] = page_number_;
        distinct_.push_back(dict_->entry(i));
      }
      page_stats_.UpdateDistinct(distinct_, static_cast<int64_t>(n));
    }
  }

  Result<Encoding> FinishValues(bool first_page, int64_t plain_bytes, Buffer* out) override {
    const Mode mode = mode_;
    switch (mode) {
      case Mode::kDictionary: {
        if constexpr (!kIsBool) {
          // A page of nulls before any value: PLAIN (no bytes), so no chunk has an empty
          // dictionary.
          if (dict_->num_entries() == 0) return Encoding::kPlain;
          // The chunk's first page decides whether the dictionary pays for itself.
          const bool judge = first_page && !keep_dictionary_;
          if (judge) first_indices_.assign(dict_->indices().begin(), dict_->indices().end());
          const size_t start = out->size();
          dict_->WriteIndices(out);
          if (judge && static_cast<int64_t>(out->size() - start + dict_->dictionary_size_bytes()) >=
                           plain_bytes) {
            // Encode the page's values the fallback way instead, and drop the dictionary
            // for the rest of the chunk.
            out->Resize(start);
            FLOE_RETURN_IF_ERROR(Undictionary(out));
            mode_ = fallback_mode_;
            return FinishValues(false, plain_bytes, out);
          }
          dict_used_ = true;
        }
        return Encoding::kRleDictionary;
      }
      case Mode::kPlain:
        if constexpr (kIsBool) {
          bool_plain_.Finish(out);
        } else {
          out->Append(plain_.data(), plain_.size());
          plain_.Clear();
        }
        return Encoding::kPlain;
      case Mode::kRle:
        if constexpr (kIsBool) rle_.FinishWithLengthPrefix(out);
        return Encoding::kRle;
      case Mode::kDeltaBinaryPacked:
        if constexpr (kIsInt) delta_.Finish(out);
        return Encoding::kDeltaBinaryPacked;
      case Mode::kDeltaLengthByteArray:
        if constexpr (kIsBytes) dlba_.Finish(out);
        return Encoding::kDeltaLengthByteArray;
      case Mode::kDeltaByteArray:
        if constexpr (kIsBytes) dba_.Finish(out);
        return Encoding::kDeltaByteArray;
      case Mode::kByteStreamSplit: {
        const int w = kIsBytes ? width_ : static_cast<int>(sizeof(T));
        if (w > 0 && !plain_.empty()) {
          ByteStreamSplitEncodeBytes(plain_.data(), plain_.size() / w, w, out);
        }
        plain_.Clear();
        return Encoding::kByteStreamSplit;
      }
    }
    return Encoding::kPlain;
  }

  bool DictionaryFull() const override {
    if constexpr (kIsBool) {
      return false;
    } else {
      return mode_ == Mode::kDictionary &&
             static_cast<int64_t>(dict_->dictionary_size_bytes()) > options_.dictionary_page_bytes;
    }
  }
  void FallBack() override { mode_ = fallback_mode_; }
  bool HasDictionary() const override { return dict_used_; }
  int32_t WriteDictionary(Buffer* out) override {
    if constexpr (kIsBool) {
      return 0;
    } else {
      dict_->WriteDictionaryPage(out);
      return static_cast<int32_t>(dict_->num_entries());
    }
  }
  int64_t DictionaryBytes() const override {
    if constexpr (kIsBool) {
      return 0;
    } else {
      return static_cast<int64_t>(dict_->dictionary_size_bytes());
    }
  }
  void ResetChunk() override {
    mode_ = initial_mode_;
    dict_used_ = false;
    if constexpr (!kIsBool) dict_ = std::make_unique<Dictionary>(fixed_ ? width_ : 0);
    seen_page_.clear();  // the new dictionary numbers its entries from 0 again
    page_number_ = 1;
  }

 private:
  // Re-encodes the page whose indices are in first_indices_ with the fallback encoding,
  // and resets the dictionary (it was dropped before any page referred to it).
  Status Undictionary(Buffer* out) {
    if constexpr (!kIsBool) {
      Buffer plain;
      dict_->WriteDictionaryPage(&plain);
      const size_t n = dict_->num_entries();
      std::vector<T> entries(n);
      const std::span<const uint8_t> bytes(plain.data(), plain.size());
      Result<size_t> got = size_t{0};
      if constexpr (kIsBytes) {
        if (fixed_) {
          PlainFixedLenDecoder d(bytes, width_, n);
          got = d.Decode(entries.data(), n);
        } else {
          PlainByteArrayDecoder d(bytes, n);
          got = d.Decode(entries.data(), n);
        }
      } else {
        PlainDecoder<T> d(bytes, n);
        got = d.Decode(entries.data(), n);
      }
      if (!got.ok() || *got != n) {
        return Status::Internal("column '{}': dictionary does not decode", column_.dotted_path);
      }
      std::vector<T> values(first_indices_.size());
      for (size_t k = 0; k < values.size(); ++k) values[k] = entries[first_indices_[k]];
      first_indices_.clear();
      mode_ = fallback_mode_;
      Encode(std::span<const T>(values));  // the encoders copy what they keep of `plain`
      dict_ = std::make_unique<Dictionary>(fixed_ ? width_ : 0);
    }
    return Status::OK();
  }

  Status CheckDecimals(const ShreddedLeaf& leaf, int64_t l0, int64_t l1, int64_t v0, int64_t v1) {
    const __int128* src = leaf.values->values.as<__int128>();
    bool ok = true;
    const __int128 hi = decimal_max_;
    ForEachValueRow(leaf, l0, l1, v0, v1,
                    [&](int64_t row, int64_t) { ok &= src[row] <= hi && src[row] >= -hi; });
    if (!ok) {
      return Status::InvalidArgument("column '{}': a value exceeds decimal({}, {})",
                                     column_.dotted_path, column_.type->precision,
                                     column_.type->scale);
    }
    return Status::OK();
  }

  void Encode(std::span<const T> values) {
    switch (mode_) {
      case Mode::kDictionary:
        if constexpr (kIsBool) {
          break;
        } else {
          dict_->Put(values);
        }
        break;
      case Mode::kPlain:
        PutPlain(values, &plain_);
        break;
      case Mode::kRle:
        if constexpr (kIsBool) {
          for (bool b : values) rle_.Put(b ? 1 : 0);
        }
        break;
      case Mode::kDeltaBinaryPacked:
        if constexpr (kIsInt) delta_.Put(values);
        break;
      case Mode::kDeltaLengthByteArray:
        if constexpr (kIsBytes) dlba_.Put(values);
        break;
      case Mode::kDeltaByteArray:
        if constexpr (kIsBytes) dba_.Put(values);
        break;
      case Mode::kByteStreamSplit:
        if constexpr (kIsBytes) {
          for (const ByteArray& v : values) plain_.Append(v.ptr, v.len);
        } else if constexpr (!kIsBool) {
          plain_.Append(values.data(), values.size_bytes());
        }
        break;
    }
  }

  void PutPlain(std::span<const T> values, Buffer* out) {
    if constexpr (kIsBool) {
      bool_plain_.Put(values);
    } else if constexpr (kIsBytes) {
      if (fixed_) {
        for (const ByteArray& v : values) out->Append(v.ptr, v.len);
      } else {
        PlainEncodeByteArrays(values, out);
      }
    } else {
      PlainEncode<T>(values, out);
    }
  }

  const Mode initial_mode_;
  Mode mode_;
  Mode fallback_mode_ = Mode::kPlain;
  GatherFn<T> gather_;
  bool keep_dictionary_ = false;
  bool fixed_ = false;
  int width_ = 0;
  bool check_decimal_ = false;
  __int128 decimal_max_ = 0;
  bool dict_used_ = false;
  GatherScratch scratch_;
  std::vector<uint64_t> hash_scratch_;
  std::vector<uint32_t> seen_page_;  // per dictionary entry: page_number_ that last folded it
  std::vector<ByteArray> distinct_;  // UpdateStatsFromIndices' scratch
  Buffer plain_;
  std::unique_ptr<Dictionary> dict_;     // null for BOOLEAN
  std::vector<uint32_t> first_indices_;  // the chunk's first page, while it is judged
  PlainBooleanEncoder bool_plain_;
  RleHybridEncoder rle_{1};
  std::conditional_t<kIsInt, DeltaBinaryPackedEncoder<std::conditional_t<kIsInt, T, int32_t>>, int>
      delta_{};
  std::conditional_t<kIsBytes, DeltaLengthByteArrayEncoder, int> dlba_{};
  std::conditional_t<kIsBytes, DeltaByteArrayEncoder, int> dba_{};
};

// The gather function for a leaf: columnar type -> physical type.
template <typename T>
Result<GatherFn<T>> PickGather(const ColumnDescriptor& c) {
  const DataType& t = *c.type;
  if constexpr (std::is_same_v<T, bool>) {
    if (t.id == TypeId::kBool) return GatherFn<T>(&GatherSame<bool, uint8_t>);
  } else if constexpr (std::is_same_v<T, int32_t>) {
    switch (t.id) {
      case TypeId::kInt8:
        return GatherFn<T>(&GatherCast<int8_t>);
      case TypeId::kInt16:
        return GatherFn<T>(&GatherCast<int16_t>);
      case TypeId::kUInt8:
        return GatherFn<T>(&GatherCast<uint8_t>);
      case TypeId::kUInt16:
        return GatherFn<T>(&GatherCast<uint16_t>);
      case TypeId::kInt32:
      case TypeId::kDate:
        return GatherFn<T>(&GatherSame<int32_t>);
      case TypeId::kUInt32:
        return GatherFn<T>(&GatherSame<int32_t, uint32_t>);
      case TypeId::kTime:
        if (t.unit == floe::TimeUnit::kMilli) {
          // Columnar times are int64; TIME(MILLIS) is INT32.
          return GatherFn<T>(&GatherCast<int64_t>);
        }
        break;
      case TypeId::kDecimal:
        return GatherFn<T>(&GatherDecimalInt<int32_t>);
      default:
        break;
    }
  } else if constexpr (std::is_same_v<T, int64_t>) {
    switch (t.id) {
      case TypeId::kInt64:
      case TypeId::kTime:
      case TypeId::kTimestamp:
        return GatherFn<T>(&GatherSame<int64_t>);
      case TypeId::kUInt64:
        return GatherFn<T>(&GatherSame<int64_t, uint64_t>);
      case TypeId::kDecimal:
        return GatherFn<T>(&GatherDecimalInt<int64_t>);
      default:
        break;
    }
  } else if constexpr (std::is_same_v<T, float>) {
    if (t.id == TypeId::kFloat32) return GatherFn<T>(&GatherSame<float>);
  } else if constexpr (std::is_same_v<T, double>) {
    if (t.id == TypeId::kFloat64) return GatherFn<T>(&GatherSame<double>);
  } else if constexpr (std::is_same_v<T, ByteArray>) {
    if (t.IsVarBinary() && c.physical_type == Type::kByteArray) {
      return GatherFn<T>(&GatherVarBinary);
    }
    if (c.physical_type == Type::kFixedLenByteArray) {
      if (t.id == TypeId::kDecimal) return GatherFn<T>(&GatherDecimalFixed);
      if (t.FixedWidth() == c.type_length &&
          (t.id == TypeId::kFixedBinary || t.id == TypeId::kUuid || t.id == TypeId::kInterval ||
           t.id == TypeId::kFloat16)) {
        return GatherFn<T>(&GatherFixedBinary);
      }
    }
  }
  return Status::NotSupported("column '{}': cannot write {} as {}", c.dotted_path, t.ToString(),
                              TypeName(c.physical_type));
}

template <typename T>
Result<std::unique_ptr<ColumnWriter>> MakeTyped(const ColumnDescriptor& column,
                                                const WriterOptions& options, Encoding encoding,
                                                bool bloom, bool keep_dictionary,
                                                WriterPool* pool) {
  FLOE_ASSIGN_OR_RETURN(GatherFn<T> gather, PickGather<T>(column));
  auto w = std::make_unique<TypedColumnWriter<T>>(column, options, bloom, pool, ModeOf(encoding),
                                                  keep_dictionary, gather);
  return std::unique_ptr<ColumnWriter>(std::move(w));
}

}  // namespace

Result<Encoding> ChooseEncoding(const ColumnDescriptor& column, const WriterOptions& options,
                                std::optional<Encoding> requested) {
  const Type t = column.physical_type;
  if (!requested) {
    if (t == Type::kBoolean) {
      return options.data_page_version == 2 ? Encoding::kRle : Encoding::kPlain;
    }
    if (options.dictionary) return Encoding::kRleDictionary;
    if (options.fallback_encodings == FallbackEncodings::kDelta) {
      if (t == Type::kInt32 || t == Type::kInt64) return Encoding::kDeltaBinaryPacked;
      if (t == Type::kByteArray) return Encoding::kDeltaByteArray;
    }
    return Encoding::kPlain;
  }
  Encoding e = *requested;
  if (e == Encoding::kPlainDictionary) e = Encoding::kRleDictionary;
  bool ok = false;
  switch (e) {
    case Encoding::kPlain:
      ok = true;
      break;
    case Encoding::kRleDictionary:
      ok = t != Type::kBoolean;
      break;
    case Encoding::kRle:
      ok = t == Type::kBoolean;
      break;
    case Encoding::kDeltaBinaryPacked:
      ok = t == Type::kInt32 || t == Type::kInt64;
      break;
    case Encoding::kDeltaLengthByteArray:
      ok = t == Type::kByteArray;
      break;
    case Encoding::kDeltaByteArray:
      ok = t == Type::kByteArray || t == Type::kFixedLenByteArray;
      break;
    case Encoding::kByteStreamSplit:
      ok = t == Type::kInt32 || t == Type::kInt64 || t == Type::kFloat || t == Type::kDouble ||
           t == Type::kFixedLenByteArray;
      break;
    default:
      break;
  }
  if (!ok) {
    return Status::InvalidArgument("column '{}': encoding {} does not apply to {}",
                                   column.dotted_path, EncodingName(*requested), TypeName(t));
  }
  return e;
}

Result<std::unique_ptr<ColumnWriter>> ColumnWriter::Make(const ColumnDescriptor& column,
                                                         const WriterOptions& options,
                                                         Encoding encoding, bool bloom_filter,
                                                         bool keep_dictionary, WriterPool* pool) {
  if (bloom_filter && column.physical_type == Type::kBoolean) {
    return Status::InvalidArgument("column '{}': BOOLEAN columns cannot have a Bloom filter",
                                   column.dotted_path);
  }
  if (!column.type) return Status::Internal("column '{}' has no type", column.dotted_path);
  switch (column.physical_type) {
    case Type::kBoolean:
      return MakeTyped<bool>(column, options, encoding, bloom_filter, keep_dictionary, pool);
    case Type::kInt32:
      return MakeTyped<int32_t>(column, options, encoding, bloom_filter, keep_dictionary, pool);
    case Type::kInt64:
      return MakeTyped<int64_t>(column, options, encoding, bloom_filter, keep_dictionary, pool);
    case Type::kFloat:
      return MakeTyped<float>(column, options, encoding, bloom_filter, keep_dictionary, pool);
    case Type::kDouble:
      return MakeTyped<double>(column, options, encoding, bloom_filter, keep_dictionary, pool);
    case Type::kByteArray:
    case Type::kFixedLenByteArray:
      return MakeTyped<ByteArray>(column, options, encoding, bloom_filter, keep_dictionary, pool);
    case Type::kInt96:
      break;
  }
  return Status::NotSupported("column '{}': floe does not write {}", column.dotted_path,
                              TypeName(column.physical_type));
}

}  // namespace floe::parquet
