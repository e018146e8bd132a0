// Iceberg's binary single-value serialization (spec Appendix D, "Binary single-value
// serialization"): the form of column lower/upper bounds in manifests and of partition
// field summaries in manifest lists.
//
//   boolean            1 byte: 0x00 false, any other value true (written as 0x01)
//   int, date          4-byte little-endian two's complement
//   long, time,        8-byte little-endian two's complement
//   timestamp[tz][_ns]
//   float, double      IEEE 754 bits, 4 / 8 bytes little-endian
//   string             the UTF-8 bytes, no length
//   uuid               16 bytes, big-endian
//   fixed[L]           the L bytes
//   binary             the bytes, no length
//   decimal(P, S)      the unscaled value, big-endian two's complement, minimum bytes
// unknown, variant and nested types have no binary single-value form (NotSupported).
//
// Values follow floe/iceberg/value.h. Decoding is tolerant the way Java Iceberg reads
// bounds written before a type promotion: a 4-byte long is an int, a 4-byte double a float.
// Stateless; all functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "floe/common/status.h"
#include "floe/iceberg/types.h"
#include "floe/iceberg/value.h"

namespace floe::iceberg {

// The serialization of `value` of `type`. Null, a Value kind that does not fit `type`
// (an int32 for long-typed fields is widened, a float for double widened), a fixed of the
// wrong length, a uuid not of 16 bytes, or a type without a binary form is an error
// naming the type.
Result<std::string> EncodeSingleValue(const Type& type, const Value& value);
// Appends the serialization to *out (no allocation beyond *out's growth). Same errors.
Status AppendSingleValue(const Type& type, const Value& value, std::string* out);

// The value `bytes` encodes for `type`. kCorruption naming the type and the byte length
// when the length does not fit the type (e.g. an int that is not 4 bytes, a decimal of 0
// or more than 16 bytes); NotSupported for types without a binary form.
Result<Value> DecodeSingleValue(const Type& type, std::string_view bytes);

}  // namespace floe::iceberg
