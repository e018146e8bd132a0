#include "floe/columnar/schema_inference.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "floe/columnar/json_reader.h"
#include "floe/columnar/json_writer.h"

namespace floe {
namespace {

bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
    if (c != lower[i]) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Text classification (the forms csv_reader.h accepts).

bool ReadDigits(std::string_view s, size_t* pos, int count) {
  if (*pos + count > s.size()) return false;
  for (int i = 0; i < count; ++i) {
    if (!IsDigit(s[*pos + i])) return false;
  }
  *pos += count;
  return true;
}

int TwoDigits(std::string_view s, size_t pos) { return (s[pos] - '0') * 10 + (s[pos + 1] - '0'); }

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// "YYYY-MM-DD" (also with a sign and up to 9 year digits), a real calendar day.
bool MatchDate(std::string_view s, size_t* pos, int64_t* year_out) {
  size_t i = *pos;
  size_t max_digits = 4;
  int64_t sign = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    sign = s[i++] == '-' ? -1 : 1;
    max_digits = 9;
  }
  int64_t year = 0;
  size_t digits = 0;
  while (i < s.size() && IsDigit(s[i]) && digits < max_digits) {
    year = year * 10 + (s[i++] - '0');
    ++digits;
  }
  if (digits < 4 || i + 6 > s.size() || s[i] != '-' || s[i + 3] != '-') return false;
  size_t j = i + 1;
  if (!ReadDigits(s, &j, 2)) return false;
  const int month = TwoDigits(s, i + 1);
  j = i + 4;
  if (!ReadDigits(s, &j, 2)) return false;
  const int day = TwoDigits(s, i + 4);
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  const int dim = month == 2 && IsLeapYear(year * sign) ? 29 : kDays[month - 1];
  if (day > dim) return false;
  *pos = j;
  *year_out = year * sign;
  return true;
}

struct TemporalShape {
  int64_t year = 0;
  bool date_only = false;
  bool has_zone = false;
  int frac_digits = 0;  // significant fraction digits (trailing zeros dropped)
};

// A date, or a timestamp "date[T| ]HH:MM[:SS[.f]][Z|+HH:MM|+HHMM]".
bool MatchTemporal(std::string_view s, TemporalShape* shape) {
  size_t i = 0;
  *shape = TemporalShape{};
  if (!MatchDate(s, &i, &shape->year)) return false;
  if (i == s.size()) {
    shape->date_only = true;
    return true;
  }
  const char sep = s[i++];
  if (sep != 'T' && sep != 't' && sep != ' ') return false;
  size_t j = i;
  if (!ReadDigits(s, &j, 2) || j >= s.size() || s[j] != ':' || (++j, !ReadDigits(s, &j, 2))) {
    return false;
  }
  if (TwoDigits(s, i) > 23 || TwoDigits(s, i + 3) > 59) return false;
  if (j < s.size() && s[j] == ':') {
    const size_t sec = ++j;
    if (!ReadDigits(s, &j, 2) || TwoDigits(s, sec) > 59) return false;
    if (j < s.size() && s[j] == '.') {
      ++j;
      const size_t begin = j;
      while (j < s.size() && IsDigit(s[j])) ++j;
      if (j == begin) return false;
      size_t end = j;
      while (end > begin && s[end - 1] == '0') --end;
      shape->frac_digits = static_cast<int>(end - begin);
    }
  }
  if (j == s.size()) return true;
  if (s[j] == 'Z' || s[j] == 'z') {
    shape->has_zone = true;
    return j + 1 == s.size();
  }
  if (s[j] != '+' && s[j] != '-') return false;
  const size_t h = ++j;
  if (!ReadDigits(s, &j, 2) || TwoDigits(s, h) > 23) return false;
  if (j < s.size() && s[j] == ':') ++j;
  const size_t m = j;
  if (!ReadDigits(s, &j, 2) || TwoDigits(s, m) > 59) return false;
  shape->has_zone = true;
  return j == s.size();
}

bool MatchInt64(std::string_view s) {
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) i = 1;
  if (i == s.size()) return false;
  for (size_t k = i; k < s.size(); ++k) {
    if (!IsDigit(s[k])) return false;
  }
  int64_t v;
  const char* b = s.data() + (s[0] == '+' ? 1 : 0);
  const auto [ptr, ec] = std::from_chars(b, s.data() + s.size(), v);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool MatchFloat(std::string_view s) {
  std::string_view body = s;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.remove_prefix(1);
  if (body.empty()) return false;
  if (!IsDigit(body[0]) && body[0] != '.') {
    return EqualsIgnoreCase(body, "nan") || EqualsIgnoreCase(body, "inf") ||
           EqualsIgnoreCase(body, "infinity");
  }
  double v;
  const auto [ptr, ec] =
      std::from_chars(body.data(), body.data() + body.size(), v, std::chars_format::general);
  if (ptr != body.data() + body.size()) return false;
  if (ec == std::errc()) return true;
  if (ec != std::errc::result_out_of_range) return false;
  // Underflow reads as (nearly) zero; overflow is not a float64.
  const std::string copy(body);
  return !std::isinf(std::strtod(copy.c_str(), nullptr));
}

// What the values of one text column (or one JSON string position) allow.
struct TextCandidates {
  bool any = false;  // a value was seen
  bool can_bool = true;
  bool can_int = true;
  bool can_float = true;
  bool can_date = true;
  bool can_timestamp = true;
  bool zone_seen = false;     // a timestamp value with a zone designator
  bool no_zone_seen = false;  // a timestamp value (with a time part) without one
  bool temporal_seen = false;
  int frac_digits = 0;
  int64_t min_year = 0;  // over date and timestamp values
  int64_t max_year = 0;

  void Add(std::string_view s, bool numbers) {
    any = true;
    if (numbers) {
      if (can_bool) can_bool = EqualsIgnoreCase(s, "true") || EqualsIgnoreCase(s, "false");
      if (can_int) can_int = MatchInt64(s);
      if (can_float) can_float = MatchFloat(s);
    } else {
      can_bool = can_int = can_float = false;
    }
    if (can_date || can_timestamp) {
      TemporalShape shape;
      if (!MatchTemporal(s, &shape)) {
        can_date = can_timestamp = false;
      } else {
        const bool first = !temporal_seen;
        temporal_seen = true;
        min_year = first ? shape.year : std::min(min_year, shape.year);
        max_year = first ? shape.year : std::max(max_year, shape.year);
      }
      if ((can_date || can_timestamp) && !shape.date_only) {
        can_date = false;
        (shape.has_zone ? zone_seen : no_zone_seen) = true;
        frac_digits = std::max(frac_digits, shape.frac_digits);
      }
    }
  }

  // nullptr when nothing was seen.
  TypePtr Type() const {
    if (!any) return nullptr;
    if (can_bool) return types::Bool();
    if (can_int) return types::Int64();
    if (can_float) return types::Float64();
    // Year ranges (conservative) that the reader's int32 days and int64 us / ns hold.
    if (can_date && min_year > -5000000 && max_year < 5000000) return types::Date();
    if (can_timestamp && !(zone_seen && no_zone_seen)) {
      if (frac_digits <= 6 && min_year > -290000 && max_year < 290000) {
        return types::Timestamp(TimeUnit::kMicro, zone_seen);
      }
      if (frac_digits <= 9 && min_year >= 1679 && max_year <= 2261) {
        return types::Timestamp(TimeUnit::kNano, zone_seen);
      }
    }
    return types::String();
  }
};

// ---------------------------------------------------------------------------------------------
// JSON shapes.

constexpr int kMaxJsonDepth = 32;  // deeper values are typed json

struct JsonShape {
  bool null = false;
  bool boolean = false;
  bool integer = false;
  bool number = false;  // a non-integer (or beyond int64) number
  bool other = false;   // too deep: json
  TextCandidates strings;
  bool string = false;
  bool object = false;
  std::vector<std::pair<std::string, std::unique_ptr<JsonShape>>> members;
  std::unordered_map<std::string, size_t> member_index;
  bool array = false;
  std::unique_ptr<JsonShape> element;
  int64_t seen = 0;     // values added (null included)
  int64_t objects = 0;  // objects among them

  // Whether member `m` (of this object shape) is nullable.
  bool MemberNullable(const JsonShape& m, bool nullable_always) const {
    return nullable_always || m.null || m.seen < objects;
  }

  JsonShape* Member(std::string_view name) {
    auto it = member_index.find(std::string(name));
    if (it != member_index.end()) return members[it->second].second.get();
    member_index.emplace(std::string(name), members.size());
    members.emplace_back(std::string(name), std::make_unique<JsonShape>());
    return members.back().second.get();
  }

  void Add(simdjson::dom::element v, int depth) {
    using simdjson::dom::element_type;
    ++seen;
    switch (v.type()) {
      case element_type::NULL_VALUE:
        null = true;
        return;
      case element_type::BOOL:
        boolean = true;
        return;
      case element_type::INT64:
        integer = true;
        return;
      case element_type::UINT64:
      case element_type::DOUBLE:
        number = true;
        return;
      case element_type::STRING: {
        string = true;
        std::string_view s;
        if (v.get_string().get(s) == simdjson::SUCCESS) strings.Add(s, /*numbers=*/false);
        return;
      }
      case element_type::OBJECT: {
        if (depth >= kMaxJsonDepth) {
          other = true;
          return;
        }
        object = true;
        ++objects;
        simdjson::dom::object obj;
        if (v.get_object().get(obj) != simdjson::SUCCESS) return;
        for (auto field : obj) Member(field.key)->Add(field.value, depth + 1);
        return;
      }
      case element_type::ARRAY: {
        if (depth >= kMaxJsonDepth) {
          other = true;
          return;
        }
        array = true;
        if (!element) element = std::make_unique<JsonShape>();
        simdjson::dom::array arr;
        if (v.get_array().get(arr) != simdjson::SUCCESS) return;
        for (auto e : arr) element->Add(e, depth + 1);
        return;
      }
    }
  }

  TypePtr Type(bool nullable_always) const {
    const int kinds = (boolean ? 1 : 0) + (integer || number ? 1 : 0) + (string ? 1 : 0) +
                      (object ? 1 : 0) + (array ? 1 : 0) + (other ? 1 : 0);
    if (kinds == 0) return types::String();
    if (kinds > 1 || other) return types::Json();
    if (boolean) return types::Bool();
    if (number) return types::Float64();
    if (integer) return types::Int64();
    if (string) {
      // Strings are strings unless every one is a date or timestamp.
      TypePtr type = strings.Type();
      return type ? type : types::String();
    }
    if (object) {
      if (members.empty()) return types::Json();
      std::vector<Field> fields;
      for (const auto& [name, shape] : members) {
        fields.push_back(
            Field{name, shape->Type(nullable_always), MemberNullable(*shape, nullable_always)});
      }
      return types::Struct(std::move(fields));
    }
    return types::List(element ? element->Type(nullable_always) : types::String(),
                       nullable_always || !element || element->null);
  }
};

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int64_t LineAt(std::string_view text, size_t pos) {
  int64_t line = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

}  // namespace

Result<Schema> InferCsvSchema(std::string_view sample, const CsvReadOptions& csv_options,
                              const InferOptions& options, bool complete) {
  const int64_t header_rows = csv_options.header ? 1 : 0;
  const int64_t max_records =
      std::min(std::max<int64_t>(options.max_records, 0), INT64_MAX - 1) + header_rows;
  FLOE_ASSIGN_OR_RETURN(std::vector<std::vector<CsvField>> records,
                        SplitCsvRecords(sample, csv_options, max_records, complete));
  std::vector<std::string> names;
  size_t first = 0;
  if (csv_options.header) {
    if (records.empty()) return Status::InvalidArgument("CSV sample has no header row");
    for (const CsvField& f : records[0]) names.push_back(f.text);
    first = 1;
  } else {
    if (records.empty()) return Status::InvalidArgument("CSV sample has no records");
    names.resize(records[0].size());
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) names[i] = "column" + std::to_string(i + 1);
    if (!seen.insert(names[i]).second) {
      return Status::InvalidArgument("CSV header: column {} is named \"{}\" like an earlier one",
                                     i + 1, names[i]);
    }
  }
  std::vector<TextCandidates> columns(names.size());
  std::vector<bool> nulls(names.size(), false);
  for (size_t r = first; r < records.size(); ++r) {
    const std::vector<CsvField>& rec = records[r];
    if (rec.size() != names.size()) continue;  // the reader reports these with their line
    for (size_t i = 0; i < rec.size(); ++i) {
      if (rec[i].is_null) {
        nulls[i] = true;
      } else {
        columns[i].Add(rec[i].text, /*numbers=*/true);
      }
    }
  }
  Schema schema;
  for (size_t i = 0; i < names.size(); ++i) {
    TypePtr type = columns[i].Type();
    schema.fields.push_back(Field{names[i], type ? type : types::String(),
                                  options.nullable_always || nulls[i] || !type});
  }
  return schema;
}

Result<Schema> InferJsonSchema(std::string_view sample, const InferOptions& options,
                               bool complete) {
  size_t pos = 0;
  while (pos < sample.size() && IsJsonSpace(sample[pos])) ++pos;
  if (sample.substr(pos, 3) == "\xEF\xBB\xBF") pos += 3;
  while (pos < sample.size() && IsJsonSpace(sample[pos])) ++pos;
  const bool array = pos < sample.size() && sample[pos] == '[';
  if (array) ++pos;
  simdjson::dom::parser parser;
  JsonShape root;
  int64_t count = 0;
  while (count < options.max_records) {
    while (pos < sample.size() && (IsJsonSpace(sample[pos]) || (array && sample[pos] == ','))) {
      ++pos;
    }
    if (pos >= sample.size() || (array && sample[pos] == ']')) break;
    const size_t end = JsonValueEnd(sample, pos);
    if (end == std::string_view::npos) {
      if (!complete) break;
      return Status::InvalidArgument("JSON sample line {}: unterminated value",
                                     LineAt(sample, pos));
    }
    const std::string_view doc_text = sample.substr(pos, end - pos);
    simdjson::dom::element doc;
    if (auto e = parser.parse(doc_text.data(), doc_text.size(), true).get(doc)) {
      return Status::InvalidArgument("JSON sample line {}: {}", LineAt(sample, pos),
                                     simdjson::error_message(e));
    }
    if (doc.type() != simdjson::dom::element_type::OBJECT) {
      return Status::InvalidArgument("JSON sample line {}: a record must be an object",
                                     LineAt(sample, pos));
    }
    root.Add(doc, 0);
    ++count;
    pos = end;
  }
  Schema schema;
  for (const auto& [name, shape] : root.members) {
    schema.fields.push_back(Field{name, shape->Type(options.nullable_always),
                                  root.MemberNullable(*shape, options.nullable_always)});
  }
  return schema;
}

}  // namespace floe
