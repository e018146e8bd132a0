#include "floe/columnar/csv_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <type_traits>

#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "floe/columnar/json_writer.h"
#include "floe/columnar/schema_json.h"
#include "floe/columnar/value_text.h"
#include "floe/common/float16.h"

namespace floe {
namespace {

using Int128 = __int128;

// `s` in double quotes for an error message: at most 64 bytes, control and non-ASCII bytes
// as \xNN, quotes and backslashes escaped.
std::string QuoteExcerpt(std::string_view s) {
  constexpr size_t kMax = 64;
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += s.size() > kMax ? "\"..." : "\"";
  return out;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// ---------------------------------------------------------------------------------------------
// Finding the bytes that matter: delimiter, quote, CR and LF, 64 bytes at a time.

class SpecialByteScanner {
 public:
  void Init(char delimiter, char quote) {
    delimiter_ = delimiter;
    quote_ = quote != '\0' ? quote : delimiter;  // no quoting: the quote lane is unused
  }
  void Reset(const char* end) {
    end_ = end;
    block_ = nullptr;
    mask_ = 0;
  }
  // The first delimiter, quote, CR or LF at or after `p` (which must be <= end), or end.
  // Inlined into the record scan: most calls find the byte in the current 64-byte block.
  __attribute__((always_inline)) const char* Next(const char* p) {
    if (block_ != nullptr && p >= block_ && p < block_ + 64) {
      const uint64_t m = mask_ & (~uint64_t{0} << (p - block_));
      if (m != 0) return block_ + __builtin_ctzll(m);
      p = block_ + 64;
    }
    return NextBlock(p);
  }

 private:
  // Next, from the block starting at `p` on.
  __attribute__((noinline)) const char* NextBlock(const char* p) {
    for (;;) {
      if (p >= end_) return end_;
      block_ = p;
      mask_ = Mask(p);
      if (mask_ != 0) return block_ + __builtin_ctzll(mask_);
      p = block_ + 64;
    }
  }

  uint64_t Mask(const char* p) const {
    const size_t avail = static_cast<size_t>(end_ - p);
    if (avail >= 64) return Mask64(p);
    alignas(16) char tmp[64] = {};  // '\0' is never special (delimiter != '\0')
    std::memcpy(tmp, p, avail);
    return Mask64(tmp) & ((uint64_t{1} << avail) - 1);
  }
#if defined(__SSE2__)
  uint64_t Mask64(const char* p) const {
    const __m128i d = _mm_set1_epi8(delimiter_);
    const __m128i q = _mm_set1_epi8(quote_);
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i lf = _mm_set1_epi8('\n');
    uint64_t m = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, q)),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
      m |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(hit))) << (16 * k);
    }
    return m;
  }
#else
  uint64_t Mask64(const char* p) const {
    uint64_t m = 0;
    for (int i = 0; i < 64; ++i) {
      const char c = p[i];
      if (c == delimiter_ || c == quote_ || c == '\r' || c == '\n') m |= uint64_t{1} << i;
    }
    return m;
  }
#endif

  char delimiter_ = ',';
  char quote_ = '"';
  const char* end_ = nullptr;
  const char* block_ = nullptr;
  uint64_t mask_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Column plans: how each schema field's text is converted.

enum class Kind : uint8_t {
  kBool,
  kInt,
  kUInt,
  kFloat16,
  kFloat32,
  kFloat64,
  kDecimal,
  kDate,
  kTime,
  kTimestamp,
  kString,
  kJson,
  kBinary,
  kFixed,
  kUuid,
};

struct ColumnPlan {
  std::string name;
  std::string type_name;
  const DataType* type = nullptr;
  Kind kind = Kind::kString;
  bool nullable = true;
  int64_t int_min = 0;  // kInt
  int64_t int_max = 0;
  uint64_t uint_max = 0;  // kUInt
  ColumnBuilder* builder = nullptr;
};

Result<ColumnPlan> PlanColumn(const Field& field) {
  ColumnPlan p;
  p.name = field.name;
  p.type = field.type.get();
  p.type_name = TypeToString(*field.type);
  p.nullable = field.nullable;
  const DataType& t = *field.type;
  switch (t.id) {
    case TypeId::kBool:
      p.kind = Kind::kBool;
      break;
    case TypeId::kInt8:
      p.kind = Kind::kInt;
      p.int_min = INT8_MIN;
      p.int_max = INT8_MAX;
      break;
    case TypeId::kInt16:
      p.kind = Kind::kInt;
      p.int_min = INT16_MIN;
      p.int_max = INT16_MAX;
      break;
    case TypeId::kInt32:
      p.kind = Kind::kInt;
      p.int_min = INT32_MIN;
      p.int_max = INT32_MAX;
      break;
    case TypeId::kInt64:
      p.kind = Kind::kInt;
      p.int_min = INT64_MIN;
      p.int_max = INT64_MAX;
      break;
    case TypeId::kUInt8:
      p.kind = Kind::kUInt;
      p.uint_max = UINT8_MAX;
      break;
    case TypeId::kUInt16:
      p.kind = Kind::kUInt;
      p.uint_max = UINT16_MAX;
      break;
    case TypeId::kUInt32:
      p.kind = Kind::kUInt;
      p.uint_max = UINT32_MAX;
      break;
    case TypeId::kUInt64:
      p.kind = Kind::kUInt;
      p.uint_max = UINT64_MAX;
      break;
    case TypeId::kFloat16:
      p.kind = Kind::kFloat16;
      break;
    case TypeId::kFloat32:
      p.kind = Kind::kFloat32;
      break;
    case TypeId::kFloat64:
      p.kind = Kind::kFloat64;
      break;
    case TypeId::kDecimal:
      if (t.precision < 1 || t.precision > 38 || t.scale < 0 || t.scale > t.precision) {
        return Status::InvalidArgument("field \"{}\": invalid {}", field.name, p.type_name);
      }
      p.kind = Kind::kDecimal;
      break;
    case TypeId::kDate:
      p.kind = Kind::kDate;
      break;
    case TypeId::kTime:
      p.kind = Kind::kTime;
      break;
    case TypeId::kTimestamp:
      p.kind = Kind::kTimestamp;
      break;
    case TypeId::kString:
    case TypeId::kEnum:
      p.kind = Kind::kString;
      break;
    case TypeId::kJson:
    case TypeId::kVariant:
      p.kind = Kind::kJson;
      break;
    case TypeId::kBinary:
      p.kind = Kind::kBinary;
      break;
    case TypeId::kFixedBinary:
      if (t.byte_width < 1) {
        return Status::InvalidArgument("field \"{}\": invalid {}", field.name, p.type_name);
      }
      p.kind = Kind::kFixed;
      break;
    case TypeId::kUuid:
      p.kind = Kind::kUuid;
      break;
    case TypeId::kInterval:
    case TypeId::kList:
    case TypeId::kStruct:
    case TypeId::kMap:
      return Status::NotSupported("field \"{}\": a CSV column cannot hold {}", field.name,
                                  t.ToString());
  }
  return p;
}

// Calls fn(std::integral_constant<Kind, K>()) with K = k: code specialized per kind, chosen
// once per column of a block rather than once per field.
template <typename Fn>
decltype(auto) WithKind(Kind k, Fn&& fn) {
  switch (k) {
    case Kind::kBool:
      return fn(std::integral_constant<Kind, Kind::kBool>());
    case Kind::kInt:
      return fn(std::integral_constant<Kind, Kind::kInt>());
    case Kind::kUInt:
      return fn(std::integral_constant<Kind, Kind::kUInt>());
    case Kind::kFloat16:
      return fn(std::integral_constant<Kind, Kind::kFloat16>());
    case Kind::kFloat32:
      return fn(std::integral_constant<Kind, Kind::kFloat32>());
    case Kind::kFloat64:
      return fn(std::integral_constant<Kind, Kind::kFloat64>());
    case Kind::kDecimal:
      return fn(std::integral_constant<Kind, Kind::kDecimal>());
    case Kind::kDate:
      return fn(std::integral_constant<Kind, Kind::kDate>());
    case Kind::kTime:
      return fn(std::integral_constant<Kind, Kind::kTime>());
    case Kind::kTimestamp:
      return fn(std::integral_constant<Kind, Kind::kTimestamp>());
    case Kind::kString:
      return fn(std::integral_constant<Kind, Kind::kString>());
    case Kind::kJson:
      return fn(std::integral_constant<Kind, Kind::kJson>());
    case Kind::kBinary:
      return fn(std::integral_constant<Kind, Kind::kBinary>());
    case Kind::kFixed:
      return fn(std::integral_constant<Kind, Kind::kFixed>());
    case Kind::kUuid:
      return fn(std::integral_constant<Kind, Kind::kUuid>());
  }
  return fn(std::integral_constant<Kind, Kind::kString>());  // not reached
}

// One field of the record being parsed: its text in the input (without the quotes).
struct FieldSpan {
  const char* begin;
  const char* end;
  bool quoted;
  bool escaped;  // holds doubled quotes
};

// The fields of the record being scanned: a vector whose append stays inline (growing is
// rare: the storage is kept from record to record).
class FieldList {
 public:
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const FieldSpan* begin() const { return store_.data(); }
  const FieldSpan* end() const { return store_.data() + size_; }
  const FieldSpan& front() const { return store_[0]; }
  const FieldSpan& back() const { return store_[size_ - 1]; }
  const FieldSpan& operator[](size_t i) const { return store_[i]; }
  // Written member by member in place: a span built on the stack and copied made the CPU
  // reload it from stores it could not forward (a stall per field).
  void Push(const char* begin, const char* end, bool quoted, bool escaped) {
    if (size_ == store_.size()) store_.resize(std::max<size_t>(16, 2 * size_));
    FieldSpan& f = store_[size_++];
    f.begin = begin;
    f.end = end;
    f.quoted = quoted;
    f.escaped = escaped;
  }

 private:
  std::vector<FieldSpan> store_;
  size_t size_ = 0;
};

// A converted value waiting for the rest of its record to convert.
struct Slot {
  bool null = false;
  bool in_scratch = false;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  Int128 dec = 0;
  const char* ptr = nullptr;  // bytes in the input (when !in_scratch)
  size_t offset = 0;          // bytes in scratch (when in_scratch)
  size_t len = 0;
};

enum class SyntaxError : uint8_t { kNone, kUnterminated, kQuoteInUnquoted, kAfterQuote, kTooLong };

struct RecordScan {
  const char* begin = nullptr;
  const char* text_end = nullptr;  // end of the record's text (before its line ending)
  const char* next = nullptr;      // start of the next record
  int64_t newlines = 0;            // line endings inside quoted fields
  SyntaxError error = SyntaxError::kNone;
  int64_t error_column = 0;
};

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Most fields a header (or a record split without a schema) may have.
constexpr size_t kMaxColumns = 65536;

}  // namespace

// ---------------------------------------------------------------------------------------------

struct CsvBatchReader::Impl {
  Impl(SchemaPtr s, CsvReadOptions o) : schema(std::move(s)), options(std::move(o)) {
    quoting = options.quote != '\0';
    scanner.Init(options.delimiter, options.quote);
    skip_left = options.skip_rows;
    line = options.first_line;
    source = options.source_name.empty() ? std::string("<input>") : options.source_name;
    for (const std::string& v : options.null_values) {
      if (v.size() < 64) null_length_mask |= uint64_t{1} << v.size();
    }
  }

  Status Init() {
    if (schema) {
      if (schema->fields.empty()) return Status::InvalidArgument("CSV: the schema has no fields");
      builder = std::make_unique<BatchBuilder>(schema);
      for (size_t i = 0; i < schema->fields.size(); ++i) {
        FLOE_ASSIGN_OR_RETURN(ColumnPlan p, PlanColumn(schema->fields[i]));
        p.builder = &builder->column(i);
        plans.push_back(std::move(p));
      }
      slots.resize(plans.size());
      if (!options.header) {
        expected_fields = static_cast<int64_t>(plans.size());
        for (size_t i = 0; i < plans.size(); ++i) targets.push_back(static_cast<int>(i));
        header_done = true;
      }
    }
    const char d = options.delimiter;
    const char q = options.quote;
    if (d == '\0' || d == '\n' || d == '\r') {
      return Status::InvalidArgument("CSV: invalid delimiter (byte {})", static_cast<int>(d));
    }
    if (q == '\n' || q == '\r' || q == d) {
      return Status::InvalidArgument("CSV: invalid quote character (byte {}, delimiter byte {})",
                                     static_cast<int>(q), static_cast<int>(d));
    }
    if (options.trim_whitespace && IsBlank(d)) {
      return Status::InvalidArgument("CSV: trim_whitespace with a space or tab delimiter");
    }
    if (options.trim_whitespace && IsBlank(q)) {
      return Status::InvalidArgument("CSV: trim_whitespace with a space or tab quote");
    }
    if (options.batch_rows < 1 || options.batch_bytes < 1 || options.max_field_bytes < 1 ||
        options.max_row_bytes < 1 || options.skip_rows < 0) {
      return Status::InvalidArgument(
          "CSV: batch_rows, batch_bytes, max_field_bytes and max_row_bytes must be positive and "
          "skip_rows not negative");
    }
    if (json_parser.allocate(4096, 256) != simdjson::SUCCESS) {
      return Status::ResourceExhausted("CSV: cannot allocate the JSON validator");
    }
    return Status::OK();
  }

  // -------------------------------------------------------------------------------------------
  // Scanning.

  // Scans the record starting at `p` (p < end). Returns false when the record is not complete
  // in [p, end) and more input may follow (`final` false).
  bool ScanRecord(const char* p, const char* end, bool final, RecordScan* r) {
    fields.clear();
    field_count = 0;
    field_cap = header_done && split_out == nullptr ? static_cast<size_t>(expected_fields) + 1
                                                    : kMaxColumns + 1;
    r->begin = p;
    r->newlines = 0;
    r->error = SyntaxError::kNone;
    r->error_column = 0;
    const char delim = options.delimiter;
    const char quote = options.quote;
    const bool trim = options.trim_whitespace;
    const auto max_field = static_cast<size_t>(options.max_field_bytes);
    for (;;) {
      const char* field_start = p;
      if (trim) {
        while (p < end && IsBlank(*p)) ++p;
      }
      const char* s;  // the byte that ends the field: delimiter, CR, LF, or end
      if (quoting && p < end && *p == quote) {
        const char* q = p + 1;
        bool escaped = false;
        for (;;) {
          const char* x = scanner.Next(q);
          if (x == end) {
            if (!final) return false;
            SetError(r, SyntaxError::kUnterminated, field_count + 1);
            PushField(p + 1, end, true, escaped);
            r->text_end = r->next = end;
            return true;
          }
          const char c = *x;
          if (c == quote) {
            if (x + 1 == end && !final) return false;
            if (x + 1 < end && x[1] == quote) {
              escaped = true;
              q = x + 2;
              continue;
            }
            PushField(p + 1, x, true, escaped);
            p = x + 1;
            break;
          }
          if (c == '\n' || (c == '\r' && (x + 1 == end || x[1] != '\n'))) ++r->newlines;
          q = x + 1;
        }
        if (trim) {
          while (p < end && IsBlank(*p)) ++p;
        }
        s = p;
        if (s < end && *s != delim && *s != '\n' && *s != '\r') {
          SetError(r, SyntaxError::kAfterQuote, field_count);
          s = SkipUnquoted(s + 1, end, /*ignore_quotes=*/true);
        }
      } else {
        s = SkipUnquoted(p, end);
        if (s < end && quoting && *s == quote) {
          SetError(r, SyntaxError::kQuoteInUnquoted, field_count + 1);
          s = SkipUnquoted(s + 1, end, /*ignore_quotes=*/true);
        }
        if (s == end && !final) return false;
        const char* fe = s;
        if (trim) {
          while (fe > p && IsBlank(fe[-1])) --fe;
        }
        PushField(p, fe, false, false);
      }
      if (static_cast<size_t>(s - field_start) > max_field) {
        SetError(r, SyntaxError::kTooLong, field_count);
      }
      if (s == end) {
        if (!final) return false;
        r->text_end = r->next = end;
        return true;
      }
      if (*s == delim) {
        p = s + 1;
        continue;
      }
      // Line end.
      r->text_end = s;
      if (*s == '\n') {
        r->next = s + 1;
      } else if (s + 1 == end) {
        if (!final) return false;  // CR at the end: maybe CRLF
        r->next = end;
      } else {
        r->next = s[1] == '\n' ? s + 2 : s + 1;
      }
      return true;
    }
  }

  // The first delimiter, CR or LF at or after `p` (quotes are skipped when ignore_quotes, and
  // otherwise also stop the scan), or end.
  const char* SkipUnquoted(const char* p, const char* end, bool ignore_quotes = false) {
    for (;;) {
      const char* x = scanner.Next(p);
      if (x == end) return end;
      if (ignore_quotes && quoting && *x == options.quote) {
        p = x + 1;
        continue;
      }
      return x;
    }
  }

  // Keeps the first field_cap fields (enough to convert or to report a long row); counts all.
  __attribute__((always_inline)) void PushField(const char* begin, const char* end, bool quoted,
                                                bool escaped) {
    if (fields.size() < field_cap) fields.Push(begin, end, quoted, escaped);
    ++field_count;
  }

  Status CheckColumnCount() const {
    if (field_count <= static_cast<int64_t>(kMaxColumns)) return Status::OK();
    return Status::InvalidArgument("{}:{}: record of more than {} fields", source, line,
                                   kMaxColumns);
  }

  static void SetError(RecordScan* r, SyntaxError e, int64_t column) {
    if (r->error != SyntaxError::kNone) return;
    r->error = e;
    r->error_column = column;
  }

  // -------------------------------------------------------------------------------------------
  // Processing a buffer.

  // Parses the records of `text`. Sets `*consumed` to the bytes fully handled (the rest is an
  // unfinished record, kept by the caller). `final`: no more input follows.
  Status Process(std::string_view text, bool final, size_t* consumed) {
    const char* const begin = text.data();
    const char* const end = begin + text.size();
    const char* p = begin;
    *consumed = 0;
    scanner.Reset(end);
    if (!bom_checked) {
      const size_t n = std::min(text.size(), kBom.size());
      if (text.substr(0, n) == kBom.substr(0, n)) {
        if (n < kBom.size() && !final) return Status::OK();  // maybe a BOM: wait
        if (n == kBom.size()) p += n;
      }
      bom_checked = true;
    }
    while (skip_left > 0 && p < end) {
      const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
      if (nl == nullptr) {
        p = end;  // the skipped line goes on; nothing of it needs keeping
        break;
      }
      p = static_cast<const char*>(nl) + 1;
      --skip_left;
      ++line;
    }
    if (final) skip_left = 0;
    while (p < end && !stop) {
      if (options.skip_blank_lines && (*p == '\n' || *p == '\r')) {
        if (*p == '\n') {
          ++p;
        } else if (p + 1 < end) {
          p += p[1] == '\n' ? 2 : 1;
        } else if (final) {
          ++p;
        } else {
          break;
        }
        ++line;
        continue;
      }
      RecordScan r;
      const bool complete = ScanRecord(p, end, final, &r);
      const auto size = static_cast<uint64_t>((complete ? r.next : end) - p);
      if (size > static_cast<uint64_t>(options.max_row_bytes)) {
        return Status::ResourceExhausted("{}:{}: record of more than {} bytes (max_row_bytes)",
                                         source, line, options.max_row_bytes);
      }
      if (!complete) break;
      if (header_done && split_out == nullptr && r.error == SyntaxError::kNone &&
          field_count == expected_fields) {
        QueueRecord(r);
        if (block_rows == block_capacity) FLOE_RETURN_IF_ERROR(ConvertBlock());
      } else {
        FLOE_RETURN_IF_ERROR(ConvertBlock());
        FLOE_RETURN_IF_ERROR(HandleRecord(r));
      }
      line += r.newlines + (r.text_end != r.next ? 1 : 0);
      p = r.next;
    }
    // The queued records point into `text`: convert them before it goes.
    FLOE_RETURN_IF_ERROR(ConvertBlock());
    *consumed = static_cast<size_t>(p - begin);
    return Status::OK();
  }

  // -------------------------------------------------------------------------------------------
  // Converting well-formed records a block at a time, column by column: each column's
  // conversion and append run over the whole block, so the per-type dispatch is the same
  // branch many times over instead of a different one for every field. A block ends where
  // a record-at-a-time reader would check the batch size (every 64 rows, or at
  // batch_rows), so batches are cut at the same rows.

  static constexpr size_t kBlockRows = 64;

  // Queues a record with no syntax error and the expected number of fields.
  void QueueRecord(const RecordScan& r) {
    if (block_rows == 0) {
      const int64_t to_check = 64 - static_cast<int64_t>(rows_since_size_check & 63);
      const int64_t to_cut = options.batch_rows - builder->num_rows();
      block_capacity = static_cast<size_t>(std::max<int64_t>(1, std::min(to_check, to_cut)));
      const size_t n = static_cast<size_t>(expected_fields);
      if (block_fields.size() < kBlockRows * n) block_fields.resize(kBlockRows * n);
      if (block_slots.size() < kBlockRows * plans.size()) {
        block_slots.resize(kBlockRows * plans.size());
      }
      block_records.resize(kBlockRows);
      block_bad.resize(kBlockRows);
    }
    std::copy(fields.begin(), fields.end(),
              block_fields.begin() + static_cast<ptrdiff_t>(block_rows * fields.size()));
    block_records[block_rows] = {r.begin, r.text_end, line};
    ++block_rows;
  }

  Status ConvertBlock() {
    const size_t m = block_rows;
    if (m == 0) return Status::OK();
    block_rows = 0;
    const size_t n = static_cast<size_t>(expected_fields);
    // Unescaped, minified and decoded values go to scratch; room for all of them up front,
    // so that a value read from scratch is not moved by the next one's growth.
    size_t span = 0;
    for (size_t r = 0; r < m; ++r) {
      span += static_cast<size_t>(block_records[r].text_end - block_records[r].begin);
    }
    scratch.clear();
    if (scratch.capacity() < 2 * span + 64) scratch.reserve(2 * span + 64);
    // block_bad[r]: the first field (in record order) that did not convert, or -1. A
    // record's later fields are not converted once one failed, as record at a time.
    std::fill(block_bad.begin(), block_bad.begin() + static_cast<ptrdiff_t>(m), -1);
    bool any_bad = false;
    for (size_t i = 0; i < n; ++i) {
      const int t = targets[i];
      if (t < 0) continue;
      const ColumnPlan& c = plans[static_cast<size_t>(t)];
      Slot* slots_t = &block_slots[static_cast<size_t>(t) * kBlockRows];
      WithKind(c.kind, [&](auto k) {
        for (size_t r = 0; r < m; ++r) {
          if (block_bad[r] >= 0) continue;
          if (!ConvertAs<decltype(k)::value>(c, block_fields[r * n + i], &slots_t[r])) {
            block_bad[r] = static_cast<int64_t>(i);
            any_bad = true;
          }
        }
      });
    }
    // Without bad-row mode the first bad record ends the read: the records before it count.
    size_t end = m;
    if (any_bad && !options.on_bad_row) {
      end = 0;
      while (block_bad[end] < 0) ++end;
    }
    int64_t good = 0;
    for (size_t r = 0; r < end; ++r) good += block_bad[r] < 0 ? 1 : 0;
    for (size_t i = 0; i < n; ++i) {
      const int t = targets[i];
      if (t < 0) continue;
      const ColumnPlan& c = plans[static_cast<size_t>(t)];
      const Slot* slots_t = &block_slots[static_cast<size_t>(t) * kBlockRows];
      WithKind(c.kind, [&](auto k) {
        if (!any_bad && AppendRun<decltype(k)::value>(c.builder, slots_t, end)) return;
        for (size_t r = 0; r < end; ++r) {
          if (block_bad[r] < 0) AppendAs<decltype(k)::value>(c.builder, slots_t[r]);
        }
      });
    }
    for (const int j : missing) {
      for (int64_t k = 0; k < good; ++k) plans[static_cast<size_t>(j)].builder->AppendNull();
    }
    rows_total += good;
    rows_since_size_check += static_cast<uint64_t>(good);
    if (good > 0 &&
        (builder->num_rows() >= options.batch_rows ||
         ((rows_since_size_check & 63) == 0 && builder->ByteSize() >= options.batch_bytes))) {
      ready.push_back(builder->Finish());
      ReserveLike(ready.back());
    }
    if (!any_bad) return Status::OK();
    // The bad records, in order, with the error a record-at-a-time read gives.
    const int64_t current_line = line;
    Status result;
    for (size_t r = 0; r < m && result.ok(); ++r) {
      if (block_bad[r] < 0) continue;
      line = block_records[r].line;
      Status s = RecordError(&block_fields[r * n]);
      if (!options.on_bad_row) {
        result = s;
        break;
      }
      ++bad_row_count;
      CsvBadRow bad;
      bad.source = source;
      bad.line = line;
      bad.column = bad_column;
      bad.record =
          std::string_view(block_records[r].begin,
                           static_cast<size_t>(block_records[r].text_end - block_records[r].begin));
      bad.reason = &s;
      result = options.on_bad_row(bad);
    }
    line = current_line;
    return result;
  }

  // The error of a record whose fields (`record`, expected_fields of them) do not all
  // convert: the first field that does not, as ConvertRecord reports it.
  Status RecordError(const FieldSpan* record) {
    Slot slot;
    const size_t span = static_cast<size_t>(record[expected_fields - 1].end - record[0].begin);
    scratch.reserve(scratch.size() + 2 * span + 64);
    for (int64_t i = 0; i < expected_fields; ++i) {
      const int t = targets[i];
      if (t < 0) continue;
      if (!Convert(plans[t], record[i], &slot)) return FieldError(plans[t], record[i], i);
    }
    return Status::Internal("{}:{}: CSV record converts on a second try", source, line);
  }

  // The error for field `i` of the current record, which just failed to convert into `c`.
  Status FieldError(const ColumnPlan& c, const FieldSpan& f, int64_t i) {
    bad_column = i + 1;
    const std::string_view raw(f.begin, static_cast<size_t>(f.end - f.begin));
    if (why_null) {
      return Status::InvalidArgument("{}:{}:{}: field \"{}\": null in non-nullable column", source,
                                     line, bad_column, c.name);
    }
    return Status::InvalidArgument("{}:{}:{}: field \"{}\": expected {}, got {}{}{}", source, line,
                                   bad_column, c.name, c.type_name, QuoteExcerpt(raw),
                                   why.empty() ? "" : ": ", why);
  }

  Status SyntaxStatus(const RecordScan& r) const {
    switch (r.error) {
      case SyntaxError::kNone:
        break;
      case SyntaxError::kUnterminated:
        return Status::InvalidArgument(
            "{}:{}:{}: unterminated quoted field (opened here, still open at end of input)", source,
            line, r.error_column);
      case SyntaxError::kQuoteInUnquoted:
        return Status::InvalidArgument(
            "{}:{}:{}: quote character inside an unquoted field (quote the whole field and "
            "double the quote)",
            source, line, r.error_column);
      case SyntaxError::kAfterQuote:
        return Status::InvalidArgument(
            "{}:{}:{}: unexpected character after the closing quote of a field", source, line,
            r.error_column);
      case SyntaxError::kTooLong:
        return Status::ResourceExhausted("{}:{}:{}: field longer than {} bytes (max_field_bytes)",
                                         source, line, r.error_column, options.max_field_bytes);
    }
    return Status::OK();
  }

  // The text of field `f`, unescaped into scratch when it holds doubled quotes.
  std::string_view FieldText(const FieldSpan& f) {
    if (!f.escaped) return {f.begin, static_cast<size_t>(f.end - f.begin)};
    const size_t start = scratch.size();
    const char quote = options.quote;
    for (const char* c = f.begin; c < f.end; ++c) {
      scratch.push_back(*c);
      if (*c == quote) ++c;  // the second of a doubled quote
    }
    return {scratch.data() + start, scratch.size() - start};
  }

  bool IsNullText(std::string_view s) const {
    if (s.size() >= 64 || ((null_length_mask >> s.size()) & 1) == 0) return false;
    for (const std::string& v : options.null_values) {
      if (v == s) return true;
    }
    return false;
  }

  Status HandleRecord(const RecordScan& r) {
    if (!header_done) {
      if (r.error != SyntaxError::kNone) return SyntaxStatus(r).WithContext("header");
      return ReadHeader();
    }
    if (split_out != nullptr) return SplitRecord(r);
    Status s = ConvertRecord(r);
    if (s.ok()) return s;
    if (!options.on_bad_row) return s;
    ++bad_row_count;
    CsvBadRow bad;
    bad.source = source;
    bad.line = line;
    bad.column = bad_column;
    bad.record = std::string_view(r.begin, static_cast<size_t>(r.text_end - r.begin));
    bad.reason = &s;
    return options.on_bad_row(bad);
  }

  Status ReadHeader() {
    FLOE_RETURN_IF_ERROR(CheckColumnCount());
    scratch.clear();
    scratch.reserve(2 * TotalSpan() + 64);
    for (const FieldSpan& f : fields) header.emplace_back(FieldText(f));
    header_done = true;
    if (split_out != nullptr) {
      std::vector<CsvField> row;
      for (size_t i = 0; i < fields.size(); ++i) {
        row.push_back(CsvField{header[i], fields[i].quoted, false});
      }
      split_out->push_back(std::move(row));
      if (static_cast<int64_t>(split_out->size()) >= split_max) stop = true;
      return Status::OK();
    }
    expected_fields = static_cast<int64_t>(header.size());
    targets.assign(header.size(), -1);
    std::vector<bool> seen(plans.size(), false);
    for (size_t i = 0; i < header.size(); ++i) {
      const int j = schema->IndexOf(header[i]);
      if (j < 0) {
        if (options.extra_columns == CsvReadOptions::ExtraColumns::kError) {
          return Status::InvalidArgument("{}:{}:{}: header column {} is not in the schema", source,
                                         line, i + 1, QuoteExcerpt(header[i]));
        }
        continue;
      }
      if (seen[j]) {
        return Status::InvalidArgument("{}:{}:{}: header column {} appears more than once", source,
                                       line, i + 1, QuoteExcerpt(header[i]));
      }
      seen[j] = true;
      targets[i] = j;
    }
    for (size_t j = 0; j < plans.size(); ++j) {
      if (seen[j]) continue;
      if (options.missing_columns == CsvReadOptions::MissingColumns::kNull && plans[j].nullable) {
        missing.push_back(static_cast<int>(j));
        continue;
      }
      return Status::InvalidArgument("{}:{}: the header has no column for schema field \"{}\"{}",
                                     source, line, plans[j].name,
                                     plans[j].nullable ? "" : " (not nullable)");
    }
    return Status::OK();
  }

  size_t TotalSpan() const {
    return fields.empty() ? 0 : static_cast<size_t>(fields.back().end - fields.front().begin);
  }

  Status SplitRecord(const RecordScan& r) {
    if (r.error != SyntaxError::kNone) return SyntaxStatus(r);
    FLOE_RETURN_IF_ERROR(CheckColumnCount());
    scratch.clear();
    scratch.reserve(2 * TotalSpan() + 64);
    std::vector<CsvField> row;
    row.reserve(fields.size());
    for (const FieldSpan& f : fields) {
      const std::string_view text = FieldText(f);
      row.push_back(CsvField{std::string(text), f.quoted, !f.quoted && IsNullText(text)});
    }
    split_out->push_back(std::move(row));
    if (static_cast<int64_t>(split_out->size()) >= split_max) stop = true;
    return Status::OK();
  }

  Status ConvertRecord(const RecordScan& r) {
    bad_column = r.error_column;
    if (r.error != SyntaxError::kNone) return SyntaxStatus(r);
    const int64_t n = field_count;
    if (n != expected_fields) {
      bad_column = std::min(n, expected_fields) + 1;
      return Status::InvalidArgument("{}:{}:{}: {} row: {} field{}, expected {}", source, line,
                                     bad_column, n < expected_fields ? "short" : "long", n,
                                     n == 1 ? "" : "s", expected_fields);
    }
    scratch.clear();
    const size_t need = 2 * TotalSpan() + 64;
    if (scratch.capacity() < need) scratch.reserve(need);
    for (int64_t i = 0; i < n; ++i) {
      const int t = targets[i];
      if (t < 0) continue;
      if (!Convert(plans[t], fields[i], &slots[t])) return FieldError(plans[t], fields[i], i);
    }
    for (int64_t i = 0; i < n; ++i) {
      const int t = targets[i];
      if (t >= 0) Append(plans[t], slots[t]);
    }
    for (const int j : missing) plans[j].builder->AppendNull();
    ++rows_total;
    if (builder->num_rows() >= options.batch_rows ||
        ((++rows_since_size_check & 63) == 0 && builder->ByteSize() >= options.batch_bytes)) {
      ready.push_back(builder->Finish());
      ReserveLike(ready.back());
    }
    return Status::OK();
  }

  // Sizes the builders for a next batch like `last` (a full batch_rows, value bytes in
  // proportion), so that they do not regrow and copy while it fills.
  void ReserveLike(const RecordBatch& last) {
    constexpr int64_t kMaxReservedRows = int64_t{1} << 20;
    if (last.num_rows <= 0 || options.batch_rows > kMaxReservedRows) return;
    const int64_t rows = options.batch_rows;
    const double scale = static_cast<double>(rows) / static_cast<double>(last.num_rows);
    for (size_t i = 0; i < plans.size(); ++i) {
      const Column& c = *last.columns[i];
      int64_t bytes = 0;
      if (c.type->IsVarBinary()) {
        bytes = std::min(options.batch_bytes,
                         static_cast<int64_t>(static_cast<double>(c.data.size()) * scale * 1.0625));
      }
      plans[i].builder->Reserve(rows, bytes);
    }
  }

  bool Fail(std::string message) {
    why = std::move(message);
    return false;
  }

  // True for kOk; otherwise false, with `why` set for the outcomes that need a reason (a
  // malformed value is described by its type and text alone).
  bool TextResult(TextParse r) {
    switch (r) {
      case TextParse::kOk:
        return true;
      case TextParse::kOutOfRange:
        return Fail("out of range");
      case TextParse::kTooPrecise:
        return Fail("more fraction digits than the unit keeps");
      case TextParse::kTimeWithOffset:
        return Fail("a time of day with a non-zero UTC offset is not supported");
      case TextParse::kMalformed:
        break;
    }
    return false;
  }

  // Converts one field into `slot`. On failure sets `why` (or why_null) and returns false.
  bool Convert(const ColumnPlan& c, const FieldSpan& f, Slot* slot) {
    return WithKind(c.kind, [&](auto k) { return ConvertAs<decltype(k)::value>(c, f, slot); });
  }

  // Converts one field of a column of kind K into `slot`. On failure sets `why` (or
  // why_null) and returns false.
  template <Kind K>
  bool ConvertAs(const ColumnPlan& c, const FieldSpan& f, Slot* slot) {
    why.clear();
    why_null = false;
    std::string_view s(f.begin, static_cast<size_t>(f.end - f.begin));
    slot->null = false;
    if (!f.quoted) {
      if (IsNullText(s)) {
        slot->null = true;
        if (!c.nullable) {
          why_null = true;
          return false;
        }
        return true;
      }
    } else if (f.escaped) {
      s = FieldText(f);
    }
    if constexpr (K == Kind::kInt) {
      bool negative, overflow;
      uint64_t mag;
      if (!ParseIntegerText(s, &negative, &mag, &overflow)) return false;
      const uint64_t limit =
          negative ? static_cast<uint64_t>(-(c.int_min + 1)) + 1 : static_cast<uint64_t>(c.int_max);
      if (overflow || mag > limit) return Fail("out of range");
      slot->i = negative ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
      return true;
    } else if constexpr (K == Kind::kString) {
      return SetBytes(f, s, slot);
    } else if constexpr (K == Kind::kTimestamp) {
      return TextResult(ParseTimestampText(s, c.type->unit, &slot->i));
    } else if constexpr (K == Kind::kFloat64) {
      return TextResult(ParseFloatText(s, &slot->d));
    } else if constexpr (K == Kind::kFloat32) {
      float v;
      if (!TextResult(ParseFloatText(s, &v))) return false;
      slot->d = v;
      return true;
    } else if constexpr (K == Kind::kFloat16) {
      double d;
      if (!TextResult(ParseFloatText(s, &d))) return false;
      const uint16_t h = DoubleToHalf(d);
      if (std::isfinite(d) && (h & 0x7fff) == 0x7c00) return Fail("out of range");
      slot->i = h;
      return true;
    } else if constexpr (K == Kind::kUInt) {
      bool negative, overflow;
      uint64_t mag;
      if (!ParseIntegerText(s, &negative, &mag, &overflow)) return false;
      if (overflow || mag > c.uint_max || (negative && mag != 0)) return Fail("out of range");
      slot->u = mag;
      return true;
    } else if constexpr (K == Kind::kBool) {
      bool b;
      if (!ParseBoolText(s, &b)) return false;
      slot->i = b;
      return true;
    } else if constexpr (K == Kind::kDecimal) {
      const TextParse r = ParseDecimalText(s, c.type->precision, c.type->scale, &slot->dec);
      if (r == TextParse::kTooPrecise) {
        const int32_t scale = c.type->scale;
        return Fail(fmt::format("more than {} fraction digit{}", scale, scale == 1 ? "" : "s"));
      }
      if (r == TextParse::kOutOfRange) {
        return Fail(fmt::format("more than {} digits", c.type->precision));
      }
      return r == TextParse::kOk;
    } else if constexpr (K == Kind::kDate) {
      int32_t days = 0;
      if (!TextResult(ParseDateText(s, &days))) return false;
      slot->i = days;
      return true;
    } else if constexpr (K == Kind::kTime) {
      return TextResult(ParseTimeText(s, c.type->unit, &slot->i));
    } else if constexpr (K == Kind::kJson) {
      auto doc = json_parser.parse(s.data(), s.size(), true);
      if (doc.error() != simdjson::SUCCESS) return Fail(simdjson::error_message(doc.error()));
      const size_t start = scratch.size();
      scratch.resize(start + s.size());
      size_t len = 0;
      if (simdjson::minify(s.data(), s.size(), scratch.data() + start, len) != simdjson::SUCCESS) {
        scratch.resize(start);
        return Fail("cannot minify");
      }
      scratch.resize(start + len);
      SetScratch(start, len, slot);
      return true;
    } else if constexpr (K == Kind::kBinary || K == Kind::kFixed) {
      const size_t start = scratch.size();
      if (options.binary_encoding == CsvReadOptions::BinaryEncoding::kRaw) {
        if (c.kind == Kind::kBinary) return SetBytes(f, s, slot);
        scratch.append(s);
      } else if (options.binary_encoding == CsvReadOptions::BinaryEncoding::kHex) {
        if (!AppendHexBytes(s, &scratch)) {
          scratch.resize(start);
          return Fail("not hex");
        }
      } else if (!AppendBase64Bytes(s, &scratch)) {
        scratch.resize(start);
        return Fail("not base64");
      }
      const size_t len = scratch.size() - start;
      if (c.kind == Kind::kFixed && len != static_cast<size_t>(c.type->byte_width)) {
        scratch.resize(start);
        return Fail(fmt::format("{} bytes, not {}", len, c.type->byte_width));
      }
      SetScratch(start, len, slot);
      return true;
    } else if constexpr (K == Kind::kUuid) {
      char b[16];
      if (!ParseUuidText(s, b)) return false;
      const size_t start = scratch.size();
      scratch.append(b, 16);
      SetScratch(start, 16, slot);
      return true;
    }
    return false;
  }

  // `s` is the field's text: in the input, or in scratch when the field was unescaped.
  bool SetBytes(const FieldSpan& f, std::string_view s, Slot* slot) {
    if (f.escaped) {
      SetScratch(static_cast<size_t>(s.data() - scratch.data()), s.size(), slot);
    } else {
      slot->in_scratch = false;
      slot->ptr = s.data();
      slot->len = s.size();
    }
    return true;
  }

  static void SetScratch(size_t start, size_t len, Slot* slot) {
    slot->in_scratch = true;
    slot->offset = start;
    slot->len = len;
  }

  void Append(const ColumnPlan& c, const Slot& v) {
    WithKind(c.kind, [&](auto k) { AppendAs<decltype(k)::value>(c.builder, v); });
  }

  // Appends the values of `m` slots with one bulk call when they are all present and of a
  // kind that has one (integers and times, floats, strings); false (nothing appended)
  // otherwise.
  template <Kind K>
  bool AppendRun(ColumnBuilder* b, const Slot* slots, size_t m) {
    constexpr bool kInts =
        K == Kind::kInt || K == Kind::kDate || K == Kind::kTime || K == Kind::kTimestamp;
    constexpr bool kFloats = K == Kind::kFloat32 || K == Kind::kFloat64;
    if constexpr (kInts || kFloats || K == Kind::kString) {
      for (size_t r = 0; r < m; ++r) {
        if (slots[r].null) return false;
      }
      if constexpr (kInts) {
        int64_t v[kBlockRows];
        for (size_t r = 0; r < m; ++r) v[r] = slots[r].i;
        b->AppendInts({v, m});
      } else if constexpr (kFloats) {
        double v[kBlockRows];
        for (size_t r = 0; r < m; ++r) v[r] = slots[r].d;
        b->AppendDoubles({v, m});
      } else {
        std::string_view v[kBlockRows];
        for (size_t r = 0; r < m; ++r) {
          v[r] = slots[r].in_scratch
                     ? std::string_view(scratch.data() + slots[r].offset, slots[r].len)
                     : std::string_view(slots[r].ptr, slots[r].len);
        }
        b->AppendManyBytes({v, m});
      }
      return true;
    } else {
      return false;
    }
  }

  template <Kind K>
  void AppendAs(ColumnBuilder* b, const Slot& v) {
    if (v.null) {
      b->AppendNull();
    } else if constexpr (K == Kind::kBool) {
      b->AppendBool(v.i != 0);
    } else if constexpr (K == Kind::kInt || K == Kind::kDate || K == Kind::kTime ||
                         K == Kind::kTimestamp) {
      b->AppendInt(v.i);
    } else if constexpr (K == Kind::kUInt) {
      b->AppendUInt(v.u);
    } else if constexpr (K == Kind::kFloat16) {
      b->AppendFloat16Bits(static_cast<uint16_t>(v.i));
    } else if constexpr (K == Kind::kFloat32 || K == Kind::kFloat64) {
      b->AppendDouble(v.d);
    } else if constexpr (K == Kind::kDecimal) {
      b->AppendDecimal(v.dec);
    } else {
      b->AppendBytes(v.in_scratch ? std::string_view(scratch.data() + v.offset, v.len)
                                  : std::string_view(v.ptr, v.len));
    }
  }

  Status EndOfInput() {
    if (builder && builder->num_rows() > 0) ready.push_back(builder->Finish());
    return Status::OK();
  }

  SchemaPtr schema;
  CsvReadOptions options;
  std::string source;
  bool quoting = true;
  uint64_t null_length_mask = 0;
  SpecialByteScanner scanner;
  simdjson::dom::parser json_parser;

  std::unique_ptr<BatchBuilder> builder;
  std::vector<ColumnPlan> plans;
  std::vector<Slot> slots;
  std::vector<int> targets;  // per CSV field: schema field index or -1
  std::vector<int> missing;  // schema fields read as null (no header column)
  int64_t expected_fields = 0;
  std::vector<std::string> header;

  FieldList fields;
  // Records queued for ConvertBlock: their fields (expected_fields each), slots (kBlockRows
  // per schema field), where they are, and the first field of each that failed.
  struct QueuedRecord {
    const char* begin = nullptr;
    const char* text_end = nullptr;
    int64_t line = 0;
  };
  std::vector<FieldSpan> block_fields;
  std::vector<Slot> block_slots;
  std::vector<QueuedRecord> block_records;
  std::vector<int64_t> block_bad;
  size_t block_rows = 0;
  size_t block_capacity = 0;
  int64_t field_count = 0;  // fields in the record (fields holds the first field_cap)
  size_t field_cap = 0;
  std::string scratch;
  std::string why;
  bool why_null = false;
  int64_t bad_column = 0;

  bool bom_checked = false;
  int64_t skip_left = 0;
  bool header_done = false;
  int64_t line = 1;  // line of the next record
  int64_t rows_total = 0;
  int64_t bad_row_count = 0;
  uint64_t rows_since_size_check = 0;

  Buffer pending;
  size_t retry_size = 0;  // parse pending again once it holds this many bytes
  bool finished = false;
  Status error;
  std::deque<RecordBatch> ready;

  // SplitCsvRecords mode (no schema).
  std::vector<std::vector<CsvField>>* split_out = nullptr;
  int64_t split_max = 0;
  bool stop = false;
};

CsvBatchReader::CsvBatchReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CsvBatchReader::~CsvBatchReader() = default;

Result<std::unique_ptr<CsvBatchReader>> CsvBatchReader::Make(SchemaPtr schema,
                                                             CsvReadOptions options) {
  if (!schema) return Status::InvalidArgument("CSV: no schema");
  auto impl = std::make_unique<Impl>(std::move(schema), std::move(options));
  FLOE_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<CsvBatchReader>(new CsvBatchReader(std::move(impl)));
}

Status CsvBatchReader::Feed(std::string_view chunk) {
  Impl& m = *impl_;
  if (!m.error.ok()) return m.error;
  if (m.finished) return Status::InvalidArgument("CsvBatchReader: Feed after Finish");
  if (chunk.empty()) return Status::OK();
  size_t consumed = 0;
  if (m.pending.empty()) {
    // Parse the chunk in place; keep only an unfinished record.
    Status s = m.Process(chunk, false, &consumed);
    if (!s.ok()) {
      m.error = s;
      return s;
    }
    m.pending.Append(chunk.substr(consumed));
    m.retry_size = 2 * m.pending.size();
    return Status::OK();
  }
  m.pending.Append(chunk);
  if (m.pending.size() < m.retry_size) return Status::OK();
  Status s = m.Process(m.pending.view(), false, &consumed);
  if (!s.ok()) {
    m.error = s;
    return s;
  }
  const size_t rest = m.pending.size() - consumed;
  if (consumed > 0 && rest > 0) std::memmove(m.pending.data(), m.pending.data() + consumed, rest);
  m.pending.Resize(rest);
  m.retry_size = 2 * rest;
  return Status::OK();
}

Status CsvBatchReader::Finish() {
  Impl& m = *impl_;
  if (!m.error.ok()) return m.error;
  if (m.finished) return Status::OK();
  m.finished = true;
  size_t consumed = 0;
  Status s = m.Process(m.pending.view(), true, &consumed);
  m.pending.Clear();
  if (s.ok()) s = m.EndOfInput();
  if (!s.ok()) m.error = s;
  return s;
}

std::optional<RecordBatch> CsvBatchReader::NextBatch() {
  if (impl_->ready.empty()) return std::nullopt;
  RecordBatch b = std::move(impl_->ready.front());
  impl_->ready.pop_front();
  return b;
}

const std::vector<std::string>& CsvBatchReader::header() const { return impl_->header; }
int64_t CsvBatchReader::rows_read() const { return impl_->rows_total; }
int64_t CsvBatchReader::bad_rows() const { return impl_->bad_row_count; }

Result<RecordBatch> ParseCsv(std::string_view text, SchemaPtr schema,
                             const CsvReadOptions& options) {
  CsvReadOptions opt = options;
  opt.batch_rows = std::numeric_limits<int64_t>::max();
  opt.batch_bytes = std::numeric_limits<int64_t>::max();
  FLOE_ASSIGN_OR_RETURN(std::unique_ptr<CsvBatchReader> reader,
                        CsvBatchReader::Make(std::move(schema), std::move(opt)));
  CsvBatchReader::Impl& m = *reader->impl_;
  size_t consumed = 0;
  FLOE_RETURN_IF_ERROR(m.Process(text, true, &consumed));
  FLOE_RETURN_IF_ERROR(m.EndOfInput());
  if (m.ready.empty()) return m.builder->Finish();
  return std::move(m.ready.front());
}

Result<std::vector<std::vector<CsvField>>> SplitCsvRecords(std::string_view text,
                                                           const CsvReadOptions& options,
                                                           int64_t max_records, bool complete) {
  std::vector<std::vector<CsvField>> out;
  if (max_records <= 0) return out;
  CsvReadOptions opt = options;
  opt.on_bad_row = nullptr;
  CsvBatchReader::Impl m(nullptr, std::move(opt));
  FLOE_RETURN_IF_ERROR(m.Init());
  m.header_done = !m.options.header;
  m.split_out = &out;
  m.split_max = max_records;
  size_t consumed = 0;
  FLOE_RETURN_IF_ERROR(m.Process(text, complete, &consumed));
  return out;
}

// ---------------------------------------------------------------------------------------------

CsvStreamReader::CsvStreamReader(std::unique_ptr<CsvBatchReader> reader, ReadFn read,
                                 size_t chunk_bytes, int fd)
    : reader_(std::move(reader)), read_(std::move(read)), fd_(fd) {
  chunk_.resize(std::max<size_t>(chunk_bytes, 4096));
}

CsvStreamReader::~CsvStreamReader() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<CsvStreamReader>> CsvStreamReader::Make(SchemaPtr schema,
                                                               CsvReadOptions options, ReadFn read,
                                                               size_t chunk_bytes) {
  if (!read) return Status::InvalidArgument("CsvStreamReader: no read function");
  FLOE_ASSIGN_OR_RETURN(std::unique_ptr<CsvBatchReader> reader,
                        CsvBatchReader::Make(std::move(schema), std::move(options)));
  return std::unique_ptr<CsvStreamReader>(
      new CsvStreamReader(std::move(reader), std::move(read), chunk_bytes, -1));
}

Result<std::unique_ptr<CsvStreamReader>> CsvStreamReader::OpenFile(const std::string& path,
                                                                   SchemaPtr schema,
                                                                   CsvReadOptions options) {
  if (options.source_name.empty()) options.source_name = path;
  FLOE_ASSIGN_OR_RETURN(std::unique_ptr<CsvBatchReader> reader,
                        CsvBatchReader::Make(std::move(schema), std::move(options)));
  const bool is_stdin = path == "-";
  const int fd = is_stdin ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound("{}: no such file", path);
    return Status::IOError("open {}: {}", path, std::strerror(err));
  }
  ReadFn read = [fd, path](char* dst, size_t capacity) -> Result<size_t> {
    for (;;) {
      const ssize_t n = ::read(fd, dst, capacity);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) return Status::IOError("read {}: {}", path, std::strerror(errno));
    }
  };
  return std::unique_ptr<CsvStreamReader>(
      new CsvStreamReader(std::move(reader), std::move(read), size_t{1} << 20, is_stdin ? -1 : fd));
}

Result<std::optional<RecordBatch>> CsvStreamReader::Next() {
  for (;;) {
    if (std::optional<RecordBatch> b = reader_->NextBatch()) return b;
    if (eof_) {
      FLOE_RETURN_IF_ERROR(reader_->Finish());  // repeats a final error
      return std::optional<RecordBatch>();
    }
    Result<size_t> n = read_(chunk_.data(), chunk_.size());
    if (!n.ok()) return n.status();
    eof_ = *n == 0;
    FLOE_RETURN_IF_ERROR(*n == 0 ? reader_->Finish()
                                 : reader_->Feed(std::string_view(chunk_.data(), *n)));
  }
}

}  // namespace floe
