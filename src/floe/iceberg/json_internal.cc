#include "floe/iceberg/json_internal.h"

#include <limits>

namespace floe::iceberg::internal {

std::string JoinPath(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return fmt::format("{}.{}", path, key);
}

std::string IndexPath(std::string_view path, size_t index) {
  return fmt::format("{}[{}]", path, index);
}

const Json* Find(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

namespace {
std::string_view Where(std::string_view path) { return path.empty() ? "<root>" : path; }
}  // namespace

Status ExpectObject(const Json& j, std::string_view path) {
  if (!j.is_object()) {
    return Status::InvalidArgument("{}: expected a JSON object, got {}", Where(path),
                                   j.type_name());
  }
  return Status::OK();
}

Status ExpectArray(const Json& j, std::string_view path) {
  if (!j.is_array()) {
    return Status::InvalidArgument("{}: expected a JSON array, got {}", Where(path), j.type_name());
  }
  return Status::OK();
}

Result<int64_t> AsLong(const Json& j, std::string_view path) {
  if (j.is_number_unsigned()) {
    uint64_t v = j.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Status::InvalidArgument("{}: {} is out of range for a long", Where(path), v);
    }
    return static_cast<int64_t>(v);
  }
  if (j.is_number_integer()) return j.get<int64_t>();
  return Status::InvalidArgument("{}: expected an integer, got {}", Where(path), j.type_name());
}

Result<int32_t> AsInt(const Json& j, std::string_view path) {
  FLOE_ASSIGN_OR_RETURN(int64_t v, AsLong(j, path));
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return Status::InvalidArgument("{}: {} is out of range for an int", Where(path), v);
  }
  return static_cast<int32_t>(v);
}

Result<bool> AsBool(const Json& j, std::string_view path) {
  if (!j.is_boolean()) {
    return Status::InvalidArgument("{}: expected a boolean, got {}", Where(path), j.type_name());
  }
  return j.get<bool>();
}

Result<std::string> AsString(const Json& j, std::string_view path) {
  if (!j.is_string()) {
    return Status::InvalidArgument("{}: expected a string, got {}", Where(path), j.type_name());
  }
  return j.get<std::string>();
}

Result<const Json*> RequiredMember(const Json& obj, std::string_view key, std::string_view path) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return Status::InvalidArgument("{}: missing", JoinPath(path, key));
  return v;
}

Result<int64_t> RequiredLong(const Json& obj, std::string_view key, std::string_view path) {
  FLOE_ASSIGN_OR_RETURN(const Json* v, RequiredMember(obj, key, path));
  return AsLong(*v, JoinPath(path, key));
}

Result<int32_t> RequiredInt(const Json& obj, std::string_view key, std::string_view path) {
  FLOE_ASSIGN_OR_RETURN(const Json* v, RequiredMember(obj, key, path));
  return AsInt(*v, JoinPath(path, key));
}

Result<bool> RequiredBool(const Json& obj, std::string_view key, std::string_view path) {
  FLOE_ASSIGN_OR_RETURN(const Json* v, RequiredMember(obj, key, path));
  return AsBool(*v, JoinPath(path, key));
}

Result<std::string> RequiredString(const Json& obj, std::string_view key, std::string_view path) {
  FLOE_ASSIGN_OR_RETURN(const Json* v, RequiredMember(obj, key, path));
  return AsString(*v, JoinPath(path, key));
}

Result<std::optional<int64_t>> OptionalLong(const Json& obj, std::string_view key,
                                            std::string_view path) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return std::optional<int64_t>();
  FLOE_ASSIGN_OR_RETURN(int64_t x, AsLong(*v, JoinPath(path, key)));
  return std::optional<int64_t>(x);
}

Result<std::optional<int32_t>> OptionalInt(const Json& obj, std::string_view key,
                                           std::string_view path) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return std::optional<int32_t>();
  FLOE_ASSIGN_OR_RETURN(int32_t x, AsInt(*v, JoinPath(path, key)));
  return std::optional<int32_t>(x);
}

Result<std::optional<std::string>> OptionalString(const Json& obj, std::string_view key,
                                                  std::string_view path) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return std::optional<std::string>();
  FLOE_ASSIGN_OR_RETURN(std::string x, AsString(*v, JoinPath(path, key)));
  return std::optional<std::string>(std::move(x));
}

}  // namespace floe::iceberg::internal
