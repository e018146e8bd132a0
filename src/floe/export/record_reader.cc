#include "floe/export/record_reader.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <future>
#include <vector>

#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "floe/columnar/csv_reader.h"
#include "floe/columnar/json_reader.h"

namespace floe::exporter {

namespace {

bool IsRecordError(const Status& s) { return s.code() == StatusCode::kInvalidArgument; }

// Line feeds in `text`, 16 bytes at a time: each byte lane counts its matches (a match
// compares as -1, so subtracting it adds one) for up to 255 vectors, then the lanes are summed.
// No popcount instruction is needed, which the baseline x86-64 target lacks (the builtin
// would be a library call per vector).
int64_t CountNewlines(std::string_view text) {
  int64_t n = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
#if defined(__SSE2__)
  const __m128i lf = _mm_set1_epi8('\n');
  while (end - p >= 16) {
    __m128i lanes = _mm_setzero_si128();
    for (int k = 0; k < 255 && end - p >= 16; ++k, p += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(v, lf));
    }
    const __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());  // two 64-bit halves
    n += _mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums));
  }
#endif
  for (; p < end; ++p) n += *p == '\n' ? 1 : 0;
  return n;
}

// The size of the next block of a reader that has cut `blocks_before` already: blocks start
// at 256 KiB and double up to `block_bytes`, so that the first batch reaches the writer after
// a small parse instead of a whole block's (about 50 ms of idle writer for 8 MiB of CSV).
size_t RampedBlockBytes(size_t block_bytes, int64_t blocks_before) {
  constexpr size_t kFirstBlockBytes = size_t{256} << 10;
  return std::min(block_bytes, kFirstBlockBytes << std::min<int64_t>(blocks_before, 16));
}

// The exporter's record of a row the CSV reader rejected.
BadRow ToBadRow(const CsvBadRow& r) {
  BadRow b;
  b.file = std::string(r.source);
  b.line = r.line;
  if (r.column > 0) b.column = std::to_string(r.column);
  b.reason = r.reason != nullptr ? r.reason->message() : "bad record";
  b.record.assign(r.record);
  return b;
}

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
      const size_t block_bytes = RampedBlockBytes(options_.block_bytes, blocks_);
      FLOE_RETURN_IF_ERROR(Fill(block_bytes));
      if (pos_ == end_) return std::optional<RecordBatch>();
      // The block: whole lines up to about block_bytes.
      size_t limit = std::min(end_, pos_ + block_bytes);
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
      ++blocks_;
      const int64_t block_line = line_;
      const int64_t newlines = CountNewlines(block);
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
  // Makes sure the buffer holds a full block of `block_bytes` (or the rest of the input).
  Status Fill(size_t block_bytes) {
    if (eof_) return Status::OK();
    if (!need_more_ && end_ - pos_ >= block_bytes) return Status::OK();
    need_more_ = false;
    // Move the unparsed tail to the front and read behind it.
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    const size_t want = std::max(block_bytes * 2, end_ * 2);
    if (buf_.size() < want) buf_.resize(want);
    while (end_ < buf_.size()) {
      FLOE_ASSIGN_OR_RETURN(size_t n, source_->Read(buf_.data() + end_, buf_.size() - end_));
      if (n == 0) {
        eof_ = true;
        break;
      }
      end_ += n;
      if (end_ - pos_ >= block_bytes) break;
    }
    return Status::OK();
  }

  std::string buf_;
  size_t pos_ = 0, end_ = 0;
  int64_t blocks_ = 0;  // blocks cut so far
  int64_t line_ = 1;    // line number at pos_
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
        line += CountNewlines(std::string_view(counted, static_cast<size_t>(at - counted)));
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

// CSV, read in parallel where that is safe: the input is cut into blocks of whole lines
// (about block_bytes), each parsed by a CsvBatchReader of its own (the header line put in
// front, its lines numbered on from the block's place) on a thread of its own, two blocks at
// a time; batches and bad rows are handed out in input order, so the result is the
// sequential one. A line feed is a safe cut only where it always ends a record: while the
// input holds no quote character and no bare CR (machine-written CSV, the common case).
// From the first block that does (or a line longer than a block), the rest is read
// sequentially by one CsvStreamReader, as it would have been from the start.
class CsvRecordReader final : public RecordReader {
 public:
  using RecordReader::RecordReader;

  Status Start() {
    base_.delimiter = options_.delimiter;
    base_.quote = options_.quote;
    base_.header = options_.header;
    base_.null_values = options_.null_values;
    base_.batch_rows = options_.batch_rows;
    base_.max_row_bytes = std::min<int64_t>(options_.max_document_bytes, int64_t{64} << 20);
    base_.source_name = source_->name();
    // Validates the options and the schema once, up front.
    FLOE_ASSIGN_OR_RETURN(auto check, CsvBatchReader::Make(schema_, base_));
    (void)check;
    return Status::OK();
  }

  ~CsvRecordReader() override {
    for (auto& f : in_flight_) f.wait();  // the blocks only touch their own state
  }

  Result<std::optional<RecordBatch>> Next() override {
    if (!status_.ok()) return status_;
    auto result = NextBatch();
    if (!result.ok()) status_ = result.status();
    return result;
  }

 private:
  struct BlockResult {
    Status status;
    std::vector<RecordBatch> batches;
    std::vector<BadRow> bad;
  };
  static constexpr size_t kInFlight = 2;

  Result<std::optional<RecordBatch>> NextBatch() {
    while (true) {
      if (sequential_) {
        FLOE_ASSIGN_OR_RETURN(auto batch, sequential_->Next());
        if (batch) rows_accepted_ += batch->num_rows;
        return batch;
      }
      // Keep kInFlight blocks parsing while the batches of a finished one are handed out:
      // refilling only once they are all gone would leave one block parsing in the meantime.
      while (!switch_ && !done_reading_ && in_flight_.size() < kInFlight) {
        FLOE_RETURN_IF_ERROR(StartBlock());
      }
      if (!ready_.empty()) {
        RecordBatch b = std::move(ready_.front());
        ready_.pop_front();
        rows_accepted_ += b.num_rows;
        return std::optional<RecordBatch>(std::move(b));
      }
      if (in_flight_.empty()) {
        if (!switch_) return std::optional<RecordBatch>();
        FLOE_RETURN_IF_ERROR(StartSequential());
        continue;
      }
      BlockResult r = in_flight_.front().get();
      in_flight_.pop_front();
      for (BadRow& b : r.bad) {
        ++rows_rejected_;
        FLOE_RETURN_IF_ERROR(bad_rows_(b));
      }
      FLOE_RETURN_IF_ERROR(r.status);
      for (RecordBatch& b : r.batches) ready_.push_back(std::move(b));
    }
  }

  // The CSV options of a reader whose input starts at line `first_line` (the header line
  // put in front of a block counts as the line before it); bad rows go to `bad`.
  CsvReadOptions OptionsAt(int64_t first_line, std::vector<BadRow>* bad) const {
    CsvReadOptions o = base_;
    o.first_line = first_line;
    if (bad_rows_ && bad != nullptr) {
      o.on_bad_row = [bad](const CsvBadRow& r) -> Status {
        bad->push_back(ToBadRow(r));
        return Status::OK();
      };
    }
    return o;
  }

  // Reads once more into `out` (after its end, up to its capacity); sets eof_ at the end.
  Status ReadMore(Buffer* out) {
    const size_t at = out->size();
    out->Resize(out->capacity());
    auto n = source_->Read(reinterpret_cast<char*>(out->data()) + at, out->size() - at);
    if (!n.ok()) {
      out->Resize(at);
      return n.status();
    }
    out->Resize(at + *n);
    if (*n == 0) eof_ = true;
    return Status::OK();
  }

  // True when every line feed in `text` ends a record whatever came before: no quote
  // character, and every CR is part of a CRLF.
  bool SafeToCut(std::string_view text) const {
    if (base_.quote != '\0' && std::memchr(text.data(), base_.quote, text.size()) != nullptr) {
      return false;
    }
    const char* p = text.data();
    const char* const end = p + text.size();
    while (const void* cr = std::memchr(p, '\r', static_cast<size_t>(end - p))) {
      const char* c = static_cast<const char*>(cr);
      if (c + 1 >= end || c[1] != '\n') return false;
      p = c + 1;
    }
    return true;
  }

  // The header line (and a byte order mark) at the start of the input; sets switch_ when the
  // header is not a plain line.
  Status ReadHeader() {
    header_read_ = true;
    Buffer head;
    head.Reserve(size_t{64} << 10);
    while (!eof_ && std::memchr(head.data(), '\n', head.size()) == nullptr &&
           head.size() < options_.block_bytes) {
      if (head.size() == head.capacity()) head.Reserve(2 * head.capacity());
      FLOE_RETURN_IF_ERROR(ReadMore(&head));
    }
    std::string_view rest = head.view();
    const bool bom = rest.substr(0, 3) == "\xEF\xBB\xBF";
    if (base_.header) {
      const size_t nl = rest.find('\n');
      if (nl == std::string_view::npos || !SafeToCut(rest.substr(0, nl + 1))) {
        pending_.assign(rest);  // the whole input sequentially, from its first byte
        switch_ = true;
        return Status::OK();
      }
      header_.assign(rest.substr(bom ? 3 : 0, nl + 1 - (bom ? 3 : 0)));
      rest.remove_prefix(nl + 1);
      line_ = 2;
    } else if (bom) {
      rest.remove_prefix(3);
    }
    pending_.assign(rest);
    return Status::OK();
  }

  // Reads the next block, cuts it after its last line feed and starts parsing it; the cut-off
  // rest waits in pending_ for the next block.
  Status StartBlock() {
    if (!header_read_) {
      FLOE_RETURN_IF_ERROR(ReadHeader());
      if (switch_) return Status::OK();
    }
    const size_t block_bytes = RampedBlockBytes(options_.block_bytes, blocks_started_++);
    Buffer text;  // the header line, then the block (read straight into it: no copy)
    text.Reserve(header_.size() + std::max(pending_.size(), block_bytes) + 4096);
    text.Append(header_);
    text.Append(pending_);
    pending_.clear();
    const size_t data_at = header_.size();
    while (!eof_ && text.size() - data_at < block_bytes) {
      FLOE_RETURN_IF_ERROR(ReadMore(&text));
    }
    const std::string_view data = text.view().substr(data_at);
    if (data.empty()) {
      done_reading_ = true;
      return Status::OK();
    }
    size_t cut = data.size();
    if (!eof_) {
      const void* nl = memrchr(data.data(), '\n', data.size());
      if (nl == nullptr) {
        pending_.assign(data);  // a line longer than a block
        switch_ = true;
        return Status::OK();
      }
      cut = static_cast<size_t>(static_cast<const char*>(nl) - data.data()) + 1;
    }
    if (!SafeToCut(data.substr(0, cut))) {
      pending_.assign(data);
      switch_ = true;
      return Status::OK();
    }
    pending_.assign(data.substr(cut));
    const int64_t first_line = header_.empty() ? line_ : line_ - 1;
    line_ += CountNewlines(data.substr(0, cut));
    text.Resize(data_at + cut);
    if (eof_ && pending_.empty()) done_reading_ = true;
    in_flight_.push_back(
        std::async(std::launch::async, [this, first_line, text = std::move(text)]() {
          BlockResult r;
          auto reader = CsvBatchReader::Make(schema_, OptionsAt(first_line, &r.bad));
          if (!reader.ok()) {
            r.status = reader.status();
            return r;
          }
          r.status = (*reader)->Feed(text.view());
          if (r.status.ok()) r.status = (*reader)->Finish();
          while (auto b = (*reader)->NextBatch()) r.batches.push_back(std::move(*b));
          return r;
        }));
    return Status::OK();
  }

  // The rest of the input (pending_, then the source), from a record boundary, through one
  // reader.
  Status StartSequential() {
    const bool from_start = base_.header && header_.empty();  // the header was not plain
    CsvReadOptions o = OptionsAt(from_start ? 1 : (header_.empty() ? line_ : line_ - 1), nullptr);
    if (bad_rows_) {
      o.on_bad_row = [this](const CsvBadRow& r) -> Status {
        ++rows_rejected_;
        return bad_rows_(ToBadRow(r));
      };
    }
    // The header line (when it was read here), the pending bytes, then the source.
    auto head = std::make_shared<std::string>(header_ + pending_);
    pending_.clear();
    auto served = std::make_shared<size_t>(0);
    ByteSource* src = source_.get();
    const bool more = !eof_;
    FLOE_ASSIGN_OR_RETURN(
        sequential_,
        CsvStreamReader::Make(schema_, std::move(o),
                              [src, served, head, more](char* dst, size_t cap) -> Result<size_t> {
                                if (*served < head->size()) {
                                  const size_t n = std::min(cap, head->size() - *served);
                                  std::memcpy(dst, head->data() + *served, n);
                                  *served += n;
                                  return n;
                                }
                                if (!more) return size_t{0};
                                return src->Read(dst, cap);
                              }));
    return Status::OK();
  }

  CsvReadOptions base_;
  Status status_;
  // Parallel part.
  bool eof_ = false;
  bool header_read_ = false;
  std::string header_;   // the header line with its line ending ("" without a header)
  std::string pending_;  // input read but not yet in a block (it starts a record)
  int64_t line_ = 1;     // line number of pending_'s first byte
  bool done_reading_ = false;
  bool switch_ = false;  // the rest goes sequentially
  int64_t blocks_started_ = 0;
  std::deque<std::future<BlockResult>> in_flight_;
  std::deque<RecordBatch> ready_;
  // Sequential part.
  std::unique_ptr<CsvStreamReader> sequential_;
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
