// Checked access to nlohmann::json objects for the Iceberg metadata parsers.
// Every error names the JSON path of the offending value, e.g.
// "snapshots[3].summary.operation: missing". Internal to floe/iceberg.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "floe/common/status.h"

namespace floe::iceberg::internal {

using Json = nlohmann::json;

// "a.b" from ("a", "b"); "b" from ("", "b").
std::string JoinPath(std::string_view path, std::string_view key);
// "a[3]".
std::string IndexPath(std::string_view path, size_t index);

// The member `key` of `obj`, or nullptr when absent or JSON null. `obj` must be an object.
const Json* Find(const Json& obj, std::string_view key);

Status ExpectObject(const Json& j, std::string_view path);
Status ExpectArray(const Json& j, std::string_view path);

// Value conversions; the path names `j` itself.
Result<int64_t> AsLong(const Json& j, std::string_view path);
Result<int32_t> AsInt(const Json& j, std::string_view path);
Result<bool> AsBool(const Json& j, std::string_view path);
Result<std::string> AsString(const Json& j, std::string_view path);

// Members of `obj` (an object) at `path`.
Result<int64_t> RequiredLong(const Json& obj, std::string_view key, std::string_view path);
Result<int32_t> RequiredInt(const Json& obj, std::string_view key, std::string_view path);
Result<bool> RequiredBool(const Json& obj, std::string_view key, std::string_view path);
Result<std::string> RequiredString(const Json& obj, std::string_view key, std::string_view path);
Result<const Json*> RequiredMember(const Json& obj, std::string_view key, std::string_view path);
Result<std::optional<int64_t>> OptionalLong(const Json& obj, std::string_view key,
                                            std::string_view path);
Result<std::optional<int32_t>> OptionalInt(const Json& obj, std::string_view key,
                                           std::string_view path);
Result<std::optional<std::string>> OptionalString(const Json& obj, std::string_view key,
                                                  std::string_view path);

}  // namespace floe::iceberg::internal
