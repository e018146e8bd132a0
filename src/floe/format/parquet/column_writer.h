// ColumnWriter: encodes one leaf column into column chunks, one per row group.
//
// Rows arrive shredded (level_builder.h). The writer cuts them into data pages at row
// boundaries (a page never starts inside a row, so the offset index can address rows),
// closing a page once its values reach WriterOptions::page_bytes (counted as PLAIN
// bytes) or page_rows rows. For each page it gathers the leaf values straight from the
// column buffers into the physical type (no per-value allocation), updates the page
// statistics, encodes the values (dictionary, PLAIN, DELTA_*, BYTE_STREAM_SPLIT, RLE),
// RLE-encodes the levels, compresses once and appends the page (header + body) to the
// chunk held in memory. A dictionary-encoded column whose dictionary outgrows
// dictionary_page_bytes closes its page and continues in the fallback encoding (PLAIN,
// or DELTA_* with FallbackEncodings::kDelta); a dictionary that does not pay for itself
// on the chunk's first page (dictionary + indices at least as large as PLAIN) is dropped
// for the chunk before anything refers to it. The dictionary page is put first when the
// chunk is written.
//
// Memory: one chunk's finished pages, the open page, the dictionary, and (for Bloom
// filter columns) the chunk's distinct value hashes.
//
// Not thread-safe. Distinct ColumnWriters are independent, so the columns of a row group
// may be encoded on different threads (Write and CloseChunk); WriteChunk and
// WriteBloomFilter put bytes into the shared ChunkSink and must be called in file order.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/format/parquet/level_builder.h"
#include "floe/format/parquet/metadata.h"
#include "floe/format/parquet/schema.h"
#include "floe/format/parquet/writer_options.h"
#include "floe/format/parquet/writer_pool.h"

namespace floe::parquet {

// The encoding a column starts with: `requested` when set (validated against the
// physical type: InvalidArgument naming the column when it does not apply;
// PLAIN_DICTIONARY is taken as RLE_DICTIONARY), otherwise dictionary encoding when
// options.dictionary (booleans excepted), otherwise the fallback encoding
// (options.fallback_encodings; booleans: RLE in v2 pages, PLAIN in v1 pages).
Result<Encoding> ChooseEncoding(const ColumnDescriptor& column, const WriterOptions& options,
                                std::optional<Encoding> requested);

// Where finished column chunks go: a file, written now or later (FileWriter's write-behind).
class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  // The file offset the next Put lands at.
  virtual int64_t position() const = 0;
  // Appends `bytes` at position(); the sink owns them from here on.
  virtual Status Put(Buffer bytes) = 0;
};

class ColumnWriter {
 public:
  // `column` and `options` must outlive the writer. `encoding` comes from ChooseEncoding.
  // `bloom_filter`: build a split-block Bloom filter per chunk (not for BOOLEAN).
  // `keep_dictionary`: keep dictionary encoding even where it does not pay off (the
  // caller asked for it by name); PLAIN fallback at the size limit still applies.
  // `pool`: when set (and outliving the writer), pages are compressed on it; WriteChunk
  // waits for them.
  static Result<std::unique_ptr<ColumnWriter>> Make(const ColumnDescriptor& column,
                                                    const WriterOptions& options, Encoding encoding,
                                                    bool bloom_filter, bool keep_dictionary = false,
                                                    WriterPool* pool = nullptr);
  virtual ~ColumnWriter() = default;

  // Appends every row of `leaf` (shredded for this writer's column) to the open chunk.
  // InvalidArgument when the values do not fit the column (a columnar type other than
  // the schema's, a decimal outside its physical type's range).
  virtual Status Write(const ShreddedLeaf& leaf) = 0;

  // Bytes the open chunk holds: finished pages as stored, the open page's PLAIN
  // estimate and the dictionary.
  virtual int64_t buffered_bytes() const = 0;
  // Rows in the open chunk.
  virtual int64_t chunk_rows() const = 0;

  // Ends the open chunk: closes the open page and encodes the dictionary page. CPU only.
  virtual Status CloseChunk() = 0;
  // After CloseChunk: waits for the chunk's pages to be compressed, hands them to `sink`
  // (dictionary page, then data pages), fills `chunk` (offsets, sizes, encodings, encoding
  // stats, statistics) and makes the chunk's page index available below. The writer is
  // then ready for the next chunk.
  virtual Status WriteChunk(ChunkSink* sink, ColumnChunk* chunk) = 0;
  // After WriteChunk: hands the chunk's Bloom filter (header + bitset) to `sink` and
  // records its offset and length in `chunk`. No-op for columns without one.
  virtual Status WriteBloomFilter(ChunkSink* sink, ColumnChunk* chunk) = 0;
  // After WriteChunk: the chunk's column index (nullopt when the column cannot have
  // one, see page_index.h) and offset index.
  virtual std::optional<ColumnIndex> TakeColumnIndex() = 0;
  virtual OffsetIndex TakeOffsetIndex() = 0;

  virtual const ColumnDescriptor& column() const = 0;
};

}  // namespace floe::parquet
