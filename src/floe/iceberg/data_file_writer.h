// Writing table data: RecordBatches of a table's schema become Parquet data files under
// the table's data location, fanned out by the default partition spec, rolled at a target
// size, each described by a complete DataFile (partition tuple, record count, file size,
// column sizes, value/null/NaN counts and bounds keyed by field id, split offsets) taken
// from the Parquet footer the writer produced.
//
// A DataFileWriter is not thread-safe. Files become visible only once closed (the
// storage layer writes aside and publishes on close); Abort deletes what was written.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "floe/columnar/column.h"
#include "floe/common/status.h"
#include "floe/format/parquet/writer_options.h"
#include "floe/iceberg/data_file.h"
#include "floe/iceberg/table_metadata.h"

namespace floe::iceberg {

struct DataFileWriterOptions {
  // A file is closed and a new one started once it reaches this size (estimated from
  // the bytes written; table property write.target-file-size-bytes, default 512 MiB).
  int64_t target_file_size_bytes = int64_t{512} << 20;
  // Open files at once when fanning out by partition; past it the largest open file is
  // closed (table property write.floe.max-open-files, default 64).
  size_t max_open_files = 64;
  // Parquet settings; compression follows write.parquet.compression-codec (default zstd)
  // and write.parquet.compression-level when built by OptionsFromProperties.
  parquet::WriterOptions parquet;
  // Prepended to every file name ("<prefix>-<uuid>-<n>.parquet"); empty: none.
  std::string file_name_prefix;
};

// Options from a table's properties (write.target-file-size-bytes,
// write.parquet.compression-codec, write.parquet.compression-level,
// write.parquet.row-group-size-bytes, write.parquet.page-size-bytes,
// write.parquet.bloom-filter-enabled.column.NAME). InvalidArgument names a bad value.
Result<DataFileWriterOptions> DataFileWriterOptionsFromProperties(
    const std::map<std::string, std::string>& properties);

class DataFileWriter {
 public:
  // Writes for the current schema and default spec of `metadata`, under
  // write.data.path (default <location>/data).
  static Result<std::unique_ptr<DataFileWriter>> Open(const TableMetadata& metadata,
                                                      DataFileWriterOptions options);
  virtual ~DataFileWriter() = default;

  // The columnar schema batches must have (the table schema, field ids set).
  virtual const floe::SchemaPtr& schema() const = 0;
  // Appends `batch` (columns of schema(), in order). InvalidArgument when the batch does
  // not match or a partition source value cannot be transformed.
  virtual Status Write(const RecordBatch& batch) = 0;
  // Closes every open file; returns every file written, in the order they were closed.
  virtual Result<std::vector<DataFile>> Finish() = 0;
  // Deletes every file written or open (best effort); the writer is unusable after.
  virtual Status Abort() = 0;
};

}  // namespace floe::iceberg
