// RecordReader: one export input (CSV, a JSON document, or NDJSON) as RecordBatches of the
// export schema, with bad rows either stopping the read (the default) or handed to a
// quarantine sink.
//
// Errors and bad rows name the input, the line and the column:
//   CSV     logs/q.csv:12:3: field "duration_ms": expected int64, got "12x"
//           (column = the 1-based field index, as csv_reader.h reports it)
//   NDJSON  events.ndjson:7: field "ts": expected timestamp(ms), got string "yesterday"
//   JSON    doc.json:40 (element 3): field "score": expected float64, got object
// (for JSON inputs the column is the field path, as json_reader.h reports it).
//
// NDJSON is read in blocks of whole lines (about options.block_bytes) parsed at once;
// only a block holding a bad line is parsed again line by line, so bad-row handling
// costs nothing on clean input. A JSON document is held in memory whole (bounded by
// options.max_document_bytes). CSV is parsed in blocks of whole lines (about
// options.block_bytes), two at a time on threads of the reader's own, as long as no quote
// character or bare CR makes a line feed ambiguous; sequentially from the first block that
// does. Results (rows, bad rows, lines, errors) do not depend on it. The bad-row sink is
// called on the thread that calls Next. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "floe/columnar/column.h"
#include "floe/common/status.h"
#include "floe/export/byte_source.h"
#include "floe/export/input_files.h"

namespace floe::exporter {

// One record left out of the export.
struct BadRow {
  std::string file;
  int64_t line = 0;    // 1-based line where the record starts
  std::string column;  // CSV: the 1-based field index; JSON: the field path; may be empty
  std::string reason;  // what is wrong
  std::string record;  // the raw record text (CSV line(s), JSON object)
};

// Receives bad rows; an error stops the export.
using BadRowSink = std::function<Status(const BadRow&)>;

struct RecordReadOptions {
  InputFormat format = InputFormat::kNdjson;
  // CSV.
  char delimiter = ',';
  char quote = '"';
  bool header = true;
  std::vector<std::string> null_values = {""};
  // JSON documents: the records are the array at this dotted path ("" = the document
  // itself must be an array; "data.items" = doc["data"]["items"]).
  std::string json_path;
  // Rows per batch handed out (at most).
  int64_t batch_rows = 64 * 1024;
  // NDJSON: bytes of whole lines parsed at once.
  size_t block_bytes = size_t{8} << 20;
  // Largest JSON document (or single JSON line / CSV record) accepted.
  int64_t max_document_bytes = int64_t{1} << 30;
};

class RecordReader {
 public:
  // Reads `source` per `options`. With `bad_rows` set, records that do not fit the schema
  // go to it and are left out; without, the first one is an InvalidArgument error.
  static Result<std::unique_ptr<RecordReader>> Open(std::unique_ptr<ByteSource> source,
                                                    SchemaPtr schema, RecordReadOptions options,
                                                    BadRowSink bad_rows);
  virtual ~RecordReader() = default;

  // The next batch (never empty), or nullopt at the end of the input.
  virtual Result<std::optional<RecordBatch>> Next() = 0;

  // Records read so far, bad ones included.
  int64_t rows_read() const { return rows_accepted_ + rows_rejected_; }
  int64_t rows_rejected() const { return rows_rejected_; }
  const ByteSource& source() const { return *source_; }

 protected:
  RecordReader(std::unique_ptr<ByteSource> source, SchemaPtr schema, RecordReadOptions options,
               BadRowSink bad_rows)
      : source_(std::move(source)),
        schema_(std::move(schema)),
        options_(std::move(options)),
        bad_rows_(std::move(bad_rows)) {}

  std::unique_ptr<ByteSource> source_;
  SchemaPtr schema_;
  RecordReadOptions options_;
  BadRowSink bad_rows_;
  int64_t rows_accepted_ = 0;
  int64_t rows_rejected_ = 0;
};

// Splits a json_reader.h error message ("line 3 (array element 2), field \"a.b\": expected
// int32, got string \"x\"") into the field path ("a.b", empty when none) and the reason
// ("expected int32, got string \"x\"").
void SplitJsonError(std::string_view message, std::string* field, std::string* reason);

}  // namespace floe::exporter
