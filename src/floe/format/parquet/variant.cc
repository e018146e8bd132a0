#include "floe/format/parquet/variant.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "floe/columnar/json_writer.h"

namespace floe::parquet {

namespace {

// Basic types (VariantEncoding.md, "Encoding types").
constexpr int kPrimitive = 0;
constexpr int kShortString = 1;
constexpr int kObject = 2;
constexpr int kArray = 3;

// Primitive type ids.
enum Primitive : uint8_t {
  kNull = 0,
  kTrue = 1,
  kFalse = 2,
  kInt8 = 3,
  kInt16 = 4,
  kInt32 = 5,
  kInt64 = 6,
  kDouble = 7,
  kDecimal4 = 8,
  kDecimal8 = 9,
  kDecimal16 = 10,
  kDate = 11,
  kTimestampMicros = 12,
  kTimestampNtzMicros = 13,
  kFloat = 14,
  kBinary = 15,
  kString = 16,
  kTimeNtzMicros = 17,
  kTimestampNanos = 18,
  kTimestampNtzNanos = 19,
  kUuid = 20,
};

constexpr int kMaxDecimalScale = 38;

uint64_t LoadLE(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

template <typename T>
T LoadAs(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// ---------------------------------------------------------------------------------------
// Metadata: header, dictionary size, dictionary_size + 1 offsets, strings.

struct Metadata {
  int offset_size = 1;
  uint64_t dict_size = 0;
  const uint8_t* offsets = nullptr;
  const uint8_t* strings = nullptr;
  uint64_t strings_len = 0;  // bytes available after the offsets
  uint64_t total_size = 0;   // header + size + offsets + strings up to the last offset

  // Dictionary string `id`.
  Status Key(uint64_t id, std::string_view* key) const {
    if (id >= dict_size) {
      return Status::Corruption("field id {} is outside the metadata dictionary of {} strings", id,
                                dict_size);
    }
    const uint64_t begin = LoadLE(offsets + id * offset_size, offset_size);
    const uint64_t end = LoadLE(offsets + (id + 1) * offset_size, offset_size);
    if (begin > end || end > strings_len) {
      return Status::Corruption(
          "metadata dictionary string {} spans [{}, {}) outside its {} string bytes", id, begin,
          end, strings_len);
    }
    *key = {reinterpret_cast<const char*>(strings) + begin, static_cast<size_t>(end - begin)};
    return Status::OK();
  }
};

// Parses the metadata at the front of `bytes`. With `exact`, `bytes` is one whole metadata
// blob, and the offset list may be left out of an empty dictionary ("01 00", as in the
// shredding spec's examples).
Status ParseMetadata(std::string_view bytes, bool exact, Metadata* md) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const uint64_t n = bytes.size();
  if (n == 0) return Status::Corruption("variant metadata is empty");
  const uint8_t header = p[0];
  const int version = header & 0x0F;
  if (version != 1) {
    return Status::NotSupported(
        "variant metadata version {} (header byte 0x{:02x}); only 1 is defined", version, header);
  }
  md->offset_size = ((header >> 6) & 0x3) + 1;
  const int os = md->offset_size;
  if (n < 1 + static_cast<uint64_t>(os)) {
    return Status::Corruption("variant metadata of {} bytes ends inside its dictionary size", n);
  }
  md->dict_size = LoadLE(p + 1, os);
  if (exact && md->dict_size == 0 && n == 1 + static_cast<uint64_t>(os)) {
    md->offsets = nullptr;
    md->strings = p + n;
    md->strings_len = 0;
    md->total_size = n;
    return Status::OK();
  }
  const uint64_t offsets_bytes = (md->dict_size + 1) * static_cast<uint64_t>(os);
  const uint64_t strings_begin = 1 + os + offsets_bytes;
  if (strings_begin > n) {
    return Status::Corruption(
        "variant metadata: a dictionary of {} strings needs {} offset bytes; {} bytes remain",
        md->dict_size, offsets_bytes, n - 1 - os);
  }
  md->offsets = p + 1 + os;
  md->strings = p + strings_begin;
  md->strings_len = n - strings_begin;
  const uint64_t last = LoadLE(md->offsets + md->dict_size * os, os);
  if (last > md->strings_len) {
    return Status::Corruption(
        "variant metadata: dictionary strings end at {} but only {} string bytes follow", last,
        md->strings_len);
  }
  md->total_size = strings_begin + last;
  return Status::OK();
}

// ---------------------------------------------------------------------------------------
// Text of temporal values, as DuckDB prints them.

void AppendDigits(uint64_t v, int min_width, std::string* out) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int i = n; i < min_width; ++i) out->push_back('0');
  while (n > 0) out->push_back(buf[--n]);
}

void AppendInteger(int64_t v, std::string* out) {
  if (v < 0) {
    out->push_back('-');
    AppendDigits(uint64_t{0} - static_cast<uint64_t>(v), 1, out);
  } else {
    AppendDigits(static_cast<uint64_t>(v), 1, out);
  }
}

// "YYYY-MM-DD", a year past 9999 in full, a year <= 0 as (1 - year) with " (BC)".
void AppendDuckDate(int64_t days, std::string* out) {
  const CivilDate d = CivilFromDays(days);
  const bool bc = d.year <= 0;
  AppendDigits(static_cast<uint64_t>(bc ? 1 - d.year : d.year), 4, out);
  out->push_back('-');
  AppendDigits(static_cast<uint64_t>(d.month), 2, out);
  out->push_back('-');
  AppendDigits(static_cast<uint64_t>(d.day), 2, out);
  if (bc) out->append(" (BC)");
}

// "HH:MM:SS[.fff...]" of `value` units since midnight (units_per_second 1e3, 1e6 or 1e9),
// the fraction trimmed of trailing zeros. Values outside a day keep counting hours.
void AppendDuckClock(int64_t value, int64_t units_per_second, std::string* out) {
  uint64_t v;
  if (value < 0) {
    out->push_back('-');
    v = uint64_t{0} - static_cast<uint64_t>(value);
  } else {
    v = static_cast<uint64_t>(value);
  }
  const uint64_t ups = static_cast<uint64_t>(units_per_second);
  const uint64_t secs = v / ups;
  uint64_t frac = v % ups;
  AppendDigits(secs / 3600, 2, out);
  out->push_back(':');
  AppendDigits(secs / 60 % 60, 2, out);
  out->push_back(':');
  AppendDigits(secs % 60, 2, out);
  if (frac == 0) return;
  int digits = units_per_second == 1000 ? 3 : units_per_second == 1000000 ? 6 : 9;
  while (frac % 10 == 0) {
    frac /= 10;
    --digits;
  }
  out->push_back('.');
  AppendDigits(frac, digits, out);
}

// "YYYY-MM-DD HH:MM:SS[.fff...]" and "+00" when `utc`; DuckDB's infinities for micros.
void AppendDuckTimestamp(int64_t value, floe::TimeUnit unit, bool utc, std::string* out) {
  if (unit == floe::TimeUnit::kMicro && (value == std::numeric_limits<int64_t>::max() ||
                                         value == -std::numeric_limits<int64_t>::max())) {
    out->append(value > 0 ? "infinity" : "-infinity");
    return;
  }
  const int64_t per_day = UnitsPerSecond(unit) * 86400;
  int64_t days = value / per_day;
  int64_t rem = value % per_day;
  if (rem < 0) {
    rem += per_day;
    --days;
  }
  AppendDuckDate(days, out);
  out->push_back(' ');
  AppendDuckClock(rem, UnitsPerSecond(unit), out);
  if (utc) out->append("+00");
}

void AppendBase64(std::string_view bytes, std::string* out) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t n = bytes.size();
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
    out->push_back(kAlphabet[v >> 18]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(kAlphabet[(v >> 6) & 63]);
    out->push_back(kAlphabet[v & 63]);
  }
  if (i + 1 == n) {
    const uint32_t v = uint32_t{p[i]} << 16;
    out->push_back(kAlphabet[v >> 18]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->append("==");
  } else if (i + 2 == n) {
    const uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8);
    out->push_back(kAlphabet[v >> 18]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(kAlphabet[(v >> 6) & 63]);
    out->push_back('=');
  }
}

// 16 bytes, big-endian, as 8-4-4-4-12 lowercase hex.
void AppendUuid(const uint8_t* b, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
    out->push_back(kHex[b[i] >> 4]);
    out->push_back(kHex[b[i] & 15]);
  }
}

void AppendQuotedDecimal(__int128 unscaled, int32_t scale, std::string* out) {
  out->push_back('"');
  AppendDecimalText(unscaled, scale, out);
  out->push_back('"');
}

// ---------------------------------------------------------------------------------------
// Shredded layout: the plan of a {value, typed_value} group, resolved once per column.

struct ShreddedGroup {
  enum class Kind { kNone, kPrimitive, kObject, kArray };
  const Column* value = nullptr;  // binary variant values, or null when absent
  const Column* typed = nullptr;  // typed_value, or null when absent
  Kind kind = Kind::kNone;
  // kObject: one group per shredded field, sorted by name.
  std::vector<std::pair<std::string_view, std::unique_ptr<ShreddedGroup>>> fields;
  // kArray: the element group (children of the list's element struct).
  std::unique_ptr<ShreddedGroup> element;
  std::string path;  // "typed_value.a.typed_value", for errors

  bool IsMissing(int64_t row) const {
    return !(typed && typed->IsValid(row)) && !(value && value->IsValid(row));
  }
};

bool IsSupportedTypedLeaf(TypeId id) {
  switch (id) {
    case TypeId::kBool:
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64:
    case TypeId::kFloat16:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kDecimal:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kString:
    case TypeId::kEnum:
    case TypeId::kJson:
    case TypeId::kBinary:
    case TypeId::kFixedBinary:
    case TypeId::kUuid:
      return true;
    default:
      return false;
  }
}

// Builds the plan of `group`, a struct whose children are named `value` and `typed_value`
// (and `metadata` at the top, when `top` is set).
Status BuildGroup(const Column& group, const std::string& path, bool top, ShreddedGroup* out,
                  const Column** metadata) {
  const DataType& t = *group.type;
  if (t.id != TypeId::kStruct || group.children.size() != t.children.size()) {
    return Status::Corruption("variant group '{}' is {}, not a struct of value and typed_value",
                              path, t.ToString());
  }
  out->path = path;
  for (size_t i = 0; i < t.children.size(); ++i) {
    const std::string& name = t.children[i].name;
    const Column* c = group.children[i].get();
    if (c->length != group.length) {
      return Status::Corruption("variant group '{}': field '{}' has {} rows, the group {}", path,
                                name, c->length, group.length);
    }
    if (name == "value") {
      if (!c->type->IsVarBinary()) {
        return Status::Corruption("variant group '{}': 'value' is {}, not binary", path,
                                  c->type->ToString());
      }
      out->value = c;
    } else if (name == "typed_value") {
      out->typed = c;
    } else if (top && name == "metadata") {
      if (!c->type->IsVarBinary()) {
        return Status::Corruption("variant group '{}': 'metadata' is {}, not binary", path,
                                  c->type->ToString());
      }
      *metadata = c;
    } else {
      return Status::Corruption("variant group '{}' has an unexpected field '{}'", path, name);
    }
  }
  if (!out->typed) return Status::OK();
  const std::string typed_path = path.empty() ? "typed_value" : path + ".typed_value";
  const Column& typed = *out->typed;
  const DataType& tt = *typed.type;
  switch (tt.id) {
    case TypeId::kStruct: {
      out->kind = ShreddedGroup::Kind::kObject;
      if (typed.children.size() != tt.children.size()) {
        return Status::Corruption("variant '{}': struct with {} of {} fields", typed_path,
                                  typed.children.size(), tt.children.size());
      }
      for (size_t i = 0; i < tt.children.size(); ++i) {
        auto field = std::make_unique<ShreddedGroup>();
        if (typed.children[i]->length != typed.length) {
          return Status::Corruption("variant '{}': field '{}' has {} rows, the object {}",
                                    typed_path, tt.children[i].name, typed.children[i]->length,
                                    typed.length);
        }
        FLOE_RETURN_IF_ERROR(BuildGroup(*typed.children[i], typed_path + "." + tt.children[i].name,
                                        false, field.get(), nullptr));
        out->fields.emplace_back(tt.children[i].name, std::move(field));
      }
      std::sort(out->fields.begin(), out->fields.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      for (size_t i = 1; i < out->fields.size(); ++i) {
        if (out->fields[i].first == out->fields[i - 1].first) {
          return Status::Corruption("variant '{}' shreds field '{}' twice", typed_path,
                                    out->fields[i].first);
        }
      }
      return Status::OK();
    }
    case TypeId::kList: {
      out->kind = ShreddedGroup::Kind::kArray;
      if (typed.children.size() != 1 ||
          typed.offsets.size() != static_cast<size_t>(typed.length + 1) * sizeof(int64_t)) {
        return Status::Corruption("variant '{}': malformed list column", typed_path);
      }
      out->element = std::make_unique<ShreddedGroup>();
      return BuildGroup(*typed.children[0], typed_path + ".element", false, out->element.get(),
                        nullptr);
    }
    default:
      if (!IsSupportedTypedLeaf(tt.id)) {
        return Status::NotSupported("variant '{}': shredded type {} is not a variant type",
                                    typed_path, tt.ToString());
      }
      out->kind = ShreddedGroup::Kind::kPrimitive;
      return Status::OK();
  }
}

// ---------------------------------------------------------------------------------------
// The renderer: binary values and shredded groups to JSON text.

class VariantJsonWriter {
 public:
  VariantJsonWriter(std::string* out, size_t max_json_bytes)
      : out_(out), max_json_bytes_(max_json_bytes) {}

  // Starts a new value; the budget counts from the current end of the output.
  void Begin() { limit_ = out_->size() + max_json_bytes_; }
  // Ends the value: fails when its text passed the budget.
  Status Finish() const { return CheckBudget(); }

  // One encoded value (the whole buffer `value`; bytes after it are ignored).
  Status Binary(const Metadata& md, std::string_view value, int depth) {
    origin_ = reinterpret_cast<const uint8_t*>(value.data());
    return Value(md, origin_, value.size(), depth);
  }

  // The value of `g` at `row`. Sets *missing (and writes nothing) when neither `value` nor
  // `typed_value` holds one.
  Status Group(const Metadata& md, const ShreddedGroup& g, int64_t row, int depth, bool* missing) {
    *missing = false;
    if (depth > kMaxVariantDepth) {
      return Status::Corruption("variant nesting deeper than {} levels at '{}'", kMaxVariantDepth,
                                g.path);
    }
    FLOE_RETURN_IF_ERROR(CheckBudget());
    if (g.typed && g.typed->IsValid(row)) {
      switch (g.kind) {
        case ShreddedGroup::Kind::kPrimitive:
          return TypedLeaf(g, row);
        case ShreddedGroup::Kind::kArray:
          return ShreddedArray(md, g, row, depth);
        case ShreddedGroup::Kind::kObject:
          return ShreddedObject(md, g, row, depth);
        case ShreddedGroup::Kind::kNone:
          break;
      }
    }
    if (g.value && g.value->IsValid(row)) {
      const std::string_view v = g.value->StringAt(row);
      const Status s = Binary(md, v, depth);
      if (!s.ok()) return s.WithContext(ValuePath(g));
      return s;
    }
    *missing = true;
    return Status::OK();
  }

 private:
  // One field of an object being written.
  struct Entry {
    std::string_view key;
    uint32_t seq;                // insertion order: the first of equal keys wins
    const ShreddedGroup* group;  // a shredded field (at `row`), or null for a binary one
    int64_t row;
    const uint8_t* bytes;   // a binary field: its value, with `len` bytes up to the
    size_t len;             //   end of its object's fields
    const uint8_t* origin;  //   and the start of the buffer holding it
  };

  static std::string ValuePath(const ShreddedGroup& g) {
    return g.path.empty() ? std::string("value") : g.path + ".value";
  }

  Status CheckBudget() const {
    if (out_->size() > limit_) {
      return Status::ResourceExhausted("variant JSON text passes {} bytes", max_json_bytes_);
    }
    return Status::OK();
  }

  size_t At(const uint8_t* p) const { return static_cast<size_t>(p - origin_); }

  Status Truncated(const uint8_t* p, const char* what, uint64_t need, size_t have) const {
    return Status::Corruption("variant value byte {}: {} needs {} bytes, {} remain", At(p), what,
                              need, have);
  }

  // The value whose header is at p[0], with `n` bytes up to the end of its enclosing region.
  Status Value(const Metadata& md, const uint8_t* p, size_t n, int depth) {
    if (depth > kMaxVariantDepth) {
      return Status::Corruption("variant value byte {}: nesting deeper than {} levels", At(p),
                                kMaxVariantDepth);
    }
    FLOE_RETURN_IF_ERROR(CheckBudget());
    if (n == 0) return Status::Corruption("variant value byte {}: value missing", At(p));
    const uint8_t header = p[0];
    const int basic = header & 0x3;
    const int vh = header >> 2;
    switch (basic) {
      case kPrimitive:
        return PrimitiveValue(p, n, vh);
      case kShortString:
        if (n - 1 < static_cast<size_t>(vh)) return Truncated(p, "short string", 1 + vh, n);
        AppendJsonString({reinterpret_cast<const char*>(p + 1), static_cast<size_t>(vh)}, out_);
        return Status::OK();
      case kObject:
        return ObjectValue(md, p, n, vh, depth);
      case kArray:
        return ArrayValue(md, p, n, vh, depth);
    }
    return Status::Internal("variant basic type {}", basic);  // unreachable: two bits
  }

  Status PrimitiveValue(const uint8_t* p, size_t n, int type) {
    const uint8_t* d = p + 1;
    const size_t avail = n - 1;
    auto need = [&](size_t k, const char* what) -> Status {
      return avail < k ? Truncated(p, what, 1 + k, n) : Status::OK();
    };
    switch (type) {
      case kNull:
        out_->append("null");
        return Status::OK();
      case kTrue:
        out_->append("true");
        return Status::OK();
      case kFalse:
        out_->append("false");
        return Status::OK();
      case kInt8:
        FLOE_RETURN_IF_ERROR(need(1, "int8"));
        AppendInteger(static_cast<int8_t>(d[0]), out_);
        return Status::OK();
      case kInt16:
        FLOE_RETURN_IF_ERROR(need(2, "int16"));
        AppendInteger(static_cast<int16_t>(LoadLE(d, 2)), out_);
        return Status::OK();
      case kInt32:
        FLOE_RETURN_IF_ERROR(need(4, "int32"));
        AppendInteger(static_cast<int32_t>(LoadLE(d, 4)), out_);
        return Status::OK();
      case kInt64:
        FLOE_RETURN_IF_ERROR(need(8, "int64"));
        AppendInteger(static_cast<int64_t>(LoadLE(d, 8)), out_);
        return Status::OK();
      case kDouble:
        FLOE_RETURN_IF_ERROR(need(8, "double"));
        AppendJsonNumber(LoadAs<double>(d), out_);
        return Status::OK();
      case kFloat:
        FLOE_RETURN_IF_ERROR(need(4, "float"));
        AppendJsonNumber(static_cast<double>(LoadAs<float>(d)), out_);
        return Status::OK();
      case kDecimal4:
      case kDecimal8:
      case kDecimal16: {
        const int width = type == kDecimal4 ? 4 : type == kDecimal8 ? 8 : 16;
        FLOE_RETURN_IF_ERROR(need(1 + width, "decimal"));
        const int scale = d[0];
        if (scale > kMaxDecimalScale) {
          return Status::Corruption("variant value byte {}: decimal scale {} is over {}", At(p),
                                    scale, kMaxDecimalScale);
        }
        __int128 unscaled;
        if (width == 4) {
          unscaled = static_cast<int32_t>(LoadLE(d + 1, 4));
        } else if (width == 8) {
          unscaled = static_cast<int64_t>(LoadLE(d + 1, 8));
        } else {
          const uint64_t lo = LoadLE(d + 1, 8);
          const uint64_t hi = LoadLE(d + 9, 8);
          unscaled = static_cast<__int128>((static_cast<unsigned __int128>(hi) << 64) | lo);
        }
        AppendQuotedDecimal(unscaled, scale, out_);
        return Status::OK();
      }
      case kDate:
        FLOE_RETURN_IF_ERROR(need(4, "date"));
        out_->push_back('"');
        AppendDuckDate(static_cast<int32_t>(LoadLE(d, 4)), out_);
        out_->push_back('"');
        return Status::OK();
      case kTimestampMicros:
      case kTimestampNtzMicros:
      case kTimestampNanos:
      case kTimestampNtzNanos: {
        FLOE_RETURN_IF_ERROR(need(8, "timestamp"));
        int64_t v = static_cast<int64_t>(LoadLE(d, 8));
        floe::TimeUnit unit = floe::TimeUnit::kMicro;
        if (type == kTimestampNanos) {
          v /= 1000;  // DuckDB keeps a UTC nanosecond timestamp as micros, truncating toward zero
        } else if (type == kTimestampNtzNanos) {
          unit = floe::TimeUnit::kNano;
        }
        out_->push_back('"');
        AppendDuckTimestamp(v, unit, type == kTimestampMicros || type == kTimestampNanos, out_);
        out_->push_back('"');
        return Status::OK();
      }
      case kTimeNtzMicros:
        FLOE_RETURN_IF_ERROR(need(8, "time"));
        out_->push_back('"');
        AppendDuckClock(static_cast<int64_t>(LoadLE(d, 8)), 1000000, out_);
        out_->push_back('"');
        return Status::OK();
      case kBinary:
      case kString: {
        const char* what = type == kBinary ? "binary" : "string";
        FLOE_RETURN_IF_ERROR(need(4, what));
        const uint64_t len = LoadLE(d, 4);
        if (avail - 4 < len) return Truncated(p, what, 5 + len, n);
        const std::string_view bytes(reinterpret_cast<const char*>(d + 4),
                                     static_cast<size_t>(len));
        if (type == kString) {
          AppendJsonString(bytes, out_);
        } else {
          out_->push_back('"');
          AppendBase64(bytes, out_);
          out_->push_back('"');
        }
        return Status::OK();
      }
      case kUuid:
        FLOE_RETURN_IF_ERROR(need(16, "uuid"));
        out_->push_back('"');
        AppendUuid(d, out_);
        out_->push_back('"');
        return Status::OK();
      default:
        return Status::NotSupported("variant value byte {}: unknown primitive type {}", At(p),
                                    type);
    }
  }

  // The layout shared by objects and arrays: element count, (ids,) offsets, then the fields.
  struct Container {
    uint64_t count = 0;
    const uint8_t* ids = nullptr;
    int id_size = 0;
    const uint8_t* offsets = nullptr;
    int offset_size = 0;
    const uint8_t* fields = nullptr;
    uint64_t fields_len = 0;  // up to the last offset

    uint64_t Offset(uint64_t i) const { return LoadLE(offsets + i * offset_size, offset_size); }
  };

  Status ParseContainer(const uint8_t* p, size_t n, bool large, int id_size, int offset_size,
                        const char* what, Container* c) {
    const int count_size = large ? 4 : 1;
    if (n - 1 < static_cast<size_t>(count_size)) return Truncated(p, what, 1 + count_size, n);
    c->count = LoadLE(p + 1, count_size);
    c->id_size = id_size;
    c->offset_size = offset_size;
    const uint64_t head = 1 + count_size + c->count * id_size + (c->count + 1) * offset_size;
    if (head > n) return Truncated(p, what, head, n);
    c->ids = p + 1 + count_size;
    c->offsets = c->ids + c->count * id_size;
    c->fields = p + head;
    c->fields_len = c->Offset(c->count);
    if (c->fields_len > n - head) {
      return Status::Corruption("variant value byte {}: {} fields end at {} past the {} bytes left",
                                At(p), what, c->fields_len, n - head);
    }
    return Status::OK();
  }

  // Field i's value: starts at its offset, bounded by the end of all fields.
  Status FieldValue(const Container& c, uint64_t i, const uint8_t* p, const char* what,
                    const uint8_t** v, size_t* len) const {
    const uint64_t off = c.Offset(i);
    if (off >= c.fields_len) {
      return Status::Corruption(
          "variant value byte {}: {} element {} starts at {}, past its {} bytes of fields", At(p),
          what, i, off, c.fields_len);
    }
    *v = c.fields + off;
    *len = static_cast<size_t>(c.fields_len - off);
    return Status::OK();
  }

  Status ArrayValue(const Metadata& md, const uint8_t* p, size_t n, int vh, int depth) {
    Container c;
    FLOE_RETURN_IF_ERROR(ParseContainer(p, n, (vh >> 2) & 1, 0, (vh & 3) + 1, "array", &c));
    out_->push_back('[');
    for (uint64_t i = 0; i < c.count; ++i) {
      if (i > 0) out_->push_back(',');
      const uint8_t* v = nullptr;
      size_t len = 0;
      FLOE_RETURN_IF_ERROR(FieldValue(c, i, p, "array", &v, &len));
      FLOE_RETURN_IF_ERROR(Value(md, v, len, depth + 1));
    }
    out_->push_back(']');
    return Status::OK();
  }

  // Appends the fields of the binary object at p to entries_.
  Status CollectObject(const Metadata& md, const uint8_t* p, size_t n, int vh) {
    Container c;
    FLOE_RETURN_IF_ERROR(
        ParseContainer(p, n, (vh >> 4) & 1, ((vh >> 2) & 3) + 1, (vh & 3) + 1, "object", &c));
    for (uint64_t i = 0; i < c.count; ++i) {
      Entry e{};
      const uint64_t id = LoadLE(c.ids + i * c.id_size, c.id_size);
      Status s = md.Key(id, &e.key);
      if (!s.ok()) {
        return s.WithContext(fmt::format("variant value byte {}: object field {}", At(p), i));
      }
      FLOE_RETURN_IF_ERROR(FieldValue(c, i, p, "object", &e.bytes, &e.len));
      e.origin = origin_;
      e.seq = static_cast<uint32_t>(entries_.size());
      entries_.push_back(e);
    }
    return Status::OK();
  }

  // Writes entries_[base, end) as an object, sorted by key, the first of equal keys kept;
  // then drops them.
  Status EmitObject(const Metadata& md, size_t base, int depth) {
    const auto less = [](const Entry& a, const Entry& b) {
      const int c = a.key.compare(b.key);
      return c != 0 ? c < 0 : a.seq < b.seq;
    };
    if (!std::is_sorted(entries_.begin() + base, entries_.end(), less)) {
      std::sort(entries_.begin() + base, entries_.end(), less);
    }
    const size_t end = entries_.size();
    out_->push_back('{');
    bool first = true;
    for (size_t i = base; i < end; ++i) {
      const Entry e = entries_[i];  // copy: children grow entries_
      if (i > base && e.key == entries_[i - 1].key) continue;
      if (!first) out_->push_back(',');
      first = false;
      AppendJsonString(e.key, out_);
      out_->push_back(':');
      if (e.group) {
        bool missing;
        FLOE_RETURN_IF_ERROR(Group(md, *e.group, e.row, depth + 1, &missing));
        if (missing) out_->append("null");  // not reached: missing fields are not collected
      } else {
        origin_ = e.origin;
        FLOE_RETURN_IF_ERROR(Value(md, e.bytes, e.len, depth + 1));
      }
    }
    out_->push_back('}');
    entries_.resize(base);
    return Status::OK();
  }

  Status ObjectValue(const Metadata& md, const uint8_t* p, size_t n, int vh, int depth) {
    const size_t base = entries_.size();
    FLOE_RETURN_IF_ERROR(CollectObject(md, p, n, vh));
    return EmitObject(md, base, depth);
  }

  Status ShreddedArray(const Metadata& md, const ShreddedGroup& g, int64_t row, int depth) {
    const Column& list = *g.typed;
    const int64_t begin = list.ListBegin(row);
    const int64_t end = list.ListEnd(row);
    const int64_t elements = list.children[0]->length;
    if (begin < 0 || begin > end || end > elements) {
      return Status::Corruption("variant '{}': list [{}, {}) outside its {} elements", g.path,
                                begin, end, elements);
    }
    out_->push_back('[');
    for (int64_t j = begin; j < end; ++j) {
      if (j > begin) out_->push_back(',');
      bool missing;
      FLOE_RETURN_IF_ERROR(Group(md, *g.element, j, depth + 1, &missing));
      if (missing) out_->append("null");  // invalid per spec: elements are never missing
    }
    out_->push_back(']');
    return Status::OK();
  }

  Status ShreddedObject(const Metadata& md, const ShreddedGroup& g, int64_t row, int depth) {
    const size_t base = entries_.size();
    for (const auto& [name, field] : g.fields) {
      if (field->IsMissing(row)) continue;
      Entry e{};
      e.key = name;
      e.group = field.get();
      e.row = row;
      e.seq = static_cast<uint32_t>(entries_.size());
      entries_.push_back(e);
    }
    if (g.value && g.value->IsValid(row)) {
      // A partially shredded object: the residual fields are in `value`.
      const std::string_view v = g.value->StringAt(row);
      origin_ = reinterpret_cast<const uint8_t*>(v.data());
      if (v.empty() || (static_cast<uint8_t>(v[0]) & 0x3) != kObject) {
        return Status::Corruption("variant '{}': typed_value is an object but value is not",
                                  ValuePath(g));
      }
      const Status s = CollectObject(md, origin_, v.size(), static_cast<uint8_t>(v[0]) >> 2);
      if (!s.ok()) return s.WithContext(ValuePath(g));
    }
    return EmitObject(md, base, depth);
  }

  // A non-null shredded primitive.
  Status TypedLeaf(const ShreddedGroup& g, int64_t row) {
    const Column& c = *g.typed;
    const DataType& t = *c.type;
    switch (t.id) {
      case TypeId::kBool:
        out_->append(c.Value<uint8_t>(row) ? "true" : "false");
        break;
      case TypeId::kInt8:
        AppendInteger(c.Value<int8_t>(row), out_);
        break;
      case TypeId::kInt16:
        AppendInteger(c.Value<int16_t>(row), out_);
        break;
      case TypeId::kInt32:
        AppendInteger(c.Value<int32_t>(row), out_);
        break;
      case TypeId::kInt64:
        AppendInteger(c.Value<int64_t>(row), out_);
        break;
      case TypeId::kUInt8:
        AppendDigits(c.Value<uint8_t>(row), 1, out_);
        break;
      case TypeId::kUInt16:
        AppendDigits(c.Value<uint16_t>(row), 1, out_);
        break;
      case TypeId::kUInt32:
        AppendDigits(c.Value<uint32_t>(row), 1, out_);
        break;
      case TypeId::kUInt64:
        AppendDigits(c.Value<uint64_t>(row), 1, out_);
        break;
      case TypeId::kFloat16: {
        // Half to double: exact.
        const uint16_t h = c.Value<uint16_t>(row);
        const int exp = (h >> 10) & 0x1F;
        const int mant = h & 0x3FF;
        double v;
        if (exp == 0) {
          v = std::ldexp(static_cast<double>(mant), -24);
        } else if (exp == 31) {
          v = mant ? std::numeric_limits<double>::quiet_NaN()
                   : std::numeric_limits<double>::infinity();
        } else {
          v = std::ldexp(static_cast<double>(mant | 0x400), exp - 25);
        }
        AppendJsonNumber((h & 0x8000) ? -v : v, out_);
        break;
      }
      case TypeId::kFloat32:
        AppendJsonNumber(static_cast<double>(c.Value<float>(row)), out_);
        break;
      case TypeId::kFloat64:
        AppendJsonNumber(c.Value<double>(row), out_);
        break;
      case TypeId::kDecimal: {
        // DuckDB keeps a shredded decimal as DECIMAL: a JSON number.
        __int128 v;
        std::memcpy(&v, c.values.data() + row * 16, 16);
        AppendDecimalText(v, t.scale, out_);
        break;
      }
      case TypeId::kDate:
        out_->push_back('"');
        AppendDuckDate(c.Value<int32_t>(row), out_);
        out_->push_back('"');
        break;
      case TypeId::kTime:
        out_->push_back('"');
        AppendDuckClock(c.Value<int64_t>(row), UnitsPerSecond(t.unit), out_);
        if (t.utc) out_->append("+00");
        out_->push_back('"');
        break;
      case TypeId::kTimestamp:
        out_->push_back('"');
        AppendDuckTimestamp(c.Value<int64_t>(row), t.unit, t.utc, out_);
        out_->push_back('"');
        break;
      case TypeId::kString:
      case TypeId::kEnum:
      case TypeId::kJson:
        AppendJsonString(c.StringAt(row), out_);
        break;
      case TypeId::kBinary:
        out_->push_back('"');
        AppendBase64(c.StringAt(row), out_);
        out_->push_back('"');
        break;
      case TypeId::kFixedBinary:
        out_->push_back('"');
        AppendBase64(c.FixedAt(row), out_);
        out_->push_back('"');
        break;
      case TypeId::kUuid:
        out_->push_back('"');
        AppendUuid(reinterpret_cast<const uint8_t*>(c.FixedAt(row).data()), out_);
        out_->push_back('"');
        break;
      default:
        return Status::NotSupported("variant '{}.typed_value': shredded type {}", g.path,
                                    t.ToString());
    }
    return Status::OK();
  }

  std::string* out_;
  size_t max_json_bytes_;
  size_t limit_ = 0;
  const uint8_t* origin_ = nullptr;  // start of the binary value being decoded, for messages
  std::vector<Entry> entries_;       // fields of the objects being written, a stack of ranges
};

}  // namespace

Status AppendVariantJson(std::string_view metadata, std::string_view value, std::string* out,
                         size_t max_json_bytes) {
  Metadata md;
  FLOE_RETURN_IF_ERROR(ParseMetadata(metadata, /*exact=*/true, &md));
  VariantJsonWriter writer(out, max_json_bytes);
  writer.Begin();
  FLOE_RETURN_IF_ERROR(writer.Binary(md, value, 0));
  return writer.Finish();
}

Result<size_t> VariantMetadataSize(std::string_view bytes) {
  Metadata md;
  FLOE_RETURN_IF_ERROR(ParseMetadata(bytes, /*exact=*/false, &md));
  return static_cast<size_t>(md.total_size);
}

Result<ColumnPtr> VariantColumnToJson(const Column& parts) {
  ShreddedGroup root;
  const Column* metadata = nullptr;
  FLOE_RETURN_IF_ERROR(BuildGroup(parts, "", /*top=*/true, &root, &metadata));
  if (!metadata) return Status::Corruption("variant group has no 'metadata' field");
  if (!root.value && !root.typed) {
    return Status::Corruption("variant group has neither 'value' nor 'typed_value'");
  }

  const int64_t n = parts.length;
  auto col = std::make_shared<Column>(types::Variant());
  col->length = n;
  col->offsets.Reserve(static_cast<size_t>(n + 1) * sizeof(int64_t));
  col->offsets.Push<int64_t>(0);
  std::vector<uint8_t> valid(static_cast<size_t>(n), 1);
  int64_t nulls = 0;
  std::string text;
  VariantJsonWriter writer(&text, kDefaultMaxVariantJsonBytes);
  for (int64_t i = 0; i < n; ++i) {
    const size_t start = text.size();
    bool missing = parts.IsNull(i);
    if (!missing) {
      if (metadata->IsNull(i)) return Status::Corruption("row {}: variant metadata is null", i);
      Metadata md;
      Status s = ParseMetadata(metadata->StringAt(i), /*exact=*/true, &md);
      writer.Begin();
      if (s.ok()) s = writer.Group(md, root, i, 0, &missing);
      if (s.ok()) s = writer.Finish();
      if (!s.ok()) return s.WithContext(fmt::format("row {}", i));
      // A missing value and the variant null both read as SQL NULL (as in DuckDB).
      if (!missing && std::string_view(text).substr(start) == "null") missing = true;
    }
    if (missing) {
      text.resize(start);
      valid[static_cast<size_t>(i)] = 0;
      ++nulls;
    }
    col->offsets.Push<int64_t>(static_cast<int64_t>(text.size()));
  }
  col->data.Append(text);
  col->null_count = nulls;
  if (nulls > 0) {
    col->validity.ResizeZeroed(static_cast<size_t>((n + 7) / 8));
    for (int64_t i = 0; i < n; ++i) {
      if (valid[static_cast<size_t>(i)]) SetBit(col->validity.data(), i);
    }
  }
  return col;
}

}  // namespace floe::parquet
