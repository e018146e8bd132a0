// libFuzzer target: arbitrary bytes into the CSV reader and schema inference. Checks, beyond
// "no crash, no leak, no UB, no hang":
//   - a parsed batch passes Column::Validate;
//   - feeding the same bytes in chunks gives the same rows, the same error and the same bad
//     rows as parsing them whole;
//   - in bad-row mode, rows read + bad rows = records (as SplitCsvRecords counts them);
//   - a schema inferred from the input reads the input back with no bad values: the only bad
//     rows are short and long rows (which inference skips).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "floe/columnar/csv_reader.h"
#include "floe/columnar/json_writer.h"
#include "floe/columnar/schema_inference.h"

namespace {

using namespace floe;

SchemaPtr FuzzSchema() {
  static const SchemaPtr schema = std::make_shared<Schema>(std::vector<Field>{
      Field{"a", types::Int64(), false},
      Field{"b", types::String()},
      Field{"c", types::Float64()},
      Field{"d", types::Timestamp(TimeUnit::kNano, true)},
      Field{"e", types::Decimal(9, 3)},
      Field{"f", types::Bool()},
      Field{"g", types::Date()},
      Field{"h", types::Json()},
      Field{"i", types::Binary()},
      Field{"j", types::UInt8()},
      Field{"k", types::Time(TimeUnit::kMilli)},
      Field{"l", types::Uuid()},
      Field{"m", types::Float16()},
  });
  return schema;
}

[[noreturn]] void Die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "csv_reader_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

struct Outcome {
  std::string rows;
  std::string bad;  // "line:column:record|" per bad row
  int64_t bad_count = 0;
  int64_t rows_read = 0;
  Status status;
};

Outcome Read(std::string_view input, const SchemaPtr& schema, CsvReadOptions options,
             size_t chunk) {
  Outcome out;
  if (options.on_bad_row) {
    options.on_bad_row = [&out](const CsvBadRow& b) {
      out.bad += std::to_string(b.line) + ":" + std::to_string(b.column) + ":" +
                 std::string(b.record) + "|" + b.reason->message() + "\n";
      ++out.bad_count;
      return Status::OK();
    };
  }
  if (chunk == 0) {
    Result<RecordBatch> r = ParseCsv(input, schema, options);
    out.status = r.status();
    if (r.ok()) {
      const Status valid = r->Validate();
      if (!valid.ok()) Die("invalid batch", valid.ToString());
      AppendBatchJsonLines(*r, &out.rows);
      out.rows_read = r->num_rows;
    }
    return out;
  }
  options.batch_rows = 3;
  auto reader = CsvBatchReader::Make(schema, options);
  if (!reader.ok()) Die("Make failed", reader.status().ToString());
  Status s;
  for (size_t i = 0; i < input.size() && s.ok(); i += chunk) {
    s = (*reader)->Feed(input.substr(i, chunk));
    while (auto b = (*reader)->NextBatch()) {
      const Status valid = b->Validate();
      if (!valid.ok()) Die("invalid batch", valid.ToString());
      AppendBatchJsonLines(*b, &out.rows);
    }
  }
  if (s.ok()) s = (*reader)->Finish();
  while (auto b = (*reader)->NextBatch()) AppendBatchJsonLines(*b, &out.rows);
  out.status = s;
  out.rows_read = (*reader)->rows_read();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // Two control bytes pick the dialect, the mode and a chunk size; the rest is the input.
  const uint8_t c0 = data[0];
  const uint8_t c1 = data[1];
  const std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);
  CsvReadOptions options;
  static constexpr char kDelims[] = {',', ';', '\t', '|'};
  static constexpr char kQuotes[] = {'"', '\'', '\0', '"'};
  options.delimiter = kDelims[c0 & 3];
  options.quote = kQuotes[(c0 >> 2) & 3];
  options.header = (c0 & 16) != 0;
  options.trim_whitespace = (c0 & 32) != 0 && options.delimiter != '\t';
  options.skip_blank_lines = (c0 & 64) == 0;
  const bool bad_rows = (c0 & 128) != 0;
  if (c1 & 1) options.null_values = {"", "NA", "\\N"};
  options.skip_rows = (c1 >> 1) & 1;
  options.missing_columns = CsvReadOptions::MissingColumns::kNull;
  options.max_field_bytes = 200;
  options.max_row_bytes = 1000;
  if (bad_rows) options.on_bad_row = [](const CsvBadRow&) { return Status::OK(); };
  const size_t chunk = 1 + (c1 >> 2);
  const SchemaPtr schema = FuzzSchema();

  const Outcome whole = Read(input, schema, options, 0);
  const Outcome chunked = Read(input, schema, options, chunk);
  if (whole.status.ToString() != chunked.status.ToString()) {
    Die("chunked and whole parses disagree",
        whole.status.ToString() + " vs " + chunked.status.ToString());
  }
  if (whole.status.ok() && whole.rows != chunked.rows) {
    Die("chunked rows differ", whole.rows + "\n---\n" + chunked.rows);
  }
  if (whole.bad != chunked.bad) Die("chunked bad rows differ", whole.bad + "\n---\n" + chunked.bad);

  // Every record is either a row or a bad row.
  CsvReadOptions split_options = options;
  split_options.on_bad_row = nullptr;
  auto records = SplitCsvRecords(input, split_options, INT64_MAX, true);
  if (bad_rows && whole.status.ok() && records.ok()) {
    const int64_t data_records =
        static_cast<int64_t>(records->size()) - (options.header && !records->empty() ? 1 : 0);
    if (whole.rows_read + whole.bad_count != data_records) {
      Die("rows + bad rows != records", std::to_string(whole.rows_read) + " + " +
                                            std::to_string(whole.bad_count) +
                                            " != " + std::to_string(data_records));
    }
  }

  // Inference, then reading with the inferred schema: only short and long rows are bad.
  InferOptions infer;
  infer.max_records = INT64_MAX;
  Result<Schema> inferred = InferCsvSchema(input, split_options, infer);
  if (inferred.ok() && !inferred->fields.empty()) {
    CsvReadOptions reread = split_options;
    std::string bad;
    reread.on_bad_row = [&bad](const CsvBadRow& b) {
      const std::string& m = b.reason->message();
      if (m.find("short row") == std::string::npos && m.find("long row") == std::string::npos) {
        bad += m + "\n";
      }
      return Status::OK();
    };
    Result<RecordBatch> r = ParseCsv(input, std::make_shared<Schema>(std::move(*inferred)), reread);
    if (!r.ok()) Die("inferred schema does not read its sample", r.status().ToString());
    if (!bad.empty()) Die("inferred schema rejects values of its sample", bad);
  }
  return 0;
}
