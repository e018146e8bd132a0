// One Iceberg value in its physical form, interpreted by an accompanying Type:
//   monostate                    null
//   bool                         boolean
//   int32_t                      int; date (days from 1970-01-01)
//   int64_t                      long; time (micros from midnight); timestamp[tz] (micros
//                                from the epoch); timestamp[tz]_ns (nanos from the epoch)
//   float, double                float, double
//   __int128                     decimal: the unscaled value
//   std::string                  string (UTF-8); binary; fixed; uuid (16 big-endian bytes)
// Used for partition tuples and transform inputs/outputs.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace floe::iceberg {

using Value =
    std::variant<std::monostate, bool, int32_t, int64_t, float, double, __int128, std::string>;

inline bool IsNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }

}  // namespace floe::iceberg
