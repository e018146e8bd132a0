// Validation of ingest request bodies against a stream's declared schema, record by record,
// with honest per-record answers.
//
// A body is a JSON object (one record), a JSON array of objects, or NDJSON (one object per
// non-blank line). Each record is checked against the stream (config.h): types, ranges
// (int32/int64 bounds, float32 overflow), required fields, unknown members per the
// stream's policy, nesting depth, valid UTF-8. Every accepted record is re-emitted in the
// stream's normalized form, one minified JSON object per line:
//   - declared fields in declaration order, omitted when absent or null;
//   - timestamp: integer microseconds since the epoch (UTC); binary: lowercase hex;
//     json: the value's minified JSON (not a string, unless the value is a string);
//     strings, numbers and bools: as given (numbers minified, integral floats such as 2.0
//     accepted for integer fields and emitted as integers);
//   - unknown members: dropped, or (UnknownFields::kKeep) gathered into one object under
//     keep_column: top-level ones under their name, ones inside a declared struct under
//     their path ({"geo.alt": 2, "items[1].x": 3});
//   - unstructured streams: {"value": <the whole record>};
//   - last, "arrival_time": the request's arrival time in microseconds.
// JsonBatchReader with schema() and json_strings_as_text = false reads these lines back
// without error; that is what the sinks do.
//
// Record indexes are 0-based positions in the request: the array element, or the NDJSON
// record counting non-blank lines only; a single object is index 0. Field paths are
// dotted with list indexes in brackets: "geo.lat", "tags[3]"; empty when the record as a
// whole is wrong (malformed, not an object, invalid UTF-8).
//
// Thread-safety: a StreamValidator is immutable after Make; Validate may be called from
// many threads at once (each call uses its own parser state).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "floe/columnar/type.h"
#include "floe/common/status.h"
#include "floe/ingest/config.h"

namespace floe::ingest {

struct RecordError {
  int64_t index = 0;
  std::string field;
  std::string error;  // e.g. "expected int64, got string \"x\""; "missing required field"
};

struct ValidationResult {
  // Accepted records in normalized form, each ending in '\n', in request order.
  std::string records;
  int64_t accepted = 0;
  // Rejected records in index order, with their raw bytes (at most 64 KiB of each, for the
  // dead-letter sink) parallel to `rejected`.
  std::vector<RecordError> rejected;
  std::vector<std::string> rejected_raw;
};

enum class BodyFormat {
  kJson,    // one JSON object or one JSON array of objects (decided by the first byte)
  kNdjson,  // newline-delimited objects
};

struct ValidatorLimits {
  int max_depth = 64;  // nesting of objects and arrays within one record
};

class StreamValidator {
 public:
  // InvalidArgument when the stream's declaration is unusable (duplicate field names, a
  // list without its element, ...).
  static Result<std::shared_ptr<const StreamValidator>> Make(const StreamConfig& stream,
                                                             const ValidatorLimits& limits = {});

  // The columnar schema of the normalized records: the declared fields (nullable unless
  // required; timestamp(us, UTC), binary, json, list, struct; unstructured: `value` json,
  // not nullable), then keep_column (json, nullable) under UnknownFields::kKeep, then
  // `arrival_time` timestamp(us, UTC), not nullable.
  const SchemaPtr& schema() const { return schema_; }

  // Validates a body. A whole-body problem that leaves no records to judge (a JSON body
  // that is malformed or neither an object nor an array; an empty body) is an
  // InvalidArgument naming the byte offset. Malformed NDJSON lines and array elements that
  // are not objects are per-record errors instead.
  Result<ValidationResult> Validate(std::string_view body, BodyFormat format,
                                    int64_t arrival_micros) const;

  ~StreamValidator();

 private:
  StreamValidator() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  SchemaPtr schema_;
};

}  // namespace floe::ingest
