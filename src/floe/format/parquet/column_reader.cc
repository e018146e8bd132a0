#include "floe/format/parquet/column_reader.h"

#include <cstring>
#include <limits>

#include "floe/format/parquet/compression.h"
#include "floe/format/parquet/encoding/rle_hybrid.h"
#include "floe/format/parquet/page_crc.h"
#include "floe/format/parquet/value_decoder.h"

namespace floe::parquet {

namespace {

int BitWidth(int64_t max) {
  int w = 0;
  while ((int64_t{1} << w) <= max) ++w;
  return w;
}

class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnDescriptor& col, const ColumnMetaData& meta, uint64_t chunk_offset,
               const std::string& where, const ColumnReadOptions& options)
      : col_(col),
        meta_(meta),
        chunk_offset_(chunk_offset),
        where_(where),
        options_(options),
        values_(col) {
    out_.column = &col;
  }

  Result<LeafData> Run(std::span<const uint8_t> chunk, bool whole_chunk) {
    size_t pos = 0;
    int64_t values_seen = 0;
    limit_ = whole_chunk ? meta_.num_values : std::numeric_limits<int64_t>::max();
    while (pos < chunk.size() && values_seen < limit_) {
      const uint64_t page_offset = chunk_offset_ + pos;
      size_t header_len = 0;
      auto header = DecodePageHeader(chunk.subspan(pos), &header_len);
      if (!header.ok()) return Err(page_offset, header.status().message());
      pos += header_len;
      const PageHeader& h = *header;
      if (h.compressed_page_size < 0 ||
          static_cast<size_t>(h.compressed_page_size) > chunk.size() - pos) {
        return Err(page_offset,
                   fmt::format("page of {} compressed bytes runs past the column chunk "
                               "({} bytes left)",
                               h.compressed_page_size, chunk.size() - pos));
      }
      if (h.uncompressed_page_size < 0 || h.uncompressed_page_size > options_.max_page_bytes) {
        return Err(page_offset,
                   fmt::format("page declares {} uncompressed bytes", h.uncompressed_page_size));
      }
      const std::span<const uint8_t> body = chunk.subspan(pos, h.compressed_page_size);
      pos += h.compressed_page_size;
      if (options_.verify_page_crc && h.crc && !PageCrcMatches(*h.crc, body)) {
        return Err(page_offset, fmt::format("page CRC mismatch (stored {:08x}, computed {:08x}): "
                                            "the page is corrupt",
                                            static_cast<uint32_t>(*h.crc), PageCrc(body)));
      }
      Status s;
      switch (h.type) {
        case PageType::kDictionaryPage:
          s = DictionaryPage(h, body);
          break;
        case PageType::kDataPage:
          s = DataPageV1(h, body, &values_seen);
          break;
        case PageType::kDataPageV2:
          s = DataPageV2(h, body, &values_seen);
          break;
        default:
          break;  // index pages and unknown page types are skipped
      }
      if (!s.ok()) return Err(page_offset, s.message());
    }
    if (whole_chunk && values_seen < meta_.num_values) {
      return Err(chunk_offset_ + pos, fmt::format("column chunk ended after {} of its {} values",
                                                  values_seen, meta_.num_values));
    }
    out_.num_entries = values_seen;
    FLOE_RETURN_IF_ERROR(values_.Finish(&out_));
    return std::move(out_);
  }

 private:
  Status Err(uint64_t offset, std::string_view what) const {
    return Status::Corruption("{}: column '{}', page at offset {}: {}", where_, col_.dotted_path,
                              offset, what);
  }

  Status Decompress(std::span<const uint8_t> in, size_t size, Buffer* out) {
    return codec_.Decompress(meta_.codec, in, size, out);
  }

  Status DictionaryPage(const PageHeader& h, std::span<const uint8_t> body) {
    if (!h.dictionary_page_header) return Status::Corruption("dictionary page without its header");
    const int32_t n = h.dictionary_page_header->num_values;
    if (n < 0) return Status::Corruption("dictionary page with {} values", n);
    FLOE_RETURN_IF_ERROR(Decompress(body, h.uncompressed_page_size, &dict_page_));
    return values_.SetDictionary(dict_page_.data(), dict_page_.size(), n);
  }

  // Decodes `n` levels of `max` into `out` (appending).
  Status DecodeLevels(Encoding enc, std::span<const uint8_t> data, int16_t max, int64_t n,
                      std::vector<int16_t>* out) {
    const size_t old = out->size();
    out->resize(old + n);
    size_t got = 0;
    if (enc == Encoding::kBitPacked) {
      BitPackedLevelDecoder dec(data, BitWidth(max), static_cast<size_t>(n));
      FLOE_ASSIGN_OR_RETURN(got, dec.Decode(out->data() + old, static_cast<size_t>(n)));
    } else {
      RleHybridDecoder dec(data, BitWidth(max), static_cast<size_t>(n));
      FLOE_ASSIGN_OR_RETURN(got, dec.Decode(out->data() + old, static_cast<size_t>(n)));
    }
    if (got != static_cast<size_t>(n)) {
      return Status::Corruption("levels end after {} of {} values", got, n);
    }
    for (int64_t i = 0; i < n; ++i) {
      if ((*out)[old + i] > max) {
        return Status::Corruption("level {} exceeds the maximum {}", (*out)[old + i], max);
      }
    }
    return Status::OK();
  }

  int64_t CountPresent(size_t from, int64_t n) const {
    if (col_.max_def_level == 0) return n;
    int64_t c = 0;
    const int16_t* d = out_.def_levels.data() + from;
    for (int64_t i = 0; i < n; ++i) c += d[i] == col_.max_def_level;
    return c;
  }

  Status DataPageV1(const PageHeader& h, std::span<const uint8_t> body, int64_t* seen) {
    if (!h.data_page_header) return Status::Corruption("data page without its header");
    const DataPageHeader& dp = *h.data_page_header;
    const int64_t n = dp.num_values;
    if (n < 0 || n > limit_ - *seen) {
      return Status::Corruption("data page with {} values; the chunk has {} left", n,
                                limit_ - *seen);
    }
    FLOE_RETURN_IF_ERROR(Decompress(body, h.uncompressed_page_size, &page_));
    std::span<const uint8_t> rest(page_.data(), page_.size());
    auto levels = [&](Encoding enc, int16_t max, std::vector<int16_t>* out) -> Status {
      if (enc == Encoding::kBitPacked) {
        const uint64_t bytes = BitPackedLevelDecoder::EncodedSize(n, BitWidth(max));
        if (bytes > rest.size()) return Status::Corruption("BIT_PACKED levels run past the page");
        FLOE_RETURN_IF_ERROR(DecodeLevels(enc, rest.first(bytes), max, n, out));
        rest = rest.subspan(bytes);
        return Status::OK();
      }
      FLOE_ASSIGN_OR_RETURN(std::span<const uint8_t> data, ReadLengthPrefixedRle(rest));
      FLOE_RETURN_IF_ERROR(DecodeLevels(enc, data, max, n, out));
      rest = rest.subspan(4 + data.size());
      return Status::OK();
    };
    const size_t first = out_.def_levels.size();
    if (col_.max_rep_level > 0) {
      FLOE_RETURN_IF_ERROR(
          levels(dp.repetition_level_encoding, col_.max_rep_level, &out_.rep_levels));
    }
    if (col_.max_def_level > 0) {
      FLOE_RETURN_IF_ERROR(
          levels(dp.definition_level_encoding, col_.max_def_level, &out_.def_levels));
    }
    const int64_t present = CountPresent(first, n);
    FLOE_RETURN_IF_ERROR(values_.DecodePage(dp.encoding, rest, present));
    *seen += n;
    return Status::OK();
  }

  Status DataPageV2(const PageHeader& h, std::span<const uint8_t> body, int64_t* seen) {
    if (!h.data_page_header_v2) return Status::Corruption("data page v2 without its header");
    const DataPageHeaderV2& dp = *h.data_page_header_v2;
    const int64_t n = dp.num_values;
    if (n < 0 || n > limit_ - *seen) {
      return Status::Corruption("data page with {} values; the chunk has {} left", n,
                                limit_ - *seen);
    }
    const int64_t rep_len = dp.repetition_levels_byte_length;
    const int64_t def_len = dp.definition_levels_byte_length;
    if (rep_len < 0 || def_len < 0 || rep_len + def_len > static_cast<int64_t>(body.size()) ||
        rep_len + def_len > h.uncompressed_page_size) {
      return Status::Corruption("level lengths {} + {} exceed the page ({} bytes)", rep_len,
                                def_len, body.size());
    }
    const size_t first = out_.def_levels.size();
    if (col_.max_rep_level > 0) {
      FLOE_RETURN_IF_ERROR(DecodeLevels(Encoding::kRle, body.first(rep_len), col_.max_rep_level, n,
                                        &out_.rep_levels));
    }
    if (col_.max_def_level > 0) {
      FLOE_RETURN_IF_ERROR(DecodeLevels(Encoding::kRle, body.subspan(rep_len, def_len),
                                        col_.max_def_level, n, &out_.def_levels));
    }
    const std::span<const uint8_t> values = body.subspan(rep_len + def_len);
    const size_t values_size = static_cast<size_t>(h.uncompressed_page_size - rep_len - def_len);
    std::span<const uint8_t> decoded = values;
    // An uncompressed values section is as long as its uncompressed size. Some writers
    // (parquet-cpp 1.x, ARROW-17100) set is_compressed = false on compressed data; the sizes
    // tell the truth.
    const bool compressed = dp.is_compressed.value_or(true) || values.size() != values_size;
    if (compressed && meta_.codec != CompressionCodec::kUncompressed) {
      FLOE_RETURN_IF_ERROR(Decompress(values, values_size, &page_));
      decoded = std::span<const uint8_t>(page_.data(), page_.size());
    }
    const int64_t present = CountPresent(first, n);
    FLOE_RETURN_IF_ERROR(values_.DecodePage(dp.encoding, decoded, present));
    *seen += n;
    return Status::OK();
  }

  const ColumnDescriptor& col_;
  const ColumnMetaData& meta_;
  uint64_t chunk_offset_;
  const std::string& where_;
  const ColumnReadOptions& options_;
  Codec codec_;
  Buffer page_;
  Buffer dict_page_;
  ValueDecoder values_;
  LeafData out_;
  int64_t limit_ = 0;  // values the pages may hold in all
};

}  // namespace

Result<LeafData> ReadColumnChunk(const ColumnDescriptor& column, const ColumnMetaData& meta,
                                 std::span<const uint8_t> chunk, uint64_t chunk_offset,
                                 const std::string& where, const ColumnReadOptions& options,
                                 bool whole_chunk) {
  if (meta.num_values < 0) {
    return Status::Corruption("{}: column '{}' says {} values", where, column.dotted_path,
                              meta.num_values);
  }
  if (meta.type != column.physical_type) {
    return Status::Corruption("{}: column '{}' chunk type {} differs from the schema's {}", where,
                              column.dotted_path, TypeName(meta.type),
                              TypeName(column.physical_type));
  }
  ChunkDecoder d(column, meta, chunk_offset, where, options);
  return d.Run(chunk, whole_chunk);
}

}  // namespace floe::parquet
