#include "floe/format/avro/schema.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace floe::avro {

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kNull:
      return "null";
    case Type::kBoolean:
      return "boolean";
    case Type::kInt:
      return "int";
    case Type::kLong:
      return "long";
    case Type::kFloat:
      return "float";
    case Type::kDouble:
      return "double";
    case Type::kBytes:
      return "bytes";
    case Type::kString:
      return "string";
    case Type::kRecord:
      return "record";
    case Type::kEnum:
      return "enum";
    case Type::kArray:
      return "array";
    case Type::kMap:
      return "map";
    case Type::kUnion:
      return "union";
    case Type::kFixed:
      return "fixed";
  }
  return "?";
}

std::string_view LogicalTypeName(LogicalType type) {
  switch (type) {
    case LogicalType::kNone:
      return "";
    case LogicalType::kDecimal:
      return "decimal";
    case LogicalType::kUuid:
      return "uuid";
    case LogicalType::kDate:
      return "date";
    case LogicalType::kTimeMillis:
      return "time-millis";
    case LogicalType::kTimeMicros:
      return "time-micros";
    case LogicalType::kTimestampMillis:
      return "timestamp-millis";
    case LogicalType::kTimestampMicros:
      return "timestamp-micros";
    case LogicalType::kTimestampNanos:
      return "timestamp-nanos";
    case LogicalType::kLocalTimestampMillis:
      return "local-timestamp-millis";
    case LogicalType::kLocalTimestampMicros:
      return "local-timestamp-micros";
    case LogicalType::kLocalTimestampNanos:
      return "local-timestamp-nanos";
    case LogicalType::kDuration:
      return "duration";
  }
  return "";
}

namespace {

std::optional<int32_t> IntOf(const Json& attrs, std::string_view key) {
  if (!attrs.is_object()) return std::nullopt;
  auto it = attrs.find(key);
  if (it == attrs.end() || !it->is_number_integer()) return std::nullopt;
  if (it->is_number_unsigned()) {
    const uint64_t v = it->get<uint64_t>();
    if (v > static_cast<uint64_t>(INT32_MAX)) return std::nullopt;
    return static_cast<int32_t>(v);
  }
  const int64_t v = it->get<int64_t>();
  if (v < INT32_MIN || v > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(v);
}

std::optional<Type> PrimitiveType(std::string_view name) {
  static constexpr Type kPrimitives[] = {Type::kNull,  Type::kBoolean, Type::kInt,   Type::kLong,
                                         Type::kFloat, Type::kDouble,  Type::kBytes, Type::kString};
  for (Type t : kPrimitives) {
    if (TypeName(t) == name) return t;
  }
  return std::nullopt;
}

bool ValidName(std::string_view s) {
  if (s.empty()) return false;
  auto start = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!start(s[0])) return false;
  return std::all_of(s.begin() + 1, s.end(),
                     [&](char c) { return start(c) || (c >= '0' && c <= '9'); });
}

bool ValidFullName(std::string_view s) {
  size_t pos = 0;
  while (true) {
    const size_t dot = s.find('.', pos);
    if (!ValidName(s.substr(pos, dot == std::string_view::npos ? dot : dot - pos))) return false;
    if (dot == std::string_view::npos) return true;
    pos = dot + 1;
  }
}

std::optional<LogicalType> LogicalFromName(std::string_view s) {
  for (int i = 1; i <= static_cast<int>(LogicalType::kDuration); ++i) {
    if (LogicalTypeName(static_cast<LogicalType>(i)) == s) return static_cast<LogicalType>(i);
  }
  return std::nullopt;
}

}  // namespace

std::optional<int32_t> Field::field_id() const { return IntOf(attributes, "field-id"); }

std::string Node::full_name() const { return name_space.empty() ? name : name_space + "." + name; }

int Node::FieldIndex(std::string_view n) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == n) return static_cast<int>(i);
  }
  return -1;
}

std::optional<int32_t> Node::IntAttribute(std::string_view key) const {
  return IntOf(attributes, key);
}

int Node::NullBranch() const {
  for (size_t i = 0; i < branches.size(); ++i) {
    if (branches[i]->type == Type::kNull) return static_cast<int>(i);
  }
  return -1;
}

const Node* Schema::FindNamed(std::string_view full_name) const {
  for (const Node* n : named_) {
    if (n->full_name() == full_name) return n;
  }
  return nullptr;
}

class SchemaParser {
 public:
  explicit SchemaParser(Schema* schema) : schema_(schema) {}

  Result<const Node*> Parse(const Json& j, const std::string& ns, const std::string& path,
                            int depth) {
    if (depth > kMaxSchemaDepth) {
      return Status::InvalidArgument("avro schema {}: nested deeper than {}", Path(path),
                                     kMaxSchemaDepth);
    }
    if (schema_->nodes_.size() >= kMaxSchemaNodes) {
      return Status::InvalidArgument("avro schema: more than {} nodes", kMaxSchemaNodes);
    }
    if (j.is_string()) return ParseName(j.get_ref<const std::string&>(), ns, path);
    if (j.is_array()) return ParseUnion(j, ns, path, depth);
    if (!j.is_object()) {
      return Status::InvalidArgument("avro schema {}: expected a string, array or object, got {}",
                                     Path(path), j.type_name());
    }
    auto t = j.find("type");
    if (t == j.end()) return Status::InvalidArgument("avro schema {}: no \"type\"", Path(path));
    if (!t->is_string()) {
      // {"type": {...}} or {"type": [...]}: a wrapped schema (allowed by most parsers).
      if (j.size() == 1) return Parse(*t, ns, path + ".type", depth + 1);
      return Status::InvalidArgument("avro schema {}: \"type\" must be a string", Path(path));
    }
    const std::string& tn = t->get_ref<const std::string&>();
    if (tn == "record" || tn == "error") return ParseRecord(j, ns, path, depth);
    if (tn == "enum") return ParseEnum(j, ns, path);
    if (tn == "fixed") return ParseFixed(j, ns, path);
    if (tn == "array" || tn == "map") return ParseContainer(j, tn == "array", ns, path, depth);
    if (auto prim = PrimitiveType(tn)) {
      Node* n = NewNode(*prim);
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() != "type") n->attributes[it.key()] = it.value();
      }
      ApplyLogicalType(n);
      return n;
    }
    // {"type": "SomeNamedType"} referencing a named type.
    if (j.size() == 1) return ParseName(tn, ns, path);
    return Status::InvalidArgument("avro schema {}: unknown type '{}'", Path(path), tn);
  }

 private:
  static std::string Path(const std::string& p) { return p.empty() ? "<root>" : p; }

  Node* NewNode(Type t) {
    schema_->nodes_.push_back(std::make_unique<Node>());
    Node* n = schema_->nodes_.back().get();
    n->type = t;
    return n;
  }

  Result<const Node*> ParseName(const std::string& name, const std::string& ns,
                                const std::string& path) {
    if (auto prim = PrimitiveType(name)) return static_cast<const Node*>(NewNode(*prim));
    if (name.find('.') == std::string::npos && !ns.empty()) {
      auto it = named_.find(ns + "." + name);
      if (it != named_.end()) return it->second;
    }
    auto it = named_.find(name);
    if (it != named_.end()) return it->second;
    return Status::InvalidArgument("avro schema {}: unknown type '{}'", Path(path), name);
  }

  Result<const Node*> ParseUnion(const Json& j, const std::string& ns, const std::string& path,
                                 int depth) {
    Node* n = NewNode(Type::kUnion);
    if (j.empty()) return Status::InvalidArgument("avro schema {}: empty union", Path(path));
    std::unordered_set<std::string> seen;
    for (size_t i = 0; i < j.size(); ++i) {
      const std::string p = fmt::format("{}[{}]", path, i);
      FLOE_ASSIGN_OR_RETURN(const Node* b, Parse(j[i], ns, p, depth + 1));
      if (b->type == Type::kUnion) {
        return Status::InvalidArgument("avro schema {}: a union may not contain a union", p);
      }
      const std::string key = b->is_named() ? b->full_name() : std::string(TypeName(b->type));
      if (!seen.insert(key).second) {
        return Status::InvalidArgument("avro schema {}: union has two branches of type {}", p, key);
      }
      n->branches.push_back(b);
    }
    return n;
  }

  Status NameNode(Node* n, const Json& j, const std::string& ns, const std::string& path) {
    auto name = j.find("name");
    if (name == j.end() || !name->is_string()) {
      return Status::InvalidArgument("avro schema {}: {} without a \"name\"", Path(path),
                                     TypeName(n->type));
    }
    const std::string& full = name->get_ref<const std::string&>();
    const size_t dot = full.rfind('.');
    if (dot != std::string::npos) {
      n->name_space = full.substr(0, dot);
      n->name = full.substr(dot + 1);
    } else {
      n->name = full;
      auto nsj = j.find("namespace");
      if (nsj != j.end() && nsj->is_string()) {
        n->name_space = nsj->get<std::string>();
      } else if (nsj != j.end() && !nsj->is_null()) {
        return Status::InvalidArgument("avro schema {}: \"namespace\" must be a string",
                                       Path(path));
      } else {
        n->name_space = ns;
      }
    }
    if (!ValidName(n->name) || (!n->name_space.empty() && !ValidFullName(n->name_space))) {
      return Status::InvalidArgument("avro schema {}: invalid name '{}'", Path(path),
                                     n->full_name());
    }
    if (PrimitiveType(n->name) && n->name_space.empty()) {
      return Status::InvalidArgument("avro schema {}: a named type may not be called '{}'",
                                     Path(path), n->name);
    }
    if (!named_.emplace(n->full_name(), n).second) {
      return Status::InvalidArgument("avro schema {}: type '{}' defined twice", Path(path),
                                     n->full_name());
    }
    schema_->named_.push_back(n);
    if (auto d = j.find("doc"); d != j.end() && d->is_string()) n->doc = d->get<std::string>();
    if (auto a = j.find("aliases"); a != j.end() && a->is_array()) {
      for (const auto& x : *a) {
        if (x.is_string()) n->aliases.push_back(x.get<std::string>());
      }
    }
    return Status::OK();
  }

  static void KeepAttributes(Node* n, const Json& j,
                             std::initializer_list<std::string_view> known) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
        n->attributes[it.key()] = it.value();
      }
    }
  }

  Result<const Node*> ParseRecord(const Json& j, const std::string& ns, const std::string& path,
                                  int depth) {
    Node* n = NewNode(Type::kRecord);
    FLOE_RETURN_IF_ERROR(NameNode(n, j, ns, path));
    KeepAttributes(n, j, {"type", "name", "namespace", "doc", "aliases", "fields"});
    auto fields = j.find("fields");
    if (fields == j.end() || !fields->is_array()) {
      return Status::InvalidArgument("avro schema {}: record '{}' without a \"fields\" array",
                                     Path(path), n->full_name());
    }
    std::unordered_set<std::string> names;
    for (size_t i = 0; i < fields->size(); ++i) {
      const Json& fj = (*fields)[i];
      const std::string fp = fmt::format("{}{}fields[{}]", path, path.empty() ? "" : ".", i);
      if (!fj.is_object()) {
        return Status::InvalidArgument("avro schema {}: field must be an object", fp);
      }
      Field f;
      auto name = fj.find("name");
      if (name == fj.end() || !name->is_string() ||
          !ValidName(name->get_ref<const std::string&>())) {
        return Status::InvalidArgument("avro schema {}: field without a valid \"name\"", fp);
      }
      f.name = name->get<std::string>();
      if (!names.insert(f.name).second) {
        return Status::InvalidArgument("avro schema {}: duplicate field '{}'", fp, f.name);
      }
      auto type = fj.find("type");
      if (type == fj.end()) {
        return Status::InvalidArgument("avro schema {}: field '{}' without a \"type\"", fp, f.name);
      }
      const std::string field_path = path.empty() ? f.name : path + "." + f.name;
      FLOE_ASSIGN_OR_RETURN(f.type, Parse(*type, n->name_space, field_path, depth + 1));
      for (auto it = fj.begin(); it != fj.end(); ++it) {
        const std::string& k = it.key();
        if (k == "name" || k == "type") continue;
        if (k == "default") {
          f.default_value = it.value();
        } else if (k == "doc" && it->is_string()) {
          f.doc = it->get<std::string>();
        } else if (k == "order" && it->is_string()) {
          f.order = it->get<std::string>();
          if (f.order == "ascending") f.order.clear();
        } else if (k == "aliases" && it->is_array()) {
          for (const auto& x : *it) {
            if (x.is_string()) f.aliases.push_back(x.get<std::string>());
          }
        } else {
          f.attributes[k] = it.value();
        }
      }
      n->fields.push_back(std::move(f));
    }
    return n;
  }

  Result<const Node*> ParseEnum(const Json& j, const std::string& ns, const std::string& path) {
    Node* n = NewNode(Type::kEnum);
    FLOE_RETURN_IF_ERROR(NameNode(n, j, ns, path));
    KeepAttributes(n, j, {"type", "name", "namespace", "doc", "aliases", "symbols", "default"});
    auto symbols = j.find("symbols");
    if (symbols == j.end() || !symbols->is_array() || symbols->empty()) {
      return Status::InvalidArgument("avro schema {}: enum '{}' needs a non-empty \"symbols\"",
                                     Path(path), n->full_name());
    }
    std::unordered_set<std::string> seen;
    for (const auto& s : *symbols) {
      if (!s.is_string() || !ValidName(s.get_ref<const std::string&>()) ||
          !seen.insert(s.get<std::string>()).second) {
        return Status::InvalidArgument("avro schema {}: enum '{}' has an invalid symbol {}",
                                       Path(path), n->full_name(), s.dump());
      }
      n->symbols.push_back(s.get<std::string>());
    }
    if (auto d = j.find("default"); d != j.end()) {
      if (!d->is_string() || !seen.count(d->get<std::string>())) {
        return Status::InvalidArgument("avro schema {}: enum default {} is not a symbol",
                                       Path(path), d->dump());
      }
      n->enum_default = d->get<std::string>();
    }
    return n;
  }

  Result<const Node*> ParseFixed(const Json& j, const std::string& ns, const std::string& path) {
    Node* n = NewNode(Type::kFixed);
    FLOE_RETURN_IF_ERROR(NameNode(n, j, ns, path));
    KeepAttributes(n, j, {"type", "name", "namespace", "doc", "aliases", "size"});
    auto size = IntOf(j, "size");
    if (!size || *size < 0) {
      return Status::InvalidArgument("avro schema {}: fixed '{}' needs a non-negative \"size\"",
                                     Path(path), n->full_name());
    }
    n->fixed_size = *size;
    ApplyLogicalType(n);
    return n;
  }

  Result<const Node*> ParseContainer(const Json& j, bool is_array, const std::string& ns,
                                     const std::string& path, int depth) {
    Node* n = NewNode(is_array ? Type::kArray : Type::kMap);
    const char* key = is_array ? "items" : "values";
    KeepAttributes(n, j, {"type", key});
    auto child = j.find(key);
    if (child == j.end()) {
      return Status::InvalidArgument("avro schema {}: {} without \"{}\"", Path(path),
                                     TypeName(n->type), key);
    }
    FLOE_ASSIGN_OR_RETURN(const Node* c,
                          Parse(*child, ns, fmt::format("{}.{}", path, key), depth + 1));
    (is_array ? n->items : n->values) = c;
    return n;
  }

  // Moves a recognized, valid "logicalType" out of the attributes into the node.
  static void ApplyLogicalType(Node* n) {
    auto it = n->attributes.find("logicalType");
    if (it == n->attributes.end() || !it->is_string()) return;
    auto lt = LogicalFromName(it->get<std::string>());
    if (!lt) return;
    bool ok = false;
    switch (*lt) {
      case LogicalType::kDecimal: {
        if (n->type != Type::kBytes && n->type != Type::kFixed) break;
        auto precision = IntOf(n->attributes, "precision");
        auto scale_attr = n->attributes.find("scale");
        auto scale = IntOf(n->attributes, "scale");
        if (scale_attr == n->attributes.end()) scale = 0;
        if (!precision || *precision <= 0 || !scale || *scale < 0 || *scale > *precision) break;
        if (n->type == Type::kFixed) {
          // Largest precision a fixed of this size can hold: floor(log10(2^(8*size-1) - 1)).
          const double digits = (8.0 * n->fixed_size - 1) * 0.30102999566398119521;
          if (n->fixed_size <= 0 || *precision > static_cast<int>(digits)) break;
        }
        n->precision = *precision;
        n->scale = *scale;
        n->attributes.erase("precision");
        if (scale_attr != n->attributes.end()) n->attributes.erase("scale");
        ok = true;
        break;
      }
      case LogicalType::kUuid:
        ok = n->type == Type::kString || (n->type == Type::kFixed && n->fixed_size == 16);
        break;
      case LogicalType::kDate:
      case LogicalType::kTimeMillis:
        ok = n->type == Type::kInt;
        break;
      case LogicalType::kDuration:
        ok = n->type == Type::kFixed && n->fixed_size == 12;
        break;
      default:
        ok = n->type == Type::kLong;
        break;
    }
    if (!ok) return;
    n->logical_type = *lt;
    n->attributes.erase("logicalType");
  }

  Schema* schema_;
  std::unordered_map<std::string, const Node*> named_;
};

Result<std::shared_ptr<const Schema>> Schema::FromJson(const Json& json) {
  auto schema = std::make_shared<Schema>();
  SchemaParser parser(schema.get());
  FLOE_ASSIGN_OR_RETURN(schema->root_, parser.Parse(json, "", "", 0));
  return std::shared_ptr<const Schema>(std::move(schema));
}

Result<std::shared_ptr<const Schema>> Schema::Parse(std::string_view json_text) {
  Json j = Json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("avro schema: not valid JSON");
  return FromJson(j);
}

namespace {

void AppendAttributes(const Json& attrs, Json* out) {
  for (auto it = attrs.begin(); it != attrs.end(); ++it) (*out)[it.key()] = it.value();
}

Json NodeToJson(const Node& n, const std::string& ns, std::unordered_set<const Node*>* defined) {
  if (n.is_named() && defined->count(&n)) {
    return n.name_space == ns ? Json(n.name) : Json(n.full_name());
  }
  Json out = Json::object();
  switch (n.type) {
    case Type::kUnion: {
      Json arr = Json::array();
      for (const Node* b : n.branches) arr.push_back(NodeToJson(*b, ns, defined));
      return arr;
    }
    case Type::kRecord:
    case Type::kEnum:
    case Type::kFixed: {
      defined->insert(&n);
      out["type"] = TypeName(n.type);
      out["name"] = n.name;
      if (n.name_space != ns) out["namespace"] = n.name_space;
      if (!n.doc.empty()) out["doc"] = n.doc;
      if (!n.aliases.empty()) out["aliases"] = n.aliases;
      if (n.type == Type::kRecord) {
        Json fields = Json::array();
        for (const Field& f : n.fields) {
          Json fj = Json::object();
          fj["name"] = f.name;
          fj["type"] = NodeToJson(*f.type, n.name_space, defined);
          if (!f.doc.empty()) fj["doc"] = f.doc;
          if (f.default_value) fj["default"] = *f.default_value;
          if (!f.order.empty()) fj["order"] = f.order;
          if (!f.aliases.empty()) fj["aliases"] = f.aliases;
          AppendAttributes(f.attributes, &fj);
          fields.push_back(std::move(fj));
        }
        out["fields"] = std::move(fields);
      } else if (n.type == Type::kEnum) {
        out["symbols"] = n.symbols;
        if (n.enum_default) out["default"] = *n.enum_default;
      } else {
        out["size"] = n.fixed_size;
      }
      break;
    }
    case Type::kArray:
      out["type"] = "array";
      out["items"] = NodeToJson(*n.items, ns, defined);
      break;
    case Type::kMap:
      out["type"] = "map";
      out["values"] = NodeToJson(*n.values, ns, defined);
      break;
    default:
      if (n.logical_type == LogicalType::kNone && n.attributes.empty()) return TypeName(n.type);
      out["type"] = TypeName(n.type);
      break;
  }
  if (n.logical_type != LogicalType::kNone) {
    out["logicalType"] = LogicalTypeName(n.logical_type);
    if (n.logical_type == LogicalType::kDecimal) {
      out["precision"] = n.precision;
      out["scale"] = n.scale;
    }
  }
  AppendAttributes(n.attributes, &out);
  return out;
}

}  // namespace

Json Schema::ToJson() const {
  std::unordered_set<const Node*> defined;
  return NodeToJson(*root_, "", &defined);
}

}  // namespace floe::avro
