#include "floe/export/record_reader.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include <simdjson.h>

#include "floe/columnar/csv_reader.h"
#include "floe/columnar/json_reader.h"

namespace floe::exporter {

namespace {

bool IsRecordError(const Status& s) { return s.code() == StatusCode::kInvalidArgument; }

std::string FormatBadRow(const BadRow& b, std::string_view extra = "") {
  std::string out = fmt::format("{}:{}{}: ", b.file, b.line, extra);
  if (!b.column.empty()) out += fmt::format("field \"{}\": ", b.column);
  out += b.reason;
  return out;
}

// Parses `units` (whole JSON records, one per entry) as one batch. When a record does not
// fit, falls back to one record at a time: bad ones go to `sink` (or end the read with an
// error naming the first), good ones are parsed again together.
struct JsonUnit {
  std::string_view text;
  int64_t line = 0;
  int64_t element = -1;  // array element index (JSON documents), -1 for NDJSON
};

class JsonBlockParser {
 public:
  JsonBlockParser(std::string file, SchemaPtr schema, const BadRowSink& sink)
      : file_(std::move(file)), schema_(std::move(schema)), sink_(sink) {}

  // Parses `text` (JSON Lines or an array) whose records are `units`; returns the batch of
  // good rows and counts the rejected ones in *rejected.
  Result<RecordBatch> Parse(std::string_view text, const std::vector<JsonUnit>& units,
                            bool as_array, int64_t* rejected) {
    auto batch = ParseJsonLines(text, schema_, options_);
    if (batch.ok()) return batch;
    if (!IsRecordError(batch.status())) return batch.status().WithContext(file_);
    // Find the bad records one by one.
    std::string good;
    std::string one;
    for (const JsonUnit& u : units) {
      std::string_view unit_text = u.text;
      if (as_array) {
        one.assign("[");
        one.append(u.text);
        one.append("]");
        unit_text = one;
      }
      auto r = ParseJsonLines(unit_text, schema_, options_);
      if (r.ok()) {
        if (!good.empty()) good += as_array ? "," : "\n";
        good.append(u.text);
        continue;
      }
      if (!IsRecordError(r.status())) return r.status().WithContext(file_);
      BadRow b;
      b.file = file_;
      b.line = u.line;
      SplitJsonError(r.status().message(), &b.column, &b.reason);
      const std::string where = u.element >= 0 ? fmt::format(" (element {})", u.element) : "";
      if (!sink_) return Status::InvalidArgument("{}", FormatBadRow(b, where));
      b.record.assign(u.text);
      FLOE_RETURN_IF_ERROR(sink_(b));
      ++*rejected;
    }
    if (as_array) good = "[" + good + "]";
    auto again = ParseJsonLines(good, schema_, options_);
    if (!again.ok()) return again.status().WithContext(file_);
    return again;
  }

 private:
  std::string file_;
  SchemaPtr schema_;
  const BadRowSink& sink_;
  JsonReadOptions options_;
};

class NdjsonReader final : public RecordReader {
 public:
  using RecordReader::RecordReader;

  Result<std::optional<RecordBatch>> Next() override {
    JsonBlockParser parser(source_->name(), schema_, bad_rows_);
    while (true) {
      FLOE_RETURN_IF_ERROR(Fill());
      if (pos_ == end_) return std::optional<RecordBatch>();
      // The block: whole lines up to about block_bytes.
      size_t limit = std::min(end_, pos_ + options_.block_bytes);
      size_t cut;
      const char* base = buf_.data();
      // Last newline within [pos_, limit); if none, the first after it.
      const void* nl = memrchr(base + pos_, '\n', limit - pos_);
      if (nl != nullptr) {
        cut = static_cast<const char*>(nl) - base + 1;
      } else {
        const void* p = std::memchr(base + limit, '\n', end_ - limit);
        if (p != nullptr) {
          cut = static_cast<const char*>(p) - base + 1;
        } else if (eof_) {
          cut = end_;
        } else {
          // One line longer than what is buffered: read more.
          if (end_ - pos_ >= static_cast<size_t>(options_.max_document_bytes)) {
            return Status::ResourceExhausted("{}:{}: line longer than {} bytes", source_->name(),
                                             line_, options_.max_document_bytes);
          }
          need_more_ = true;
          continue;
        }
      }
      const std::string_view block(base + pos_, cut - pos_);
      const int64_t block_line = line_;
      const int64_t newlines = std::count(block.begin(), block.end(), '\n');
      auto batch = ParseJsonLines(block, schema_);
      pos_ = cut;
      line_ += newlines;
      if (!batch.ok()) {
        if (!IsRecordError(batch.status())) {
          return batch.status().WithContext(source_->name());
        }
        std::vector<JsonUnit> units;
        int64_t line = block_line;
        size_t start = 0;
        while (start < block.size()) {
          size_t e = block.find('\n', start);
          if (e == std::string_view::npos) e = block.size();
          std::string_view text = block.substr(start, e - start);
          if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
          if (text.find_first_not_of(" \t\r") != std::string_view::npos) {
            units.push_back({text, line, -1});
          }
          ++line;
          start = e + 1;
        }
        int64_t rejected = 0;
        batch = parser.Parse(block, units, /*as_array=*/false, &rejected);
        rows_rejected_ += rejected;
        if (!batch.ok()) return batch.status();
      }
      if (batch->num_rows == 0) continue;
      rows_accepted_ += batch->num_rows;
      return std::optional<RecordBatch>(std::move(*batch));
    }
  }

 private:
  // Makes sure the buffer holds a full block (or the rest of the input).
  Status Fill() {
    if (eof_) return Status::OK();
    if (!need_more_ && end_ - pos_ >= options_.block_bytes) return Status::OK();
    need_more_ = false;
    // Move the unparsed tail to the front and read behind it.
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    const size_t want = std::max(options_.block_bytes * 2, end_ * 2);
    if (buf_.size() < want) buf_.resize(want);
    while (end_ < buf_.size()) {
      FLOE_ASSIGN_OR_RETURN(size_t n, source_->Read(buf_.data() + end_, buf_.size() - end_));
      if (n == 0) {
        eof_ = true;
        break;
      }
      end_ += n;
      if (end_ - pos_ >= options_.block_bytes) break;
    }
    return Status::OK();
  }

  std::string buf_;
  size_t pos_ = 0, end_ = 0;
  int64_t line_ = 1;  // line number at pos_
  bool eof_ = false;
  bool need_more_ = false;
};

class JsonDocumentReader final : public RecordReader {
 public:
  using RecordReader::RecordReader;

  Result<std::optional<RecordBatch>> Next() override {
    if (!loaded_) FLOE_RETURN_IF_ERROR(Load());
    JsonBlockParser parser(source_->name(), schema_, bad_rows_);
    while (next_unit_ < units_.size()) {
      // A block of elements up to block_bytes or batch_rows.
      std::vector<JsonUnit> block;
      size_t bytes = 0;
      while (next_unit_ < units_.size() && bytes < options_.block_bytes &&
             static_cast<int64_t>(block.size()) < options_.batch_rows) {
        block.push_back(units_[next_unit_++]);
        bytes += block.back().text.size() + 1;
      }
      std::string text;
      text.reserve(bytes + 2);
      text += '[';
      for (size_t i = 0; i < block.size(); ++i) {
        if (i > 0) text += ',';
        text.append(block[i].text);
      }
      text += ']';
      int64_t rejected = 0;
      auto batch = parser.Parse(text, block, /*as_array=*/true, &rejected);
      rows_rejected_ += rejected;
      if (!batch.ok()) return batch.status();
      if (batch->num_rows == 0) continue;
      rows_accepted_ += batch->num_rows;
      return std::optional<RecordBatch>(std::move(*batch));
    }
    return std::optional<RecordBatch>();
  }

 private:
  Status Load() {
    loaded_ = true;
    std::string text;
    size_t end = 0;
    while (true) {
      if (text.size() - end < (size_t{1} << 20))
        text.resize(std::max<size_t>(text.size() * 2, 1 << 20));
      FLOE_ASSIGN_OR_RETURN(size_t n, source_->Read(text.data() + end, text.size() - end));
      if (n == 0) break;
      end += n;
      if (end > static_cast<size_t>(options_.max_document_bytes)) {
        return Status::ResourceExhausted("{}: JSON document larger than {} bytes", source_->name(),
                                         options_.max_document_bytes);
      }
    }
    text.resize(end);
    doc_text_ = simdjson::padded_string(text);
    text.clear();
    text.shrink_to_fit();

    const char* base = doc_text_.data();
    auto syntax = [&](simdjson::error_code e, const char* at) {
      int64_t line = 1;
      if (at != nullptr && at >= base && at <= base + doc_text_.size()) {
        line += std::count(base, at, '\n');
      }
      return Status::InvalidArgument("{}:{}: invalid JSON ({})", source_->name(), line,
                                     simdjson::error_message(e));
    };
    simdjson::ondemand::document doc;
    if (auto e = parser_.iterate(doc_text_).get(doc); e) return syntax(e, nullptr);
    simdjson::ondemand::array arr;
    if (options_.json_path.empty()) {
      if (auto e = doc.get_array().get(arr); e) {
        return Status::InvalidArgument(
            "{}: the JSON document is not an array of records (name the records with "
            "--json-path): {}",
            source_->name(), simdjson::error_message(e));
      }
    } else {
      std::string pointer;
      size_t start = 0;
      while (start <= options_.json_path.size()) {
        size_t dot = options_.json_path.find('.', start);
        if (dot == std::string::npos) dot = options_.json_path.size();
        pointer += '/';
        for (char c : options_.json_path.substr(start, dot - start)) {
          if (c == '~') {
            pointer += "~0";
          } else if (c == '/') {
            pointer += "~1";
          } else {
            pointer += c;
          }
        }
        start = dot + 1;
      }
      simdjson::ondemand::value v;
      if (auto e = doc.at_pointer(pointer).get(v); e) {
        return Status::InvalidArgument("{}: no array at JSON path \"{}\": {}", source_->name(),
                                       options_.json_path, simdjson::error_message(e));
      }
      if (auto e = v.get_array().get(arr); e) {
        return Status::InvalidArgument("{}: JSON path \"{}\" is not an array: {}", source_->name(),
                                       options_.json_path, simdjson::error_message(e));
      }
    }
    // Element boundaries and lines.
    const char* counted = base;
    int64_t line = 1;
    int64_t index = 0;
    for (auto element : arr) {
      simdjson::ondemand::value v;
      if (auto e = element.get(v); e) return syntax(e, nullptr);
      const char* at = nullptr;
      if (v.current_location().get(at) != simdjson::SUCCESS) at = nullptr;
      if (at != nullptr && at >= counted && at <= base + doc_text_.size()) {
        line += std::count(counted, at, '\n');
        counted = at;
      }
      simdjson::ondemand::object obj;
      std::string_view raw;
      if (v.get_object().get(obj) != simdjson::SUCCESS || obj.raw_json().get(raw)) {
        BadRow b;
        b.file = source_->name();
        b.line = line;
        b.reason = "the record is not a JSON object";
        if (!bad_rows_) {
          return Status::InvalidArgument("{}",
                                         FormatBadRow(b, fmt::format(" (element {})", index)));
        }
        b.record.assign(v.raw_json_token());
        FLOE_RETURN_IF_ERROR(bad_rows_(b));
        ++rows_rejected_;
        ++index;
        continue;
      }
      units_.push_back({raw, line, index++});
    }
    return Status::OK();
  }

  simdjson::padded_string doc_text_;
  simdjson::ondemand::parser parser_;
  std::vector<JsonUnit> units_;
  size_t next_unit_ = 0;
  bool loaded_ = false;
};

class CsvRecordReader final : public RecordReader {
 public:
  using RecordReader::RecordReader;

  Status Start() {
    CsvReadOptions o;
    o.delimiter = options_.delimiter;
    o.quote = options_.quote;
    o.header = options_.header;
    o.null_values = options_.null_values;
    o.batch_rows = options_.batch_rows;
    o.max_row_bytes = std::min<int64_t>(options_.max_document_bytes, int64_t{64} << 20);
    o.source_name = source_->name();
    if (bad_rows_) {
      o.on_bad_row = [this](const CsvBadRow& r) -> Status {
        BadRow b;
        b.file = std::string(r.source);
        b.line = r.line;
        if (r.column > 0) b.column = std::to_string(r.column);
        b.reason = r.reason != nullptr ? r.reason->message() : "bad record";
        b.record.assign(r.record);
        ++rows_rejected_;
        return bad_rows_(b);
      };
    }
    ByteSource* src = source_.get();
    FLOE_ASSIGN_OR_RETURN(
        reader_, CsvStreamReader::Make(schema_, std::move(o), [src](char* dst, size_t cap) {
          return src->Read(dst, cap);
        }));
    return Status::OK();
  }

  Result<std::optional<RecordBatch>> Next() override {
    FLOE_ASSIGN_OR_RETURN(auto batch, reader_->Next());
    if (batch) rows_accepted_ += batch->num_rows;
    return batch;
  }

 private:
  std::unique_ptr<CsvStreamReader> reader_;
};

}  // namespace

void SplitJsonError(std::string_view m, std::string* field, std::string* reason) {
  field->clear();
  // "line N" [" (array element K)"] [", field " JSON-string] ": " reason
  size_t p = 0;
  if (m.substr(0, 5) == "line ") {
    p = 5;
    while (p < m.size() && m[p] >= '0' && m[p] <= '9') ++p;
    if (m.substr(p, 16) == " (array element ") {
      const size_t close = m.find(')', p);
      if (close != std::string_view::npos) p = close + 1;
    }
  }
  if (m.substr(p, 9) == ", field \"") {
    size_t q = p + 9;
    std::string name;
    while (q < m.size() && m[q] != '"') {
      if (m[q] == '\\' && q + 1 < m.size()) ++q;
      name += m[q++];
    }
    if (q < m.size()) {
      *field = std::move(name);
      p = q + 1;
    }
  }
  if (m.substr(p, 2) == ": ") p += 2;
  reason->assign(m.substr(p));
}

Result<std::unique_ptr<RecordReader>> RecordReader::Open(std::unique_ptr<ByteSource> source,
                                                         SchemaPtr schema,
                                                         RecordReadOptions options,
                                                         BadRowSink bad_rows) {
  switch (options.format) {
    case InputFormat::kNdjson:
      return std::unique_ptr<RecordReader>(new NdjsonReader(
          std::move(source), std::move(schema), std::move(options), std::move(bad_rows)));
    case InputFormat::kJson:
      return std::unique_ptr<RecordReader>(new JsonDocumentReader(
          std::move(source), std::move(schema), std::move(options), std::move(bad_rows)));
    case InputFormat::kCsv: {
      auto r = std::unique_ptr<CsvRecordReader>(new CsvRecordReader(
          std::move(source), std::move(schema), std::move(options), std::move(bad_rows)));
      FLOE_RETURN_IF_ERROR(r->Start());
      return std::unique_ptr<RecordReader>(std::move(r));
    }
    case InputFormat::kAuto:
      break;
  }
  return Status::InvalidArgument("{}: unknown input format", source->name());
}

}  // namespace floe::exporter
