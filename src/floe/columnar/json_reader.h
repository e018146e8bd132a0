// Reading JSON into columnar batches for a given Schema: JSON Lines (one object per line) or a
// single JSON array of objects, detected from the first non-blank byte ('[' means an array).
//
// Values are accepted in the conventions json_writer.h emits, so AppendBatchJsonLines output
// reads back to the same batch, plus the natural alternatives:
//   bool                 true / false
//   int8..uint64         integer literal (or an integral number such as 2.0 or 1e3); out of
//                        range for the column type is an error, never wrapped
//   float16/32/64        any number, or "NaN" / "Infinity" / "-Infinity"; a finite number that
//                        overflows the column type is an error
//   decimal(p, s)        string or number in plain or exponent notation; more than p digits, or
//                        non-zero digits beyond s fraction digits, is an error (no rounding)
//   date                 "YYYY-MM-DD" (or "+YYYYYY-MM-DD" / "-YYYYYY-MM-DD"), or integer days
//                        since 1970-01-01
//   time                 "HH:MM[:SS[.f...]]" with an optional "Z" / "+00:00" suffix, or an
//                        integer in the column's unit; must be within the day
//   timestamp            RFC 3339 text "YYYY-MM-DD[T| ]HH:MM[:SS[.f...]][Z|+HH:MM|-HH:MM]" (or a
//                        bare date, midnight) or an integer in the column's unit. An offset is
//                        applied (the value is stored as UTC); text without one is taken as
//                        is. Fraction digits beyond the unit must be zero.
//   interval             {"months": m, "days": d, "micros": us}; micros a multiple of 1000
//                        (stored as millis); missing members are 0
//   string, enum         JSON string
//   json                 any JSON value, stored as minified JSON text. A JSON string whose
//                        content is itself valid JSON is taken as that text (this is how the
//                        writer emits json columns) unless json_strings_as_text is false.
//   binary, fixed(n)     hex string (either case); fixed needs exactly n bytes
//   uuid                 "8-4-4-4-12" hex text, or 32 hex digits
//   list                 JSON array
//   struct               JSON object
//   map                  array of {"key": k, "value": v} objects, or an object whose member
//                        names are the keys (converted like JSON strings to the key type)
// null is accepted for nullable fields; a missing key is null (an error when the field is not
// nullable); a duplicate key is an error; keys not in the schema are ignored or rejected per
// JsonReadOptions::unknown_fields (ignored values are skipped without full validation).
//
// Errors are InvalidArgument and name the line, the field path and the problem:
//   line 12, field "a.b[3]": expected int32, got string "x"
// In array mode the line is where the offending value starts and the element index is added.
// A record longer than max_document_bytes gives ResourceExhausted; JSON nested deeper than
// max_json_depth inside a json value is an InvalidArgument like any bad record. Input is
// untrusted: every length is bounded, nothing is assumed about the bytes.
//
// Performance: simdjson On-Demand parses each record in place (copied only when it ends too
// close to the end of its buffer for simdjson's padding); values go straight into the
// ColumnBuilders with no per-value allocation. Member lookup tries the next schema field first
// (keys usually arrive in schema order), then a hash map for structs of 12 fields or more.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "floe/columnar/column.h"
#include "floe/common/status.h"

namespace floe {

struct JsonReadOptions {
  // What to do with object keys that are not in the schema (at any nesting level).
  enum class UnknownFields { kIgnore, kError };
  UnknownFields unknown_fields = UnknownFields::kIgnore;
  // A batch is cut after this many rows...
  int64_t batch_rows = 64 * 1024;
  // ...or once its buffers reach about this many bytes.
  int64_t batch_bytes = int64_t{64} << 20;
  // Longest line (JSON Lines) or array element accepted.
  int64_t max_document_bytes = int64_t{64} << 20;
  // Deepest JSON nesting accepted inside json-typed values.
  int max_json_depth = 256;
  // See "json" above.
  bool json_strings_as_text = true;
};

// Incremental reader: feed bytes in chunks of any size (records may span chunks); complete
// batches are queued. Memory is bounded by one batch, the queued batches and the longest
// record. Not thread-safe. Errors are final: after one, every call returns it again and the
// rows of the failing batch are lost (batches already queued stay valid).
class JsonBatchReader {
 public:
  JsonBatchReader(SchemaPtr schema, JsonReadOptions options = {});
  ~JsonBatchReader();
  JsonBatchReader(const JsonBatchReader&) = delete;
  JsonBatchReader& operator=(const JsonBatchReader&) = delete;

  // Parses every complete record in the bytes fed so far.
  Status Feed(std::string_view chunk);
  // Ends the input: parses a final record without a trailing newline, checks that an array is
  // closed, and queues the remaining rows (if any) as a batch.
  Status Finish();
  // The oldest queued batch, if any.
  std::optional<RecordBatch> NextBatch();
  // Rows parsed so far (including rows already handed out).
  int64_t rows_read() const;

 private:
  friend Result<RecordBatch> ParseJsonLines(std::string_view text, SchemaPtr schema,
                                            const JsonReadOptions& options);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The end of the JSON value starting at text[pos] (not whitespace): one past its closing quote
// or bracket, or for a bare scalar the first whitespace, ',', '}' or ']' after it; npos when it
// does not end inside `text`. Framing only (strings with their escapes, bracket depth): the
// value is not validated.
size_t JsonValueEnd(std::string_view text, size_t pos);

// Parses all of `text` (JSON Lines or one array) into a single batch, however many rows
// (options.batch_rows and batch_bytes are ignored). `text` is not copied.
Result<RecordBatch> ParseJsonLines(std::string_view text, SchemaPtr schema,
                                   const JsonReadOptions& options = {});

// Pull reader over a byte stream (a file, a pipe, an object-store download), yielding batches
// of at most options.batch_rows rows while holding at most one read chunk plus one batch of
// input. Not thread-safe.
class JsonStreamReader {
 public:
  // Reads up to `capacity` bytes into `dst`; returns the count, 0 at the end of the stream.
  using ReadFn = std::function<Result<size_t>(char* dst, size_t capacity)>;

  JsonStreamReader(SchemaPtr schema, JsonReadOptions options, ReadFn read,
                   size_t chunk_bytes = size_t{1} << 20);
  // Opens a local file (or "-" for standard input).
  static Result<std::unique_ptr<JsonStreamReader>> OpenFile(const std::string& path,
                                                            SchemaPtr schema,
                                                            JsonReadOptions options = {});

  // The next batch, or nullopt at the end of the input. Errors name the source (for OpenFile,
  // the path) and are final.
  Result<std::optional<RecordBatch>> Next();

 private:
  JsonBatchReader reader_;
  ReadFn read_;
  std::string chunk_;
  std::string source_;  // for error messages; empty for a plain ReadFn
  bool eof_ = false;
};

}  // namespace floe
