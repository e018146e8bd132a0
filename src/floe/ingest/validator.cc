#include "floe/ingest/validator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <utility>

#include <simdjson.h>

#include "floe/columnar/json_reader.h"
#include "floe/columnar/json_writer.h"
#include "floe/columnar/value_text.h"
#include "floe/common/buffer.h"

// How a record is judged. Each record is one simdjson On-Demand document (an NDJSON line) or
// one element of the document that is the whole body (a JSON array). The walk visits every
// token of the record, in order, and writes the normalized record straight into the output:
//   - scalars are copied as their raw token (strings keep their escapes; they are unescaped
//     only when their content is needed: timestamps, base64, or escapes to check);
//   - declared members are written where they arrive, each as `"name":value,`; an object whose
//     members arrived out of declaration order is rearranged once at its end (rare);
//   - a semantic problem (wrong type, out of range, unknown member...) records the record's
//     first error and its field path, and the walk goes on in checking mode, so that a record
//     that is also malformed further on is reported as malformed, and in an array body the
//     next element starts where it should. A syntax error (simdjson's error code) ends the
//     record (NDJSON) or the body (JSON).
// Depth is checked before a container is entered: a container deeper than max_depth is
// skipped by simdjson's iterative skipping, never walked, so stack use is bounded by
// max_depth frames.
namespace floe::ingest {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using Type = StreamField::Type;

constexpr int kMaxDepthLimit = 1000;
constexpr size_t kMaxRawBytes = size_t{64} << 10;  // raw text kept per rejected record
constexpr size_t kLinearKeyCheck = 16;  // beyond this, an object's keys are checked by sorting
constexpr size_t kIndexedWidth = 12;    // structs this wide look their members up by hash
constexpr size_t kExcerptBytes = 40;    // of a value quoted in an error message
constexpr size_t kPooledCapacity = size_t{8} << 20;  // parser states larger are not kept
constexpr size_t kPoolSize = 8;                      // idle parser states kept
// Doubles from here up round to infinity as float32 (FLT_MAX plus half its last unit).
constexpr double kFloat32Overflow = 0x1.ffffffp+127;
constexpr std::string_view kArrivalTime = "arrival_time";
constexpr std::string_view kValueColumn = "value";

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// `s` cut to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view Utf8Prefix(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// True when `s` is exactly a JSON number (RFC 8259 grammar).
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < n && IsAsciiDigit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (i >= n || !IsAsciiDigit(s[i])) return false;
    while (i < n && IsAsciiDigit(s[i])) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= n || !IsAsciiDigit(s[i])) return false;
    while (i < n && IsAsciiDigit(s[i])) ++i;
  }
  return i == n;
}

// A raw token shortened for an error message.
std::string Excerpt(std::string_view raw) {
  raw = TrimRight(raw);
  if (raw.size() <= kExcerptBytes) return std::string(raw);
  std::string out(Utf8Prefix(raw, kExcerptBytes));
  out += raw.front() == '"' ? "...\"" : "...";
  return out;
}

std::string Describe(od::json_type t, std::string_view raw) {
  switch (t) {
    case od::json_type::array:
      return "array";
    case od::json_type::object:
      return "object";
    case od::json_type::number:
      return "number " + Excerpt(raw);
    case od::json_type::string:
      return "string " + Excerpt(raw);
    case od::json_type::boolean:
      return "bool " + Excerpt(raw);
    case od::json_type::null:
      return "null";
  }
  return "unknown value";
}

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::kString:
      return "string";
    case Type::kInt32:
      return "int32";
    case Type::kInt64:
      return "int64";
    case Type::kFloat32:
      return "float32";
    case Type::kFloat64:
      return "float64";
    case Type::kBool:
      return "bool";
    case Type::kTimestamp:
      return "timestamp";
    case Type::kJson:
      return "json";
    case Type::kBinary:
      return "binary";
    case Type::kList:
      return "list";
    case Type::kStruct:
      return "struct";
  }
  return "unknown type";
}

std::string MalformedMessage(error_code e) {
  return fmt::format("malformed JSON: {}", simdjson::error_message(e));
}

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(r.ptr - buf));
}

// ----- base64 -> hex -----

struct Base64Table {
  int8_t v[256];
  constexpr Base64Table() : v() {
    for (int i = 0; i < 256; ++i) v[i] = -1;
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i)
      v[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  }
};
constexpr Base64Table kBase64;

struct HexTable {
  char v[512];
  constexpr HexTable() : v() {
    const char* digits = "0123456789abcdef";
    for (int i = 0; i < 256; ++i) {
      v[2 * i] = digits[i >> 4];
      v[2 * i + 1] = digits[i & 15];
    }
  }
};
constexpr HexTable kHex;

inline char* PutHex(uint32_t byte, char* p) {
  std::memcpy(p, kHex.v + 2 * byte, 2);
  return p + 2;
}

// Appends the lowercase hex of the bytes RFC 4648 base64 text `s` encodes (standard alphabet,
// '=' padding optional, no line breaks, unused low bits of the last character zero, as
// value_text.h's AppendBase64Bytes) without materializing the bytes. False (with `out` left
// as it was) when `s` is not such text.
bool AppendBase64AsHex(std::string_view s, std::string* out) {
  size_t n = s.size();
  if (n % 4 == 0 && n > 0 && s[n - 1] == '=') n -= (s[n - 2] == '=') ? 2 : 1;
  if (n % 4 == 1) return false;
  const auto* in = reinterpret_cast<const unsigned char*>(s.data());
  const size_t quads = n / 4;
  const size_t rest = n % 4;
  const size_t bytes = quads * 3 + (rest == 0 ? 0 : rest - 1);
  const size_t at = out->size();
  out->resize(at + 2 * bytes);
  char* p = out->data() + at;
  for (size_t q = 0; q < quads; ++q, in += 4) {
    const int a = kBase64.v[in[0]], b = kBase64.v[in[1]], c = kBase64.v[in[2]],
              d = kBase64.v[in[3]];
    if ((a | b | c | d) < 0) {
      out->resize(at);
      return false;
    }
    const uint32_t w = static_cast<uint32_t>(a << 18 | b << 12 | c << 6 | d);
    p = PutHex(w >> 16, p);
    p = PutHex((w >> 8) & 0xff, p);
    p = PutHex(w & 0xff, p);
  }
  if (rest > 0) {
    uint32_t w = 0;
    for (size_t i = 0; i < rest; ++i) {
      const int v = kBase64.v[in[i]];
      if (v < 0) {
        out->resize(at);
        return false;
      }
      w = w << 6 | static_cast<uint32_t>(v);
    }
    // rest 2: 12 bits, one byte and 4 spare bits; rest 3: 18 bits, two bytes and 2 spare.
    const int spare = rest == 2 ? 4 : 2;
    if ((w & ((1u << spare) - 1)) != 0) {
      out->resize(at);
      return false;
    }
    w >>= spare;
    if (rest == 3) p = PutHex(w >> 8, p);
    p = PutHex(w & 0xff, p);
  }
  return true;
}

// ----- timestamps -----

enum class TimeText { kOk, kMalformed, kNoOffset, kOutOfRange };

// RFC 3339 date-time text ("T", "t" or " " between date and time; "Z" or a numeric offset
// required) as microseconds since the epoch, UTC. Fraction digits beyond microseconds are
// dropped (the value is floored to the microsecond).
TimeText ParseEventTime(std::string_view s, int64_t* micros) {
  if (s.size() > 64) return TimeText::kMalformed;
  const size_t sep = s.find_first_of("Tt ");
  if (sep == std::string_view::npos || sep + 1 >= s.size()) return TimeText::kMalformed;
  const std::string_view time = s.substr(sep + 1);
  const bool zone = time.back() == 'Z' || time.back() == 'z' ||
                    time.find_first_of("+-") != std::string_view::npos;
  char buf[64];
  const size_t dot = time.find('.');
  if (dot != std::string_view::npos) {
    const size_t first = sep + 1 + dot + 1;
    size_t end = first;
    while (end < s.size() && IsAsciiDigit(s[end])) ++end;
    if (end - first > 6) {
      std::memcpy(buf, s.data(), first + 6);
      std::memcpy(buf + first + 6, s.data() + end, s.size() - end);
      s = std::string_view(buf, first + 6 + s.size() - end);
    }
  }
  switch (ParseTimestampText(s, TimeUnit::kMicro, micros)) {
    case TextParse::kOk:
      return zone ? TimeText::kOk : TimeText::kNoOffset;
    case TextParse::kOutOfRange:
      return TimeText::kOutOfRange;
    default:
      return TimeText::kMalformed;
  }
}

__int128 FloorDiv(__int128 a, __int128 b) {
  __int128 q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// ----- the compiled schema -----

struct Node {
  std::string name;
  std::string key;  // the member as written: "\"name\":"
  Type type = Type::kString;
  bool required = false;
  int64_t micros_per_unit = 1000;  // timestamp: epoch numbers are in this many micros
  int32_t unit_digits = 3;         // ... i.e. micros = value x 10^unit_digits
  std::vector<Node> children;      // list: the element; struct (and the root): the members
  std::unordered_map<std::string_view, int> by_name;  // wide structs only
  size_t slot = 0;  // struct and root: the first of their members' per-call slots
};

// Called once the tree no longer moves (by_name views the children's names).
void IndexNode(Node* node, size_t* slots) {
  if (node->type == Type::kStruct) {
    node->slot = *slots;
    *slots += node->children.size();
    if (node->children.size() >= kIndexedWidth) {
      for (size_t i = 0; i < node->children.size(); ++i) {
        node->by_name.emplace(node->children[i].name, static_cast<int>(i));
      }
    }
  }
  for (Node& c : node->children) IndexNode(&c, slots);
}

int FindChild(const Node& n, std::string_view key, size_t* hint) {
  const size_t count = n.children.size();
  if (*hint < count && n.children[*hint].name == key) return static_cast<int>((*hint)++);
  if (!n.by_name.empty()) {
    const auto it = n.by_name.find(key);
    if (it == n.by_name.end()) return -1;
    *hint = static_cast<size_t>(it->second) + 1;
    return it->second;
  }
  for (size_t i = 0; i < count; ++i) {
    if (n.children[i].name == key) {
      *hint = i + 1;
      return static_cast<int>(i);
    }
  }
  return -1;
}

// Checks one declared field and compiles it into `node` and its columnar `field`.
Status CompileField(const StreamField& f, const std::string& path, Node* node, Field* field) {
  node->name = f.name;
  node->key.clear();
  AppendJsonString(f.name, &node->key);
  node->key.push_back(':');
  node->type = f.type;
  node->required = f.required;
  TypePtr type;
  switch (f.type) {
    case Type::kString:
      type = types::String();
      break;
    case Type::kInt32:
      type = types::Int32();
      break;
    case Type::kInt64:
      type = types::Int64();
      break;
    case Type::kFloat32:
      type = types::Float32();
      break;
    case Type::kFloat64:
      type = types::Float64();
      break;
    case Type::kBool:
      type = types::Bool();
      break;
    case Type::kJson:
      type = types::Json();
      break;
    case Type::kBinary:
      type = types::Binary();
      break;
    case Type::kTimestamp:
      type = types::Timestamp(TimeUnit::kMicro, true);
      switch (f.epoch_unit) {
        case StreamField::EpochUnit::kSeconds:
          node->micros_per_unit = 1000000, node->unit_digits = 6;
          break;
        case StreamField::EpochUnit::kMillis:
          node->micros_per_unit = 1000, node->unit_digits = 3;
          break;
        case StreamField::EpochUnit::kMicros:
          node->micros_per_unit = 1, node->unit_digits = 0;
          break;
        default:
          return Status::InvalidArgument("field \"{}\": unknown epoch unit", path);
      }
      break;
    case Type::kList: {
      if (f.children.size() != 1) {
        return Status::InvalidArgument("field \"{}\": a list declares exactly one element, not {}",
                                       path, f.children.size());
      }
      node->children.resize(1);
      Field element;
      FLOE_RETURN_IF_ERROR(CompileField(f.children[0], path + "[]", &node->children[0], &element));
      node->children[0].name = "element";
      element.name = "element";
      type = types::List(std::move(element));
      break;
    }
    case Type::kStruct: {
      if (f.children.empty()) {
        return Status::InvalidArgument("field \"{}\": a struct declares at least one field", path);
      }
      node->children.resize(f.children.size());
      std::vector<Field> fields(f.children.size());
      for (size_t i = 0; i < f.children.size(); ++i) {
        const StreamField& c = f.children[i];
        const std::string child_path = path + "." + c.name;
        if (c.name.empty()) {
          return Status::InvalidArgument("field \"{}\": member {} has no name", path, i);
        }
        for (size_t j = 0; j < i; ++j) {
          if (f.children[j].name == c.name) {
            return Status::InvalidArgument("field \"{}\": declared twice", child_path);
          }
        }
        FLOE_RETURN_IF_ERROR(CompileField(c, child_path, &node->children[i], &fields[i]));
      }
      type = types::Struct(std::move(fields));
      break;
    }
    default:
      return Status::InvalidArgument("field \"{}\": unknown type", path);
  }
  if (f.type != Type::kList && f.type != Type::kStruct && !f.children.empty()) {
    return Status::InvalidArgument("field \"{}\": a {} field has no children", path,
                                   TypeName(f.type));
  }
  *field = Field{f.name, std::move(type), !f.required};
  return Status::OK();
}

// ----- per-call state -----

// The field path of the value being checked: member names and list indexes. Its depth is
// bounded by the walk's (max_depth + 1); pushes beyond the capacity are counted, not stored.
class PathStack {
 public:
  void Reset(size_t capacity) {
    parts_.resize(capacity);
    size_ = 0;
  }
  void Clear() { size_ = 0; }
  [[gnu::always_inline]] void Push(std::string_view name) { Put({name, -1}); }
  [[gnu::always_inline]] void Push(int64_t index) { Put({{}, index}); }
  [[gnu::always_inline]] void Pop() { --size_; }

  // "geo.lat", "tags[3]", "a.b[0][2].c".
  void Format(std::string* out) const {
    out->clear();
    for (size_t i = 0; i < std::min(size_, parts_.size()); ++i) {
      const Part& p = parts_[i];
      if (p.index >= 0) {
        fmt::format_to(std::back_inserter(*out), "[{}]", p.index);
      } else {
        if (!out->empty()) out->push_back('.');
        out->append(p.name);
      }
    }
  }

 private:
  struct Part {
    std::string_view name;  // a member name (index < 0)
    int64_t index;          // a list index
  };
  [[gnu::always_inline]] void Put(const Part& p) {
    if (size_ < parts_.size()) parts_[size_] = p;
    ++size_;
  }
  std::vector<Part> parts_;
  size_t size_ = 0;
};

struct Span {
  size_t begin = 0;
  size_t end = 0;
};

// Everything one Validate call mutates. Pooled between calls so that the parser's buffers
// and the scratch vectors are allocated once, not per call or per record.
struct CallState {
  od::parser parser;
  Buffer padded;              // a padded copy of the body or of a line near its end
  std::vector<uint8_t> seen;  // per declared member slot: 0 absent, 1 null, 2 written
  std::vector<Span> spans;    // per slot: where the member was written
  std::vector<std::vector<std::string_view>> keys;  // per depth: keys seen in an object
  PathStack path;
  std::string extra;               // kKeep: the record's unknown members, each `"k":v,`
  std::string keep_path;           // kKeep: scratch for a nested unknown member's path
  std::string reorder;             // scratch for rearranging members
  const char* value_at = nullptr;  // where the value being checked starts
  // The current record's first error.
  bool failed = false;
  std::string error;
  std::string field;
};

// The compiled stream: immutable after Make, except for the pool of idle call states.
struct Plan {
  bool unstructured = false;
  UnknownFields unknown = UnknownFields::kReject;
  int max_depth = 64;
  Node root;  // type kStruct; children: the declared fields
  size_t slots = 0;
  std::string keep_prefix;  // "\"_extra\":{"
  std::string too_deep_message;

  std::mutex mu;
  std::vector<std::unique_ptr<CallState>> idle;

  std::unique_ptr<CallState> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!idle.empty()) {
        std::unique_ptr<CallState> s = std::move(idle.back());
        idle.pop_back();
        return s;
      }
    }
    auto s = std::make_unique<CallState>();
    s->seen.resize(slots);
    s->spans.resize(slots);
    s->keys.resize(static_cast<size_t>(max_depth) + 2);
    s->path.Reset(static_cast<size_t>(max_depth) + 2);
    return s;
  }

  void Release(std::unique_ptr<CallState> s) {
    if (s->parser.capacity() > kPooledCapacity || s->padded.capacity() > kPooledCapacity ||
        s->extra.capacity() > kPooledCapacity || s->reorder.capacity() > kPooledCapacity) {
      return;
    }
    std::lock_guard<std::mutex> lock(mu);
    if (idle.size() < kPoolSize) idle.push_back(std::move(s));
  }
};

// Walks one record (see the comment at the top of the file). Not thread-safe; one per call.
class RecordWalker {
 public:
  RecordWalker(const Plan& impl, CallState& st) : impl_(impl), st_(st) {}

  void Begin() {
    st_.value_at = nullptr;
    st_.failed = false;
    st_.path.Clear();
    st_.extra.clear();
  }

  // Records the current record's first semantic error at the current path.
  void Reject(std::string_view message) {
    if (st_.failed) return;
    st_.failed = true;
    st_.error.assign(message);
    st_.path.Format(&st_.field);
  }

  // The normalized record, without its arrival time, from '{' up to the member before it.
  error_code Record(od::object& obj, std::string* out) {
    if (impl_.unstructured) {
      out->append("{\"value\":");
      const error_code e = JsonObject(obj, 1, out);
      out->push_back(',');
      return e;
    }
    out->push_back('{');
    if (const error_code e = Fields(impl_.root, obj, 1, true, out)) return e;
    if (!st_.extra.empty()) {
      st_.extra.back() = '}';  // the last member's ','
      out->append(impl_.keep_prefix);
      out->append(st_.extra);
      out->push_back(',');
    }
    return simdjson::SUCCESS;
  }

  // Any JSON value at `depth` (the depth it has if it is a container), checked and, when
  // `out` is set, appended minified.
  error_code Json(od::value& v, int depth, std::string* out) {
    st_.value_at = v.raw_json_token().data();
    od::json_type t;
    if (const error_code e = v.type().get(t)) return e;
    switch (t) {
      case od::json_type::object: {
        if (TooDeep(depth)) return simdjson::SUCCESS;
        od::object obj;
        if (const error_code e = v.get_object().get(obj)) return e;
        return JsonObject(obj, depth, out);
      }
      case od::json_type::array: {
        if (TooDeep(depth)) return simdjson::SUCCESS;
        od::array arr;
        if (const error_code e = v.get_array().get(arr)) return e;
        if (out) out->push_back('[');
        bool first = true;
        int64_t i = 0;
        for (auto item : arr) {
          od::value ev;
          if (const error_code e = std::move(item).get(ev)) return e;
          if (out && !first) out->push_back(',');
          first = false;
          st_.path.Push(i++);
          if (const error_code e = Json(ev, depth + 1, out)) return e;
          st_.path.Pop();
        }
        if (out) out->push_back(']');
        return simdjson::SUCCESS;
      }
      case od::json_type::string: {
        std::string_view raw;
        if (const error_code e = StringToken(v, &raw)) return e;
        if (out) out->append(raw);
        return simdjson::SUCCESS;
      }
      case od::json_type::number: {
        const std::string_view raw = TrimRight(v.raw_json_token());
        double d;
        const bool grammar = IsJsonNumber(raw);
        if (v.get_double().get(d)) {
          if (!grammar) return simdjson::NUMBER_ERROR;
          Reject(fmt::format("number {} out of range (JSON numbers must fit a float64)",
                             Excerpt(raw)));
          return simdjson::SUCCESS;
        }
        if (!grammar) return simdjson::NUMBER_ERROR;
        if (out) out->append(raw);
        return simdjson::SUCCESS;
      }
      case od::json_type::boolean: {
        bool b;
        if (v.get_bool().get(b)) return AtomError(v);
        if (out) out->append(b ? "true" : "false");
        return simdjson::SUCCESS;
      }
      case od::json_type::null: {
        if (const error_code e = CheckNull(v)) return e;
        if (out) out->append("null");
        return simdjson::SUCCESS;
      }
    }
    return simdjson::INCORRECT_TYPE;
  }

 private:
  bool TooDeep(int depth) {
    if (depth <= impl_.max_depth) return false;
    Reject(impl_.too_deep_message);
    return true;
  }

  std::vector<std::string_view>& Keys(int depth) { return st_.keys[static_cast<size_t>(depth)]; }

  // Adds `key` to an object's keys; true when it is already there (objects with many keys are
  // checked once at their end instead, by CheckSortedKeys).
  static bool SeenKey(std::vector<std::string_view>& keys, std::string_view key) {
    if (keys.size() < kLinearKeyCheck) {
      for (std::string_view k : keys) {
        if (k == key) return true;
      }
    }
    keys.push_back(key);
    return false;
  }

  void CheckSortedKeys(std::vector<std::string_view>& keys) {
    if (keys.size() <= kLinearKeyCheck || st_.failed) return;
    std::sort(keys.begin(), keys.end());
    const auto dup = std::adjacent_find(keys.begin(), keys.end());
    if (dup == keys.end()) return;
    st_.path.Push(*dup);
    Reject("duplicate key");
    st_.path.Pop();
  }

  static error_code CheckNull(od::value& v) {
    bool is_null = false;
    if (v.is_null().get(is_null) || !is_null) return simdjson::N_ATOM_ERROR;
    return simdjson::SUCCESS;
  }

  // A literal that is not true, false or null, named by its first letter.
  static error_code AtomError(od::value& v) {
    const std::string_view raw = v.raw_json_token();
    if (!raw.empty() && raw[0] == 't') return simdjson::T_ATOM_ERROR;
    if (!raw.empty() && raw[0] == 'f') return simdjson::F_ATOM_ERROR;
    return simdjson::N_ATOM_ERROR;
  }

  // The raw token of a string value, quotes included, with its escapes checked.
  static error_code StringToken(od::value& v, std::string_view* raw) {
    *raw = TrimRight(v.raw_json_token());
    if (raw->size() < 2 || raw->back() != '"') return simdjson::STRING_ERROR;
    if (std::memchr(raw->data() + 1, '\\', raw->size() - 2) != nullptr) {
      std::string_view unescaped;
      return v.get_string().get(unescaped);
    }
    return simdjson::SUCCESS;
  }

  // The content of a string value (unescaped only when it has escapes).
  static error_code StringContent(od::value& v, std::string_view raw, std::string_view* s) {
    if (raw.size() < 2 || raw.back() != '"') return simdjson::STRING_ERROR;
    const std::string_view inner = raw.substr(1, raw.size() - 2);
    if (std::memchr(inner.data(), '\\', inner.size()) != nullptr) return v.get_string().get(*s);
    *s = inner;
    return simdjson::SUCCESS;
  }

  // The name of a member whose value is `v`. A name without escapes (the common case) is read
  // in place, and `written` is then its raw text `"name":` when nothing separates the name, the
  // colon and the value; other names are unescaped (and `written` is empty).
  static error_code Key(od::field& field, od::value& v, std::string_view* key,
                        std::string_view* written) {
    const char* name = field.key().raw();  // just after the opening quote
    const char* value = v.raw_json_token().data();
    const auto* quote = static_cast<const char*>(std::memchr(name, '"', value - name));
    if (quote != nullptr && std::memchr(name, '\\', quote - name) == nullptr) {
      *key = std::string_view(name, static_cast<size_t>(quote - name));
      *written = quote[1] == ':' && quote + 2 == value
                     ? std::string_view(name - 1, static_cast<size_t>(value - name + 1))
                     : std::string_view();
      return simdjson::SUCCESS;
    }
    *written = std::string_view();
    return field.unescaped_key().get(*key);
  }

  error_code JsonObject(od::object& obj, int depth, std::string* out) {
    if (out) out->push_back('{');
    std::vector<std::string_view>& keys = Keys(depth);
    keys.clear();
    bool first = true;
    for (auto member : obj) {
      od::field field;
      if (const error_code e = std::move(member).get(field)) return e;
      od::value& v = field.value();
      std::string_view key, written;
      if (const error_code e = Key(field, v, &key, &written)) return e;
      st_.path.Push(key);
      if (SeenKey(keys, key)) Reject("duplicate key");
      if (out) {
        if (!first) out->push_back(',');
        if (!written.empty()) {
          out->append(written);
        } else {
          AppendJsonString(key, out);
          out->push_back(':');
        }
      }
      first = false;
      if (const error_code e = Json(v, depth + 1, out)) return e;
      st_.path.Pop();
    }
    CheckSortedKeys(keys);
    if (out) out->push_back('}');
    return simdjson::SUCCESS;
  }

  // The declared members of `node` (a struct, or the root when `root`), written in
  // declaration order.
  error_code Fields(const Node& node, od::object& obj, int depth, bool root, std::string* out) {
    const size_t count = node.children.size();
    uint8_t* seen = st_.seen.data() + node.slot;
    Span* spans = st_.spans.data() + node.slot;
    std::fill(seen, seen + count, 0);
    std::vector<std::string_view>& unknown = Keys(depth);
    unknown.clear();
    const size_t region = out->size();
    size_t hint = 0;
    int last = -1;
    bool ordered = true;
    for (auto member : obj) {
      od::field field;
      if (const error_code e = std::move(member).get(field)) return e;
      od::value& v = field.value();
      std::string_view key, written;
      if (const error_code e = Key(field, v, &key, &written)) return e;
      const int idx = FindChild(node, key, &hint);
      if (idx < 0) {
        if (const error_code e = Unknown(key, v, depth, root)) return e;
        continue;
      }
      const Node& child = node.children[static_cast<size_t>(idx)];
      st_.path.Push(child.name);
      if (seen[idx] != 0) {
        Reject("duplicate key");
        if (const error_code e = Json(v, depth + 1, nullptr)) return e;
        st_.path.Pop();
        continue;
      }
      st_.value_at = v.raw_json_token().data();
      od::json_type t;
      if (const error_code e = v.type().get(t)) return e;
      if (t == od::json_type::null) {
        if (const error_code e = CheckNull(v)) return e;
        seen[idx] = 1;
        if (child.required) Reject("null for a required field");
        st_.path.Pop();
        continue;
      }
      seen[idx] = 2;
      const size_t begin = out->size();
      out->append(child.key);
      if (const error_code e = Value(child, v, t, depth + 1, out)) return e;
      out->push_back(',');
      spans[idx] = {begin, out->size()};
      ordered &= idx > last;
      last = idx;
      st_.path.Pop();
    }
    CheckSortedKeys(unknown);
    for (size_t i = 0; i < count && !st_.failed; ++i) {
      if (seen[i] == 0 && node.children[i].required) {
        st_.path.Push(node.children[i].name);
        Reject("missing required field");
        st_.path.Pop();
      }
    }
    if (!ordered && !st_.failed) {
      st_.reorder.assign(*out, region, std::string::npos);
      out->resize(region);
      for (size_t i = 0; i < count; ++i) {
        if (seen[i] == 2) {
          out->append(st_.reorder, spans[i].begin - region, spans[i].end - spans[i].begin);
        }
      }
    }
    return simdjson::SUCCESS;
  }

  error_code Unknown(std::string_view key, od::value& v, int depth, bool root) {
    st_.path.Push(key);
    error_code e = simdjson::SUCCESS;
    if (impl_.unknown == UnknownFields::kReject) {
      Reject("unknown field (stream rejects unknown fields)");
      e = Json(v, depth + 1, nullptr);
    } else {
      if (SeenKey(Keys(depth), key)) Reject("duplicate key");
      if (impl_.unknown == UnknownFields::kDrop) {
        e = Json(v, depth + 1, nullptr);
      } else {
        // Kept under its name at the top level, under its path ("geo.alt",
        // "items[2].x") when inside a declared struct.
        if (root) {
          AppendJsonString(key, &st_.extra);
        } else {
          st_.path.Format(&st_.keep_path);
          AppendJsonString(st_.keep_path, &st_.extra);
        }
        st_.extra.push_back(':');
        e = Json(v, depth + 1, &st_.extra);
        st_.extra.push_back(',');
      }
    }
    if (!e) st_.path.Pop();
    return e;
  }

  // A mismatched value: the error, then the value is still checked as JSON.
  error_code Mismatch(const Node& n, od::json_type t, od::value& v, int depth) {
    Reject(fmt::format("expected {}, got {}", TypeName(n.type), Describe(t, v.raw_json_token())));
    return Json(v, depth, nullptr);
  }

  void OutOfRange(std::string_view raw, std::string_view type) {
    Reject(fmt::format("value {} out of range for {}", Excerpt(raw), type));
  }

  // A JSON number as an integer of `node`'s type. *ok is false after a Reject.
  error_code Integer(const Node& n, od::value& v, int64_t* out, bool* ok) {
    *ok = false;
    const std::string_view raw = TrimRight(v.raw_json_token());
    od::number_type nt;
    if (const error_code e = v.get_number_type().get(nt)) return e;
    if (!IsJsonNumber(raw)) return simdjson::NUMBER_ERROR;
    __int128 x = 0;
    if (nt == od::number_type::signed_integer) {
      int64_t i;
      if (v.get_int64().get(i)) {
        OutOfRange(raw, TypeName(n.type));
        return simdjson::SUCCESS;
      }
      x = i;
    } else if (nt == od::number_type::unsigned_integer) {
      OutOfRange(raw, TypeName(n.type));
      return simdjson::SUCCESS;
    } else {
      // 2.0, 1e3: exact, from the text (a double would round large values).
      switch (ParseDecimalText(raw, 38, 0, &x)) {
        case TextParse::kOk:
          break;
        case TextParse::kTooPrecise:
          Reject(fmt::format("expected {}, got number {}", TypeName(n.type), Excerpt(raw)));
          return simdjson::SUCCESS;
        default:
          OutOfRange(raw, TypeName(n.type));
          return simdjson::SUCCESS;
      }
    }
    const bool narrow = n.type == Type::kInt32;
    const __int128 lo = narrow ? INT32_MIN : INT64_MIN;
    const __int128 hi = narrow ? INT32_MAX : INT64_MAX;
    if (x < lo || x > hi) {
      OutOfRange(raw, TypeName(n.type));
      return simdjson::SUCCESS;
    }
    *out = static_cast<int64_t>(x);
    *ok = true;
    return simdjson::SUCCESS;
  }

  // A JSON number in the field's epoch unit as microseconds. *ok is false after a Reject.
  error_code EpochMicros(const Node& n, od::value& v, int64_t* out, bool* ok) {
    *ok = false;
    const std::string_view raw = TrimRight(v.raw_json_token());
    od::number_type nt;
    if (const error_code e = v.get_number_type().get(nt)) return e;
    if (!IsJsonNumber(raw)) return simdjson::NUMBER_ERROR;
    __int128 micros = 0;
    if (nt == od::number_type::signed_integer) {
      int64_t i;
      if (v.get_int64().get(i)) {
        OutOfRange(raw, "timestamp");
        return simdjson::SUCCESS;
      }
      micros = static_cast<__int128>(i) * n.micros_per_unit;
    } else if (nt == od::number_type::unsigned_integer) {
      OutOfRange(raw, "timestamp");
      return simdjson::SUCCESS;
    } else {
      // Exact from the text; digits beyond the microsecond are dropped (floor).
      TextParse r = ParseDecimalText(raw, 38, n.unit_digits, &micros);
      if (r == TextParse::kTooPrecise) {
        r = ParseDecimalText(raw, 38, n.unit_digits + 9, &micros);
        if (r == TextParse::kOk) micros = FloorDiv(micros, 1000000000);
      }
      if (r == TextParse::kTooPrecise) {  // more than 9 digits beyond the microsecond
        double d;
        if (v.get_double().get(d)) {
          OutOfRange(raw, "timestamp");
          return simdjson::SUCCESS;
        }
        const long double m = std::floor(static_cast<long double>(d) * n.micros_per_unit);
        if (!(m > -9.3e18L && m < 9.3e18L)) {
          OutOfRange(raw, "timestamp");
          return simdjson::SUCCESS;
        }
        micros = static_cast<__int128>(m);
        r = TextParse::kOk;
      }
      if (r != TextParse::kOk) {
        OutOfRange(raw, "timestamp");
        return simdjson::SUCCESS;
      }
    }
    if (micros < INT64_MIN || micros > INT64_MAX) {
      OutOfRange(raw, "timestamp");
      return simdjson::SUCCESS;
    }
    *out = static_cast<int64_t>(micros);
    *ok = true;
    return simdjson::SUCCESS;
  }

  // A non-null value of declared field `n`, at `depth` if it is a container (st_.value_at is
  // where it starts).
  error_code Value(const Node& n, od::value& v, od::json_type t, int depth, std::string* out) {
    switch (n.type) {
      case Type::kString: {
        if (t != od::json_type::string) return Mismatch(n, t, v, depth);
        std::string_view raw;
        if (const error_code e = StringToken(v, &raw)) return e;
        out->append(raw);
        return simdjson::SUCCESS;
      }
      case Type::kInt32:
      case Type::kInt64: {
        if (t != od::json_type::number) return Mismatch(n, t, v, depth);
        int64_t x = 0;
        bool ok = false;
        if (const error_code e = Integer(n, v, &x, &ok)) return e;
        if (ok) AppendInt(x, out);
        return simdjson::SUCCESS;
      }
      case Type::kFloat32:
      case Type::kFloat64: {
        if (t != od::json_type::number) return Mismatch(n, t, v, depth);
        const std::string_view raw = TrimRight(v.raw_json_token());
        const bool grammar = IsJsonNumber(raw);
        double d;
        if (v.get_double().get(d)) {
          if (!grammar) return simdjson::NUMBER_ERROR;
          OutOfRange(raw, TypeName(n.type));
          return simdjson::SUCCESS;
        }
        if (!grammar) return simdjson::NUMBER_ERROR;
        if (n.type == Type::kFloat32 && std::fabs(d) >= kFloat32Overflow) {
          OutOfRange(raw, TypeName(n.type));
          return simdjson::SUCCESS;
        }
        out->append(raw);
        return simdjson::SUCCESS;
      }
      case Type::kBool: {
        if (t != od::json_type::boolean) return Mismatch(n, t, v, depth);
        bool b;
        if (v.get_bool().get(b)) return AtomError(v);
        out->append(b ? "true" : "false");
        return simdjson::SUCCESS;
      }
      case Type::kTimestamp: {
        int64_t micros = 0;
        if (t == od::json_type::number) {
          bool ok = false;
          if (const error_code e = EpochMicros(n, v, &micros, &ok)) return e;
          if (ok) AppendInt(micros, out);
          return simdjson::SUCCESS;
        }
        if (t != od::json_type::string) return Mismatch(n, t, v, depth);
        const std::string_view raw = TrimRight(v.raw_json_token());
        std::string_view s;
        if (const error_code e = StringContent(v, raw, &s)) return e;
        switch (ParseEventTime(s, &micros)) {
          case TimeText::kOk:
            AppendInt(micros, out);
            break;
          case TimeText::kNoOffset:
            Reject(
                fmt::format("invalid timestamp {}: no UTC offset (RFC 3339 needs \"Z\" or "
                            "\"+HH:MM\")",
                            Excerpt(raw)));
            break;
          case TimeText::kOutOfRange:
            OutOfRange(raw, "timestamp");
            break;
          case TimeText::kMalformed:
            Reject(fmt::format("invalid timestamp {}", Excerpt(raw)));
            break;
        }
        return simdjson::SUCCESS;
      }
      case Type::kJson:
        return Json(v, depth, out);
      case Type::kBinary: {
        if (t != od::json_type::string) return Mismatch(n, t, v, depth);
        const std::string_view raw = TrimRight(v.raw_json_token());
        std::string_view s;
        if (const error_code e = StringContent(v, raw, &s)) return e;
        out->push_back('"');
        if (!AppendBase64AsHex(s, out)) {
          Reject(fmt::format("invalid base64 {}", Excerpt(raw)));
          return simdjson::SUCCESS;
        }
        out->push_back('"');
        return simdjson::SUCCESS;
      }
      case Type::kList: {
        if (t != od::json_type::array) return Mismatch(n, t, v, depth);
        if (TooDeep(depth)) return simdjson::SUCCESS;
        od::array arr;
        if (const error_code e = v.get_array().get(arr)) return e;
        const Node& element = n.children[0];
        out->push_back('[');
        int64_t i = 0;
        for (auto item : arr) {
          od::value ev;
          if (const error_code e = std::move(item).get(ev)) return e;
          st_.path.Push(i++);
          st_.value_at = ev.raw_json_token().data();
          od::json_type et;
          if (const error_code e = ev.type().get(et)) return e;
          if (et == od::json_type::null) {
            if (const error_code e = CheckNull(ev)) return e;
            if (element.required) Reject("null for a required element");
            out->append("null");
          } else if (const error_code e = Value(element, ev, et, depth + 1, out)) {
            return e;
          }
          out->push_back(',');
          st_.path.Pop();
        }
        if (out->back() == ',') {
          out->back() = ']';
        } else {
          out->push_back(']');
        }
        return simdjson::SUCCESS;
      }
      case Type::kStruct: {
        if (t != od::json_type::object) return Mismatch(n, t, v, depth);
        if (TooDeep(depth)) return simdjson::SUCCESS;
        od::object obj;
        if (const error_code e = v.get_object().get(obj)) return e;
        out->push_back('{');
        if (const error_code e = Fields(n, obj, depth, false, out)) return e;
        if (out->back() == ',') {
          out->back() = '}';
        } else {
          out->push_back('}');
        }
        return simdjson::SUCCESS;
      }
    }
    return simdjson::INCORRECT_TYPE;
  }

  const Plan& impl_;
  CallState& st_;
};

// The offset of the first byte of `s` that breaks UTF-8, or s.size().
size_t FirstInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
    }
    i += len;
  }
  return n;
}

// Where simdjson's first stage probably failed (an unclosed string or a control character in
// a string), for the error message: a scan of strings only. npos when not found.
size_t LocateStringError(std::string_view s) {
  bool in_string = false;
  size_t opened = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        return i;
      }
    } else if (c == '"') {
      in_string = true;
      opened = i;
    }
  }
  return in_string ? opened : std::string_view::npos;
}

// The text of the JSON value at the start of `s` (an array element of a body that passed
// simdjson's first stage, so strings are closed), at most kMaxRawBytes of it.
std::string_view ValueText(std::string_view s) {
  const size_t limit = std::min(s.size(), kMaxRawBytes);
  const size_t end = JsonValueEnd(s.substr(0, limit), 0);
  return end == std::string_view::npos ? Utf8Prefix(s, limit) : TrimRight(s.substr(0, end));
}

// One Validate call.
class BodyJudge {
 public:
  BodyJudge(const Plan& impl, CallState& st, int64_t arrival_micros, ValidationResult* result)
      : st_(st), walker_(impl, st), result_(*result), out_(result->records) {
    suffix_ = "\"arrival_time\":";
    AppendInt(arrival_micros, &suffix_);
    suffix_ += "}\n";
  }

  Status Ndjson(std::string_view body) {
    out_.reserve(body.size() + body.size() / 8 + 64);
    const char* const data = body.data();
    const size_t size = body.size();
    size_t pos = 0;
    int64_t index = 0;
    while (pos < size) {
      const void* nl = std::memchr(data + pos, '\n', size - pos);
      const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) : size;
      std::string_view line(data + pos, end - pos);
      pos = end + 1;
      size_t first = 0;
      while (first < line.size() && IsJsonSpace(line[first])) ++first;
      if (first == line.size()) continue;  // blank
      while (line.back() == '\r') line.remove_suffix(1);
      Line(line, size - end, index++);
    }
    if (index == 0) return Status::InvalidArgument("empty body: no records");
    return Status::OK();
  }

  Status Json(std::string_view body) {
    size_t first = 0;
    while (first < body.size() && IsJsonSpace(body[first])) ++first;
    if (first == body.size()) return Status::InvalidArgument("empty body: no records");
    const char c = body[first];
    if (c != '{' && c != '[') {
      const auto u = static_cast<unsigned char>(c);
      return Status::InvalidArgument(
          "body is not a JSON object or array: byte {} is {}", first,
          u >= 0x20 && u < 0x7f ? fmt::format("'{}'", c) : fmt::format("0x{:02x}", u));
    }
    size_t last = body.size() - 1;
    while (IsJsonSpace(body[last])) --last;
    const char close = c == '[' ? ']' : '}';
    if (body[last] != close) {
      return Status::InvalidArgument(
          "malformed JSON body at byte {}: a body that starts with '{}' ends with '{}'", last, c,
          close);
    }
    out_.reserve(body.size() + body.size() / 8 + 64);
    st_.padded.Resize(body.size() + simdjson::SIMDJSON_PADDING);
    char* buf = reinterpret_cast<char*>(st_.padded.data());
    std::memcpy(buf, body.data(), body.size());
    std::memset(buf + body.size(), ' ', simdjson::SIMDJSON_PADDING);
    body_ = std::string_view(buf, body.size());

    od::document doc;
    if (const error_code e =
            st_.parser.iterate(buf, body.size(), body.size() + simdjson::SIMDJSON_PADDING)
                .get(doc)) {
      return Stage1Error(e);
    }
    if (c == '{') {
      od::object obj;
      if (const error_code e = doc.get_object().get(obj)) return BodyError(e, doc);
      walker_.Begin();
      const size_t mark = out_.size();
      if (const error_code e = walker_.Record(obj, &out_)) return BodyError(e, doc);
      if (const Status s = CheckEnd(doc, "object"); !s.ok()) return s;
      Finish(0, mark, Utf8Prefix(TrimRight(body_.substr(first)), kMaxRawBytes));
      return Status::OK();
    }
    od::array arr;
    if (const error_code e = doc.get_array().get(arr)) return BodyError(e, doc);
    int64_t index = 0;
    for (auto item : arr) {
      od::value v;
      if (const error_code e = std::move(item).get(v)) return BodyError(e, doc);
      const std::string_view token = v.raw_json_token();
      const size_t start = static_cast<size_t>(token.data() - buf);
      od::json_type t;
      if (const error_code e = v.type().get(t)) return BodyError(e, doc);
      walker_.Begin();
      st_.value_at = token.data();
      const size_t mark = out_.size();
      if (t == od::json_type::object) {
        od::object obj;
        if (const error_code e = v.get_object().get(obj)) return BodyError(e, doc);
        if (const error_code e = walker_.Record(obj, &out_)) return BodyError(e, doc);
      } else {
        walker_.Reject("expected a JSON object, got " + Describe(t, token));
        if (const error_code e = walker_.Json(v, 1, nullptr)) return BodyError(e, doc);
      }
      Finish(index++, mark, std::string_view());
      if (st_.failed) result_.rejected_raw.back() = ValueText(body_.substr(start));
    }
    return CheckEnd(doc, "array");
  }

 private:
  // One non-blank NDJSON line; `readable_after` bytes of the body follow it.
  void Line(std::string_view line, size_t readable_after, int64_t index) {
    const char* buf = line.data();
    if (readable_after < simdjson::SIMDJSON_PADDING) {
      st_.padded.Resize(line.size() + simdjson::SIMDJSON_PADDING);
      char* p = reinterpret_cast<char*>(st_.padded.data());
      std::memcpy(p, line.data(), line.size());
      std::memset(p + line.size(), ' ', simdjson::SIMDJSON_PADDING);
      buf = p;
    }
    od::document doc;
    error_code e =
        st_.parser.iterate(buf, line.size(), line.size() + simdjson::SIMDJSON_PADDING).get(doc);
    if (e) {
      return Reject(index, e == simdjson::UTF8_ERROR ? "invalid UTF-8" : MalformedMessage(e), line);
    }
    od::json_type t;
    if ((e = doc.type().get(t))) return Reject(index, MalformedMessage(e), line);
    if (t != od::json_type::object) {
      std::string_view raw;
      if (doc.raw_json_token().get(raw)) raw = line;
      return Reject(index, "expected a JSON object, got " + Describe(t, raw), line);
    }
    od::object obj;
    if ((e = doc.get_object().get(obj))) return Reject(index, MalformedMessage(e), line);
    walker_.Begin();
    const size_t mark = out_.size();
    e = walker_.Record(obj, &out_);
    const char* rest = nullptr;
    if (!e && !doc.current_location().get(rest)) e = simdjson::TRAILING_CONTENT;
    if (e) {
      out_.resize(mark);
      return Reject(index, MalformedMessage(e), line);
    }
    Finish(index, mark, line);
  }

  // Ends a walked record: accepted (its arrival time appended) or rejected with the walk's
  // first error.
  void Finish(int64_t index, size_t mark, std::string_view raw) {
    if (!st_.failed) {
      out_.append(suffix_);
      ++result_.accepted;
      return;
    }
    out_.resize(mark);
    result_.rejected.push_back(RecordError{index, st_.field, st_.error});
    result_.rejected_raw.emplace_back(Utf8Prefix(raw, kMaxRawBytes));
  }

  void Reject(int64_t index, std::string error, std::string_view raw) {
    result_.rejected.push_back(RecordError{index, std::string(), std::move(error)});
    result_.rejected_raw.emplace_back(Utf8Prefix(raw, kMaxRawBytes));
  }

  Status Stage1Error(error_code e) {
    const std::string_view body = body_;
    if (e == simdjson::UTF8_ERROR) {
      return Status::InvalidArgument("invalid UTF-8 in the body at byte {}",
                                     FirstInvalidUtf8(body));
    }
    const size_t at = (e == simdjson::UNCLOSED_STRING || e == simdjson::UNESCAPED_CHARS)
                          ? LocateStringError(body)
                          : std::string_view::npos;
    if (at != std::string_view::npos) {
      return Status::InvalidArgument("malformed JSON body at byte {}: {}", at,
                                     simdjson::error_message(e));
    }
    return Status::InvalidArgument("malformed JSON body: {}", simdjson::error_message(e));
  }

  Status BodyError(error_code e, od::document& doc) {
    const char* at = nullptr;
    const bool in_value = e == simdjson::STRING_ERROR || e == simdjson::NUMBER_ERROR ||
                          e == simdjson::T_ATOM_ERROR || e == simdjson::F_ATOM_ERROR ||
                          e == simdjson::N_ATOM_ERROR;
    if (in_value) {
      at = st_.value_at;
    } else if (doc.current_location().get(at)) {
      at = nullptr;
    }
    if (at != nullptr && at >= body_.data() && at <= body_.data() + body_.size()) {
      return Status::InvalidArgument("malformed JSON body at byte {}: {}", at - body_.data(),
                                     simdjson::error_message(e));
    }
    return Status::InvalidArgument("malformed JSON body: {}", simdjson::error_message(e));
  }

  Status CheckEnd(od::document& doc, std::string_view what) {
    const char* rest = nullptr;
    if (doc.current_location().get(rest)) return Status::OK();
    return Status::InvalidArgument("malformed JSON body at byte {}: content after the JSON {}",
                                   rest - body_.data(), what);
  }

  CallState& st_;
  RecordWalker walker_;
  ValidationResult& result_;
  std::string& out_;
  std::string suffix_;
  std::string_view body_;  // the padded copy of a JSON body
};

}  // namespace

struct StreamValidator::Impl : Plan {};

StreamValidator::~StreamValidator() = default;

Result<std::shared_ptr<const StreamValidator>> StreamValidator::Make(
    const StreamConfig& stream, const ValidatorLimits& limits) {
  const auto fail = [&](const Status& s) {
    return s.WithContext("stream \"" + stream.name + "\"");
  };
  if (limits.max_depth < 1 || limits.max_depth > kMaxDepthLimit) {
    return fail(Status::InvalidArgument("max_depth {} is not within 1..{}", limits.max_depth,
                                        kMaxDepthLimit));
  }
  auto impl = std::make_unique<Impl>();
  impl->unstructured = stream.unstructured;
  impl->unknown = stream.unknown_fields;
  impl->max_depth = limits.max_depth;
  impl->root.type = Type::kStruct;
  impl->too_deep_message = fmt::format("nested deeper than {} levels", limits.max_depth);

  std::vector<Field> fields;
  if (stream.unstructured) {
    if (!stream.fields.empty()) {
      return fail(Status::InvalidArgument("an unstructured stream declares no fields"));
    }
    fields.push_back(Field{std::string(kValueColumn), types::Json(), false});
  } else {
    impl->root.children.resize(stream.fields.size());
    fields.resize(stream.fields.size());
    for (size_t i = 0; i < stream.fields.size(); ++i) {
      const StreamField& f = stream.fields[i];
      if (f.name.empty()) return fail(Status::InvalidArgument("field {} has no name", i));
      if (f.name == kArrivalTime) {
        return fail(
            Status::InvalidArgument("field \"{}\" is reserved (every record has it)", f.name));
      }
      for (size_t j = 0; j < i; ++j) {
        if (stream.fields[j].name == f.name) {
          return fail(Status::InvalidArgument("field \"{}\" is declared twice", f.name));
        }
      }
      if (Status s = CompileField(f, f.name, &impl->root.children[i], &fields[i]); !s.ok()) {
        return fail(s);
      }
    }
    if (stream.unknown_fields == UnknownFields::kKeep) {
      const std::string& keep = stream.keep_column;
      if (keep.empty() || keep == kArrivalTime) {
        return fail(Status::InvalidArgument("keep_column \"{}\" is not usable", keep));
      }
      for (const StreamField& f : stream.fields) {
        if (f.name == keep) {
          return fail(Status::InvalidArgument("keep_column \"{}\" is also a declared field", keep));
        }
      }
      AppendJsonString(keep, &impl->keep_prefix);
      impl->keep_prefix += ":{";
      fields.push_back(Field{keep, types::Json(), true});
    }
  }
  fields.push_back(
      Field{std::string(kArrivalTime), types::Timestamp(TimeUnit::kMicro, true), false});
  IndexNode(&impl->root, &impl->slots);

  std::shared_ptr<StreamValidator> v(new StreamValidator());
  v->impl_ = std::move(impl);
  v->schema_ = std::make_shared<Schema>(std::move(fields));
  return std::shared_ptr<const StreamValidator>(std::move(v));
}

Result<ValidationResult> StreamValidator::Validate(std::string_view body, BodyFormat format,
                                                   int64_t arrival_micros) const {
  std::unique_ptr<CallState> state = impl_->Acquire();
  ValidationResult result;
  Status s;
  {
    BodyJudge judge(*impl_, *state, arrival_micros, &result);
    s = format == BodyFormat::kNdjson ? judge.Ndjson(body) : judge.Json(body);
  }
  impl_->Release(std::move(state));
  if (!s.ok()) return s;
  return result;
}

}  // namespace floe::ingest
