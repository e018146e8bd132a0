#include "floe/columnar/schema_json.h"

#include <charconv>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

namespace floe {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kMaxDepth = 64;
constexpr int64_t kMaxFixedWidth = int64_t{16} << 20;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseSmallInt(std::string_view s, int64_t* out) {
  s = Trim(s);
  if (s.empty() || s.size() > 12) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseUnit(std::string_view s, TimeUnit* unit) {
  s = Trim(s);
  if (s == "ms") {
    *unit = TimeUnit::kMilli;
  } else if (s == "us") {
    *unit = TimeUnit::kMicro;
  } else if (s == "ns") {
    *unit = TimeUnit::kNano;
  } else {
    return false;
  }
  return true;
}

// What a JSON value is, for error messages: its type and a short excerpt.
// Containers are not dumped (they may be deeply nested).
std::string Describe(const Json& j) {
  if (j.is_structured()) return j.type_name();
  std::string text = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return fmt::format("{} {}", j.type_name(), text);
}

TypePtr SimpleType(std::string_view name) {
  static const struct {
    std::string_view name;
    TypePtr (*make)();
  } kSimple[] = {
      {"bool", types::Bool},     {"boolean", types::Bool},      {"int8", types::Int8},
      {"int16", types::Int16},   {"int32", types::Int32},       {"int64", types::Int64},
      {"uint8", types::UInt8},   {"uint16", types::UInt16},     {"uint32", types::UInt32},
      {"uint64", types::UInt64}, {"float16", types::Float16},   {"float32", types::Float32},
      {"float", types::Float32}, {"float64", types::Float64},   {"double", types::Float64},
      {"date", types::Date},     {"interval", types::Interval}, {"string", types::String},
      {"enum", types::Enum},     {"json", types::Json},         {"binary", types::Binary},
      {"uuid", types::Uuid},
  };
  for (const auto& s : kSimple) {
    if (s.name == name) return s.make();
  }
  return nullptr;
}

class SchemaParser {
 public:
  Result<Schema> Parse(std::string_view text) {
    Json root;
    try {
      root = Json::parse(text);
    } catch (const Json::parse_error& e) {
      return Status::InvalidArgument("schema: invalid JSON at byte {}: {}", e.byte, e.what());
    } catch (const std::exception& e) {
      return Status::InvalidArgument("schema: invalid JSON: {}", e.what());
    }
    try {
      return ParseRoot(root);
    } catch (const std::exception& e) {
      // Every access below checks types first; this is a last line of defence.
      return Status::InvalidArgument("schema: {}", e.what());
    }
  }

 private:
  static Status FieldError(std::string_view path, std::string_view what) {
    return Status::InvalidArgument("schema field \"{}\": {}", path, what);
  }

  Result<Schema> ParseRoot(const Json& root) {
    if (!root.is_object()) {
      return Status::InvalidArgument("schema: expected an object with \"fields\", got {}",
                                     Describe(root));
    }
    Schema schema;
    const Json* fields = nullptr;
    for (const auto& [key, value] : root.items()) {
      if (key == "fields") {
        fields = &value;
      } else if (key == "metadata") {
        if (!value.is_object()) {
          return Status::InvalidArgument("schema: \"metadata\" must be an object, got {}",
                                         Describe(value));
        }
        for (const auto& [k, v] : value.items()) {
          if (!v.is_string()) {
            return Status::InvalidArgument("schema: metadata \"{}\" must be a string, got {}", k,
                                           Describe(v));
          }
          schema.metadata[k] = v.get<std::string>();
        }
      } else {
        return Status::InvalidArgument("schema: unknown key \"{}\" (expected fields, metadata)",
                                       key);
      }
    }
    if (fields == nullptr) return Status::InvalidArgument("schema: missing \"fields\"");
    FLOE_ASSIGN_OR_RETURN(schema.fields, ParseFieldList(*fields, "", 0));
    return schema;
  }

  Result<std::vector<Field>> ParseFieldList(const Json& list, const std::string& parent,
                                            int depth) {
    if (!list.is_array()) {
      if (parent.empty()) {
        return Status::InvalidArgument("schema: \"fields\" must be an array, got {}",
                                       Describe(list));
      }
      return FieldError(parent, fmt::format("\"fields\" must be an array, got {}", Describe(list)));
    }
    std::vector<Field> out;
    std::set<std::string> names;
    for (size_t i = 0; i < list.size(); ++i) {
      const Json& f = list[i];
      const std::string where =
          parent.empty() ? fmt::format("#{}", i) : fmt::format("{}.#{}", parent, i);
      if (!f.is_object())
        return FieldError(where, fmt::format("expected an object, got {}", Describe(f)));
      auto name_it = f.find("name");
      if (name_it == f.end() || !name_it->is_string() ||
          name_it->get_ref<const std::string&>().empty()) {
        return FieldError(where, "\"name\" must be a non-empty string");
      }
      const std::string& name = name_it->get_ref<const std::string&>();
      const std::string path = parent.empty() ? name : parent + "." + name;
      if (!names.insert(name).second) return FieldError(path, "duplicate field name");
      FLOE_ASSIGN_OR_RETURN(Field field, ParseField(f, name, path, depth));
      out.push_back(std::move(field));
    }
    return out;
  }

  Result<Field> ParseField(const Json& f, const std::string& name, const std::string& path,
                           int depth) {
    Field field;
    field.name = name;
    const Json* type = nullptr;
    for (const auto& [key, value] : f.items()) {
      if (key == "name" || key == "doc") continue;
      if (key == "type") {
        type = &value;
      } else if (key == "nullable") {
        if (!value.is_boolean()) {
          return FieldError(
              path, fmt::format("\"nullable\" must be true or false, got {}", Describe(value)));
        }
        field.nullable = value.get<bool>();
      } else if (key == "id") {
        FLOE_ASSIGN_OR_RETURN(field.id, ParseId(value, path, "id"));
      } else {
        return FieldError(
            path, fmt::format("unknown key \"{}\" (expected name, type, nullable, id, doc)", key));
      }
    }
    if (type == nullptr) return FieldError(path, "missing \"type\"");
    FLOE_ASSIGN_OR_RETURN(field.type, ParseType(*type, path, depth));
    return field;
  }

  Result<int32_t> ParseId(const Json& value, const std::string& path, std::string_view key) {
    if (!value.is_number_integer()) {
      return FieldError(path,
                        fmt::format("\"{}\" must be an integer, got {}", key, Describe(value)));
    }
    const bool negative = value.is_number_unsigned() ? false : value.get<int64_t>() < 0;
    const bool too_big = value.is_number_unsigned() ? value.get<uint64_t>() > INT32_MAX
                                                    : value.get<int64_t>() > INT32_MAX;
    if (negative || too_big) {
      return FieldError(path,
                        fmt::format("\"{}\" {} out of range 0..{}", key, value.dump(), INT32_MAX));
    }
    const auto id = static_cast<int32_t>(value.get<int64_t>());
    if (!ids_.insert(id).second) return FieldError(path, fmt::format("duplicate field id {}", id));
    return id;
  }

  Result<TypePtr> ParseType(const Json& t, const std::string& path, int depth) {
    if (depth >= kMaxDepth)
      return FieldError(path, fmt::format("nested deeper than {} levels", kMaxDepth));
    if (t.is_string()) {
      Result<TypePtr> r = ParseTypeString(t.get_ref<const std::string&>());
      if (!r.ok()) return FieldError(path, r.status().message());
      return r;
    }
    if (!t.is_object()) {
      return FieldError(path,
                        fmt::format("\"type\" must be a string or an object, got {}", Describe(t)));
    }
    auto kind_it = t.find("type");
    if (kind_it == t.end() || !kind_it->is_string()) {
      return FieldError(path, "a type object needs a string \"type\"");
    }
    const std::string& kind = kind_it->get_ref<const std::string&>();
    auto check_keys = [&](std::initializer_list<std::string_view> allowed) -> Status {
      for (const auto& [key, value] : t.items()) {
        bool ok = key == "type";
        for (std::string_view a : allowed) ok = ok || key == a;
        if (!ok) return FieldError(path, fmt::format("unknown key \"{}\" in {} type", key, kind));
      }
      return Status::OK();
    };
    auto get_bool = [&](std::string_view key, bool fallback) -> Result<bool> {
      auto it = t.find(key);
      if (it == t.end()) return fallback;
      if (!it->is_boolean()) {
        return FieldError(path,
                          fmt::format("\"{}\" must be true or false, got {}", key, Describe(*it)));
      }
      return it->get<bool>();
    };
    auto get_id = [&](std::string_view key, const std::string& child_path) -> Result<int32_t> {
      auto it = t.find(key);
      if (it == t.end()) return -1;
      return ParseId(*it, child_path, key);
    };
    if (kind == "list") {
      FLOE_RETURN_IF_ERROR(check_keys({"element", "element_nullable", "element_id"}));
      auto el = t.find("element");
      if (el == t.end()) return FieldError(path, "list type needs \"element\"");
      const std::string child = path + ".element";
      Field element;
      element.name = "element";
      FLOE_ASSIGN_OR_RETURN(element.nullable, get_bool("element_nullable", true));
      FLOE_ASSIGN_OR_RETURN(element.id, get_id("element_id", child));
      FLOE_ASSIGN_OR_RETURN(element.type, ParseType(*el, child, depth + 1));
      return types::List(std::move(element));
    }
    if (kind == "map") {
      FLOE_RETURN_IF_ERROR(check_keys({"key", "value", "value_nullable", "key_id", "value_id"}));
      auto k = t.find("key");
      auto v = t.find("value");
      if (k == t.end() || v == t.end())
        return FieldError(path, "map type needs \"key\" and \"value\"");
      Field key{"key", nullptr, false};
      Field value{"value", nullptr, true};
      FLOE_ASSIGN_OR_RETURN(key.id, get_id("key_id", path + ".key"));
      FLOE_ASSIGN_OR_RETURN(value.id, get_id("value_id", path + ".value"));
      FLOE_ASSIGN_OR_RETURN(value.nullable, get_bool("value_nullable", true));
      FLOE_ASSIGN_OR_RETURN(key.type, ParseType(*k, path + ".key", depth + 1));
      FLOE_ASSIGN_OR_RETURN(value.type, ParseType(*v, path + ".value", depth + 1));
      return types::Map(std::move(key), std::move(value));
    }
    if (kind == "struct") {
      FLOE_RETURN_IF_ERROR(check_keys({"fields"}));
      auto fields = t.find("fields");
      if (fields == t.end()) return FieldError(path, "struct type needs \"fields\"");
      FLOE_ASSIGN_OR_RETURN(std::vector<Field> children, ParseFieldList(*fields, path, depth + 1));
      return types::Struct(std::move(children));
    }
    FLOE_RETURN_IF_ERROR(check_keys({}));
    Result<TypePtr> r = ParseTypeString(kind);
    if (!r.ok()) return FieldError(path, r.status().message());
    return r;
  }

  std::set<int32_t> ids_;
};

// Key order puts a nested type last so that its closing brackets end the object.
void TypeToJson(const DataType& type, Json* out);

Json FieldToJson(const Field& f) {
  Json j;
  j["name"] = f.name;
  j["nullable"] = f.nullable;
  if (f.id >= 0) j["id"] = f.id;
  TypeToJson(*f.type, &j["type"]);
  return j;
}

void TypeToJson(const DataType& type, Json* out) {
  switch (type.id) {
    case TypeId::kList: {
      const Field& e = type.children[0];
      Json j;
      j["type"] = "list";
      j["element_nullable"] = e.nullable;
      if (e.id >= 0) j["element_id"] = e.id;
      TypeToJson(*e.type, &j["element"]);
      *out = std::move(j);
      return;
    }
    case TypeId::kMap: {
      const Field& k = type.children[0];
      const Field& v = type.children[1];
      Json j;
      j["type"] = "map";
      j["value_nullable"] = v.nullable;
      if (k.id >= 0) j["key_id"] = k.id;
      if (v.id >= 0) j["value_id"] = v.id;
      TypeToJson(*k.type, &j["key"]);
      TypeToJson(*v.type, &j["value"]);
      *out = std::move(j);
      return;
    }
    case TypeId::kStruct: {
      Json j;
      j["type"] = "struct";
      Json fields = Json::array();
      for (const Field& f : type.children) fields.push_back(FieldToJson(f));
      j["fields"] = std::move(fields);
      *out = std::move(j);
      return;
    }
    default:
      *out = TypeToString(type);
      return;
  }
}

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

void EmitFieldList(const Json& fields, int indent, std::string* out);

// Compact JSON with a space after ':' and ','; every "fields" list is one field per line.
void Emit(const Json& j, int indent, std::string* out) {
  if (j.is_object()) {
    out->push_back('{');
    bool first = true;
    for (const auto& [key, value] : j.items()) {
      if (!first) out->append(", ");
      first = false;
      out->append(Dump(Json(key)));
      out->append(": ");
      if (key == "fields" && value.is_array()) {
        EmitFieldList(value, indent, out);
      } else {
        Emit(value, indent, out);
      }
    }
    out->push_back('}');
  } else if (j.is_array()) {
    out->push_back('[');
    for (size_t i = 0; i < j.size(); ++i) {
      if (i) out->append(", ");
      Emit(j[i], indent, out);
    }
    out->push_back(']');
  } else {
    out->append(Dump(j));
  }
}

void EmitFieldList(const Json& fields, int indent, std::string* out) {
  if (fields.empty()) {
    out->append("[]");
    return;
  }
  out->append("[\n");
  for (size_t i = 0; i < fields.size(); ++i) {
    out->append(static_cast<size_t>(indent + 2), ' ');
    Emit(fields[i], indent + 2, out);
    out->append(i + 1 < fields.size() ? ",\n" : "\n");
  }
  out->append(static_cast<size_t>(indent), ' ');
  out->push_back(']');
}

}  // namespace

Result<TypePtr> ParseTypeString(std::string_view text) {
  std::string lower(Trim(text));
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  std::string_view s = lower;
  if (TypePtr t = SimpleType(s)) return t;
  if (s == "timestamptz") return types::Timestamp(TimeUnit::kMicro, true);
  if (s == "timestamp_ns") return types::Timestamp(TimeUnit::kNano, false);
  if (s == "timestamptz_ns") return types::Timestamp(TimeUnit::kNano, true);
  if (s == "timestamp") return types::Timestamp(TimeUnit::kMicro, false);
  if (s == "time") return types::Time(TimeUnit::kMicro, false);

  const size_t open = s.find('(');
  if (open == std::string_view::npos || s.back() != ')') {
    return Status::InvalidArgument("unknown type \"{}\"", text);
  }
  const std::string_view head = Trim(s.substr(0, open));
  const std::string_view inner = s.substr(open + 1, s.size() - open - 2);
  std::vector<std::string_view> args;
  for (size_t start = 0;;) {
    const size_t comma = inner.find(',', start);
    args.push_back(
        Trim(inner.substr(start, comma == std::string_view::npos ? comma : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (head == "decimal") {
    int64_t p = 0, sc = 0;
    if (args.size() != 2 || !ParseSmallInt(args[0], &p) || !ParseSmallInt(args[1], &sc)) {
      return Status::InvalidArgument("bad decimal type \"{}\" (expected decimal(p,s))", text);
    }
    if (p < 1 || p > 38 || sc < 0 || sc > p) {
      return Status::InvalidArgument(
          "bad decimal type \"{}\": precision must be 1..38 and scale 0..precision", text);
    }
    return types::Decimal(static_cast<int32_t>(p), static_cast<int32_t>(sc));
  }
  if (head == "time" || head == "timestamp") {
    TimeUnit unit;
    bool utc = false;
    const bool ok =
        (args.size() == 1 || (args.size() == 2 && args[1] == "utc")) && ParseUnit(args[0], &unit);
    if (!ok) {
      return Status::InvalidArgument("bad {} type \"{}\" (expected {}(ms|us|ns[, utc]))", head,
                                     text, head);
    }
    utc = args.size() == 2;
    return head == "time" ? types::Time(unit, utc) : types::Timestamp(unit, utc);
  }
  if (head == "fixed") {
    int64_t n = 0;
    if (args.size() != 1 || !ParseSmallInt(args[0], &n) || n < 1 || n > kMaxFixedWidth) {
      return Status::InvalidArgument("bad fixed type \"{}\" (expected fixed(n), 1 <= n <= {})",
                                     text, kMaxFixedWidth);
    }
    return types::FixedBinary(static_cast<int32_t>(n));
  }
  return Status::InvalidArgument("unknown type \"{}\"", text);
}

std::string TypeToString(const DataType& type) {
  switch (type.id) {
    case TypeId::kDecimal:
      return fmt::format("decimal({},{})", type.precision, type.scale);
    case TypeId::kTime:
    case TypeId::kTimestamp:
      return fmt::format("{}({}{})", type.id == TypeId::kTime ? "time" : "timestamp",
                         TimeUnitName(type.unit), type.utc ? ", utc" : "");
    default:
      return type.ToString();
  }
}

Result<Schema> ParseSchemaJson(std::string_view text) { return SchemaParser().Parse(text); }

std::string SchemaToJson(const Schema& schema) {
  Json fields = Json::array();
  for (const Field& f : schema.fields) fields.push_back(FieldToJson(f));
  std::string out = "{\n  \"fields\": ";
  EmitFieldList(fields, 2, &out);
  if (!schema.metadata.empty()) {
    Json md = Json::object();
    for (const auto& [k, v] : schema.metadata) md[k] = v;
    out.append(",\n  \"metadata\": ");
    Emit(md, 2, &out);
  }
  out.append("\n}\n");
  return out;
}

}  // namespace floe
