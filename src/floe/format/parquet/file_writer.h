// FileWriter: writes RecordBatches of one schema to a Parquet file.
//
// File layout:
//   "PAR1"
//   row group 0: column chunk 0 (dictionary page?, data pages), column chunk 1, ...,
//                then the Bloom filters of its columns that have one
//   row group 1: ...
//   every ColumnIndex (row group order, then column order), then every OffsetIndex
//   FileMetaData (Thrift compact), its 4-byte little-endian length, "PAR1"
//
// Batches are cut into row groups by WriterOptions::row_group_rows and row_group_bytes
// (a batch may span row groups); FlushRowGroup ends one early. Memory is bounded by one
// row group's encoded pages (plus dictionaries and, for Bloom filter columns, distinct
// value hashes), never the whole file; the page index and footer metadata are the only
// per-file state. With worker threads, a finished row group is written to the file on a
// thread of its own while the next one is encoded (io::WriteBehind), so memory then holds
// up to two row groups.
//
// Errors: the first failure (bad batch, I/O error) is sticky: every later call returns
// it and the output is aborted (nothing becomes visible under the file's name). A
// writer destroyed without a successful Close() aborts its output too.
//
// Not thread-safe: one thread drives a FileWriter. With WriterOptions::threads > 1 the
// writer runs its own worker threads (columns of a batch are shredded and encoded in
// parallel, pages compressed in parallel); Write still returns only when it no longer
// refers to the batch.
//
// Example:
//   FLOE_ASSIGN_OR_RETURN(auto file, io::NewLocalWritableFile("events.parquet"));
//   FLOE_ASSIGN_OR_RETURN(auto writer, FileWriter::Open(std::move(file), schema, {}));
//   FLOE_RETURN_IF_ERROR(writer->Write(batch));
//   FLOE_ASSIGN_OR_RETURN(auto footer, writer->Close());
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/columnar/column.h"
#include "floe/columnar/type.h"
#include "floe/common/status.h"
#include "floe/format/parquet/column_writer.h"
#include "floe/format/parquet/level_builder.h"
#include "floe/format/parquet/metadata.h"
#include "floe/format/parquet/schema.h"
#include "floe/format/parquet/writer_options.h"
#include "floe/format/parquet/writer_pool.h"
#include "floe/io/file.h"
#include "floe/io/write_behind.h"

namespace floe::parquet {

class FileWriter {
 public:
  // Starts a file: builds the Parquet schema (three-level LIST/MAP, logical and
  // converted types), resolves per-column encodings and Bloom filters, writes the
  // leading magic. InvalidArgument for an unusable schema or options (an empty schema,
  // an encoding that does not fit its column, a column_encodings or bloom_filter_columns
  // key that names no column, a compression level the codec rejects, sizes <= 0).
  static Result<std::unique_ptr<FileWriter>> Open(std::unique_ptr<io::WritableFile> file,
                                                  SchemaPtr schema, WriterOptions options = {});
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  // Appends the rows of `batch`, whose columns must match the schema (same number of
  // top-level columns, each of the schema's type; InvalidArgument otherwise, also for a
  // null in a non-nullable field). Row groups fill up and are written as they complete.
  Status Write(const RecordBatch& batch);

  // Writes the rows buffered so far as a row group (no-op when there are none).
  Status FlushRowGroup();

  // Writes the last row group, the page index and the footer, and closes the file
  // (making it visible). Returns the footer as written; its row groups carry what the
  // table layer needs for data-file metrics (per-column sizes, value and null counts,
  // bounds, in ColumnChunk.meta_data). Calling Close twice is an error.
  Result<std::shared_ptr<const FileMetaData>> Close();

  // Rows accepted so far (including rows still buffered in the open row group).
  int64_t rows_written() const { return rows_written_; }
  // Bytes of the file so far, whether in the file yet or still being written (the open
  // row group is not counted). After Close: the file's size.
  uint64_t bytes_written() const { return static_cast<uint64_t>(offset_); }
  // Bytes the open row group holds in memory (encoded pages and estimates).
  int64_t buffered_bytes() const;
  const SchemaDescriptor& schema_descriptor() const { return *descriptor_; }

 private:
  // Puts finished chunks' bytes into the file: through write_behind_ with worker threads.
  class Sink final : public ChunkSink {
   public:
    explicit Sink(FileWriter* w) : w_(w) {}
    int64_t position() const override { return w_->offset_; }
    Status Put(Buffer bytes) override;

   private:
    FileWriter* w_;
  };

  FileWriter() = default;
  Status Fail(Status s);
  // Appends bytes directly (no write-behind, or drained and gone).
  Status Append(std::string_view bytes);
  // Waits for the write-behind thread to write everything and stops it.
  Status StopWriteBehind();
  Status WriteSlice(const RecordBatch& batch, int64_t begin, int64_t end);
  Status DoFlushRowGroup();
  Status WritePageIndexes();
  Status WriteFooter();

  struct PendingIndex {
    std::optional<ColumnIndex> column_index;
    OffsetIndex offset_index;
  };

  std::unique_ptr<io::WritableFile> file_;
  // Writes finished row groups while the next is encoded (with worker threads only).
  std::unique_ptr<io::WriteBehind> write_behind_;
  Sink sink_{this};
  int64_t offset_ = 0;  // bytes handed to the file (written or queued)
  SchemaPtr schema_;
  WriterOptions options_;
  std::shared_ptr<const SchemaDescriptor> descriptor_;
  std::unique_ptr<LevelBuilder> levels_;
  std::unique_ptr<WriterPool> pool_;  // when options_.threads != 1; outlives columns_
  std::vector<std::unique_ptr<ColumnWriter>> columns_;
  std::vector<LevelScratch> scratch_;           // per leaf
  std::vector<int> leaf_field_;                 // leaf -> top-level field
  std::vector<SortingColumn> sorting_columns_;  // options_.sorting_columns by leaf index

  FileMetaData metadata_;
  // Page indexes of the written row groups: [row group][column].
  std::vector<std::vector<PendingIndex>> page_indexes_;

  int64_t rows_written_ = 0;
  int64_t row_group_rows_ = 0;
  // In-memory bytes of the rows fed to the open row group, and the bytes they became
  // (for estimating how many more rows fit).
  double row_group_input_bytes_ = 0;
  Status status_;
  bool closed_ = false;
};

}  // namespace floe::parquet
