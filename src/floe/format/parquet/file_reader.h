// FileReader: reads a Parquet file through the I/O seam, footer first.
//
// Opening reads the file's tail (one range read that usually holds the whole footer),
// then the footer if it was longer. Reading a row group fetches only the byte ranges of
// the projected column chunks, coalescing nearby ranges into fewer reads, decodes every
// page (verifying page CRCs) and assembles nested columns. Memory is bounded by one row
// group's projected column chunks plus the decoded batch.
//
// Not thread-safe: use one FileReader per thread (the underlying file may be shared).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/columnar/column.h"
#include "floe/columnar/take.h"
#include "floe/common/status.h"
#include "floe/format/parquet/column_reader.h"
#include "floe/format/parquet/metadata.h"
#include "floe/format/parquet/predicate.h"
#include "floe/format/parquet/schema.h"
#include "floe/io/file.h"

namespace floe::parquet {

struct ReaderOptions {
  // Columns to read, by columnar path: a top-level name ("payload") or a path into
  // structs ("payload.user.id"). Empty: every column.
  std::vector<std::string> columns;
  ColumnReadOptions column;
  io::CoalesceOptions coalesce;
  // How many bytes the first read takes from the end of the file.
  uint64_t footer_read_size = 64 * 1024;
  // A footer may not be larger than this (hostile files).
  uint64_t max_footer_size = uint64_t{256} << 20;
  // Pruning: row groups and pages that cannot hold a row matching every predicate are
  // skipped (by chunk statistics, bloom filters and the page index). The rows returned
  // are a superset of the matching rows: apply the predicate to them.
  std::vector<ColumnPredicate> filter;
  bool use_statistics = true;
  bool use_bloom_filters = true;
  bool use_page_index = true;
};

// What pruning saved, for tests, `inspect` and metrics.
struct ReadStats {
  int64_t row_groups_read = 0;
  int64_t row_groups_pruned_by_statistics = 0;
  int64_t row_groups_pruned_by_bloom_filter = 0;
  int64_t row_groups_pruned_by_page_index = 0;
  int64_t pages_skipped = 0;  // data pages not read thanks to the page index
  int64_t rows_returned = 0;
};

class FileReader {
 public:
  static Result<std::unique_ptr<FileReader>> Open(std::shared_ptr<io::RandomAccessFile> file,
                                                  ReaderOptions options = {});

  const FileMetaData& metadata() const { return *metadata_; }
  std::shared_ptr<const FileMetaData> shared_metadata() const { return metadata_; }
  // The whole file's schema.
  const SchemaDescriptor& schema_descriptor() const { return *schema_; }
  // The schema of the batches this reader returns (after projection).
  const SchemaPtr& schema() const { return projected_schema_; }
  int num_row_groups() const { return static_cast<int>(metadata_->row_groups.size()); }
  int64_t num_rows() const { return metadata_->num_rows; }
  uint64_t file_size() const { return file_size_; }
  const std::string& name() const { return file_->name(); }

  // Reads one row group (projected) as a batch. With a filter and a page index, only the
  // rows of pages that might match are returned (possibly none).
  Result<RecordBatch> ReadRowGroup(int index);
  // False when the filter rules the whole row group out (statistics, bloom filters).
  Result<bool> RowGroupMightMatch(int index);
  const ReadStats& stats() const { return stats_; }
  // Restricts Next() to these row groups, in this order (e.g. after pruning).
  void SelectRowGroups(std::vector<int> row_groups);
  // The next row group's batch, or nullopt at the end. Skips row groups the filter rules
  // out.
  Result<std::optional<RecordBatch>> Next();

  // Reads the raw bytes of a range of the file (bounded by its size).
  Result<std::string> ReadRange(uint64_t offset, uint64_t length);

 private:
  FileReader() = default;
  Status ReadFooter();
  Status Project();
  Result<io::ByteRange> ChunkRange(const ColumnChunk& chunk, int column) const;
  // Rows of row group `index` that might match the filter, from the page index; nullopt
  // when every row might (or there is no page index to tell).
  Result<std::optional<std::vector<RowRange>>> SelectRows(int index);
  Result<RecordBatch> ReadRows(int index, const std::vector<RowRange>& rows);
  Result<std::vector<OffsetIndex>> ReadOffsetIndexes(const RowGroup& rg,
                                                     const std::vector<int>& leaves);

  std::shared_ptr<io::RandomAccessFile> file_;
  ReaderOptions options_;
  uint64_t file_size_ = 0;
  std::shared_ptr<const FileMetaData> metadata_;
  std::shared_ptr<const SchemaDescriptor> schema_;
  std::vector<SchemaNode> projected_fields_;
  SchemaPtr projected_schema_;
  std::vector<int> leaves_;  // leaf indexes to read, ascending
  std::vector<int> row_group_order_;
  size_t next_row_group_ = 0;
  std::vector<BoundPredicate> predicates_;
  ReadStats stats_;
};

// Opens a file by path or URI through the storage layer and returns its reader.
Result<std::unique_ptr<FileReader>> OpenParquetFile(std::string_view uri,
                                                    ReaderOptions options = {});

}  // namespace floe::parquet
