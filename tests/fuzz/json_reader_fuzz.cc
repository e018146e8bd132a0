// libFuzzer target: arbitrary bytes into the JSON reader (JSON Lines or array) with a fixed
// nested schema, whole and in chunks. Checks, beyond "no crash, no leak, no UB":
//   - a parsed batch passes Column::Validate;
//   - feeding the same bytes in chunks gives the same rows as parsing them whole;
//   - write -> read -> write is stable (the writer's output reads back to the same text).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "floe/columnar/json_reader.h"
#include "floe/columnar/json_writer.h"

namespace {

using namespace floe;

SchemaPtr FuzzSchema() {
  static const SchemaPtr schema = std::make_shared<Schema>(std::vector<Field>{
      Field{"id", types::Int64(), false},
      Field{"u", types::UInt64()},
      Field{"i8", types::Int8()},
      Field{"b", types::Bool()},
      Field{"h", types::Float16()},
      Field{"f", types::Float32()},
      Field{"d", types::Float64()},
      Field{"dec", types::Decimal(38, 6)},
      Field{"day", types::Date()},
      Field{"t", types::Time(TimeUnit::kMilli, true)},
      Field{"ts", types::Timestamp(TimeUnit::kNano, false)},
      Field{"iv", types::Interval()},
      Field{"s", types::String()},
      Field{"j", types::Json()},
      Field{"bin", types::Binary()},
      Field{"fx", types::FixedBinary(2)},
      Field{"id2", types::Uuid()},
      Field{"tags", types::List(types::String(), false)},
      Field{"m", types::Map(types::String(), types::List(types::Int32()))},
      Field{"mk", types::Map(types::Date(), types::Bool(), false)},
      Field{"loc", types::Struct({Field{"x", types::Float64(), false},
                                  Field{"ll", types::List(types::List(types::Int16()))},
                                  Field{"in", types::Struct({Field{"e", types::Enum()}})}})},
  });
  return schema;
}

std::string Render(const RecordBatch& batch) {
  std::string out;
  AppendBatchJsonLines(batch, &out);
  return out;
}

[[noreturn]] void Die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "json_reader_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks options and a chunk size; the rest is the input.
  const uint8_t control = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  JsonReadOptions options;
  options.unknown_fields = (control & 1) ? JsonReadOptions::UnknownFields::kError
                                         : JsonReadOptions::UnknownFields::kIgnore;
  options.json_strings_as_text = (control & 2) != 0;
  options.max_document_bytes = 1 << 16;
  options.max_json_depth = 64;
  const SchemaPtr schema = FuzzSchema();

  Result<RecordBatch> whole = ParseJsonLines(input, schema, options);
  if (whole.ok()) {
    const Status valid = whole->Validate();
    if (!valid.ok()) Die("invalid batch", valid.ToString());
  }

  // The same bytes in chunks of 1..64 bytes, in batches of up to 5 rows.
  JsonReadOptions chunked = options;
  chunked.batch_rows = 5;
  JsonBatchReader reader(schema, chunked);
  const size_t chunk = 1 + (control >> 2);
  std::string rows;
  Status s;
  for (size_t i = 0; i < input.size() && s.ok(); i += chunk) {
    s = reader.Feed(input.substr(i, chunk));
    while (auto b = reader.NextBatch()) rows += Render(*b);
  }
  if (s.ok()) s = reader.Finish();
  while (auto b = reader.NextBatch()) rows += Render(*b);
  if (s.ok() != whole.ok()) {
    Die("chunked and whole parses disagree",
        s.ToString() + " vs " + (whole.ok() ? "OK" : whole.status().ToString()));
  }
  if (!whole.ok()) return 0;
  const std::string text = Render(*whole);
  if (rows != text) Die("chunked rows differ", rows + "\n---\n" + text);

  // What the writer emits must read back to the same text (json columns are written as
  // strings holding their text, so they are read back that way).
  JsonReadOptions reread = options;
  reread.json_strings_as_text = true;
  Result<RecordBatch> again = ParseJsonLines(text, schema, reread);
  if (!again.ok()) Die("writer output does not parse", again.status().ToString() + "\n" + text);
  const std::string text2 = Render(*again);
  if (text2 != text) Die("write/read/write is not stable", text + "\n---\n" + text2);
  return 0;
}
