// WriterOptions: every knob of the Parquet writer (file_writer.h), with its default.
//
// Column-specific settings (encodings, Bloom filters) are keyed by a column's dotted
// Parquet path ("payload.tags.list.element") or by the name of a top-level field, which
// then applies to every leaf under it ("payload"). The most specific key wins: an exact
// leaf path beats a field name.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "floe/format/parquet/compression.h"
#include "floe/format/parquet/types.h"

namespace floe::parquet {

// How values are encoded where no dictionary is used (dictionary encoding off, or a
// column's dictionary dropped because it does not pay off or outgrew its limit).
enum class FallbackEncodings : uint8_t {
  // PLAIN for every type: readable by every Parquet reader.
  kPlain,
  // As Parquet 2.0 writers do (parquet-java's v2 writer): DELTA_BINARY_PACKED for INT32
  // and INT64, DELTA_BYTE_ARRAY for BYTE_ARRAY, PLAIN for the rest. Smaller and faster for
  // sorted integers, ids and text (2.4% smaller output on the 1 KB event benchmark), for
  // readers that implement those encodings (DuckDB, Spark, Trino, Arrow, parquet-rs do).
  kDelta,
};

// A column every row group's rows are sorted by (see WriterOptions::sorting_columns).
struct SortedColumn {
  std::string column;  // dotted Parquet path of a leaf column ("ts", "payload.user_id")
  bool descending = false;
  bool nulls_first = false;
  bool operator==(const SortedColumn&) const = default;
};

struct WriterOptions {
  // Page codec, and its level: kDefaultCompressionLevel (the codec's default, ZSTD 3) or a
  // level the codec accepts (compression.h: ZSTD negative..22, GZIP 0..9, BROTLI 0..11,
  // LZ4_RAW 1..12). SNAPPY and UNCOMPRESSED ignore it.
  CompressionCodec compression = CompressionCodec::kZstd;
  int compression_level = kDefaultCompressionLevel;

  // A row group is closed once its encoded pages reach `row_group_bytes` (compressed
  // bytes, estimated: a column's last few pages, which may still be compressing, count at
  // the column's compression ratio so far, or uncompressed before it has one) or it holds
  // `row_group_rows` rows, whichever comes first. Memory: the writer buffers one row
  // group's encoded pages, and with threads also the previous one while it is written.
  int64_t row_group_bytes = int64_t{128} << 20;
  int64_t row_group_rows = 1'000'000;

  // A data page is closed once its encoded (uncompressed) values and levels reach
  // `page_bytes` or it holds `page_rows` rows. Pages always end on a row boundary
  // (repetition level 0), so one row larger than the limit makes one larger page.
  int64_t page_bytes = int64_t{1} << 20;
  int64_t page_rows = 20'000;

  // A dictionary-encoded column falls back (to `fallback_encodings`) once its dictionary
  // holds more than this many (PLAIN-encoded) bytes; pages written so far keep the
  // dictionary. The check
  // runs between write steps of at most 1024 rows, so the dictionary page may exceed the
  // limit by one step's new values.
  int64_t dictionary_page_bytes = int64_t{1} << 20;

  // 1: DATA_PAGE (levels and values compressed together). 2: DATA_PAGE_V2 (levels
  // uncompressed, values compressed; booleans RLE-encoded by default).
  int data_page_version = 1;

  // Write the CRC-32 of each page's stored bytes in its header.
  bool page_crc = true;
  // Column chunk statistics (min/max, null count, NaN count) in ColumnMetaData.
  bool statistics = true;
  // Column index + offset index after the row groups.
  bool page_index = true;
  // Binary min/max longer than this are truncated (min: a prefix; max: a prefix with its
  // last byte incremented). Applies to chunk statistics and the column index.
  int max_statistics_bytes = 64;

  // Per-column encoding. Accepted: kPlain, kRleDictionary (kPlainDictionary is taken as
  // kRleDictionary), kRle (booleans only), kDeltaBinaryPacked (INT32/INT64),
  // kDeltaLengthByteArray and kDeltaByteArray (BYTE_ARRAY; DELTA_BYTE_ARRAY also
  // FIXED_LEN_BYTE_ARRAY), kByteStreamSplit (INT32, INT64, FLOAT, DOUBLE,
  // FIXED_LEN_BYTE_ARRAY). A dictionary choice still falls back to PLAIN when the
  // dictionary outgrows `dictionary_page_bytes`. Columns not listed use dictionary
  // encoding when `dictionary` is true (except booleans), else `fallback_encodings`
  // (booleans: RLE in v2 pages, PLAIN in v1 pages). A dictionary that does not pay for
  // itself on a chunk's first page (dictionary + indices >= PLAIN size) is dropped for
  // that chunk unless the column asked for it here by name.
  std::map<std::string, Encoding> column_encodings;
  bool dictionary = true;
  // Encodings where no dictionary is used (see FallbackEncodings).
  FallbackEncodings fallback_encodings = FallbackEncodings::kPlain;

  // Columns that get a split-block Bloom filter per row group, sized for the row group's
  // distinct values at false-positive probability `bloom_filter_fpp`. Boolean columns
  // are not eligible (InvalidArgument).
  std::set<std::string> bloom_filter_columns;
  double bloom_filter_fpp = 0.01;

  // Threads that encode columns and compress pages, counting the caller (1: everything
  // happens in the calling thread; 0: one per hardware thread). Output is identical for
  // every value.
  int threads = 1;

  // The order the caller wrote the rows of every row group in, most significant key
  // first, recorded as each RowGroup's sorting_columns. The writer does not sort or check:
  // it records the caller's promise. Each entry names a leaf column (InvalidArgument
  // otherwise). Empty: no sorting_columns.
  std::vector<SortedColumn> sorting_columns;

  // Footer key-value metadata, after the schema's own metadata (a key given here
  // replaces the schema's).
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

}  // namespace floe::parquet
