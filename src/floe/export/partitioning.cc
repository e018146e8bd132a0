#include "floe/export/partitioning.h"

#include <cstring>

#include "floe/columnar/take.h"
#include "floe/export/input_files.h"

namespace floe::exporter {

namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

bool IsTime(const DataType& t) { return t.id == TypeId::kTimestamp || t.id == TypeId::kDate; }

// Days since the epoch and the hour of row `i` of a timestamp or date column.
void DayAndHour(const Column& c, int64_t i, int64_t* days, int* hour) {
  if (c.type->id == TypeId::kDate) {
    *days = c.Value<int32_t>(i);
    *hour = 0;
    return;
  }
  const int64_t seconds = FloorDiv(c.Value<int64_t>(i), UnitsPerSecond(c.type->unit));
  *days = FloorDiv(seconds, 86400);
  *hour = static_cast<int>((seconds - *days * 86400) / 3600);
}

bool PartitionableType(const DataType& t) {
  if (t.IsInteger() || t.IsFloating()) return true;
  switch (t.id) {
    case TypeId::kBool:
    case TypeId::kDecimal:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kString:
    case TypeId::kEnum:
    case TypeId::kUuid:
      return true;
    default:
      return false;
  }
}

std::string DecimalText(__int128 v, int scale) {
  const bool neg = v < 0;
  unsigned __int128 u =
      neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u != 0);
  if (scale > 0) {
    while (static_cast<int>(digits.size()) <= scale) digits.insert(digits.begin(), '0');
    digits.insert(digits.end() - scale, '.');
  }
  return neg ? "-" + digits : digits;
}

// The text of a partition value.
std::string ValueText(const Column& c, int64_t i) {
  const DataType& t = *c.type;
  switch (t.id) {
    case TypeId::kBool:
      return c.Value<uint8_t>(i) ? "true" : "false";
    case TypeId::kInt8:
      return std::to_string(c.Value<int8_t>(i));
    case TypeId::kInt16:
      return std::to_string(c.Value<int16_t>(i));
    case TypeId::kInt32:
      return std::to_string(c.Value<int32_t>(i));
    case TypeId::kInt64:
      return std::to_string(c.Value<int64_t>(i));
    case TypeId::kUInt8:
      return std::to_string(c.Value<uint8_t>(i));
    case TypeId::kUInt16:
      return std::to_string(c.Value<uint16_t>(i));
    case TypeId::kUInt32:
      return std::to_string(c.Value<uint32_t>(i));
    case TypeId::kUInt64:
      return std::to_string(c.Value<uint64_t>(i));
    case TypeId::kFloat32:
      return fmt::format("{}", c.Value<float>(i));
    case TypeId::kFloat64:
      return fmt::format("{}", c.Value<double>(i));
    case TypeId::kDecimal:
      return DecimalText(c.Value<__int128>(i), t.scale);
    case TypeId::kDate:
      return Date::FromDays(c.Value<int32_t>(i)).ToString();
    case TypeId::kTimestamp: {
      int64_t days;
      int hour;
      DayAndHour(c, i, &days, &hour);
      const int64_t ups = UnitsPerSecond(t.unit);
      const int64_t v = c.Value<int64_t>(i);
      const int64_t in_day = v - days * 86400 * ups;
      const int64_t secs = in_day / ups;
      const int64_t frac = in_day % ups;
      std::string s = fmt::format("{} {:02}:{:02}:{:02}", Date::FromDays(days).ToString(),
                                  secs / 3600, secs / 60 % 60, secs % 60);
      if (frac != 0) {
        const int width = t.unit == TimeUnit::kMilli ? 3 : t.unit == TimeUnit::kMicro ? 6 : 9;
        s += fmt::format(".{:0{}}", frac, width);
      }
      return s;
    }
    case TypeId::kUuid: {
      const std::string_view b = c.FixedAt(i);
      std::string s;
      for (size_t k = 0; k < b.size(); ++k) {
        if (k == 4 || k == 6 || k == 8 || k == 10) s += '-';
        s += fmt::format("{:02x}", static_cast<uint8_t>(b[k]));
      }
      return s;
    }
    default:
      if (t.IsVarBinary()) return std::string(c.StringAt(i));
      return "?";
  }
}

}  // namespace

Result<DerivedColumn> ParseDerivedColumn(std::string_view text) {
  const size_t eq = text.find('=');
  const size_t open = text.find('(', eq == std::string_view::npos ? 0 : eq);
  if (eq == std::string_view::npos || eq == 0 || open == std::string_view::npos ||
      text.back() != ')' || open + 2 > text.size() - 1) {
    return Status::InvalidArgument(
        "--derive '{}': expected NAME=FUNC(COLUMN), e.g. "
        "date_partition=date(timestamp)",
        text);
  }
  DerivedColumn d;
  d.name = std::string(text.substr(0, eq));
  const std::string_view func = text.substr(eq + 1, open - eq - 1);
  d.source = std::string(text.substr(open + 1, text.size() - open - 2));
  if (func == "date") {
    d.func = DerivedColumn::Func::kDate;
  } else if (func == "year") {
    d.func = DerivedColumn::Func::kYear;
  } else if (func == "month") {
    d.func = DerivedColumn::Func::kMonth;
  } else if (func == "day") {
    d.func = DerivedColumn::Func::kDay;
  } else if (func == "hour") {
    d.func = DerivedColumn::Func::kHour;
  } else {
    return Status::InvalidArgument(
        "--derive '{}': unknown function '{}' (date, year, month, day, "
        "hour)",
        text, func);
  }
  return d;
}

Result<SchemaPtr> SchemaWithDerived(const SchemaPtr& schema,
                                    const std::vector<DerivedColumn>& derived) {
  if (derived.empty()) return schema;
  auto out = std::make_shared<Schema>(*schema);
  for (const DerivedColumn& d : derived) {
    if (out->IndexOf(d.name) >= 0) {
      return Status::InvalidArgument("--derive {}: a column named '{}' already exists", d.name,
                                     d.name);
    }
    const int src = out->IndexOf(d.source);
    if (src < 0) {
      return Status::InvalidArgument("--derive {}: no column named '{}'", d.name, d.source);
    }
    const DataType& t = *out->fields[src].type;
    if (!IsTime(t) || (d.func == DerivedColumn::Func::kHour && t.id != TypeId::kTimestamp)) {
      return Status::InvalidArgument("--derive {}: column '{}' is {}, not a timestamp{}", d.name,
                                     d.source, t.ToString(),
                                     d.func == DerivedColumn::Func::kHour ? "" : " or date");
    }
    Field f;
    f.name = d.name;
    f.type = d.func == DerivedColumn::Func::kDate ? types::Date() : types::Int32();
    f.nullable = out->fields[src].nullable;
    out->fields.push_back(std::move(f));
  }
  return SchemaPtr(out);
}

Result<RecordBatch> AddDerivedColumns(RecordBatch batch, const std::vector<DerivedColumn>& derived,
                                      const SchemaPtr& out_schema) {
  if (derived.empty()) return batch;
  for (const DerivedColumn& d : derived) {
    const int src = batch.schema->IndexOf(d.source);
    if (src < 0) return Status::Internal("derived column source '{}' missing", d.source);
    const Column& c = *batch.columns[src];
    auto col = std::make_shared<Column>(d.func == DerivedColumn::Func::kDate ? types::Date()
                                                                             : types::Int32());
    col->length = c.length;
    col->null_count = c.null_count;
    if (c.null_count > 0) {
      col->validity.Resize(c.validity.size());
      std::memcpy(col->validity.data(), c.validity.data(), c.validity.size());
    }
    col->values.Resize(static_cast<size_t>(c.length) * 4);
    int32_t* out = col->values.as<int32_t>();
    for (int64_t i = 0; i < c.length; ++i) {
      if (!c.IsValid(i)) {
        out[i] = 0;
        continue;
      }
      int64_t days;
      int hour;
      DayAndHour(c, i, &days, &hour);
      switch (d.func) {
        case DerivedColumn::Func::kDate:
          out[i] = static_cast<int32_t>(days);
          break;
        case DerivedColumn::Func::kYear:
          out[i] = Date::FromDays(days).year;
          break;
        case DerivedColumn::Func::kMonth:
          out[i] = Date::FromDays(days).month;
          break;
        case DerivedColumn::Func::kDay:
          out[i] = Date::FromDays(days).day;
          break;
        case DerivedColumn::Func::kHour:
          out[i] = hour;
          break;
      }
    }
    batch.columns.push_back(std::move(col));
  }
  batch.schema = out_schema;
  return batch;
}

Result<OutputLayout> MakeOutputLayout(const Schema& schema, std::string_view partition_by,
                                      std::string_view time_column, std::string_view name) {
  OutputLayout layout;
  if (!name.empty()) layout.name_pattern = std::string(name);
  // Check the pattern's placeholders.
  bool uses_date = false;
  for (size_t p = 0; p < layout.name_pattern.size(); ++p) {
    if (layout.name_pattern[p] != '{') continue;
    const size_t close = layout.name_pattern.find('}', p);
    if (close == std::string::npos) {
      return Status::InvalidArgument("--name '{}': unclosed '{{'", layout.name_pattern);
    }
    const std::string_view ph = std::string_view(layout.name_pattern).substr(p + 1, close - p - 1);
    if (ph.substr(0, 5) == "date:") {
      uses_date = true;
    } else if (ph != "stem" && ph != "input_hash") {
      return Status::InvalidArgument(
          "--name '{}': unknown placeholder {{{}}} ({{stem}}, {{date:FORMAT}}, {{input_hash}})",
          layout.name_pattern, ph);
    }
    p = close;
  }
  if (layout.name_pattern.empty() || layout.name_pattern.back() == '/' ||
      layout.name_pattern.find("..") != std::string::npos || layout.name_pattern[0] == '/') {
    return Status::InvalidArgument("--name '{}': not a relative file name", layout.name_pattern);
  }

  // The time column.
  if (!time_column.empty()) {
    layout.time_column = schema.IndexOf(time_column);
    if (layout.time_column < 0) {
      return Status::InvalidArgument("--time-column: no column named '{}'", time_column);
    }
    if (!IsTime(*schema.fields[layout.time_column].type)) {
      return Status::InvalidArgument("--time-column {}: {} is not a timestamp or date", time_column,
                                     schema.fields[layout.time_column].type->ToString());
    }
  } else {
    for (int i = 0; i < schema.num_fields() && layout.time_column < 0; ++i) {
      if (schema.fields[i].type->id == TypeId::kTimestamp) layout.time_column = i;
    }
    for (int i = 0; i < schema.num_fields() && layout.time_column < 0; ++i) {
      if (schema.fields[i].type->id == TypeId::kDate) layout.time_column = i;
    }
  }

  bool has_day = false;
  size_t start = 0;
  while (start < partition_by.size()) {
    size_t comma = partition_by.find(',', start);
    if (comma == std::string_view::npos) comma = partition_by.size();
    std::string_view item = partition_by.substr(start, comma - start);
    start = comma + 1;
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    PartitionPart part;
    const bool forced_column = item.substr(0, 4) == "col:";
    if (forced_column) item.remove_prefix(4);
    if (!forced_column && (item == "year" || item == "month" || item == "day" || item == "hour")) {
      part.kind = item == "year"    ? PartitionPart::Kind::kYear
                  : item == "month" ? PartitionPart::Kind::kMonth
                  : item == "day"   ? PartitionPart::Kind::kDay
                                    : PartitionPart::Kind::kHour;
      if (layout.time_column < 0) {
        return Status::InvalidArgument(
            "--partition-by {}: no timestamp or date column to take it from (see "
            "--time-column)",
            item);
      }
      if (part.kind == PartitionPart::Kind::kHour &&
          schema.fields[layout.time_column].type->id != TypeId::kTimestamp) {
        return Status::InvalidArgument("--partition-by hour: time column '{}' is a date",
                                       schema.fields[layout.time_column].name);
      }
      has_day = has_day || part.kind == PartitionPart::Kind::kDay;
      part.column = layout.time_column;
      part.name = std::string(item);
    } else {
      part.kind = PartitionPart::Kind::kColumn;
      part.column = schema.IndexOf(item);
      if (part.column < 0) {
        return Status::InvalidArgument("--partition-by: no column named '{}'", item);
      }
      const DataType& t = *schema.fields[part.column].type;
      if (!PartitionableType(t)) {
        return Status::InvalidArgument("--partition-by {}: cannot partition by a {} column", item,
                                       t.ToString());
      }
      part.name = std::string(item);
    }
    for (const PartitionPart& p : layout.parts) {
      if (p.name == part.name) {
        return Status::InvalidArgument("--partition-by: '{}' given twice", part.name);
      }
    }
    layout.parts.push_back(std::move(part));
  }
  if (uses_date && !has_day && layout.time_column >= 0) {
    PartitionPart hidden;
    hidden.kind = PartitionPart::Kind::kDay;
    hidden.column = layout.time_column;
    hidden.name = "day";
    hidden.hidden = true;
    layout.parts.push_back(std::move(hidden));
  }
  bool needs_time = false;
  for (const PartitionPart& p : layout.parts) needs_time |= p.kind != PartitionPart::Kind::kColumn;
  if (!needs_time) layout.time_column = -1;
  return layout;
}

std::string EscapePartitionValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (unsigned char c : v) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '#' || c == '%' || c == '\'' || c == '*' ||
        c == '/' || c == ':' || c == '=' || c == '?' || c == '\\' || c == '[' || c == ']' ||
        c == '^' || c == '{' || c == '}') {
      out += fmt::format("%{:02X}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (out.empty()) out = "__HIVE_DEFAULT_PARTITION__";
  return out;
}

Status Partitioner::Assign(const RecordBatch& batch, std::vector<int32_t>* ids) {
  ids->resize(static_cast<size_t>(batch.num_rows));
  if (layout_->parts.empty()) {
    if (partitions_.empty()) partitions_.push_back({});
    std::fill(ids->begin(), ids->end(), 0);
    return Status::OK();
  }
  for (int64_t i = 0; i < batch.num_rows; ++i) (*ids)[i] = Intern(batch, i);
  return Status::OK();
}

int32_t Partitioner::Intern(const RecordBatch& batch, int64_t row) {
  key_.clear();
  int64_t days = 0;
  int hour = 0;
  bool have_time = false, time_null = false;
  for (const PartitionPart& p : layout_->parts) {
    const Column& c = *batch.columns[p.column];
    if (p.kind != PartitionPart::Kind::kColumn) {
      if (!have_time) {
        have_time = true;
        time_null = c.IsNull(row);
        if (!time_null) DayAndHour(c, row, &days, &hour);
      }
      key_ += static_cast<char>(time_null ? 0 : 1);
      if (!time_null) {
        int64_t k;
        switch (p.kind) {
          case PartitionPart::Kind::kYear:
            k = Date::FromDays(days).year;
            break;
          case PartitionPart::Kind::kMonth: {
            const Date d = Date::FromDays(days);
            k = int64_t{d.year} * 12 + d.month;
            break;
          }
          case PartitionPart::Kind::kDay:
            k = days;
            break;
          default:
            k = days * 24 + hour;
            break;
        }
        key_.append(reinterpret_cast<const char*>(&k), sizeof k);
      }
      continue;
    }
    if (c.IsNull(row)) {
      key_ += '\0';
      continue;
    }
    key_ += '\1';
    const int w = c.type->FixedWidth();
    if (w > 0) {
      key_.append(reinterpret_cast<const char*>(c.values.data()) + row * w, w);
    } else {
      const std::string_view s = c.StringAt(row);
      const uint32_t n = static_cast<uint32_t>(s.size());
      key_.append(reinterpret_cast<const char*>(&n), sizeof n);
      key_.append(s);
    }
  }
  if (last_id_ >= 0 && key_ == last_key_) return last_id_;
  auto it = ids_.find(key_);
  int32_t id;
  if (it != ids_.end()) {
    id = it->second;
  } else {
    Partition part;
    const Date date = Date::FromDays(days);
    part.has_date = have_time && !time_null;
    part.year = date.year;
    part.month = date.month;
    part.day = date.day;
    part.hour = hour;
    for (const PartitionPart& p : layout_->parts) {
      if (p.hidden) continue;
      const Column& c = *batch.columns[p.column];
      part.directory += p.name;
      part.directory += '=';
      if (p.kind == PartitionPart::Kind::kColumn) {
        part.directory +=
            c.IsNull(row) ? "__HIVE_DEFAULT_PARTITION__" : EscapePartitionValue(ValueText(c, row));
      } else if (time_null) {
        part.directory += "__HIVE_DEFAULT_PARTITION__";
      } else {
        switch (p.kind) {
          case PartitionPart::Kind::kYear:
            part.directory += fmt::format("{:04}", date.year);
            break;
          case PartitionPart::Kind::kMonth:
            part.directory += fmt::format("{:02}", date.month);
            break;
          case PartitionPart::Kind::kDay:
            part.directory += fmt::format("{:02}", date.day);
            break;
          default:
            part.directory += fmt::format("{:02}", hour);
            break;
        }
      }
      part.directory += '/';
    }
    id = static_cast<int32_t>(partitions_.size());
    partitions_.push_back(std::move(part));
    ids_.emplace(key_, id);
  }
  last_key_ = key_;
  last_id_ = id;
  return id;
}

std::string Partitioner::FileName(int32_t id, std::string_view stem,
                                  std::string_view input_hash) const {
  const Partition& part = partitions_[id];
  const std::string& pat = layout_->name_pattern;
  std::string out;
  for (size_t p = 0; p < pat.size(); ++p) {
    if (pat[p] != '{') {
      out += pat[p];
      continue;
    }
    const size_t close = pat.find('}', p);
    const std::string_view ph = std::string_view(pat).substr(p + 1, close - p - 1);
    p = close;
    if (ph == "stem") {
      out += stem;
    } else if (ph == "input_hash") {
      out += input_hash;
    } else if (ph.substr(0, 5) == "date:") {
      const std::string_view f = ph.substr(5);
      for (size_t k = 0; k < f.size(); ++k) {
        if (f[k] != '%' || k + 1 == f.size()) {
          out += f[k];
          continue;
        }
        const char c = f[++k];
        if (!part.has_date && c != '%') {
          out += "unknown";
          continue;
        }
        switch (c) {
          case 'Y':
            out += fmt::format("{:04}", part.year);
            break;
          case 'm':
            out += fmt::format("{:02}", part.month);
            break;
          case 'd':
            out += fmt::format("{:02}", part.day);
            break;
          case 'H':
            out += fmt::format("{:02}", part.hour);
            break;
          default:
            out += c;
            break;
        }
      }
    }
  }
  return out;
}

std::vector<std::pair<int32_t, RecordBatch>> SplitBatch(const RecordBatch& batch,
                                                        const std::vector<int32_t>& ids) {
  std::vector<std::pair<int32_t, RecordBatch>> out;
  if (batch.num_rows == 0) return out;
  bool single = true;
  for (size_t i = 1; i < ids.size() && single; ++i) single = ids[i] == ids[0];
  if (single) {
    out.emplace_back(ids[0], batch);
    return out;
  }
  // Runs of equal ids, grouped by id in order of first appearance.
  std::vector<int32_t> order;
  std::unordered_map<int32_t, std::vector<RowRange>> ranges;
  int64_t begin = 0;
  for (int64_t i = 1; i <= batch.num_rows; ++i) {
    if (i < batch.num_rows && ids[i] == ids[begin]) continue;
    auto [it, inserted] = ranges.try_emplace(ids[begin]);
    if (inserted) order.push_back(ids[begin]);
    it->second.push_back({begin, i});
    begin = i;
  }
  for (int32_t id : order) {
    const std::vector<RowRange>& r = ranges[id];
    RecordBatch part;
    part.schema = batch.schema;
    part.num_rows = CountRows(r);
    part.columns.reserve(batch.columns.size());
    for (const ColumnPtr& c : batch.columns) part.columns.push_back(TakeRanges(*c, r));
    out.emplace_back(id, std::move(part));
  }
  return out;
}

}  // namespace floe::exporter
