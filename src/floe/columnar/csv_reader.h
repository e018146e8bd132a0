// Reading CSV (RFC 4180) into columnar batches for a given Schema.
//
// Syntax. Records end at LF, CRLF or a bare CR; fields are separated by
// CsvReadOptions::delimiter. A field that starts with the quote character is quoted: it ends
// at the next quote not followed by another quote ("" inside stands for one quote) and may hold
// delimiters, CR and LF. The parser is strict: a quote inside an unquoted field, or anything
// but a delimiter or record end after a closing quote, is an error; so is a quote still open at
// the end of the input. A UTF-8 byte order mark at the very start is skipped. A final record
// without a line ending is read. Completely empty lines are skipped (skip_blank_lines).
//
// Header and columns. With `header` (the default) the first record names the columns and
// schema fields are matched to header names (exactly, case-sensitive):
//   - a schema field with no header column is an error, or, with
//     missing_columns == kNull, reads as all nulls when the field is nullable (still an error
//     when it is not nullable);
//   - header columns not in the schema are skipped (extra_columns == kIgnore) or an error;
//   - a header name that matches a schema field and appears twice is an error.
// Without a header, field i of every record is schema field i (positional) and records must
// have exactly num_fields fields. Every record must have as many fields as the header (or the
// schema): fewer is a "short row", more is a "long row".
//
// Nulls. An unquoted field equal to one of `null_values` (after trimming, when
// trim_whitespace is set) is null. The default {""} makes an empty unquoted field null while a
// quoted empty field ("") is the empty string. Null in a non-nullable field is an error.
//
// Values (the same text conventions as json_reader.h; no surrounding whitespace unless
// trim_whitespace is set):
//   bool                 true/false, t/f, yes/no, y/n, 1/0 (ASCII case-insensitive)
//   int8..uint64         optional sign and decimal digits; out of range is an error, never
//                        wrapped (no '+' on unsigned types is required; "+5" is accepted)
//   float16/32/64        decimal or exponent notation, "NaN", "Inf", "Infinity" with an optional
//                        sign (case-insensitive); a finite number that overflows the column type
//                        is an error
//   decimal(p, s)        plain or exponent notation; more than p digits, or non-zero digits
//                        beyond s fraction digits, is an error (no rounding)
//   date                 "YYYY-MM-DD" (or "+YYYYYY-MM-DD" / "-YYYYYY-MM-DD"); must exist in the
//                        proleptic Gregorian calendar (2023-02-29 is an error)
//   time                 "HH:MM[:SS[.f...]]" with an optional "Z" / "+00:00" suffix
//   timestamp            "YYYY-MM-DD[T| ]HH:MM[:SS[.f...]][Z|+HH:MM|-HH:MM|+HHMM]" (RFC 3339
//                        and the common SQL form) or a bare date (midnight). An offset is
//                        applied (the value is stored as UTC); text without one is taken as
//                        is. Fraction digits beyond the column's unit must be zero. floe has no
//                        seconds unit: use timestamp(ms) for second-resolution data.
//   string, enum         the field text (quotes removed, "" unescaped), bytes as they are
//   json, variant        one JSON document (at most 256 levels deep), validated and stored
//                        minified
//   binary, fixed(n)     per binary_encoding: hex (default, either case), base64 (RFC 4648,
//                        padding optional) or the raw field bytes; fixed needs exactly n bytes
//   uuid                 "8-4-4-4-12" hex text, or 32 hex digits
// interval, list, struct and map columns cannot be read from CSV: CsvBatchReader::Make returns
// NotSupported naming the field.
//
// Errors name the source, the physical line where the record starts (1-based, counting the
// line endings inside quoted fields of earlier records and the skipped lines), the column (the
// 1-based field index within the record, not a byte offset) and the problem:
//   data.csv:12:3: field "duration_ms": expected int64, got "12x"
//   data.csv:40:2: unterminated quoted field (opened here, still open at end of input)
//   data.csv:7:5: long row: 5 fields, expected 4
//   data.csv:9:3: short row: 2 fields, expected 4
//   data.csv:3:1: field "id": null in non-nullable column
// Bad values, short/long rows, fields over max_field_bytes and quoting errors in a record are
// "record errors": InvalidArgument (ResourceExhausted for max_field_bytes). A record longer than
// max_row_bytes is a final ResourceExhausted error (its end cannot be found safely).
//
// Bad-row mode. When CsvReadOptions::on_bad_row is set, a record error does not stop reading:
// the callback receives the record (raw text, line, column, reason) and the record is left out
// of the batch (no column receives any of its values). If the callback returns an error, that
// error is final. An unterminated quote at the end of the input is reported as one bad record
// holding the rest of the input. Header errors are never bad rows.
//
// Input is untrusted: every length is bounded (max_field_bytes, max_row_bytes; a header, or a
// record split by SplitCsvRecords, has at most 65536 fields, and the fields of a long row beyond
// the expected count are counted, not stored), nothing is assumed about the bytes (invalid
// UTF-8 in string fields is kept as is). Memory is linear in the longest record.
//
// Performance: records are scanned 16 bytes at a time for the delimiter, quote and line-end
// bytes; field text is not copied (except quoted fields holding doubled quotes, unescaped into
// one reused scratch buffer) and values are converted straight into the ColumnBuilders, with no
// per-value allocation.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "floe/columnar/column.h"
#include "floe/common/status.h"

namespace floe {

// A record left out in bad-row mode. The views are valid only during the callback.
struct CsvBadRow {
  std::string_view source;         // CsvReadOptions::source_name
  int64_t line = 0;                // physical line where the record starts (1-based)
  int64_t column = 0;              // 1-based field index of the problem; 0 when not about one field
  std::string_view record;         // the raw record bytes as in the input, without its line ending
  const Status* reason = nullptr;  // the error reading would otherwise have stopped with
};

struct CsvReadOptions {
  // Field separator. Must not be the quote character, CR or LF.
  char delimiter = ',';
  // Quote character; '\0' disables quoting (every field is taken literally).
  char quote = '"';
  // The first record (after skip_rows) names the columns. See "Header and columns" above.
  bool header = true;
  // Physical lines skipped at the start before anything is parsed (a preamble). They are
  // counted in line numbers but are not parsed as CSV (quotes in them do not matter).
  int64_t skip_rows = 0;
  // Unquoted field texts read as null. See "Nulls" above.
  std::vector<std::string> null_values = {""};
  // Strip spaces and tabs around unquoted fields and allow them around quoted fields.
  bool trim_whitespace = false;
  // Skip lines that are completely empty (no bytes before the line ending). When false an
  // empty line is a record of one empty field.
  bool skip_blank_lines = true;
  // With a header: schema fields missing from the header.
  enum class MissingColumns { kError, kNull };
  MissingColumns missing_columns = MissingColumns::kError;
  // With a header: header columns not in the schema.
  enum class ExtraColumns { kIgnore, kError };
  ExtraColumns extra_columns = ExtraColumns::kIgnore;
  // Text form of binary and fixed(n) fields.
  enum class BinaryEncoding { kHex, kBase64, kRaw };
  BinaryEncoding binary_encoding = BinaryEncoding::kHex;
  // A batch is cut after this many rows...
  int64_t batch_rows = 64 * 1024;
  // ...or once its buffers reach about this many bytes.
  int64_t batch_bytes = int64_t{64} << 20;
  // Longest field (raw bytes, quotes included) and longest record accepted.
  int64_t max_field_bytes = int64_t{16} << 20;
  int64_t max_row_bytes = int64_t{64} << 20;
  // Names the input in error messages ("FILE:LINE:COLUMN: ..."). CsvStreamReader::OpenFile
  // sets it to the path when empty; "<input>" is used when it is empty.
  std::string source_name;
  // The number of the input's first line in errors and bad rows: an input that continues a
  // longer one (a part of a file after its header, read on its own) counts on from its place.
  int64_t first_line = 1;
  // Bad-row mode (see above). Empty: the first record error stops reading.
  std::function<Status(const CsvBadRow&)> on_bad_row;
};

// One field of a record split without a schema (see SplitCsvRecords).
struct CsvField {
  std::string text;  // unquoted and unescaped (and trimmed per trim_whitespace)
  bool quoted = false;
  // True when the field is unquoted and matches one of options.null_values.
  bool is_null = false;
};

// Incremental reader: feed bytes in chunks of any size (records may span chunks; the result
// does not depend on where chunks are cut); complete batches are queued. Memory is bounded by
// one batch, the queued batches and the longest record. Not thread-safe. Errors are final:
// after one, every call returns it again and the rows of the failing batch are lost (batches
// already queued stay valid).
class CsvBatchReader {
 public:
  // Checks the options and that every schema field has a type CSV can hold (NotSupported
  // otherwise; InvalidArgument for bad options such as delimiter == quote).
  static Result<std::unique_ptr<CsvBatchReader>> Make(SchemaPtr schema,
                                                      CsvReadOptions options = {});
  ~CsvBatchReader();
  CsvBatchReader(const CsvBatchReader&) = delete;
  CsvBatchReader& operator=(const CsvBatchReader&) = delete;

  // Parses every complete record in the bytes fed so far.
  Status Feed(std::string_view chunk);
  // Ends the input: parses a final record without a line ending and queues the remaining
  // rows (if any) as a batch. An input without any record (not even a header) is not an
  // error and gives no batches.
  Status Finish();
  // The oldest queued batch, if any.
  std::optional<RecordBatch> NextBatch();

  // The header's column names once it has been read (empty before, and without a header).
  const std::vector<std::string>& header() const;
  // Rows accepted so far (including rows already handed out); excludes bad rows.
  int64_t rows_read() const;
  // Records left out in bad-row mode so far.
  int64_t bad_rows() const;

 private:
  friend Result<RecordBatch> ParseCsv(std::string_view text, SchemaPtr schema,
                                      const CsvReadOptions& options);
  friend Result<std::vector<std::vector<CsvField>>> SplitCsvRecords(std::string_view text,
                                                                    const CsvReadOptions& options,
                                                                    int64_t max_records,
                                                                    bool complete);
  struct Impl;
  explicit CsvBatchReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Parses all of `text` into a single batch, however many rows (options.batch_rows and
// batch_bytes are ignored). `text` is not copied.
Result<RecordBatch> ParseCsv(std::string_view text, SchemaPtr schema,
                             const CsvReadOptions& options = {});

// Pull reader over a byte stream (a file, a pipe, an object-store download), yielding batches
// of at most options.batch_rows rows while holding at most one read chunk, the longest record
// and one batch. Not thread-safe.
class CsvStreamReader {
 public:
  // Reads up to `capacity` bytes into `dst`; returns the count, 0 at the end of the stream.
  using ReadFn = std::function<Result<size_t>(char* dst, size_t capacity)>;

  static Result<std::unique_ptr<CsvStreamReader>> Make(SchemaPtr schema, CsvReadOptions options,
                                                       ReadFn read,
                                                       size_t chunk_bytes = size_t{1} << 20);
  // Opens a local file (or "-" for standard input). options.source_name defaults to `path`.
  static Result<std::unique_ptr<CsvStreamReader>> OpenFile(const std::string& path,
                                                           SchemaPtr schema,
                                                           CsvReadOptions options = {});
  ~CsvStreamReader();

  // The next batch, or nullopt at the end of the input. Errors are final.
  Result<std::optional<RecordBatch>> Next();
  const CsvBatchReader& reader() const { return *reader_; }

 private:
  CsvStreamReader(std::unique_ptr<CsvBatchReader> reader, ReadFn read, size_t chunk_bytes, int fd);
  std::unique_ptr<CsvBatchReader> reader_;
  ReadFn read_;
  std::string chunk_;
  int fd_ = -1;  // owned when OpenFile opened a file (not stdin)
  bool eof_ = false;
};

// Splits up to `max_records` records (after skip_rows, blank lines skipped; the header, if
// any, is the first record returned) of `text` into fields, using the syntax options of
// `options` (delimiter, quote, skip_rows, trim_whitespace, skip_blank_lines, null_values,
// max_field_bytes, max_row_bytes). When `complete` is false `text` is a prefix of the input:
// a last record without a line ending is dropped (it may be cut short). Errors as above
// (syntax only). For schema inference and previews; allocates per field.
Result<std::vector<std::vector<CsvField>>> SplitCsvRecords(std::string_view text,
                                                           const CsvReadOptions& options,
                                                           int64_t max_records, bool complete);

}  // namespace floe
