#include "floe/columnar/json_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <unordered_map>
#include <vector>

#include <simdjson.h>

#include "floe/columnar/json_writer.h"
#include "floe/columnar/schema_json.h"
#include "floe/columnar/value_text.h"
#include "floe/common/float16.h"

namespace floe {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using Int128 = __int128;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// ---------------------------------------------------------------------------------------------
// Schema plan: one node per field, holding its builder and the lookup state for objects.

struct Node {
  std::string name;
  bool plain_name = true;  // no backslash or quote: the name is its own escaped JSON key
  const DataType* type = nullptr;
  bool nullable = true;
  ColumnBuilder* builder = nullptr;  // null for the root (the batch itself)
  std::vector<Node> children;
  Int128 min = 0, max = 0;  // integer types
  // Struct and root: member lookup.
  std::unordered_map<std::string_view, int> by_name;  // only for wide structs
  std::vector<uint8_t> seen;
  size_t hint = 0;  // where the next key is expected (keys usually come in schema order)
};

constexpr size_t kIndexedStructWidth = 12;
constexpr const char* kTooDeep = "JSON value nested deeper than max_json_depth";

void BuildNode(const Field& field, ColumnBuilder* builder, Node* node) {
  node->name = field.name;
  node->plain_name = field.name.find_first_of("\\\"") == std::string::npos;
  node->type = field.type.get();
  node->nullable = field.nullable;
  node->builder = builder;
  switch (field.type->id) {
    case TypeId::kInt8:
      node->min = INT8_MIN, node->max = INT8_MAX;
      break;
    case TypeId::kInt16:
      node->min = INT16_MIN, node->max = INT16_MAX;
      break;
    case TypeId::kInt32:
      node->min = INT32_MIN, node->max = INT32_MAX;
      break;
    case TypeId::kInt64:
      node->min = INT64_MIN, node->max = INT64_MAX;
      break;
    case TypeId::kUInt8:
      node->max = UINT8_MAX;
      break;
    case TypeId::kUInt16:
      node->max = UINT16_MAX;
      break;
    case TypeId::kUInt32:
      node->max = UINT32_MAX;
      break;
    case TypeId::kUInt64:
      node->max = UINT64_MAX;
      break;
    default:
      break;
  }
  node->children.resize(field.type->children.size());
  for (size_t i = 0; i < node->children.size(); ++i) {
    BuildNode(field.type->children[i], &builder->child(i), &node->children[i]);
  }
}

// Called once the tree no longer moves: the lookup maps point at the children's names.
void IndexNode(Node* node) {
  node->seen.assign(node->children.size(), 0);
  if (node->children.size() >= kIndexedStructWidth &&
      (node->type == nullptr || node->type->id == TypeId::kStruct)) {
    for (size_t i = 0; i < node->children.size(); ++i) {
      node->by_name.emplace(node->children[i].name, static_cast<int>(i));
    }
  }
  for (Node& c : node->children) IndexNode(&c);
}

// Whether the n bytes at x and y are equal, inline: keys are short, and a call to memcmp per
// member costs more than the comparison.
inline bool ShortEqual(const char* x, const char* y, size_t n) {
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t u, v;
      std::memcpy(&u, x + i, 8);
      std::memcpy(&v, y + i, 8);
      if (u != v) return false;
    }
    if (i == n) return true;
    uint64_t u, v;  // the last 8 bytes, overlapping
    std::memcpy(&u, x + n - 8, 8);
    std::memcpy(&v, y + n - 8, 8);
    return u == v;
  }
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return false;
  }
  return true;
}

// The child whose name is the raw (still escaped) key at `raw` (the key's first byte in the
// padded input, its closing quote after it), when it is the expected next one and its name
// needs no escaping; else -1 (then look the unescaped key up). Reads at most the name's
// length + 1 bytes, within the input's padding like simdjson's own key comparison.
inline int ExpectedChild(Node& n, const char* raw) {
  if (n.hint >= n.children.size()) return -1;
  const Node& c = n.children[n.hint];
  const size_t len = c.name.size();
  if (!c.plain_name || len > simdjson::SIMDJSON_PADDING || raw[len] != '"' ||
      !ShortEqual(c.name.data(), raw, len)) {
    return -1;
  }
  return static_cast<int>(n.hint++);
}

int FindChild(Node& n, std::string_view key) {
  const size_t count = n.children.size();
  if (n.hint < count && n.children[n.hint].name == key) return static_cast<int>(n.hint++);
  if (!n.by_name.empty()) {
    auto it = n.by_name.find(key);
    if (it == n.by_name.end()) return -1;
    n.hint = static_cast<size_t>(it->second) + 1;
    return it->second;
  }
  for (size_t i = 0; i < count; ++i) {
    if (n.children[i].name == key) {
      n.hint = i + 1;
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::string TypeName(const Node& n) {
  switch (n.type->id) {
    case TypeId::kList:
      return "list (JSON array)";
    case TypeId::kMap:
      return "map";
    case TypeId::kStruct:
      return "struct (JSON object)";
    case TypeId::kInterval:
      return "interval (JSON object)";
    default:
      return TypeToString(*n.type);
  }
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// A short quote of JSON text for error messages (cut at a UTF-8 boundary).
std::string Excerpt(std::string_view raw) {
  raw = TrimRight(raw);
  constexpr size_t kMax = 48;
  if (raw.size() <= kMax) return std::string(raw);
  size_t cut = kMax;
  while (cut > 0 && (static_cast<uint8_t>(raw[cut]) & 0xC0) == 0x80) --cut;
  return std::string(raw.substr(0, cut)) + "...";
}

std::string QuoteExcerpt(std::string_view text) {
  std::string quoted;
  AppendJsonString(text.substr(0, 64), &quoted);
  if (text.size() > 64) quoted.insert(quoted.size() - 1, "...");
  return quoted;
}

std::string Describe(od::json_type t, std::string_view raw) {
  switch (t) {
    case od::json_type::object:
      return "object";
    case od::json_type::array:
      return "array";
    case od::json_type::null:
      return "null";
    case od::json_type::string:
      return "string " + Excerpt(raw);
    case od::json_type::number:
      return "number " + Excerpt(raw);
    case od::json_type::boolean:
      return "boolean " + Excerpt(raw);
  }
  return "value";
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct JsonBatchReader::Impl {
  enum class Mode { kDetect, kLines, kArray };
  enum class ArrayState { kBeforeValue, kInValue, kDone };

  Impl(SchemaPtr schema_in, JsonReadOptions options)
      : schema(std::move(schema_in)), opt(options), builder(schema) {
    root.children.resize(schema->fields.size());
    for (size_t i = 0; i < root.children.size(); ++i) {
      BuildNode(schema->fields[i], &builder.column(i), &root.children[i]);
    }
    IndexNode(&root);
  }

  // ----- input framing -----

  // Parses the complete records at the front of `data` and sets `*consumed` to the bytes they
  // (and any blank space) took; the rest is an incomplete record to be fed again with more
  // bytes appended. `readable_after`: bytes that may be read past data's end.
  Status Process(std::string_view data, size_t readable_after, bool eof, size_t* consumed) {
    *consumed = 0;
    if (mode == Mode::kDetect) {
      size_t i = 0;
      if (at_input_start && data.size() >= 3 && data.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
      if (at_input_start && data.size() < 3 && !eof &&
          std::string_view("\xEF\xBB\xBF").substr(0, data.size()) == data) {
        return Status::OK();  // maybe the start of a byte-order mark: wait for more
      }
      for (; i < data.size() && IsJsonSpace(data[i]); ++i) {
        if (data[i] == '\n') ++line;
      }
      at_input_start = at_input_start && data.empty();
      if (i == data.size()) {
        *consumed = i;
        return Status::OK();
      }
      if (data[i] == '[') {
        mode = Mode::kArray;
        array_line = line;
        scan_line = line;
        ++i;
      } else {
        mode = Mode::kLines;
      }
      size_t rest = 0;
      const Status s = Process(data.substr(i), readable_after, eof, &rest);
      *consumed = i + rest;
      return s;
    }
    return mode == Mode::kLines ? ProcessLines(data, readable_after, eof, consumed)
                                : ProcessArray(data, readable_after, eof, consumed);
  }

  Status ProcessLines(std::string_view data, size_t readable_after, bool eof, size_t* consumed) {
    size_t pos = 0;
    size_t search = scan;
    while (true) {
      const void* nl = search < data.size()
                           ? std::memchr(data.data() + search, '\n', data.size() - search)
                           : nullptr;
      if (nl == nullptr) {
        if (data.size() - pos > static_cast<size_t>(opt.max_document_bytes)) {
          return TooLong(line);
        }
        if (eof && pos < data.size()) {
          FLOE_RETURN_IF_ERROR(ParseLine(data.substr(pos), readable_after));
          pos = data.size();
        }
        break;
      }
      const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - data.data());
      if (end - pos > static_cast<size_t>(opt.max_document_bytes)) return TooLong(line);
      FLOE_RETURN_IF_ERROR(
          ParseLine(data.substr(pos, end - pos), data.size() - end + readable_after));
      ++line;
      pos = end + 1;
      search = pos;
    }
    *consumed = pos;
    scan = data.size() - pos;
    return Status::OK();
  }

  Status ParseLine(std::string_view text, size_t readable_after) {
    size_t len = text.size();
    if (len > 0 && text[len - 1] == '\r') --len, ++readable_after;
    size_t first = 0;
    while (first < len && IsJsonSpace(text[first])) ++first;
    if (first == len) return Status::OK();  // blank line
    return ParseRecord(text.substr(0, len), readable_after, line, -1);
  }

  // Splits the top-level array into elements: tracks strings and bracket nesting only;
  // simdjson checks each element fully.
  Status ProcessArray(std::string_view data, size_t readable_after, bool eof, size_t* consumed) {
    size_t i = scan;
    for (; i < data.size(); ++i) {
      const char c = data[i];
      switch (array_state) {
        case ArrayState::kDone:
          if (!IsJsonSpace(c))
            return FramingError(scan_line, "unexpected content after the JSON array");
          break;
        case ArrayState::kBeforeValue:
          if (IsJsonSpace(c)) break;
          if (c == ']') {
            if (!array_empty)
              return FramingError(scan_line, "expected a value after ',' in the JSON array");
            array_state = ArrayState::kDone;
            break;
          }
          if (c == ',')
            return FramingError(scan_line, "expected a value before ',' in the JSON array");
          array_state = ArrayState::kInValue;
          elem_begin = i;
          elem_line = scan_line;
          nest = 0;
          in_string = escaped = false;
          [[fallthrough]];
        case ArrayState::kInValue:
          if (in_string) {
            if (escaped) {
              escaped = false;
            } else if (c == '\\') {
              escaped = true;
            } else if (c == '"') {
              in_string = false;
            }
          } else if (c == '"') {
            in_string = true;
          } else if (c == '{' || c == '[') {
            ++nest;
          } else if ((c == '}' || c == ']') && nest > 0) {
            --nest;
          } else if (nest == 0 && (c == ',' || c == ']')) {
            if (i - elem_begin > static_cast<size_t>(opt.max_document_bytes)) {
              return TooLong(elem_line);
            }
            FLOE_RETURN_IF_ERROR(ParseRecord(TrimRight(data.substr(elem_begin, i - elem_begin)),
                                             data.size() - i + readable_after, elem_line,
                                             element_index++));
            array_empty = false;
            array_state = c == ',' ? ArrayState::kBeforeValue : ArrayState::kDone;
          }
          break;
      }
      if (c == '\n') ++scan_line;
    }
    if (array_state == ArrayState::kInValue) {
      if (data.size() - elem_begin > static_cast<size_t>(opt.max_document_bytes)) {
        return TooLong(elem_line);
      }
      *consumed = elem_begin;
      elem_begin = 0;
    } else {
      *consumed = data.size();
    }
    scan = i - *consumed;
    if (eof && array_state != ArrayState::kDone) {
      return FramingError(scan_line, fmt::format("unexpected end of input in the JSON array "
                                                 "opened on line {}",
                                                 array_line));
    }
    return Status::OK();
  }

  Status TooLong(int64_t at_line) {
    return Status::ResourceExhausted("line {}: record longer than max_document_bytes ({})", at_line,
                                     opt.max_document_bytes);
  }
  Status FramingError(int64_t at_line, std::string_view what) {
    return Status::InvalidArgument("line {}: {}", at_line, what);
  }

  Status EndOfInput() {
    if (mode == Mode::kArray && array_state != ArrayState::kDone) {
      return FramingError(scan_line, fmt::format("unexpected end of input in the JSON array "
                                                 "opened on line {}",
                                                 array_line));
    }
    if (rows_in_batch > 0) CutBatch();
    return Status::OK();
  }

  // ----- one record -----

  Status ParseRecord(std::string_view text, size_t readable_after, int64_t at_line,
                     int64_t element) {
    const char* buf = text.data();
    if (readable_after < simdjson::SIMDJSON_PADDING) {
      scratch.Resize(text.size() + simdjson::SIMDJSON_PADDING);
      std::memcpy(scratch.data(), text.data(), text.size());
      std::memset(scratch.data() + text.size(), ' ', simdjson::SIMDJSON_PADDING);
      buf = reinterpret_cast<const char*>(scratch.data());
    }
    record_begin = buf;
    record_size = text.size();
    record_line = at_line;
    record_element = element;
    value_start = nullptr;
    path.clear();

    od::document doc;
    error_code e =
        parser.iterate(buf, text.size(), text.size() + simdjson::SIMDJSON_PADDING).get(doc);
    if (e) return RecordError(SyntaxMessage(e));
    od::object obj;
    e = doc.get_object().get(obj);
    if (e) {
      od::json_type t;
      if (e == simdjson::INCORRECT_TYPE && !doc.type().get(t)) {
        return RecordError(
            fmt::format("expected a JSON object, got {}", Describe(t, TrimRight(text))));
      }
      return RecordError(SyntaxMessage(e));
    }
    if (!ReadFields(root, obj)) return RecordError(std::move(what));
    const char* rest = nullptr;
    if (!doc.current_location().get(rest)) {
      value_start = rest;
      return RecordError("unexpected content after the JSON object");
    }
    ++rows_total;
    if (++rows_in_batch >= opt.batch_rows ||
        (rows_in_batch % 64 == 0 && builder.ByteSize() >= opt.batch_bytes)) {
      CutBatch();
    }
    return Status::OK();
  }

  void CutBatch() {
    ready.push_back(builder.Finish());
    rows_in_batch = 0;
  }

  Status RecordError(std::string message) {
    int64_t at_line = record_line;
    if (record_element >= 0 && value_start != nullptr && value_start >= record_begin &&
        value_start <= record_begin + record_size) {
      for (const char* p = record_begin; p < value_start; ++p) at_line += *p == '\n';
    }
    std::string where = fmt::format("line {}", at_line);
    if (record_element >= 0) where += fmt::format(" (array element {})", record_element);
    if (!path.empty()) {
      std::string p;
      for (auto it = path.rbegin(); it != path.rend(); ++it) {
        if (!it->first && !p.empty()) p += '.';
        p += it->second;
      }
      where += ", field ";
      AppendJsonString(p, &where);
    }
    return Status::InvalidArgument("{}: {}", where, message);
  }

  static std::string SyntaxMessage(error_code e) {
    return fmt::format("invalid JSON ({})", simdjson::error_message(e));
  }

  // ----- values: each returns false after recording `what`; callers add path parts -----

  bool Fail(std::string message) {
    what = std::move(message);
    path.clear();
    return false;
  }
  bool SyntaxFail(error_code e) { return Fail(SyntaxMessage(e)); }
  bool Mismatch(const Node& n, od::json_type t, std::string_view raw) {
    return Fail(fmt::format("expected {}, got {}", TypeName(n), Describe(t, raw)));
  }
  bool MismatchText(const Node& n, std::string_view text) {
    return Fail(fmt::format("expected {}, got string {}", TypeName(n), QuoteExcerpt(text)));
  }
  void PushName(std::string_view name) { path.emplace_back(false, std::string(name)); }
  void PushIndex(int64_t i) { path.emplace_back(true, fmt::format("[{}]", i)); }

  bool ReadFields(Node& n, od::object& obj) {
    std::fill(n.seen.begin(), n.seen.end(), 0);
    n.hint = 0;
    for (auto f : obj) {
      if (f.error()) return SyntaxFail(f.error());
      // Keys usually come in schema order and need no unescaping: compared raw first.
      od::raw_json_string raw;
      if (error_code e = f.key().get(raw)) return SyntaxFail(e);
      std::string_view key;
      int idx = ExpectedChild(n, raw.raw());
      if (idx < 0) {
        if (error_code e = f.unescaped_key().get(key)) return SyntaxFail(e);
        idx = FindChild(n, key);
      }
      if (idx < 0) {
        if (opt.unknown_fields == JsonReadOptions::UnknownFields::kError) {
          Fail("unknown field (not in the schema)");
          PushName(key);
          return false;
        }
        continue;  // the value is skipped when the iteration moves on
      }
      Node& child = n.children[idx];
      if (n.seen[idx]) {
        Fail("duplicate key");
        PushName(child.name);
        return false;
      }
      n.seen[idx] = 1;
      od::value v;
      if (error_code e = f.value().get(v)) return SyntaxFail(e);
      if (!ReadValue(child, v)) {
        PushName(child.name);
        return false;
      }
    }
    for (size_t i = 0; i < n.children.size(); ++i) {
      if (n.seen[i]) continue;
      Node& child = n.children[i];
      if (!child.nullable) {
        Fail("missing, and the field is not nullable");
        PushName(child.name);
        return false;
      }
      child.builder->AppendNull();
    }
    return true;
  }

  bool ReadValue(Node& n, od::value& v) {
    const std::string_view raw = v.raw_json_token();
    value_start = raw.data();
    od::json_type t;
    if (error_code e = v.type().get(t)) return SyntaxFail(e);
    if (t == od::json_type::null) {
      bool is_null = false;
      if (error_code e = v.is_null().get(is_null)) return SyntaxFail(e);
      if (!is_null) return SyntaxFail(simdjson::N_ATOM_ERROR);
      if (!n.nullable) return Fail(fmt::format("null for a non-nullable {} field", TypeName(n)));
      n.builder->AppendNull();
      return true;
    }
    switch (n.type->id) {
      case TypeId::kBool: {
        if (t != od::json_type::boolean) return Mismatch(n, t, raw);
        bool b = false;
        if (error_code e = v.get_bool().get(b)) return SyntaxFail(e);
        n.builder->AppendBool(b);
        return true;
      }
      case TypeId::kInt8:
      case TypeId::kInt16:
      case TypeId::kInt32:
      case TypeId::kInt64:
      case TypeId::kUInt8:
      case TypeId::kUInt16:
      case TypeId::kUInt32:
      case TypeId::kUInt64: {
        if (t != od::json_type::number) return Mismatch(n, t, raw);
        Int128 x = 0;
        if (!GetInteger(n, v, raw, &x)) return false;
        if (x < n.min || x > n.max) return OutOfRange(n, raw);
        if (n.type->id == TypeId::kUInt64) {
          n.builder->AppendUInt(static_cast<uint64_t>(x));
        } else {
          n.builder->AppendInt(static_cast<int64_t>(x));
        }
        return true;
      }
      case TypeId::kFloat16:
      case TypeId::kFloat32:
      case TypeId::kFloat64: {
        if (t == od::json_type::string) return ReadString(n, v);
        if (t != od::json_type::number) return Mismatch(n, t, raw);
        double d = 0;
        if (v.get_double().get(d)) {
          return Fail(fmt::format("invalid or out-of-range number {}", Excerpt(raw)));
        }
        return AppendFloat(n, d, Excerpt(raw));
      }
      case TypeId::kDecimal: {
        if (t == od::json_type::string) return ReadString(n, v);
        if (t != od::json_type::number) return Mismatch(n, t, raw);
        // The token itself (not a double) keeps every digit. Validate it as a JSON number.
        double ignored;
        if (v.get_double().get(ignored))
          return Fail(fmt::format("invalid number {}", Excerpt(raw)));
        return AppendDecimal(n, TrimRight(raw));
      }
      case TypeId::kDate:
      case TypeId::kTime:
      case TypeId::kTimestamp: {
        if (t == od::json_type::string) return ReadString(n, v);
        if (t != od::json_type::number) return Mismatch(n, t, raw);
        Int128 x = 0;
        if (!GetInteger(n, v, raw, &x)) return false;
        return AppendTemporal(n, x, raw);
      }
      case TypeId::kString:
      case TypeId::kEnum:
      case TypeId::kBinary:
      case TypeId::kFixedBinary:
      case TypeId::kUuid:
        if (t != od::json_type::string) return Mismatch(n, t, raw);
        return ReadString(n, v);
      case TypeId::kVariant:
      case TypeId::kJson: {
        // A json column keeps a string's content as its text; a variant keeps any value,
        // strings included, as a JSON document.
        if (t == od::json_type::string && n.type->id == TypeId::kJson) return ReadString(n, v);
        json_text.clear();
        if (const char* err = Minify(v, &json_text, 0)) {
          return Fail(err == kTooDeep ? std::string(err) : fmt::format("invalid JSON ({})", err));
        }
        n.builder->AppendBytes(json_text);
        return true;
      }
      case TypeId::kInterval:
        if (t != od::json_type::object) return Mismatch(n, t, raw);
        return ReadInterval(n, v);
      case TypeId::kList: {
        if (t != od::json_type::array) return Mismatch(n, t, raw);
        return ReadList(n, v);
      }
      case TypeId::kMap:
        if (t == od::json_type::array) return ReadMapEntries(n, v);
        if (t == od::json_type::object) return ReadMapObject(n, v);
        return Mismatch(n, t, raw);
      case TypeId::kStruct: {
        if (t != od::json_type::object) return Mismatch(n, t, raw);
        od::object obj;
        if (error_code e = v.get_object().get(obj)) return SyntaxFail(e);
        if (!ReadFields(n, obj)) return false;
        n.builder->CloseStruct();
        return true;
      }
    }
    return Fail("unsupported type");
  }

  bool OutOfRange(const Node& n, std::string_view raw) {
    return Fail(fmt::format("{} out of range for {}", Excerpt(raw), TypeName(n)));
  }

  // A JSON number that must be an integer (an integral floating-point form such as 2.0 or 1e3
  // is accepted). Range is checked by the caller, against the full int128 value.
  bool GetInteger(const Node& n, od::value& v, std::string_view raw, Int128* out) {
    od::number_type nt;
    if (error_code e = v.get_number_type().get(nt)) return SyntaxFail(e);
    switch (nt) {
      case od::number_type::signed_integer: {
        int64_t x;
        if (v.get_int64().get(x)) return Fail(fmt::format("invalid number {}", Excerpt(raw)));
        *out = x;
        return true;
      }
      case od::number_type::unsigned_integer: {
        uint64_t x;
        if (v.get_uint64().get(x)) return OutOfRange(n, raw);  // beyond 64 bits
        *out = x;
        return true;
      }
      case od::number_type::floating_point_number: {
        double d;
        if (v.get_double().get(d))
          return Fail(fmt::format("invalid or out-of-range number {}", Excerpt(raw)));
        if (d != std::floor(d)) {
          return Fail(fmt::format("expected {}, got number {}", TypeName(n), Excerpt(raw)));
        }
        if (!(d > -1.9e19 && d < 1.9e19)) return OutOfRange(n, raw);
        *out = static_cast<Int128>(d);
        return true;
      }
    }
    return Fail(fmt::format("invalid number {}", Excerpt(raw)));
  }

  bool AppendFloat(Node& n, double d, std::string_view shown) {
    switch (n.type->id) {
      case TypeId::kFloat16: {
        const uint16_t h = DoubleToHalf(d);
        if ((h & 0x7fff) == 0x7c00 && std::isfinite(d)) {
          return Fail(fmt::format("{} out of range for float16", shown));
        }
        n.builder->AppendFloat16Bits(h);
        return true;
      }
      case TypeId::kFloat32:
        if (std::isinf(static_cast<float>(d)) && std::isfinite(d)) {
          return Fail(fmt::format("{} out of range for float32", shown));
        }
        n.builder->AppendDouble(d);
        return true;
      default:
        n.builder->AppendDouble(d);
        return true;
    }
  }

  bool AppendDecimal(Node& n, std::string_view text) {
    Int128 v = 0;
    const int32_t scale = n.type->scale;
    switch (ParseDecimalText(text, n.type->precision, scale, &v)) {
      case TextParse::kOk:
        n.builder->AppendDecimal(v);
        return true;
      case TextParse::kTooPrecise:
        return Fail(fmt::format("{}: more than {} fraction digit{} for {}", QuoteExcerpt(text),
                                scale, scale == 1 ? "" : "s", TypeName(n)));
      case TextParse::kOutOfRange:
        return Fail(fmt::format("{}: out of range for {}", QuoteExcerpt(text), TypeName(n)));
      default:
        return Fail(
            fmt::format("{}: not a decimal number for {}", QuoteExcerpt(text), TypeName(n)));
    }
  }

  bool AppendTemporal(Node& n, Int128 x, std::string_view raw) {
    const DataType& t = *n.type;
    if (t.id == TypeId::kDate) {
      if (x < INT32_MIN || x > INT32_MAX) return OutOfRange(n, raw);
    } else if (t.id == TypeId::kTime) {
      if (x < 0 || x >= Int128{86400} * UnitsPerSecond(t.unit)) {
        return Fail(
            fmt::format("{} is not a time of day in {}", Excerpt(raw), TimeUnitName(t.unit)));
      }
    } else if (x < INT64_MIN || x > INT64_MAX) {
      return OutOfRange(n, raw);
    }
    n.builder->AppendInt(static_cast<int64_t>(x));
    return true;
  }

  bool ReadString(Node& n, od::value& v) {
    std::string_view s;
    if (error_code e = v.get_string().get(s)) return SyntaxFail(e);
    return ConvertString(n, s);
  }

  // A JSON string (or an object member name used as a map key) converted to n's type.
  bool ConvertString(Node& n, std::string_view s) {
    const DataType& t = *n.type;
    switch (t.id) {
      case TypeId::kString:
      case TypeId::kEnum:
        n.builder->AppendBytes(s);
        return true;
      case TypeId::kJson:
        if (!opt.json_strings_as_text || !JsonText(s)) {
          json_text.clear();
          AppendJsonString(s, &json_text);
        }
        n.builder->AppendBytes(json_text);
        return true;
      case TypeId::kBinary:
        bytes.clear();
        if (!AppendHexBytes(s, &bytes)) return Fail(fmt::format("{} is not hex", QuoteExcerpt(s)));
        n.builder->AppendBytes(bytes);
        return true;
      case TypeId::kFixedBinary:
        bytes.clear();
        if (!AppendHexBytes(s, &bytes)) return Fail(fmt::format("{} is not hex", QuoteExcerpt(s)));
        if (static_cast<int64_t>(bytes.size()) != t.byte_width) {
          return Fail(fmt::format("{} has {} bytes, {} needs {}", QuoteExcerpt(s), bytes.size(),
                                  TypeName(n), t.byte_width));
        }
        n.builder->AppendBytes(bytes);
        return true;
      case TypeId::kUuid: {
        char b[16];
        if (!ParseUuidText(s, b)) return Fail(fmt::format("{} is not a UUID", QuoteExcerpt(s)));
        n.builder->AppendBytes(std::string_view(b, 16));
        return true;
      }
      case TypeId::kDecimal:
        return AppendDecimal(n, s);
      case TypeId::kFloat16:
      case TypeId::kFloat32:
      case TypeId::kFloat64: {
        double d;
        if (s == "NaN") {
          d = std::numeric_limits<double>::quiet_NaN();
        } else if (s == "Infinity") {
          d = std::numeric_limits<double>::infinity();
        } else if (s == "-Infinity") {
          d = -std::numeric_limits<double>::infinity();
        } else {
          return Fail(
              fmt::format("expected {} (a number, \"NaN\", \"Infinity\" or \"-Infinity\"), "
                          "got string {}",
                          TypeName(n), QuoteExcerpt(s)));
        }
        return AppendFloat(n, d, s);
      }
      case TypeId::kDate: {
        int32_t days = 0;
        switch (ParseDateText(s, &days)) {
          case TextParse::kOk:
            n.builder->AppendInt(days);
            return true;
          case TextParse::kOutOfRange:
            return Fail(fmt::format("{} out of range for date", QuoteExcerpt(s)));
          default:
            return Fail(fmt::format("{} is not a date (YYYY-MM-DD)", QuoteExcerpt(s)));
        }
      }
      case TypeId::kTime: {
        int64_t v = 0;
        switch (ParseTimeText(s, t.unit, &v)) {
          case TextParse::kOk:
            n.builder->AppendInt(v);
            return true;
          case TextParse::kTimeWithOffset:
            return Fail(fmt::format("{}: a time of day with a non-zero UTC offset is not supported",
                                    QuoteExcerpt(s)));
          case TextParse::kTooPrecise:
            return TooPrecise(n, s);
          default:
            return Fail(fmt::format("{} is not a time (HH:MM:SS[.fff])", QuoteExcerpt(s)));
        }
      }
      case TypeId::kTimestamp: {
        int64_t v = 0;
        switch (ParseTimestampText(s, t.unit, &v)) {
          case TextParse::kOk:
            n.builder->AppendInt(v);
            return true;
          case TextParse::kTooPrecise:
            return TooPrecise(n, s);
          case TextParse::kOutOfRange:
            return Fail(fmt::format("{} out of range for {}", QuoteExcerpt(s), TypeName(n)));
          default:
            return Fail(fmt::format("{} is not a timestamp (YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM])",
                                    QuoteExcerpt(s)));
        }
      }
      default:
        return MismatchText(n, s);
    }
  }

  bool TooPrecise(const Node& n, std::string_view s) {
    return Fail(
        fmt::format("{} has more fraction digits than {} keeps", QuoteExcerpt(s), TypeName(n)));
  }

  bool ReadInterval(Node& n, od::value& v) {
    od::object obj;
    if (error_code e = v.get_object().get(obj)) return SyntaxFail(e);
    static constexpr std::string_view kNames[3] = {"months", "days", "micros"};
    uint64_t parts[3] = {0, 0, 0};
    bool seen[3] = {false, false, false};
    for (auto f : obj) {
      if (f.error()) return SyntaxFail(f.error());
      std::string_view key;
      if (error_code e = f.unescaped_key().get(key)) return SyntaxFail(e);
      int idx = -1;
      for (int i = 0; i < 3; ++i) idx = key == kNames[i] ? i : idx;
      if (idx < 0 || seen[idx]) {
        Fail(idx < 0 ? "unexpected member (an interval has months, days, micros)"
                     : "duplicate key");
        PushName(key);
        return false;
      }
      seen[idx] = true;
      od::value mv;
      if (error_code e = f.value().get(mv)) return SyntaxFail(e);
      const std::string_view raw = mv.raw_json_token();
      od::json_type t;
      if (error_code e = mv.type().get(t)) return SyntaxFail(e);
      Int128 x = 0;
      bool ok = t == od::json_type::number;
      if (!ok) {
        Fail(fmt::format("expected an unsigned integer, got {}", Describe(t, raw)));
      } else if (!GetInteger(n, mv, raw, &x)) {
        ok = false;
      } else if (x < 0 || x > Int128{UINT32_MAX} * (idx == 2 ? 1000 : 1)) {
        ok = Fail(fmt::format("{} out of range for interval {}", Excerpt(raw), kNames[idx]));
      } else if (idx == 2 && x % 1000 != 0) {
        ok =
            Fail(fmt::format("{} micros is not a whole number of milliseconds (intervals keep "
                             "milliseconds)",
                             Excerpt(raw)));
      }
      if (!ok) {
        PushName(kNames[idx]);
        return false;
      }
      parts[idx] = static_cast<uint64_t>(idx == 2 ? x / 1000 : x);
    }
    char b[12];
    for (int i = 0; i < 3; ++i) {
      const auto p = static_cast<uint32_t>(parts[i]);
      b[4 * i] = static_cast<char>(p);
      b[4 * i + 1] = static_cast<char>(p >> 8);
      b[4 * i + 2] = static_cast<char>(p >> 16);
      b[4 * i + 3] = static_cast<char>(p >> 24);
    }
    n.builder->AppendBytes(std::string_view(b, 12));
    return true;
  }

  bool ReadList(Node& n, od::value& v) {
    od::array arr;
    if (error_code e = v.get_array().get(arr)) return SyntaxFail(e);
    Node& element = n.children[0];
    int64_t i = 0;
    for (auto el : arr) {
      od::value ev;
      if (error_code e = std::move(el).get(ev)) return SyntaxFail(e);
      if (!ReadValue(element, ev)) {
        PushIndex(i);
        return false;
      }
      ++i;
    }
    n.builder->CloseList();
    return true;
  }

  bool ReadMapEntries(Node& n, od::value& v) {
    od::array arr;
    if (error_code e = v.get_array().get(arr)) return SyntaxFail(e);
    Node& key_node = n.children[0];
    Node& value_node = n.children[1];
    int64_t i = 0;
    for (auto el : arr) {
      od::value ev;
      if (error_code e = std::move(el).get(ev)) return SyntaxFail(e);
      if (!ReadMapEntry(key_node, value_node, ev)) {
        PushIndex(i);
        return false;
      }
      ++i;
    }
    n.builder->CloseList();
    return true;
  }

  bool ReadMapEntry(Node& key_node, Node& value_node, od::value& ev) {
    const std::string_view raw = ev.raw_json_token();
    od::json_type t;
    if (error_code e = ev.type().get(t)) return SyntaxFail(e);
    if (t != od::json_type::object) {
      return Fail(fmt::format("expected a map entry {{\"key\": ..., \"value\": ...}}, got {}",
                              Describe(t, raw)));
    }
    od::object entry;
    if (error_code e = ev.get_object().get(entry)) return SyntaxFail(e);
    bool has_key = false, has_value = false;
    for (auto f : entry) {
      if (f.error()) return SyntaxFail(f.error());
      std::string_view name;
      if (error_code e = f.unescaped_key().get(name)) return SyntaxFail(e);
      const bool is_key = name == "key";
      if ((!is_key && name != "value") || (is_key ? has_key : has_value)) {
        Fail(is_key || name == "value" ? "duplicate key"
                                       : "unexpected member (a map entry has key and value)");
        PushName(name);
        return false;
      }
      (is_key ? has_key : has_value) = true;
      od::value mv;
      if (error_code e = f.value().get(mv)) return SyntaxFail(e);
      if (!ReadValue(is_key ? key_node : value_node, mv)) {
        PushName(name);
        return false;
      }
    }
    if (!has_key) return Fail("map entry has no \"key\"");
    if (!has_value) {
      if (!value_node.nullable) return Fail("map entry has no \"value\" (values are not nullable)");
      value_node.builder->AppendNull();
    }
    return true;
  }

  bool ReadMapObject(Node& n, od::value& v) {
    od::object obj;
    if (error_code e = v.get_object().get(obj)) return SyntaxFail(e);
    Node& key_node = n.children[0];
    Node& value_node = n.children[1];
    for (auto f : obj) {
      if (f.error()) return SyntaxFail(f.error());
      std::string_view key;
      if (error_code e = f.unescaped_key().get(key)) return SyntaxFail(e);
      if (!ConvertString(key_node, key)) {
        PushName(key);
        return false;
      }
      od::value mv;
      if (error_code e = f.value().get(mv)) return SyntaxFail(e);
      if (!ReadValue(value_node, mv)) {
        PushName(key);
        return false;
      }
    }
    n.builder->CloseList();
    return true;
  }

  // ----- json values -----

  // Appends the minified JSON of v, validating every token. Returns an error message or null.
  const char* Minify(od::value& v, std::string* out, int depth) {
    if (depth > opt.max_json_depth) return kTooDeep;
    od::json_type t;
    if (error_code e = v.type().get(t)) return simdjson::error_message(e);
    switch (t) {
      case od::json_type::object: {
        od::object obj;
        if (error_code e = v.get_object().get(obj)) return simdjson::error_message(e);
        out->push_back('{');
        bool first = true;
        for (auto f : obj) {
          if (f.error()) return simdjson::error_message(f.error());
          std::string_view key;
          if (error_code e = f.unescaped_key().get(key)) return simdjson::error_message(e);
          if (!first) out->push_back(',');
          first = false;
          AppendJsonString(key, out);
          out->push_back(':');
          od::value mv;
          if (error_code e = f.value().get(mv)) return simdjson::error_message(e);
          if (const char* err = Minify(mv, out, depth + 1)) return err;
        }
        out->push_back('}');
        return nullptr;
      }
      case od::json_type::array: {
        od::array arr;
        if (error_code e = v.get_array().get(arr)) return simdjson::error_message(e);
        out->push_back('[');
        bool first = true;
        for (auto el : arr) {
          od::value ev;
          if (error_code e = std::move(el).get(ev)) return simdjson::error_message(e);
          if (!first) out->push_back(',');
          first = false;
          if (const char* err = Minify(ev, out, depth + 1)) return err;
        }
        out->push_back(']');
        return nullptr;
      }
      default:
        return MinifyScalar(v, v.raw_json_token(), t, out);
    }
  }

  template <typename V>
  static const char* MinifyScalar(V& v, std::string_view raw, od::json_type t, std::string* out) {
    switch (t) {
      case od::json_type::number: {
        double d;
        if (error_code e = v.get_double().get(d)) return simdjson::error_message(e);
        out->append(TrimRight(raw));
        return nullptr;
      }
      case od::json_type::string: {
        std::string_view s;
        if (error_code e = v.get_string().get(s)) return simdjson::error_message(e);
        AppendJsonString(s, out);
        return nullptr;
      }
      case od::json_type::boolean: {
        bool b;
        if (error_code e = v.get_bool().get(b)) return simdjson::error_message(e);
        out->append(b ? "true" : "false");
        return nullptr;
      }
      case od::json_type::null: {
        bool is_null = false;
        if (error_code e = v.is_null().get(is_null)) return simdjson::error_message(e);
        if (!is_null) return "invalid null";
        out->append("null");
        return nullptr;
      }
      default:
        return "unexpected JSON value";
    }
  }

  // If `s` is a complete JSON text, sets json_text to its minified form and returns true.
  bool JsonText(std::string_view s) {
    size_t first = 0;
    while (first < s.size() && IsJsonSpace(s[first])) ++first;
    if (first == s.size()) return false;
    text_scratch.Resize(s.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(text_scratch.data(), s.data(), s.size());
    std::memset(text_scratch.data() + s.size(), ' ', simdjson::SIMDJSON_PADDING);
    od::document doc;
    if (text_parser
            .iterate(reinterpret_cast<const char*>(text_scratch.data()), s.size(),
                     s.size() + simdjson::SIMDJSON_PADDING)
            .get(doc)) {
      return false;
    }
    json_text.clear();
    bool scalar = false;
    if (doc.is_scalar().get(scalar)) return false;
    if (scalar) {
      od::json_type t;
      std::string_view raw;
      if (doc.type().get(t) || doc.raw_json_token().get(raw)) return false;
      if (MinifyScalar(doc, raw, t, &json_text) != nullptr) return false;
    } else {
      od::value v;
      if (doc.get_value().get(v) || Minify(v, &json_text, 1) != nullptr) return false;
    }
    const char* rest = nullptr;
    return doc.current_location().get(rest) != simdjson::SUCCESS;  // nothing after the value
  }

  // ----- state -----

  SchemaPtr schema;
  JsonReadOptions opt;
  BatchBuilder builder;
  Node root;
  od::parser parser;
  od::parser text_parser;  // for JSON text held in strings (json columns)
  std::deque<RecordBatch> ready;
  int64_t rows_in_batch = 0;
  int64_t rows_total = 0;

  Buffer pending;  // bytes fed but not yet consumed (the tail is an incomplete record)
  Buffer scratch;  // a padded copy of a record near the end of its buffer
  Buffer text_scratch;
  std::string json_text;
  std::string bytes;
  Status error;
  bool finished = false;

  Mode mode = Mode::kDetect;
  bool at_input_start = true;
  int64_t line = 1;  // JSON Lines: the line of the first unconsumed byte
  size_t scan = 0;   // bytes of the unconsumed input already scanned
  // Array framing.
  ArrayState array_state = ArrayState::kBeforeValue;
  bool array_empty = true;
  int64_t array_line = 0;
  int64_t scan_line = 1;  // line of the byte at `scan`
  size_t elem_begin = 0;
  int64_t elem_line = 0;
  int64_t element_index = 0;
  int nest = 0;
  bool in_string = false;
  bool escaped = false;

  // The record being parsed, for error messages.
  const char* record_begin = nullptr;
  size_t record_size = 0;
  int64_t record_line = 0;
  int64_t record_element = -1;
  const char* value_start = nullptr;
  std::string what;
  std::vector<std::pair<bool, std::string>> path;  // innermost first; bool: is an index
};

JsonBatchReader::JsonBatchReader(SchemaPtr schema, JsonReadOptions options)
    : impl_(std::make_unique<Impl>(std::move(schema), options)) {}

JsonBatchReader::~JsonBatchReader() = default;

Status JsonBatchReader::Feed(std::string_view chunk) {
  Impl& m = *impl_;
  if (!m.error.ok()) return m.error;
  if (m.finished) return Status::InvalidArgument("JsonBatchReader: Feed after Finish");
  if (m.mode == Impl::Mode::kArray && m.array_state == Impl::ArrayState::kDone) {
    // Only whitespace may follow; check without buffering.
    for (const char c : chunk) {
      if (!IsJsonSpace(c)) {
        m.error = m.FramingError(m.scan_line, "unexpected content after the JSON array");
        return m.error;
      }
      if (c == '\n') ++m.scan_line;
    }
    return Status::OK();
  }
  m.pending.Append(chunk);
  m.pending.Reserve(m.pending.size() + simdjson::SIMDJSON_PADDING);
  size_t consumed = 0;
  Status s = m.Process(m.pending.view(), m.pending.capacity() - m.pending.size(), false, &consumed);
  if (!s.ok()) {
    m.error = s;
    return s;
  }
  const size_t rest = m.pending.size() - consumed;
  if (consumed > 0 && rest > 0) std::memmove(m.pending.data(), m.pending.data() + consumed, rest);
  m.pending.Resize(rest);
  return Status::OK();
}

Status JsonBatchReader::Finish() {
  Impl& m = *impl_;
  if (!m.error.ok()) return m.error;
  if (m.finished) return Status::OK();
  m.finished = true;
  m.pending.Reserve(m.pending.size() + simdjson::SIMDJSON_PADDING);
  size_t consumed = 0;
  Status s = m.Process(m.pending.view(), m.pending.capacity() - m.pending.size(), true, &consumed);
  m.pending.Clear();
  if (s.ok()) s = m.EndOfInput();
  if (!s.ok()) m.error = s;
  return s;
}

std::optional<RecordBatch> JsonBatchReader::NextBatch() {
  if (impl_->ready.empty()) return std::nullopt;
  RecordBatch b = std::move(impl_->ready.front());
  impl_->ready.pop_front();
  return b;
}

int64_t JsonBatchReader::rows_read() const { return impl_->rows_total; }

Result<RecordBatch> ParseJsonLines(std::string_view text, SchemaPtr schema,
                                   const JsonReadOptions& options) {
  JsonReadOptions opt = options;
  opt.batch_rows = std::numeric_limits<int64_t>::max();
  opt.batch_bytes = std::numeric_limits<int64_t>::max();
  auto impl = std::make_unique<JsonBatchReader::Impl>(schema, opt);
  size_t consumed = 0;
  FLOE_RETURN_IF_ERROR(impl->Process(text, 0, true, &consumed));
  FLOE_RETURN_IF_ERROR(impl->EndOfInput());
  if (impl->ready.empty()) return impl->builder.Finish();
  return std::move(impl->ready.front());
}

JsonStreamReader::JsonStreamReader(SchemaPtr schema, JsonReadOptions options, ReadFn read,
                                   size_t chunk_bytes)
    : reader_(std::move(schema), options), read_(std::move(read)) {
  chunk_.resize(std::max<size_t>(chunk_bytes, 4096));
}

Result<std::unique_ptr<JsonStreamReader>> JsonStreamReader::OpenFile(const std::string& path,
                                                                     SchemaPtr schema,
                                                                     JsonReadOptions options) {
  const bool is_stdin = path == "-";
  const int fd = is_stdin ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound("{}: no such file", path);
    return Status::IOError("open {}: {}", path, std::strerror(err));
  }
  auto file = std::shared_ptr<int>(new int(fd), [is_stdin](int* p) {
    if (!is_stdin) ::close(*p);
    delete p;
  });
  ReadFn read = [file, path](char* dst, size_t capacity) -> Result<size_t> {
    for (;;) {
      const ssize_t n = ::read(*file, dst, capacity);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) return Status::IOError("read {}: {}", path, std::strerror(errno));
    }
  };
  auto reader = std::make_unique<JsonStreamReader>(std::move(schema), options, std::move(read));
  reader->source_ = path;
  return reader;
}

Result<std::optional<RecordBatch>> JsonStreamReader::Next() {
  for (;;) {
    if (std::optional<RecordBatch> b = reader_.NextBatch()) return b;
    if (eof_) return std::optional<RecordBatch>();
    Result<size_t> n = read_(chunk_.data(), chunk_.size());
    if (!n.ok()) return n.status();
    Status s = *n == 0 ? reader_.Finish() : reader_.Feed(std::string_view(chunk_.data(), *n));
    eof_ = *n == 0;
    if (!s.ok()) return source_.empty() ? s : s.WithContext(source_);
  }
}

size_t JsonValueEnd(std::string_view text, size_t pos) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = pos; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (depth == 0) return i + 1;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '{':
      case '[':
        ++depth;
        break;
      case '}':
      case ']':
        if (depth == 0) return i;  // closes an enclosing array: scalar ended
        if (--depth == 0) return i + 1;
        break;
      case ',':
        if (depth == 0) return i;
        break;
      default:
        if (depth == 0 && IsJsonSpace(c)) return i;
        break;
    }
  }
  return std::string_view::npos;
}

}  // namespace floe
